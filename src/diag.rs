//! Diagnostics: located, accumulated errors.
//!
//! Every stage of the pipeline pushes `Diagnostic`s into a list and keeps going,
//! so one run reports every problem at once. A diagnostic names the file, the
//! line and column, the field (a dotted TOML path such as `channels[1].time`),
//! a message and an optional hint. Line and column are computed from byte
//! offsets with the file's `SourceText` when the diagnostic is created.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Stable kebab-case identifier that tests and tools key on (`unknown-key`, `dup-code`, …).
    pub code: &'static str,
    /// File the problem is in, relative to the site root when possible.
    pub file: Option<PathBuf>,
    /// 1-based line; 0 when unknown.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub col: usize,
    /// Dotted path of the field, e.g. `documents[2].originals`; empty for whole-file problems.
    pub field: String,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic { code, file: None, line: 0, col: 0, field: String::new(), message: message.into(), hint: None }
    }

    /// Locates the diagnostic at a byte offset of `src`.
    pub fn at(mut self, src: &SourceText, offset: usize) -> Self {
        let (line, col) = src.line_col(offset);
        self.file = Some(src.path.clone());
        self.line = line;
        self.col = col;
        self
    }

    /// Locates the diagnostic at a position computed earlier (the file's text may be gone).
    pub fn at_loc(mut self, path: &Path, loc: Loc) -> Self {
        self.file = Some(path.to_path_buf());
        self.line = loc.line;
        self.col = loc.col;
        self
    }

    pub fn in_file(mut self, path: &Path) -> Self {
        self.file = Some(path.to_path_buf());
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    fn sort_key(&self) -> (Option<&PathBuf>, usize, usize, &str) {
        (self.file.as_ref(), self.line, self.col, &self.message)
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:col: field: message [code]` then `  hint: …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(p) if self.line > 0 => write!(f, "{}:{}:{}: ", p.display(), self.line, self.col)?,
            Some(p) => write!(f, "{}: ", p.display())?,
            None => {}
        }
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        write!(f, "{} [{}]", self.message, self.code)?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// Sorts diagnostics by file, line and column so parallel stages print deterministically.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// `Ok` or a non-empty list of diagnostics.
pub type DiagResult<T> = Result<T, Vec<Diagnostic>>;

/// A 1-based line and column, kept where the file's text is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    pub line: usize,
    pub col: usize,
}

/// The text of one input file with its line starts, for offset → line:col.
#[derive(Debug)]
pub struct SourceText {
    /// Path as shown to the user (relative to the site root).
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceText {
    pub fn new(path: PathBuf, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceText { path, text, line_starts }
    }

    pub fn loc(&self, offset: usize) -> Loc {
        let (line, col) = self.line_col(offset);
        Loc { line, col }
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }
}

/// Closest candidate for a misspelled name, for "did you mean" hints.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(wrong, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let src = SourceText::new("a.toml".into(), "a = 1\ntitle = \"Đăng ký\"\n".into());
        assert_eq!(src.line_col(0), (1, 1));
        assert_eq!(src.line_col(6), (2, 1));
        let after = src.text.find("ký").unwrap();
        assert_eq!(src.line_col(after), (2, 15));
    }

    #[test]
    fn display_has_file_line_field_hint() {
        let src = SourceText::new("x.toml".into(), "titel = 1\n".into());
        let d = Diagnostic::new("unknown-key", "unknown key").at(&src, 0).field("titel").hint("did you mean `title`?");
        assert_eq!(d.to_string(), "x.toml:1:1: titel: unknown key [unknown-key]\n  hint: did you mean `title`?");
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("titel", ["title", "stage", "code"]), Some("title"));
        assert_eq!(did_you_mean("zzz", ["title", "stage"]), None);
    }
}
