//! The fuzz harness (issue 10): property tests on stable Rust, plus a
//! regression corpus of every input that ever crashed or misbehaved.
//!
//! * Record loader: real records (`content/procedures/**.toml`,
//!   `tests/fixtures/valid-min`) and the fixture's free page, mutated (byte
//!   flips, deletions, duplicated lines, hostile strings inserted raw or as
//!   TOML values, sections with absurd numbers), written into a small site and
//!   checked with `onestop::build::build` (`check_only`). Never a panic; every
//!   error a `Diagnostic` with a file, and a line when it is in a TOML record.
//!   For fewer cases: what check accepts must build.
//! * Markdown rendering: arbitrary and structured-random Markdown.
//! * Link checker: `Output::in_memory` with random hrefs, ids, percent
//!   sequences and Unicode.
//! * Portal importer: mutated copies of `tests/fixtures/dvc/*.json`
//!   (including invalid UTF-8).
//! * `corpus`: every case of `tests/fuzz/corpus/cases.toml` through the real
//!   binary's check and build.
//!
//! Deterministic by default (a fixed seed, bounded case counts, about a
//! minute in release mode on a 2-core machine). `PROPTEST_CASES=N` sets every
//! property's count (builds run N/10), `PROPTEST_RNG_SEED=N` another seed.
//! See docs/fuzzing.md.

use onestop::build::{BuildError, BuildOptions, build};
use onestop::diag::Diagnostic;
use onestop::import::{ImportOptions, Outcome, import_dvc};
use onestop::markdown::{self, MarkdownOptions};
use onestop::output::Output;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const BIN: &str = env!("CARGO_BIN_EXE_onestop");
/// The default seed: the same cases on every run unless PROPTEST_RNG_SEED is set.
const SEED: u64 = 0x0E57_0B10;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn valid_min() -> PathBuf {
    repo().join("tests/fixtures/valid-min")
}

fn fuzz_dir() -> PathBuf {
    repo().join("tests/fuzz")
}

/// proptest's configuration: the environment's `PROPTEST_*` settings, else a
/// fixed seed and `default_cases`; no failure persistence files (a failure
/// prints its minimal input: add it to the corpus, see docs/fuzzing.md).
fn config(default_cases: u32) -> Config {
    let mut c = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = default_cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(SEED);
    }
    if std::env::var_os("PROPTEST_MAX_SHRINK_ITERS").is_none() {
        c.max_shrink_iters = 200;
    }
    c.failure_persistence = None;
    c
}

/// For the slow properties (full builds typeset PDFs): a tenth of PROPTEST_CASES.
fn slow_config(default_cases: u32) -> Config {
    let mut c = config(default_cases);
    if std::env::var_os("PROPTEST_CASES").is_some() {
        c.cases = (c.cases / 10).max(1);
    }
    // Each shrinking step is a build: keep a failure's report under a minute.
    if std::env::var_os("PROPTEST_MAX_SHRINK_ITERS").is_none() {
        c.max_shrink_iters = 24;
    }
    c
}

// ---------------------------------------------------------------------------
// The fuzz site.

const XD: &str = "content/procedures/xay-dung/cap-giay-phep-xay-dung.toml";
const PAGE: &str = "content/pages/gioi-thieu.md";

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = e.path().strip_prefix(from).unwrap_or(e.path());
        let target = to.join(rel);
        if e.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// valid-min's records and page, the repository's site.toml (six stages, both
/// editions) and a small poster of two stages.
fn fuzz_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&valid_min().join("content"), &dir.path().join("content"));
    fs::copy(repo().join("site.toml"), dir.path().join("site.toml")).unwrap();
    fs::create_dir_all(dir.path().join("diagrams")).unwrap();
    fs::copy(fuzz_dir().join("site-diagram.toml"), dir.path().join("diagrams/fuzz.toml")).unwrap();
    dir
}

/// A file to mutate and where it goes in the fuzz site.
#[derive(Debug)]
struct Seed {
    /// Where it came from, for failure messages.
    name: String,
    /// Path in the fuzz site.
    target: &'static str,
    text: String,
}

/// The real records (without `after`/`related`, whose codes are not in the
/// fuzz site), valid-min's records and its page.
fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut out = Vec::new();
        let mut real: Vec<PathBuf> = walkdir::WalkDir::new(repo().join("content/procedures"))
            .into_iter()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
            .map(|e| e.into_path())
            .collect();
        real.sort();
        for p in real {
            let text = fs::read_to_string(&p).unwrap();
            let text: String = text
                .split_inclusive('\n')
                .filter(|l| !(l.starts_with("after =") || l.starts_with("related =")))
                .collect();
            // Into XD's place, whatever its stage: the loader checks the stage key, not the folder.
            out.push(Seed { name: p.strip_prefix(repo()).unwrap().display().to_string(), target: XD, text });
        }
        for rel in [
            XD,
            "content/procedures/dau-tu/cap-giay-chung-nhan-dang-ky-dau-tu.toml",
            "content/procedures/dau-tu/chap-thuan-chu-truong-dau-tu.toml",
            PAGE,
        ] {
            let text = fs::read_to_string(valid_min().join(rel)).unwrap();
            out.push(Seed { name: format!("valid-min/{rel}"), target: rel, text });
        }
        out
    })
}

// ---------------------------------------------------------------------------
// Hostile strings and mutations.

fn nested_list(depth: usize) -> String {
    (0..depth).map(|i| format!("{}- mức {}\n", "  ".repeat(i), i + 1)).collect()
}

fn nested_quote(depth: usize) -> String {
    format!("{} trích dẫn\n", ">".repeat(depth))
}

/// Strings an editor (or a paste from a web page) can put into a field.
fn hostile() -> &'static [String] {
    static H: OnceLock<Vec<String>> = OnceLock::new();
    H.get_or_init(|| {
        let mut h: Vec<String> = [
            "\u{0}",
            "\u{1b}[31m",
            "\u{7}",
            "\u{8}",
            "\u{7f}",
            "\u{85}",
            "\u{9b}",
            "\r",
            "\t",
            "%aé",
            "%",
            "%%",
            "%zz",
            "%C4%91",
            "%ff%fe",
            "<!--<script>",
            "</script><script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "=HYPERLINK(\"https://evil.example/\",\"x\")",
            "+1+1",
            "-1-1",
            "@SUM(A1)",
            "{{ site.title }}",
            "{% raw %}",
            "#",
            "]]",
            "\"\"\"",
            "'''",
            "\\",
            "\\uD800",
            "../../etc/passwd",
            "..",
            "/static/../../x.pdf",
            "/thu-tuc/../../x/",
            "javascript:alert(1)",
            "[x](javascript:alert(1))",
            "[x](/khong-co/)",
            "![x](/static/khong-co.png)",
            "e\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}\u{307}\u{308}",
            "\u{202e}lanif\u{202c}",
            "\u{200f}مرحبا\u{200e}",
            "👩‍👩‍👧‍👦🇻🇳",
            "\u{feff}",
            "\u{2028}\u{2029}",
            "\u{fffd}",
            "\u{10ffff}",
            "Cộng hoà xã hội chủ nghĩa Việt Nam",
            "Đ\u{0300}",
            "",
            " ",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        h.push("x".repeat(10_000));
        h.push("đ".repeat(3_000));
        h.push(nested_list(130));
        h.push(nested_list(300));
        h.push(nested_quote(130));
        h.push(nested_quote(1_000));
        h.push("*".repeat(5_000));
        h.push("[".repeat(2_000));
        h.push("| a | b |\n|---|---|\n| 1 | 2 |\n".repeat(50));
        h
    })
}

fn hostile_str() -> impl Strategy<Value = String> {
    (0..hostile().len()).prop_map(|i| hostile()[i].clone())
}

/// A TOML value in source form.
#[derive(Debug, Clone)]
enum Value {
    /// A basic string, escaped by the toml crate (control characters as \uXXXX).
    Str(String),
    /// A multi-line literal string (Markdown as an editor writes it).
    MultiLine(String),
    Int(i64),
    Float(f64),
    /// Source text put in as is.
    Raw(&'static str),
    Array(Vec<String>),
}

impl Value {
    fn source(&self) -> String {
        match self {
            Value::Str(s) => toml::Value::String(s.clone()).to_string(),
            Value::MultiLine(s) => format!("'''\n{s}\n'''"),
            Value::Int(n) => n.to_string(),
            Value::Float(f) if f.is_nan() => "nan".into(),
            Value::Float(f) if f.is_infinite() => (if *f > 0.0 { "inf" } else { "-inf" }).into(),
            Value::Float(f) => format!("{f:e}"),
            Value::Raw(s) => (*s).to_string(),
            Value::Array(v) => {
                let items: Vec<String> = v.iter().map(|s| toml::Value::String(s.clone()).to_string()).collect();
                format!("[{}]", items.join(", "))
            }
        }
    }
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => hostile_str().prop_map(Value::Str),
        2 => (hostile_str(), hostile_str()).prop_map(|(a, b)| Value::Str(format!("Thủ tục {a} và {b}"))),
        1 => hostile_str().prop_map(|s| Value::MultiLine(s.replace("'''", "''"))),
        2 => prop::sample::select(vec![i64::MAX, i64::MIN, -1, 0, 1, 1 << 53, (1 << 53) + 1, u32::MAX as i64, 1_000_000_000_000, 99_999])
            .prop_map(Value::Int),
        1 => any::<i64>().prop_map(Value::Int),
        2 => prop::sample::select(vec![1e308, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, -0.0, 5e-324, 1e20, 0.5, 17.5, -3.0])
            .prop_map(Value::Float),
        1 => prop::sample::select(vec!["\"\\uD800\"", "\"\\uDFFF x\"", "\"\\u0000\"", "\"\\U0010FFFF\"", "true", "[]", "{}", "1979-05-27", "\"\\x41\""])
            .prop_map(Value::Raw),
        1 => prop::collection::vec(hostile_str(), 0..4).prop_map(Value::Array),
    ]
}

/// Tables appended to a record.
fn section() -> impl Strategy<Value = String> {
    let int = prop::sample::select(vec![i64::MAX, i64::MIN, -1, 0, 1, 40, 4_000_000_000, (1 << 53) + 1]);
    let float = prop::sample::select(vec![1e308, f64::INFINITY, f64::NAN, 0.0, -1.0, 0.25, 20.0, 1e-300]);
    prop_oneof![
        (prop::sample::select(vec![1999i64, 2000, 2024, 2026, 2027, i64::MAX]), int.clone(), int.clone(), int.clone())
            .prop_map(|(y, r, o, t)| format!(
                "\n[[statistics]]\nyear = {y}\nreceived = {r}\nreceived_online = {o}\nresolved_on_time = {t}\n"
            )),
        (float, int, hostile_str()).prop_map(|(t, f, s)| format!(
            "\n[[channels]]\nkind = \"postal\"\ntime = {}\ntime_unit = \"days\"\nfee_vnd = {f}\nfee = {}\n",
            Value::Float(t).source(),
            Value::Str(s).source()
        )),
        (hostile_str(), hostile_str()).prop_map(|(n, u)| format!(
            "\n[[documents]]\nname = {}\nform_url = {}\noriginals = 1\n",
            Value::Str(n).source(),
            Value::Str(u).source()
        )),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    /// XOR one byte (may make the file invalid UTF-8).
    FlipByte {
        at: usize,
        mask: u8,
    },
    /// Deletes bytes (may cut a character in two).
    Delete {
        at: usize,
        len: usize,
    },
    DuplicateLine {
        line: usize,
    },
    /// Inserts a hostile string as raw source text at a character boundary.
    Insert {
        at: usize,
        what: String,
    },
    /// Replaces the value of the n-th `key = value` line.
    SetValue {
        line: usize,
        value: Value,
    },
    Append(String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => (any::<usize>(), 1..=255u8).prop_map(|(at, mask)| Mutation::FlipByte { at, mask }),
        1 => (any::<usize>(), 1..64usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        1 => any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        2 => (any::<usize>(), hostile_str()).prop_map(|(at, what)| Mutation::Insert { at, what }),
        6 => (any::<usize>(), value()).prop_map(|(line, value)| Mutation::SetValue { line, value }),
        2 => section().prop_map(Mutation::Append),
    ]
}

/// Mutations that mostly keep a record loadable: new values and tables, so
/// that check accepts often enough for the build property to have work.
fn gentle_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), value()).prop_map(|(line, value)| Mutation::SetValue { line, value }),
        1 => section().prop_map(Mutation::Append),
    ]
}

fn floor_char_boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    match m {
        Mutation::FlipByte { at, mask } => {
            if !bytes.is_empty() {
                let i = at % bytes.len();
                bytes[i] ^= mask;
            }
        }
        Mutation::Delete { at, len } => {
            if !bytes.is_empty() {
                let i = at % bytes.len();
                let end = (i + len).min(bytes.len());
                bytes.drain(i..end);
            }
        }
        Mutation::DuplicateLine { line } => {
            let lines: Vec<Vec<u8>> = bytes.split_inclusive(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
            if !lines.is_empty() {
                let n = line % lines.len();
                let mut out = Vec::with_capacity(bytes.len() + lines[n].len());
                for (i, l) in lines.iter().enumerate() {
                    out.extend_from_slice(l);
                    if i == n {
                        if !l.ends_with(b"\n") {
                            out.push(b'\n');
                        }
                        out.extend_from_slice(l);
                    }
                }
                *bytes = out;
            }
        }
        Mutation::Insert { at, what } => match std::str::from_utf8(bytes) {
            Ok(text) => {
                let i = floor_char_boundary(text, at % (text.len() + 1));
                bytes.splice(i..i, what.bytes());
            }
            Err(_) => bytes.extend_from_slice(what.as_bytes()),
        },
        Mutation::SetValue { line, value } => {
            let Ok(text) = std::str::from_utf8(bytes) else { return };
            let keyed: Vec<(usize, &str)> = text
                .split_inclusive('\n')
                .scan(0, |off, l| {
                    let start = *off;
                    *off += l.len();
                    Some((start, l))
                })
                .filter(|(_, l)| {
                    l.split_once(" = ")
                        .is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                })
                .collect();
            if keyed.is_empty() {
                return;
            }
            let (start, l) = keyed[line % keyed.len()];
            let Some(eq) = l.find(" = ") else { return };
            let value_start = start + eq + 3;
            // A value that opens a multi-line string runs to its closing quotes.
            let rest = &text[value_start..];
            let end = ["\"\"\"", "'''"]
                .iter()
                .find(|q| rest.starts_with(*q))
                .and_then(|q| rest[3..].find(q).map(|e| value_start + 3 + e + 3))
                .unwrap_or(start + l.trim_end_matches('\n').len());
            let new = value.source();
            bytes.splice(value_start..end, new.into_bytes());
        }
        Mutation::Append(s) => bytes.extend_from_slice(s.as_bytes()),
    }
}

// ---------------------------------------------------------------------------
// Running the pipeline.

fn check(root: &Path) -> Result<onestop::build::BuildSummary, BuildError> {
    build(&BuildOptions {
        root: root.to_path_buf(),
        out_dir: root.join("public"),
        base_url: None,
        check_only: true,
        progress: false,
    })
}

fn build_into(root: &Path, out: &Path) -> Result<onestop::build::BuildSummary, BuildError> {
    build(&BuildOptions {
        root: root.to_path_buf(),
        out_dir: out.to_path_buf(),
        base_url: None,
        check_only: false,
        progress: false,
    })
}

/// Codes of diagnostics that are about a whole file by design: a broken link
/// is found in the generated HTML, where the Markdown line is gone.
const WHOLE_FILE_CODES: &[&str] = &["broken-link"];

/// Every diagnostic names a file; those in a TOML record also a line.
fn located(diags: &[Diagnostic]) -> Result<(), TestCaseError> {
    prop_assert!(!diags.is_empty(), "a content error with no diagnostic");
    for d in diags {
        let Some(file) = &d.file else {
            return Err(TestCaseError::fail(format!("diagnostic without a file: {d}")));
        };
        let is_record = file.extension().is_some_and(|x| x == "toml") && file.starts_with("content");
        if is_record && !WHOLE_FILE_CODES.contains(&d.code) {
            prop_assert!(d.line > 0, "diagnostic in a record without a line: {}", d);
        }
    }
    Ok(())
}

/// Writes the mutated seed into a fresh fuzz site and runs check on it:
/// `Ok(true)` when accepted.
fn mutate_and_check(seed: &Seed, muts: &[Mutation]) -> Result<(tempfile::TempDir, bool), TestCaseError> {
    let site = fuzz_site();
    let mut bytes = seed.text.clone().into_bytes();
    for m in muts {
        apply(&mut bytes, m);
    }
    fs::write(site.path().join(seed.target), &bytes).unwrap();
    let accepted = match check(site.path()) {
        Ok(_) => true,
        Err(BuildError::Content(diags)) => {
            located(&diags)?;
            false
        }
        Err(e) => return Err(TestCaseError::fail(format!("check of {} failed outside content: {e:?}", seed.name))),
    };
    Ok((site, accepted))
}

fn seed_index() -> impl Strategy<Value = usize> {
    0..seeds().len()
}

proptest! {
    #![proptest_config(config(160))]

    /// Mutated records and pages: check never panics, every error is located.
    #[test]
    fn loader_check_locates_every_error(seed in seed_index(), muts in prop::collection::vec(mutation(), 1..4)) {
        mutate_and_check(&seeds()[seed], &muts)?;
    }
}

proptest! {
    #![proptest_config(slow_config(20))]

    /// What check accepts must build (and the build must not panic).
    #[test]
    fn loader_what_check_accepts_builds(seed in seed_index(), muts in prop::collection::vec(gentle_mutation(), 1..3)) {
        let s = &seeds()[seed];
        let (site, accepted) = mutate_and_check(s, &muts)?;
        if accepted {
            let out = site.path().join("public");
            if let Err(e) = build_into(site.path(), &out) {
                return Err(TestCaseError::fail(format!("check accepted {} but the build failed: {e:?}", s.name)));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Markdown.

fn url() -> impl Strategy<Value = String> {
    prop_oneof![
        hostile_str(),
        prop::sample::select(vec![
            "/thu-tuc/",
            "/thu-tuc/x/#a",
            "#muc",
            "https://example.gov.vn/a?b=c",
            "mailto:a@b.vn",
            "tel:+84",
            "JaVaScRiPt:alert(1)",
            " javascript:x",
            "java\tscript:x",
            "data:text/html,x",
            "//evil.example/",
            "vbscript:x",
            "file:///etc/passwd",
            "%2e%2e/",
            "/%aé",
            "ftp://x",
            "",
            "?",
            "#",
            "a b",
            "<x>",
        ])
        .prop_map(String::from),
        any::<String>(),
    ]
}

/// Markdown built from the constructs the renderer treats specially.
fn markdown_doc() -> impl Strategy<Value = String> {
    let inline = prop_oneof![
        hostile_str(),
        any::<String>(),
        (hostile_str(), url()).prop_map(|(t, u)| format!("[{t}]({u})")),
        (hostile_str(), url()).prop_map(|(t, u)| format!("![{t}]({u} \"t\")")),
        url().prop_map(|u| format!("<{u}>")),
        hostile_str().prop_map(|t| format!("`{t}`")),
        hostile_str().prop_map(|t| format!("**{t}** _{t}_ ~~{t}~~")),
        Just("<script>alert(1)</script>".to_string()),
        Just("<a href=\"javascript:alert(1)\">x</a>".to_string()),
    ];
    let block = prop_oneof![
        (1..=7usize, inline.clone()).prop_map(|(n, t)| format!("{} {t}\n", "#".repeat(n))),
        (1..400usize).prop_map(nested_list),
        (1..400usize).prop_map(nested_quote),
        (0..50usize, inline.clone()).prop_map(|(n, t)| format!("{}1. {t}\n", "   ".repeat(n))),
        inline.clone().prop_map(|t| format!("| a | {t} |\n|---|---|\n| {t} | b |\n")),
        inline.clone().prop_map(|t| format!("```\n{t}\n```\n")),
        inline.clone().prop_map(|t| format!("[ref]: {t}\n\n[x][ref]\n")),
        inline.prop_map(|t| format!("{t}\n")),
    ];
    prop::collection::vec(block, 0..8).prop_map(|b| b.join("\n"))
}

fn check_markdown(md: &str, allow_html: bool, base: &str, ids: bool) -> Result<(), TestCaseError> {
    let opts = MarkdownOptions { allow_html, base_path: base, heading_ids: ids };
    let (r, errors) = markdown::parse(md, &opts);
    for e in &errors {
        prop_assert!(md.is_char_boundary(e.offset), "link error offset {} not in the text", e.offset);
    }
    let mut seen = std::collections::HashSet::new();
    for (id, _) in &r.toc {
        prop_assert!(seen.insert(id.clone()), "heading id `{}` twice", id);
    }
    let html = r.doc.html("");
    if !allow_html {
        let lower = html.to_ascii_lowercase();
        // Text `<` is escaped, so every `<` left opens a tag the renderer wrote.
        for tag in lower.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or("");
            prop_assert!(!tag.starts_with("script"), "raw <script> in output: {html}");
            prop_assert!(!tag.starts_with("img src=x"), "raw <img> in output: {html}");
            for attr in [" href=\"", " src=\""] {
                let unsafe_link = tag.split(attr).skip(1).any(|v| v.trim_start().starts_with("javascript:"));
                prop_assert!(!unsafe_link, "javascript: link in output: {html}");
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(2000))]

    /// Arbitrary text: no panic, link offsets inside the text, unique heading ids, no raw HTML.
    #[test]
    fn markdown_arbitrary_text(md in any::<String>(), allow_html: bool, ids: bool, sub: bool) {
        check_markdown(&md, allow_html, if sub { "/tthc/" } else { "/" }, ids)?;
    }

    #[test]
    fn markdown_structured(md in markdown_doc(), allow_html: bool, ids: bool, sub: bool) {
        check_markdown(&md, allow_html, if sub { "/tthc/" } else { "/" }, ids)?;
    }
}

// ---------------------------------------------------------------------------
// The link checker.

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "thu-tuc",
            "en",
            "a",
            "đăng-ký",
            "x y",
            "%",
            "%aé",
            "%C4%91",
            "..",
            ".",
            "😀",
            "\u{301}"
        ])
        .prop_map(String::from),
        "[a-zA-Z0-9%é._-]{1,12}",
    ]
}

fn href() -> impl Strategy<Value = String> {
    prop_oneof![
        url(),
        (prop::collection::vec(segment(), 0..4), any::<bool>(), prop::option::of(segment())).prop_map(
            |(segs, abs, frag)| {
                let mut h = if abs { format!("/{}", segs.join("/")) } else { segs.join("/") };
                if let Some(f) = frag {
                    h.push('#');
                    h.push_str(&f);
                }
                h
            }
        ),
    ]
}

/// Pages that exist, with the links and ids they hold.
#[derive(Debug, Clone)]
struct Page {
    path: String,
    hrefs: Vec<String>,
    ids: Vec<String>,
}

fn page() -> impl Strategy<Value = Page> {
    (
        prop::collection::vec(segment(), 0..3),
        prop::collection::vec(href(), 0..6),
        prop::collection::vec(segment(), 0..3),
    )
        .prop_map(|(dirs, hrefs, ids)| {
            let dirs: Vec<String> = dirs.into_iter().filter(|s| s != "." && s != ".." && !s.contains('%')).collect();
            let path =
                if dirs.is_empty() { "index.html".to_string() } else { format!("{}/index.html", dirs.join("/")) };
            Page { path, hrefs, ids }
        })
}

fn attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;")
}

proptest! {
    #![proptest_config(config(1500))]

    /// Random hrefs, ids, percent sequences and Unicode: no panic, every
    /// broken link names its source file, and a link to a page that exists
    /// (plain, percent-encoded, with an existing #id) is never reported.
    #[test]
    fn link_checker(pages in prop::collection::vec(page(), 1..5), sub: bool) {
        let base = if sub { "/tthc/" } else { "/" };
        let out = Output::in_memory();
        let mut written = std::collections::HashSet::new();
        for p in &pages {
            if !written.insert(p.path.clone()) {
                continue;
            }
            let mut html = String::from("<!doctype html><title>t</title>");
            for id in &p.ids {
                html.push_str(&format!("<p id=\"{}\">x</p>", attr(id)));
            }
            for h in &p.hrefs {
                html.push_str(&format!("<a href=\"{}\">x</a><img src=\"{}\">", attr(h), attr(h)));
            }
            // Links that must resolve: the page itself, site-absolute, plain and percent-encoded.
            let dir = p.path.trim_end_matches("index.html");
            let encoded: String = dir.split('/').map(|s| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()).collect::<Vec<_>>().join("/");
            html.push_str(&format!("<a href=\"{}\">self</a>", attr(&format!("{base}{dir}"))));
            html.push_str(&format!("<a href=\"{}\">enc</a>", attr(&format!("{base}{encoded}"))));
            if let Some(id) = p.ids.iter().find(|i| !i.contains(['#', '"', '&'])) {
                html.push_str(&format!("<a href=\"#{}\">anchor</a>", attr(id)));
            }
            let source = PathBuf::from(format!("content/pages/{}.md", written.len()));
            out.put_html("fuzz", &p.path, html.as_bytes(), Some(&source));
        }
        for d in out.finish_checks(base) {
            prop_assert!(d.file.is_some(), "diagnostic without a file: {}", d);
            for p in &pages {
                let dir = p.path.trim_end_matches("index.html");
                let must_resolve = format!("links to `{base}{dir}`:");
                prop_assert!(!d.message.contains(&must_resolve), "an existing page reported broken: {}", d);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The portal importer.

fn portal_files() -> &'static [(String, Vec<u8>)] {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut v: Vec<(String, Vec<u8>)> = fs::read_dir(repo().join("tests/fixtures/dvc"))
            .unwrap()
            .flatten()
            .map(|e| (e.file_name().to_string_lossy().into_owned(), fs::read(e.path()).unwrap()))
            .collect();
        v.sort();
        v
    })
}

/// A site with the repository's site.toml and no records (plus a field for
/// the one non-industrial-zone sample), as tests/suite/import.rs uses.
fn import_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut site = fs::read_to_string(repo().join("site.toml")).unwrap();
    site.push_str("\n[[fields]]\nkey = \"cu-tru\"\ntitle = \"Cư trú\"\nportal_names = [\"Đăng ký, quản lý cư trú\"]\nstage = \"van-hanh-lao-dong\"\n");
    fs::write(dir.path().join("site.toml"), site).unwrap();
    dir
}

#[derive(Debug, Clone)]
enum JsonMutation {
    Bytes(Mutation),
    /// Sets every value of a portal key to a JSON value.
    Key(&'static str, String),
    /// Puts invalid UTF-8 into the n-th string.
    InvalidUtf8 {
        at: usize,
        bytes: Vec<u8>,
    },
}

fn json_mutation() -> impl Strategy<Value = JsonMutation> {
    let keys = vec![
        "processingTimeUnit",
        "processingTime",
        "name",
        "procedureName",
        "code",
        "codeNotation",
        "description",
        "submissionMethod",
        "fees",
        "amount",
        "isFullProcess",
        "originalNumber",
        "copyNumber",
        "updatedDate",
        "executionMethods",
        "categoriesDetails",
        "legalDocuments",
        "data",
    ];
    let values = prop_oneof![
        prop::sample::select(vec![
            "\"MONTH\"",
            "\"WEEK\"",
            "\"YEAR\"",
            "\"MINUTE\"",
            "\"OTHER\"",
            "\"\"",
            "null",
            "[]",
            "{}",
            "true",
            "9223372036854775807",
            "-9223372036854775808",
            "1e308",
            "-1",
            "0.5",
            "18446744073709551616",
            "\"\\ud800\"",
            "\"\\u0000\"",
            "\"%aé\"",
            "\"<!--<script>\"",
            "\"=HYPERLINK(\\\"x\\\")\"",
        ])
        .prop_map(String::from),
        hostile_str().prop_map(|s| serde_json::Value::String(s).to_string()),
    ];
    prop_oneof![
        2 => mutation().prop_filter("byte-level", |m| !matches!(m, Mutation::SetValue { .. } | Mutation::Append(_))).prop_map(JsonMutation::Bytes),
        4 => (prop::sample::select(keys), values).prop_map(|(k, v)| JsonMutation::Key(k, v)),
        1 => (any::<usize>(), prop::sample::select(vec![vec![0xffu8], vec![0xc3], vec![0xed, 0xa0, 0x80], vec![0xf8, 0x88, 0x80, 0x80, 0x80], vec![0xc0, 0xaf]]))
            .prop_map(|(at, bytes)| JsonMutation::InvalidUtf8 { at, bytes }),
    ]
}

fn apply_json(bytes: &mut Vec<u8>, m: &JsonMutation) {
    match m {
        JsonMutation::Bytes(m) => apply(bytes, m),
        JsonMutation::Key(key, value) => {
            let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(bytes) else { return };
            let Ok(new) = serde_json::from_str::<serde_json::Value>(value) else {
                // Not JSON to serde (a lone surrogate): splice the text in.
                let Ok(text) = std::str::from_utf8(bytes) else { return };
                let pat = format!("\"{key}\": ");
                if let Some(i) = text.find(&pat) {
                    let at = i + pat.len();
                    bytes.splice(at..at, format!("{value}, \"x{key}\": ").into_bytes());
                }
                return;
            };
            fn set(v: &mut serde_json::Value, key: &str, new: &serde_json::Value) {
                match v {
                    serde_json::Value::Object(m) => {
                        for (k, x) in m.iter_mut() {
                            if k == key {
                                *x = new.clone();
                            } else {
                                set(x, key, new);
                            }
                        }
                    }
                    serde_json::Value::Array(a) => a.iter_mut().for_each(|x| set(x, key, new)),
                    _ => {}
                }
            }
            set(&mut v, key, &new);
            if let Ok(b) = serde_json::to_vec_pretty(&v) {
                *bytes = b;
            }
        }
        JsonMutation::InvalidUtf8 { at, bytes: bad } => {
            let quotes: Vec<usize> =
                bytes.iter().enumerate().filter(|(_, b)| **b == b'"').map(|(i, _)| i + 1).collect();
            if !quotes.is_empty() {
                let i = quotes[at % quotes.len()];
                bytes.splice(i..i, bad.iter().copied());
            }
        }
    }
}

proptest! {
    #![proptest_config(config(150))]

    /// Mutated portal JSON: no panic; a skipped file says why, naming the
    /// file; a file with invalid UTF-8 is never imported; what is created
    /// passes check.
    #[test]
    fn importer(file in 0..portal_files().len(), muts in prop::collection::vec(json_mutation(), 1..4)) {
        let (name, original) = &portal_files()[file];
        let mut bytes = original.clone();
        for m in &muts {
            apply_json(&mut bytes, m);
        }
        let site = import_site();
        let input = site.path().join(name);
        fs::write(&input, &bytes).unwrap();
        let summary = import_dvc(&ImportOptions {
            root: site.path().to_path_buf(),
            inputs: vec![input.clone()],
            stage: None,
            field: None,
            force: false,
        });
        let summary = match summary {
            Ok(s) => s,
            Err(e) => return Err(TestCaseError::fail(format!("import failed outside the input: {e:?}"))),
        };
        prop_assert_eq!(summary.files.len(), 1);
        let report = &summary.files[0];
        if report.outcome == Outcome::Skipped {
            prop_assert!(!report.problems.is_empty(), "skipped without a reason");
            for d in &report.problems {
                prop_assert_eq!(d.file.as_deref(), Some(input.as_path()), "problem not located in the input: {}", d);
            }
        }
        if std::str::from_utf8(&bytes).is_err() {
            prop_assert_eq!(report.outcome, Outcome::Skipped, "invalid UTF-8 imported: {:?}", report);
        }
        if report.outcome == Outcome::Created {
            fs::remove_file(&input).unwrap();
            match check(site.path()) {
                Ok(_) => {}
                Err(BuildError::Content(d)) => {
                    let all: Vec<String> = d.iter().map(|d| d.to_string()).collect();
                    return Err(TestCaseError::fail(format!("an imported record fails check:\n{}", all.join("\n"))));
                }
                Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The regression corpus.

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    issue: String,
    #[serde(default)]
    files: Vec<FileSpec>,
    generate: Option<String>,
    expect: Option<String>,
    #[serde(default)]
    errors: Vec<ErrSpec>,
    #[serde(default)]
    after_build: Vec<String>,
    import: Option<String>,
    imported: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    path: String,
    from: String,
}

#[derive(serde::Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct ErrSpec {
    file: Option<String>,
    #[serde(default)]
    line: usize,
    field: Option<String>,
    code: Option<String>,
}

impl ErrSpec {
    fn matches(&self, d: &serde_json::Value) -> bool {
        let file_ok = self.file.as_deref().is_none_or(|f| d["file"].as_str() == Some(f));
        let line = d["line"].as_u64().unwrap_or(0) as usize;
        let line_ok = if self.line == 0 { true } else { line == self.line };
        file_ok
            && line_ok
            && self.field.as_deref().is_none_or(|f| d["field"].as_str().is_some_and(|x| x.contains(f)))
            && self.code.as_deref().is_none_or(|c| d["code"].as_str() == Some(c))
    }
}

fn corpus_dir() -> PathBuf {
    fuzz_dir().join("corpus")
}

fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).env("NO_COLOR", "1").output().expect("run onestop")
}

/// Generated inputs too big to keep in git.
fn generate(name: &str, root: &Path) -> Result<(), String> {
    match name {
        "summary-2mb" => {
            let path = root.join(XD);
            let text = fs::read_to_string(&path).map_err(|e| e.to_string())?;
            let para = "Hồ sơ nộp trực tiếp hoặc trực tuyến tại Trung tâm phục vụ hành chính công. ";
            let big = para.repeat(2 * 1024 * 1024 / para.len() + 1);
            fs::write(&path, format!("{text}\nsummary_en = '''\n{big}\n'''\n")).map_err(|e| e.to_string())
        }
        other => Err(format!("unknown generator `{other}`")),
    }
}

/// Extra checks of a built site.
fn after_build(check: &str, public: &Path) -> Result<(), String> {
    match check {
        "json-ld-no-lt" => {
            let mut blocks = 0;
            for e in walkdir::WalkDir::new(public).into_iter().flatten() {
                if e.path().extension().is_none_or(|x| x != "html") {
                    continue;
                }
                let html = fs::read_to_string(e.path()).map_err(|e| e.to_string())?;
                for part in html.split("<script type=\"application/ld+json\">").skip(1) {
                    blocks += 1;
                    let json = part.split("</script>").next().unwrap_or("");
                    if json.contains('<') {
                        return Err(format!(
                            "{}: a `<` inside JSON-LD (write it as \\u003c): {}",
                            e.path().display(),
                            json.chars().take(200).collect::<String>()
                        ));
                    }
                }
            }
            if blocks == 0 { Err("no JSON-LD block in the output".into()) } else { Ok(()) }
        }
        "csv-neutralised" => {
            let path = public.join("data/procedures.csv");
            let mut r = csv::Reader::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut found = false;
            for rec in r.records() {
                let rec = rec.map_err(|e| e.to_string())?;
                for cell in rec.iter() {
                    found |= cell.contains("HYPERLINK(");
                    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                        return Err(format!("a CSV cell a spreadsheet runs as a formula: {cell:?}"));
                    }
                }
            }
            if found { Ok(()) } else { Err("the title is missing from the CSV".into()) }
        }
        other => Err(format!("unknown after_build check `{other}`")),
    }
}

/// Runs one corpus case; returns what went wrong.
fn run_case(case: &Case) -> Vec<String> {
    if let Some(input) = &case.import {
        return run_import_case(case, input);
    }
    let mut problems = Vec::new();
    let site = fuzz_site();
    let root = site.path();
    for f in &case.files {
        let to = root.join(&f.path);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::copy(corpus_dir().join(&f.from), &to).unwrap_or_else(|e| panic!("{}: {}: {e}", case.name, f.from));
    }
    if let Some(g) = &case.generate
        && let Err(e) = generate(g, root)
    {
        return vec![e];
    }
    let rs = root.to_str().unwrap();
    let c = run(&["check", "--root", rs, "--format", "json"]);
    let code = c.status.code();
    if code == Some(101) || code.is_none() {
        problems.push(format!("check crashed (exit {code:?}): {}", String::from_utf8_lossy(&c.stderr)));
    }
    let json: serde_json::Value = serde_json::from_slice(&c.stdout).unwrap_or(serde_json::Value::Null);
    let errors = json["errors"].as_array().cloned().unwrap_or_default();
    let public = root.join("public");
    let b = run(&["build", "--root", rs, "--out", public.to_str().unwrap()]);
    let bcode = b.status.code();
    let bout = String::from_utf8_lossy(&b.stderr).into_owned();
    if bcode == Some(101) || bcode.is_none() {
        problems.push(format!("build crashed (exit {bcode:?}): {bout}"));
    }
    if code == Some(0) && bcode != Some(0) {
        problems.push(format!("check accepted but build failed (exit {bcode:?}): {bout}"));
    }
    let expect = case.expect.as_deref().unwrap_or("either");
    match expect {
        "accept" => {
            if code != Some(0) {
                problems.push(format!("check refused (exit {code:?}), expected it to accept: {errors:?}"));
            }
            if bcode == Some(0) {
                for a in &case.after_build {
                    if let Err(e) = after_build(a, &public) {
                        problems.push(format!("after build, {a}: {e}"));
                    }
                }
            }
        }
        "refuse" => {
            if code != Some(1) {
                problems.push(format!("check exit {code:?}, expected 1 (refused)"));
            }
            if bcode != Some(1) {
                problems.push(format!("build exit {bcode:?}, expected 1 (refused)"));
            }
            if public.exists() {
                problems.push("a refused build wrote public/".into());
            }
            for e in &case.errors {
                if !errors.iter().any(|d| e.matches(d)) {
                    problems.push(format!("missing diagnostic {e:?}; got {errors:?}"));
                }
            }
        }
        "either" => {
            if code == Some(1) && !errors.iter().any(|d| d["file"].as_str().is_some()) {
                problems.push(format!("refused without naming a file: {errors:?}"));
            }
        }
        other => problems.push(format!("unknown expect `{other}`")),
    }
    // Wherever the input has a line, a diagnostic in a record has one.
    for d in &errors {
        let file = d["file"].as_str().unwrap_or("");
        if file.is_empty() {
            problems.push(format!("diagnostic without a file: {d}"));
        } else if file.ends_with(".toml")
            && file.starts_with("content/")
            && d["line"].as_u64().unwrap_or(0) == 0
            && !WHOLE_FILE_CODES.contains(&d["code"].as_str().unwrap_or(""))
        {
            problems.push(format!("diagnostic in a record without a line: {d}"));
        }
    }
    let leftovers: Vec<String> = fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
        .collect();
    if !leftovers.is_empty() {
        problems.push(format!("staging folders left behind: {leftovers:?}"));
    }
    problems
}

fn run_import_case(case: &Case, input: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let site = import_site();
    let root = site.path();
    let file = root.join(input);
    fs::copy(corpus_dir().join(input), &file).unwrap_or_else(|e| panic!("{}: {input}: {e}", case.name));
    let summary = match import_dvc(&ImportOptions {
        root: root.to_path_buf(),
        inputs: vec![file.clone()],
        stage: None,
        field: None,
        force: false,
    }) {
        Ok(s) => s,
        Err(e) => return vec![format!("import failed: {e:?}")],
    };
    let Some(report) = summary.files.first() else { return vec!["no report".into()] };
    let problems_text: Vec<String> = report.problems.iter().map(|d| d.to_string()).collect();
    match case.imported.as_deref() {
        Some("created") => {
            if report.outcome != Outcome::Created {
                problems.push(format!("outcome {:?}, expected created: {problems_text:?}", report.outcome));
            } else {
                fs::remove_file(&file).unwrap();
                let rs = root.to_str().unwrap();
                let c = run(&["check", "--root", rs]);
                if c.status.code() != Some(0) {
                    problems.push(format!("the imported record fails check: {}", String::from_utf8_lossy(&c.stderr)));
                }
                let b = run(&["build", "--root", rs, "--out", root.join("public").to_str().unwrap()]);
                if b.status.code() != Some(0) {
                    problems
                        .push(format!("the imported record fails to build: {}", String::from_utf8_lossy(&b.stderr)));
                }
            }
        }
        Some("skipped") => {
            if report.outcome != Outcome::Skipped {
                problems.push(format!("outcome {:?}, expected skipped", report.outcome));
            }
            for e in &case.errors {
                let ok = report.problems.iter().any(|d| {
                    d.file.as_deref() == Some(file.as_path())
                        && (e.line == 0 || d.line == e.line)
                        && e.field.as_deref().is_none_or(|f| d.field.contains(f))
                        && e.code.as_deref().is_none_or(|c| d.code == c)
                });
                if !ok {
                    problems.push(format!("missing problem {e:?}; got {problems_text:?}"));
                }
            }
        }
        other => problems.push(format!("unknown imported = {other:?}")),
    }
    problems
}

fn corpus() -> Corpus {
    let text = fs::read_to_string(corpus_dir().join("cases.toml")).unwrap();
    toml::from_str(&text).unwrap_or_else(|e| panic!("tests/fuzz/corpus/cases.toml: {e}"))
}

/// Every file in the corpus folder is used by a case, and every case's files exist.
#[test]
fn corpus_files_are_all_used() {
    let c = corpus();
    let mut used: std::collections::BTreeSet<String> = ["cases.toml".to_string()].into();
    for case in &c.case {
        assert!(!case.issue.is_empty(), "{}: say where the input comes from", case.name);
        for f in &case.files {
            assert!(corpus_dir().join(&f.from).is_file(), "{}: no file {}", case.name, f.from);
            used.insert(f.from.clone());
        }
        used.extend(case.import.clone());
    }
    let present: std::collections::BTreeSet<String> =
        fs::read_dir(corpus_dir()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    let unused: Vec<_> = present.difference(&used).collect();
    assert!(unused.is_empty(), "files in tests/fuzz/corpus/ no case uses: {unused:?}");
}

/// Every case of the corpus through the binary's check and build (all run;
/// the failures are listed together). `FUZZ_CASE=name` runs one.
#[test]
fn corpus_regressions() {
    let only = std::env::var("FUZZ_CASE").ok();
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in corpus().case.iter().filter(|c| only.as_deref().is_none_or(|o| o == c.name)) {
        ran += 1;
        let problems = run_case(case);
        if !problems.is_empty() {
            failures.push(format!("{} ({}):\n  {}", case.name, case.issue, problems.join("\n  ")));
        }
    }
    assert!(ran > 0, "no corpus case ran");
    assert!(failures.is_empty(), "{} of {ran} corpus cases fail:\n{}", failures.len(), failures.join("\n"));
}
