//! The Atom feed of recent changes (`thay-doi/atom.xml`, RFC 4287): the
//! procedures changed most recently, each entry identified by its page's
//! address, so a feed reader shows a procedure again when it changes again.

use super::view::{self, tr};
use super::{RenderCtx, Renderer, urls};
use crate::diag::Diagnostic;
use crate::model::Site;
use crate::sink::{Produced, Sink};
use crate::text;

pub struct FeedRenderer;

impl Renderer for FeedRenderer {
    fn name(&self) -> &'static str {
        "feed"
    }

    fn estimate(&self, _: &Site) -> usize {
        1
    }

    fn render(
        &self,
        site: &Site,
        ctx: &RenderCtx,
        _earlier: &Produced,
        out: &dyn Sink,
        progress: &(dyn Fn(u64) + Sync),
    ) {
        let Some(t) = ctx.theme.translations.get("vi") else {
            return out.error(Diagnostic::new("no-translations", "the theme has no i18n/vi.toml"));
        };
        out.put("feed", urls::CHANGES_FEED, atom(site, t).as_bytes());
        progress(1);
    }
}

/// The feed's XML.
pub fn atom(site: &Site, t: &view::Strings) -> String {
    let base = &site.config.base_url;
    let recent = view::recent(site, view::RECENT_FEED);
    // A feed must say when it last changed: its newest entry, or the
    // edition when there is none (never the clock: builds are reproducible).
    let updated = recent
        .first()
        .and_then(|&i| site.procedures[i].updated.as_ref())
        .map(|u| u.iso.clone())
        .or_else(|| site.config.edition.as_ref().map(|e| format!("{e}T00:00:00Z")))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut x = String::with_capacity(1024 + recent.len() * 600);
    x.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"vi\">\n",
    );
    elem(&mut x, 1, "id", &format!("{base}{}", urls::CHANGES));
    elem(&mut x, 1, "title", &format!("{} — {}", tr(t, "changes_feed_title"), site.config.title.vi));
    elem(&mut x, 1, "updated", &updated);
    link(&mut x, 1, "self", "application/atom+xml", &format!("{base}{}", urls::CHANGES_FEED));
    link(&mut x, 1, "alternate", "text/html", &format!("{base}{}", urls::CHANGES));
    x.push_str("  <author>\n");
    elem(&mut x, 2, "name", &site.config.organisation.name.vi);
    x.push_str("  </author>\n");
    for i in recent {
        let p = &site.procedures[i];
        let Some(u) = &p.updated else { continue };
        let url = format!("{base}{}", urls::procedure(&p.slug));
        x.push_str("  <entry>\n");
        elem(&mut x, 2, "id", &url);
        elem(&mut x, 2, "title", &format!("{} ({})", p.title.vi, p.code));
        elem(&mut x, 2, "updated", &u.iso);
        link(&mut x, 2, "alternate", "text/html", &url);
        elem(&mut x, 2, "summary", &text::shorten(&p.summary.plain, 300));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

fn elem(x: &mut String, depth: usize, name: &str, value: &str) {
    x.push_str(&"  ".repeat(depth));
    x.push_str(&format!("<{name}>{}</{name}>\n", escape(value)));
}

fn link(x: &mut String, depth: usize, rel: &str, ty: &str, href: &str) {
    x.push_str(&"  ".repeat(depth));
    x.push_str(&format!("<link rel=\"{rel}\" type=\"{ty}\" href=\"{}\"/>\n", escape(href)));
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
