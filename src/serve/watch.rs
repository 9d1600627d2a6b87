//! Which files serve watches and how their events become one change: the
//! site folders, a short quiet time (an editor's save is several events), and
//! only files the site is built from.

use super::{Change, Msg, ServeError};
use crate::load::diagram::DIAGRAMS_DIR;
use crate::load::{PAGES_DIR, PROCEDURES_DIR, SITE_FILE};
use notify::RecursiveMode;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The top-level folders whose changes trigger a rebuild (site.toml is
/// watched through the root): those the loader reads records, pages and
/// diagrams from, and every folder the theme is read from (its own list, so a
/// folder the theme learns to read is watched too).
pub fn watched_dirs() -> Vec<&'static str> {
    let mut dirs: Vec<&'static str> = Vec::new();
    for path in [PROCEDURES_DIR, PAGES_DIR, DIAGRAMS_DIR].into_iter().chain(crate::theme::SITE_FOLDERS) {
        let top = path.split('/').next().unwrap_or(path);
        if !dirs.contains(&top) {
            dirs.push(top);
        }
    }
    dirs
}

/// Quiet time after the last file event before rebuilding: long enough to
/// take an editor's save (write, rename, chmod) as one change, short enough
/// to keep save → reload well under 100 ms.
pub(super) const DEBOUNCE: Duration = Duration::from_millis(20);

/// Waits for the next change of the site's inputs and returns the changed
/// paths once no further change has come for `DEBOUNCE`. Reads (the build's
/// own, an editor opening a file) are not changes. The end of a background
/// print job is returned at once unless files are changing.
pub(super) fn next_change(
    rx: &std::sync::mpsc::Receiver<Msg>,
    root: &Path,
    dirs: &[&str],
) -> Result<Change, ServeError> {
    use std::sync::mpsc::RecvTimeoutError;
    let stopped = || ServeError::Io("file watching stopped".into());
    let mut changed = BTreeSet::new();
    let mut quiet_until: Option<Instant> = None;
    let mut printed = None;
    loop {
        let msg = match quiet_until {
            None => rx.recv().map_err(|_| stopped())?,
            Some(t) => match rx.recv_timeout(t.saturating_duration_since(Instant::now())) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return Err(stopped()),
            },
        };
        match msg {
            Msg::Fs(Ok(e)) if !matches!(e.kind, notify::EventKind::Access(_)) => {
                let found = relevant(root, dirs, &e.paths);
                if !found.is_empty() {
                    changed.extend(found);
                    quiet_until = Some(Instant::now() + DEBOUNCE);
                }
            }
            Msg::Fs(Ok(_)) => {}
            Msg::Fs(Err(e)) => eprintln!("warning: file watching: {e}"),
            Msg::Printed { what, report } => {
                if quiet_until.is_none() {
                    return Ok(Change::Printed { what, report });
                }
                printed = Some((what, report));
            }
        }
    }
    Ok(Change::Files(changed, printed))
}

pub(super) fn watch_dir(
    watcher: &mut notify::RecommendedWatcher,
    root: &Path,
    dir: &str,
    watched: &mut BTreeSet<String>,
) {
    let path = root.join(dir);
    if path.is_dir() && !watched.contains(dir) {
        match notify::Watcher::watch(watcher, &path, RecursiveMode::Recursive) {
            Ok(()) => {
                watched.insert(dir.to_string());
            }
            Err(e) => eprintln!("warning: cannot watch {}: {e}", path.display()),
        }
    }
}

/// The changed paths (relative to the root) that can change the site:
/// site.toml and anything in the watched folders, except editor backups,
/// swap files and hidden files.
pub(super) fn relevant(root: &Path, dirs: &[&str], paths: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    for p in paths {
        let Ok(rel) = p.strip_prefix(root) else { continue };
        let name = rel.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        let noise = name.starts_with('.')
            || name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".swx")
            || name == "4913";
        let top = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
        if !noise && (rel == Path::new(SITE_FILE) || dirs.contains(&top.as_str())) {
            out.insert(rel.to_path_buf());
        }
    }
    out
}

/// "content/procedures/x.toml changed: " or "3 files changed: ".
pub(super) fn describe_changes(changed: &[PathBuf]) -> String {
    match changed {
        [] => String::new(),
        [one] => format!("{} changed: ", one.display()),
        many => format!("{} files changed: ", many.len()),
    }
}

/// Watches site.toml (through the root, not recursively) and every folder of
/// `watched_dirs`; events go to `tx`. Returns the watcher, the absolute root
/// and the folders watched so far.
pub(super) fn start(
    root: &Path,
    tx: std::sync::mpsc::Sender<Msg>,
) -> Result<(notify::RecommendedWatcher, PathBuf, BTreeSet<String>), ServeError> {
    let mut watcher = notify::recommended_watcher(move |e| {
        let _ = tx.send(Msg::Fs(e));
    })
    .map_err(|e| ServeError::Io(format!("cannot watch files: {e}")))?;
    let root_abs = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let mut watched = BTreeSet::new();
    notify::Watcher::watch(&mut watcher, &root_abs, RecursiveMode::NonRecursive)
        .map_err(|e| ServeError::Io(format!("cannot watch {}: {e}", root.display())))?;
    for dir in &watched_dirs() {
        watch_dir(&mut watcher, &root_abs, dir, &mut watched);
    }
    Ok((watcher, root_abs, watched))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_site_inputs_trigger_rebuilds() {
        let root = Path::new("/site");
        let ev = |p: &str| root.join(p);
        let events = [
            ev("site.toml"),
            ev("content/procedures/dau-tu/a.toml"),
            ev("content/procedures/dau-tu/.a.toml.swp"),
            ev("content/procedures/dau-tu/a.toml~"),
            ev("public/index.html"),
            ev(".onestop-cache/x"),
            ev("templates"),
            ev("print/leaflet.typ"),
            ev("README.md"),
        ];
        let got: Vec<_> = relevant(root, &watched_dirs(), &events).into_iter().collect();
        assert_eq!(
            got,
            [
                PathBuf::from("content/procedures/dau-tu/a.toml"),
                PathBuf::from("print/leaflet.typ"),
                PathBuf::from("site.toml"),
                PathBuf::from("templates")
            ]
        );
    }

    #[test]
    fn every_folder_the_site_is_read_from_is_watched() {
        let dirs = watched_dirs();
        for d in ["content", "diagrams", "themes", "templates", "static", "print", "i18n"] {
            assert!(dirs.contains(&d), "{d}/ is not watched: {dirs:?}");
        }
        for d in crate::theme::SITE_FOLDERS {
            assert!(dirs.iter().any(|w| Path::new(d).starts_with(w)), "{d} is not watched: {dirs:?}");
        }
    }
}
