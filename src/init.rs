//! `onestop init`: a new site folder that builds and checks at once.
//!
//! The skeleton files live beside this module (`src/init/`) and are compiled
//! into the binary; the options fill their `@NAME@`-style placeholders. An
//! existing file is never overwritten: a non-empty folder is refused unless
//! `force`, and then only the missing files are written.

use crate::{cache, routes, text};
use std::io::Write;
use std::path::{Path, PathBuf};

const SITE: &str = include_str!("init/site.toml");
const RECORD: &str = include_str!("init/record.toml");
const PAGE: &str = include_str!("init/page.md");
const GITIGNORE: &str = include_str!("init/gitignore");
const WORKFLOW: &str = include_str!("init/workflow.yml");

/// Where the example record goes (its stage and slug are the skeleton's).
pub const RECORD_PATH: &str = "content/procedures/van-hanh-lao-dong/dang-ky-noi-quy-lao-dong.toml";
pub const PAGE_PATH: &str = "content/pages/gioi-thieu.md";
pub const WORKFLOW_PATH: &str = ".github/workflows/onestop.yml";

/// The name used when `--name` is not given: visibly one to replace.
pub const PLACEHOLDER_NAME: &str = "Tên cơ quan (sửa trong site.toml)";

pub struct InitOptions {
    pub dir: PathBuf,
    /// The agency's name (organisation.name, and the site's title).
    pub name: Option<String>,
    /// The provincial online public service portal.
    pub portal: Option<String>,
    /// "2011" or "2022".
    pub scheme: String,
    /// `vi` first, optionally `en`.
    pub languages: Vec<String>,
    /// Write into a non-empty folder (never over an existing file).
    pub force: bool,
}

#[derive(Debug)]
pub enum InitError {
    /// Bad options or a target that cannot be used: a message and a hint.
    Usage(String, String),
    /// A file or folder could not be written.
    Io(String),
}

#[derive(Debug, Default)]
pub struct InitSummary {
    /// Files written, relative to the folder.
    pub written: Vec<PathBuf>,
    /// Files that already existed and were left as they were.
    pub skipped: Vec<PathBuf>,
}

fn usage(msg: impl Into<String>, hint: impl Into<String>) -> InitError {
    InitError::Usage(msg.into(), hint.into())
}

/// A TOML basic string with its quotes.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Checks the options and returns every file of the new site (relative path, text).
pub fn files(opts: &InitOptions) -> Result<Vec<(&'static str, String)>, InitError> {
    let name = match &opts.name {
        Some(n) => {
            let n = text::nfc(n.trim());
            if n.is_empty() || n.chars().any(char::is_control) {
                return Err(usage("--name must be one line of text", "e.g. --name \"Sở Xây dựng tỉnh Ninh Bình\""));
            }
            n
        }
        None => PLACEHOLDER_NAME.to_string(),
    };
    if let Some(p) = &opts.portal
        && (!(p.starts_with("https://") || p.starts_with("http://"))
            || p.contains(char::is_whitespace)
            || p.split("://").nth(1).is_none_or(|h| h.split('/').next().is_none_or(str::is_empty)))
    {
        return Err(usage(
            format!("--portal `{p}` is not an http(s) address"),
            "give the province's online public service portal, e.g. --portal https://dichvucong.ninhbinh.gov.vn/",
        ));
    }
    if opts.scheme != "2011" && opts.scheme != "2022" {
        return Err(usage(format!("--scheme `{}` is not a level scheme", opts.scheme), "use --scheme 2011 or 2022"));
    }
    let langs = &opts.languages;
    let known = langs.iter().all(|l| l == "vi" || l == "en");
    if langs.first().map(String::as_str) != Some("vi")
        || !known
        || langs.len() > 2
        || langs.len() == 2 && langs[1] != "en"
    {
        return Err(usage(
            format!("--lang `{}` is not a language list onestop supports", langs.join(",")),
            "Vietnamese comes first and English may follow: --lang vi or --lang vi,en",
        ));
    }
    let english = langs.len() == 2;
    let quoted_langs = format!("[{}]", langs.iter().map(|l| toml_str(l)).collect::<Vec<_>>().join(", "));
    let title = format!("Thủ tục hành chính — {name}");
    let description = format!("Danh mục thủ tục hành chính và mức độ dịch vụ công trực tuyến của {name}.");
    let portal = match &opts.portal {
        Some(p) => format!("portal_url = {}", toml_str(p)),
        None => "# portal_url = \"https://dichvucong.<tỉnh>.gov.vn/\"".into(),
    };
    let (title_en, name_en) = if english {
        (
            "# English title and description of the English edition (until then it shows the Vietnamese ones):\n\
             # title_en = \"Administrative procedures — …\"\n# description_en = \"…\"\n",
            "# name_en = \"…\"",
        )
    } else {
        ("", "# name_en = \"…\"           # for the English edition, once languages has \"en\"")
    };
    let site = SITE
        .replace("@TITLE@", &toml_str(&title))
        .replace("@DESCRIPTION@", &toml_str(&description))
        .replace("@TITLE_EN@\n", title_en)
        .replace("@LANGUAGES@", &quoted_langs)
        .replace("@SCHEME@", &toml_str(&opts.scheme))
        .replace("@PORTAL@", &portal)
        .replace("@NAME@", &toml_str(&name))
        .replace("@NAME_EN@", name_en);
    let page = PAGE
        .replace("@DESCRIPTION@", &toml_str(&description))
        .replace("@NAME_MD@", &markdown_text(&name))
        .replace("@LEVELS@", routes::LEVELS)
        .replace("@JOURNEY@", routes::JOURNEY)
        .replace("@CATALOGUE@", routes::CATALOGUE);
    Ok(vec![
        ("site.toml", site),
        (RECORD_PATH, RECORD.to_string()),
        (PAGE_PATH, page),
        (".gitignore", GITIGNORE.replace("@CACHE@", cache::DIR)),
        (WORKFLOW_PATH, WORKFLOW.to_string()),
    ])
}

/// Text with Markdown's punctuation escaped, so a name reads as written.
fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_{}[]<>()#+!|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Writes the new site into `opts.dir`.
pub fn init(opts: &InitOptions) -> Result<InitSummary, InitError> {
    let files = files(opts)?;
    let dir = &opts.dir;
    if dir.exists() && !dir.is_dir() {
        return Err(usage(
            format!("{} exists and is not a folder", dir.display()),
            "give the path of a new or empty folder",
        ));
    }
    if dir.is_dir() && !opts.force {
        let entries =
            std::fs::read_dir(dir).map_err(|e| InitError::Io(format!("cannot read {}: {e}", dir.display())))?;
        // An empty `git init` is still an empty folder.
        let taken: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != ".git")
            .collect();
        if !taken.is_empty() {
            return Err(usage(
                format!("{} is not empty (it has {})", dir.display(), list(&taken)),
                "choose a new folder, or add --force to write only the files that are missing (no file is ever replaced)",
            ));
        }
    }
    let mut summary = InitSummary::default();
    for (rel, text) in files {
        let path = dir.join(rel);
        if path.exists() || path.is_symlink() {
            summary.skipped.push(PathBuf::from(rel));
            continue;
        }
        write_new(&path, &text).map_err(|e| {
            let done = if summary.written.is_empty() {
                "nothing was written".to_string()
            } else {
                format!(
                    "already written: {}",
                    list(&summary.written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>())
                )
            };
            InitError::Io(format!("cannot write {}: {e} ({done})", path.display()))
        })?;
        summary.written.push(PathBuf::from(rel));
    }
    Ok(summary)
}

/// Creates `path` (and its folders); fails if it exists, so nothing is overwritten.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// `a, b, c` or the first five and how many more.
fn list(items: &[String]) -> String {
    let mut sorted = items.to_vec();
    sorted.sort();
    let shown = sorted.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if sorted.len() > 5 { format!("{shown} and {} more", sorted.len() - 5) } else { shown }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(langs: &[&str]) -> InitOptions {
        InitOptions {
            dir: PathBuf::from("x"),
            name: Some("Sở [Xây dựng]".into()),
            portal: Some("https://dichvucong.example.gov.vn/".into()),
            scheme: "2022".into(),
            languages: langs.iter().map(|l| l.to_string()).collect(),
            force: false,
        }
    }

    #[test]
    fn placeholders_are_all_filled() {
        for langs in [&["vi"][..], &["vi", "en"]] {
            for (rel, text) in files(&opts(langs)).unwrap() {
                assert!(!text.contains("@NAME") && !text.contains("@TITLE"), "{rel}");
                for token in ["@DESCRIPTION@", "@LANGUAGES@", "@SCHEME@", "@PORTAL@", "@CACHE@", "@LEVELS@"] {
                    assert!(!text.contains(token), "{rel}: {token}");
                }
            }
        }
        let files = files(&opts(&["vi"])).unwrap();
        let site: toml::Table = toml::from_str(&files[0].1).unwrap();
        assert_eq!(site["organisation"]["name"].as_str(), Some("Sở [Xây dựng]"));
        assert!(files[2].1.contains(r"Sở \[Xây dựng\]"));
    }

    #[test]
    fn bad_options() {
        for langs in [&["en"][..], &["vi", "fr"], &["vi", "vi"], &["vi", "en", "en"], &[]] {
            assert!(matches!(files(&opts(langs)), Err(InitError::Usage(..))), "{langs:?}");
        }
        for portal in ["dichvucong.gov.vn", "https://", "https://a b", "ftp://x"] {
            let o = InitOptions { portal: Some(portal.into()), ..opts(&["vi"]) };
            assert!(matches!(files(&o), Err(InitError::Usage(..))), "{portal}");
        }
        let o = InitOptions { name: Some("a\nb".into()), ..opts(&["vi"]) };
        assert!(matches!(files(&o), Err(InitError::Usage(..))));
    }
}
