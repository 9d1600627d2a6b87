//! Small file-system helpers shared by the modules that write: one atomic
//! write (temp file in the same folder, fsync, rename), path resolution that
//! sees through `..` and symlinks, folder creation that can be undone, and
//! "is this process still running" for cleaning up after killed runs.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` so that a reader (or a killed run) never sees
/// half a file: they go to a temporary file in the same folder, which is
/// flushed to disk and then renamed over `path`. The folder is created if
/// needed. On any error the temporary file is removed and `path` is as it was.
///
/// The temporary name starts with a dot (`.<name>.tmp-<pid>-<n>`), so the
/// content loader, which skips dot files, never reads one left by a crash.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
    let res = (|| {
        let mut f = fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)
    })();
    if res.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    res
}

/// `path` made absolute with `..` and symlinks resolved as far as the path
/// exists: the longest existing prefix is canonicalised, the rest (folders
/// not created yet) is appended with `.` and `..` applied lexically. Two
/// spellings of one folder (`public/../content`, `./content/`, a link to it)
/// resolve to the same path.
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let parts: Vec<Component> = abs.components().collect();
    for keep in (1..=parts.len()).rev() {
        let prefix: PathBuf = parts[..keep].iter().collect();
        let Ok(mut out) = prefix.canonicalize() else { continue };
        for part in &parts[keep..] {
            match part {
                Component::ParentDir => {
                    out.pop();
                }
                Component::Normal(n) => out.push(n),
                Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            }
        }
        return Ok(out);
    }
    Ok(abs)
}

/// `fs::create_dir_all`, returning the folders it created (outermost first)
/// so that a caller that fails later can remove them again with
/// [`remove_created`].
pub fn create_dir_all_tracked(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut cur = Some(dir);
    while let Some(d) = cur.filter(|d| !d.as_os_str().is_empty() && fs::symlink_metadata(d).is_err()) {
        missing.push(d.to_path_buf());
        cur = d.parent();
    }
    missing.reverse();
    if let Err(e) = fs::create_dir_all(dir) {
        remove_created(&missing);
        return Err(e);
    }
    Ok(missing)
}

/// Removes folders made by [`create_dir_all_tracked`], innermost first, as
/// long as they are empty (anything someone else put there stays).
pub fn remove_created(created: &[PathBuf]) {
    for d in created.iter().rev() {
        if fs::remove_dir(d).is_err() {
            break;
        }
    }
}

/// Whether process `pid` is running: `Some(true/false)` on Linux (from
/// `/proc`), `None` where that cannot be told (other systems, no `/proc`);
/// callers then must assume it is alive.
pub fn pid_alive(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    if !cfg!(target_os = "linux") || !proc.join("self").exists() {
        return None;
    }
    Some(proc.join(pid.to_string()).exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/a.toml");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.path().join("sub")).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.toml")]);
    }

    #[test]
    fn failed_atomic_write_cleans_its_temp() {
        let dir = tempfile::tempdir().unwrap();
        // The target is a non-empty folder: the rename fails.
        let p = dir.path().join("taken");
        fs::create_dir_all(p.join("x")).unwrap();
        assert!(write_atomic(&p, b"data").is_err());
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("taken")]);
    }

    #[test]
    fn resolve_sees_through_dots_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        fs::create_dir_all(base.join("site/content")).unwrap();
        std::os::unix::fs::symlink(base.join("site/content"), base.join("link")).unwrap();
        let content = base.join("site/content");
        for p in ["site/content", "site/./content/", "site/public/../content", "site/content/../content", "link"] {
            assert_eq!(resolve(&base.join(p)).unwrap(), content, "{p}");
        }
        assert_eq!(resolve(&base.join("link/new/../x")).unwrap(), content.join("x"));
        assert_eq!(resolve(&base.join("site/..")).unwrap(), base);
    }

    #[test]
    fn tracked_folders_can_be_removed_again() {
        let dir = tempfile::tempdir().unwrap();
        let created = create_dir_all_tracked(&dir.path().join("a/b/c")).unwrap();
        assert_eq!(created.len(), 3);
        remove_created(&created);
        assert!(!dir.path().join("a").exists());
        assert!(dir.path().exists());
    }

    #[test]
    fn this_process_is_alive_and_a_reaped_child_is_not() {
        if pid_alive(std::process::id()).is_none() {
            return;
        }
        assert_eq!(pid_alive(std::process::id()), Some(true));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert_eq!(pid_alive(pid), Some(false));
    }
}
