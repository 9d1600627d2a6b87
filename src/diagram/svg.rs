//! Writes a `Layout` as SVG. Every block is a group with the procedure's
//! code and level in data attributes and a link to its page, so the same SVG
//! serves the website, the poster renderers and the tests that read it back.

mod block;
mod footer;
mod legend;

use super::layout::{AGENCY_W, Labels, Layout, Profile, subtitle_gap};
use super::measure::{FAMILY, Measurer, Weight};
use crate::model::Site;
pub use footer::qr_path;
use std::fmt::Write;

const INK: &str = "#1A1A1A";
const MUTED: &str = "#3D3D3D";
const LANE_FILL: &str = "#1F3A5F";
const TINTS: [&str; 2] = ["#F2F4F7", "#E8ECF1"];

/// Where block links point: the page of a procedure.
pub type LinkFn<'a> = &'a dyn Fn(&str) -> String;

pub struct SvgOptions<'a> {
    /// `width`/`height` attributes: paper size in mm for posters, none (CSS
    /// decides) for the website.
    pub physical: Option<(f64, f64)>,
    pub link: LinkFn<'a>,
    pub qr_url: Option<&'a str>,
    pub edition: Option<String>,
    pub id_prefix: &'a str,
}

struct W<'a> {
    s: String,
    pr: &'a Profile,
    m: &'a Measurer<'a>,
}

fn n(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    let s = format!("{r:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

// Drawing helpers take position, size, weight, colour, text and class:
// grouping them in a struct would only rename the arguments.
#[allow(clippy::too_many_arguments)]
impl W<'_> {
    /// One line of text whose line box starts at `top`.
    fn text(&mut self, x: f64, top: f64, size: f64, weight: Weight, fill: &str, text: &str, class: &str) {
        let baseline = top + (self.pr.lh(size) - size) / 2.0 + size * 0.93;
        let _ = write!(
            self.s,
            r#"<text class="{class}" x="{}" y="{}" font-size="{}" font-weight="{}" fill="{fill}">{}</text>"#,
            n(x),
            n(baseline),
            n(size),
            weight.css(),
            esc(text)
        );
    }
    fn lines(&mut self, x: f64, top: f64, size: f64, weight: Weight, fill: &str, lines: &[String], class: &str) {
        for (i, l) in lines.iter().enumerate() {
            self.text(x, top + i as f64 * self.pr.lh(size), size, weight, fill, l, class);
        }
    }
    fn icon(&mut self, kind: &str, x: f64, y: f64, size: f64, class: &str) {
        let k = size / 24.0;
        let body = match kind {
            // A pen over a signature line.
            "signature" => {
                r#"<path d="M4 17.5 15.5 6l2.5 2.5L6.5 20H4z M17 4.5l1.6-1.6 2.5 2.5-1.6 1.6z" fill="INK"/><path d="M3 22.5h18" stroke="INK" stroke-width="1.6" fill="none"/>"#
            }
            // A public building.
            "center" => {
                r#"<path d="M12 1.5 2 7v2h20V7z M4 10.5h3v8H4z M10.5 10.5h3v8h-3z M17 10.5h3v8h-3z M2 20h20v2.5H2z" fill="INK"/>"#
            }
            // A clock.
            _ => {
                r#"<circle cx="12" cy="12" r="9.5" fill="none" stroke="INK" stroke-width="2"/><path d="M12 6.5V12l3.8 2.6" fill="none" stroke="INK" stroke-width="2" stroke-linecap="round"/>"#
            }
        };
        let _ = write!(
            self.s,
            r#"<g class="{class}" transform="translate({} {}) scale({})">{}</g>"#,
            n(x),
            n(y),
            n(k),
            body.replace("INK", INK)
        );
    }
    fn swatch(&mut self, x: f64, y: f64, w: f64, h: f64, colour: &str, pattern: &str, id: &str) {
        let _ =
            write!(self.s, r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{colour}"/>"#, n(x), n(y), n(w), n(h));
        if matches!(pattern, "hatch" | "cross" | "dots") {
            let _ = write!(
                self.s,
                r#"<rect class="pattern" x="{}" y="{}" width="{}" height="{}" fill="url(#{id}pat-{pattern})"/>"#,
                n(x),
                n(y),
                n(w),
                n(h)
            );
        }
    }
}

pub fn write_svg(site: &Site, layout: &Layout, pr: &Profile, labels: &Labels, m: &Measurer, o: &SvgOptions) -> String {
    let mut w = W { s: String::with_capacity(64 * 1024), pr, m };
    let id = o.id_prefix;
    let size_attrs =
        o.physical.map(|(pw, ph)| format!(r#" width="{}mm" height="{}mm""#, n(pw), n(ph))).unwrap_or_default();
    // Relations two lines per gap could not carry are counted, for tests and print shops.
    let omitted = match layout.arrows_omitted.len() {
        0 => String::new(),
        k => format!(r#" data-arrows-omitted="{k}""#),
    };
    let _ = write!(
        w.s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1"{size_attrs}{omitted} viewBox="0 0 {} {}" font-family="{FAMILY}, sans-serif" lang="{}" role="group" aria-labelledby="{id}title" class="journey-diagram">"#,
        n(layout.width),
        n(layout.height),
        labels.lang.code()
    );
    let _ = write!(w.s, r#"<title id="{id}title">{}</title>"#, esc(&labels.title));
    write_defs(&mut w, id);
    let _ = write!(w.s, r##"<rect width="100%" height="100%" fill="#FFFFFF"/>"##);
    if pr.poster {
        write_header(&mut w, layout, labels);
    }
    write_lane_bands(&mut w, site, layout);
    write_arrows(&mut w, layout, id);

    // Lane by lane: the stage's heading, then its blocks, so the text reads in
    // journey order (PDF text extraction, screen readers), not all headings first.
    for (i, lane) in layout.lanes.iter().enumerate() {
        let tip = pr.lane * 0.7;
        let text_x = lane.x + if i == 0 { 0.0 } else { tip * 0.6 };
        w.lines(text_x, layout.lane_y + pr.pad, pr.lane, Weight::Bold, "#FFFFFF", &lane.title_lines, "lane-title");
        for b in layout.blocks.iter().filter(|b| b.p.stage == lane.stage) {
            block::write_block(&mut w, site, b, labels, o);
        }
    }

    if pr.poster {
        legend::write_legend(&mut w, site, layout, labels, id);
        footer::write_footer(&mut w, layout, labels, o);
    }
    w.s.push_str("</svg>\n");
    w.s
}

/// Patterns: drawn over the level colour, so a black-and-white print
/// still tells the levels apart; and the arrowhead.
fn write_defs(w: &mut W, id: &str) {
    let pr = w.pr;
    let unit = pr.body * 0.45;
    let sw = pr.stroke * 1.4;
    let _ = write!(
        w.s,
        r##"<defs><pattern id="{id}pat-hatch" patternUnits="userSpaceOnUse" width="{u}" height="{u}" patternTransform="rotate(45)"><rect width="{h}" height="{u}" fill="#000" fill-opacity="0.55"/></pattern><pattern id="{id}pat-cross" patternUnits="userSpaceOnUse" width="{u}" height="{u}" patternTransform="rotate(45)"><rect width="{h}" height="{u}" fill="#FFF" fill-opacity="0.75"/><rect width="{u}" height="{h}" fill="#FFF" fill-opacity="0.75"/></pattern><pattern id="{id}pat-dots" patternUnits="userSpaceOnUse" width="{u}" height="{u}"><circle cx="{c}" cy="{c}" r="{r}" fill="#000" fill-opacity="0.6"/></pattern><marker id="{id}arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="{mw}" markerHeight="{mw}" markerUnits="userSpaceOnUse" orient="auto"><path d="M0 0 10 5 0 10z" fill="{MUTED}"/></marker></defs>"##,
        u = n(unit),
        h = n(sw),
        c = n(unit / 2.0),
        r = n(unit * 0.2),
        mw = n(pr.body * 0.6),
    );
}

/// The poster's header: the title across the full width, then the subtitle with the
/// agency at its right, as layout.rs measured them.
fn write_header(w: &mut W, layout: &Layout, labels: &Labels) {
    let (pr, m) = (w.pr, w.m);
    let mut y = pr.margin;
    for (i, l) in layout.header_lines.iter().enumerate() {
        // Tight display leading: each line in a box of title_lh, centred as `text` centres it.
        let (size, lh) = (layout.title_size, layout.title_lh());
        let top = y + i as f64 * lh - (pr.lh(size) - lh) / 2.0;
        w.text(pr.margin, top, size, Weight::Bold, LANE_FILL, l, "title");
    }
    y += layout.header_lines.len() as f64 * layout.title_lh();
    let below = !layout.subtitle_lines.is_empty() || !layout.agency_beside_title;
    y += subtitle_gap(layout.title_size, pr.subtitle, below);
    w.lines(pr.margin, y, pr.subtitle, Weight::Regular, MUTED, &layout.subtitle_lines, "subtitle");
    let (agency_lines, agency_y) = if layout.agency_beside_title {
        // On the title's first line, sharing its baseline.
        let base = pr.margin + (pr.lh(layout.title_size) - layout.title_size) / 2.0 + layout.title_size * 0.93
            - (pr.lh(layout.title_size) - layout.title_lh()) / 2.0;
        (vec![labels.agency.clone()], base - (pr.lh(pr.lane) - pr.lane) / 2.0 - pr.lane * 0.93)
    } else {
        (m.wrap(Weight::SemiBold, &labels.agency, pr.lane, (layout.width - 2.0 * pr.margin) * AGENCY_W), y)
    };
    for (i, l) in agency_lines.iter().enumerate() {
        let x = layout.width - pr.margin - m.width(Weight::SemiBold, l, pr.lane);
        w.text(x, agency_y + i as f64 * pr.lh(pr.lane), pr.lane, Weight::SemiBold, MUTED, l, "agency");
    }
}

/// Lanes: a tinted band per stage with a chevron header (the journey runs left to right).
fn write_lane_bands(w: &mut W, site: &Site, layout: &Layout) {
    let pr = w.pr;
    for (i, lane) in layout.lanes.iter().enumerate() {
        let x0 = lane.x - pr.gap / 2.0 + pr.stroke;
        let x1 = lane.x + lane.w + pr.gap / 2.0 - pr.stroke;
        let _ = write!(
            w.s,
            r#"<rect class="lane" data-stage="{}" x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
            esc(&site.stages[lane.stage].key),
            n(x0),
            n(layout.lane_y),
            n(x1 - x0),
            n(layout.grid_bottom + pr.pad * 2.0 - layout.lane_y),
            TINTS[i % 2]
        );
        let tip = pr.lane * 0.7;
        let (ya, yb) = (layout.lane_y, layout.lane_y + layout.lane_h);
        let notch = if i == 0 { x0 } else { x0 + tip };
        let _ = write!(
            w.s,
            r#"<polygon class="lane-head" points="{},{} {},{} {},{} {},{} {},{} {},{}" fill="{LANE_FILL}"/>"#,
            n(x0),
            n(ya),
            n(x1 - tip),
            n(ya),
            n(x1),
            n((ya + yb) / 2.0),
            n(x1 - tip),
            n(yb),
            n(x0),
            n(yb),
            n(notch),
            n((ya + yb) / 2.0)
        );
    }
}

/// Arrows, drawn before the blocks so they run under the blocks' outlines.
fn write_arrows(w: &mut W, layout: &Layout, id: &str) {
    let pr = w.pr;
    for a in &layout.arrows {
        let d: Vec<String> = a
            .points
            .iter()
            .enumerate()
            .map(|(i, (x, y))| format!("{}{} {}", if i == 0 { "M" } else { "L" }, n(*x), n(*y)))
            .collect();
        let _ = write!(
            w.s,
            r#"<path class="arrow" data-from="{}" data-to="{}" d="{}" fill="none" stroke="{MUTED}" stroke-width="{}" marker-end="url(#{id}arrow)"/>"#,
            esc(&a.from),
            esc(&a.to),
            d.join(" "),
            n(pr.stroke * 2.4)
        );
    }
}
