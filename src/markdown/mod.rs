//! Markdown as a small tree, parsed and checked once at load (`parse`), with
//! the site's safety rules: raw HTML kept only when the site allows it (else
//! shown as text), only http(s)/mailto/tel/relative links, site-absolute
//! links (`/thu-tuc/`) re-rooted under the base path so the site works in a
//! sub-folder. Two backends walk the tree: HTML per edition (`html`) and the
//! print products' node data (`render::print::markup`).

mod html;
mod parse;
#[cfg(test)]
mod tests;

pub use parse::parse;
pub use pulldown_cmark::Alignment;

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

/// A Markdown text. Serialized (templates, open data) as the HTML of the
/// default edition.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    /// A tight list item's text: inlines without a paragraph around them.
    Plain(Vec<Inline>),
    /// `level` as written out: on pages the top level becomes 2 (the page
    /// title is the only h1), and `id` is the in-page contents' anchor.
    Heading {
        level: u8,
        id: Option<String>,
        content: Vec<Inline>,
    },
    /// `start` is `None` for a bulleted list.
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Quote(Vec<Block>),
    /// `lang`: the first word of a fenced block's info string, or empty.
    Code {
        lang: String,
        text: String,
    },
    Table {
        align: Vec<Alignment>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Rule,
    /// Raw HTML, on a site that allows it.
    Html(String),
    /// Raw HTML on a site that does not allow it: shown as its text.
    HtmlAsText(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Code(String),
    Emph(Vec<Inline>),
    Strong(Vec<Inline>),
    Strike(Vec<Inline>),
    Link { target: Target, title: String, content: Vec<Inline> },
    Image { src: Target, title: String, alt: Vec<Inline> },
    SoftBreak,
    HardBreak,
    Html(String),
    HtmlAsText(String),
}

/// A checked link target.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// http(s), mailto or tel, a relative path or an in-page anchor (`#` for
    /// a refused link): the same in every edition.
    Url(String),
    /// A path on this site (`thu-tuc/`, `data/x.json`, written `/thu-tuc/`),
    /// under the site's base path.
    Site { base_path: String, path: String },
}

impl Target {
    /// The address in an edition (`edition_prefix` is `""` or `en/`): the
    /// edition's own copy of a page of this site; shared files (`static/`,
    /// `data/`, anything whose last segment has an extension) and links
    /// already into an edition stay as they are.
    pub fn url_in(&self, edition_prefix: &str) -> String {
        match self {
            Target::Url(url) => url.clone(),
            Target::Site { base_path, path } => {
                let page = path.split(['#', '?']).next().unwrap_or("");
                let last = page.trim_end_matches('/').rsplit('/').next().unwrap_or("");
                let shared = page.starts_with("static/")
                    || page.starts_with("data/")
                    || (!page.ends_with('/') && last.contains('.'));
                let prefix = if shared || page.starts_with(edition_prefix) { "" } else { edition_prefix };
                format!("{base_path}{prefix}{path}")
            }
        }
    }
}

impl Doc {
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

impl serde::Serialize for Doc {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.html(""))
    }
}

/// A parsed Markdown text and what load derives from it.
#[derive(Debug, Default)]
pub struct Parsed {
    pub doc: Doc,
    pub plain: String,
    pub toc: Vec<(String, String)>,
    /// Byte offset (in the Markdown) of the first element nested deeper than
    /// `MAX_BLOCK_NESTING` / `MAX_ELEMENT_NESTING`, if any; the tree leaves
    /// such elements out.
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
    resolve(url, base_path).map(|t| t.url_in(""))
}

/// The target of a link, or `None` when it is not allowed.
pub fn resolve(url: &str, base_path: &str) -> Option<Target> {
    let trimmed = url.trim();
    let lower = trimmed.to_ascii_lowercase();
    if let Some(colon) = lower.find(':') {
        let scheme = &lower[..colon];
        let is_scheme = !scheme.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !lower[..colon].contains('/');
        if is_scheme {
            return matches!(scheme, "http" | "https" | "mailto" | "tel").then(|| Target::Url(trimmed.to_string()));
        }
    }
    if lower.starts_with("//") {
        return None; // protocol-relative: ambiguous, ask for https://
    }
    Some(match trimmed.strip_prefix('/') {
        Some(path) => Target::Site { base_path: base_path.to_string(), path: path.to_string() },
        None => Target::Url(trimmed.to_string()),
    })
}
