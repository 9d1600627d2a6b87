//! Hostile content, end to end through the real binary: anything `onestop
//! check` accepts must build, and every refusal is a located diagnostic
//! (`file:line:col: field: message`). Also: files left out of `content/` are
//! named in warnings that do not change the exit code.
//!
//! Each case copies `tests/fixtures/valid-min/` into a temporary folder and
//! adds one hostile file or edit.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The binary under test; `ONESTOP_BIN` runs the same cases against another build.
fn bin() -> PathBuf {
    std::env::var_os("ONESTOP_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_onestop")), PathBuf::from)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], root: &Path) -> Run {
    let out = Command::new(bin()).args(args).arg("--root").arg(root).output().expect("run onestop");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn check(root: &Path) -> Run {
    run(&["check"], root)
}

fn build(root: &Path) -> Run {
    let out = root.join("public");
    run(&["build", "--quiet", "--out", out.to_str().expect("utf-8 temp path")], root)
}

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid-min"), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("read fixture") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).expect("copy");
        }
    }
}

const NEW: &str = "content/procedures/xay-dung/x.toml";

/// A valid record (`NEW`) whose title is `title` (TOML source, with quotes)
/// and with `extra` appended; line 3 is the title.
fn record(title: &str, extra: &str) -> String {
    format!(
        "code = \"1.000123\"\n# hostile\ntitle = {title}\nstage = \"xay-dung\"\nfield = \"xay-dung\"\nlevel = 3\nsummary = \"Một thủ tục.\"\n{extra}"
    )
}

fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    fs::write(p, text).expect("write");
}

/// `check` refuses with exit 1 and prints `needle` (a location and field).
#[track_caller]
fn refused(root: &Path, needles: &[&str]) -> Run {
    let r = check(root);
    assert_eq!(r.code, 1, "check should refuse; stderr:\n{}", r.stderr);
    for n in needles {
        assert!(r.stderr.contains(n), "missing `{n}` in:\n{}", r.stderr);
    }
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    r
}

// 1. Control characters -----------------------------------------------------

#[test]
fn control_characters_in_a_record_are_refused_where_they_are() {
    for (title, hint) in [
        ("\"\\u001b[31mĐỏ\"", "remove the invisible character (U+001B)"),
        ("\"\\u0000\"", "remove the invisible character (U+0000)"),
        ("\"\\u007fa\"", "remove the invisible character (U+007F)"),
        ("\"\\u0085 b\"", "remove the invisible character (U+0085)"),
    ] {
        let dir = site();
        write(dir.path(), NEW, record(title, ""));
        // The escape is right after the opening quote: line 3, column 10.
        let r = refused(dir.path(), &[&format!("{NEW}:3:10: title: "), hint, "[control-char]"]);
        assert_eq!(r.stderr.matches("[control-char]").count(), 1, "{}", r.stderr);
    }
    // In a nested table, a list and a Markdown field too.
    let dir = site();
    write(dir.path(), NEW, record("\"T\"", "keywords = [\"a\", \"b\\u0007\"]\n[[documents]]\nname = \"\\u001b\"\n"));
    refused(dir.path(), &[&format!("{NEW}:8:"), "keywords[1]: ", &format!("{NEW}:10:"), "documents[0].name: "]);
}

#[test]
fn control_characters_in_a_page_and_site_toml_are_refused() {
    let dir = site();
    let page = "content/pages/gioi-thieu.md";
    let mut text = fs::read_to_string(dir.path().join(page)).expect("page");
    text.push_str("\nDòng có NUL: a\0b\n");
    let line = text.lines().count();
    write(dir.path(), page, text);
    refused(dir.path(), &[&format!("{page}:{line}:15: body: "), "(U+0000)"]);

    let dir = site();
    let text = fs::read_to_string(dir.path().join(page)).expect("page");
    write(dir.path(), page, text.replacen("title = \"Giới thiệu\"", "title = \"Giới\\u001bthiệu\"", 1));
    refused(dir.path(), &[&format!("{page}:2:14: title: "), "(U+001B)"]);

    let dir = site();
    let text = fs::read_to_string(dir.path().join("site.toml")).expect("site.toml");
    let at = text.lines().position(|l| l.starts_with("title = ")).expect("a title line") + 1;
    let edited: String = text
        .lines()
        .map(|l| if l.starts_with("title = ") { "title = \"\\u001b\"".to_string() } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n");
    write(dir.path(), "site.toml", edited);
    refused(dir.path(), &[&format!("site.toml:{at}:10: title: "), "(U+001B)"]);
}

#[test]
fn tabs_and_line_ends_are_not_control_characters() {
    let dir = site();
    write(dir.path(), NEW, record("\"a\\tb\"", "requirements = \"dòng 1\\r\\ndòng 2\"\n"));
    let r = check(dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
}

// 2. Absurd nesting ----------------------------------------------------------

fn nested_list(levels: usize) -> String {
    (0..levels).map(|i| format!("{}- mục {i}\n", "  ".repeat(i))).collect()
}

#[test]
fn markdown_nested_too_deep_is_refused_at_its_line() {
    let dir = site();
    // The list starts on line 9 (after `requirements = """`): level 17 is on line 9 + 16.
    let extra = format!("requirements = \"\"\"\n{}\"\"\"\n", nested_list(130));
    write(dir.path(), NEW, record("\"T\"", &extra));
    refused(dir.path(), &[&format!("{NEW}:25:"), "requirements: ", "[too-deep]", "16 levels"]);

    let dir = site();
    let page = "content/pages/gioi-thieu.md";
    let mut text = fs::read_to_string(dir.path().join(page)).expect("page");
    text.push('\n');
    text.push_str(&format!("{}x\n", "> ".repeat(130)));
    let first = text.lines().count();
    write(dir.path(), page, &text);
    refused(dir.path(), &[&format!("{page}:{first}:"), "body: ", "[too-deep]"]);
}

#[test]
fn sixteen_levels_of_markdown_build() {
    let dir = site();
    write(dir.path(), NEW, record("\"T\"", &format!("requirements = \"\"\"\n{}\"\"\"\n", nested_list(16))));
    assert_eq!(check(dir.path()).code, 0);
    let b = build(dir.path());
    assert_eq!(b.code, 0, "{}", b.stderr);
}

#[test]
fn deeply_nested_toml_is_a_located_syntax_error() {
    let dir = site();
    let deep = format!("keywords = {}{}\n", "[".repeat(500), "]".repeat(500));
    write(dir.path(), NEW, record("\"T\"", &deep));
    let r = refused(dir.path(), &[&format!("{NEW}:8:"), "[toml-syntax]"]);
    assert!(!r.stderr.contains("overflow"), "{}", r.stderr);
}

// 3. Size limit --------------------------------------------------------------

/// `record` padded with comment lines to `bytes` bytes.
fn padded(bytes: usize) -> String {
    let mut text = record("\"T\"", "");
    let line = format!("# {}\n", "x".repeat(97));
    while text.len() + line.len() <= bytes {
        text.push_str(&line);
    }
    text
}

#[test]
fn files_over_one_mebibyte_are_refused_before_reading() {
    let dir = site();
    write(dir.path(), NEW, padded(1_100_000));
    refused(dir.path(), &[&format!("{NEW}:1:1: file is "), "[too-large]", "1 MiB"]);

    let dir = site();
    let page = "content/pages/lon.md";
    write(dir.path(), page, format!("+++\ntitle = \"Lớn\"\n+++\n{}", "chữ ".repeat(300_000)));
    refused(dir.path(), &[&format!("{page}:1:1: "), "[too-large]"]);

    let dir = site();
    write(dir.path(), NEW, padded(900_000));
    let r = check(dir.path());
    assert_eq!(r.code, 0, "a 900 KB record is not refused for its size:\n{}", r.stderr);
}

// 4. Numbers -----------------------------------------------------------------

#[test]
fn numbers_out_of_their_documented_bounds_are_refused() {
    let cases: &[(&str, &[&str])] = &[
        (
            "[[statistics]]\nyear = 2024\nreceived = 9223372036854775807\nreceived_online = 0\n",
            &["x.toml:10:12: statistics[0].received: ", "100000000"],
        ),
        (
            "[[channels]]\nkind = \"direct\"\nfee_vnd = 9223372036854775807\n",
            &["x.toml:10:11: channels[0].fee_vnd: ", "1000000000000"],
        ),
        (
            "[[channels]]\nkind = \"direct\"\ntime = 1e308\ntime_unit = \"days\"\n",
            &["x.toml:10:8: channels[0].time: ", "3650"],
        ),
        ("[[channels]]\nkind = \"direct\"\ntime = inf\ntime_unit = \"days\"\n", &["x.toml:10:8: channels[0].time: "]),
        ("[[channels]]\nkind = \"direct\"\ntime = nan\ntime_unit = \"hours\"\n", &["x.toml:10:8: channels[0].time: "]),
        (
            "[[channels]]\nkind = \"direct\"\ntime = 87601\ntime_unit = \"hours\"\n",
            &["x.toml:10:8: channels[0].time: ", "87600"],
        ),
        ("[[documents]]\nname = \"Đơn\"\ncopies = 1000000\n", &["x.toml:10:10: documents[0].copies: ", "1000"]),
    ];
    for (extra, needles) in cases {
        let dir = site();
        write(dir.path(), NEW, record("\"T\"", extra));
        refused(dir.path(), needles);
    }
}

#[test]
fn numbers_at_their_bounds_build() {
    let dir = site();
    let extra = "[[channels]]\nkind = \"direct\"\ntime = 3650\ntime_unit = \"days\"\nfee_vnd = 1000000000000\n\
                 [[channels]]\nkind = \"online\"\ntime = 87600\ntime_unit = \"hours\"\n\
                 [[statistics]]\nyear = 2024\nreceived = 100000000\nreceived_online = 100000000\n";
    write(dir.path(), NEW, record("\"T\"", extra));
    assert_eq!(check(dir.path()).code, 0);
    let b = build(dir.path());
    assert_eq!(b.code, 0, "{}", b.stderr);
}

// 5. Reserved names ----------------------------------------------------------

#[test]
fn pages_cannot_take_the_name_of_a_route() {
    let dir = site();
    for name in ["thay-doi", "in-an", "diagrams"] {
        write(dir.path(), &format!("content/pages/{name}.md"), "+++\ntitle = \"Trang\"\n+++\nNội dung.\n");
    }
    let r = refused(
        dir.path(),
        &["content/pages/thay-doi.md: ", "content/pages/in-an.md: ", "content/pages/diagrams.md: ", "[reserved-slug]"],
    );
    let hint = r.stderr.lines().find(|l| l.contains("reserved names:")).expect("a hint listing the names");
    for n in ["thu-tuc", "thay-doi", "in-an", "diagrams", "data", "static", "en", "404", "sitemap", "robots"] {
        assert!(hint.split([' ', ',']).any(|w| w == n), "{n} missing from {hint}");
    }
    assert!(!r.stderr.contains("produced twice"), "{}", r.stderr);
}

// 6. Skipped files become warnings --------------------------------------------

#[test]
fn skipped_files_are_warned_about() {
    let dir = site();
    let root = dir.path();
    let body = record("\"T\"", "");
    write(root, "content/procedures/xay-dung/a.TOML", &body);
    write(root, "content/procedures/xay-dung/b.toml.bak", &body);
    write(root, "content/procedures/xay-dung/.hidden.toml", &body);
    write(root, "content/pages/c.md~", "+++\ntitle = \"C\"\n+++\n");
    fs::create_dir_all(root.join("content/procedures/xay-dung/d.toml")).expect("mkdir");
    write(root, "content/procedures/xay-dung/README.txt", "notes"); // not meant as a record: no warning
    write(root, "content/procedures/xay-dung/_draft.toml", &body); // a draft, left out on purpose
    let expected = [
        ("content/procedures/xay-dung/a.TOML: ", "rename it to a.toml to include it"),
        ("content/procedures/xay-dung/b.toml.bak: ", "rename it to b.toml to include it"),
        ("content/procedures/xay-dung/.hidden.toml: ", "rename it to hidden.toml to include it"),
        ("content/pages/c.md~: ", "rename it to c.md to include it"),
        ("content/procedures/xay-dung/d.toml: ", "folder"),
    ];
    for r in [check(root), build(root)] {
        assert_eq!(r.code, 0, "warnings do not change the exit code:\n{}", r.stderr);
        for (file, hint) in expected {
            assert!(r.stderr.contains(&format!("warning: {file}")), "no warning for {file}:\n{}", r.stderr);
            assert!(r.stderr.contains(hint), "no `{hint}`:\n{}", r.stderr);
        }
        // Exactly these skipped-file warnings (the test site also gets the placeholder-address warning).
        assert_eq!(r.stderr.matches("[skipped-file]").count(), expected.len(), "{}", r.stderr);
    }

    let json = run(&["check", "--format", "json"], root);
    assert_eq!(json.code, 0);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(0));
    let warnings = v["warnings"].as_array().expect("a warnings array");
    let skipped: Vec<_> = warnings.iter().filter(|w| w["code"] == "skipped-file").collect();
    assert_eq!(skipped.len(), expected.len(), "{warnings:?}");
    assert!(skipped.iter().all(|w| w["hint"].is_string()));

    let gh = run(&["check", "--format", "github"], root);
    assert_eq!(gh.code, 0);
    assert_eq!(gh.stdout.matches("::warning file=content/").count(), expected.len(), "{}", gh.stdout);

    // With an error as well, the warnings are still listed, and the error decides the exit code.
    write(root, NEW, record("\"\\u0000\"", ""));
    let r = check(root);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("warning: content/procedures/xay-dung/a.TOML: "), "{}", r.stderr);
}

// 7. check and build agree ----------------------------------------------------

/// Every hostile input above, and the accepted inputs at the limits: `check`
/// accepting means `build` succeeds, and `check` refusing means `build` does.
#[test]
fn check_and_build_agree_on_hostile_input() {
    let mut cases: Vec<(&str, String)> = vec![
        ("nul title", record("\"\\u0000\"", "")),
        ("esc title", record("\"\\u001b[2J\"", "")),
        ("c1 title", record("\"\\u009b\"", "")),
        ("del in keywords", record("\"T\"", "keywords = [\"\\u007f\"]\n")),
        ("deep list", record("\"T\"", &format!("requirements = \"\"\"\n{}\"\"\"\n", nested_list(130)))),
        ("16 levels", record("\"T\"", &format!("requirements = \"\"\"\n{}\"\"\"\n", nested_list(16)))),
        ("deep quote", record("\"T\"", &format!("requirements = \"{}x\"\n", "> ".repeat(130)))),
        ("deep emphasis", record("\"T\"", &format!("requirements = \"{}x{}\"\n", "*_".repeat(60), "_*".repeat(60)))),
        ("deep toml", record("\"T\"", &format!("keywords = {}{}\n", "[".repeat(200), "]".repeat(200)))),
        ("1.1 MB", padded(1_100_000)),
        ("900 KB", padded(900_000)),
    ];
    for (extra, name) in [
        ("[[statistics]]\nyear = 2024\nreceived = 9223372036854775807\nreceived_online = 0\n", "huge received"),
        ("[[channels]]\nkind = \"direct\"\nfee_vnd = 9223372036854775807\n", "huge fee"),
        ("[[channels]]\nkind = \"direct\"\ntime = 1e308\ntime_unit = \"days\"\n", "huge time"),
        ("[[channels]]\nkind = \"direct\"\ntime = 3650\ntime_unit = \"days\"\n", "ten years"),
    ] {
        cases.push((name, record("\"T\"", extra)));
    }
    for (name, text) in cases {
        let dir = site();
        write(dir.path(), NEW, &text);
        let (c, b) = (check(dir.path()), build(dir.path()));
        assert!(!c.stderr.contains("panicked") && !b.stderr.contains("panicked"), "{name}: {}{}", c.stderr, b.stderr);
        assert_eq!(
            c.code == 0,
            b.code == 0,
            "{name}: check exit {} but build exit {}\ncheck: {}\nbuild: {}",
            c.code,
            b.code,
            c.stderr,
            b.stderr
        );
        if c.code != 0 {
            // Every refusal is located: a file and a line.
            let first = c.stderr.lines().next().unwrap_or("");
            assert!(first.starts_with(&format!("{NEW}:")), "{name}: unlocated: {first}");
            assert!(
                first.split(':').nth(1).is_some_and(|l| l.parse::<usize>().is_ok_and(|l| l > 0)),
                "{name}: {first}"
            );
        }
    }
}
