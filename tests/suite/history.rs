//! History from git: in a temporary repository with two commits on different
//! dates, each procedure page shows the date of the last commit that changed
//! its record, "Recent changes" and the Atom feed list them newest first, and
//! the feed parses as Atom. An uncommitted edit shows the file's time.

use onestop::build::{BuildOptions, build};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const ATOM: &str = "http://www.w3.org/2005/Atom";
const FIRST: &str = "2024-03-05T10:00:00+07:00";
const SECOND: &str = "2025-06-15T09:30:00+07:00";
/// valid-min's records (slug → code).
const CAP: &str = "cap-giay-chung-nhan-dang-ky-dau-tu";
const CHAP: &str = "chap-thuan-chu-truong-dau-tu";
const XD: &str = "cap-giay-phep-xay-dung";

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid-min")
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = e.path().strip_prefix(from).unwrap();
        if e.file_type().is_dir() {
            fs::create_dir_all(to.join(rel)).unwrap();
        } else {
            fs::copy(e.path(), to.join(rel)).unwrap();
        }
    }
}

fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Editor", "-c", "user.email=editor@example.gov.vn", "-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git must be installed for the history tests");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// valid-min committed on FIRST, then CAP's record changed on SECOND.
fn repo_with_two_commits() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), dir.path());
    git(dir.path(), &["init", "-q"], FIRST);
    git(dir.path(), &["add", "-A"], FIRST);
    git(dir.path(), &["commit", "-q", "-m", "first"], FIRST);
    let rec = dir.path().join("content/procedures/dau-tu").join(format!("{CAP}.toml"));
    let text = fs::read_to_string(&rec)
        .unwrap()
        .replace("cho dự án trong khu công nghiệp.", "cho dự án trong khu công nghiệp (sửa đổi).");
    fs::write(&rec, text).unwrap();
    git(dir.path(), &["commit", "-q", "-a", "-m", "second"], SECOND);
    dir
}

fn build_site(root: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    build(&BuildOptions {
        root: root.to_path_buf(),
        out_dir: out.path().join("public"),
        base_url: None,
        check_only: false,
        progress: false,
    })
    .unwrap_or_else(|e| panic!("{e:?}"));
    out
}

fn read(out: &Path, rel: &str) -> String {
    fs::read_to_string(out.join("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn page_date(out: &Path, slug: &str) -> String {
    let html = read(out, &format!("thu-tuc/{slug}/index.html"));
    let at = html.find("class=\"proc-updated\"").unwrap_or_else(|| panic!("{slug}: no last-updated date"));
    html[at..].split("</p>").next().unwrap().to_string()
}

#[test]
fn pages_show_the_date_of_the_last_commit_of_their_record() {
    let repo = repo_with_two_commits();
    let out = build_site(repo.path());
    let cap = page_date(out.path(), CAP);
    assert!(cap.contains(&format!("datetime=\"{SECOND}\"")) && cap.contains("15/06/2025"), "{cap}");
    for slug in [CHAP, XD] {
        let d = page_date(out.path(), slug);
        assert!(d.contains(&format!("datetime=\"{FIRST}\"")) && d.contains("05/03/2024"), "{slug}: {d}");
    }

    // Recent changes: the changed record first, linked, with its date; the
    // page is linked from the footer of every page.
    let changes = read(out.path(), "thay-doi/index.html");
    let first_row = changes.find(&format!("thu-tuc/{CAP}/")).expect("the changed record is listed");
    for slug in [CHAP, XD] {
        assert!(changes.find(&format!("thu-tuc/{slug}/")).is_some_and(|i| i > first_row), "{slug} after {CAP}");
    }
    assert!(changes.contains("<time datetime=\"2025-06-15T09:30:00+07:00\">15/06/2025</time>"));
    let home = read(out.path(), "index.html");
    assert!(home.contains("href=\"/thay-doi/\""), "footer links Recent changes");
    assert!(home.contains("<link rel=\"alternate\" type=\"application/atom+xml\""), "pages announce the feed");
}

#[test]
fn the_feed_is_atom_with_the_right_dates() {
    let repo = repo_with_two_commits();
    let out = build_site(repo.path());
    let xml = read(out.path(), "thay-doi/atom.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("the feed is not XML: {e}\n{xml}"));
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some(ATOM));
    let child = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children()
            .find(|c| c.tag_name().name() == name && c.tag_name().namespace() == Some(ATOM))
            .map(|c| c.text().unwrap_or("").to_string())
    };
    let base = "https://thutuc.example.gov.vn/";
    assert!(child(feed, "id").is_some_and(|id| id.starts_with("https://")), "feed id");
    assert!(child(feed, "title").is_some_and(|t| !t.is_empty()), "feed title");
    assert_eq!(child(feed, "updated").as_deref(), Some(SECOND), "the feed's updated is its newest entry");
    assert!(feed.children().any(|c| c.tag_name().name() == "link" && c.attribute("rel") == Some("self")));
    assert!(feed.children().any(|c| c.tag_name().name() == "author" && child(c, "name").is_some()));
    let entries: Vec<_> = feed.children().filter(|c| c.tag_name().name() == "entry").collect();
    assert_eq!(entries.len(), 3);
    let got: Vec<_> = entries.iter().map(|e| (child(*e, "id").unwrap(), child(*e, "updated").unwrap())).collect();
    assert_eq!(got[0], (format!("{base}thu-tuc/{CAP}/"), SECOND.to_string()));
    for (id, updated) in &got[1..] {
        assert_eq!(updated, FIRST, "{id}");
    }
    for e in &entries {
        assert!(child(*e, "title").is_some_and(|t| !t.is_empty()));
        assert!(
            e.children()
                .any(|c| c.tag_name().name() == "link" && c.attribute("href").is_some_and(|h| h.starts_with(base)))
        );
    }
    // Same commit, same bytes.
    let again = build_site(repo.path());
    assert_eq!(xml, read(again.path(), "thay-doi/atom.xml"));
    assert_eq!(read(out.path(), "thay-doi/index.html"), read(again.path(), "thay-doi/index.html"));
}

#[test]
fn an_uncommitted_edit_shows_the_file_time() {
    let repo = repo_with_two_commits();
    let rec = repo.path().join("content/procedures/xay-dung").join(format!("{XD}.toml"));
    let text = fs::read_to_string(&rec).unwrap().replace("Hồ sơ nộp trực tiếp", "Hồ sơ được nộp trực tiếp");
    fs::write(&rec, text).unwrap();
    let mtime =
        fs::metadata(&rec).unwrap().modified().unwrap().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let expected = onestop::load::history::utc(mtime);
    let out = build_site(repo.path());
    let d = page_date(out.path(), XD);
    assert!(d.contains(&format!("datetime=\"{}\"", expected.iso)), "{d} (expected {})", expected.iso);
    // The committed records keep their commit dates.
    assert!(page_date(out.path(), CHAP).contains(FIRST));
}

#[test]
fn outside_a_repository_the_file_time_is_used() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), dir.path());
    let rec = dir.path().join("content/procedures/dau-tu").join(format!("{CHAP}.toml"));
    let mtime =
        fs::metadata(&rec).unwrap().modified().unwrap().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let out = build_site(dir.path());
    assert!(page_date(out.path(), CHAP).contains(&onestop::load::history::utc(mtime).iso));
}
