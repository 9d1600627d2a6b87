//! `onestop import dvc` on the 24 real records of the national portal
//! (`tests/fixtures/dvc/`): every one imports into a site, the site builds,
//! and each page carries the portal's facts; re-importing is idempotent,
//! edits are kept unless `--force`, broken input is reported and skipped.

use onestop::build::{BuildOptions, build};
use onestop::import::{ImportOptions, Outcome, Summary, import_dvc};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use unicode_normalization::UnicodeNormalization;

const BIN: &str = env!("CARGO_BIN_EXE_onestop");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    repo().join("tests/fixtures/dvc")
}

/// A site with the example's site.toml and theme but no records, plus a field
/// for the one sample (residence registration) that is not an industrial-zone
/// procedure, so that all 24 have a field.
fn empty_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut site = fs::read_to_string(repo().join("site.toml")).unwrap();
    site.push_str("\n[[fields]]\nkey = \"cu-tru\"\ntitle = \"Cư trú\"\nportal_names = [\"Đăng ký, quản lý cư trú\"]\nstage = \"van-hanh-lao-dong\"\n");
    fs::write(dir.path().join("site.toml"), site).unwrap();
    for e in walkdir::WalkDir::new(repo().join("themes")).into_iter().flatten() {
        let rel = e.path().strip_prefix(repo()).unwrap();
        if e.file_type().is_dir() {
            fs::create_dir_all(dir.path().join(rel)).unwrap();
        } else {
            fs::copy(e.path(), dir.path().join(rel)).unwrap();
        }
    }
    dir
}

fn import(root: &Path, force: bool) -> Summary {
    import_dvc(&ImportOptions { root: root.to_path_buf(), inputs: vec![fixtures()], stage: None, field: None, force })
        .unwrap()
}

fn counts(s: &Summary) -> [usize; 5] {
    [Outcome::Created, Outcome::Updated, Outcome::Unchanged, Outcome::Kept, Outcome::Skipped].map(|o| s.count(o))
}

fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(root).unwrap().to_path_buf(), fs::read(e.path()).unwrap()))
        .collect()
}

/// Visible text of a page: tags dropped, entities resolved, spaces collapsed.
fn page_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    norm(&out)
}

/// NFC with whitespace collapsed: how a reader compares texts.
fn norm(s: &str) -> String {
    s.nfc().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A document name as published, without the list marker the portal
/// sometimes puts in front of it.
fn doc_name(s: &str) -> String {
    norm(s).trim_start_matches(['-', '+', ';', ' ']).to_string()
}

fn vn_number(x: f64) -> String {
    if x.fract() == 0.0 { format!("{}", x as i64) } else { format!("{x}").replace('.', ",") }
}

#[test]
fn all_24_samples_import_build_and_show_the_portal_facts() {
    let site = empty_site();
    let s = import(site.path(), false);
    for f in &s.files {
        assert!(f.problems.is_empty(), "{}: {:?}", f.input.display(), f.problems);
    }
    assert_eq!(counts(&s), [24, 0, 0, 0, 0]);
    let out = site.path().join("public");
    let built = build(&BuildOptions {
        root: site.path().to_path_buf(),
        out_dir: out.clone(),
        base_url: None,
        check_only: false,
        progress: false,
    });
    let built = built.unwrap_or_else(|e| panic!("the imported site must build: {e:?}"));
    assert_eq!(built.procedures, 24);
    let mut all_docs = 0;

    for f in &s.files {
        let json: Value = serde_json::from_str(&fs::read_to_string(&f.input).unwrap()).unwrap();
        let d = &json["data"];
        let slug = f.record.as_ref().unwrap().file_stem().unwrap().to_str().unwrap().to_string();
        let page = page_text(&fs::read_to_string(out.join("thu-tuc").join(&slug).join("index.html")).unwrap());
        let code = d["code"].as_str().unwrap();
        let what = format!("{code} (/thu-tuc/{slug}/)");
        assert!(page.contains(code), "{what}: code missing");
        assert!(page.contains(&norm(d["name"].as_str().unwrap())), "{what}: name missing");
        let mut docs = 0;
        for case in d["executionCases"].as_array().unwrap() {
            for pc in case["profileComponents"].as_array().unwrap() {
                let name = doc_name(pc["name"].as_str().unwrap());
                assert!(page.contains(&name), "{what}: document missing: {name}");
                docs += 1;
            }
        }
        for m in d["executionMethods"].as_array().unwrap() {
            let time = match (&m["processingTime"], m["processingTimeUnit"].as_str()) {
                (Value::Number(n), Some("WORKING_DAY")) => format!("{} ngày làm việc", vn_number(n.as_f64().unwrap())),
                (Value::Number(n), Some("DAY")) => format!("{} ngày", vn_number(n.as_f64().unwrap())),
                (Value::String(s), _) => norm(s),
                other => panic!("{what}: a time the test does not know: {other:?}"),
            };
            assert!(page.contains(&time), "{what}: processing time missing: {time}");
        }
        // Every line of every step and of the requirements, word for word
        // (Markdown escapes must not show, list markers become list items).
        let mut texts: Vec<&str> =
            d["executionSteps"].as_array().unwrap().iter().filter_map(|s| s["description"].as_str()).collect();
        texts.extend(d["requirementsAndConditions"].as_str());
        for line in texts.iter().flat_map(|t| t.lines()) {
            let line = norm(line);
            let line = line.strip_prefix("- ").or_else(|| line.strip_prefix("+ ")).unwrap_or(&line);
            if !line.is_empty() {
                assert!(page.contains(line), "{what}: text missing: {line}");
            }
        }
        assert!(!page.contains('\\'), "{what}: a Markdown escape shows on the page");
        for l in d["legalBasisesDetails"].as_array().unwrap() {
            let number = norm(l["code"].as_str().unwrap());
            assert!(page.contains(&number), "{what}: legal basis missing: {number}");
        }
        all_docs += docs;
        // Level: toàn trình (isFullProcess) is level 4.
        if d["isFullProcess"].as_bool() == Some(true) {
            assert!(page.contains("Mức độ 4"), "{what}: a full online process shows level 4");
        }
    }
    assert_eq!(all_docs, 220, "the samples have 220 documents");
}

#[test]
fn importing_twice_changes_nothing() {
    let site = empty_site();
    import(site.path(), false);
    let before = snapshot(site.path());
    let again = import(site.path(), false);
    assert_eq!(counts(&again), [0, 0, 24, 0, 0]);
    assert!(before == snapshot(site.path()), "a second import changed files");
}

#[test]
fn an_edited_record_is_kept_and_force_replaces_it() {
    let site = empty_site();
    let first = import(site.path(), false);
    let rec = first.files.iter().find(|f| f.code.as_deref() == Some("2.001955")).unwrap();
    let path = site.path().join(rec.record.as_ref().unwrap());
    let original = fs::read_to_string(&path).unwrap();
    let edited = original.replace("level = 4", "level = 4\ndigital_signature = true");
    assert_ne!(edited, original);
    fs::write(&path, &edited).unwrap();

    let again = import(site.path(), false);
    assert_eq!(counts(&again), [0, 0, 23, 1, 0]);
    assert_eq!(again.files.iter().find(|f| f.outcome == Outcome::Kept).unwrap().code.as_deref(), Some("2.001955"));
    assert_eq!(fs::read_to_string(&path).unwrap(), edited, "the editor's version must be kept");

    let forced = import(site.path(), true);
    assert_eq!(counts(&forced), [0, 1, 23, 0, 0]);
    assert_eq!(fs::read_to_string(&path).unwrap(), original, "--force writes the portal's version again");
}

#[test]
fn a_hand_written_record_with_the_same_code_is_kept_not_duplicated() {
    let site = empty_site();
    let dir = site.path().join("content/procedures/van-hanh-lao-dong");
    fs::create_dir_all(&dir).unwrap();
    let mine =
        fs::read_to_string(repo().join("content/procedures/van-hanh-lao-dong/dang-ky-noi-quy-lao-dong.toml")).unwrap();
    fs::write(dir.join("noi-quy.toml"), &mine).unwrap();
    let s = import(site.path(), false);
    assert_eq!(counts(&s), [23, 0, 0, 1, 0]);
    assert_eq!(fs::read_to_string(dir.join("noi-quy.toml")).unwrap(), mine);
    let n = walkdir::WalkDir::new(site.path().join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .count();
    assert_eq!(n, 24, "one file per code");
}

#[test]
fn broken_input_is_reported_by_file_and_json_path_and_skipped() {
    let site = empty_site();
    let input = tempfile::tempdir().unwrap();
    for e in fs::read_dir(fixtures()).unwrap().flatten() {
        fs::copy(e.path(), input.path().join(e.file_name())).unwrap();
        let mut perm = fs::metadata(input.path().join(e.file_name())).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perm.set_readonly(false);
        fs::set_permissions(input.path().join(e.file_name()), perm).unwrap();
    }
    // Truncated in the middle of the record.
    let full = fs::read_to_string(fixtures().join("1.013216.json")).unwrap();
    let half = full.char_indices().map(|(i, _)| i).take_while(|&i| i <= full.len() / 2).last().unwrap_or(0);
    fs::write(input.path().join("1.013216.json"), &full[..half]).unwrap();
    // Well-formed JSON of an unexpected shape.
    let odd = fs::read_to_string(fixtures().join("2.001955.json")).unwrap().replacen("\"ONLINE\"", "\"FAX\"", 1);
    fs::write(input.path().join("2.001955.json"), odd).unwrap();

    let out =
        Command::new(BIN).arg("import").arg("dvc").arg(input.path()).arg("--root").arg(site.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let truncated = format!("{}:", input.path().join("1.013216.json").display());
    let line = stderr
        .lines()
        .find(|l| l.starts_with(&truncated))
        .unwrap_or_else(|| panic!("no error for the truncated file:\n{stderr}"));
    assert!(line.contains("truncated") && line.split(':').nth(1).is_some_and(|n| n.parse::<usize>().is_ok()), "{line}");
    let odd_line = stderr
        .lines()
        .find(|l| l.contains("2.001955.json"))
        .unwrap_or_else(|| panic!("no error for the odd file:\n{stderr}"));
    assert!(odd_line.contains("data.executionMethods[0].submissionMethod") && odd_line.contains("FAX"), "{odd_line}");
    assert!(stdout.contains("22 created") && stdout.contains("2 skipped"), "{stdout}");
    let records = walkdir::WalkDir::new(site.path().join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .count();
    assert_eq!(records, 22);
    // The rest build.
    let check = Command::new(BIN).arg("check").arg("--root").arg(site.path()).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
}

#[test]
fn usage_errors_exit_2() {
    let site = empty_site();
    let run = |args: &[&str]| {
        Command::new(BIN).args(["import", "dvc"]).args(args).arg("--root").arg(site.path()).output().unwrap()
    };
    let out = run(&[fixtures().to_str().unwrap(), "--stage", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no stage `nope`"));
    let out = run(&["/nonexistent/x.json"]);
    assert_eq!(out.status.code(), Some(2));
}

fn import_from(root: &Path, input: &Path) -> Summary {
    import_dvc(&ImportOptions {
        root: root.to_path_buf(),
        inputs: vec![input.to_path_buf()],
        stage: None,
        field: None,
        force: false,
    })
    .unwrap()
}

/// `tests/fixtures/dvc-units/1.013233.json` is the real sample with its
/// channel times changed to the portal's MONTH and YEAR units (3 months
/// online, 1.5 months by post, 1 year in person). The record format has no
/// month or year unit, and a month is no fixed number of (working) days, so
/// the time is carried as the portal states it, in words, never as an
/// invented day count.
#[test]
fn month_and_year_times_are_imported_as_text_not_skipped() {
    let site = empty_site();
    let s = import_from(site.path(), &repo().join("tests/fixtures/dvc-units"));
    for f in &s.files {
        assert!(f.problems.is_empty(), "{}: {:?}", f.input.display(), f.problems);
    }
    assert_eq!(counts(&s), [1, 0, 0, 0, 0]);
    let rel = s.files[0].record.clone().unwrap();
    let record: toml::Table = toml::from_str(&fs::read_to_string(site.path().join(&rel)).unwrap()).unwrap();
    let channels = record["channels"].as_array().unwrap();
    let time = |kind: &str| {
        let c = channels.iter().find(|c| c["kind"].as_str() == Some(kind)).unwrap();
        assert!(c.get("time").is_none() && c.get("time_unit").is_none(), "{kind}: no invented number: {c:?}");
        c["time_text"].as_str().unwrap().to_string()
    };
    assert_eq!(time("online"), "3 tháng");
    assert_eq!(time("postal"), "1,5 tháng");
    assert_eq!(time("direct"), "1 năm");
    let built = build(&BuildOptions {
        root: site.path().to_path_buf(),
        out_dir: site.path().join("public"),
        base_url: None,
        check_only: false,
        progress: false,
    })
    .unwrap_or_else(|e| panic!("the imported site must build: {e:?}"));
    assert_eq!(built.procedures, 1);
    let slug = rel.file_stem().unwrap().to_str().unwrap();
    let page =
        page_text(&fs::read_to_string(site.path().join("public/thu-tuc").join(slug).join("index.html")).unwrap());
    for t in ["3 tháng", "1,5 tháng", "1 năm"] {
        assert!(page.contains(t), "{t} missing on the page");
    }
    // Importing again is idempotent.
    assert_eq!(counts(&import_from(site.path(), &repo().join("tests/fixtures/dvc-units"))), [0, 0, 1, 0, 0]);
}

#[test]
fn invalid_utf8_is_a_located_error_and_the_file_is_skipped() {
    let site = empty_site();
    let input = tempfile::tempdir().unwrap();
    let good = fs::read_to_string(fixtures().join("3.000610.json")).unwrap();
    // "Xác nhận" saved as Latin-1 by some tool: the `á` is the single byte 0xE1.
    let at = good.find("Xác nhận").unwrap();
    let before = &good[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() + 2;
    let mut bytes = good.as_bytes().to_vec();
    let a = at + 1; // the `á` (2 bytes in UTF-8) after the X
    bytes.splice(a..a + "á".len(), [0xE1]);
    let file = input.path().join("3.000610.json");
    fs::write(&file, &bytes).unwrap();
    fs::copy(fixtures().join("2.001955.json"), input.path().join("2.001955.json")).unwrap();

    let s = import_from(site.path(), input.path());
    assert_eq!(counts(&s), [1, 0, 0, 0, 1], "{s:?}");
    let bad = s.files.iter().find(|f| f.input == file).unwrap();
    assert_eq!(bad.outcome, Outcome::Skipped);
    let d = &bad.problems[0];
    assert_eq!((d.line, d.col), (line, col), "{d:?}");
    assert_eq!(d.file.as_deref(), Some(file.as_path()));
    assert!(d.message.contains("UTF-8") && d.message.contains("0xE1"), "{d:?}");
    assert!(d.hint.is_some(), "{d:?}");
    let records = walkdir::WalkDir::new(site.path().join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .count();
    assert_eq!(records, 1, "only the good file is imported");

    // The command line names the file, line and column, and exits 1.
    let out = Command::new(BIN).arg("import").arg("dvc").arg(&file).arg("--root").arg(site.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("{}:{line}:{col}:", file.display())), "{stderr}");
}
