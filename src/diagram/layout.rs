//! Where everything goes. Stages are lanes from left to right in journey
//! order; a lane has one or more columns of blocks, given in proportion to
//! its share of the content, so lanes are balanced. Blocks are as tall as
//! their wrapped text needs: text is never clipped. Arrows run only through
//! the gutters between columns and the corridor above the blocks, so they
//! cannot cross a block.

use super::measure::{Measurer, Weight};
use crate::lang::Lang;
use crate::model::{Diagram, Procedure, Site};
use rustc_hash::{FxHashMap, FxHashSet};

/// Sizes for one kind of output; all lengths in the SVG's user unit.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Unit of the canvas: mm for posters, px for the website.
    pub canvas_w: f64,
    /// Fixed height (posters), or `None`: as tall as needed (website).
    pub canvas_h: Option<f64>,
    pub margin: f64,
    pub body: f64,
    pub lane: f64,
    pub title: f64,
    pub subtitle: f64,
    pub gap: f64,
    pub row_gap: f64,
    pub pad: f64,
    pub min_col: f64,
    pub stroke: f64,
    /// Title, legend and footer (posters); the website page has its own.
    pub poster: bool,
}

pub const PT: f64 = 25.4 / 72.0;

impl Profile {
    /// A poster canvas in millimetres. Text sizes are for A1 (14 pt body,
    /// legible at arm's length); smaller paper prints the same design scaled.
    /// The title is 72 pt on A1 and scales with the paper (≈ 102 pt on A0, 51 pt
    /// on A2): `title` is its size on the paper, and `layout` keeps it so whatever
    /// the canvas scale.
    pub fn poster(d: &Diagram) -> Profile {
        let (paper_short, _) = d.paper.size_mm();
        let (short, long) = d.paper.size_mm();
        let (short, long) = if short < 594.0 { (594.0, 841.0) } else { (short, long) };
        let paper_scale = short / 594.0;
        let (w, h) = if d.landscape { (long, short) } else { (short, long) };
        Profile {
            canvas_w: w,
            canvas_h: Some(h),
            margin: 14.0,
            body: 14.0 * PT,
            lane: 16.0 * PT,
            title: 72.0 * PT * paper_short / 594.0,
            subtitle: 20.0 * PT * paper_scale,
            gap: 10.0,
            row_gap: 6.0,
            pad: 2.6,
            min_col: 50.0,
            stroke: 0.35,
            poster: true,
        }
    }
    /// The website's inline diagram, in CSS pixels at 1:1. Its columns are narrow enough
    /// that a stage with many procedures gets more than one column on a 1280 px canvas
    /// (with 190 px columns six stages took the six columns, and one stage stood as a
    /// single column of 21 blocks beside short ones); the page shows it at ≥ 1024 px,
    /// so its 14 px text stays ≥ 11 px.
    pub fn web() -> Profile {
        Profile {
            canvas_w: 1280.0,
            canvas_h: None,
            margin: 8.0,
            body: 14.0,
            lane: 15.0,
            title: 0.0,
            subtitle: 0.0,
            gap: 18.0,
            row_gap: 12.0,
            pad: 7.0,
            min_col: 150.0,
            stroke: 1.0,
            poster: false,
        }
    }
    pub fn lh(&self, size: f64) -> f64 {
        size * 1.4
    }
    /// Line height of the poster title: display type sets tighter than body text.
    pub fn title_lh(&self) -> f64 {
        self.title * TITLE_LH
    }
}

/// Text for the diagram in one language.
pub struct Labels {
    pub lang: Lang,
    pub title: String,
    pub subtitle: Option<String>,
    pub footer: Option<String>,
    pub agency: String,
    pub strings: FxHashMap<&'static str, String>,
}

impl Layout<'_> {
    pub fn title_lh(&self) -> f64 {
        self.title_size * TITLE_LH
    }
}

impl Labels {
    pub fn get(&self, key: &'static str) -> &str {
        self.strings.get(key).map(String::as_str).unwrap_or(key)
    }
}

pub struct BlockBox<'a> {
    pub p: &'a Procedure,
    pub col: usize,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub band_lines: Vec<String>,
    pub band_h: f64,
    pub title_lines: Vec<String>,
    pub time_lines: Vec<String>,
    /// "Sau: 1.009748, 1.009664": the relations into this block no arrow carries.
    pub note_lines: Vec<String>,
    /// Follows the procedure it is an alternative to.
    pub alternative: bool,
}

pub struct Lane {
    pub stage: usize,
    pub x: f64,
    pub w: f64,
    pub title_lines: Vec<String>,
}

pub struct Arrow {
    pub from: String,
    pub to: String,
    pub points: Vec<(f64, f64)>,
}

pub struct LegendLevel {
    pub level: usize,
    /// The cell: `x` on the canvas, `y` below the legend's title.
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// The level's coloured label box, left of its explanation.
    pub label_w: f64,
    /// Width the explanation wraps to.
    pub text_w: f64,
    pub label_lines: Vec<String>,
    pub meaning_lines: Vec<String>,
}

pub struct Layout<'a> {
    pub width: f64,
    pub height: f64,
    pub header_lines: Vec<String>,
    /// The title's size in canvas units (its size on the paper stays fixed as the canvas scales).
    pub title_size: f64,
    /// The agency's name stands right of the title's first line (else right of the subtitle).
    pub agency_beside_title: bool,
    pub subtitle_lines: Vec<String>,
    pub lanes: Vec<Lane>,
    pub lane_y: f64,
    pub lane_h: f64,
    pub grid_top: f64,
    pub grid_bottom: f64,
    pub blocks: Vec<BlockBox<'a>>,
    pub arrows: Vec<Arrow>,
    /// `after` relations (source, target) not drawn as arrows, because two lines per gap
    /// could not carry them: each is named in its target block's note instead.
    pub arrows_omitted: Vec<(String, String)>,
    pub legend_y: f64,
    pub legend: Vec<LegendLevel>,
    pub legend_items_y: f64,
    pub footer_x: f64,
    pub footer_w: f64,
}

struct Measured<'a> {
    p: &'a Procedure,
    band_lines: Vec<String>,
    band_h: f64,
    title_lines: Vec<String>,
    time_lines: Vec<String>,
    note_lines: Vec<String>,
    h: f64,
    alternative: bool,
}

pub const FOOTER_W: f64 = 150.0;
/// Line height of the poster title, in ems.
pub const TITLE_LH: f64 = 1.1;
/// Share of the inner width the agency's name may take, right of the subtitle.
pub const AGENCY_W: f64 = 0.25;
pub const QR_SIZE: f64 = 38.0;
/// A legend explanation wraps to at least this many ems (≈ 60 characters a line).
pub const LEGEND_TEXT_EMS: f64 = 26.0;
/// Space above a block's "Sau: …" note (in pads), where its rule runs.
pub const NOTE_GAP: f64 = 1.2;

/// Lays out the diagram. A fixed canvas that cannot hold it grows (same
/// proportions, so text prints smaller) until it does: nothing is cut off.
/// A canvas with room to spare shrinks towards `min_canvas_w` (text prints
/// larger; posters down to 0.8 of it) while the diagram still fits, so a small
/// diagram fills its paper.
pub fn layout<'a>(
    site: &'a Site,
    d: &'a Diagram,
    profile: &Profile,
    min_canvas_w: f64,
    labels: &Labels,
    m: &Measurer,
    times: &dyn Fn(&Procedure) -> String,
) -> Layout<'a> {
    let mut profile = profile.clone();
    // A poster's title keeps its size on the paper (`profile.title`) when the canvas scales.
    let title_on_paper = profile.title;
    let paper_w = min_canvas_w;
    let scale = |p: &mut Profile, k: f64| {
        p.canvas_w *= k;
        p.canvas_h = p.canvas_h.map(|h| h * k);
        if p.poster {
            p.title = title_on_paper * p.canvas_w / paper_w;
        }
    };
    scale(&mut profile, 1.0);
    let (first, fits) = try_layout(site, d, &profile, labels, m, times);
    if fits {
        let mut best = first;
        // Down to 14 pt on the poster's own paper, and further (up to 1.25×) while
        // the paper has room, so a short poster fills its height instead of leaving
        // an empty band above the legend.
        let smallest = if profile.poster { min_canvas_w * 0.8 } else { min_canvas_w };
        while profile.canvas_h.is_some() && profile.canvas_w > smallest + 1e-6 {
            let mut smaller = profile.clone();
            scale(&mut smaller, (smallest / profile.canvas_w).max(0.97));
            let (mut l, mut fits) = try_layout(site, d, &smaller, labels, m, times);
            if !fits {
                // A 3 % step can change the column count; try a finer one before stopping.
                smaller = profile.clone();
                scale(&mut smaller, (smallest / profile.canvas_w).max(0.99));
                (l, fits) = try_layout(site, d, &smaller, labels, m, times);
            }
            if !fits {
                break;
            }
            best = l;
            profile = smaller;
        }
        return best;
    }
    // An overfull poster first lets a title larger than A1's 72 pt (A0's 102 pt) yield,
    // down to 72 pt on the paper, before its body text would fall under 14 pt.
    if profile.poster {
        let floor = 72.0 * PT * profile.canvas_w / paper_w;
        let full = profile.title;
        for k in [0.95, 0.9, 0.85, 0.8, 0.75, 0.7] {
            let mut p = profile.clone();
            p.title = (full * k).max(floor);
            let (l, fits) = try_layout(site, d, &p, labels, m, times);
            if fits {
                return l;
            }
            if p.title <= floor {
                break;
            }
        }
    }
    for _ in 0..120 {
        scale(&mut profile, 1.015);
        let (l, fits) = try_layout(site, d, &profile, labels, m, times);
        if fits {
            return l;
        }
    }
    try_layout(site, d, &profile, labels, m, times).0
}

/// Lays out and routes; a relation routing leaves out is named in its target block
/// ("Sau: …"), which makes that block taller and moves what follows, so the blocks are
/// laid out and routed again with those notes, without routing the noted relations. A
/// relation the new geometry leaves out joins the notes (they only accumulate: the
/// union), until a pass leaves nothing new out; each pass adds at least one, so this
/// ends, in practice after two or three passes.
fn try_layout<'a>(
    site: &'a Site,
    d: &'a Diagram,
    pr: &Profile,
    labels: &Labels,
    m: &Measurer,
    times: &dyn Fn(&Procedure) -> String,
) -> (Layout<'a>, bool) {
    let mut noted: FxHashSet<(String, String)> = FxHashSet::default();
    loop {
        let (mut l, fits) = try_layout_noted(site, d, pr, labels, m, times, &noted);
        if l.arrows_omitted.is_empty() {
            let mut all: Vec<(String, String)> = noted.into_iter().collect();
            all.sort();
            l.arrows_omitted = all;
            return (l, fits);
        }
        noted.extend(l.arrows_omitted.drain(..));
    }
}

/// One pass of `try_layout`: `noted` relations are written in their target blocks and
/// not routed; `arrows_omitted` holds the relations this pass could not route.
fn try_layout_noted<'a>(
    site: &'a Site,
    d: &'a Diagram,
    pr: &Profile,
    labels: &Labels,
    m: &Measurer,
    times: &dyn Fn(&Procedure) -> String,
    noted: &FxHashSet<(String, String)>,
) -> (Layout<'a>, bool) {
    let lang = labels.lang;
    let shown: Vec<&Procedure> = d.select(site).collect();
    // Each noted target's note: its sources in journey order.
    let mut notes: FxHashMap<&str, String> = FxHashMap::default();
    if !noted.is_empty() {
        for t in &shown {
            let from: Vec<&str> = shown
                .iter()
                .map(|p| p.code.as_str())
                .filter(|s| noted.contains(&(s.to_string(), t.code.clone())))
                .collect();
            if !from.is_empty() {
                notes.insert(t.code.as_str(), format!("{}: {}", labels.get("after_note"), from.join(", ")));
            }
        }
    }
    let stages: Vec<usize> = d.stage_list(site).into_iter().filter(|s| shown.iter().any(|p| p.stage == *s)).collect();
    let inner_w = pr.canvas_w - 2.0 * pr.margin;
    let lh = pr.lh(pr.body);

    // Header.
    let mut y = pr.margin;
    let mut agency_beside_title = false;
    let (header_lines, subtitle_lines) = if pr.poster {
        // The title has the full width; the agency stands right of the subtitle.
        let agency = m.wrap(Weight::SemiBold, &labels.agency, pr.lane, inner_w * AGENCY_W);
        let h = m.wrap(Weight::Bold, &labels.title, pr.title, inner_w);
        let s = labels
            .subtitle
            .as_deref()
            .map(|s| m.wrap(Weight::Regular, s, pr.subtitle, inner_w * 0.72))
            .unwrap_or_default();
        // A short title leaves room for the agency on its first line.
        let beside = h.first().is_some_and(|t| {
            m.width(Weight::Bold, t, pr.title) + pr.gap + m.width(Weight::SemiBold, &labels.agency, pr.lane) <= inner_w
        });
        let agency_h = if beside { 0.0 } else { agency.len() as f64 * pr.lh(pr.lane) };
        // The header sits close above the lanes it introduces.
        y += h.len() as f64 * pr.title_lh() + (s.len() as f64 * pr.lh(pr.subtitle)).max(agency_h) + pr.gap * 0.6;
        agency_beside_title = beside;
        (h, s)
    } else {
        (Vec::new(), Vec::new())
    };
    let lane_y = y;

    // Legend and footer, anchored to the bottom.
    let footer_w = if pr.poster { FOOTER_W } else { 0.0 };
    let legend_w = inner_w - footer_w - pr.gap;
    let mut legend = Vec::new();
    let mut bottom_h = 0.0;
    if pr.poster {
        // Each level is a label box with its explanation to the right, as many per row as
        // leave the explanation at least LEGEND_TEXT_EMS wide: it then reads in a few long
        // lines instead of a narrow column of short ones.
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
        let per_row = (1..=n)
            .rev()
            .find(|&k| cell_w(k) - label_box(cell_w(k)) - pr.pad >= LEGEND_TEXT_EMS * pr.body)
            .unwrap_or(1);
        let cell = cell_w(per_row);
        let label_w = label_box(cell);
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
            legend.push(LegendLevel {
                level: i,
                x: pr.margin + (i % per_row) as f64 * (cell + pr.gap),
                y: row_top,
                w: cell,
                h,
                label_w,
                text_w,
                label_lines,
                meaning_lines,
            });
        }
        let tallest = row_top + row_h;
        let legend_h = if d.legend { lh * 1.3 + tallest + pr.row_gap + 3.0 * lh } else { 0.0 };
        let footer_h = QR_SIZE + 5.0 * lh;
        bottom_h = legend_h.max(footer_h) + pr.gap;
        if !d.legend {
            legend.clear();
        }
    }

    // Measure blocks once per column width; pick the narrowest column count
    // that fits (wider blocks read better).
    let s_count = stages.len().max(1);
    let max_cols = ((inner_w + pr.gap) / (pr.min_col + pr.gap)).floor().max(s_count as f64) as usize;
    // (total height, columns per stage, column width, blocks, lane header height, lane titles)
    type Candidate<'b> = (f64, Vec<usize>, f64, Vec<Vec<Measured<'b>>>, f64, Vec<Vec<String>>);
    let mut best: Option<Candidate<'a>> = None;
    let mut fits = false;
    for c in s_count..=max_cols {
        let col_w = (inner_w - (c as f64 - 1.0) * pr.gap) / c as f64;
        let measured: Vec<Vec<Measured>> = stages
            .iter()
            .map(|&s| {
                shown
                    .iter()
                    .filter(|p| p.stage == s)
                    .map(|p| {
                        let note = notes.get(p.code.as_str()).map(String::as_str);
                        measure_block(p, col_w, pr, labels, site, m, times, note)
                    })
                    .collect()
            })
            .collect();
        let k = allocate(&measured, c, pr.row_gap);
        let grid_h = measured.iter().zip(&k).map(|(blocks, &k)| partition(blocks, k, pr.row_gap).1).fold(0.0, f64::max);
        let lane_titles: Vec<Vec<String>> = stages
            .iter()
            .zip(&k)
            .map(|(&s, &k)| {
                let w = k as f64 * col_w + (k as f64 - 1.0) * pr.gap;
                let stage = &site.stages[s];
                m.wrap(
                    Weight::Bold,
                    &format!("{}. {}", stage.number, lang.pick(&stage.title).0),
                    pr.lane,
                    w - 2.0 * pr.pad - pr.lane,
                )
            })
            .collect();
        let lane_h = lane_titles.iter().map(|t| t.len()).max().unwrap_or(1) as f64 * pr.lh(pr.lane) + 2.0 * pr.pad;
        let corridor = if d.arrows { corridor_h(pr) } else { 0.0 };
        let total = lane_y + lane_h + corridor + grid_h + pr.gap + bottom_h + pr.margin;
        // Posters: the first count that fits the paper. Website: the first
        // that is not much taller than wide. Otherwise the shortest.
        let good = match pr.canvas_h {
            Some(h) => total <= h,
            None => total <= pr.canvas_w * 0.9,
        };
        if good || best.as_ref().is_none_or(|b| total < b.0) {
            best = Some((total, k, col_w, measured, lane_h, lane_titles));
        }
        if good {
            fits = true;
            break;
        }
    }
    if pr.canvas_h.is_none() {
        fits = true;
    }
    let Some((_, k, col_w, measured, lane_h, lane_titles)) = best else {
        let empty = Layout {
            width: pr.canvas_w,
            height: pr.canvas_h.unwrap_or(100.0),
            header_lines,
            title_size: pr.title,
            agency_beside_title,
            subtitle_lines,
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
        };
        return (empty, true);
    };

    // Place.
    let corridor = if d.arrows { corridor_h(pr) } else { 0.0 };
    let grid_top = lane_y + lane_h + corridor;
    let mut lanes = Vec::new();
    let mut blocks = Vec::new();
    let mut col = 0usize;
    let mut grid_bottom = grid_top;
    for ((&s, stage_blocks), (&k, title_lines)) in stages.iter().zip(measured).zip(k.iter().zip(lane_titles)) {
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
                note_lines: b.note_lines,
                alternative: b.alternative,
            });
            y += b.h + pr.row_gap;
            grid_bottom = grid_bottom.max(y - pr.row_gap);
        }
        col += k;
    }
    // A poster with room to spare spreads its rows (each gap up to 2.5 × the row gap)
    // rather than leave an empty band above the legend.
    if let (true, Some(h)) = (pr.poster, pr.canvas_h) {
        let spare = h - pr.margin - bottom_h - grid_bottom;
        let mut index = vec![0usize; blocks.iter().map(|b| b.col + 1).max().unwrap_or(0)];
        let mut nth = Vec::with_capacity(blocks.len());
        for b in &blocks {
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
        header_lines,
        title_size: pr.title,
        agency_beside_title,
        subtitle_lines,
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
    };
    (layout, fits)
}

/// A block's lines and height; `note` is its "Sau: …" line of relations no arrow carries.
#[allow(clippy::too_many_arguments)]
fn measure_block<'a>(
    p: &'a Procedure,
    w: f64,
    pr: &Profile,
    labels: &Labels,
    site: &Site,
    m: &Measurer,
    times: &dyn Fn(&Procedure) -> String,
    note: Option<&str>,
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
    // The note sits under the time, set off by a rule, at the body size.
    let note_lines = note.map(|n| m.wrap(Weight::Regular, n, pr.body, inner)).unwrap_or_default();
    let note_h = if note_lines.is_empty() { 0.0 } else { pr.pad * NOTE_GAP + note_lines.len() as f64 * lh };
    let h = band_h
        + pr.pad
        + lh
        + title_lines.len() as f64 * lh
        + pr.pad * 0.5
        + time_lines.len() as f64 * lh
        + note_h
        + pr.pad;
    Measured { p, band_lines, band_h, title_lines, time_lines, note_lines, h, alternative }
}

/// Columns per stage: each stage starts with one, then the stage with the
/// tallest column gets another until `cols` are used (or every stage has a
/// column per block). This minimises the tallest column, so lanes balance.
fn allocate(stages: &[Vec<Measured>], cols: usize, gap: f64) -> Vec<usize> {
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
fn partition(blocks: &[Measured], k: usize, gap: f64) -> (Vec<usize>, f64) {
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

/// Spacing of arrow tracks: two in each gutter, two in the corridor.
fn track(pr: &Profile) -> f64 {
    pr.gap * 0.4
}

/// Height of the corridor above the blocks: its two tracks, and room for an
/// arrow that enters a column's first block from above.
fn corridor_h(pr: &Profile) -> f64 {
    2.0 * track(pr) + pr.row_gap.max(track(pr))
}

/// A drawn relation: source and target block, and how it runs.
enum Run {
    /// To the next column: out of the source's right, down the gutter, into the target's left.
    Next,
    /// Within a column: down the gutter on its right, into the target from above.
    Same,
    /// Anywhere else: up the source's gutter, along the corridor, down the gutter left of the target.
    Far,
}

/// Where arrow lines may run: gutter `g` (right of column g; -1 is the left
/// margin) or the corridor. Each has two tracks; a track holds one line per
/// owner (a source: all its arrows share one line there, splitting late),
/// and lines of different owners on a track never overlap.
#[derive(Default)]
struct Tracks {
    /// (resource, owner) → (track, low, high).
    claims: FxHashMap<(i64, usize), Claim>,
}

/// A line on a track: (track, low, high).
type Claim = (usize, f64, f64);

const CORRIDOR: i64 = i64::MIN;

impl Tracks {
    /// The track `owner` would use to extend its line in `res` over `lo..hi`, if any.
    fn fits(&self, res: i64, owner: usize, lo: f64, hi: f64, prefer: usize, clear: f64) -> Option<Claim> {
        let free = |t: usize, lo: f64, hi: f64| {
            self.claims
                .iter()
                .all(|(&(r, o), &(tt, a, b))| r != res || o == owner || tt != t || b + clear <= lo || hi + clear <= a)
        };
        if let Some(&(t, a, b)) = self.claims.get(&(res, owner)) {
            let (lo, hi) = (lo.min(a), hi.max(b));
            return free(t, lo, hi).then_some((t, lo, hi));
        }
        [prefer, 1 - prefer].into_iter().find(|&t| free(t, lo, hi)).map(|t| (t, lo, hi))
    }
}

/// `after` relations between the shown procedures, without those another
/// path of relations already implies (the transitive reduction): an arrow
/// A→C says nothing that A→B→C does not.
fn reduced_edges(blocks: &[BlockBox]) -> Vec<(usize, usize)> {
    let index: FxHashMap<&str, usize> = blocks.iter().enumerate().map(|(i, b)| (b.p.code.as_str(), i)).collect();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); blocks.len()];
    let mut edges = Vec::new();
    for (t, b) in blocks.iter().enumerate() {
        for a in &b.p.after {
            if let Some(&s) = index.get(a.as_str())
                && s != t
                && !succ[s].contains(&t)
            {
                succ[s].push(t);
                edges.push((s, t));
            }
        }
    }
    let reaches = |from: usize, to: usize, skip: (usize, usize)| {
        let mut seen = vec![false; blocks.len()];
        let mut stack = vec![from];
        while let Some(x) = stack.pop() {
            for &y in &succ[x] {
                if (x, y) == skip || seen[y] {
                    continue;
                }
                if y == to {
                    return true;
                }
                seen[y] = true;
                stack.push(y);
            }
        }
        false
    };
    edges.into_iter().filter(|&(s, t)| !reaches(s, t, (s, t))).collect()
}

/// Orthogonal arrows from each `after` procedure to the one that follows it,
/// at most two parallel lines in any gutter and in the corridor. Arrows from
/// one source share their line (a trunk that splits late), so one source's
/// relations cost one line per gutter whatever their number. Every arrowhead
/// points along the journey: right into a target's left side, or down onto a
/// block below in the same column. Relations are placed shortest first; one
/// that finds no free track is left out and returned.
fn route(
    blocks: &[BlockBox],
    corridor_top: f64,
    col_w: f64,
    pr: &Profile,
    noted: &FxHashSet<(String, String)>,
) -> (Vec<Arrow>, Vec<(String, String)>) {
    let mut edges = reduced_edges(blocks);
    // Relations already named in their target's note are not drawn as well.
    if !noted.is_empty() {
        edges.retain(|&(s, t)| !noted.contains(&(blocks[s].p.code.clone(), blocks[t].p.code.clone())));
    }
    let span = |&(s, t): &(usize, usize)| {
        let (cs, ct) = (blocks[s].col as i64, blocks[t].col as i64);
        ((ct - cs).abs(), cs, blocks[s].y, ct, blocks[t].y)
    };
    // Shortest first, in reading order.
    edges.sort_by(|a, b| {
        let (x, y) = (span(a), span(b));
        x.0.cmp(&y.0).then(x.1.cmp(&y.1)).then(x.2.total_cmp(&y.2)).then(x.3.cmp(&y.3)).then(x.4.total_cmp(&y.4))
    });
    // Or the sources with the most relations first (a hub's trunk, then the rest):
    // whichever order leaves fewer relations out is drawn.
    let mut out_degree = vec![0usize; blocks.len()];
    for &(s, _) in &edges {
        out_degree[s] += 1;
    }
    let mut by_source = edges.clone();
    by_source.sort_by_key(|&(s, _)| std::cmp::Reverse(out_degree[s]));
    let a = place(blocks, edges, corridor_top, col_w, pr);
    let b = place(blocks, by_source, corridor_top, col_w, pr);
    if b.1.len() < a.1.len() { b } else { a }
}

/// Places `edges` in this order (see `route`).
fn place(
    blocks: &[BlockBox],
    edges: Vec<(usize, usize)>,
    corridor_top: f64,
    col_w: f64,
    pr: &Profile,
) -> (Vec<Arrow>, Vec<(String, String)>) {
    let gutter_left = |g: i64| pr.margin + (g + 1) as f64 * (col_w + pr.gap) - pr.gap;
    let gx = |g: i64, t: usize| gutter_left(g) + pr.gap * (0.3 + 0.4 * t as f64);
    let cy = |t: usize| corridor_top + track(pr) * (0.8 + t as f64);
    let clear = pr.row_gap * 0.5;
    let band_y = |b: &BlockBox| b.y + b.band_h / 2.0;
    let mut tracks = Tracks::default();
    let mut placed = Vec::new();
    let mut omitted = Vec::new();
    for (s, t) in edges {
        let (sb, tb) = (&blocks[s], &blocks[t]);
        let (cs, ct) = (sb.col as i64, tb.col as i64);
        let (sy, ty) = (band_y(sb), band_y(tb));
        let (run, needs): (Run, Vec<(i64, f64, f64, usize)>) = if ct == cs + 1 {
            (Run::Next, vec![(cs, sy.min(ty), sy.max(ty), 0)])
        } else if ct == cs {
            let ty = tb.y - pr.row_gap / 2.0;
            (Run::Same, vec![(cs, sy.min(ty), sy.max(ty), 0)])
        } else {
            let (a, b) = (cs.min(ct - 1), cs.max(ct - 1));
            (
                Run::Far,
                vec![
                    (cs, corridor_top, sy, 0),
                    (CORRIDOR, gutter_left(a), gutter_left(b) + pr.gap, 0),
                    (ct - 1, corridor_top, ty, 1),
                ],
            )
        };
        let claims: Option<Vec<(i64, Claim)>> = needs
            .iter()
            .map(|&(res, lo, hi, prefer)| tracks.fits(res, s, lo, hi, prefer, clear).map(|c| (res, c)))
            .collect();
        match claims {
            Some(claims) => {
                for (res, c) in claims {
                    tracks.claims.insert((res, s), c);
                }
                placed.push((s, t, run));
            }
            None => omitted.push((sb.p.code.clone(), tb.p.code.clone())),
        }
    }
    let track_of = |res: i64, owner: usize| tracks.claims[&(res, owner)].0;
    // Drawn in the blocks' order, so the SVG does not depend on the placing order.
    placed.sort_by_key(|&(s, t, _)| (s, t));
    let arrows = placed
        .into_iter()
        .map(|(s, t, run)| {
            let (sb, tb) = (&blocks[s], &blocks[t]);
            let (cs, ct) = (sb.col as i64, tb.col as i64);
            let (sy, ty) = (band_y(sb), band_y(tb));
            let start = (sb.x + sb.w, sy);
            let x = gx(cs, track_of(cs, s));
            let points = match run {
                Run::Next => vec![start, (x, sy), (x, ty), (tb.x, ty)],
                Run::Same => {
                    // Into the top of the block, right of its middle (clear of the level's name).
                    let (ey, ex) = (tb.y - pr.row_gap / 2.0, tb.x + tb.w * 0.75);
                    vec![start, (x, sy), (x, ey), (ex, ey), (ex, tb.y)]
                }
                Run::Far => {
                    let y = cy(track_of(CORRIDOR, s));
                    let x2 = gx(ct - 1, track_of(ct - 1, s));
                    vec![start, (x, sy), (x, y), (x2, y), (x2, ty), (tb.x, ty)]
                }
            };
            Arrow { from: sb.p.code.clone(), to: tb.p.code.clone(), points }
        })
        .collect();
    (arrows, omitted)
}
