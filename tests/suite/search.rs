//! Search as readers type it: the ranking in `themes/default/static/js/search.js`
//! run with `node` over the search index the generator writes for the example
//! site (59 real procedures), without a browser.
//!
//! The table holds real queries — Vietnamese with and without diacritics,
//! English, codes with and without dots, abbreviations, one-letter typos, i/y
//! spellings and extra words — with the procedure a reader expects first.

use crate::support;

use onestop::render::data::search_index;
use onestop::render::lang::Lang;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// (edition, query, expected first result's code).
const TABLE: &[(&str, &str, &str)] = &[
    // Vietnamese, with diacritics
    ("vi", "giấy phép xây dựng", "1.013236"),
    ("vi", "cấp giấy phép môi trường", "1.010727"),
    ("vi", "giấy chứng nhận đăng ký đầu tư", "1.009664"),
    ("vi", "gia hạn giấy phép lao động", "1.014201"),
    ("vi", "cấp lại giấy phép xây dựng", "1.013235"),
    ("vi", "điều chỉnh giấy phép môi trường", "1.010729"),
    ("vi", "nội quy lao động", "2.001955"),
    ("vi", "thẩm định thiết kế phòng cháy chữa cháy", "1.115391"),
    ("vi", "văn phòng điều hành BCC", "1.009731"),
    ("vi", "đăng ký đất đai lần đầu", "1.115532"),
    // Vietnamese, without diacritics
    ("vi", "giay phep xay dung", "1.013236"),
    ("vi", "dang ky dau tu", "1.009664"),
    ("vi", "giay phep lao dong", "1.014199"),
    ("vi", "danh gia tac dong moi truong", "1.010733"),
    ("vi", "xuat xu hang hoa", "1.010762"),
    ("vi", "chap thuan chu truong dau tu ban quan ly", "1.009748"),
    // English edition: English words, and Vietnamese without diacritics
    ("en", "construction permit", "1.013236"),
    ("en", "work permit", "1.014199"),
    ("en", "environmental permit", "1.010727"),
    ("en", "investment registration certificate", "1.009664"),
    ("en", "work permit extension", "1.014201"),
    ("en", "fire safety design", "1.115391"),
    ("en", "certificate of origin", "1.010762"),
    ("en", "internal labour rules", "2.001955"),
    ("en", "how to apply for a work permit", "1.014199"),
    ("en", "giay phep xay dung", "1.013236"),
    // Codes, with and without dots
    ("vi", "1.009664", "1.009664"),
    ("vi", "1009664", "1.009664"),
    ("vi", "1013236", "1.013236"),
    ("en", "2002725", "2.002725"),
    // Abbreviations (built-in list)
    ("vi", "GPXD", "1.013236"),
    ("vi", "gia hạn GPXD", "1.013233"),
    ("vi", "GPLĐ", "1.014199"),
    ("vi", "ĐTM", "1.010733"),
    ("vi", "PCCC", "1.115391"),
    ("vi", "nghiệm thu PCCC", "3.000490"),
    ("vi", "GCNĐKĐT", "1.009664"),
    ("vi", "cấp lại GCN ĐKĐT", "1.009665"),
    ("vi", "gpmt", "1.010727"),
    ("vi", "C/O RCEP", "1.010762"),
    ("vi", "CO", "1.010762"),
    ("vi", "KCN sinh thái", "2.002728"),
    ("vi", "UBND chấp thuận nhà đầu tư", "1.009642"),
    ("en", "IRC", "1.009664"),
    ("en", "EIA", "1.010733"),
    // One-letter typos in words of five letters or more
    ("vi", "giay phep moi truog", "1.010727"),
    ("vi", "giay phepp xay dung", "1.013236"),
    ("vi", "noi quy lao dongg", "2.001955"),
    ("vi", "chap thaun chu truong dau tu", "1.009645"),
    ("en", "enviromental permit", "1.010727"),
    // i/y spellings
    ("vi", "đăng kí đầu tư", "1.009664"),
    ("vi", "đăng kí nội qui lao động", "2.001955"),
    // Extra words that are not in the title
    ("vi", "xin cấp giấy phép môi trường", "1.010727"),
    ("vi", "thủ tục cấp giấy phép xây dựng", "1.013236"),
    ("vi", "làm giấy phép lao động", "1.014199"),
    ("vi", "cách xin giấy phép lao động cho người nước ngoài", "1.014199"),
    ("vi", "hồ sơ đăng ký đầu tư", "1.009664"),
    ("vi", "thu tuc xin giay phep moi truong", "1.010727"),
];

fn repo() -> PathBuf {
    support::root()
}

fn search_js() -> PathBuf {
    repo().join("themes/default/static/js/search.js")
}

/// Writes the search index of both editions for the site at `root` into `dir`.
fn write_indexes(root: &Path, dir: &Path) {
    let site = onestop::load::load_site(root, None).unwrap_or_else(|e| panic!("example site does not load: {e:?}"));
    for (lang, name) in [(Lang::Vi, "vi.json"), (Lang::En, "en.json")] {
        let mut buf = Vec::new();
        search_index(&site, lang, &mut buf).unwrap();
        std::fs::write(dir.join(name), buf).unwrap();
    }
}

/// Runs every query through search.js in node and returns, per query, the codes
/// of the first results (at most 10).
fn run_queries(dir: &Path, queries: &[(&str, &str)]) -> Option<Vec<Vec<String>>> {
    Some(run_queries_ignored(dir, queries)?.into_iter().map(|(codes, _)| codes).collect())
}

/// `run_queries`, with the words of each query that matched no procedure and were left out.
fn run_queries_ignored(dir: &Path, queries: &[(&str, &str)]) -> Option<Vec<(Vec<String>, Vec<String>)>> {
    let node = support::which("node");
    if !support::require("search ranking", "node", node.is_some()) {
        return None;
    }
    let driver = r#"
const [js, dir] = process.argv.slice(-2);
const engine = require(js);
const fs = require("fs");
const path = require("path");
const indexes = {};
const queries = JSON.parse(fs.readFileSync(0, "utf8"));
const out = queries.map(([ed, q]) => {
  if (!indexes[ed]) indexes[ed] = engine.prepare(JSON.parse(fs.readFileSync(path.join(dir, ed + ".json"), "utf8")));
  const r = engine.search(indexes[ed], q);
  // Procedures only: questions from businesses are listed beside them and have no code.
  return [r.hits.filter((h) => !h.d._qa).slice(0, 10).map((h) => h.d.c), r.ignored];
});
process.stdout.write(JSON.stringify(out));
"#;
    let mut child = Command::new(node.unwrap())
        .arg("-e")
        .arg(driver)
        .arg(search_js())
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    child.stdin.take().unwrap().write_all(serde_json::to_string(queries).unwrap().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "node failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).expect("node prints a JSON array"))
}

fn example_indexes() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_indexes(&repo(), dir.path());
    dir
}

#[test]
fn the_query_table_finds_the_expected_procedure_first() {
    assert!(TABLE.len() >= 30);
    let dir = example_indexes();
    let queries: Vec<(&str, &str)> = TABLE.iter().map(|(e, q, _)| (*e, *q)).collect();
    let Some(results) = run_queries_ignored(dir.path(), &queries) else { return };
    let mut failures = Vec::new();
    for ((ed, q, want), (got, ignored)) in TABLE.iter().zip(&results) {
        if got.first().map(String::as_str) != Some(*want) {
            failures.push(format!("  [{ed}] {q:?}: expected {want} first, got {:?}", &got[..got.len().min(5)]));
        } else if !ignored.is_empty() {
            failures.push(format!("  [{ed}] {q:?}: {want} first, but only because {ignored:?} matched nothing"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} queries do not rank the expected procedure first:\n{}",
        failures.len(),
        TABLE.len(),
        failures.join("\n")
    );
}

#[test]
fn ki_and_ky_find_the_same_procedures_in_the_same_order() {
    let dir = example_indexes();
    let pairs =
        [("kí", "ký"), ("đăng kí", "đăng ký"), ("lí", "lý"), ("qui hoạch", "quy hoạch"), ("ki thuat", "ky thuat")];
    let queries: Vec<(&str, &str)> = pairs.iter().flat_map(|(a, b)| [("vi", *a), ("vi", *b)]).collect();
    let Some(r) = run_queries(dir.path(), &queries) else { return };
    for (i, (a, b)) in pairs.iter().enumerate() {
        assert_eq!(r[2 * i], r[2 * i + 1], "{a:?} and {b:?} should give the same results");
    }
    // "kí" finds the procedures with "ký" in their title, not words that merely start with "ki".
    assert!(!r[0].is_empty(), "\"kí\" finds nothing");
    let index: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.path().join("vi.json")).unwrap()).unwrap();
    let title = |code: &str| {
        index["docs"].as_array().unwrap().iter().find(|d| d["c"] == code).unwrap()["t"].as_str().unwrap().to_lowercase()
    };
    for code in r[0].iter().take(5) {
        assert!(
            title(code).contains("ký"),
            "\"kí\": {code} ({}) ranks in the top 5 without \"ký\" in its title",
            title(code)
        );
    }
}

#[test]
fn title_matches_rank_above_body_matches() {
    let dir = example_indexes();
    let queries = [("vi", "quy hoạch"), ("vi", "môi trường"), ("vi", "người lao động nước ngoài"), ("en", "land")];
    let Some(r) = run_queries(dir.path(), &queries) else { return };
    let index: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.path().join("vi.json")).unwrap()).unwrap();
    let en: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.path().join("en.json")).unwrap()).unwrap();
    for ((ed, q), codes) in queries.iter().zip(&r) {
        let idx = if *ed == "en" { &en } else { &index };
        let words: Vec<String> = onestop::text::fold(q).split(' ').map(String::from).collect();
        let in_title = |code: &str| {
            let d = idx["docs"].as_array().unwrap().iter().find(|d| d["c"] == code).unwrap();
            let k = d["k"].as_str().unwrap();
            words.iter().all(|w| k.split(|c: char| !c.is_alphanumeric()).any(|x| x == w))
        };
        let flags: Vec<bool> = codes.iter().map(|c| in_title(c)).collect();
        assert!(flags.first() == Some(&true), "[{ed}] {q:?}: the first result has no title match: {codes:?}");
        let first_body = flags.iter().position(|f| !f).unwrap_or(flags.len());
        assert!(
            flags[first_body..].iter().all(|f| !f),
            "[{ed}] {q:?}: a title match ranks below a body match: {codes:?} {flags:?}"
        );
    }
}

#[test]
fn the_general_procedure_ranks_above_its_variants_unless_the_query_names_one() {
    let dir = example_indexes();
    let queries = [
        ("vi", "giấy phép xây dựng"),
        ("vi", "gia hạn giấy phép xây dựng"),
        ("vi", "điều chỉnh giấy phép xây dựng"),
        ("en", "construction permit"),
        ("en", "construction permit re-issuance"),
        ("en", "adjustment of construction permit"),
    ];
    let Some(r) = run_queries(dir.path(), &queries) else { return };
    let want = ["1.013236", "1.013233", "1.013231", "1.013236", "1.013235", "1.013231"];
    for (((ed, q), got), want) in queries.iter().zip(&r).zip(want) {
        assert_eq!(got.first().map(String::as_str), Some(want), "[{ed}] {q:?}: {got:?}");
    }
    // Without a variant word, every variant of the permit ranks below the general one.
    let pos = |code: &str| r[0].iter().position(|c| c == code);
    for variant in ["1.013231", "1.013233", "1.013235"] {
        assert!(pos("1.013236") < pos(variant) || pos(variant).is_none(), "{variant} above 1.013236: {:?}", r[0]);
    }
}

#[test]
fn words_that_match_nothing_are_ignored_and_reported() {
    let dir = example_indexes();
    let driver = r#"
const [js, dir] = process.argv.slice(-2);
const engine = require(js);
const fs = require("fs");
const ix = engine.prepare(JSON.parse(fs.readFileSync(dir + "/vi.json", "utf8")));
const r = engine.search(ix, "giấy phép xây dựng Qwzx");
process.stdout.write(JSON.stringify({ first: r.hits[0] && r.hits[0].d.c, ignored: r.ignored }));
"#;
    let Some(node) = support::which("node") else {
        support::require("search ranking", "node", false);
        return;
    };
    let out = Command::new(node).arg("-e").arg(driver).arg(search_js()).arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["first"], "1.013236", "{v}");
    assert_eq!(v["ignored"], serde_json::json!(["Qwzx"]), "{v}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A copy of the example site whose site.toml ends with `extra`.
fn site_with(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["content", "diagrams"] {
        if repo().join(sub).is_dir() {
            copy_dir(&repo().join(sub), &dir.path().join(sub));
        }
    }
    let toml = std::fs::read_to_string(repo().join("site.toml")).unwrap();
    std::fs::write(dir.path().join("site.toml"), format!("{toml}\n{extra}")).unwrap();
    dir
}

#[test]
fn a_site_extends_the_abbreviations_in_site_toml() {
    let site = site_with(
        "[search]\nabbreviations = { GPDD = \"giấy phép di dời\", GPXD = [\"giấy phép xây dựng\", \"construction permit\"] }\n",
    );
    let out = tempfile::tempdir().unwrap();
    write_indexes(site.path(), out.path());
    let index: serde_json::Value = serde_json::from_slice(&std::fs::read(out.path().join("vi.json")).unwrap()).unwrap();
    assert_eq!(index["ab"]["gpdd"], serde_json::json!(["giay phep di doi"]), "folded site abbreviation");
    assert_eq!(
        index["ab"]["gpxd"],
        serde_json::json!(["giay phep xay dung", "construction permit"]),
        "site entry replaces the built-in one"
    );
    assert!(index["ab"]["pccc"].is_array(), "built-in list kept");
    let Some(r) = run_queries(out.path(), &[("vi", "GPDD"), ("en", "gpxd")]) else { return };
    assert_eq!(r[0].first().map(String::as_str), Some("1.013230"), "{:?}", r[0]);
    assert_eq!(r[1].first().map(String::as_str), Some("1.013236"), "{:?}", r[1]);
}

#[test]
fn a_bad_abbreviation_is_a_located_error() {
    let site = site_with("[search]\nabbreviations = { \"GP XD\" = \"giấy phép xây dựng\", GPMT = \"\", KCN = 3 }\n");
    let errors = match onestop::load::load_site(site.path(), None) {
        Ok(_) => panic!("bad abbreviations accepted"),
        Err(e) => e,
    };
    let text: Vec<String> = errors.iter().map(|d| format!("{}: {}: {}", d.code, d.field, d.message)).collect();
    assert!(errors.iter().any(|d| d.field == "search.abbreviations.GP XD" && d.line > 0), "key with a space: {text:?}");
    assert!(errors.iter().any(|d| d.field == "search.abbreviations.KCN"), "number: {text:?}");
    assert!(errors.iter().any(|d| d.field == "search.abbreviations.GPMT"), "empty expansion: {text:?}");
}
