//! `onestop init` (issue 16): a new site folder in which `check` and `build`
//! succeed at once (with and without print products), the options in its
//! site.toml, a Vietnamese-only site, the refusal of a non-empty folder,
//! `--force` keeping existing files byte for byte, and clear errors for a
//! target that is a file or cannot be written and for bad options.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn onestop(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onestop")).args(args).arg(dir).output().unwrap()
}

fn init(dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onestop")).arg("init").arg(dir).args(extra).output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn site_toml(dir: &Path) -> toml::Table {
    toml::from_str(&fs::read_to_string(dir.join("site.toml")).unwrap()).unwrap()
}

const FILES: [&str; 5] = [
    "site.toml",
    "content/procedures/van-hanh-lao-dong/dang-ky-noi-quy-lao-dong.toml",
    "content/pages/gioi-thieu.md",
    ".gitignore",
    ".github/workflows/onestop.yml",
];

#[test]
fn a_new_site_checks_and_builds_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ninh-binh");
    let name = "Ban Quản lý các khu công nghiệp tỉnh Ninh Bình";
    let o = init(&dir, &["--name", name, "--portal", "https://dichvucong.ninhbinh.gov.vn/", "--scheme", "2022"]);
    assert!(o.status.success(), "{}", text(&o));
    for f in FILES {
        assert!(dir.join(f).is_file(), "{f} missing");
        assert!(text(&o).contains(&format!("created  {}", dir.join(f).display())), "{}", text(&o));
    }

    let check = onestop(&["check", "--root"], &dir);
    assert!(check.status.success(), "check: {}", text(&check));
    assert!(!text(&check).contains("error:") && !text(&check).contains("errors;"), "{}", text(&check));
    assert!(text(&check).contains("ok: 1 procedures"), "{}", text(&check));

    let out = tmp.path().join("out");
    let build = Command::new(env!("CARGO_BIN_EXE_onestop"))
        .args(["build", "--no-print", "--root"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(build.status.success(), "build: {}", text(&build));
    let record = fs::read_to_string(out.join("thu-tuc/dang-ky-noi-quy-lao-dong/index.html")).unwrap();
    assert!(record.contains("Đăng ký nội quy lao động của doanh nghiệp"));
    assert!(record.contains("2.001955"));
    assert!(record.contains("Dịch vụ công trực tuyến toàn trình"), "level 4 in the 2022 scheme");
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains(name), "the agency's name on the home page");
    assert!(out.join("gioi-thieu/index.html").is_file());
    assert!(out.join("en/thu-tuc/dang-ky-noi-quy-lao-dong/index.html").is_file(), "English by default");

    // The next step of the path: `onestop new` writes into the new site.
    let new = Command::new(env!("CARGO_BIN_EXE_onestop"))
        .args(["new", "cap-giay-phep-xay-dung", "--stage", "xay-dung", "--root"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(new.status.success(), "{}", text(&new));
    assert!(dir.join("content/procedures/xay-dung/cap-giay-phep-xay-dung.toml").is_file());
}

#[test]
fn a_new_site_builds_its_print_products() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    assert!(init(&dir, &["--name", "Sở Xây dựng tỉnh Ninh Bình", "--lang", "vi"]).status.success());
    let started = std::time::Instant::now();
    let build = onestop(&["build", "--quiet", "--root"], &dir);
    assert!(build.status.success(), "build: {}", text(&build));
    eprintln!("init site: build with print products in {:.1} s", started.elapsed().as_secs_f64());
    let public = dir.join("public");
    assert!(public.join("in-an/dang-ky-noi-quy-lao-dong.pdf").is_file(), "the record's leaflet");
    assert!(dir.join(".onestop-cache").is_dir());
    let ignore = fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/public/") && ignore.lines().any(|l| l == "/.onestop-cache/"), "{ignore}");
}

#[test]
fn the_options_land_in_site_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a");
    let name = "Sở Công Thương tỉnh \"Ninh Bình\"";
    let portal = "https://dichvucong.ninhbinh.gov.vn/";
    assert!(init(&dir, &["--name", name, "--portal", portal, "--scheme", "2022", "--lang", "vi"]).status.success());
    let site = site_toml(&dir);
    assert_eq!(site["organisation"]["name"].as_str(), Some(name));
    assert_eq!(site["title"].as_str(), Some(format!("Thủ tục hành chính — {name}").as_str()));
    assert_eq!(site["portal_url"].as_str(), Some(portal));
    assert_eq!(site["level_scheme"].as_str(), Some("2022"));
    assert_eq!(site["languages"].as_array().unwrap().len(), 1);
    assert_eq!(site["stages"].as_array().unwrap().len(), 6, "the six journey stages");
    assert!(site["fields"].as_array().unwrap().len() >= 10);

    // --lang vi: a Vietnamese-only site, no /en/ at all.
    let out = tmp.path().join("out");
    let b = Command::new(env!("CARGO_BIN_EXE_onestop"))
        .args(["build", "--no-print", "--root"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(b.status.success(), "{}", text(&b));
    assert!(out.join("index.html").is_file() && !out.join("en").exists());

    // Defaults: both languages, the 2011 scheme, no portal, a name to replace.
    let dir = tmp.path().join("b");
    let o = init(&dir, &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("No --name given"), "{}", text(&o));
    let site = site_toml(&dir);
    let langs: Vec<&str> = site["languages"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    assert_eq!(langs, ["vi", "en"]);
    assert_eq!(site["level_scheme"].as_str(), Some("2011"));
    assert!(!site.contains_key("portal_url"));
    assert_eq!(site["organisation"]["name"].as_str(), Some(onestop::init::PLACEHOLDER_NAME));
    let check = onestop(&["check", "--root"], &dir);
    assert!(check.status.success(), "{}", text(&check));
}

#[test]
fn a_non_empty_folder_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("notes.txt"), "giữ nguyên").unwrap();
    let o = init(dir, &["--name", "X"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("is not empty (it has notes.txt)") && err.contains("hint:") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(fs::read_dir(dir).unwrap().count(), 1, "nothing written");

    // A folder with only an empty `git init` counts as empty.
    let repo = tmp.path().join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    assert!(init(&repo, &[]).status.success());
    // A second init into it is refused: it is a site now.
    let again = init(&repo, &[]);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
}

#[test]
fn force_writes_only_the_missing_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mine = "# my own site.toml — not replaced\ntitle = \"x\"\n";
    fs::write(dir.join("site.toml"), mine).unwrap();
    fs::create_dir_all(dir.join("content/pages")).unwrap();
    fs::write(dir.join("content/pages/gioi-thieu.md"), [0xffu8, 0, 1, 2]).unwrap();
    let o = init(dir, &["--force", "--name", "Y"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(fs::read_to_string(dir.join("site.toml")).unwrap(), mine, "byte-identical");
    assert_eq!(fs::read(dir.join("content/pages/gioi-thieu.md")).unwrap(), [0xffu8, 0, 1, 2]);
    let out = text(&o);
    assert!(out.contains(&format!("kept     {} (it exists; not replaced)", dir.join("site.toml").display())), "{out}");
    assert!(out.contains("kept     ") && out.matches("kept     ").count() == 2, "{out}");
    for f in [FILES[1], FILES[3], FILES[4]] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    // Again with --force: everything exists, nothing changes.
    let before: Vec<Vec<u8>> = FILES.iter().map(|f| fs::read(dir.join(f)).unwrap()).collect();
    let o = init(dir, &["--force"]);
    assert!(o.status.success() && text(&o).matches("kept     ").count() == 5, "{}", text(&o));
    let after: Vec<Vec<u8>> = FILES.iter().map(|f| fs::read(dir.join(f)).unwrap()).collect();
    assert_eq!(before, after);
}

#[test]
fn bad_targets_and_options_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    fs::write(&file, "x").unwrap();
    let o = init(&file, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("exists and is not a folder") && text(&o).contains("hint:"), "{}", text(&o));

    // A folder that cannot be created (its parent is a file): an I/O error naming the path.
    let o = init(&file.join("site"), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("error: cannot write") && text(&o).contains("nothing was written"), "{}", text(&o));

    let dir = tmp.path().join("new");
    for (args, says) in [
        (&["--lang", "en"][..], "--lang `en` is not a language list"),
        (&["--lang", "vi,fr"], "hint: Vietnamese comes first"),
        (&["--portal", "dichvucong.gov.vn"], "--portal `dichvucong.gov.vn` is not an http(s) address"),
        (&["--scheme", "2030"], "2030"),
        (&["--name", "a\nb"], "--name must be one line"),
    ] {
        let o = init(&dir, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(says), "{args:?}: {}", text(&o));
        assert!(!dir.exists(), "{args:?}: nothing written");
    }
}

#[test]
fn the_workflow_checks_builds_and_says_how_onestop_is_installed() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(init(tmp.path(), &[]).status.success());
    let wf = fs::read_to_string(tmp.path().join(".github/workflows/onestop.yml")).unwrap();
    let check = wf.find("run: onestop check --format github").expect("check step");
    let build = wf.find("run: onestop build").expect("build step");
    assert!(check < build);
    assert!(wf.contains("cargo install --locked --git"), "how onestop is installed");
    assert!(wf.contains("fetch-depth: 0"), "history for the last-updated dates");
    assert!(wf.contains("path: public/"));
}
