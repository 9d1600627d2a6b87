//! One procedure block: a link to its page around its box, level band, code, name and time.

use super::{INK, MUTED, W, esc, n};
use crate::diagram::layout::{BlockBox, Labels, NOTE_GAP};
use crate::diagram::measure::Weight;
use crate::model::{Level, Site};
use std::fmt::Write;

pub(super) fn write_block(w: &mut W, site: &Site, b: &BlockBox, labels: &Labels, o: &super::SvgOptions) {
    let id = o.id_prefix;
    let p = b.p;
    let level = &site.levels[p.level];
    let kind = block_kind(b);
    let _ = write!(
        w.s,
        r#"<a href="{}"><title>{}</title><g class="block" id="{id}b-{}" data-code="{}" data-level="{}" data-kind="{kind}" data-signature="{}" data-center="{}">"#,
        esc(&(o.link)(&p.slug)),
        esc(&block_aria(b, labels)),
        esc(&p.code),
        esc(&p.code),
        esc(&level.key),
        p.digital_signature,
        p.service_center
    );
    let stroke_w = write_box(w, b, kind);
    let inset = stroke_w / 2.0;
    let sw_size = write_band(w, b, level, inset, id);
    // "Or" chip (read with the band it sits in), code, markers.
    if b.alternative {
        write_or_chip(w, b, labels, inset, sw_size);
    }
    write_body(w, b);
    w.s.push_str("</g></a>");
}

/// The link's name (its <title>) starts with its visible text, in
/// reading order (WCAG 2.5.3), then says in words what the markers show.
fn block_aria(b: &BlockBox, labels: &Labels) -> String {
    let p = b.p;
    let mut aria = b.band_lines.join(" ");
    if b.alternative {
        aria.push(' ');
        aria.push_str(labels.get("or"));
    }
    aria.push_str(&format!(" {} {} {}", p.code, b.title_lines.join(" "), b.time_lines.join(" ")));
    if !b.process_lines.is_empty() {
        aria.push_str(". ");
        aria.push_str(&b.process_lines.join(" "));
    }
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
    aria
}

fn block_kind(b: &BlockBox) -> &'static str {
    if b.p.optional {
        "optional"
    } else if b.alternative {
        "alternative"
    } else {
        "required"
    }
}

/// The block's outline: dashed when optional, heavy when an alternative; returns its stroke width.
fn write_box(w: &mut W, b: &BlockBox, kind: &str) -> f64 {
    let pr = w.pr;
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
    stroke_w
}

/// Level band: colour, pattern swatch and the level's name; returns the swatch's size.
fn write_band(w: &mut W, b: &BlockBox, level: &Level, inset: f64, id: &str) -> f64 {
    let pr = w.pr;
    let _ = write!(
        w.s,
        r#"<rect class="band" x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
        n(b.x + inset),
        n(b.y + inset),
        n(b.w - 2.0 * inset),
        n(b.band_h - inset),
        level.colour
    );
    // One line high even when the level's name wraps (narrow columns), so the swatch and
    // the "or" chip keep to the room `measure_block` left them right of the name.
    let sw_size = (b.band_h - inset - pr.pad * 0.6).min(pr.lh(pr.body) + pr.pad * 0.4 - inset);
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
    sw_size
}

/// A white "or" pill in the band, left of the swatch.
fn write_or_chip(w: &mut W, b: &BlockBox, labels: &Labels, inset: f64, sw_size: f64) {
    let (pr, m) = (w.pr, w.m);
    let lh = pr.lh(pr.body);
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

/// Under the band: the code with its markers, the name, the time, and any "Sau: …" note.
fn write_body(w: &mut W, b: &BlockBox) {
    let pr = w.pr;
    let p = b.p;
    let lh = pr.lh(pr.body);
    let mut ly = b.y + b.band_h + pr.pad;
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
    ly += b.time_lines.len() as f64 * lh;
    // The internal process's total and units (`internal_process = true`).
    w.lines(b.x + pr.pad, ly, pr.body, Weight::Regular, INK, &b.process_lines, "internal-process");
    ly += b.process_lines.len() as f64 * lh;
    if !b.note_lines.is_empty() {
        // "Sau: 1.009748, 1.009664": the relations into this block no arrow carries,
        // under a rule across the block.
        ly += pr.pad * NOTE_GAP;
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
}
