//! Cross-record checks and derived order: unique codes and slugs, references
//! that point at existing codes, an `after` graph without cycles, and the
//! journey order (stage, then `after` before its dependants, then code).

use super::config::Config;
use super::record::RecordSpans;
use crate::diag::{Diagnostic, did_you_mean};
use crate::model::{Page, Procedure, Site};
use std::collections::{BTreeSet, HashMap, HashSet};

pub fn resolve(
    config: Config,
    records: Vec<(Procedure, RecordSpans)>,
    mut pages: Vec<Page>,
    failed_codes: &HashSet<String>,
    errors: &mut Vec<Diagnostic>,
) -> Site {
    let by_code = index_records(&records, errors);
    check_references(&records, &by_code, failed_codes, errors);
    let order = journey_order(&records, &by_code, errors);
    let mut slots: Vec<Option<Procedure>> = records.into_iter().map(|(p, _)| Some(p)).collect();
    let mut procedures: Vec<Procedure> = Vec::with_capacity(slots.len());
    for (n, i) in order.into_iter().enumerate() {
        if let Some(mut p) = slots[i].take() {
            p.journey_index = n;
            procedures.push(p);
        }
    }
    let by_code: HashMap<String, usize> = procedures.iter().enumerate().map(|(i, p)| (p.code.clone(), i)).collect();
    link_alternatives(&mut procedures, &by_code);
    check_page_names(&pages, errors);
    pages.sort_by(|a, b| (a.weight, &a.slug).cmp(&(b.weight, &b.slug)));

    let mut level_totals = vec![0; config.levels.len()];
    for p in &procedures {
        level_totals[p.level] += 1;
    }
    Site {
        level_totals,
        config: config.site,
        levels: config.levels,
        stages: config.stages,
        fields: config.fields,
        units: config.units,
        procedures,
        pages,
        by_code,
        diagrams: Vec::new(),
        faq: Vec::new(),
        faq_by_code: HashMap::new(),
        warnings: Vec::new(),
        satisfaction: Default::default(),
    }
}

/// Records by code; a code or slug used twice is an error at the second.
fn index_records<'a>(records: &'a [(Procedure, RecordSpans)], errors: &mut Vec<Diagnostic>) -> HashMap<&'a str, usize> {
    let mut by_code: HashMap<&str, usize> = HashMap::with_capacity(records.len());
    let mut by_slug: HashMap<&str, usize> = HashMap::with_capacity(records.len());
    for (i, (p, spans)) in records.iter().enumerate() {
        if let Some(&j) = by_code.get(p.code.as_str()) {
            errors.push(
                Diagnostic::new(
                    "dup-code",
                    format!("code {} is also used by {}", p.code, records[j].0.source.display()),
                )
                .at_loc(&p.source, spans.code)
                .field("code")
                .hint("each procedure has its own code; sub-cases add .01, .02, …"),
            );
        } else {
            by_code.insert(&p.code, i);
        }
        if let Some(&j) = by_slug.get(p.slug.as_str()) {
            errors.push(
                Diagnostic::new(
                    "dup-slug",
                    format!("slug `{}` is also used by {}", p.slug, records[j].0.source.display()),
                )
                .in_file(&p.source)
                .hint("two files have the same name in different folders; rename one (the file name is the page URL)"),
            );
        } else {
            by_slug.insert(&p.slug, i);
        }
    }
    by_code
}

/// Every `alternative_to`, `after` and `related` code names a procedure
/// (or one whose file failed to load, already reported).
fn check_references(
    records: &[(Procedure, RecordSpans)],
    by_code: &HashMap<&str, usize>,
    failed_codes: &HashSet<String>,
    errors: &mut Vec<Diagnostic>,
) {
    let all_codes: Vec<&str> = {
        let mut v: Vec<&str> = by_code.keys().copied().collect();
        v.sort_unstable();
        v
    };
    for (p, spans) in records {
        for (name, list, offsets) in [
            ("alternative_to", &p.alternative_to, &spans.alternative_to),
            ("after", &p.after, &spans.after),
            ("related", &p.related, &spans.related),
        ] {
            for (i, (code, &at)) in list.iter().zip(offsets.iter()).enumerate() {
                if !by_code.contains_key(code.as_str()) && !failed_codes.contains(code) {
                    let mut d = Diagnostic::new("dangling-ref", format!("no procedure has code {code}"))
                        .at_loc(&p.source, at)
                        .field(format!("{name}[{i}]"));
                    d = match did_you_mean(code, all_codes.iter().copied()) {
                        Some(s) => d.hint(format!("did you mean \"{s}\" ({})?", records[by_code[s]].0.title.vi)),
                        None => d.hint("list only codes of procedures in content/procedures/"),
                    };
                    errors.push(d);
                }
            }
        }
    }
}

/// `alternatives`: the record's own `alternative_to` and every record that names it there.
fn link_alternatives(procedures: &mut [Procedure], by_code: &HashMap<String, usize>) {
    let mut alternatives: Vec<Vec<String>> = procedures.iter().map(|p| p.alternative_to.clone()).collect();
    for p in procedures.iter() {
        for a in &p.alternative_to {
            if let Some(&j) = by_code.get(a) {
                alternatives[j].push(p.code.clone());
            }
        }
    }
    for (p, mut alts) in procedures.iter_mut().zip(alternatives) {
        alts.sort();
        alts.dedup();
        p.alternatives = alts;
    }
}

fn check_page_names(pages: &[Page], errors: &mut Vec<Diagnostic>) {
    let reserved = crate::routes::reserved_names();
    for p in pages {
        if reserved.contains(&p.slug.as_str()) {
            errors.push(
                Diagnostic::new("reserved-slug", format!("page name `{}` is used by the site itself", p.slug))
                    .in_file(&p.source)
                    .hint(format!("rename the file; reserved names: {}", reserved.join(", "))),
            );
        }
    }
}

/// Indices of `records` in journey order. Reports cycles in `after`.
fn journey_order(
    records: &[(Procedure, RecordSpans)],
    by_code: &HashMap<&str, usize>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let n = records.len();
    // Edges only within a stage decide order there; earlier stages come first anyway.
    let mut indegree = vec![0usize; n];
    let mut dependants: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, (p, _)) in records.iter().enumerate() {
        for code in &p.after {
            if let Some(&j) = by_code.get(code.as_str())
                && j != i
            {
                dependants[j].push(i);
                indegree[i] += 1;
            }
        }
    }
    // Kahn's algorithm with a deterministic ready set ordered by (stage,
    // required before optional, code); alternatives that are ready are
    // placed right after each other so the journey can say "or".
    let key = |i: usize| (records[i].0.stage, records[i].0.optional, records[i].0.code.clone(), i);
    // Alternatives in both directions, by index.
    let mut alternatives: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, (p, _)) in records.iter().enumerate() {
        for c in &p.alternative_to {
            if let Some(&j) = by_code.get(c.as_str()) {
                alternatives[i].push(j);
                alternatives[j].push(i);
            }
        }
    }
    let mut ready: BTreeSet<(usize, bool, String, usize)> = (0..n).filter(|&i| indegree[i] == 0).map(key).collect();
    let mut order = Vec::with_capacity(n);
    let mut emit = |i: usize, ready: &mut BTreeSet<_>, order: &mut Vec<usize>| {
        order.push(i);
        for &d in &dependants[i] {
            indegree[d] -= 1;
            if indegree[d] == 0 {
                ready.insert(key(d));
            }
        }
    };
    while let Some(k) = ready.pop_first() {
        let i = k.3;
        emit(i, &mut ready, &mut order);
        let p = &records[i].0;
        let mut alts = alternatives[i].clone();
        alts.sort_by_key(|&j| key(j));
        alts.dedup();
        for j in alts {
            if records[j].0.stage == p.stage && ready.remove(&key(j)) {
                emit(j, &mut ready, &mut order);
            }
        }
    }
    if order.len() < n {
        let mut stuck: Vec<usize> = (0..n).filter(|&i| indegree[i] > 0).collect();
        stuck.sort_by_key(|&i| records[i].0.code.clone());
        let codes: Vec<&str> = stuck.iter().map(|&i| records[i].0.code.as_str()).collect();
        for &i in &stuck {
            let (p, spans) = &records[i];
            let at = spans.after.first().copied().unwrap_or(spans.code);
            errors.push(
                Diagnostic::new("after-cycle", format!("`after` goes round in a circle among {}", codes.join(", ")))
                    .at_loc(&p.source, at)
                    .field("after")
                    .hint(format!(
                        "{} cannot come both before and after another procedure; remove one `after` entry",
                        p.code
                    )),
            );
        }
        order.extend(stuck);
    }
    // Stable by stage so that cross-stage edges never pull a record into an earlier stage.
    order.sort_by_key(|&i| records[i].0.stage);
    order
}
