//! The poster's footer: QR code to the online portal, agency, edition and note.

use super::{INK, W, esc, n};
use crate::diagram::layout::{Labels, Layout, QR_SIZE};
use crate::diagram::measure::Weight;
use std::fmt::Write;

pub(super) fn write_footer(w: &mut W, layout: &Layout, labels: &Labels, o: &super::SvgOptions) {
    let pr = w.pr;
    let lh = pr.lh(pr.body);
    let x0 = layout.footer_x;
    let y0 = layout.legend_y;
    w.s.push_str(r#"<g class="footer">"#);
    let mut tx = x0;
    if let Some(path) = o.qr_url.and_then(|url| qr_path(url, x0, y0, QR_SIZE)) {
        w.s.push_str(&path);
        tx = x0 + QR_SIZE + pr.pad * 1.5;
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

/// A QR code as one path (dark modules), with its quiet zone.
pub fn qr_path(url: &str, x: f64, y: f64, size: f64) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let quiet = 2.0;
    let module = size / (width as f64 + 2.0 * quiet);
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
        r##"<g class="qr" data-url="{}"><rect x="{}" y="{}" width="{}" height="{}" fill="#FFFFFF"/><path d="{d}" fill="#000000" shape-rendering="crispEdges"/></g>"##,
        esc(url),
        n(x),
        n(y),
        n(size),
        n(size)
    ))
}
