//! What a long-running process (`onestop serve`) remembers between builds,
//! so that a change to one record does not re-parse every file or re-render
//! every page.
//!
//! * Parsed files: the result of loading one record or page (the value and
//!   its diagnostics) under a key of its path, its text and the site.toml it
//!   was read with. Same key → the stored result is reused (a [`Store`] in
//!   `load`'s slot).
//! * Pages: per output path, a key of everything the page's template sees
//!   (the base context, the page's own keys, the template name and the
//!   theme's templates). Same key as in the last *good* build → the page's
//!   bytes are taken from that build's output folder instead of being
//!   rendered again. Keys only become "last good" when the build is
//!   committed, so a failed build never makes a stale file look current.
//!
//! * The theme: reused while no theme file changed (a [`Latest`] in `theme`'s slot).
//!
//! This module is the generic store and its keys only: what is stored is
//! owned by the module that stores it, in a slot of its own type
//! ([`Memo::slot`]), so `load` and `theme` depend on `memo` and not the reverse.
//!
//! `onestop build` passes no memo and renders everything, so its output does
//! not depend on what happened before (tests compare both).

use crate::cache::Key;
use rustc_hash::{FxHashMap, FxHashSet};
use std::any::{Any, TypeId};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Memo {
    /// One value per type: what a module remembers (`load`'s parsed files, `theme`'s theme).
    slots: Mutex<FxHashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
    html: Mutex<HtmlMemo>,
    files: FileCounts,
    rendered: AtomicUsize,
    reused: AtomicUsize,
}

/// Input files parsed and reused in the build in progress, counted by every [`Store`].
#[derive(Default)]
pub(crate) struct FileCounts {
    hits: AtomicUsize,
    misses: AtomicUsize,
}

/// Counts of the last build, for the `serve` log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemoStats {
    pub pages_rendered: usize,
    pub pages_reused: usize,
    pub files_parsed: usize,
    pub files_reused: usize,
}

#[derive(Default)]
struct HtmlMemo {
    /// Output folder of the last good build.
    dir: Option<PathBuf>,
    /// Output path → key of the page now in `dir`.
    committed: FxHashMap<String, Key>,
    /// Keys of the build in progress.
    pending: FxHashMap<String, Key>,
}

impl Memo {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn stats(&self) -> MemoStats {
        MemoStats {
            pages_rendered: self.rendered.load(Ordering::Relaxed),
            pages_reused: self.reused.load(Ordering::Relaxed),
            files_parsed: self.files.misses.load(Ordering::Relaxed),
            files_reused: self.files.hits.load(Ordering::Relaxed),
        }
    }

    /// The slot of type `T`, made empty (`T::default()`) on first use. A module
    /// keeps what it remembers in a type of its own, so the memo needs not know it.
    pub(crate) fn slot<T: Any + Default + Send + Sync>(&self) -> Arc<T> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let slot = slots.entry(TypeId::of::<T>()).or_insert_with(|| Arc::new(T::default())).clone();
        drop(slots);
        slot.downcast::<T>().unwrap_or_else(|_| unreachable!("slots are keyed by their type"))
    }

    /// The counters every [`Store`] of this memo adds to.
    pub(crate) fn files(&self) -> &FileCounts {
        &self.files
    }

    /// Starts a build that writes to `out_dir` (whose current content is the last good build).
    pub(crate) fn begin(&self, out_dir: &Path) {
        let mut h = self.lock();
        h.pending.clear();
        if h.dir.as_deref() != Some(out_dir) {
            h.committed.clear();
            h.dir = Some(out_dir.to_path_buf());
        }
        for n in [&self.rendered, &self.reused, &self.files.hits, &self.files.misses] {
            n.store(0, Ordering::Relaxed);
        }
    }

    /// The build's output is now in the output folder: its keys are the ones to compare with next time.
    pub(crate) fn commit(&self) {
        let mut h = self.lock();
        h.committed = std::mem::take(&mut h.pending);
    }

    /// The build failed: the output folder still holds the previous good build.
    pub(crate) fn abandon(&self) {
        self.lock().pending.clear();
    }

    /// The bytes of `path` from the last good build if its key is `key`.
    pub(crate) fn reuse(&self, path: &str, key: &Key) -> Option<Vec<u8>> {
        let file = {
            let h = self.lock();
            (h.committed.get(path) == Some(key)).then(|| h.dir.as_ref().map(|d| d.join(path)))??
        };
        // A file that cannot be read (deleted by hand) is simply rendered again.
        let bytes = std::fs::read(file).ok()?;
        self.lock().pending.insert(path.to_string(), key.clone());
        self.reused.fetch_add(1, Ordering::Relaxed);
        Some(bytes)
    }

    /// The last good build's `path` no longer has the bytes its key made (`serve` replaced
    /// it, `build::first_look`): the next build renders it rather than reusing it.
    pub(crate) fn forget_page(&self, path: &str) {
        self.lock().committed.remove(path);
    }

    /// `path` was rendered afresh with `key`.
    pub(crate) fn rendered(&self, path: &str, key: Key) {
        self.lock().pending.insert(path.to_string(), key);
        self.rendered.fetch_add(1, Ordering::Relaxed);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HtmlMemo> {
        self.html.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Base-context variables that change with content only some templates
/// show: the inline journey diagram (every block is a procedure's title)
/// and the poster downloads (their sizes). Pages key them only when their
/// template can read them, so a title edit does not re-render every page.
pub(crate) const NARROW_VARS: &[&str] = &["diagram", "posters"];

/// Whether rendering `template` can read the context variable `var`:
/// conservatively, whether `var` is named (as `var`, `var.x` or `var[..]`)
/// in the template, the templates it extends, or any template they include
/// or import macros from. An unknown template, or one that dumps the
/// whole context (`__tera_context`), reads everything.
pub(crate) fn template_reads(tera: &tera::Tera, template: &str, var: &str) -> bool {
    let mut todo = vec![template.to_string()];
    let mut seen = FxHashSet::default();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Ok(t) = tera.get_template(&name) else { return true };
        // The parsed template's debug form names every variable as `Ident("…")`
        // and every include as `Include(…, ["a.html", …], …)`.
        let ast = format!("{:?}", t.ast);
        if ast.contains("__tera_context") {
            return true;
        }
        for (at, _) in ast.match_indices("Ident(\"") {
            let rest = &ast[at + 7..];
            if rest.strip_prefix(var).is_some_and(|r| r.starts_with(['"', '.', '['])) {
                return true;
            }
        }
        for (at, _) in ast.match_indices("Include(") {
            let Some(list) = ast[at..].split_once('[').map(|(_, r)| r.split(']').next().unwrap_or_default()) else {
                continue;
            };
            todo.extend(list.split(", ").map(|n| n.trim_matches('"').to_string()).filter(|n| !n.is_empty()));
        }
        todo.extend(t.parents.iter().cloned());
        todo.extend(t.imported_macro_files.iter().map(|(file, _)| file.clone()));
    }
    false
}

/// The last value made, under the key of what it was made from.
pub(crate) struct Latest<T>(Mutex<Option<(Key, Arc<T>)>>);

impl<T> Default for Latest<T> {
    fn default() -> Self {
        Latest(Mutex::new(None))
    }
}

impl<T> Latest<T> {
    /// The value made from `key`, if it is the last one made.
    pub(crate) fn get(&self, key: &Key) -> Option<Arc<T>> {
        let t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        t.as_ref().filter(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    pub(crate) fn set(&self, key: Key, value: Arc<T>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((key, value));
    }
}

/// Results per input file under a content key; entries of files that were
/// not loaded in the last load are dropped (deleted or renamed files).
pub(crate) struct Store<T> {
    map: Mutex<FxHashMap<PathBuf, (Key, T)>>,
    seen: Mutex<FxHashSet<PathBuf>>,
}

impl<T> Default for Store<T> {
    fn default() -> Self {
        Store { map: Mutex::default(), seen: Mutex::default() }
    }
}

impl<T: Clone> Store<T> {
    /// The stored result for `path` if its key is `key`, else `make()` (stored); counted in `counts`.
    pub(crate) fn get_or(&self, counts: &FileCounts, path: &Path, key: Key, make: impl FnOnce() -> T) -> T {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_path_buf());
        if let Some((k, v)) = self.map.lock().unwrap_or_else(|e| e.into_inner()).get(path)
            && *k == key
        {
            counts.hits.fetch_add(1, Ordering::Relaxed);
            return v.clone();
        }
        let v = make();
        counts.misses.fetch_add(1, Ordering::Relaxed);
        self.map.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_path_buf(), (key, v.clone()));
        v
    }

    /// Forgets files that the load that just finished did not see.
    pub(crate) fn prune(&self) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        self.map.lock().unwrap_or_else(|e| e.into_inner()).retain(|p, _| seen.contains(p));
        seen.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::KeyBuilder;

    #[test]
    fn pages_are_reused_only_from_committed_builds() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.html"), "old a").unwrap();
        let m = Memo::new();
        let k1 = KeyBuilder::new("t").add_str("1").finish();
        let k2 = KeyBuilder::new("t").add_str("2").finish();
        m.begin(dir.path());
        assert_eq!(m.reuse("a.html", &k1), None);
        m.rendered("a.html", k1.clone());
        m.commit();
        m.begin(dir.path());
        assert_eq!(m.reuse("a.html", &k1).as_deref(), Some(&b"old a"[..]));
        assert_eq!(m.reuse("a.html", &k2), None);
        m.rendered("a.html", k2.clone());
        // The build with k2 fails: k1 is still what the folder holds.
        m.abandon();
        m.begin(dir.path());
        assert_eq!(m.reuse("a.html", &k2), None);
        assert!(m.reuse("a.html", &k1).is_some());
        assert_eq!(m.stats().pages_reused, 1);
    }

    #[test]
    fn templates_read_what_they_extend_include_and_name() {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates(vec![
            ("base.html", "<main>{% block main %}{% endblock %}</main>{{ footer }}"),
            ("partials/d.html", "{% if diagram %}{{ diagram.title }}{% endif %}"),
            ("home.html", "{% extends \"base.html\" %}{% block main %}{% include \"partials/d.html\" %}{% endblock %}"),
            ("page.html", "{% extends \"base.html\" %}{% block main %}{{ diagrams_note }}{{ p.title }}{% endblock %}"),
            ("dump.html", "{{ __tera_context }}"),
        ])
        .unwrap();
        assert!(template_reads(&tera, "home.html", "diagram"));
        assert!(template_reads(&tera, "home.html", "footer"));
        assert!(!template_reads(&tera, "page.html", "diagram"), "diagrams_note is another variable");
        assert!(template_reads(&tera, "page.html", "p"));
        assert!(template_reads(&tera, "dump.html", "diagram"));
        assert!(template_reads(&tera, "missing.html", "diagram"));
    }

    #[test]
    fn slots_are_one_per_type() {
        #[derive(Default)]
        struct A(Mutex<u32>);
        let m = Memo::new();
        *m.slot::<A>().0.lock().unwrap() = 7;
        assert_eq!(*m.slot::<A>().0.lock().unwrap(), 7);
        assert!(m.slot::<Latest<u32>>().get(&KeyBuilder::new("t").finish()).is_none());
    }

    #[test]
    fn store_reuses_by_key_and_forgets_unseen_files() {
        let s: Store<u32> = Store::default();
        let c = FileCounts::default();
        let k = |t: &str| KeyBuilder::new("t").add_str(t).finish();
        let mut made = 0;
        assert_eq!(
            s.get_or(&c, Path::new("a"), k("x"), || {
                made += 1;
                1
            }),
            1
        );
        assert_eq!(
            s.get_or(&c, Path::new("a"), k("x"), || {
                made += 1;
                2
            }),
            1
        );
        assert_eq!(
            s.get_or(&c, Path::new("a"), k("y"), || {
                made += 1;
                3
            }),
            3
        );
        assert_eq!(made, 2);
        assert_eq!((c.hits.load(Ordering::Relaxed), c.misses.load(Ordering::Relaxed)), (1, 2));
        s.prune();
        s.prune(); // "a" was not seen since the last prune
        assert_eq!(s.get_or(&c, Path::new("a"), k("y"), || 4), 4);
    }
}
