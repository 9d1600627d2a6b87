//! The pipeline in one place: load → render (all renderers, in parallel) →
//! check internal links → swap the output in. The only module that knows
//! the list of stages; `main.rs` only parses arguments and prints.

use crate::cache::{self, Cache};
use crate::diag::{self, Diagnostic};
use crate::fsutil;
use crate::load;
use crate::memo::Memo;
use crate::output::{self, Output};
use crate::render::{self, RenderCtx};
use crate::theme;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; relative paths are relative to the current directory.
    pub out_dir: PathBuf,
    /// Overrides `base_url` from site.toml.
    pub base_url: Option<String>,
    /// Render and check everything but write nothing.
    pub check_only: bool,
    pub progress: bool,
}

#[derive(Debug)]
pub struct BuildSummary {
    pub procedures: usize,
    pub pages: usize,
    pub html_pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub load_time: Duration,
    pub render_time: Duration,
    pub total_time: Duration,
    /// Products (posters, leaflets) reused from the cache / rendered afresh.
    pub cache_hits: usize,
    pub cache_misses: usize,
    /// The same per kind of product (`poster-png`, `leaflet`, …): (reused, rendered).
    pub cache_kinds: std::collections::BTreeMap<String, (usize, usize)>,
    /// Problems that did not stop the build (input files left out), sorted.
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug)]
pub enum BuildError {
    /// Not a site, or bad arguments: exit code 2.
    Usage(String),
    /// Content problems, all of them: exit code 1.
    Content(Vec<Diagnostic>),
    /// Writing the output failed.
    Io(String),
}

pub fn build(opts: &BuildOptions) -> Result<BuildSummary, BuildError> {
    build_with(opts, None)
}

/// `build`, remembering parsed files and rendered pages in `memo` and reusing
/// what is unchanged since the last good build with the same memo
/// (`onestop serve`). The output is the same as `build`'s.
pub fn build_with(opts: &BuildOptions, memo: Option<&Memo>) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    let root = &opts.root;
    if !root.join(load::SITE_FILE).is_file() {
        return Err(BuildError::Usage(format!(
            "{} has no {}: this is not an onestop site folder (use --root DIR, or `onestop new` inside a site)",
            root.display(),
            load::SITE_FILE
        )));
    }
    if let Some(u) = &opts.base_url
        && !(u.starts_with("http://") || u.starts_with("https://"))
    {
        return Err(BuildError::Usage(format!("--base-url `{u}` must start with http:// or https://")));
    }
    // Notes about the output folder itself (a restored output, an old one not deleted),
    // returned with the content warnings for the CLI to print.
    let mut output_notes = Vec::new();
    if !opts.check_only {
        // Before anything is read or written: a bad --out touches nothing.
        guard_out_dir(root, &opts.out_dir)?;
        let cleanup = output::clean_leftovers(&opts.out_dir);
        if let Some(old) = &cleanup.restored {
            output_notes.push(Diagnostic::new(
                "output-restored",
                format!(
                    "{} was missing; the last good output was put back from {} (left by a killed build)",
                    opts.out_dir.display(),
                    old.display()
                ),
            ));
        }
        output_notes.extend(cleanup.problems.iter().map(|p| Diagnostic::new("output-leftover", p.clone())));
    }
    // The memo reuses pages from the folder the build replaces; `check` has none.
    let memo = memo.filter(|_| !opts.check_only);
    if let Some(m) = memo {
        m.begin(&opts.out_dir);
    }
    let (site, theme) = rayon::join(
        || load::load_site_with(root, opts.base_url.as_deref(), memo),
        || theme::load_theme_with(root, memo),
    );
    let (site, theme) = match (site, theme) {
        (Ok(s), Ok(t)) => (s, t),
        (s, t) => {
            let mut errors = s.err().unwrap_or_default();
            errors.extend(t.err().unwrap_or_default());
            diag::sort(&mut errors);
            return Err(BuildError::Content(errors));
        }
    };
    let load_time = started.elapsed();

    let out = if opts.check_only {
        Output::in_memory()
    } else {
        Output::staging_for(&opts.out_dir).map_err(|e| {
            BuildError::Io(format!("cannot create a staging folder beside {}: {e}", opts.out_dir.display()))
        })?
    };
    let phases = render::phases();
    let total: usize = phases.iter().flatten().map(|r| r.estimate(&site)).sum();
    let bar = if opts.progress {
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg:10} [{bar:40}] {pos}/{len} files")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(if opts.check_only { "checking" } else { "building" });
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let cache = if opts.check_only { Cache::disabled() } else { Cache::open(root) };
    let ctx = RenderCtx { theme: &theme, cache: &cache, memo };
    let render_started = Instant::now();
    let tick = |n: u64| bar.inc(n);
    for renderers in &phases {
        rayon::scope(|s| {
            for r in renderers {
                let (site, ctx, out, tick) = (&site, &ctx, &out, &tick);
                s.spawn(move |_| r.render(site, ctx, out, tick));
            }
        });
    }
    bar.finish_and_clear();
    let render_time = render_started.elapsed();

    let mut errors = out.finish_checks(&site.config.base_path);
    let summary = BuildSummary {
        procedures: site.procedures.len(),
        pages: site.pages.len(),
        html_pages: out.html_count(),
        files: out.file_count(),
        bytes: out.byte_count(),
        load_time,
        render_time,
        total_time: Duration::ZERO,
        cache_hits: cache.hits(),
        cache_misses: cache.misses(),
        cache_kinds: cache.kind_counts(),
        // Print products carry the site's address in their QR codes: say when it cannot work.
        warnings: site.warnings.iter().cloned().chain(render::print::print_address_warnings(&site)).collect(),
    };
    if !errors.is_empty() {
        if let Some(m) = memo {
            m.abandon();
        }
        out.discard();
        diag::sort(&mut errors);
        return Err(BuildError::Content(errors));
    }
    match out.commit(&opts.out_dir) {
        Ok(None) => {}
        // The new site is in place; only the old one's deletion failed.
        Ok(Some(warning)) => output_notes.push(Diagnostic::new("output-leftover", warning)),
        Err(e) => {
            if let Some(m) = memo {
                m.abandon();
            }
            return Err(BuildError::Io(format!("cannot move the new site into {}: {e}", opts.out_dir.display())));
        }
    }
    if let Some(m) = memo {
        m.commit();
    }
    cache.prune();
    let mut summary = summary;
    summary.warnings.extend(output_notes);
    Ok(BuildSummary { total_time: started.elapsed(), ..summary })
}

/// The folders of a site that hold what it is built from (and the cache):
/// an output folder may not be one of them, be inside one, or contain one.
const SOURCE_DIRS: &[&str] =
    &["content", "diagrams", "themes", "templates", "static", "print", "i18n", ".git", "src", cache::DIR];

/// Refuses output folders that the build's swap would move or delete sources
/// with: the site folder or an ancestor of it, an existing file, and any
/// folder that is, is inside, or contains a source folder. Paths are compared
/// after resolving `..` and the symlinks of the parts that exist, so every
/// spelling of a folder (`public/../content`, a link to it) is caught.
fn guard_out_dir(root: &Path, out: &Path) -> Result<(), BuildError> {
    let resolve = |p: &Path| {
        fsutil::resolve(p).map_err(|e| BuildError::Usage(format!("cannot resolve the folder {}: {e}", p.display())))
    };
    let (root_r, out_r) = (resolve(root)?, resolve(out)?);
    let refuse = |why: String| {
        let shown = if out_r.as_path() == out {
            out.display().to_string()
        } else {
            format!("{} ({})", out.display(), out_r.display())
        };
        BuildError::Usage(format!(
            "refusing to build into {shown}: {why}; every build replaces its output folder as a whole\n  hint: use --out public or a folder outside the site"
        ))
    };
    if fs_exists_not_dir(out) {
        return Err(refuse("it is a file, not a folder".into()));
    }
    if out_r == root_r {
        return Err(refuse("it is the site folder itself".into()));
    }
    if root_r.starts_with(&out_r) {
        return Err(refuse(format!("it contains the site folder {}", root_r.display())));
    }
    for dir in SOURCE_DIRS {
        let src = resolve(&root.join(dir))?;
        if out_r == src {
            return Err(refuse(format!("it is the site's source folder {dir}/")));
        }
        if out_r.starts_with(&src) {
            return Err(refuse(format!("it is inside the site's source folder {dir}/")));
        }
        if src.starts_with(&out_r) {
            return Err(refuse(format!("it contains the site's source folder {dir}/ ({})", src.display())));
        }
    }
    Ok(())
}

/// Something exists at `p` (a file, a link to nothing…) and it is not a folder.
fn fs_exists_not_dir(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok() && !p.is_dir()
}
