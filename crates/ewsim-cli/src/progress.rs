//! A progress bar on standard error while a long evaluation runs, so a run of many seconds does
//! not look hung. It follows the library's count of completed work ([`ewsim::progress`]) and is
//! drawn only when standard error is a terminal and the work is expected to take over a second;
//! never in pipes, files or CI logs.

use ewsim::progress::{Progress, TICKS};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How often the count is read and the bar redrawn.
const TICK: Duration = Duration::from_millis(100);

/// The bar is not drawn before this much time has passed (most runs are over by then).
const GRACE: Duration = Duration::from_millis(300);

/// Work expected to take longer than this in all gets a bar.
const LONG: Duration = Duration::from_secs(1);

/// Runs `work` with a counter; when standard error is a terminal, a bar labelled `message`
/// shows the count while the work is expected to take over a second in all, and is cleared
/// before the output is written.
pub fn with_bar<T: Send>(message: &str, work: impl FnOnce(&Progress) -> T + Send) -> T {
    let progress = Progress::new();
    if !std::io::stderr().is_terminal() {
        return work(&progress);
    }
    beside(
        || work(&progress),
        |finished| draw(message, &progress, finished),
    )
}

/// Runs `work` with `side` on a thread beside it; `side` is told through its flag (and woken
/// if parked) when `work` is over, also when `work` panics, so the join never waits forever nor
/// for a whole tick.
fn beside<T: Send>(work: impl FnOnce() -> T + Send, side: impl FnOnce(&AtomicBool) + Send) -> T {
    let finished = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let side = scope.spawn(|| side(&finished));
        let _done = Done(&finished, side.thread().clone());
        work()
    })
}

/// Tells the drawing thread to stop, and wakes it, when dropped.
struct Done<'a>(&'a AtomicBool, std::thread::Thread);

impl Drop for Done<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
        self.1.unpark();
    }
}

/// Redraws the bar every [`TICK`] until `finished`, once the work is expected to be long.
fn draw(message: &str, progress: &Progress, finished: &AtomicBool) {
    let start = Instant::now();
    let mut bar: Option<ProgressBar> = None;
    while !finished.load(Ordering::Relaxed) {
        // Parked rather than asleep: the end of the work wakes it at once.
        std::thread::park_timeout(TICK);
        if finished.load(Ordering::Relaxed) {
            break;
        }
        let ticks = progress.ticks();
        let elapsed = start.elapsed();
        if bar.is_none() && expected_long(elapsed, ticks) {
            bar = Some(new_bar(message));
        }
        if let Some(b) = &bar {
            b.set_prefix(timing(elapsed, ticks));
            b.set_position(ticks);
            if b.is_hidden() {
                // Configured while hidden, so that the first line drawn is complete.
                b.set_draw_target(ProgressDrawTarget::stderr());
            }
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
}

/// Whether work that has run `elapsed` and done `ticks` of [`TICKS`] is worth a bar: past the
/// grace period, and either already past a second or heading for over a second in all at the
/// pace so far.
fn expected_long(elapsed: Duration, ticks: u64) -> bool {
    if elapsed < GRACE || ticks >= TICKS {
        return false;
    }
    if elapsed >= LONG || ticks == 0 {
        return elapsed >= LONG;
    }
    let projected = elapsed.as_secs_f64() * TICKS as f64 / ticks as f64;
    projected > LONG.as_secs_f64()
}

/// A bar labelled `message`, hidden until it has its first figures.
fn new_bar(message: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(TICKS), ProgressDrawTarget::hidden());
    // The bar takes the width the other parts leave, so the line never wraps.
    if let Ok(style) = ProgressStyle::with_template("{msg} [{wide_bar}] {percent:>3}% {prefix}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message.to_string());
    bar
}

/// "(12 s, about 30 s left)": the time so far and the time left at the pace so far.
fn timing(elapsed: Duration, ticks: u64) -> String {
    let secs = elapsed.as_secs_f64();
    if ticks == 0 {
        return format!("({secs:.0} s)");
    }
    let left = secs * (TICKS - ticks.min(TICKS)) as f64 / ticks as f64;
    format!("({secs:.0} s, about {:.0} s left)", left.ceil())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_only_for_work_heading_past_a_second() {
        let ms = Duration::from_millis;
        // Within the grace period: never.
        assert!(!expected_long(ms(200), 1));
        // 400 ms for 10 % of the work projects 4 s in all: yes.
        assert!(expected_long(ms(400), TICKS / 10));
        // 400 ms for 50 % projects 800 ms: no; 600 ms for 50 % projects 1.2 s: yes.
        assert!(!expected_long(ms(400), TICKS / 2));
        assert!(expected_long(ms(600), TICKS / 2));
        // Nothing counted yet: only once a second has passed.
        assert!(!expected_long(ms(900), 0));
        assert!(expected_long(ms(1_000), 0));
        // Done: no bar, however long it took.
        assert!(!expected_long(ms(5_000), TICKS));
    }

    #[test]
    fn the_side_thread_stops_when_the_work_ends_or_panics() {
        let wait = |f: &AtomicBool| {
            while !f.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(1));
            }
        };
        assert_eq!(beside(|| 6 * 7, wait), 42);
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let caught = std::panic::catch_unwind(|| beside(|| panic!("in the work"), wait));
        std::panic::set_hook(hook);
        assert!(caught.is_err(), "the panic comes back instead of a hang");
    }

    #[test]
    fn time_left_follows_the_pace_so_far() {
        // 3 s for a quarter: 3 x 3/4 / (1/4) = 9 s left.
        assert_eq!(
            timing(Duration::from_secs(3), TICKS / 4),
            "(3 s, about 9 s left)"
        );
        // 2.4 s for 40 %: 2.4 x 0.6 / 0.4 = 3.6 s, shown rounded up as 4 s.
        assert_eq!(
            timing(Duration::from_millis(2_400), TICKS / 10 * 4),
            "(2 s, about 4 s left)"
        );
        assert_eq!(timing(Duration::from_secs(2), 0), "(2 s)");
    }
}
