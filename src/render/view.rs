//! View data shared by renderers: the light catalogue row and the
//! human-readable forms of times and fees. List pages get rows, never whole
//! procedures, to keep memory flat at 10,000 records.

use super::lang::Lang;
use super::urls;
use crate::model::{Channel, ChannelKind, Procedure, Site};
use crate::text::format_number_vi;
use serde::Serialize;

pub use crate::lang::{Strings, tr};

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

/// Qualifiers of a processing time the national portal uses again and again,
/// in English: an English leaflet says them in English instead of switching
/// language mid-sentence. Longest first where one starts another. `{n}` is the
/// time's own number (the phrase only restates it) or, in the regional phrases,
/// any number.
const TIME_QUALIFIERS: &[(&str, &str)] = &[
    ("kể từ ngày nhận đủ hồ sơ hợp lệ", "from receipt of a complete, valid dossier"),
    ("kể từ ngày nhận đầy đủ hồ sơ hợp lệ", "from receipt of a complete, valid dossier"),
    ("kể từ ngày nhận được hồ sơ hợp lệ", "from receipt of a valid dossier"),
    ("kể từ ngày nhận hồ sơ hợp lệ", "from receipt of a valid dossier"),
    ("kể từ ngày nhận đủ hồ sơ", "from receipt of a complete dossier"),
    ("kể từ ngày nhận được hồ sơ", "from receipt of the dossier"),
    ("kể từ ngày nhận hồ sơ", "from receipt of the dossier"),
    ("kể từ ngày nhận được tài liệu", "from receipt of the documents"),
    ("kể từ ngày nhận được thông báo", "from receipt of the notice"),
    (
        "đối với các xã miền núi, hải đảo, vùng sâu, vùng xa, vùng có điều kiện kinh tế - xã hội khó khăn, vùng có điều kiện kinh tế - xã hội đặc biệt khó khăn thì thời gian thực hiện không quá {n} ngày làm việc",
        "in mountain and island communes, remote areas and areas with difficult or especially difficult socio-economic conditions: at most {n} working days",
    ),
    (
        "đối với các xã miền núi, vùng sâu, vùng xa, vùng có điều kiện kinh tế - xã hội khó khăn, vùng có điều kiện kinh tế - xã hội đặc biệt khó khăn thì thời gian thực hiện được tăng thêm {n} ngày làm việc",
        "in mountain communes, remote areas and areas with difficult or especially difficult socio-economic conditions: {n} working days more",
    ),
];

/// Words of a legal citation ("Nghị định 96/2026/NĐ-CP, Điều 54 khoản 4"), in English.
const CITATION_WORDS: &[(&str, &str)] = &[
    ("Luật Bảo vệ môi trường", "Law on Environmental Protection"),
    ("Nghị định", "Decree"),
    ("Thông tư", "Circular"),
    ("Quyết định", "Decision"),
    ("Điều", "Article"),
    ("khoản", "clause"),
    ("điểm", "point"),
];

/// Known fee texts, in English (`{free}` is the edition's "free of charge").
const FEE_PHRASES: &[(&str, &str)] = &[
    ("không thu phí", "{free}"),
    ("miễn phí", "{free}"),
    ("không", "{free}"),
    ("theo quy định của hội đồng nhân dân cấp tỉnh", "as set by the provincial People's Council"),
];

/// What a fee amount is per ("/giấy phép"), in English.
const FEE_UNITS: &[(&str, &str)] =
    &[("giấy phép", "permit"), ("giấy chứng nhận", "certificate"), ("báo cáo", "report"), ("hồ sơ", "dossier")];

/// True when `s` has a letter only Vietnamese uses: the text is not English.
pub fn has_vietnamese(s: &str) -> bool {
    const VI: &str = "ăâđêôơưàáảãạằắẳẵặầấẩẫậèẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ";
    s.chars().flat_map(char::to_lowercase).any(|c| VI.contains(c))
}

/// `s` without the prefix `p` (ignoring the case of letters), or None.
fn strip_prefix_ci<'a>(s: &'a str, p: &str) -> Option<&'a str> {
    let mut chars = s.char_indices();
    for pc in p.chars() {
        let (_, sc) = chars.next()?;
        if !sc.to_lowercase().eq(pc.to_lowercase()) {
            return None;
        }
    }
    Some(chars.next().map_or("", |(i, _)| &s[i..]))
}

/// "07", "7,5" → 7.0, 7.5 (Vietnamese decimal comma).
fn vi_number(s: &str) -> Option<f64> {
    s.replace(',', ".").parse().ok()
}

/// Matches a phrase with an optional `{n}` (a number) at the start of `s`:
/// the number as written and the rest of `s`.
fn match_phrase<'a>(s: &'a str, phrase: &str) -> Option<(Option<f64>, &'a str)> {
    match phrase.split_once("{n}") {
        None => Some((None, strip_prefix_ci(s, phrase)?)),
        Some((head, tail)) => {
            let rest = strip_prefix_ci(s, head)?;
            let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ',')).unwrap_or(rest.len());
            let end = if rest[..end].ends_with(',') { end - 1 } else { end };
            let n = vi_number(&rest[..end])?;
            Some((Some(n), strip_prefix_ci(&rest[end..], tail)?))
        }
    }
}

/// A legal citation in English when every word of it is known
/// ("(Nghị định 96/2026/NĐ-CP, Điều 44)" → "(Decree 96/2026/NĐ-CP, Article 44)").
fn citation_in_english(s: &str) -> Option<String> {
    let mut out = s.to_string();
    for (vi, en) in CITATION_WORDS {
        out = out.replace(vi, en);
    }
    let vi_left = out.split_whitespace().any(|w| !w.contains('/') && has_vietnamese(w));
    (!vi_left).then_some(out)
}

/// A processing time said in English where the record allows: the number and
/// unit, then the qualifiers of `time_note` that `TIME_QUALIFIERS` knows
/// ("10 working days from receipt of a valid dossier"). The second value is
/// the Vietnamese rest of the note the table does not know, for a note marked
/// as Vietnamese; a free-text time (`time_text`) is all rest, and the first
/// value is then `see_note`.
pub fn time_in_english(c: &Channel, t: &Strings, see_note: &str) -> (String, Option<String>) {
    let (Some(n), Some(u)) = (c.time, &c.time_unit) else {
        return match &c.time_text {
            Some(text) if has_vietnamese(text) => (see_note.to_string(), Some(text.clone())),
            Some(text) => (text.clone(), None),
            None => (tr(t, "no_info").to_string(), None),
        };
    };
    let number = Lang::En.number(n);
    let unit_key = format!("unit_{u}");
    let unit = tr(t, &unit_key);
    let mut head = String::new();
    let mut quals: Vec<String> = Vec::new();
    let mut rest = c.time_note.as_deref().unwrap_or("").trim().trim_end_matches(['.', ';', ' ']);
    'outer: loop {
        rest = rest.trim_start_matches([',', ';', ' ', '.']);
        if rest.is_empty() {
            break;
        }
        // "Thời gian thực hiện:" and "tối đa"/"không quá N <unit>" restate the number.
        if let Some(r) = strip_prefix_ci(rest, "thời gian thực hiện:") {
            rest = r;
            continue;
        }
        if let Some(r) = strip_prefix_ci(rest, "tối đa") {
            head = "at most ".into();
            rest = r;
            continue;
        }
        let vi_unit = match u.as_str() {
            "hours" => "giờ",
            "days" => "ngày",
            _ => "ngày làm việc",
        };
        if let Some((Some(m), r)) = match_phrase(rest, &format!("không quá {{n}} {vi_unit}"))
            && m == n
            && !r.starts_with(" làm việc")
        {
            head = "at most ".into();
            rest = r;
            continue;
        }
        for (vi, en) in TIME_QUALIFIERS {
            if let Some((m, r)) = match_phrase(rest, vi) {
                let en = en.replace("{n}", &m.map(|m| Lang::En.number(m)).unwrap_or_default());
                // A clause of its own after the first.
                quals.push(en);
                rest = r;
                continue 'outer;
            }
        }
        if rest.starts_with('(')
            && let Some(close) = rest.find(')')
            && let Some(en) = citation_in_english(&rest[..=close])
        {
            quals.push(en);
            rest = &rest[close + 1..];
            continue;
        }
        break;
    }
    let mut s = format!("{head}{number} {unit}");
    for (i, q) in quals.iter().enumerate() {
        let sep = if q.starts_with('(') || (i == 0 && q.starts_with("from ")) { " " } else { "; " };
        s.push_str(sep);
        s.push_str(q);
    }
    let rest = rest.trim_end_matches(['.', ';', ' ']).trim();
    (s, (!rest.is_empty()).then(|| rest.to_string()))
}

/// A fee said in English where the record allows: "Free of charge", the amount
/// in VND with what it is per ("400,000 VND per permit"), a known phrase; the
/// second value is the Vietnamese rest of the fee text for a marked note (all
/// of it when nothing is known, the first value then `see_note`).
pub fn fee_in_english(c: &Channel, t: &Strings, see_note: &str) -> (String, Option<String>) {
    let free = tr(t, "glance_free");
    let fee = c.fee.as_deref().map(str::trim).filter(|f| !f.is_empty());
    let amount = |v: i64| format!("{} {}", Lang::En.number(v as f64), tr(t, "currency"));
    let Some(f) = fee else {
        return match c.fee_vnd {
            Some(0) => (free.to_string(), None),
            Some(v) => (amount(v), None),
            None => (tr(t, "no_info").to_string(), None),
        };
    };
    // The rest after a known start: nothing, or a parenthesis to keep.
    let rest_of = |r: &str| {
        let r = r.trim().trim_start_matches([',', ';', '.', ' ']).trim_end_matches(['.', ';', ' ']).trim();
        let r = r.strip_prefix('(').and_then(|x| x.strip_suffix(')')).unwrap_or(r).trim();
        (!r.is_empty()).then(|| r.to_string())
    };
    for (vi, en) in FEE_PHRASES {
        if let Some(r) = strip_prefix_ci(f, vi)
            && (r.is_empty() || r.starts_with([' ', '(', ',', ';', '.']))
        {
            let en = en.replace("{free}", free);
            // "Không" alone is "free" only when it is the whole text.
            if *vi == "không" && rest_of(r).is_some() {
                break;
            }
            return (en, rest_of(r));
        }
    }
    // "400.000 đồng/giấy phép (…)": the amount, what it is per, the rest.
    let digits = f.find(|ch: char| !(ch.is_ascii_digit() || ch == '.')).unwrap_or(f.len());
    if digits > 0
        && let Some(v) = f[..digits].replace('.', "").parse::<i64>().ok().filter(|&v| v > 0)
        && c.fee_vnd.is_none_or(|x| x == v)
    {
        let after = f[digits..].trim_start();
        if let Some(r) = ["đồng", "VNĐ", "VND"].iter().find_map(|w| after.strip_prefix(w)) {
            let mut en = amount(v);
            let mut r = r;
            if let Some(u) = r.strip_prefix('/') {
                match FEE_UNITS.iter().find_map(|(vi, en)| Some((strip_prefix_ci(u, vi)?, en))) {
                    Some((after_unit, unit)) => {
                        en.push_str(" per ");
                        en.push_str(unit);
                        r = after_unit;
                    }
                    None => return (en, Some(f.to_string())),
                }
            }
            return (en, rest_of(r));
        }
    }
    match c.fee_vnd {
        Some(0) => (free.to_string(), Some(f.to_string())),
        Some(v) => (amount(v), Some(f.to_string())),
        None if !has_vietnamese(f) => (f.to_string(), None),
        None => (see_note.to_string(), Some(f.to_string())),
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
    if let Some(a) = c.note.as_ref().and_then(|n| first_amount(&n.html(""), t, lang)) {
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
mod tests;
