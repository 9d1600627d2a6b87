//! What the statistics page shows of the satisfaction survey (SIPAS): the
//! latest result against the target, the trend over the years and the
//! criteria of the latest year as SVG charts with tables of the same numbers,
//! the records' own results, and the sources. Figures come from
//! `stats::satisfaction`, like the open data's.

use super::chart::{self, Bar, Chart, Line};
use super::lang::Lang;
use super::view::{Row, Strings, tr};
use crate::stats::{SatisfactionStats, SatisfactionYearStats};
use serde_json::{Value, json};

fn meets_label(t: &Strings, meets: Option<bool>) -> &str {
    match meets {
        Some(true) => tr(t, "sat_meets"),
        Some(false) => tr(t, "sat_below"),
        None => "–",
    }
}

fn meets_key(meets: Option<bool>) -> Option<&'static str> {
    meets.map(|m| if m { "high" } else { "below" })
}

fn target_lines(sat: &SatisfactionStats, lang: Lang) -> Vec<Line> {
    sat.target.iter().map(|t| Line { at: t.percent, label: lang.percent(t.percent) }).collect()
}

/// The chart title: what it shows, the year, and the target when there is one.
fn title(t: &Strings, key: &str, sat: &SatisfactionStats, lang: Lang, year: Option<i64>) -> String {
    let mut s = tr(t, key).to_string();
    if let Some(y) = year {
        s.push_str(&format!(", {} {y}", tr(t, "stats_in_year")));
    }
    if let Some(target) = &sat.target {
        s.push_str(&format!(" ({} {})", tr(t, "sat_target_short"), lang.percent(target.percent)));
    }
    s
}

fn year_row(t: &Strings, lang: Lang, y: &SatisfactionYearStats) -> Value {
    json!({
        "year": y.year,
        "overall": lang.percent(y.overall),
        "respondents": y.respondents.map(|n| lang.number(n as f64)),
        "meets": meets_key(y.meets_target),
        "meets_label": meets_label(t, y.meets_target),
        "source": y.source,
    })
}

/// The page's `sat` object. `fill` is the bars' colour; `rows` the procedures' titles and paths.
pub fn page(sat: &SatisfactionStats, lang: Lang, t: &Strings, fill: &str, rows: &[Row]) -> Value {
    let years: Vec<Value> = sat.years.iter().map(|y| year_row(t, lang, y)).collect();
    let trend_title = title(t, "sat_by_year", sat, lang, None);
    let chart_years = if sat.years.is_empty() {
        String::new()
    } else {
        let bars = sat
            .years
            .iter()
            .map(|y| Bar {
                label: y.year.to_string(),
                label_lang: None,
                value: y.overall,
                text: lang.percent(y.overall),
                fill: fill.to_string(),
            })
            .collect();
        chart::hbar(&Chart {
            id: "chart-sat-years",
            title: &trend_title,
            bars,
            lines: target_lines(sat, lang),
            max: Some(100.0),
        })
    };
    let (criteria, chart_criteria) = criteria(sat, lang, t, fill);
    let procedures: Vec<Value> = sat
        .procedures
        .iter()
        .map(|p| {
            let r = &rows[p.procedure];
            json!({"code": p.code, "title": r.title, "vi_only": r.vi_only, "path": r.path, "year": p.year,
                   "percent": lang.percent(p.percent), "meets": meets_key(p.meets_target),
                   "meets_label": meets_label(t, p.meets_target)})
        })
        .collect();
    let target =
        sat.target.as_ref().map(|x| json!({"percent": lang.percent(x.percent), "year": x.year, "source": x.source}));
    json!({
        "has_results": !sat.years.is_empty(),
        "target": target,
        "latest": sat.latest().map(|y| year_row(t, lang, y)),
        "years": years, "chart_years": chart_years, "title_years": trend_title,
        "criteria": criteria, "chart_criteria": chart_criteria,
        "title_criteria": title(t, "sat_by_criterion", sat, lang, sat.latest().map(|y| y.year)),
        "procedures": procedures,
    })
}

/// Rows and chart of the criteria in the latest year; empty when it gives none.
fn criteria(sat: &SatisfactionStats, lang: Lang, t: &Strings, fill: &str) -> (Vec<Value>, String) {
    let Some(latest) = sat.latest().filter(|y| !y.criteria.is_empty()) else { return (Vec::new(), String::new()) };
    let mut rows = Vec::new();
    let mut bars = Vec::new();
    for c in &latest.criteria {
        let (name, vi_only) = lang.pick(&sat.criteria[c.criterion].name);
        rows.push(json!({"key": c.key, "name": name, "vi_only": vi_only, "percent": lang.percent(c.percent),
                         "meets": meets_key(c.meets_target), "meets_label": meets_label(t, c.meets_target)}));
        bars.push(Bar {
            label: name.to_string(),
            label_lang: vi_only.then_some("vi"),
            value: c.percent,
            text: lang.percent(c.percent),
            fill: fill.to_string(),
        });
    }
    let title = title(t, "sat_by_criterion", sat, lang, Some(latest.year));
    let svg = chart::hbar(&Chart {
        id: "chart-sat-criteria",
        title: &title,
        bars,
        lines: target_lines(sat, lang),
        max: Some(100.0),
    });
    (rows, svg)
}
