//! A procedure's internal processes (quy trình giải quyết nội bộ) for its
//! page: a timeline drawn at build time as SVG and the same facts as table
//! rows. Pure functions over the model: no files, no clock.
//!
//! The timeline has one lane per unit or agency (in the order they first
//! hold the dossier), one bar per step placed one after the other in time,
//! each bar as long as the step's working hours, and a dashed line at the
//! legal time limit. It is decorative (`aria-hidden`): the table beside it
//! carries every fact, and nothing in the drawing depends on colour.

use super::chart::num;
use super::lang::Lang;
use super::view::{Strings, tr};
use crate::filters::escape_html;
use crate::load::process::HOURS_PER_DAY;
use crate::model::{InternalProcess, Procedure, Responsible, Site};
use serde::Serialize;
use std::fmt::Write;

/// Drawing width in SVG units. Narrow on purpose, like the statistics charts:
/// at 390 px the drawing is shown at about its own size, so 13-unit text
/// reads at about 12–13 px; wider screens scale it up to the CSS max-width.
pub const WIDTH: f64 = 360.0;
const LEFT: f64 = 4.0;
const RIGHT: f64 = 4.0;
const FONT: f64 = 13.0;
const LINE: f64 = 15.0;
const TOP: f64 = 26.0;
const BAR: f64 = 20.0;
const LANE_GAP: f64 = 14.0;
/// Wrap lane names at this many characters (about 330 units at 13 units), at most two lines.
const LINE_CHARS: usize = 48;
const MAX_LINES: usize = 2;
/// Bars and their numbers: 9.6:1 against white, white text 9.6:1 on the bar.
const BAR_FILL: &str = "#1d4e89";
const INK: &str = "#1b1b1b";
/// Handover lines between lanes: 7:1 against white.
const MUTED: &str = "#595959";
/// Lane separators: decorative only.
const RULE: &str = "#c8c8c8";
const HALO: &str = r##" stroke="#ffffff" stroke-width="3" paint-order="stroke""##;

/// One internal process, ready for `partials/procedure-process.html`.
#[derive(Serialize, Debug, Clone)]
pub struct ProcessSection {
    /// Unique on the page (`quy-trinh-1`, …), for the heading and the SVG.
    pub id: String,
    /// Channel and case ("Trực tiếp · Công trình …"), when the record says.
    pub label: Option<String>,
    /// The channel's name in the edition's language.
    pub channel: Option<String>,
    /// The case as written (Vietnamese).
    pub case: Option<String>,
    pub decision: Option<DecisionView>,
    /// The note in the edition's language, and whether it is the Vietnamese fallback.
    pub note: Option<String>,
    pub note_vi: bool,
    pub svg: String,
    pub rows: Vec<StepRow>,
    /// "160 giờ làm việc (20 ngày làm việc)".
    pub total: String,
    /// "20 ngày làm việc", when the record gives the legal time.
    pub limit: Option<String>,
    /// The steps add up to the legal time (always, in a site that passed `check`).
    pub on_limit: bool,
}

#[derive(Serialize, Debug, Clone)]
pub struct DecisionView {
    pub number: Option<String>,
    /// ISO 8601 as written; the template formats it.
    pub date: Option<String>,
    pub issuer: Option<String>,
    pub url: Option<String>,
}

/// One row of the table: the facts of one step in the edition's language.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct StepRow {
    pub number: usize,
    pub action: String,
    /// The action is the Vietnamese fallback on an English page.
    pub action_vi: bool,
    pub who: String,
    /// The unit's name is Vietnamese on an English page (an agency's name always is).
    pub who_vi: bool,
    /// As written: "4 giờ làm việc", "5 ngày làm việc".
    pub time: String,
    /// "Có" / "Không" ("Yes" / "No"): never blank.
    pub electronic: String,
    /// As written in the record (Vietnamese).
    pub output: Option<String>,
}

/// Every internal process of the record, in record order; empty when it has none.
pub fn sections(site: &Site, p: &Procedure, lang: Lang, t: &Strings) -> Vec<ProcessSection> {
    p.internal_process
        .iter()
        .enumerate()
        .map(|(i, ip)| {
            let id = format!("quy-trinh-{}", i + 1);
            let channel = ip.channel.map(|c| tr(t, &format!("channel_{}", c.key())).to_string());
            let label = match (&channel, &ip.case) {
                (Some(c), Some(case)) => Some(format!("{c} · {case}")),
                (Some(c), None) => Some(c.clone()),
                (None, Some(case)) => Some(case.clone()),
                (None, None) => None,
            };
            ProcessSection {
                svg: svg(site, p, ip, lang, t, &id),
                id,
                label,
                channel,
                case: ip.case.clone(),
                decision: ip.decision.as_ref().map(|d| DecisionView {
                    number: d.number.clone(),
                    date: d.date.clone(),
                    issuer: d.issuer.clone(),
                    url: d.url.clone(),
                }),
                note: ip.note.as_ref().map(|n| lang.pick(n).0.to_string()),
                note_vi: ip.note.as_ref().is_some_and(|n| lang.pick(n).1),
                rows: rows(site, ip, lang, t),
                total: duration(ip.total_hours, lang, t),
                limit: ip.limit_hours.map(|h| days_or_hours(h, lang, t)),
                on_limit: ip.limit_hours.is_some_and(|h| (h - ip.total_hours).abs() < 1e-6),
            }
        })
        .collect()
}

/// The table rows of one process.
pub fn rows(site: &Site, ip: &InternalProcess, lang: Lang, t: &Strings) -> Vec<StepRow> {
    ip.steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (action, action_vi) = lang.pick(&s.action);
            let (who, who_vi) = who(site, &s.responsible, lang);
            let unit = if s.time_unit == "working-days" { "process_working_days" } else { "process_working_hours" };
            StepRow {
                number: i + 1,
                action: action.to_string(),
                action_vi,
                who,
                who_vi,
                time: format!("{} {}", lang.number(s.time), tr(t, unit)),
                electronic: tr(t, if s.electronic { "yes" } else { "no" }).to_string(),
                output: s.output.clone(),
            }
        })
        .collect()
}

/// Who holds the dossier: the unit's name in the edition's language, an agency as written.
fn who(site: &Site, r: &Responsible, lang: Lang) -> (String, bool) {
    match r {
        Responsible::Unit(i) => {
            let (name, vi) = lang.pick(&site.units[*i].name);
            (name.to_string(), vi)
        }
        Responsible::Agency(name) => (name.clone(), lang == Lang::En),
    }
}

/// Working hours as working days when whole ("20 ngày làm việc"), else hours.
fn days_or_hours(h: f64, lang: Lang, t: &Strings) -> String {
    let days = h / HOURS_PER_DAY;
    if (days - days.round()).abs() < 1e-9 {
        format!("{} {}", lang.number(days), tr(t, "process_working_days"))
    } else {
        format!("{} {}", lang.number(h), tr(t, "process_working_hours"))
    }
}

/// A total: hours, with working days beside when longer than a day
/// ("160 giờ làm việc (20 ngày làm việc)").
fn duration(h: f64, lang: Lang, t: &Strings) -> String {
    let hours = format!("{} {}", lang.number(h), tr(t, "process_working_hours"));
    if h > HOURS_PER_DAY {
        format!(
            "{hours} ({} {})",
            lang.number(((h / HOURS_PER_DAY) * 100.0).round() / 100.0),
            tr(t, "process_working_days")
        )
    } else {
        hours
    }
}

/// A name as at most MAX_LINES lines of LINE_CHARS characters, broken between words.
fn wrap(label: &str) -> Vec<String> {
    super::chart::wrap_to(label, LINE_CHARS, MAX_LINES)
}

/// The lanes: each unit or agency once, in the order it first holds the dossier;
/// and for each step, its lane.
fn lanes(ip: &InternalProcess) -> (Vec<&Responsible>, Vec<usize>) {
    let mut lanes: Vec<&Responsible> = Vec::new();
    let mut of_step = Vec::with_capacity(ip.steps.len());
    for s in &ip.steps {
        let i = match lanes.iter().position(|r| **r == s.responsible) {
            Some(i) => i,
            None => {
                lanes.push(&s.responsible);
                lanes.len() - 1
            }
        };
        of_step.push(i);
    }
    (lanes, of_step)
}

/// The timeline of one process as an `<svg>` element (decorative: `aria-hidden`).
/// Each step's bar is a `<rect class="bar">`, in step order; its width is the
/// step's hours on a scale whose right edge is the larger of the total and the
/// legal limit.
pub fn svg(site: &Site, _p: &Procedure, ip: &InternalProcess, lang: Lang, t: &Strings, id: &str) -> String {
    let (lanes, of_step) = lanes(ip);
    let limit = ip.limit_hours;
    let scale = ip.total_hours.max(limit.unwrap_or(0.0)).max(f64::MIN_POSITIVE);
    let plot = WIDTH - LEFT - RIGHT;
    let x = |h: f64| LEFT + plot * (h / scale);
    // Lane geometry: the name above, the bars under it.
    let names: Vec<Vec<String>> = lanes.iter().map(|r| wrap(&who(site, r, lang).0)).collect();
    let (bar_top, lanes_bottom) = bar_tops(&names);
    let height = lanes_bottom + 24.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="process-chart" id="{id}-chart" aria-hidden="true" focusable="false" viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">"#,
        w = num(WIDTH),
        h = num(height),
    );
    let spans = spans(ip);
    write_handovers(&mut s, &spans, &of_step, &bar_top, &x);
    write_lane_names(&mut s, &names, &bar_top);
    write_bars(&mut s, &spans, &of_step, &bar_top, plot, scale, &x);
    write_limit(&mut s, limit, lang, t, lanes_bottom, &x);
    write_total(&mut s, ip, limit, lang, t, lanes_bottom, &x);
    s.push_str("</svg>");
    s
}

/// Where each lane's bars start, from its name's line count; and where the lanes end.
fn bar_tops(names: &[Vec<String>]) -> (Vec<f64>, f64) {
    let mut bar_top = Vec::with_capacity(names.len());
    let mut y = TOP;
    for n in names {
        let top = y + 18.0 + LINE * (n.len() - 1) as f64;
        bar_top.push(top);
        y = top + BAR + LANE_GAP;
    }
    (bar_top, y)
}

/// Each step's (start, hours), one after the other in time.
fn spans(ip: &InternalProcess) -> Vec<(f64, f64)> {
    let mut start = 0.0;
    let mut spans = Vec::with_capacity(ip.steps.len());
    for st in &ip.steps {
        spans.push((start, st.hours));
        start += st.hours;
    }
    spans
}

/// Handovers: a dotted line from the end of a step to the next step's lane.
fn write_handovers(s: &mut String, spans: &[(f64, f64)], of_step: &[usize], bar_top: &[f64], x: &dyn Fn(f64) -> f64) {
    for k in 1..spans.len() {
        let (a, b) = (of_step[k - 1], of_step[k]);
        if a != b {
            let hx = num(x(spans[k].0));
            let _ = write!(
                s,
                r#"<line x1="{hx}" y1="{y1}" x2="{hx}" y2="{y2}" stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="2 3"/>"#,
                y1 = num(bar_top[a] + BAR / 2.0),
                y2 = num(bar_top[b] + BAR / 2.0),
            );
        }
    }
}

/// Lane names and separators.
fn write_lane_names(s: &mut String, names: &[Vec<String>], bar_top: &[f64]) {
    for (i, n) in names.iter().enumerate() {
        let top = if i == 0 { TOP } else { bar_top[i - 1] + BAR + LANE_GAP };
        if i > 0 {
            let _ = write!(
                s,
                r#"<line x1="0" y1="{y}" x2="{w}" y2="{y}" stroke="{RULE}" stroke-width="1"/>"#,
                y = num(top - LANE_GAP / 2.0),
                w = num(WIDTH)
            );
        }
        for (k, line) in n.iter().enumerate() {
            let _ = write!(
                s,
                r#"<text x="{x}" y="{y}" font-size="{FONT}" font-weight="600" fill="{INK}"{HALO}>{t}</text>"#,
                x = num(LEFT),
                y = num(top + 13.0 + LINE * k as f64),
                t = escape_html(line),
            );
        }
    }
}

/// The bars, in step order, each with its number.
fn write_bars(
    s: &mut String,
    spans: &[(f64, f64)],
    of_step: &[usize],
    bar_top: &[f64],
    plot: f64,
    scale: f64,
    x: &dyn Fn(f64) -> f64,
) {
    for (k, &(from, hours)) in spans.iter().enumerate() {
        let (bx, bw) = (x(from), plot * (hours / scale));
        let by = bar_top[of_step[k]];
        // The outline keeps a very short step visible as a line.
        let _ = write!(
            s,
            r#"<rect class="bar" x="{x}" y="{y}" width="{w}" height="{BAR}" fill="{BAR_FILL}" stroke="{BAR_FILL}" stroke-width="1"/>"#,
            x = num(bx),
            y = num(by),
            w = num(bw),
        );
        write_bar_number(s, k + 1, bx, bw, by);
    }
}

/// A bar's number: inside a bar wide enough, else right of it, else left of it.
fn write_bar_number(s: &mut String, number: usize, bx: f64, bw: f64, by: f64) {
    let label = number.to_string();
    let ty = num(by + 14.5);
    if bw >= 18.0 {
        let _ = write!(
            s,
            r##"<text x="{x}" y="{ty}" font-size="12" font-weight="700" fill="#ffffff" text-anchor="middle">{label}</text>"##,
            x = num(bx + bw / 2.0),
        );
    } else if bx + bw + 16.0 <= WIDTH {
        let _ = write!(
            s,
            r#"<text x="{x}" y="{ty}" font-size="12" font-weight="700" fill="{INK}"{HALO}>{label}</text>"#,
            x = num(bx + bw + 3.0),
        );
    } else {
        let _ = write!(
            s,
            r#"<text x="{x}" y="{ty}" font-size="12" font-weight="700" fill="{INK}" text-anchor="end"{HALO}>{label}</text>"#,
            x = num(bx - 3.0),
        );
    }
}

/// The legal limit: a dashed line across the lanes, labelled at the top.
fn write_limit(s: &mut String, limit: Option<f64>, lang: Lang, t: &Strings, lanes_bottom: f64, x: &dyn Fn(f64) -> f64) {
    let Some(l) = limit else { return };
    let lx = num(x(l) - 0.75);
    let _ = write!(
        s,
        r#"<line class="limit" x1="{lx}" y1="{y1}" x2="{lx}" y2="{y2}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="5 3"/>"#,
        y1 = num(TOP - 6.0),
        y2 = num(lanes_bottom),
    );
    let head = format!("{}: {}", tr(t, "process_limit"), days_or_hours(l, lang, t));
    let _ = write!(
        s,
        r#"<text x="{x}" y="16" font-size="{FONT}" fill="{INK}" text-anchor="end"{HALO}>{h}</text>"#,
        x = num(x(l) - 4.0),
        h = escape_html(&head),
    );
}

/// The total, under the lanes: where the last step ends; and the scale's 0.
fn write_total(
    s: &mut String,
    ip: &InternalProcess,
    limit: Option<f64>,
    lang: Lang,
    t: &Strings,
    lanes_bottom: f64,
    x: &dyn Fn(f64) -> f64,
) {
    let total_text = days_or_hours(ip.total_hours, lang, t);
    let tx = x(ip.total_hours);
    if limit.is_none_or(|l| (l - ip.total_hours).abs() > 1e-6) {
        let _ = write!(
            s,
            r#"<line class="total" x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{INK}" stroke-width="1.5"/>"#,
            x = num(tx - 0.75),
            y1 = num(TOP - 6.0),
            y2 = num(lanes_bottom + 4.0),
        );
    }
    let _ = write!(
        s,
        r#"<text x="{x}" y="{y}" font-size="{FONT}" fill="{INK}" text-anchor="end">{h}</text>"#,
        x = num(tx - 4.0),
        y = num(lanes_bottom + 16.0),
        h = escape_html(&format!("{}: {}", tr(t, "process_total"), total_text)),
    );
    let _ = write!(
        s,
        r#"<text x="{x}" y="{y}" font-size="{FONT}" fill="{INK}">0</text>"#,
        x = num(LEFT),
        y = num(lanes_bottom + 16.0)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_wrap_on_two_lines_at_most() {
        let long = "Phòng Quản lý quy hoạch, xây dựng, môi trường và tài nguyên thiên nhiên của Ban Quản lý các khu công nghiệp tỉnh";
        let lines = wrap(long);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.chars().count() <= LINE_CHARS));
        assert!(lines[1].ends_with('…'));
        assert_eq!(wrap("Lãnh đạo Ban"), vec!["Lãnh đạo Ban".to_string()]);
    }
}
