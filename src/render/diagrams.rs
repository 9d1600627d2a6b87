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
        let db = raster::font_db(&fonts);
        let mut font_key = KeyBuilder::new("fonts");
        for f in &fonts.0 {
            font_key.add(f);
        }
        let font_key = font_key.finish();
        let jobs: Vec<(&Diagram, Lang)> =
            site.diagrams.iter().flat_map(|d| lang::editions(site).into_iter().map(move |l| (d, l))).collect();
        jobs.par_iter().for_each(|&(d, lang)| {
            let fail = |msg: String| out.error(Diagnostic::new("diagram", msg).in_file(&d.source));
            let Some(strings) = ctx.theme.translations.get(lang.code()) else { return };
            let m = match fonts.measurer() {
                Ok(m) => m,
                Err(e) => return fail(e),
            };
            // Posters are print products: their links use site.toml's address, never serve's.
            let base = &site.config.print_base_url;
            let link = |slug: &str| format!("{base}{}{}", lang.prefix(), urls::procedure(slug));
            let profile = diagram::layout::Profile::poster(d);
            let times = |p: &crate::model::Procedure| block_time(p, strings, lang);
            let drawn = diagram::draw(
                site,
                d,
                &profile,
                lang,
                strings,
                &times,
                &m,
                &link,
                site.config.portal_url.as_deref(),
                "",
            );
            let stem = format!("{}{}", lang.prefix(), poster_stem(&d.name));
            out.put("diagrams", &format!("{stem}.svg"), drawn.svg.as_bytes());
            progress(1);
            if !ctx.writes {
                // `onestop check`: the SVG proves the spec lays out; the
                // PNG and PDF would only be bytes nobody keeps.
                return progress(2);
            }

            let (short, long) = d.paper.size_mm();
            let paper = if d.landscape { (long, short) } else { (short, long) };
            let mut key = KeyBuilder::new(POSTER_VERSION);
            key.add_str(&drawn.svg).add_str(font_key.as_str()).add_str(d.paper.name()).add_str(&d.dpi.to_string());
            let key = key.finish();
            let labels = diagram::labels(site, d, lang, strings);
            let tree = std::cell::OnceCell::new();
            let parsed = || tree.get_or_init(|| raster::parse(&drawn.svg, db.clone()));
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
        });
    }
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
