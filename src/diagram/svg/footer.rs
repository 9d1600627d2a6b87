//! The poster's footer: QR code to the online portal, agency, edition and note.

use super::{INK, W, esc, n};
use crate::diagram::layout::{Labels, Layout, QR_QUIET, quiet_zone};
use crate::diagram::measure::Weight;
use std::fmt::Write;

pub(super) fn write_footer(w: &mut W, layout: &Layout, labels: &Labels, o: &super::SvgOptions) {
    let pr = w.pr;
    let lh = pr.lh(pr.body);
    let x0 = layout.footer_x;
    let y0 = layout.legend_y;
    w.s.push_str(r#"<g class="footer">"#);
    let mut tx = x0;
    // The symbol is `layout.qr` wide; its quiet zone lies in the legend's gap, the
    // margin below and the space before the caption.
    if let Some(path) = o.qr_url.filter(|_| layout.qr > 0.0).and_then(|url| qr_path(url, x0, y0, layout.qr)) {
        w.s.push_str(&path);
        tx = x0 + layout.qr + quiet_zone(layout.qr) + pr.pad;
    }
    let width = layout.footer_x + layout.footer_w - tx;
    let mut y = y0;
    let mut put = |w: &mut W, text: &str, weight: Weight, class: &str| {
        for l in w.m.wrap(weight, text, pr.body, width) {
            w.text(tx, y, pr.body, weight, INK, &l, class);
            y += lh;
        }
    };
    if let Some(url) = o.qr_url {
        put(w, labels.get("file_online"), Weight::Bold, "footer-portal-label");
        let host = url.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/');
        put(w, host, Weight::SemiBold, "footer-portal");
    }
    put(w, &labels.agency, Weight::Regular, "footer-agency");
    if let Some(e) = &o.edition {
        put(w, &format!("{}: {e}", labels.get("edition")), Weight::Regular, "footer-edition");
    }
    if let Some(f) = &labels.footer {
        put(w, f, Weight::Regular, "footer-note");
    }
    w.s.push_str("</g>");
}

/// A QR code as one path (dark modules): the symbol is `size` wide at (`x`, `y`), on a
/// white square that takes in its quiet zone of QR_QUIET modules.
pub fn qr_path(url: &str, x: f64, y: f64, size: f64) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let module = size / width as f64;
    let (x, y, size) = (x - QR_QUIET * module, y - QR_QUIET * module, size + 2.0 * QR_QUIET * module);
    let quiet = QR_QUIET;
    let mut d = String::new();
    for row in 0..width {
        let mut col = 0;
        while col < width {
            if colors[row * width + col] == qrcode::Color::Dark {
                let start = col;
                while col < width && colors[row * width + col] == qrcode::Color::Dark {
                    col += 1;
                }
                let _ = write!(
                    d,
                    "M{} {}h{}v{}h-{}z",
                    n(x + (start as f64 + quiet) * module),
                    n(y + (row as f64 + quiet) * module),
                    n((col - start) as f64 * module),
                    n(module),
                    n((col - start) as f64 * module)
                );
            } else {
                col += 1;
            }
        }
    }
    Some(format!(
        r##"<g class="qr" data-url="{}" data-modules="{width}"><rect x="{}" y="{}" width="{}" height="{}" fill="#FFFFFF"/><path d="{d}" fill="#000000" shape-rendering="crispEdges"/></g>"##,
        esc(url),
        n(x),
        n(y),
        n(size),
        n(size)
    ))
}
