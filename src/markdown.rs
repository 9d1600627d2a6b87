//! Markdown → HTML with the site's safety rules: raw HTML escaped unless the
//! site allows it, only http(s)/mailto/tel/relative links, site-absolute links
//! (`/thu-tuc/`) re-rooted under the base path so the site works in a sub-folder.

use crate::model::Html;
use crate::text;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

pub struct MarkdownOptions<'a> {
    pub allow_html: bool,
    /// Base path of the site, `/` or `/tthc/`.
    pub base_path: &'a str,
    /// Give headings ids and collect them (free pages).
    pub heading_ids: bool,
}

/// How deep lists and block quotes may nest (a list inside a list item
/// counts one level). Deeper Markdown is refused when it is loaded: no reader
/// follows it, and the print products' data would exceed typst's JSON depth.
pub const MAX_BLOCK_NESTING: usize = 16;
/// How deep elements of any kind (lists, quotes, emphasis, links, …) may nest.
pub const MAX_ELEMENT_NESTING: usize = 40;

/// A rendered Markdown text.
#[derive(Debug, Default)]
pub struct Rendered {
    pub html: Html,
    pub plain: String,
    pub toc: Vec<(String, String)>,
    /// Byte offset (in the Markdown) of the first element nested deeper than
    /// `MAX_BLOCK_NESTING` / `MAX_ELEMENT_NESTING`, if any.
    pub too_deep: Option<usize>,
}

/// A refused link: byte offset inside the Markdown text and the message.
#[derive(Debug, PartialEq)]
pub struct LinkError {
    pub offset: usize,
    pub url: String,
}

/// The rewritten form of a link target, or `None` when it is not allowed.
pub fn check_url(url: &str, base_path: &str) -> Option<String> {
    let trimmed = url.trim();
    let lower = trimmed.to_ascii_lowercase();
    if let Some(colon) = lower.find(':') {
        let scheme = &lower[..colon];
        let is_scheme = !scheme.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !lower[..colon].contains('/');
        if is_scheme {
            return if matches!(scheme, "http" | "https" | "mailto" | "tel") {
                Some(trimmed.to_string())
            } else {
                None
            };
        }
    }
    if lower.starts_with("//") {
        return None; // protocol-relative: ambiguous, ask for https://
    }
    if let Some(rest) = trimmed.strip_prefix('/') {
        return Some(format!("{base_path}{rest}"));
    }
    Some(trimmed.to_string())
}

pub fn render(md: &str, opts: &MarkdownOptions) -> (Rendered, Vec<LinkError>) {
    let mut errors = Vec::new();
    let mut plain = String::new();
    let mut toc = Vec::new();
    // While inside a heading: its level, its plain text, and where its events start.
    let mut heading: Option<(HeadingLevel, String, usize)> = None;
    let mut events: Vec<Event> = Vec::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    // The page title is the only h1: the document's top heading level becomes h2.
    let top = if opts.heading_ids {
        Parser::new_ext(md, options)
            .filter_map(|e| match e {
                Event::Start(Tag::Heading { level, .. }) => Some(level as usize),
                _ => None,
            })
            .min()
            .unwrap_or(1)
    } else {
        1
    };
    let parser = Parser::new_ext(md, options).into_offset_iter();
    // Open elements: all of them, and lists and block quotes alone.
    let (mut depth, mut blocks) = (0usize, 0usize);
    let mut too_deep = None;
    for (event, range) in parser {
        match &event {
            Event::Start(tag) => {
                depth += 1;
                blocks += usize::from(matches!(tag, Tag::List(_) | Tag::BlockQuote(_)));
                if too_deep.is_none() && (depth > MAX_ELEMENT_NESTING || blocks > MAX_BLOCK_NESTING) {
                    too_deep = Some(range.start);
                }
            }
            Event::End(tag) => {
                depth = depth.saturating_sub(1);
                blocks = blocks.saturating_sub(usize::from(matches!(tag, TagEnd::List(_) | TagEnd::BlockQuote(_))));
            }
            _ => {}
        }
        let event = match event {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest = rewrite(&dest_url, range.start, opts.base_path, &mut errors);
                Event::Start(Tag::Link { link_type, dest_url: dest, title, id })
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let dest = rewrite(&dest_url, range.start, opts.base_path, &mut errors);
                Event::Start(Tag::Image { link_type, dest_url: dest, title, id })
            }
            // Escaped with quotes too, so the text can never look like an attribute.
            Event::Html(h) | Event::InlineHtml(h) if !opts.allow_html => Event::Html(CowStr::from(escape_all(&h))),
            Event::Start(Tag::Heading { level, .. }) if opts.heading_ids => {
                heading = Some((level, String::new(), events.len()));
                continue;
            }
            Event::End(TagEnd::Heading(_)) if opts.heading_ids => {
                let Some((level, title, start)) = heading.take() else { continue };
                let mut id = text::slugify(&title);
                if id.is_empty() || toc.iter().any(|(i, _): &(String, String)| *i == id) {
                    id = format!("{}-{}", if id.is_empty() { "muc" } else { &id }, toc.len() + 1);
                }
                let tag = (level as usize + 2 - top).min(6);
                let mut inner = String::new();
                pulldown_cmark::html::push_html(&mut inner, events.split_off(start).into_iter());
                events.push(Event::Html(CowStr::from(format!("<h{tag} id=\"{id}\">{inner}</h{tag}>\n"))));
                if tag <= 3 {
                    toc.push((id, title));
                }
                continue;
            }
            other => other,
        };
        if let Event::Text(t) | Event::Code(t) = &event {
            if !plain.is_empty() && !plain.ends_with(' ') {
                plain.push(' ');
            }
            plain.push_str(t.trim());
            if let Some((_, title, _)) = heading.as_mut() {
                title.push_str(t);
            }
        }
        events.push(event);
    }
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    (Rendered { html: Html(html), plain, toc, too_deep }, errors)
}

fn escape_all(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn rewrite<'a>(dest: &CowStr<'a>, offset: usize, base_path: &str, errors: &mut Vec<LinkError>) -> CowStr<'a> {
    match check_url(dest, base_path) {
        Some(url) => CowStr::from(url),
        None => {
            errors.push(LinkError { offset, url: dest.to_string() });
            CowStr::from("#")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> (Rendered, Vec<LinkError>) {
        render(s, &MarkdownOptions { allow_html: false, base_path: "/tthc/", heading_ids: true })
    }

    #[test]
    fn escapes_raw_html_by_default() {
        let (r, _) = md("a <script>alert(1)</script> b");
        assert!(!r.html.0.contains("<script>"), "{}", r.html.0);
        assert!(r.html.0.contains("&lt;script&gt;"));
    }

    #[test]
    fn refuses_javascript_links() {
        let (r, errs) = md("[x](javascript:alert(1)) [y](https://a.vn) [z](mailto:a@b.vn)");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].url, "javascript:alert(1)");
        assert!(!r.html.0.contains("javascript"));
        let (_, errs) = md("[d](data:text/html,x) [f](file:///etc/passwd) [p](//evil.com)");
        assert_eq!(errs.len(), 3);
    }

    #[test]
    fn site_links_follow_the_base_path() {
        let (r, errs) = md("[catalogue](/thu-tuc/) and [rel](x/) and [a](#top)");
        assert!(errs.is_empty());
        assert!(r.html.0.contains("href=\"/tthc/thu-tuc/\""), "{}", r.html.0);
        assert!(r.html.0.contains("href=\"x/\""));
    }

    #[test]
    fn headings_get_ids_and_shift_down() {
        let (r, _) = md("# Bước một\n\ntext *em*\n\n## Đăng ký *tài khoản*\n");
        let (top2, _) = md("## A\n\n### B\n");
        assert!(
            top2.html.0.contains("<h2 id=\"a\">A</h2>") && top2.html.0.contains("<h3 id=\"b\">B</h3>"),
            "{}",
            top2.html.0
        );
        assert!(r.html.0.contains("<h2 id=\"buoc-mot\">Bước một</h2>"), "{}", r.html.0);
        assert!(r.html.0.contains("<h3 id=\"dang-ky-tai-khoan\">Đăng ký <em>tài khoản</em></h3>"), "{}", r.html.0);
        assert_eq!(r.toc.len(), 2);
        assert!(r.plain.contains("Bước một"));
    }

    #[test]
    fn nesting_is_bounded() {
        let list = |n: usize| (0..n).map(|i| format!("{}- x\n", "  ".repeat(i))).collect::<String>();
        assert_eq!(md(&list(MAX_BLOCK_NESTING)).0.too_deep, None);
        let deep = list(MAX_BLOCK_NESTING + 1);
        let at = md(&deep).0.too_deep.expect("17 levels are refused");
        assert_eq!(deep[..at].matches('\n').count(), MAX_BLOCK_NESTING, "points at the 17th level's line");
        let quotes = format!("{} x\n", ">".repeat(130));
        assert!(md(&quotes).0.too_deep.is_some());
        assert_eq!(md("> a\n> - *b* **c** [d](/x/)\n").0.too_deep, None);
    }

    #[test]
    fn tables_render() {
        let (r, _) = md("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(r.html.0.contains("<table>"));
    }
}
