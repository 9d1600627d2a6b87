//! Questions from businesses: `content/faq/<slug>.toml` → `Site::faq`.
//!
//! Each file is read and checked on its own (schema, Markdown, URLs, stage,
//! `asked_via`, at least one legal basis); `attach` then checks the
//! procedures' codes against the loaded records (did-you-mean), gives a
//! question without `stage` its first procedure's stage, sorts the questions
//! and indexes them by code.

use super::config::check_http;
use super::record::legal_text;
use super::{MdCtx, opt_string, parse_toml};
use crate::diag::{Diagnostic, Loc, SourceText, did_you_mean};
use crate::model::{Basis, Question, Site, Text};
use crate::schema::faq::RawQuestion;
use crate::schema::record::RawLegal;
use crate::{schema, text};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Where the questions live, relative to the site root.
pub const FAQ_DIR: &str = "content/faq";

/// One question file, checked on its own: the question (its `stage` not yet
/// defaulted), the stage it names, and where its codes are written.
struct Loaded {
    question: Question,
    stage: Option<usize>,
    codes: Vec<Loc>,
}

/// What loading one question file gives.
type FaqResult = (Option<Loaded>, Vec<Diagnostic>);

/// Loads every question file under `FAQ_DIR` (in parallel) into `site.faq`,
/// once the records are loaded and resolved.
pub(super) fn load(
    root: &Path,
    site: &mut Site,
    failed_codes: &HashSet<String>,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    let results = load_files(root, site, errors, warnings);
    attach(site, results, failed_codes, errors);
}

fn load_files(
    root: &Path,
    site: &Site,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<FaqResult> {
    super::list_files(root, FAQ_DIR, "toml", errors, warnings)
        .par_iter()
        .map(|rel| {
            let mut out = Vec::new();
            let loaded = match (super::read_source(root, rel), super::slug_of(rel)) {
                (Err(d), _) => return (None, vec![d]),
                (Ok(_), None) => return (None, vec![super::bad_slug(rel)]),
                (Ok(src), Some(slug)) => load_question(&src, &slug, site, &mut out),
            };
            (loaded, out)
        })
        .collect()
}

fn err(src: &SourceText, code: &'static str, msg: impl Into<String>, at: usize, field: &str) -> Diagnostic {
    Diagnostic::new(code, msg).at(src, at).field(field)
}

fn load_question(src: &SourceText, slug: &str, site: &Site, out: &mut Vec<Diagnostic>) -> Option<Loaded> {
    let start = out.len();
    let raw: RawQuestion = parse_toml(src, 0, &src.text, out)?;
    let md = MdCtx { src, allow_html: site.config.allow_html, base_path: &site.config.base_path };
    if raw.question.get_ref().trim().is_empty() {
        out.push(err(src, "empty", "question is empty", raw.question.span().start, "question"));
    }
    let answer = md.rich(
        raw.answer.get_ref(),
        raw.answer.span().start,
        raw.answer_en.as_ref().map(|s| s.get_ref().as_str()),
        raw.answer_en.as_ref().map_or(0, |s| s.span().start),
        "answer",
        out,
    );
    if answer.plain.trim().is_empty() {
        out.push(
            err(src, "empty", "answer is empty", raw.answer.span().start, "answer")
                .hint("write the Board's answer, drawn from the legal texts listed under [[basis]]"),
        );
    }
    for (i, c) in raw.procedures.iter().enumerate() {
        if !text::is_procedure_code(c.get_ref().trim()) {
            let msg = format!("`{}` is not a procedure code", c.get_ref());
            out.push(
                err(src, "bad-code", msg, c.span().start, &format!("procedures[{i}]"))
                    .hint("list codes like \"1.009664\", as in the records' `code`"),
            );
        }
    }
    let stage = raw.stage.as_ref().and_then(|s| stage_of(s, site, src, out));
    if raw.stage.is_none() && raw.procedures.is_empty() {
        out.push(
            err(src, "missing-key", "a question about no procedure needs a `stage`", 0, "stage")
                .hint("add `stage = \"…\"` (a [[stages]] key of site.toml), or list the procedures it concerns"),
        );
    }
    check_asked(&raw, src, out);
    let basis = basis(&raw, src, out);
    if out.len() > start {
        return None;
    }
    let question = Question {
        slug: slug.to_string(),
        source: src.path.clone(),
        question: Text {
            vi: text::nfc(raw.question.get_ref().trim()),
            en: raw.question_en.as_deref().map(|s| text::nfc(s.trim())).filter(|s| !s.is_empty()),
        },
        answer,
        procedures: raw.procedures.iter().map(|c| c.get_ref().trim().to_string()).collect(),
        stage: stage.unwrap_or(0),
        asked_on: raw.asked_on.map(|d| d.to_string()),
        asked_via: opt_string(&raw.asked_via),
        asked_where: raw.asked_where.as_deref().map(|s| text::nfc(s.trim())).filter(|s| !s.is_empty()),
        asked_url: opt_string(&raw.asked_url),
        basis,
    };
    Some(Loaded { question, stage, codes: raw.procedures.iter().map(|c| src.loc(c.span().start)).collect() })
}

/// The index of a `[[stages]]` key, with a did-you-mean hint.
fn stage_of(key: &Spanned<String>, site: &Site, src: &SourceText, out: &mut Vec<Diagnostic>) -> Option<usize> {
    let k = key.get_ref().trim();
    let keys = || site.stages.iter().map(|s| s.key.as_str());
    if let Some(i) = keys().position(|x| x == k) {
        return Some(i);
    }
    let hint = match did_you_mean(k, keys()) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None => format!("known stages (site.toml [[stages]]): {}", keys().collect::<Vec<_>>().join(", ")),
    };
    out.push(err(src, "unknown-ref", format!("unknown stage `{k}`"), key.span().start, "stage").hint(hint));
    None
}

/// `asked_via` is one of `schema::ASKED_VIA`; `asked_url` an http(s) address.
fn check_asked(raw: &RawQuestion, src: &SourceText, out: &mut Vec<Diagnostic>) {
    if let Some(v) = &raw.asked_via
        && !schema::ASKED_VIA.contains(&v.get_ref().as_str())
    {
        let allowed = schema::ASKED_VIA.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ");
        let hint = match did_you_mean(v.get_ref(), schema::ASKED_VIA.iter().copied()) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => format!("one of {allowed}"),
        };
        let msg = format!("`{}` is not one of {allowed}", v.get_ref());
        out.push(err(src, "bad-value", msg, v.span().start, "asked_via").hint(hint));
    }
    if let Some(u) = &raw.asked_url {
        check_http(u, "asked_url", src, out);
    }
}

/// The legal texts of the answer: at least one, each URL an http(s) address.
fn basis(raw: &RawQuestion, src: &SourceText, out: &mut Vec<Diagnostic>) -> Vec<Basis> {
    let list = raw.basis.as_ref().map_or(&[][..], |b| b.get_ref().as_slice());
    if list.is_empty() {
        let at = raw.basis.as_ref().map_or(0, |b| b.span().start);
        out.push(err(src, "no-basis", "the answer names no legal text", at, "basis").hint(
            "answers must name their legal source: add a [[basis]] table with number, title, issuer, date, url and article",
        ));
    }
    let nfc = |s: &Option<String>| s.as_deref().map(|s| text::nfc(s.trim())).filter(|s| !s.is_empty());
    list.iter()
        .enumerate()
        .map(|(i, b)| {
            // A basis is a legal text (its keys are checked to be the same) plus the article.
            let legal = RawLegal {
                number: b.number.clone(),
                title: b.title.clone(),
                date: b.date,
                issuer: b.issuer.clone(),
                url: b.url.clone(),
            };
            Basis { text: legal_text(&legal, &format!("basis[{i}]"), src, out), article: nfc(&b.article) }
        })
        .collect()
}

/// Checks the questions' codes against the records (a code whose record
/// failed to load is not reported again), defaults their stages, sorts them
/// and indexes them by code into `site`.
fn attach(site: &mut Site, results: Vec<FaqResult>, failed_codes: &HashSet<String>, errors: &mut Vec<Diagnostic>) {
    let mut codes: Vec<&str> = site.by_code.keys().map(String::as_str).collect();
    codes.sort_unstable();
    let mut faq = Vec::with_capacity(results.len());
    let mut slugs: HashMap<String, PathBuf> = HashMap::new();
    for (loaded, out) in results {
        errors.extend(out);
        let Some(Loaded { mut question, stage, codes: locs }) = loaded else { continue };
        let before = errors.len();
        for (i, (code, at)) in question.procedures.iter().zip(locs).enumerate() {
            if site.by_code.contains_key(code) || failed_codes.contains(code) {
                continue;
            }
            let d = Diagnostic::new("dangling-ref", format!("no procedure has code {code}"))
                .at_loc(&question.source, at)
                .field(format!("procedures[{i}]"));
            errors.push(match did_you_mean(code, codes.iter().copied()) {
                Some(s) => d.hint(format!("did you mean \"{s}\" ({})?", site.procedures[site.by_code[s]].title.vi)),
                None => d.hint("list only codes of procedures in content/procedures/"),
            });
        }
        if let Some(other) = slugs.insert(question.slug.clone(), question.source.clone()) {
            errors.push(
                Diagnostic::new("dup-slug", format!("question `{}` is also in {}", question.slug, other.display()))
                    .in_file(&question.source)
                    .hint("two files have the same name in different folders; rename one (the name is its anchor)"),
            );
        }
        let first_stage =
            question.procedures.iter().find_map(|c| site.by_code.get(c)).map(|&i| site.procedures[i].stage);
        match stage.or(first_stage) {
            Some(s) if errors.len() == before => {
                question.stage = s;
                faq.push(question);
            }
            _ => {} // reported here, or its procedures' records failed to load
        }
    }
    // By stage, then newest first (undated last), then slug.
    faq.sort_by(|a, b| {
        (a.stage.cmp(&b.stage))
            .then(a.asked_on.is_none().cmp(&b.asked_on.is_none()))
            .then(b.asked_on.cmp(&a.asked_on))
            .then(a.slug.cmp(&b.slug))
    });
    let mut by_code: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, q) in faq.iter().enumerate() {
        let mut seen = HashSet::new();
        for code in q.procedures.iter().filter(|c| seen.insert(c.as_str())) {
            by_code.entry(code.clone()).or_default().push(i);
        }
    }
    site.faq = faq;
    site.faq_by_code = by_code;
}
