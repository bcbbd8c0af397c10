//! Latency distributions: serde specs with validation, lognormal fitting, and fast compiled samplers.
//!
//! All values are **microseconds** (µs). A [`DistSpec`] is the data form (YAML/JSON, tagged by
//! `family`); [`DistSpec::compile`] validates it and turns it into a [`Sampler`], a plain enum whose
//! sampling methods do no allocation and no dynamic dispatch.
//!
//! Families (YAML `family:` tag):
//!
//! | family | fields | value |
//! |---|---|---|
//! | `constant` | `value` | `value` |
//! | `lognormal` | `mu`, `sigma` | `exp(N(mu, sigma))` |
//! | `shifted_lognormal` | `shift`, `mu`, `sigma` | `shift + exp(N(mu, sigma))` |
//! | `lognormal_quantiles` | `p50`, `p99`, `shift` (default 0) | shifted lognormal fitted to the two quantiles |
//! | `gamma` | `shape`, `scale`, `shift` (default 0) | `shift + Gamma(shape, scale)` |
//! | `uniform` | `min`, `max` | `U(min, max)` |
//! | `exponential` | `mean`, `shift` (default 0) | `shift + Exp(mean)` |
//! | `empirical` | `values` | inverse CDF of the sorted values, linear interpolation |
//! | `percentile_table` | `points: [[percent, value], ...]` | inverse CDF through the points, linear interpolation, clamped outside the first/last percent |
//! | `mixture` | `components: [{weight, dist}]` | one component chosen by weight (weights sum to 1 ± 1e-9) |
//! | `rare_event` | `p`, `delay`, `base` (optional) | `base + (delay with probability p, else 0)` |
//! | `sum` | `parts` | sum of independent draws of every part |
//! | `ref` | `name` | another catalogue entry (resolved by [`crate::latency::Catalogue`]) |
//!
//! Every family is non-negative after validation, which the engine relies on (adding a hop can never
//! shorten a request).

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1, StandardNormal};
use serde::{Deserialize, Serialize};

use super::error::LatencyError;
use super::normal::fill_standard_normal;

/// Tolerance on mixture weights summing to one.
pub const WEIGHT_SUM_TOLERANCE: f64 = 1e-9;

/// Maximum nesting depth of a distribution spec (guards against runaway `ref` cycles).
pub const MAX_SPEC_DEPTH: usize = 32;

/// A latency distribution in data form (µs). Deserialise it from YAML/JSON with a `family` tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "snake_case", deny_unknown_fields)]
pub enum DistSpec {
    /// Always the same value.
    Constant {
        /// The value (µs, ≥ 0).
        value: f64,
    },
    /// `exp(N(mu, sigma))`.
    Lognormal {
        /// Mean of the underlying normal (ln µs).
        mu: f64,
        /// Standard deviation of the underlying normal (> 0).
        sigma: f64,
    },
    /// `shift + exp(N(mu, sigma))`.
    ShiftedLognormal {
        /// Hard floor (µs, ≥ 0).
        shift: f64,
        /// Mean of the underlying normal (ln µs).
        mu: f64,
        /// Standard deviation of the underlying normal (> 0).
        sigma: f64,
    },
    /// Shifted lognormal fitted at compile time to a median and a 99th percentile.
    LognormalQuantiles {
        /// Median (µs, > shift).
        p50: f64,
        /// 99th percentile (µs, > p50).
        p99: f64,
        /// Hard floor (µs, default 0).
        #[serde(default)]
        shift: f64,
    },
    /// `shift + Gamma(shape, scale)`.
    Gamma {
        /// Shape k (> 0).
        shape: f64,
        /// Scale θ (µs, > 0); mean = k·θ.
        scale: f64,
        /// Hard floor (µs, default 0).
        #[serde(default)]
        shift: f64,
    },
    /// Uniform on `[min, max)`.
    Uniform {
        /// Lower bound (µs, ≥ 0).
        min: f64,
        /// Upper bound (µs, ≥ min).
        max: f64,
    },
    /// `shift + Exponential(mean)`.
    Exponential {
        /// Mean above the shift (µs, ≥ 0).
        mean: f64,
        /// Hard floor (µs, default 0).
        #[serde(default)]
        shift: f64,
    },
    /// Empirical distribution of observed values, sampled by inverse CDF with linear interpolation
    /// between order statistics (value `i` of `n` sorted values sits at probability `i/(n-1)`).
    Empirical {
        /// Observed values (µs, ≥ 0, at least one).
        values: Vec<f64>,
    },
    /// Percentile table `[[percent, value], ...]`, sampled by inverse CDF with linear interpolation.
    /// Probabilities below the first / above the last percent return the first / last value, so add
    /// `[0, min]` and `[100, max]` rows to avoid truncating the body or the tail.
    PercentileTable {
        /// `(percent in [0, 100], value µs)`, strictly increasing percent, non-decreasing values.
        points: Vec<(f64, f64)>,
    },
    /// One component drawn by weight.
    Mixture {
        /// Components; weights must sum to 1 within [`WEIGHT_SUM_TOLERANCE`].
        components: Vec<MixtureComponent>,
    },
    /// A rare event: `base` (or 0) plus, with probability `p`, a draw of `delay`
    /// (e.g. lost SYN → +1 s RTO).
    RareEvent {
        /// Probability the event happens (in [0, 1]).
        p: f64,
        /// Extra latency when it happens.
        delay: Box<DistSpec>,
        /// Latency that is always there (optional; 0 when absent).
        #[serde(default)]
        base: Option<Box<DistSpec>>,
    },
    /// Sum of independent draws of every part.
    Sum {
        /// The parts (at least one).
        parts: Vec<DistSpec>,
    },
    /// Another catalogue entry by name; resolved by the catalogue, cannot be compiled on its own.
    Ref {
        /// Catalogue entry name.
        name: String,
    },
}

/// One weighted component of a [`DistSpec::Mixture`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MixtureComponent {
    /// Probability of this component (≥ 0).
    pub weight: f64,
    /// The component's distribution.
    pub dist: DistSpec,
}

fn finite(at: &str, field: &str, v: f64) -> Result<(), LatencyError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(LatencyError::spec(
            format!("{at}.{field}"),
            format!("must be a finite number (got {v})"),
        ))
    }
}

fn non_negative(at: &str, field: &str, v: f64) -> Result<(), LatencyError> {
    finite(at, field, v)?;
    if v >= 0.0 {
        Ok(())
    } else {
        Err(LatencyError::spec(
            format!("{at}.{field}"),
            format!("must be >= 0 (got {v})"),
        ))
    }
}

fn positive(at: &str, field: &str, v: f64) -> Result<(), LatencyError> {
    finite(at, field, v)?;
    if v > 0.0 {
        Ok(())
    } else {
        Err(LatencyError::spec(
            format!("{at}.{field}"),
            format!("must be > 0 (got {v})"),
        ))
    }
}

fn probability(at: &str, field: &str, v: f64) -> Result<(), LatencyError> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(LatencyError::spec(
            format!("{at}.{field}"),
            format!("must be a probability in [0, 1] (got {v})"),
        ))
    }
}

impl DistSpec {
    /// Parses a spec from YAML (or JSON, a YAML subset) and validates it, e.g.
    /// `{family: lognormal_quantiles, p50: 200, p99: 900, shift: 50}`.
    pub fn from_yaml_str(yaml: &str) -> Result<Self, LatencyError> {
        let d: Self = crate::yaml::from_str(yaml).map_err(|e| LatencyError::Parse {
            what: "latency distribution".to_owned(),
            message: e.to_string(),
        })?;
        d.validate("dist")?;
        Ok(d)
    }

    /// Checks every parameter (recursively). `at` names the spec in error messages.
    ///
    /// `ref` entries are accepted here (their target is checked by the catalogue).
    pub fn validate(&self, at: &str) -> Result<(), LatencyError> {
        self.validate_depth(at, 0)
    }

    fn validate_depth(&self, at: &str, depth: usize) -> Result<(), LatencyError> {
        if depth > MAX_SPEC_DEPTH {
            return Err(LatencyError::spec(
                at,
                format!("nested deeper than {MAX_SPEC_DEPTH} levels"),
            ));
        }
        match self {
            Self::Constant { value } => non_negative(at, "value", *value),
            Self::Lognormal { mu, sigma } => {
                finite(at, "mu", *mu)?;
                positive(at, "sigma", *sigma)
            }
            Self::ShiftedLognormal { shift, mu, sigma } => {
                non_negative(at, "shift", *shift)?;
                finite(at, "mu", *mu)?;
                positive(at, "sigma", *sigma)
            }
            Self::LognormalQuantiles { p50, p99, shift } => {
                fit_lognormal_from_quantiles(0.5, *p50, 0.99, *p99, *shift)
                    .map(|_| ())
                    .map_err(|e| match e {
                        LatencyError::InvalidSpec { reason, .. } => LatencyError::spec(at, reason),
                        other => other,
                    })
            }
            Self::Gamma {
                shape,
                scale,
                shift,
            } => {
                positive(at, "shape", *shape)?;
                positive(at, "scale", *scale)?;
                non_negative(at, "shift", *shift)
            }
            Self::Uniform { min, max } => {
                non_negative(at, "min", *min)?;
                finite(at, "max", *max)?;
                if max < min {
                    return Err(LatencyError::spec(
                        format!("{at}.max"),
                        format!("must be >= min (got min {min}, max {max})"),
                    ));
                }
                Ok(())
            }
            Self::Exponential { mean, shift } => {
                non_negative(at, "mean", *mean)?;
                non_negative(at, "shift", *shift)
            }
            Self::Empirical { values } => {
                if values.is_empty() {
                    return Err(LatencyError::spec(
                        format!("{at}.values"),
                        "needs at least one value",
                    ));
                }
                for (i, v) in values.iter().enumerate() {
                    non_negative(at, &format!("values[{i}]"), *v)?;
                }
                Ok(())
            }
            Self::PercentileTable { points } => {
                if points.len() < 2 {
                    return Err(LatencyError::spec(
                        format!("{at}.points"),
                        format!(
                            "needs at least two [percent, value] rows (got {})",
                            points.len()
                        ),
                    ));
                }
                for (i, (pct, v)) in points.iter().enumerate() {
                    let f = format!("points[{i}]");
                    finite(at, &f, *pct)?;
                    if !(0.0..=100.0).contains(pct) {
                        return Err(LatencyError::spec(
                            format!("{at}.{f}"),
                            format!("percent must be in [0, 100] (got {pct})"),
                        ));
                    }
                    non_negative(at, &f, *v)?;
                    if i > 0 {
                        let (ppct, pv) = points[i - 1];
                        if *pct <= ppct {
                            return Err(LatencyError::spec(
                                format!("{at}.{f}"),
                                format!("percents must be strictly increasing ({ppct} then {pct})"),
                            ));
                        }
                        if *v < pv {
                            return Err(LatencyError::spec(
                                format!("{at}.{f}"),
                                format!("values must be non-decreasing ({pv} then {v})"),
                            ));
                        }
                    }
                }
                Ok(())
            }
            Self::Mixture { components } => {
                if components.is_empty() {
                    return Err(LatencyError::spec(
                        format!("{at}.components"),
                        "needs at least one component",
                    ));
                }
                let mut sum = 0.0;
                for (i, c) in components.iter().enumerate() {
                    let cat = format!("{at}.components[{i}]");
                    non_negative(&cat, "weight", c.weight)?;
                    sum += c.weight;
                    c.dist.validate_depth(&format!("{cat}.dist"), depth + 1)?;
                }
                if (sum - 1.0).abs() > WEIGHT_SUM_TOLERANCE {
                    return Err(LatencyError::spec(
                        format!("{at}.components"),
                        format!(
                            "weights must sum to 1 within {WEIGHT_SUM_TOLERANCE:e} (sum is {sum})"
                        ),
                    ));
                }
                Ok(())
            }
            Self::RareEvent { p, delay, base } => {
                probability(at, "p", *p)?;
                delay.validate_depth(&format!("{at}.delay"), depth + 1)?;
                if let Some(b) = base {
                    b.validate_depth(&format!("{at}.base"), depth + 1)?;
                }
                Ok(())
            }
            Self::Sum { parts } => {
                if parts.is_empty() {
                    return Err(LatencyError::spec(
                        format!("{at}.parts"),
                        "needs at least one part",
                    ));
                }
                for (i, p) in parts.iter().enumerate() {
                    p.validate_depth(&format!("{at}.parts[{i}]"), depth + 1)?;
                }
                Ok(())
            }
            Self::Ref { name } => {
                if name.is_empty() {
                    Err(LatencyError::spec(
                        format!("{at}.name"),
                        "must not be empty",
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Validates and compiles into a fast [`Sampler`]. Fails on `ref` (resolve it through the
    /// catalogue first).
    pub fn compile(&self) -> Result<Sampler, LatencyError> {
        self.validate("dist")?;
        self.compile_unchecked()
    }

    fn compile_unchecked(&self) -> Result<Sampler, LatencyError> {
        Ok(match self {
            Self::Constant { value } => Sampler::Constant(*value),
            Self::Lognormal { mu, sigma } => Sampler::LogNormal {
                shift: 0.0,
                mu: *mu,
                sigma: *sigma,
            },
            Self::ShiftedLognormal { shift, mu, sigma } => Sampler::LogNormal {
                shift: *shift,
                mu: *mu,
                sigma: *sigma,
            },
            Self::LognormalQuantiles { p50, p99, shift } => {
                let f = fit_lognormal_from_quantiles(0.5, *p50, 0.99, *p99, *shift)?;
                Sampler::LogNormal {
                    shift: f.shift,
                    mu: f.mu,
                    sigma: f.sigma,
                }
            }
            Self::Gamma {
                shape,
                scale,
                shift,
            } => Sampler::Gamma {
                shift: *shift,
                dist: rand_distr::Gamma::new(*shape, *scale).map_err(|e| {
                    LatencyError::spec("gamma", format!("rand_distr rejected parameters: {e}"))
                })?,
            },
            Self::Uniform { min, max } => Sampler::Uniform {
                min: *min,
                width: max - min,
            },
            Self::Exponential { mean, shift } => Sampler::Exponential {
                shift: *shift,
                mean: *mean,
            },
            Self::Empirical { values } => {
                let mut v = values.clone();
                v.sort_by(f64::total_cmp);
                let n = v.len();
                if n == 1 {
                    Sampler::Constant(v[0])
                } else {
                    let probs = (0..n).map(|i| i as f64 / (n - 1) as f64).collect();
                    Sampler::Table { probs, values: v }
                }
            }
            Self::PercentileTable { points } => Sampler::Table {
                probs: points.iter().map(|(p, _)| p / 100.0).collect(),
                values: points.iter().map(|(_, v)| *v).collect(),
            },
            Self::Mixture { components } => {
                let mut acc = 0.0;
                let mut cum = Vec::with_capacity(components.len());
                let mut comps = Vec::with_capacity(components.len());
                for c in components {
                    acc += c.weight;
                    cum.push(acc);
                    comps.push(c.dist.compile_unchecked()?);
                }
                // Guard against rounding: the last threshold catches every u < 1.
                if let Some(last) = cum.last_mut() {
                    *last = f64::INFINITY;
                }
                Sampler::Mixture { cum, comps }
            }
            Self::RareEvent { p, delay, base } => Sampler::RareEvent {
                p: *p,
                delay: Box::new(delay.compile_unchecked()?),
                base: match base {
                    Some(b) => Some(Box::new(b.compile_unchecked()?)),
                    None => None,
                },
            },
            Self::Sum { parts } => Sampler::Sum(
                parts
                    .iter()
                    .map(DistSpec::compile_unchecked)
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Self::Ref { name } => {
                return Err(LatencyError::spec(
                    "dist",
                    format!("unresolved ref '{name}': resolve it through the latency catalogue"),
                ));
            }
        })
    }

    /// True when the spec (recursively) contains a `ref`.
    pub fn has_refs(&self) -> bool {
        match self {
            Self::Ref { .. } => true,
            Self::Mixture { components } => components.iter().any(|c| c.dist.has_refs()),
            Self::RareEvent { delay, base, .. } => {
                delay.has_refs() || base.as_ref().is_some_and(|b| b.has_refs())
            }
            Self::Sum { parts } => parts.iter().any(DistSpec::has_refs),
            _ => false,
        }
    }
}

/// Compiled sampler: an enum (static dispatch), no allocation when sampling.
#[derive(Debug, Clone)]
pub enum Sampler {
    /// Constant value.
    Constant(f64),
    /// `shift + exp(mu + sigma·Z)`, Z standard normal (ziggurat, `rand_distr::StandardNormal`).
    LogNormal {
        /// Floor (µs).
        shift: f64,
        /// Log-scale location.
        mu: f64,
        /// Log-scale spread.
        sigma: f64,
    },
    /// `shift + Gamma`.
    Gamma {
        /// Floor (µs).
        shift: f64,
        /// The gamma distribution.
        dist: rand_distr::Gamma<f64>,
    },
    /// `min + width·U`.
    Uniform {
        /// Lower bound (µs).
        min: f64,
        /// `max − min`.
        width: f64,
    },
    /// `shift + mean·Exp(1)`.
    Exponential {
        /// Floor (µs).
        shift: f64,
        /// Mean above the floor (µs).
        mean: f64,
    },
    /// Inverse-CDF table with linear interpolation between `(probs[i], values[i])`.
    Table {
        /// Ascending probabilities in [0, 1].
        probs: Vec<f64>,
        /// Non-decreasing values (µs).
        values: Vec<f64>,
    },
    /// Mixture chosen by one uniform draw against cumulative weights.
    Mixture {
        /// Cumulative weights (last one is +∞).
        cum: Vec<f64>,
        /// Components.
        comps: Vec<Sampler>,
    },
    /// `base + (delay with probability p)`; `delay` is drawn only when the event happens.
    RareEvent {
        /// Probability of the event.
        p: f64,
        /// Extra latency when it happens.
        delay: Box<Sampler>,
        /// Always-present part.
        base: Option<Box<Sampler>>,
    },
    /// Sum of parts.
    Sum(Vec<Sampler>),
}

/// Fast `exp(x)` used by the lognormal samplers: branch-free, inlinable and auto-vectorisable.
///
/// Cody–Waite range reduction `x = k·ln2 + r`, `|r| ≤ ln2/2` (k rounded with the 1.5·2^52 trick,
/// `ln2` split in a high and a low part), a degree-8 near-minimax polynomial for `exp(r)` (relative
/// error 7.9e-13) evaluated with Estrin's scheme, and `2^k` built from the exponent bits. The input
/// is clamped to [-708, 709] (results stay normal and finite). Relative error versus `f64::exp` is
/// below 1e-11 over [-700, 700] (tested), far below the histogram's 5e-4 resolution; it is several
/// times faster than glibc's `exp` here because it avoids the call and the register spills around
/// it, and vectorises with SSE2.
#[inline(always)]
pub fn exp_fast(x: f64) -> f64 {
    const INV_LN2: f64 = std::f64::consts::LOG2_E;
    const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000); // fdlibm ln2_hi
    const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76); // fdlibm ln2_lo
    const SHIFTER: f64 = 6_755_399_441_055_744.0; // 1.5 · 2^52
    let x = x.clamp(-708.0, 709.0);
    let kd = x * INV_LN2 + SHIFTER;
    let kbits = kd.to_bits();
    let k = kd - SHIFTER;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Degree-8 polynomial fitted to exp on [-ln2/2, ln2/2] (Chebyshev-node least squares on the
    // relative error, near-minimax: max relative error 7.9e-13), evaluated with Estrin's scheme.
    const C: [f64; 9] = [
        0.999_999_999_999_749_8,
        0.999_999_999_980_721,
        0.500_000_000_065_253_6,
        0.166_666_668_848_272_91,
        0.041_666_664_074_270_617,
        0.008_333_267_134_308_115,
        0.001_388_919_835_440_169_5,
        0.000_199_153_734_801_074_3,
        2.471_892_247_119_74e-5,
    ];
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let p01 = C[0] + r * C[1];
    let p23 = C[2] + r * C[3];
    let p45 = C[4] + r * C[5];
    let p67 = C[6] + r * C[7];
    let p03 = p01 + r2 * p23;
    let p47 = p45 + r2 * p67;
    let p = p03 + r4 * p47 + r8 * C[8];
    // The low bits of kd hold k + 2^51 (two's complement of k in the low 52 bits after the shifter);
    // adding the bias and shifting into the exponent field gives 2^k.
    let two_k = f64::from_bits(kbits.wrapping_add(1023).wrapping_shl(52));
    p * two_k
}

#[inline]
fn table_inverse_cdf(probs: &[f64], values: &[f64], u: f64) -> f64 {
    // Index of the first probability strictly greater than u.
    let k = probs.partition_point(|&p| p <= u);
    if k == 0 {
        return values.first().copied().unwrap_or(0.0);
    }
    if k >= probs.len() {
        return values.last().copied().unwrap_or(0.0);
    }
    let (p0, p1) = (probs[k - 1], probs[k]);
    let (v0, v1) = (values[k - 1], values[k]);
    v0 + (v1 - v0) * (u - p0) / (p1 - p0)
}

impl Sampler {
    /// Draws one value (µs).
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Self::Constant(v) => *v,
            Self::LogNormal { shift, mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                shift + exp_fast(mu + sigma * z)
            }
            Self::Gamma { shift, dist } => shift + dist.sample(rng),
            Self::Uniform { min, width } => min + width * rng.random::<f64>(),
            Self::Exponential { shift, mean } => {
                let e: f64 = Exp1.sample(rng);
                shift + mean * e
            }
            Self::Table { probs, values } => table_inverse_cdf(probs, values, rng.random::<f64>()),
            Self::Mixture { cum, comps } => {
                let u: f64 = rng.random();
                let k = cum
                    .partition_point(|&c| c <= u)
                    .min(comps.len().saturating_sub(1));
                comps.get(k).map_or(0.0, |c| c.sample(rng))
            }
            Self::RareEvent { p, delay, base } => {
                let hit = rng.random::<f64>() < *p;
                let b = base.as_ref().map_or(0.0, |b| b.sample(rng));
                if hit { b + delay.sample(rng) } else { b }
            }
            Self::Sum(parts) => parts.iter().map(|s| s.sample(rng)).sum(),
        }
    }

    /// Adds one draw to every element of `out` (one `match`, then a tight loop). `aux` is an
    /// auxiliary stream used by the batched normal generator for its rare rejections (see
    /// [`crate::latency::normal`]); value `k` does not depend on how `out` is split into calls.
    #[inline]
    pub fn fill_add<R: Rng + ?Sized>(&self, rng: &mut R, aux: &mut R, out: &mut [f64]) {
        match self {
            Self::Constant(v) => out.iter_mut().for_each(|o| *o += v),
            Self::LogNormal { shift, mu, sigma } => {
                // Two passes per 256 values: draw the normals (batched ziggurat), then a straight
                // vectorisable loop for the exponential.
                let (shift, mu, sigma) = (*shift, *mu, *sigma);
                let mut z = [0.0f64; 256];
                for part in out.chunks_mut(256) {
                    let z = &mut z[..part.len()];
                    fill_standard_normal(rng, aux, z);
                    for (o, zi) in part.iter_mut().zip(z.iter()) {
                        *o += shift + exp_fast(mu + sigma * zi);
                    }
                }
            }
            Self::Uniform { min, width } => {
                for o in out.iter_mut() {
                    *o += min + width * rng.random::<f64>();
                }
            }
            _ => {
                for o in out.iter_mut() {
                    *o += self.sample(rng);
                }
            }
        }
    }

    /// Median estimate for display: exact for lognormal/constant/uniform/tables, `None` otherwise.
    pub fn median_hint(&self) -> Option<f64> {
        match self {
            Self::Constant(v) => Some(*v),
            Self::LogNormal { shift, mu, .. } => Some(shift + mu.exp()),
            Self::Uniform { min, width } => Some(min + width / 2.0),
            Self::Table { probs, values } => Some(table_inverse_cdf(probs, values, 0.5)),
            _ => None,
        }
    }
}

/// Standard normal quantile `z_q` (inverse CDF) via statrs' `erfc_inv`; `q` must be in (0, 1).
pub fn standard_normal_quantile(q: f64) -> Result<f64, LatencyError> {
    if !(q > 0.0 && q < 1.0) {
        return Err(LatencyError::spec(
            "quantile",
            format!("must be strictly between 0 and 1 (got {q})"),
        ));
    }
    Ok(-std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * q))
}

/// Parameters of a (shifted) lognormal `shift + exp(N(mu, sigma))` in µs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LognormalFit {
    /// Log-scale location.
    pub mu: f64,
    /// Log-scale spread (> 0).
    pub sigma: f64,
    /// Floor (µs).
    pub shift: f64,
}

impl LognormalFit {
    /// Quantile `q ∈ (0, 1)` in µs: `shift + exp(mu + z_q·sigma)`.
    pub fn quantile(&self, q: f64) -> Result<f64, LatencyError> {
        Ok(self.shift + (self.mu + standard_normal_quantile(q)? * self.sigma).exp())
    }

    /// Mean in µs: `shift + exp(mu + sigma²/2)`.
    pub fn mean(&self) -> f64 {
        self.shift + (self.mu + self.sigma * self.sigma / 2.0).exp()
    }

    /// The fit as a [`DistSpec::ShiftedLognormal`].
    pub fn to_spec(&self) -> DistSpec {
        DistSpec::ShiftedLognormal {
            shift: self.shift,
            mu: self.mu,
            sigma: self.sigma,
        }
    }
}

/// Fits `shift + exp(N(mu, sigma))` through two quantiles `(q1, x1)`, `(q2, x2)` with `q1 < q2`,
/// `shift < x1 < x2` (reference §2.3: `sigma = ln((x2−s)/(x1−s)) / (z2 − z1)`, `mu = ln(x1−s) − z1·sigma`).
pub fn fit_lognormal_from_quantiles(
    q1: f64,
    x1: f64,
    q2: f64,
    x2: f64,
    shift: f64,
) -> Result<LognormalFit, LatencyError> {
    let at = "lognormal fit";
    non_negative(at, "shift", shift)?;
    finite(at, "x1", x1)?;
    finite(at, "x2", x2)?;
    if q1 >= q2 {
        return Err(LatencyError::spec(
            at,
            format!("quantile levels must increase (got {q1} then {q2})"),
        ));
    }
    if x1 <= shift || x2 <= x1 {
        return Err(LatencyError::spec(
            at,
            format!("need shift < lower quantile < upper quantile (got shift {shift}, {x1}, {x2})"),
        ));
    }
    let z1 = standard_normal_quantile(q1)?;
    let z2 = standard_normal_quantile(q2)?;
    let sigma = ((x2 - shift) / (x1 - shift)).ln() / (z2 - z1);
    let mu = (x1 - shift).ln() - z1 * sigma;
    Ok(LognormalFit { mu, sigma, shift })
}

/// Fits `exp(N(mu, sigma))` to a median and 99th percentile (µs): `mu = ln p50`,
/// `sigma = ln(p99/p50) / z99`.
pub fn fit_lognormal_from_p50_p99(p50: f64, p99: f64) -> Result<LognormalFit, LatencyError> {
    fit_lognormal_from_quantiles(0.5, p50, 0.99, p99, 0.0)
}

/// Fits `shift + exp(N(mu, sigma))` to a median and 99th percentile (µs) with a given floor.
pub fn fit_shifted_lognormal_from_p50_p99(
    p50: f64,
    p99: f64,
    shift: f64,
) -> Result<LognormalFit, LatencyError> {
    fit_lognormal_from_quantiles(0.5, p50, 0.99, p99, shift)
}
