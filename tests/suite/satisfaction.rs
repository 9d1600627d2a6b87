//! Satisfaction survey results (SIPAS, issue 16): `content/statistics/satisfaction.toml` and a
//! record's `satisfied_percent`. Their errors come all at once with file, line, column, field
//! and hint; `examples/with-statistics/` (sample figures) shows them on `/thong-ke/` in both
//! editions and in `data/statistics.json`; a site without results says so.

use crate::support;

use onestop::build::{BuildOptions, build};
use onestop::diag::Diagnostic;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of `tests/fixtures/valid-min` in both languages, with this satisfaction file (if any).
fn min_site(satisfaction: Option<&str>) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    support::copy_dir(&repo().join("tests/fixtures/valid-min"), d.path());
    let site = d.path().join("site.toml");
    let text = fs::read_to_string(&site).unwrap();
    fs::write(&site, format!("languages = [\"vi\", \"en\"]\n{text}")).unwrap();
    if let Some(s) = satisfaction {
        fs::create_dir_all(d.path().join("content/statistics")).unwrap();
        fs::write(d.path().join("content/statistics/satisfaction.toml"), s).unwrap();
    }
    d
}

fn build_into(root: &Path, out: &Path) {
    build(&BuildOptions {
        root: root.to_path_buf(),
        out_dir: out.to_path_buf(),
        base_url: None,
        check_only: false,
        progress: false,
    })
    .unwrap_or_else(|e| panic!("{} must build: {e:?}", root.display()));
}

fn sample() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        build_into(&repo().join("examples/with-statistics"), &d.path().join("public"));
        d
    })
    .path()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `<tbody>` rows of the table with this id, as cell texts (tags stripped).
fn table(html: &str, id: &str) -> Vec<Vec<String>> {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no table #{id}"));
    let body = &html[start..];
    let body = &body[body.find("<tbody>").unwrap() + 7..body.find("</tbody>").unwrap()];
    body.split("</tr>")
        .filter(|r| r.contains("<t"))
        .map(|row| {
            row.split("</t")
                .filter_map(|cell| {
                    let open = cell.rfind("<td").or_else(|| cell.rfind("<th"))?;
                    let inner = &cell[open..];
                    let inner = &inner[inner.find('>')? + 1..];
                    let mut text = String::new();
                    let mut in_tag = false;
                    for ch in inner.chars() {
                        match ch {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
                })
                .collect()
        })
        .collect()
}

const BROKEN: &str = r#"[target]
percent = 120

[target.source]
title = "Kế hoạch"
url = "ftp://example.org/plan"

[[results]]
year = 2024
overall = -5
respondents = 0
[results.source]
title = "Công bố"

[[results.criteria]]
key = "tiep-cann"
percent = 101

[[results]]
year = 2024
overall = 80
[results.source]
title = "Công bố"

[[results]]
year = 2099
overall = 80
[results.source]
title = "Công bố"
"#;

fn find<'a>(errors: &'a [Diagnostic], field: &str) -> &'a Diagnostic {
    errors.iter().find(|d| d.field == field).unwrap_or_else(|| panic!("no error at `{field}`: {errors:#?}"))
}

#[test]
fn errors_come_all_at_once_with_locations_and_hints() {
    let d = min_site(Some(BROKEN));
    // A record's own share out of range, in the same run.
    let rec = d.path().join("content/procedures/xay-dung/cap-giay-phep-xay-dung.toml");
    let text = read(&rec).replace("received_online = 12", "received_online = 12\nsatisfied_percent = 150");
    fs::write(&rec, text).unwrap();
    let errors = onestop::load::load_site(d.path(), None).expect_err("the broken site must not load");
    let file = Path::new("content/statistics/satisfaction.toml");
    // (field, code, line, col, text in the hint)
    let want = [
        ("target.percent", "bad-value", 2, 11, "0 to 100"),
        ("target.source.url", "bad-url", 6, 7, "https://"),
        ("results[0].overall", "bad-value", 10, 11, "0 to 100"),
        ("results[0].respondents", "bad-value", 11, 15, "people surveyed"),
        ("results[0].criteria[0].key", "unknown-criterion", 16, 7, "did you mean `tiep-can`?"),
        ("results[0].criteria[0].percent", "bad-value", 17, 11, "0 to 100"),
        ("results[1].year", "dup-year", 20, 8, ""),
        ("results[2].year", "bad-value", 26, 8, "edition"),
    ];
    for (field, code, line, col, hint) in want {
        let e = find(&errors, field);
        assert_eq!(e.code, code, "{field}: {e:?}");
        assert_eq!(e.file.as_deref(), Some(file), "{field}");
        assert_eq!((e.line, e.col), (line, col), "{field}: {e:?}");
        assert!(e.hint.as_deref().unwrap_or("").contains(hint), "{field}: hint {:?}", e.hint);
    }
    assert!(find(&errors, "results[2].year").message.contains("future"));
    let r = find(&errors, "statistics[0].satisfied_percent");
    assert_eq!(r.file.as_deref(), Some(Path::new("content/procedures/xay-dung/cap-giay-phep-xay-dung.toml")));
    assert_eq!((r.code, r.line), ("bad-value", 33));
    assert_eq!(errors.len(), want.len() + 1, "no more, no fewer: {errors:#?}");
}

#[test]
fn a_criterion_defined_in_the_file_replaces_the_sipas_list() {
    let file = r#"[[criteria]]
key = "dung-han"
name = "Giải quyết đúng hạn"

[[criteria]]
key = "dung-han"
name = "Lặp lại"

[[results]]
year = 2024
overall = 80
[results.source]
title = "Công bố"
[[results.criteria]]
key = "tiep-can"
percent = 80
"#;
    let d = min_site(Some(file));
    let errors = onestop::load::load_site(d.path(), None).expect_err("must not load");
    assert_eq!(find(&errors, "criteria[1].key").code, "dup-key");
    let e = find(&errors, "results[0].criteria[0].key");
    assert_eq!(e.code, "unknown-criterion");
    assert!(e.hint.as_deref().unwrap().contains("dung-han"), "{:?}", e.hint);
}

#[test]
fn the_page_shows_results_and_target_in_both_editions() {
    let vi = read(&sample().join("public/thong-ke/index.html"));
    let en = read(&sample().join("public/en/thong-ke/index.html"));
    assert!(vi.contains("id=\"sat-target\"") && vi.contains("ít nhất 90 %") && vi.contains("76/NQ-CP"));
    assert!(en.contains("at least 90%") && en.contains("by 2025"));
    assert!(!vi.contains("id=\"sat-none\""));
    let years = table(&vi, "table-sat-years");
    assert_eq!(years.len(), 3);
    assert_eq!(years[0][..4], ["2023", "84,2 %", "Chưa đạt mục tiêu", "400"]);
    assert_eq!(years[2][..4], ["2025", "91,3 %", "Đạt mục tiêu", "450"]);
    let years_en = table(&en, "table-sat-years");
    assert_eq!(years_en[2][..3], ["2025", "91.3%", "Meets the target"]);
    // Criteria of the latest year, in the SIPAS order, names in the edition's language.
    let crit = table(&vi, "table-sat-criteria");
    let got: Vec<(&str, &str)> = crit.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    assert_eq!(
        got,
        [
            ("Tiếp cận dịch vụ", "93,1 %"),
            ("Thủ tục hành chính", "89,4 %"),
            ("Công chức giải quyết công việc", "94 %"),
            ("Kết quả giải quyết", "92,2 %"),
            ("Tiếp nhận và xử lý góp ý, phản ánh, kiến nghị", "87,5 %"),
        ]
    );
    assert_eq!(table(&en, "table-sat-criteria")[0][..3], ["Access to the service", "93.1%", "Meets the target"]);
    // Charts drawn at build time with the target line, titled for screen readers.
    for html in [&vi, &en] {
        for id in ["chart-sat-years", "chart-sat-criteria"] {
            assert!(html.contains(&format!(r#"aria-labelledby="{id}-title""#)), "{id}");
        }
    }
    assert!(vi.contains("Tỷ lệ hài lòng theo năm (mục tiêu 90 %)"));
    // The records' own shares.
    let procs = table(&vi, "table-sat-procedures");
    assert_eq!(procs[0][0], "1.009664");
    assert_eq!(procs[0][2..], ["2025", "93,5 %", "Đạt mục tiêu"]);
    assert_eq!(procs[1][3..], ["86 %", "Chưa đạt mục tiêu"]);
}

#[test]
fn the_open_data_carries_the_figures() {
    let s: Value = serde_json::from_str(&read(&sample().join("public/data/statistics.json"))).unwrap();
    let sat = &s["satisfaction"];
    assert_eq!(sat["target"]["percent"], 90.0);
    assert_eq!(sat["target"]["year"], 2025);
    assert_eq!(sat["target"]["source"]["number"], "76/NQ-CP");
    let years = sat["years"].as_array().unwrap();
    let got: Vec<(i64, f64, bool)> = years
        .iter()
        .map(|y| (y["year"].as_i64().unwrap(), y["overall"].as_f64().unwrap(), y["meets_target"].as_bool().unwrap()))
        .collect();
    assert_eq!(got, [(2023, 84.2, false), (2024, 88.6, false), (2025, 91.3, true)]);
    assert_eq!(years[2]["respondents"], 450);
    assert_eq!(years[2]["criteria"].as_array().unwrap().len(), 5);
    assert_eq!(years[2]["criteria"][2]["key"], "cong-chuc");
    assert_eq!(years[2]["criteria"][2]["percent"], 94.0);
    assert_eq!(sat["criteria"][0]["name"]["en"], "Access to the service");
    assert_eq!(sat["procedures"][0]["code"], "1.009664");
    assert_eq!(sat["procedures"][0]["percent"], 93.5);
}

#[test]
fn without_results_the_page_says_so() {
    let target_only = "[target]\npercent = 90\n[target.source]\ntitle = \"Kế hoạch\"\n";
    for (file, with_target) in [(None, false), (Some(target_only), true)] {
        let d = min_site(file);
        let out = d.path().join("public");
        build_into(d.path(), &out);
        let vi = read(&out.join("thong-ke/index.html"));
        let en = read(&out.join("en/thong-ke/index.html"));
        assert!(vi.contains("id=\"sat-none\"") && vi.contains("Chưa có kết quả khảo sát mức độ hài lòng"));
        assert!(en.contains("id=\"sat-none\"") && en.contains("No satisfaction survey results"));
        assert!(!vi.contains("table-sat-years"));
        assert_eq!(vi.contains("id=\"sat-target\""), with_target);
        let s: Value = serde_json::from_str(&read(&out.join("data/statistics.json"))).unwrap();
        assert_eq!(s["satisfaction"]["years"], serde_json::json!([]));
        assert_eq!(s["satisfaction"]["target"].is_null(), !with_target);
    }
}

#[test]
fn the_main_example_has_no_invented_results() {
    let site = onestop::load::load_site(&repo(), None).expect("the example loads");
    assert!(site.satisfaction.years.is_empty(), "no published Hà Nam figure was found: no results");
    assert!(site.procedures.iter().all(|p| p.statistics.iter().all(|y| y.satisfied_percent.is_none())));
}

#[test]
fn the_docs_describe_every_satisfaction_key() {
    let docs = read(&repo().join("docs/content-format.md"));
    let mut paths = Vec::new();
    onestop::schema::key_paths(onestop::load::satisfaction::SATISFACTION_KEYS, "", &mut paths);
    for p in paths {
        assert!(docs.contains(&format!("`{p}`")), "docs/content-format.md does not document `{p}`");
    }
    assert!(docs.contains("`statistics[].satisfied_percent`"));
}
