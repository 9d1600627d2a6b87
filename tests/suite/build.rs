//! Builds the repository's own example site into temporary folders and checks
//! real content in the output.

use onestop::build::{BuildError, BuildOptions, build};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build_into(root: &Path, out: &Path, base_url: Option<&str>) -> Result<onestop::build::BuildSummary, BuildError> {
    build(&BuildOptions {
        root: root.to_path_buf(),
        out_dir: out.to_path_buf(),
        base_url: base_url.map(String::from),
        check_only: false,
        progress: false,
    })
}

/// The example site built once for all tests in this file.
fn example() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        build_into(&repo(), &d.path().join("public"), None)
            .unwrap_or_else(|e| panic!("example site must build: {e:?}"));
        d
    });
    Box::leak(Box::new(dir.path().join("public")))
}

fn read(rel: &str) -> String {
    fs::read_to_string(example().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn record_files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root.join("content/procedures"))
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
        .map(|e| e.path().to_path_buf())
        .collect()
}

/// Copies the site's inputs (not public/, not target/) into a temp folder.
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

#[test]
fn the_example_has_at_least_40_procedures_in_all_six_stages() {
    let files = record_files(&repo());
    assert!(files.len() >= 40, "{} records", files.len());
    let stages: std::collections::BTreeSet<_> =
        files.iter().map(|f| f.parent().unwrap().file_name().unwrap().to_owned()).collect();
    assert_eq!(stages.len(), 6, "{stages:?}");
}

#[test]
fn a_procedure_page_shows_its_code_channels_documents_and_legal_basis() {
    let html = read("thu-tuc/dang-ky-noi-quy-lao-dong/index.html");
    assert!(html.contains("2.001955"));
    assert!(html.contains("<h1>Đăng ký nội quy lao động của doanh nghiệp</h1>"));
    // Every channel with its time.
    for channel in ["Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính"] {
        assert!(
            html.contains(&format!(
                "<th scope=\"row\">{channel}</th><td data-label=\"Thời gian giải quyết\">7 ngày làm việc</td>"
            )),
            "{channel}"
        );
    }
    assert!(html.contains("Văn bản đề nghị đăng ký nội quy lao động."));
    assert!(html.contains("145/2020/NĐ-CP"));
    assert!(html.contains("14/12/2020"));
    // Level badge with its meaning, JSON-LD, journey sidebar.
    assert!(html.contains("class=\"badge lv-muc-do-4\">Mức độ 4</span>"));
    assert!(html.contains("\"@type\":\"GovernmentService\""));
    assert!(html.contains("\"@type\":\"ServiceChannel\""));
    assert!(html.contains("Thuộc hành trình của nhà đầu tư"));
    assert!(html.contains("href=\"https://dichvucong.hanam.gov.vn/\""), "file-online button");
}

#[test]
fn missing_facts_say_khong_co_thong_tin() {
    // 1.009794 is written from the candidate list only: no documents are sourced.
    let html = read("thu-tuc/kiem-tra-nghiem-thu-hoan-thanh-cong-trinh/index.html");
    let docs = &html[html.find("id=\"s-documents\"").unwrap()..];
    let docs = &docs[..docs.find("</section>").unwrap()];
    assert!(docs.contains("Không có thông tin"), "{docs}");
}

#[test]
fn the_catalogue_has_one_row_per_record() {
    let html = read("thu-tuc/index.html");
    let rows = html.matches("<tr data-level=").count();
    assert_eq!(rows, record_files(&repo()).len());
    assert!(html.contains("id=\"catalogue-filters\" hidden"), "filters only appear with JS");
}

#[test]
fn journey_lists_stages_in_order_with_every_procedure() {
    let page = read("hanh-trinh/index.html");
    // The step-by-step (the diagram above it has its own test).
    let html = &page[page.find("<ol class=\"step-by-step\">").expect("step-by-step list")..];
    let titles = ["Chủ trương và đăng ký đầu tư", "Quy hoạch", "Môi trường", "Xây dựng", "Phòng cháy", "Vận hành"];
    let mut last = 0;
    for t in titles {
        let at = html.find(t).unwrap_or_else(|| panic!("{t} missing"));
        assert!(at > last, "{t} out of order");
        last = at;
    }
    // Every stage expands; the first is open, the others closed so the whole journey is in view.
    let steps = &html[..html.find("</ol>").unwrap()];
    assert_eq!(steps.matches("<details").count(), 6);
    assert_eq!(steps.matches("<details open>").count(), 1);
    assert!(steps.find("<details open>") == steps.find("<details"), "the first stage is the open one");
    for f in record_files(&repo()) {
        let slug = f.file_stem().unwrap().to_str().unwrap();
        assert!(html.contains(&format!("/thu-tuc/{slug}/")), "{slug} not on the journey");
    }
}

#[test]
fn open_data_has_every_record() {
    let n = record_files(&repo()).len();
    let json: serde_json::Value = serde_json::from_str(&read("data/procedures.json")).unwrap();
    assert_eq!(json["procedures"].as_array().unwrap().len(), n);
    let csv = read("data/procedures.csv");
    assert!(csv.starts_with('\u{feff}'), "BOM for Excel");
    assert_eq!(csv.lines().count(), n + 1);
    let index: serde_json::Value = serde_json::from_str(&read("data/search-index.json")).unwrap();
    let docs = index["docs"].as_array().unwrap();
    assert_eq!(docs.len(), n);
    let irc = docs.iter().find(|d| d["c"] == "1.009664").unwrap();
    assert!(irc["k"].as_str().unwrap().contains("dang ky dau tu"), "folded text for diacritic-free search");
}

#[test]
fn sitemap_robots_and_404_exist() {
    let sitemap = read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://thutuc.example.gov.vn/thu-tuc/dang-ky-noi-quy-lao-dong/</loc>"));
    assert!(!sitemap.contains("404"));
    assert!(read("robots.txt").contains("Sitemap: https://thutuc.example.gov.vn/sitemap.xml"));
    assert!(read("404.html").contains("Không tìm thấy trang"));
    assert!(example().join("static/fonts/BeVietnamPro_400Regular.ttf").exists());
    assert!(example().join("static/fonts/OFL.txt").exists());
}

#[test]
fn the_level_scheme_is_configuration() {
    let dir = tempfile::tempdir().unwrap();
    copy_site(dir.path());
    let site = fs::read_to_string(dir.path().join("site.toml")).unwrap();
    let switched = site.replace("level_scheme = \"2011\"", "level_scheme = \"2022\"");
    assert_ne!(site, switched, "site.toml must set level_scheme");
    fs::write(dir.path().join("site.toml"), switched).unwrap();
    let out = dir.path().join("public");
    build_into(dir.path(), &out, None).unwrap();
    let catalogue = fs::read_to_string(out.join("thu-tuc/index.html")).unwrap();
    assert!(catalogue.contains(">Dịch vụ công trực tuyến toàn trình</span>"));
    assert!(catalogue.contains(">Dịch vụ công trực tuyến một phần</span>"));
    assert!(!catalogue.contains(">Mức độ 3</span>"));
    assert!(out.join("muc-do/toan-trinh/index.html").exists());
    // Same records, re-coloured: the level-4 fill is the darkest in both schemes.
    let page = fs::read_to_string(out.join("thu-tuc/dang-ky-noi-quy-lao-dong/index.html")).unwrap();
    assert!(page.contains("lv-toan-trinh"));
    assert!(page.contains(".lv-mot-phan{--fill:#7C7B78"));
}

#[test]
fn builds_under_a_sub_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_into(&repo(), &out, Some("https://example.gov.vn/tthc/")).unwrap();
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("href=\"/tthc/static/css/site.css\""));
    assert!(home.contains("<link rel=\"canonical\" href=\"https://example.gov.vn/tthc/\">"));
    assert!(!home.contains("href=\"/thu-tuc/"), "no link may escape the sub-path");
    // Markdown links in pages are re-rooted too.
    for e in
        walkdir::WalkDir::new(&out).into_iter().flatten().filter(|e| e.path().extension().is_some_and(|x| x == "html"))
    {
        let html = fs::read_to_string(e.path()).unwrap();
        for part in html.split(" href=\"/").skip(1) {
            assert!(part.starts_with("tthc/"), "{}: href=\"/{}", e.path().display(), &part[..part.len().min(40)]);
        }
    }
}

#[test]
fn output_is_deterministic() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    build_into(&repo(), &a.path().join("p"), None).unwrap();
    build_into(&repo(), &b.path().join("p"), None).unwrap();
    let files = |d: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut v: Vec<_> = walkdir::WalkDir::new(d)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().strip_prefix(d).unwrap().to_path_buf(), fs::read(e.path()).unwrap()))
            .collect();
        v.sort();
        v
    };
    let (fa, fb) = (files(&a.path().join("p")), files(&b.path().join("p")));
    assert_eq!(fa.len(), fb.len());
    for ((pa, ba), (pb, bb)) in fa.iter().zip(&fb) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{} differs between two builds", pa.display());
    }
}

#[test]
fn check_mode_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let s =
        build(&BuildOptions { root: repo(), out_dir: out.clone(), base_url: None, check_only: true, progress: false })
            .unwrap();
    assert!(s.files > 90);
    assert!(!out.exists());
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn the_docs_describe_every_key() {
    let docs = fs::read_to_string(repo().join("docs/content-format.md")).unwrap();
    for (name, keys) in [
        ("record", onestop::schema::RECORD_KEYS),
        ("site", onestop::schema::SITE_KEYS),
        ("page", onestop::schema::PAGE_KEYS),
        ("diagram", onestop::schema::DIAGRAM_KEYS),
        ("question", onestop::schema::FAQ_KEYS),
    ] {
        let mut paths = Vec::new();
        onestop::schema::key_paths(keys, "", &mut paths);
        for p in paths {
            assert!(docs.contains(&format!("`{p}`")), "docs/content-format.md does not document the {name} key `{p}`");
        }
    }
}

#[test]
fn the_readme_starts_with_the_two_commands() {
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    let head: String = readme.lines().take(12).collect::<Vec<_>>().join("\n");
    assert!(head.contains("cargo run --release -- build"), "{head}");
    assert!(head.contains("cargo test --release"), "{head}");
}

#[test]
fn a_site_overrides_theme_files_by_path() {
    let dir = tempfile::tempdir().unwrap();
    copy_site(dir.path());
    // Without its own themes/ the site uses the theme compiled into the binary.
    fs::remove_dir_all(dir.path().join("themes")).unwrap();
    fs::create_dir_all(dir.path().join("templates/partials")).unwrap();
    fs::write(dir.path().join("templates/partials/footer.html"), "<footer><p>Chân trang riêng của Ban</p></footer>\n")
        .unwrap();
    fs::create_dir_all(dir.path().join("static/css")).unwrap();
    fs::write(dir.path().join("static/css/site.css"), "body { color: #111; }\n").unwrap();
    fs::create_dir_all(dir.path().join("i18n")).unwrap();
    fs::write(dir.path().join("i18n/vi.toml"), "catalogue = \"Danh sách thủ tục\"\n").unwrap();
    let out = dir.path().join("public");
    build_into(dir.path(), &out, None).unwrap();
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("Chân trang riêng của Ban"));
    assert!(home.contains("Danh sách thủ tục"), "one translation key overridden");
    assert!(home.contains("Hành trình nhà đầu tư"), "the other keys still come from the theme");
    assert_eq!(fs::read_to_string(out.join("static/css/site.css")).unwrap(), "body { color: #111; }\n");
    assert!(out.join("static/js/site.js").exists(), "files not overridden come from the built-in theme");
}

#[test]
fn every_page_has_the_header_with_the_current_section_marked() {
    for (page, current) in [
        ("index.html", "Trang chủ"),
        ("thu-tuc/index.html", "Danh mục thủ tục"),
        ("thu-tuc/dang-ky-noi-quy-lao-dong/index.html", "Danh mục thủ tục"),
        ("hanh-trinh/index.html", "Hành trình nhà đầu tư"),
        ("huong-dan-nop-truc-tuyen/index.html", "Hướng dẫn nộp hồ sơ trực tuyến"),
    ] {
        let html = read(page);
        assert!(html.contains("class=\"skip-link\""), "{page} has no header");
        assert!(html.contains("class=\"site-footer\""), "{page} has no footer");
        let nav = &html[html.find("class=\"main-nav\"").unwrap()..];
        let nav = &nav[..nav.find("</nav>").unwrap()];
        assert_eq!(nav.matches("aria-current=\"page\"").count(), 1, "{page}: exactly one current section");
        assert!(html.contains(&format!("aria-current=\"page\">{current}</a>")), "{page} should mark {current}");
        assert!(!html.contains("[object]"), "{page}");
    }
}
