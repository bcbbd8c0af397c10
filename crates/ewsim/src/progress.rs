//! How far a long evaluation has got, for a front end to show while it runs (the CLI's progress
//! bar), without the library knowing how it is shown.
//!
//! One call ([`crate::run::run_with_progress`], [`crate::sweep::sweep_with_progress`]) is worth a
//! fixed number of ticks, [`TICKS`]. The call splits them among its parts (the point evaluation,
//! each draw, each sweep step, the break-even search) in proportion to their estimated work
//! (`limits::evaluation_work`); a part splits its ticks again, and at the bottom a counter hands
//! its ticks out as its own units of work (simulated requests) complete. The hand-out telescopes,
//! so a count ends at exactly [`TICKS`] and never goes backwards, in whatever order parallel
//! parts finish. Counting never touches the random streams: results are the same with or
//! without a [`Progress`].

use std::sync::atomic::{AtomicU64, Ordering};

/// Ticks in one call's work: a million per cent, so that a part a billion times smaller than the
/// whole still gets a tick of its own.
pub const TICKS: u64 = 100_000_000;

/// The shared count of one call's completed work: give it to the call, read it from another
/// thread.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
}

impl Progress {
    /// A count at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Completed ticks, 0 to [`TICKS`].
    pub fn ticks(&self) -> u64 {
        self.done.load(Ordering::Relaxed).min(TICKS)
    }

    /// Completed share of the work, 0 to 1.
    pub fn fraction(&self) -> f64 {
        self.ticks() as f64 / TICKS as f64
    }

    /// The whole call's share of ticks.
    pub(crate) fn whole(&self) -> Share<'_> {
        Share {
            progress: Some(self),
            ticks: TICKS,
        }
    }
}

/// A part of a call's work: the ticks it adds to the [`Progress`] when it completes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Share<'a> {
    progress: Option<&'a Progress>,
    ticks: u64,
}

impl Share<'static> {
    /// A share nobody watches (the calls without progress).
    pub(crate) const NONE: Share<'static> = Share {
        progress: None,
        ticks: 0,
    };
}

impl<'a> Share<'a> {
    /// The ticks of this share split in proportion to `weights` (all parts equal when the
    /// weights sum to zero). The parts add up to exactly this share: part `i` gets
    /// `floor(T * W_i / W) - floor(T * W_(i-1) / W)` with `W_i` the running sum of the weights.
    pub(crate) fn split(self, weights: &[u64]) -> Vec<Share<'a>> {
        let total: u128 = weights.iter().map(|&w| u128::from(w)).sum();
        let even = total == 0;
        let total = if even { weights.len() as u128 } else { total };
        let mut running = 0u128;
        let mut given = 0u64;
        weights
            .iter()
            .map(|&w| {
                running += if even { 1 } else { u128::from(w) };
                let upto = (u128::from(self.ticks) * running / total) as u64;
                let part = upto - given;
                given = upto;
                Share {
                    progress: self.progress,
                    ticks: part,
                }
            })
            .collect()
    }

    /// `n` equal parts of this share.
    pub(crate) fn split_even(self, n: usize) -> Vec<Share<'a>> {
        self.split(&vec![1; n])
    }

    /// Marks the whole share done.
    pub(crate) fn complete(self) {
        if let Some(p) = self.progress {
            p.done.fetch_add(self.ticks, Ordering::Relaxed);
        }
    }

    /// A counter that hands this share out over `units` units of work (at once when there are
    /// none).
    pub(crate) fn counter(self, units: u64) -> Counter<'a> {
        if units == 0 {
            self.complete();
        }
        Counter {
            share: self,
            units,
            done: AtomicU64::new(0),
        }
    }
}

/// Hands a [`Share`]'s ticks out as units of work complete; safe to advance from many threads.
#[derive(Debug)]
pub(crate) struct Counter<'a> {
    share: Share<'a>,
    units: u64,
    done: AtomicU64,
}

impl Counter<'_> {
    /// Records `n` more units done: the ticks between `T * before / U` and `T * after / U`
    /// (floored), so any sequence of advances summing to `U` hands out exactly `T`.
    pub(crate) fn advance(&self, n: u64) {
        let Some(p) = self.share.progress else {
            return;
        };
        if self.units == 0 {
            return;
        }
        let before = self.done.fetch_add(n, Ordering::Relaxed).min(self.units);
        let after = before.saturating_add(n).min(self.units);
        let at = |u: u64| u128::from(self.share.ticks) * u128::from(u) / u128::from(self.units);
        let ticks = (at(after) - at(before)) as u64;
        p.done.fetch_add(ticks, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_add_up_to_the_share_and_follow_the_weights() {
        let p = Progress::new();
        // 10^8 ticks over weights 1 : 2 : 2 (sum 5): floor(10^8 x 1/5) = 20,000,000, then
        // floor(10^8 x 3/5) - 20,000,000 = 40,000,000, then 10^8 - 60,000,000 = 40,000,000.
        let parts = p.whole().split(&[1, 2, 2]);
        let ticks: Vec<u64> = parts.iter().map(|s| s.ticks).collect();
        assert_eq!(ticks, [20_000_000, 40_000_000, 40_000_000]);
        // Weights 1 : 1 : 1 do not divide 10^8: floor(10^8/3) = 33,333,333, floor(2 x 10^8/3)
        // = 66,666,666 (so 33,333,333), and the last gets 10^8 - 66,666,666 = 33,333,334.
        let thirds: Vec<u64> = p.whole().split_even(3).iter().map(|s| s.ticks).collect();
        assert_eq!(thirds, [33_333_333, 33_333_333, 33_333_334]);
        // Zero weights split evenly instead of dividing by zero.
        let zero: Vec<u64> = p.whole().split(&[0, 0]).iter().map(|s| s.ticks).collect();
        assert_eq!(zero, [50_000_000, 50_000_000]);
        for s in parts {
            s.complete();
        }
        assert_eq!(p.ticks(), TICKS);
        assert_eq!(p.fraction(), 1.0);
    }

    #[test]
    fn counters_telescope_to_their_share_in_any_order() {
        let p = Progress::new();
        // A share of 10^8 ticks over 3 units: advancing 1 unit gives floor(10^8/3) =
        // 33,333,333 ticks; 2 more give 10^8 - 33,333,333 = 66,666,667.
        let c = p.whole().counter(3);
        c.advance(1);
        assert_eq!(p.ticks(), 33_333_333);
        c.advance(2);
        assert_eq!(p.ticks(), TICKS);
        // Advancing past the units adds nothing.
        c.advance(5);
        assert_eq!(p.ticks(), TICKS);
        // A counter over no units is done at once.
        let none = Progress::new();
        none.whole().counter(0).advance(1);
        assert_eq!(none.ticks(), TICKS);

        // From many threads, 7 units in steps of 1 over a quarter share: exactly 25,000,000.
        let q = Progress::new();
        let quarter = q.whole().split(&[1, 3])[0];
        let c = quarter.counter(7);
        std::thread::scope(|scope| {
            for _ in 0..7 {
                scope.spawn(|| c.advance(1));
            }
        });
        assert_eq!(q.ticks(), 25_000_000);
    }

    #[test]
    fn unwatched_shares_count_nothing() {
        let c = Share::NONE.counter(10);
        c.advance(10);
        Share::NONE.complete();
        let ticks: Vec<u64> = Share::NONE.split(&[1, 2]).iter().map(|s| s.ticks).collect();
        assert_eq!(ticks, [0, 0]);
    }
}
