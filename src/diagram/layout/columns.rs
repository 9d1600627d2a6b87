//! Block measurement and column balancing: how tall each block is at a column
//! width, and how a stage's blocks split into columns.

use super::{Labels, NOTE_GAP, Profile};
use crate::diagram::measure::{Measurer, Weight};
use crate::model::{Procedure, Site};

pub(super) struct Measured<'a> {
    pub(super) p: &'a Procedure,
    pub(super) band_lines: Vec<String>,
    pub(super) band_h: f64,
    pub(super) title_lines: Vec<String>,
    pub(super) time_lines: Vec<String>,
    pub(super) process_lines: Vec<String>,
    pub(super) note_lines: Vec<String>,
    pub(super) h: f64,
    pub(super) alternative: bool,
}

/// A block's lines and height; `note` is its "Sau: …" line of relations no arrow carries;
/// `process`: the diagram shows internal processes (`internal_process = true`).
#[allow(clippy::too_many_arguments)]
pub(super) fn measure_block<'a>(
    p: &'a Procedure,
    w: f64,
    pr: &Profile,
    labels: &Labels,
    site: &Site,
    m: &Measurer,
    times: &dyn Fn(&Procedure) -> String,
    note: Option<&str>,
    process: bool,
) -> Measured<'a> {
    let lh = pr.lh(pr.body);
    let inner = w - 2.0 * pr.pad;
    let level = &site.levels[p.level];
    let label = labels.lang.pick(&level.label).0;
    // The band leaves room on the right for the pattern swatch, and for the
    // "or" chip of an alternative.
    let alternative = !p.alternative_to.is_empty();
    let chip = if alternative { m.width(Weight::SemiBold, labels.get("or"), pr.body) + 2.0 * pr.pad } else { 0.0 };
    let band_lines = m.wrap(Weight::SemiBold, label, pr.body, inner - lh - pr.pad - chip);
    let band_h = band_lines.len() as f64 * lh + pr.pad;
    let title = labels.lang.pick(&p.short_title).0;
    let title_lines = m.wrap(Weight::Regular, title, pr.body, inner);
    let time_lines = m.wrap(Weight::Regular, &times(p), pr.body, inner - lh);
    let process_lines = if process {
        process_text(p, labels).map(|t| m.wrap(Weight::Regular, &t, pr.body, inner)).unwrap_or_default()
    } else {
        Vec::new()
    };
    // The note sits under the time, set off by a rule, at the body size.
    let note_lines = note.map(|n| m.wrap(Weight::Regular, n, pr.body, inner)).unwrap_or_default();
    let note_h = if note_lines.is_empty() { 0.0 } else { pr.pad * NOTE_GAP + note_lines.len() as f64 * lh };
    let h = band_h
        + pr.pad
        + lh
        + title_lines.len() as f64 * lh
        + pr.pad * 0.5
        + time_lines.len() as f64 * lh
        + process_lines.len() as f64 * lh
        + note_h
        + pr.pad;
    Measured { p, band_lines, band_h, title_lines, time_lines, process_lines, note_lines, h, alternative }
}

/// "Nội bộ: 20 ngày làm việc, 4 đơn vị": the record's internal process as
/// `crate::diagram::process_summary` words it. None for a record without one.
pub(super) fn process_text(p: &Procedure, labels: &Labels) -> Option<String> {
    crate::diagram::process_summary(p, labels.lang, &|k| labels.get(k).to_string())
}

/// Columns per stage: each stage starts with one, then the stage with the
/// tallest column gets another until `cols` are used (or every stage has a
/// column per block). This minimises the tallest column, so lanes balance.
pub(super) fn allocate(stages: &[Vec<Measured>], cols: usize, gap: f64) -> Vec<usize> {
    let mut k = vec![1usize; stages.len()];
    let mut height: Vec<f64> = stages.iter().map(|b| partition(b, 1, gap).1).collect();
    while k.iter().sum::<usize>() < cols {
        let Some(i) = (0..stages.len())
            .filter(|&i| k[i] < stages[i].len())
            .max_by(|&a, &b| height[a].total_cmp(&height[b]).then(b.cmp(&a)))
        else {
            break;
        };
        k[i] += 1;
        height[i] = partition(&stages[i], k[i], gap).1;
    }
    k
}

/// Splits blocks, in order, into at most `k` columns with the smallest
/// tallest column; returns the indices that start a new column and that height.
pub(super) fn partition(blocks: &[Measured], k: usize, gap: f64) -> (Vec<usize>, f64) {
    let heights: Vec<f64> = blocks.iter().map(|b| b.h).collect();
    let greedy = |limit: f64| -> Option<Vec<usize>> {
        let mut breaks = Vec::new();
        let mut col_h = 0.0;
        for (i, &h) in heights.iter().enumerate() {
            let add = if col_h == 0.0 { h } else { col_h + gap + h };
            if add > limit + 1e-9 && col_h > 0.0 {
                breaks.push(i);
                col_h = h;
            } else {
                col_h = add;
            }
            if h > limit + 1e-9 {
                return None;
            }
        }
        (breaks.len() < k.max(1)).then_some(breaks)
    };
    let total: f64 = heights.iter().sum::<f64>() + gap * heights.len().saturating_sub(1) as f64;
    let (mut lo, mut hi) = (heights.iter().copied().fold(0.0, f64::max), total);
    for _ in 0..50 {
        let mid = (lo + hi) / 2.0;
        if greedy(mid).is_some() {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    (greedy(hi).unwrap_or_default(), hi)
}
