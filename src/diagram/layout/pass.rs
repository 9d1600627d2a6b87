//! One layout pass: header, legend, column count, block placement and routing
//! for a profile, with the relations already named in their target blocks.

use super::columns::{Measured, allocate, measure_block, partition};
use super::route::{corridor_h, route};
use super::{
    AGENCY_W, BlockBox, FOOTER_TEXT_W, LEGEND_TEXT_EMS, Labels, Lane, Layout, LegendLevel, Profile, quiet_zone,
    subtitle_gap,
};
use crate::diagram::measure::{Measurer, Weight};
use crate::lang::Lang;
use crate::model::{Diagram, Procedure, Site};
use rustc_hash::{FxHashMap, FxHashSet};

/// The header as measured: title and subtitle lines, where the agency's name goes, and
/// where the lanes start below it.
struct Header {
    lines: Vec<String>,
    subtitle_lines: Vec<String>,
    agency_beside_title: bool,
    lane_y: f64,
}

/// The chosen column count: total height, columns per stage, column width, measured
/// blocks per stage, lane header height and lane titles.
struct Columns<'a> {
    total: f64,
    k: Vec<usize>,
    col_w: f64,
    measured: Vec<Vec<Measured<'a>>>,
    lane_h: f64,
    lane_titles: Vec<Vec<String>>,
}

/// What a pass lays out: the diagram's shown procedures by stage, with their notes.
struct Pass<'a, 'p, 'm> {
    site: &'a Site,
    d: &'a Diagram,
    pr: &'p Profile,
    labels: &'p Labels,
    m: &'p Measurer<'m>,
    times: &'p dyn Fn(&Procedure) -> String,
    shown: Vec<&'a Procedure>,
    stages: Vec<usize>,
    notes: FxHashMap<&'a str, String>,
}

/// One pass of `try_layout`: `noted` relations are written in their target blocks and
/// not routed; `arrows_omitted` holds the relations this pass could not route.
pub(super) fn try_layout_noted<'a>(
    site: &'a Site,
    d: &'a Diagram,
    pr: &Profile,
    labels: &Labels,
    m: &Measurer,
    times: &dyn Fn(&Procedure) -> String,
    noted: &FxHashSet<(String, String)>,
) -> (Layout<'a>, bool) {
    let shown: Vec<&Procedure> = d.select(site).collect();
    let notes = block_notes(&shown, noted, labels);
    let stages: Vec<usize> = d.stage_list(site).into_iter().filter(|s| shown.iter().any(|p| p.stage == *s)).collect();
    let pass = Pass { site, d, pr, labels, m, times, shown, stages, notes };
    let inner_w = pr.canvas_w - 2.0 * pr.margin;
    let lh = pr.lh(pr.body);
    let header = header(pr, labels, m, inner_w);
    let lane_y = header.lane_y;

    // Legend and footer, anchored to the bottom: the QR code, then its caption at its right.
    let qr = if pr.poster && d.qr { pr.qr } else { 0.0 };
    let footer_w = if pr.poster { qr + quiet_zone(qr) + pr.pad + FOOTER_TEXT_W } else { 0.0 };
    let legend_w = inner_w - footer_w - pr.gap;
    let (legend, bottom_h) =
        if pr.poster { legend_levels(site, d, pr, labels, m, legend_w, qr) } else { (Vec::new(), 0.0) };

    let (best, fits) = pass.choose_columns(inner_w, lane_y, bottom_h);
    let Some(cols) = best else {
        return (empty_layout(pr, header, legend, footer_w), true);
    };

    // Place.
    let corridor = if d.arrows { corridor_h(pr) } else { 0.0 };
    let grid_top = lane_y + cols.lane_h + corridor;
    let lane_h = cols.lane_h;
    let col_w = cols.col_w;
    let (lanes, mut blocks, mut grid_bottom) = pass.place_blocks(grid_top, cols);
    // A poster with room to spare spreads its rows (each gap up to 2.5 × the row gap)
    // rather than leave an empty band above the legend.
    if let (true, Some(h)) = (pr.poster, pr.canvas_h) {
        // The lanes' tint (2 pads below the blocks) stays clear of the QR code's quiet zone.
        let clear = (quiet_zone(qr) + 2.0 * pr.pad - pr.gap).max(0.0);
        let spare = h - pr.margin - bottom_h - grid_bottom - clear;
        grid_bottom = spread_rows(pr, &mut blocks, spare, grid_bottom);
    }
    let (arrows, arrows_omitted) =
        if d.arrows { route(&blocks, lane_y + lane_h, col_w, pr, noted) } else { (Vec::new(), Vec::new()) };

    let height = match pr.canvas_h {
        Some(h) => h,
        None => grid_bottom + pr.margin,
    };
    let legend_y = height - pr.margin - bottom_h + pr.gap;
    let tallest_level = legend.iter().map(|l| l.y + l.h).fold(0.0, f64::max);
    let legend_items_y = legend_y + lh * 1.3 + tallest_level + pr.row_gap;
    let layout = Layout {
        width: pr.canvas_w,
        height,
        header_lines: header.lines,
        title_size: pr.title,
        agency_beside_title: header.agency_beside_title,
        subtitle_lines: header.subtitle_lines,
        lanes,
        lane_y,
        lane_h,
        grid_top,
        grid_bottom,
        blocks,
        arrows,
        arrows_omitted,
        legend_y,
        legend,
        legend_items_y,
        footer_x: pr.canvas_w - pr.margin - footer_w,
        footer_w,
        qr,
    };
    (layout, fits)
}

/// Each noted target's note: its sources in journey order.
fn block_notes<'a>(
    shown: &[&'a Procedure],
    noted: &FxHashSet<(String, String)>,
    labels: &Labels,
) -> FxHashMap<&'a str, String> {
    let mut notes: FxHashMap<&str, String> = FxHashMap::default();
    // Sources per target, so a target's note costs one lookup per shown block and no
    // allocation (a pair per block and target was most of a 1,000-record layout).
    let mut sources: FxHashMap<&str, FxHashSet<&str>> = FxHashMap::default();
    for (s, t) in noted {
        sources.entry(t.as_str()).or_default().insert(s.as_str());
    }
    if !noted.is_empty() {
        for t in shown {
            let Some(sources) = sources.get(t.code.as_str()) else { continue };
            let from: Vec<&str> = shown.iter().map(|p| p.code.as_str()).filter(|s| sources.contains(s)).collect();
            if !from.is_empty() {
                notes.insert(t.code.as_str(), format!("{}: {}", labels.get("after_note"), from.join(", ")));
            }
        }
    }
    notes
}

/// The poster's header: the title has the full width; the agency stands right of the
/// subtitle, or right of the title's first line when that is short. The website has none.
fn header(pr: &Profile, labels: &Labels, m: &Measurer, inner_w: f64) -> Header {
    let mut y = pr.margin;
    if !pr.poster {
        return Header { lines: Vec::new(), subtitle_lines: Vec::new(), agency_beside_title: false, lane_y: y };
    }
    let agency = m.wrap(Weight::SemiBold, &labels.agency, pr.lane, inner_w * AGENCY_W);
    let h = m.wrap(Weight::Bold, &labels.title, pr.title, inner_w);
    let s =
        labels.subtitle.as_deref().map(|s| m.wrap(Weight::Regular, s, pr.subtitle, inner_w * 0.72)).unwrap_or_default();
    // A short title leaves room for the agency on its first line.
    let beside = h.first().is_some_and(|t| {
        m.width(Weight::Bold, t, pr.title) + pr.gap + m.width(Weight::SemiBold, &labels.agency, pr.lane) <= inner_w
    });
    let agency_h = if beside { 0.0 } else { agency.len() as f64 * pr.lh(pr.lane) };
    // The subtitle (or the agency) stands clear of the title's descenders; the header sits
    // close above the lanes it introduces.
    let below = (s.len() as f64 * pr.lh(pr.subtitle)).max(agency_h);
    y += h.len() as f64 * pr.title_lh() + subtitle_gap(pr.title, pr.subtitle, below > 0.0) + below + pr.gap * 0.6;
    Header { lines: h, subtitle_lines: s, agency_beside_title: beside, lane_y: y }
}

/// The poster's legend levels and the height of the band the legend and footer take at
/// the bottom. Each level is a label box with its explanation to the right, as many per
/// row as leave the explanation at least LEGEND_TEXT_EMS wide: it then reads in a few
/// long lines instead of a narrow column of short ones.
fn legend_levels(
    site: &Site,
    d: &Diagram,
    pr: &Profile,
    labels: &Labels,
    m: &Measurer,
    legend_w: f64,
    qr: f64,
) -> (Vec<LegendLevel>, f64) {
    let lh = pr.lh(pr.body);
    let lang = labels.lang;
    let n = site.levels.len().max(1);
    let picked: Vec<(String, String)> = site
        .levels
        .iter()
        .map(|l| {
            let meaning = match (lang, &l.meaning.plain_en) {
                (Lang::En, Some(en)) => en.clone(),
                _ => l.meaning.plain.clone(),
            };
            (lang.pick(&l.label).0.to_string(), meaning)
        })
        .collect();
    let widest_label = picked.iter().map(|(l, _)| m.width(Weight::SemiBold, l, pr.body)).fold(0.0, f64::max);
    let label_box = |cell: f64| (widest_label + lh + 3.0 * pr.pad).min(cell * 0.35);
    let cell_w = |k: usize| (legend_w - (k as f64 - 1.0) * pr.gap) / k as f64;
    let per_row =
        (1..=n).rev().find(|&k| cell_w(k) - label_box(cell_w(k)) - pr.pad >= LEGEND_TEXT_EMS * pr.body).unwrap_or(1);
    let cell = cell_w(per_row);
    let label_w = label_box(cell);
    let mut legend = Vec::new();
    let mut row_top = 0.0;
    let mut row_h: f64 = 0.0;
    for (i, (label, meaning)) in picked.into_iter().enumerate() {
        if i > 0 && i % per_row == 0 {
            row_top += row_h + pr.row_gap;
            row_h = 0.0;
        }
        let label_lines = m.wrap(Weight::SemiBold, &label, pr.body, label_w - 2.0 * pr.pad - lh);
        let text_w = cell - label_w - pr.pad;
        let meaning_lines = m.wrap(Weight::Regular, &meaning, pr.body, text_w);
        let h = (label_lines.len() as f64 * lh + pr.pad).max(meaning_lines.len() as f64 * lh + pr.pad / 2.0);
        row_h = row_h.max(h);
        let x = pr.margin + (i % per_row) as f64 * (cell + pr.gap);
        legend.push(LegendLevel { level: i, x, y: row_top, w: cell, h, label_w, text_w, label_lines, meaning_lines });
    }
    let tallest = row_top + row_h;
    // The items' rows as measured (the "Sau: …" note's item counted when arrows may leave
    // a relation to a note), and half a line below them.
    let item_rows = super::items::rows(pr, labels, m, pr.margin + legend_w, d.arrows) as f64;
    let legend_h =
        if d.legend { lh * 1.3 + tallest + pr.row_gap + item_rows * super::items::row_h(pr) + 0.5 * lh } else { 0.0 };
    // The QR code (its quiet zone lies in the gap above and the margin below), or its
    // caption's lines (about seven).
    let footer_h = qr.max(caption_lines(pr, labels, m, qr > 0.0) as f64 * lh);
    let bottom_h = legend_h.max(footer_h) + pr.gap;
    if !d.legend {
        legend.clear();
    }
    (legend, bottom_h)
}

/// Lines of the QR code's caption as `svg::footer` writes it at FOOTER_TEXT_W: "file online
/// at" and the portal (with a code; the address counted as two lines, it is not known
/// here), the agency, the edition (one line) and the note.
fn caption_lines(pr: &Profile, labels: &Labels, m: &Measurer, qr: bool) -> usize {
    let lines = |t: &str| m.wrap(Weight::Regular, t, pr.body, FOOTER_TEXT_W).len();
    let portal = if qr { m.wrap(Weight::Bold, labels.get("file_online"), pr.body, FOOTER_TEXT_W).len() + 2 } else { 0 };
    portal + lines(&labels.agency) + 1 + labels.footer.as_deref().map_or(0, lines)
}

/// The layout of a diagram with no column count to try: header and legend only.
fn empty_layout<'a>(pr: &Profile, header: Header, legend: Vec<LegendLevel>, footer_w: f64) -> Layout<'a> {
    let lane_y = header.lane_y;
    Layout {
        width: pr.canvas_w,
        height: pr.canvas_h.unwrap_or(100.0),
        header_lines: header.lines,
        title_size: pr.title,
        agency_beside_title: header.agency_beside_title,
        subtitle_lines: header.subtitle_lines,
        lanes: vec![],
        lane_y,
        lane_h: 0.0,
        grid_top: lane_y,
        grid_bottom: lane_y,
        blocks: vec![],
        arrows: vec![],
        arrows_omitted: vec![],
        legend_y: lane_y,
        legend,
        legend_items_y: lane_y,
        footer_x: 0.0,
        footer_w,
        qr: 0.0,
    }
}

/// Spreads each column's rows by an equal extra gap (up to 1.5 × the row gap) over
/// `spare` height; returns the new bottom of the grid.
fn spread_rows(pr: &Profile, blocks: &mut [BlockBox], spare: f64, mut grid_bottom: f64) -> f64 {
    let mut index = vec![0usize; blocks.iter().map(|b| b.col + 1).max().unwrap_or(0)];
    let mut nth = Vec::with_capacity(blocks.len());
    for b in blocks.iter() {
        nth.push(index[b.col]);
        index[b.col] += 1;
    }
    let rows = index.iter().copied().max().unwrap_or(0);
    if spare > 0.0 && rows > 1 {
        let extra = (spare / (rows - 1) as f64).min(pr.row_gap * 1.5);
        for (b, i) in blocks.iter_mut().zip(nth) {
            b.y += i as f64 * extra;
            grid_bottom = grid_bottom.max(b.y + b.h);
        }
    }
    grid_bottom
}

impl<'a> Pass<'a, '_, '_> {
    /// Measures blocks once per column width and picks the narrowest column count that
    /// fits (wider blocks read better); whether it fits.
    fn choose_columns(&self, inner_w: f64, lane_y: f64, bottom_h: f64) -> (Option<Columns<'a>>, bool) {
        let pr = self.pr;
        let s_count = self.stages.len().max(1);
        let max_cols = ((inner_w + pr.gap) / (pr.min_col + pr.gap)).floor().max(s_count as f64) as usize;
        let mut best: Option<Columns<'a>> = None;
        let mut fits = false;
        for c in s_count..=max_cols {
            let col_w = (inner_w - (c as f64 - 1.0) * pr.gap) / c as f64;
            let measured = self.measure_stages(col_w);
            let k = allocate(&measured, c, pr.row_gap);
            let grid_h =
                measured.iter().zip(&k).map(|(blocks, &k)| partition(blocks, k, pr.row_gap).1).fold(0.0, f64::max);
            let lane_titles = self.lane_titles(&k, col_w);
            let lane_h = lane_titles.iter().map(|t| t.len()).max().unwrap_or(1) as f64 * pr.lh(pr.lane) + 2.0 * pr.pad;
            let corridor = if self.d.arrows { corridor_h(pr) } else { 0.0 };
            let total = lane_y + lane_h + corridor + grid_h + pr.gap + bottom_h + pr.margin;
            // Posters: the first count that fits the paper. Website: the first
            // that is not much taller than wide. Otherwise the shortest.
            let good = match pr.canvas_h {
                Some(h) => total <= h,
                None => total <= pr.canvas_w * 0.9,
            };
            if good || best.as_ref().is_none_or(|b| total < b.total) {
                best = Some(Columns { total, k, col_w, measured, lane_h, lane_titles });
            }
            if good {
                fits = true;
                break;
            }
        }
        if pr.canvas_h.is_none() {
            fits = true;
        }
        (best, fits)
    }

    /// Every stage's blocks measured at column width `col_w`.
    fn measure_stages(&self, col_w: f64) -> Vec<Vec<Measured<'a>>> {
        self.stages
            .iter()
            .map(|&s| {
                self.shown
                    .iter()
                    .filter(|p| p.stage == s)
                    .map(|p| {
                        let note = self.notes.get(p.code.as_str()).map(String::as_str);
                        let process = self.d.internal_process;
                        measure_block(p, col_w, self.pr, self.labels, self.site, self.m, self.times, note, process)
                    })
                    .collect()
            })
            .collect()
    }

    /// Each stage's title, wrapped to its lane of `k` columns.
    fn lane_titles(&self, k: &[usize], col_w: f64) -> Vec<Vec<String>> {
        let pr = self.pr;
        self.stages
            .iter()
            .zip(k)
            .map(|(&s, &k)| {
                let w = k as f64 * col_w + (k as f64 - 1.0) * pr.gap;
                let stage = &self.site.stages[s];
                self.m.wrap(
                    Weight::Bold,
                    &format!("{}. {}", stage.number, self.labels.lang.pick(&stage.title).0),
                    pr.lane,
                    w - 2.0 * pr.pad - pr.lane,
                )
            })
            .collect()
    }

    /// Lanes left to right, and each stage's blocks top to bottom in its columns from
    /// `grid_top`; returns the lanes, the blocks and the bottom of the grid.
    fn place_blocks(&self, grid_top: f64, cols: Columns<'a>) -> (Vec<Lane>, Vec<BlockBox<'a>>, f64) {
        let pr = self.pr;
        let col_w = cols.col_w;
        let mut lanes = Vec::new();
        let mut blocks = Vec::new();
        let mut col = 0usize;
        let mut grid_bottom = grid_top;
        let per_stage = self.stages.iter().zip(cols.measured).zip(cols.k.iter().zip(cols.lane_titles));
        for ((&s, stage_blocks), (&k, title_lines)) in per_stage {
            let x0 = pr.margin + col as f64 * (col_w + pr.gap);
            lanes.push(Lane { stage: s, x: x0, w: k as f64 * col_w + (k as f64 - 1.0) * pr.gap, title_lines });
            let (breaks, _) = partition(&stage_blocks, k, pr.row_gap);
            let mut sub = 0;
            let mut y = grid_top;
            for (i, b) in stage_blocks.into_iter().enumerate() {
                if breaks.contains(&i) {
                    sub += 1;
                    y = grid_top;
                }
                let c = col + sub;
                let x = pr.margin + c as f64 * (col_w + pr.gap);
                blocks.push(BlockBox {
                    p: b.p,
                    col: c,
                    x,
                    y,
                    w: col_w,
                    h: b.h,
                    band_lines: b.band_lines,
                    band_h: b.band_h,
                    title_lines: b.title_lines,
                    time_lines: b.time_lines,
                    process_lines: b.process_lines,
                    note_lines: b.note_lines,
                    alternative: b.alternative,
                });
                y += b.h + pr.row_gap;
                grid_bottom = grid_bottom.max(y - pr.row_gap);
            }
            col += k;
        }
        (lanes, blocks, grid_bottom)
    }
}
