//! Satisfaction survey results (SIPAS): `content/statistics/satisfaction.toml`.
//!
//! Site-level yearly results (share of satisfied respondents overall and per
//! criterion, each with the publication it comes from) and the target. A
//! file of its own rather than keys of `site.toml`: the results are content
//! that grows every year with its sources, edited like the records, while
//! `site.toml` holds the site's configuration. No file: no results, no
//! target (the statistics page says so).

use super::parse_toml;
use super::record::legal_text;
use crate::diag::{Diagnostic, SourceText, did_you_mean};
use crate::model::{Satisfaction, SatisfactionCriterion, SatisfactionTarget, SatisfactionYear, Text};
use crate::schema::record::RawLegal;
use crate::schema::{Ty, format_table};
use crate::text;
use std::path::Path;
use toml::Spanned;

pub const SATISFACTION_FILE: &str = "content/statistics/satisfaction.toml";

/// The criteria of the SIPAS survey of administrative services (BRIEF.md, "SIPAS"), used when
/// the file lists no `[[criteria]]`: (key, name, English name).
pub const SIPAS_CRITERIA: &[(&str, &str, &str)] = &[
    ("tiep-can", "Tiếp cận dịch vụ", "Access to the service"),
    ("thu-tuc", "Thủ tục hành chính", "The administrative procedure"),
    ("cong-chuc", "Công chức giải quyết công việc", "The civil servants handling the case"),
    ("ket-qua", "Kết quả giải quyết", "The result"),
    ("gop-y", "Tiếp nhận và xử lý góp ý, phản ánh, kiến nghị", "Handling of feedback and complaints"),
];

// The file's keys (documented in docs/content-format.md, checked by tests/suite/satisfaction.rs).
format_table! {
    pub const SATISFACTION_TARGET_KEYS: pub(crate) struct RawTarget {
        percent: req Spanned<f64>, Ty::Number, "Share of satisfied respondents to reach, in percent (90).";
        year: opt Spanned<i64>, Ty::Int, "The year by which it is to be reached.";
        source: req RawLegal, table, "The plan or resolution that sets the target.";
    }
}
format_table! {
    pub const SATISFACTION_CRITERION_KEYS: pub(crate) struct RawCriterion {
        key: req Spanned<String>, Ty::Str, "Identifier the results use (a slug).";
        name: req String, Ty::Str, "Name of the criterion.";
        name_en: opt String, Ty::Str, "English name.";
    }
}
format_table! {
    pub const SATISFACTION_SCORE_KEYS: pub(crate) struct RawScore {
        key: req Spanned<String>, Ty::Str, "A criterion's key.";
        percent: req Spanned<f64>, Ty::Number, "Share satisfied with this criterion, in percent.";
    }
}
format_table! {
    pub const SATISFACTION_RESULT_KEYS: pub(crate) struct RawResult {
        year: req Spanned<i64>, Ty::Int, "The surveyed year.";
        overall: req Spanned<f64>, Ty::Number, "Share of respondents satisfied overall, in percent.";
        respondents: opt Spanned<i64>, Ty::Int, "Number of people and organisations surveyed.";
        criteria: default Vec<RawScore>, tables, "Share satisfied per criterion.";
        source: req RawLegal, table, "Where the result was published.";
    }
}
format_table! {
    pub const SATISFACTION_KEYS: pub(crate) struct RawFile {
        target: opt RawTarget, table, "The province's target.";
        criteria: default Vec<RawCriterion>, tables,
            "The survey's criteria (default: SIPAS's five).";
        results: default Vec<RawResult>, tables, "One per surveyed year.";
    }
}

/// Largest number of respondents of one survey.
const MAX_RESPONDENTS: i64 = 100_000_000;

fn err(src: &SourceText, code: &'static str, msg: String, at: usize, field: &str) -> Diagnostic {
    Diagnostic::new(code, msg).at(src, at).field(field)
}

/// A percent must be a number from 0 to 100; false (and an error) otherwise.
pub(super) fn check_percent(v: &Spanned<f64>, field: &str, src: &SourceText, out: &mut Vec<Diagnostic>) -> bool {
    let p = *v.get_ref();
    let ok = p.is_finite() && (0.0..=100.0).contains(&p);
    if !ok {
        out.push(
            err(src, "bad-value", format!("{field} {p} is not a percentage"), v.span().start, field)
                .hint("write the share of satisfied respondents as a number from 0 to 100, e.g. 85.3"),
        );
    }
    ok
}

/// The latest year figures may be given for: the site's edition year, or this year without one.
fn last_year(edition: Option<&str>) -> i64 {
    if let Some(y) = edition.and_then(|e| e.get(..4)).and_then(|y| y.parse::<i64>().ok()) {
        return y;
    }
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    text::civil_from_days((secs / 86_400) as i64).0
}

/// Reads and checks the file under `root`, if there is one; every problem goes to `out`.
pub fn load(root: &Path, edition: Option<&str>, out: &mut Vec<Diagnostic>) -> Satisfaction {
    let rel = Path::new(SATISFACTION_FILE);
    let defaults = || Satisfaction { criteria: default_criteria(), ..Satisfaction::default() };
    if !root.join(rel).is_file() {
        return defaults();
    }
    let src = match super::read_source(root, rel) {
        Ok(s) => s,
        Err(d) => {
            out.push(d);
            return defaults();
        }
    };
    let Some(raw) = parse_toml::<RawFile>(&src, 0, &src.text, out) else {
        return defaults();
    };
    let criteria = if raw.criteria.is_empty() { default_criteria() } else { criteria(&raw.criteria, &src, out) };
    let target = raw.target.as_ref().map(|t| target(t, &src, out));
    let mut years = results(&raw.results, &criteria, last_year(edition), &src, out);
    years.sort_by_key(|y| y.year);
    Satisfaction { criteria, years, target }
}

fn default_criteria() -> Vec<SatisfactionCriterion> {
    SIPAS_CRITERIA
        .iter()
        .map(|(k, vi, en)| SatisfactionCriterion {
            key: (*k).to_string(),
            name: Text { vi: (*vi).to_string(), en: Some((*en).to_string()) },
        })
        .collect()
}

fn criteria(raw: &[RawCriterion], src: &SourceText, out: &mut Vec<Diagnostic>) -> Vec<SatisfactionCriterion> {
    let mut list: Vec<SatisfactionCriterion> = Vec::new();
    for (i, c) in raw.iter().enumerate() {
        let key = c.key.get_ref().trim();
        let field = format!("criteria[{i}].key");
        let slug = !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !slug {
            out.push(
                err(src, "bad-key", format!("`{key}` is not a key"), c.key.span().start, &field)
                    .hint("use lowercase letters, digits and hyphens, e.g. \"tiep-can\""),
            );
        } else if list.iter().any(|x| x.key == key) {
            out.push(err(src, "dup-key", format!("criterion `{key}` is defined twice"), c.key.span().start, &field));
        }
        list.push(SatisfactionCriterion {
            key: key.to_string(),
            name: Text { vi: text::nfc(c.name.trim()), en: c.name_en.as_deref().map(|s| text::nfc(s.trim())) },
        });
    }
    list
}

fn target(t: &RawTarget, src: &SourceText, out: &mut Vec<Diagnostic>) -> SatisfactionTarget {
    check_percent(&t.percent, "target.percent", src, out);
    if let Some(y) = t.year.as_ref().filter(|y| !(2000..=2100).contains(y.get_ref())) {
        let msg = format!("year {} is out of range 2000–2100", y.get_ref());
        out.push(err(src, "bad-value", msg, y.span().start, "target.year"));
    }
    SatisfactionTarget {
        percent: *t.percent.get_ref(),
        year: t.year.as_ref().map(|y| *y.get_ref()),
        source: legal_text(&t.source, "target.source", src, out),
    }
}

fn results(
    raw: &[RawResult],
    criteria: &[SatisfactionCriterion],
    last: i64,
    src: &SourceText,
    out: &mut Vec<Diagnostic>,
) -> Vec<SatisfactionYear> {
    let mut years: Vec<SatisfactionYear> = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let f = |k: &str| format!("results[{i}].{k}");
        let year = *r.year.get_ref();
        let at = r.year.span().start;
        if !(2000..=2100).contains(&year) {
            out.push(err(src, "bad-value", format!("year {year} is out of range 2000–2100"), at, &f("year")));
        } else if year > last {
            out.push(
                err(src, "bad-value", format!("year {year} is in the future (after {last})"), at, &f("year"))
                    .hint("results are for surveyed years; check the year or `edition` in site.toml"),
            );
        }
        if years.iter().any(|y| y.year == year) {
            out.push(err(src, "dup-year", format!("results for {year} are given twice"), at, &f("year")));
        }
        check_percent(&r.overall, &f("overall"), src, out);
        if let Some(n) = r.respondents.as_ref().filter(|n| !(1..=MAX_RESPONDENTS).contains(n.get_ref())) {
            let msg = format!("respondents {} is out of range", n.get_ref());
            out.push(
                err(src, "bad-value", msg, n.span().start, &f("respondents"))
                    .hint(format!("the number of people surveyed, 1 ..= {MAX_RESPONDENTS}")),
            );
        }
        years.push(SatisfactionYear {
            year,
            overall: *r.overall.get_ref(),
            respondents: r.respondents.as_ref().map(|n| *n.get_ref()),
            criteria: scores(&r.criteria, criteria, i, src, out),
            source: legal_text(&r.source, &f("source"), src, out),
        });
    }
    years
}

/// A result's per-criterion shares, checked against the criteria, in the criteria's order.
fn scores(
    raw: &[RawScore],
    criteria: &[SatisfactionCriterion],
    result: usize,
    src: &SourceText,
    out: &mut Vec<Diagnostic>,
) -> Vec<(usize, f64)> {
    let mut scores: Vec<(usize, f64)> = Vec::new();
    for (j, s) in raw.iter().enumerate() {
        let field = format!("results[{result}].criteria[{j}]");
        let key = s.key.get_ref().trim();
        check_percent(&s.percent, &format!("{field}.percent"), src, out);
        let Some(c) = criteria.iter().position(|c| c.key == key) else {
            let hint = match did_you_mean(key, criteria.iter().map(|c| c.key.as_str())) {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!(
                    "known criteria: {}; define others in [[criteria]]",
                    criteria.iter().map(|c| c.key.as_str()).collect::<Vec<_>>().join(", ")
                ),
            };
            let msg = format!("unknown criterion `{key}`");
            out.push(err(src, "unknown-criterion", msg, s.key.span().start, &format!("{field}.key")).hint(hint));
            continue;
        };
        if scores.iter().any(|x| x.0 == c) {
            let msg = format!("criterion `{key}` is given twice");
            out.push(err(src, "dup-key", msg, s.key.span().start, &format!("{field}.key")));
            continue;
        }
        scores.push((c, *s.percent.get_ref()));
    }
    scores.sort_by_key(|x| x.0);
    scores
}
