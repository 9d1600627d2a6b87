//! Internal processes on the procedure page and in the open data (issue 15),
//! on `tests/fixtures/process-site` (valid-min with units, the English
//! edition and made-up processes): the section's table rows in both editions,
//! the timeline's bars (one per step, widths proportional to hours, placed one
//! after the other), the total against the limit, no section on a record
//! without a process, `data/internal-processes.json` and the record export,
//! the empty state of a site without processes, and axe + the Nu Html Checker
//! on the pages with the section.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

const XD: &str = "thu-tuc/cap-giay-phep-xay-dung/index.html";
const CERT: &str = "thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/index.html";
const NONE: &str = "thu-tuc/chap-thuan-chu-truong-dau-tu/index.html";

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Builds a copy of `tests/fixtures/<fixture>` (no print products) into
/// `<tmp>/public`, with `base_url` when given.
fn build_fixture(fixture: &str, tmp: &Path, base_url: Option<String>) -> PathBuf {
    let root = tmp.join("site");
    copy_dir(&support::root().join("tests/fixtures").join(fixture), &root);
    let out = tmp.join("public");
    let opts =
        onestop::build::BuildOptions { root, out_dir: out.clone(), base_url, check_only: false, progress: false };
    let run = onestop::build::RunOptions { print: onestop::build::Print::Skip, ..Default::default() };
    onestop::build::build_run(&opts, None, &run).unwrap_or_else(|e| panic!("{fixture} must build: {e:?}"));
    out
}

/// The process site, built once for this test binary.
fn site() -> &'static Path {
    static SITE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = SITE.get_or_init(|| {
        let tmp = tempfile::Builder::new().prefix("onestop-process-page-").tempdir().unwrap();
        let out = build_fixture("process-site", tmp.path(), None);
        (tmp, out)
    });
    out
}

fn page(path: &str) -> String {
    fs::read_to_string(site().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The text of `html` from `start` to the first `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("`{start}` not found"));
    let rest = &html[from..];
    let to = rest.find(end).unwrap_or_else(|| panic!("`{end}` not found after `{start}`"));
    &rest[..to + end.len()]
}

/// Tags stripped, entities of the escaper undone, whitespace squashed.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("&amp;", "&").replace("&#x2F;", "/").replace("&quot;", "\"").replace("&#39;", "'");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The body rows of the `n`-th process table of a page, each as its cells' texts.
fn table_rows(html: &str, n: usize) -> Vec<Vec<String>> {
    let table = html.split(r#"<table class="data-table process-table"#).nth(n + 1).expect("process table");
    let body = between(table, "<tbody>", "</tbody>");
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let mut cells = Vec::new();
            let mut rest = row;
            while let Some(start) = [rest.find("<th"), rest.find("<td")].into_iter().flatten().min() {
                let close = start + rest[start..].find("</t").expect("cell end");
                cells.push(text(&rest[start..close]));
                rest = &rest[close + 3..];
            }
            cells
        })
        .collect()
}

/// The SVG timelines of a page, parsed.
fn charts(html: &str) -> Vec<String> {
    html.split(r#"<svg class="process-chart""#)
        .skip(1)
        .map(|rest| format!(r#"<svg class="process-chart"{}</svg>"#, &rest[..rest.find("</svg>").unwrap()]))
        .collect()
}

#[test]
fn the_vietnamese_page_has_the_section_and_its_table_rows() {
    let html = page(XD);
    let section = between(&html, r#"<section class="proc-section process""#, "</section>");
    assert!(section.contains(r#"<h2 id="s-process">Quy trình giải quyết nội bộ</h2>"#), "{section}");
    assert!(html.contains(r##"<a href="#s-process">Quy trình giải quyết nội bộ</a>"##), "on this page links it");
    // Two processes: one heading each, by channel (and case).
    assert!(section.contains("<h3>Quy trình cho: Trực tiếp</h3>"), "{section}");
    assert!(
        section.contains("<h3>Quy trình cho: Trực tuyến · <span>Công trình không theo tuyến</span></h3>"),
        "{section}"
    );
    // The approving decision with its link, date and issuer.
    let decision = text(between(section, r#"<p class="process-decision">"#, "</p>"));
    assert_eq!(
        decision,
        "Phê duyệt tại: Quyết định số 1/QĐ-BQL ngày 15/03/2024 của Ban Quản lý các khu công nghiệp thử nghiệm"
    );
    assert!(section.contains(r#"<a href="https://thutuc.example.gov.vn/van-ban/1-qd-bql.pdf">"#));
    // The process's note, under the decision.
    assert!(section.contains(r#"<p class="process-note">Quy trình mẫu để kiểm thử.</p>"#), "{section}");
    let rows = table_rows(&html, 0);
    assert_eq!(
        rows,
        vec![
            vec![
                "Bước 1",
                "Tiếp nhận hồ sơ",
                "Bộ phận Một cửa",
                "4 giờ làm việc",
                "Có",
                "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
            ],
            vec!["Bước 2", "Thẩm định hồ sơ", "Phòng Quản lý quy hoạch và xây dựng", "18 ngày làm việc", "Có", "–"],
            vec!["Bước 3", "Xin ý kiến Sở Xây dựng", "Sở Xây dựng", "8 giờ làm việc", "Không", "–"],
            vec!["Bước 4", "Ký duyệt", "Lãnh đạo Ban", "4 giờ làm việc", "Có", "Giấy phép xây dựng"],
        ]
    );
    // The total row, against the legal limit.
    let foot = text(between(section, "<tfoot>", "</tfoot>"));
    assert_eq!(foot, "Tổng 160 giờ làm việc (20 ngày làm việc) / thời hạn giải quyết: 20 ngày làm việc");
    // The second process: no decision line of its own, its three steps.
    let rows = table_rows(&html, 1);
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[2],
        vec!["Bước 3", "Ký duyệt, trả kết quả", "Lãnh đạo Ban", "6 giờ làm việc", "Có", "Giấy phép xây dựng"]
    );
    // Decimal working days in the edition's number format, and a single process without a heading.
    let cert = page(CERT);
    let section = between(&cert, r#"<section class="proc-section process""#, "</section>");
    assert!(!section.contains("<h3>"), "a single process without channel or case needs no heading: {section}");
    assert_eq!(table_rows(&cert, 0)[1][3], "8,5 ngày làm việc");
    assert!(text(section).contains("Phê duyệt tại: Quyết định số 2/QĐ-BQL"));
}

#[test]
fn the_english_page_has_the_section_in_english() {
    let html = page(&format!("en/{XD}"));
    let section = between(&html, r#"<section class="proc-section process""#, "</section>");
    assert!(section.contains(r#"<h2 id="s-process">Internal handling process</h2>"#), "{section}");
    assert!(section.contains("<h3>Process for: In person</h3>"), "{section}");
    assert!(
        section.contains(r#"<h3>Process for: Online · <span lang="vi">Công trình không theo tuyến</span></h3>"#),
        "{section}"
    );
    let rows = table_rows(&html, 0);
    assert_eq!(
        rows,
        vec![
            vec![
                "Step 1",
                "Receive the dossier",
                "One-stop desk",
                "4 working hours",
                "Yes",
                "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
            ],
            vec!["Step 2", "Appraise the dossier", "Planning and Construction Division", "18 working days", "Yes", "–"],
            vec!["Step 3", "Xin ý kiến Sở Xây dựng", "Sở Xây dựng", "8 working hours", "No", "–"],
            vec!["Step 4", "Sign", "The Board's leadership", "4 working hours", "Yes", "Giấy phép xây dựng"],
        ]
    );
    // Vietnamese fallbacks are marked: the untranslated action, the agency, the output.
    assert!(section.contains(r#"<td data-label="What is done" lang="vi">Xin ý kiến Sở Xây dựng</td>"#), "{section}");
    assert!(section.contains(r#"<td data-label="Who" lang="vi">Sở Xây dựng</td>"#), "{section}");
    assert!(section.contains(r#"<td data-label="Output of the step" lang="vi">Giấy phép xây dựng</td>"#), "{section}");
    // A note without an English version is the Vietnamese one, marked.
    assert!(section.contains(r#"<p class="process-note" lang="vi">Quy trình mẫu để kiểm thử.</p>"#), "{section}");
    let foot = text(between(section, "<tfoot>", "</tfoot>"));
    assert_eq!(foot, "Total 160 working hours (20 working days) / legal time limit: 20 working days");
    // A unit without an English name is shown in Vietnamese, marked.
    let cert = page(&format!("en/{CERT}"));
    assert!(cert.contains(r#"<td data-label="Who" lang="vi">Phòng Quản lý đầu tư</td>"#));
    assert_eq!(table_rows(&cert, 0)[1][3], "8.5 working days");
}

#[test]
fn the_timeline_has_one_bar_per_step_proportional_to_its_hours() {
    let html = page(XD);
    let svgs = charts(&html);
    assert_eq!(svgs.len(), 2, "one timeline per process");
    // (process, hours of each step, lanes' names in first-appearance order)
    let cases: [(&str, &[f64], &[&str]); 2] = [
        (
            &svgs[0],
            &[4.0, 144.0, 8.0, 4.0],
            &["Bộ phận Một cửa", "Phòng Quản lý quy hoạch và xây dựng", "Sở Xây dựng", "Lãnh đạo Ban"],
        ),
        (&svgs[1], &[2.0, 152.0, 6.0], &["Bộ phận Một cửa", "Phòng Quản lý quy hoạch và xây dựng", "Lãnh đạo Ban"]),
    ];
    for (svg, hours, lanes) in cases {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
        let root = doc.root_element();
        assert_eq!(root.attribute("aria-hidden"), Some("true"), "the table carries the facts");
        let width: f64 = root.attribute("width").unwrap().parse().unwrap();
        let bars: Vec<(f64, f64, f64)> = root
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("class") == Some("bar"))
            .map(|n| {
                let a = |k: &str| n.attribute(k).unwrap().parse::<f64>().unwrap();
                (a("x"), a("y"), a("width"))
            })
            .collect();
        assert_eq!(bars.len(), hours.len(), "one bar per step");
        let total: f64 = hours.iter().sum();
        let per_hour = bars[0].2 / hours[0];
        for (i, ((x, _, w), h)) in bars.iter().zip(hours).enumerate() {
            assert!((w / h - per_hour).abs() < 0.01, "bar {i}: width {w} for {h} h, expected {}", h * per_hour);
            if i > 0 {
                let (px, _, pw) = bars[i - 1];
                assert!((px + pw - x).abs() < 0.02, "bar {i} starts where bar {} ends", i - 1);
            }
        }
        // The bars fill the plot: the total equals the limit, the scale's right edge.
        assert!(bars[0].0 >= 0.0 && (per_hour * total) <= width && (per_hour * total) > width * 0.9);
        // One lane per unit or agency: bars of the same lane share a y; lanes in order of first appearance.
        let texts: Vec<String> =
            root.descendants().filter(|n| n.has_tag_name("text")).map(|n| n.text().unwrap_or("").to_string()).collect();
        let lane_names: Vec<&str> = texts.iter().map(String::as_str).filter(|t| lanes.contains(t)).collect();
        assert_eq!(lane_names, lanes, "one lane per unit or agency, in first-appearance order");
        // Each step here is in a lane of its own: the bars go down lane by lane.
        assert!(bars.windows(2).all(|w| w[0].1 < w[1].1), "{bars:?}");
        // The total and the limit, as text.
        assert!(texts.contains(&"Thời hạn giải quyết: 20 ngày làm việc".to_string()), "{texts:?}");
        assert!(texts.contains(&"Tổng: 20 ngày làm việc".to_string()), "{texts:?}");
        let limit = root.descendants().find(|n| n.attribute("class") == Some("limit")).expect("the limit line");
        let lx: f64 = limit.attribute("x1").unwrap().parse().unwrap();
        let (lastx, _, lastw) = bars[bars.len() - 1];
        assert!((lastx + lastw - lx).abs() < 1.0, "the limit line is where the last step ends ({lx})");
    }
    // English labels in the English edition's drawing.
    let en = charts(&page(&format!("en/{XD}"))).remove(0);
    assert!(en.contains(">Legal time limit: 20 working days</text>"), "{en}");
    assert!(en.contains(">One-stop desk</text>"), "{en}");
}

#[test]
fn a_record_without_a_process_has_no_section() {
    for path in [NONE.to_string(), format!("en/{NONE}")] {
        let html = page(&path);
        for absent in
            ["s-process", "process-chart", "process-table", "Quy trình giải quyết nội bộ", "Internal handling process"]
        {
            assert!(!html.contains(absent), "{path} must not contain `{absent}`");
        }
    }
}

#[test]
fn the_open_data_has_the_processes() {
    let v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(site().join("data/internal-processes.json")).unwrap()).unwrap();
    assert_eq!(v["hours_per_working_day"], 8);
    assert_eq!(v["units"].as_array().unwrap().len(), 4);
    assert_eq!(v["units"][0]["key"], "mot-cua");
    let list = v["processes"].as_array().unwrap();
    assert_eq!(list.len(), 3, "one entry per process: two for the permit, one for the certificate");
    let xd: Vec<&serde_json::Value> = list.iter().filter(|p| p["code"] == "1.009794").collect();
    assert_eq!(xd.len(), 2);
    let direct = xd[0];
    assert_eq!(direct["title"], "Cấp giấy phép xây dựng");
    assert_eq!(direct["url"], "https://thutuc.example.gov.vn/thu-tuc/cap-giay-phep-xay-dung/");
    assert_eq!(direct["channel"], "direct");
    assert_eq!(direct["case"], serde_json::Value::Null);
    assert_eq!(direct["decision"]["number"], "Quyết định số 1/QĐ-BQL");
    assert_eq!(direct["decision"]["date"], "2024-03-15");
    assert_eq!(direct["total_hours"], 160.0);
    assert_eq!(direct["limit_hours"], 160.0);
    let steps = direct["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 4);
    assert_eq!(steps[0]["step"], 1);
    assert_eq!(steps[0]["action"], "Tiếp nhận hồ sơ");
    assert_eq!(steps[0]["action_en"], "Receive the dossier");
    assert_eq!(steps[0]["unit"]["key"], "mot-cua");
    assert_eq!(steps[0]["unit"]["name"], "Bộ phận Một cửa");
    assert_eq!(steps[0]["unit"]["name_en"], "One-stop desk");
    assert_eq!(steps[0]["unit"]["kind"], "one-stop");
    assert_eq!(steps[0]["agency"], serde_json::Value::Null);
    assert_eq!(steps[0]["time"], 4.0);
    assert_eq!(steps[0]["time_unit"], "hours");
    assert_eq!(steps[0]["hours"], 4.0);
    assert_eq!(steps[0]["electronic"], true);
    assert_eq!(steps[0]["output"], "Giấy tiếp nhận hồ sơ và hẹn trả kết quả");
    assert_eq!(steps[1]["time"], 18.0);
    assert_eq!(steps[1]["time_unit"], "working-days");
    assert_eq!(steps[1]["hours"], 144.0);
    assert_eq!(steps[2]["unit"], serde_json::Value::Null);
    assert_eq!(steps[2]["agency"], "Sở Xây dựng");
    assert_eq!(steps[2]["electronic"], false);
    assert_eq!(xd[1]["channel"], "online");
    assert_eq!(xd[1]["case"], "Công trình không theo tuyến");
    assert_eq!(xd[1]["decision"], serde_json::Value::Null);
    let cert = list.iter().find(|p| p["code"] == "1.009664").unwrap();
    assert_eq!(cert["channel"], serde_json::Value::Null);
    assert_eq!(cert["steps"][1]["hours"], 68.0);

    // The record export carries the same processes.
    let all: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(site().join("data/procedures.json")).unwrap()).unwrap();
    let procs = all["procedures"].as_array().unwrap();
    let rec = procs.iter().find(|p| p["code"] == "1.009794").unwrap();
    let ip = rec["internal_process"].as_array().unwrap();
    assert_eq!(ip.len(), 2);
    assert_eq!(ip[0]["steps"], direct["steps"]);
    let none = procs.iter().find(|p| p["code"] == "1.009645").unwrap();
    assert_eq!(none["internal_process"], serde_json::json!([]));

    // The open data page lists the file, without the empty-state note.
    for path in ["data/index.html", "en/data/index.html"] {
        let html = page(path);
        assert!(html.contains(r#"<a href="/data/internal-processes.json">internal-processes.json</a>"#), "{path}");
        assert!(!html.contains("tệp có danh sách rỗng") && !html.contains("the file has an empty list"), "{path}");
    }
}

#[test]
fn a_site_without_processes_says_so_and_writes_an_empty_list() {
    let tmp = tempfile::Builder::new().prefix("onestop-process-none-").tempdir().unwrap();
    let out = build_fixture("valid-min", tmp.path(), None);
    let v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("data/internal-processes.json")).unwrap()).unwrap();
    assert_eq!(v["processes"], serde_json::json!([]));
    assert_eq!(v["units"], serde_json::json!([]));
    let html = fs::read_to_string(out.join("data/index.html")).unwrap();
    assert!(html.contains("internal-processes.json</a>"));
    assert!(
        html.contains("Hiện chưa thủ tục nào có quy trình nội bộ được công bố trên trang này"),
        "the honest empty state"
    );
    let page = fs::read_to_string(out.join(XD)).unwrap();
    assert!(!page.contains("s-process") && !page.contains("process-chart"));
}

/// The Nu Html Checker over the whole process site (HTML, CSS and SVG).
#[test]
fn process_pages_are_valid_html() {
    let test = "process_pages_are_valid_html";
    let java = support::java();
    if !support::require(test, "java", java.is_some()) {
        return;
    }
    let jar = support::vnu_jar();
    if !support::require(test, "vnu.jar (node_modules/vnu-jar; run `npm ci`)", jar.is_some()) {
        return;
    }
    let o = std::process::Command::new(java.unwrap())
        .arg("-jar")
        .arg(jar.unwrap())
        .args(["--errors-only", "--skip-non-html", "--also-check-css", "--also-check-svg"])
        .arg(site())
        .output()
        .expect("run vnu.jar");
    assert!(
        o.status.success(),
        "the Nu Html Checker found errors:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// axe (WCAG 2.0/2.1 A and AA) on the pages with the section, both editions,
/// at desktop and phone widths.
#[test]
fn process_pages_pass_axe() {
    use anyhow::{bail, ensure};
    let test = "process_pages_pass_axe";
    let Some(axe) = support::axe_js() else {
        support::require(test, "axe-core (node_modules/axe-core/axe.min.js; run `npm ci`)", false);
        return;
    };
    let axe_src = fs::read_to_string(axe).unwrap();
    let mut server = support::server::StaticServer::bind().unwrap();
    let base = server.base_url();
    let tmp = tempfile::Builder::new().prefix("onestop-process-axe-").tempdir().unwrap();
    let out = build_fixture("process-site", tmp.path(), Some(base.clone()));
    server.start(out.clone());
    support::browser::run_bare(test, Duration::from_secs(180), move |c| async move {
        let mut report = Vec::new();
        for width in [1280u32, 390] {
            c.set_window_size(width, 900).await?;
            for path in [XD.to_string(), format!("en/{XD}"), CERT.to_string(), "data/index.html".to_string()] {
                let url = format!("{base}{}", path.trim_end_matches("index.html"));
                c.goto(&url).await?;
                ensure!(out.join(&path).is_file(), "no page {path}");
                c.execute(&axe_src, vec![]).await?;
                let v: serde_json::Value = c
                    .execute_async(
                        "const done = arguments[0];
                         axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                            resultTypes: ['violations']})
                           .then(r => done({violations: r.violations.map(v => ({id: v.id, help: v.help,
                                   nodes: v.nodes.slice(0, 3).map(n => n.html)}))}),
                                 e => done({error: String(e)}));",
                        vec![],
                    )
                    .await?;
                if let Some(e) = v.get("error") {
                    bail!("axe failed on {path}: {e}");
                }
                for viol in v["violations"].as_array().into_iter().flatten() {
                    report.push(format!("{path} @{width}px: [{}] {} {}", viol["id"], viol["help"], viol["nodes"]));
                }
            }
        }
        ensure!(report.is_empty(), "axe found violations:\n  {}", report.join("\n  "));
        Ok(())
    });
}
