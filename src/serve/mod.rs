//! `onestop serve`: build, serve, watch, rebuild, reload.
//!
//! The site is built into a temporary folder (never the committed `public/`)
//! with the server's address as base URL. The main thread waits for file
//! changes (debounced) and rebuilds with a `Memo`, so unchanged files are not
//! parsed again and unchanged pages are not rendered again. The HTTP server
//! (`http.rs`) runs on a small tokio runtime beside it and tells open pages
//! about each build over Server-Sent Events: after a good build they reload,
//! after a failed one they keep the last good page and show the errors.

mod http;
mod printer;
mod scratch;
mod watch;

pub use printer::HOLD_PRINT_ENV;
use printer::Printer;
use scratch::{SCRATCH_PREFIX, remove_leftovers, scratch_dir};
pub use watch::watched_dirs;
use watch::{describe_changes, next_change, watch_dir};

use crate::build::{BuildError, BuildOptions, Print, PrintReport, RunOptions, build_run};
use crate::diag::Diagnostic;
use crate::load::SITE_FILE;
use crate::memo::Memo;
use std::collections::BTreeSet;
use std::io::Write as _;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

pub struct ServeOptions {
    /// Site folder (the one with site.toml).
    pub root: PathBuf,
    /// Address to listen on: an IP address or a host name such as `localhost`.
    pub bind: String,
    /// Port; 0 picks a free one (printed at start).
    pub port: u16,
    /// `--no-print`: no print products at all (pages do not link them).
    pub no_print: bool,
}

/// What the main loop waits for: a file event, or the background print job's end.
enum Msg {
    Fs(notify::Result<notify::Event>),
    Printed { what: String, report: Result<PrintReport, BuildError> },
}

/// What happened: changed files, or print products made in the background.
enum Change {
    /// Changed files, and the end of a job that came while they changed.
    Files(BTreeSet<PathBuf>, Option<(String, Result<PrintReport, BuildError>)>),
    Printed {
        what: String,
        report: Result<PrintReport, BuildError>,
    },
}

#[derive(Debug)]
pub enum ServeError {
    /// Not a site folder, or an address that cannot be used: exit code 2.
    Usage(String),
    /// Anything else that stops the server: exit code 1.
    Io(String),
}

/// What open pages are told after each build.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// Number of good builds so far: a page served at an older number reloads.
    pub site: u64,
    /// Errors of the last build; empty when it was good.
    pub errors: Arc<Vec<Diagnostic>>,
    /// The files the last good build changed (paths in the output), when they are few: a
    /// page not among them need not reload. `None`: every page reloads.
    pub changed: Option<Arc<Vec<String>>>,
}

/// Past this many changed files, every page reloads (the list would outweigh the reloads).
const CHANGED_LISTED: usize = 500;

/// Runs until interrupted (Ctrl-C or SIGTERM).
pub fn serve(opts: &ServeOptions) -> Result<(), ServeError> {
    let root = &opts.root;
    if !root.join(SITE_FILE).is_file() {
        return Err(ServeError::Usage(format!(
            "{} has no {SITE_FILE}: this is not an onestop site folder (use --root DIR)",
            root.display()
        )));
    }
    let listener = listen(&opts.bind, opts.port)?;
    let addr = listener.local_addr().map_err(|e| ServeError::Io(format!("cannot read the listening address: {e}")))?;
    let url = format!("http://{}/", shown_addr(addr));

    // Outside the site: serving never writes into the repository.
    let scratch = scratch_dir();
    remove_leftovers(&scratch);
    let out_dir = scratch.join(format!("{SCRATCH_PREFIX}{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(&out_dir)
        .map_err(|e| ServeError::Io(format!("cannot create {}: {e}", out_dir.display())))?;
    // The pages use the server's address; print products keep site.toml's,
    // so `build` and `serve` share the cache (`SiteConfig::print_base_url`).
    let build_opts = BuildOptions {
        root: root.clone(),
        out_dir: out_dir.clone(),
        base_url: None,
        check_only: false,
        progress: false,
    };
    let run =
        RunOptions { print: if opts.no_print { Print::Skip } else { Print::Defer }, preview_url: Some(url.clone()) };

    // File events and the background job's reports come in on one channel.
    let (tx, rx) = std::sync::mpsc::channel::<Msg>();
    let printer = Printer::start(&build_opts, &run, &scratch, tx.clone())?;
    let mut server = Server {
        opts: build_opts,
        run,
        memo: Memo::new(),
        state: tokio::sync::watch::channel(State::default()).0,
        printer,
        produced: Default::default(),
    };
    let state_rx = server.state.subscribe();
    let first = server.rebuild(&[], "")?;
    if !first {
        http::write_placeholder(&out_dir)
            .map_err(|e| ServeError::Io(format!("cannot write into {}: {e}", out_dir.display())))?;
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("onestop-serve")
        .enable_all()
        .build()
        .map_err(|e| ServeError::Io(format!("cannot start the server runtime: {e}")))?;
    let listener = {
        let _guard = runtime.enter();
        listener.set_nonblocking(true).map_err(|e| ServeError::Io(e.to_string()))?;
        tokio::net::TcpListener::from_std(listener).map_err(|e| ServeError::Io(e.to_string()))?
    };
    runtime.spawn(http::run(listener, out_dir.clone(), state_rx));
    runtime.spawn(stop_on_signal(out_dir.clone(), server.printer.scratch.clone()));

    // Watch before announcing, so no save after the announcement is missed.
    let (mut watcher, root_abs, mut watched) = watch::start(root, tx)?;
    let watched_dirs = watched_dirs();

    println!(
        "Serving {} at {url}  (watching site.toml and {}; Ctrl-C to stop)",
        root.display(),
        watched_dirs.join("/, ") + "/"
    );
    let _ = std::io::stdout().flush();

    loop {
        match next_change(&rx, &root_abs, &watched_dirs)? {
            Change::Files(changed, printed) => {
                // The job's products are in the cache: the build for the files takes them.
                if let Some((what, report)) = printed {
                    server.printed(&what, report, false)?;
                }
                // A watched folder created after start (e.g. templates/) is watched from now on.
                for dir in &watched_dirs {
                    if changed.iter().any(|p| p == Path::new(dir)) {
                        watch_dir(&mut watcher, &root_abs, dir, &mut watched);
                    }
                }
                let changed: Vec<PathBuf> = changed.into_iter().collect();
                server.rebuild(&changed, "")?;
            }
            Change::Printed { what, report } => server.printed(&what, report, true)?,
        }
    }
}

/// The main loop's state: what each rebuild needs.
struct Server {
    opts: BuildOptions,
    run: RunOptions,
    memo: Memo,
    state: tokio::sync::watch::Sender<State>,
    printer: Printer,
    /// The last good build's files and their sizes (for `first_look`).
    produced: crate::sink::Produced,
}

impl Server {
    /// One build; prints one line (or the errors) and tells the open pages.
    /// Returns whether the build was good; only a usage error stops the server.
    /// `label` replaces the description of `changed` in the log.
    fn rebuild(&mut self, changed: &[PathBuf], label: &str) -> Result<bool, ServeError> {
        let started = Instant::now();
        let what = if label.is_empty() { describe_changes(changed) } else { label.to_string() };
        // An edited record's own page first, so the editor sees the edit before the rest is rebuilt.
        let first = if label.is_empty() {
            crate::build::first_look(&self.opts, &self.memo, &self.run, changed, &self.produced)
        } else {
            None
        };
        if let Some(f) = first.as_ref().filter(|f| !f.paths.is_empty()) {
            self.state.send_modify(|st| {
                st.site += 1;
                st.changed = Some(Arc::new(f.paths.clone()));
            });
            let ms = started.elapsed().as_secs_f64() * 1e3;
            println!("{what}shown in {ms:.0} ms: {} page{} of the edited record", f.paths.len(), plural(f.paths.len()));
            let _ = std::io::stdout().flush();
        }
        let result = build_run(&self.opts, Some(&self.memo), &self.run);
        let ms = started.elapsed().as_secs_f64() * 1e3;
        match result {
            Ok(summary) => {
                let mut s = self.memo.stats();
                s.files_parsed += first.as_ref().map_or(0, |f| f.files_parsed);
                s.files_reused = s.files_reused.saturating_sub(first.as_ref().map_or(0, |f| f.files_parsed));
                // Pages first, then the log: a logged build is one the pages know about.
                // A build that changed no page (print products made in the
                // background that no page shows differently) reloads nothing.
                if changed.is_empty() && !label.is_empty() && s.pages_rendered == 0 {
                    self.state.send_modify(|st| st.errors = Arc::new(Vec::new()));
                } else {
                    let changed = summary.rewritten.as_ref().filter(|w| w.len() <= CHANGED_LISTED).cloned();
                    self.state.send_modify(|st| {
                        st.site += 1;
                        st.errors = Arc::new(Vec::new());
                        st.changed = changed.map(Arc::new);
                    });
                }
                let deferred = summary.deferred.len();
                let print = match self.run.print {
                    Print::Skip => "; print products off (--no-print)".to_string(),
                    _ => format!(
                        "; print products: {} from the cache, {deferred} to make in the background",
                        summary.cache_hits
                    ),
                };
                if changed.is_empty() && label.is_empty() {
                    println!("built in {ms:.0} ms: {} pages, {} files{print}", summary.html_pages, summary.files);
                } else {
                    println!(
                        "{what}rebuilt in {ms:.0} ms: {} page{} re-rendered, {} unchanged; {} file{} parsed, {} unchanged; {} of {} output files linked from the last build{print}",
                        s.pages_rendered,
                        plural(s.pages_rendered),
                        s.pages_reused,
                        s.files_parsed,
                        plural(s.files_parsed),
                        s.files_reused,
                        summary.linked,
                        summary.files
                    );
                }
                let _ = std::io::stdout().flush();
                if deferred > 0 {
                    self.printer.request(&what);
                }
                self.produced = summary.produced.unwrap_or_default();
                Ok(true)
            }
            Err(BuildError::Usage(msg)) => Err(ServeError::Usage(msg)),
            Err(BuildError::Content(errors)) => {
                let errors = Arc::new(errors);
                self.state.send_modify(|st| st.errors = errors.clone());
                report(&what, &errors);
                Ok(false)
            }
            Err(BuildError::Io(msg)) => {
                let errors = Arc::new(vec![Diagnostic::new("io", msg)]);
                self.state.send_modify(|st| st.errors = errors.clone());
                report(&what, &errors);
                Ok(false)
            }
        }
    }

    /// The background job for the build described by `what` has ended: a
    /// template error is shown like a build's; new products are swapped in
    /// by a build that takes them from the cache (and re-renders the pages
    /// that show their sizes).
    fn printed(&mut self, what: &str, result: Result<PrintReport, BuildError>, swap: bool) -> Result<(), ServeError> {
        self.printer.busy = false;
        let wanted = self.printer.wanted.take();
        match result {
            Ok(r) if r.errors.is_empty() => {
                println!(
                    "{what}print products made in the background in {:.1} s: {} made, {} from the cache",
                    r.time.as_secs_f64(),
                    r.made,
                    r.reused
                );
                let _ = std::io::stdout().flush();
                if r.made > 0 && swap {
                    // Defers again (and asks for a job, named after the newer
                    // edit) if files changed meanwhile.
                    self.printer.carry = wanted.clone();
                    self.rebuild(&[], "print products ready: ")?;
                    self.printer.carry = None;
                }
            }
            Ok(r) => {
                let errors = Arc::new(r.errors);
                self.state.send_modify(|st| st.errors = errors.clone());
                report(what, &errors);
            }
            Err(BuildError::Usage(msg)) => return Err(ServeError::Usage(msg)),
            Err(BuildError::Content(errors)) => {
                let errors = Arc::new(errors);
                self.state.send_modify(|st| st.errors = errors.clone());
                report(what, &errors);
            }
            Err(BuildError::Io(msg)) => eprintln!("warning: the background print job: {msg}"),
        }
        if let Some(w) = wanted
            && !self.printer.busy
        {
            self.printer.request(&w);
        }
        Ok(())
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Binds the listening socket, with an error that says what to do.
fn listen(bind: &str, port: u16) -> Result<std::net::TcpListener, ServeError> {
    let addrs: Vec<SocketAddr> = (bind, port)
        .to_socket_addrs()
        .map_err(|e| ServeError::Usage(format!("--bind `{bind}` is not an address this machine can listen on: {e}\n  hint: use an IP address such as 127.0.0.1 (this machine only) or 0.0.0.0 (the local network)")))?
        .collect();
    let mut last = None;
    for addr in &addrs {
        match std::net::TcpListener::bind(addr) {
            Ok(l) => return Ok(l),
            Err(e) => last = Some((addr, e)),
        }
    }
    let Some((addr, e)) = last else {
        return Err(ServeError::Usage(format!("--bind `{bind}` resolves to no address")));
    };
    let hint = match e.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "another program (perhaps another `onestop serve`) uses port {port}; stop it or pick another port, e.g. --port {}",
            port.wrapping_add(1).max(1024)
        ),
        std::io::ErrorKind::PermissionDenied => {
            "ports below 1024 need administrator rights; use a port such as 1111".to_string()
        }
        std::io::ErrorKind::AddrNotAvailable => {
            format!("{} is not an address of this machine; use 127.0.0.1 or 0.0.0.0", addr.ip())
        }
        _ => "check --bind and --port".to_string(),
    };
    Err(ServeError::Usage(format!("cannot listen on {}: {e}\n  hint: {hint}", shown_addr(*addr))))
}

/// The address as a browser URL host: 0.0.0.0 is reachable as 127.0.0.1.
fn shown_addr(addr: SocketAddr) -> String {
    match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => format!("127.0.0.1:{}", addr.port()),
        ip if ip.is_unspecified() => format!("[::1]:{}", addr.port()),
        _ => addr.to_string(),
    }
}

fn report(what: &str, errors: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in errors {
        let _ = writeln!(err, "{d}");
    }
    let n = errors.len();
    let _ = writeln!(
        err,
        "{what}{n} error{}: still serving the last good build; the browser shows the errors until they are fixed",
        if n == 1 { "" } else { "s" }
    );
    let _ = err.flush();
}

/// Removes the temporary output folder and exits on Ctrl-C or SIGTERM.
async fn stop_on_signal(out_dir: PathBuf, print_dir: PathBuf) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(t) => t,
            Err(_) => return,
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    let _ = std::fs::remove_dir_all(&out_dir);
    let _ = std::fs::remove_dir_all(&print_dir);
    println!("stopped");
    let _ = std::io::stdout().flush();
    std::process::exit(0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unspecified_addresses_are_shown_as_loopback() {
        assert_eq!(shown_addr("0.0.0.0:1111".parse().unwrap()), "127.0.0.1:1111");
        assert_eq!(shown_addr("192.168.1.2:80".parse().unwrap()), "192.168.1.2:80");
    }
}
