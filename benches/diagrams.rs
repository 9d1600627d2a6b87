//! Diagram benchmark: `cargo bench --bench diagrams`.
//!
//! On the example site: the journey diagram to SVG (poster and website
//! layouts), the SVG parsed by usvg, the A1 PNG at its configured 150 dpi and
//! the vector PDF. Medians of several runs, in milliseconds. Goals (issue 3):
//! SVG < 50 ms, A1 PNG at 150 dpi < 2 s.

use onestop::diagram::{self, Fonts, layout::Profile, raster};
use onestop::render::lang::Lang;
use std::path::PathBuf;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64, f64, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let (min, max) = (times.iter().copied().fold(f64::MAX, f64::min), times.iter().copied().fold(0.0, f64::max));
    (median(times), min, max, last.unwrap())
}

fn main() {
    let root = std::env::args()
        .nth(1)
        .filter(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let site = onestop::load::load_site(&root, None).expect("site loads");
    let theme = onestop::theme::load_theme(&root).expect("theme loads");
    let strings = &theme.translations["vi"];
    let fonts = Fonts::from_static(&theme.static_files).unwrap();
    let d = site.diagrams.iter().find(|d| d.inline).or(site.diagrams.first()).expect("the site has a diagram");
    let link = |slug: &str| format!("/thu-tuc/{slug}/");
    let times = |p: &onestop::model::Procedure| onestop::render::diagrams::block_time(p, strings, Lang::Vi);
    println!(
        "diagram `{}`: {} procedures, {} {}, {} dpi",
        d.name,
        d.select(&site).count(),
        d.paper.name(),
        if d.landscape { "landscape" } else { "portrait" },
        d.dpi
    );
    let report = |what: &str, (med, min, max): (f64, f64, f64)| {
        println!("  {what:<34} median {med:>8.1} ms   (min {min:.1}, max {max:.1})")
    };

    let (a, b, c, drawn) = time(20, || {
        let m = fonts.measurer().unwrap();
        diagram::draw(
            &site,
            d,
            &Profile::poster(d),
            Lang::Vi,
            strings,
            &times,
            &m,
            &link,
            site.config.portal_url.as_deref(),
            "",
        )
    });
    report("poster SVG (layout + write)", (a, b, c));
    let (a, b, c, _) = time(20, || {
        let m = fonts.measurer().unwrap();
        diagram::draw(&site, d, &Profile::web(), Lang::Vi, strings, &times, &m, &link, None, "jd-")
    });
    report("website SVG (layout + write)", (a, b, c));
    let db = raster::font_db(&fonts);
    let (a, b, c, tree) = time(10, || raster::parse(&drawn.svg, db.clone()).unwrap());
    report("usvg parse + text layout", (a, b, c));
    let (short, long) = d.paper.size_mm();
    let paper = if d.landscape { (long, short) } else { (short, long) };
    let (px_w, px_h) = raster::pixel_size(paper, d.dpi);
    let (a, b, c, png) = time(5, || raster::png(&tree, paper, d.dpi).unwrap());
    report(&format!("PNG {px_w}×{px_h} ({} dpi)", d.dpi), (a, b, c));
    let (a, b, c, pdf) = time(10, || onestop_print::svg_pdf(&tree, paper, "t", "vi", None).unwrap());
    report("PDF (vector, fonts subset)", (a, b, c));
    println!(
        "  sizes: SVG {} KB, PNG {:.1} MB, PDF {} KB",
        drawn.svg.len() / 1000,
        png.len() as f64 / 1e6,
        pdf.len() / 1000
    );
}
