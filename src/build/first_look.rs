//! `serve`'s first look at an edit: the edited records' own pages, rendered and put in the
//! served folder before the site is rebuilt, so the page the editor looks at shows the edit
//! in a fraction of the rebuild's time (a 1,000-record rebuild takes seconds: every page's
//! key, every print product's key, the lists). The rebuild that follows replaces the folder.

use super::{BuildOptions, RunOptions, load_all, open_cache};
use crate::memo::Memo;
use crate::output::Linker;
use crate::render::{self, RenderCtx};
use crate::sink::Produced;
use std::path::PathBuf;

/// What a first look showed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FirstLook {
    /// Pages put in the served folder (the edited records' pages, every edition), as paths in it.
    pub paths: Vec<String>,
    /// Input files parsed to make them (the rebuild then finds them parsed).
    pub files_parsed: usize,
}

/// The pages of the records in `changed` (paths relative to the site root), rendered from
/// the edited site and put in place of the last good build's copies (`Linker::replace`;
/// the memo forgets their keys, so the rebuild renders them again). `None` when the edit
/// changed no record, the site does not load (the rebuild reports why), or there is no good
/// build to update. `earlier`: that build's files (`BuildSummary::produced`), for the sizes
/// of the leaflets the pages link.
pub fn first_look(
    opts: &BuildOptions,
    memo: &Memo,
    run: &RunOptions,
    changed: &[PathBuf],
    earlier: &Produced,
) -> Option<FirstLook> {
    if opts.check_only || !changed.iter().any(|c| c.extension().is_some_and(|e| e == "toml")) {
        return None;
    }
    let parsed_before = memo.stats().files_parsed;
    let (site, theme) = load_all(opts, Some(memo), run).ok()?;
    let files_parsed = memo.stats().files_parsed.saturating_sub(parsed_before);
    let indices: Vec<usize> =
        (0..site.procedures.len()).filter(|&i| changed.contains(&site.procedures[i].source)).collect();
    if indices.is_empty() {
        return None;
    }
    let cache = open_cache(opts, run);
    // No memo: these pages are rendered whatever their key, and leave the memo's keys alone.
    let ctx = RenderCtx { theme: &theme, cache: &cache, memo: None, writes: true };
    let pages = render::html::first_pages(&site, &ctx, earlier, &indices).ok()?;
    let linker = memo.slot::<Linker>();
    let mut shown = Vec::new();
    for (path, bytes) in &pages {
        // Whatever happens, the rebuild must not take this page's old bytes for current.
        memo.forget_page(path);
        match linker.replace(path, bytes) {
            Ok(true) => shown.push(path.clone()),
            Ok(false) => return None,
            // Best effort: the rebuild writes it anyway.
            Err(_) => {}
        }
    }
    Some(FirstLook { paths: shown, files_parsed })
}
