//! When each record last changed.
//!
//! In a git repository a record's date is the committer date of the last
//! commit that changed it: one `git log --name-only` over the records folder
//! answers for every file at once (a process per file would cost seconds at
//! 10,000 records). A record that is not committed as it is on disk —
//! outside a repository, untracked, or changed since the last commit — gets
//! its file's modification time instead, so a preview shows today's edit.
//! For a clean checkout the dates depend only on the commit, so the output
//! stays deterministic (the committed `public/` equals a rebuild).

use crate::model::Updated;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The last change of each of `files` (relative to `root`).
pub fn last_changes(root: &Path, dir: &str, files: &[PathBuf]) -> HashMap<PathBuf, Updated> {
    let committed = git_dates(root, dir);
    let dirty = dirty_files(root, dir);
    files
        .iter()
        .filter_map(|f| {
            let from_git = committed.get(f).filter(|_| !dirty.contains(f)).cloned();
            from_git.or_else(|| file_time(&root.join(f))).map(|u| (f.clone(), u))
        })
        .collect()
}

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(root).args(["-c", "core.quotePath=false"]).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Newest commit date per file, from one pass over the history of `dir`.
fn git_dates(root: &Path, dir: &str) -> HashMap<PathBuf, Updated> {
    let mut dates = HashMap::new();
    // `%x01` marks a commit line; file names follow it. `--relative` makes
    // the names relative to `root` even when the site is a subfolder of the
    // repository. Merge commits list no files, so a merge keeps the date of
    // the commit that made the change.
    let Some(log) = git(root, &["log", "--no-renames", "--relative", "--name-only", "--format=%x01%ct %cI", "--", dir])
    else {
        return dates;
    };
    let mut current: Option<Updated> = None;
    for line in log.lines() {
        if let Some(rest) = line.strip_prefix('\u{1}') {
            current = rest.split_once(' ').and_then(|(unix, iso)| {
                Some(Updated { unix: unix.parse().ok()?, date: iso.get(..10)?.to_string(), iso: iso.to_string() })
            });
        } else if !line.is_empty()
            && let Some(u) = &current
        {
            dates.entry(PathBuf::from(line)).or_insert_with(|| u.clone());
        }
    }
    dates
}

/// Files under `dir` that differ from the last commit, and untracked ones.
fn dirty_files(root: &Path, dir: &str) -> HashSet<PathBuf> {
    let mut dirty = HashSet::new();
    for args in [
        &["diff", "--name-only", "--relative", "HEAD", "--", dir][..],
        &["ls-files", "--others", "--exclude-standard", "--", dir][..],
    ] {
        if let Some(out) = git(root, args) {
            dirty.extend(out.lines().filter(|l| !l.is_empty()).map(PathBuf::from));
        }
    }
    dirty
}

/// The file's modification time, in UTC.
fn file_time(path: &Path) -> Option<Updated> {
    let t = std::fs::metadata(path).ok()?.modified().ok()?;
    let unix = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() as i64;
    Some(utc(unix))
}

/// A Unix time as an RFC 3339 UTC timestamp.
pub fn utc(unix: i64) -> Updated {
    let (y, m, d) = crate::text::civil_from_days(unix.div_euclid(86_400));
    let s = unix.rem_euclid(86_400);
    let date = format!("{y:04}-{m:02}-{d:02}");
    Updated { iso: format!("{date}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60), date, unix }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_timestamps() {
        let u = utc(1_782_666_000);
        assert_eq!(u.iso, "2026-06-28T17:00:00Z");
        assert_eq!(u.date, "2026-06-28");
        assert_eq!(utc(0).iso, "1970-01-01T00:00:00Z");
    }
}
