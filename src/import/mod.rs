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

pub mod dvc;

use crate::diag::Diagnostic;
use crate::load::{self, Config};
use crate::model::Field;
use crate::text;
use dvc::Imported;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The line that carries the hash of the generated text (after the header).
const SHA_PREFIX: &str = "# import-sha: ";
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
    let problem = |p: dvc::Problem| {
        let mut d = Diagnostic::new("import", p.message).in_file(input).field(p.path);
        d.line = p.line;
        d.col = p.col;
        match p.hint {
            Some(h) => d.hint(h),
            None => d,
        }
    };
    let json = match std::fs::read(input) {
        Ok(b) => match String::from_utf8(b) {
            Ok(s) => s,
            // Never import `�` in place of the letters: say where the file breaks.
            Err(e) => {
                report.problems.push(not_utf8(input, e));
                return report;
            }
        },
        Err(e) => {
            report.problems.push(Diagnostic::new("io", format!("cannot read file: {e}")).in_file(input));
            return report;
        }
    };
    let rec = match dvc::parse(&json) {
        Ok(r) => r,
        Err(p) => {
            report.problems.push(problem(p));
            return report;
        }
    };
    report.code = Some(rec.code.clone());
    if let Some(first) = seen.get(&rec.code) {
        report.problems.push(
            Diagnostic::new(
                "duplicate-code",
                format!("{} was already imported from {} in this run", rec.code, first.display()),
            )
            .in_file(input)
            .field("data.code")
            .hint("give each record once"),
        );
        return report;
    }
    seen.insert(rec.code.clone(), input.to_path_buf());

    let field = match forced_field.or_else(|| match_field(&rec, &config.fields)) {
        Some(f) => f,
        None => {
            let name = rec.field_names.first().map(String::as_str).unwrap_or("");
            let msg = if name.is_empty() {
                "the record names no field (lĩnh vực)".to_string()
            } else {
                format!("field `{name}` is not a field of site.toml")
            };
            report.problems.push(
                Diagnostic::new("unknown-field", msg)
                    .in_file(input)
                    .field("data.categoriesDetails")
                    .hint(format!("add a [[fields]] entry titled \"{name}\" (or add the name to an entry's portal_names) in site.toml, or pass --field KEY")),
            );
            return report;
        }
    };
    let stage = match opts.stage.as_deref().or(field.stage.as_deref()) {
        Some(s) => s,
        None => {
            report.problems.push(
                Diagnostic::new("no-stage", format!("no journey stage for field `{}`", field.key))
                    .in_file(input)
                    .field("data.categoriesDetails")
                    .hint(format!(
                        "add stage = \"…\" to the [[fields]] entry `{}` in site.toml, or pass --stage KEY",
                        field.key
                    )),
            );
            return report;
        }
    };

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
        report.problems.push(
            Diagnostic::new(
                "import",
                format!(
                    "the generated record does not pass the checks: {}",
                    errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")
                ),
            )
            .in_file(input)
            .hint("please report this with the input file"),
        );
        return report;
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
        if let Err(e) = write_atomic(&path, &text) {
            report.outcome = Outcome::Skipped;
            report.problems.push(Diagnostic::new("io", format!("cannot write {}: {e}", path.display())).in_file(input));
            return report;
        }
        existing.by_code.insert(rec.code.clone(), rel);
    }
    report
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

fn hash(body: &str) -> String {
    use siphasher::sip128::{Hasher128, SipHasher13};
    use std::hash::Hasher;
    let mut h = SipHasher13::new();
    h.write(body.as_bytes());
    format!("{:032x}", h.finish128().as_u128())
}

fn header(rec: &Imported, body: &str) -> String {
    let mut h =
        String::from("# Imported from the national public service portal (dichvucong.gov.vn) by `onestop import dvc`");
    match (&rec.portal_id, rec.portal_updated_ms) {
        (Some(id), Some(ms)) => write!(h, ":\n# portal record {id}, updated there on {}.\n", dvc::iso_date(ms)).ok(),
        (Some(id), None) => write!(h, ":\n# portal record {id}.\n").ok(),
        _ => writeln!(h, ".").ok(),
    };
    h.push_str("# Edit freely: a later import keeps an edited file unless it is run with --force.\n");
    h.push_str(SHA_PREFIX);
    h.push_str(&hash(body));
    h.push('\n');
    h
}

/// The record's TOML text (everything after the header), in the order of
/// docs/content-format.md.
pub fn record_text(rec: &Imported, stage: &str, field: &Field) -> String {
    let mut t = String::with_capacity(8 * 1024);
    let kv = |t: &mut String, k: &str, v: &str| {
        let _ = writeln!(t, "{k} = {v}");
    };
    kv(&mut t, "code", &toml_str(&rec.code));
    kv(&mut t, "title", &toml_str(&rec.title));
    kv(&mut t, "stage", &toml_str(stage));
    kv(&mut t, "field", &toml_str(&field.key));
    kv(&mut t, "level", &rec.level.to_string());
    if rec.public_postal {
        kv(&mut t, "public_postal", "true");
    }
    if let Some(a) = &rec.administrative_level {
        kv(&mut t, "administrative_level", &toml_str(a));
    }
    if let Some(p) = &rec.publication_decision {
        kv(&mut t, "publication_decision", &toml_str(p));
    }
    if !rec.keywords.is_empty() {
        kv(&mut t, "keywords", &toml_list(&rec.keywords));
    }
    t.push('\n');
    match &rec.summary {
        Some(s) => kv(&mut t, "summary", &toml_text(s)),
        None => {
            t.push_str("# The portal has no description of this procedure: this sentence is the importer's.\n");
            let s = format!(
                "Thủ tục hành chính mã {}, lĩnh vực {}, theo Cơ sở dữ liệu quốc gia về thủ tục hành chính.",
                rec.code, field.title.vi
            );
            kv(&mut t, "summary", &toml_str(&s));
        }
    }
    if !rec.applicants.is_empty() {
        kv(&mut t, "applicants", &toml_list(&rec.applicants));
    }
    if let Some(w) = &rec.where_to_submit {
        kv(&mut t, "where_to_submit", &toml_text(w));
    }
    if !rec.steps.is_empty() {
        t.push_str("steps = [\n");
        for s in &rec.steps {
            let _ = writeln!(t, "  {},", toml_text(s));
        }
        t.push_str("]\n");
    }
    if let Some(r) = &rec.requirements {
        kv(&mut t, "requirements", &toml_text(r));
    }
    if !rec.result.is_empty() {
        kv(&mut t, "result", &toml_list(&rec.result));
    }

    let a = &rec.agencies;
    let agencies = [
        ("competent", &a.competent),
        ("executing", &a.executing),
        ("authorised", &a.authorised),
        ("coordinating", &a.coordinating),
    ];
    if agencies.iter().any(|(_, v)| v.is_some()) {
        t.push_str("\n[agencies]\n");
        for (k, v) in agencies {
            if let Some(v) = v {
                kv(&mut t, k, &toml_str(v));
            }
        }
    }
    for c in &rec.channels {
        t.push_str("\n[[channels]]\n");
        kv(&mut t, "kind", &toml_str(c.kind));
        if let (Some(n), Some(u)) = (c.time, c.time_unit) {
            kv(&mut t, "time", &number(n));
            kv(&mut t, "time_unit", &toml_str(u));
        }
        if let Some(x) = &c.time_text {
            kv(&mut t, "time_text", &toml_str(x));
        }
        if let Some(x) = &c.fee {
            kv(&mut t, "fee", &toml_str(x));
        }
        if let Some(v) = c.fee_vnd {
            kv(&mut t, "fee_vnd", &v.to_string());
        }
        if let Some(x) = &c.note {
            kv(&mut t, "note", &toml_text(x));
        }
    }
    for d in &rec.documents {
        t.push_str("\n[[documents]]\n");
        if let Some(c) = &d.case {
            kv(&mut t, "case", &toml_str(c));
        }
        kv(&mut t, "name", &toml_str(&d.name));
        if let Some(f) = &d.form {
            kv(&mut t, "form", &toml_str(f));
        }
        if let Some(n) = d.originals {
            kv(&mut t, "originals", &n.to_string());
        }
        if let Some(n) = d.copies {
            kv(&mut t, "copies", &n.to_string());
        }
    }
    for (number, title) in &rec.legal_basis {
        t.push_str("\n[[legal_basis]]\n");
        if let Some(n) = number {
            kv(&mut t, "number", &toml_str(n));
        }
        kv(&mut t, "title", &toml_str(title));
    }
    t
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}

/// A one-line TOML string: a literal '…' when it needs no escapes (easier to
/// read and edit), else a basic "…" string.
fn toml_str(s: &str) -> String {
    if s.contains('\'') || s.chars().any(|c| c.is_control()) { basic(s) } else { format!("'{s}'") }
}

/// A TOML string for text that may span lines: a multi-line literal '''…'''
/// when possible.
fn toml_text(s: &str) -> String {
    if !s.contains('\n') {
        return toml_str(s);
    }
    if s.contains("'''") || s.ends_with('\'') || s.chars().any(|c| c.is_control() && c != '\n') {
        let mut out = String::from("\"\"\"\n");
        for c in s.chars() {
            match c {
                '\n' => out.push('\n'),
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => {
                    let _ = write!(out, "\\u{:04X}", c as u32);
                }
                c => out.push(c),
            }
        }
        out.push_str("\"\"\"");
        return out;
    }
    format!("'''\n{s}'''")
}

fn basic(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_list(items: &[String]) -> String {
    if items.len() == 1 {
        return format!("[{}]", toml_str(&items[0]));
    }
    let mut out = String::from("[\n");
    for i in items {
        let _ = writeln!(out, "  {},", toml_str(i));
    }
    out.push(']');
    out
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
    fn toml_strings_round_trip() {
        for s in ["Lệ phí 'x'", "a\\b \"c\"", "một\nhai '''\nba", "x\ty", "dòng\nkết thúc'"] {
            let v: toml::Table = toml::from_str(&format!("k = {}\nm = {}\n", toml_str(s), toml_text(s))).unwrap();
            assert_eq!(v["k"].as_str(), Some(s));
            assert_eq!(v["m"].as_str(), Some(s));
        }
    }

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
