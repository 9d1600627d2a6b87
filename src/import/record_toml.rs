//! One imported procedure → the record's TOML text, in the order of
//! docs/content-format.md, with a header that carries a hash of the text so a
//! later import can tell an editor's file from its own.

use super::dvc::{self, Imported};
use crate::model::Field;
use std::fmt::Write as _;

/// The line that carries the hash of the generated text (after the header).
pub(super) const SHA_PREFIX: &str = "# import-sha: ";

pub(super) fn hash(body: &str) -> String {
    use siphasher::sip128::{Hasher128, SipHasher13};
    use std::hash::Hasher;
    let mut h = SipHasher13::new();
    h.write(body.as_bytes());
    format!("{:032x}", h.finish128().as_u128())
}

pub(super) fn header(rec: &Imported, body: &str) -> String {
    let mut h =
        String::from("# Imported from the national public service portal (dichvucong.gov.vn) by `onestop import dvc`");
    match (&rec.portal_id, rec.portal_updated_ms) {
        (Some(id), Some(ms)) => write!(h, ":\n# portal record {id}, updated there on {}.\n", dvc::iso_date(ms)).ok(),
        (Some(id), None) => write!(h, ":\n# portal record {id}.\n").ok(),
        _ => writeln!(h, ".").ok(),
    };
    h.push_str("# Edit freely: a later import keeps an edited file unless it is run with --force.\n");
    h.push_str(SHA_PREFIX);
    h.push_str(&hash(body));
    h.push('\n');
    h
}

/// The record's TOML text (everything after the header), in the order of
/// docs/content-format.md.
pub fn record_text(rec: &Imported, stage: &str, field: &Field) -> String {
    let mut t = String::with_capacity(8 * 1024);
    write_head(&mut t, rec, stage, field);
    write_agencies(&mut t, &rec.agencies);
    write_channels(&mut t, &rec.channels);
    write_documents(&mut t, &rec.documents);
    for (number, title) in &rec.legal_basis {
        t.push_str("\n[[legal_basis]]\n");
        if let Some(n) = number {
            kv(&mut t, "number", &toml_str(n));
        }
        kv(&mut t, "title", &toml_str(title));
    }
    t
}

fn kv(t: &mut String, k: &str, v: &str) {
    let _ = writeln!(t, "{k} = {v}");
}

/// The top-level keys, before the first table.
fn write_head(t: &mut String, rec: &Imported, stage: &str, field: &Field) {
    kv(t, "code", &toml_str(&rec.code));
    kv(t, "title", &toml_str(&rec.title));
    kv(t, "stage", &toml_str(stage));
    kv(t, "field", &toml_str(&field.key));
    kv(t, "level", &rec.level.to_string());
    if rec.public_postal {
        kv(t, "public_postal", "true");
    }
    if let Some(a) = &rec.administrative_level {
        kv(t, "administrative_level", &toml_str(a));
    }
    if let Some(p) = &rec.publication_decision {
        kv(t, "publication_decision", &toml_str(p));
    }
    if !rec.keywords.is_empty() {
        kv(t, "keywords", &toml_list(&rec.keywords));
    }
    t.push('\n');
    match &rec.summary {
        Some(s) => kv(t, "summary", &toml_text(s)),
        None => {
            t.push_str("# The portal has no description of this procedure: this sentence is the importer's.\n");
            let s = format!(
                "Thủ tục hành chính mã {}, lĩnh vực {}, theo Cơ sở dữ liệu quốc gia về thủ tục hành chính.",
                rec.code, field.title.vi
            );
            kv(t, "summary", &toml_str(&s));
        }
    }
    if !rec.applicants.is_empty() {
        kv(t, "applicants", &toml_list(&rec.applicants));
    }
    if let Some(w) = &rec.where_to_submit {
        kv(t, "where_to_submit", &toml_text(w));
    }
    if !rec.steps.is_empty() {
        t.push_str("steps = [\n");
        for s in &rec.steps {
            let _ = writeln!(t, "  {},", toml_text(s));
        }
        t.push_str("]\n");
    }
    if let Some(r) = &rec.requirements {
        kv(t, "requirements", &toml_text(r));
    }
    if !rec.result.is_empty() {
        kv(t, "result", &toml_list(&rec.result));
    }
}

fn write_agencies(t: &mut String, a: &dvc::Agencies) {
    let agencies = [
        ("competent", &a.competent),
        ("executing", &a.executing),
        ("authorised", &a.authorised),
        ("coordinating", &a.coordinating),
    ];
    if agencies.iter().any(|(_, v)| v.is_some()) {
        t.push_str("\n[agencies]\n");
        for (k, v) in agencies {
            if let Some(v) = v {
                kv(t, k, &toml_str(v));
            }
        }
    }
}

fn write_channels(t: &mut String, channels: &[dvc::Channel]) {
    for c in channels {
        t.push_str("\n[[channels]]\n");
        kv(t, "kind", &toml_str(c.kind));
        if let (Some(n), Some(u)) = (c.time, c.time_unit) {
            kv(t, "time", &number(n));
            kv(t, "time_unit", &toml_str(u));
        }
        if let Some(x) = &c.time_text {
            kv(t, "time_text", &toml_str(x));
        }
        if let Some(x) = &c.fee {
            kv(t, "fee", &toml_str(x));
        }
        if let Some(v) = c.fee_vnd {
            kv(t, "fee_vnd", &v.to_string());
        }
        if let Some(x) = &c.note {
            kv(t, "note", &toml_text(x));
        }
    }
}

fn write_documents(t: &mut String, documents: &[dvc::Document]) {
    for d in documents {
        t.push_str("\n[[documents]]\n");
        if let Some(c) = &d.case {
            kv(t, "case", &toml_str(c));
        }
        kv(t, "name", &toml_str(&d.name));
        if let Some(f) = &d.form {
            kv(t, "form", &toml_str(f));
        }
        if let Some(n) = d.originals {
            kv(t, "originals", &n.to_string());
        }
        if let Some(n) = d.copies {
            kv(t, "copies", &n.to_string());
        }
    }
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}

/// A one-line TOML string: a literal '…' when it needs no escapes (easier to
/// read and edit), else a basic "…" string.
fn toml_str(s: &str) -> String {
    if s.contains('\'') || s.chars().any(|c| c.is_control()) { basic(s) } else { format!("'{s}'") }
}

/// A TOML string for text that may span lines: a multi-line literal '''…'''
/// when possible.
fn toml_text(s: &str) -> String {
    if !s.contains('\n') {
        return toml_str(s);
    }
    if s.contains("'''") || s.ends_with('\'') || s.chars().any(|c| c.is_control() && c != '\n') {
        let mut out = String::from("\"\"\"\n");
        for c in s.chars() {
            match c {
                '\n' => out.push('\n'),
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => {
                    let _ = write!(out, "\\u{:04X}", c as u32);
                }
                c => out.push(c),
            }
        }
        out.push_str("\"\"\"");
        return out;
    }
    format!("'''\n{s}'''")
}

fn basic(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_list(items: &[String]) -> String {
    if items.len() == 1 {
        return format!("[{}]", toml_str(&items[0]));
    }
    let mut out = String::from("[\n");
    for i in items {
        let _ = writeln!(out, "  {},", toml_str(i));
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_strings_round_trip() {
        for s in ["Lệ phí 'x'", "a\\b \"c\"", "một\nhai '''\nba", "x\ty", "dòng\nkết thúc'"] {
            let v: toml::Table = toml::from_str(&format!("k = {}\nm = {}\n", toml_str(s), toml_text(s))).unwrap();
            assert_eq!(v["k"].as_str(), Some(s));
            assert_eq!(v["m"].as_str(), Some(s));
        }
    }
}
