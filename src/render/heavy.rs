//! Products whose memory grows with the number of records: a catalogue, guide
//! or annex with a row per procedure (typst holds about 200 KB per row while
//! it lays one out: 1 GB for the A4 catalogue at 5,000 records) and a journey
//! poster's parsed drawing (every title as glyph outlines). Renderers run side
//! by side, so two of them in flight add their peaks up (2.6 GB at 5,000
//! records); made one at a time, the peak is the largest one's.

use std::cell::Cell;
use std::sync::{Mutex, MutexGuard, PoisonError};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

thread_local! {
    static HOLDING: Cell<bool> = const { Cell::new(false) };
}

/// Held while one such product is made; `turn()` on another thread waits
/// for it.
pub struct Turn {
    _guard: MutexGuard<'static, ()>,
}

/// Waits for the turn. None when this thread holds it already: waiting on a
/// value computed in the background, rayon runs other pending jobs on the
/// waiting thread (krilla does, in a poster's PDF), and one of them may be
/// the next poster; it goes on at once instead of waiting for itself.
pub fn turn() -> Option<Turn> {
    if HOLDING.get() {
        return None;
    }
    // A renderer that panicked while holding it leaves nothing to repair.
    let guard = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    HOLDING.set(true);
    Some(Turn { _guard: guard })
}

impl Drop for Turn {
    fn drop(&mut self) {
        HOLDING.set(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nested_turn_on_the_same_thread_goes_on_and_others_wait() {
        let outer = turn();
        assert!(outer.is_some());
        // Nested on the holder's thread: no wait (it would wait for itself).
        assert!(turn().is_none());
        // Another thread waits until the holder is done.
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            let other = s.spawn(|| {
                let t = turn();
                assert!(done.load(std::sync::atomic::Ordering::SeqCst), "it did not wait");
                t.is_some()
            });
            std::thread::sleep(std::time::Duration::from_millis(50));
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            drop(outer);
            assert!(other.join().unwrap());
        });
        assert!(turn().is_some());
    }
}
