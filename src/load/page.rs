//! Free pages: `content/pages/<slug>.md` with TOML front matter between `+++` lines.

use super::{MdCtx, parse_toml};
use crate::diag::{Diagnostic, SourceText};
use crate::model::{Page, SiteConfig, Text};
use crate::schema::page::RawFrontMatter;

pub fn load_page(src: &SourceText, slug: &str, site: &SiteConfig, out: &mut Vec<Diagnostic>) -> Option<Page> {
    let text = src.text.strip_prefix('\u{feff}').unwrap_or(&src.text);
    let bom = src.text.len() - text.len();
    let Some(after_open) = text.strip_prefix("+++\n").or_else(|| text.strip_prefix("+++\r\n")) else {
        out.push(
            Diagnostic::new("no-front-matter", "page has no front matter")
                .at(src, 0)
                .hint("start the file with +++, then title = \"…\", then +++ on its own line"),
        );
        return None;
    };
    let fm_start = bom + (text.len() - after_open.len());
    let Some(end) = find_closing(after_open) else {
        out.push(
            Diagnostic::new("no-front-matter", "front matter is not closed")
                .at(src, 0)
                .hint("add a line with only +++ after the front matter"),
        );
        return None;
    };
    let fm = &after_open[..end];
    let body_start = fm_start + end + after_open[end..].find('\n').map_or(after_open.len() - end, |n| n + 1);
    let before = out.len();
    let raw: RawFrontMatter = parse_toml(src, fm_start, fm, out)?;
    let md = MdCtx { src, allow_html: site.allow_html, base_path: &site.base_path };
    let body = src.text.get(body_start..).unwrap_or("");
    if let Some((at, c)) = crate::text::find_forbidden_control(body) {
        out.push(
            Diagnostic::new(
                "control-char",
                format!("text holds an invisible control character (U+{:04X})", u32::from(c)),
            )
            .at(src, body_start + at)
            .field("body")
            .hint(crate::text::control_hint(c)),
        );
    }
    // Offsets in the body are relative to body_start; quote_len(body_start) is 0 there.
    let parsed = md.parse(body, body_start, "body", true, out);
    if out.len() > before {
        return None;
    }
    Some(Page {
        slug: slug.to_string(),
        source: src.path.clone(),
        title: Text { vi: crate::text::nfc(&raw.title), en: raw.title_en.as_deref().map(crate::text::nfc) },
        description: raw.description.as_deref().map(crate::text::nfc),
        weight: raw.weight.unwrap_or(0),
        body: parsed.doc,
        toc: parsed.toc,
    })
}

/// Byte index of the closing `+++` line within `s`.
fn find_closing(s: &str) -> Option<usize> {
    let mut pos = 0;
    for line in s.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some(pos);
        }
        pos += line.len();
    }
    None
}
