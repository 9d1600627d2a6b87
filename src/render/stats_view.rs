//! What the statistics page and the procedure pages show of `crate::stats`:
//! the numbers formatted for the edition's language, band labels, and the
//! SVG charts. No computation here beyond formatting; the figures come from
//! `stats::compute` / `stats::procedure_years`, like the open data's.

use super::chart::{self, Bar, Chart, Line};
use super::lang::Lang;
use super::urls;
use super::view::{Row, Strings, tr};
use crate::model::{Procedure, Site};
use crate::stats::{self, Band, Stats, Totals};
use serde_json::{Value, json};

fn band_label(t: &Strings, b: Option<Band>) -> &str {
    match b {
        Some(b) => tr(
            t,
            match b {
                Band::Below => "band_below",
                Band::Low => "band_low",
                Band::High => "band_high",
            },
        ),
        None => "–",
    }
}

fn opt_num(lang: Lang, n: Option<i64>) -> String {
    n.map(|n| lang.number(n as f64)).unwrap_or_else(|| "–".into())
}

fn opt_pct(lang: Lang, p: Option<f64>) -> String {
    p.map(|p| lang.percent(p)).unwrap_or_else(|| "–".into())
}

/// The colour of share bars: the most-online level's, from the site's palette.
fn share_fill(site: &Site) -> String {
    site.levels.last().map(|l| l.colour.clone()).unwrap_or_else(|| "#00224E".into())
}

fn target_lines(stats: &Stats, lang: Lang) -> Vec<Line> {
    vec![
        Line { at: stats.target_low, label: lang.percent(stats.target_low) },
        Line { at: stats.target_high, label: lang.percent(stats.target_high) },
    ]
}

fn chart_title(t: &Strings, key: &str, stats: &Stats, lang: Lang, year: Option<i64>) -> String {
    let mut s = tr(t, key).to_string();
    if let Some(y) = year {
        s.push_str(&format!(", {} {y}", tr(t, "stats_in_year")));
    }
    s.push_str(&format!(
        " ({} {} – {})",
        tr(t, "stats_target"),
        lang.percent(stats.target_low),
        lang.percent(stats.target_high)
    ));
    s
}

fn totals_row(t: &Strings, lang: Lang, x: &Totals) -> Value {
    json!({
        "year": x.year,
        "procedures": x.procedures,
        "received": lang.number(x.received as f64),
        "received_online": lang.number(x.received_online as f64),
        "resolved_online": lang.number(x.resolved_online as f64),
        "resolved_on_time": lang.number(x.resolved_on_time as f64),
        "percent": opt_pct(lang, x.percent),
        "band": x.band.map(Band::key),
        "band_label": band_label(t, x.band),
    })
}

/// What every part of the page is formatted with.
struct Ctx<'a> {
    site: &'a Site,
    stats: &'a Stats,
    lang: Lang,
    t: &'a Strings,
}

/// Rows and chart of one grouping (stages or fields) in the latest year:
/// only groups that received dossiers that year.
fn groups(
    cx: &Ctx,
    groups: &[stats::GroupTotals],
    titles: &[(String, bool, String)],
    key: &str,
    id: &str,
) -> (Vec<Value>, String) {
    let Ctx { site, stats, lang, t } = *cx;
    let Some(last) = stats.years.len().checked_sub(1) else { return (Vec::new(), String::new()) };
    let fill = share_fill(site);
    let mut rows = Vec::new();
    let mut bars = Vec::new();
    for g in groups {
        let x = &g.years[last];
        if x.received == 0 {
            continue;
        }
        let (title, vi_only, path) = &titles[g.index];
        let mut row = totals_row(t, lang, x);
        row["title"] = json!(title);
        row["vi_only"] = json!(vi_only);
        row["path"] = json!(path);
        rows.push(row);
        bars.push(Bar {
            label: title.clone(),
            label_lang: vi_only.then_some("vi"),
            value: x.percent.unwrap_or(0.0),
            text: opt_pct(lang, x.percent),
            fill: fill.clone(),
        });
    }
    let title = chart_title(t, key, stats, lang, stats.latest_year());
    let svg = if bars.is_empty() {
        String::new()
    } else {
        chart::hbar(&Chart { id, title: &title, bars, lines: target_lines(stats, lang), max: None })
    };
    (rows, svg)
}

/// The statistics page's data.
pub fn page(site: &Site, stats: &Stats, lang: Lang, t: &Strings, rows: &[Row]) -> Value {
    let years: Vec<Value> = stats.overall.iter().map(|x| totals_row(t, lang, x)).collect();
    let cx = Ctx { site, stats, lang, t };
    let year_chart = year_chart(&cx);
    let (stage_titles, field_titles) = group_titles(site, lang);
    let (stage_rows, stage_chart) = groups(&cx, &stats.by_stage, &stage_titles, "stats_by_stage", "chart-stages");
    let (field_rows, field_chart) = groups(&cx, &stats.by_field, &field_titles, "stats_by_field", "chart-fields");
    let (level_rows, level_chart) = levels(&cx);
    let (promote_rows, promote_chart, promote_title) = promote(&cx, rows);
    let sat = super::satisfaction_view::page(&stats.satisfaction, lang, t, &share_fill(site), rows);
    json!({
        "sat": sat,
        "has_figures": stats.has_figures(),
        "latest_year": stats.latest_year(),
        "years": years, "chart_years": year_chart,
        "stages": stage_rows, "chart_stages": stage_chart,
        "fields": field_rows, "chart_fields": field_chart,
        "levels": level_rows, "chart_levels": level_chart,
        "promote": promote_rows, "chart_promote": promote_chart, "promote_title": promote_title,
    })
}

/// The chart of the share received online, one bar per year; empty without figures.
fn year_chart(cx: &Ctx) -> String {
    let Ctx { site, stats, lang, t } = *cx;
    if !stats.has_figures() {
        return String::new();
    }
    let fill = share_fill(site);
    let year_title = chart_title(t, "stats_by_year", stats, lang, None);
    chart::hbar(&Chart {
        id: "chart-years",
        title: &year_title,
        bars: stats
            .overall
            .iter()
            .map(|x| Bar {
                label: x.year.to_string(),
                label_lang: None,
                value: x.percent.unwrap_or(0.0),
                text: opt_pct(lang, x.percent),
                fill: fill.clone(),
            })
            .collect(),
        lines: target_lines(stats, lang),
        max: None,
    })
}

/// Title, Vietnamese-only flag and path of each stage and of each field.
type GroupTitles = Vec<(String, bool, String)>;

fn group_titles(site: &Site, lang: Lang) -> (GroupTitles, GroupTitles) {
    let stage_titles = site
        .stages
        .iter()
        .map(|s| {
            let (title, vi_only) = lang.pick(&s.title);
            (format!("{}. {title}", s.number), vi_only, urls::stage(&s.key))
        })
        .collect();
    let field_titles = site
        .fields
        .iter()
        .map(|f| {
            let (title, vi_only) = lang.pick(&f.title);
            (title.to_string(), vi_only, urls::field(&f.key))
        })
        .collect();
    (stage_titles, field_titles)
}

/// Rows and chart of the procedures per level.
fn levels(cx: &Ctx) -> (Vec<Value>, String) {
    let Ctx { site, stats, lang, t } = *cx;
    let level_rows: Vec<Value> = stats
        .levels
        .iter()
        .zip(&site.levels)
        .map(|(s, l)| json!({"key": l.key, "label": lang.pick(&l.label).0, "vi_only": lang.pick(&l.label).1, "count": s.count, "percent": lang.percent(s.percent)}))
        .collect();
    let level_title = tr(t, "stats_levels");
    let level_chart = chart::hbar(&Chart {
        id: "chart-levels",
        title: level_title,
        bars: stats
            .levels
            .iter()
            .zip(&site.levels)
            .map(|(s, l)| Bar {
                label: lang.pick(&l.label).0.to_string(),
                label_lang: lang.pick(&l.label).1.then_some("vi"),
                value: s.percent,
                text: format!("{} ({})", lang.percent(s.percent), s.count),
                fill: l.colour.clone(),
            })
            .collect(),
        lines: Vec::new(),
        max: Some(100.0),
    });
    (level_rows, level_chart)
}

/// Rows, chart and title of the procedures to promote online.
fn promote(cx: &Ctx, rows: &[Row]) -> (Vec<Value>, String, String) {
    let Ctx { site, stats, lang, t } = *cx;
    let fill = share_fill(site);
    let promote_rows: Vec<Value> = stats
        .promote
        .iter()
        .map(|x| {
            let r = &rows[x.procedure];
            json!({"code": x.code, "title": r.title, "vi_only": r.vi_only, "path": r.path, "offline": lang.number(x.offline as f64), "received": lang.number(x.received as f64), "percent": lang.percent(x.percent)})
        })
        .collect();
    let promote_title = match stats.latest_year() {
        Some(y) => format!("{}, {} {y}", tr(t, "stats_promote"), tr(t, "stats_in_year")),
        None => tr(t, "stats_promote").to_string(),
    };
    let promote_max = stats.promote.first().map(|x| x.offline as f64);
    let promote_chart = if stats.promote.is_empty() {
        String::new()
    } else {
        chart::hbar(&Chart {
            id: "chart-promote",
            title: &promote_title,
            bars: stats
                .promote
                .iter()
                .map(|x| Bar {
                    label: format!("{} — {}", x.code, rows[x.procedure].title),
                    label_lang: rows[x.procedure].vi_only.then_some("vi"),
                    value: x.offline as f64,
                    text: lang.number(x.offline as f64),
                    fill: fill.clone(),
                })
                .collect(),
            lines: Vec::new(),
            max: promote_max,
        })
    };
    (promote_rows, promote_chart, promote_title)
}

/// A procedure's own figures, one row per year; empty when it has none.
pub fn procedure(p: &Procedure, site: &Site, lang: Lang, t: &Strings) -> Vec<Value> {
    stats::procedure_years(p, site.config.target_low, site.config.target_high)
        .into_iter()
        .map(|y| {
            json!({
                "year": y.year,
                "received": opt_num(lang, y.received),
                "received_online": opt_num(lang, y.received_online),
                "resolved_online": opt_num(lang, y.resolved_online),
                "resolved_on_time": opt_num(lang, y.resolved_on_time),
                "percent": opt_pct(lang, y.percent),
                "band": y.band.map(Band::key),
                "band_label": band_label(t, y.band),
            })
        })
        .collect()
}
