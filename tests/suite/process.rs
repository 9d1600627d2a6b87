//! Internal processes (`[[internal_process]]` in records, `[[units]]` in
//! site.toml): every check, through the real binary's `check --format json`,
//! on a copy of `tests/fixtures/valid-min` whose construction permit record
//! (20 working days on both channels) gets a process appended.

use std::fs;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_onestop");
const XD: &str = "content/procedures/xay-dung/cap-giay-phep-xay-dung.toml";

const UNITS: &str = r#"
[[units]]
key = "mot-cua"
name = "Bộ phận Một cửa"
name_en = "One-stop desk"
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

/// 4 h + 18 working days + 8 h + 4 h = 160 h = 20 working days.
const GOOD: &str = r#"
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

/// A copy of valid-min with the units, and `process` appended to the record
/// after `record_edit` (find, replace) is applied to it.
fn site(process: &str, record_edit: Option<(&str, &str)>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid-min"), dir.path());
    let site = dir.path().join("site.toml");
    let text = fs::read_to_string(&site).unwrap();
    fs::write(&site, format!("{text}{UNITS}")).unwrap();
    let rec = dir.path().join(XD);
    let mut text = fs::read_to_string(&rec).unwrap();
    if let Some((find, with)) = record_edit {
        assert_eq!(text.matches(find).count(), 1, "`{find}` must occur once in {XD}");
        text = text.replacen(find, with, 1);
    }
    fs::write(&rec, format!("{text}{process}")).unwrap();
    dir
}

/// (exit code, errors, warnings) of `check --format json`.
fn check(root: &Path) -> (Option<i32>, Vec<serde_json::Value>, Vec<serde_json::Value>) {
    let o = Command::new(BIN).args(["check", "--root"]).arg(root).args(["--format", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)));
    let list = |k: &str| v[k].as_array().cloned().unwrap_or_default();
    (o.status.code(), list("errors"), list("warnings"))
}

/// The line (1-based) of the `n`-th occurrence of `needle` in the record.
fn line_of(root: &Path, needle: &str, n: usize) -> u64 {
    let text = fs::read_to_string(root.join(XD)).unwrap();
    let (at, _) = text.match_indices(needle).nth(n).unwrap_or_else(|| panic!("`{needle}` #{n} not in {XD}"));
    text[..at].matches('\n').count() as u64 + 1
}

fn one_error(root: &Path) -> serde_json::Value {
    let (code, errors, _) = check(root);
    assert_eq!(code, Some(1), "check must fail: {errors:?}");
    assert_eq!(errors.len(), 1, "exactly one error expected: {errors:#?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn a_process_whose_steps_add_up_to_the_time_checks_clean_with_hours_and_days_mixed() {
    let dir = site(GOOD, None);
    let (code, errors, warnings) = check(dir.path());
    assert_eq!(code, Some(0), "{errors:#?}");
    assert!(warnings.iter().all(|w| w["code"] != "process-unchecked"), "{warnings:#?}");
}

#[test]
fn a_sum_that_differs_from_the_legal_time_is_located_and_says_by_how_much() {
    // 18 → 17 working days: the steps add up to 19 working days.
    let dir = site(&GOOD.replacen("time = 18\n", "time = 17\n", 1), None);
    let e = one_error(dir.path());
    assert_eq!(e["code"], "process-time");
    assert_eq!(e["file"], XD);
    assert_eq!(e["field"], "internal_process[0].steps");
    assert_eq!(e["line"], line_of(dir.path(), "[[internal_process.steps]]", 0));
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.contains("19 working days") && msg.contains("20 working days") && msg.contains("1 working day (8 h) less"),
        "{msg}"
    );
    assert!(msg.contains("less"), "{msg}");
    assert!(e["hint"].as_str().unwrap().contains("8 to a working day"));
}

#[test]
fn hours_convert_at_eight_a_working_day() {
    // The 18 days written as 144 hours is the same process.
    let dir =
        site(&GOOD.replacen("time = 18\ntime_unit = \"working-days\"", "time = 144\ntime_unit = \"hours\"", 1), None);
    let (code, errors, _) = check(dir.path());
    assert_eq!(code, Some(0), "{errors:#?}");
    // One hour more is 20 working days 1 hour.
    let dir =
        site(&GOOD.replacen("time = 18\ntime_unit = \"working-days\"", "time = 145\ntime_unit = \"hours\"", 1), None);
    let e = one_error(dir.path());
    assert!(e["message"].as_str().unwrap().contains("20 working days 1 hour (161 h)"), "{e}");
}

#[test]
fn an_unknown_unit_is_named_with_a_did_you_mean() {
    let dir = site(&GOOD.replacen("unit = \"phong-xay-dung\"", "unit = \"phong-xay-dng\"", 1), None);
    let e = one_error(dir.path());
    assert_eq!(e["code"], "unknown-ref");
    assert_eq!(e["field"], "internal_process[0].steps[1].unit");
    assert_eq!(e["line"], line_of(dir.path(), "unit = \"phong-xay-dng\"", 0));
    assert!(e["hint"].as_str().unwrap().contains("phong-xay-dung"), "{e}");
}

#[test]
fn steps_out_of_order_a_zero_time_and_a_missing_unit_are_all_reported_at_once() {
    let bad = GOOD
        .replacen("step = 2\n", "step = 3\n", 1)
        .replacen("time = 4\ntime_unit = \"hours\"\noutput", "time = 0\ntime_unit = \"hours\"\noutput", 1)
        .replacen("unit = \"mot-cua\"\n", "", 1);
    let dir = site(&bad, None);
    let (code, errors, _) = check(dir.path());
    assert_eq!(code, Some(1));
    let codes: Vec<&str> = errors.iter().filter_map(|e| e["code"].as_str()).collect();
    for want in ["step-order", "bad-value", "missing-key"] {
        assert!(codes.contains(&want), "{want} missing: {errors:#?}");
    }
    let order = errors.iter().find(|e| e["code"] == "step-order").unwrap();
    assert_eq!(order["field"], "internal_process[0].steps[1].step");
    assert!(order["hint"].as_str().unwrap().contains("step 2"));
}

#[test]
fn channels_with_different_times_need_the_process_to_name_its_channel() {
    // The online channel becomes 15 working days.
    let edit = Some(("kind = \"online\"\ntime = 20", "kind = \"online\"\ntime = 15"));
    let e = one_error(site(GOOD, edit).path());
    assert_eq!(e["code"], "ambiguous-time");
    let named = GOOD.replacen("[[internal_process]]\n", "[[internal_process]]\nchannel = \"direct\"\n", 1);
    let dir = site(&named, edit);
    let (code, errors, _) = check(dir.path());
    assert_eq!(code, Some(0), "{errors:#?}");
    // A channel the record does not have.
    let postal = GOOD.replacen("[[internal_process]]\n", "[[internal_process]]\nchannel = \"postal\"\n", 1);
    let e = one_error(site(&postal, None).path());
    assert_eq!(e["field"], "internal_process[0].channel");
}

#[test]
fn a_record_without_a_time_in_working_days_or_hours_gets_a_warning_not_an_error() {
    let edit = Some((
        "kind = \"direct\"\ntime = 20\ntime_unit = \"working-days\"",
        "kind = \"direct\"\ntime_text = \"Theo quy định\"",
    ));
    let process = GOOD.replacen("[[internal_process]]\n", "[[internal_process]]\nchannel = \"direct\"\n", 1);
    let dir = site(&process, edit);
    let (code, errors, warnings) = check(dir.path());
    assert_eq!(code, Some(0), "{errors:#?}");
    let w = warnings.iter().find(|w| w["code"] == "process-unchecked").expect("a warning");
    assert_eq!(w["file"], XD);
    assert_eq!(w["line"], line_of(dir.path(), "[[internal_process]]", 0));
}

#[test]
fn a_unit_key_given_twice_in_site_toml_is_an_error() {
    let dir = site(GOOD, None);
    let path = dir.path().join("site.toml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen("key = \"lanh-dao\"", "key = \"mot-cua\"", 1)).unwrap();
    let (code, errors, _) = check(dir.path());
    assert_eq!(code, Some(1));
    assert!(errors.iter().any(|e| e["file"] == "site.toml" && e["field"] == "units[2].key"), "{errors:#?}");
}
