//! Writes a `Layout` as SVG. Every block is a group with the procedure's
//! code and level in data attributes and a link to its page, so the same SVG
//! serves the website, the poster renderers and the tests that read it back.

use super::layout::{AGENCY_W, BlockBox, Labels, Layout, NOTE_GAP, Profile, QR_SIZE};
use super::measure::{FAMILY, Measurer, Weight};
use crate::model::Site;
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
    // Patterns: drawn over the level colour, so a black-and-white print
    // still tells the levels apart.
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
    let _ = write!(w.s, r##"<rect width="100%" height="100%" fill="#FFFFFF"/>"##);

    // Header.
    let mut y = pr.margin;
    if pr.poster {
        // The title across the full width, then the subtitle with the agency at its right,
        // as layout.rs measured them.
        for (i, l) in layout.header_lines.iter().enumerate() {
            // Tight display leading: each line in a box of title_lh, centred as `text` centres it.
            let (size, lh) = (layout.title_size, layout.title_lh());
            let top = y + i as f64 * lh - (pr.lh(size) - lh) / 2.0;
            w.text(pr.margin, top, size, Weight::Bold, LANE_FILL, l, "title");
        }
        y += layout.header_lines.len() as f64 * layout.title_lh();
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

    // Lanes: a tinted band per stage with a chevron header (the journey runs left to right).
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

    // Arrows under the blocks' outlines.
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

    // Lane by lane: the stage's heading, then its blocks, so the text reads in
    // journey order (PDF text extraction, screen readers), not all headings first.
    for (i, lane) in layout.lanes.iter().enumerate() {
        let tip = pr.lane * 0.7;
        let text_x = lane.x + if i == 0 { 0.0 } else { tip * 0.6 };
        w.lines(text_x, layout.lane_y + pr.pad, pr.lane, Weight::Bold, "#FFFFFF", &lane.title_lines, "lane-title");
        for b in layout.blocks.iter().filter(|b| b.p.stage == lane.stage) {
            write_block(&mut w, site, b, labels, o);
        }
    }

    if pr.poster {
        write_legend(&mut w, site, layout, labels, id);
        write_footer(&mut w, layout, labels, o);
    }
    w.s.push_str("</svg>\n");
    w.s
}

/// One procedure block: a link to its page around its box, level band, code, name and time.
fn write_block(w: &mut W, site: &Site, b: &BlockBox, labels: &Labels, o: &SvgOptions) {
    let (pr, m, id) = (w.pr, w.m, o.id_prefix);
    let lh = pr.lh(pr.body);
    {
        let p = b.p;
        let level = &site.levels[p.level];
        // The link's name (its <title>) starts with its visible text, in
        // reading order (WCAG 2.5.3), then says in words what the markers show.
        let mut aria = b.band_lines.join(" ");
        if b.alternative {
            aria.push(' ');
            aria.push_str(labels.get("or"));
        }
        aria.push_str(&format!(" {} {} {}", p.code, b.title_lines.join(" "), b.time_lines.join(" ")));
        if !b.note_lines.is_empty() {
            aria.push_str(". ");
            aria.push_str(&b.note_lines.join(" "));
        }
        if p.digital_signature {
            aria.push_str(". ");
            aria.push_str(labels.get("signature"));
        }
        if p.service_center {
            aria.push_str(". ");
            aria.push_str(labels.get("center"));
        }
        let kind = if p.optional {
            "optional"
        } else if b.alternative {
            "alternative"
        } else {
            "required"
        };
        let _ = write!(
            w.s,
            r#"<a href="{}"><title>{}</title><g class="block" id="{id}b-{}" data-code="{}" data-level="{}" data-kind="{kind}" data-signature="{}" data-center="{}">"#,
            esc(&(o.link)(&p.slug)),
            esc(&aria),
            esc(&p.code),
            esc(&p.code),
            esc(&level.key),
            p.digital_signature,
            p.service_center
        );
        let dash = match kind {
            "optional" => format!(r#" stroke-dasharray="{} {}""#, n(pr.body * 0.6), n(pr.body * 0.35)),
            _ => String::new(),
        };
        let stroke_w = if kind == "alternative" { pr.stroke * 3.0 } else { pr.stroke * 1.6 };
        let _ = write!(
            w.s,
            r##"<rect class="box" x="{}" y="{}" width="{}" height="{}" rx="{}" fill="#FFFFFF" stroke="{INK}" stroke-width="{}"{dash}/>"##,
            n(b.x),
            n(b.y),
            n(b.w),
            n(b.h),
            n(pr.pad * 0.6),
            n(stroke_w)
        );
        // Level band: colour, pattern swatch and the level's name.
        let inset = stroke_w / 2.0;
        let _ = write!(
            w.s,
            r#"<rect class="band" x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
            n(b.x + inset),
            n(b.y + inset),
            n(b.w - 2.0 * inset),
            n(b.band_h - inset),
            level.colour
        );
        let sw_size = b.band_h - inset - pr.pad * 0.6;
        w.swatch(
            b.x + b.w - inset - pr.pad * 0.3 - sw_size,
            b.y + inset + pr.pad * 0.3,
            sw_size,
            sw_size,
            &level.colour,
            &level.pattern,
            id,
        );
        w.lines(
            b.x + pr.pad,
            b.y + pr.pad / 2.0,
            pr.body,
            Weight::SemiBold,
            &level.text_colour,
            &b.band_lines,
            "level-label",
        );
        // "Or" chip (read with the band it sits in), code, markers.
        let mut ly = b.y + b.band_h + pr.pad;
        if b.alternative {
            // A white "or" pill in the band, left of the swatch.
            let word = labels.get("or");
            let cw = m.width(Weight::SemiBold, word, pr.body) + pr.pad;
            let cx = b.x + b.w - inset - pr.pad * 0.3 - sw_size - pr.pad * 0.6 - cw;
            let cy = b.y + pr.pad / 2.0;
            let _ = write!(
                w.s,
                r##"<rect class="or-chip" x="{}" y="{}" width="{}" height="{}" rx="{}" fill="#FFFFFF" stroke="{INK}" stroke-width="{}"/>"##,
                n(cx),
                n(cy),
                n(cw),
                n(lh),
                n(lh / 2.0),
                n(pr.stroke)
            );
            w.text(cx + pr.pad / 2.0, cy, pr.body, Weight::SemiBold, INK, word, "or");
        }
        w.text(b.x + pr.pad, ly, pr.body, Weight::SemiBold, INK, &p.code, "code");
        let icon = lh * 0.8;
        let mut ix = b.x + b.w - pr.pad - icon;
        if p.service_center {
            w.icon("center", ix, ly + (lh - icon) / 2.0, icon, "marker-center");
            ix -= icon + pr.pad * 0.6;
        }
        if p.digital_signature {
            w.icon("signature", ix, ly + (lh - icon) / 2.0, icon, "marker-signature");
        }
        ly += lh;
        w.lines(b.x + pr.pad, ly, pr.body, Weight::Regular, INK, &b.title_lines, "name");
        ly += b.title_lines.len() as f64 * lh + pr.pad * 0.5;
        w.icon("time", b.x + pr.pad, ly + (lh - icon) / 2.0, icon * 0.9, "time-icon");
        w.lines(b.x + pr.pad + lh, ly, pr.body, Weight::Regular, MUTED, &b.time_lines, "time");
        if !b.note_lines.is_empty() {
            // "Sau: 1.009748, 1.009664": the relations into this block no arrow carries,
            // under a rule across the block.
            ly += b.time_lines.len() as f64 * lh + pr.pad * NOTE_GAP;
            let rule_y = ly - pr.pad * NOTE_GAP / 2.0;
            let _ = write!(
                w.s,
                r#"<path class="note-rule" d="M{} {} H{}" stroke="{MUTED}" stroke-width="{}"/>"#,
                n(b.x + pr.pad),
                n(rule_y),
                n(b.x + b.w - pr.pad),
                n(pr.stroke)
            );
            w.lines(b.x + pr.pad, ly, pr.body, Weight::Regular, INK, &b.note_lines, "after-note");
        }
        w.s.push_str("</g></a>");
    }
}

fn write_legend(w: &mut W, site: &Site, layout: &Layout, labels: &Labels, id: &str) {
    if layout.legend.is_empty() {
        return;
    }
    let pr = w.pr;
    let lh = pr.lh(pr.body);
    w.s.push_str(r#"<g class="legend">"#);
    w.text(pr.margin, layout.legend_y, pr.body * 1.15, Weight::Bold, INK, labels.get("legend"), "legend-title");
    let top = layout.legend_y + lh * 1.3;
    for l in &layout.legend {
        let level = &site.levels[l.level];
        let band_h = l.label_lines.len() as f64 * lh + pr.pad;
        let y = top + l.y;
        let _ = write!(
            w.s,
            r#"<g class="legend-level" data-level="{}" data-text-width="{}">"#,
            esc(&level.key),
            n(l.text_w)
        );
        let _ = write!(
            w.s,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{INK}" stroke-width="{}"/>"#,
            n(l.x),
            n(y),
            n(l.label_w),
            n(band_h),
            level.colour,
            n(pr.stroke)
        );
        let sw = band_h - pr.pad * 0.6;
        w.swatch(l.x + l.label_w - pr.pad * 0.3 - sw, y + pr.pad * 0.3, sw, sw, &level.colour, &level.pattern, id);
        w.lines(
            l.x + pr.pad,
            y + pr.pad / 2.0,
            pr.body,
            Weight::SemiBold,
            &level.text_colour,
            &l.label_lines,
            "legend-label",
        );
        // The explanation beside its label, first lines level.
        w.lines(
            l.x + l.label_w + pr.pad,
            y + pr.pad / 2.0,
            pr.body,
            Weight::Regular,
            INK,
            &l.meaning_lines,
            "legend-meaning",
        );
        w.s.push_str("</g>");
    }
    // Markers and outline styles, flowing left to right.
    let right = layout.footer_x - pr.gap;
    let icon = lh * 0.8;
    let mut x = pr.margin;
    let mut y = layout.legend_items_y;
    let mut items: Vec<(&str, &'static str)> = vec![
        ("signature", "signature"),
        ("center", "center"),
        ("optional", "legend_optional"),
        ("alternative", "legend_alternative"),
        ("arrow", "legend_arrow"),
    ];
    // Only a poster whose blocks carry a "Sau: …" note explains it.
    if !layout.arrows_omitted.is_empty() {
        items.push(("after-note", "legend_after_note"));
    }
    let note_sample = format!("{}: …", labels.get("after_note"));
    for (kind, key) in items {
        let text = labels.get(key).to_string();
        let or_word = labels.get("or");
        let sample_w = match kind {
            "signature" | "center" => icon,
            "alternative" => w.m.width(Weight::SemiBold, or_word, pr.body) + pr.pad,
            "after-note" => w.m.width(Weight::Regular, &note_sample, pr.body),
            _ => lh * 2.2,
        };
        let text_w = w.m.width(Weight::Regular, &text, pr.body);
        if x + sample_w + pr.pad + text_w > right && x > pr.margin {
            x = pr.margin;
            y += lh * 1.2;
        }
        match kind {
            "signature" | "center" => w.icon(kind, x, y + (lh - icon) / 2.0, icon, "legend-marker"),
            "optional" => {
                let dash = format!(r#" stroke-dasharray="{} {}""#, n(pr.body * 0.6), n(pr.body * 0.35));
                let _ = write!(
                    w.s,
                    r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#FFFFFF" stroke="{INK}" stroke-width="{}"{dash}/>"##,
                    n(x),
                    n(y + lh * 0.12),
                    n(sample_w),
                    n(lh * 0.76),
                    n(pr.stroke * 1.6)
                );
            }
            "alternative" => {
                let _ = write!(
                    w.s,
                    r##"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="#FFFFFF" stroke="{INK}" stroke-width="{}"/>"##,
                    n(x),
                    n(y),
                    n(sample_w),
                    n(lh),
                    n(lh / 2.0),
                    n(pr.stroke)
                );
                w.text(x + pr.pad / 2.0, y, pr.body, Weight::SemiBold, INK, or_word, "legend-or");
            }
            "after-note" => {
                w.s.push_str(r#"<g class="legend-after-note">"#);
                w.text(x, y, pr.body, Weight::Regular, INK, &note_sample, "legend-note");
                w.s.push_str("</g>");
            }
            _ => {
                let _ = write!(
                    w.s,
                    r#"<path d="M{} {} H{}" stroke="{MUTED}" stroke-width="{}" marker-end="url(#{id}arrow)"/>"#,
                    n(x),
                    n(y + lh / 2.0),
                    n(x + sample_w),
                    n(pr.stroke * 2.4)
                );
            }
        }
        w.text(x + sample_w + pr.pad, y, pr.body, Weight::Regular, INK, &text, "legend-item");
        x += sample_w + pr.pad + text_w + pr.gap;
    }
    w.s.push_str("</g>");
}

fn write_footer(w: &mut W, layout: &Layout, labels: &Labels, o: &SvgOptions) {
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
