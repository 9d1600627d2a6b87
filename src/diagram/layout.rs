//! Where everything goes. Stages are lanes from left to right in journey
//! order; a lane has one or more columns of blocks, given in proportion to
//! its share of the content, so lanes are balanced. Blocks are as tall as
//! their wrapped text needs: text is never clipped. Arrows run only through
//! the gutters between columns and the corridor above the blocks, so they
//! cannot cross a block.

mod columns;
pub mod items;
mod pass;
mod route;

use super::measure::Measurer;
use crate::lang::Lang;
use crate::model::{Diagram, Procedure, Site};
use pass::try_layout_noted;
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
    /// The QR code's symbol (its quiet zone lies outside), in canvas units; 0 on the website.
    pub qr: f64,
    /// Title, legend and footer (posters); the website page has its own.
    pub poster: bool,
}

pub const PT: f64 = 25.4 / 72.0;

impl Profile {
    /// A poster canvas in millimetres. Text sizes are for A1 (14 pt body,
    /// legible at arm's length); smaller paper prints the same design scaled.
    /// The title is 72 pt on A1 and scales with the paper (≈ 102 pt on A0, 51 pt
    /// on A2): `title` is its size on the paper, and `layout` keeps it so whatever
    /// the canvas scale. The QR code does the same: QR_MM on A1 (issue 12: at least
    /// 80 mm on A1 and A0, scannable from about 1.5 m), ≈ 116 mm on A0, 58 mm on A2.
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
            qr: QR_MM * paper_short / 594.0,
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
            qr: 0.0,
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
    /// "Nội bộ: 20 ngày làm việc, 4 đơn vị" (`internal_process = true`), or none.
    pub process_lines: Vec<String>,
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
    /// The QR code's symbol side (0: no code).
    pub qr: f64,
}

/// Width of the QR code's caption at its right (the portal, agency, edition and note), in
/// canvas mm: at 14 pt its lines stand beside the code rather than below it.
pub const FOOTER_TEXT_W: f64 = 72.0;
/// Line height of the poster title, in ems.
pub const TITLE_LH: f64 = 1.1;
/// Share of the inner width the agency's name may take, right of the subtitle.
pub const AGENCY_W: f64 = 0.25;
/// The QR code's symbol side on A1 paper, in mm, without its quiet zone.
pub const QR_MM: f64 = 82.0;
/// The quiet zone around a QR symbol, in modules.
pub const QR_QUIET: f64 = 2.0;
/// The space between the title's last line and the subtitle, in ems of the title: with the
/// title's tight leading (its descent reaches 0.145 em below its line), this leaves 0.31 em
/// between the title's descent and the subtitle's ascent (Be Vietnam Pro's 0.265 and 1.0 em).
pub const SUBTITLE_GAP: f64 = 0.46;
/// A legend explanation wraps to at least this many ems (≈ 60 characters a line).
pub const LEGEND_TEXT_EMS: f64 = 26.0;
/// Space above a block's "Sau: …" note (in pads), where its rule runs.
pub const NOTE_GAP: f64 = 1.2;

/// The widest quiet zone a QR symbol of side `qr` has (QR_QUIET modules of the smallest
/// symbol, 21 modules): the legend's gap leaves it free at the left, the caption at the right.
pub fn quiet_zone(qr: f64) -> f64 {
    QR_QUIET * qr / 21.0
}

/// The space between the title's last line and the subtitle (or the agency under it):
/// SUBTITLE_GAP of the title, less the room above the subtitle's ascent in its line box.
/// (`text` sets a line's ascent 0.13 em below its box's top.)
pub fn subtitle_gap(title: f64, subtitle: f64, below: bool) -> f64 {
    if below { (SUBTITLE_GAP * title - 0.13 * subtitle).max(0.0) } else { 0.0 }
}

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
    // Each block's time once: `times` builds the procedure's whole list row, and a
    // large poster is laid out dozens of times (twice or more per try: `try_layout`).
    let known: FxHashMap<&str, String> = d.select(site).map(|p| (p.code.as_str(), times(p))).collect();
    let times = |p: &Procedure| known.get(p.code.as_str()).cloned().unwrap_or_else(|| times(p));
    fit(site, d, profile, min_canvas_w, labels, m, &times)
}

/// `layout` with each block's time known.
fn fit<'a>(
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
    let qr_on_paper = profile.qr;
    let paper_w = min_canvas_w;
    let scale = |p: &mut Profile, k: f64| {
        p.canvas_w *= k;
        p.canvas_h = p.canvas_h.map(|h| h * k);
        if p.poster {
            p.title = title_on_paper * p.canvas_w / paper_w;
            p.qr = qr_on_paper * p.canvas_w / paper_w;
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
    // down to 72 pt on the paper, then tightens its spacing and narrows its columns
    // (long titles wrap into more lines, blocks grow taller), before its body text
    // would fall under 14 pt.
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
        let mut p = profile.clone();
        p.title = floor;
        for p in tighter(&p) {
            let (l, fits) = try_layout(site, d, &p, labels, m, times);
            if fits {
                return l;
            }
        }
    }
    grow_to_fit(&profile, &scale, &|p: &Profile| try_layout(site, d, p, labels, m, times))
}

/// The layout at the smallest of up to `SCALE_STEPS` growth steps of the canvas that fits.
fn grow_to_fit<'a>(
    profile: &Profile,
    scale: &dyn Fn(&mut Profile, f64),
    layout: &dyn Fn(&Profile) -> (Layout<'a>, bool),
) -> Layout<'a> {
    // The smallest of up to 120 steps of 1.015 that fits. Step i is the same canvas as
    // scaling i times by 1.015; the steps are searched by doubling, then bisecting,
    // not one by one: a large site's journey poster needs dozens of steps, each a full
    // layout of every block (12 s per poster at 500 records before, in every build and
    // every `serve` start; 3 s now). If fitting grows with the step, as it does, the
    // step found is the one the one-by-one search found (same SVG, same cache keys).
    let at = |steps: usize| {
        let mut p = profile.clone();
        for _ in 0..steps {
            scale(&mut p, 1.015);
        }
        layout(&p)
    };
    let (mut lo, mut hi) = (0, 1);
    let mut fitting = loop {
        let (l, fits) = at(hi);
        if fits || hi == SCALE_STEPS {
            break (l, fits);
        }
        lo = hi;
        hi = (hi * 2).min(SCALE_STEPS);
    };
    if !fitting.1 {
        return fitting.0;
    }
    // Step `lo` does not fit, step `hi` does.
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        let (l, fits) = at(mid);
        if fits {
            (hi, fitting) = (mid, (l, fits));
        } else {
            lo = mid;
        }
    }
    fitting.0
}

/// How many times an overfull canvas may grow by 1.5 % (×5.96 in all).
const SCALE_STEPS: usize = 120;

/// The spacing an overfull poster tries, in order, before its type would shrink:
/// gutters and row gaps a fifth narrower (arrow tracks stay 3 mm apart), then columns
/// down to 42 mm on A1 (more of them: long titles wrap into more lines and blocks grow
/// taller), then a smaller inner padding, then columns down to 38 mm.
fn tighter(p: &Profile) -> Vec<Profile> {
    let mut out = Vec::new();
    let mut t = p.clone();
    t.gap *= 0.8;
    t.row_gap *= 0.75;
    out.push(t.clone());
    t.min_col *= 0.84;
    out.push(t.clone());
    t.pad *= 0.8;
    out.push(t.clone());
    // The whole journey in English on A1 portrait, beside a legend whose rows are all
    // counted and an 80 mm QR code: columns down to 38 mm.
    t.min_col *= 0.9;
    out.push(t);
    out
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
