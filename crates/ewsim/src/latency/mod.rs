//! Latency engine core: per-hop distributions as data, a seeded Monte Carlo engine with common
//! random numbers across options, and HDR-style percentiles.
//!
//! * [`dist`]: distribution specs (serde, validated), lognormal fitting, compiled samplers.
//! * [`catalogue`]: the embedded EKS per-hop defaults (`latency/eks-defaults.yaml`) with overrides.
//! * [`queue`]: M/G/c proxy queueing term (Erlang C × Allen–Cunneen) with saturation flags.
//! * [`engine`]: path models (`Seq`, `Par`, `Repeat`, `Maybe`), chunked seeded simulation.
//! * [`hist`]: mergeable log-linear histogram (3 significant digits).
//! * [`mod@mixture`]: distinct path shapes simulated once each, combined by weight into percentiles.
//! * [`normal`]: batched ziggurat standard-normal generator used by the lognormal samplers.
//! * `seed`: the seeding scheme of every random stream (SplitMix64 mixing, FNV-1a keys).
//!
//! All latencies are microseconds (µs, `f64`) internally; results are reported in milliseconds.
//!
//! ```
//! use ewsim::latency::{Catalogue, PathModel, SimConfig, Step, simulate};
//! let cat = Catalogue::eks_defaults()?;
//! let path = PathModel::new(
//!     "same-az",
//!     Step::seq(vec![cat.hop_labeled("net.same_az", "net")?, cat.hop("mesh.istio_sidecar_pair")?]),
//! )
//! .compile()?;
//! let r = simulate(&path, &SimConfig::new(100_000, 42))?;
//! assert!(r.p50_ms < r.p99_ms);
//! # Ok::<(), ewsim::latency::LatencyError>(())
//! ```

pub mod catalogue;
pub mod dist;
pub mod engine;
pub mod error;
pub mod hist;
pub mod mixture;
pub mod normal;
pub mod queue;
pub(crate) mod seed;

pub use catalogue::{
    AppliesPer, Catalogue, Confidence, HandshakeSpec, HopEntry, HopOverride, LoadSpec, ServicesRow,
};
pub use dist::{
    DistSpec, LognormalFit, MixtureComponent, Sampler, fit_lognormal_from_p50_p99,
    fit_lognormal_from_quantiles, fit_shifted_lognormal_from_p50_p99, standard_normal_quantile,
};
pub use engine::{
    CHUNK_SAMPLES, Comparison, CompiledPath, Hop, OptionDelta, PathModel, RNG_NAME, SimConfig,
    SimResult, Step, chunk_samples_us, compare_options, simulate, simulate_options,
};
pub use error::LatencyError;
pub use hist::LatencyHistogram;
pub use mixture::{MixtureResult, ShapeSamples, allocate, mixture, simulate_shapes};
pub use queue::{QueueOutcome, QueueParams, erlang_c};
