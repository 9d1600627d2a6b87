//! Stage 1 of the pipeline: files → validated `Site`.
//!
//! `site.toml` first (records refer to its stages, fields and levels), then
//! every record and page in parallel, then the cross-record checks and the
//! journey order in `resolve`. Every problem is collected; the site is only
//! returned when there are none.

mod config;
pub mod diagram;
pub mod faq;
mod files;
pub mod history;
mod page;
pub mod process;
mod record;
mod resolve;
pub mod satisfaction;

pub use files::{MAX_FILE_BYTES, skipped_files};
use files::{list_files, read_source};

use crate::cache::KeyBuilder;
use crate::diag::{self, DiagResult, Diagnostic, SourceText};
use crate::markdown::{self, MarkdownOptions};
use crate::memo::{Memo, Store};
use crate::model::{Doc, Page, Procedure, RichText, Site};
use crate::schema::{self, Keyed};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use std::path::Path;
use toml::Spanned;

pub use config::Config;
pub use record::slug_of;

/// Where the site's inputs live, relative to its root.
pub const SITE_FILE: &str = "site.toml";
pub const PROCEDURES_DIR: &str = "content/procedures";
pub const PAGES_DIR: &str = "content/pages";

/// What loading one record file gives: the record (with the spans the
/// cross-record checks point at), its diagnostics, and its code if it failed.
pub(crate) type RecordResult = (Option<(Procedure, record::RecordSpans)>, Vec<Diagnostic>, Option<String>);
/// What loading one page file gives.
pub(crate) type PageResult = (Option<Page>, Vec<Diagnostic>);

/// What a long-running process remembers of parsed files (`load`'s slot of the `Memo`).
#[derive(Default)]
struct ParsedFiles {
    records: Store<RecordResult>,
    pages: Store<PageResult>,
}

/// Loads and validates the site at `root`.
/// `base_url` overrides the one in site.toml (the `--base-url` option).
pub fn load_site(root: &Path, base_url: Option<&str>) -> DiagResult<Site> {
    load_site_with(root, base_url, None)
}

/// `load_site`, reusing the parsed files of earlier loads from `memo` when
/// their text and site.toml are unchanged (`onestop serve`).
pub fn load_site_with(root: &Path, base_url: Option<&str>, memo: Option<&Memo>) -> DiagResult<Site> {
    let mut errors = Vec::new();
    let config_src = match read_source(root, Path::new(SITE_FILE)) {
        Ok(s) => s,
        Err(d) => return Err(vec![d]),
    };
    let Some(mut config) = config::load_config(&config_src, base_url, &mut errors) else {
        diag::sort(&mut errors);
        return Err(errors);
    };
    // A parsed file depends on its own text and on site.toml (stages, fields, base path).
    let mut config_key = KeyBuilder::new("parsed-v1");
    config_key.add_str(&config_src.text).add_str(base_url.unwrap_or(""));
    let key_of = |rel: &Path, text: &str| config_key.clone().add_str(&rel.to_string_lossy()).add_str(text).finish();

    let parsed = memo.map(|m| (m.files(), m.slot::<ParsedFiles>()));
    let mut warnings = std::mem::take(&mut config.warnings);
    let record_files = list_files(root, PROCEDURES_DIR, "toml", &mut errors, &mut warnings);
    let page_files = list_files(root, PAGES_DIR, "md", &mut errors, &mut warnings);

    // The history (a git process) runs while the records are parsed.
    let (history, records) = rayon::join(
        || history::last_changes(root, PROCEDURES_DIR, &record_files),
        || -> Vec<RecordResult> {
            record_files
                .par_iter()
                .map(|rel| match (read_source(root, rel), &parsed) {
                    (Ok(src), Some((n, m))) => {
                        m.records.get_or(n, rel, key_of(rel, &src.text), || load_record_file(rel, Ok(src), &config))
                    }
                    (src, _) => load_record_file(rel, src, &config),
                })
                .collect()
        },
    );
    let pages: Vec<PageResult> = page_files
        .par_iter()
        .map(|rel| match (read_source(root, rel), &parsed) {
            (Ok(src), Some((n, m))) => {
                m.pages.get_or(n, rel, key_of(rel, &src.text), || load_page_file(rel, Ok(src), &config))
            }
            (src, _) => load_page_file(rel, src, &config),
        })
        .collect();
    if let Some((_, m)) = &parsed {
        m.records.prune();
        m.pages.prune();
    }

    let mut procedures = Vec::with_capacity(records.len());
    // Codes of records that failed to load: references to them are not
    // reported again as dangling (one mistake, one message).
    let mut failed_codes = std::collections::HashSet::new();
    for (loaded, out, failed_code) in records {
        errors.extend(out);
        procedures.extend(loaded.map(|(mut p, spans): (crate::model::Procedure, record::RecordSpans)| {
            p.updated = history.get(&p.source).cloned();
            for at in &spans.unchecked_processes {
                warnings.push(
                    Diagnostic::new(
                        "process-unchecked",
                        "the record gives no processing time in working days or hours: the steps' total is not checked",
                    )
                    .at_loc(&p.source, *at)
                    .field("internal_process")
                    .hint("give the channel's time and time_unit (\"working-days\" or \"hours\")"),
                );
            }
            (p, spans)
        }));
        failed_codes.extend(failed_code);
    }
    let mut loaded_pages = Vec::with_capacity(pages.len());
    for (loaded, out) in pages {
        errors.extend(out);
        loaded_pages.extend(loaded);
    }
    let mut site = resolve::resolve(config, procedures, loaded_pages, &failed_codes, &mut errors);
    faq::load(root, &mut site, &failed_codes, &mut errors, &mut warnings);
    for rel in list_files(root, diagram::DIAGRAMS_DIR, "toml", &mut errors, &mut warnings) {
        match (read_source(root, &rel), record::slug_of(&rel)) {
            (Err(d), _) => errors.push(d),
            (Ok(_), None) => errors.push(bad_slug(&rel)),
            (Ok(src), Some(name)) => site.diagrams.extend(diagram::load_diagram(&src, &name, &site, &mut errors)),
        }
    }
    diagram::check_inline(&site.diagrams, &mut errors);
    site.satisfaction = satisfaction::load(root, site.config.edition.as_deref(), &mut errors);
    diag::sort(&mut warnings);
    site.warnings = warnings;
    if errors.is_empty() {
        Ok(site)
    } else {
        diag::sort(&mut errors);
        Err(errors)
    }
}

fn load_record_file(rel: &Path, src: Result<SourceText, Diagnostic>, config: &config::Config) -> RecordResult {
    let mut out = Vec::new();
    let src = match src {
        Ok(s) => s,
        Err(d) => return (None, vec![d], None),
    };
    let loaded = match record::slug_of(rel) {
        None => {
            out.push(bad_slug(rel));
            None
        }
        Some(slug) => record::load_record(&src, &slug, config, &mut out),
    };
    let failed_code = if loaded.is_none() { code_of(&src.text) } else { None };
    (loaded, out, failed_code)
}

fn load_page_file(rel: &Path, src: Result<SourceText, Diagnostic>, config: &config::Config) -> PageResult {
    let mut out = Vec::new();
    let src = match src {
        Ok(s) => s,
        Err(d) => return (None, vec![d]),
    };
    let loaded = match record::slug_of(rel) {
        None => {
            out.push(bad_slug(rel));
            None
        }
        Some(slug) => page::load_page(&src, &slug, &config.site, &mut out),
    };
    (loaded, out)
}

/// Reads and validates `site.toml` alone (for tools such as `onestop import`
/// that write records for its stages and fields).
pub fn load_config_at(root: &Path) -> DiagResult<Config> {
    let src = read_source(root, Path::new(SITE_FILE)).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    match config::load_config(&src, None, &mut errors) {
        Some(c) if errors.is_empty() => Ok(c),
        _ => {
            diag::sort(&mut errors);
            Err(errors)
        }
    }
}

/// Checks the text of one record as `check` would (schema, values, stage
/// and field references), without the cross-record checks.
pub fn check_record_text(config: &Config, rel: &Path, text: &str) -> Vec<Diagnostic> {
    let src = SourceText::new(rel.to_path_buf(), text.to_string());
    let mut out = Vec::new();
    match record::slug_of(rel) {
        None => out.push(bad_slug(rel)),
        Some(slug) => {
            record::load_record(&src, &slug, config, &mut out);
        }
    }
    out
}

/// The `code` of a record's text, if it can be read at all.
pub fn record_code(text: &str) -> Option<String> {
    code_of(text)
}

/// The `code` of a record that failed validation, if it can be read at all.
fn code_of(text: &str) -> Option<String> {
    let table = toml::de::DeTable::parse(text).ok()?;
    let code = table.get_ref().iter().find(|(k, _)| k.get_ref() == "code")?.1.get_ref().as_str()?.trim().to_string();
    Some(code)
}

fn bad_slug(rel: &Path) -> Diagnostic {
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    Diagnostic::new("bad-slug", format!("file name `{stem}` is not a valid URL slug"))
        .in_file(rel)
        .hint(format!("rename it to `{}` (lower-case letters, digits and hyphens)", crate::text::slugify(stem)))
}

/// Parses TOML (`text` starts at byte `base` of `src`), checks it against
/// `T`'s table of the schema, and deserializes it. `None` when it cannot be read at all; a value
/// can come back alongside errors (e.g. an unknown key), so callers compare
/// the error count before and after.
fn parse_toml<T: DeserializeOwned + Keyed>(
    src: &SourceText,
    base: usize,
    text: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<T> {
    let table = match toml::de::DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let at = e.span().map_or(0, |s| s.start);
            out.push(
                Diagnostic::new("toml-syntax", first_line(e.message()))
                    .at(src, base + at)
                    .hint("check quotes, brackets and `key = value` syntax; strings need \"quotes\""),
            );
            return None;
        }
    };
    check_controls(table.get_ref(), "", src, base, out);
    let before = out.len();
    schema::check_table(table.get_ref(), table.span(), T::KEYS, "", src, base, out);
    // With only unknown keys (typos of optional keys) the values are sound: go
    // on, so the semantic checks report their problems in the same run.
    // Other schema errors make values unreliable: stop at what was said.
    if out[before..].iter().any(|d| d.code != "unknown-key") {
        return None;
    }
    let schema_ok = out.len() == before;
    match T::deserialize(toml::de::Deserializer::from(table)) {
        Ok(v) => Some(v),
        Err(_) if !schema_ok => None, // already explained by the schema check
        Err(e) => {
            let at = e.span().map_or(0, |s| s.start);
            out.push(Diagnostic::new("bad-value", first_line(e.message())).at(src, base + at));
            None
        }
    }
}

/// Refuses invisible control characters in every string of a TOML table
/// (keys are checked against the schema). They can only come in as escapes
/// (`"\u001b"`, `"\e"`): TOML itself refuses raw ones.
fn check_controls(table: &toml::de::DeTable<'_>, path: &str, src: &SourceText, base: usize, out: &mut Vec<Diagnostic>) {
    for (k, v) in table.iter() {
        let name = k.get_ref().as_ref();
        let field = if path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
        check_value_controls(v, &field, src, base, out);
    }
}

fn check_value_controls(
    v: &Spanned<toml::de::DeValue<'_>>,
    field: &str,
    src: &SourceText,
    base: usize,
    out: &mut Vec<Diagnostic>,
) {
    use toml::de::DeValue;
    match v.get_ref() {
        DeValue::String(s) => {
            if let Some((_, c)) = crate::text::find_forbidden_control(s) {
                let at = locate_control(src, base + v.span().start, base + v.span().end, c);
                out.push(control_char(c, src, at, field));
            }
        }
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_value_controls(item, &format!("{field}[{i}]"), src, base, out);
            }
        }
        DeValue::Table(t) => check_controls(t, field, src, base, out),
        _ => {}
    }
}

/// Where a control character is written in the source: the raw character or
/// its escape (`\u001B`, `\U0000001B`, `\x1B`, `\e`) inside the value's
/// span, else the start of the value.
fn locate_control(src: &SourceText, start: usize, end: usize, c: char) -> usize {
    let Some(raw) = src.text.get(start..end) else { return start };
    if let Some(i) = raw.find(c) {
        return start + i;
    }
    let lower = raw.to_ascii_lowercase();
    let code = u32::from(c);
    let mut escapes = vec![format!("\\u{code:04x}"), format!("\\u{code:08x}"), format!("\\x{code:02x}")];
    if c == '\u{1b}' {
        escapes.push("\\e".into());
    }
    escapes.iter().filter_map(|e| lower.find(e.as_str())).min().map_or(start, |i| start + i)
}

fn control_char(c: char, src: &SourceText, at: usize, field: &str) -> Diagnostic {
    Diagnostic::new("control-char", format!("text holds an invisible control character (U+{:04X})", u32::from(c)))
        .at(src, at)
        .field(field)
        .hint(crate::text::control_hint(c))
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).trim().to_string()
}

fn opt_string(s: &Option<Spanned<String>>) -> Option<String> {
    s.as_ref().map(|s| s.get_ref().trim().to_string()).filter(|s| !s.is_empty())
}

/// Parses Markdown fields of one file, reporting refused links at their line.
struct MdCtx<'a> {
    src: &'a SourceText,
    allow_html: bool,
    base_path: &'a str,
}

impl MdCtx<'_> {
    /// `at` is the byte offset of the TOML string value (its opening quote).
    fn parse(
        &self,
        md: &str,
        at: usize,
        field: &str,
        heading_ids: bool,
        out: &mut Vec<Diagnostic>,
    ) -> markdown::Parsed {
        let md = crate::text::nfc(md);
        let (r, errs) = markdown::parse(
            &md,
            &MarkdownOptions { allow_html: self.allow_html, base_path: self.base_path, heading_ids },
        );
        let content_start = at + self.quote_len(at);
        if let Some(off) = r.too_deep {
            out.push(
                Diagnostic::new(
                    "too-deep",
                    format!(
                        "Markdown nested too deeply (more than {} levels of lists and quotes, or {} elements)",
                        markdown::MAX_BLOCK_NESTING,
                        markdown::MAX_ELEMENT_NESTING
                    ),
                )
                .at(self.src, content_start + off)
                .field(field)
                .hint(format!(
                    "flatten the list: at most {} levels of nested lists and block quotes",
                    markdown::MAX_BLOCK_NESTING
                )),
            );
        }
        // Offsets inside the value differ from the source when the literal has
        // escapes, CRLF line ends or non-NFC text: find the URL itself instead.
        let mut search_from = content_start;
        for e in errs {
            let found = self.src.text.get(search_from..).and_then(|rest| rest.find(&e.url)).map(|i| search_from + i);
            if let Some(p) = found {
                search_from = p + e.url.len();
            }
            // Point at the start of the link, `[text](url)`, as an editor reads it.
            let pos = found
                .and_then(|p| {
                    let before = &self.src.text[..p];
                    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                    before.ends_with("](").then(|| before[line_start..].rfind('[').map(|i| line_start + i)).flatten()
                })
                .or(found)
                .unwrap_or(content_start + e.offset);
            out.push(
                Diagnostic::new("bad-link", format!("link to `{}` is not allowed", e.url))
                    .at(self.src, pos)
                    .field(field)
                    .hint("links must be http://, https://, mailto:, tel: or a path on this site such as /thu-tuc/"),
            );
        }
        r
    }

    fn quote_len(&self, at: usize) -> usize {
        let rest = self.src.text.get(at..).unwrap_or("");
        if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
            3 + usize::from(rest[3..].starts_with('\n'))
        } else if rest.starts_with('"') || rest.starts_with('\'') {
            1
        } else {
            0
        }
    }

    fn doc(&self, s: &Spanned<String>, field: &str, out: &mut Vec<Diagnostic>) -> Doc {
        self.parse(s.get_ref(), s.span().start, field, false, out).doc
    }

    fn rich(
        &self,
        vi: &str,
        at_vi: usize,
        en: Option<&str>,
        at_en: usize,
        field: &str,
        out: &mut Vec<Diagnostic>,
    ) -> RichText {
        let r = self.parse(vi, at_vi, field, false, out);
        let en = en.map(|e| self.parse(e, at_en, &format!("{field}_en"), false, out));
        let (en, plain_en) = match en {
            Some(e) => (Some(e.doc), Some(e.plain)),
            None => (None, None),
        };
        RichText { vi: r.doc, en, plain: r.plain, plain_en }
    }
}
