//! The typesetting workers: a few threads that take products one at a time
//! and keep typst's global memo cache (comemo) small between them.
//!
//! Each worker is a rayon pool of ONE thread with a big stack. Typst and
//! krilla compute some values in the background (`rayon::spawn`) and wait
//! for them with `while let Some(Executed) = rayon::yield_now() {}`, which
//! runs whatever the pool has pending: in one shared pool that was the next
//! products, nested on the waiting thread's stack, so nearly every product
//! of a build was in flight at once (127 of 203 at 100 records, 6.4 GB peak
//! at 1,000) and memory grew with the number of records. In its own pool a
//! product's background work runs on its own thread: at most `workers`
//! products are alive at any time.
//!
//! Typst memoises evaluation, layout and shaping in global caches. Within a
//! product that saves most of the work (a leaflet measures its two pages in
//! several forms and typst lays the document out twice until its page
//! counter settles); across products little is shared (every record's text
//! is different), so the cache is emptied of everything no product in flight
//! can still use every `evict_every` products: an entry survives exactly
//! as long as the oldest product in flight when it was last used. The
//! memory of the cache is then a few products' worth at any number of
//! records.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// Stack of a typesetting thread: typst recurses deeply on long tables (a
/// catalogue of 1,000 rows overflows rayon's default 2 MiB stacks). The
/// memory is only reserved, not used.
const STACK_SIZE: usize = 256 << 20;

/// Typesets `jobs` on `workers` threads: `work(state, index, job)` for each,
/// `state` made once per thread by `init`. Jobs start in order. Returns an
/// error when no worker could start (then no job ran).
pub fn run<J: Sync, S>(
    jobs: &[J],
    workers: usize,
    evict_every: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, usize, &J) + Sync,
) -> Result<(), String> {
    let workers = workers.clamp(1, jobs.len().max(1));
    let sched = Schedule::new(workers, evict_every.max(1));
    let next = AtomicUsize::new(0);
    let worker = |slot: usize| {
        let mut state = init();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(index) else { break };
            sched.begin(slot);
            work(&mut state, index, job);
            sched.end(slot);
        }
    };
    let errors: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|slot| {
                let worker = &worker;
                scope.spawn(move || -> Result<(), String> {
                    let pool = rayon::ThreadPoolBuilder::new()
                        .num_threads(1)
                        .stack_size(STACK_SIZE)
                        .thread_name(move |_| format!("onestop-print-{slot}"))
                        .build()
                        .map_err(|e| format!("cannot start the typesetting threads: {e}"))?;
                    pool.install(|| worker(slot));
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().unwrap_or_else(|_| Err("a typesetting thread panicked".into())).err())
            .collect()
    });
    // A worker that could not start leaves its products to the others.
    match errors.into_iter().next() {
        Some(e) if next.load(Ordering::Relaxed) < jobs.len() => Err(e),
        _ => Ok(()),
    }
}

/// How often the memo cache is emptied while a product of `run_one_by_one`
/// is laid out.
const LONG_EVICT: std::time::Duration = std::time::Duration::from_millis(250);

/// Typesets `jobs` one after another on one thread, emptying typst's memo
/// cache after each and every 250 ms while one is laid out. For products
/// with a row per record: typst keeps what it memoised until a compilation
/// ends, half of the 1 GB the A4 catalogue of 5,000 records held (with
/// eviction 0.54–0.61 GB, same PDF, 30 % more CPU: what it drops is laid out
/// again). Memoised results are pure, so dropping one mid-way changes no
/// byte; a product shorter than 250 ms is never interrupted.
pub fn run_one_by_one<J: Sync, S>(
    jobs: &[J],
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, usize, &J) + Sync,
) -> Result<(), String> {
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(LONG_EVICT) {
                typst::comemo::evict(0);
            }
        });
        let result = run(jobs, 1, 1, init, work);
        drop(stop);
        result
    })
}

/// When to evict typst's memo cache, and how much.
struct Schedule {
    every: usize,
    state: Mutex<State>,
}

struct State {
    /// Evictions so far.
    epoch: usize,
    /// Products finished since the last eviction.
    finished: usize,
    /// Per worker: the epoch its current product started in (None: idle).
    started: Vec<Option<usize>>,
}

impl Schedule {
    fn new(workers: usize, every: usize) -> Schedule {
        Schedule { every, state: Mutex::new(State { epoch: 0, finished: 0, started: vec![None; workers] }) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn begin(&self, slot: usize) {
        let mut s = self.lock();
        s.started[slot] = Some(s.epoch);
    }

    /// After a product: every `every` products, evict what no product in
    /// flight has used. An entry's age is the number of evictions since its
    /// last use (comemo adds one per eviction and removes it when the age
    /// exceeds `max_age`); one used by a product that started in epoch `e`
    /// is at most `epoch - e + 1` old after this eviction.
    fn end(&self, slot: usize) {
        let mut s = self.lock();
        s.started[slot] = None;
        s.finished += 1;
        if s.finished < self.every {
            return;
        }
        let max_age = max_age(s.epoch, &s.started);
        s.finished = 0;
        s.epoch += 1;
        // Under the lock: no product begins or ends while the cache is
        // evicted, so the epochs stay exact.
        typst::comemo::evict(max_age);
    }
}

/// The `max_age` for `comemo::evict` that keeps every entry a product in
/// flight (started in the given epochs) may have used, and nothing older.
fn max_age(epoch: usize, started: &[Option<usize>]) -> usize {
    started.iter().flatten().map(|&e| epoch - e + 1).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, OnceLock};

    #[test]
    fn eviction_keeps_exactly_what_products_in_flight_used() {
        // Nothing in flight: everything goes.
        assert_eq!(max_age(5, &[None, None]), 0);
        // A product that began in this epoch: entries used since the last
        // eviction (age 0 → 1) stay.
        assert_eq!(max_age(5, &[Some(5), None]), 1);
        // One that began three evictions ago keeps its oldest entries.
        assert_eq!(max_age(5, &[Some(5), Some(2)]), 4);
    }

    #[test]
    fn one_by_one_runs_every_job_in_order_alone_and_returns() {
        let jobs: Vec<usize> = (0..5).collect();
        let seen = Mutex::new(Vec::new());
        let live = AtomicUsize::new(0);
        run_one_by_one(
            &jobs,
            || (),
            |_, index, &job| {
                assert_eq!(live.fetch_add(1, Ordering::SeqCst), 0, "two jobs in flight");
                // Longer than the eviction interval: the watchdog evicts mid-job.
                if job == 2 {
                    std::thread::sleep(LONG_EVICT * 2);
                }
                seen.lock().unwrap().push(index);
                live.fetch_sub(1, Ordering::SeqCst);
            },
        )
        .unwrap();
        assert_eq!(seen.into_inner().unwrap(), jobs);
    }

    #[test]
    fn every_job_runs_once_with_at_most_workers_in_flight() {
        let jobs: Vec<usize> = (0..200).collect();
        let seen = Mutex::new(vec![0u32; jobs.len()]);
        let (live, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
        run(
            &jobs,
            3,
            4,
            || (),
            |_, index, &job| {
                assert_eq!(index, job);
                let n = live.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(n, Ordering::SeqCst);
                // Nested rayon work inside a job (as typst does) must not
                // start another job on this thread.
                // Typst and krilla wait for a value computed in the
                // background like this (`Deferred::wait`): `yield_now` runs
                // whatever the pool has pending, in one shared pool the next
                // products too (124 of 200 were in flight at once).
                let cell = Arc::new(OnceLock::new());
                let c = cell.clone();
                rayon::spawn(move || {
                    c.get_or_init(|| job * 2);
                });
                while let Some(rayon::Yield::Executed) = rayon::yield_now() {}
                assert_eq!(*cell.wait(), job * 2);
                seen.lock().unwrap()[index] += 1;
                live.fetch_sub(1, Ordering::SeqCst);
            },
        )
        .unwrap();
        assert!(seen.into_inner().unwrap().iter().all(|&n| n == 1));
        let peak = peak.load(Ordering::SeqCst);
        assert!(peak <= 3, "{peak} jobs in flight on 3 workers");
    }
}
