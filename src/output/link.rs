//! `serve`'s rebuilds link what did not change. Every build writes a whole
//! new output into a staging folder and swaps it in; for `serve`, whose
//! rebuilds mostly produce the same bytes again (the PDFs, poster PNGs,
//! fonts and most pages), writing them cost more than rendering the few
//! pages an edit changes. With a [`Linker`], a file whose bytes (length and
//! a 64-bit hash) are those of the same path in the last good build is
//! hard-linked from it instead of written; anything else is written as a new
//! file (`create_new`: never into an existing file, so never into a linked
//! one, and the last good build never changes under the browser). A link
//! that cannot be made (another file system, a file deleted by hand) falls
//! back to writing. `build` uses no linker: `public/` is always written in full.

use super::OutPath;
use rustc_hash::FxHashMap;
use std::fs;
use std::hash::Hasher as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a file is made of: its length and a 64-bit hash of its bytes. Not a
/// defence against crafted collisions; the output is the editor's own site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Sig {
    len: u64,
    hash: u64,
}

impl Sig {
    pub(super) fn of(bytes: &[u8]) -> Sig {
        // rustc-hash's byte hash: wyhash-like, several GB/s (27 MB in a few ms).
        let mut h = rustc_hash::FxHasher::default();
        h.write(bytes);
        Sig { len: bytes.len() as u64, hash: h.finish() }
    }
}

/// The last good build's folder and what each of its files is (kept between
/// builds in a memo slot: `Memo::slot::<Linker>()`).
#[derive(Default)]
pub struct Linker {
    committed: Mutex<Option<(PathBuf, FxHashMap<OutPath, Sig>)>>,
}

impl Linker {
    /// The last good build's copy of `path` if it has the signature `sig`.
    fn source(&self, path: &OutPath, sig: Sig) -> Option<PathBuf> {
        let c = self.committed.lock().unwrap_or_else(|e| e.into_inner());
        let (dir, files) = c.as_ref()?;
        (files.get(path) == Some(&sig)).then(|| dir.join(path.as_str()))
    }

    /// `dir` now holds a good build whose files are `files`.
    fn set(&self, dir: PathBuf, files: FxHashMap<OutPath, Sig>) {
        *self.committed.lock().unwrap_or_else(|e| e.into_inner()) = Some((dir, files));
    }

    /// Replaces the last good build's `path` with `bytes` where it is (`serve` shows an
    /// edited record's page before the rebuild, `build::first_look`): a new file renamed over
    /// the old one, so a link another build holds keeps its bytes, and the signature kept here
    /// becomes the new bytes' (the next build links it only if it makes the same bytes).
    /// False when there is no good build to replace a file of.
    pub fn replace(&self, path: &str, bytes: &[u8]) -> std::io::Result<bool> {
        let path = OutPath::new(path).map_err(|d| std::io::Error::other(d.message))?;
        let mut c = self.committed.lock().unwrap_or_else(|e| e.into_inner());
        let Some((dir, files)) = c.as_mut() else { return Ok(false) };
        crate::fsutil::write_atomic(&dir.join(path.as_str()), bytes)?;
        files.insert(path, Sig::of(bytes));
        Ok(true)
    }

    /// Forgets the last build (its folder is no longer the output).
    fn clear(&self) {
        *self.committed.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// One build's side of linking: the linker, and what this build wrote.
pub(super) struct Linking {
    linker: std::sync::Arc<Linker>,
    files: Mutex<FxHashMap<OutPath, Sig>>,
    linked: AtomicUsize,
    /// The files written rather than linked: what changed since the last good build.
    written: Mutex<Vec<String>>,
}

impl Linking {
    pub(super) fn new(linker: std::sync::Arc<Linker>) -> Self {
        Linking { linker, files: Mutex::default(), linked: AtomicUsize::new(0), written: Mutex::default() }
    }

    /// Puts `bytes` at `target` (the staging copy of `path`): a link to the
    /// last good build's identical file, else a new file.
    pub(super) fn put(&self, path: &OutPath, target: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let sig = Sig::of(bytes);
        self.files.lock().unwrap_or_else(|e| e.into_inner()).insert(path.clone(), sig);
        if let Some(src) = self.linker.source(path, sig)
            && fs::hard_link(&src, target).is_ok()
        {
            self.linked.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        self.written.lock().unwrap_or_else(|e| e.into_inner()).push(path.as_str().to_string());
        write_new(target, bytes)
    }

    pub(super) fn linked(&self) -> usize {
        self.linked.load(Ordering::Relaxed)
    }

    /// The files written rather than linked, sorted.
    pub(super) fn written(&self) -> Vec<String> {
        let mut w = self.written.lock().unwrap_or_else(|e| e.into_inner()).clone();
        w.sort();
        w
    }

    /// The build is now in `dir`: its files are what the next build links from.
    pub(super) fn committed(self, dir: PathBuf) {
        let files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        self.linker.set(dir, files);
    }

    /// The swap failed: what the output folder holds is no longer known.
    pub(super) fn failed(self) {
        self.linker.clear();
    }
}

/// Writes a new file; fails rather than writing into one that exists.
pub(super) fn write_new(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = fs::OpenOptions::new().write(true).create_new(true).open(target)?;
    f.write_all(bytes)
}
