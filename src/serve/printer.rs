//! The background print job of `serve`: print products an edit changes are
//! typeset after the pages are shown, then swapped in.

use super::scratch::SCRATCH_PREFIX;
use super::{Msg, ServeError};
use crate::build::{BuildOptions, Print, RunOptions, prepare_print};
use crate::memo::Memo;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Test hook: while the file this variable names exists, the background
/// print job waits before it starts (so a test can see the pages updated
/// while the print products are still the old ones). Not for users.
pub const HOLD_PRINT_ENV: &str = "ONESTOP_SERVE_HOLD_PRINT";

/// The background print job: one thread that, on request, makes the print
/// products the last build deferred (`prepare_print`, into the cache), on a
/// thread pool of its own one core smaller than the machine, so an edit's
/// HTML is never queued behind typesetting.
pub(super) struct Printer {
    pub(super) jobs: Option<std::sync::mpsc::Sender<String>>,
    /// A job is running; `wanted` is the description of a newer request.
    pub(super) busy: bool,
    pub(super) wanted: Option<String>,
    /// The description the next request carries instead of its own: the
    /// edit a follow-up build's products come from.
    pub(super) carry: Option<String>,
    /// Where the job's throwaway output goes (removed at exit).
    pub(super) scratch: PathBuf,
}

impl Printer {
    pub(super) fn start(
        opts: &BuildOptions,
        run: &RunOptions,
        scratch: &Path,
        done: std::sync::mpsc::Sender<Msg>,
    ) -> Result<Printer, ServeError> {
        // `onestop-serve-<pid>.tmp-0/`: a killed server's copy is removed by the next one.
        let dir = scratch.join(format!("{SCRATCH_PREFIX}{}.tmp-0", std::process::id()));
        let mut printer = Printer { jobs: None, busy: false, wanted: None, carry: None, scratch: dir.clone() };
        if run.print != Print::Defer {
            return Ok(printer);
        }
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| ServeError::Io(format!("cannot create {}: {e}", dir.display())))?;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).saturating_sub(1).max(1);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("onestop-serve-print-{i}"))
            .build()
            .map_err(|e| ServeError::Io(format!("cannot start the print thread pool: {e}")))?;
        let (jobs, rx) = std::sync::mpsc::channel::<String>();
        let (opts, run) = (
            BuildOptions {
                root: opts.root.clone(),
                out_dir: opts.out_dir.clone(),
                base_url: opts.base_url.clone(),
                check_only: false,
                progress: false,
            },
            run.clone(),
        );
        let out = dir.join("print");
        std::thread::Builder::new()
            .name("onestop-serve-print".into())
            .spawn(move || {
                // Its own memo: parsed files are reused from job to job without mixing
                // with the counts the foreground builds report.
                let memo = Memo::new();
                let hold = std::env::var_os(HOLD_PRINT_ENV).map(PathBuf::from);
                for what in rx {
                    while hold.as_deref().is_some_and(Path::exists) {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    let report = pool.install(|| prepare_print(&opts, Some(&memo), &run, &out));
                    if done.send(Msg::Printed { what, report }).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| ServeError::Io(format!("cannot start the print thread: {e}")))?;
        printer.jobs = Some(jobs);
        Ok(printer)
    }

    /// Asks for the deferred products of the build described by `what`.
    pub(super) fn request(&mut self, what: &str) {
        let Some(jobs) = &self.jobs else { return };
        let what = self.carry.take().unwrap_or_else(|| what.to_string());
        let what = what.as_str();
        if self.busy {
            self.wanted = Some(what.to_string());
        } else if jobs.send(what.to_string()).is_ok() {
            self.busy = true;
        }
    }
}
