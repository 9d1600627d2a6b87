//! The content format as data: every key of `site.toml`, of a procedure
//! record, a question, a diagram and a page's front matter, with its type,
//! whether it is required, and a one-line description.
//!
//! Each table is written once, with `format_table!` (see `table`), which
//! declares both the `&[Key]` table and the `Raw*` struct that `load`
//! deserializes the table into, so the checks and serde cannot disagree on a
//! key. The tables drive the unknown-key and type checks (all errors of a file
//! at once, with did-you-mean hints), the skeleton written by `onestop new`,
//! and a test that `docs/content-format.md` documents every key.

use crate::diag::{Diagnostic, SourceText, did_you_mean};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The type a key's value must have.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    Str,
    /// A string holding Markdown.
    Markdown,
    Bool,
    Int,
    /// Integer or float.
    Number,
    /// A TOML local date, `2024-05-31`.
    Date,
    StrList,
    MarkdownList,
    IntList,
    /// A list of procedure codes.
    CodeList,
    /// A string from a fixed set.
    Enum(&'static [&'static str]),
    Table(&'static [Key]),
    TableArray(&'static [Key]),
    /// A table with keys of the editor's choosing, each a string or an array
    /// of strings (`[search] abbreviations = { GPXD = "giấy phép xây dựng" }`).
    StrMap,
}

impl Ty {
    pub fn describe(&self) -> String {
        match self {
            Ty::Str => "string".into(),
            Ty::Markdown => "string (Markdown)".into(),
            Ty::Bool => "boolean".into(),
            Ty::Int => "integer".into(),
            Ty::Number => "number".into(),
            Ty::Date => "date (YYYY-MM-DD, no quotes)".into(),
            Ty::StrList => "array of strings".into(),
            Ty::MarkdownList => "array of strings (Markdown)".into(),
            Ty::IntList => "array of integers".into(),
            Ty::CodeList => "array of procedure codes".into(),
            Ty::Enum(v) => format!("one of {}", v.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ")),
            Ty::Table(_) => "table".into(),
            Ty::TableArray(_) => "array of tables".into(),
            Ty::StrMap => "table of strings (or arrays of strings)".into(),
        }
    }
}

/// One key of the content format.
#[derive(Debug)]
pub struct Key {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub doc: &'static str,
}

pub const CHANNEL_KINDS: &[&str] = &["direct", "online", "postal"];
pub const TIME_UNITS: &[&str] = &["working-days", "days", "hours"];
pub const PATTERNS: &[&str] = &["none", "hatch", "cross", "dots", "solid"];
pub const SCHEMES: &[&str] = &["2011", "2022", "custom"];
/// Paper sizes of the procedure leaflets (`print_paper`).
pub const PAPERS: &[&str] = &["A4", "A5"];
/// PDF standards of the typeset products (`print_standard`).
pub const PDF_STANDARDS: &[&str] = &["pdf-ua-1", "pdf-a-2b"];

/// Bounds of the numbers of a record, checked at load (and documented in
/// docs/content-format.md) so no sum, duration or amount can overflow.
/// Largest `fee_vnd`: one trillion đồng.
pub const MAX_FEE_VND: i64 = 1_000_000_000_000;
/// Largest `time` in days or working days: ten years.
pub const MAX_TIME_DAYS: f64 = 3_650.0;
/// Largest `time` in hours: ten years.
pub const MAX_TIME_HOURS: f64 = 87_600.0;
/// Largest dossier count of one procedure in one year (`statistics`).
pub const MAX_DOSSIERS: i64 = 100_000_000;
/// Largest number of originals or copies of one document.
pub const MAX_DOCUMENT_COPIES: i64 = 1_000;

/// Checks a parsed TOML table against `keys`: unknown keys, missing required
/// keys and wrong types, all reported. `base` is the byte offset of the TOML
/// text inside `src` (non-zero for front matter).
pub fn check_table(
    table: &DeTable<'_>,
    span: std::ops::Range<usize>,
    keys: &[Key],
    path: &str,
    src: &SourceText,
    base: usize,
    out: &mut Vec<Diagnostic>,
) {
    for (k, v) in table.iter() {
        let name = k.get_ref().as_ref();
        let field = join(path, name);
        match keys.iter().find(|key| key.name == name) {
            None => {
                let mut d = Diagnostic::new("unknown-key", format!("unknown key `{name}`"))
                    .at(src, base + k.span().start)
                    .field(&field);
                d = match did_you_mean(name, keys.iter().map(|k| k.name)) {
                    Some(s) => d.hint(format!("did you mean `{s}`?")),
                    None => d.hint(format!(
                        "allowed keys here: {}",
                        keys.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
                    )),
                };
                out.push(d);
            }
            Some(key) => check_value(v, key, &field, src, base, out),
        }
    }
    for key in keys.iter().filter(|k| k.required) {
        if !table.iter().any(|(k, _)| k.get_ref().as_ref() == key.name) {
            out.push(
                Diagnostic::new("missing-key", format!("required key `{}` is missing", key.name))
                    .at(src, base + span.start)
                    .field(join(path, key.name))
                    .hint(format!("add `{} = …` ({}): {}", key.name, key.ty.describe(), key.doc)),
            );
        }
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_string() } else { format!("{path}.{name}") }
}

fn check_value(
    v: &Spanned<DeValue<'_>>,
    key: &Key,
    field: &str,
    src: &SourceText,
    base: usize,
    out: &mut Vec<Diagnostic>,
) {
    let c = ValueCheck { key, field, src, base };
    let val = v.get_ref();
    let at = v.span().start;
    match key.ty {
        Ty::Str | Ty::Markdown => match val.as_str() {
            Some(s) if s.trim_start().starts_with("TODO") => out.push(
                Diagnostic::new("todo", "this field still says TODO")
                    .at(src, base + at)
                    .field(field)
                    .hint(format!("fill it in: {}", key.doc)),
            ),
            Some(_) => {}
            None => out.push(c.wrong(at, val.type_str())),
        },
        Ty::Enum(allowed) => match val.as_str() {
            Some(s) if allowed.contains(&s) => {}
            Some(s) => {
                let mut d = Diagnostic::new("bad-value", format!("`{s}` is not {}", key.ty.describe()))
                    .at(src, base + at)
                    .field(field);
                if let Some(m) = did_you_mean(s, allowed.iter().copied()) {
                    d = d.hint(format!("did you mean \"{m}\"?"));
                }
                out.push(d);
            }
            None => out.push(c.wrong(at, val.type_str())),
        },
        Ty::Bool if !val.is_bool() => out.push(c.wrong(at, val.type_str())),
        Ty::Int => match val.as_integer() {
            Some(i) if i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).is_err() => out.push(
                Diagnostic::new("bad-value", format!("{} is too large a number", i.as_str()))
                    .at(src, base + at)
                    .field(field)
                    .hint(key.doc),
            ),
            Some(_) => {}
            None => out.push(c.wrong(at, val.type_str())),
        },
        Ty::Number if !val.is_integer() && !val.is_float() => out.push(c.wrong(at, val.type_str())),
        Ty::Date => match val.as_datetime() {
            Some(d) if d.date.is_some() && d.time.is_none() => {}
            _ => out.push(c.wrong(at, val.type_str())),
        },
        Ty::StrList | Ty::MarkdownList | Ty::CodeList => c.list_of(v, |v| v.is_str(), "string", out),
        Ty::IntList => c.list_of(v, |v| v.is_integer(), "integer", out),
        Ty::Table(keys) => match val.as_table() {
            Some(t) => check_table(t, v.span(), keys, field, src, base, out),
            None => out.push(c.wrong(at, val.type_str())),
        },
        Ty::StrMap => match val.as_table() {
            Some(t) => c.str_map(t, out),
            None => out.push(c.wrong(at, val.type_str())),
        },
        Ty::TableArray(keys) => match val.as_array() {
            Some(items) => c.table_array(items, keys, out),
            None => out.push(c.wrong(at, val.type_str())),
        },
        Ty::Bool | Ty::Number => {}
    }
}

/// One value being checked against its key: where it is, for located errors.
struct ValueCheck<'a> {
    key: &'a Key,
    field: &'a str,
    src: &'a SourceText,
    base: usize,
}

impl ValueCheck<'_> {
    fn wrong(&self, at: usize, found: &str) -> Diagnostic {
        Diagnostic::new("wrong-type", format!("expected {}, found {found}", self.key.ty.describe()))
            .at(self.src, self.base + at)
            .field(self.field)
            .hint(self.key.doc)
    }

    fn list_of(&self, v: &Spanned<DeValue<'_>>, ok: fn(&DeValue<'_>) -> bool, elem: &str, out: &mut Vec<Diagnostic>) {
        let Some(items) = v.get_ref().as_array() else {
            out.push(self.wrong(v.span().start, v.get_ref().type_str()));
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let at = self.base + item.span().start;
            if item.get_ref().as_str().is_some_and(|s| s.trim_start().starts_with("TODO")) {
                out.push(
                    Diagnostic::new("todo", "this entry still says TODO")
                        .at(self.src, at)
                        .field(format!("{}[{i}]", self.field))
                        .hint(format!("fill it in or remove it: {}", self.key.doc)),
                );
            } else if !ok(item.get_ref()) {
                out.push(
                    Diagnostic::new("wrong-type", format!("expected {elem}, found {}", item.get_ref().type_str()))
                        .at(self.src, at)
                        .field(format!("{}[{i}]", self.field))
                        .hint(self.key.doc),
                );
            }
        }
    }

    /// An abbreviation table: one word → a string or a list of strings.
    fn str_map(&self, t: &DeTable<'_>, out: &mut Vec<Diagnostic>) {
        for (k, item) in t.iter() {
            let name: &str = k.get_ref();
            let field = join(self.field, name);
            if name.is_empty() || !name.chars().all(char::is_alphanumeric) {
                out.push(
                    Diagnostic::new("bad-value", format!("`{name}` is not one word of letters and digits"))
                        .at(self.src, self.base + k.span().start)
                        .field(&field)
                        .hint("write the abbreviation as readers type it, without spaces or dots: GPXD = \"giấy phép xây dựng\""),
                );
            }
            let blank = |x: &DeValue<'_>| x.as_str().is_some_and(|s| s.trim().is_empty());
            let (ok, empty) = match item.get_ref() {
                DeValue::String(_) => (true, blank(item.get_ref())),
                DeValue::Array(a) => {
                    (a.iter().all(|x| x.get_ref().is_str()), a.is_empty() || a.iter().any(|x| blank(x.get_ref())))
                }
                _ => (false, false),
            };
            let at = self.base + item.span().start;
            if empty {
                out.push(
                    Diagnostic::new("bad-value", "an abbreviation needs the words it stands for")
                        .at(self.src, at)
                        .field(&field)
                        .hint(self.key.doc),
                );
            } else if !ok {
                let found = item.get_ref().type_str();
                out.push(
                    Diagnostic::new("wrong-type", format!("expected a string or an array of strings, found {found}"))
                        .at(self.src, at)
                        .field(&field)
                        .hint(self.key.doc),
                );
            }
        }
    }

    fn table_array(&self, items: &[Spanned<DeValue<'_>>], keys: &[Key], out: &mut Vec<Diagnostic>) {
        for (i, item) in items.iter().enumerate() {
            let field = format!("{}[{i}]", self.field);
            match item.get_ref().as_table() {
                Some(t) => check_table(t, item.span(), keys, &field, self.src, self.base, out),
                None => out.push(
                    Diagnostic::new("wrong-type", format!("expected a table, found {}", item.get_ref().type_str()))
                        .at(self.src, self.base + item.span().start)
                        .field(field)
                        .hint(format!("write each entry as [[{}]]", self.key.name)),
                ),
            }
        }
    }
}

/// Every key path of a schema, for the docs test: `channels[].time`.
pub fn key_paths(keys: &[Key], prefix: &str, out: &mut Vec<String>) {
    for k in keys {
        let p = join(prefix, k.name);
        out.push(p.clone());
        match k.ty {
            Ty::Table(sub) => key_paths(sub, &p, out),
            Ty::TableArray(sub) => key_paths(sub, &format!("{p}[]"), out),
            _ => {}
        }
    }
}

mod table;
pub use table::Keyed;
pub(crate) use table::format_table;

pub(crate) mod faq;
pub use faq::{ASKED_VIA, BASIS_KEYS, FAQ_KEYS};
pub(crate) mod page;
pub use page::{ARROWS, DIAGRAM_KEYS, ORIENTATIONS, PAGE_KEYS, POSTER_PAPERS};
pub(crate) mod process;
pub use process::{PROCESS_KEYS, STEP_KEYS, STEP_TIME_UNITS, UNIT_KEYS, UNIT_KINDS};
pub(crate) mod record;
pub use record::{AGENCY_KEYS, CHANNEL_KEYS, DOCUMENT_KEYS, LEGAL_KEYS, RECORD_KEYS, STATISTICS_KEYS};
pub(crate) mod site;
pub use site::{
    EMBED_KEYS, EMBED_VIEWS, FEEDBACK_KEYS, FIELD_KEYS, LEVEL_KEYS, ORGANISATION_KEYS, SEARCH_KEYS, SITE_KEYS,
    STAGE_KEYS, TARGET_KEYS,
};

#[cfg(test)]
mod tests;
