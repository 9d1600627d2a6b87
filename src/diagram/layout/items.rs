//! The legend's markers and outline styles ("items"), flowing left to right under the
//! levels: measured here, so the layout reserves the rows they take (a narrow legend,
//! beside a large QR code on a portrait poster, needs five or six rows, not two).

use super::{Labels, Profile};
use crate::diagram::measure::{Measurer, Weight};

/// One item: what its sample draws (`kind`), its text's translation key, where it goes
/// (`x`, and its row from 0) and its sample's width.
pub struct Item {
    pub kind: &'static str,
    pub key: &'static str,
    pub x: f64,
    pub row: usize,
    pub sample_w: f64,
}

/// Height of a row of items.
pub fn row_h(pr: &Profile) -> f64 {
    pr.lh(pr.body) * 1.2
}

/// The items from `pr.margin` to `right`; the "Sau: …" note's item only with `note`
/// (a poster whose blocks carry such a note).
pub fn flow(pr: &Profile, labels: &Labels, m: &Measurer, right: f64, note: bool) -> Vec<Item> {
    let lh = pr.lh(pr.body);
    let mut items: Vec<(&'static str, &'static str)> = vec![
        ("signature", "signature"),
        ("center", "center"),
        ("optional", "legend_optional"),
        ("alternative", "legend_alternative"),
        ("arrow", "legend_arrow"),
    ];
    if note {
        items.push(("after-note", "legend_after_note"));
    }
    let note_sample = format!("{}: …", labels.get("after_note"));
    let (mut x, mut row) = (pr.margin, 0);
    let mut out = Vec::new();
    for (kind, key) in items {
        let sample_w = match kind {
            "signature" | "center" => lh * 0.8,
            "alternative" => m.width(Weight::SemiBold, labels.get("or"), pr.body) + pr.pad,
            "after-note" => m.width(Weight::Regular, &note_sample, pr.body),
            _ => lh * 2.2,
        };
        let text_w = m.width(Weight::Regular, labels.get(key), pr.body);
        if x + sample_w + pr.pad + text_w > right && x > pr.margin {
            x = pr.margin;
            row += 1;
        }
        out.push(Item { kind, key, x, row, sample_w });
        x += sample_w + pr.pad + text_w + pr.gap;
    }
    out
}

/// How many rows the items take up to `right` (with the note's item when it may appear).
pub fn rows(pr: &Profile, labels: &Labels, m: &Measurer, right: f64, note: bool) -> usize {
    flow(pr, labels, m, right, note).last().map_or(0, |i| i.row + 1)
}
