//! Serve's temporary folders, outside the site (serving never writes into
//! the repository), named by pid so a later serve removes those of killed servers.

use std::path::{Path, PathBuf};

/// Serve's temporary output folder is `onestop-serve-<pid>` in the scratch
/// folder: the pid says whose it is, so the next `serve` can remove the
/// folders of servers that were killed (SIGKILL runs no cleanup).
pub(super) const SCRATCH_PREFIX: &str = "onestop-serve-";

/// Where the served copy is built: in memory when the system offers it
/// ($XDG_RUNTIME_DIR or /dev/shm are tmpfs on Linux). On a busy disk,
/// writing and swapping the output took 300-500 ms per rebuild; in memory
/// it takes a few ms, which is most of the save → reload time.
pub(super) fn scratch_dir() -> PathBuf {
    let candidates = [std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from), Some(PathBuf::from("/dev/shm"))];
    candidates.into_iter().flatten().find(|d| d.is_dir() && tempfile_ok(d)).unwrap_or_else(std::env::temp_dir)
}

pub(super) fn tempfile_ok(dir: &Path) -> bool {
    let probe = dir.join(format!(".onestop-probe-{}", std::process::id()));
    let ok = std::fs::write(&probe, b"").is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

/// Removes the temporary output folders (and their build's staging and old
/// copies, `onestop-serve-<pid>.tmp-<n>` / `.old-<n>`) of servers whose
/// process is gone. A folder whose process lives is never touched. Only where
/// `/proc` tells which processes live (Linux); elsewhere nothing is removed.
pub(super) fn remove_leftovers(scratch: &Path) {
    let proc = Path::new("/proc");
    if !cfg!(target_os = "linux") || !proc.join("self").is_dir() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(scratch) else { return };
    for e in entries.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(owner_pid) else { continue };
        if pid == std::process::id() || proc.join(pid.to_string()).exists() {
            continue;
        }
        // Not following a symlink: only a real folder is removed.
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            match std::fs::remove_dir_all(e.path()) {
                Ok(()) => eprintln!("removed {} (left by a server that was stopped abruptly)", e.path().display()),
                Err(err) => eprintln!("warning: cannot remove {}: {err}", e.path().display()),
            }
        }
    }
}

/// The owner's pid in `onestop-serve-<pid>`, `onestop-serve-<pid>.tmp-<n>`
/// or `onestop-serve-<pid>.old-<n>`; `None` for any other name.
pub(super) fn owner_pid(name: &str) -> Option<u32> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let rest = name.strip_prefix(SCRATCH_PREFIX)?;
    let (pid, suffix) = rest.split_once('.').map_or((rest, None), |(p, s)| (p, Some(s)));
    if let Some(suffix) = suffix {
        let n = suffix.strip_prefix("tmp-").or_else(|| suffix.strip_prefix("old-"))?;
        if !digits(n) {
            return None;
        }
    }
    if !digits(pid) {
        return None;
    }
    pid.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_of_a_scratch_folder_is_read_from_its_name() {
        assert_eq!(owner_pid("onestop-serve-123"), Some(123));
        assert_eq!(owner_pid("onestop-serve-123.tmp-123"), Some(123));
        assert_eq!(owner_pid("onestop-serve-123.old-45"), Some(123));
        for other in [
            "onestop-serve-",
            "onestop-serve-site-abc",
            "onestop-serve-12a",
            "onestop-serve-123.bak",
            "onestop-serve-123.tmp-",
            "onestop-serve-123.tmp-4.5",
            "onestop-serve-99999999999",
            "public.tmp-123",
            ".onestop-probe-123",
        ] {
            assert_eq!(owner_pid(other), None, "{other}");
        }
    }
}
