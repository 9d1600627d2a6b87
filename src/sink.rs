//! What renderers produce: files and diagnostics, handed to a [`Sink`].
//!
//! A renderer is a function of the site, the theme and what the earlier
//! phases made ([`Produced`], passed explicitly) to files; it never touches
//! the output folder. Where the files go is the caller's choice: the build's
//! writer (`output::Output`: staging folder, duplicate paths, link check,
//! atomic swap; in-memory for `onestop check`), or [`MemorySink`], which
//! keeps every file's bytes (tests).

use crate::diag::Diagnostic;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::Path;
use std::sync::Mutex;

/// Where a renderer's files go. Problems are handed over too, not returned:
/// a renderer reports what it could not make and goes on with the rest.
pub trait Sink: Sync {
    /// One file at the site-relative `path`.
    fn put(&self, renderer: &'static str, path: &str, bytes: &[u8]);
    /// One page: its links and ids go to the link check; `source` is the
    /// content file it was made from (named in broken-link errors).
    fn put_html(&self, renderer: &'static str, path: &str, bytes: &[u8], source: Option<&Path>);
    /// A large file written piece by piece (open data at 10,000 records is
    /// tens of MB: streamed, never held whole in memory).
    fn put_stream(&self, renderer: &'static str, path: &str, write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>);
    fn error(&self, d: Diagnostic);
}

/// What the earlier render phases made, for the later ones: the size of each
/// file (a page shows "PDF, 1.2 MB" beside a poster or leaflet it links).
#[derive(Debug, Default, Clone)]
pub struct Produced {
    sizes: HashMap<String, u64>,
}

impl Produced {
    pub fn new(sizes: HashMap<String, u64>) -> Self {
        Produced { sizes }
    }

    /// Size in bytes of a file an earlier phase made; `None` if none did.
    pub fn size_of(&self, path: &str) -> Option<u64> {
        self.sizes.get(path).copied()
    }
}

/// Keeps every file in memory, by path, and the diagnostics.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
    errors: Mutex<Vec<Diagnostic>>,
}

impl MemorySink {
    pub fn into_parts(self) -> (BTreeMap<String, Vec<u8>>, Vec<Diagnostic>) {
        let files = self.files.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        let errors = self.errors.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        (files, errors)
    }

    fn keep(&self, path: &str, bytes: Vec<u8>) {
        let mut files = self.files.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if files.insert(path.to_string(), bytes).is_some() {
            drop(files);
            self.error(Diagnostic::new("dup-output", format!("`{path}` is produced twice")));
        }
    }
}

impl Sink for MemorySink {
    fn put(&self, _renderer: &'static str, path: &str, bytes: &[u8]) {
        self.keep(path, bytes.to_vec());
    }

    fn put_html(&self, _renderer: &'static str, path: &str, bytes: &[u8], _source: Option<&Path>) {
        self.keep(path, bytes.to_vec());
    }

    fn put_stream(&self, _renderer: &'static str, path: &str, write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>) {
        let mut bytes = Vec::new();
        match write(&mut bytes) {
            Ok(()) => self.keep(path, bytes),
            Err(e) => self.error(Diagnostic::new("io", format!("cannot write {path}: {e}"))),
        }
    }

    fn error(&self, d: Diagnostic) {
        self.errors.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(d);
    }
}
