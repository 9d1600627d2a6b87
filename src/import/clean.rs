//! Portal text → clean text or Markdown: HTML tags and entities resolved,
//! NFC, whitespace noise and list markers in front of single names removed.
//! Text is only cleaned, never reworded.

use crate::text;

/// Portal text → clean text: HTML tags and entities resolved, NFC, line
/// ends unified, invisible and control characters dropped, runs of spaces
/// collapsed, lines trimmed, runs of blank lines collapsed.
pub fn clean_text(s: &str) -> String {
    let s = decode_entities(&strip_tags(s));
    let mut flat = String::with_capacity(s.len());
    for c in s.replace("\r\n", "\n").chars() {
        match c {
            '\r' | '\u{2028}' | '\u{2029}' => flat.push('\n'),
            '\t' | '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{3000}' => flat.push(' '),
            '\u{200b}' | '\u{feff}' | '\u{ad}' => {}
            c if c.is_control() && c != '\n' => {}
            c => flat.push(c),
        }
    }
    let mut out = String::with_capacity(flat.len());
    let mut blank = false;
    for line in flat.lines() {
        let line = line.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(&line);
    }
    text::nfc(&out)
}

/// One-line text for a name: all whitespace collapsed, and list markers the
/// portal leaves in front of single names (`- `, `;- `, `+ `) dropped.
pub fn clean_line(s: &str) -> String {
    let t = clean_text(s);
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let rest = t.trim_start_matches(['-', '+', ';', '•', '*', '–', ' ']);
    // A leading sign before a number ("-5") is text, not a marker.
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        return t;
    }
    rest.to_string()
}

/// Portal text → Markdown that renders to the same words: each line its own
/// paragraph (the portal's line breaks are meaningful), `- `/`+ ` lines as
/// list items, every other Markdown character escaped.
pub fn markdown(s: &str) -> String {
    let t = clean_text(s);
    let mut out = String::with_capacity(t.len() + 32);
    let mut prev_item = false;
    for line in t.lines().filter(|l| !l.is_empty()) {
        // "* " is kept as text: the portal uses it for notes ("* Đối với các xã …").
        let marker = ["- ", "+ "].into_iter().find(|m| line.starts_with(m) && line.len() > 2);
        if !out.is_empty() {
            out.push_str(if marker.is_some() && prev_item { "\n" } else { "\n\n" });
        }
        match marker {
            Some(m) => {
                out.push_str(m);
                out.push_str(&escape_md_line(&line[2..]));
            }
            None => out.push_str(&escape_md_line(line)),
        }
        prev_item = marker.is_some();
    }
    out
}

/// Escapes Markdown syntax in one line of text so it renders literally.
pub fn escape_md_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    // A line starting with these could become a list, rule or heading
    // underline (`*` is escaped below anyway).
    if s.starts_with(['-', '+', '=']) {
        out.push('\\');
    }
    for c in s.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '&' | '|' | '~' | '!') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Drops HTML tags; block-level tags become line breaks, `<li>` a list marker.
fn strip_tags(s: &str) -> String {
    if !s.contains('<') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let is_tag = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match (is_tag, after.find('>')) {
            (true, Some(end)) => {
                let tag = after[..end]
                    .trim_start_matches('/')
                    .split(|c: char| c.is_whitespace() || c == '/')
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                match tag.as_str() {
                    "br" | "p" | "div" | "tr" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table" => {
                        out.push('\n')
                    }
                    "li" if !after.starts_with('/') => out.push_str("\n- "),
                    "td" | "th" => out.push(' '),
                    _ => {}
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Resolves the HTML entities the portal's editor leaves in text.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "nbsp" => '\u{a0}',
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "ndash" => '–',
                "mdash" => '—',
                "hellip" => '…',
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    char::from_u32(u32::from_str_radix(&name[2..], 16).ok()?)?
                }
                _ if name.starts_with('#') => char::from_u32(name[1..].parse().ok()?)?,
                _ => return None,
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_html_entities_and_whitespace() {
        assert_eq!(
            clean_text("<p>Nộp&nbsp;hồ  sơ<br/>tại&amp;\tBộ phận</p>\r\n\r\n\r\n<ul><li>một</li><li>hai</li></ul>"),
            "Nộp hồ sơ\ntại& Bộ phận\n\n- một\n- hai"
        );
        assert_eq!(clean_text("a < b và c > d"), "a < b và c > d");
        // Decomposed Vietnamese becomes NFC.
        assert_eq!(clean_text("Lê\u{0323} phi\u{0301}"), "Lệ phí");
    }

    #[test]
    fn drops_list_markers_in_front_of_names_only() {
        assert_eq!(clean_line("- Bản chính giấy phép;"), "Bản chính giấy phép;");
        assert_eq!(clean_line(";- Văn bản về chủ trương"), "Văn bản về chủ trương");
        assert_eq!(clean_line("Tờ khai\n  mẫu  01"), "Tờ khai mẫu 01");
        assert_eq!(clean_line("-5 độ"), "-5 độ");
    }

    #[test]
    fn markdown_keeps_lines_and_escapes_syntax() {
        let md = markdown("Bước 1: nộp *hồ sơ* [bản sao]\n- một\n+ hai\n-+ ba\n# bốn\n* Ghi chú");
        assert_eq!(md, "Bước 1: nộp \\*hồ sơ\\* \\[bản sao\\]\n\n- một\n+ hai\n\n\\-+ ba\n\n\\# bốn\n\n\\* Ghi chú");
        let (r, errs) = crate::markdown::parse(
            &md,
            &crate::markdown::MarkdownOptions { allow_html: false, base_path: "/", heading_ids: false },
        );
        assert!(errs.is_empty());
        let html = r.doc.html("");
        assert!(html.contains("nộp *hồ sơ* [bản sao]"), "{html}");
        assert!(
            html.contains("<p>-+ ba</p>") && html.contains("<p># bốn</p>") && html.contains("<p>* Ghi chú</p>"),
            "{html}"
        );
    }

    #[test]
    fn multibyte_text_next_to_markers_entities_and_tags_does_not_panic() {
        // Every slice in the cleaners starts or ends at an ASCII marker found
        // in the text; these put multi-byte letters right beside each one.
        for s in [
            "&#xđ;",
            "&#đ;",
            "&đ",
            "&ệệệệệệệệệệ;",
            "&#x1F600;ệ",
            "<đ>",
            "<ệ",
            "</ệ ệ>",
            "<li>ệ</li>",
            "- ệ",
            "+ệ",
            "-",
            "+ ",
            "ệ&",
            "ệ<",
            "\u{2028}ệ",
            ";- ệ",
            "•ệ",
            "–5",
        ] {
            let _ = (clean_text(s), clean_line(s), markdown(s), escape_md_line(s));
        }
        assert_eq!(clean_line("&#x1F600;ệ"), "😀ệ");
    }
}
