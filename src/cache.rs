//! Content-addressed cache for expensive products (posters, leaflets).
//!
//! A renderer hashes everything its product depends on (the data it shows,
//! the template, fonts, settings, a format version) into a `Key`; if a file
//! with that key exists from an earlier build, its bytes are reused and the
//! product is not rendered again. The cache lives in `<site>/.onestop-cache/`
//! (git-ignored), is best effort (a failure to read or write it only costs
//! time), and is pruned after each successful build to what that build used.

use rustc_hash::FxHashSet;
use siphasher::sip128::{Hasher128, SipHasher13};
use std::hash::Hasher as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const DIR: &str = ".onestop-cache";

/// A stable 128-bit content hash (SipHash-1-3 with fixed keys: the same
/// input gives the same key on every machine and in every run).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key(String);

impl Key {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone)]
pub struct KeyBuilder(SipHasher13);

impl KeyBuilder {
    /// `kind` names the product and its format version: bump it when the
    /// renderer's output changes for the same input.
    pub fn new(kind: &str) -> Self {
        let mut h = SipHasher13::new_with_keys(0x6f6e_6573_746f_7021, 0x6361_6368_652d_7631);
        h.write(kind.as_bytes());
        h.write_u8(0xff);
        KeyBuilder(h)
    }
    /// Adds one input; inputs are length-prefixed so ("ab","c") ≠ ("a","bc").
    pub fn add(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.write_u64(bytes.len() as u64);
        self.0.write(bytes);
        self
    }
    pub fn add_str(&mut self, s: &str) -> &mut Self {
        self.add(s.as_bytes())
    }
    /// Adds `value` as JSON, streamed (never held whole): for inputs as large as every record.
    pub fn add_json(&mut self, value: &impl serde::Serialize) -> &mut Self {
        struct Feed<'a>(&'a mut KeyBuilder);
        impl std::io::Write for Feed<'_> {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.add(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        // Buffered, so the hash sees fixed-size chunks rather than one call per token.
        let mut w = std::io::BufWriter::with_capacity(1 << 16, Feed(self));
        // Writing into a hasher cannot fail; a value that cannot be serialised adds a marker.
        if serde_json::to_writer(&mut w, value).is_err() {
            let _ = std::io::Write::write_all(&mut w, b"\0unserialisable");
        }
        drop(w);
        self
    }
    pub fn finish(&self) -> Key {
        let h = self.0.finish128();
        Key(format!("{:016x}{:016x}", h.h1, h.h2))
    }
}

/// The running program, for keys of products whose code is not versioned by hand (the
/// poster SVG is drawn by a dozen modules): its path, size and modification time, so any
/// rebuild of onestop is a new program, and every run of the same binary is the same one.
pub fn program_identity() -> &'static str {
    static IDENTITY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    IDENTITY.get_or_init(|| {
        let exe = std::env::current_exe().ok();
        let meta = exe.as_ref().and_then(|p| std::fs::metadata(p).ok());
        let modified = meta.as_ref().and_then(|m| m.modified().ok());
        let since = modified.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).unwrap_or_default();
        let len = meta.map_or(0, |m| m.len());
        format!("{} {exe:?} {len} {}", env!("CARGO_PKG_VERSION"), since.as_nanos())
    })
}

/// What a cache does with a product it does not hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Render it (and store it): `build`.
    #[default]
    Render,
    /// Do not render it now: `get_or_render` returns `Deferred` and the
    /// product is listed in `deferred()` (`serve` typesets it in the background).
    Defer,
    /// Neither look it up nor render it: `--no-print`.
    Skip,
}

/// A product the cache did not render because of its `Mode`. Renderers
/// leave the product out, or put the last good build's copy (`previous`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deferred;

/// Code of the diagnostic a `Deferred` becomes (it never reaches a user).
pub const DEFERRED: &str = "deferred";

impl From<Deferred> for crate::diag::Diagnostic {
    fn from(_: Deferred) -> Self {
        crate::diag::Diagnostic::new(DEFERRED, "deferred: rendered in the background")
    }
}

impl From<Deferred> for String {
    fn from(_: Deferred) -> Self {
        DEFERRED.to_string()
    }
}

#[derive(Default)]
pub struct Cache {
    dir: Option<PathBuf>,
    mode: Mode,
    /// The last good build's output folder, where `previous` reads a deferred product's old copy.
    previous: Option<PathBuf>,
    /// Products not rendered because of the mode: (kind, key).
    deferred: Mutex<Vec<(String, Key)>>,
    used: Mutex<FxHashSet<PathBuf>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
    /// Per kind: (hits, misses), for the build summary and tests.
    kinds: Mutex<std::collections::BTreeMap<String, (usize, usize)>>,
}

impl Cache {
    /// The cache of the site at `root`.
    pub fn open(root: &Path) -> Cache {
        Cache { dir: Some(root.join(DIR)), ..Default::default() }
    }
    /// No cache: every product is rendered (used by `check` and tests).
    pub fn disabled() -> Cache {
        Cache::default()
    }

    /// The cache with `mode` for what it does not hold; `previous` is the
    /// output folder of the last good build (serve's), read by `previous()`.
    pub fn with_mode(mut self, mode: Mode, previous: Option<PathBuf>) -> Cache {
        self.mode = mode;
        self.previous = previous;
        self
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Products not rendered because of the mode, as (kind, key), sorted.
    pub fn deferred(&self) -> Vec<(String, Key)> {
        let mut d = self.deferred.lock().unwrap_or_else(|e| e.into_inner()).clone();
        d.sort_by(|a, b| (&a.0, a.1.as_str()).cmp(&(&b.0, b.1.as_str())));
        d
    }

    /// The bytes of output file `path` in the last good build: what a
    /// deferred product is served as until its new version is ready.
    pub fn previous(&self, path: &str) -> Option<Vec<u8>> {
        let dir = self.previous.as_ref()?;
        // Output paths are relative and checked by `OutPath`; refuse anything else.
        if path.starts_with('/') || path.split('/').any(|c| c == "..") {
            return None;
        }
        std::fs::read(dir.join(path)).ok()
    }

    fn path(&self, kind: &str, key: &Key) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join(kind).join(key.as_str()))
    }

    /// Bytes stored under `key` by an earlier build, or `None`.
    /// `get` for a helper of products rather than a product (an embed card's QR code): kept
    /// and pruned like a product, left out of the counts a build reports.
    pub fn get_uncounted(&self, kind: &str, key: &Key) -> Option<Vec<u8>> {
        let path = self.path(kind, key)?;
        let found = std::fs::read(&path).ok()?;
        self.used.lock().unwrap_or_else(|e| e.into_inner()).insert(path);
        Some(found)
    }

    pub fn get(&self, kind: &str, key: &Key) -> Option<Vec<u8>> {
        let path = self.path(kind, key)?;
        let found = std::fs::read(&path).ok();
        {
            let mut kinds = self.kinds.lock().unwrap_or_else(|e| e.into_inner());
            let entry = kinds.entry(kind.to_string()).or_default();
            if found.is_some() { entry.0 += 1 } else { entry.1 += 1 }
        }
        if found.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
            self.used.lock().unwrap_or_else(|e| e.into_inner()).insert(path);
        } else {
            self.misses.fetch_add(1, Ordering::Relaxed);
        }
        found
    }

    /// Stores `bytes` under `key` (atomically: a killed build never leaves a
    /// truncated entry).
    pub fn put(&self, kind: &str, key: &Key, bytes: &[u8]) {
        let Some(path) = self.path(kind, key) else { return };
        if crate::fsutil::write_atomic(&path, bytes).is_ok() {
            self.used.lock().unwrap_or_else(|e| e.into_inner()).insert(path);
        }
    }

    /// `get`, or render, store and return. With `Mode::Defer` a product not
    /// in the cache is not rendered but listed (`deferred()`), with
    /// `Mode::Skip` nothing is looked up or rendered: both return `Deferred`.
    pub fn get_or_render<E: From<Deferred>>(
        &self,
        kind: &str,
        key: &Key,
        render: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Vec<u8>, E> {
        if self.mode == Mode::Skip {
            return Err(Deferred.into());
        }
        if let Some(bytes) = self.get(kind, key) {
            return Ok(bytes);
        }
        if self.mode == Mode::Defer {
            self.deferred.lock().unwrap_or_else(|e| e.into_inner()).push((kind.to_string(), key.clone()));
            return Err(Deferred.into());
        }
        let bytes = render()?;
        self.put(kind, key, &bytes);
        Ok(bytes)
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }
    pub fn misses(&self) -> usize {
        self.misses.load(Ordering::Relaxed)
    }
    /// (hits, misses) per kind of product.
    pub fn kind_counts(&self) -> std::collections::BTreeMap<String, (usize, usize)> {
        self.kinds.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Deletes entries of the kinds this build used that it did not use, so
    /// the cache holds one generation and does not grow with every edit.
    pub fn prune(&self) {
        let Some(root) = &self.dir else { return };
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        // What this build deferred is being rendered in the background: keep it.
        for (kind, key) in self.deferred.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            if let Some(p) = self.path(kind, key) {
                used.insert(p);
            }
        }
        let kinds: FxHashSet<&Path> = used.iter().filter_map(|p| p.parent()).collect();
        for kind in kinds {
            let Ok(entries) = std::fs::read_dir(kind) else { continue };
            for e in entries.flatten() {
                let p = e.path();
                if p.starts_with(root) && !used.contains(&p) {
                    let _ = std::fs::remove_file(&p);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_length_prefixed() {
        let k = |parts: &[&str]| {
            let mut b = KeyBuilder::new("t");
            for p in parts {
                b.add_str(p);
            }
            b.finish()
        };
        assert_eq!(k(&["ab", "c"]), k(&["ab", "c"]));
        assert_ne!(k(&["ab", "c"]), k(&["a", "bc"]));
        assert_eq!(k(&["x"]).as_str().len(), 32);
    }

    #[test]
    fn stores_reuses_and_prunes() {
        let dir = tempfile::tempdir().unwrap();
        let key = KeyBuilder::new("t").add_str("one").finish();
        let old = KeyBuilder::new("t").add_str("old").finish();
        let c = Cache::open(dir.path());
        c.put("poster", &old, b"stale");
        let c = Cache::open(dir.path());
        let mut renders = 0;
        let a = c
            .get_or_render::<String>("poster", &key, || {
                renders += 1;
                Ok(b"pdf".to_vec())
            })
            .unwrap();
        let b = c
            .get_or_render::<String>("poster", &key, || {
                renders += 1;
                Ok(b"other".to_vec())
            })
            .unwrap();
        assert_eq!((a.as_slice(), b.as_slice(), renders, c.hits(), c.misses()), (&b"pdf"[..], &b"pdf"[..], 1, 1, 1));
        c.prune();
        assert!(dir.path().join(DIR).join("poster").join(key.as_str()).is_file());
        assert!(!dir.path().join(DIR).join("poster").join(old.as_str()).exists());
    }
}
