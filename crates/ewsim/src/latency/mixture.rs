//! Latency of weighted mixtures of path shapes, with the sample budget spent where it counts.
//!
//! A request over a routed service graph takes one of a few *shapes* (the hop sequence at the
//! granularity the latency model distinguishes: same node, same zone, cross zone, plus the
//! option's proxies and load balancers). [`simulate_shapes`] simulates each distinct shape once,
//! with its own number of requests, and keeps a sparse histogram of it; [`mixture`] combines
//! shapes by weight (an option's traffic over its edges and paths, or one edge's paths) into
//! percentiles. A request therefore costs the hops of its own shape only, and the work does not
//! grow with the number of edges that share a shape.
//!
//! # Seeding
//! Request `j` of a shape belongs to chunk `j / SHAPE_CHUNK` (4,096 requests) and is drawn by the
//! engine's chunk evaluator ([`super::engine`]): every hop label has its own stream per
//! `(seed, chunk, label#occurrence)`. Two shapes that share a label (the DNS lookup, the server's
//! time, the TCP tail) draw the same values for the same request index (common random numbers).
//! Chunks are simulated in parallel and merged by integer addition in a fixed order, so results
//! are bit-identical for any thread count.
//!
//! # Estimator and interval
//! With shapes `k` of normalised weights `w_k`, each simulated `n_k` times, the mixture's CDF is
//! estimated by the stratified estimator `F(x) = sum_k w_k c_k(x) / n_k` (`c_k(x)`: requests of
//! shape `k` at or below `x`), and a quantile `q` is the smallest histogram value with
//! `F(x) >= q` (nearest rank; with one shape exactly [`super::LatencyHistogram::quantile_us`]).
//! The p99 interval is Woodruff's: with
//! `se^2 = sum_k w_k^2 F~_k (1 - F~_k) / n_k` at the p99 (`F~_k = (c_k + 1/2) / (n_k + 1)`, so a
//! shape with few requests still counts), the interval is `[Q(0.99 - z se), Q(0.99 + z se)]`,
//! `z` the normal quantile of the confidence level. With a single shape it is the usual
//! order-statistics interval of a quantile.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::dist::standard_normal_quantile;
use super::engine::{CompiledPath, Evaluator, block_sum};
use super::error::LatencyError;
use super::hist::{BUCKETS, index_of_us, midpoint_us};
use crate::progress::Share;

/// Requests per chunk of a shape; every chunk has its own seeded streams.
pub const SHAPE_CHUNK: u64 = 4096;

/// Chunks simulated between merges (bounds the memory of unmerged chunk histograms).
const WAVE: usize = 512;

/// The simulated latencies of one shape as a sparse histogram (counters of
/// [`super::LatencyHistogram`]'s layout that hold at least one request).
#[derive(Debug, Clone, PartialEq)]
pub struct ShapeSamples {
    /// Counter indices, ascending.
    idx: Vec<u32>,
    /// Requests at or below each counter (cumulative).
    cum: Vec<u64>,
    /// Requests simulated.
    n: u64,
    /// Sum of the latencies (µs), chunk sums added in chunk order.
    sum_us: f64,
}

impl ShapeSamples {
    /// Requests simulated.
    pub fn samples(&self) -> u64 {
        self.n
    }

    /// Requests at or below counter `b`.
    fn count_le(&self, b: usize) -> u64 {
        let k = self.idx.partition_point(|&i| i as usize <= b);
        if k == 0 { 0 } else { self.cum[k - 1] }
    }

    fn from_sorted_runs(runs: Vec<(u32, u64)>, n: u64, sum_us: f64) -> Self {
        let mut idx = Vec::with_capacity(runs.len());
        let mut cum = Vec::with_capacity(runs.len());
        let mut acc = 0;
        for (i, c) in runs {
            acc += c;
            idx.push(i);
            cum.push(acc);
        }
        Self {
            idx,
            cum,
            n,
            sum_us,
        }
    }
}

/// One chunk of one shape: sorted (counter, count) runs and the chunk's sum.
struct ChunkRuns {
    shape: usize,
    runs: Vec<(u32, u64)>,
    sum_us: f64,
}

/// Simulates one chunk and counts it into `dense` (a zeroed counter array, left zeroed again):
/// only the counters between the smallest and largest one touched are read back.
fn chunk_runs(
    path: &CompiledPath,
    seed: u64,
    shape: usize,
    chunk: u64,
    n: usize,
    dense: &mut [u64],
) -> ChunkRuns {
    let mut values = Vec::with_capacity(n);
    Evaluator::new(path).sample_chunk(path, seed, chunk, n, &mut values);
    let sum_us = block_sum(&values);
    let (mut lo, mut hi) = (usize::MAX, 0);
    for &v in &values {
        let i = index_of_us(v);
        dense[i] += 1;
        lo = lo.min(i);
        hi = hi.max(i);
    }
    let mut runs = Vec::new();
    if lo <= hi {
        for (i, c) in dense[lo..=hi].iter_mut().enumerate() {
            if *c > 0 {
                runs.push(((lo + i) as u32, *c));
                *c = 0;
            }
        }
    }
    ChunkRuns {
        shape,
        runs,
        sum_us,
    }
}

/// Adds sorted runs `b` into sorted runs `a`.
fn merge_runs(a: &mut Vec<(u32, u64)>, b: &[(u32, u64)]) {
    if a.is_empty() {
        a.extend_from_slice(b);
        return;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                out.push((x.0, x.1 + y.1));
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x.0 < y.0 => {
                out.push(*x);
                i += 1;
            }
            (Some(x), None) => {
                out.push(*x);
                i += 1;
            }
            (_, Some(y)) => {
                out.push(*y);
                j += 1;
            }
            (None, None) => break,
        }
    }
    *a = out;
}

/// Simulates `samples[k]` requests of `paths[k]` for every shape `k` (at least one each), in
/// parallel over chunks of [`SHAPE_CHUNK`] requests, and returns each shape's histogram.
pub fn simulate_shapes(
    paths: &[CompiledPath],
    samples: &[u64],
    seed: u64,
) -> Result<Vec<ShapeSamples>, LatencyError> {
    if paths.len() != samples.len() {
        return Err(LatencyError::model("one sample count per shape is needed"));
    }
    simulate_built(&|k| Ok(paths[k].clone()), samples, seed, Share::NONE)
}

/// [`simulate_shapes`] with each shape compiled by `build(k)` only while its requests are
/// simulated, so that many shapes never sit compiled in memory at once; `share` is handed out
/// as the requests are simulated.
pub(crate) fn simulate_built(
    build: &(dyn Fn(usize) -> Result<CompiledPath, LatencyError> + Sync),
    samples: &[u64],
    seed: u64,
    share: Share<'_>,
) -> Result<Vec<ShapeSamples>, LatencyError> {
    let items: Vec<(usize, u64, usize)> = samples
        .iter()
        .enumerate()
        .flat_map(|(k, &n)| {
            let n = n.max(1);
            (0..n.div_ceil(SHAPE_CHUNK))
                .map(move |c| (k, c, (n - c * SHAPE_CHUNK).min(SHAPE_CHUNK) as usize))
        })
        .collect();
    let counter = share.counter(items.iter().map(|&(_, _, n)| n as u64).sum());
    let mut runs: Vec<Vec<(u32, u64)>> = vec![Vec::new(); samples.len()];
    let mut sums = vec![0.0f64; samples.len()];
    for wave in items.chunks(WAVE) {
        // Items are in shape order: the wave's shapes are one contiguous range.
        let (first, last) = match (wave.first(), wave.last()) {
            (Some(a), Some(b)) => (a.0, b.0),
            _ => continue,
        };
        let paths: Vec<CompiledPath> = (first..=last)
            .into_par_iter()
            .map(build)
            .collect::<Result<_, _>>()?;
        let done: Vec<ChunkRuns> = wave
            .par_iter()
            .map_init(
                || vec![0u64; BUCKETS],
                |dense, &(k, c, n)| {
                    let runs = chunk_runs(&paths[k - first], seed, k, c, n, dense);
                    counter.advance(n as u64);
                    runs
                },
            )
            .collect();
        // Merged in item order (shape, then chunk): integer counts, and sums in chunk order.
        for r in done {
            merge_runs(&mut runs[r.shape], &r.runs);
            sums[r.shape] += r.sum_us;
        }
    }
    Ok(runs
        .into_iter()
        .zip(sums)
        .zip(samples)
        .map(|((r, sum), &n)| ShapeSamples::from_sorted_runs(r, n.max(1), sum))
        .collect())
}

/// Percentiles of a mixture of shapes (milliseconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MixtureResult {
    /// Median (ms).
    pub p50_ms: f64,
    /// 90th percentile (ms).
    pub p90_ms: f64,
    /// 99th percentile (ms).
    pub p99_ms: f64,
    /// 99.9th percentile (ms).
    pub p999_ms: f64,
    /// Mean (ms): the weighted mean of the shapes' sample means.
    pub mean_ms: f64,
    /// Woodruff interval of the median (ms) at `confidence`: how far another seed may move it.
    pub p50_ci_ms: Option<(f64, f64)>,
    /// Woodruff interval of the p99 (ms) at `confidence` (see the module docs).
    pub p99_ci_ms: Option<(f64, f64)>,
    /// Confidence level of `p99_ci_ms`.
    pub confidence: f64,
    /// Requests simulated for the shapes of this mixture.
    pub samples: u64,
    /// Number of distinct shapes in the mixture.
    pub shapes: usize,
}

/// The mixture of `parts` (shape index into `shapes`, weight ≥ 0) as percentiles; `None` when
/// the weights sum to zero.
pub fn mixture(
    shapes: &[ShapeSamples],
    parts: &[(usize, f64)],
    confidence: f64,
) -> Option<MixtureResult> {
    let total: f64 = parts.iter().map(|(_, w)| w).sum();
    if !(total > 0.0 && total.is_finite()) {
        return None;
    }
    let parts: Vec<(&ShapeSamples, f64)> = parts
        .iter()
        .filter(|(_, w)| *w > 0.0)
        .filter_map(|&(k, w)| shapes.get(k).map(|s| (s, w / total)))
        .collect();
    let cdf = |b: usize| -> f64 {
        parts
            .iter()
            .map(|(s, w)| w * s.count_le(b) as f64 / s.n as f64)
            .sum()
    };
    // Smallest counter with F >= q (F is a sum of rounded ratios: allow a relative 1e-12).
    let counter = |q: f64| -> usize {
        let target = q.clamp(0.0, 1.0) * (1.0 - 1e-12);
        let (mut lo, mut hi) = (0usize, BUCKETS - 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if cdf(mid) >= target {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    };
    let q_ms = |q: f64| midpoint_us(counter(q)) / 1000.0;
    let b99 = counter(0.99);
    // Woodruff's interval of quantile `q` (see the module docs).
    let z = standard_normal_quantile(0.5 + confidence / 2.0).ok();
    let interval = |q: f64| {
        let b = counter(q);
        let var: f64 = parts
            .iter()
            .map(|(s, w)| {
                let f = (s.count_le(b) as f64 + 0.5) / (s.n as f64 + 1.0);
                w * w * f * (1.0 - f) / s.n as f64
            })
            .sum();
        z.map(|z| z * var.sqrt())
            .filter(|half| half.is_finite())
            .map(|half| (q_ms((q - half).max(0.0)), q_ms((q + half).min(1.0))))
    };
    Some(MixtureResult {
        p50_ms: q_ms(0.5),
        p90_ms: q_ms(0.9),
        p99_ms: midpoint_us(b99) / 1000.0,
        p999_ms: q_ms(0.999),
        mean_ms: parts
            .iter()
            .map(|(s, w)| w * s.sum_us / s.n as f64)
            .sum::<f64>()
            / 1000.0,
        p50_ci_ms: interval(0.5),
        p99_ci_ms: interval(0.99),
        confidence,
        samples: parts.iter().map(|(s, _)| s.n).sum(),
        shapes: parts.len(),
    })
}

/// Requests per shape so that each of the `mixtures` (lists of (shape, weight)) gets `budget`
/// requests drawn in proportion to its weights: shape `k` gets the largest
/// `ceil(budget x w_k / W)` over the mixtures it is in, and at least one.
pub fn allocate(shapes: usize, mixtures: &[(&[(usize, f64)], u64)]) -> Vec<u64> {
    let mut n = vec![1u64; shapes];
    for (parts, budget) in mixtures {
        let total: f64 = parts.iter().map(|(_, w)| w).sum();
        if total.is_nan() || total <= 0.0 {
            continue;
        }
        for &(k, w) in *parts {
            let want = (*budget as f64 * w / total).ceil();
            if let Some(x) = n.get_mut(k) {
                *x = (*x).max(want.min(u64::MAX as f64) as u64);
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latency::{DistSpec, LatencyHistogram, PathModel, SimConfig, Step, simulate};

    fn shape(label: &str, value: f64) -> CompiledPath {
        PathModel::new(label, Step::hop(label, DistSpec::Constant { value }))
            .compile()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn mixture_of_constants_has_the_hand_computed_quantiles() {
        // 70 % of requests take 100 µs, 30 % take 1,000 µs: the median is 0.1 ms, p90 and p99
        // are 1 ms, the mean 0.7 x 0.1 + 0.3 x 1 = 0.37 ms (values at counter midpoints).
        let shapes = simulate_shapes(&[shape("a", 100.0), shape("b", 1000.0)], &[7, 3], 1)
            .unwrap_or_else(|e| panic!("{e}"));
        let m = mixture(&shapes, &[(0, 0.7), (1, 0.3)], 0.95).unwrap_or_else(|| panic!());
        assert!((m.p50_ms - 0.1).abs() < 1e-4, "{m:?}");
        assert!((m.p90_ms - 1.0).abs() < 1e-3, "{m:?}");
        assert!((m.mean_ms - 0.37).abs() < 1e-9, "{m:?}");
        assert_eq!(m.samples, 10);
        // The weights decide, not the sample counts: 30 % at 100 µs puts the median at 1 ms.
        let m = mixture(&shapes, &[(0, 0.3), (1, 0.7)], 0.95).unwrap_or_else(|| panic!());
        assert!((m.p50_ms - 1.0).abs() < 1e-3, "{m:?}");
        assert!(mixture(&shapes, &[(0, 0.0)], 0.95).is_none());
    }

    #[test]
    fn one_shape_matches_the_histogram_nearest_rank() {
        let p = PathModel::new(
            "ln",
            Step::hop(
                "ln",
                DistSpec::ShiftedLognormal {
                    shift: 50.0,
                    mu: 5.0,
                    sigma: 0.6,
                },
            ),
        )
        .compile()
        .unwrap_or_else(|e| panic!("{e}"));
        let n = 3 * SHAPE_CHUNK + 17;
        let shapes =
            simulate_shapes(std::slice::from_ref(&p), &[n], 9).unwrap_or_else(|e| panic!("{e}"));
        let m = mixture(&shapes, &[(0, 1.0)], 0.95).unwrap_or_else(|| panic!());
        // The same requests recorded into the dense histogram.
        let mut h = LatencyHistogram::new();
        for c in 0..n.div_ceil(SHAPE_CHUNK) {
            let k = (n - c * SHAPE_CHUNK).min(SHAPE_CHUNK) as usize;
            let mut v = Vec::new();
            Evaluator::new(&p).sample_chunk(&p, 9, c, k, &mut v);
            h.record_all_us(&v);
        }
        for (q, got) in [
            (0.5, m.p50_ms),
            (0.9, m.p90_ms),
            (0.99, m.p99_ms),
            (0.999, m.p999_ms),
        ] {
            assert_eq!(got, h.quantile_us(q).unwrap_or(0.0) / 1000.0, "q{q}");
        }
        let (lo, hi) = m.p99_ci_ms.unwrap_or_else(|| panic!());
        assert!(lo < m.p99_ms && m.p99_ms < hi, "{m:?}");
        // Another seed lands within the interval (95 %: this seed pair is checked once).
        let other =
            simulate_shapes(std::slice::from_ref(&p), &[n], 10).unwrap_or_else(|e| panic!("{e}"));
        let o = mixture(&other, &[(0, 1.0)], 0.95).unwrap_or_else(|| panic!());
        assert!(lo <= o.p99_ms && o.p99_ms <= hi, "{o:?} vs {m:?}");
        // Same distribution through the chunked engine agrees within the interval.
        let e = simulate(&p, &SimConfig::new(200_000, 3)).unwrap_or_else(|e| panic!("{e}"));
        assert!(lo * 0.97 <= e.p99_ms && e.p99_ms <= hi * 1.03, "{e:?}");
    }

    #[test]
    fn thread_count_does_not_change_results() {
        let paths = [shape("a", 10.0), shape("b", 20.0)];
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap_or_else(|e| panic!("{e}"))
                .install(|| simulate_shapes(&paths, &[50_000, 9_000], 4))
                .unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(run(1), run(2));
    }

    #[test]
    fn allocation_follows_weights_with_one_request_at_least() {
        let a = [(0usize, 0.5), (1, 0.4999), (2, 0.0001)];
        let b = [(1usize, 1.0)];
        assert_eq!(allocate(4, &[(&a, 1000), (&b, 10)]), vec![500, 500, 1, 1]);
    }
}
