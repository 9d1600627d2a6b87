//! Feedback on procedure pages (issue 16): site.toml `[feedback]` gives a
//! `mailto:` whose subject and body carry the procedure's code, title and page
//! address (percent-encoded UTF-8, CRLF line breaks) and/or a link to the
//! province's feedback portal, in both editions; `[organisation] email` is the
//! default address; with neither there is no section and `check` warns once;
//! bad values are located errors; axe and the Nu Html Checker on the pages.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const CERT: &str = "thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/index.html";
const BASE: &str = "https://thutuc.example.gov.vn/";

/// A copy of `tests/fixtures/valid-min` with both editions and `extra`
/// appended to its site.toml (after its last table).
fn fixture(tmp: &Path, extra: &str) -> PathBuf {
    let root = tmp.join("site");
    support::copy_dir(&support::root().join("tests/fixtures/valid-min"), &root);
    let site = fs::read_to_string(root.join("site.toml")).unwrap();
    let site = site.replacen("level_scheme = \"2011\"\n", "level_scheme = \"2011\"\nlanguages = [\"vi\", \"en\"]\n", 1);
    fs::write(root.join("site.toml"), format!("{site}\n{extra}")).unwrap();
    root
}

/// Builds the fixture (no print products) into `<tmp>/public`.
fn build(tmp: &Path, extra: &str, base_url: Option<String>) -> PathBuf {
    let root = fixture(tmp, extra);
    let out = tmp.join("public");
    let opts =
        onestop::build::BuildOptions { root, out_dir: out.clone(), base_url, check_only: false, progress: false };
    let run = onestop::build::RunOptions { print: onestop::build::Print::Skip, ..Default::default() };
    onestop::build::build_run(&opts, None, &run).unwrap_or_else(|e| panic!("the fixture must build: {e:?}"));
    out
}

fn page(out: &Path, path: &str) -> String {
    fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The feedback section of a page, or None.
fn section(html: &str) -> Option<&str> {
    let start = html.find(r#"<section class="proc-section feedback""#)?;
    let len = html[start..].find("</section>").unwrap();
    Some(&html[start..start + len])
}

/// The `href` of the section's `mailto:` link, HTML-unescaped.
fn mailto(html: &str) -> String {
    let s = section(html).expect("a feedback section");
    let start = s.find("href=\"mailto:").expect("a mailto link") + 6;
    let end = start + s[start..].find('"').unwrap();
    s[start..end].replace("&amp;", "&")
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8().expect("UTF-8").into_owned()
}

/// (address, subject, body) of a `mailto:addr?subject=…&body=…`.
fn parts(href: &str) -> (String, String, String) {
    let rest = href.strip_prefix("mailto:").unwrap();
    let (addr, query) = rest.split_once('?').unwrap();
    let mut subject = None;
    let mut body = None;
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap();
        // Every reserved character is encoded: the value has no raw space, `&`, `=`, `?` or `#`.
        assert!(!v.contains([' ', '&', '=', '?', '#', '+', '\n']), "{k} not encoded: {v}");
        match k {
            "subject" => subject = Some(decode(v)),
            "body" => body = Some(decode(v)),
            _ => panic!("unexpected field {k} in {href}"),
        }
    }
    (addr.to_string(), subject.unwrap(), body.unwrap())
}

#[test]
fn the_mailto_link_carries_code_title_and_address_in_both_editions() {
    let tmp = tempfile::tempdir().unwrap();
    let out = build(tmp.path(), "[feedback]\nemail = \"gopy@example.gov.vn\"\n", None);

    let vi = page(&out, CERT);
    let (addr, subject, body) = parts(&mailto(&vi));
    assert_eq!(addr, "gopy@example.gov.vn");
    assert_eq!(subject, "Góp ý về thủ tục 1.009664: Cấp Giấy chứng nhận đăng ký đầu tư");
    assert_eq!(
        body,
        format!(
            "Thủ tục: 1.009664 – Cấp Giấy chứng nhận đăng ký đầu tư\r\nTrang: {BASE}thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/\r\n\r\nNội dung góp ý hoặc câu hỏi:\r\n"
        )
    );
    assert!(vi.contains(r##"<li><a href="#s-feedback">Báo lỗi hoặc đặt câu hỏi</a></li>"##), "on this page");
    assert!(section(&vi).unwrap().contains(r#"<h2 id="s-feedback">Báo lỗi hoặc đặt câu hỏi</h2>"#));
    assert!(section(&vi).unwrap().contains(">Gửi thư điện tử tới gopy@example.gov.vn</a>"));

    let en = page(&out, &format!("en/{CERT}"));
    let (addr, subject, body) = parts(&mailto(&en));
    assert_eq!(addr, "gopy@example.gov.vn");
    // valid-min has no English titles: the Vietnamese one, as the page shows it.
    assert_eq!(subject, "Feedback on procedure 1.009664: Cấp Giấy chứng nhận đăng ký đầu tư");
    assert_eq!(
        body,
        format!(
            "Procedure: 1.009664 – Cấp Giấy chứng nhận đăng ký đầu tư\r\nPage: {BASE}en/thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/\r\n\r\nYour correction or question:\r\n"
        )
    );
    assert!(section(&en).unwrap().contains(r#"<h2 id="s-feedback">Report an error or ask a question</h2>"#));
    // An e-mail only: no portal link, and no form anywhere.
    assert_eq!(section(&vi).unwrap().matches("<a ").count(), 1);
    assert!(!section(&vi).unwrap().contains("<form"));
    // Every procedure page has it.
    for p in ["thu-tuc/chap-thuan-chu-truong-dau-tu/index.html", "thu-tuc/cap-giay-phep-xay-dung/index.html"] {
        assert!(mailto(&page(&out, p)).contains("subject="), "{p}");
    }
}

#[test]
fn the_portal_link_has_its_label_in_each_edition() {
    let tmp = tempfile::tempdir().unwrap();
    let extra = "[feedback]\nurl = \"https://dichvucong.example.gov.vn/phan-anh-kien-nghi\"\nlabel = \"Hệ thống phản ánh, kiến nghị của tỉnh\"\n";
    let out = build(tmp.path(), extra, None);
    let vi = section(&page(&out, CERT)).unwrap().to_string();
    assert!(
        vi.contains(r#"<a href="https://dichvucong.example.gov.vn/phan-anh-kien-nghi">Hệ thống phản ánh, kiến nghị của tỉnh</a>"#),
        "{vi}"
    );
    assert!(!vi.contains("mailto:"), "no e-mail configured: {vi}");
    // No label_en: the Vietnamese label, marked as Vietnamese.
    let en = section(&page(&out, &format!("en/{CERT}"))).unwrap().to_string();
    assert!(en.contains(r#"lang="vi">Hệ thống phản ánh, kiến nghị của tỉnh</a>"#), "{en}");

    // Without a label: the theme's words; with both routes: both links.
    let tmp = tempfile::tempdir().unwrap();
    let extra = "[feedback]\nurl = \"https://dichvucong.example.gov.vn/pakn\"\nemail = \"a@example.gov.vn\"\n";
    let out = build(tmp.path(), extra, None);
    let vi = section(&page(&out, CERT)).unwrap().to_string();
    assert!(vi.contains(r#"<a href="https://dichvucong.example.gov.vn/pakn">Gửi phản ánh, kiến nghị</a>"#), "{vi}");
    assert!(vi.contains("mailto:a@example.gov.vn?subject="), "{vi}");
    let en = section(&page(&out, &format!("en/{CERT}"))).unwrap().to_string();
    assert!(en.contains(">Send feedback through the feedback portal</a>"), "{en}");
}

#[test]
fn the_organisation_email_is_the_default_address_and_a_sub_path_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fixture(tmp.path(), "");
    let site = fs::read_to_string(root.join("site.toml")).unwrap();
    let site = site.replacen("[organisation]\n", "[organisation]\nemail = \"bql@example.gov.vn\"\n", 1);
    fs::write(root.join("site.toml"), site).unwrap();
    let out = tmp.path().join("public");
    let o = Command::new(env!("CARGO_BIN_EXE_onestop"))
        .args(["build", "--no-print", "--quiet", "--base-url", "https://example.gov.vn/tthc/", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("no-feedback"), "an address is configured");
    let (addr, _, body) = parts(&mailto(&page(&out, CERT)));
    assert_eq!(addr, "bql@example.gov.vn");
    assert!(
        body.contains("Trang: https://example.gov.vn/tthc/thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/\r\n"),
        "{body}"
    );
}

#[test]
fn without_a_route_there_is_no_section_and_check_warns_once() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fixture(tmp.path(), "");
    let o = Command::new(env!("CARGO_BIN_EXE_onestop")).args(["check", "--root"]).arg(&root).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert_eq!(stderr.matches("procedure pages offer no way to report an error").count(), 1, "{stderr}");
    assert!(stderr.contains("hint: add [feedback]"), "{stderr}");
    let json = Command::new(env!("CARGO_BIN_EXE_onestop"))
        .args(["check", "--format", "json", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let codes: Vec<&str> = v["warnings"].as_array().unwrap().iter().filter_map(|w| w["code"].as_str()).collect();
    assert_eq!(codes.iter().filter(|c| **c == "no-feedback").count(), 1, "{v}");

    let tmp = tempfile::tempdir().unwrap();
    let out = build(tmp.path(), "", None);
    for p in [CERT.to_string(), format!("en/{CERT}")] {
        let html = page(&out, &p);
        assert!(section(&html).is_none() && !html.contains("s-feedback") && !html.contains("mailto:"), "{p}");
    }
}

#[test]
fn bad_feedback_values_are_located_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fixture(tmp.path(), "[feedback]\nemail = \"gop y@example\"\nurl = \"dichvucong.example.gov.vn\"\n");
    let lines = fs::read_to_string(root.join("site.toml")).unwrap().lines().count();
    let o = Command::new(env!("CARGO_BIN_EXE_onestop")).args(["check", "--root"]).arg(&root).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    let email_line = lines - 1;
    assert!(
        stderr.contains(&format!("site.toml:{email_line}:9: feedback.email: `gop y@example` is not an e-mail address")),
        "{stderr}"
    );
    assert!(
        stderr
            .contains(&format!("site.toml:{lines}:7: feedback.url: `dichvucong.example.gov.vn` is not an http(s) URL")),
        "{stderr}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_onestop"))
        .args(["check", "--root"])
        .arg(fixture(tmp.path(), "[feedback]\nphone = \"1022\"\n"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("feedback.phone"), "unknown keys are errors");
}

/// The Nu Html Checker over a site with both feedback routes.
#[test]
fn feedback_pages_are_valid_html() {
    let test = "feedback_pages_are_valid_html";
    let java = support::java();
    if !support::require(test, "java", java.is_some()) {
        return;
    }
    let jar = support::vnu_jar();
    if !support::require(test, "vnu.jar (node_modules/vnu-jar; run `npm ci`)", jar.is_some()) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out =
        build(tmp.path(), "[feedback]\nemail = \"a@example.gov.vn\"\nurl = \"https://example.gov.vn/pakn\"\n", None);
    let o = Command::new(java.unwrap())
        .arg("-jar")
        .arg(jar.unwrap())
        .args(["--errors-only", "--skip-non-html"])
        .arg(out.join("thu-tuc"))
        .arg(out.join("en/thu-tuc"))
        .output()
        .expect("run vnu.jar");
    assert!(
        o.status.success(),
        "the Nu Html Checker found errors:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// axe (WCAG 2.0/2.1 A and AA) on a procedure page with both routes, both editions.
#[test]
fn feedback_pages_pass_axe() {
    use anyhow::{bail, ensure};
    let test = "feedback_pages_pass_axe";
    let Some(axe) = support::axe_js() else {
        support::require(test, "axe-core (node_modules/axe-core/axe.min.js; run `npm ci`)", false);
        return;
    };
    let axe_src = fs::read_to_string(axe).unwrap();
    let mut server = support::server::StaticServer::bind().unwrap();
    let base = server.base_url();
    let tmp = tempfile::tempdir().unwrap();
    let extra = "[feedback]\nemail = \"a@example.gov.vn\"\nurl = \"https://example.gov.vn/pakn\"\n";
    let out = build(tmp.path(), extra, Some(base.clone()));
    server.start(out.clone());
    support::browser::run_bare(test, Duration::from_secs(180), move |c| async move {
        let mut report = Vec::new();
        for width in [1280u32, 390] {
            c.set_window_size(width, 900).await?;
            for path in [CERT.to_string(), format!("en/{CERT}")] {
                ensure!(out.join(&path).is_file(), "no page {path}");
                c.goto(&format!("{base}{}", path.trim_end_matches("index.html"))).await?;
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
