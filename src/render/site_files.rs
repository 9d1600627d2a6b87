//! Files every site needs besides its pages: the theme's static files,
//! `sitemap.xml` (both editions) and `robots.txt`.

use super::{RenderCtx, Renderer, urls};
use crate::model::Site;
use crate::sink::{Produced, Sink};

pub struct SiteFilesRenderer;

impl Renderer for SiteFilesRenderer {
    fn name(&self) -> &'static str {
        "site-files"
    }

    fn estimate(&self, _: &Site) -> usize {
        2
    }

    fn render(
        &self,
        site: &Site,
        ctx: &RenderCtx,
        _earlier: &Produced,
        out: &dyn Sink,
        progress: &(dyn Fn(u64) + Sync),
    ) {
        for (path, bytes) in &ctx.theme.static_files {
            out.put("static", &format!("{}{path}", urls::STATIC), bytes);
        }
        out.put("site-files", urls::SITEMAP, sitemap(site).as_bytes());
        let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {}{}\n", site.config.base_url, urls::SITEMAP);
        out.put("site-files", urls::ROBOTS, robots.as_bytes());
        progress(2);
    }
}

/// Every HTML page except 404, with the record's edition date where known.
pub fn sitemap(site: &Site) -> String {
    let mut paths: Vec<String> = crate::routes::sitemap_sections().map(String::from).collect();
    paths.extend(site.procedures.iter().map(|p| urls::procedure(&p.slug)));
    paths.extend(site.stages.iter().map(|s| urls::stage(&s.key)));
    paths.extend(site.fields.iter().map(|f| urls::field(&f.key)));
    paths.extend(site.levels.iter().map(|l| urls::level(&l.key)));
    paths.extend(site.pages.iter().map(|p| urls::page(&p.slug)));
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    // Every edition's copy of every page (the English one under `en/`).
    let editions = super::lang::editions(site);
    for p in editions.iter().flat_map(|l| paths.iter().map(move |p| format!("{}{p}", l.prefix()))) {
        xml.push_str("  <url><loc>");
        xml.push_str(&escape_xml(&format!("{}{}", site.config.base_url, p)));
        xml.push_str("</loc>");
        if let Some(e) = &site.config.edition {
            xml.push_str("<lastmod>");
            xml.push_str(e);
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
