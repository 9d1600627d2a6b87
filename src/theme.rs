//! The theme: templates, UI translations and static files.
//!
//! The default theme is compiled into the binary, so `onestop` works for any
//! site folder. A site overrides any file by putting one with the same
//! relative path in its own `templates/`, `static/`, `print/` or `i18n/`; a site that
//! has `themes/default/` (like this repository) uses that copy as the base.

use crate::diag::{Diagnostic, SourceText};
use include_dir::{Dir, include_dir};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walkdir::WalkDir;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A site's own copy of the default theme, used as the base when present.
pub const THEME_COPY: &str = "themes/default";
/// The theme's Tera templates; a site's `templates/` overrides them by path.
pub const TEMPLATES_DIR: &str = "templates";
/// The theme's static files (CSS, fonts, scripts); a site's `static/` overrides them.
pub const STATIC_DIR: &str = "static";
/// The theme's typst templates of the print products; a site's `print/` overrides them.
pub const PRINT_DIR: &str = "print";
/// The theme's UI strings; a site's `i18n/` adds to and overrides them key by key.
pub const I18N_DIR: &str = "i18n";
/// Every folder of a site the theme is read from, relative to the site root:
/// its copy of the theme and its override folders. `ThemeFiles::read` reads
/// only these, and `onestop serve` watches these, so the two cannot disagree.
pub const SITE_FOLDERS: [&str; 5] = [THEME_COPY, TEMPLATES_DIR, STATIC_DIR, PRINT_DIR, I18N_DIR];

/// A loaded theme, shared read-only by the renderers.
pub struct Theme {
    pub tera: tera::Tera,
    /// UI strings per language (`vi`, `en`).
    pub translations: HashMap<String, BTreeMap<String, String>>,
    /// Output-relative path under `static/` → bytes, sorted for determinism.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// Key of every template's name and text: pages remembered across
    /// rebuilds (`memo`) are rendered again when a template changed.
    pub templates_key: crate::cache::Key,
    /// Typst templates of the print products (`print/leaflet.typ` → text), overridable by path.
    pub print_files: BTreeMap<String, PrintFile>,
    /// Fonts only the print products use (`print/fonts/*.ttf`, `.otf`: the annexes'
    /// Liberation Serif): typst loads them beside `static/fonts/`, the site does not copy them.
    pub print_fonts: BTreeMap<String, Vec<u8>>,
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

/// Collects `sub/` of the theme, then the site's own `override_dir/` (if any) on top.
fn collect(root: &Path, sub: &str, override_dir: Option<&str>) -> BTreeMap<String, ThemeFile> {
    let mut files = BTreeMap::new();
    let disk_theme = root.join(THEME_COPY);
    if disk_theme.is_dir() {
        read_tree(&disk_theme.join(sub), root, &mut files);
    } else if let Some(dir) = DEFAULT_THEME.get_dir(sub) {
        for f in walk_embedded(dir) {
            let rel = f.path().strip_prefix(sub).unwrap_or(f.path()).to_string_lossy().replace('\\', "/");
            files.insert(
                rel,
                ThemeFile { origin: PathBuf::from("(built-in theme)").join(f.path()), bytes: f.contents().to_vec() },
            );
        }
    }
    if let Some(dir) = override_dir {
        read_tree(&root.join(dir), root, &mut files);
    }
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
        if e.file_type().is_file()
            && !e.file_name().to_string_lossy().starts_with('.')
            && let Ok(bytes) = std::fs::read(e.path())
        {
            let rel = e.path().strip_prefix(dir).unwrap_or(e.path()).to_string_lossy().replace('\\', "/");
            let origin = e.path().strip_prefix(root).unwrap_or(e.path()).to_path_buf();
            files.insert(rel, ThemeFile { origin, bytes });
        }
    }
}

pub fn load_theme(root: &Path) -> Result<Theme, Vec<Diagnostic>> {
    let files = ThemeFiles::read(root);
    parse(&files)
}

/// `load_theme`, reusing the theme of an earlier load from `memo` when no
/// theme file changed (parsing the templates is most of a theme's load time).
pub fn load_theme_with(root: &Path, memo: Option<&crate::memo::Memo>) -> Result<Arc<Theme>, Vec<Diagnostic>> {
    let files = ThemeFiles::read(root);
    let Some(memo) = memo else { return parse(&files).map(Arc::new) };
    let mut key = crate::cache::KeyBuilder::new("theme");
    for (group, map) in [
        ("t", &files.templates),
        ("i", &files.theme_i18n),
        ("o", &files.own_i18n),
        ("s", &files.statics),
        ("p", &files.print),
    ] {
        for (name, f) in map {
            key.add_str(group).add_str(name).add(f.origin.to_string_lossy().as_bytes()).add(&f.bytes);
        }
    }
    let key = key.finish();
    let latest = memo.slot::<crate::memo::Latest<Theme>>();
    if let Some(theme) = latest.get(&key) {
        return Ok(theme);
    }
    let theme = Arc::new(parse(&files)?);
    latest.set(key, theme.clone());
    Ok(theme)
}

/// Every file a theme is made of, read but not parsed.
struct ThemeFiles {
    templates: BTreeMap<String, ThemeFile>,
    theme_i18n: BTreeMap<String, ThemeFile>,
    own_i18n: BTreeMap<String, ThemeFile>,
    statics: BTreeMap<String, ThemeFile>,
    print: BTreeMap<String, ThemeFile>,
}

impl ThemeFiles {
    fn read(root: &Path) -> Self {
        let mut own_i18n = BTreeMap::new();
        read_tree(&root.join(I18N_DIR), root, &mut own_i18n);
        ThemeFiles {
            templates: collect(root, TEMPLATES_DIR, Some(TEMPLATES_DIR)),
            // The site's i18n/ is merged key by key (`own_i18n`), not file by file.
            theme_i18n: collect(root, I18N_DIR, None),
            own_i18n,
            statics: collect(root, STATIC_DIR, Some(STATIC_DIR)),
            print: collect(root, PRINT_DIR, Some(PRINT_DIR)),
        }
    }
}

fn parse(files: &ThemeFiles) -> Result<Theme, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut tera = tera::Tera::default();
    let templates = &files.templates;
    let mut sources = Vec::new();
    let mut templates_key = crate::cache::KeyBuilder::new("templates");
    for (name, f) in templates {
        templates_key.add_str(name).add(&f.bytes);
        match String::from_utf8(f.bytes.clone()) {
            Ok(s) => sources.push((name.clone(), s)),
            Err(_) => errors.push(Diagnostic::new("not-utf8", "template is not UTF-8").in_file(&f.origin)),
        }
    }
    if let Err(e) = tera.add_raw_templates(sources) {
        errors.push(
            Diagnostic::new("template", tera_error_chain(&e))
                .hint("fix the template syntax; see https://keats.github.io/tera/docs/"),
        );
    }
    crate::filters::register_filters(&mut tera);

    let mut translations = HashMap::new();
    // The site's own i18n files override single keys, not whole files.
    for (name, f) in files.theme_i18n.iter().chain(&files.own_i18n) {
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
    let static_files = files.statics.iter().map(|(k, f)| (k.clone(), f.bytes.clone())).collect();
    let mut print_files = BTreeMap::new();
    let mut print_fonts = BTreeMap::new();
    for (name, f) in &files.print {
        if is_font(name) {
            print_fonts.insert(name.clone(), f.bytes.clone());
            continue;
        }
        match String::from_utf8(f.bytes.clone()) {
            Ok(text) => {
                print_files.insert(name.clone(), PrintFile { origin: f.origin.clone(), text });
            }
            Err(_) => errors.push(Diagnostic::new("not-utf8", "print template is not UTF-8").in_file(&f.origin)),
        }
    }
    if errors.is_empty() {
        Ok(Theme { tera, translations, static_files, templates_key: templates_key.finish(), print_files, print_fonts })
    } else {
        Err(errors)
    }
}

/// A font file (`.ttf`, `.otf`) by its theme path.
pub fn is_font(path: &str) -> bool {
    path.ends_with(".ttf") || path.ends_with(".otf")
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
