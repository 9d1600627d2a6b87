//! View data shared by renderers: the light catalogue row and the
//! human-readable forms of times and fees. List pages get rows, never whole
//! procedures, to keep memory flat at 10,000 records.

use super::lang::Lang;
use super::urls;
use crate::model::{Channel, ChannelKind, Procedure, Site};
use crate::text::format_number_vi;
use serde::Serialize;
use std::collections::BTreeMap;

pub type Strings = BTreeMap<String, String>;

/// Looks up a UI string; a missing key shows as the key itself (and a test checks none is missing).
pub fn tr<'a>(t: &'a Strings, key: &'a str) -> &'a str {
    t.get(key).map(String::as_str).unwrap_or(key)
}

/// One procedure as a catalogue row.
#[derive(Serialize, Clone)]
pub struct Row {
    pub code: String,
    /// Title in the edition's language (Vietnamese when the translation is missing).
    pub title: String,
    pub title_en: Option<String>,
    /// The title is the Vietnamese fallback on an English page.
    pub vi_only: bool,
    /// Site-relative URL path.
    pub path: String,
    pub level: usize,
    pub base_level: u8,
    pub stage: usize,
    pub field: usize,
    pub digital_signature: bool,
    pub service_center: bool,
    pub public_postal: bool,
    pub optional: bool,
    /// Processing time of the main channel (online if offered), as text.
    pub time: String,
    /// Sortable processing time in working days (calendar days × 5/7, hours ÷ 8); -1 when unknown.
    pub time_sort: f64,
    /// Channel kinds, space-separated (`direct online postal`).
    pub channels: String,
    pub journey_index: usize,
}

pub fn row(p: &Procedure, t: &Strings, lang: Lang) -> Row {
    let (title, vi_only) = lang.pick(&p.title);
    let main = p.channel(ChannelKind::Online).or_else(|| p.channel(ChannelKind::Direct)).or(p.channels.first());
    let mut kinds: Vec<&str> = p.channels.iter().map(|c| c.kind.key()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    Row {
        code: p.code.clone(),
        title: title.to_string(),
        title_en: p.title.en.clone(),
        vi_only,
        path: urls::procedure(&p.slug),
        level: p.level,
        base_level: p.base_level,
        stage: p.stage,
        field: p.field,
        digital_signature: p.digital_signature,
        service_center: p.service_center,
        public_postal: p.public_postal,
        optional: p.optional,
        time: main.map(|c| short_time_text(c, t)).unwrap_or_else(|| tr(t, "no_info").to_string()),
        time_sort: main.and_then(|c| Some(c.time? * unit_weight(c.time_unit.as_deref()?))).unwrap_or(-1.0),
        channels: kinds.join(" "),
        journey_index: p.journey_index,
    }
}

fn unit_weight(unit: &str) -> f64 {
    match unit {
        "hours" => 1.0 / 8.0,
        "days" => 5.0 / 7.0,
        _ => 1.0,
    }
}

/// "15 ngày làm việc", or the time text as published.
pub fn time_text(c: &Channel, t: &Strings) -> String {
    match (c.time, &c.time_unit, &c.time_text) {
        (Some(n), Some(u), _) => {
            let mut s = format!("{} {}", format_number_vi(n), tr(t, &format!("unit_{u}")));
            if let Some(note) = &c.time_note {
                s.push_str(", ");
                s.push_str(note);
            }
            s
        }
        (_, _, Some(text)) => text.clone(),
        _ => tr(t, "no_info").to_string(),
    }
}

/// Time for a table cell: number and unit without the note; long texts
/// shortened at a word boundary (the procedure page has the full text).
pub fn short_time_text(c: &Channel, t: &Strings) -> String {
    if let (Some(n), Some(u)) = (c.time, &c.time_unit) {
        return format!("{} {}", format_number_vi(n), tr(t, &format!("unit_{u}")));
    }
    let full = time_text(c, t);
    if full.chars().count() <= 70 {
        return full;
    }
    let mut out = String::new();
    for word in full.split_whitespace() {
        if out.chars().count() + word.chars().count() > 60 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

/// Fee text as published, with the amount when given.
pub fn fee_text(c: &Channel, t: &Strings) -> String {
    match (&c.fee, c.fee_vnd) {
        (Some(f), Some(v)) if v != 0 && !f.contains(&format_number_vi(v as f64)) => {
            format!("{f} ({} {})", format_number_vi(v as f64), tr(t, "currency"))
        }
        (Some(f), _) => f.clone(),
        (None, Some(0)) => tr(t, "no").to_string(),
        (None, Some(v)) => format!("{} {}", format_number_vi(v as f64), tr(t, "currency")),
        (None, None) => tr(t, "no_info").to_string(),
    }
}

/// Per-level counts of procedures, overall and per stage/field.
pub fn level_counts<'a>(site: &Site, procs: impl Iterator<Item = &'a Procedure>) -> Vec<usize> {
    let mut counts = vec![0; site.levels.len()];
    for p in procs {
        counts[p.level] += 1;
    }
    counts
}

/// Procedures on "Recent changes" and in its feed.
pub const RECENT_PAGE: usize = 50;
pub const RECENT_FEED: usize = 20;

/// Indices of the `n` most recently changed procedures, newest first (ties
/// by code, so the order is stable).
pub fn recent(site: &Site, n: usize) -> Vec<usize> {
    let mut ix: Vec<usize> = (0..site.procedures.len()).filter(|&i| site.procedures[i].updated.is_some()).collect();
    let key = |i: usize| site.procedures[i].updated.as_ref().map_or(0, |u| u.unix);
    ix.sort_by(|&a, &b| key(b).cmp(&key(a)).then_with(|| site.procedures[a].code.cmp(&site.procedures[b].code)));
    ix.truncate(n);
    ix
}

/// A file size as people read it: "58 KB", "1,2 MB" (Vietnamese decimal comma).
pub fn file_size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes < MB {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        let tenths = (bytes * 10 + MB / 2) / MB;
        format!("{},{} MB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_sizes() {
        assert_eq!(super::file_size(57_700), "57 KB");
        assert_eq!(super::file_size(1), "1 KB");
        assert_eq!(super::file_size(1_300_000), "1,2 MB");
    }
}
