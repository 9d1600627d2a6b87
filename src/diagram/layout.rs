//! Where everything goes. Stages are lanes from left to right in journey
//! order; a lane has one or more columns of blocks, given in proportion to
//! its share of the content, so lanes are balanced. Blocks are as tall as
//! their wrapped text needs: text is never clipped. Arrows run only through
//! the gutters between columns and the corridor above the blocks, so they
//! cannot cross a block.

use super::measure::{Measurer, Weight};
use crate::lang::Lang;
use crate::model::{Diagram, Procedure, Site};
use rustc_hash::FxHashMap;

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
    pub x: f64,
    pub w: f64,
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
    h: f64,
    alternative: bool,
}

pub const FOOTER_W: f64 = 150.0;
/// Line height of the poster title, in ems.
pub const TITLE_LH: f64 = 1.1;
/// Share of the inner width the agency's name may take, right of the subtitle.
pub const AGENCY_W: f64 = 0.25;
pub const QR_SIZE: f64 = 38.0;

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

fn try_layout<'a>(
    site: &'a Site,
    d: &'a Diagram,
    pr: &Profile,
    labels: &Labels,
    m: &Measurer,
    times: &dyn Fn(&Procedure) -> String,
) -> (Layout<'a>, bool) {
    let lang = labels.lang;
    let shown: Vec<&Procedure> = d.select(site).collect();
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
        let n = site.levels.len().max(1) as f64;
        let col_w = (legend_w - (n - 1.0) * pr.gap) / n;
        let mut tallest: f64 = 0.0;
        for (i, l) in site.levels.iter().enumerate() {
            let label = lang.pick(&l.label).0;
            let meaning = match (lang, &l.meaning.plain_en) {
                (Lang::En, Some(en)) => en.clone(),
                _ => l.meaning.plain.clone(),
            };
            let label_lines = m.wrap(Weight::SemiBold, label, pr.body, col_w - 2.0 * pr.pad - lh);
            let meaning_lines = m.wrap(Weight::Regular, &meaning, pr.body, col_w);
            tallest = tallest.max(label_lines.len() as f64 * lh + 2.0 * pr.pad + meaning_lines.len() as f64 * lh);
            legend.push(LegendLevel {
                level: i,
                x: pr.margin + i as f64 * (col_w + pr.gap),
                w: col_w,
                label_lines,
                meaning_lines,
            });
        }
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
                    .map(|p| measure_block(p, col_w, pr, labels, site, m, times))
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
        let corridor = if d.arrows { corridor_for(&stages, &measured, &k, pr) } else { 0.0 };
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
            legend_y: lane_y,
            legend,
            legend_items_y: lane_y,
            footer_x: 0.0,
            footer_w,
        };
        return (empty, true);
    };

    // Place.
    let corridor = if d.arrows { corridor_for(&stages, &measured, &k, pr) } else { 0.0 };
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
                alternative: b.alternative,
            });
            y += b.h + pr.row_gap;
            grid_bottom = grid_bottom.max(y - pr.row_gap);
        }
        col += k;
    }
    // Now that columns are known, only sources with arrows to a column that
    // is not next door need a corridor track: shrink the corridor to those.
    let needed = if d.arrows { placed_trunk_sources(&blocks) } else { Vec::new() };
    let real_corridor = if d.arrows { (needed.len() as f64 + 1.0) * track(pr) } else { 0.0 };
    let shift = real_corridor - corridor;
    for b in &mut blocks {
        b.y += shift;
    }
    let grid_top = grid_top + shift;
    let grid_bottom = grid_bottom + shift;
    let arrows = if d.arrows { route(&blocks, &needed, lane_y + lane_h, real_corridor, pr) } else { Vec::new() };

    let height = match pr.canvas_h {
        Some(h) => h,
        None => grid_bottom + pr.margin,
    };
    let legend_y = height - pr.margin - bottom_h + pr.gap;
    let tallest_level = legend
        .iter()
        .map(|l| l.label_lines.len() as f64 * lh + 2.0 * pr.pad + l.meaning_lines.len() as f64 * lh)
        .fold(0.0, f64::max);
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
        legend_y,
        legend,
        legend_items_y,
        footer_x: pr.canvas_w - pr.margin - footer_w,
        footer_w,
    };
    (layout, fits)
}

fn measure_block<'a>(
    p: &'a Procedure,
    w: f64,
    pr: &Profile,
    labels: &Labels,
    site: &Site,
    m: &Measurer,
    times: &dyn Fn(&Procedure) -> String,
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
    let h = band_h + pr.pad + lh + title_lines.len() as f64 * lh + pr.pad * 0.5 + time_lines.len() as f64 * lh + pr.pad;
    Measured { p, band_lines, band_h, title_lines, time_lines, h, alternative }
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

/// Height of the corridor above the blocks: one track per source with an
/// arrow to a column that is neither its own nor the next.
fn corridor_for(stages: &[usize], measured: &[Vec<Measured>], k: &[usize], pr: &Profile) -> f64 {
    let mut col_of: FxHashMap<&str, usize> = FxHashMap::default();
    let mut first = 0;
    for ((_, blocks), &k) in stages.iter().zip(measured).zip(k) {
        let (breaks, _) = partition(blocks, k, pr.row_gap);
        let mut sub = 0;
        for (i, b) in blocks.iter().enumerate() {
            if breaks.contains(&i) {
                sub += 1;
            }
            col_of.insert(&b.p.code, first + sub);
        }
        first += k;
    }
    let mut sources: Vec<&str> = Vec::new();
    for blocks in measured {
        for b in blocks {
            for a in &b.p.after {
                if let (Some(&cs), Some(&ct)) = (col_of.get(a.as_str()), col_of.get(b.p.code.as_str()))
                    && ct != cs
                    && ct != cs + 1
                    && !sources.contains(&a.as_str())
                {
                    sources.push(a);
                }
            }
        }
    }
    (sources.len() as f64 + 1.0) * track(pr)
}

fn track(pr: &Profile) -> f64 {
    pr.gap / 4.0
}

/// Orthogonal arrows from each `after` procedure to the one that follows it.
fn route(blocks: &[BlockBox], sources: &[String], corridor_top: f64, corridor: f64, pr: &Profile) -> Vec<Arrow> {
    let by_code: FxHashMap<&str, &BlockBox> = blocks.iter().map(|b| (b.p.code.as_str(), b)).collect();
    // Gutter g lies right of column g; gutter -1 is the left margin. Each
    // source gets its own track in a gutter so parallel arrows stay apart.
    let mut gutter_users: FxHashMap<i64, Vec<&str>> = FxHashMap::default();
    let mut plans = Vec::new();
    for t in blocks {
        for a in &t.p.after {
            let Some(s) = by_code.get(a.as_str()) else { continue };
            let (cs, ct) = (s.col as i64, t.col as i64);
            // Next column or same column: the gutter right of the source.
            // Anything else: that gutter, the corridor, the gutter left of the target.
            let gutters: Vec<i64> = if ct == cs + 1 || ct == cs { vec![cs] } else { vec![cs, ct - 1] };
            for g in &gutters {
                let users = gutter_users.entry(*g).or_default();
                if !users.contains(&s.p.code.as_str()) {
                    users.push(&s.p.code);
                }
            }
            plans.push((*s, t, gutters));
        }
    }
    let gx = |g: i64, src: &str| -> f64 {
        let users = &gutter_users[&g];
        let n = users.len() as f64;
        let slot = users.iter().position(|u| *u == src).unwrap_or(0) as f64;
        let spacing = (pr.gap * 0.8 / n.max(1.0)).min(track(pr));
        let centre = pr.margin + (g + 1) as f64 * (blocks_col_w(blocks) + pr.gap) - pr.gap / 2.0;
        centre + (slot - (n - 1.0) / 2.0) * spacing
    };
    let mut arrows = Vec::new();
    for (s, t, gutters) in plans {
        let sy = s.y + s.band_h / 2.0;
        let ty = t.y + t.band_h / 2.0;
        let start = (s.x + s.w, sy);
        let points = if t.col == s.col + 1 {
            let x = gx(gutters[0], &s.p.code);
            vec![start, (x, sy), (x, ty), (t.x, ty)]
        } else if t.col == s.col {
            let x = gx(gutters[0], &s.p.code);
            vec![start, (x, sy), (x, ty), (t.x + t.w, ty)]
        } else {
            let i = sources.iter().position(|c| *c == s.p.code).unwrap_or(0) as f64;
            let ytrack = corridor_top + corridor - (i + 1.0) * track(pr);
            let (x1, x2) = (gx(gutters[0], &s.p.code), gx(gutters[1], &s.p.code));
            vec![start, (x1, sy), (x1, ytrack), (x2, ytrack), (x2, ty), (t.x, ty)]
        };
        arrows.push(Arrow { from: s.p.code.clone(), to: t.p.code.clone(), points });
    }
    arrows
}

/// Sources with an arrow to a column other than their own or the next.
fn placed_trunk_sources(blocks: &[BlockBox]) -> Vec<String> {
    let by_code: FxHashMap<&str, &BlockBox> = blocks.iter().map(|b| (b.p.code.as_str(), b)).collect();
    let mut sources: Vec<String> = Vec::new();
    for t in blocks {
        for a in &t.p.after {
            if let Some(s) = by_code.get(a.as_str())
                && t.col != s.col
                && t.col != s.col + 1
                && !sources.contains(a)
            {
                sources.push(a.clone());
            }
        }
    }
    sources
}

fn blocks_col_w(blocks: &[BlockBox]) -> f64 {
    blocks.first().map_or(0.0, |b| b.w)
}
