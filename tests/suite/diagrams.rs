//! Journey diagrams and posters, read back the way a user and a print shop
//! would meet them: the SVG parsed (and laid out again by usvg with the
//! bundled fonts), the PNG's pixel size and DPI, the PDF's fonts and text.

use crate::support;

use onestop::build::{BuildOptions, BuildSummary, build};
use onestop::diagram::{Fonts, raster};
use onestop::model::Site;
use resvg::usvg;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the site's inputs into `to` (a fresh cache there, too).
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

fn build_site(root: &Path) -> BuildSummary {
    build(&BuildOptions {
        root: root.to_path_buf(),
        out_dir: root.join("public"),
        base_url: None,
        check_only: false,
        progress: false,
    })
    .unwrap_or_else(|e| panic!("site must build: {e:?}"))
}

struct Example {
    _dir: tempfile::TempDir,
    root: PathBuf,
    site: Site,
}

/// The example site, copied and built once for this file.
fn example() -> &'static Example {
    static EX: OnceLock<Example> = OnceLock::new();
    EX.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        copy_site(&root);
        build_site(&root);
        let site = onestop::load::load_site(&root, None).unwrap();
        Example { _dir: dir, root, site }
    })
}

fn out(rel: &str) -> PathBuf {
    example().root.join("public").join(rel)
}

fn svg_text(rel: &str) -> String {
    fs::read_to_string(out(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

struct BlockInfo {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    level: String,
    band_fill: String,
    label: String,
    signature: bool,
    center: bool,
    has_signature_marker: bool,
    has_center_marker: bool,
}

fn attr_f(n: roxmltree::Node, a: &str) -> f64 {
    n.attribute(a).unwrap_or_else(|| panic!("missing {a}")).parse().unwrap()
}

fn class_is(n: &roxmltree::Node, c: &str) -> bool {
    n.attribute("class").is_some_and(|x| x.split(' ').any(|y| y == c))
}

fn blocks(svg: &str) -> HashMap<String, BlockInfo> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    let mut out = HashMap::new();
    for g in doc.descendants().filter(|n| n.has_tag_name("g") && class_is(n, "block")) {
        let code = g.attribute("data-code").unwrap().to_string();
        let box_ = g.children().find(|n| class_is(n, "box")).expect("block has a box");
        let band = g.children().find(|n| class_is(n, "band")).expect("block has a level band");
        let label: Vec<&str> = g.children().filter(|n| class_is(n, "level-label")).filter_map(|n| n.text()).collect();
        let marker = |c: &str| g.descendants().any(|n| class_is(&n, c));
        let info = BlockInfo {
            x: attr_f(box_, "x"),
            y: attr_f(box_, "y"),
            w: attr_f(box_, "width"),
            h: attr_f(box_, "height"),
            level: g.attribute("data-level").unwrap().to_string(),
            band_fill: band.attribute("fill").unwrap().to_string(),
            label: label.join(" "),
            signature: g.attribute("data-signature") == Some("true"),
            center: g.attribute("data-center") == Some("true"),
            has_signature_marker: marker("marker-signature"),
            has_center_marker: marker("marker-center"),
        };
        assert!(out.insert(code.clone(), info).is_none(), "block {code} appears twice");
    }
    out
}

#[test]
fn every_procedure_is_one_block_with_its_level_label_and_markers() {
    let ex = example();
    let svg = svg_text("diagrams/hanh-trinh-dau-tu.svg");
    let found = blocks(&svg);
    assert_eq!(found.len(), ex.site.procedures.len(), "the journey diagram shows every procedure once");
    for p in &ex.site.procedures {
        let b = found.get(&p.code).unwrap_or_else(|| panic!("no block for {}", p.code));
        let level = &ex.site.levels[p.level];
        assert_eq!(b.level, level.key, "{}", p.code);
        assert_eq!(b.band_fill, level.colour, "{}: band filled with its level's colour", p.code);
        assert_eq!(b.label, level.label.vi, "{}: level named in words", p.code);
        assert_eq!(
            (b.signature, b.has_signature_marker),
            (p.digital_signature, p.digital_signature),
            "{}: signature marker",
            p.code
        );
        assert_eq!(
            (b.center, b.has_center_marker),
            (p.service_center, p.service_center),
            "{}: service-centre marker",
            p.code
        );
    }
    // The construction poster shows only its two stages.
    let construction = blocks(&svg_text("diagrams/xay-dung.svg"));
    let expected: Vec<&str> = ex
        .site
        .procedures
        .iter()
        .filter(|p| ["xay-dung", "pccc-nghiem-thu"].contains(&ex.site.stages[p.stage].key.as_str()))
        .map(|p| p.code.as_str())
        .collect();
    assert_eq!(construction.len(), expected.len());
    assert!(expected.iter().all(|c| construction.contains_key(*c)));
}

#[test]
fn blocks_do_not_overlap() {
    for name in ["hanh-trinh-dau-tu", "xay-dung"] {
        let found = blocks(&svg_text(&format!("diagrams/{name}.svg")));
        let list: Vec<(&String, &BlockInfo)> = found.iter().collect();
        for (i, (ca, a)) in list.iter().enumerate() {
            for (cb, b) in &list[i + 1..] {
                let apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
                assert!(apart, "{name}: blocks {ca} and {cb} overlap");
            }
        }
    }
}

fn fonts() -> Fonts {
    let theme = onestop::theme::load_theme(&repo()).unwrap();
    Fonts::from_static(&theme.static_files).unwrap()
}

/// Lays the SVG out again with usvg (real glyphs of the bundled font) and
/// checks every text line stays inside its block, and no text was dropped.
#[test]
fn text_is_never_lost_and_stays_inside_its_block() {
    let db = raster::font_db(&fonts());
    for rel in ["diagrams/hanh-trinh-dau-tu.svg", "diagrams/xay-dung.svg", "en/diagrams/hanh-trinh-dau-tu.svg"] {
        let svg = svg_text(rel);
        let tree = raster::parse(&svg, db.clone()).unwrap();
        let in_source =
            roxmltree::Document::parse(&svg).unwrap().descendants().filter(|n| n.has_tag_name("text")).count();
        assert_eq!(
            raster::count_text(tree.root()),
            in_source,
            "{rel}: usvg kept every <text> (a missing font drops text silently)"
        );
        let codes: Vec<String> = blocks(&svg).into_keys().collect();
        for code in codes {
            let Some(usvg::Node::Group(g)) = tree.node_by_id(&format!("b-{code}")) else {
                panic!("{rel}: no group b-{code}")
            };
            let bounds =
                g.children().iter().find(|n| matches!(n, usvg::Node::Path(_))).expect("box first").abs_bounding_box();
            let mut texts = 0;
            for n in g.children() {
                if let usvg::Node::Text(t) = n {
                    texts += 1;
                    let r = t.abs_bounding_box();
                    let eps = 0.5;
                    assert!(
                        r.left() >= bounds.left() - eps
                            && r.right() <= bounds.right() + eps
                            && r.top() >= bounds.top() - eps
                            && r.bottom() <= bounds.bottom() + eps,
                        "{rel}: text of {code} ({:?}) extends beyond its block ({:?})",
                        r,
                        bounds
                    );
                }
            }
            assert!(texts >= 4, "{rel}: block {code} has its level, code, title and time");
        }
    }
}

#[test]
fn arrows_run_from_the_earlier_procedure_to_the_later_one() {
    let ex = example();
    let svg = svg_text("diagrams/hanh-trinh-dau-tu.svg");
    let found = blocks(&svg);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let mut drawn = Vec::new();
    for a in doc.descendants().filter(|n| class_is(n, "arrow")) {
        let (from, to) = (a.attribute("data-from").unwrap(), a.attribute("data-to").unwrap());
        let nums: Vec<f64> = a
            .attribute("d")
            .unwrap()
            .split(['M', 'L', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let (first, last) = ((nums[0], nums[1]), (nums[nums.len() - 2], nums[nums.len() - 1]));
        let (s, t) = (&found[from], &found[to]);
        // On a side, or (an arrow into the next block of its column) on the top edge.
        let on_edge = |b: &BlockInfo, (x, y): (f64, f64)| {
            ((x - b.x).abs() < 0.02 || (x - b.x - b.w).abs() < 0.02) && y >= b.y && y <= b.y + b.h
                || (y - b.y).abs() < 0.02 && x >= b.x && x <= b.x + b.w
        };
        assert!(on_edge(s, first), "arrow {from}→{to} starts on {from}");
        assert!(on_edge(t, last), "arrow {from}→{to} ends on {to}");
        // Every segment is horizontal or vertical and no segment passes through a block.
        let points: Vec<(f64, f64)> = nums.chunks(2).map(|c| (c[0], c[1])).collect();
        for w in points.windows(2) {
            let ((x1, y1), (x2, y2)) = (w[0], w[1]);
            assert!(x1 == x2 || y1 == y2, "arrow {from}→{to} has a diagonal segment");
            for (code, b) in &found {
                let (lx, hx, ly, hy) = (x1.min(x2), x1.max(x2), y1.min(y2), y1.max(y2));
                let crosses = lx < b.x + b.w - 0.02 && hx > b.x + 0.02 && ly < b.y + b.h - 0.02 && hy > b.y + 0.02;
                assert!(!crosses, "arrow {from}→{to} crosses block {code}");
            }
        }
        drawn.push((from.to_string(), to.to_string()));
    }
    let mut expected: Vec<(String, String)> =
        ex.site.procedures.iter().flat_map(|p| p.after.iter().map(move |a| (a.clone(), p.code.clone()))).collect();
    expected.sort();
    drawn.sort();
    // One arrow per drawn relation; relations another path implies, or that two lines per
    // gap cannot carry (counted in data-arrows-omitted, tests/suite/posters.rs), are left out.
    let before = drawn.len();
    drawn.dedup();
    assert_eq!(drawn.len(), before, "no relation is drawn twice");
    assert!(drawn.iter().all(|d| expected.contains(d)), "every arrow is an `after` relation");
    let omitted: usize = doc.root_element().attribute("data-arrows-omitted").map_or(0, |n| n.parse().unwrap());
    assert!(drawn.len() + omitted <= expected.len());
    assert!(drawn.len() * 4 >= expected.len() * 3, "{} of {} relations drawn", drawn.len(), expected.len());
}

#[test]
fn poster_text_is_at_least_14_pt_on_a1() {
    let svg = svg_text("diagrams/hanh-trinh-dau-tu.svg");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let root = doc.root_element();
    let view_w: f64 = root.attribute("viewBox").unwrap().split(' ').nth(2).unwrap().parse().unwrap();
    let paper_w: f64 = root.attribute("width").unwrap().trim_end_matches("mm").parse().unwrap();
    assert_eq!(paper_w, 841.0, "the example journey poster is A1 landscape");
    let min_pt = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| attr_f(n, "font-size") * paper_w / view_w / (25.4 / 72.0))
        .fold(f64::MAX, f64::min);
    assert!(min_pt >= 13.99, "smallest text on the A1 poster is {min_pt:.1} pt");
}

fn png_info(rel: &str) -> (u32, u32, Option<png::PixelDimensions>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(out(rel)).unwrap()));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    (info.width, info.height, info.pixel_dims)
}

#[test]
fn png_posters_have_the_paper_size_at_their_dpi_and_say_so() {
    // A1 landscape at 150 dpi; A2 portrait at 300 dpi.
    for (rel, w_mm, h_mm, dpi) in
        [("diagrams/hanh-trinh-dau-tu.png", 841.0, 594.0, 150u32), ("diagrams/xay-dung.png", 420.0, 594.0, 300)]
    {
        let (w, h, dims) = png_info(rel);
        let px = |mm: f64| (mm / 25.4 * dpi as f64).round() as u32;
        assert_eq!((w, h), (px(w_mm), px(h_mm)), "{rel}");
        let dims = dims.unwrap_or_else(|| panic!("{rel} has no pHYs chunk"));
        assert_eq!(dims.unit, png::Unit::Meter);
        assert_eq!(((dims.xppu as f64) * 0.0254).round() as u32, dpi, "{rel} records its dpi");
        assert_eq!(dims.xppu, dims.yppu);
    }
}

fn poppler(test: &str) -> bool {
    support::require(
        test,
        "poppler-utils (pdffonts, pdftotext)",
        support::which("pdffonts").is_some() && support::which("pdftotext").is_some(),
    )
}

#[test]
fn pdf_posters_embed_their_fonts_and_keep_every_word() {
    if !poppler("pdf_posters_embed_their_fonts_and_keep_every_word") {
        return;
    }
    let ex = example();
    let pdf = out("diagrams/hanh-trinh-dau-tu.pdf");
    let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
    let listing = String::from_utf8_lossy(&fonts.stdout);
    let rows: Vec<&str> = listing.lines().skip(2).filter(|l| !l.trim().is_empty()).collect();
    assert!(!rows.is_empty(), "pdffonts lists fonts");
    for r in &rows {
        assert!(r.contains("BeVietnamPro"), "only the bundled font: {r}");
        let cols: Vec<&str> = r.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "embedded, subset, with a Unicode map: {r}");
    }
    let text = Command::new("pdftotext").args(["-layout"]).arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    use unicode_normalization::UnicodeNormalization;
    assert_eq!(text.nfc().collect::<String>(), text, "pdftotext gives NFC Vietnamese");
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for p in &ex.site.procedures {
        assert!(flat.contains(&p.code), "PDF has {}", p.code);
    }
    for l in &ex.site.levels {
        assert!(flat.contains(&l.label.vi), "legend names {}", l.label.vi);
        let first_words: String = l.meaning.plain.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&first_words), "legend explains {} in the scheme's words: {first_words}", l.label.vi);
    }
    for words in [
        "Chú giải",
        "Chấp nhận chữ ký số",
        "Tiếp nhận tại Trung tâm Phục vụ hành chính công",
        "Hành trình thủ tục của nhà đầu tư",
        "Ban Quản lý các khu công nghiệp tỉnh Hà Nam",
        "dichvucong.hanam.gov.vn",
        "Ấn bản: 01/11/2026",
    ] {
        assert!(flat.contains(words), "PDF text has “{words}”");
    }
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("2383.94 x 1683.78 pts"), "A1 landscape page: {info}");
}

/// WCAG relative-luminance contrast between the fills of any two levels must
/// be at least 1.5:1, so a greyscale print still separates them (the
/// patterns and labels separate them further).
const GREY_CONTRAST: f64 = 1.5;

fn check_grey(site: &Site, found: &HashMap<String, BlockInfo>) {
    let mut fills: Vec<(&str, &str)> = Vec::new();
    for b in found.values() {
        if !fills.iter().any(|(k, _)| *k == b.level) {
            fills.push((&b.level, &b.band_fill));
        }
    }
    let all: Vec<(&str, &str)> = site.levels.iter().map(|l| (l.key.as_str(), l.colour.as_str())).collect();
    for (i, (ka, ca)) in all.iter().enumerate() {
        for (kb, cb) in &all[i + 1..] {
            let c = onestop::levels::contrast(ca, cb);
            assert!(c >= GREY_CONTRAST, "levels {ka} and {kb}: grey contrast {c:.2} < {GREY_CONTRAST}");
        }
    }
    assert!(!fills.is_empty());
}

#[test]
fn levels_differ_in_grey_and_the_2022_scheme_redraws_legend_and_fills() {
    let ex = example();
    let svg2011 = svg_text("diagrams/hanh-trinh-dau-tu.svg");
    check_grey(&ex.site, &blocks(&svg2011));

    let dir = tempfile::tempdir().unwrap();
    copy_site(dir.path());
    let cfg = fs::read_to_string(dir.path().join("site.toml"))
        .unwrap()
        .replace("level_scheme = \"2011\"", "level_scheme = \"2022\"");
    fs::write(dir.path().join("site.toml"), cfg).unwrap();
    build_site(dir.path());
    let site = onestop::load::load_site(dir.path(), None).unwrap();
    assert_eq!(site.levels.len(), 3);
    let svg = fs::read_to_string(dir.path().join("public/diagrams/hanh-trinh-dau-tu.svg")).unwrap();
    let found = blocks(&svg);
    check_grey(&site, &found);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let legend: Vec<&str> =
        doc.descendants().filter(|n| class_is(n, "legend-level")).map(|n| n.attribute("data-level").unwrap()).collect();
    assert_eq!(legend, vec!["thong-tin-truc-tuyen", "mot-phan", "toan-trinh"], "legend of the 2022 scheme");
    assert!(svg.contains("Dịch vụ công trực tuyến toàn trình") && !svg.contains(">Mức độ 3<"));
    for p in &site.procedures {
        assert_eq!(found[&p.code].band_fill, site.levels[p.level].colour);
    }
    assert_ne!(svg, svg2011);
}

#[test]
fn an_unchanged_diagram_is_not_rendered_again() {
    let dir = tempfile::tempdir().unwrap();
    copy_site(dir.path());
    // (reused, rendered) over the poster kinds only (leaflets have their own test).
    let posters = |s: &BuildSummary| {
        ["poster-png", "poster-pdf"]
            .iter()
            .map(|k| s.cache_kinds.get(*k).copied().unwrap_or_default())
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    };
    let first = build_site(dir.path());
    assert_eq!(posters(&first), (0, 8), "2 diagrams × 2 languages × PNG and PDF rendered");
    let png = fs::read(dir.path().join("public/diagrams/hanh-trinh-dau-tu.png")).unwrap();
    // An edit that no diagram shows: a page's text.
    let page = dir.path().join("content/pages/gioi-thieu.md");
    fs::write(&page, fs::read_to_string(&page).unwrap() + "\nMột đoạn mới.\n").unwrap();
    let second = build_site(dir.path());
    assert_eq!(posters(&second), (8, 0), "nothing re-rendered");
    assert_eq!(fs::read(dir.path().join("public/diagrams/hanh-trinh-dau-tu.png")).unwrap(), png, "same bytes");
    // A construction record's title: both Vietnamese posters show it, the English ones do not.
    let rec = dir.path().join("content/procedures/xay-dung/cap-giay-phep-xay-dung-moi.toml");
    let text = fs::read_to_string(&rec).unwrap();
    let text = text.replace("short_title = \"Cấp giấy phép xây dựng mới", "short_title = \"Cấp mới giấy phép xây dựng");
    fs::write(&rec, text).unwrap();
    let third = build_site(dir.path());
    assert_eq!(posters(&third), (4, 4));
}

#[test]
fn home_and_journey_pages_show_the_diagram_with_links_and_a_list() {
    let ex = example();
    for page in ["index.html", "hanh-trinh/index.html"] {
        let html = fs::read_to_string(out(page)).unwrap();
        let start = html
            .find("<svg xmlns=\"http://www.w3.org/2000/svg\"")
            .unwrap_or_else(|| panic!("{page} has the inline diagram"));
        let end = html[start..].find("</svg>").unwrap() + start + 6;
        let svg = &html[start..end];
        let found = blocks(svg);
        assert_eq!(found.len(), ex.site.procedures.len());
        for p in &ex.site.procedures {
            assert!(svg.contains(&format!("href=\"/thu-tuc/{}/\"", p.slug)), "{page}: block {} links its page", p.code);
            assert!(
                html.contains(&format!("<a href=\"/thu-tuc/{}/\">{} ", p.slug, p.code)),
                "{page}: the list has {}",
                p.code
            );
        }
        assert!(!svg.contains("width=\"841mm\""), "{page}: the inline SVG is sized by CSS");
    }
    let journey = fs::read_to_string(out("hanh-trinh/index.html")).unwrap();
    for ext in ["pdf", "png", "svg"] {
        assert!(
            journey.contains(&format!("href=\"/diagrams/hanh-trinh-dau-tu.{ext}\"")),
            "journey page offers the {ext} poster"
        );
    }
    assert!(journey.contains(" MB)") || journey.contains(" KB)"), "with its size");
}

#[test]
fn bad_diagram_specs_are_reported_with_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    copy_site(dir.path());
    // A value outside the schema in one file, wrong references in another:
    // all reported in one run.
    fs::write(dir.path().join("diagrams/bad-paper.toml"), "title = \"Sơ đồ\"\n\npaper = \"B2\"\n").unwrap();
    fs::write(
        dir.path().join("diagrams/bad.toml"),
        "title = \"Sơ đồ\"\nstages = [\"xay-dungg\"]\n\ndpi = 5000\nprocedures = [\"9.999999\"]\n",
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_onestop");
    let o = Command::new(bin).args(["check", "--root"]).arg(dir.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    for (file, line, field, hint) in [
        ("bad", 2, "stages", "did you mean \"xay-dung\"?"),
        ("bad-paper", 3, "paper", "\"A0\""),
        ("bad", 4, "dpi", "72 to 600"),
        ("bad", 5, "procedures", ""),
    ] {
        let needle = format!("diagrams/{file}.toml:{line}:");
        let found =
            err.lines().find(|l| l.contains(&needle)).unwrap_or_else(|| panic!("no error at {needle} in:\n{err}"));
        assert!(found.contains(field), "{found}");
        assert!(err.contains(hint), "hint {hint} in:\n{err}");
    }
}

/// Smallest text of a poster SVG, in points on its paper.
fn min_text_pt(svg: &str) -> f64 {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let root = doc.root_element();
    let view_w: f64 = root.attribute("viewBox").unwrap().split(' ').nth(2).unwrap().parse().unwrap();
    let paper_w: f64 = root.attribute("width").unwrap().trim_end_matches("mm").parse().unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| attr_f(n, "font-size") * paper_w / view_w / (25.4 / 72.0))
        .fold(f64::MAX, f64::min)
}

#[test]
fn layout_stays_readable_from_5_to_150_procedures() {
    let dir = tempfile::tempdir().unwrap();
    copy_site(dir.path());
    // 150 procedures: the 59 records, a copy of each (codes 8.xxxxxx), and 32 more (7.xxxxxx).
    let records: Vec<PathBuf> = walkdir::WalkDir::new(dir.path().join("content/procedures"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    let mut n = records.len();
    for (prefix, take) in [("8", records.len()), ("7", 150 - 2 * records.len())] {
        for (i, r) in records.iter().take(take).enumerate() {
            let text = fs::read_to_string(r).unwrap();
            let text: String = text
                .lines()
                .filter(|l| !l.starts_with("alternative_to"))
                .map(|l| if l.starts_with("code = ") { format!("code = \"{prefix}.{i:06}\"") } else { l.to_string() })
                .collect::<Vec<_>>()
                .join("\n");
            let stem = r.file_stem().unwrap().to_string_lossy();
            fs::write(r.with_file_name(format!("{stem}-{prefix}.toml")), text).unwrap();
            n += 1;
        }
    }
    assert_eq!(n, 150);
    let five = ["1.009664", "1.013236", "1.115391", "1.014155", "2.001955"];
    fs::write(
        dir.path().join("diagrams/five.toml"),
        format!("title = \"Năm thủ tục\"\nprocedures = {five:?}\npaper = \"A3\"\n"),
    )
    .unwrap();
    fs::write(dir.path().join("diagrams/all-a0.toml"), "title = \"Toàn bộ, khổ A0\"\npaper = \"A0\"\n").unwrap();
    build_site(dir.path());
    let read = |name: &str| fs::read_to_string(dir.path().join(format!("public/diagrams/{name}.svg"))).unwrap();
    let db = raster::font_db(&fonts());
    for (name, count, min_pt) in [("five", 5, 14.0), ("hanh-trinh-dau-tu", 150, 9.0), ("all-a0", 150, 14.0)] {
        let svg = read(name);
        let found = blocks(&svg);
        assert_eq!(found.len(), count, "{name}");
        let list: Vec<&BlockInfo> = found.values().collect();
        for (i, a) in list.iter().enumerate() {
            for b in &list[i + 1..] {
                assert!(
                    a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y,
                    "{name}: blocks overlap"
                );
            }
        }
        let tree = raster::parse(&svg, db.clone()).unwrap();
        for code in found.keys() {
            let Some(usvg::Node::Group(g)) = tree.node_by_id(&format!("b-{code}")) else { panic!() };
            let bounds = g.children()[0].abs_bounding_box();
            for t in g.children().iter().filter(|n| matches!(n, usvg::Node::Text(_))) {
                let r = t.abs_bounding_box();
                assert!(
                    r.right() <= bounds.right() + 0.5 && r.bottom() <= bounds.bottom() + 0.5,
                    "{name}: text of {code} leaves its block"
                );
            }
        }
        let pt = min_text_pt(&svg);
        eprintln!("{name}: {count} procedures, smallest text {pt:.1} pt");
        assert!(pt >= min_pt - 0.01, "{name}: smallest text {pt:.1} pt < {min_pt}");
        if min_pt >= 14.0 {
            // The title scales with the paper: 72 pt on A1, ×0.5 on A3. An overfull A0
            // (150 procedures) lets its 102 pt title yield before the body, down to A1's 72 pt.
            let want = if name == "all-a0" { 72.0 } else { 72.0 * 297.0 / 594.0 };
            let title = text_pt(&svg, "title");
            eprintln!("{name}: title {title:.1} pt");
            assert!(title >= want - 0.1, "{name}: title {title:.1} pt < {want:.1}");
        }
    }
}

/// Size in points on the paper of the poster text with class `class` (the smallest one).
fn text_pt(svg: &str, class: &str) -> f64 {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let root = doc.root_element();
    let view_w: f64 = root.attribute("viewBox").unwrap().split(' ').nth(2).unwrap().parse().unwrap();
    let paper_w: f64 = root.attribute("width").unwrap().trim_end_matches("mm").parse().unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text") && class_is(n, class))
        .map(|n| attr_f(n, "font-size") * paper_w / view_w / (25.4 / 72.0))
        .reduce(f64::min)
        .unwrap_or_else(|| panic!("no text of class {class}"))
}

#[test]
fn poster_titles_are_72_pt_on_a1_and_scale_with_the_paper() {
    // A1 landscape: 72 pt; A2 portrait (0.71 × A1): 51 pt.
    for (rel, want) in [("diagrams/hanh-trinh-dau-tu.svg", 72.0), ("diagrams/xay-dung.svg", 72.0 * 420.0 / 594.0)] {
        let svg = svg_text(rel);
        let title = text_pt(&svg, "title");
        eprintln!("{rel}: title {title:.1} pt, smallest text {:.1} pt", min_text_pt(&svg));
        assert!(title >= want - 0.1, "{rel}: title {title:.1} pt < {want:.1} pt");
    }
}

/// Position of `needle` in `hay` (panics with the text when it is missing).
fn pos(hay: &str, needle: &str) -> usize {
    hay.find(needle).unwrap_or_else(|| panic!("“{needle}” is not in the extracted text:\n{hay}"))
}

#[test]
fn pdf_posters_have_title_and_language_and_read_lane_by_lane() {
    if !poppler("pdf_posters_have_title_and_language_and_read_lane_by_lane") {
        return;
    }
    for (rel, title, lang) in [
        ("diagrams/xay-dung.pdf", "Thủ tục xây dựng và nghiệm thu công trình", "vi"),
        ("en/diagrams/xay-dung.pdf", "Construction and completion acceptance", "en"),
        ("diagrams/hanh-trinh-dau-tu.pdf", "Hành trình thủ tục của nhà đầu tư trong khu công nghiệp", "vi"),
    ] {
        let pdf = out(rel);
        let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(info.lines().any(|l| l.starts_with("Title:") && l.contains(title)), "{rel} title: {info}");
        let bytes = fs::read(&pdf).unwrap();
        let lang_entry = format!("/Lang({lang})");
        assert!(bytes.windows(lang_entry.len()).any(|w| w == lang_entry.as_bytes()), "{rel} declares {lang_entry}");
    }
    // Reading order (content order, as a screen reader or copy-paste meets it): each
    // stage's heading, then its procedures, before the next stage begins; an "or" chip
    // is read with the level band it sits in, before the code.
    let raw = Command::new("pdftotext").arg("-raw").arg(out("diagrams/xay-dung.pdf")).arg("-").output().unwrap();
    let raw = String::from_utf8(raw.stdout).unwrap();
    let flat: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let (lane4, lane5) = (pos(&flat, "4. Xây dựng"), pos(&flat, "5. Phòng cháy"));
    assert!(lane4 < pos(&flat, "1.013216"), "stage 4's heading comes before its procedures");
    for code in ["1.013216", "1.013239", "1.013236", "1.013238"] {
        assert!(pos(&flat, code) < lane5, "{code} (stage 4) is read before stage 5's heading");
    }
    for code in ["1.115391", "3.000490", "1.009794"] {
        assert!(pos(&flat, code) > lane5, "{code} (stage 5) is read after stage 5's heading");
    }
    assert!(pos(&flat, "hoặc 1.013216") > 0, "the “or” chip is read before the code: {flat}");
}

#[test]
fn the_a2_construction_poster_fills_its_paper() {
    let svg = svg_text("diagrams/xay-dung.svg");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let root = doc.root_element();
    let view_w: f64 = root.attribute("viewBox").unwrap().split(' ').nth(2).unwrap().parse().unwrap();
    let paper_w: f64 = root.attribute("width").unwrap().trim_end_matches("mm").parse().unwrap();
    let mm = paper_w / view_w;
    let lowest = blocks(&svg).values().map(|b| b.y + b.h).fold(0.0, f64::max);
    let legend = doc.descendants().find(|n| class_is(n, "legend-title")).expect("the poster has a legend");
    let legend_top = attr_f(legend, "y") - attr_f(legend, "font-size");
    let band = (legend_top - lowest) * mm;
    eprintln!("xay-dung: empty band above the legend {band:.0} mm, smallest text {:.1} pt", min_text_pt(&svg));
    assert!(band <= 30.0, "an empty band of {band:.0} mm between the blocks and the legend");
}
