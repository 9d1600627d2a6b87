//! Reading the content files: listing them (with warnings for files that look
//! meant to be included but are not), size-bounded reads, UTF-8 with located errors.

use super::{PAGES_DIR, PROCEDURES_DIR, diagram, faq};
use crate::diag::{Diagnostic, SourceText};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The largest input file (record, page, site.toml, diagram spec) that is
/// read: 1 MiB. The largest record of the national portal is under 100 KB;
/// a bigger file is a mistake (a pasted document), and would make every
/// product of the build slow and memory-hungry.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Reads an input file, refusing files over `MAX_FILE_BYTES` before reading them.
/// (The diagnostic is boxed: it is large, and the read is the common case.)
pub(super) fn read_bounded(path: &Path, rel: &Path) -> Result<Vec<u8>, Box<Diagnostic>> {
    use std::io::Read;
    let io = |e: std::io::Error| Box::new(Diagnostic::new("io", format!("cannot read file: {e}")).in_file(rel));
    let too_big = |len: u64| {
        let mut d = Diagnostic::new(
            "too-large",
            format!("file is {len} bytes, more than the limit of {MAX_FILE_BYTES} bytes (1 MiB)"),
        )
        .in_file(rel)
        .hint("split it, or move long texts (whole documents, scans) to a linked file under static/");
        d.line = 1;
        d.col = 1;
        Box::new(d)
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_FILE_BYTES {
        return Err(too_big(len));
    }
    // The file may grow between the size check and the read: read one byte past the limit at most.
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

pub(super) fn read_source(root: &Path, rel: &Path) -> Result<SourceText, Diagnostic> {
    match read_bounded(&root.join(rel), rel) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceText::new(rel.to_path_buf(), text)),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let bytes = e.as_bytes();
                let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
                let col = at - bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
                let mut d =
                    Diagnostic::new("not-utf8", format!("file is not UTF-8 (invalid byte 0x{:02X})", bytes[at]))
                        .in_file(rel)
                        .hint("save the file as UTF-8 (in most editors: Save with encoding → UTF-8)");
                d.line = line;
                d.col = col;
                Err(d)
            }
        },
        Err(d) => Err(*d),
    }
}

/// Files with `ext` under `root/dir`, relative to root, sorted. Files that
/// look meant to be included but are not (`x.TOML`, `x.toml.bak`,
/// `.x.toml`, `x.md~`, a folder named `x.toml`) give a warning.
pub(super) fn list_files(
    root: &Path,
    dir: &str,
    ext: &str,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let base = root.join(dir);
    if !base.exists() {
        return files;
    }
    for entry in WalkDir::new(&base).min_depth(1).sort_by_file_name() {
        let e = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(Diagnostic::new("io", format!("cannot read folder: {e}")).in_file(Path::new(dir)));
                continue;
            }
        };
        let rel = e.path().strip_prefix(root).unwrap_or(e.path()).to_path_buf();
        let name = e.file_name().to_string_lossy();
        if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == ext) && !name.starts_with('.') {
            if !name.starts_with('_') {
                files.push(rel);
            } // `_name.toml`: a draft, left out on purpose
            continue;
        }
        if e.path_is_symlink() && name.to_ascii_lowercase().contains(&format!(".{ext}")) {
            warnings.push(
                Diagnostic::new("skipped-file", format!("`{name}` is a symbolic link, which is not followed"))
                    .in_file(&rel)
                    .hint("copy the file here instead of linking to it"),
            );
        } else if let Some(w) = skipped_warning(&rel, &name, ext, e.file_type().is_dir()) {
            warnings.push(w);
        }
    }
    files
}

/// The warning for a file or folder that `list_files` leaves out although its
/// name looks like an input (`.ext` in it, or an editor backup ending in `~`).
fn skipped_warning(rel: &Path, name: &str, ext: &str, is_dir: bool) -> Option<Diagnostic> {
    let dot_ext = format!(".{ext}");
    let lower = name.to_ascii_lowercase();
    let looks_like_input = lower.contains(&dot_ext) || (!is_dir && name.ends_with('~'));
    if !looks_like_input || name.starts_with('_') {
        return None;
    }
    // The name it was probably meant to have: no leading dots, and nothing after `.ext`.
    let visible = name.trim_start_matches('.');
    let lower_visible = visible.to_ascii_lowercase();
    let stem = match lower_visible.find(&dot_ext) {
        Some(i) => visible.get(..i).unwrap_or(visible),
        None => visible.trim_end_matches('~'),
    };
    let intended = format!("{stem}{dot_ext}");
    let (message, hint) = if is_dir {
        (
            format!("folder `{name}` is not read: only files named *{dot_ext} are"),
            format!(
                "a record or page is one file; move what is inside out of the folder, or rename the folder so its name has no `{dot_ext}`"
            ),
        )
    } else if name.starts_with('.') {
        (
            format!("hidden file `{name}` is skipped"),
            format!("rename it to {intended} to include it (or delete it if it is an editor's backup)"),
        )
    } else {
        (
            format!("file `{name}` is skipped: its name does not end in `{dot_ext}`"),
            format!("rename it to {intended} to include it (or delete it if it is a backup)"),
        )
    };
    Some(Diagnostic::new("skipped-file", message).in_file(rel).hint(hint))
}

/// Warnings for the files of the site's input folders that are left out
/// (see `list_files`), without loading anything.
pub fn skipped_files(root: &Path) -> Vec<Diagnostic> {
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    let dirs = [(PROCEDURES_DIR, "toml"), (PAGES_DIR, "md"), (faq::FAQ_DIR, "toml"), (diagram::DIAGRAMS_DIR, "toml")];
    for (dir, ext) in dirs {
        list_files(root, dir, ext, &mut errors, &mut warnings);
    }
    warnings
}
