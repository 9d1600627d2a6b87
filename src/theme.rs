//! The theme: templates, UI translations and static files.
//!
//! The default theme is compiled into the binary, so `onestop` works for any
//! site folder. A site overrides any file by putting one with the same
//! relative path in its own `templates/`, `static/`, `print/` or `i18n/`; a site that
//! has `themes/default/` (like this repository) uses that copy as the base.

use crate::diag::{Diagnostic, SourceText};
use include_dir::{include_dir, Dir};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A loaded theme, shared read-only by the renderers.
pub struct Theme {
    pub tera: tera::Tera,
    /// UI strings per language (`vi`, `en`).
    pub translations: HashMap<String, BTreeMap<String, String>>,
    /// Output-relative path under `static/` → bytes, sorted for determinism.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// Typst templates of the print products (`print/leaflet.typ` → text), overridable by path.
    pub print_files: BTreeMap<String, PrintFile>,
}

/// One typst template and where it came from (for error messages).
pub struct PrintFile {
    pub origin: PathBuf,
    pub text: String,
}

/// A theme file with where it came from, for error messages.
struct ThemeFile {
    origin: PathBuf,
    bytes: Vec<u8>,
}

/// Collects `sub/` of the theme, then the site's own `override_dir/` on top.
fn collect(root: &Path, sub: &str, override_dir: &str) -> BTreeMap<String, ThemeFile> {
    let mut files = BTreeMap::new();
    let disk_theme = root.join("themes/default");
    if disk_theme.is_dir() {
        read_tree(&disk_theme.join(sub), root, &mut files);
    } else if let Some(dir) = DEFAULT_THEME.get_dir(sub) {
        for f in walk_embedded(dir) {
            let rel = f.path().strip_prefix(sub).unwrap_or(f.path()).to_string_lossy().replace('\\', "/");
            files.insert(rel, ThemeFile { origin: PathBuf::from("(built-in theme)").join(f.path()), bytes: f.contents().to_vec() });
        }
    }
    read_tree(&root.join(override_dir), root, &mut files);
    files
}

fn walk_embedded<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<_> = dir.files().collect();
    for d in dir.dirs() {
        out.extend(walk_embedded(d));
    }
    out
}

fn read_tree(dir: &Path, root: &Path, files: &mut BTreeMap<String, ThemeFile>) {
    if !dir.is_dir() {
        return;
    }
    for e in WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
        if e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.')
            && let Ok(bytes) = std::fs::read(e.path()) {
                let rel = e.path().strip_prefix(dir).unwrap_or(e.path()).to_string_lossy().replace('\\', "/");
                let origin = e.path().strip_prefix(root).unwrap_or(e.path()).to_path_buf();
                files.insert(rel, ThemeFile { origin, bytes });
            }
    }
}

pub fn load_theme(root: &Path) -> Result<Theme, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut tera = tera::Tera::default();
    let templates = collect(root, "templates", "templates");
    let mut sources = Vec::new();
    for (name, f) in &templates {
        match String::from_utf8(f.bytes.clone()) {
            Ok(s) => sources.push((name.clone(), s)),
            Err(_) => errors.push(Diagnostic::new("not-utf8", "template is not UTF-8").in_file(&f.origin)),
        }
    }
    if let Err(e) = tera.add_raw_templates(sources) {
        errors.push(Diagnostic::new("template", tera_error_chain(&e)).hint("fix the template syntax; see https://keats.github.io/tera/docs/"));
    }
    crate::render::html::register_filters(&mut tera);

    let mut translations = HashMap::new();
    // The site's own i18n files override single keys, not whole files.
    let mut i18n_files: Vec<(String, ThemeFile)> = collect(root, "i18n", ".no-override").into_iter().collect();
    let mut own = BTreeMap::new();
    read_tree(&root.join("i18n"), root, &mut own);
    i18n_files.extend(own);
    for (name, f) in i18n_files {
        let Some(lang) = name.strip_suffix(".toml") else { continue };
        let text = String::from_utf8_lossy(&f.bytes).into_owned();
        let src = SourceText::new(f.origin.clone(), text);
        match toml::from_str::<BTreeMap<String, String>>(&src.text) {
            Ok(map) => {
                let entry: &mut BTreeMap<String, String> = translations.entry(lang.to_string()).or_default();
                entry.extend(map.into_iter().map(|(k, v)| (k, crate::text::nfc(&v))));
            }
            Err(e) => errors.push(
                Diagnostic::new("toml-syntax", e.message().to_string())
                    .at(&src, e.span().map_or(0, |s| s.start))
                    .hint("translation files hold `key = \"text\"` lines only"),
            ),
        }
    }
    let static_files = collect(root, "static", "static").into_iter().map(|(k, f)| (k, f.bytes)).collect();
    let mut print_files = BTreeMap::new();
    for (name, f) in collect(root, "print", "print") {
        match String::from_utf8(f.bytes) {
            Ok(text) => {
                print_files.insert(name, PrintFile { origin: f.origin, text });
            }
            Err(_) => errors.push(Diagnostic::new("not-utf8", "print template is not UTF-8").in_file(&f.origin)),
        }
    }
    if errors.is_empty() {
        Ok(Theme { tera, translations, static_files, print_files })
    } else {
        Err(errors)
    }
}

/// Tera hides the useful part of an error in its source chain.
pub fn tera_error_chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}
