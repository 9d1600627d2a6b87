//! SVG → PNG (resvg), and the parsed `usvg::Tree` that the PNG and the PDF
//! (krilla, in the `onestop-print` crate) are both drawn from. Only the bundled fonts are loaded: usvg silently drops text
//! whose font it cannot find, so a system font never sneaks in and a missing
//! font shows up as missing text in the tests, not as a different look.

use super::Fonts;
use super::measure::FAMILY;
use resvg::{tiny_skia, usvg};
use std::sync::Arc;

pub fn font_db(fonts: &Fonts) -> Arc<usvg::fontdb::Database> {
    let mut db = usvg::fontdb::Database::new();
    for f in &fonts.0 {
        db.load_font_data(f.clone());
    }
    db.set_sans_serif_family(FAMILY);
    db.set_serif_family(FAMILY);
    Arc::new(db)
}

pub fn parse(svg: &str, db: Arc<usvg::fontdb::Database>) -> Result<usvg::Tree, String> {
    let opt = usvg::Options { font_family: FAMILY.to_string(), fontdb: db, ..Default::default() };
    usvg::Tree::from_str(svg, &opt).map_err(|e| format!("cannot read the diagram SVG: {e}"))
}

/// Pixel size of a poster: paper millimetres at `dpi`, rounded.
pub fn pixel_size(paper_mm: (f64, f64), dpi: u32) -> (u32, u32) {
    let px = |mm: f64| (mm / 25.4 * dpi as f64).round() as u32;
    (px(paper_mm.0), px(paper_mm.1))
}

/// Renders the tree to an RGB PNG of `paper_mm` at `dpi`, with the DPI in
/// its pHYs chunk (tiny-skia writes none, and print shops read 72 dpi then).
pub fn png(tree: &usvg::Tree, paper_mm: (f64, f64), dpi: u32) -> Result<Vec<u8>, String> {
    let (w, h) = pixel_size(paper_mm, dpi);
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or_else(|| format!("cannot allocate a {w}×{h} poster image"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let size = tree.size();
    let transform = tiny_skia::Transform::from_scale(w as f32 / size.width(), h as f32 / size.height());
    resvg::render(tree, transform, &mut pixmap.as_mut());
    // Opaque white background: drop alpha (a quarter less to compress).
    let rgba = pixmap.data();
    let mut rgb = Vec::with_capacity(rgba.len() / 4 * 3);
    for px in rgba.chunks_exact(4) {
        rgb.extend_from_slice(&px[..3]);
    }
    drop(pixmap);
    let mut out = Vec::with_capacity(rgb.len() / 8);
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let ppm = (dpi as f64 / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions { xppu: ppm, yppu: ppm, unit: png::Unit::Meter }));
        let mut writer = enc.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
        writer.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Number of text nodes in the tree, to check none was dropped for a missing font.
pub fn count_text(group: &usvg::Group) -> usize {
    group
        .children()
        .iter()
        .map(|n| match n {
            usvg::Node::Text(_) => 1,
            usvg::Node::Group(g) => count_text(g),
            _ => 0,
        })
        .sum()
}
