//! A record's internal processes (`[[internal_process]]`): the steps the
//! Board takes inside, who takes each and for how long. Checked against the
//! site's `[[units]]` and against the record's own processing time, since an
//! approved process whose steps do not add up to the legal time is a mistake
//! the office must see before it publishes the decision.

use super::config::check_http;
use crate::diag::{Diagnostic, Loc, SourceText, did_you_mean};
use crate::model::{Channel, ChannelKind, Decision, InternalProcess, ProcessStep, Responsible, Text, Unit};
use crate::schema::process::{RawProcess, RawStep};
use crate::text;
use toml::Spanned;

/// Working hours in a working day, for converting step times.
pub const HOURS_PER_DAY: f64 = 8.0;
/// Two times closer than this (in hours) are equal: times are written with at
/// most a few decimals, and sums of such numbers are not exact in binary.
const EPSILON_HOURS: f64 = 0.01;

/// Checks and converts the record's internal processes; also where those are that
/// could not be compared with a legal time (a warning, not an error).
pub(super) fn internal_processes(
    raw: &[Spanned<RawProcess>],
    channels: &[Channel],
    units: &[Unit],
    src: &SourceText,
    out: &mut Vec<Diagnostic>,
) -> (Vec<InternalProcess>, Vec<Loc>) {
    let mut processes = Vec::new();
    let mut unchecked = Vec::new();
    for (i, p) in raw.iter().enumerate() {
        let field = format!("internal_process[{i}]");
        let at = p.span().start;
        let p = p.get_ref();
        let channel = p.channel.as_ref().and_then(|c| ChannelKind::parse(c.get_ref()));
        if let Some(u) = &p.decision_url {
            check_http(u, &format!("{field}.decision_url"), src, out);
        }
        if processes.iter().any(|x: &InternalProcess| x.channel == channel && x.case == p.case) {
            out.push(
                Diagnostic::new("dup-process", "two internal processes for the same channel and case")
                    .at(src, at)
                    .field(&field)
                    .hint("give each process its own `channel` or `case`"),
            );
        }
        let before = out.len();
        let steps = steps(&p.steps, units, &field, src, out);
        // A step with an error is left out of the sum: comparing it would only add noise.
        let steps_ok = out.len() == before;
        let total_hours: f64 = steps.iter().map(|s| s.hours).sum();
        let limit_hours = match legal_limit(p, channel, channels, &field, src, out) {
            Limit::Hours(h) => Some(h),
            Limit::Unknown => {
                unchecked.push(src.loc(at));
                None
            }
            Limit::Reported => None,
        };
        if let Some(limit) = limit_hours
            && steps_ok
            && (total_hours - limit).abs() > EPSILON_HOURS
        {
            out.push(sum_mismatch(total_hours, limit, p.steps.span().start, &field, src));
        }
        processes.push(InternalProcess {
            channel,
            case: p.case.as_deref().map(text::nfc),
            decision: decision(p),
            note: p.note.as_deref().map(|vi| Text { vi: text::nfc(vi), en: p.note_en.as_deref().map(text::nfc) }),
            steps,
            total_hours,
            limit_hours,
        });
    }
    (processes, unchecked)
}

fn steps(
    raw: &Spanned<Vec<Spanned<RawStep>>>,
    units: &[Unit],
    field: &str,
    src: &SourceText,
    out: &mut Vec<Diagnostic>,
) -> Vec<ProcessStep> {
    if raw.get_ref().is_empty() {
        out.push(
            Diagnostic::new("empty", "an internal process needs at least one step")
                .at(src, raw.span().start)
                .field(format!("{field}.steps")),
        );
    }
    let mut steps = Vec::new();
    for (j, s) in raw.get_ref().iter().enumerate() {
        let f = |k: &str| format!("{field}.steps[{j}].{k}");
        let at = s.span().start;
        let s = s.get_ref();
        if let Some(n) = &s.step
            && *n.get_ref() != j as i64 + 1
        {
            out.push(
                Diagnostic::new("step-order", format!("step {} is the {}. step of the list", n.get_ref(), j + 1))
                    .at(src, n.span().start)
                    .field(f("step"))
                    .hint(format!("number the steps 1, 2, 3… in order: this one is step {}", j + 1)),
            );
        }
        let time = *s.time.get_ref();
        if !(time.is_finite() && time > 0.0) {
            out.push(
                Diagnostic::new("bad-value", format!("time {time} must be a positive number"))
                    .at(src, s.time.span().start)
                    .field(f("time"))
                    .hint("the working hours or working days this step may take"),
            );
        }
        let hours = if s.time_unit == "working-days" { time * HOURS_PER_DAY } else { time };
        let Some(responsible) = responsible(s, units, at, &f, src, out) else { continue };
        steps.push(ProcessStep {
            action: Text { vi: text::nfc(s.action.trim()), en: s.action_en.as_deref().map(|a| text::nfc(a.trim())) },
            responsible,
            time,
            time_unit: s.time_unit.clone(),
            hours,
            electronic: s.electronic.unwrap_or(true),
            output: s.output.as_deref().map(text::nfc),
        });
    }
    steps
}

/// The step's unit (a `[[units]]` key) or other agency: exactly one of them.
fn responsible(
    s: &RawStep,
    units: &[Unit],
    at: usize,
    f: &dyn Fn(&str) -> String,
    src: &SourceText,
    out: &mut Vec<Diagnostic>,
) -> Option<Responsible> {
    match (&s.unit, &s.agency) {
        (Some(u), None) => {
            let key = u.get_ref().trim();
            if let Some(i) = units.iter().position(|x| x.key == key) {
                return Some(Responsible::Unit(i));
            }
            let hint = match did_you_mean(key, units.iter().map(|x| x.key.as_str())) {
                Some(m) => format!("did you mean \"{m}\"?"),
                None if units.is_empty() => "site.toml has no [[units]]: add the Board's units there".to_string(),
                None => format!(
                    "units (site.toml [[units]]): {}",
                    units.iter().map(|x| x.key.as_str()).collect::<Vec<_>>().join(", ")
                ),
            };
            out.push(
                Diagnostic::new("unknown-ref", format!("unknown unit `{key}`"))
                    .at(src, u.span().start)
                    .field(f("unit"))
                    .hint(hint),
            );
            None
        }
        (None, Some(a)) if !a.trim().is_empty() => Some(Responsible::Agency(text::nfc(a.trim()))),
        (Some(u), Some(_)) => {
            out.push(
                Diagnostic::new("conflict", "a step has either a `unit` or an `agency`, not both")
                    .at(src, u.span().start)
                    .field(f("agency"))
                    .hint("use `unit` for the Board's own units, `agency` for another agency"),
            );
            None
        }
        _ => {
            out.push(
                Diagnostic::new("missing-key", "who does this step? give `unit` or `agency`")
                    .at(src, at)
                    .field(f("unit"))
                    .hint("unit = \"<a [[units]] key of site.toml>\", or agency = \"<name of another agency>\""),
            );
            None
        }
    }
}

enum Limit {
    Hours(f64),
    /// The record gives no time (or only text, or calendar days) to compare with.
    Unknown,
    /// An error was reported (channels disagree, the channel is missing).
    Reported,
}

/// The legal processing time the steps must add up to, in working hours.
fn legal_limit(
    p: &RawProcess,
    channel: Option<ChannelKind>,
    channels: &[Channel],
    field: &str,
    src: &SourceText,
    out: &mut Vec<Diagnostic>,
) -> Limit {
    let candidates: Vec<&Channel> = match channel {
        Some(k) => {
            let of_kind: Vec<&Channel> = channels.iter().filter(|c| c.kind == k).collect();
            if of_kind.is_empty() {
                let at = p.channel.as_ref().map_or(0, |c| c.span().start);
                out.push(
                    Diagnostic::new("unknown-ref", format!("the record has no `{}` channel", k.key()))
                        .at(src, at)
                        .field(format!("{field}.channel"))
                        .hint("name a channel of the record's [[channels]]"),
                );
                return Limit::Reported;
            }
            of_kind
        }
        None => channels.iter().collect(),
    };
    let limits: Vec<f64> = candidates.iter().filter_map(|c| working_hours(c)).collect();
    match limits.split_first() {
        None => Limit::Unknown,
        Some((first, rest)) if rest.iter().all(|h| (h - first).abs() <= EPSILON_HOURS) => Limit::Hours(*first),
        Some(_) => {
            out.push(
                Diagnostic::new("ambiguous-time", "the record's channels have different times")
                    .at(src, p.steps.span().start)
                    .field(format!("{field}.channel"))
                    .hint("add channel = \"direct\" (or \"online\", \"postal\") to say which time the steps add up to"),
            );
            Limit::Reported
        }
    }
}

/// A channel's time in working hours; calendar days cannot be compared.
fn working_hours(c: &Channel) -> Option<f64> {
    let t = c.time?;
    match c.time_unit.as_deref()? {
        "working-days" => Some(t * HOURS_PER_DAY),
        "hours" => Some(t),
        _ => None,
    }
}

fn sum_mismatch(total: f64, limit: f64, at: usize, field: &str, src: &SourceText) -> Diagnostic {
    let diff = total - limit;
    let (more, amount) = if diff > 0.0 { ("more", diff) } else { ("less", -diff) };
    Diagnostic::new(
        "process-time",
        format!(
            "the steps add up to {} but the record's processing time is {}: {} {more}",
            hours_text(total),
            hours_text(limit),
            hours_text(amount)
        ),
    )
    .at(src, at)
    .field(format!("{field}.steps"))
    .hint("the approved steps must add up to the legal time (working hours count 8 to a working day)")
}

/// "2 working days 4 hours (20 h)", "1 working day (8 h)", "4 hours".
pub fn hours_text(h: f64) -> String {
    let days = (h / HOURS_PER_DAY).floor();
    let rest = h - days * HOURS_PER_DAY;
    // Shortest decimal form: 17.5, 4, 0.25.
    let num = |x: f64| format!("{}", (x * 100.0).round() / 100.0);
    let days_text = format!("{} working day{}", num(days), if days == 1.0 { "" } else { "s" });
    let hours_text = |x: f64| format!("{} hour{}", num(x), if x == 1.0 { "" } else { "s" });
    match (days > 0.0, rest > EPSILON_HOURS) {
        (true, true) => format!("{days_text} {} ({} h)", hours_text(rest), num(h)),
        (true, false) => format!("{days_text} ({} h)", num(h)),
        _ => hours_text(h),
    }
}

fn decision(p: &RawProcess) -> Option<Decision> {
    let d = Decision {
        number: p.decision.as_deref().map(text::nfc),
        date: p.decision_date.map(|d| d.to_string()),
        issuer: p.decision_issuer.as_deref().map(text::nfc),
        url: p.decision_url.as_ref().map(|u| u.get_ref().clone()),
    };
    (d.number.is_some() || d.date.is_some() || d.issuer.is_some() || d.url.is_some()).then_some(d)
}
