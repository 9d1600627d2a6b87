//! The poster's legend: each level's label box with its explanation, then the
//! markers and outline styles.

use super::{INK, MUTED, W, esc, n};
use crate::diagram::layout::{Labels, Layout, items};
use crate::diagram::measure::Weight;
use crate::model::Site;
use std::fmt::Write;

pub(super) fn write_legend(w: &mut W, site: &Site, layout: &Layout, labels: &Labels, id: &str) {
    if layout.legend.is_empty() {
        return;
    }
    let pr = w.pr;
    w.s.push_str(r#"<g class="legend">"#);
    w.text(pr.margin, layout.legend_y, pr.body * 1.15, Weight::Bold, INK, labels.get("legend"), "legend-title");
    write_levels(w, site, layout, id);
    write_items(w, layout, labels, id);
    w.s.push_str("</g>");
}

/// Each level: its coloured label box with the pattern swatch, and its explanation.
fn write_levels(w: &mut W, site: &Site, layout: &Layout, id: &str) {
    let pr = w.pr;
    let lh = pr.lh(pr.body);
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
}

/// Markers and outline styles, flowing left to right as `layout::items` measured them.
fn write_items(w: &mut W, layout: &Layout, labels: &Labels, id: &str) {
    let pr = w.pr;
    let right = layout.footer_x - pr.gap;
    // Only a poster whose blocks carry a "Sau: …" note explains it.
    let note = !layout.arrows_omitted.is_empty();
    let note_sample = format!("{}: …", labels.get("after_note"));
    let or_word = labels.get("or");
    for it in items::flow(pr, labels, w.m, right, note) {
        let y = layout.legend_items_y + it.row as f64 * items::row_h(pr);
        write_sample(w, it.kind, it.x, y, it.sample_w, or_word, &note_sample, id);
        w.text(it.x + it.sample_w + pr.pad, y, pr.body, Weight::Regular, INK, labels.get(it.key), "legend-item");
    }
}

/// What an item explains, drawn `sample_w` wide at (`x`, `y`).
#[allow(clippy::too_many_arguments)]
fn write_sample(w: &mut W, kind: &str, x: f64, y: f64, sample_w: f64, or_word: &str, note_sample: &str, id: &str) {
    let pr = w.pr;
    let lh = pr.lh(pr.body);
    let icon = lh * 0.8;
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
            w.text(x, y, pr.body, Weight::Regular, INK, note_sample, "legend-note");
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
}
