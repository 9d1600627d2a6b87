//! Output that a browser or a spreadsheet must not misread: JSON embedded in
//! HTML (`<script type="application/ld+json">`) and the open-data CSV that
//! Excel opens directly. Each test builds a copy of `tests/fixtures/valid-min`
//! with a hostile title.

use onestop::build::{BuildOptions, build};
use std::fs;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid-min")
}

const RECORD: &str = "content/procedures/xay-dung/cap-giay-phep-xay-dung.toml";
const OTHER: &str = "content/procedures/dau-tu/chap-thuan-chu-truong-dau-tu.toml";

/// A copy of valid-min with the `title = …` line of each given record
/// replaced, built into `<dir>/public`.
fn build_with_titles(titles: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in walkdir::WalkDir::new(fixture()).into_iter().flatten() {
        let rel = e.path().strip_prefix(fixture()).unwrap();
        if e.file_type().is_dir() {
            fs::create_dir_all(dir.path().join(rel)).unwrap();
        } else {
            fs::copy(e.path(), dir.path().join(rel)).unwrap();
        }
    }
    for (record, title) in titles {
        let path = dir.path().join(record);
        let text = fs::read_to_string(&path).unwrap();
        let line = text.lines().find(|l| l.starts_with("title = ")).unwrap();
        let toml_title = toml::Value::String(title.to_string()).to_string();
        fs::write(&path, text.replacen(line, &format!("title = {toml_title}"), 1)).unwrap();
    }
    build(&BuildOptions {
        root: dir.path().to_path_buf(),
        out_dir: dir.path().join("public"),
        base_url: None,
        check_only: false,
        progress: false,
    })
    .unwrap_or_else(|e| panic!("the site must build: {e:?}"));
    dir
}

fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn a_title_with_a_comment_and_script_tag_stays_inside_the_json_ld_and_the_page_shows() {
    let title = "Cấp giấy phép <!--<script> xây dựng </script> & <b>";
    let site = build_with_titles(&[(RECORD, title)]);
    let html = read(site.path(), "thu-tuc/cap-giay-phep-xay-dung/index.html");
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("a JSON-LD block") + open.len();
    let len = html[start..].find("</script>").expect("the block ends");
    let json = &html[start..start + len];
    for c in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
        assert!(!json.contains(c), "{c:?} inside the script block: {json}");
    }
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("not JSON ({e}): {json}"));
    assert_eq!(v["name"].as_str(), Some(title));
    // The body is not swallowed by the script: the heading comes after it, escaped.
    let h1 = "<h1>Cấp giấy phép &lt;!--&lt;script&gt; xây dựng &lt;/script&gt; &amp; &lt;b&gt;</h1>";
    let at = html.find(h1).unwrap_or_else(|| panic!("no escaped <h1> in:\n{html}"));
    assert!(at > start + len, "the <h1> must come after the JSON-LD block");
}

#[test]
fn a_related_procedure_title_is_escaped_in_the_json_ld_too() {
    // cap-giay-phep-xay-dung names 1.009664 as related: its title goes into `isRelatedTo`.
    let title = "Cấp GCN </script><script>alert(1)</script>";
    let site = build_with_titles(&[("content/procedures/dau-tu/cap-giay-chung-nhan-dang-ky-dau-tu.toml", title)]);
    let html = read(site.path(), "thu-tuc/cap-giay-phep-xay-dung/index.html");
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("a JSON-LD block") + open.len();
    let len = html[start..].find("</script>").expect("the block ends");
    let json = &html[start..start + len];
    assert!(!json.contains('<'), "{json}");
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("not JSON ({e}): {json}"));
    assert_eq!(v["isRelatedTo"][0]["name"].as_str(), Some(title));
}

/// The rows of `data/procedures.csv` as the `csv` crate reads them.
fn csv_rows(site: &Path) -> Vec<Vec<String>> {
    let bytes = fs::read(site.join("public/data/procedures.csv")).unwrap();
    let body = bytes.strip_prefix("\u{feff}".as_bytes()).expect("the CSV starts with a UTF-8 BOM (for Excel)");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised() {
    let formula = "=HYPERLINK(\"https://evil.example/\",\"Bấm vào đây\")";
    let site = build_with_titles(&[(RECORD, formula), (OTHER, "@SUM(1+1)")]);
    let rows = csv_rows(site.path());
    assert_eq!(rows[0][0], "Mã thủ tục", "the header row stays");
    let row = |code: &str| rows.iter().find(|r| r[0] == code).unwrap_or_else(|| panic!("no row {code}: {rows:?}"));
    assert_eq!(row("1.009794")[1], format!("'{formula}"));
    assert_eq!(row("1.009645")[1], "'@SUM(1+1)");
    // A normal title is unchanged.
    assert_eq!(row("1.009664")[1], "Cấp Giấy chứng nhận đăng ký đầu tư");
    // The file itself: every cell quoted, CRLF line ends, every row as wide as the header.
    let text = fs::read_to_string(site.path().join("public/data/procedures.csv")).unwrap();
    assert!(text.contains("\"'=HYPERLINK(\"\"https://evil.example/\"\",\"\"Bấm vào đây\"\")\""), "{text}");
    assert!(text.ends_with("\"\r\n"), "{text:?}");
    assert!(rows.iter().all(|r| r.len() == rows[0].len() && r.len() >= 11), "{rows:?}");
}

#[test]
fn a_title_with_comma_and_quotes_round_trips_through_a_csv_reader() {
    let title = "Cấp \"giấy phép\", xây dựng; loại A,B";
    let site = build_with_titles(&[(RECORD, title)]);
    let rows = csv_rows(site.path());
    let row = rows.iter().find(|r| r[0] == "1.009794").unwrap();
    assert_eq!(row[1], title);
    assert_eq!(row.len(), rows[0].len());
}
