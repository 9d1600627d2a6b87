//! Dossier statistics: the online share per year, per stage and per field,
//! against the 15 %/30 % target bands of Circular 01/2018/TT-VPCP (Art. 13,
//! index 9), the share of procedures at each level, and the procedures where
//! promoting online filing pays most.
//!
//! Pure functions over the `Site`: renderers (HTML, open data) only format
//! what is computed here, so the page and the JSON show the same numbers.
//!
//! A record's year counts towards a share only when it gives both `received`
//! and `received_online` (a share of unknown totals would be invented);
//! `resolved_online` and `resolved_on_time` are summed where given.

use crate::model::{LegalBasis, Procedure, SatisfactionCriterion, SatisfactionTarget, Site, YearStats};
use serde::Serialize;
use std::collections::BTreeMap;

/// How many procedures the "promote online filing" ranking lists.
pub const PROMOTE_TOP: usize = 10;

/// Where a share falls against the target: below the lower line, between
/// the lines (one point), or at/above the upper line (two points).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Below,
    Low,
    High,
}

impl Band {
    pub fn of(percent: f64, low: f64, high: f64) -> Band {
        if percent >= high {
            Band::High
        } else if percent >= low {
            Band::Low
        } else {
            Band::Below
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            Band::Below => "below",
            Band::Low => "low",
            Band::High => "high",
        }
    }
}

/// Summed figures of one group (the whole site, a stage, a field) in one year.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    pub year: i64,
    /// Procedures whose record gives both totals for this year.
    pub procedures: usize,
    pub received: i64,
    pub received_online: i64,
    pub resolved_online: i64,
    pub resolved_on_time: i64,
    /// `received_online / received` in percent, rounded to 0.1; `None` when nothing was received.
    pub percent: Option<f64>,
    pub band: Option<Band>,
}

/// One procedure's figures for one year, with its share and band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearShare {
    pub year: i64,
    pub received: Option<i64>,
    pub received_online: Option<i64>,
    pub resolved_online: Option<i64>,
    pub resolved_on_time: Option<i64>,
    pub percent: Option<f64>,
    pub band: Option<Band>,
}

/// A group's totals for every year of the site's figures (same order as `Stats::years`).
#[derive(Debug, Clone, Serialize)]
pub struct GroupTotals {
    /// Index into `Site::stages` or `Site::fields`.
    pub index: usize,
    pub key: String,
    pub years: Vec<Totals>,
}

/// Procedures and their share of all procedures at one level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelShare {
    pub key: String,
    pub count: usize,
    pub percent: f64,
}

/// A procedure that already allows online filing (Decree 43 level 3 or 4)
/// but still received dossiers on paper in the latest year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Promote {
    /// Index into `Site::procedures`.
    pub procedure: usize,
    pub code: String,
    pub year: i64,
    pub offline: i64,
    pub received: i64,
    pub percent: f64,
}

/// Everything the statistics page and the open data show.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub target_low: f64,
    pub target_high: f64,
    /// Years with at least one usable figure, ascending.
    pub years: Vec<i64>,
    pub overall: Vec<Totals>,
    pub by_stage: Vec<GroupTotals>,
    pub by_field: Vec<GroupTotals>,
    pub levels: Vec<LevelShare>,
    /// Most offline dossiers first, in the latest year.
    pub promote: Vec<Promote>,
    /// The satisfaction survey (SIPAS) results and target.
    pub satisfaction: SatisfactionStats,
}

/// The satisfaction survey results as published, judged against the target.
#[derive(Debug, Clone, Serialize)]
pub struct SatisfactionStats {
    pub target: Option<SatisfactionTarget>,
    pub criteria: Vec<SatisfactionCriterion>,
    /// Ascending by year.
    pub years: Vec<SatisfactionYearStats>,
    /// Records' own `satisfied_percent`, by code then year.
    pub procedures: Vec<ProcedureSatisfaction>,
}

impl SatisfactionStats {
    pub fn latest(&self) -> Option<&SatisfactionYearStats> {
        self.years.last()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SatisfactionYearStats {
    pub year: i64,
    pub overall: f64,
    pub respondents: Option<i64>,
    /// `overall >= target`; `None` without a target.
    pub meets_target: Option<bool>,
    /// In the order of `SatisfactionStats::criteria`; criteria the result does not give are left out.
    pub criteria: Vec<CriterionScore>,
    pub source: LegalBasis,
}

#[derive(Debug, Clone, Serialize)]
pub struct CriterionScore {
    pub key: String,
    /// Index into `SatisfactionStats::criteria`.
    #[serde(skip)]
    pub criterion: usize,
    pub percent: f64,
    pub meets_target: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProcedureSatisfaction {
    /// Index into `Site::procedures`.
    #[serde(skip)]
    pub procedure: usize,
    pub code: String,
    pub year: i64,
    pub percent: f64,
    pub meets_target: Option<bool>,
}

/// The survey results of the site and of its records, each judged against the target.
pub fn satisfaction(site: &Site) -> SatisfactionStats {
    let sat = &site.satisfaction;
    let target = sat.target.as_ref().map(|t| t.percent);
    let meets = |p: f64| target.map(|t| p >= t);
    let years = sat
        .years
        .iter()
        .map(|y| SatisfactionYearStats {
            year: y.year,
            overall: y.overall,
            respondents: y.respondents,
            meets_target: meets(y.overall),
            criteria: y
                .criteria
                .iter()
                .map(|&(c, percent)| CriterionScore {
                    key: sat.criteria[c].key.clone(),
                    criterion: c,
                    percent,
                    meets_target: meets(percent),
                })
                .collect(),
            source: y.source.clone(),
        })
        .collect();
    let mut procedures: Vec<ProcedureSatisfaction> = site
        .procedures
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            p.statistics.iter().filter_map(move |y| {
                y.satisfied_percent.map(|percent| ProcedureSatisfaction {
                    procedure: i,
                    code: p.code.clone(),
                    year: y.year,
                    percent,
                    meets_target: meets(percent),
                })
            })
        })
        .collect();
    procedures.sort_by(|a, b| a.code.cmp(&b.code).then(a.year.cmp(&b.year)));
    SatisfactionStats { target: sat.target.clone(), criteria: sat.criteria.clone(), years, procedures }
}

impl Stats {
    pub fn has_figures(&self) -> bool {
        !self.years.is_empty()
    }
    pub fn latest_year(&self) -> Option<i64> {
        self.years.last().copied()
    }
}

/// Percent rounded to one decimal, so text, chart and JSON agree exactly.
pub fn percent(part: i64, total: i64) -> Option<f64> {
    (total > 0).then(|| ((part as f64) * 1000.0 / (total as f64)).round() / 10.0)
}

/// The band of a share, judged on the exact ratio (not the rounded percent:
/// 29.96 % is still below 30 %).
fn band(part: i64, total: i64, low: f64, high: f64) -> Option<Band> {
    (total > 0).then(|| Band::of(part as f64 * 100.0 / total as f64, low, high))
}

/// Both totals of a year, when the record gives them.
fn pair(y: &YearStats) -> Option<(i64, i64)> {
    Some((y.received?, y.received_online?))
}

/// Sums saturate: the loader bounds each figure (`schema::MAX_DOSSIERS`), so
/// no real site comes near `i64::MAX`, but no input can make a sum wrap.
fn add(t: &mut Totals, y: &YearStats) {
    if let Some((r, o)) = pair(y) {
        t.procedures += 1;
        t.received = t.received.saturating_add(r);
        t.received_online = t.received_online.saturating_add(o);
    }
    t.resolved_online = t.resolved_online.saturating_add(y.resolved_online.unwrap_or(0));
    t.resolved_on_time = t.resolved_on_time.saturating_add(y.resolved_on_time.unwrap_or(0));
}

fn finish(mut t: Totals, low: f64, high: f64) -> Totals {
    t.percent = percent(t.received_online, t.received);
    t.band = band(t.received_online, t.received, low, high);
    t
}

/// One procedure's years with share and band, ascending by year.
pub fn procedure_years(p: &Procedure, low: f64, high: f64) -> Vec<YearShare> {
    let mut out: Vec<YearShare> = p
        .statistics
        .iter()
        .map(|y| {
            let (percent, band) = match pair(y) {
                Some((r, o)) => (percent(o, r), band(o, r, low, high)),
                None => (None, None),
            };
            YearShare {
                year: y.year,
                received: y.received,
                received_online: y.received_online,
                resolved_online: y.resolved_online,
                resolved_on_time: y.resolved_on_time,
                percent,
                band,
            }
        })
        .collect();
    out.sort_by_key(|y| y.year);
    out
}

fn group_totals<'a>(procs: impl Iterator<Item = &'a Procedure>, years: &[i64], low: f64, high: f64) -> Vec<Totals> {
    let mut by_year: BTreeMap<i64, Totals> =
        years.iter().map(|&y| (y, Totals { year: y, ..Totals::default() })).collect();
    for p in procs {
        for y in &p.statistics {
            if let Some(t) = by_year.get_mut(&y.year) {
                add(t, y);
            }
        }
    }
    by_year.into_values().map(|t| finish(t, low, high)).collect()
}

/// Computes every statistic of the site.
pub fn compute(site: &Site) -> Stats {
    let (low, high) = (site.config.target_low, site.config.target_high);
    let mut years: Vec<i64> = site
        .procedures
        .iter()
        .flat_map(|p| &p.statistics)
        .filter(|y| pair(y).is_some() || y.resolved_online.is_some() || y.resolved_on_time.is_some())
        .map(|y| y.year)
        .collect();
    years.sort_unstable();
    years.dedup();

    let overall = group_totals(site.procedures.iter(), &years, low, high);
    let by_stage = site
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| GroupTotals {
            index: i,
            key: s.key.clone(),
            years: group_totals(site.procedures.iter().filter(|p| p.stage == i), &years, low, high),
        })
        .collect();
    let by_field = site
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| GroupTotals {
            index: i,
            key: f.key.clone(),
            years: group_totals(site.procedures.iter().filter(|p| p.field == i), &years, low, high),
        })
        .collect();

    let mut counts = vec![0usize; site.levels.len()];
    for p in &site.procedures {
        counts[p.level] += 1;
    }
    let n = site.procedures.len() as i64;
    let levels = site
        .levels
        .iter()
        .zip(&counts)
        .map(|(l, &c)| LevelShare { key: l.key.clone(), count: c, percent: percent(c as i64, n).unwrap_or(0.0) })
        .collect();

    let promote = match years.last() {
        Some(&latest) => promote(site, latest),
        None => Vec::new(),
    };
    let satisfaction = satisfaction(site);
    Stats { target_low: low, target_high: high, years, overall, by_stage, by_field, levels, promote, satisfaction }
}

/// Level 3/4 procedures ranked by dossiers still received offline in `year`
/// (most first; ties by code so the order is stable), top `PROMOTE_TOP`.
fn promote(site: &Site, year: i64) -> Vec<Promote> {
    let mut list: Vec<Promote> = site
        .procedures
        .iter()
        .enumerate()
        .filter(|(_, p)| p.base_level >= 3)
        .filter_map(|(i, p)| {
            let (r, o) = p.statistics.iter().find(|y| y.year == year).and_then(pair)?;
            (r > o).then(|| Promote {
                procedure: i,
                code: p.code.clone(),
                year,
                offline: r.saturating_sub(o),
                received: r,
                percent: percent(o, r).unwrap_or(0.0),
            })
        })
        .collect();
    list.sort_by(|a, b| b.offline.cmp(&a.offline).then_with(|| a.code.cmp(&b.code)));
    list.truncate(PROMOTE_TOP);
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_to_one_decimal() {
        assert_eq!(percent(1, 3), Some(33.3));
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(3, 20), Some(15.0));
        assert_eq!(percent(0, 0), None);
    }

    /// The error tests' minimal site, with figures set here: known numbers, no files to keep in sync.
    /// (year, received, received_online)
    type Year = (i64, Option<i64>, Option<i64>);

    fn site_with(figures: &[(&str, u8, &[Year])]) -> Site {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid-min");
        let mut site = crate::load::load_site(&root, None).expect("valid-min loads");
        for (code, level, years) in figures {
            let i = site.by_code[*code];
            let p = &mut site.procedures[i];
            p.base_level = *level;
            p.statistics = years
                .iter()
                .map(|&(year, received, received_online)| YearStats {
                    year,
                    received,
                    received_online,
                    resolved_online: None,
                    resolved_on_time: None,
                    satisfied_percent: None,
                })
                .collect();
        }
        site
    }

    #[test]
    fn compute_on_known_numbers() {
        let site = site_with(&[
            ("1.009645", 3, &[(2024, Some(100), Some(10)), (2025, Some(100), Some(40))]),
            ("1.009664", 4, &[(2024, Some(100), Some(20)), (2025, Some(100), Some(40))]),
            // Level 2: counted in the shares, never in the promotion ranking; 2024 lacks the online count.
            ("1.009794", 2, &[(2024, Some(50), None), (2025, Some(200), Some(0))]),
        ]);
        let s = compute(&site);
        assert_eq!(s.years, [2024, 2025]);
        let y = &s.overall[0];
        assert_eq!(
            (y.procedures, y.received, y.received_online, y.percent, y.band),
            (2, 200, 30, Some(15.0), Some(Band::Low))
        );
        let y = &s.overall[1];
        assert_eq!(
            (y.procedures, y.received, y.received_online, y.percent, y.band),
            (3, 400, 80, Some(20.0), Some(Band::Low))
        );
        // 1.009645 and 1.009664 both have 60 offline: a tie goes by code; 1.009794's 200 is left out (level 2).
        let ranked: Vec<(&str, i64)> = s.promote.iter().map(|p| (p.code.as_str(), p.offline)).collect();
        assert_eq!(ranked, [("1.009645", 60), ("1.009664", 60)]);
        let dau_tu = s.by_stage.iter().find(|g| g.key == "dau-tu").unwrap();
        assert_eq!(
            (dau_tu.years[1].received, dau_tu.years[1].percent, dau_tu.years[1].band),
            (200, Some(40.0), Some(Band::High))
        );
        let xay_dung = s.by_stage.iter().find(|g| g.key == "xay-dung").unwrap();
        assert_eq!((xay_dung.years[1].percent, xay_dung.years[1].band), (Some(0.0), Some(Band::Below)));
        // Shares of procedures per level (levels 1–4 of the 2011 scheme).
        let levels: Vec<usize> = s.levels.iter().map(|l| l.count).collect();
        assert_eq!(levels, [0, 1, 1, 1]);
        // A procedure's own years: share only where both numbers are given.
        let xd = procedure_years(site.procedure_by_code("1.009794").unwrap(), 15.0, 30.0);
        assert_eq!((xd[0].percent, xd[0].band), (None, None));
        assert_eq!((xd[1].percent, xd[1].band), (Some(0.0), Some(Band::Below)));
    }

    #[test]
    fn no_figures_no_years_no_ranking() {
        let s = compute(&site_with(&[("1.009794", 2, &[])]));
        assert!(!s.has_figures());
        assert!(s.overall.is_empty() && s.promote.is_empty());
        assert_eq!(s.levels.iter().map(|l| l.count).sum::<usize>(), 3);
    }

    #[test]
    fn bands_at_the_lines() {
        assert_eq!(band(29, 200, 15.0, 30.0), Some(Band::Below)); // 14.5 %
        assert_eq!(band(3, 20, 15.0, 30.0), Some(Band::Low)); // exactly 15 %
        assert_eq!(band(599, 2000, 15.0, 30.0), Some(Band::Low)); // 29.95 %, rounds to 30.0 but is below
        assert_eq!(percent(599, 2000), Some(30.0));
        assert_eq!(band(3, 10, 15.0, 30.0), Some(Band::High)); // exactly 30 %
        assert_eq!(band(0, 0, 15.0, 30.0), None);
    }

    #[test]
    fn sums_never_wrap() {
        let max = Some(i64::MAX);
        let site = site_with(&[("1.009645", 3, &[(2024, max, max)]), ("1.009664", 4, &[(2024, max, Some(0))])]);
        let s = compute(&site);
        let y = &s.overall[0];
        assert_eq!((y.received, y.received_online), (i64::MAX, i64::MAX), "saturated, not -2");
        assert!(y.percent.is_some_and(|p| (0.0..=100.0).contains(&p)), "{:?}", y.percent);
        assert!(s.promote.iter().all(|p| p.offline >= 0));
    }
}
