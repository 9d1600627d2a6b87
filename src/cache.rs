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
    pub fn finish(&self) -> Key {
        let h = self.0.finish128();
        Key(format!("{:016x}{:016x}", h.h1, h.h2))
    }
}

#[derive(Default)]
pub struct Cache {
    dir: Option<PathBuf>,
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

    fn path(&self, kind: &str, key: &Key) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join(kind).join(key.as_str()))
    }

    /// Bytes stored under `key` by an earlier build, or `None`.
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

    /// `get`, or render, store and return.
    pub fn get_or_render<E>(
        &self,
        kind: &str,
        key: &Key,
        render: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Vec<u8>, E> {
        if let Some(bytes) = self.get(kind, key) {
            return Ok(bytes);
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
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
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
            .get_or_render::<()>("poster", &key, || {
                renders += 1;
                Ok(b"pdf".to_vec())
            })
            .unwrap();
        let b = c
            .get_or_render::<()>("poster", &key, || {
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
