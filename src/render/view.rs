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
        time: main.map(|c| time_short_in(c, t, lang)).unwrap_or_else(|| tr(t, "no_info").to_string()),
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
    time_text_in(c, t, Lang::Vi)
}

/// `time_text` with the edition's number format ("17,5 ngày làm việc", "17.5 working days").
pub fn time_text_in(c: &Channel, t: &Strings, lang: Lang) -> String {
    match (c.time, &c.time_unit, &c.time_text) {
        (Some(n), Some(u), _) => {
            let mut s = format!("{} {}", lang.number(n), tr(t, &format!("unit_{u}")));
            // The note is Vietnamese prose: an English edition keeps the number and unit
            // in English rather than switch language mid-sentence.
            if let Some(note) = c.time_note.as_ref().filter(|_| lang == Lang::Vi) {
                s.push_str(", ");
                s.push_str(note);
            }
            s
        }
        (_, _, Some(text)) => text.clone(),
        _ => tr(t, "no_info").to_string(),
    }
}

/// Fee text as published, with the amount when given.
pub fn fee_text(c: &Channel, t: &Strings) -> String {
    fee_text_in(c, t, Lang::Vi)
}

/// `fee_text` with the edition's number format for the amount.
pub fn fee_text_in(c: &Channel, t: &Strings, lang: Lang) -> String {
    match (&c.fee, c.fee_vnd) {
        (Some(f), Some(v)) if v != 0 && !f.contains(&format_number_vi(v as f64)) => {
            format!("{f} ({} {})", lang.number(v as f64), tr(t, "currency"))
        }
        (Some(f), _) => f.clone(),
        (None, Some(0)) => tr(t, "no").to_string(),
        (None, Some(v)) => format!("{} {}", lang.number(v as f64), tr(t, "currency")),
        (None, None) => tr(t, "no_info").to_string(),
    }
}

/// The number and unit of a time without its note ("10 ngày"), the text as
/// published when there is no number, "Không có thông tin" when neither.
pub fn time_short_in(c: &Channel, t: &Strings, lang: Lang) -> String {
    match (c.time, &c.time_unit) {
        (Some(n), Some(u)) => format!("{} {}", lang.number(n), tr(t, &format!("unit_{u}"))),
        _ => crate::text::shorten(&time_text_in(c, t, lang), 70),
    }
}

/// Where a channel's fee amount was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FeeSource {
    /// `fee_vnd`.
    Amount,
    /// An amount written in the `fee` text.
    Fee,
    /// An amount written only in the channel's `note` (the description column).
    Note,
    /// No amount: the fee text as published (shortened), or "no information".
    Text,
}

/// The fee of a channel as a reader wants it: the amount when there is one
/// anywhere in the record (`fee_vnd`, then the `fee` text, then the note, so
/// a fee that only the description column gives is not lost), else the fee
/// text as published, shortened at a word boundary.
pub fn fee_short_in(c: &Channel, t: &Strings, lang: Lang) -> (String, FeeSource) {
    match c.fee_vnd {
        Some(0) => return (tr(t, "glance_free").to_string(), FeeSource::Amount),
        Some(v) => return (format!("{} {}", lang.number(v as f64), tr(t, "currency")), FeeSource::Amount),
        None => {}
    }
    if let Some(a) = c.fee.as_deref().and_then(|f| first_amount(f, t, lang)) {
        return (a, FeeSource::Fee);
    }
    if let Some(a) = c.note.as_ref().and_then(|n| first_amount(&n.0, t, lang)) {
        return (a, FeeSource::Note);
    }
    match &c.fee {
        Some(f) => (crate::text::shorten(f, 70), FeeSource::Text),
        None => (tr(t, "no_info").to_string(), FeeSource::Text),
    }
}

/// The first amount of money in a text, with its unit: "100.000 đồng/giấy
/// phép" (in English "100,000 VND/giấy phép").
pub fn first_amount(text: &str, t: &Strings, lang: Lang) -> Option<String> {
    for word in ["đồng", "VNĐ", "VND"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(word).map(|i| i + from) {
            from = i + word.len();
            let before = text[..i].trim_end_matches(' ');
            let digits_start = before
                .char_indices()
                .rev()
                .take_while(|(_, ch)| ch.is_ascii_digit() || *ch == '.')
                .last()
                .map(|(k, _)| k);
            let Some(k) = digits_start else { continue };
            let number = before[k..].trim_start_matches('.');
            let Ok(value) = number.replace('.', "").parse::<u64>() else { continue };
            if value == 0 || (k > 0 && before[..k].ends_with(',')) {
                continue;
            }
            let mut out = format!("{} {}", lang.number(value as f64), tr(t, "currency"));
            // "/giấy phép": the unit the amount is per, up to the next punctuation.
            let rest = &text[from..];
            if let Some(unit) = rest.strip_prefix('/') {
                let end = unit.find(['.', ',', ';', ')', '(', '<', '\n']).unwrap_or(unit.len());
                let unit = unit[..end].trim();
                if !unit.is_empty() && unit.chars().count() <= 30 {
                    out.push('/');
                    out.push_str(unit);
                }
            }
            return Some(out);
        }
    }
    None
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

/// A file size as people read it, in the edition's decimal style: "58 KB", "1,2 MB" / "1.2 MB".
pub fn file_size(bytes: u64, lang: Lang) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes < MB {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        let tenths = (bytes * 10 + MB / 2) / MB;
        let mark = if lang == Lang::En { '.' } else { ',' };
        format!("{}{mark}{} MB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Channel, ChannelKind, Html};

    fn strings() -> Strings {
        [
            ("currency", "đồng"),
            ("no_info", "Không có thông tin"),
            ("glance_free", "Không mất phí"),
            ("unit_working-days", "ngày làm việc"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn channel(fee: Option<&str>, fee_vnd: Option<i64>, note: Option<&str>) -> Channel {
        Channel {
            kind: ChannelKind::Direct,
            time: Some(17.5),
            time_unit: Some("working-days".into()),
            time_text: None,
            time_note: None,
            fee: fee.map(str::to_string),
            fee_vnd,
            note: note.map(|n| Html(format!("<p>{n}</p>"))),
        }
    }

    #[test]
    fn a_fee_only_in_the_note_is_surfaced() {
        let t = strings();
        let c = channel(
            Some("Theo quy định của Hội đồng nhân dân cấp tỉnh."),
            None,
            Some("Biểu lệ phí của Ban: cấp giấy phép xây dựng trong khu công nghiệp 100.000 đồng/giấy phép."),
        );
        assert_eq!(fee_short_in(&c, &t, Lang::Vi), ("100.000 đồng/giấy phép".to_string(), FeeSource::Note));
        let mut en = t.clone();
        en.insert("currency".into(), "VND".into());
        assert_eq!(fee_short_in(&c, &en, Lang::En).0, "100,000 VND/giấy phép");
        let c = channel(Some("Phí thẩm định: 5.000.000 đồng/báo cáo; thẩm định lại: 50% (2.500.000 đồng)"), None, None);
        assert_eq!(fee_short_in(&c, &t, Lang::Vi), ("5.000.000 đồng/báo cáo".to_string(), FeeSource::Fee));
        assert_eq!(fee_short_in(&channel(None, Some(0), None), &t, Lang::Vi).0, "Không mất phí");
        assert_eq!(fee_short_in(&channel(None, None, None), &t, Lang::Vi).0, "Không có thông tin");
        let c = channel(Some("Theo quy định của Hội đồng nhân dân cấp tỉnh."), None, None);
        assert_eq!(
            fee_short_in(&c, &t, Lang::Vi),
            ("Theo quy định của Hội đồng nhân dân cấp tỉnh.".to_string(), FeeSource::Text)
        );
    }

    #[test]
    fn times_use_the_editions_decimal_mark() {
        let mut t = strings();
        let c = channel(None, None, None);
        assert_eq!(time_short_in(&c, &t, Lang::Vi), "17,5 ngày làm việc");
        t.insert("unit_working-days".into(), "working days".into());
        assert_eq!(time_short_in(&c, &t, Lang::En), "17.5 working days");
        assert_eq!(time_text_in(&c, &t, Lang::En), "17.5 working days");
    }

    #[test]
    fn file_sizes() {
        assert_eq!(super::file_size(57_700, Lang::Vi), "57 KB");
        assert_eq!(super::file_size(1, Lang::Vi), "1 KB");
        assert_eq!(super::file_size(1_300_000, Lang::Vi), "1,2 MB");
        assert_eq!(super::file_size(1_300_000, Lang::En), "1.2 MB");
    }
}
