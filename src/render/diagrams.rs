//! Posters: every `diagrams/<name>.toml` as `diagrams/<name>.svg`, `.png`
//! (paper size at the spec's dpi) and `.pdf` (vector), English versions
//! under `en/diagrams/` when the site has English. The SVG is cheap and
//! always drawn; PNG and PDF come from the cache when the SVG, paper, dpi
//! and fonts are unchanged, so an unrelated edit re-renders no poster.

use super::lang::{self, Lang};
use super::{RenderCtx, Renderer, urls, view};
use crate::cache::KeyBuilder;
use crate::diag::Diagnostic;
use crate::diagram::{self, Fonts, raster};
use crate::model::{Diagram, Site};
use crate::sink::{Produced, Sink};
use rayon::prelude::*;
use serde::Serialize;

pub struct DiagramRenderer;

/// Bump when the poster output changes for the same SVG.
const POSTER_VERSION: &str = "poster-v1";
/// The poster SVGs' cache kind.
const SVG_KIND: &str = "poster-svg";
/// Bump when the poster SVG changes for the same site and the same program (`site_key`).
const POSTER_SVG_VERSION: &str = "poster-svg-v1";

impl Renderer for DiagramRenderer {
    fn name(&self) -> &'static str {
        "diagrams"
    }

    fn estimate(&self, site: &Site) -> usize {
        site.diagrams.len() * lang::editions(site).len() * 3
    }

    fn render(
        &self,
        site: &Site,
        ctx: &RenderCtx,
        _earlier: &Produced,
        out: &dyn Sink,
        progress: &(dyn Fn(u64) + Sync),
    ) {
        if site.diagrams.is_empty() {
            return;
        }
        let fonts = match Fonts::from_static(&ctx.theme.static_files) {
            Ok(f) => f,
            Err(e) => return out.error(Diagnostic::new("diagram", e)),
        };
        let mut font_key = KeyBuilder::new("fonts");
        for f in &fonts.0 {
            font_key.add(f);
        }
        let posters = Posters {
            site,
            ctx,
            out,
            db: raster::font_db(&fonts),
            font_key: font_key.finish(),
            site_key: site_key(site),
            fonts: &fonts,
        };
        let jobs: Vec<(&Diagram, Lang)> =
            site.diagrams.iter().flat_map(|d| lang::editions(site).into_iter().map(move |l| (d, l))).collect();
        // The SVGs side by side (laying out a large site's journey takes seconds); the PNGs and
        // PDFs one at a time, on this thread: a poster's parsed drawing grows with the number
        // of records (see `heavy`), and a parallel loop let krilla, waiting inside one poster's
        // PDF, start the next poster on the same thread, both drawings alive.
        let drawn: Vec<Option<String>> = jobs.par_iter().map(|&(d, lang)| posters.svg(d, lang, progress)).collect();
        for (&(d, lang), svg) in jobs.iter().zip(drawn) {
            if let Some(svg) = svg {
                posters.raster(d, lang, &svg, progress);
            }
        }
    }
}

/// What every poster of a build shares.
struct Posters<'a> {
    site: &'a Site,
    ctx: &'a RenderCtx<'a>,
    out: &'a dyn Sink,
    db: std::sync::Arc<resvg::usvg::fontdb::Database>,
    font_key: crate::cache::Key,
    /// Everything of the site a poster may show (`site_key`).
    site_key: crate::cache::Key,
    fonts: &'a Fonts,
}

impl Posters<'_> {
    /// One poster's SVG, put in the output, from the cache like the PNG and PDF: laying out
    /// a large site's journey poster takes seconds, and every `serve` start and title edit
    /// needed it (the edit's new poster is now drawn in the background). None when its PNG
    /// and PDF are not to be made now.
    fn svg(&self, d: &Diagram, lang: Lang, progress: &(dyn Fn(u64) + Sync)) -> Option<String> {
        let (site, ctx, out) = (self.site, self.ctx, self.out);
        let fail = |msg: String| {
            out.error(Diagnostic::new("diagram", msg).in_file(&d.source));
            None
        };
        let strings = ctx.theme.translations.get(lang.code())?;
        let stem = format!("{}{}", lang.prefix(), poster_stem(&d.name));
        let mut key = KeyBuilder::new(POSTER_SVG_VERSION);
        key.add_str(self.site_key.as_str()).add_str(self.font_key.as_str()).add_str(lang.code());
        key.add_json(d).add_json(strings);
        let key = key.finish();
        let draw = || -> Result<Vec<u8>, String> {
            let m = self.fonts.measurer()?;
            // Posters are print products: their links use site.toml's address, never serve's.
            let base = &site.config.print_base_url;
            let link = |slug: &str| format!("{base}{}{}", lang.prefix(), urls::procedure(slug));
            let profile = diagram::layout::Profile::poster(d);
            let times = |p: &crate::model::Procedure| block_time(p, strings, lang);
            let portal = site.config.portal_url.as_deref();
            Ok(diagram::draw(site, d, &profile, lang, strings, &times, &m, &link, portal, "").svg.into_bytes())
        };
        let svg = match ctx.cache.mode() {
            // `--no-print` makes no PNG or PDF, but the SVG is always there.
            crate::cache::Mode::Skip => ctx.cache.get(SVG_KIND, &key).map_or_else(draw, Ok),
            _ => ctx.cache.get_or_render(SVG_KIND, &key, draw),
        };
        let svg = match svg {
            Err(e) if e == crate::cache::DEFERRED => match ctx.cache.previous(&format!("{stem}.svg")) {
                // Drawn in the background (`serve`): the last good build's files until then.
                Some(_) => {
                    for ext in ["svg", "png", "pdf"] {
                        if let Some(old) = ctx.cache.previous(&format!("{stem}.{ext}")) {
                            out.put("diagrams", &format!("{stem}.{ext}"), &old)
                        }
                    }
                    progress(3);
                    return None;
                }
                // No earlier poster (`serve` starting on a site no build has drawn): pages link
                // the SVG, so it is drawn now; its PNG and PDF follow in the background.
                None => draw().inspect(|bytes| ctx.cache.put(SVG_KIND, &key, bytes)),
            },
            other => other,
        };
        let svg = match svg.map(String::from_utf8) {
            Ok(Ok(svg)) => svg,
            Ok(Err(_)) => return fail(format!("the cached {stem}.svg is not UTF-8; delete {}", crate::cache::DIR)),
            Err(e) => return fail(e),
        };
        out.put("diagrams", &format!("{stem}.svg"), svg.as_bytes());
        progress(1);
        if !ctx.writes {
            // `onestop check`: the SVG proves the spec lays out; the
            // PNG and PDF would only be bytes nobody keeps.
            progress(2);
            return None;
        }
        Some(svg)
    }

    /// The poster's PNG and PDF, from the cache when its SVG, paper, dpi and fonts are unchanged.
    fn raster(&self, d: &Diagram, lang: Lang, svg: &str, progress: &dyn Fn(u64)) {
        let (site, ctx, out) = (self.site, self.ctx, self.out);
        let Some(strings) = ctx.theme.translations.get(lang.code()) else { return };
        let stem = &format!("{}{}", lang.prefix(), poster_stem(&d.name));
        let fail = |msg: String| out.error(Diagnostic::new("diagram", msg).in_file(&d.source));
        let (short, long) = d.paper.size_mm();
        let paper = if d.landscape { (long, short) } else { (short, long) };
        let mut key = KeyBuilder::new(POSTER_VERSION);
        key.add_str(svg).add_str(self.font_key.as_str()).add_str(d.paper.name()).add_str(&d.dpi.to_string());
        let key = key.finish();
        let labels = diagram::labels(site, d, lang, strings);
        // Declared before the tree, so dropped after it: the turn ends once the drawing is freed.
        let turn = std::cell::OnceCell::new();
        let tree = std::cell::OnceCell::new();
        let parsed = || {
            turn.get_or_init(super::heavy::turn);
            tree.get_or_init(|| raster::parse(svg, self.db.clone()))
        };
        let png = ctx.cache.get_or_render("poster-png", &key, || {
            parsed().as_ref().map_err(Clone::clone).and_then(|t| raster::png(t, paper, d.dpi))
        });
        match png {
            Ok(bytes) => out.put("diagrams", &format!("{stem}.png"), &bytes),
            // Not made now (`--no-print`, or `serve` makes it in the background):
            // the last good build's copy, if any, until then.
            Err(e) if e == crate::cache::DEFERRED => {
                if let Some(old) = ctx.cache.previous(&format!("{stem}.png")) {
                    out.put("diagrams", &format!("{stem}.png"), &old)
                }
            }
            Err(e) => fail(e),
        }
        progress(1);
        let edition = site.config.edition.as_deref();
        let pdf = ctx.cache.get_or_render("poster-pdf", &key, || {
            parsed()
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|t| onestop_print::svg_pdf(t, paper, &labels.title, lang.code(), edition))
        });
        match pdf {
            Ok(bytes) => out.put("diagrams", &format!("{stem}.pdf"), &bytes),
            // Not made now (`--no-print`, or `serve` makes it in the background):
            // the last good build's copy, if any, until then.
            Err(e) if e == crate::cache::DEFERRED => {
                if let Some(old) = ctx.cache.previous(&format!("{stem}.pdf")) {
                    out.put("diagrams", &format!("{stem}.pdf"), &old)
                }
            }
            Err(e) => fail(e),
        }
        progress(1);
    }
}

/// Everything of the site a poster can show, as one key: every record (a poster selects
/// and names some, and its notes name others), the stages, levels, fields, units and
/// site.toml. Not the pages' address (`base_url`, `base_path`: serve's own), which no
/// poster shows (its links use `print_base_url`), so `build` and `serve` share the SVGs.
fn site_key(site: &Site) -> crate::cache::Key {
    let mut config = site.config.clone();
    config.base_url.clear();
    config.base_path.clear();
    let mut key = KeyBuilder::new("poster-site");
    // The program too: an onestop whose drawing code differs never reuses an SVG another one
    // drew, while `build` and `serve` of the same binary share them.
    key.add_str(crate::cache::program_identity());
    key.add_json(&config);
    // Each record without its `updated` time, which no poster shows: for a file not committed
    // to git it is the file's own time, so every save would have redrawn the posters.
    for p in &site.procedures {
        let p = crate::model::Procedure { updated: None, ..p.clone() };
        key.add_json(&p);
    }
    key.add_json(&site.stages).add_json(&site.levels).add_json(&site.fields).add_json(&site.units);
    key.finish()
}

/// `diagrams/<name>` under the site (without a language prefix).
pub fn poster_stem(name: &str) -> String {
    format!("diagrams/{name}")
}

/// One downloadable poster file, for the journey and print pages.
#[derive(Serialize)]
pub struct PosterFile {
    pub format: &'static str,
    pub path: String,
    pub size: String,
    pub detail: String,
}

#[derive(Serialize)]
pub struct PosterView {
    pub name: String,
    pub title: String,
    pub files: Vec<PosterFile>,
}

/// The posters of `lang` with their sizes (read from the output, so this
/// runs in the render phase after the posters were written).
pub fn poster_views(site: &Site, earlier: &Produced, lang: Lang) -> Vec<PosterView> {
    site.diagrams
        .iter()
        .map(|d| {
            let stem = format!("{}{}", lang.prefix(), poster_stem(&d.name));
            let paper = format!("{} {}", d.paper.name(), if d.landscape { "⟷" } else { "↕" });
            let files = [
                ("PDF", "pdf", paper.clone()),
                ("PNG", "png", format!("{paper}, {} dpi", d.dpi)),
                ("SVG", "svg", String::new()),
            ]
            .into_iter()
            .filter_map(|(format, ext, detail)| {
                let path = format!("{stem}.{ext}");
                let size = earlier.size_of(&path)?;
                Some(PosterFile { format, path, size: view::file_size(size, lang), detail })
            })
            .collect();
            let title = lang.pick(&d.title).0.to_string();
            PosterView { name: d.name.clone(), title, files }
        })
        .collect()
}

/// The diagram shown on the home and journey pages, as inline SVG sized
/// for the screen, with links to the procedure pages under `base`.
#[derive(Serialize)]
pub struct InlineDiagram {
    pub title: String,
    pub svg: String,
    /// The poster SVG, to open full size.
    pub svg_path: String,
    pub stages: Vec<InlineStage>,
}

#[derive(Serialize)]
pub struct InlineStage {
    pub number: usize,
    pub title: String,
    pub procedures: Vec<InlineItem>,
}

#[derive(Serialize)]
pub struct InlineItem {
    pub code: String,
    pub title: String,
    pub path: String,
    pub level: String,
    pub level_key: String,
    pub signature: bool,
    pub center: bool,
    pub optional: bool,
    pub alternative: bool,
    pub time: String,
}

/// The processing time a block shows. A time published only as Vietnamese text (no number)
/// is not put on an English diagram ("Lấy ý kiến: 02 ngày…"): it points to the procedure page.
pub fn block_time(p: &crate::model::Procedure, strings: &view::Strings, lang: Lang) -> String {
    let r = view::row(p, strings, lang);
    let text_only = r.time_sort < 0.0 && r.time != view::tr(strings, "no_info");
    // A time that is only prose is Vietnamese (no English field holds it), and a long
    // one would print cut off ("…để cơ…") and grow the block: send the reader to the page.
    if text_only && (lang == Lang::En || r.time.ends_with('…')) {
        return view::tr(strings, "diagram_time_see_page").to_string();
    }
    r.time
}

pub fn inline_diagram(site: &Site, ctx: &RenderCtx, lang: Lang, base: &str) -> Result<Option<InlineDiagram>, String> {
    let Some(d) = site.diagrams.iter().find(|d| d.inline) else { return Ok(None) };
    let strings =
        ctx.theme.translations.get(lang.code()).ok_or_else(|| format!("the theme has no i18n/{}.toml", lang.code()))?;
    let fonts = Fonts::from_static(&ctx.theme.static_files)?;
    let m = fonts.measurer()?;
    let prefix = lang.prefix();
    let link = |slug: &str| format!("{base}{prefix}{}", urls::procedure(slug));
    let times = |p: &crate::model::Procedure| block_time(p, strings, lang);
    let drawn = diagram::draw(site, d, &diagram::layout::Profile::web(), lang, strings, &times, &m, &link, None, "jd-");
    let pick = |t: &crate::model::Text| lang.pick(t).0.to_string();
    let stages = d
        .stage_list(site)
        .into_iter()
        .map(|s| {
            let st = &site.stages[s];
            let procedures = d
                .select(site)
                .filter(|p| p.stage == s)
                .map(|p| {
                    let l = &site.levels[p.level];
                    InlineItem {
                        code: p.code.clone(),
                        title: pick(&p.title),
                        // Relative to the edition's base (templates add `base`).
                        path: urls::procedure(&p.slug),
                        level: pick(&l.label),
                        level_key: l.key.clone(),
                        signature: p.digital_signature,
                        center: p.service_center,
                        optional: p.optional,
                        alternative: !p.alternative_to.is_empty(),
                        time: block_time(p, strings, lang),
                    }
                })
                .collect::<Vec<_>>();
            InlineStage { number: st.number, title: pick(&st.title), procedures }
        })
        .filter(|s| !s.procedures.is_empty())
        .collect();
    Ok(Some(InlineDiagram {
        title: pick(&d.title),
        svg: drawn.svg,
        svg_path: format!("{prefix}{}.svg", poster_stem(&d.name)),
        stages,
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_poster_key_follows_what_posters_show_not_when_a_file_was_saved() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut site = crate::load::load_site(root, None).unwrap();
        let key = super::site_key(&site);
        site.procedures[0].updated = Some(crate::load::history::utc(1_900_000_000));
        assert_eq!(super::site_key(&site), key, "a record saved again, unchanged");
        site.config.base_url = "http://127.0.0.1:1111/".into();
        assert_eq!(super::site_key(&site), key, "serve's own address");
        site.procedures[0].title.vi.push_str(" (sửa)");
        assert_ne!(super::site_key(&site), key, "a title a poster shows");
    }
}
