//! Questions from businesses (issue 16): `content/faq/<slug>.toml` loaded and
//! checked like records (all errors at once, located, with hints), the
//! `/hoi-dap/` page grouped by journey stage in both editions, the questions
//! on their procedures' pages, in the search index (found by their words, with
//! the engine of `search.js`) and in `data/faq.json`.
//!
//! The site is `tests/fixtures/valid-min` with the questions of
//! `tests/fixtures/faq/` (`support::faq_site`), never the example's content.

use crate::support;

use onestop::build::{BuildError, BuildOptions, build};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn build_into(root: &Path, out: &Path) -> Result<onestop::build::BuildSummary, BuildError> {
    build(&BuildOptions {
        root: root.to_path_buf(),
        out_dir: out.to_path_buf(),
        base_url: None,
        check_only: false,
        progress: false,
    })
}

/// The FAQ fixture site built once for the tests of this file: (root, public).
fn built() -> &'static (PathBuf, PathBuf) {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> = OnceLock::new();
    let (_, root, out) = DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        let root = support::faq_site(d.path());
        let out = d.path().join("public");
        build_into(&root, &out).unwrap_or_else(|e| panic!("the FAQ fixture site must build: {e:?}"));
        (d, root, out)
    });
    Box::leak(Box::new((root.clone(), out.clone())))
}

fn read(rel: &str) -> String {
    fs::read_to_string(built().1.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The text of an element's opening tag `<h3 id="…">` to its closing `</tag>`.
fn element<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html.find(open).unwrap_or_else(|| panic!("{open} not found"));
    let end = html[start..].find(close).map_or(html.len(), |i| start + i);
    &html[start..end]
}

#[test]
fn every_loader_error_is_reported_at_once_with_file_line_and_hint() {
    let d = tempfile::tempdir().unwrap();
    let root = support::faq_site(d.path());
    let faq = root.join("content/faq");
    // One mistake per file, and a file with several: all in one run.
    fs::write(
        faq.join("ma-sai.toml"),
        "question = \"Hỏi?\"\nanswer = \"Đáp.\"\nprocedures = [\"1.009665\"]\n\n[[basis]]\ntitle = \"Luật Đầu tư\"\n",
    )
    .unwrap();
    fs::write(
        faq.join("thieu-tra-loi.toml"),
        "question = \"Hỏi?\"\nstage = \"dau-tu\"\n\n[[basis]]\ntitle = \"Luật\"\n",
    )
    .unwrap();
    fs::write(
        faq.join("khong-can-cu.toml"),
        "question = \"Hỏi?\"\nanswer = \"Đáp.\"\nstage = \"dau-tu\"\nbasis = []\n",
    )
    .unwrap();
    fs::write(
        faq.join("nhieu-loi.toml"),
        "question = \"Hỏi?\"\nanswr = \"Đáp.\"\nanswer = \"Đáp.\"\nstage = \"xay-dng\"\nasked_via = \"hotlin\"\nasked_url = \"dichvucong.gov.vn\"\n\n[[basis]]\ntitle = \"Luật\"\nurl = \"ftp://x\"\n",
    )
    .unwrap();
    let out = d.path().join("public");
    let Err(BuildError::Content(errors)) = build_into(&root, &out) else { panic!("the build must fail") };
    assert!(!out.exists(), "nothing is written on error");
    let found = |file: &str, line: usize, field: &str, code: &str| {
        errors.iter().find(|e| {
            e.file.as_deref() == Some(Path::new(&format!("content/faq/{file}")))
                && e.line == line
                && e.field == field
                && e.code == code
        })
    };
    let show = || errors.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>().join("\n");
    let unknown = found("ma-sai.toml", 3, "procedures[0]", "dangling-ref").unwrap_or_else(|| panic!("{}", show()));
    assert!(unknown.hint.as_deref().unwrap_or("").contains("did you mean \"1.009664\""), "{unknown:?}");
    assert!(found("thieu-tra-loi.toml", 1, "answer", "missing-key").is_some(), "{}", show());
    let basis = found("khong-can-cu.toml", 4, "basis", "no-basis").unwrap_or_else(|| panic!("{}", show()));
    assert!(basis.hint.as_deref().unwrap_or("").contains("legal source"), "{basis:?}");
    let key = found("nhieu-loi.toml", 2, "answr", "unknown-key").unwrap_or_else(|| panic!("{}", show()));
    assert_eq!(key.hint.as_deref(), Some("did you mean `answer`?"));
    let stage = found("nhieu-loi.toml", 4, "stage", "unknown-ref").unwrap_or_else(|| panic!("{}", show()));
    assert_eq!(stage.hint.as_deref(), Some("did you mean \"xay-dung\"?"));
    let via = found("nhieu-loi.toml", 5, "asked_via", "bad-value").unwrap_or_else(|| panic!("{}", show()));
    assert_eq!(via.hint.as_deref(), Some("did you mean \"hotline\"?"));
    assert!(found("nhieu-loi.toml", 6, "asked_url", "bad-url").is_some(), "{}", show());
    assert!(found("nhieu-loi.toml", 10, "basis[0].url", "bad-url").is_some(), "{}", show());

    // `onestop check` prints them as file:line:col: field: message, with the hint.
    let cli = Command::new(env!("CARGO_BIN_EXE_onestop")).args(["check", "--root"]).arg(&root).output().unwrap();
    assert_eq!(cli.status.code(), Some(1));
    let text = String::from_utf8_lossy(&cli.stdout).to_string() + &String::from_utf8_lossy(&cli.stderr);
    assert!(text.contains("content/faq/ma-sai.toml:3:"), "{text}");
    assert!(text.contains("procedures[0]: no procedure has code 1.009665"), "{text}");
    assert!(text.contains("content/faq/nhieu-loi.toml:5:13: asked_via"), "{text}");
}

#[test]
fn a_question_without_procedures_needs_a_stage_and_a_markdown_link_is_checked() {
    let d = tempfile::tempdir().unwrap();
    let root = support::faq_site(d.path());
    let faq = root.join("content/faq");
    fs::write(
        faq.join("khong-giai-doan.toml"),
        "question = \"Hỏi?\"\nanswer = \"Đáp.\"\n\n[[basis]]\ntitle = \"Luật\"\n",
    )
    .unwrap();
    fs::write(
        faq.join("lien-ket.toml"),
        "question = \"Hỏi?\"\nstage = \"dau-tu\"\nanswer = \"\"\"\nXem [đây](javascript:alert(1)).\n\"\"\"\n\n[[basis]]\ntitle = \"Luật\"\n",
    )
    .unwrap();
    let Err(BuildError::Content(errors)) = build_into(&root, &d.path().join("public")) else { panic!("must fail") };
    let codes: Vec<_> = errors.iter().map(|e| (e.file.clone().unwrap_or_default(), e.line, e.code)).collect();
    assert!(codes.contains(&(PathBuf::from("content/faq/khong-giai-doan.toml"), 1, "missing-key")), "{codes:?}");
    assert!(codes.contains(&(PathBuf::from("content/faq/lien-ket.toml"), 4, "bad-link")), "{codes:?}");
}

#[test]
fn the_faq_page_groups_questions_by_stage_in_journey_order_in_both_editions() {
    let vi = read("hoi-dap/index.html");
    // Stage 1 (two questions) before stage 2; the newest question first within a stage.
    let s1 = vi.find("id=\"st-dau-tu\"").expect("stage 1 heading");
    let s2 = vi.find("id=\"st-xay-dung\"").expect("stage 2 heading");
    let q1 = vi.find("id=\"q-thoi-han-cap-giay-chung-nhan\"").expect("dated question");
    let q2 = vi.find("id=\"q-nop-ho-so-o-dau\"").expect("question without procedures");
    let q3 = vi.find("id=\"q-mien-giay-phep-xay-dung\"").expect("stage 2 question");
    assert!(s1 < q1 && q1 < q2 && q2 < s2 && s2 < q3, "order: {s1} {q1} {q2} {s2} {q3}");
    let item = element(&vi, "id=\"q-thoi-han-cap-giay-chung-nhan\"", "</article>");
    assert!(item.contains("<strong>15 ngày</strong>"), "the answer's Markdown: {item}");
    assert!(item.contains("href=\"/thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/\""), "procedure link: {item}");
    assert!(item.contains("href=\"/thu-tuc/chap-thuan-chu-truong-dau-tu/\""), "second procedure: {item}");
    assert!(item.contains("Điều 38 khoản 1") && item.contains("61/2020/QH14"), "basis: {item}");
    assert!(item.contains("Hội nghị đối thoại doanh nghiệp") && item.contains("datetime=\"2025-06-12\""), "{item}");
    let other = element(&vi, "id=\"q-mien-giay-phep-xay-dung\"", "</article>");
    assert!(other.contains("href=\"https://vbpl.vn/\""), "linked basis: {other}");
    assert!(vi.contains("aria-current=\"page\">Hỏi đáp</a>"), "the header marks the section");

    let en = read("en/hoi-dap/index.html");
    let item = element(&en, "id=\"q-thoi-han-cap-giay-chung-nhan\"", "</article>");
    assert!(item.contains("How long does the investment registration certificate take"), "{item}");
    assert!(item.contains("Within <strong>15 days</strong>"), "{item}");
    assert!(
        item.contains("href=\"/en/thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/\""),
        "links stay in the edition: {item}"
    );
    // No English text: the Vietnamese question and answer, marked and tagged.
    let fallback = element(&en, "id=\"q-mien-giay-phep-xay-dung\"", "</article>");
    assert!(fallback.contains("<span lang=\"vi\">Công trình trong khu công nghiệp"), "{fallback}");
    assert!(
        fallback.contains("class=\"vi-only\"") && fallback.contains("class=\"faq-answer\" lang=\"vi\""),
        "{fallback}"
    );
    assert!(en.contains("Questions from businesses</h1>"));
}

#[test]
fn procedure_pages_list_their_questions_in_both_editions_and_others_none() {
    let vi = read("thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/index.html");
    assert!(vi.contains("<a href=\"#s-faq\">Câu hỏi thường gặp</a>"), "an On this page entry");
    let section = element(&vi, "id=\"s-faq\"", "</section>");
    assert!(section.contains("href=\"/hoi-dap/#q-thoi-han-cap-giay-chung-nhan\""), "{section}");
    assert!(section.contains("Trong thời hạn 15 ngày kể từ ngày nhận đủ hồ sơ hợp lệ."), "first sentence: {section}");
    assert!(!section.contains("05 ngày làm việc"), "only the first sentence: {section}");
    let en = read("en/thu-tuc/cap-giay-phep-xay-dung/index.html");
    let section = element(&en, "id=\"s-faq\"", "</section>");
    assert!(section.contains("Frequently asked questions"), "{section}");
    assert!(section.contains("href=\"/en/hoi-dap/#q-mien-giay-phep-xay-dung\" lang=\"vi\""), "{section}");
    assert!(section.contains("<p lang=\"vi\">Được miễn"), "{section}");
}

#[test]
fn a_procedure_without_questions_has_no_faq_section() {
    let d = tempfile::tempdir().unwrap();
    let root = support::faq_site(d.path());
    fs::remove_file(root.join("content/faq/mien-giay-phep-xay-dung.toml")).unwrap();
    let out = d.path().join("public");
    build_into(&root, &out).unwrap();
    let page = fs::read_to_string(out.join("thu-tuc/cap-giay-phep-xay-dung/index.html")).unwrap();
    assert!(!page.contains("s-faq"), "no section and no On this page entry");
    // A site without content/faq/ still has the page, saying there is nothing yet.
    fs::remove_dir_all(root.join("content/faq")).unwrap();
    let out = d.path().join("public2");
    build_into(&root, &out).unwrap();
    let page = fs::read_to_string(out.join("hoi-dap/index.html")).unwrap();
    assert!(page.contains("Chưa có câu hỏi nào được đăng."), "{page}");
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("data/faq.json")).unwrap()).unwrap();
    assert_eq!(json["questions"], serde_json::json!([]));
}

#[test]
fn data_faq_json_has_every_question_and_the_data_page_lists_it() {
    let v: serde_json::Value = serde_json::from_str(&read("data/faq.json")).unwrap();
    let qs = v["questions"].as_array().unwrap();
    assert_eq!(qs.len(), 3);
    let q = &qs[0];
    assert_eq!(q["slug"], "thoi-han-cap-giay-chung-nhan");
    assert_eq!(q["url"], "https://thutuc.example.gov.vn/hoi-dap/#q-thoi-han-cap-giay-chung-nhan");
    assert_eq!(q["stage"]["key"], "dau-tu");
    assert_eq!(q["procedures"][0]["code"], "1.009664");
    assert_eq!(q["asked_on"], "2025-06-12");
    assert_eq!(q["asked_via"], "dialogue");
    assert_eq!(q["basis"][0]["number"], "61/2020/QH14");
    assert_eq!(q["basis"][0]["article"], "Điều 38 khoản 1");
    assert!(q["answer"].as_str().unwrap().starts_with("Trong thời hạn 15 ngày"));
    assert!(q["answer_en_html"].as_str().unwrap().contains("<strong>15 days</strong>"));
    assert_eq!(qs[1]["stage"]["key"], "dau-tu", "the question without procedures keeps its stage");
    assert!(qs[1]["procedures"].as_array().unwrap().is_empty());
    assert!(read("data/index.html").contains("href=\"/data/faq.json\""));
    assert!(read("en/data/index.html").contains("href=\"/data/faq.json\""));
}

/// Runs search.js's engine with node over an edition's index; the links of the hits.
fn search(index: &str, query: &str) -> Option<Vec<String>> {
    if !support::require("faq search", "node", support::which("node").is_some()) {
        return None;
    }
    let script = format!(
        "const e = require({js:?}); const fs = require('fs');\n\
         const index = e.prepare(JSON.parse(fs.readFileSync({index:?}, 'utf8')));\n\
         process.stdout.write(JSON.stringify(e.search(index, {query:?}).hits.map((h) => h.d.u)));",
        js = support::root().join("themes/default/static/js/search.js").display().to_string(),
        index = built().1.join(index).display().to_string(),
    );
    let out = Command::new("node").arg("-e").arg(script).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn search_finds_a_question_by_its_words_in_both_editions() {
    // Words only a question has: the question, linked to its anchor.
    let Some(hits) = search("data/search-index.json", "miễn giấy phép xây dựng") else { return };
    assert!(hits.contains(&"hoi-dap/#q-mien-giay-phep-xay-dung".to_string()), "{hits:?}");
    // Without diacritics, from the answer's words: the question first, as it has all of them.
    let hits = search("data/search-index.json", "trung tam phuc vu hanh chinh cong").unwrap();
    assert_eq!(hits.first().map(String::as_str), Some("hoi-dap/#q-nop-ho-so-o-dau"), "{hits:?}");
    // Procedures stay first; the questions follow.
    let hits = search("data/search-index.json", "giấy chứng nhận đăng ký đầu tư").unwrap();
    assert_eq!(hits.first().map(String::as_str), Some("thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/"), "{hits:?}");
    assert!(hits.contains(&"hoi-dap/#q-thoi-han-cap-giay-chung-nhan".to_string()), "{hits:?}");
    // English: the English question's words, and the Vietnamese ones without diacritics.
    let hits = search("en/data/search-index.json", "where are dossiers filed").unwrap();
    assert_eq!(hits, ["hoi-dap/#q-nop-ho-so-o-dau"]);
    let hits = search("en/data/search-index.json", "mien giay phep").unwrap();
    assert!(hits.contains(&"hoi-dap/#q-mien-giay-phep-xay-dung".to_string()), "{hits:?}");
    let index: serde_json::Value = serde_json::from_str(&read("en/data/search-index.json")).unwrap();
    let qa = index["qa"].as_array().unwrap();
    assert_eq!(qa.len(), 3);
    assert!(qa.iter().any(|d| d["t"] == "Where are the Board's dossiers filed?"), "{qa:?}");
}
