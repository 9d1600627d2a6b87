//! Diagram posters as vector PDF: the SVG, already parsed by usvg, drawn by
//! krilla (the PDF library under typst-pdf) onto one page of the paper size.

use resvg::usvg;

/// A one-page vector PDF of `paper_mm`; text stays text (fonts embedded and
/// subset, selectable and searchable). `edition` (`YYYY-MM-DD`) is the
/// creation date, never the clock, so the bytes are reproducible.
pub fn svg_pdf(
    tree: &usvg::Tree,
    paper_mm: (f64, f64),
    title: &str,
    lang: &str,
    edition: Option<&str>,
) -> Result<Vec<u8>, String> {
    use krilla::geom::Size;
    use krilla::metadata::{DateTime, Metadata};
    use krilla_svg::{SurfaceExt, SvgSettings};
    let pt = |mm: f64| (mm / 25.4 * 72.0) as f32;
    let (w, h) = (pt(paper_mm.0), pt(paper_mm.1));
    let mut doc = krilla::Document::new();
    let mut meta = Metadata::new().title(title.to_string()).language(lang.to_string()).creator("onestop".to_string());
    if let Some(e) = edition {
        let parts: Vec<u16> = e.split('-').filter_map(|p| p.parse().ok()).collect();
        if let [y, m, d] = parts[..] {
            meta = meta.creation_date(DateTime::new(y).month(m as u8).day(d as u8));
        }
    }
    doc.set_metadata(meta);
    let size = Size::from_wh(w, h).ok_or("invalid paper size")?;
    let mut page = doc.start_page_with(krilla::page::PageSettings::new(size));
    let mut surface = page.surface();
    surface
        .draw_svg(tree, size, SvgSettings { embed_text: true, ..Default::default() })
        .ok_or("the diagram could not be drawn into the PDF")?;
    surface.finish();
    page.finish();
    doc.finish().map_err(|e| format!("cannot write the poster PDF: {e:?}"))
}
