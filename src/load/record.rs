//! One procedure record file → `Procedure`, with the spans that the
//! cross-record checks (`resolve`) need to point at.

use super::config::{Config, check_http};
use super::process::internal_processes;
use super::{MdCtx, opt_string, parse_toml};
use crate::diag::{Diagnostic, Loc, SourceText, did_you_mean};
use crate::model::{Agencies, Channel, ChannelKind, Document, LegalBasis, Procedure, Text, YearStats};
use crate::schema;
use crate::schema::record::{RawChannel, RawDocument, RawLegal, RawRecord, RawStats};
use crate::text;
use std::path::Path;
use toml::Spanned;

/// Where a record's code and references are, for cross-record errors
/// (kept as line:col so the file's text can be dropped after loading).
#[derive(Clone)]
pub struct RecordSpans {
    pub code: Loc,
    pub alternative_to: Vec<Loc>,
    pub after: Vec<Loc>,
    pub related: Vec<Loc>,
    /// Internal processes the record gives no legal time to compare with (a warning).
    pub unchecked_processes: Vec<Loc>,
}

pub fn load_record(
    src: &SourceText,
    slug: &str,
    config: &Config,
    out: &mut Vec<Diagnostic>,
) -> Option<(Procedure, RecordSpans)> {
    let start = out.len();
    let raw: RawRecord = parse_toml(src, 0, &src.text, out)?;
    let md = MdCtx { src, allow_html: config.site.allow_html, base_path: &config.site.base_path };
    let code = raw.code.get_ref().trim();
    check_identity(&raw, code, src, out);
    let stage = lookup(&raw.stage, "stage", config.stages.iter().map(|s| s.key.as_str()), "[[stages]]", src, out);
    let field = lookup(&raw.field, "field", config.fields.iter().map(|f| f.key.as_str()), "[[fields]]", src, out);
    let level = level(&raw, config, src, out);
    let summary = md.rich(
        raw.summary.get_ref(),
        raw.summary.span().start,
        raw.summary_en.as_ref().map(|s| s.get_ref().as_str()),
        raw.summary_en.as_ref().map_or(0, |s| s.span().start),
        "summary",
        out,
    );
    if summary.plain.trim().is_empty() {
        out.push(
            err(src, "empty", "summary is empty".into(), raw.summary.span().start, "summary")
                .hint("say in a sentence what the procedure is for"),
        );
    }
    let steps = raw.steps.iter().enumerate().map(|(i, s)| md.doc(s, &format!("steps[{i}]"), out)).collect();
    let channels = channels(&raw.channels, &md, out);
    let documents = documents(&raw.documents, &md, &config.site.base_path, out);
    let legal_basis = legal_basis(&raw.legal_basis, src, out);
    let statistics = statistics(&raw.statistics, config.site.edition.as_deref(), src, out);
    let (internal_process, unchecked) = internal_processes(&raw.internal_process, &channels, &config.units, src, out);
    check_references(&raw, code, src, out);
    if out.len() > start {
        return None;
    }
    let nfc_list = |v: &[String]| v.iter().map(|s| text::nfc(s.trim())).filter(|s| !s.is_empty()).collect::<Vec<_>>();
    let codes = |v: &[Spanned<String>]| v.iter().map(|c| c.get_ref().trim().to_string()).collect::<Vec<_>>();
    let title = text::nfc(raw.title.get_ref().trim());
    let procedure = Procedure {
        slug: slug.to_string(),
        source: src.path.clone(),
        code: code.to_string(),
        short_title: Text {
            vi: raw.short_title.as_deref().map(|s| text::nfc(s.trim())).unwrap_or_else(|| default_short_title(&title)),
            en: raw.short_title_en.as_deref().or(raw.title_en.as_deref()).map(|s| text::nfc(s.trim())),
        },
        title: Text { vi: title, en: raw.title_en.as_deref().map(|s| text::nfc(s.trim())) },
        stage: stage?,
        field: field?,
        base_level: *raw.level.get_ref() as u8,
        level: level?,
        digital_signature: raw.digital_signature.unwrap_or(false),
        service_center: raw.service_center.unwrap_or(false),
        public_postal: raw.public_postal.unwrap_or(false),
        online_url: opt_string(&raw.online_url),
        administrative_level: raw.administrative_level.as_deref().map(text::nfc),
        publication_decision: raw.publication_decision.as_deref().map(text::nfc),
        online_decision: raw.online_decision.as_deref().map(text::nfc),
        optional: raw.optional.unwrap_or(false),
        alternative_to: codes(&raw.alternative_to),
        alternatives: Vec::new(),
        after: codes(&raw.after),
        related: codes(&raw.related),
        keywords: nfc_list(&raw.keywords),
        summary,
        applicants: nfc_list(&raw.applicants),
        agencies: raw.agencies.as_ref().map(|a| Agencies {
            competent: a.competent.as_deref().map(text::nfc),
            executing: a.executing.as_deref().map(text::nfc),
            authorised: a.authorised.as_deref().map(text::nfc),
            coordinating: a.coordinating.as_deref().map(text::nfc),
        }),
        where_to_submit: raw.where_to_submit.as_ref().map(|w| md.doc(w, "where_to_submit", out)),
        steps,
        channels,
        documents,
        requirements: raw.requirements.as_ref().map(|r| md.doc(r, "requirements", out)),
        result: nfc_list(&raw.result),
        legal_basis,
        statistics,
        internal_process,
        journey_index: 0,
        updated: None,
    };
    let locs = |v: &[Spanned<String>]| v.iter().map(|c| src.loc(c.span().start)).collect();
    let spans = RecordSpans {
        code: src.loc(raw.code.span().start),
        alternative_to: locs(&raw.alternative_to),
        after: locs(&raw.after),
        related: locs(&raw.related),
        unchecked_processes: unchecked,
    };
    Some((procedure, spans))
}

fn err(src: &SourceText, code: &'static str, msg: String, at: usize, field: &str) -> Diagnostic {
    Diagnostic::new(code, msg).at(src, at).field(field)
}

fn check_identity(raw: &RawRecord, code: &str, src: &SourceText, out: &mut Vec<Diagnostic>) {
    if !text::is_procedure_code(code) {
        out
            .push(err(src, "bad-code", format!("`{code}` is not a procedure code"), raw.code.span().start, "code").hint(
            "codes look like \"1.009664\" (D.DDDDDD) or \"1.013216.01\" for a sub-case, as on the national database",
        ));
    }
    if raw.title.get_ref().trim().is_empty() {
        out.push(err(src, "empty", "title is empty".into(), raw.title.span().start, "title"));
    }
    if let Some(u) = &raw.online_url {
        check_http(u, "online_url", src, out);
    }
}

/// The index of the site's level that covers the record's Decree 43/2011 level.
fn level(raw: &RawRecord, config: &Config, src: &SourceText, out: &mut Vec<Diagnostic>) -> Option<usize> {
    let base_level = *raw.level.get_ref();
    if (1..=4).contains(&base_level) {
        return config.levels.iter().position(|l| l.covers.contains(&(base_level as u8)));
    }
    out.push(
        err(src, "bad-level", format!("level {base_level} is not 1–4"), raw.level.span().start, "level")
            .hint("records use the Decree 43/2011 levels 1–4; site.toml's level_scheme decides how they are shown"),
    );
    None
}

fn channels(raw: &[Spanned<RawChannel>], md: &MdCtx, out: &mut Vec<Diagnostic>) -> Vec<Channel> {
    let src = md.src;
    let mut channels: Vec<Channel> = Vec::new();
    for (i, c) in raw.iter().enumerate() {
        let f = |k: &str| format!("channels[{i}].{k}");
        let at = c.span().start;
        let c = c.get_ref();
        let Some(kind) = ChannelKind::parse(&c.kind) else { continue }; // reported by the schema check
        check_time(c, at, &f, src, out);
        if let Some(fv) = &c.fee_vnd {
            let v = *fv.get_ref();
            if v < 0 {
                out.push(err(src, "bad-value", "fee_vnd cannot be negative".into(), fv.span().start, &f("fee_vnd")));
            } else if v > schema::MAX_FEE_VND {
                out.push(
                    err(src, "bad-value", format!("fee_vnd {v} is out of range"), fv.span().start, &f("fee_vnd")).hint(
                        format!("fee_vnd is 0 ..= {} đồng; use fee (text) for anything else", schema::MAX_FEE_VND),
                    ),
                );
            }
        }
        if channels
            .iter()
            .any(|x| x.kind == kind && x.time == c.time.as_ref().map(|t| *t.get_ref()) && x.time_text == c.time_text)
        {
            let msg = format!("channel `{}` is listed twice with the same time", c.kind);
            out.push(err(src, "dup-channel", msg, at, &f("kind")));
        }
        channels.push(Channel {
            kind,
            time: c.time.as_ref().map(|t| *t.get_ref()),
            time_unit: c.time_unit.clone(),
            time_text: c.time_text.as_deref().map(text::nfc),
            time_note: c.time_note.as_deref().map(text::nfc),
            fee: c.fee.as_deref().map(text::nfc),
            fee_vnd: c.fee_vnd.as_ref().map(|v| *v.get_ref()),
            note: c.note.as_ref().map(|n| md.doc(n, &f("note"), out)),
        });
    }
    channels
}

/// A channel's time: positive, in range, and given with its unit.
fn check_time(c: &RawChannel, at: usize, f: &dyn Fn(&str) -> String, src: &SourceText, out: &mut Vec<Diagnostic>) {
    let Some(t) = &c.time else {
        if c.time_unit.is_some() {
            out.push(
                err(src, "missing-key", "time_unit is given without time".into(), at, &f("time"))
                    .hint("add time = <number>, or remove time_unit"),
            );
        }
        return;
    };
    let (max, unit) = match c.time_unit.as_deref() {
        Some("hours") => (schema::MAX_TIME_HOURS, "hours"),
        _ => (schema::MAX_TIME_DAYS, "days"),
    };
    let v = *t.get_ref();
    if !(v.is_finite() && v > 0.0) {
        out.push(
            err(src, "bad-value", format!("time {v} must be a positive number"), t.span().start, &f("time"))
                .hint(format!("a number of {unit} above 0 and at most {max}")),
        );
    } else if v > max {
        out.push(err(src, "bad-value", format!("time {v} {unit} is out of range"), t.span().start, &f("time")).hint(
            format!(
                "time is at most {} days or {} hours; use time_text for anything else",
                schema::MAX_TIME_DAYS,
                schema::MAX_TIME_HOURS
            ),
        ));
    }
    if c.time_unit.is_none() {
        out.push(
            err(src, "missing-key", "time is given without time_unit".into(), t.span().start, &f("time_unit"))
                .hint("add time_unit = \"working-days\", \"days\" or \"hours\""),
        );
    }
}

fn documents(raw: &[RawDocument], md: &MdCtx, base_path: &str, out: &mut Vec<Diagnostic>) -> Vec<Document> {
    let src = md.src;
    let mut documents = Vec::new();
    for (i, d) in raw.iter().enumerate() {
        let f = |k: &str| format!("documents[{i}].{k}");
        for (k, n) in [("originals", &d.originals), ("copies", &d.copies)] {
            if let Some(n) = n
                && *n.get_ref() < 0
            {
                out.push(err(src, "bad-value", format!("{k} cannot be negative"), n.span().start, &f(k)));
            } else if let Some(n) = n
                && *n.get_ref() > schema::MAX_DOCUMENT_COPIES
            {
                out.push(
                    err(src, "bad-value", format!("{k} {} is out of range", n.get_ref()), n.span().start, &f(k))
                        .hint(format!("{k} is 0 ..= {}", schema::MAX_DOCUMENT_COPIES)),
                );
            }
        }
        if let Some(u) = &d.form_url
            && crate::markdown::check_url(u.get_ref(), "/").is_none()
        {
            let msg = format!("`{}` is not an allowed link", u.get_ref());
            out.push(
                err(src, "bad-url", msg, u.span().start, &f("form_url"))
                    .hint("use an https:// address or a path under static/"),
            );
        }
        documents.push(Document {
            case: d.case.as_deref().map(text::nfc),
            name: text::nfc(d.name.trim()),
            form: d.form.as_deref().map(text::nfc),
            form_url: d
                .form_url
                .as_ref()
                .map(|u| crate::markdown::check_url(u.get_ref(), base_path).unwrap_or_default()),
            originals: d.originals.as_ref().map(|n| *n.get_ref()),
            copies: d.copies.as_ref().map(|n| *n.get_ref()),
            required: d.required.unwrap_or(true),
            note: d.note.as_ref().map(|n| md.doc(n, &f("note"), out)),
        });
    }
    documents
}

fn legal_basis(raw: &[RawLegal], src: &SourceText, out: &mut Vec<Diagnostic>) -> Vec<LegalBasis> {
    raw.iter().enumerate().map(|(i, l)| legal_text(l, &format!("legal_basis[{i}]"), src, out)).collect()
}

/// A legal text wherever it is cited (a record's `[[legal_basis]]`, a question's `[[basis]]`,
/// a satisfaction result's `source`): its URL checked, every string trimmed, empty ones left out.
pub(super) fn legal_text(l: &RawLegal, field: &str, src: &SourceText, out: &mut Vec<Diagnostic>) -> LegalBasis {
    if let Some(u) = &l.url {
        check_http(u, &format!("{field}.url"), src, out);
    }
    let nfc = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(text::nfc);
    LegalBasis {
        number: nfc(&l.number),
        title: text::nfc(l.title.trim()),
        date: l.date.map(|d| d.to_string()),
        issuer: nfc(&l.issuer),
        url: opt_string(&l.url),
    }
}

fn statistics(
    raw: &[Spanned<RawStats>],
    edition: Option<&str>,
    src: &SourceText,
    out: &mut Vec<Diagnostic>,
) -> Vec<YearStats> {
    let mut statistics: Vec<YearStats> = Vec::new();
    for (i, s) in raw.iter().enumerate() {
        let f = |k: &str| format!("statistics[{i}].{k}");
        let s = s.get_ref();
        let year = *s.year.get_ref();
        let at = s.year.span().start;
        if !(2000..=2100).contains(&year) {
            out.push(err(src, "bad-value", format!("year {year} is out of range 2000–2100"), at, &f("year")));
        }
        // Figures cannot come from after the edition the site describes.
        if let Some(edition_year) = edition.and_then(|e| e.get(..4)).and_then(|y| y.parse::<i64>().ok())
            && year > edition_year
            && (2000..=2100).contains(&year)
        {
            let msg = format!("year {year} is after the site's edition ({})", edition.unwrap_or_default());
            out.push(
                err(src, "bad-value", msg, at, &f("year"))
                    .hint("figures are for years already closed; check the year or `edition` in site.toml"),
            );
        }
        if statistics.iter().any(|x| x.year == year) {
            out.push(err(src, "dup-year", format!("figures for {year} are given twice"), at, &f("year")));
        }
        check_figures(s, &f, src, out);
        if let Some(p) = &s.satisfied_percent {
            super::satisfaction::check_percent(p, &f("satisfied_percent"), src, out);
        }
        let val = |v: &Option<Spanned<i64>>| v.as_ref().map(|v| *v.get_ref());
        statistics.push(YearStats {
            year,
            received: val(&s.received),
            received_online: val(&s.received_online),
            resolved_online: val(&s.resolved_online),
            resolved_on_time: val(&s.resolved_on_time),
            satisfied_percent: s.satisfied_percent.as_ref().map(|p| *p.get_ref()),
        });
    }
    statistics
}

/// A year's dossier counts: in range, and no part larger than the total received.
fn check_figures(s: &RawStats, f: &dyn Fn(&str) -> String, src: &SourceText, out: &mut Vec<Diagnostic>) {
    for (k, v) in [
        ("received", &s.received),
        ("received_online", &s.received_online),
        ("resolved_online", &s.resolved_online),
        ("resolved_on_time", &s.resolved_on_time),
    ] {
        if let Some(v) = v.as_ref().filter(|v| *v.get_ref() < 0) {
            out.push(err(src, "bad-value", format!("{k} cannot be negative"), v.span().start, &f(k)));
        } else if let Some(v) = v.as_ref().filter(|v| *v.get_ref() > schema::MAX_DOSSIERS) {
            out.push(
                err(src, "bad-value", format!("{k} {} is out of range", v.get_ref()), v.span().start, &f(k))
                    .hint(format!("dossier counts are 0 ..= {} a year", schema::MAX_DOSSIERS)),
            );
        }
    }
    // A total out of range is already reported; comparing parts with it would only add noise.
    let total = s.received.as_ref().map(|v| *v.get_ref()).filter(|&t| (0..=schema::MAX_DOSSIERS).contains(&t));
    let Some(total) = total else { return };
    if let Some(online) = &s.received_online
        && *online.get_ref() > total
    {
        out.push(
            err(
                src,
                "bad-value",
                format!("received_online ({}) is more than received ({total})", online.get_ref()),
                online.span().start,
                &f("received_online"),
            )
            .hint("dossiers received online are part of all dossiers received"),
        );
    }
    for (k, part) in [("resolved_online", &s.resolved_online), ("resolved_on_time", &s.resolved_on_time)] {
        if let Some(p) = part
            && *p.get_ref() > total
        {
            let msg = format!("{k} ({}) is more than received ({total})", p.get_ref());
            out.push(err(src, "bad-value", msg, p.span().start, &f(k)));
        }
    }
}

/// `alternative_to`, `after` and `related` hold procedure codes, never the record's own.
fn check_references(raw: &RawRecord, code: &str, src: &SourceText, out: &mut Vec<Diagnostic>) {
    for (name, list) in [("alternative_to", &raw.alternative_to), ("after", &raw.after), ("related", &raw.related)] {
        for (i, c) in list.iter().enumerate() {
            let field = format!("{name}[{i}]");
            if !text::is_procedure_code(c.get_ref().trim()) {
                let msg = format!("`{}` is not a procedure code", c.get_ref());
                out.push(err(src, "bad-code", msg, c.span().start, &field).hint("list codes like \"1.009664\""));
            } else if c.get_ref().trim() == code {
                out.push(err(
                    src,
                    "self-reference",
                    "a procedure cannot refer to itself".into(),
                    c.span().start,
                    &field,
                ));
            }
        }
    }
}

/// Resolves a reference to a stage or field key, with a did-you-mean hint.
fn lookup<'a>(
    key: &Spanned<String>,
    field: &str,
    keys: impl Iterator<Item = &'a str> + Clone,
    table: &str,
    src: &SourceText,
    out: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let k = key.get_ref().as_str();
    if let Some(i) = keys.clone().position(|x| x == k) {
        return Some(i);
    }
    let hint = match did_you_mean(k, keys.clone()) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None => format!("known {field}s (site.toml {table}): {}", keys.collect::<Vec<_>>().join(", ")),
    };
    out.push(
        Diagnostic::new("unknown-ref", format!("unknown {field} `{k}`"))
            .at(src, key.span().start)
            .field(field)
            .hint(hint),
    );
    None
}

/// "Thủ tục cấp giấy phép…" → "Cấp giấy phép…": every procedure is a
/// procedure, so diagram blocks drop the word.
fn default_short_title(title: &str) -> String {
    let rest = ["Thủ tục ", "thủ tục "].iter().find_map(|p| title.strip_prefix(p)).unwrap_or(title).trim_start();
    let mut chars = rest.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => title.to_string(),
    }
}

/// The slug of a record file: its stem, which must be a valid slug.
pub fn slug_of(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    text::is_slug(stem).then(|| stem.to_string())
}
