//! The `onestop` command line: parses arguments, runs the pipeline, prints.

use clap::{Parser, Subcommand, ValueEnum};
use onestop::build::{BuildError, BuildOptions, BuildSummary, Print, RunOptions, build, build_run};
use onestop::diag::Diagnostic;
use onestop::import::{ImportError, ImportOptions, Outcome};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "onestop", version, about = "Static site generator for public procedure guidance: TOML procedure records → website, open data and search.", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default public/).
    ///
    /// Loads site.toml, content/procedures/**/*.toml and content/pages/*.md,
    /// validates everything, renders every page in parallel into a staging
    /// folder, checks every internal link and only then replaces the output
    /// folder. On any error the output folder is left exactly as it was.
    Build {
        /// Site folder (the one with site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder. Default: public/ inside the site folder.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Public address of the site, overriding base_url in site.toml (e.g. https://example.gov.vn/tthc/).
        #[arg(long)]
        base_url: Option<String>,
        /// Print no summary.
        #[arg(long, short)]
        quiet: bool,
        /// A quick look: no print products (leaflets, guide, catalogues, the posters' PNG and PDF); pages do not link them. Not for publishing.
        #[arg(long)]
        no_print: bool,
    },
    /// Validate everything and check every internal link, writing nothing.
    ///
    /// Exit code 0: clean; 1: content errors (all listed, with file:line:col);
    /// 2: usage errors (not a site folder, bad arguments).
    Check {
        /// Site folder (the one with site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How to print errors: text for people, json for tools, github for workflow annotations.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also list which records and settings lack which English fields (a report on stdout; exit 0 when the site is valid).
        #[arg(long)]
        translations: bool,
    },
    /// Preview the site while editing: build, serve, rebuild on every save.
    ///
    /// Builds into a temporary folder (public/ is not touched), serves it at
    /// http://ADDR:PORT/, watches site.toml, content/, diagrams/ and the theme
    /// folders, rebuilds what a change touches and reloads the open pages. On
    /// a content error the last good site stays served and the pages show
    /// the errors until the file is fixed. Stop with Ctrl-C.
    Serve {
        /// Site folder (the one with site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on (0: any free port).
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// Address to listen on: 127.0.0.1 is this machine only, 0.0.0.0 the local network too.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// No print products (leaflets, guide, catalogues, the posters' PNG and PDF): only the pages, which then do not link them.
        #[arg(long)]
        no_print: bool,
    },
    /// Write a commented skeleton for a new procedure record.
    ///
    /// Creates content/procedures/<STAGE>/<SLUG>.toml. Fill in its TODOs;
    /// `onestop check` refuses the file until they are filled.
    New {
        /// File name and URL slug: lower-case letters, digits and hyphens (cap-giay-phep-xay-dung).
        slug: String,
        /// Journey stage key from site.toml (default: the first stage).
        #[arg(long)]
        stage: Option<String>,
        /// Procedure code from the national database (D.DDDDDD).
        #[arg(long)]
        code: Option<String>,
        /// Site folder (the one with site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Import procedure records from another source.
    #[command(subcommand)]
    Import(ImportSource),
    /// Create a new site folder for an agency: site.toml, one example record and page, .gitignore, CI workflow.
    ///
    /// `onestop build` and `onestop check` work in it at once. A folder that
    /// is not empty is refused unless --force; no existing file is ever
    /// replaced (with --force the missing files are written and the others
    /// listed as kept). Exit code 0: created; 1: a file could not be written;
    /// 2: usage errors.
    Init {
        /// The new site folder (created if missing; must be empty unless --force).
        dir: PathBuf,
        /// The agency's name, e.g. "Ban Quản lý các khu công nghiệp tỉnh Ninh Bình".
        #[arg(long)]
        name: Option<String>,
        /// The province's online public service portal (https://…).
        #[arg(long)]
        portal: Option<String>,
        /// How online service levels are shown: 2011 (levels 1–4) or 2022 (một phần / toàn trình).
        #[arg(long, default_value = "2011", value_parser = ["2011", "2022"])]
        scheme: String,
        /// Languages of the site: vi (Vietnamese only) or vi,en (with an English edition under /en/).
        #[arg(long, default_value = "vi,en", value_delimiter = ',')]
        lang: Vec<String>,
        /// Write into a folder that is not empty: only the missing files, never over an existing one.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum ImportSource {
    /// Import the national public service portal's JSON (dichvucong.gov.vn).
    ///
    /// Writes one record per file into content/procedures/<stage>/. The stage
    /// comes from --stage or from the `stage` of the matching [[fields]] entry
    /// in site.toml. Re-importing is idempotent; a record edited since it was
    /// imported is kept unless --force is given. A file that cannot be read
    /// is reported (with its JSON path) and skipped; the others are imported.
    /// Exit code 0: all imported; 1: some skipped; 2: usage errors.
    Dvc {
        /// JSON files, or folders of them.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Journey stage for every imported record (a [[stages]] key).
        #[arg(long)]
        stage: Option<String>,
        /// Field for every imported record (a [[fields]] key), instead of matching the portal's field name.
        #[arg(long)]
        field: Option<String>,
        /// Replace records even if they were edited since they were imported.
        #[arg(long)]
        force: bool,
        /// Site folder (the one with site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Github,
}

// Rendering allocates many small strings on every thread; glibc's allocator
// spent a fifth of a 10k-record build in malloc/free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { root, out, base_url, quiet, no_print } => {
            let out_dir = out.unwrap_or_else(|| root.join("public"));
            let opts = BuildOptions {
                root,
                out_dir: out_dir.clone(),
                base_url,
                check_only: false,
                progress: std::io::stderr().is_terminal() && !quiet,
            };
            let root = opts.root.clone();
            let print = if no_print { Print::Skip } else { Print::All };
            match build_run(&opts, None, &RunOptions { print, preview_url: None }) {
                Ok(s) => {
                    print_warnings(&s.warnings, Format::Text);
                    if !quiet {
                        print_summary(&s, &out_dir);
                        if no_print {
                            println!("  print products: none (--no-print); the pages do not link them");
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => report(e, Format::Text, &root),
            }
        }
        Command::Check { root, format, translations } => {
            let opts = BuildOptions {
                out_dir: root.join("public"),
                root: root.clone(),
                base_url: None,
                check_only: true,
                progress: false,
            };
            match build(&opts) {
                Ok(s) => {
                    if translations {
                        match onestop::load::load_site(&root, None) {
                            Ok(site) => print!("{}", onestop::translations::report(&site)),
                            Err(errors) => {
                                print_diagnostics(&errors, format);
                                return ExitCode::from(1);
                            }
                        }
                    }
                    if let Format::Json = format {
                        let v = serde_json::json!({ "errors": [], "warnings": s.warnings });
                        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                    } else {
                        print_warnings(&s.warnings, format);
                        eprintln!(
                            "ok: {} procedures, {} pages, {} files, every internal link resolves",
                            s.procedures, s.html_pages, s.files
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => report(e, format, &root),
            }
        }
        Command::Serve { root, port, bind, no_print } => {
            match onestop::serve::serve(&onestop::serve::ServeOptions { root, bind, port, no_print }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(onestop::serve::ServeError::Usage(msg)) => {
                    eprintln!("error: {msg}");
                    ExitCode::from(2)
                }
                Err(onestop::serve::ServeError::Io(msg)) => {
                    eprintln!("error: {msg}");
                    ExitCode::from(1)
                }
            }
        }
        Command::New { slug, stage, code, root } => new_record(&root, &slug, stage, code),
        Command::Import(ImportSource::Dvc { inputs, stage, field, force, root }) => {
            import_dvc(ImportOptions { root, inputs, stage, field, force })
        }
        Command::Init { dir, name, portal, scheme, lang, force } => {
            let languages = lang.iter().map(|l| l.trim().to_string()).collect();
            init_site(&onestop::init::InitOptions { dir, name, portal, scheme, languages, force })
        }
    }
}

fn init_site(opts: &onestop::init::InitOptions) -> ExitCode {
    use onestop::init::InitError;
    let summary = match onestop::init::init(opts) {
        Ok(s) => s,
        Err(InitError::Usage(msg, hint)) => {
            eprintln!("error: {msg}\n  hint: {hint}");
            return ExitCode::from(2);
        }
        Err(InitError::Io(msg)) => {
            eprintln!("error: {msg}");
            return ExitCode::from(1);
        }
    };
    let dir = opts.dir.display();
    for f in &summary.written {
        println!("created  {}", opts.dir.join(f).display());
    }
    for f in &summary.skipped {
        println!("kept     {} (it exists; not replaced)", opts.dir.join(f).display());
    }
    if opts.name.is_none() {
        println!("No --name given: write the agency's name in site.toml ([organisation] name, title).");
    }
    println!(
        "\nNext: cd {dir}, edit site.toml, then `onestop serve` to preview, `onestop new <slug>` or\n\
         `onestop import dvc <json>` to add procedures, `onestop check`, `onestop build`.\n\
         The steps to a published site: docs/editing.md, \"From nothing to a published site\"."
    );
    ExitCode::SUCCESS
}

fn import_dvc(opts: ImportOptions) -> ExitCode {
    let started = std::time::Instant::now();
    let summary = match onestop::import::import_dvc(&opts) {
        Ok(s) => s,
        Err(ImportError::Usage(msg)) => {
            eprintln!("error: {msg}");
            return ExitCode::from(2);
        }
        Err(ImportError::Config(errors)) => {
            print_diagnostics(&errors, Format::Text);
            return ExitCode::from(2);
        }
    };
    for f in &summary.files {
        let what = match (&f.record, &f.code) {
            (Some(r), Some(c)) => format!("{} ({c})", r.display()),
            _ => f.input.display().to_string(),
        };
        match f.outcome {
            Outcome::Skipped => {
                for d in &f.problems {
                    eprintln!("{d}");
                }
                eprintln!("{:<14} {}", Outcome::Skipped.label(), f.input.display());
            }
            Outcome::Kept => println!(
                "{:<14} {what}: changed by hand since it was imported (or written by hand); --force replaces it",
                f.outcome.label()
            ),
            o => println!("{:<14} {what}", o.label()),
        }
    }
    let n = |o| summary.count(o);
    println!(
        "Imported {} file{} in {:.2} s: {} created, {} updated, {} unchanged, {} kept (edited), {} skipped",
        summary.files.len(),
        if summary.files.len() == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64(),
        n(Outcome::Created),
        n(Outcome::Updated),
        n(Outcome::Unchanged),
        n(Outcome::Kept),
        n(Outcome::Skipped)
    );
    if n(Outcome::Skipped) > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn print_summary(s: &BuildSummary, out: &std::path::Path) {
    println!("Built {} in {:.2} s", out.display(), s.total_time.as_secs_f64());
    println!("  procedures  {:>8}", s.procedures);
    println!("  free pages  {:>8}", s.pages);
    println!("  HTML pages  {:>8}", s.html_pages);
    println!("  files       {:>8}", s.files);
    println!("  size        {:>8.1} MB", s.bytes as f64 / 1e6);
    if s.cache_hits + s.cache_misses > 0 {
        println!(
            "  posters and leaflets: {} rendered, {} unchanged (from {})",
            s.cache_misses,
            s.cache_hits,
            onestop::cache::DIR
        );
    }
    println!("  load {:.0} ms, render {:.0} ms", s.load_time.as_secs_f64() * 1e3, s.render_time.as_secs_f64() * 1e3);
}

/// Prints warnings (problems that do not change the exit code) to stderr as
/// `warning: file: message`, or as GitHub `::warning` annotations.
fn print_warnings(warnings: &[Diagnostic], format: Format) {
    match format {
        Format::Text => {
            for w in warnings {
                eprintln!("warning: {w}");
            }
        }
        Format::Github => {
            for w in warnings {
                println!("{}", annotation("warning", w));
            }
        }
        Format::Json => {} // part of the JSON document
    }
}

fn report(e: BuildError, format: Format, root: &std::path::Path) -> ExitCode {
    match e {
        BuildError::Usage(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        BuildError::Io(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
        BuildError::Content(errors) => {
            // The load stopped at the errors: list the files it left out too.
            let warnings = onestop::load::skipped_files(root);
            if let Format::Json = format {
                let v = serde_json::json!({ "errors": errors, "warnings": warnings });
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            } else {
                print_warnings(&warnings, format);
                print_diagnostics(&errors, format);
            }
            ExitCode::from(1)
        }
    }
}

fn print_diagnostics(errors: &[Diagnostic], format: Format) {
    match format {
        Format::Text => {
            for d in errors {
                eprintln!("{d}");
            }
            eprintln!("\n{} error{}; nothing was written.", errors.len(), if errors.len() == 1 { "" } else { "s" });
        }
        Format::Json => {
            let v = serde_json::json!({ "errors": errors });
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Github => {
            for d in errors {
                println!("{}", annotation("error", d));
            }
        }
    }
}

/// A GitHub workflow annotation: `::error file=…,line=…,col=…,title=code::message`.
fn annotation(kind: &str, d: &Diagnostic) -> String {
    let esc = |s: &str| s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    let mut props = Vec::new();
    if let Some(f) = &d.file {
        props.push(format!("file={}", f.display()));
        if d.line > 0 {
            props.push(format!("line={}", d.line));
            props.push(format!("col={}", d.col));
        }
    }
    props.push(format!("title={}", d.code));
    let field = if d.field.is_empty() { String::new() } else { format!("{}: ", d.field) };
    let hint = d.hint.as_ref().map(|h| format!(" (hint: {h})")).unwrap_or_default();
    format!("::{kind} {}::{}", props.join(","), esc(&format!("{field}{}{hint}", d.message)))
}

fn new_record(root: &std::path::Path, slug: &str, stage: Option<String>, code: Option<String>) -> ExitCode {
    if !onestop::text::is_slug(slug) {
        eprintln!("error: `{slug}` is not a valid slug\n  hint: try `{}`", onestop::text::slugify(slug));
        return ExitCode::from(2);
    }
    if let Some(c) = &code
        && !onestop::text::is_procedure_code(c)
    {
        eprintln!("error: `{c}` is not a procedure code\n  hint: codes look like 1.009664 or 1.013216.01");
        return ExitCode::from(2);
    }
    let stages = match read_stage_keys(root) {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(2);
        }
    };
    let stage = match stage {
        Some(s) if stages.contains(&s) => s,
        Some(s) => {
            eprintln!("error: site.toml has no stage `{s}`\n  hint: stages are {}", stages.join(", "));
            return ExitCode::from(2);
        }
        None => match stages.first() {
            Some(s) => s.clone(),
            None => {
                eprintln!("error: site.toml defines no [[stages]]");
                return ExitCode::from(2);
            }
        },
    };
    let dir = root.join(onestop::load::PROCEDURES_DIR).join(&stage);
    let path = dir.join(format!("{slug}.toml"));
    if path.exists() {
        eprintln!("error: {} already exists; nothing was written", path.display());
        return ExitCode::from(2);
    }
    let text = onestop::scaffold::record_skeleton(slug, &stage, code.as_deref());
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&path, text)) {
        eprintln!("error: cannot write {}: {e}", path.display());
        return ExitCode::from(1);
    }
    println!("Created {}\nFill in its TODOs, then run `onestop check`.", path.display());
    ExitCode::SUCCESS
}

fn read_stage_keys(root: &std::path::Path) -> Result<Vec<String>, String> {
    let path = root.join(onestop::load::SITE_FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e} (run inside a site folder or pass --root)", path.display()))?;
    let v: toml::Table = toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.message()))?;
    Ok(v.get("stages")
        .and_then(|s| s.as_array())
        .map(|a| a.iter().filter_map(|s| s.get("key")?.as_str().map(String::from)).collect())
        .unwrap_or_default())
}
