//! The annexes to the Board's decisions (issue 15): "Danh mục thủ tục hành
//! chính thực hiện dịch vụ công trực tuyến" and "Quy trình nội bộ, quy trình
//! điện tử", each as PDF (pdftotext) and Word (`unzip -p … word/document.xml`).
//! On the example (five internal processes modelled on a published decision) and on a copy of
//! `tests/fixtures/valid-min` with the units and process of tests/suite/process.rs.
//! Tests that need poppler or unzip print SKIPPED without them (and fail
//! under CI=true).

use crate::support;

use onestop::build::{BuildOptions, build};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{require, root, which};
use unicode_normalization::UnicodeNormalization;

const ONLINE_PDF: &str = "in-an/phu-luc-danh-muc-dich-vu-cong-truc-tuyen.pdf";
const ONLINE_DOCX: &str = "in-an/phu-luc-danh-muc-dich-vu-cong-truc-tuyen.docx";
const PROCESS_PDF: &str = "in-an/phu-luc-quy-trinh-noi-bo.pdf";
const PROCESS_DOCX: &str = "in-an/phu-luc-quy-trinh-noi-bo.docx";

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

/// 4 h + 18 working days + 8 h + 4 h = 20 working days (as tests/suite/process.rs).
const PROCESS: &str = r#"
[[internal_process]]
decision = "Quyết định số 1/QĐ-BQL"
decision_date = 2024-03-15

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
electronic = false

[[internal_process.steps]]
step = 4
action = "Ký duyệt"
unit = "lanh-dao"
time = 4
time_unit = "hours"
output = "Giấy phép xây dựng"
"#;
const ACTIONS: [&str; 4] = ["Tiếp nhận hồ sơ", "Thẩm định hồ sơ", "Xin ý kiến Sở Xây dựng", "Ký duyệt"];

fn copy(from: &Path, to: &Path, skip: &[&str]) {
    for e in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = e.path().strip_prefix(from).unwrap();
        if skip.iter().any(|s| rel.starts_with(s)) {
            continue;
        }
        if e.file_type().is_dir() {
            fs::create_dir_all(to.join(rel)).unwrap();
        } else {
            fs::copy(e.path(), to.join(rel)).unwrap();
        }
    }
}

fn build_into(site: &Path, out: &Path) {
    build(&BuildOptions {
        root: site.to_path_buf(),
        out_dir: out.to_path_buf(),
        base_url: None,
        check_only: false,
        progress: false,
    })
    .unwrap_or_else(|e| panic!("site must build: {e:?}"));
}

/// The example site (site.toml, content, themes) copied and built.
fn example() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    for item in ["site.toml", "content", "themes"] {
        let from = root().join(item);
        if from.is_file() {
            fs::copy(&from, d.path().join(item)).unwrap();
        } else {
            fs::create_dir_all(d.path().join(item)).unwrap();
            copy(&from, &d.path().join(item), &[]);
        }
    }
    let out = d.path().join("public");
    build_into(d.path(), &out);
    (d, out)
}

/// valid-min with the units and the construction permit's internal process.
fn with_process() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    copy(&root().join("tests/fixtures/valid-min"), d.path(), &[".onestop-cache", "public"]);
    let site = d.path().join("site.toml");
    fs::write(&site, format!("{}{UNITS}", fs::read_to_string(&site).unwrap())).unwrap();
    let rec = d.path().join("content/procedures/xay-dung/cap-giay-phep-xay-dung.toml");
    fs::write(&rec, format!("{}{PROCESS}", fs::read_to_string(&rec).unwrap())).unwrap();
    d
}

/// Whitespace collapsed, NFC: text broken over lines in a table cell still matches.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").nfc().collect()
}

fn pdf_text(pdf: &Path) -> String {
    let o = Command::new("pdftotext").arg("-raw").arg(pdf).arg("-").output().unwrap();
    assert!(o.status.success(), "pdftotext failed on {}", pdf.display());
    flat(&String::from_utf8_lossy(&o.stdout))
}

/// The text of a .docx's `word/document.xml`, tags removed.
fn docx_text(docx: &Path) -> String {
    let o = Command::new("unzip").arg("-p").arg(docx).arg("word/document.xml").output().unwrap();
    assert!(o.status.success(), "unzip failed on {}", docx.display());
    let xml = String::from_utf8(o.stdout).unwrap();
    assert!(xml.contains("<w:tblHeader />"), "the header row must repeat");
    let mut text = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    flat(&text)
}

fn tools(test: &str) -> bool {
    require(test, "pdftotext (poppler-utils)", which("pdftotext").is_some())
        && require(test, "unzip", which("unzip").is_some())
}

/// Codes of the example's level 3/4 records, read from the records.
fn online_codes(site: &Path) -> Vec<String> {
    let s = onestop::load::load_site(site, None).unwrap();
    s.procedures.iter().filter(|p| p.base_level >= 3).map(|p| p.code.clone()).collect()
}

#[test]
fn example_annex_1_lists_every_online_procedure_and_annex_2_exists() {
    let (dir, out) = example();
    let codes = online_codes(dir.path());
    let loaded = onestop::load::load_site(dir.path(), None).unwrap();
    let decisions: Vec<String> =
        loaded.procedures.iter().filter(|p| p.base_level >= 3).filter_map(|p| p.publication_decision.clone()).collect();
    assert!(codes.len() >= 30, "the example has level 3/4 records: {}", codes.len());
    // The example's five modelled internal processes (investment field): annex 2 exists and is listed.
    assert!(out.join(PROCESS_PDF).exists() && out.join(PROCESS_DOCX).exists());
    let page = fs::read_to_string(out.join("in-an/index.html")).unwrap();
    assert!(page.contains("phu-luc-danh-muc-dich-vu-cong-truc-tuyen.pdf"), "print page lists annex 1's PDF");
    assert!(page.contains("phu-luc-danh-muc-dich-vu-cong-truc-tuyen.docx"), "print page lists annex 1's DOCX");
    assert!(page.contains("phu-luc-quy-trinh-noi-bo"), "print page lists annex 2");
    if !tools("example_annex_1_lists_every_online_procedure_and_annex_2_exists") {
        return;
    }
    let pdf = pdf_text(&out.join(ONLINE_PDF));
    let docx = docx_text(&out.join(ONLINE_DOCX));
    for text in [&pdf, &docx] {
        assert!(text.contains("Phụ lục") && text.contains("Kèm theo Quyết định số …/QĐ-…"), "annex heading");
        for c in &codes {
            assert!(text.contains(c.as_str()), "annex 1 lacks {c}");
        }
        // The basis of the level is the decision providing the online service; the example
        // names none (no source gives it), so the cell is "Không có thông tin", never a blank,
        // and never the decision that published the procedure.
        assert!(text.contains("Căn cứ pháp lý của mức độ"), "the basis column's header");
        assert!(text.contains("Không có thông tin"));
        for d in &decisions {
            assert!(!text.contains(d.as_str()), "annex 1 prints the publication decision {d:?} as a basis");
        }
    }
    // Annex 2 has a table for each of the example's processes.
    let processes = [pdf_text(&out.join(PROCESS_PDF)), docx_text(&out.join(PROCESS_DOCX))];
    for text in &processes {
        for c in ["1.009642", "1.009644", "1.009645", "1.009646", "1.009659"] {
            assert!(text.contains(c), "annex 2 lacks {c}");
        }
    }
}

/// The basis column: a record's own `online_decision`, else site.toml's
/// `online_services_decision`, in the PDF and in the Word file.
#[test]
fn annex_1_basis_is_the_records_or_the_sites_online_services_decision() {
    let d = tempfile::tempdir().unwrap();
    copy(&root().join("tests/fixtures/valid-min"), d.path(), &[".onestop-cache", "public"]);
    let site_decision = "Quyết định số 99/QĐ-UBND ngày 01/02/2024 của UBND tỉnh Thử";
    let own = "Quyết định số 7/QĐ-UBND ngày 03/04/2024 của UBND tỉnh Thử";
    let published = "Quyết định số 5/QĐ-BKHĐT ngày 05/06/2023 của Bộ Kế hoạch và Đầu tư";
    let site = d.path().join("site.toml");
    let text = fs::read_to_string(&site).unwrap();
    let text = text.replacen(
        "[organisation]",
        &format!("online_services_decision = \"{site_decision}\"\n\n[organisation]"),
        1,
    );
    fs::write(&site, text).unwrap();
    let rec = d.path().join("content/procedures/dau-tu/cap-giay-chung-nhan-dang-ky-dau-tu.toml");
    let text = fs::read_to_string(&rec).unwrap();
    fs::write(&rec, format!("online_decision = \"{own}\"\npublication_decision = \"{published}\"\n{text}")).unwrap();
    let out = d.path().join("public");
    build_into(d.path(), &out);
    if !tools("annex_1_basis_is_the_records_or_the_sites_online_services_decision") {
        return;
    }
    for text in [pdf_text(&out.join(ONLINE_PDF)), docx_text(&out.join(ONLINE_DOCX))] {
        // A cell wraps after the hyphen of "7/QĐ-UBND".
        let text = text.replace("- ", "-");
        // 1.009645 (level 3) has none of its own: the site's; the level 4 record its own.
        assert!(text.contains(own), "the record's own decision");
        assert!(text.contains(site_decision), "the site's decision for the other record");
        assert!(!text.contains(published), "never the publication decision");
        assert!(!text.contains("Không có thông tin"), "every row has a basis");
    }
}

#[test]
fn annex_2_has_every_code_and_step_and_docx_bytes_are_stable() {
    let site = with_process();
    let a = site.path().join("out-a");
    build_into(site.path(), &a);
    // A second build without the cache gives the same bytes.
    fs::remove_dir_all(site.path().join(".onestop-cache")).ok();
    let b = site.path().join("out-b");
    build_into(site.path(), &b);
    for f in [ONLINE_DOCX, PROCESS_DOCX, PROCESS_PDF] {
        assert_eq!(fs::read(a.join(f)).unwrap(), fs::read(b.join(f)).unwrap(), "{f} differs between builds");
    }
    let page = fs::read_to_string(a.join("in-an/index.html")).unwrap();
    assert!(page.contains("phu-luc-quy-trinh-noi-bo.pdf") && page.contains("phu-luc-quy-trinh-noi-bo.docx"));
    if !tools("annex_2_has_every_code_and_step_and_docx_bytes_are_stable") {
        return;
    }
    for text in [pdf_text(&a.join(PROCESS_PDF)), docx_text(&a.join(PROCESS_DOCX))] {
        assert!(text.contains("1.009794"), "annex 2 lacks the procedure's code");
        for s in ACTIONS {
            assert!(text.contains(s), "annex 2 lacks the step {s:?}");
        }
        assert!(text.contains("Sở Xây dựng") && text.contains("Giấy phép xây dựng"));
        assert!(text.contains("160 giờ làm việc (20 ngày làm việc)"), "the total in hours and days");
        assert!(text.contains("Quyết định số 1/QĐ-BQL ngày 15/03/2024"), "the approving decision");
    }
}
