//! Journey diagrams: site model + diagram spec → SVG (layout.rs, svg.rs),
//! and the SVG → PNG and PDF posters (raster.rs). Text is measured with the
//! bundled font (measure.rs), the only font the renderers load.

pub mod layout;
pub mod measure;
pub mod raster;
pub mod svg;

use crate::model::{Diagram, Site};
use crate::render::lang::Lang;
use crate::render::view::{self, Strings};
use crate::theme::Theme;
use layout::{Labels, Profile};
use measure::{FONT_FILES, Measurer};

/// UI strings a diagram needs, from the theme's `diagram_*` translation keys.
const LABEL_KEYS: [&str; 11] = [
    "signature",
    "center",
    "or",
    "legend",
    "legend_optional",
    "legend_alternative",
    "legend_arrow",
    "after_note",
    "legend_after_note",
    "file_online",
    "edition",
];

/// The bundled font files, read from the theme (a site may replace them).
pub struct Fonts(pub [Vec<u8>; 3]);

impl Fonts {
    pub fn from_theme(theme: &Theme) -> Result<Fonts, String> {
        let get = |name: &str| {
            theme.static_files.get(name).cloned().ok_or_else(|| {
                format!("the theme has no static/{name}; diagrams need the bundled Be Vietnam Pro fonts")
            })
        };
        Ok(Fonts([get(FONT_FILES[0])?, get(FONT_FILES[1])?, get(FONT_FILES[2])?]))
    }
    pub fn measurer(&self) -> Result<Measurer<'_>, String> {
        Measurer::new([&self.0[0], &self.0[1], &self.0[2]])
    }
}

pub fn labels(site: &Site, d: &Diagram, lang: Lang, strings: &Strings) -> Labels {
    let pick = |t: &crate::model::Text| lang.pick(t).0.to_string();
    Labels {
        lang,
        title: pick(&d.title),
        subtitle: d.subtitle.as_ref().map(pick),
        footer: d.footer.as_ref().map(pick),
        agency: pick(&site.config.organisation.name),
        strings: LABEL_KEYS.iter().map(|k| (*k, view::tr(strings, &format!("diagram_{k}")).to_string())).collect(),
    }
}

/// Edition date as printed: 01/11/2026 in Vietnamese, 2026-11-01 in English.
pub fn edition(site: &Site, lang: Lang) -> Option<String> {
    let e = site.config.edition.as_ref()?;
    Some(if lang == Lang::En { e.clone() } else { crate::text::format_date_vi(e) })
}

/// A rendered diagram SVG and the facts about it the renderers report.
pub struct Drawn {
    pub svg: String,
    /// Canvas in the SVG's unit (mm for posters, px for the website).
    pub width: f64,
    pub height: f64,
    pub blocks: usize,
}

/// The processing time a block shows. A time published only as Vietnamese text (no number)
/// is not put on an English diagram ("Lấy ý kiến: 02 ngày…"): it points to the procedure page.
pub fn block_time(p: &crate::model::Procedure, strings: &Strings, lang: Lang) -> String {
    let r = view::row(p, strings, lang);
    let text_only = r.time_sort < 0.0 && r.time != view::tr(strings, "no_info");
    // A time that is only prose is Vietnamese (no English field holds it), and a long
    // one would print cut off ("…để cơ…") and grow the block: send the reader to the page.
    if text_only && (lang == Lang::En || r.time.ends_with('…')) {
        return view::tr(strings, "diagram_time_see_page").to_string();
    }
    r.time
}

/// Draws `d` for `lang`. `link` maps a procedure slug to its URL.
#[allow(clippy::too_many_arguments)]
pub fn draw(
    site: &Site,
    d: &Diagram,
    profile: &Profile,
    lang: Lang,
    strings: &Strings,
    m: &Measurer,
    link: svg::LinkFn,
    qr_url: Option<&str>,
    id_prefix: &str,
) -> Drawn {
    let labels = labels(site, d, lang, strings);
    let times = |p: &crate::model::Procedure| block_time(p, strings, lang);
    let physical = profile.poster.then(|| {
        let (short, long) = d.paper.size_mm();
        if d.landscape { (long, short) } else { (short, long) }
    });
    // A poster's text grows to 14 pt on its own paper, and up to 1.25× that while the paper has room.
    let min_w = physical.map_or(profile.canvas_w, |(w, _)| w);
    let l = layout::layout(site, d, profile, min_w, &labels, m, &times);
    let opts = svg::SvgOptions {
        physical,
        link,
        qr_url: qr_url.filter(|_| d.qr && profile.poster),
        edition: edition(site, lang),
        id_prefix,
    };
    let svg = svg::write_svg(site, &l, profile, &labels, m, &opts);
    Drawn { svg, width: l.width, height: l.height, blocks: l.blocks.len() }
}
