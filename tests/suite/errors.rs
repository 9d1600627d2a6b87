//! Error reporting, end to end, through the real `onestop` binary.
//!
//! `tests/fixtures/valid-min/` is a minimal valid site. Every error case below
//! copies it into a temporary folder, introduces exactly one problem (a few
//! edits of its files; the case table reads as the fixture's diff) and runs
//!
//! * `onestop check --root <dir>` (text and `--format json`), and
//! * `onestop build --root <dir> --out <dir>/public` with `public/` already
//!   holding a sentinel site,
//!
//! then asserts exit code 1, every expected diagnostic as
//! `file:line:col: field: message [code]` + `  hint: …` (and the same in the
//! JSON), no unexpected extra diagnostic, diagnostics sorted by file and line,
//! and `public/` byte-for-byte untouched with no staging folder left beside it.
//!
//! Line numbers refer to the fixture files as they are after the edits; the
//! fixture files say so in their first line.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_onestop");

// The fixture's files.
const SITE: &str = "site.toml";
/// `1.009645`, referenced by CAP's `after`.
const CHAP: &str = "content/procedures/dau-tu/chap-thuan-chu-truong-dau-tu.toml";
/// `1.009664`, `after = ["1.009645"]`, referenced by XD's `related`.
const CAP: &str = "content/procedures/dau-tu/cap-giay-chung-nhan-dang-ky-dau-tu.toml";
/// `1.009794`, referenced by nobody: the rich record most cases edit.
const XD: &str = "content/procedures/xay-dung/cap-giay-phep-xay-dung.toml";
const PAGE: &str = "content/pages/gioi-thieu.md";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid-min")
}

// ---------------------------------------------------------------------------
// Edits that turn a copy of valid-min into a broken site.

enum Edit {
    /// Replaces the one occurrence of `find` (it must occur exactly once).
    Replace(&'static str, &'static str, &'static str),
    /// Like `Replace`, with raw bytes (for non-UTF-8 input).
    ReplaceBytes(&'static str, &'static str, &'static [u8]),
    /// Appends text to a file.
    Append(&'static str, &'static str),
    /// Creates or overwrites a file.
    Write(&'static str, &'static str),
    /// Renames a file.
    Rename(&'static str, &'static str),
    /// Rewrites the one occurrence of `find` in Unicode NFD (decomposed
    /// diacritics, as text pasted from some macOS and Word sources is).
    Nfd(&'static str, &'static str),
    /// Converts the file's line endings to CRLF (as Windows editors save).
    Crlf(&'static str),
}
use Edit::*;

fn apply(root: &Path, edit: &Edit) {
    let replace = |file: &str, find: &str, with: &[u8]| {
        let path = root.join(file);
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let n = text.matches(find).count();
        assert_eq!(n, 1, "fixture edit: `{find}` occurs {n} times in {file}, expected once");
        let at = text.find(find).unwrap();
        let mut bytes = text.as_bytes()[..at].to_vec();
        bytes.extend_from_slice(with);
        bytes.extend_from_slice(&text.as_bytes()[at + find.len()..]);
        fs::write(&path, bytes).unwrap();
    };
    match *edit {
        Replace(file, find, with) => replace(file, find, with.as_bytes()),
        ReplaceBytes(file, find, with) => replace(file, find, with),
        Append(file, text) => {
            let mut s = fs::read_to_string(root.join(file)).unwrap();
            s.push_str(text);
            fs::write(root.join(file), s).unwrap();
        }
        Write(file, text) => {
            let p = root.join(file);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        Rename(from, to) => fs::rename(root.join(from), root.join(to)).unwrap(),
        Nfd(file, find) => {
            use unicode_normalization::UnicodeNormalization;
            let nfd: String = find.nfd().collect();
            assert_ne!(nfd, find, "fixture edit: `{find}` has no composed characters");
            replace(file, find, nfd.as_bytes())
        }
        Crlf(file) => {
            let text = fs::read_to_string(root.join(file)).unwrap();
            fs::write(root.join(file), text.replace('\n', "\r\n")).unwrap();
        }
    }
}

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

/// A temporary copy of valid-min with `edits` applied.
fn site_with(edits: &[Edit]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), dir.path());
    for e in edits {
        apply(dir.path(), e);
    }
    dir
}

// ---------------------------------------------------------------------------
// Expected diagnostics.

#[derive(Clone, Debug)]
struct Expect {
    /// Relative to the site root; "" when the diagnostic has no file.
    file: &'static str,
    /// 0: a whole-file diagnostic, printed `file: …` without line and column.
    line: usize,
    /// 0: not checked.
    col: usize,
    field: &'static str,
    code: &'static str,
    /// A substring of the hint; None: the hint is not checked.
    hint: Option<&'static str>,
    /// A substring of the message.
    msg: Option<&'static str>,
}

fn err(file: &'static str, line: usize, field: &'static str, code: &'static str) -> Expect {
    Expect { file, line, col: 0, field, code, hint: None, msg: None }
}

impl Expect {
    fn hint(mut self, h: &'static str) -> Self {
        self.hint = Some(h);
        self
    }
    fn msg(mut self, m: &'static str) -> Self {
        self.msg = Some(m);
        self
    }
    fn col(mut self, c: usize) -> Self {
        self.col = c;
        self
    }

    /// Whether the header line (and the line after it) of a text diagnostic match.
    fn matches_text(&self, header: &str, next: Option<&str>) -> bool {
        let rest = if self.file.is_empty() {
            Some(header)
        } else if self.line == 0 {
            header.strip_prefix(&format!("{}: ", self.file))
        } else {
            header.strip_prefix(&format!("{}:{}:", self.file, self.line)).and_then(|r| {
                let (col, r) = r.split_once(": ")?;
                let ok = col.parse::<usize>().is_ok_and(|c| c > 0 && (self.col == 0 || c == self.col));
                ok.then_some(r)
            })
        };
        let Some(rest) = rest else { return false };
        (self.field.is_empty() || rest.starts_with(&format!("{}: ", self.field)))
            && rest.ends_with(&format!(" [{}]", self.code))
            && self.msg.is_none_or(|m| rest.contains(m))
            && self.hint.is_none_or(|h| next.is_some_and(|n| n.starts_with("  hint: ") && n.contains(h)))
    }

    fn matches_json(&self, d: &serde_json::Value) -> bool {
        let file_ok = if self.file.is_empty() { true } else { d["file"].as_str() == Some(self.file) };
        file_ok
            && d["line"].as_u64() == Some(self.line as u64)
            && (self.col == 0 || d["col"].as_u64() == Some(self.col as u64))
            && d["field"].as_str() == Some(self.field)
            && d["code"].as_str() == Some(self.code)
            && self.msg.is_none_or(|m| d["message"].as_str().is_some_and(|s| s.contains(m)))
            && self.hint.is_none_or(|h| d["hint"].as_str().is_some_and(|s| s.contains(h)))
    }
}

// ---------------------------------------------------------------------------
// Running the binary.

fn onestop(args: &[&str]) -> Output {
    Command::new(BIN).args(args).env("NO_COLOR", "1").output().expect("run onestop")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every file under `dir` with its bytes, and every folder (as `path/`).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(rd) = fs::read_dir(dir) else { return };
        for e in rd {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
            if e.file_type().unwrap().is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(base, &e.path(), out);
            } else {
                out.insert(rel, fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Names directly inside `dir`, sorted.
/// The site folder's entries, except the product cache: print products that
/// typeset fine are kept for the next build even when this one fails later.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != onestop::cache::DIR)
        .collect();
    v.sort();
    v
}

/// Puts an old site with a sentinel into `<root>/public`.
fn populate_public(root: &Path) -> PathBuf {
    let public = root.join("public");
    fs::create_dir_all(public.join("thu-tuc/cu")).unwrap();
    fs::write(public.join("SENTINEL"), b"old site, must survive a failed build\n").unwrap();
    fs::write(public.join("thu-tuc/cu/index.html"), b"<!doctype html><title>old</title>\n").unwrap();
    public
}

/// The text diagnostics of stderr: header lines with the line after each.
fn text_diagnostics(err: &str) -> Vec<(String, Option<String>)> {
    let lines: Vec<&str> = err.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if !l.is_empty() && !l.starts_with(' ') && l.ends_with(']') && l.contains(" [") {
            out.push((l.to_string(), lines.get(i + 1).map(|s| s.to_string())));
        }
    }
    out
}

/// The `N error(s); nothing was written.` count.
fn summary_count(err: &str) -> Option<usize> {
    err.lines().find(|l| l.ends_with("; nothing was written.")).and_then(|l| l.split(' ').next()?.parse().ok())
}

/// Checks one run's text output against `expect`; returns the problems.
fn check_text(what: &str, err: &str, expect: &[Expect]) -> Vec<String> {
    let mut problems = Vec::new();
    let diags = text_diagnostics(err);
    for e in expect {
        if !diags.iter().any(|(h, n)| e.matches_text(h, n.as_deref())) {
            problems.push(format!("{what}: missing diagnostic {e:?}"));
        }
    }
    if diags.len() != expect.len() {
        problems.push(format!("{what}: {} diagnostics printed, expected {}", diags.len(), expect.len()));
    }
    if summary_count(err) != Some(expect.len()) {
        problems.push(format!("{what}: summary line says {:?} errors, expected {}", summary_count(err), expect.len()));
    }
    problems
}

/// Checks `check --format json`: the expected diagnostics, no others, sorted.
fn check_json(out: &str, expect: &[Expect]) -> Vec<String> {
    let mut problems = Vec::new();
    let v: serde_json::Value = match serde_json::from_str(out) {
        Ok(v) => v,
        Err(e) => return vec![format!("check --format json: stdout is not JSON ({e}): {out}")],
    };
    let Some(errors) = v["errors"].as_array() else { return vec![format!("check --format json: no errors[]: {out}")] };
    for e in expect {
        if !errors.iter().any(|d| e.matches_json(d)) {
            problems.push(format!("check --format json: missing diagnostic {e:?}"));
        }
    }
    if errors.len() != expect.len() {
        problems.push(format!("check --format json: {} errors, expected {}", errors.len(), expect.len()));
    }
    let keys: Vec<(Option<String>, u64, u64)> = errors
        .iter()
        .map(|d| {
            (d["file"].as_str().map(String::from), d["line"].as_u64().unwrap_or(0), d["col"].as_u64().unwrap_or(0))
        })
        .collect();
    if !keys.is_sorted() {
        problems.push(format!("check --format json: errors are not sorted by file, line, column: {keys:?}"));
    }
    problems
}

/// Runs check (text, json) and build on a broken copy of valid-min.
fn run_case(name: &str, edits: &[Edit], expect: &[Expect]) {
    let dir = site_with(edits);
    let root = dir.path();
    let mut problems = Vec::new();
    let mut outputs = String::new();

    let o = onestop(&["check", "--root", s(root)]);
    outputs += &format!("--- check stderr:\n{}", stderr(&o));
    if o.status.code() != Some(1) {
        problems.push(format!("check: exit code {:?}, expected 1", o.status.code()));
    }
    problems.extend(check_text("check", &stderr(&o), expect));

    let o = onestop(&["check", "--root", s(root), "--format", "json"]);
    outputs += &format!("--- check --format json stdout:\n{}\n", stdout(&o));
    if o.status.code() != Some(1) {
        problems.push(format!("check --format json: exit code {:?}, expected 1", o.status.code()));
    }
    problems.extend(check_json(&stdout(&o), expect));

    let public = populate_public(root);
    let before = snapshot(&public);
    let around = listing(root);
    let o = onestop(&["build", "--root", s(root), "--out", s(&public)]);
    outputs += &format!("--- build stderr:\n{}", stderr(&o));
    if o.status.code() != Some(1) {
        problems.push(format!("build: exit code {:?}, expected 1", o.status.code()));
    }
    problems.extend(check_text("build", &stderr(&o), expect));
    let after = snapshot(&public);
    if after != before {
        let added: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
        let gone: Vec<_> = before.keys().filter(|k| !after.contains_key(*k)).collect();
        problems.push(format!("build: public/ was changed by a failed build (added {added:?}, removed {gone:?})"));
    }
    if listing(root) != around {
        problems.push(format!(
            "build: the site folder changed: before {around:?}, after {:?} (staging left behind?)",
            listing(root)
        ));
    }

    assert!(problems.is_empty(), "case `{name}`:\n  {}\n{outputs}", problems.join("\n  "));
}

macro_rules! error_cases {
    ($($name:ident: [$($edit:expr),* $(,)?] => [$($exp:expr),* $(,)?];)*) => {
        $(
            #[test]
            fn $name() {
                run_case(stringify!($name), &[$($edit),*], &[$($exp),*]);
            }
        )*
    };
}

// ---------------------------------------------------------------------------
// The cases: edits of valid-min => the diagnostics they must produce, no more.

const CUSTOM_LEVELS_1_TO_3: &str = "
[[levels]]
key = \"thap\"
label = \"Thấp\"
colour = \"#CCCCCC\"
covers = [1, 2]

[[levels]]
key = \"cao\"
label = \"Cao\"
colour = \"#00224E\"
covers = [3]
";

const CUSTOM_LEVELS_BAD_COLOUR: &str = "
[[levels]]
key = \"thap\"
label = \"Thấp\"
colour = \"blue\"
covers = [1, 2]

[[levels]]
key = \"cao\"
label = \"Cao\"
colour = \"#00224E\"
covers = [3, 4]
";

error_cases! {
    // --- schema: keys and types -------------------------------------------
    unknown_key_with_did_you_mean: [Replace(XD, "title = \"Cấp", "titel = \"Cấp")] => [
        err(XD, 3, "titel", "unknown-key").col(1).hint("did you mean `title`?"),
        err(XD, 1, "title", "missing-key").hint("add `title = …`"),
    ];
    missing_required_key: [Replace(XD, "field = \"xay-dung\"\n", "")] => [
        err(XD, 1, "field", "missing-key").msg("required key `field` is missing").hint("add `field = …`"),
    ];
    missing_required_key_in_table: [Replace(XD, "kind = \"direct\"\n", "")] => [
        err(XD, 14, "channels[0].kind", "missing-key").hint("add `kind = …`"),
    ];
    wrong_type_level_string: [Replace(XD, "level = 2", "level = \"3\"")] => [
        err(XD, 6, "level", "wrong-type").col(9).msg("expected integer, found string").hint("Decree 43/2011"),
    ];
    bad_enum_value_with_did_you_mean: [Replace(XD, "kind = \"online\"", "kind = \"onlin\"")] => [
        err(XD, 20, "channels[1].kind", "bad-value").msg("`onlin`").hint("did you mean \"online\"?"),
    ];
    toml_syntax_error: [Replace(XD, "title = \"Cấp giấy phép xây dựng\"", "title = \"Cấp giấy phép xây dựng")] => [
        err(XD, 3, "", "toml-syntax").hint("quotes"),
    ];
    todo_left_in_a_field: [Replace(XD, "title = \"Cấp giấy phép xây dựng\"", "title = \"TODO: tên thủ tục\"")] => [
        err(XD, 3, "title", "todo").hint("fill it in"),
    ];
    unknown_key_in_page_front_matter: [Replace(PAGE, "title = \"Giới thiệu\"", "titel = \"Giới thiệu\"")] => [
        err(PAGE, 2, "titel", "unknown-key").col(1).hint("did you mean `title`?"),
        err(PAGE, 2, "title", "missing-key"),
    ];

    // --- record values -----------------------------------------------------
    bad_code_format: [Replace(XD, "code = \"1.009794\"", "code = \"1009794\"")] => [
        err(XD, 2, "code", "bad-code").msg("`1009794`").hint("1.009664"),
    ];
    level_5: [Replace(XD, "level = 2", "level = 5")] => [
        err(XD, 6, "level", "bad-level").msg("level 5").hint("1–4"),
    ];
    bad_online_url: [Replace(XD, "online_url = \"https://dichvucong.gov.vn/\"", "online_url = \"dichvucong.gov.vn\"")] => [
        err(XD, 7, "online_url", "bad-url").hint("https://"),
    ];
    javascript_link_in_summary: [Replace(XD, "](/thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/)", "](javascript:alert(1))")] => [
        // The link is on the summary's third line (line 11), at column 12.
        err(XD, 11, "summary", "bad-link").col(12).msg("javascript:alert(1)").hint("https://"),
    ];
    // The Markdown offset must be mapped back to the source exactly, also when
    // the TOML string's value differs from its source text:
    javascript_link_after_decomposed_text: [
        Nfd(XD, "Cấp giấy phép xây dựng mới cho công trình trong khu công nghiệp,"),
        Replace(XD, "](/thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/)", "](javascript:alert(1))"),
    ] => [
        err(XD, 11, "summary", "bad-link").col(12).msg("javascript:alert(1)"),
    ];
    javascript_link_after_escapes_and_line_continuation: [
        Replace(XD, "Cấp giấy phép xây dựng mới cho công trình trong khu công nghiệp,",
            "Cấp \\\"giấy phép\\\" \\u0078ây dựng mới cho công trình trong \\\n    khu công nghiệp,"),
        Replace(XD, "](/thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/)", "](javascript:alert(1))"),
    ] => [
        err(XD, 12, "summary", "bad-link").col(12).msg("javascript:alert(1)"),
    ];
    javascript_link_in_crlf_file: [
        Replace(XD, "sau khi có [Giấy", "[Giấy"),
        Replace(XD, "](/thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/)", "](javascript:alert(1))"),
        Crlf(XD),
    ] => [
        err(XD, 11, "summary", "bad-link").col(1).msg("javascript:alert(1)"),
    ];
    page_front_matter_syntax_error: [Replace(PAGE, "title = \"Giới thiệu\"", "title = \"Giới thiệu")] => [
        err(PAGE, 2, "", "toml-syntax"),
    ];
    negative_copies: [Replace(XD, "copies = 0", "copies = -1")] => [
        err(XD, 27, "documents[0].copies", "bad-value").msg("negative"),
    ];
    received_online_more_than_received: [Replace(XD, "received_online = 12", "received_online = 50")] => [
        // Points at the offending value, like every other bad-value.
        err(XD, 32, "statistics[0].received_online", "bad-value").msg("received_online (50) is more than received (40)"),
    ];
    time_without_unit: [Replace(XD, "time = 20\ntime_unit = \"working-days\"\n\n[[channels]]", "time = 20\n\n[[channels]]")] => [
        err(XD, 16, "channels[0].time_unit", "missing-key").hint("time_unit"),
    ];
    negative_received: [Replace(XD, "received = 40", "received = -40")] => [
        err(XD, 31, "statistics[0].received", "bad-value").msg("received cannot be negative"),
    ];
    statistics_year_out_of_range: [Replace(XD, "year = 2024", "year = 1999")] => [
        err(XD, 30, "statistics[0].year", "bad-value").msg("year 1999 is out of range 2000–2100"),
    ];
    resolved_on_time_more_than_received: [Append(XD, "resolved_on_time = 41\n")] => [
        err(XD, 33, "statistics[0].resolved_on_time", "bad-value").msg("resolved_on_time (41) is more than received (40)"),
    ];
    statistics_year_after_edition: [Replace(SITE, "level_scheme = \"2011\"", "level_scheme = \"2011\"\nedition = 2023-12-31")] => [
        err(XD, 30, "statistics[0].year", "bad-value").msg("year 2024 is after the site's edition (2023-12-31)").hint("edition"),
    ];
    duplicate_year: [Append(XD, "\n[[statistics]]\nyear = 2024\nreceived = 10\n")] => [
        err(XD, 35, "statistics[1].year", "dup-year").msg("2024"),
    ];
    duplicate_channel: [Replace(XD, "kind = \"online\"", "kind = \"direct\"")] => [
        err(XD, 19, "channels[1].kind", "dup-channel").msg("`direct`"),
    ];
    self_reference: [Replace(XD, "related = [\"1.009664\"]", "related = [\"1.009794\"]")] => [
        err(XD, 8, "related[0]", "self-reference"),
    ];

    // An unknown key does not hide the value problems of the same file.
    unknown_key_and_value_errors_in_one_run: [
        Replace(XD, "level = 2", "level = 5"),
        Replace(XD, "stage = \"xay-dung\"", "stage = \"xay-dun\""),
        Replace(XD, "online_url = ", "online_ur = "),
    ] => [
        err(XD, 4, "stage", "unknown-ref").hint("did you mean \"xay-dung\"?"),
        err(XD, 6, "level", "bad-level"),
        err(XD, 7, "online_ur", "unknown-key").hint("did you mean `online_url`?"),
    ];

    // --- references between records ---------------------------------------
    unknown_stage_with_did_you_mean: [Replace(XD, "stage = \"xay-dung\"", "stage = \"xay-dun\"")] => [
        err(XD, 4, "stage", "unknown-ref").msg("`xay-dun`").hint("did you mean \"xay-dung\"?"),
    ];
    duplicate_code_across_files: [Replace(XD, "code = \"1.009794\"", "code = \"1.009645\"")] => [
        err(XD, 2, "code", "dup-code").msg(CHAP).hint(".01"),
    ];
    duplicate_slug_across_folders: [Write("content/procedures/dau-tu/cap-giay-phep-xay-dung.toml",
        "code = \"1.009795\"\ntitle = \"Bản sao\"\nstage = \"dau-tu\"\nfield = \"dau-tu\"\nlevel = 2\nsummary = \"Bản sao.\"\n")] => [
        err(XD, 0, "", "dup-slug").msg("content/procedures/dau-tu/cap-giay-phep-xay-dung.toml"),
    ];
    dangling_after_code: [Replace(CAP, "after = [\"1.009645\"]", "after = [\"1.009654\"]")] => [
        err(CAP, 7, "after[0]", "dangling-ref").col(10).msg("1.009654").hint("did you mean \"1.009645\""),
    ];
    after_cycle_between_two_records: [Replace(CHAP, "level = 3\n", "level = 3\nafter = [\"1.009664\"]\n")] => [
        err(CAP, 7, "after", "after-cycle").msg("1.009645, 1.009664").hint("remove one `after` entry"),
        err(CHAP, 7, "after", "after-cycle").msg("1.009645, 1.009664").hint("remove one `after` entry"),
    ];
    // A record with an error is left out of the site; records that refer to
    // its code must not get a second, misleading "no procedure has code" error.
    no_cascade_from_a_broken_record: [Replace(CHAP, "level = 3", "level = 5")] => [
        err(CHAP, 6, "level", "bad-level"),
    ];

    // --- files and pages ----------------------------------------------------
    bad_slug_file_name: [Rename(XD, "content/procedures/xay-dung/Upper_Case.toml")] => [
        err("content/procedures/xay-dung/Upper_Case.toml", 0, "", "bad-slug").hint("upper-case"),
    ];
    page_without_front_matter: [Write(PAGE, "Trang này không có front matter.\n")] => [
        err(PAGE, 1, "", "no-front-matter").hint("+++"),
    ];
    page_with_reserved_name: [Rename(PAGE, "content/pages/thu-tuc.md")] => [
        err("content/pages/thu-tuc.md", 0, "", "reserved-slug").msg("thu-tuc").hint("rename"),
    ];
    javascript_link_in_page_body: [Replace(PAGE, "(/hanh-trinh/)", "(javascript:void(0))")] => [
        err(PAGE, 9, "body", "bad-link").col(38).msg("javascript:void(0)"),
    ];
    non_utf8_file: [ReplaceBytes(XD, "title = \"Cấp giấy phép", b"title = \"C\xe1p gi\xe2y ph\xe9p")] => [
        err(XD, 3, "", "not-utf8").hint("UTF-8"),
    ];
    broken_internal_link_in_page: [Replace(PAGE, "(/hanh-trinh/)", "(/khong-co-trang-nay/)")] => [
        err(PAGE, 0, "", "broken-link").msg("/khong-co-trang-nay/"),
    ];

    // --- site.toml ---------------------------------------------------------
    duplicate_stage_key: [Replace(SITE, "key = \"xay-dung\"\ntitle = \"Xây dựng\"", "key = \"dau-tu\"\ntitle = \"Xây dựng\"")] => [
        err(SITE, 15, "stages[1].key", "dup-key").msg("`dau-tu`"),
    ];
    bad_base_url: [Replace(SITE, "base_url = \"https://thutuc.example.gov.vn/\"", "base_url = \"thutuc.example.gov.vn\"")] => [
        err(SITE, 4, "base_url", "bad-url").hint("https://"),
    ];
    custom_level_scheme_missing_a_level: [
        Replace(SITE, "level_scheme = \"2011\"", "level_scheme = \"custom\""),
        Append(SITE, CUSTOM_LEVELS_1_TO_3),
    ] => [
        // Located at the [[levels]] entries (line 26), not just the file.
        err(SITE, 26, "levels", "bad-value").msg("covers level 4").hint("covers"),
    ];
    custom_level_bad_colour: [
        Replace(SITE, "level_scheme = \"2011\"", "level_scheme = \"custom\""),
        Append(SITE, CUSTOM_LEVELS_BAD_COLOUR),
    ] => [
        err(SITE, 29, "levels[0].colour", "bad-colour").msg("`blue`").hint("#"),
    ];
    levels_without_custom_scheme: [Append(SITE, CUSTOM_LEVELS_1_TO_3)] => [
        err(SITE, 26, "levels", "unused-levels").hint("custom"),
    ];

    // --- several at once: 3 problems in 2 files, listed sorted by file and line.
    several_errors_at_once: [
        Replace(XD, "online_url = \"https://dichvucong.gov.vn/\"", "online_url = \"ftp://dichvucong.gov.vn/\""),
        Replace(XD, "level = 2", "level = 5"),
        Replace(PAGE, "weight = 10", "weight = \"mười\""),
    ] => [
        err(PAGE, 4, "weight", "wrong-type"),
        err(XD, 6, "level", "bad-level"),
        err(XD, 7, "online_url", "bad-url"),
    ];
}

/// The three errors of `several_errors_at_once` come in file, then line order.
#[test]
fn several_errors_are_sorted_by_file_and_line() {
    let dir = site_with(&[
        Replace(XD, "online_url = \"https://dichvucong.gov.vn/\"", "online_url = \"ftp://dichvucong.gov.vn/\""),
        Replace(XD, "level = 2", "level = 5"),
        Replace(PAGE, "weight = 10", "weight = \"mười\""),
    ]);
    let o = onestop(&["check", "--root", s(dir.path())]);
    let err = stderr(&o);
    let headers: Vec<String> = text_diagnostics(&err).into_iter().map(|(h, _)| h).collect();
    let want = [format!("{PAGE}:4:"), format!("{XD}:6:"), format!("{XD}:7:")];
    assert_eq!(headers.len(), 3, "{err}");
    for (h, w) in headers.iter().zip(&want) {
        assert!(h.starts_with(w.as_str()), "expected order {want:?}, got:\n{err}");
    }
}

// ---------------------------------------------------------------------------
// Clean sites, output formats, usage errors.

#[test]
fn valid_min_checks_and_builds() {
    let dir = site_with(&[]);
    let root = dir.path();
    let o = onestop(&["check", "--root", s(root)]);
    assert_eq!(o.status.code(), Some(0), "check on valid-min:\n{}", stderr(&o));
    let o = onestop(&["check", "--root", s(root), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(0));

    let public = populate_public(root);
    let o = onestop(&["build", "--root", s(root), "--out", s(&public), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "build on valid-min:\n{}", stderr(&o));
    assert!(public.join("index.html").is_file());
    assert!(public.join("thu-tuc/cap-giay-phep-xay-dung/index.html").is_file());
    assert!(!public.join("SENTINEL").exists(), "a successful build replaces the output folder");
    let mut names = listing(root);
    names.retain(|n| n.starts_with("public"));
    assert_eq!(names, ["public"], "staging folders left beside the output");
}

#[test]
fn custom_level_scheme_covering_all_levels_is_valid() {
    let dir = site_with(&[
        Replace(SITE, "level_scheme = \"2011\"", "level_scheme = \"custom\""),
        Append(SITE, CUSTOM_LEVELS_1_TO_3),
        Replace(SITE, "covers = [3]", "covers = [3, 4]"),
    ]);
    let o = onestop(&["check", "--root", s(dir.path())]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Raw HTML in Markdown is not an error: it is escaped (allow_html = false).
#[test]
fn raw_html_in_summary_is_escaped() {
    let dir = site_with(&[Replace(XD, "Hồ sơ nộp trực tiếp", "Hồ sơ <script>alert(1)</script> nộp trực tiếp")]);
    let root = dir.path();
    let o = onestop(&["check", "--root", s(root)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let public = root.join("public");
    let o = onestop(&["build", "--root", s(root), "--out", s(&public), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = fs::read_to_string(public.join("thu-tuc/cap-giay-phep-xay-dung/index.html")).unwrap();
    assert!(page.contains("&lt;script&gt;"), "the procedure page should show the tag as text");
    for (path, bytes) in snapshot(&public) {
        if path.ends_with(".html") {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("<script>alert"), "{path} contains the raw <script> from the summary");
        }
    }
}

/// Escaped raw HTML is text: an `href` inside it is not a link of the page,
/// so it must neither fail the internal link check nor reach the HTML as a tag.
/// (Pages copied from the national database often contain such HTML.)
#[test]
fn raw_html_link_in_summary_is_escaped_not_an_error() {
    let dir = site_with(&[Replace(
        XD,
        "Hồ sơ nộp trực tiếp",
        "Xem <a href=\"/trang-cu/\">trang cũ</a> hoặc <a href=\"javascript:alert(1)\">đây</a>. Hồ sơ nộp trực tiếp",
    )]);
    let root = dir.path();
    let o = onestop(&["check", "--root", s(root)]);
    assert_eq!(o.status.code(), Some(0), "escaped HTML must not be link-checked:\n{}", stderr(&o));
    let public = root.join("public");
    let o = onestop(&["build", "--root", s(root), "--out", s(&public), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = fs::read_to_string(public.join("thu-tuc/cap-giay-phep-xay-dung/index.html")).unwrap();
    assert!(page.contains("&lt;a href="), "the procedure page should show the tag as text");
    for (path, bytes) in snapshot(&public) {
        if path.ends_with(".html") {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("<a href=\"javascript:"), "{path} contains a live javascript: link");
            assert!(!text.contains("<a href=\"/trang-cu/\""), "{path} contains the raw <a> from the summary");
        }
    }
}

#[test]
fn json_format_lists_file_line_field_code() {
    let dir = site_with(&[Replace(XD, "level = 2", "level = 5"), Replace(PAGE, "weight = 10", "weight = \"mười\"")]);
    let o = onestop(&["check", "--root", s(dir.path()), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", stdout(&o)));
    let errors = v["errors"].as_array().expect("errors[]");
    let got: Vec<(&str, u64, &str, &str)> = errors
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or("?"),
                d["line"].as_u64().unwrap_or(0),
                d["field"].as_str().unwrap_or("?"),
                d["code"].as_str().unwrap_or("?"),
            )
        })
        .collect();
    assert_eq!(got, [(PAGE, 4, "weight", "wrong-type"), (XD, 6, "level", "bad-level")]);
    for d in errors {
        assert!(d["col"].as_u64().is_some_and(|c| c > 0), "{d}");
        assert!(d["message"].as_str().is_some_and(|m| !m.is_empty()), "{d}");
    }
}

/// `^::error file=[^,]+,line=\d+,col=\d+,title=[a-z-]+::.+`
fn is_github_annotation(l: &str) -> bool {
    fn digits(s: &str) -> Option<&str> {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        (n > 0).then(|| &s[n..])
    }
    let check = || -> Option<()> {
        let r = l.strip_prefix("::error file=")?;
        let comma = r.find(',')?;
        (comma > 0).then_some(())?;
        let r = digits(r[comma..].strip_prefix(",line=")?)?;
        let r = digits(r.strip_prefix(",col=")?)?;
        let r = r.strip_prefix(",title=")?;
        let n = r.bytes().take_while(|b| b.is_ascii_lowercase() || *b == b'-').count();
        (n > 0).then_some(())?;
        let msg = r[n..].strip_prefix("::")?;
        (!msg.is_empty()).then_some(())
    };
    check().is_some()
}

#[test]
fn github_format_prints_workflow_annotations() {
    assert!(is_github_annotation("::error file=a.toml,line=3,col=1,title=unknown-key::titel: x"));
    assert!(!is_github_annotation("::error file=a.toml,title=unknown-key::x"));
    let dir = site_with(&[
        Replace(XD, "online_url = \"https://dichvucong.gov.vn/\"", "online_url = \"ftp://dichvucong.gov.vn/\""),
        Replace(XD, "title = \"Cấp", "titel = \"Cấp"),
        Replace(PAGE, "weight = 10", "weight = \"mười\""),
    ]);
    let o = onestop(&["check", "--root", s(dir.path()), "--format", "github"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() >= 3, "{out}");
    for l in &lines {
        assert!(is_github_annotation(l), "not a workflow annotation: {l}");
    }
    assert!(
        lines.iter().any(|l| l.starts_with(&format!("::error file={XD},line=3,col=1,title=unknown-key::titel: "))
            && l.contains("did you mean `title`?")),
        "{out}"
    );
    assert!(lines.iter().any(|l| l.starts_with(&format!("::error file={PAGE},line=4,")) && l.contains("title=wrong-type::weight: ")), "{out}");
}

#[test]
fn usage_errors_exit_2() {
    let empty = tempfile::tempdir().unwrap();
    let o = onestop(&["check", "--root", s(empty.path())]);
    assert_eq!(o.status.code(), Some(2), "check without site.toml: {}", stderr(&o));
    assert!(stderr(&o).contains("site.toml"), "{}", stderr(&o));

    let public = populate_public(empty.path());
    let before = snapshot(&public);
    let o = onestop(&["build", "--root", s(empty.path()), "--out", s(&public)]);
    assert_eq!(o.status.code(), Some(2), "build without site.toml: {}", stderr(&o));
    assert_eq!(snapshot(&public), before, "public/ changed");
    assert_eq!(listing(empty.path()), ["public"]);

    let dir = site_with(&[]);
    let o = onestop(&["check", "--root", s(dir.path()), "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2), "unknown --format");
    let o = onestop(&["check", "--root", s(dir.path()), "--no-such-option"]);
    assert_eq!(o.status.code(), Some(2), "unknown option");
    let public = populate_public(dir.path());
    let before = snapshot(&public);
    let o = onestop(&["build", "--root", s(dir.path()), "--out", s(&public), "--base-url", "ftp://x"]);
    assert_eq!(o.status.code(), Some(2), "bad --base-url: {}", stderr(&o));
    assert_eq!(snapshot(&public), before, "public/ changed");

    // Building into the site's own folders would replace its sources.
    let sources = snapshot(dir.path());
    for out in [dir.path().to_path_buf(), dir.path().join("content")] {
        let o = onestop(&["build", "--root", s(dir.path()), "--out", s(&out)]);
        assert_eq!(o.status.code(), Some(2), "build --out {}: {}", out.display(), stderr(&o));
        assert_eq!(snapshot(dir.path()), sources, "build --out {} changed the site", out.display());
    }
}

// ---------------------------------------------------------------------------
// `onestop new`

/// Replaces the skeleton's TODO values the way an editor would.
fn fill_skeleton(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with('#') {
                l.to_string()
            } else if l.starts_with("code = ") {
                "code = \"1.009999\"".to_string()
            } else if l.starts_with("field = ") {
                "field = \"xay-dung\"".to_string()
            } else {
                l.replace("TODO", "Nội dung mẫu")
            }
        })
        .map(|l| l + "\n")
        .collect()
}

#[test]
fn new_writes_a_skeleton_that_check_refuses_until_filled() {
    let dir = site_with(&[]);
    let root = dir.path();
    let rel = "content/procedures/xay-dung/my-proc.toml";
    let o = onestop(&["new", "my-proc", "--stage", "xay-dung", "--root", s(root)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let path = root.join(rel);
    let skeleton = fs::read_to_string(&path).expect("new wrote the record");

    let o = onestop(&["check", "--root", s(root)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "check must refuse the skeleton:\n{err}");
    let diags = text_diagnostics(&err);
    assert!(!diags.is_empty(), "{err}");
    for (h, _) in &diags {
        assert!(
            h.starts_with(&format!("{rel}:")) && h.ends_with(" [todo]"),
            "only TODOs of the new file expected, got: {h}\n{err}"
        );
    }
    for field in ["code", "title", "field", "summary"] {
        assert!(diags.iter().any(|(h, _)| h.contains(&format!(": {field}: "))), "no todo for {field}:\n{err}");
    }

    fs::write(&path, fill_skeleton(&skeleton)).unwrap();
    let o = onestop(&["check", "--root", s(root)]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "filled skeleton must pass:\n{}\n{}",
        stderr(&o),
        fs::read_to_string(&path).unwrap()
    );

    // An existing file is never overwritten.
    let filled = fs::read(&path).unwrap();
    let o = onestop(&["new", "my-proc", "--stage", "xay-dung", "--root", s(root)]);
    assert_eq!(o.status.code(), Some(2), "new over an existing file: {}", stderr(&o));
    assert_eq!(fs::read(&path).unwrap(), filled, "new changed an existing file");
}

#[test]
fn new_refuses_bad_arguments() {
    let dir = site_with(&[]);
    let root = dir.path();
    let before = snapshot(root);
    for (args, what) in [
        (vec!["new", "My_Proc", "--stage", "xay-dung"], "invalid slug"),
        (vec!["new", "bad--slug", "--stage", "xay-dung"], "invalid slug"),
        (vec!["new", "my-proc", "--stage", "khong-co"], "unknown stage"),
        (vec!["new", "my-proc", "--code", "1.2.3"], "invalid code"),
    ] {
        let mut a = args.clone();
        a.extend(["--root", s(root)]);
        let o = onestop(&a);
        assert_eq!(o.status.code(), Some(2), "{what}: {args:?}\n{}", stderr(&o));
    }
    assert_eq!(snapshot(root), before, "a refused `new` wrote something");

    let empty = tempfile::tempdir().unwrap();
    let o = onestop(&["new", "my-proc", "--root", s(empty.path())]);
    assert_eq!(o.status.code(), Some(2), "new without site.toml");
    assert_eq!(listing(empty.path()), Vec::<String>::new());
}
