//! Online-service level schemes. The records always store the Decree 43/2011
//! level (1–4); the scheme chosen in `site.toml` decides how those are
//! grouped, labelled and coloured, so switching schemes edits no record.
//!
//! Colours are the cividis-based ordinal set (lightness falls as "more online"
//! rises), which stays distinct for colour-blind readers and in greyscale
//! print; every badge also carries its text label and a 1 px outline.

/// A level definition before Markdown is rendered.
#[derive(Debug, Clone)]
pub struct LevelDef {
    pub key: String,
    pub label: String,
    pub label_en: Option<String>,
    pub meaning: String,
    pub meaning_en: Option<String>,
    pub colour: String,
    pub text_colour: Option<String>,
    pub pattern: String,
    pub covers: Vec<u8>,
}

/// `label` and `meaning` are (Vietnamese, English) pairs.
fn def(key: &str, label: (&str, &str), meaning: (&str, &str), colour: &str, pattern: &str, covers: &[u8]) -> LevelDef {
    let ((label, label_en), (meaning, meaning_en)) = (label, meaning);
    LevelDef {
        key: key.into(),
        label: label.into(),
        label_en: Some(label_en.into()),
        meaning: meaning.into(),
        meaning_en: Some(meaning_en.into()),
        colour: colour.into(),
        text_colour: None,
        pattern: pattern.into(),
        covers: covers.to_vec(),
    }
}

/// Decree 43/2011/NĐ-CP, Art. 3(4): levels 1–4.
pub fn scheme_2011() -> Vec<LevelDef> {
    vec![
        def(
            "muc-do-1",
            ("Mức độ 1", "Level 1"),
            (
                "Cung cấp đầy đủ thông tin về thủ tục hành chính và các văn bản có liên quan.",
                "Full information about the procedure and its legal texts is published online.",
            ),
            "#FEE838",
            "none",
            &[1],
        ),
        def(
            "muc-do-2",
            ("Mức độ 2", "Level 2"),
            (
                "Mức độ 1 và cho phép tải về các mẫu văn bản, tờ khai để hoàn thiện hồ sơ; hồ sơ nộp trực tiếp hoặc qua bưu điện.",
                "Level 1 plus forms to download; the dossier is handed in or posted.",
            ),
            "#A59C74",
            "hatch",
            &[2],
        ),
        def(
            "muc-do-3",
            ("Mức độ 3", "Level 3"),
            (
                "Mức độ 2 và cho phép điền, gửi trực tuyến các mẫu văn bản, tờ khai đến cơ quan giải quyết; việc xử lý hồ sơ thực hiện trên môi trường mạng. Lệ phí (nếu có) nộp và kết quả nhận trực tiếp tại cơ quan.",
                "Level 2 plus forms filled in and submitted online, and the dossier processed online; fees are paid and the result is collected in person.",
            ),
            "#575C6D",
            "cross",
            &[3],
        ),
        def(
            "muc-do-4",
            ("Mức độ 4", "Level 4"),
            (
                "Mức độ 3 và cho phép thanh toán lệ phí (nếu có) trực tuyến; kết quả trả trực tuyến, gửi qua bưu điện hoặc nhận trực tiếp.",
                "Level 3 plus fees paid online; the result is returned online, by post or in person.",
            ),
            "#00224E",
            "solid",
            &[4],
        ),
    ]
}

/// Decree 42/2022/NĐ-CP, Art. 11(1): một phần / toàn trình, with levels 1–2
/// shown as online information, as one-stop software maps them.
pub fn scheme_2022() -> Vec<LevelDef> {
    vec![
        def(
            "thong-tin-truc-tuyen",
            ("Cung cấp thông tin trực tuyến", "Online information"),
            (
                "Thông tin về thủ tục hành chính được cung cấp trực tuyến; hồ sơ nộp trực tiếp hoặc qua bưu chính.",
                "Information about the procedure is online; the dossier is handed in or posted.",
            ),
            "#FEE838",
            "none",
            &[1, 2],
        ),
        def(
            "mot-phan",
            ("Dịch vụ công trực tuyến một phần", "Partially online"),
            (
                "Dịch vụ công trực tuyến không bảo đảm các điều kiện toàn trình: một số bước (như nộp phí, nhận kết quả) thực hiện trực tiếp.",
                "An online service that is not fully online: some steps, such as paying fees or collecting the result, are done in person.",
            ),
            "#7C7B78",
            "cross",
            &[3],
        ),
        def(
            "toan-trinh",
            ("Dịch vụ công trực tuyến toàn trình", "Fully online"),
            (
                "Toàn bộ quá trình, từ cung cấp thông tin, nộp hồ sơ, xử lý đến trả kết quả, được thực hiện trên môi trường mạng; kết quả trả trực tuyến hoặc qua bưu chính công ích.",
                "The whole process, from information and filing to processing and the result, happens online; the result is returned online or by public postal service.",
            ),
            "#00224E",
            "solid",
            &[4],
        ),
    ]
}

/// Black or white, whichever has the higher WCAG contrast on `hex`.
pub fn best_text_colour(hex: &str) -> &'static str {
    if contrast(hex, "#000000") >= contrast(hex, "#FFFFFF") { "#000000" } else { "#FFFFFF" }
}

/// Parses `#RRGGBB`.
pub fn parse_hex(hex: &str) -> Option<(u8, u8, u8)> {
    let h = hex.strip_prefix('#')?;
    if h.len() != 6 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let p = |i| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some((p(0)?, p(2)?, p(4)?))
}

/// WCAG 2 relative luminance.
pub fn luminance(hex: &str) -> f64 {
    let (r, g, b) = parse_hex(hex).unwrap_or((0, 0, 0));
    let lin = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// WCAG 2 contrast ratio between two colours.
pub fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_schemes_cover_every_level_once() {
        for scheme in [scheme_2011(), scheme_2022()] {
            let mut covered: Vec<u8> = scheme.iter().flat_map(|l| l.covers.clone()).collect();
            covered.sort();
            assert_eq!(covered, vec![1, 2, 3, 4]);
        }
    }

    #[test]
    fn builtin_text_meets_wcag_aa() {
        for l in scheme_2011().iter().chain(scheme_2022().iter()) {
            let text = best_text_colour(&l.colour);
            assert!(contrast(&l.colour, text) >= 4.5, "{} {}", l.key, contrast(&l.colour, text));
        }
    }

    #[test]
    fn fills_are_ordinal_in_greyscale() {
        // Lightness must fall as levels become more online, with a clear step
        // between neighbours so a black-and-white print still tells them apart.
        for scheme in [scheme_2011(), scheme_2022()] {
            let lum: Vec<f64> = scheme.iter().map(|l| luminance(&l.colour)).collect();
            for w in lum.windows(2) {
                assert!(w[0] > w[1] + 0.05, "{lum:?}");
            }
        }
    }
}
