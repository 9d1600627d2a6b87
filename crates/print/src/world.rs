//! The typst `World` for print products: only the theme's bundled fonts, the
//! theme's `print/*.typ` templates and in-memory data files, a fixed date, no
//! packages, no file system, no clock. With that, the same input gives the
//! same PDF bytes on every machine.
//!
//! One `PrintWorld` is reused for many documents (typst memoises layout
//! across compilations of the same world): a rayon worker keeps one and
//! swaps only the main template and the data files between products.

use std::collections::BTreeMap;
use std::sync::Arc;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// Fonts and templates shared by every world of one build (cheap to clone).
pub struct Assets {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// `/name.typ` → source text.
    templates: BTreeMap<String, Source>,
}

impl Assets {
    /// `fonts`: TTF/OTF bytes; `templates`: file name (`leaflet.typ`) → text.
    pub fn new(fonts: &[Vec<u8>], templates: &BTreeMap<String, String>) -> Arc<Assets> {
        let fonts: Vec<Font> = fonts.iter().flat_map(|b| Font::iter(Bytes::new(b.clone()))).collect();
        let book = FontBook::from_fonts(&fonts);
        let templates = templates
            .iter()
            .filter_map(|(name, text)| {
                let id = file_id(&format!("/{name}"))?;
                Some((format!("/{name}"), Source::new(id, text.clone())))
            })
            .collect();
        Arc::new(Assets { library: LazyHash::new(Library::default()), book: LazyHash::new(book), fonts, templates })
    }

    pub fn font_count(&self) -> usize {
        self.fonts.len()
    }

    /// The template source behind a file id.
    fn source_of(&self, id: FileId) -> Option<&Source> {
        self.templates.values().find(|s| s.id() == id)
    }

    /// The template behind a file id, by its file name (`leaflet.typ`), for locating errors.
    pub(crate) fn template_of(&self, id: FileId) -> Option<(&str, &Source)> {
        self.templates.iter().find(|(_, s)| s.id() == id).map(|(name, s)| (name.trim_start_matches('/'), s))
    }
}

/// A virtual path in the project root, interned.
fn file_id(path: &str) -> Option<FileId> {
    Some(RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).ok()?).intern())
}

pub struct PrintWorld {
    assets: Arc<Assets>,
    main: FileId,
    /// In-memory data files of the current product (`/data.json`, `/qr.svg`).
    files: Vec<(FileId, Bytes)>,
    today: Option<Datetime>,
}

impl PrintWorld {
    /// `edition`: the site's edition date (`YYYY-MM-DD`), the documents' "today".
    pub fn new(assets: Arc<Assets>, edition: Option<&str>) -> Self {
        let main = file_id("/main.typ").expect("a constant valid path");
        PrintWorld { assets, main, files: Vec::new(), today: edition.and_then(parse_date) }
    }

    pub(crate) fn assets(&self) -> &Assets {
        &self.assets
    }

    pub(crate) fn edition_date(&self) -> Option<Datetime> {
        self.today
    }

    /// Prepares the world for one product: its main template and data files.
    /// Returns false when the template does not exist.
    pub fn set_product(&mut self, template: &str, files: Vec<(&str, Vec<u8>)>) -> bool {
        let Some(src) = self.assets.templates.get(&format!("/{template}")) else { return false };
        self.main = src.id();
        self.files = files.into_iter().filter_map(|(p, b)| Some((file_id(p)?, Bytes::new(b)))).collect();
        true
    }
}

impl World for PrintWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.assets.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.assets.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        match self.assets.source_of(id) {
            Some(s) => Ok(s.clone()),
            None if self.files.iter().any(|(f, _)| *f == id) => Err(FileError::NotSource),
            None => Err(not_found(id)),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some((_, b)) = self.files.iter().find(|(f, _)| *f == id) {
            return Ok(b.clone());
        }
        match self.assets.source_of(id) {
            Some(s) => Ok(Bytes::from_string(s.clone())),
            None => Err(not_found(id)),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.assets.fonts.get(index).cloned()
    }

    /// The site's edition date, never the clock: output stays reproducible.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(std::path::PathBuf::from(format!("{:?}", id)))
}

/// The standard `print_standard` names: PDF/UA-1 (tagged, with title and
/// language; typst refuses an image without alternative text or a broken
/// heading order, and the error is located in the template) unless the site
/// asks for PDF/A-2b.
pub(crate) fn pdf_standards(print_standard: &str) -> typst_pdf::PdfStandards {
    let standard = match print_standard {
        "pdf-a-2b" => typst_pdf::PdfStandard::A_2b,
        _ => typst_pdf::PdfStandard::Ua_1,
    };
    typst_pdf::PdfStandards::new(&[standard]).unwrap_or_default()
}

/// "2026-11-01" → a typst date (the world's fixed "today" and the PDF date).
fn parse_date(iso: &str) -> Option<Datetime> {
    let mut it = iso.splitn(3, '-');
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.get(..2)?.parse().ok()?;
    Datetime::from_ymd(y, m, d)
}
