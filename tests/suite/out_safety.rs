//! `onestop build --out DIR` must never replace, move or delete the site's own
//! sources (issue 10), and a build never leaves its staging or swapped-out
//! folders behind. These tests drive the real binary on a copy of
//! `tests/fixtures/valid-min`, laid out as `<tmp>/outer/site/`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid-min")
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().flatten() {
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// `<tmp>/outer/site/` holding a copy of the fixture; returns (tmp, site).
fn new_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("outer/site");
    copy_dir(&fixture(), &site);
    (tmp, site)
}

/// Runs `onestop build --root <site> --out <out>` from inside the site folder
/// (relative `--out` paths are relative to the current directory).
fn build(site: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onestop"))
        .current_dir(site)
        .arg("build")
        .arg("--quiet")
        .arg("--root")
        .arg(site)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// Every path under `dir` with its bytes (files), its target (symlinks) or
/// nothing (folders); symlinks are not followed.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut all = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).follow_links(false).into_iter().flatten() {
        let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
        let what = if e.path_is_symlink() {
            format!("link -> {}", fs::read_link(e.path()).unwrap().display())
        } else if e.file_type().is_dir() {
            "dir".to_string()
        } else {
            format!("file {:?}", fs::read(e.path()).unwrap())
        };
        all.insert(rel, what);
    }
    all
}

/// Staging (`*.tmp-<pid>`) or swapped-out (`*.old-<pid>`) folders under `dir`.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name.contains(".tmp-") || name.contains(".old-")
        })
        .map(|e| e.path().to_path_buf())
        .collect()
}

/// Builds into `out` and expects a refusal: exit 2, a message naming the
/// folder, and not one byte changed anywhere under the temporary folder.
fn assert_refused(tmp: &Path, site: &Path, out: &Path) {
    let before = snapshot(tmp);
    let res = build(site, out);
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(2), "--out {}: expected exit 2, got {:?}\n{stderr}", out.display(), res.status);
    assert!(stderr.contains("refusing to build into"), "--out {}: {stderr}", out.display());
    assert!(stderr.contains("hint:"), "--out {}: no hint in {stderr}", out.display());
    let after = snapshot(tmp);
    let changed: Vec<_> = before
        .iter()
        .filter(|(p, v)| after.get(*p) != Some(v))
        .map(|(p, _)| format!("changed or gone: {}", p.display()))
        .chain(after.keys().filter(|p| !before.contains_key(*p)).map(|p| format!("new: {}", p.display())))
        .collect();
    assert!(changed.is_empty(), "--out {}: {changed:#?}", out.display());
    assert_eq!(leftovers(tmp), Vec::<PathBuf>::new(), "--out {}", out.display());
}

#[test]
fn refuses_source_folders() {
    for out in ["content/procedures", "content/pages", "content", "public/../diagrams", "content/../content"] {
        let (tmp, site) = new_site();
        fs::create_dir_all(site.join("diagrams")).unwrap();
        fs::write(site.join("diagrams/keep.txt"), "poster source").unwrap();
        assert_refused(tmp.path(), &site, Path::new(out));
    }
}

#[test]
fn refuses_theme_and_git_folders() {
    // A site with its own copy of the default theme.
    let (tmp, site) = new_site();
    copy_dir(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("themes/default"), &site.join("themes/default"));
    assert_refused(tmp.path(), &site, Path::new("themes/default"));
    for (make, out) in [
        (".git/objects", ".git"),
        (".git/objects", ".git/objects"),
        (".onestop-cache/poster", ".onestop-cache"),
        ("static/img", "static/img/out"),
        ("templates", "templates"),
        ("print", "print"),
        ("i18n", "i18n"),
        ("src", "src"),
    ] {
        let (tmp, site) = new_site();
        fs::create_dir_all(site.join(make)).unwrap();
        fs::write(site.join(make).join("keep.txt"), "source").unwrap();
        assert_refused(tmp.path(), &site, Path::new(out));
    }
}

#[test]
fn refuses_a_file() {
    let (tmp, site) = new_site();
    assert_refused(tmp.path(), &site, Path::new("site.toml"));
    let (tmp, site) = new_site();
    fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    assert_refused(tmp.path(), &site, &tmp.path().join("notes.txt"));
}

#[test]
fn refuses_the_site_and_its_ancestors() {
    for out in [".", "..", "../..", "./", "content/.."] {
        let (tmp, site) = new_site();
        assert_refused(tmp.path(), &site, Path::new(out));
    }
    let (tmp, site) = new_site();
    assert_refused(tmp.path(), &site, &site.clone());
    let (tmp, site) = new_site();
    assert_refused(tmp.path(), &site, &tmp.path().join("outer"));
}

#[test]
fn refuses_a_symlink_into_the_sources() {
    let (tmp, site) = new_site();
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(site.join("content"), elsewhere.join("link")).unwrap();
    assert_refused(tmp.path(), &site, &elsewhere.join("link"));
    assert_refused(tmp.path(), &site, &elsewhere.join("link/procedures"));
    // Through the link, then `..` back up: still the content folder.
    assert_refused(tmp.path(), &site, &elsewhere.join("link/procedures/.."));
    // A not-yet-existing folder below a linked source folder.
    assert_refused(tmp.path(), &site, &elsewhere.join("link/new/www"));
}

#[test]
fn refuses_a_folder_that_contains_a_linked_source() {
    // The content folder is a link to a folder outside the site: an output
    // folder holding that target would replace the records too.
    let (tmp, site) = new_site();
    let data = tmp.path().join("data");
    fs::create_dir_all(&data).unwrap();
    fs::rename(site.join("content"), data.join("content")).unwrap();
    std::os::unix::fs::symlink(data.join("content"), site.join("content")).unwrap();
    assert_refused(tmp.path(), &site, &data);
}

#[test]
fn builds_into_public_and_outside_the_site() {
    let (tmp, site) = new_site();
    let res = build(&site, Path::new("public"));
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    assert!(site.join("public/index.html").is_file());
    // Again, over the existing output.
    let res = build(&site, Path::new("public"));
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    let www = tmp.path().join("www/site");
    let res = build(&site, &www);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    assert!(www.join("index.html").is_file());
    // `..` that resolves to a harmless folder is fine too.
    let res = build(&site, Path::new("content/../public2"));
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    assert!(site.join("public2/index.html").is_file());
    assert_eq!(leftovers(tmp.path()), Vec::<PathBuf>::new());
    assert!(site.join("content/procedures/xay-dung/cap-giay-phep-xay-dung.toml").is_file());
}

#[test]
fn a_malformed_percent_escape_in_a_form_url_does_not_crash() {
    let (tmp, site) = new_site();
    let record = site.join("content/procedures/xay-dung/cap-giay-phep-xay-dung.toml");
    let text = fs::read_to_string(&record).unwrap();
    let text = text.replacen("copies = 0\n", "copies = 0\nform_url = \"/static/mau-%aé.pdf\"\n", 1);
    fs::write(&record, text).unwrap();
    let res = build(&site, Path::new("public"));
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(matches!(res.status.code(), Some(0 | 1)), "exit {:?}: {stderr}", res.status);
    if res.status.code() == Some(1) {
        assert!(stderr.contains("broken-link") && stderr.contains("mau-%a"), "{stderr}");
        assert!(stderr.contains("cap-giay-phep-xay-dung.toml"), "not located: {stderr}");
    }
    assert_eq!(leftovers(tmp.path()), Vec::<PathBuf>::new());
}

/// The pid of a process that has exited (and been reaped): no such process.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    assert!(!Path::new(&format!("/proc/{pid}")).exists(), "pid {pid} was reused already");
    pid
}

#[test]
fn leftovers_of_killed_builds_are_cleaned() {
    let (tmp, site) = new_site();
    let res = build(&site, Path::new("public"));
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    let (dead, dead2) = (dead_pid(), 4_194_304 + 17);
    let alive = std::process::id();
    for name in [format!("public.tmp-{dead}"), format!("public.old-{dead2}"), format!("public.tmp-{alive}x")] {
        fs::create_dir_all(site.join(&name).join("thu-tuc")).unwrap();
        fs::write(site.join(&name).join("thu-tuc/index.html"), "half").unwrap();
    }
    // This test process is alive: its folders are not touched.
    fs::create_dir_all(site.join(format!("public.tmp-{alive}"))).unwrap();
    // Someone else's folder with a similar name is not touched either.
    fs::create_dir_all(site.join("public2.tmp-1")).unwrap();
    let res = build(&site, Path::new("public"));
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    assert!(!site.join(format!("public.tmp-{dead}")).exists());
    assert!(!site.join(format!("public.old-{dead2}")).exists());
    assert!(site.join(format!("public.tmp-{alive}")).is_dir());
    assert!(site.join(format!("public.tmp-{alive}x")).is_dir());
    assert!(site.join("public2.tmp-1").is_dir());
    assert!(site.join("public/index.html").is_file());
    drop(tmp);
}

#[test]
fn the_last_good_output_of_a_killed_build_is_put_back() {
    // Killed between the two renames of the swap: `public` is gone, its
    // contents are in `public.old-<pid>`. A refused build does not touch it;
    // the next build starts by putting it back.
    let (tmp, site) = new_site();
    let dead = dead_pid();
    let old = site.join(format!("public.old-{dead}"));
    fs::create_dir_all(&old).unwrap();
    fs::write(old.join("index.html"), "last good").unwrap();
    // A content error: the build fails, and the last good output must be in place.
    let record = site.join("content/procedures/xay-dung/cap-giay-phep-xay-dung.toml");
    let good = fs::read_to_string(&record).unwrap();
    fs::write(&record, good.replace("level = 2", "level = 9")).unwrap();
    let res = build(&site, Path::new("public"));
    assert_eq!(res.status.code(), Some(1), "{}", String::from_utf8_lossy(&res.stderr));
    assert_eq!(fs::read_to_string(site.join("public/index.html")).unwrap(), "last good");
    assert!(!old.exists());
    assert_eq!(leftovers(tmp.path()), Vec::<PathBuf>::new());
}
