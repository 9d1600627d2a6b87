//! The English edition: every page has a twin under `/en/` with the same
//! slug, both link to each other (switch and hreflang), English content comes
//! from the English fields and falls back visibly; sitemap and search index
//! per language; `onestop check --translations`.

use onestop::build::{BuildOptions, build};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const BIN: &str = env!("CARGO_BIN_EXE_onestop");
const BASE: &str = "https://thutuc.example.gov.vn/";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        build(&BuildOptions {
            root: repo(),
            out_dir: d.path().join("public"),
            base_url: None,
            check_only: false,
            progress: false,
        })
        .expect("example builds");
        d
    });
    Box::leak(Box::new(DIR.get().unwrap().path().join("public")))
}

fn read(rel: &str) -> String {
    fs::read_to_string(example().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every Vietnamese HTML page as a site path ("" for home, "thu-tuc/x/" …), 404 excluded.
fn vietnamese_pages() -> Vec<String> {
    let root = example();
    let mut out: Vec<String> = walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.file_name() == "index.html")
        .map(|e| e.path().parent().unwrap().strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"))
        .filter(|p| p != "en" && !p.starts_with("en/"))
        .map(|p| if p.is_empty() { p } else { format!("{p}/") })
        // The embeddable views and their staff page are left out of the sitemap, and the views
        // have no chrome (no language switch): tests/suite/embed.rs checks them.
        .filter(|p| !p.starts_with(onestop::routes::EMBED))
        .collect();
    out.sort();
    out
}

#[test]
fn every_page_has_an_english_twin_and_both_link_each_other() {
    let pages = vietnamese_pages();
    assert!(pages.len() > 90, "{} pages", pages.len());
    for p in &pages {
        let vi = read(&format!("{p}index.html"));
        let en = read(&format!("en/{p}index.html"));
        assert!(vi.starts_with("<!DOCTYPE html>\n<html lang=\"vi\">"), "/{p}");
        assert!(en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"), "/en/{p}");
        // The language switch leads to the same page in the other language.
        assert!(
            vi.contains(&format!(r#"<a href="/en/{p}" hreflang="en" lang="en">English</a>"#)),
            "/{p}: switch to English"
        );
        assert!(
            en.contains(&format!(r#"<a href="/{p}" hreflang="vi" lang="vi">Tiếng Việt</a>"#)),
            "/en/{p}: switch to Vietnamese"
        );
        // hreflang alternates both ways plus x-default (the Vietnamese edition), on both.
        for html in [&vi, &en] {
            assert!(
                html.contains(&format!(r#"<link rel="alternate" hreflang="vi" href="{BASE}{p}">"#)),
                "/{p}: hreflang vi"
            );
            assert!(
                html.contains(&format!(r#"<link rel="alternate" hreflang="en" href="{BASE}en/{p}">"#)),
                "/{p}: hreflang en"
            );
            assert!(
                html.contains(&format!(r#"<link rel="alternate" hreflang="x-default" href="{BASE}{p}">"#)),
                "/{p}: x-default"
            );
        }
        assert!(en.contains(&format!(r#"<link rel="canonical" href="{BASE}en/{p}">"#)), "/en/{p}: canonical");
    }
    // Both 404 pages exist, each in its language.
    assert!(read("en/404.html").contains("Page not found"));
    assert!(read("404.html").contains("lang=\"vi\""));
}

#[test]
fn english_pages_use_english_strings_and_content_and_stay_in_the_edition() {
    let html = read("en/thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/index.html");
    assert!(html.contains("<h1>Issuance of the Investment Registration Certificate</h1>"));
    // The official Vietnamese name as a subtitle, marked as Vietnamese.
    assert!(html.contains(r#"Vietnamese name: <span lang="vi">Thủ tục cấp Giấy chứng nhận đăng ký đầu tư</span>"#));
    assert!(html.contains(r#"<h2 id="s-summary">Description</h2>"#), "English summary, no fallback mark");
    assert!(html.contains("Issues the Investment Registration Certificate"));
    // Vietnamese-only details are marked and carry lang="vi".
    assert!(html.contains(r#"<h2 id="s-details">Agencies <span class="vi-only">only in Vietnamese</span></h2>"#));
    assert!(html.contains(r#"<dd lang="vi">Ban Quản lý các khu công nghiệp tỉnh Hà Nam</dd>"#));
    // Links stay in the English edition; shared files come from the root.
    assert!(html.contains(r#"href="/en/thu-tuc/""#));
    assert!(!html.contains(r#"href="/thu-tuc/""#), "an English page links a Vietnamese page");
    assert!(html.contains(r#"href="/static/css/site.css""#));
    assert!(html.contains(r#""inLanguage":"en""#));
    // The Vietnamese page is unchanged in spirit: no marks, English name as subtitle.
    let vi = read("thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/index.html");
    assert!(!vi.contains("vi-only"));
    assert!(vi.contains(r#"<span lang="en">Issuance of the Investment Registration Certificate</span>"#));
    // Catalogue rows and UI strings in English.
    let cat = read("en/thu-tuc/index.html");
    assert!(cat.contains(">Issuance of the Investment Registration Certificate</a>"));
    assert!(cat.contains("<th scope=\"col\" data-sort=\"code\">Code</th>"));
    assert_eq!(cat.matches("<tr data-level=").count(), read("thu-tuc/index.html").matches("<tr data-level=").count());
    // Links inside Markdown (page bodies, summaries) lead to the English twins too.
    let page = read("en/muc-do-dich-vu-cong/index.html");
    let body = &page[page.find("<article").unwrap()..page.find("</article>").unwrap()];
    assert!(body.contains(r#"href="/en/gioi-thieu/""#) && !body.contains(r#"href="/gioi-thieu/""#), "{body}");
    // Open data is one set, linked from the English data page at the root.
    assert!(read("en/data/index.html").contains(r#"href="/data/procedures.json""#));
}

#[test]
fn a_missing_translation_falls_back_to_vietnamese_visibly() {
    // valid-min has Vietnamese-only records; turn the English edition on.
    let tmp = tempfile::tempdir().unwrap();
    let fixture = repo().join("tests/fixtures/valid-min");
    for e in walkdir::WalkDir::new(&fixture).into_iter().flatten() {
        let to = tmp.path().join(e.path().strip_prefix(&fixture).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&to).unwrap();
        } else {
            fs::copy(e.path(), &to).unwrap();
        }
    }
    let site = tmp.path().join("site.toml");
    let text = fs::read_to_string(&site)
        .unwrap()
        .replace("level_scheme = \"2011\"", "level_scheme = \"2011\"\nlanguages = [\"vi\", \"en\"]");
    fs::write(&site, text).unwrap();
    let out = tmp.path().join("public");
    build(&BuildOptions {
        root: tmp.path().to_path_buf(),
        out_dir: out.clone(),
        base_url: None,
        check_only: false,
        progress: false,
    })
    .expect("builds");
    let html = fs::read_to_string(out.join("en/thu-tuc/cap-giay-phep-xay-dung/index.html")).unwrap();
    assert!(
        html.contains(
            r#"<h1><span lang="vi">Cấp giấy phép xây dựng</span> <span class="vi-only">only in Vietnamese</span></h1>"#
        ),
        "title fallback"
    );
    assert!(
        html.contains(r#"<h2 id="s-summary">Description <span class="vi-only">only in Vietnamese</span></h2>"#),
        "summary fallback"
    );
    assert!(html.contains(r#"<div lang="vi"><p>Cấp giấy phép xây dựng mới"#));
    let cat = fs::read_to_string(out.join("en/thu-tuc/index.html")).unwrap();
    assert!(cat.contains(r#"lang="vi">Cấp giấy phép xây dựng</a> <span class="vi-only">only in Vietnamese</span>"#));

    // The translations report names the file and the missing keys; exit 0.
    let o = Command::new(BIN).args(["check", "--translations", "--root"]).arg(tmp.path()).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = String::from_utf8(o.stdout).unwrap();
    assert!(
        report.contains(
            "content/procedures/xay-dung/cap-giay-phep-xay-dung.toml: record 1.009794: missing title_en, summary_en\n"
        ),
        "{report}"
    );
    assert!(report.contains("site.toml: site: missing title_en"), "{report}");
    assert!(report.contains("content/pages/gioi-thieu.md: page gioi-thieu: missing title_en"), "{report}");
    assert!(report.contains("3 of 3 records lack English fields"), "{report}");
}

#[test]
fn the_example_is_fully_translated_per_the_report() {
    let o = Command::new(BIN).args(["check", "--translations", "--root"]).arg(repo()).output().unwrap();
    assert!(o.status.success());
    let report = String::from_utf8(o.stdout).unwrap();
    assert!(report.starts_with("0 of 59 records lack English fields; 0 other items"), "{report}");
}

#[test]
fn the_sitemap_lists_both_editions() {
    let xml = read("sitemap.xml");
    let vi = vietnamese_pages();
    for p in &vi {
        assert!(xml.contains(&format!("<loc>{BASE}{p}</loc>")), "{p}");
        assert!(xml.contains(&format!("<loc>{BASE}en/{p}</loc>")), "en/{p}");
    }
    assert_eq!(xml.matches("<url>").count(), 2 * vi.len());
}

#[test]
fn the_english_search_index_has_english_titles_and_matches_vietnamese_without_diacritics() {
    let en: serde_json::Value = serde_json::from_str(&read("en/data/search-index.json")).unwrap();
    let vi: serde_json::Value = serde_json::from_str(&read("data/search-index.json")).unwrap();
    let doc = en["docs"].as_array().unwrap().iter().find(|d| d["c"] == "1.009664").unwrap();
    assert_eq!(doc["t"], "Issuance of the Investment Registration Certificate");
    assert_eq!(doc["u"], "thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/", "relative to the edition's base");
    let k = doc["k"].as_str().unwrap();
    assert!(k.contains("thu tuc cap giay chung nhan dang ky dau tu"), "Vietnamese title, folded: {k}");
    assert!(k.contains("issuance of the investment registration certificate"));
    assert_eq!(en["stages"][0], "1. Investment policy and registration");
    let vdoc = vi["docs"].as_array().unwrap().iter().find(|d| d["c"] == "1.009664").unwrap();
    assert_eq!(vdoc["t"], "Thủ tục cấp Giấy chứng nhận đăng ký đầu tư");
    // The English search page reads the English index.
    assert!(read("en/tim-kiem/index.html").contains(r#"data-index="/en/data/search-index.json" data-base="/en/""#));
}

#[test]
fn a_vietnamese_only_site_has_no_english_edition() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&BuildOptions {
        root: repo().join("tests/fixtures/valid-min"),
        out_dir: out.clone(),
        base_url: None,
        check_only: false,
        progress: false,
    })
    .expect("builds");
    assert!(!out.join("en").exists());
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!html.contains("hreflang"), "no alternates without a second language");
    assert!(!html.contains("lang-switch"));
}
