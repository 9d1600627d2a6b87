//! Journey posters a reader can follow from 1.5 m: at most two parallel arrow
//! lines in any gap between columns (arrows that share a source or a target
//! share their run), every arrowhead pointing along the journey (right, or down
//! into a block), and legend explanations that read in a few wide lines.
//! Read back from the built SVGs of both example posters and of a synthetic
//! diagram with many crossing `after` relations. Every poster, of both editions,
//! keeps all its text at 14 pt or more on its paper: the example's, and a poster per
//! stage on A2 and the whole journey on A0 and A1 portrait.

use onestop::build::{BuildOptions, Print, RunOptions, build, build_run};
use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_site(to: &Path) {
    for item in ["site.toml", "content", "themes", "diagrams"] {
        let from = repo().join(item);
        if from.is_file() {
            fs::copy(&from, to.join(item)).unwrap();
            continue;
        }
        for e in walkdir::WalkDir::new(&from).into_iter().flatten() {
            let rel = e.path().strip_prefix(repo()).unwrap();
            if e.file_type().is_dir() {
                fs::create_dir_all(to.join(rel)).unwrap();
            } else {
                fs::copy(e.path(), to.join(rel)).unwrap();
            }
        }
    }
}

fn build_site(root: &Path) {
    build(&BuildOptions {
        root: root.to_path_buf(),
        out_dir: root.join("public"),
        base_url: None,
        check_only: false,
        progress: false,
    })
    .unwrap_or_else(|e| panic!("site must build: {e:?}"));
}

/// The example site plus a synthetic A1 diagram whose records were given many
/// crossing `after` relations (near and far, fan-out and fan-in), built once.
struct Sites {
    _dirs: Vec<tempfile::TempDir>,
    example: PathBuf,
    dense: PathBuf,
    /// code → its `after` list in the dense site.
    dense_after: HashMap<String, Vec<String>>,
}

fn sites() -> &'static Sites {
    static S: OnceLock<Sites> = OnceLock::new();
    S.get_or_init(|| {
        let a = tempfile::tempdir().unwrap();
        copy_site(a.path());
        build_site(a.path());
        let b = tempfile::tempdir().unwrap();
        copy_site(b.path());
        let dense_after = densify(b.path());
        build_site(b.path());
        Sites { example: a.path().to_path_buf(), dense: b.path().to_path_buf(), dense_after, _dirs: vec![a, b] }
    })
}

/// Rewrites every record's `after` so that record i (in stage order) comes after
/// records i-2, i-3, i/2 and i/3: an acyclic graph with long and crossing edges.
fn densify(root: &Path) -> HashMap<String, Vec<String>> {
    let stages = ["dau-tu", "quy-hoach-dat-dai", "moi-truong", "xay-dung", "pccc-nghiem-thu", "van-hanh-lao-dong"];
    let mut records: Vec<(PathBuf, String)> = Vec::new();
    for s in stages {
        let mut files: Vec<PathBuf> = fs::read_dir(root.join("content/procedures").join(s))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        for f in files {
            let text = fs::read_to_string(&f).unwrap();
            let code = text.lines().find_map(|l| l.strip_prefix("code = ")).unwrap().trim_matches('"').to_string();
            records.push((f, code));
        }
    }
    let mut after = HashMap::new();
    for (i, (path, code)) in records.iter().enumerate() {
        let before: BTreeSet<usize> =
            [i.wrapping_sub(2), i.wrapping_sub(3), i / 2, i / 3].into_iter().filter(|&j| j < i).collect();
        let list: Vec<String> = before.iter().map(|&j| records[j].1.clone()).collect();
        let text = fs::read_to_string(path).unwrap();
        let mut out = Vec::new();
        for l in text.lines() {
            if l.starts_with("after =") || l.starts_with("alternative_to") {
                continue;
            }
            out.push(l.to_string());
            if l.starts_with("code = ") && !list.is_empty() {
                out.push(format!("after = {list:?}"));
            }
        }
        fs::write(path, out.join("\n") + "\n").unwrap();
        after.insert(code.clone(), list);
    }
    fs::write(
        root.join("diagrams/dense.toml"),
        "title = \"Nhiều mũi tên\"\npaper = \"A1\"\norientation = \"landscape\"\narrows = \"all\"\n",
    )
    .unwrap();
    after
}

fn class_is(n: &roxmltree::Node, c: &str) -> bool {
    n.attribute("class").is_some_and(|x| x.split(' ').any(|y| y == c))
}

fn attr_f(n: roxmltree::Node, a: &str) -> f64 {
    n.attribute(a).unwrap_or_else(|| panic!("missing {a}")).parse().unwrap()
}

#[derive(Clone, Copy)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// An arrow read back: source, target and its points.
type Arrow = (String, String, Vec<(f64, f64)>);

struct Drawing {
    blocks: HashMap<String, Rect>,
    arrows: Vec<Arrow>,
    /// Paper millimetres per canvas unit.
    mm: f64,
}

fn read(path: &Path) -> Drawing {
    let svg = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let root = doc.root_element();
    let view_w: f64 = root.attribute("viewBox").unwrap().split(' ').nth(2).unwrap().parse().unwrap();
    let paper_w: f64 = root.attribute("width").unwrap().trim_end_matches("mm").parse().unwrap();
    let mut blocks = HashMap::new();
    for g in doc.descendants().filter(|n| n.has_tag_name("g") && class_is(n, "block")) {
        let b = g.children().find(|n| class_is(n, "box")).unwrap();
        let r = Rect { x: attr_f(b, "x"), y: attr_f(b, "y"), w: attr_f(b, "width"), h: attr_f(b, "height") };
        blocks.insert(g.attribute("data-code").unwrap().to_string(), r);
    }
    let mut arrows = Vec::new();
    for a in doc.descendants().filter(|n| n.has_tag_name("path") && class_is(n, "arrow")) {
        let nums: Vec<f64> = a
            .attribute("d")
            .unwrap()
            .split(['M', 'L', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let points = nums.chunks(2).map(|c| (c[0], c[1])).collect();
        arrows.push((a.attribute("data-from").unwrap().into(), a.attribute("data-to").unwrap().into(), points));
    }
    Drawing { blocks, arrows, mm: paper_w / view_w }
}

/// The gaps between adjacent columns (and beside the first and last), as x ranges.
fn gaps(d: &Drawing) -> Vec<(f64, f64)> {
    let mut xs: Vec<f64> = d.blocks.values().map(|b| b.x).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup_by(|a, b| (*a - *b).abs() < 0.01);
    let w = d.blocks.values().next().unwrap().w;
    let gap = if xs.len() > 1 { xs[1] - xs[0] - w } else { 10.0 };
    let mut out = vec![(xs[0] - gap, xs[0])];
    for (i, x) in xs.iter().enumerate() {
        let next = xs.get(i + 1).copied().unwrap_or(x + w + gap);
        out.push((x + w, next));
    }
    out
}

/// Checks the two rules every poster keeps; returns (arrows drawn, widest gap count).
fn check_arrows(name: &str, d: &Drawing) -> usize {
    assert!(!d.arrows.is_empty(), "{name}: has arrows");
    let mut widest = 0;
    for (lo, hi) in gaps(d) {
        // Vertical lines inside the gap, by distinct x position.
        let xs: BTreeSet<i64> = d
            .arrows
            .iter()
            .flat_map(|(_, _, p)| p.windows(2).map(|w| (w[0], w[1])))
            .filter(|((x1, y1), (x2, y2))| x1 == x2 && y1 != y2 && *x1 > lo + 0.01 && *x1 < hi - 0.01)
            .map(|((x, _), _)| (x * 100.0).round() as i64)
            .collect();
        // Horizontal lines running through the gap from one column to the next, by distinct y.
        let ys: BTreeSet<i64> = d
            .arrows
            .iter()
            .flat_map(|(_, _, p)| p.windows(2).map(|w| (w[0], w[1])))
            .filter(|((x1, y1), (x2, y2))| y1 == y2 && x1.min(*x2) <= lo + 0.01 && x1.max(*x2) >= hi - 0.01)
            .map(|((_, y), _)| (y * 100.0).round() as i64)
            .collect();
        widest = widest.max(xs.len()).max(ys.len());
        assert!(xs.len() <= 2, "{name}: {} parallel vertical arrow lines in the gap at x {lo:.1}–{hi:.1}", xs.len());
        assert!(ys.len() <= 2, "{name}: {} parallel horizontal arrow lines through the gap at x {lo:.1}", ys.len());
    }
    for (from, to, p) in &d.arrows {
        let (a, b) = (p[p.len() - 2], p[p.len() - 1]);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let forward = (dx > 0.0 && dy == 0.0) || (dx == 0.0 && dy > 0.0);
        assert!(forward, "{name}: the arrowhead of {from}→{to} points backwards ({a:?} → {b:?})");
        // It ends on its target's left or top edge.
        let t = d.blocks[to];
        let on_left = (b.0 - t.x).abs() < 0.02 && b.1 > t.y && b.1 < t.y + t.h;
        let on_top = (b.1 - t.y).abs() < 0.02 && b.0 > t.x && b.0 < t.x + t.w;
        assert!(on_left || on_top, "{name}: {from}→{to} ends on {to}'s left or top edge");
        let s = d.blocks[from];
        assert!(
            (p[0].0 - s.x - s.w).abs() < 0.02 && p[0].1 > s.y && p[0].1 < s.y + s.h,
            "{name}: {from}→{to} starts on {from}'s right edge"
        );
        for w in p.windows(2) {
            let ((x1, y1), (x2, y2)) = (w[0], w[1]);
            assert!(x1 == x2 || y1 == y2, "{name}: {from}→{to} has a diagonal segment");
            for (code, r) in &d.blocks {
                let (lx, hx, ly, hy) = (x1.min(x2), x1.max(x2), y1.min(y2), y1.max(y2));
                let crosses = lx < r.x + r.w - 0.02 && hx > r.x + 0.02 && ly < r.y + r.h - 0.02 && hy > r.y + 0.02;
                assert!(!crosses, "{name}: {from}→{to} crosses block {code}");
            }
        }
    }
    widest
}

#[test]
fn example_posters_have_at_most_two_arrow_lines_per_gap_and_forward_arrowheads() {
    let s = sites();
    for name in ["hanh-trinh-dau-tu", "xay-dung"] {
        for prefix in ["", "en/"] {
            let d = read(&s.example.join(format!("public/{prefix}diagrams/{name}.svg")));
            let widest = check_arrows(name, &d);
            eprintln!("{prefix}{name}: {} arrows, at most {widest} lines in a gap", d.arrows.len());
        }
    }
}

#[test]
fn a_dense_diagram_merges_or_leaves_out_arrows_but_keeps_two_lines_per_gap() {
    let s = sites();
    let d = read(&s.dense.join("public/diagrams/dense.svg"));
    let widest = check_arrows("dense", &d);
    let total: usize = s.dense_after.values().map(Vec::len).sum();
    eprintln!("dense: {} of {total} relations drawn, at most {widest} lines in a gap", d.arrows.len());
    for (from, to, _) in &d.arrows {
        assert!(s.dense_after[to].contains(from), "dense: arrow {from}→{to} is an `after` relation");
    }
    // Every relation is drawn, implied by another path (the transitive reduction), or
    // counted as left out for want of room.
    let svg = fs::read_to_string(s.dense.join("public/diagrams/dense.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let omitted: usize = doc.root_element().attribute("data-arrows-omitted").map_or(0, |n| n.parse().unwrap());
    let implied = s
        .dense_after
        .iter()
        .flat_map(|(t, list)| list.iter().map(move |f| (f.clone(), t.clone())))
        .filter(|(f, t)| {
            // Another path f → … → t?
            let mut stack: Vec<&String> = vec![t];
            let mut seen = BTreeSet::new();
            while let Some(x) = stack.pop() {
                for y in &s.dense_after[x] {
                    if (x == t && y == f) || !seen.insert(y.clone()) {
                        continue;
                    }
                    if y == f {
                        return true;
                    }
                    stack.push(y);
                }
            }
            false
        })
        .count();
    eprintln!("dense: {total} relations, {implied} implied, {} drawn, {omitted} left out", d.arrows.len());
    assert_eq!(d.arrows.len() + omitted + implied, total, "dense: every relation is accounted for");
    assert!(d.arrows.len() >= omitted, "dense: most relations that need a line are drawn");
}

#[test]
fn legend_explanations_read_in_a_few_wide_lines_on_both_posters() {
    let s = sites();
    for name in ["hanh-trinh-dau-tu", "xay-dung"] {
        let path = s.example.join(format!("public/diagrams/{name}.svg"));
        let svg = fs::read_to_string(&path).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let mm = read(&path).mm;
        let levels: Vec<_> = doc.descendants().filter(|n| class_is(n, "legend-level")).collect();
        assert_eq!(levels.len(), 4, "{name}: a legend entry per level");
        for g in levels {
            let key = g.attribute("data-level").unwrap();
            let lines = g.descendants().filter(|n| class_is(n, "legend-meaning")).count();
            let width = attr_f(g, "data-text-width") * mm;
            eprintln!("{name}: level {key}: explanation {width:.0} mm wide, {lines} lines");
            assert!(width >= 110.0, "{name}: level {key}'s explanation is only {width:.0} mm wide on the paper");
            assert!(lines <= 5, "{name}: level {key}'s explanation wraps to {lines} lines");
        }
    }
}

/// code → its `after` list, from every record of the site at `root`.
fn after_lists(root: &Path) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    for e in walkdir::WalkDir::new(root.join("content/procedures")).into_iter().flatten() {
        if e.path().extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let t: toml::Table = toml::from_str(&fs::read_to_string(e.path()).unwrap()).unwrap();
        let code = t["code"].as_str().unwrap().to_string();
        let after = t
            .get("after")
            .and_then(|a| a.as_array())
            .map_or(vec![], |a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect::<Vec<_>>());
        out.insert(code, after);
    }
    out
}

/// The `after` relations between the blocks on a drawing (source, target), without
/// those another path of relations between its blocks implies.
fn reduced_relations(
    blocks: &HashMap<String, Rect>,
    after: &HashMap<String, Vec<String>>,
) -> BTreeSet<(String, String)> {
    let edges: BTreeSet<(String, String)> = blocks
        .keys()
        .flat_map(|t| after.get(t).into_iter().flatten().map(move |a| (a.clone(), t.clone())))
        .filter(|(a, t)| a != t && blocks.contains_key(a))
        .collect();
    let implied = |from: &String, to: &String| {
        let mut stack = vec![from];
        let mut seen = BTreeSet::new();
        while let Some(x) = stack.pop() {
            for (a, b) in edges.iter().filter(|(a, _)| a == x) {
                if (a == from && b == to) || !seen.insert(b) {
                    continue;
                }
                if b == to {
                    return true;
                }
                stack.push(b);
            }
        }
        false
    };
    edges.iter().filter(|(a, t)| !implied(a, t)).cloned().collect()
}

/// Every relation a poster does not draw as an arrow is named in its target block:
/// a note line "Sau: 1.009748, 1.009664" ("After: …"), at least 14 pt on the paper.
fn check_notes(name: &str, path: &Path, after: &HashMap<String, Vec<String>>, label: &str) -> usize {
    let d = read(path);
    let svg = fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let mut noted: Vec<(String, String)> = Vec::new();
    for g in doc.descendants().filter(|n| n.has_tag_name("g") && class_is(n, "block")) {
        let code = g.attribute("data-code").unwrap();
        let lines: Vec<roxmltree::Node> = g.descendants().filter(|n| class_is(n, "after-note")).collect();
        if lines.is_empty() {
            continue;
        }
        // As large as the block's other text, and never under 14 pt.
        let pt = |n: &roxmltree::Node| attr_f(*n, "font-size") * d.mm / (25.4 / 72.0);
        let body = g.descendants().filter(|n| class_is(n, "name")).map(|n| pt(&n)).fold(f64::MAX, f64::min);
        for l in &lines {
            let pt = pt(l);
            assert!(pt >= body - 0.01, "{name}: {code}'s note is {pt:.1} pt, its name {body:.1} pt");
            assert!(pt >= 13.99, "{name}: {code}'s note is {pt:.1} pt on the paper");
        }
        let text: Vec<&str> = lines.iter().map(|l| l.text().unwrap_or("")).collect();
        let text = text.join(" ");
        let list = text
            .strip_prefix(&format!("{label}: "))
            .unwrap_or_else(|| panic!("{name}: {code}'s note {text:?} starts with {label:?}"));
        for from in list.split(", ") {
            noted.push((from.trim().to_string(), code.to_string()));
        }
    }
    let drawn: Vec<(String, String)> = d.arrows.iter().map(|(f, t, _)| (f.clone(), t.clone())).collect();
    let want = reduced_relations(&d.blocks, after);
    let missing: Vec<_> = want.iter().filter(|r| !drawn.contains(r) && !noted.contains(r)).collect();
    let doubled: Vec<_> = want.iter().filter(|r| drawn.iter().chain(&noted).filter(|x| x == r).count() > 1).collect();
    let extra: Vec<_> = drawn.iter().chain(&noted).filter(|r| !want.contains(r)).collect();
    eprintln!("{name}: {} relations: {} drawn, {} named in notes", want.len(), drawn.len(), noted.len());
    assert!(missing.is_empty(), "{name}: relations neither drawn nor noted: {missing:?}");
    assert!(doubled.is_empty(), "{name}: relations drawn or noted twice: {doubled:?}");
    assert!(extra.is_empty(), "{name}: arrows or notes that are no (non-redundant) relation: {extra:?}");
    let omitted: usize = doc.root_element().attribute("data-arrows-omitted").map_or(0, |n| n.parse().unwrap());
    assert_eq!(omitted, noted.len(), "{name}: data-arrows-omitted counts the noted relations");
    // The legend explains the note whenever a block has one.
    let legend = doc.descendants().any(|n| class_is(&n, "legend-after-note"));
    assert_eq!(legend, !noted.is_empty(), "{name}: the legend explains the note if (and only if) there is one");
    noted.len()
}

#[test]
fn every_relation_is_drawn_or_named_in_its_target_block_once() {
    let s = sites();
    let after = after_lists(&s.example);
    for name in ["hanh-trinh-dau-tu", "xay-dung"] {
        for (prefix, label) in [("", "Sau"), ("en/", "After")] {
            let path = s.example.join(format!("public/{prefix}diagrams/{name}.svg"));
            check_notes(&format!("{prefix}{name}"), &path, &after, label);
        }
    }
    let noted = check_notes("dense", &s.dense.join("public/diagrams/dense.svg"), &after_lists(&s.dense), "Sau");
    assert!(noted > 0, "dense: the synthetic diagram has relations only a note carries");
}

/// The example site with more posters: one per stage on A2 portrait, and the whole
/// journey on A0 landscape and A1 portrait; built once, without PNG and PDF.
fn variants() -> &'static Path {
    static S: OnceLock<tempfile::TempDir> = OnceLock::new();
    S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        copy_site(dir.path());
        let stages = ["dau-tu", "quy-hoach-dat-dai", "moi-truong", "xay-dung", "pccc-nghiem-thu", "van-hanh-lao-dong"];
        for s in stages {
            let spec = format!(
                "title = \"Giai đoạn {s}\"\ntitle_en = \"Stage {s}\"\nstages = [\"{s}\"]\npaper = \"A2\"\n\
                 orientation = \"portrait\"\n"
            );
            fs::write(dir.path().join(format!("diagrams/stage-{s}.toml")), spec).unwrap();
        }
        for (name, paper, orientation) in [("journey-a0", "A0", "landscape"), ("journey-a1-portrait", "A1", "portrait")]
        {
            let spec = format!(
                "title = \"Hành trình của nhà đầu tư\"\ntitle_en = \"The investor's journey\"\npaper = \"{paper}\"\n\
                 orientation = \"{orientation}\"\narrows = \"all\"\n"
            );
            fs::write(dir.path().join(format!("diagrams/{name}.toml")), spec).unwrap();
        }
        let opts = BuildOptions {
            root: dir.path().to_path_buf(),
            out_dir: dir.path().join("public"),
            base_url: None,
            check_only: false,
            progress: false,
        };
        build_run(&opts, None, &RunOptions { print: Print::Skip, ..Default::default() })
            .unwrap_or_else(|e| panic!("the site with more posters must build: {e:?}"));
        dir
    })
    .path()
}

/// The smallest text of a poster on its paper, in pt, with its class and words; and the
/// title's size.
fn text_sizes(path: &Path) -> ((f64, String, String), f64) {
    let svg = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let mm = read(path).mm;
    let pt = |n: &roxmltree::Node| attr_f(*n, "font-size") * mm / (25.4 / 72.0);
    let texts: Vec<roxmltree::Node> = doc.descendants().filter(|n| n.has_tag_name("text")).collect();
    assert!(texts.len() > 20, "{}: has text", path.display());
    let smallest = texts
        .iter()
        .map(|n| (pt(n), n.attribute("class").unwrap_or("").to_string(), n.text().unwrap_or("").to_string()))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap();
    let title = texts.iter().filter(|n| class_is(n, "title")).map(pt).fold(f64::MAX, f64::min);
    (smallest, title)
}

/// Every poster of both editions: the example's two, and the variants' (their copies of
/// those two, a poster per stage on A2 and the whole journey on A0 and A1 portrait).
fn every_poster() -> Vec<PathBuf> {
    let mut posters: Vec<PathBuf> = Vec::new();
    for name in ["hanh-trinh-dau-tu", "xay-dung"] {
        posters.push(sites().example.join(format!("public/diagrams/{name}.svg")));
    }
    let v = variants();
    for e in fs::read_dir(v.join("public/diagrams")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "svg") {
            posters.push(p);
        }
    }
    assert_eq!(posters.len(), 2 + 2 + 6 + 2, "the example's, the variants' copies and the added posters");
    let mut all = Vec::new();
    for vi in posters {
        let en = vi.parent().unwrap().parent().unwrap().join("en/diagrams").join(vi.file_name().unwrap());
        all.push(vi);
        all.push(en);
    }
    all
}

/// A poster's name for messages ("public/en/diagrams/xay-dung.svg") and its paper in mm.
fn poster_paper(path: &Path) -> (String, f64, f64) {
    let name = path.strip_prefix(path.ancestors().nth(3).unwrap()).unwrap().display().to_string();
    let svg = fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let root = doc.root_element();
    let paper_w: f64 = root.attribute("width").unwrap().trim_end_matches("mm").parse().unwrap();
    let paper_h: f64 = root.attribute("height").unwrap().trim_end_matches("mm").parse().unwrap();
    (name, paper_w, paper_h)
}

/// Issue 12: nothing under 14 pt on a poster at its paper size, in either edition;
/// titles 72 pt on A1, scaled with the paper (51 pt on A2; A0's 102 pt may yield to 72).
#[test]
fn every_poster_keeps_its_text_at_14_pt_or_more_on_its_paper() {
    let mut checked = 0;
    for path in every_poster() {
        let (name, paper_w, paper_h) = poster_paper(&path);
        let d = read(&path);
        let short = paper_w.min(paper_h);
        let ((pt, class, text), title) = text_sizes(&path);
        eprintln!("{name}: {paper_w}×{paper_h} mm, smallest text {pt:.2} pt ({class}), title {title:.1} pt");
        assert!(pt >= 13.99, "{name}: {class} text {text:?} prints at {pt:.2} pt on its paper");
        let want = 72.0 * (short / 594.0).min(1.0) - 0.1;
        assert!(title >= want, "{name}: the title prints at {title:.1} pt, at least {want:.0} pt");
        if !d.arrows.is_empty() {
            check_arrows(&name, &d);
        }
        checked += 1;
    }
    assert_eq!(checked, 24);
}

/// A poster's QR code read back: the symbol's box (its dark modules' extent) in canvas
/// units, its module count, the white square with the quiet zone, and the address.
struct Qr {
    x: f64,
    y: f64,
    side: f64,
    modules: f64,
    white: Rect,
    url: String,
}

fn poster_qr(path: &Path) -> Option<Qr> {
    let svg = fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let g = doc.descendants().find(|n| n.has_tag_name("g") && class_is(n, "qr"))?;
    let r = g.children().find(|n| n.has_tag_name("rect")).unwrap();
    let white = Rect { x: attr_f(r, "x"), y: attr_f(r, "y"), w: attr_f(r, "width"), h: attr_f(r, "height") };
    // The path is "M x y h w v m h -w z" per run of dark modules.
    let d = g.children().find(|n| n.has_tag_name("path")).unwrap().attribute("d").unwrap();
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for run in d.split('M').filter(|s| !s.is_empty()) {
        let nums: Vec<f64> = run
            .trim_end_matches('z')
            .split(['h', 'v', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        x0 = x0.min(nums[0]);
        y0 = y0.min(nums[1]);
        x1 = x1.max(nums[0] + nums[2]);
        y1 = y1.max(nums[1] + nums[3]);
    }
    assert!(((x1 - x0) - (y1 - y0)).abs() < 0.05, "{}: the QR symbol is square", path.display());
    let modules: f64 = g.attribute("data-modules").unwrap().parse().unwrap();
    Some(Qr { x: x0, y: y0, side: x1 - x0, modules, white, url: g.attribute("data-url").unwrap().to_string() })
}

/// Issue 12: "QR size: at least 80 mm on A1/A0 posters (scannable from about 1.5 m)".
/// Every poster of both editions carries its code at 80 mm of symbol (without the quiet
/// zone) on A1, scaled with the paper (≈ 57 mm on A2, ≈ 113 mm on A0); its quiet zone
/// (two modules) is free of blocks, legend and caption, and every text of the poster,
/// the QR caption at 14 pt included, lies on the paper. (The code was 38 mm on A1, quiet
/// zone included: 33 mm of symbol.)
#[test]
fn every_posters_qr_code_is_80_mm_on_a1_scaled_with_the_paper_and_stands_clear() {
    let mut checked = 0;
    for path in every_poster() {
        let (name, paper_w, paper_h) = poster_paper(&path);
        let mm = read(&path).mm;
        let qr = poster_qr(&path).unwrap_or_else(|| panic!("{name}: has a QR code (qr defaults to true)"));
        assert!(qr.url.starts_with("http"), "{name}: the code opens {}", qr.url);
        let short = paper_w.min(paper_h);
        let want = 80.0 * short / 594.0;
        let side = qr.side * mm;
        let module = side / qr.modules;
        eprintln!("{name}: {paper_w}×{paper_h} mm, QR {side:.1} mm ({} modules of {module:.2} mm)", qr.modules);
        assert!(
            side >= want - 0.05,
            "{name}: the QR code's symbol is {side:.1} mm on its paper, at least {want:.1} mm"
        );
        // The white square takes in two modules of quiet zone on every side.
        let quiet = 2.0 * qr.side / qr.modules;
        assert!(
            (qr.white.x - (qr.x - quiet)).abs() < 0.05 && (qr.white.w - (qr.side + 2.0 * quiet)).abs() < 0.05,
            "{name}: quiet zone"
        );
        let clear = Rect { x: qr.x - quiet, y: qr.y - quiet, w: qr.side + 2.0 * quiet, h: qr.side + 2.0 * quiet };
        let svg = fs::read_to_string(&path).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let vb: Vec<f64> =
            doc.root_element().attribute("viewBox").unwrap().split(' ').map(|s| s.parse().unwrap()).collect();
        let overlaps =
            |r: &Rect| r.x < clear.x + clear.w && r.x + r.w > clear.x && r.y < clear.y + clear.h && r.y + r.h > clear.y;
        for r in doc.descendants().filter(|n| n.has_tag_name("rect") && class_is(n, "lane")) {
            let r = Rect { x: attr_f(r, "x"), y: attr_f(r, "y"), w: attr_f(r, "width"), h: attr_f(r, "height") };
            assert!(!overlaps(&r), "{name}: a lane's tint runs into the QR code's quiet zone");
        }
        for (code, b) in read(&path).blocks {
            assert!(!overlaps(&b), "{name}: block {code} runs into the QR code's quiet zone");
        }
        for r in
            doc.descendants().filter(|n| n.has_tag_name("rect") && n.ancestors().any(|a| class_is(&a, "legend-level")))
        {
            let r = Rect { x: attr_f(r, "x"), y: attr_f(r, "y"), w: attr_f(r, "width"), h: attr_f(r, "height") };
            assert!(!overlaps(&r), "{name}: a legend level runs into the QR code's quiet zone");
        }
        for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
            let (x, y, size) = (attr_f(t, "x"), attr_f(t, "y"), attr_f(t, "font-size"));
            let class = t.attribute("class").unwrap_or("");
            // On the paper: the text's ascent and descent (1.0 and 0.265 em) inside the sheet.
            assert!(
                y - size >= 0.0 && y + 0.265 * size <= vb[3] + 0.01 && x >= 0.0,
                "{name}: {class} {:?} runs off the paper",
                t.text()
            );
            if class.starts_with("footer") {
                assert!(
                    x >= clear.x + clear.w - 0.01,
                    "{name}: the caption {:?} starts in the QR code's quiet zone",
                    t.text()
                );
                assert!(size * mm / (25.4 / 72.0) >= 13.99, "{name}: the QR caption prints at 14 pt or more");
            }
            // A legend text starting left of the code ends before it (the legend wraps to its gap).
            if class.starts_with("legend") && y > clear.y && y - size < clear.y + clear.h {
                assert!(x < clear.x, "{name}: {class} {:?} starts in the QR code's box", t.text());
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 24);
}

/// Issue 12: the subtitle (or the agency's name under the title) stands clear of the
/// title's descenders: at least 0.3 em of the title between the title's descent (0.265 em
/// below its last baseline, Be Vietnam Pro) and the subtitle's ascent (1.0 em above its
/// first baseline), on every poster of both editions.
#[test]
fn every_posters_subtitle_stands_clear_of_the_titles_descenders() {
    for path in every_poster() {
        let (name, ..) = poster_paper(&path);
        let svg = fs::read_to_string(&path).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let texts = |c: &str| -> Vec<(f64, f64)> {
            doc.descendants()
                .filter(|n| n.has_tag_name("text") && class_is(n, c))
                .map(|n| (attr_f(n, "y"), attr_f(n, "font-size")))
                .collect()
        };
        let title = texts("title");
        let (last_y, size) = title.iter().copied().fold((f64::MIN, 0.0), |a, b| if b.0 > a.0 { b } else { a });
        let below: Vec<(f64, f64)> =
            texts("subtitle").into_iter().chain(texts("agency")).filter(|t| t.0 > last_y).collect();
        let Some(&(y, s)) = below.iter().min_by(|a, b| a.0.total_cmp(&b.0)) else { continue };
        let gap = (y - s) - (last_y + 0.265 * size);
        eprintln!("{name}: {:.2} em between the title and the subtitle", gap / size);
        assert!(
            gap >= 0.3 * size - 0.01,
            "{name}: {:.2} em between the title's descent and the subtitle's ascent, at least 0.3",
            gap / size
        );
    }
}

/// The Board's units and a 20-working-day internal process for the construction permit
/// of tests/fixtures/valid-min (as tests/suite/process.rs and tests/suite/annexes.rs).
const UNITS: &str = r#"
[[units]]
key = "mot-cua"
name = "Bộ phận Một cửa"
kind = "one-stop"

[[units]]
key = "phong-xay-dung"
name = "Phòng Quản lý quy hoạch và xây dựng"
kind = "division"

[[units]]
key = "lanh-dao"
name = "Lãnh đạo Ban"
kind = "leadership"
"#;

const PROCESS: &str = r#"
[[internal_process]]
[[internal_process.steps]]
step = 1
action = "Tiếp nhận hồ sơ"
unit = "mot-cua"
time = 4
time_unit = "hours"

[[internal_process.steps]]
step = 2
action = "Thẩm định hồ sơ"
unit = "phong-xay-dung"
time = 18
time_unit = "working-days"

[[internal_process.steps]]
step = 3
action = "Xin ý kiến Sở Xây dựng"
agency = "Sở Xây dựng"
time = 8
time_unit = "hours"

[[internal_process.steps]]
step = 4
action = "Ký duyệt"
unit = "lanh-dao"
time = 4
time_unit = "hours"
"#;

/// The texts of a poster's blocks of one class, by procedure code.
fn block_texts(path: &Path, class: &str) -> HashMap<String, String> {
    let svg = fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let mut out = HashMap::new();
    for g in doc.descendants().filter(|n| n.has_tag_name("g") && class_is(n, "block")) {
        let lines: Vec<&str> = g.descendants().filter(|n| class_is(n, class)).map(|n| n.text().unwrap_or("")).collect();
        if !lines.is_empty() {
            out.insert(g.attribute("data-code").unwrap().to_string(), lines.join(" "));
        }
    }
    out
}

/// Issue 15: a diagram with `internal_process = true` shows in each block of a record
/// with an internal process its total (working days) and the units taking part (three
/// of the Board's and one other agency), nothing in the others; off by default.
#[test]
fn a_diagram_can_show_each_blocks_internal_process_total_and_units() {
    let dir = tempfile::tempdir().unwrap();
    let from = repo().join("tests/fixtures/valid-min");
    for e in walkdir::WalkDir::new(&from).into_iter().flatten() {
        let rel = e.path().strip_prefix(&from).unwrap();
        if rel.starts_with(".onestop-cache") || rel.starts_with("public") {
            continue;
        }
        if e.file_type().is_dir() {
            fs::create_dir_all(dir.path().join(rel)).unwrap();
        } else {
            fs::copy(e.path(), dir.path().join(rel)).unwrap();
        }
    }
    let site = dir.path().join("site.toml");
    let text = fs::read_to_string(&site).unwrap().replacen(
        "[organisation]",
        "languages = [\"vi\", \"en\"]\n\n[organisation]",
        1,
    );
    fs::write(&site, format!("{text}{UNITS}")).unwrap();
    let rec = dir.path().join("content/procedures/xay-dung/cap-giay-phep-xay-dung.toml");
    fs::write(&rec, format!("{}{PROCESS}", fs::read_to_string(&rec).unwrap())).unwrap();
    fs::create_dir_all(dir.path().join("diagrams")).unwrap();
    let spec = "title = \"Quy trình nội bộ\"\ntitle_en = \"Internal processes\"\npaper = \"A2\"\n";
    fs::write(dir.path().join("diagrams/noi-bo.toml"), format!("{spec}internal_process = true\n")).unwrap();
    fs::write(dir.path().join("diagrams/mac-dinh.toml"), spec).unwrap();
    let opts = BuildOptions {
        root: dir.path().to_path_buf(),
        out_dir: dir.path().join("public"),
        base_url: None,
        check_only: false,
        progress: false,
    };
    build_run(&opts, None, &RunOptions { print: Print::Skip, ..Default::default() })
        .unwrap_or_else(|e| panic!("the fixture must build: {e:?}"));
    for (prefix, want) in [("", "Nội bộ: 20 ngày làm việc, 4 đơn vị"), ("en/", "Internal: 20 working days, 4 units")]
    {
        let shown = block_texts(&dir.path().join(format!("public/{prefix}diagrams/noi-bo.svg")), "internal-process");
        assert_eq!(shown.len(), 1, "{prefix}: only the record with a process: {shown:?}");
        assert_eq!(shown.get("1.009794").map(String::as_str), Some(want), "{prefix}: {shown:?}");
        let default =
            block_texts(&dir.path().join(format!("public/{prefix}diagrams/mac-dinh.svg")), "internal-process");
        assert!(default.is_empty(), "{prefix}: off by default: {default:?}");
    }
    for name in ["hanh-trinh-dau-tu", "xay-dung"] {
        let svg = fs::read_to_string(sites().example.join(format!("public/diagrams/{name}.svg"))).unwrap();
        assert!(!svg.contains("internal-process"), "{name}: the example's posters do not set it");
    }
}
