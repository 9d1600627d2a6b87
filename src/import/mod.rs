//! `onestop import`: records from other sources → procedure records.
//!
//! A source module (`dvc`: the national public service portal) turns one
//! input file into facts; this module decides the stage and field, writes the
//! record's TOML text, and puts it on disk without losing an editor's work:
//! every imported file starts with a hash of the text it was given
//! (`# import-sha: …`). A file whose text still has that hash is the
//! importer's and may be replaced; any other file is an editor's and is kept
//! unless `--force` is given. Each generated text is checked with the same
//! code as `onestop check` before it is written, so an imported record always
//! loads.

mod clean;
pub mod dvc;
mod json_at;
mod record_toml;

use record_toml::{SHA_PREFIX, hash, header, record_text};

use crate::diag::Diagnostic;
use crate::load::{self, Config};
use crate::model::Field;
use crate::text;
use dvc::Imported;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Longest generated slug; longer titles are cut at a word.
const MAX_SLUG: usize = 80;

pub struct ImportOptions {
    /// Site folder (with site.toml).
    pub root: PathBuf,
    /// JSON files, or folders of them.
    pub inputs: Vec<PathBuf>,
    /// Stage for every record, instead of the field's `stage` in site.toml.
    pub stage: Option<String>,
    /// Field for every record, instead of matching the portal's field name.
    pub field: Option<String>,
    /// Replace files that were edited since they were imported.
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
    /// Edited since it was imported (or written by hand): left as it is.
    Kept,
    Skipped,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Unchanged => "unchanged",
            Outcome::Kept => "kept (edited)",
            Outcome::Skipped => "skipped",
        }
    }
}

/// What happened to one input file.
#[derive(Debug)]
pub struct FileReport {
    pub input: PathBuf,
    pub outcome: Outcome,
    pub code: Option<String>,
    /// The record file, relative to the site root.
    pub record: Option<PathBuf>,
    /// Why it was skipped.
    pub problems: Vec<Diagnostic>,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub files: Vec<FileReport>,
}

impl Summary {
    pub fn count(&self, o: Outcome) -> usize {
        self.files.iter().filter(|f| f.outcome == o).count()
    }
}

#[derive(Debug)]
pub enum ImportError {
    /// Bad arguments or not a site folder (exit code 2).
    Usage(String),
    /// site.toml itself has errors.
    Config(Vec<Diagnostic>),
}

/// Imports portal JSON files into `content/procedures/`.
pub fn import_dvc(opts: &ImportOptions) -> Result<Summary, ImportError> {
    let root = &opts.root;
    if !root.join(load::SITE_FILE).is_file() {
        return Err(ImportError::Usage(format!(
            "{} has no {}: this is not an onestop site folder (use --root DIR)",
            root.display(),
            load::SITE_FILE
        )));
    }
    let config = load::load_config_at(root).map_err(ImportError::Config)?;
    if let Some(s) = &opts.stage
        && !config.stages.iter().any(|x| &x.key == s)
    {
        return Err(ImportError::Usage(format!(
            "site.toml has no stage `{s}`\n  hint: stages are {}",
            keys(config.stages.iter().map(|x| x.key.as_str()))
        )));
    }
    let forced_field = match &opts.field {
        Some(f) => Some(config.fields.iter().find(|x| &x.key == f).ok_or_else(|| {
            ImportError::Usage(format!(
                "site.toml has no field `{f}`\n  hint: fields are {}",
                keys(config.fields.iter().map(|x| x.key.as_str()))
            ))
        })?),
        None => None,
    };
    let inputs = expand_inputs(&opts.inputs)?;
    let mut existing = Existing::scan(root);
    let mut summary = Summary::default();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for input in inputs {
        let report = import_one(&input, opts, &config, forced_field, &mut existing, &mut seen);
        summary.files.push(report);
    }
    Ok(summary)
}

fn keys<'a>(k: impl Iterator<Item = &'a str>) -> String {
    k.collect::<Vec<_>>().join(", ")
}

/// Files named on the command line, and the `*.json` files in named folders (sorted).
fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, ImportError> {
    let mut files = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "json"))
                .map(|e| e.into_path())
                .collect();
            if found.is_empty() {
                return Err(ImportError::Usage(format!("{} has no .json files", p.display())));
            }
            found.sort();
            files.extend(found);
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(ImportError::Usage(format!("{} does not exist", p.display())));
        }
    }
    if files.is_empty() {
        return Err(ImportError::Usage("no input files given".into()));
    }
    Ok(files)
}

/// The site's records: where each code lives, and the slugs in use.
struct Existing {
    by_code: HashMap<String, PathBuf>,
    slugs: HashSet<String>,
}

impl Existing {
    fn scan(root: &Path) -> Self {
        let mut by_code = HashMap::new();
        let mut slugs = HashSet::new();
        for e in walkdir::WalkDir::new(root.join(load::PROCEDURES_DIR)).sort_by_file_name().into_iter().flatten() {
            if !(e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "toml")) {
                continue;
            }
            if let Some(stem) = e.path().file_stem().and_then(|s| s.to_str()) {
                slugs.insert(stem.to_string());
            }
            let rel = e.path().strip_prefix(root).unwrap_or(e.path()).to_path_buf();
            if let Some(code) = std::fs::read_to_string(e.path()).ok().and_then(|t| load::record_code(&t)) {
                by_code.entry(code).or_insert(rel);
            }
        }
        Existing { by_code, slugs }
    }
}

fn import_one(
    input: &Path,
    opts: &ImportOptions,
    config: &Config,
    forced_field: Option<&Field>,
    existing: &mut Existing,
    seen: &mut HashMap<String, PathBuf>,
) -> FileReport {
    let mut report = FileReport {
        input: input.to_path_buf(),
        outcome: Outcome::Skipped,
        code: None,
        record: None,
        problems: Vec::new(),
    };
    if let Err(d) = import_into(&mut report, opts, config, forced_field, existing, seen) {
        report.outcome = Outcome::Skipped;
        report.problems.push(d);
    }
    report
}

/// The steps of one import; the first problem skips the file.
fn import_into(
    report: &mut FileReport,
    opts: &ImportOptions,
    config: &Config,
    forced_field: Option<&Field>,
    existing: &mut Existing,
    seen: &mut HashMap<String, PathBuf>,
) -> Result<(), Diagnostic> {
    let input = report.input.clone();
    let input = input.as_path();
    let json = read_input(input)?;
    let rec = dvc::parse(&json).map_err(|p| located(input, p))?;
    report.code = Some(rec.code.clone());
    if let Some(first) = seen.get(&rec.code) {
        return Err(Diagnostic::new(
            "duplicate-code",
            format!("{} was already imported from {} in this run", rec.code, first.display()),
        )
        .in_file(input)
        .field("data.code")
        .hint("give each record once"));
    }
    seen.insert(rec.code.clone(), input.to_path_buf());
    let field = forced_field.or_else(|| match_field(&rec, &config.fields)).ok_or_else(|| unknown_field(input, &rec))?;
    let stage = opts.stage.as_deref().or(field.stage.as_deref()).ok_or_else(|| {
        Diagnostic::new("no-stage", format!("no journey stage for field `{}`", field.key))
            .in_file(input)
            .field("data.categoriesDetails")
            .hint(format!(
                "add stage = \"…\" to the [[fields]] entry `{}` in site.toml, or pass --stage KEY",
                field.key
            ))
    })?;

    let body = record_text(&rec, stage, field);
    let text = format!("{}{body}", header(&rec, &body));
    let rel = match existing.by_code.get(&rec.code) {
        Some(p) => p.clone(),
        None => {
            let slug = new_slug(&rec, &existing.slugs);
            existing.slugs.insert(slug.clone());
            PathBuf::from(load::PROCEDURES_DIR).join(stage).join(format!("{slug}.toml"))
        }
    };
    report.record = Some(rel.clone());
    let errors = load::check_record_text(config, &rel, &text);
    if !errors.is_empty() {
        // A bug of the importer, not of the input: say so, with the details.
        return Err(Diagnostic::new(
            "import",
            format!(
                "the generated record does not pass the checks: {}",
                errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")
            ),
        )
        .in_file(input)
        .hint("please report this with the input file"));
    }
    let path = opts.root.join(&rel);
    report.outcome = match std::fs::read_to_string(&path) {
        Err(_) => Outcome::Created,
        // Line ends are compared as \n: git may check files out with \r\n.
        Ok(old) if old.replace("\r\n", "\n") == text => Outcome::Unchanged,
        Ok(old) if opts.force || untouched(&old) => Outcome::Updated,
        Ok(_) => Outcome::Kept,
    };
    if matches!(report.outcome, Outcome::Created | Outcome::Updated) {
        write_atomic(&path, &text)
            .map_err(|e| Diagnostic::new("io", format!("cannot write {}: {e}", path.display())).in_file(input))?;
        existing.by_code.insert(rec.code.clone(), rel);
    }
    Ok(())
}

fn read_input(input: &Path) -> Result<String, Diagnostic> {
    let bytes =
        std::fs::read(input).map_err(|e| Diagnostic::new("io", format!("cannot read file: {e}")).in_file(input))?;
    // Never import `�` in place of the letters: say where the file breaks.
    String::from_utf8(bytes).map_err(|e| not_utf8(input, e))
}

fn located(input: &Path, p: dvc::Problem) -> Diagnostic {
    let mut d = Diagnostic::new("import", p.message).in_file(input).field(p.path);
    d.line = p.line;
    d.col = p.col;
    match p.hint {
        Some(h) => d.hint(h),
        None => d,
    }
}

fn unknown_field(input: &Path, rec: &Imported) -> Diagnostic {
    let name = rec.field_names.first().map(String::as_str).unwrap_or("");
    let msg = if name.is_empty() {
        "the record names no field (lĩnh vực)".to_string()
    } else {
        format!("field `{name}` is not a field of site.toml")
    };
    Diagnostic::new("unknown-field", msg).in_file(input).field("data.categoriesDetails").hint(format!(
        "add a [[fields]] entry titled \"{name}\" (or add the name to an entry's portal_names) in site.toml, or pass --field KEY"
    ))
}

/// A located error for a file that is not UTF-8: the line and (character)
/// column of its first invalid byte.
fn not_utf8(input: &Path, e: std::string::FromUtf8Error) -> Diagnostic {
    let at = e.utf8_error().valid_up_to();
    let bytes = e.as_bytes();
    let byte = bytes.get(at).copied().unwrap_or(0);
    // The bytes before `at` are valid UTF-8 by definition.
    let valid = std::str::from_utf8(bytes.get(..at).unwrap_or_default()).unwrap_or_default();
    let (line, col) = crate::diag::SourceText::new(input.to_path_buf(), valid.to_string()).line_col(at);
    let mut d = Diagnostic::new("not-utf8", format!("the file is not UTF-8 (invalid byte 0x{byte:02X})"))
        .in_file(input)
        .hint("the portal answers in UTF-8: download the record again, or convert the file to UTF-8");
    d.line = line;
    d.col = col;
    d
}

/// The site field whose title (or one of its `portal_names`) is one of the
/// portal's field names, compared without case.
fn match_field<'a>(rec: &Imported, fields: &'a [Field]) -> Option<&'a Field> {
    let norm = |s: &str| text::nfc(s.trim()).to_lowercase();
    rec.field_names.iter().find_map(|name| {
        let n = norm(name);
        fields.iter().find(|f| norm(&f.title.vi) == n || f.portal_names.iter().any(|p| norm(p) == n))
    })
}

/// A slug from the title, cut at a word; with the code when it is taken.
fn new_slug(rec: &Imported, taken: &HashSet<String>) -> String {
    let mut slug = String::new();
    for word in text::slugify(&rec.title).split('-') {
        if !slug.is_empty() && slug.len() + 1 + word.len() > MAX_SLUG {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    if slug.is_empty() || taken.contains(&slug) {
        let code = rec.code.replace('.', "-");
        slug = if slug.is_empty() { format!("thu-tuc-{code}") } else { format!("{slug}-{code}") };
    }
    slug
}

/// True when the text still has the hash the importer wrote into it
/// (whatever its line ends).
fn untouched(text: &str) -> bool {
    let text = &text.replace("\r\n", "\n");
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if !line.starts_with('#') {
            return false;
        }
        offset += line.len();
        if let Some(sha) = line.strip_prefix(SHA_PREFIX) {
            return sha.trim() == hash(&text[offset..]);
        }
    }
    false
}

/// Writes beside the target and renames, so a reader never sees half a file
/// (the shared helper's temporary name starts with a dot: the loader skips it).
fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    crate::fsutil::write_atomic(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_notices_any_edit() {
        let body = "code = '1.000001'\n";
        let text = format!("# a\n{SHA_PREFIX}{}\n{body}", hash(body));
        assert!(untouched(&text));
        assert!(!untouched(&text.replace("000001", "000002")));
        assert!(!untouched(body));
        assert!(untouched(&text.replace('\n', "\r\n")), "a checkout with CRLF line ends is not an edit");
    }
}
