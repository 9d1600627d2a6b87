//! Rich text for typst, as *data*: a Markdown tree (`markdown::Doc`) becomes
//! a small JSON tree (`{"k": "strong", "c": [...]}`, plain strings for text)
//! that the templates' `rich()` function in `print/lib.typ` turns into
//! typst content.
//!
//! Text is never evaluated as typst markup, so `# $ * _ @ <` in a record
//! print as themselves. Raw HTML (sites with `allow_html`) prints as its
//! text, without its tags. The strings keep the white space the web page's
//! HTML has between elements (a list item's paragraphs are separated by a
//! space): the templates were written against it.

use crate::markdown::{Block, Doc, Inline, Target};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Map, Value, json};

/// Converts a Markdown tree to the node tree. Links to pages of the site
/// become full URLs on `base_url`: a printed page has no "current site".
pub fn nodes(doc: &Doc, base_url: &str) -> Value {
    let mut p =
        Printer { stack: vec![Frame::new("", Map::new())], pending: String::new(), end_newline: true, base_url };
    p.blocks(&doc.blocks);
    p.flush();
    Value::Array(p.stack.pop().map(|f| f.children).unwrap_or_default())
}

struct Frame {
    kind: &'static str,
    node: Map<String, Value>,
    children: Vec<Value>,
}

impl Frame {
    fn new(kind: &'static str, attrs: Map<String, Value>) -> Frame {
        let mut node = Map::new();
        if !kind.is_empty() {
            node.insert("k".into(), kind.into());
        }
        node.extend(attrs);
        Frame { kind, node, children: Vec::new() }
    }
}

/// Walks the tree as pulldown-cmark's HTML writer writes it, so that the
/// line breaks it puts between elements land where they do on the page.
struct Printer<'a> {
    stack: Vec<Frame>,
    /// Text written since the last element started or ended.
    pending: String,
    /// Whether what was written so far ends with a line break (the writer
    /// starts a block element on a new line otherwise).
    end_newline: bool,
    base_url: &'a str,
}

impl Printer<'_> {
    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.block(block);
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Paragraph(content) => {
                self.new_line();
                self.element("p", Map::new(), |p| p.inlines(content));
                self.write("\n");
            }
            Block::Plain(content) => self.inlines(content),
            Block::Heading { level, id, content } => {
                // A heading with an id is written whole, where it stands.
                if id.is_none() {
                    self.new_line();
                }
                self.element("h", attrs([("level", json!(level))]), |p| p.inlines(content));
                self.write("\n");
            }
            Block::List { start, items } => {
                self.new_line();
                let (kind, attrs) = match start {
                    Some(n) => ("ol", attrs([("start", json!(i64::try_from(*n).unwrap_or(1)))])),
                    None => ("ul", Map::new()),
                };
                self.element(kind, attrs, |p| {
                    p.write("\n");
                    for item in items {
                        p.new_line();
                        p.element("li", Map::new(), |p| p.blocks(item));
                        p.write("\n");
                    }
                });
                self.write("\n");
            }
            Block::Quote(inner) => {
                self.new_line();
                self.element("quote", Map::new(), |p| {
                    p.write("\n");
                    p.blocks(inner);
                });
                self.write("\n");
            }
            Block::Code { text, .. } => {
                self.new_line();
                self.element("pre", Map::new(), |p| p.element("code", Map::new(), |p| p.write(text)));
                self.write("\n");
            }
            Block::Table { head, rows, .. } => {
                self.element("table", Map::new(), |p| {
                    p.row("th", head);
                    p.write("\n");
                    for cells in rows {
                        p.row("td", cells);
                        p.write("\n");
                    }
                });
                self.write("\n");
            }
            Block::Rule => {
                self.new_line();
                self.flush();
                self.push(json!({"k": "hr"}));
                self.write("\n");
            }
            Block::Html(html) => self.raw_html(html),
            Block::HtmlAsText(html) => self.write(html),
        }
    }

    fn row(&mut self, cell_kind: &'static str, cells: &[Vec<Inline>]) {
        self.element("tr", Map::new(), |p| {
            for cell in cells {
                p.element(cell_kind, Map::new(), |p| p.inlines(cell));
            }
        });
    }

    fn inlines(&mut self, content: &[Inline]) {
        for inline in content {
            match inline {
                Inline::Text(t) => self.write(t),
                Inline::Code(t) => self.element("code", Map::new(), |p| p.write(t)),
                Inline::Emph(c) => self.element("em", Map::new(), |p| p.inlines(c)),
                Inline::Strong(c) => self.element("strong", Map::new(), |p| p.inlines(c)),
                Inline::Strike(c) => self.element("del", Map::new(), |p| p.inlines(c)),
                Inline::Link { target, content, .. } => {
                    let url = match target {
                        Target::Url(url) => href(url),
                        Target::Site { path, .. } => format!("{}{}", self.base_url, href(path)),
                    };
                    self.element("link", attrs([("url", url.into())]), |p| p.inlines(content));
                }
                // An image has no text on paper (its description is an attribute on the page).
                Inline::Image { .. } => {
                    self.flush();
                    self.end_newline = false;
                }
                Inline::SoftBreak => self.write("\n"),
                Inline::HardBreak => {
                    self.flush();
                    self.push(json!({"k": "br"}));
                    self.write("\n");
                }
                Inline::Html(html) => self.raw_html(html),
                Inline::HtmlAsText(html) => self.write(html),
            }
        }
    }

    /// Raw HTML's text: its tags are left out.
    fn raw_html(&mut self, html: &str) {
        let mut rest = html;
        while let Some(open) = rest.find('<') {
            self.write(&rest[..open]);
            rest = rest[open..].find('>').map_or("", |close| &rest[open + close + 1..]);
        }
        self.write(rest);
        if !html.is_empty() {
            self.end_newline = html.ends_with('\n');
        }
    }

    fn write(&mut self, s: &str) {
        self.pending.push_str(s);
        if !s.is_empty() {
            self.end_newline = s.ends_with('\n');
        }
    }

    /// Block elements start on a new line.
    fn new_line(&mut self) {
        if !self.end_newline {
            self.write("\n");
        }
    }

    fn element(&mut self, kind: &'static str, attrs: Map<String, Value>, content: impl FnOnce(&mut Self)) {
        self.flush();
        self.stack.push(Frame::new(kind, attrs));
        self.end_newline = false;
        content(self);
        self.flush();
        self.end_newline = false;
        let Some(Frame { mut node, children, .. }) = self.stack.pop() else { return };
        // A printed link is no use without its address: "Liên hệ
        // (thutuc.example.gov.vn/lien-he/)", unless the text is the address.
        let printed = (kind == "link")
            .then(|| node.get("url").and_then(Value::as_str).and_then(printed_address))
            .flatten()
            .filter(|a| {
                let text = plain(&Value::Array(children.clone()));
                let text = text.trim();
                text != a
                    && text.trim_end_matches('/') != a.trim_end_matches('/')
                    && !text.contains(a.trim_end_matches('/'))
            });
        node.insert("c".into(), Value::Array(children));
        self.push(Value::Object(node));
        if let Some(a) = printed {
            self.push(Value::String(format!(" ({a})")));
        }
    }

    fn push(&mut self, v: Value) {
        if let Some(top) = self.stack.last_mut() {
            top.children.push(v);
        }
    }

    /// Adds the text written since the last element; white space between
    /// block elements is dropped, line breaks inside a paragraph become
    /// spaces (except in code blocks).
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.pending);
        let in_pre = self.stack.iter().any(|f| f.kind == "pre");
        let Some(top) = self.stack.last_mut() else { return };
        if in_pre {
            top.children.push(text.into());
            return;
        }
        let block = matches!(top.kind, "" | "ul" | "ol" | "quote" | "table" | "tr");
        if block && text.trim().is_empty() {
            return;
        }
        let t = text.replace('\n', " ");
        match top.children.last_mut() {
            Some(Value::String(prev)) => prev.push_str(&t),
            _ => top.children.push(t.into()),
        }
    }
}

fn attrs<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Bytes an `href` on the page percent-encodes (pulldown-cmark's writer);
/// the printed address is the page's.
const HREF_ENCODED: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

fn href(url: &str) -> String {
    utf8_percent_encode(url, HREF_ENCODED).to_string()
}

/// The address a reader of paper types: `https://` and `mailto:` dropped;
/// `None` for in-page and relative links (nothing to type).
fn printed_address(url: &str) -> Option<String> {
    ["https://", "http://", "mailto:", "tel:"].iter().find_map(|p| url.strip_prefix(p)).map(str::to_string)
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
    use crate::markdown::{MarkdownOptions, parse};

    fn md(text: &str) -> Value {
        let (r, errs) = parse(text, &MarkdownOptions { allow_html: false, base_path: "/tthc/", heading_ids: false });
        assert!(errs.is_empty());
        nodes(&r.doc, "https://x.gov.vn/tthc/")
    }

    #[test]
    fn typst_special_characters_stay_text() {
        let v = md("Phí 5% # $10 * 2 _a_b @user <tag> `code` &amp; &lt;");
        let s = plain(&v);
        assert!(s.contains("# $10 * 2"), "{s}");
        assert!(s.contains("@user <tag>"), "{s}");
        assert!(s.trim_end().ends_with("code & <"), "{s}");
        assert_eq!(v[0]["k"], "p");
    }

    #[test]
    fn emphasis_lists_and_links() {
        let v = md("**Đậm** và *nghiêng*\n\n1. một\n2. hai\n\n[danh mục](/thu-tuc/đăng-ký/)");
        assert_eq!(v[0]["c"][0]["k"], "strong");
        assert_eq!(v[0]["c"][0]["c"][0], "Đậm");
        assert_eq!(v[0]["c"][2]["k"], "em");
        assert_eq!(v[1]["k"], "ol");
        assert_eq!(v[1]["c"].as_array().unwrap().len(), 2);
        assert_eq!(v[2]["c"][0]["url"], "https://x.gov.vn/tthc/thu-tuc/%C4%91%C4%83ng-k%C3%BD/");
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
    fn white_space_is_the_pages() {
        // A loose item's paragraphs, a tight item's nested list, a hard break.
        let v = md("- a\n\n  b\n- c\n  - d\n\ne  \nf\ng");
        assert_eq!(v[0]["c"][0]["c"], json!([" ", {"k": "p", "c": ["a"]}, " ", {"k": "p", "c": ["b"]}, " "]));
        assert_eq!(v[0]["c"][1]["c"][0], " ", "{}", v[0]["c"][1]);
        assert_eq!(v[1]["c"], json!(["e", {"k": "br"}, " f g"]));
        let code = md("```\n  x\ny\n```\n");
        assert_eq!(code, json!([{"k": "pre", "c": [{"k": "code", "c": ["  x\ny\n"]}]}]));
    }

    #[test]
    fn raw_html_prints_as_text() {
        let allowed = MarkdownOptions { allow_html: true, base_path: "/", heading_ids: false };
        let (r, _) = parse("x <span class=\"y\">y</span> <unknown>z\n\n<div>\nw\n</div>\n", &allowed);
        let text = plain(&nodes(&r.doc, "https://a/"));
        assert_eq!(text.split_whitespace().collect::<Vec<_>>(), ["x", "y", "z", "w"], "{text}");
    }
}
