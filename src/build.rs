//! The pipeline in one place: load → render (all renderers, in parallel) →
//! check internal links → swap the output in. The only module that knows
//! the list of stages; `main.rs` only parses arguments and prints.

use crate::cache::{self, Cache};
use crate::diag::{self, Diagnostic};
use crate::fsutil;
use crate::load;
use crate::memo::Memo;
use crate::model::Site;
use crate::output::{self, Output};
use crate::render::{self, RenderCtx};
use crate::theme::{self, Theme};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod first_look;
pub use first_look::{FirstLook, first_look};

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

/// What a build does about print products: the typeset PDFs (leaflets, the
/// guide, the catalogues) and the journey posters' PNG and PDF.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Print {
    /// Make them all (from the cache when unchanged): `build`, the default.
    #[default]
    All,
    /// Make none (`--no-print`): pages list only the products that exist, so
    /// they link none and no link is broken.
    Skip,
    /// Take what the cache holds; for the rest, the last good build's copy
    /// (if there is one) and a list in `BuildSummary::deferred`, for
    /// `serve` to typeset in the background (`prepare_print`) and rebuild.
    Defer,
}

/// Options of a build beyond `BuildOptions` (kept apart so the many callers
/// of `build` need not spell them).
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    pub print: Print,
    /// Base URL of the HTML pages only (`serve`'s own address); print
    /// products keep site.toml's (`SiteConfig::print_base_url`).
    pub preview_url: Option<String>,
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
    /// Print products not made by this build (`Print::Defer`): (kind, cache key).
    pub deferred: Vec<(String, cache::Key)>,
    /// Files linked from the last good build instead of written (`serve`).
    pub linked: usize,
    /// With a memo (`serve`): the files that differ from the last good build's, sorted.
    pub rewritten: Option<Vec<String>>,
    /// With a memo (`serve`, which keeps it for `first_look`): every file of the build and its
    /// size. Not made for `build`, where nothing would read it.
    pub produced: Option<crate::sink::Produced>,
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
    build_run(opts, memo, &RunOptions::default())
}

/// `build_with` with what `RunOptions` says about print products and the pages' address.
pub fn build_run(opts: &BuildOptions, memo: Option<&Memo>, run: &RunOptions) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    check_arguments(opts, run)?;
    // Notes about the output folder itself (a restored output, an old one not deleted),
    // returned with the content warnings for the CLI to print.
    let mut output_notes = if opts.check_only { Vec::new() } else { prepare_out_dir(opts)? };
    // The memo reuses pages from the folder the build replaces; `check` has none.
    let memo = memo.filter(|_| !opts.check_only);
    if let Some(m) = memo {
        m.begin(&opts.out_dir);
    }
    let (site, theme) = load_all(opts, memo, run).map_err(BuildError::Content)?;
    let load_time = started.elapsed();

    let out = if opts.check_only {
        Output::in_memory()
    } else {
        Output::staging_for(&opts.out_dir).map_err(|e| {
            BuildError::Io(format!("cannot create a staging folder beside {}: {e}", opts.out_dir.display()))
        })?
    };
    // `serve`: what is unchanged since the last good build is linked from it, not written again.
    let out = match memo {
        Some(m) => out.linking_from(m.slot::<output::Linker>()),
        None => out,
    };
    let mut phases = render::phases();
    if run.print == Print::Skip {
        // No typesetting at all; the posters' PNG/PDF are skipped by the cache's mode.
        for phase in &mut phases {
            phase.retain(|r| r.name() != "print");
        }
    }
    let total: usize = phases.iter().flatten().map(|r| r.estimate(&site)).sum();
    let bar = progress_bar(opts, total);
    let cache = open_cache(opts, run);
    let ctx = RenderCtx { theme: &theme, cache: &cache, memo, writes: out.writes() };
    let render_started = Instant::now();
    run_phases(&phases, &site, &ctx, &out, &|n: u64| bar.inc(n));
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
        warnings: content_warnings(&site, run),
        deferred: cache.deferred(),
        linked: out.linked_count(),
        produced: memo.map(|_| out.produced()),
        rewritten: out.rewritten(),
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
    // `serve` (Print::Defer) does not prune: the background job may be
    // filling the cache, and an undone edit finds its products again. The
    // next `build` prunes.
    if run.print != Print::Defer {
        cache.prune();
    }
    let mut summary = summary;
    summary.warnings.extend(output_notes);
    Ok(BuildSummary { total_time: started.elapsed(), ..summary })
}

/// The print cache as the run asks: none for `check`, skipping or deferring typesetting.
fn open_cache(opts: &BuildOptions, run: &RunOptions) -> Cache {
    match (opts.check_only, run.print) {
        (true, _) => Cache::disabled(),
        (false, Print::All) => Cache::open(&opts.root),
        (false, Print::Skip) => Cache::open(&opts.root).with_mode(cache::Mode::Skip, None),
        (false, Print::Defer) => Cache::open(&opts.root).with_mode(cache::Mode::Defer, Some(opts.out_dir.clone())),
    }
}

/// The content's warnings, and (when printing) those about the address the
/// print products' QR codes carry.
fn content_warnings(site: &Site, run: &RunOptions) -> Vec<Diagnostic> {
    let print = (run.print != Print::Skip).then(|| render::print::print_address_warnings(site));
    site.warnings.iter().cloned().chain(print.into_iter().flatten()).collect()
}

fn check_arguments(opts: &BuildOptions, run: &RunOptions) -> Result<(), BuildError> {
    if !opts.root.join(load::SITE_FILE).is_file() {
        return Err(BuildError::Usage(format!(
            "{} has no {}: this is not an onestop site folder (use --root DIR, or `onestop new` inside a site)",
            opts.root.display(),
            load::SITE_FILE
        )));
    }
    for u in opts.base_url.iter().chain(&run.preview_url) {
        if !(u.starts_with("http://") || u.starts_with("https://")) {
            return Err(BuildError::Usage(format!("--base-url `{u}` must start with http:// or https://")));
        }
    }
    Ok(())
}

/// Before anything is read or written: a bad --out touches nothing; leftovers
/// of killed builds are cleaned (and a lost output put back), with notes.
fn prepare_out_dir(opts: &BuildOptions) -> Result<Vec<Diagnostic>, BuildError> {
    guard_out_dir(&opts.root, &opts.out_dir)?;
    let cleanup = output::clean_leftovers(&opts.out_dir);
    let mut notes = Vec::new();
    if let Some(old) = &cleanup.restored {
        notes.push(Diagnostic::new(
            "output-restored",
            format!(
                "{} was missing; the last good output was put back from {} (left by a killed build)",
                opts.out_dir.display(),
                old.display()
            ),
        ));
    }
    notes.extend(cleanup.problems.iter().map(|p| Diagnostic::new("output-leftover", p.clone())));
    Ok(notes)
}

/// The site and the theme, loaded side by side; all errors of both, sorted.
fn load_all(
    opts: &BuildOptions,
    memo: Option<&Memo>,
    run: &RunOptions,
) -> Result<(Site, std::sync::Arc<Theme>), Vec<Diagnostic>> {
    // The pages' address: serve's own, else --base-url, else site.toml's.
    let page_url = run.preview_url.as_deref().or(opts.base_url.as_deref());
    let (site, theme) =
        rayon::join(|| load::load_site_with(&opts.root, page_url, memo), || theme::load_theme_with(&opts.root, memo));
    match (site, theme) {
        (Ok(mut site), Ok(theme)) => {
            // Print products use --base-url when given, else site.toml's address (set by the loader).
            if let Some(u) = &opts.base_url {
                site.config.print_base_url =
                    if u.ends_with('/') { u.trim().to_string() } else { format!("{}/", u.trim()) };
            }
            Ok((site, theme))
        }
        (s, t) => {
            let mut errors = s.err().unwrap_or_default();
            errors.extend(t.err().unwrap_or_default());
            diag::sort(&mut errors);
            Err(errors)
        }
    }
}

fn progress_bar(opts: &BuildOptions, total: usize) -> indicatif::ProgressBar {
    if !opts.progress {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg:10} [{bar:40}] {pos}/{len} files")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(if opts.check_only { "checking" } else { "building" });
    bar
}

/// Each phase's renderers in parallel; a phase starts when the one before has finished.
fn run_phases(
    phases: &[Vec<Box<dyn render::Renderer>>],
    site: &Site,
    ctx: &RenderCtx,
    out: &Output,
    tick: &(dyn Fn(u64) + Sync),
) {
    for renderers in phases {
        // What the earlier phases made, as this phase's renderers see it.
        let earlier = &out.produced();
        rayon::scope(|s| {
            for r in renderers {
                s.spawn(move |_| r.render(site, ctx, earlier, out, tick));
            }
        });
    }
}

/// What `prepare_print` did.
#[derive(Debug, Default)]
pub struct PrintReport {
    /// Products made now / taken from the cache.
    pub made: usize,
    pub reused: usize,
    /// Errors of the print templates (a content error is left to the next build to report).
    pub errors: Vec<Diagnostic>,
    pub time: Duration,
}

/// The background half of a `Print::Defer` build (`serve`): loads the site
/// as `build_run` does and runs only the renderers of print products
/// (posters, typeset PDFs), which put what they make into the cache. Their
/// files go to a staging folder beside `scratch` that is deleted: the next
/// `Print::Defer` build finds them in the cache. `memo` must not be one a
/// build uses at the same time (the counts would mix).
pub fn prepare_print(
    opts: &BuildOptions,
    memo: Option<&Memo>,
    run: &RunOptions,
    scratch: &Path,
) -> Result<PrintReport, BuildError> {
    let started = Instant::now();
    let Ok((site, theme)) = load_all(opts, memo, run) else {
        // The build that runs on the same files reports them.
        return Ok(PrintReport::default());
    };
    let out = Output::staging_for(scratch)
        .map_err(|e| BuildError::Io(format!("cannot create a staging folder beside {}: {e}", scratch.display())))?;
    let cache = Cache::open(&opts.root);
    let ctx = RenderCtx { theme: &theme, cache: &cache, memo: None, writes: true };
    // The first phase holds the print products (posters, typeset PDFs).
    let phases = render::phases();
    run_phases(&phases[..phases.len().min(1)], &site, &ctx, &out, &|_: u64| {});
    let mut errors = out.finish_checks(&site.config.base_path);
    out.discard();
    diag::sort(&mut errors);
    Ok(PrintReport { made: cache.misses(), reused: cache.hits(), errors, time: started.elapsed() })
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
