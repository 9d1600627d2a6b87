//! Rich text for typst, as *data*: the HTML our Markdown renderer produced
//! (`model::Html`) becomes a small JSON tree (`{"k": "strong", "c": [...]}`,
//! plain strings for text) that the templates' `rich()` function in
//! `print/lib.typ` turns into typst content.
//!
//! Text is never evaluated as typst markup, so `# $ * _ @ <` in a record
//! print as themselves. The HTML comes from `markdown::render` (pulldown-cmark
//! with raw HTML escaped), so it uses a small, known set of tags; anything
//! else (raw HTML on sites with `allow_html`) is dropped and its text kept.

use serde_json::{Map, Value, json};

/// Converts rendered Markdown to the node tree. Site-absolute links
/// (`/thu-tuc/x/`, already under `base_path`) become full URLs on
/// `base_url`: a printed page has no "current site".
pub fn nodes(html: &str, base_url: &str, base_path: &str) -> Value {
    let mut stack: Vec<(String, Map<String, Value>, Vec<Value>)> = vec![(String::new(), Map::new(), Vec::new())];
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<')
            && let Some(end) = after.find('>')
        {
            let tag = &after[..end];
            rest = &after[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                close(&mut stack, name.trim());
            } else {
                open(&mut stack, tag, base_url, base_path);
            }
            continue;
        }
        // Text up to the next tag; a `<` without `>` is text (it is one byte).
        let skip = usize::from(rest.starts_with('<'));
        let end = rest[skip..].find('<').map_or(rest.len(), |i| i + skip);
        push_text(&mut stack, &decode(&rest[..end]));
        rest = &rest[end..];
    }
    while stack.len() > 1 {
        let name = stack.last().map(|s| s.0.clone()).unwrap_or_default();
        close(&mut stack, &name);
    }
    Value::Array(stack.pop().map(|s| s.2).unwrap_or_default())
}

/// Tags we keep, and the node kind each becomes.
fn kind(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "p" => "p",
        "strong" | "b" => "strong",
        "em" | "i" => "em",
        "del" | "s" => "del",
        "code" => "code",
        "a" => "link",
        "ul" => "ul",
        "ol" => "ol",
        "li" => "li",
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => "h",
        "blockquote" => "quote",
        "pre" => "pre",
        "table" => "table",
        "tr" => "tr",
        "th" => "th",
        "td" => "td",
        _ => return None,
    })
}

fn open(stack: &mut Vec<(String, Map<String, Value>, Vec<Value>)>, tag: &str, base_url: &str, base_path: &str) {
    let tag = tag.trim_end_matches('/').trim();
    let (name, attrs) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
    let name = name.to_ascii_lowercase();
    match name.as_str() {
        "br" => return push(stack, json!({"k": "br"})),
        "hr" => return push(stack, json!({"k": "hr"})),
        _ => {}
    }
    let Some(k) = kind(&name) else { return };
    let mut m = Map::new();
    m.insert("k".into(), k.into());
    match k {
        "link" => {
            let href = attr(attrs, "href").unwrap_or_default();
            m.insert("url".into(), absolute(&href, base_url, base_path).into());
        }
        "ol" => {
            m.insert("start".into(), attr(attrs, "start").and_then(|s| s.parse::<i64>().ok()).unwrap_or(1).into());
        }
        "h" => {
            m.insert("level".into(), name[1..].parse::<i64>().unwrap_or(2).into());
        }
        _ => {}
    }
    stack.push((name, m, Vec::new()));
}

fn close(stack: &mut Vec<(String, Map<String, Value>, Vec<Value>)>, name: &str) {
    let name = name.to_ascii_lowercase();
    // Only close a tag that is open (unknown tags were never pushed).
    let Some(pos) = stack.iter().rposition(|s| s.0 == name) else { return };
    if pos == 0 {
        return;
    }
    while stack.len() > pos {
        let Some((_, mut m, children)) = stack.pop() else { return };
        // A printed link is no use without its address: "Liên hệ
        // (thutuc.example.gov.vn/lien-he/)", unless the text is the address.
        let printed = (m.get("k").and_then(Value::as_str) == Some("link"))
            .then(|| m.get("url").and_then(Value::as_str).and_then(printed_address))
            .flatten()
            .filter(|a| {
                let text = plain(&Value::Array(children.clone()));
                let text = text.trim();
                text != a
                    && text.trim_end_matches('/') != a.trim_end_matches('/')
                    && !text.contains(a.trim_end_matches('/'))
            });
        m.insert("c".into(), Value::Array(children));
        push(stack, Value::Object(m));
        if let Some(a) = printed {
            push(stack, Value::String(format!(" ({a})")));
        }
    }
}

fn push(stack: &mut [(String, Map<String, Value>, Vec<Value>)], v: Value) {
    if let Some(top) = stack.last_mut() {
        top.2.push(v);
    }
}

/// Adds text; whitespace between block elements is dropped, line breaks
/// inside a paragraph become spaces (except in code blocks).
fn push_text(stack: &mut [(String, Map<String, Value>, Vec<Value>)], text: &str) {
    let Some(top) = stack.last_mut() else { return };
    let in_pre = top.0 == "pre" || (top.0 == "code" && stack.iter().any(|s| s.0 == "pre"));
    let Some(top) = stack.last_mut() else { return };
    if in_pre {
        top.2.push(text.into());
        return;
    }
    let block = matches!(top.0.as_str(), "" | "ul" | "ol" | "blockquote" | "table" | "thead" | "tbody" | "tr");
    if block && text.trim().is_empty() {
        return;
    }
    let t = text.replace('\n', " ");
    match top.2.last_mut() {
        Some(Value::String(prev)) => prev.push_str(&t),
        _ => top.2.push(t.into()),
    }
}

fn attr(attrs: &str, name: &str) -> Option<String> {
    let pat = format!("{name}=\"");
    let start = attrs.find(&pat)? + pat.len();
    let end = attrs[start..].find('"')?;
    Some(decode(&attrs[start..start + end]))
}

/// The address a reader of paper types: `https://` and `mailto:` dropped;
/// `None` for in-page and relative links (nothing to type).
fn printed_address(url: &str) -> Option<String> {
    ["https://", "http://", "mailto:", "tel:"].iter().find_map(|p| url.strip_prefix(p)).map(str::to_string)
}

fn absolute(href: &str, base_url: &str, base_path: &str) -> String {
    match href.strip_prefix(base_path) {
        Some(rest) if href.starts_with('/') => format!("{base_url}{rest}"),
        _ => href.to_string(),
    }
}

/// Decodes the entities pulldown-cmark and our escaper write.
pub fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(semi) = rest.find(';').filter(|&j| j <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let ent = &rest[1..semi];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => ent
                .strip_prefix("#x")
                .or_else(|| ent.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The plain text of a node tree (for tests and for short labels).
pub fn plain(v: &Value) -> String {
    let mut s = String::new();
    fn walk(v: &Value, s: &mut String) {
        match v {
            Value::String(t) => s.push_str(t),
            Value::Array(a) => a.iter().for_each(|x| walk(x, s)),
            Value::Object(m) => {
                if let Some(c) = m.get("c") {
                    walk(c, s)
                }
                // Line and block breaks separate words.
                if matches!(m.get("k").and_then(Value::as_str), Some("br" | "hr" | "p" | "li" | "h" | "td" | "th")) {
                    s.push(' ');
                }
            }
            _ => {}
        }
    }
    walk(v, &mut s);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{MarkdownOptions, render};

    fn md(text: &str) -> Value {
        let (r, errs) = render(text, &MarkdownOptions { allow_html: false, base_path: "/tthc/", heading_ids: false });
        assert!(errs.is_empty());
        nodes(&r.html.0, "https://x.gov.vn/tthc/", "/tthc/")
    }

    #[test]
    fn typst_special_characters_stay_text() {
        let v = md("Phí 5% # $10 * 2 _a_b @user <tag> `code`");
        let s = plain(&v);
        assert!(s.contains("# $10 * 2"), "{s}");
        assert!(s.contains("@user <tag>"), "{s}");
        assert_eq!(v[0]["k"], "p");
    }

    #[test]
    fn emphasis_lists_and_links() {
        let v = md("**Đậm** và *nghiêng*\n\n1. một\n2. hai\n\n[danh mục](/thu-tuc/)");
        assert_eq!(v[0]["c"][0]["k"], "strong");
        assert_eq!(v[0]["c"][0]["c"][0], "Đậm");
        assert_eq!(v[0]["c"][2]["k"], "em");
        assert_eq!(v[1]["k"], "ol");
        assert_eq!(v[1]["c"].as_array().unwrap().len(), 2);
        assert_eq!(v[2]["c"][0]["url"], "https://x.gov.vn/tthc/thu-tuc/");
    }

    #[test]
    fn links_print_their_address() {
        let v = md("Xem thêm: [Liên hệ](/lien-he/). Cổng: <https://dichvucong.gov.vn/>, [thư](mailto:a@b.vn)");
        let s = plain(&v);
        assert!(s.contains("Liên hệ (x.gov.vn/tthc/lien-he/)."), "{s}");
        assert!(!s.contains("dichvucong.gov.vn/ ("), "an address is not printed twice: {s}");
        assert!(s.contains("thư (a@b.vn)"), "{s}");
        assert_eq!(v[0]["c"][1]["k"], "link");
    }

    #[test]
    fn raw_html_and_entities() {
        assert_eq!(decode("a &amp; b &lt;c&gt; &#39;d&#x27; &bogus; &"), "a & b <c> 'd' &bogus; &");
        let v = nodes("<p>x <span class=\"y\">y</span> <unknown>z</p>", "https://a/", "/");
        assert_eq!(plain(&v).trim(), "x y z");
    }
}
