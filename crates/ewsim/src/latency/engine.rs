//! Seeded, thread-count-independent Monte Carlo engine over call-path models.
//!
//! # Model
//! A [`PathModel`] is a tree of [`Step`]s: [`Step::Hop`] (one latency draw, applied with a probability),
//! [`Step::Seq`] (sum), [`Step::Par`] (parallel fan-out: the maximum over branches),
//! [`Step::Repeat`] (`n` sequential calls), [`Step::Maybe`] (the sub-step happens with probability
//! `p`) and [`Step::Choice`] (one of several branches by weight, e.g. same-AZ vs cross-AZ).
//! [`PathModel::compile`] validates it and turns it into a [`CompiledPath`].
//!
//! # Reproducibility
//! Samples are split into fixed chunks of [`CHUNK_SAMPLES`] (65,536). The random state never depends
//! on threads: every *random stream* of a chunk is seeded from `(seed, chunk, stream_key)` alone
//! (the scheme is described in the crate-private `latency::seed` module).
//!
//! Chunks run in parallel with rayon; their histograms are merged by integer addition (exact) and the
//! per-chunk statistics are put back in chunk order, so results are bit-identical for any number of
//! threads, and a run with more samples extends (not reshuffles) a run with fewer.
//!
//! # Common random numbers (CRN)
//! Every hop draws from its **own stream**, keyed by `FNV-1a(label "#" occurrence)` where
//! `occurrence` counts earlier hops with the same label in the path (depth-first). A hop applied with
//! probability `p < 1` draws its coin from a separate `"coin:"` stream, [`Step::Maybe`] and
//! [`Step::Choice`] from `"maybe:"` / `"choice:"` streams keyed by the first hop label under them.
//! Consequences, for the same `(seed, chunk)`:
//!
//! * all paths start from the same chunk state, and a hop with the same label gets exactly the same
//!   draws in every option (e.g. the `dns` and `server` hops of two routing options);
//! * the same label with a different (shifted) lognormal is coupled through the same normal draws
//!   (quantile coupling, e.g. one `net` label that is same-AZ in one option and cross-AZ in
//!   another); with [`Step::Choice`] branches that share labels with another option are identical
//!   to it whenever they are chosen;
//! * adding a hop never changes the draws of the others, so per sample the longer path is never
//!   faster (all latencies are ≥ 0 and floating-point addition is monotone);
//! * a hop's values do not depend on its probability (values are drawn for every request, the coin
//!   `U < p` decides whether they count), so raising `p` (e.g. the new-connection share) or a
//!   `Maybe` probability, or a `Repeat` count, never lowers any request's latency.
//!
//! # Hot loop
//! Evaluation is block-wise (256 samples): each hop fills/adds a block of values in a tight loop
//! (one `match` per block, no allocation, no dynamic dispatch), then the block is recorded into the
//! chunk histogram. Scratch buffers and RNG states are allocated once per rayon work item; memory is
//! two 256 KiB histograms per option and work item plus a few numbers per chunk (O(samples / 65,536)).
//!
//! # p99 confidence interval
//! For the `k` full chunks, the per-chunk p99 (each from 65,536 samples) has sample standard
//! deviation `sd`; the pooled p99 is reported with the interval `p99 ± t(0.975, k−1)·sd/√k`
//! (Student t from statrs). This is the batch-means standard error of a quantile: it needs ≥ 2 full
//! chunks, otherwise the interval is `None`. [`compare_options`] reports the paired mean
//! difference against the first option with the same batch-means interval over chunk means.

use rayon::prelude::*;

use crate::progress::Share;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::dist::{DistSpec, Sampler};
use super::error::LatencyError;
use super::hist::LatencyHistogram;
use super::seed::{StreamRng, fnv1a64, stream_seed};

/// Samples per chunk; every chunk has its own seeded RNG streams.
pub const CHUNK_SAMPLES: u64 = 65_536;
/// Samples per evaluation block inside a chunk.
pub(crate) const BLOCK: usize = 256;
/// Largest `Step::Repeat` count (repeats are unrolled at compile time, one stream per repetition).
pub const MAX_REPEAT: u32 = 4096;
/// Name of the random number generator, reported in every result.
pub const RNG_NAME: &str = "Xoshiro256PlusPlus (rand 0.10 rngs::Xoshiro256PlusPlus), one stream per (seed, chunk, hop) via SplitMix64 mixing, batched ziggurat normals";

/// One latency draw in a path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hop {
    /// Label; also the common-random-numbers key (same label ⇒ same draws across options).
    pub label: String,
    /// Distribution (µs); must not contain `ref` (resolve through the catalogue).
    pub dist: DistSpec,
    /// Probability that the hop applies to a request (e.g. new-connection share); default 1.
    #[serde(default = "one")]
    pub p: f64,
}

fn one() -> f64 {
    1.0
}

/// A call-graph step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// One hop.
    Hop(Hop),
    /// Sequential steps: latencies add.
    Seq(Vec<Step>),
    /// Parallel fan-out: the request waits for the slowest branch (max).
    Par(Vec<Step>),
    /// `n` sequential calls of the same step (independent draws; repetition `r` of a hop labelled
    /// `x` draws from stream `x#r`, so call counts can be compared with common random numbers).
    /// At most [`MAX_REPEAT`].
    Repeat(u32, Box<Step>),
    /// The step happens with probability `p` (else contributes 0).
    Maybe(f64, Box<Step>),
    /// Exactly one branch happens, chosen with the given weights (sum 1 within 1e-9), e.g. the
    /// zone relation of a call: `[(1/3, same-AZ hop), (2/3, cross-AZ hop)]`. Every branch is
    /// drawn for every request (so branch values do not depend on the weights, and a branch with
    /// the same labels as another option's hop is exactly coupled to it); one uniform from a
    /// `"choice:"` stream selects the branch.
    Choice(Vec<(f64, Step)>),
}

impl Step {
    /// A hop that always applies.
    pub fn hop(label: impl Into<String>, dist: DistSpec) -> Self {
        Self::Hop(Hop {
            label: label.into(),
            dist,
            p: 1.0,
        })
    }

    /// A hop that applies with probability `p` (e.g. per-new-connection costs: `p` = share of
    /// requests that open a connection).
    pub fn hop_with_p(label: impl Into<String>, dist: DistSpec, p: f64) -> Self {
        Self::Hop(Hop {
            label: label.into(),
            dist,
            p,
        })
    }

    /// Sequential composition.
    pub fn seq(steps: Vec<Step>) -> Self {
        Self::Seq(steps)
    }

    /// Parallel fan-out (max over branches).
    pub fn par(steps: Vec<Step>) -> Self {
        Self::Par(steps)
    }

    /// `n` sequential calls.
    pub fn repeat(n: u32, step: Step) -> Self {
        Self::Repeat(n, Box::new(step))
    }

    /// The step happens with probability `p`.
    pub fn maybe(p: f64, step: Step) -> Self {
        Self::Maybe(p, Box::new(step))
    }

    /// One of the branches, chosen by weight.
    pub fn choice(branches: Vec<(f64, Step)>) -> Self {
        Self::Choice(branches)
    }

    fn first_label(&self) -> Option<&str> {
        match self {
            Self::Hop(h) => Some(&h.label),
            Self::Seq(v) | Self::Par(v) => v.iter().find_map(Step::first_label),
            Self::Repeat(_, s) | Self::Maybe(_, s) => s.first_label(),
            Self::Choice(v) => v.iter().find_map(|(_, s)| s.first_label()),
        }
    }
}

/// A named path (one option's request path).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathModel {
    /// Name reported in the result.
    pub name: String,
    /// Root step.
    pub root: Step,
}

impl PathModel {
    /// New named path.
    pub fn new(name: impl Into<String>, root: Step) -> Self {
        Self {
            name: name.into(),
            root,
        }
    }

    /// Validates and compiles the path.
    pub fn compile(&self) -> Result<CompiledPath, LatencyError> {
        let mut b = Builder::default();
        let root = b.build(&self.root, &format!("path '{}'", self.name), 0)?;
        Ok(CompiledPath {
            name: self.name.clone(),
            root,
            stream_keys: b.stream_keys,
            scratch_blocks: b.max_scratch,
        })
    }
}

#[derive(Debug, Clone)]
enum Node {
    Leaf {
        sampler: Sampler,
        stream: usize,
        coin: Option<(usize, f64)>,
    },
    Seq(Vec<Node>),
    Par(Vec<Node>),
    Maybe {
        p: f64,
        coin: usize,
        child: Box<Node>,
    },
    Choice {
        /// Cumulative weights (last one +∞).
        cum: Vec<f64>,
        coin: usize,
        branches: Vec<Node>,
    },
    /// `n` repetitions of `child`; repetition `r` uses the child's streams shifted by
    /// `r x per_rep` (the builder lays out each repetition's streams after the first's).
    Repeat {
        n: u32,
        per_rep: usize,
        child: Box<Node>,
    },
}

#[derive(Default)]
struct Builder {
    stream_keys: Vec<u64>,
    /// Label and occurrence of each stream (what its key hashes).
    stream_ids: Vec<(String, u32)>,
    /// Stream index of each key: a key names one stream, shared by the branches of a choice.
    by_key: std::collections::HashMap<u64, usize>,
    /// Streams so far per label: the occurrence number of the next stream with that label.
    occurrences: std::collections::HashMap<String, u32>,
    /// First stream of the innermost repeat being built: its child shares no stream from
    /// before it, so that its streams are one contiguous block.
    repeat_floor: usize,
    max_scratch: usize,
}

impl Builder {
    /// The stream of the next occurrence of `base` (depth-first order), keyed
    /// `FNV-1a(base "#" occurrence)`. Counting occurrences in a map keeps building linear in the
    /// number of hops (a scan of earlier labels made large call graphs quadratic). The branches of
    /// a choice count from the same point, so a label's stream is shared by the branches (each
    /// request takes one of them).
    fn stream(&mut self, base: &str) -> usize {
        let occ = match self.occurrences.get_mut(base) {
            Some(n) => {
                *n += 1;
                *n - 1
            }
            None => {
                self.occurrences.insert(base.to_owned(), 1);
                0
            }
        };
        self.stream_for(base, occ)
    }

    fn stream_for(&mut self, base: &str, occ: u32) -> usize {
        let key = fnv1a64(format!("{base}#{occ}").as_bytes());
        if let Some(&i) = self.by_key.get(&key)
            && i >= self.repeat_floor
        {
            return i;
        }
        self.stream_keys.push(key);
        self.stream_ids.push((base.to_owned(), occ));
        self.by_key.insert(key, self.stream_keys.len() - 1);
        self.stream_keys.len() - 1
    }

    fn prob(at: &str, p: f64) -> Result<(), LatencyError> {
        if (0.0..=1.0).contains(&p) {
            Ok(())
        } else {
            Err(LatencyError::spec(
                at,
                format!("probability must be in [0, 1] (got {p})"),
            ))
        }
    }

    /// `scratch` = scratch blocks already in use above this node.
    fn build(&mut self, step: &Step, at: &str, scratch: usize) -> Result<Node, LatencyError> {
        self.max_scratch = self.max_scratch.max(scratch);
        Ok(match step {
            Step::Hop(h) => {
                let at = format!("{at} hop '{}'", h.label);
                Self::prob(&at, h.p)?;
                h.dist.validate(&at)?;
                let sampler = h.dist.compile()?;
                let stream = self.stream(&h.label);
                let coin = if h.p < 1.0 {
                    // The hop's values are drawn for every sample into a scratch block, then
                    // added where the coin says so.
                    self.max_scratch = self.max_scratch.max(scratch + 1);
                    Some((self.stream(&format!("coin:{}", h.label)), h.p))
                } else {
                    None
                };
                Node::Leaf {
                    sampler,
                    stream,
                    coin,
                }
            }
            Step::Seq(v) => Node::Seq(
                v.iter()
                    .enumerate()
                    .map(|(i, s)| self.build(s, &format!("{at}.seq[{i}]"), scratch))
                    .collect::<Result<_, _>>()?,
            ),
            Step::Par(v) => {
                if v.is_empty() {
                    return Err(LatencyError::spec(at, "par needs at least one branch"));
                }
                self.max_scratch = self.max_scratch.max(scratch + 2);
                Node::Par(
                    v.iter()
                        .enumerate()
                        .map(|(i, s)| self.build(s, &format!("{at}.par[{i}]"), scratch + 2))
                        .collect::<Result<_, _>>()?,
                )
            }
            Step::Repeat(n, s) => {
                if *n > MAX_REPEAT {
                    return Err(LatencyError::spec(
                        at,
                        format!("repeat count {n} exceeds {MAX_REPEAT}"),
                    ));
                }
                // Built once; repetition r of a hop labelled "x" (k earlier occurrences, c per
                // repetition) uses stream "x#(k + r c + j)", as if unrolled, so adding
                // repetitions never changes the draws of the existing ones (CRN across call
                // counts). Their streams follow the first repetition's, `per_rep` apart.
                let before = self.occurrences.clone();
                let start = self.stream_keys.len();
                let floor = std::mem::replace(&mut self.repeat_floor, start);
                let child = self.build(s, &format!("{at}.repeat"), scratch);
                self.repeat_floor = floor;
                let child = child?;
                let per_rep = self.stream_keys.len() - start;
                let per_label = |b: &Builder, label: &str| {
                    b.occurrences.get(label).copied().unwrap_or(0)
                        - before.get(label).copied().unwrap_or(0)
                };
                let first: Vec<(String, u32)> = self.stream_ids[start..].to_vec();
                for r in 1..*n {
                    for (label, occ) in &first {
                        let occ = occ + r * per_label(self, label);
                        let key = fnv1a64(format!("{label}#{occ}").as_bytes());
                        self.stream_keys.push(key);
                        self.stream_ids.push((label.clone(), occ));
                        self.by_key.insert(key, self.stream_keys.len() - 1);
                    }
                }
                let after: Vec<(String, u32)> = self
                    .occurrences
                    .keys()
                    .map(|l| (l.clone(), per_label(self, l)))
                    .collect();
                for (label, c) in after {
                    let b = before.get(&label).copied().unwrap_or(0);
                    self.occurrences.insert(label, b + n.max(&1) * c);
                }
                if *n == 0 {
                    // Nothing happens; the child's streams are never drawn.
                    Node::Seq(Vec::new())
                } else {
                    Node::Repeat {
                        n: *n,
                        per_rep,
                        child: Box::new(child),
                    }
                }
            }
            Step::Maybe(p, s) => {
                Self::prob(at, *p)?;
                let coin = self.stream(&format!("maybe:{}", s.first_label().unwrap_or("")));
                self.max_scratch = self.max_scratch.max(scratch + 1);
                Node::Maybe {
                    p: *p,
                    coin,
                    child: Box::new(self.build(s, &format!("{at}.maybe"), scratch + 1)?),
                }
            }
            Step::Choice(v) => {
                if v.is_empty() {
                    return Err(LatencyError::spec(at, "choice needs at least one branch"));
                }
                let mut sum = 0.0;
                let mut cum = Vec::with_capacity(v.len());
                for (i, (w, _)) in v.iter().enumerate() {
                    if !(w.is_finite() && *w >= 0.0) {
                        return Err(LatencyError::spec(
                            format!("{at}.choice[{i}]"),
                            format!("weight must be >= 0 (got {w})"),
                        ));
                    }
                    sum += w;
                    cum.push(sum);
                }
                if (sum - 1.0).abs() > crate::latency::dist::WEIGHT_SUM_TOLERANCE {
                    return Err(LatencyError::spec(
                        at,
                        format!("choice weights must sum to 1 within 1e-9 (sum is {sum})"),
                    ));
                }
                if let Some(last) = cum.last_mut() {
                    *last = f64::INFINITY;
                }
                if v.len() > usize::from(u16::MAX) {
                    return Err(LatencyError::spec(
                        at,
                        format!("a choice has at most {} branches", u16::MAX),
                    ));
                }
                let coin = self.stream(&format!("choice:{}", step.first_label().unwrap_or("")));
                self.max_scratch = self.max_scratch.max(scratch + 1);
                // Every branch counts label occurrences from here; after the choice, each
                // label continues from the largest count of any branch.
                let before = self.occurrences.clone();
                let mut after = before.clone();
                let mut branches = Vec::with_capacity(v.len());
                for (i, (_, s)) in v.iter().enumerate() {
                    self.occurrences = before.clone();
                    branches.push(self.build(s, &format!("{at}.choice[{i}]"), scratch + 1)?);
                    for (label, n) in &self.occurrences {
                        let e = after.entry(label.clone()).or_insert(0);
                        *e = (*e).max(*n);
                    }
                }
                self.occurrences = after;
                Node::Choice {
                    cum,
                    coin,
                    branches,
                }
            }
        })
    }
}

/// A validated path ready to simulate.
#[derive(Debug, Clone)]
pub struct CompiledPath {
    name: String,
    root: Node,
    stream_keys: Vec<u64>,
    scratch_blocks: usize,
}

impl CompiledPath {
    /// The path name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of independent random streams (hops + coins).
    pub fn stream_count(&self) -> usize {
        self.stream_keys.len()
    }
}

/// Simulation settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SimConfig {
    /// Number of simulated requests (≥ 1).
    pub samples: u64,
    /// Master seed.
    pub seed: u64,
    /// Two-sided confidence level of the p99 interval (default 0.95).
    pub confidence: f64,
}

impl SimConfig {
    /// `samples` requests with `seed`, 95 % interval.
    pub fn new(samples: u64, seed: u64) -> Self {
        Self {
            samples,
            seed,
            confidence: 0.95,
        }
    }
}

/// Percentiles and provenance of one simulated path. Latencies in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SimResult {
    /// Path name.
    pub name: String,
    /// Median (ms).
    pub p50_ms: f64,
    /// 90th percentile (ms).
    pub p90_ms: f64,
    /// 99th percentile (ms).
    pub p99_ms: f64,
    /// 99.9th percentile (ms).
    pub p999_ms: f64,
    /// Exact sample mean (ms).
    pub mean_ms: f64,
    /// Confidence interval of p99 (ms): `p99 ± t·sd/√k` over full chunks; `None` with < 2 full chunks.
    pub p99_ci_ms: Option<(f64, f64)>,
    /// Confidence level of `p99_ci_ms`.
    pub confidence: f64,
    /// Number of simulated requests.
    pub samples: u64,
    /// Master seed.
    pub seed: u64,
    /// Random number generator and seeding scheme.
    pub rng: String,
    /// Samples per chunk.
    pub chunk_samples: u64,
    /// Number of chunks (the last one may be partial).
    pub chunks: u64,
    /// Full histogram (ns resolution, 3 significant digits) for other quantiles (not serialised).
    #[serde(skip)]
    pub histogram: LatencyHistogram,
}

impl SimResult {
    /// Any quantile `q ∈ [0, 1]` in ms from the histogram.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        self.histogram.quantile_us(q).unwrap_or(0.0) / 1000.0
    }
}

/// Paired (common-random-numbers) difference of one option against the baseline (option 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OptionDelta {
    /// Option name.
    pub name: String,
    /// Baseline name (the first path).
    pub baseline: String,
    /// Mean of the per-request difference `option − baseline` (ms).
    pub mean_delta_ms: f64,
    /// Confidence interval of `mean_delta_ms` (batch means over full chunks, Student t);
    /// `None` with < 2 full chunks. With CRN it is much narrower than the difference of two
    /// independent runs.
    pub mean_delta_ci_ms: Option<(f64, f64)>,
    /// Share of requests for which the option is slower than the baseline.
    pub p_slower: f64,
    /// Share of requests for which the option is faster than the baseline.
    pub p_faster: f64,
}

/// Results of several options simulated together with common random numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Comparison {
    /// One result per option, in input order (identical to [`simulate`] on each path).
    pub results: Vec<SimResult>,
    /// Option `k ≥ 1` against option 0, in input order (empty for a single path).
    pub deltas: Vec<OptionDelta>,
}

#[derive(Clone, Copy, Default)]
struct PathChunkStat {
    p99_us: f64,
    sum_us: f64,
    delta_sum_us: f64,
    slower: u64,
    faster: u64,
}

struct ChunkStat {
    index: u64,
    samples: u64,
    per_path: Vec<PathChunkStat>,
}

/// The random streams and scratch space for evaluating one compiled path, allocated once and
/// reseeded per chunk.
pub(crate) struct Evaluator {
    rngs: Vec<StreamRng>,
    scratch: Vec<[f64; BLOCK]>,
    out: Box<[f64; BLOCK]>,
}

impl Evaluator {
    pub(crate) fn new(path: &CompiledPath) -> Self {
        Self {
            rngs: vec![StreamRng::new(0); path.stream_keys.len()],
            scratch: vec![[0.0; BLOCK]; path.scratch_blocks],
            out: Box::new([0.0; BLOCK]),
        }
    }

    fn seed(&mut self, path: &CompiledPath, seed: u64, chunk: u64) {
        for (r, key) in self.rngs.iter_mut().zip(&path.stream_keys) {
            *r = StreamRng::new(stream_seed(seed, chunk, *key));
        }
    }

    /// Evaluates the next `b` samples into `self.out[..b]`.
    fn eval_block(&mut self, path: &CompiledPath, b: usize) {
        let out = &mut self.out[..b];
        out.fill(0.0);
        eval_add(&path.root, &mut self.rngs, 0, &mut self.scratch, out);
    }

    /// Appends the first `n` samples (µs) of chunk `chunk` of `path` under `seed` to `out`: the
    /// same values [`simulate`] draws for those requests.
    pub(crate) fn sample_chunk(
        &mut self,
        path: &CompiledPath,
        seed: u64,
        chunk: u64,
        n: usize,
        out: &mut Vec<f64>,
    ) {
        self.seed(path, seed, chunk);
        let mut done = 0;
        while done < n {
            let b = (n - done).min(BLOCK);
            self.eval_block(path, b);
            out.extend_from_slice(&self.out[..b]);
            done += b;
        }
    }
}

struct PathState {
    total: LatencyHistogram,
    chunk_hist: LatencyHistogram,
    eval: Evaluator,
}

impl PathState {
    fn new(path: &CompiledPath) -> Self {
        Self {
            total: LatencyHistogram::new(),
            chunk_hist: LatencyHistogram::new(),
            eval: Evaluator::new(path),
        }
    }
}

struct Acc {
    paths: Vec<PathState>,
    stats: Vec<ChunkStat>,
}

impl Acc {
    fn new(paths: &[CompiledPath]) -> Self {
        Self {
            paths: paths.iter().map(PathState::new).collect(),
            stats: Vec::new(),
        }
    }

    fn merge(mut self, other: Self) -> Self {
        for (a, b) in self.paths.iter_mut().zip(&other.paths) {
            a.total.merge(&b.total);
        }
        self.stats.extend(other.stats);
        self
    }
}

/// Adds the node's value for each of the `out.len()` samples to `out`.
/// Stream indices are shifted by `off` (the repetition of the enclosing repeats).
fn eval_add(
    node: &Node,
    rngs: &mut [StreamRng],
    off: usize,
    scratch: &mut [[f64; BLOCK]],
    out: &mut [f64],
) {
    let n = out.len();
    match node {
        Node::Leaf {
            sampler,
            stream,
            coin,
        } => {
            // Work on local copies of the RNG states (kept in registers), store them back after.
            let StreamRng {
                main: mut r,
                aux: mut a,
            } = rngs[*stream + off].clone();
            match coin {
                None => sampler.fill_add(&mut r, &mut a, out),
                Some((cs, p)) => {
                    // Draw for every sample (same values as with p = 1, and the stream does not
                    // depend on the coins), then add where the coin falls below p: raising p only
                    // adds hops to more requests, with the same values (exact CRN monotonicity).
                    let tmp = &mut scratch[0][..n];
                    tmp.fill(0.0);
                    sampler.fill_add(&mut r, &mut a, tmp);
                    let mut c = rngs[*cs + off].main.clone();
                    for (o, t) in out.iter_mut().zip(tmp.iter()) {
                        if rand::RngExt::random::<f64>(&mut c) < *p {
                            *o += *t;
                        }
                    }
                    rngs[*cs + off].main = c;
                }
            }
            rngs[*stream + off] = StreamRng { main: r, aux: a };
        }
        Node::Seq(children) => {
            for c in children {
                eval_add(c, rngs, off, scratch, out);
            }
        }
        Node::Par(branches) => {
            let (head, rest) = scratch.split_at_mut(2);
            let (mx, tmp) = head.split_at_mut(1);
            let mx = &mut mx[0][..n];
            let tmp = &mut tmp[0][..n];
            mx.fill(0.0);
            for b in branches {
                tmp.fill(0.0);
                eval_add(b, rngs, off, rest, tmp);
                for (m, t) in mx.iter_mut().zip(tmp.iter()) {
                    *m = m.max(*t);
                }
            }
            for (o, m) in out.iter_mut().zip(mx.iter()) {
                *o += *m;
            }
        }
        Node::Maybe { p, coin, child } => {
            let (head, rest) = scratch.split_at_mut(1);
            let tmp = &mut head[0][..n];
            tmp.fill(0.0);
            eval_add(child, rngs, off, rest, tmp);
            let mut c = rngs[*coin + off].main.clone();
            for (o, t) in out.iter_mut().zip(tmp.iter()) {
                if rand::RngExt::random::<f64>(&mut c) < *p {
                    *o += *t;
                }
            }
            rngs[*coin + off].main = c;
        }
        Node::Choice {
            cum,
            coin,
            branches,
        } => {
            // One uniform per sample picks its branch; each branch is evaluated only for the
            // samples that take it (gathered into a contiguous run, then added back), so a
            // request costs the steps of its own branch, not of every branch.
            let (head, rest) = scratch.split_at_mut(1);
            let tmp = &mut head[0];
            let mut which = [0u16; BLOCK];
            let mut c = rngs[*coin + off].main.clone();
            for w in which[..n].iter_mut() {
                let u = rand::RngExt::random::<f64>(&mut c);
                *w = cum.partition_point(|&hi| hi <= u) as u16;
            }
            rngs[*coin + off].main = c;
            let mut idx = [0u16; BLOCK];
            for (b, branch) in branches.iter().enumerate() {
                let mut m = 0;
                for (i, &w) in which[..n].iter().enumerate() {
                    if usize::from(w) == b {
                        idx[m] = i as u16;
                        m += 1;
                    }
                }
                if m == 0 {
                    continue;
                }
                let t = &mut tmp[..m];
                t.fill(0.0);
                eval_add(branch, rngs, off, rest, t);
                for (&i, v) in idx[..m].iter().zip(t.iter()) {
                    out[usize::from(i)] += *v;
                }
            }
        }
        Node::Repeat { n, per_rep, child } => {
            for r in 0..*n as usize {
                eval_add(child, rngs, off + r * per_rep, scratch, out);
            }
        }
    }
}

fn run_chunk(paths: &[CompiledPath], seed: u64, chunk: u64, samples: u64, acc: &mut Acc) {
    for (st, path) in acc.paths.iter_mut().zip(paths) {
        st.eval.seed(path, seed, chunk);
        st.chunk_hist.clear();
    }
    let mut per_path = vec![PathChunkStat::default(); paths.len()];
    let mut done = 0u64;
    while done < samples {
        let b = (samples - done).min(BLOCK as u64) as usize;
        for ((st, path), ps) in acc.paths.iter_mut().zip(paths).zip(per_path.iter_mut()) {
            st.eval.eval_block(path, b);
            let out = &st.eval.out[..b];
            ps.sum_us += block_sum(out);
            st.chunk_hist.record_all_us(out);
        }
        if let Some((base, others)) = acc.paths.split_first() {
            let base = &base.eval.out[..b];
            for (st, ps) in others.iter().zip(per_path.iter_mut().skip(1)) {
                for (&x, &y) in st.eval.out[..b].iter().zip(base) {
                    let d = x - y;
                    ps.delta_sum_us += d;
                    ps.slower += u64::from(d > 0.0);
                    ps.faster += u64::from(d < 0.0);
                }
            }
        }
        done += b as u64;
    }
    for (st, ps) in acc.paths.iter_mut().zip(per_path.iter_mut()) {
        st.total.merge(&st.chunk_hist);
        ps.p99_us = st.chunk_hist.quantile_us(0.99).unwrap_or(0.0);
    }
    acc.stats.push(ChunkStat {
        index: chunk,
        samples,
        per_path,
    });
}

/// Sum of a block with four interleaved accumulators (breaks the serial add chain; the order is
/// fixed, so the result is deterministic): `((a0 + a1) + (a2 + a3)) + tail`, where `a_j` sums the
/// elements at positions ≡ j (mod 4) of the largest multiple-of-4 prefix.
#[inline]
pub fn block_sum(v: &[f64]) -> f64 {
    let mut a = [0.0f64; 4];
    let mut it = v.chunks_exact(4);
    for c in &mut it {
        a[0] += c[0];
        a[1] += c[1];
        a[2] += c[2];
        a[3] += c[3];
    }
    let tail: f64 = it.remainder().iter().sum();
    ((a[0] + a[1]) + (a[2] + a[3])) + tail
}

fn check_config(cfg: &SimConfig) -> Result<(), LatencyError> {
    if cfg.samples == 0 {
        return Err(LatencyError::model("samples must be >= 1"));
    }
    if !(cfg.confidence > 0.0 && cfg.confidence < 1.0) {
        return Err(LatencyError::model(format!(
            "confidence must be in (0, 1) (got {})",
            cfg.confidence
        )));
    }
    Ok(())
}

/// Runs `cfg.samples` requests through every path with common random numbers (parallel over
/// chunks with the current rayon pool) and reports each path plus paired differences against the
/// first path. Each path's result is bit-identical to [`simulate`] on that path alone.
pub fn compare_options(
    paths: &[CompiledPath],
    cfg: &SimConfig,
) -> Result<Comparison, LatencyError> {
    compare_counted(paths, cfg, Share::NONE)
}

/// [`compare_options`], handing `share` out as the requests are simulated.
pub(crate) fn compare_counted(
    paths: &[CompiledPath],
    cfg: &SimConfig,
    share: Share<'_>,
) -> Result<Comparison, LatencyError> {
    check_config(cfg)?;
    if paths.is_empty() {
        return Err(LatencyError::model("no paths to simulate"));
    }
    let counter = share.counter(cfg.samples);
    let chunks = cfg.samples.div_ceil(CHUNK_SAMPLES);
    let acc = (0..chunks)
        .into_par_iter()
        .fold(
            || Acc::new(paths),
            |mut acc, c| {
                let n = (cfg.samples - c * CHUNK_SAMPLES).min(CHUNK_SAMPLES);
                run_chunk(paths, cfg.seed, c, n, &mut acc);
                counter.advance(n);
                acc
            },
        )
        .reduce_with(Acc::merge)
        .ok_or_else(|| LatencyError::model("no chunks were simulated"))?;
    let mut stats = acc.stats;
    stats.sort_by_key(|s| s.index);
    let nf = cfg.samples as f64;
    let mut results = Vec::with_capacity(paths.len());
    let mut deltas = Vec::new();
    for (k, (path, st)) in paths.iter().zip(acc.paths).enumerate() {
        let col = || stats.iter().map(move |s| (s, s.per_path[k]));
        // Deterministic sums: chunk values added in chunk order.
        let sum_us: f64 = col().map(|(_, p)| p.sum_us).sum();
        let h = st.total;
        let q = |x: f64| h.quantile_us(x).unwrap_or(0.0) / 1000.0;
        let p99_ms = q(0.99);
        let full_p99: Vec<f64> = col()
            .filter(|(s, _)| s.samples == CHUNK_SAMPLES)
            .map(|(_, p)| p.p99_us / 1000.0)
            .collect();
        results.push(SimResult {
            name: path.name.clone(),
            p50_ms: q(0.5),
            p90_ms: q(0.9),
            p99_ms,
            p999_ms: q(0.999),
            mean_ms: sum_us / nf / 1000.0,
            p99_ci_ms: t_interval(&full_p99, p99_ms, cfg.confidence),
            confidence: cfg.confidence,
            samples: cfg.samples,
            seed: cfg.seed,
            rng: RNG_NAME.to_owned(),
            chunk_samples: CHUNK_SAMPLES,
            chunks,
            histogram: h,
        });
        if k > 0 {
            let mean_delta_ms = col().map(|(_, p)| p.delta_sum_us).sum::<f64>() / nf / 1000.0;
            let full_means: Vec<f64> = col()
                .filter(|(s, _)| s.samples == CHUNK_SAMPLES)
                .map(|(s, p)| p.delta_sum_us / s.samples as f64 / 1000.0)
                .collect();
            deltas.push(OptionDelta {
                name: path.name.clone(),
                baseline: paths[0].name.clone(),
                mean_delta_ms,
                mean_delta_ci_ms: t_interval(&full_means, mean_delta_ms, cfg.confidence),
                p_slower: col().map(|(_, p)| p.slower).sum::<u64>() as f64 / nf,
                p_faster: col().map(|(_, p)| p.faster).sum::<u64>() as f64 / nf,
            });
        }
    }
    Ok(Comparison { results, deltas })
}

/// Runs `cfg.samples` requests through `path` (parallel over chunks with the current rayon pool).
pub fn simulate(path: &CompiledPath, cfg: &SimConfig) -> Result<SimResult, LatencyError> {
    compare_options(std::slice::from_ref(path), cfg)?
        .results
        .pop()
        .ok_or_else(|| LatencyError::model("no result"))
}

/// Batch-means interval `center ± t(1/2 + confidence/2, k−1) · sd(batches) / √k`.
fn t_interval(batches: &[f64], center: f64, confidence: f64) -> Option<(f64, f64)> {
    let k = batches.len();
    if k < 2 {
        return None;
    }
    let kf = k as f64;
    let mean = batches.iter().sum::<f64>() / kf;
    let var = batches.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (kf - 1.0);
    let t = StudentsT::new(0.0, 1.0, kf - 1.0)
        .ok()?
        .inverse_cdf(0.5 + confidence / 2.0);
    let half = t * var.sqrt() / kf.sqrt();
    Some((center - half, center + half))
}

/// Simulates several options with the same seed: common random numbers (see module docs), so
/// differences between options are not blurred by independent noise. Same as
/// [`compare_options`]`(..).results`.
pub fn simulate_options(
    paths: &[CompiledPath],
    cfg: &SimConfig,
) -> Result<Vec<SimResult>, LatencyError> {
    Ok(compare_options(paths, cfg)?.results)
}

/// Evaluates the first `n` samples of chunk `chunk` exactly as [`simulate`] does and returns them
/// (µs). For tests and diagnostics (allocates `n` values); `n ≤` [`CHUNK_SAMPLES`].
pub fn chunk_samples_us(
    path: &CompiledPath,
    seed: u64,
    chunk: u64,
    n: usize,
) -> Result<Vec<f64>, LatencyError> {
    if n as u64 > CHUNK_SAMPLES {
        return Err(LatencyError::model(format!(
            "at most {CHUNK_SAMPLES} samples per chunk (asked {n})"
        )));
    }
    let mut v = Vec::with_capacity(n);
    Evaluator::new(path).sample_chunk(path, seed, chunk, n, &mut v);
    Ok(v)
}
