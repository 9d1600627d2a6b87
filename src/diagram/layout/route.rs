//! Arrow routing: orthogonal lines from each `after` procedure to the one that
//! follows it, through the gutters between columns and the corridor above the blocks.

use super::{Arrow, BlockBox, Profile};
use rustc_hash::{FxHashMap, FxHashSet};

/// Spacing of arrow tracks: two in each gutter, two in the corridor.
fn track(pr: &Profile) -> f64 {
    pr.gap * 0.4
}

/// Height of the corridor above the blocks: its two tracks, and room for an
/// arrow that enters a column's first block from above.
pub(super) fn corridor_h(pr: &Profile) -> f64 {
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
pub(super) fn route(
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
