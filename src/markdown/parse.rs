//! pulldown-cmark events → `Doc`, with the plain text, the headings and the
//! refused links found on the way.

use super::{Block, Doc, Inline, LinkError, MAX_BLOCK_NESTING, MAX_ELEMENT_NESTING, MarkdownOptions, Parsed, Target};
use crate::text;
use pulldown_cmark::{CodeBlockKind, DefaultBrokenLinkCallback, Event, LinkType, OffsetIter, Options, Tag, TagEnd};

pub fn parse(md: &str, opts: &MarkdownOptions) -> (Parsed, Vec<LinkError>) {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    // The page title is the only h1: the document's top heading level becomes h2.
    let top = if opts.heading_ids {
        pulldown_cmark::Parser::new_ext(md, options)
            .filter_map(|e| match e {
                Event::Start(Tag::Heading { level, .. }) => Some(level as usize),
                _ => None,
            })
            .min()
            .unwrap_or(1)
    } else {
        1
    };
    let mut p = Parser {
        events: pulldown_cmark::Parser::new_ext(md, options).into_offset_iter(),
        opts,
        top,
        depth: 0,
        lists_and_quotes: 0,
        too_deep: None,
        plain: String::new(),
        heading_title: None,
        toc: Vec::new(),
        errors: Vec::new(),
    };
    let blocks = p.children();
    let rendered = Parsed { doc: Doc { blocks }, plain: p.plain, toc: p.toc, too_deep: p.too_deep };
    (rendered, p.errors)
}

struct Parser<'a, 'o> {
    events: OffsetIter<'a, DefaultBrokenLinkCallback>,
    opts: &'o MarkdownOptions<'o>,
    /// The smallest heading level of the text (pages shift it to 2).
    top: usize,
    /// Open elements: all of them, and lists and block quotes alone.
    depth: usize,
    lists_and_quotes: usize,
    too_deep: Option<usize>,
    plain: String,
    /// The text of the heading being read (pages: its id and contents entry).
    heading_title: Option<String>,
    toc: Vec<(String, String)>,
    errors: Vec<LinkError>,
}

impl<'a> Parser<'a, '_> {
    /// The next event and its byte offset. An element nested too deeply is
    /// left out whole (the text is refused; its tree stays shallow).
    fn next(&mut self) -> Option<(Event<'a>, usize)> {
        while let Some((event, range)) = self.events.next() {
            if self.account(&event, range.start) {
                let floor = self.depth - 1;
                while self.depth > floor {
                    let Some((event, range)) = self.events.next() else { break };
                    self.account(&event, range.start);
                }
                continue;
            }
            return Some((event, range.start));
        }
        None
    }

    /// Counts nesting and collects plain text; true for a start nested too deeply.
    fn account(&mut self, event: &Event, at: usize) -> bool {
        match event {
            Event::Start(tag) => {
                self.depth += 1;
                self.lists_and_quotes += usize::from(matches!(tag, Tag::List(_) | Tag::BlockQuote(_)));
                if self.depth > MAX_ELEMENT_NESTING || self.lists_and_quotes > MAX_BLOCK_NESTING {
                    self.too_deep.get_or_insert(at);
                    return true;
                }
            }
            Event::End(tag) => {
                self.depth = self.depth.saturating_sub(1);
                let closes = usize::from(matches!(tag, TagEnd::List(_) | TagEnd::BlockQuote(_)));
                self.lists_and_quotes = self.lists_and_quotes.saturating_sub(closes);
            }
            Event::Text(t) | Event::Code(t) => {
                if !self.plain.is_empty() && !self.plain.ends_with(' ') {
                    self.plain.push(' ');
                }
                self.plain.push_str(t.trim());
                if let Some(title) = self.heading_title.as_mut() {
                    title.push_str(t);
                }
            }
            _ => {}
        }
        false
    }

    /// Consumes the rest of an element whose start was just read.
    fn skip(&mut self) {
        let floor = self.depth.saturating_sub(1);
        while self.depth > floor && self.next().is_some() {}
    }

    /// Blocks up to the end of the enclosing element; inline content outside
    /// a paragraph (a tight list item's) becomes `Block::Plain`.
    fn children(&mut self) -> Vec<Block> {
        let (mut blocks, mut inlines) = (Vec::new(), Vec::new());
        while let Some((event, at)) = self.next() {
            let block = match event {
                Event::End(_) => break,
                Event::Rule => Some(Block::Rule),
                Event::Start(tag) if is_inline(&tag) => {
                    push(&mut inlines, self.inline_element(tag, at));
                    None
                }
                Event::Start(tag) => self.block(tag),
                other => {
                    push(&mut inlines, self.inline_event(other));
                    None
                }
            };
            if let Some(block) = block {
                if !inlines.is_empty() {
                    blocks.push(Block::Plain(std::mem::take(&mut inlines)));
                }
                blocks.push(block);
            }
        }
        if !inlines.is_empty() {
            blocks.push(Block::Plain(inlines));
        }
        blocks
    }

    fn block(&mut self, tag: Tag<'a>) -> Option<Block> {
        Some(match tag {
            Tag::Paragraph => Block::Paragraph(self.inlines()),
            Tag::Heading { level, .. } => self.heading(level as usize),
            Tag::BlockQuote(_) => Block::Quote(self.children()),
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split(' ').next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                Block::Code { lang, text: self.raw_text() }
            }
            Tag::HtmlBlock if self.opts.allow_html => Block::Html(self.raw_text()),
            Tag::HtmlBlock => Block::HtmlAsText(self.raw_text()),
            Tag::List(start) => {
                let mut items = Vec::new();
                while let Some((event, _)) = self.next() {
                    match event {
                        Event::Start(Tag::Item) => items.push(self.children()),
                        Event::Start(_) => self.skip(),
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                Block::List { start, items }
            }
            Tag::Table(align) => {
                let (mut head, mut rows) = (Vec::new(), Vec::new());
                while let Some((event, _)) = self.next() {
                    match event {
                        Event::Start(Tag::TableHead) => head = self.cells(),
                        Event::Start(Tag::TableRow) => rows.push(self.cells()),
                        Event::Start(_) => self.skip(),
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                Block::Table { align, head, rows }
            }
            // Footnotes, definition lists, metadata: not enabled.
            _ => {
                self.skip();
                return None;
            }
        })
    }

    fn heading(&mut self, level: usize) -> Block {
        if !self.opts.heading_ids {
            return Block::Heading { level: level as u8, id: None, content: self.inlines() };
        }
        self.heading_title = Some(String::new());
        let content = self.inlines();
        let title = self.heading_title.take().unwrap_or_default();
        let mut id = text::slugify(&title);
        if id.is_empty() || self.toc.iter().any(|(i, _)| *i == id) {
            id = format!("{}-{}", if id.is_empty() { "muc" } else { &id }, self.toc.len() + 1);
        }
        let level = (level + 2 - self.top).min(6);
        if level <= 3 {
            self.toc.push((id.clone(), title));
        }
        Block::Heading { level: level as u8, id: Some(id), content }
    }

    /// The cells of a table row.
    fn cells(&mut self) -> Vec<Vec<Inline>> {
        let mut cells = Vec::new();
        while let Some((event, _)) = self.next() {
            match event {
                Event::Start(Tag::TableCell) => cells.push(self.inlines()),
                Event::Start(_) => self.skip(),
                Event::End(_) => break,
                _ => {}
            }
        }
        cells
    }

    /// The text of a code or HTML block.
    fn raw_text(&mut self) -> String {
        let mut out = String::new();
        while let Some((event, _)) = self.next() {
            match event {
                Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => out.push_str(&t),
                Event::Start(_) => self.skip(),
                Event::End(_) => break,
                _ => {}
            }
        }
        out
    }

    /// Inlines up to the end of the enclosing element.
    fn inlines(&mut self) -> Vec<Inline> {
        let mut out = Vec::new();
        while let Some((event, at)) = self.next() {
            match event {
                Event::End(_) => break,
                Event::Start(tag) if is_inline(&tag) => push(&mut out, self.inline_element(tag, at)),
                Event::Start(_) => self.skip(),
                other => push(&mut out, self.inline_event(other)),
            }
        }
        out
    }

    fn inline_event(&mut self, event: Event<'a>) -> Option<Inline> {
        Some(match event {
            Event::Text(t) => Inline::Text(t.into_string()),
            Event::Code(t) => Inline::Code(t.into_string()),
            Event::Html(h) | Event::InlineHtml(h) if self.opts.allow_html => Inline::Html(h.into_string()),
            Event::Html(h) | Event::InlineHtml(h) => Inline::HtmlAsText(h.into_string()),
            Event::SoftBreak => Inline::SoftBreak,
            Event::HardBreak => Inline::HardBreak,
            _ => return None,
        })
    }

    fn inline_element(&mut self, tag: Tag<'a>, at: usize) -> Option<Inline> {
        Some(match tag {
            Tag::Emphasis => Inline::Emph(self.inlines()),
            Tag::Strong => Inline::Strong(self.inlines()),
            Tag::Strikethrough => Inline::Strike(self.inlines()),
            Tag::Link { link_type, dest_url, title, .. } => {
                let mut target = self.target(&dest_url, at);
                if link_type == LinkType::Email {
                    target = Target::Url(format!("mailto:{}", target.url_in("")));
                }
                Inline::Link { target, title: title.into_string(), content: self.inlines() }
            }
            Tag::Image { dest_url, title, .. } => {
                Inline::Image { src: self.target(&dest_url, at), title: title.into_string(), alt: self.inlines() }
            }
            _ => {
                self.skip();
                return None;
            }
        })
    }

    fn target(&mut self, url: &str, at: usize) -> Target {
        super::resolve(url, self.opts.base_path).unwrap_or_else(|| {
            self.errors.push(LinkError { offset: at, url: url.to_string() });
            Target::Url("#".into())
        })
    }
}

fn is_inline(tag: &Tag) -> bool {
    matches!(tag, Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. })
}

/// Adds an inline, joining text that pulldown-cmark split (at `[`, escapes, …).
fn push(out: &mut Vec<Inline>, inline: Option<Inline>) {
    match (out.last_mut(), inline) {
        (Some(Inline::Text(prev)), Some(Inline::Text(t))) => prev.push_str(&t),
        (_, Some(inline)) => out.push(inline),
        (_, None) => {}
    }
}
