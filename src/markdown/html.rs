//! The HTML backend: the tree as pulldown-cmark events, written by
//! pulldown-cmark's own HTML writer, with this edition's links.

use super::{Block, Doc, Inline};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd};

impl Doc {
    /// The HTML of the text in an edition (`edition_prefix` is `""` or `en/`):
    /// links to pages of this site point at the edition's copy.
    pub fn html(&self, edition_prefix: &str) -> String {
        let mut events = Vec::new();
        blocks(&self.blocks, edition_prefix, &mut events);
        let mut html = String::with_capacity(events.len() * 16);
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        html
    }
}

fn blocks<'d>(blocks_: &'d [Block], prefix: &str, out: &mut Vec<Event<'d>>) {
    for block in blocks_ {
        match block {
            Block::Paragraph(content) => wrap(Tag::Paragraph, TagEnd::Paragraph, content, prefix, out),
            Block::Plain(content) => inlines(content, prefix, out),
            Block::Heading { level, id: Some(id), content } => {
                // Written whole: the id is ours, and the writer would start it on a new line.
                let mut inner = Vec::new();
                inlines(content, prefix, &mut inner);
                let mut html = format!("<h{level} id=\"{id}\">");
                pulldown_cmark::html::push_html(&mut html, inner.into_iter());
                html.push_str(&format!("</h{level}>\n"));
                out.push(Event::Html(html.into()));
            }
            Block::Heading { level, id: None, content } => {
                let level = HeadingLevel::try_from(usize::from(*level)).unwrap_or(HeadingLevel::H6);
                let start = Tag::Heading { level, id: None, classes: Vec::new(), attrs: Vec::new() };
                wrap(start, TagEnd::Heading(level), content, prefix, out);
            }
            Block::List { start, items } => {
                out.push(Event::Start(Tag::List(*start)));
                for item in items {
                    out.push(Event::Start(Tag::Item));
                    blocks(item, prefix, out);
                    out.push(Event::End(TagEnd::Item));
                }
                out.push(Event::End(TagEnd::List(start.is_some())));
            }
            Block::Quote(inner) => {
                out.push(Event::Start(Tag::BlockQuote(None)));
                blocks(inner, prefix, out);
                out.push(Event::End(TagEnd::BlockQuote(None)));
            }
            Block::Code { lang, text } => {
                out.push(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(CowStr::Borrowed(lang)))));
                out.push(Event::Text(CowStr::Borrowed(text)));
                out.push(Event::End(TagEnd::CodeBlock));
            }
            Block::Table { align, head, rows } => {
                out.push(Event::Start(Tag::Table(align.clone())));
                row(Tag::TableHead, TagEnd::TableHead, head, prefix, out);
                for cells in rows {
                    row(Tag::TableRow, TagEnd::TableRow, cells, prefix, out);
                }
                out.push(Event::End(TagEnd::Table));
            }
            Block::Rule => out.push(Event::Rule),
            Block::Html(html) => out.push(Event::Html(CowStr::Borrowed(html))),
            Block::HtmlAsText(html) => out.push(Event::Html(escape_all(html).into())),
        }
    }
}

fn row<'d>(start: Tag<'d>, end: TagEnd, cells: &'d [Vec<Inline>], prefix: &str, out: &mut Vec<Event<'d>>) {
    out.push(Event::Start(start));
    for cell in cells {
        wrap(Tag::TableCell, TagEnd::TableCell, cell, prefix, out);
    }
    out.push(Event::End(end));
}

fn wrap<'d>(start: Tag<'d>, end: TagEnd, content: &'d [Inline], prefix: &str, out: &mut Vec<Event<'d>>) {
    out.push(Event::Start(start));
    inlines(content, prefix, out);
    out.push(Event::End(end));
}

fn inlines<'d>(content: &'d [Inline], prefix: &str, out: &mut Vec<Event<'d>>) {
    for inline in content {
        match inline {
            Inline::Text(t) => out.push(Event::Text(CowStr::Borrowed(t))),
            Inline::Code(t) => out.push(Event::Code(CowStr::Borrowed(t))),
            Inline::Emph(c) => wrap(Tag::Emphasis, TagEnd::Emphasis, c, prefix, out),
            Inline::Strong(c) => wrap(Tag::Strong, TagEnd::Strong, c, prefix, out),
            Inline::Strike(c) => wrap(Tag::Strikethrough, TagEnd::Strikethrough, c, prefix, out),
            Inline::Link { target, title, content } => {
                let dest_url = target.url_in(prefix).into();
                let link =
                    Tag::Link { link_type: LinkType::Inline, dest_url, title: CowStr::Borrowed(title), id: "".into() };
                wrap(link, TagEnd::Link, content, prefix, out);
            }
            // Images are files, shared by the editions.
            Inline::Image { src, title, alt } => {
                let dest_url = src.url_in("").into();
                let image =
                    Tag::Image { link_type: LinkType::Inline, dest_url, title: CowStr::Borrowed(title), id: "".into() };
                wrap(image, TagEnd::Image, alt, prefix, out);
            }
            Inline::SoftBreak => out.push(Event::SoftBreak),
            Inline::HardBreak => out.push(Event::HardBreak),
            Inline::Html(html) => out.push(Event::InlineHtml(CowStr::Borrowed(html))),
            Inline::HtmlAsText(html) => out.push(Event::Html(escape_all(html).into())),
        }
    }
}

/// Escaped with quotes too, so the text can never look like an attribute.
fn escape_all(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}
