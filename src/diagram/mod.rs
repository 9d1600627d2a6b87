//! Journey diagrams: site model + diagram spec → SVG (layout.rs, svg.rs),
//! and the SVG → PNG and PDF posters (raster.rs). Text is measured with the
//! bundled font (measure.rs), the only font the renderers load.

pub mod layout;
pub mod measure;
pub mod raster;
pub mod svg;

use crate::lang::{Lang, Strings, tr};
use crate::model::{Diagram, Procedure, Responsible, Site};
use layout::{Labels, Profile};
use measure::{FONT_FILES, Measurer};
use std::collections::BTreeMap;

/// UI strings a diagram needs, from the theme's `diagram_*` translation keys.
const LABEL_KEYS: [&str; 14] = [
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
    "internal_process",
    "working_days",
    "units",
];

/// The bundled font files, read from the theme's static files (a site may replace them).
pub struct Fonts(pub [Vec<u8>; 3]);

impl Fonts {
    /// The fonts from the theme's static files (`theme.static_files`: path under `static/` → bytes).
    pub fn from_static(static_files: &BTreeMap<String, Vec<u8>>) -> Result<Fonts, String> {
        let get = |name: &str| {
            static_files.get(name).cloned().ok_or_else(|| {
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
        strings: LABEL_KEYS.iter().map(|k| (*k, tr(strings, &format!("diagram_{k}")).to_string())).collect(),
    }
}

/// Edition date as printed: 01/11/2026 in Vietnamese, 2026-11-01 in English.
pub fn edition(site: &Site, lang: Lang) -> Option<String> {
    let e = site.config.edition.as_ref()?;
    Some(if lang == Lang::En { e.clone() } else { crate::text::format_date_vi(e) })
}

/// "Nội bộ: 20 ngày làm việc, 4 đơn vị": the total of a record's internal process in
/// working days (8 working hours a day; a range when its cases or channels differ) and how
/// many units and other agencies take part (each once), in the words `label` gives for
/// "internal_process", "working_days" and "units". None for a record without one. The
/// posters' blocks and the print catalogues say the same.
pub fn process_summary(p: &Procedure, lang: Lang, label: &dyn Fn(&'static str) -> String) -> Option<String> {
    let totals = p.internal_process.iter().map(|ip| ip.total_hours / crate::load::process::HOURS_PER_DAY);
    let (lo, hi) =
        totals.fold(None, |acc: Option<(f64, f64)>, d| Some(acc.map_or((d, d), |(a, b)| (a.min(d), b.max(d)))))?;
    let mut distinct: Vec<&Responsible> = Vec::new();
    for r in p.internal_process.iter().flat_map(|ip| ip.steps.iter().map(|s| &s.responsible)) {
        if !distinct.contains(&r) {
            distinct.push(r);
        }
    }
    let days =
        if (hi - lo).abs() < 1e-9 { lang.number(hi) } else { format!("{}–{}", lang.number(lo), lang.number(hi)) };
    Some(format!(
        "{}: {days} {}, {} {}",
        label("internal_process"),
        label("working_days"),
        distinct.len(),
        label("units")
    ))
}

/// A rendered diagram SVG and the facts about it the renderers report.
pub struct Drawn {
    pub svg: String,
    /// Canvas in the SVG's unit (mm for posters, px for the website).
    pub width: f64,
    pub height: f64,
    pub blocks: usize,
}

/// Draws `d` for `lang`. `link` maps a procedure slug to its URL; `times` gives the
/// processing time a block shows (`render::diagrams::block_time`).
#[allow(clippy::too_many_arguments)]
pub fn draw(
    site: &Site,
    d: &Diagram,
    profile: &Profile,
    lang: Lang,
    strings: &Strings,
    times: &dyn Fn(&crate::model::Procedure) -> String,
    m: &Measurer,
    link: svg::LinkFn,
    qr_url: Option<&str>,
    id_prefix: &str,
) -> Drawn {
    let labels = labels(site, d, lang, strings);
    let physical = profile.poster.then(|| {
        let (short, long) = d.paper.size_mm();
        if d.landscape { (long, short) } else { (short, long) }
    });
    // A poster's text grows to 14 pt on its own paper, and up to 1.25× that while the paper has room.
    let min_w = physical.map_or(profile.canvas_w, |(w, _)| w);
    let l = layout::layout(site, d, profile, min_w, &labels, m, times);
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
