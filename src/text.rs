//! Text helpers shared by loading and rendering: Unicode normalisation,
//! Vietnamese diacritic folding for search, slugs, codes.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Normalises to NFC (the form the national portal and fonts expect).
pub fn nfc(s: &str) -> String {
    // Fast path: Latin below U+0300 and the precomposed Vietnamese letters of
    // Latin Extended Additional are already NFC (no combining marks).
    if plainly_composed(s.as_bytes()) || unicode_normalization::is_nfc(s) { s.to_string() } else { s.nfc().collect() }
}

/// True when every character is below U+0300 or in U+1E00–U+1EFF, checked on
/// the UTF-8 bytes: lead bytes up to 0xCB encode U+0000–U+02FF, and E1 B8–BB
/// encodes U+1E00–U+1EFF. Decoding chars for this was a tenth of loading.
fn plainly_composed(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            i += 1;
        } else if (0xC2..=0xCB).contains(&x) {
            i += 2;
        } else if x == 0xE1 && b.get(i + 1).is_some_and(|y| (0xB8..=0xBB).contains(y)) {
            i += 3;
        } else {
            return false;
        }
    }
    true
}

/// Lower-case ASCII-ish form for diacritic-insensitive search: NFD, drop
/// combining marks, and map đ/Đ (which has no decomposition) to d.
/// Must match `fold()` in `themes/default/static/js/search.js`.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `c` is an invisible control character that text may not hold:
/// C0 controls other than tab, line feed and carriage return, DEL, and the
/// C1 controls U+0080–U+009F. Fonts have no glyph for them, XML and typst
/// refuse them, and an editor cannot see them.
pub fn is_forbidden_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || ('\u{80}'..='\u{9f}').contains(&c)
}

/// Byte offset and character of the first forbidden control character of `s`.
pub fn find_forbidden_control(s: &str) -> Option<(usize, char)> {
    s.char_indices().find(|&(_, c)| is_forbidden_control(c))
}

/// The hint for a forbidden control character: `remove the invisible character (U+001B)`.
pub fn control_hint(c: char) -> String {
    format!("remove the invisible character (U+{:04X})", u32::from(c))
}

/// A slug is lower-case ASCII letters, digits and single hyphens.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// At most `max` characters, cut at a word boundary, with an ellipsis.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", &cut[..i]),
        None => format!("{cut}…"),
    }
}

/// Suggests a slug for arbitrary (Vietnamese) text.
pub fn slugify(s: &str) -> String {
    let folded = fold(s);
    let mut out = String::new();
    for word in folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    out
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian
/// (H. Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Procedure code as on the national database: `D.DDDDDD`, optionally `.NN`.
pub fn is_procedure_code(s: &str) -> bool {
    let b = s.as_bytes();
    let base = b.len() >= 8 && b[0].is_ascii_digit() && b[1] == b'.' && b[2..8].iter().all(u8::is_ascii_digit);
    match b.len() {
        8 => base,
        11 => base && b[8] == b'.' && b[9..].iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// Formats a number the Vietnamese way: `1.250.000`, decimals with a comma.
/// "2024-05-31" → "31/05/2024" (other text is returned as it is).
pub fn format_date_vi(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    if parts.len() == 3 { format!("{}/{}/{}", parts[2], parts[1], parts[0]) } else { iso.to_string() }
}

pub fn format_number_vi(n: f64) -> String {
    let neg = n < 0.0;
    let n = n.abs();
    let int = n.trunc() as u64;
    let frac = n - n.trunc();
    let digits = int.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    if frac > 1e-9 {
        let f = format!("{frac:.2}");
        out.push(',');
        out.push_str(f.trim_start_matches("0.").trim_end_matches('0'));
    }
    if neg { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_handles_vietnamese_and_d_stroke() {
        assert_eq!(fold("Đăng ký đầu tư"), "dang ky dau tu");
        assert_eq!(fold("Giấy phép xây dựng"), "giay phep xay dung");
        assert_eq!(fold("ỨỪỬỮỰ"), "uuuuu");
    }

    #[test]
    fn nfc_fast_path_agrees_with_the_library() {
        for sample in [
            "Đăng ký đầu tư",
            "Giấy chứng nhận",
            "ẮẰẲẴẶ ỨỪỬỮỰ Đđ",
            "e\u{0301}",
            "A\u{0323}\u{0302}",
            "plain ASCII",
            "Ω\u{2126}",
            "\u{0958}",
            "ǅ ȀȁṀ ỹ",
            "日本語",
        ] {
            let expected: String = sample.nfc().collect();
            assert_eq!(nfc(sample), expected, "{sample:?}");
        }
    }

    #[test]
    fn nfc_composes() {
        let decomposed = "e\u{0302}\u{0301}"; // ế in NFD
        assert_eq!(nfc(decomposed), "ế");
    }

    #[test]
    fn slugs() {
        assert!(is_slug("cap-giay-phep-xay-dung"));
        assert!(!is_slug("Cap"));
        assert!(!is_slug("../etc"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug(""));
        assert_eq!(slugify("Cấp Giấy phép xây dựng (mới)"), "cap-giay-phep-xay-dung-moi");
    }

    #[test]
    fn codes() {
        assert!(is_procedure_code("1.009664"));
        assert!(is_procedure_code("1.013216.01"));
        assert!(!is_procedure_code("1.00966"));
        assert!(!is_procedure_code("1009664"));
        assert!(!is_procedure_code("1.009664.1"));
    }

    #[test]
    fn numbers() {
        assert_eq!(format_number_vi(1250000.0), "1.250.000");
        assert_eq!(format_number_vi(17.5), "17,5");
        assert_eq!(format_number_vi(0.0), "0");
    }
}
