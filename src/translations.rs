//! `onestop check --translations`: which English fields are missing, per
//! file, so editors know what the English edition shows in Vietnamese
//! (marked "only in Vietnamese"). A report, not an error: missing
//! translations never fail a build.

use crate::model::{RichText, Site, Text};
use std::fmt::Write;
use std::path::PathBuf;

/// One file (or one part of `site.toml`) and the English keys it lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub file: PathBuf,
    /// What in the file: `record 1.009664`, `stages[2] xay-dung`, `page gioi-thieu`, `site`.
    pub item: String,
    pub keys: Vec<String>,
}

fn lacks(t: &Text) -> bool {
    t.en.as_deref().is_none_or(|s| s.trim().is_empty())
}

fn lacks_rich(t: &RichText) -> bool {
    t.en.as_ref().is_none_or(|h| h.is_empty())
}

fn push(out: &mut Vec<Missing>, file: &str, item: String, keys: Vec<&str>) {
    if !keys.is_empty() {
        out.push(Missing { file: PathBuf::from(file), item, keys: keys.into_iter().map(String::from).collect() });
    }
}

/// Every missing English field, in file order: site.toml, records (by path), pages (by path).
pub fn missing(site: &Site) -> Vec<Missing> {
    let mut out = Vec::new();
    let c = &site.config;
    let mut keys = Vec::new();
    if lacks(&c.title) {
        keys.push("title_en");
    }
    if lacks(&c.description) && !c.description.vi.is_empty() {
        keys.push("description_en");
    }
    if lacks(&c.organisation.name) {
        keys.push("organisation.name_en");
    }
    push(&mut out, "site.toml", "site".into(), keys);
    for (i, s) in site.stages.iter().enumerate() {
        let mut keys = Vec::new();
        if lacks(&s.title) {
            keys.push("title_en");
        }
        if lacks_rich(&s.summary) && !s.summary.plain.is_empty() {
            keys.push("summary_en");
        }
        push(&mut out, "site.toml", format!("stages[{i}] {}", s.key), keys);
    }
    for (i, f) in site.fields.iter().enumerate() {
        push(
            &mut out,
            "site.toml",
            format!("fields[{i}] {}", f.key),
            if lacks(&f.title) { vec!["title_en"] } else { vec![] },
        );
    }
    for (i, l) in site.levels.iter().enumerate() {
        let mut keys = Vec::new();
        if lacks(&l.label) {
            keys.push("label_en");
        }
        if lacks_rich(&l.meaning) {
            keys.push("meaning_en");
        }
        push(&mut out, "site.toml", format!("levels[{i}] {}", l.key), keys);
    }
    let mut records: Vec<Missing> = Vec::new();
    for p in &site.procedures {
        let mut keys = Vec::new();
        if lacks(&p.title) {
            keys.push("title_en");
        }
        if lacks_rich(&p.summary) {
            keys.push("summary_en");
        }
        if !keys.is_empty() {
            records.push(Missing {
                file: p.source.clone(),
                item: format!("record {}", p.code),
                keys: keys.into_iter().map(String::from).collect(),
            });
        }
    }
    records.sort_by(|a, b| a.file.cmp(&b.file));
    out.extend(records);
    let mut pages: Vec<Missing> = site
        .pages
        .iter()
        .filter(|p| lacks(&p.title))
        .map(|p| Missing { file: p.source.clone(), item: format!("page {}", p.slug), keys: vec!["title_en".into()] })
        .collect();
    pages.sort_by(|a, b| a.file.cmp(&b.file));
    out.extend(pages);
    out
}

/// The text report: one line per item, then a summary.
pub fn report(site: &Site) -> String {
    let list = missing(site);
    let mut s = String::new();
    if !site.config.languages.iter().any(|l| l == "en") {
        s.push_str("note: site.toml `languages` does not list \"en\"; no English edition is built\n");
    }
    for m in &list {
        let _ = writeln!(
            s,
            "{}: {}: missing {}",
            m.file.display().to_string().replace('\\', "/"),
            m.item,
            m.keys.join(", ")
        );
    }
    let records = list.iter().filter(|m| m.item.starts_with("record ")).count();
    let _ = writeln!(
        s,
        "{} of {} records lack English fields; {} other items in site.toml and pages. Procedure details (steps, documents, agencies, legal basis) and page bodies have no English keys and always show in Vietnamese, marked as such.",
        records,
        site.procedures.len(),
        list.len() - records
    );
    s
}
