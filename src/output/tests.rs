use super::*;

#[test]
fn out_paths_cannot_escape() {
    assert!(OutPath::new("thu-tuc/a/index.html").is_ok());
    for bad in ["../x", "/etc/passwd", "a/../../b", "a//b", "", "a\\b"] {
        assert!(OutPath::new(bad).is_err(), "{bad}");
    }
}

#[test]
fn link_check_finds_missing_pages_and_anchors() {
    let out = Output::in_memory();
    out.put_html("t", "index.html", b"<a href=\"/tthc/thu-tuc/\">x</a><a href=\"/tthc/nope/\">y</a><a href=\"/tthc/thu-tuc/#top\">z</a><a href=\"#missing\">w</a>", None);
    out.put_html(
        "t",
        "thu-tuc/index.html",
        b"<h1 id=\"top\">x</h1><a href=\"../\">up</a><a href=\"https://x.vn\">e</a>",
        None,
    );
    let errs = out.finish_checks("/tthc/");
    let msgs: Vec<_> = errs.iter().map(|e| e.message.clone()).collect();
    assert_eq!(errs.len(), 2, "{msgs:?}");
    assert!(msgs[0].contains("/tthc/nope/") || msgs[1].contains("/tthc/nope/"));
    assert!(msgs.iter().any(|m| m.contains("#missing")));
}

#[test]
fn duplicate_outputs_are_errors() {
    let out = Output::in_memory();
    out.put("a", "x.html", b"");
    out.put("b", "x.html", b"");
    assert_eq!(out.finish_checks("/")[0].code, "dup-output");
}

#[test]
fn failed_build_leaves_public_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    fs::create_dir_all(&public).unwrap();
    fs::write(public.join("old.html"), "old").unwrap();
    let out = Output::staging_for(&public).unwrap();
    out.put("t", "new.html", b"new");
    out.discard();
    assert_eq!(fs::read_to_string(public.join("old.html")).unwrap(), "old");
    assert!(!public.join("new.html").exists());
    let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1);

    let out = Output::staging_for(&public).unwrap();
    out.put("t", "new.html", b"new");
    out.commit(&public).unwrap();
    assert!(public.join("new.html").exists());
    assert!(!public.join("old.html").exists());
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<_> =
        fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn a_failed_swap_puts_the_old_output_back() {
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    fs::create_dir_all(&public).unwrap();
    fs::write(public.join("old.html"), "old").unwrap();
    let out = Output::staging_for(&public).unwrap();
    out.put("t", "new.html", b"new");
    // The second rename (staging → public) fails: the staging folder is gone.
    fs::remove_dir_all(dir.path().join(format!("public.tmp-{}", std::process::id()))).unwrap();
    assert!(out.commit(&public).is_err());
    assert_eq!(fs::read_to_string(public.join("old.html")).unwrap(), "old");
    assert_eq!(names(dir.path()), ["public"]);
}

#[test]
fn a_swap_through_dot_dot_of_the_output_itself_is_undone_or_done() {
    // `x/../public`: renaming `x` away must not make the path unreachable.
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    fs::create_dir_all(&public).unwrap();
    fs::write(public.join("old.html"), "old").unwrap();
    let spelled = dir.path().join("public/../public");
    let out = Output::staging_for(&spelled).unwrap();
    out.put("t", "new.html", b"new");
    out.commit(&spelled).unwrap();
    assert!(public.join("new.html").is_file());
    assert_eq!(names(dir.path()), ["public"]);
}

#[test]
fn a_failed_staging_folder_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // A name that fits, but not with `.tmp-<pid>` added: creating the staging folder fails
    // after its parent folders were made.
    let out_dir = dir.path().join("new/deep").join("p".repeat(250));
    assert!(Output::staging_for(&out_dir).is_err());
    assert_eq!(names(dir.path()), Vec::<String>::new());
}

#[test]
fn an_output_dropped_without_commit_leaves_no_staging_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = Output::staging_for(&dir.path().join("public")).unwrap();
    out.put("t", "a.html", b"a");
    drop(out);
    assert_eq!(names(dir.path()), Vec::<String>::new());
}

#[test]
fn malformed_percent_escapes_are_broken_links_not_panics() {
    let out = Output::in_memory();
    out.put("t", "static/mẫu.pdf", b"%PDF");
    out.put_html(
        "t",
        "index.html",
        "<a href=\"/static/mau-%aé.pdf\">a</a><a href=\"/static/m%E1%BA%ABu.pdf\">b</a><a href=\"/x%\">c</a><a href=\"/%é%\">d</a>"
            .as_bytes(),
        Some(Path::new("content/procedures/a.toml")),
    );
    let errs = out.finish_checks("/");
    let msgs: Vec<_> = errs.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(errs.len(), 3, "{msgs:?}");
    assert!(errs.iter().all(|e| e.code == "broken-link" && e.file.is_some()), "{errs:?}");
    assert!(msgs.iter().any(|m| m.contains("/static/mau-%aé.pdf")), "{msgs:?}");
}

fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn leftovers_of_dead_runs_are_removed_and_live_ones_kept() {
    if fsutil::pid_alive(std::process::id()).is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    let (dead, me) = (dead_pid(), std::process::id());
    for name in [
        "public".to_string(),
        format!("public.tmp-{dead}"),
        format!("public.old-{dead}"),
        "public.tmp-4194399".into(),
        format!("public.tmp-{me}"),
        format!("public.old-{me}"),
        "public.tmp-1".into(), // init: alive
        "public.tmp-+77".into(),
        "publicx.tmp-4194399".into(),
    ] {
        fs::create_dir_all(dir.path().join(name).join("sub")).unwrap();
    }
    let done = clean_leftovers(&public);
    assert_eq!(done.removed.len(), 3, "{done:?}");
    assert_eq!(done.restored, None);
    assert_eq!(
        names(dir.path()),
        [
            "public".to_string(),
            "public.old-".to_string() + &me.to_string(),
            "public.tmp-+77".into(),
            "public.tmp-1".into(),
            format!("public.tmp-{me}"),
            "publicx.tmp-4194399".into()
        ]
    );
}

#[test]
fn the_last_good_output_of_a_dead_run_is_renamed_back() {
    if fsutil::pid_alive(std::process::id()).is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    let old = dir.path().join(format!("public.old-{}", dead_pid()));
    fs::create_dir_all(&old).unwrap();
    fs::write(old.join("index.html"), "last good").unwrap();
    fs::create_dir_all(dir.path().join("public.tmp-4194399")).unwrap();
    let done = clean_leftovers(&public);
    assert_eq!(done.restored, Some(old));
    assert_eq!(fs::read_to_string(public.join("index.html")).unwrap(), "last good");
    assert_eq!(names(dir.path()), ["public"]);
}

/// `serve`'s rebuilds: a file with the bytes of the last good build is a
/// hard link to it, a changed one a new file; the last good build's files are
/// never written into (a link taken to the old version keeps the old bytes),
/// and a failed build changes neither the output nor what the linker knows.
#[test]
fn linked_rebuilds_share_unchanged_files_and_never_write_into_them() {
    use std::os::unix::fs::MetadataExt as _;
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    let linker = std::sync::Arc::new(Linker::default());
    let ino = |p: &str| fs::metadata(public.join(p)).unwrap().ino();
    let build = |files: &[(&str, &str)]| {
        let out = Output::staging_for(&public).unwrap().linking_from(linker.clone());
        for (p, b) in files {
            out.put("t", p, b.as_bytes());
        }
        out
    };
    let first = build(&[("a/same.pdf", "same"), ("page.html", "old")]);
    assert_eq!(first.linked_count(), 0);
    first.commit(&public).unwrap();
    let (same, page) = (ino("a/same.pdf"), ino("page.html"));
    let held = dir.path().join("held-old-page");
    fs::hard_link(public.join("page.html"), &held).unwrap();

    let second = build(&[("a/same.pdf", "same"), ("page.html", "new"), ("added.html", "x")]);
    assert_eq!(second.linked_count(), 1);
    // Before the swap, public/ is the last good build, untouched.
    assert_eq!(fs::read_to_string(public.join("page.html")).unwrap(), "old");
    second.commit(&public).unwrap();
    assert_eq!(ino("a/same.pdf"), same, "the unchanged file is the same file");
    assert_ne!(ino("page.html"), page, "the changed file is a new file");
    assert_eq!(fs::read_to_string(public.join("a/same.pdf")).unwrap(), "same");
    assert_eq!(fs::read_to_string(public.join("page.html")).unwrap(), "new");
    assert_eq!(fs::read_to_string(&held).unwrap(), "old", "the old file was not written into");

    // A failed build: public/ and the linker are as they were.
    let failed = build(&[("a/same.pdf", "same"), ("page.html", "broken")]);
    assert_eq!(failed.linked_count(), 1);
    failed.discard();
    assert_eq!(fs::read_to_string(public.join("page.html")).unwrap(), "new");
    assert_eq!(ino("a/same.pdf"), same);
    let third = build(&[("a/same.pdf", "same"), ("page.html", "new")]);
    assert_eq!(third.linked_count(), 2);
    third.commit(&public).unwrap();
    assert_eq!(names(dir.path()), ["held-old-page", "public"], "no staging or old folder left");

    // `build` (no linker) writes every file anew.
    let full = Output::staging_for(&public).unwrap();
    full.put("t", "a/same.pdf", b"same");
    assert_eq!(full.linked_count(), 0);
    full.commit(&public).unwrap();
    assert_ne!(ino("a/same.pdf"), same);
}
