//! Mergeable log-linear (HDR-style) latency histogram with 3 significant digits.
//!
//! Values are recorded as integer **nanoseconds** (`round-down(µs · 1000)`), so microsecond-scale hops
//! keep full precision. Layout (same as HdrHistogram with `sub_bucket_count = 2048`):
//!
//! * `msb = 63 − leading_zeros(v | 2047)` (≥ 10), `bucket = msb − 10`, `sub = v >> bucket`;
//! * index = `bucket · 1024 + sub`. Bucket 0 holds 0..2047 ns exactly (width 1 ns); bucket `b ≥ 1`
//!   holds `[1024·2^b, 2048·2^b)` in 1024 slots of width `2^b`.
//!
//! Relative bucket width is at most 1/1024, and quantiles are reported at the bucket midpoint, so the
//! quantile error is at most ≈ 1/2048 ≈ 0.05 % (3 significant digits). Values at or above
//! 2^41 ns (≈ 36.6 min) are clamped into the last bucket (counted in [`LatencyHistogram::clamped`]).
//! The array is a flat `Vec<u64>` of 32,768 counters (256 KiB); merging is element-wise integer
//! addition, hence exact and order-independent.
//!
//! Why not the `hdrhistogram` crate: recording here is a shift, a `leading_zeros` and one add with no
//! `Result`/auto-resize path, and merging two histograms is a plain slice add, which keeps the Monte
//! Carlo hot loop minimal; the layout is the same, so precision is identical.

use serde::{Deserialize, Serialize};

const SUB_BITS: u32 = 11; // 2048 sub-buckets → 3 significant decimal digits
const HALF_BITS: u32 = SUB_BITS - 1; // 1024
const SUB_MASK: u64 = (1 << SUB_BITS) - 1;
const MAX_BITS: u32 = 41;
/// Largest value (ns) stored without clamping.
pub const MAX_TRACKABLE_NS: u64 = (1u64 << MAX_BITS) - 1;
/// Number of counters.
pub const BUCKETS: usize = ((MAX_BITS - SUB_BITS + 2) as usize) << HALF_BITS;

/// Counter index of a latency in microseconds, with the same rounding and clamping as
/// [`LatencyHistogram::record_us`].
#[inline]
pub(crate) fn index_of_us(us: f64) -> usize {
    index_of(((us * 1000.0) as u64).min(MAX_TRACKABLE_NS))
}

/// The value (µs) a quantile that falls in counter `index` is reported at: the counter's midpoint.
#[inline]
pub(crate) fn midpoint_us(index: usize) -> f64 {
    let (low, width) = range_of(index);
    (low as f64 + (width - 1) as f64 / 2.0) / 1000.0
}

#[inline]
fn index_of(ns: u64) -> usize {
    let msb = 63 - (ns | SUB_MASK).leading_zeros();
    let bucket = msb - HALF_BITS;
    let sub = ns >> bucket;
    ((bucket as usize) << HALF_BITS) + sub as usize
}

/// Lowest value (ns) and width (ns) of the counter at `index`.
#[inline]
fn range_of(index: usize) -> (u64, u64) {
    let half = 1usize << HALF_BITS;
    if index < 2 * half {
        (index as u64, 1)
    } else {
        let bucket = (index >> HALF_BITS) - 1;
        let sub = (index - (bucket << HALF_BITS)) as u64;
        (sub << bucket, 1u64 << bucket)
    }
}

/// HDR-style latency histogram (see module docs for the layout and precision).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatencyHistogram {
    counts: Vec<u64>,
    total: u64,
    clamped: u64,
}

impl std::fmt::Debug for LatencyHistogram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LatencyHistogram")
            .field("len", &self.total)
            .field("clamped", &self.clamped)
            .field("p50_us", &self.quantile_us(0.5))
            .field("p99_us", &self.quantile_us(0.99))
            .field("max_us", &self.max_us())
            .finish()
    }
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl LatencyHistogram {
    /// Empty histogram (allocates the 256 KiB counter array once).
    pub fn new() -> Self {
        Self {
            counts: vec![0; BUCKETS],
            total: 0,
            clamped: 0,
        }
    }

    /// Records a latency in microseconds (negative/NaN record as 0; huge values are clamped).
    #[inline]
    pub fn record_us(&mut self, us: f64) {
        // `as` saturates: NaN → 0, negative → 0, +inf → u64::MAX.
        let mut ns = (us * 1000.0) as u64;
        if ns > MAX_TRACKABLE_NS {
            ns = MAX_TRACKABLE_NS;
            self.clamped += 1;
        }
        self.counts[index_of(ns)] += 1;
        self.total += 1;
    }

    /// Records every value of a slice (µs).
    #[inline]
    pub fn record_all_us(&mut self, values: &[f64]) {
        for &v in values {
            self.record_us(v);
        }
    }

    /// Number of recorded values.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Number of values clamped to [`MAX_TRACKABLE_NS`].
    pub fn clamped(&self) -> u64 {
        self.clamped
    }

    /// Resets all counters to zero (keeps the allocation).
    pub fn clear(&mut self) {
        self.counts.fill(0);
        self.total = 0;
        self.clamped = 0;
    }

    /// Adds another histogram's counts (exact, order-independent).
    pub fn merge(&mut self, other: &Self) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.total += other.total;
        self.clamped += other.clamped;
    }

    /// Quantile `q ∈ [0, 1]` in µs using the nearest-rank definition (the smallest recorded value with
    /// at least `ceil(q·n)` values at or below it), reported at its bucket midpoint. `None` when empty.
    pub fn quantile_us(&self, q: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let q = q.clamp(0.0, 1.0);
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0u64;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let (low, width) = range_of(i);
                let mid = low as f64 + (width - 1) as f64 / 2.0;
                return Some(mid / 1000.0);
            }
        }
        None
    }

    /// Mean in µs estimated from bucket midpoints. `None` when empty.
    pub fn mean_us(&self) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let s: f64 = self
            .counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, &c)| {
                let (low, width) = range_of(i);
                (low as f64 + (width - 1) as f64 / 2.0) * c as f64
            })
            .sum();
        Some(s / self.total as f64 / 1000.0)
    }

    /// Largest recorded value's bucket upper bound (µs). `None` when empty.
    pub fn max_us(&self) -> Option<f64> {
        self.counts.iter().rposition(|&c| c > 0).map(|i| {
            let (low, width) = range_of(i);
            (low + width - 1) as f64 / 1000.0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_contiguous_and_monotone() {
        let mut prev_end = 0u64;
        for i in 0..BUCKETS {
            let (low, width) = range_of(i);
            assert_eq!(low, prev_end, "index {i}");
            assert_eq!(index_of(low), i);
            assert_eq!(index_of(low + width - 1), i);
            prev_end = low + width;
        }
        assert_eq!(prev_end - 1, MAX_TRACKABLE_NS);
    }

    #[test]
    fn relative_width_is_three_digits() {
        for i in 2048..BUCKETS {
            let (low, width) = range_of(i);
            assert!((width as f64) / (low as f64) <= 1.0 / 1024.0 + 1e-12);
        }
    }
}
