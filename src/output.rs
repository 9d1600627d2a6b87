//! The only module that writes: renderers hand their files to an `Output`,
//! which writes them into a staging folder beside the real output (or keeps
//! nothing but their links, for `check`). `commit` swaps the staging folder
//! in only when the whole build succeeded, so a failed build leaves `public/`
//! exactly as it was.
//!
//! Files are written as they are produced rather than collected first: at
//! 10,000 records the pages add up to hundreds of megabytes.

use crate::diag::Diagnostic;
use crate::fsutil;
use crate::sink::Produced;
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

mod as_sink;
mod interner;
mod link;
use interner::Interner;
pub use link::Linker;
use link::{Linking, write_new};

/// A validated path inside the output folder: relative, `/`-separated, no `..`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutPath(String);

impl OutPath {
    pub fn new(p: impl Into<String>) -> Result<Self, Diagnostic> {
        let p = p.into();
        let ok = !p.is_empty()
            && !p.starts_with('/')
            && !p.contains('\\')
            && !p.contains('\0')
            && p.split('/').all(|seg| !seg.is_empty() && seg != "." && seg != "..");
        if ok {
            Ok(OutPath(p))
        } else {
            Err(Diagnostic::new(
                "bad-output-path",
                format!("refusing to write `{p}`: it would leave the output folder"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Links and anchors found in one HTML file, for the internal link check.
struct HtmlLinks {
    /// Interned link targets (ids into `Output::link_strings`): pages share most links.
    links: Vec<u32>,
    /// The page's element ids, each followed by a NUL (one allocation per page).
    ids: String,
    /// Content file the page was made from, to point broken links at it.
    source: Option<PathBuf>,
}

pub struct Output {
    /// `None` for check mode: nothing is written.
    staging: Option<PathBuf>,
    /// Output path → renderer that wrote it (to report collisions) and its size.
    written: Mutex<HashMap<OutPath, (&'static str, u64)>>,
    html: Mutex<HashMap<OutPath, HtmlLinks>>,
    link_strings: Mutex<Interner>,
    errors: Mutex<Vec<Diagnostic>>,
    bytes: AtomicU64,
    /// `serve`: files unchanged since the last good build are linked from it.
    linking: Option<Linking>,
}

impl Output {
    /// Writes into a fresh staging folder beside `out_dir`. On failure
    /// nothing is left behind (not even the parent folders it made).
    pub fn staging_for(out_dir: &Path) -> std::io::Result<Self> {
        let (parent, name) = beside(out_dir)?;
        let created = fsutil::create_dir_all_tracked(&parent)?;
        let staging = parent.join(suffixed(&name, "tmp"));
        let made = (|| {
            if fs::symlink_metadata(&staging).is_ok() {
                fs::remove_dir_all(&staging)?;
            }
            fs::create_dir(&staging)
        })();
        if let Err(e) = made {
            fsutil::remove_created(&created);
            return Err(e);
        }
        Ok(Self::with(Some(staging)))
    }

    /// Keeps nothing but links: for `onestop check`.
    pub fn in_memory() -> Self {
        Self::with(None)
    }

    fn with(staging: Option<PathBuf>) -> Self {
        Output {
            staging,
            written: Mutex::default(),
            html: Mutex::default(),
            link_strings: Mutex::default(),
            errors: Mutex::default(),
            bytes: AtomicU64::new(0),
            linking: None,
        }
    }

    /// Links files whose bytes are those of the last good build `linker`
    /// knows instead of writing them (`serve`; see `output/link.rs`).
    pub fn linking_from(mut self, linker: std::sync::Arc<Linker>) -> Self {
        if self.staging.is_some() {
            self.linking = Some(Linking::new(linker));
        }
        self
    }

    /// Files linked from the last good build instead of written.
    /// With a linker (`serve`): the files that differ from the last good build's.
    pub fn rewritten(&self) -> Option<Vec<String>> {
        self.linking.as_ref().map(Linking::written)
    }

    pub fn linked_count(&self) -> usize {
        self.linking.as_ref().map_or(0, Linking::linked)
    }

    /// Adds one file. Errors are collected, not returned, so renderers keep going.
    pub fn put(&self, renderer: &'static str, path: &str, bytes: &[u8]) {
        self.write(renderer, path, bytes);
    }

    /// Adds an HTML page and records its links and ids for the link check.
    /// `source` is the content file it was made from (named in broken-link errors).
    pub fn put_html(&self, renderer: &'static str, path: &str, bytes: &[u8], source: Option<&Path>) {
        let Some(path) = self.write(renderer, path, bytes) else { return };
        let (links, ids) = scan_html(bytes);
        let links = self.link_strings.lock().unwrap().intern_all(links);
        let found = HtmlLinks { links, ids, source: source.map(Path::to_path_buf) };
        self.html.lock().unwrap().insert(path, found);
    }

    /// Adds a large file written piece by piece (open data at 10k records is
    /// tens of MB: streaming it avoids holding it, and growing it, in memory).
    pub fn put_stream(
        &self,
        renderer: &'static str,
        path: &str,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) {
        let Some(path) = self.claim(renderer, path) else { return };
        let mut counter = CountingWriter { inner: None, count: 0 };
        let res = match &self.staging {
            Some(staging) => {
                let target = staging.join(path.as_str());
                target
                    .parent()
                    .map_or(Ok(()), fs::create_dir_all)
                    .and_then(|_| fs::OpenOptions::new().write(true).create_new(true).open(&target))
                    .and_then(|f| {
                        counter.inner = Some(std::io::BufWriter::with_capacity(256 * 1024, f));
                        write(&mut counter)?;
                        counter.inner.take().map_or(Ok(()), |mut w| std::io::Write::flush(&mut w))
                    })
                    .map_err(|e| format!("cannot write {}: {e}", target.display()))
            }
            None => write(&mut counter).map_err(|e| e.to_string()),
        };
        self.bytes.fetch_add(counter.count, Ordering::Relaxed);
        self.set_size(&path, counter.count);
        if let Err(e) = res {
            self.error(Diagnostic::new("io", e));
        }
    }

    /// Registers an output path; `None` (and an error) when it is invalid or taken.
    fn claim(&self, renderer: &'static str, path: &str) -> Option<OutPath> {
        let path = match OutPath::new(path) {
            Ok(p) => p,
            Err(d) => {
                self.error(d);
                return None;
            }
        };
        if let Some((prev, _)) = self.written.lock().unwrap().insert(path.clone(), (renderer, 0)) {
            self.error(
                Diagnostic::new(
                    "dup-output",
                    format!("`{}` is produced twice (by {prev} and {renderer})", path.as_str()),
                )
                .hint("two pages want the same URL; rename one of the files"),
            );
            return None;
        }
        Some(path)
    }

    fn write(&self, renderer: &'static str, path: &str, bytes: &[u8]) -> Option<OutPath> {
        let path = self.claim(renderer, path)?;
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        self.set_size(&path, bytes.len() as u64);
        if let Some(staging) = &self.staging {
            let target = staging.join(path.as_str());
            // Always a new file (a staging folder starts empty and paths are claimed
            // once): nothing is ever written into a file linked from the last build.
            let res = target.parent().map_or(Ok(()), fs::create_dir_all).and_then(|_| match &self.linking {
                Some(l) => l.put(&path, &target, bytes),
                None => write_new(&target, bytes),
            });
            if let Err(e) = res {
                self.error(Diagnostic::new("io", format!("cannot write {}: {e}", target.display())));
            }
        }
        Some(path)
    }

    fn set_size(&self, path: &OutPath, size: u64) {
        if let Some(entry) = self.written.lock().unwrap().get_mut(path) {
            entry.1 = size;
        }
    }

    /// Size in bytes of a file written so far; `None` if no such file.
    pub fn size_of(&self, path: &str) -> Option<u64> {
        let path = OutPath::new(path).ok()?;
        self.written.lock().unwrap().get(&path).map(|e| e.1)
    }

    /// Every file written so far and its size: what the next render phase
    /// is given of the earlier ones.
    pub fn produced(&self) -> Produced {
        Produced::new(self.written.lock().unwrap().iter().map(|(p, e)| (p.as_str().to_string(), e.1)).collect())
    }

    /// False for `onestop check`, where nothing is written.
    pub fn writes(&self) -> bool {
        self.staging.is_some()
    }

    pub fn error(&self, d: Diagnostic) {
        self.errors.lock().unwrap().push(d);
    }

    pub fn file_count(&self) -> usize {
        self.written.lock().unwrap().len()
    }

    pub fn byte_count(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    pub fn html_count(&self) -> usize {
        self.html.lock().unwrap().len()
    }

    /// Errors so far plus broken internal links. `base_path` is the site's
    /// path prefix (`/` or `/tthc/`).
    pub fn finish_checks(&self, base_path: &str) -> Vec<Diagnostic> {
        let mut errors = std::mem::take(&mut *self.errors.lock().unwrap());
        let written = self.written.lock().unwrap();
        let html = self.html.lock().unwrap();
        let strings = self.link_strings.lock().unwrap();
        let mut pages: Vec<_> = html.iter().collect();
        pages.sort_by(|a, b| a.0.cmp(b.0));
        // Site-absolute links resolve the same from every page: check each once.
        let mut absolute: HashMap<u32, Option<String>> = HashMap::new();
        for (page, found) in pages {
            for &id in &found.links {
                let link = strings.get(id);
                let problem = if link.starts_with('/') {
                    absolute
                        .entry(id)
                        .or_insert_with(|| check_link(page.as_str(), link, base_path, &written, &html))
                        .clone()
                } else {
                    check_link(page.as_str(), link, base_path, &written, &html)
                };
                if let Some(problem) = problem {
                    let mut d =
                        Diagnostic::new("broken-link", format!("{} links to `{link}`: {problem}", page.as_str()));
                    d = match &found.source {
                        Some(src) => d.in_file(src).hint("a Markdown link in this file points at a page that is not generated; links to site pages look like /thu-tuc/<slug>/"),
                        None => d.hint("a template links to a page that is not generated"),
                    };
                    errors.push(d);
                }
            }
        }
        errors
    }

    /// Moves the staging folder into place: `out_dir` → `<out>.old-<pid>`,
    /// staging → `out_dir`, then the old one is deleted. Only call when there
    /// were no errors. If the new output cannot be moved in, the old one is
    /// put back, the staging folder deleted and the error returned: nothing
    /// is ever left renamed. A failure to delete the old output does not undo
    /// the build: it is returned as a warning (`Ok(Some(..))`).
    pub fn commit(mut self, out_dir: &Path) -> std::io::Result<Option<String>> {
        let Some(staging) = self.staging.take() else { return Ok(None) };
        let res = swap_in(&staging, out_dir);
        if res.is_err() {
            let _ = fs::remove_dir_all(&staging);
        }
        if let Some(l) = self.linking.take() {
            match (&res, beside(out_dir)) {
                (Ok(_), Ok((parent, name))) => l.committed(parent.join(name)),
                _ => l.failed(),
            }
        }
        res
    }

    /// Deletes the staging folder after a failed build.
    pub fn discard(mut self) {
        if let Some(staging) = self.staging.take() {
            let _ = fs::remove_dir_all(staging);
        }
    }
}

impl Drop for Output {
    /// A build that neither committed nor discarded (an early return, a
    /// panic) leaves no staging folder either.
    fn drop(&mut self) {
        if let Some(staging) = self.staging.take() {
            let _ = fs::remove_dir_all(staging);
        }
    }
}

/// The folder `out_dir` is in (resolved: `..` and links seen through, so a
/// rename cannot pull a path's own parent away) and its name.
fn beside(out_dir: &Path) -> std::io::Result<(PathBuf, OsString)> {
    let resolved = fsutil::resolve(out_dir)?;
    match (resolved.parent(), resolved.file_name()) {
        (Some(parent), Some(name)) => Ok((parent.to_path_buf(), name.to_os_string())),
        _ => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{} is not a folder an output can be swapped into", out_dir.display()),
        )),
    }
}

/// `<name>.<what>-<pid>`: this run's staging (`tmp`) or swapped-out (`old`) folder.
fn suffixed(name: &OsStr, what: &str) -> OsString {
    let mut s = name.to_os_string();
    s.push(format!(".{what}-{}", std::process::id()));
    s
}

fn swap_in(staging: &Path, out_dir: &Path) -> std::io::Result<Option<String>> {
    let (parent, name) = beside(out_dir)?;
    let target = parent.join(&name);
    let old = parent.join(suffixed(&name, "old"));
    let had_old = fs::symlink_metadata(&target).is_ok();
    if had_old {
        fs::rename(&target, &old)?;
    }
    if let Err(e) = fs::rename(staging, &target) {
        if had_old && let Err(back) = fs::rename(&old, &target) {
            return Err(std::io::Error::new(
                e.kind(),
                format!("{e}; the previous output could not be put back either, it is in {}: {back}", old.display()),
            ));
        }
        return Err(e);
    }
    if had_old && let Err(e) = fs::remove_dir_all(&old) {
        return Ok(Some(format!(
            "the new site is in place, but the previous one could not be deleted from {}: {e}",
            old.display()
        )));
    }
    Ok(None)
}

/// What [`clean_leftovers`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Cleanup {
    /// Staging or swapped-out folders of dead runs that were deleted.
    pub removed: Vec<PathBuf>,
    /// A dead run's swapped-out folder renamed back to the (missing) output folder.
    pub restored: Option<PathBuf>,
    /// What could not be cleaned (not a reason to fail a build).
    pub problems: Vec<String>,
}

/// Cleans up after builds that were killed: `<out>.tmp-<pid>` (staging) and
/// `<out>.old-<pid>` (swapped-out output) folders beside `out_dir` whose
/// process no longer runs. Folders of running processes (this one
/// included), and everything where liveness cannot be told (no `/proc`),
/// are left alone. A dead run's `.old-<pid>` when `out_dir` itself is
/// missing is the last good output: it is renamed back, not deleted.
pub fn clean_leftovers(out_dir: &Path) -> Cleanup {
    let mut done = Cleanup::default();
    let Ok((parent, name)) = beside(out_dir) else { return done };
    // Leftovers are recognised by name: an output folder whose name is not UTF-8 gets none cleaned.
    let Some(name_str) = name.to_str() else { return done };
    let Ok(entries) = fs::read_dir(&parent) else { return done };
    let mut stale_old = Vec::new();
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(file_name) = file_name.to_str() else { continue };
        let Some(rest) = file_name.strip_prefix(name_str) else { continue };
        let (is_old, pid) = match (rest.strip_prefix(".tmp-"), rest.strip_prefix(".old-")) {
            (Some(pid), _) => (false, pid),
            (_, Some(pid)) => (true, pid),
            _ => continue,
        };
        if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if pid == std::process::id() || fsutil::pid_alive(pid) != Some(false) {
            continue;
        }
        let path = e.path();
        if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        if is_old {
            let modified = fs::symlink_metadata(&path).and_then(|m| m.modified()).ok();
            stale_old.push((modified, path));
        } else {
            remove_leftover(&path, &mut done);
        }
    }
    // Newest first: if the output is missing, the newest swapped-out one is the last good output.
    stale_old.sort_by(|a, b| b.cmp(a));
    let target = parent.join(&name);
    for (_, path) in stale_old {
        if fs::symlink_metadata(&target).is_err() {
            match fs::rename(&path, &target) {
                Ok(()) => done.restored = Some(path),
                Err(e) => done.problems.push(format!(
                    "cannot put the last good output back from {} to {}: {e}",
                    path.display(),
                    target.display()
                )),
            }
        } else {
            remove_leftover(&path, &mut done);
        }
    }
    done
}

fn remove_leftover(path: &Path, done: &mut Cleanup) {
    match fs::remove_dir_all(path) {
        Ok(()) => done.removed.push(path.to_path_buf()),
        Err(e) => done.problems.push(format!("cannot remove {} (left by a killed build): {e}", path.display())),
    }
}

/// `href`/`src` values and `id`s of an HTML document, in one pass. A small
/// scanner is enough: our templates write every attribute with double quotes,
/// and text content never holds a `"` unescaped.
fn scan_html(text: &[u8]) -> (Vec<&str>, String) {
    // Works on bytes: validating a whole page as UTF-8 first cost a tenth of
    // a 10k-record build; only the attribute values are checked.
    let mut links = Vec::new();
    let mut ids = String::new();
    let finder = memchr::memmem::Finder::new("=\"");
    for i in finder.find_iter(text) {
        let before = &text[..i];
        let (is_link, is_id) = (before.ends_with(b" href") || before.ends_with(b" src"), before.ends_with(b" id"));
        if !is_link && !is_id {
            continue;
        }
        let rest = &text[i + 2..];
        let Some(end) = memchr::memchr(b'"', rest) else { continue };
        let Ok(value) = std::str::from_utf8(&rest[..end]) else { continue };
        if is_id {
            ids.push_str(value);
            ids.push('\0');
        } else if !is_external(value) {
            links.push(value);
        }
    }
    // Pages repeat links (menu, footer, sidebar): intern each once.
    links.sort_unstable();
    links.dedup();
    (links, ids)
}

fn is_external(link: &str) -> bool {
    let l = link.as_bytes();
    let starts = |p: &str| l.len() >= p.len() && l[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    starts("http://") || starts("https://") || starts("mailto:") || starts("tel:") || starts("data:")
}

/// Counts bytes on their way to a file (or to nowhere, in check mode).
struct CountingWriter {
    inner: Option<std::io::BufWriter<fs::File>>,
    count: u64,
}

impl std::io::Write for CountingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = match &mut self.inner {
            Some(w) => w.write(buf)?,
            None => buf.len(),
        };
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.as_mut().map_or(Ok(()), |w| w.flush())
    }
}

/// `None` when the link resolves; otherwise what is wrong.
fn check_link(
    page: &str,
    link: &str,
    base_path: &str,
    written: &HashMap<OutPath, (&str, u64)>,
    html: &HashMap<OutPath, HtmlLinks>,
) -> Option<String> {
    let lower = link.to_ascii_lowercase();
    if lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
        || lower.starts_with("data:")
    {
        return None;
    }
    if lower.starts_with("javascript:") {
        return Some("javascript: links are not allowed".into());
    }
    let (path, fragment) = match link.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (link, None),
    };
    let path = path.split('?').next().unwrap_or("");
    let target = if path.is_empty() {
        page.to_string()
    } else if let Some(abs) = path.strip_prefix('/') {
        let Some(rel) = format!("/{abs}").strip_prefix(base_path).map(str::to_string) else {
            return Some(format!("it is outside the site's base path {base_path}"));
        };
        rel
    } else {
        let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
        normalise(&format!("{dir}/{path}"))?
    };
    let file = if target.is_empty() || target.ends_with('/') { format!("{target}index.html") } else { target };
    let key = OutPath(percent_encoding::percent_decode_str(&file).decode_utf8_lossy().into_owned());
    if !written.contains_key(&key) {
        return Some("no such file is generated".into());
    }
    if let Some(f) = fragment.filter(|f| !f.is_empty())
        && let Some(h) = html.get(&key)
        && !h.ids.split('\0').any(|id| id == f)
    {
        return Some(format!("the page has no element with id `{f}`"));
    }
    None
}

fn normalise(p: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut s = parts.join("/");
    if p.ends_with('/') && !s.is_empty() {
        s.push('/');
    }
    Some(s)
}

#[cfg(test)]
mod tests;
