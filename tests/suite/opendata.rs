//! Open data a spreadsheet reads right (issue 11): the CSV's typed columns
//! and the Excel workbook `data/procedures.xlsx` (one per edition).

use onestop::build::{BuildOptions, build};
use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build_into(out: &Path) {
    build(&BuildOptions {
        root: repo(),
        out_dir: out.to_path_buf(),
        base_url: None,
        check_only: false,
        progress: false,
    })
    .unwrap_or_else(|e| panic!("example site must build: {e:?}"));
}

/// The example site built once for all tests in this file.
fn example() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        build_into(&d.path().join("public"));
        d
    });
    Box::leak(Box::new(dir.path().join("public")))
}

/// The CSV as the `csv` crate reads it: header and rows.
fn csv_table() -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = fs::read(example().join("data/procedures.csv")).unwrap();
    let body = bytes.strip_prefix("\u{feff}".as_bytes()).expect("UTF-8 BOM for Excel");
    let mut r = csv::Reader::from_reader(body);
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

fn json() -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(example().join("data/procedures.json")).unwrap()).unwrap()
}

#[test]
fn the_csv_keeps_its_first_columns_and_gains_typed_ones() {
    let (header, rows) = csv_table();
    assert_eq!(
        header[..11],
        [
            "Mã thủ tục",
            "Tên thủ tục",
            "Tên tiếng Anh",
            "Lĩnh vực",
            "Giai đoạn",
            "Mức độ",
            "Chữ ký số",
            "Trung tâm PVHCC",
            "Bưu chính công ích",
            "Thời gian giải quyết",
            "URL"
        ],
        "the existing columns keep their names and order"
    );
    let col =
        |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}: {header:?}"));
    let row = |code: &str| rows.iter().find(|r| r[0] == code).unwrap_or_else(|| panic!("no row {code}"));
    assert!(rows.iter().all(|r| r.len() == header.len()));

    // "Đăng ký nội quy lao động": level 4, three channels of 7 working days, no fee.
    let r = row("2.001955");
    assert_eq!(r[col("Mức độ")], "Mức độ 4");
    assert_eq!(r[col("Mức độ (số)")], "4");
    assert_eq!(r[col("Chữ ký số")], "true");
    assert_eq!(r[col("Trung tâm PVHCC")], "false");
    assert_eq!(r[col("Bưu chính công ích")], "true");
    for kind in ["trực tiếp", "trực tuyến", "bưu chính"] {
        assert_eq!(r[col(&format!("Thời hạn — {kind}"))], "7 working-days");
        assert_eq!(r[col(&format!("Phí, lệ phí (đồng) — {kind}"))], "0");
        assert_eq!(r[col(&format!("Phí, lệ phí (văn bản) — {kind}"))], "Không");
    }
    assert!(r[col("Cơ quan thực hiện")].starts_with("Cơ quan chuyên môn về nội vụ"));
    assert_eq!(r[col("Cơ quan có thẩm quyền")], "");

    // "Cấp giấy phép lao động": in person only, 10 working days, 400.000 đồng.
    let r = row("1.014199");
    assert_eq!(r[col("Mức độ (số)")], "2");
    assert_eq!(r[col("Thời hạn — trực tiếp")], "10 working-days");
    assert_eq!(r[col("Thời hạn — trực tuyến")], "", "no online channel: empty, not 'Không có thông tin'");
    assert_eq!(r[col("Phí, lệ phí (đồng) — trực tiếp")], "400000", "a plain number, no thousands separator");
    assert!(r[col("Phí, lệ phí (văn bản) — trực tiếp")].starts_with("400.000 đồng/giấy phép"));

    // Yes/no columns are machine values everywhere; the last-updated date is
    // ISO 8601 and the one procedures.json gives.
    let json = json();
    let updated: HashMap<&str, &str> = json["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["code"].as_str().unwrap(), p["updated"].as_str().unwrap_or("")))
        .collect();
    for r in &rows {
        for c in ["Chữ ký số", "Trung tâm PVHCC", "Bưu chính công ích"] {
            assert!(matches!(r[col(c)].as_str(), "true" | "false"), "{}: {c} = {:?}", r[0], r[col(c)]);
        }
        assert!(r[col("Mức độ (số)")].parse::<u8>().is_ok_and(|n| (1..=4).contains(&n)));
        let date = &r[col("Cập nhật")];
        assert_eq!(date, updated[r[0].as_str()], "{}", r[0]);
        assert!(
            date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-',
            "{}: not an ISO date: {date:?}",
            r[0]
        );
        for kind in ["trực tiếp", "trực tuyến", "bưu chính"] {
            let v = &r[col(&format!("Phí, lệ phí (đồng) — {kind}"))];
            assert!(v.is_empty() || v.parse::<i64>().is_ok(), "{}: fee {v:?}", r[0]);
        }
    }
}

/// One file of the workbook's zip, through `unzip -p`.
fn unzip(file: &Path, member: &str) -> String {
    let out = Command::new("unzip").arg("-p").arg(file).arg(member).output().expect("unzip is installed");
    assert!(out.status.success(), "{} has no {member}: {}", file.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Cells of the first sheet as (reference, type, resolved value), shared strings resolved.
fn sheet_cells(file: &Path) -> Vec<(String, String, String)> {
    let shared = unzip(file, "xl/sharedStrings.xml");
    let shared = roxmltree::Document::parse(&shared).unwrap();
    let strings: Vec<String> = shared
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("si"))
        .map(|si| si.descendants().filter(|n| n.has_tag_name("t")).filter_map(|t| t.text()).collect())
        .collect();
    let sheet = unzip(file, "xl/worksheets/sheet1.xml");
    let sheet = roxmltree::Document::parse(&sheet).unwrap();
    sheet
        .descendants()
        .filter(|n| n.has_tag_name("c"))
        .map(|c| {
            let t = c.attribute("t").unwrap_or("n").to_string();
            let v = c.children().find(|n| n.has_tag_name("v")).and_then(|v| v.text()).unwrap_or("").to_string();
            let v = if t == "s" { strings[v.parse::<usize>().unwrap()].clone() } else { v };
            (c.attribute("r").unwrap().to_string(), t, v)
        })
        .collect()
}

#[test]
fn the_workbook_holds_every_procedure_with_typed_cells() {
    let file = example().join("data/procedures.xlsx");
    let bytes = fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "a zip file");
    let workbook = unzip(&file, "xl/workbook.xml");
    assert!(workbook.contains(r#"<sheet name="Thủ tục""#), "{workbook}");
    assert!(workbook.contains("_xlnm._FilterDatabase"), "an autofilter: {workbook}");
    let sheet = unzip(&file, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"ySplit="1""#) && sheet.contains(r#"state="frozen""#), "the header row stays in view");
    assert!(sheet.contains("<autoFilter"), "filter buttons on the header");
    assert!(sheet.contains("customWidth=\"1\""), "column widths set");

    let cells = sheet_cells(&file);
    let cell = |r: &str| cells.iter().find(|c| c.0 == r).unwrap_or_else(|| panic!("no cell {r}"));
    assert_eq!(cell("A1").2, "Mã thủ tục");
    let header: Vec<&(String, String, String)> =
        cells.iter().filter(|c| c.0.trim_start_matches(char::is_alphabetic) == "1").collect();
    let col = |name: &str| {
        let h = header.iter().find(|c| c.2 == name).unwrap_or_else(|| panic!("no column {name}"));
        h.0.trim_end_matches(char::is_numeric).to_string()
    };

    // Every procedure code in column A, once.
    let json = json();
    let codes: BTreeSet<&str> =
        json["procedures"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    let in_sheet: Vec<&str> = cells
        .iter()
        .filter(|c| c.0.starts_with('A') && c.0[1..].parse::<u32>().is_ok_and(|n| n > 1))
        .map(|c| c.2.as_str())
        .collect();
    assert_eq!(in_sheet.len(), codes.len());
    assert_eq!(in_sheet.iter().copied().collect::<BTreeSet<_>>(), codes);

    // Typed cells: the row of 1.014199 has its level and fee as numbers, its
    // yes/no columns as booleans and its last-updated date as a date serial.
    let row = cells.iter().find(|c| c.2 == "1.014199").unwrap().0[1..].to_string();
    let at = |name: &str| cell(&format!("{}{row}", col(name)));
    assert_eq!((at("Mức độ (số)").1.as_str(), at("Mức độ (số)").2.as_str()), ("n", "2"));
    assert_eq!(
        (at("Phí, lệ phí (đồng) — trực tiếp").1.as_str(), at("Phí, lệ phí (đồng) — trực tiếp").2.as_str()),
        ("n", "400000")
    );
    assert_eq!(at("Chữ ký số").1, "b");
    assert_eq!(at("Chữ ký số").2, "0");
    let date = at("Cập nhật");
    assert_eq!(date.1, "n", "a date is a number with a date format");
    assert!(date.2.parse::<f64>().is_ok_and(|d| d > 45_000.0), "an Excel date serial after 2023: {:?}", date.2);
    let numbers = cells.iter().filter(|c| c.1 == "n").count();
    assert!(numbers >= 2 * codes.len(), "level number and date on every row at least: {numbers}");
}

#[test]
fn the_english_edition_has_its_own_workbook_and_the_data_pages_link_them() {
    let file = example().join("en/data/procedures.xlsx");
    let workbook = unzip(&file, "xl/workbook.xml");
    assert!(workbook.contains(r#"<sheet name="Procedures""#), "{workbook}");
    let cells = sheet_cells(&file);
    assert_eq!(cells[0].2, "Code");
    assert!(cells.iter().any(|c| c.2 == "Fee (VND) — in person"));
    let vi = fs::read_to_string(example().join("data/index.html")).unwrap();
    assert!(vi.contains(r#"href="/data/procedures.xlsx""#), "the open-data page links the workbook");
    let en = fs::read_to_string(example().join("en/data/index.html")).unwrap();
    assert!(en.contains(r#"href="/en/data/procedures.xlsx""#), "the English page links the English workbook");
}

#[test]
fn two_builds_give_the_same_workbook_bytes() {
    let a = tempfile::tempdir().unwrap();
    build_into(a.path());
    for rel in ["data/procedures.xlsx", "en/data/procedures.xlsx", "data/procedures.csv"] {
        let x = fs::read(a.path().join(rel)).unwrap();
        let y = fs::read(example().join(rel)).unwrap();
        assert!(x == y, "{rel} differs between two builds");
    }
    let core = unzip(&a.path().join("data/procedures.xlsx"), "docProps/core.xml");
    let edition = json()["edition"].as_str().unwrap().to_string();
    assert!(
        core.contains(&format!("{edition}T00:00:00Z")),
        "created on the site's edition date, not the clock: {core}"
    );
}
