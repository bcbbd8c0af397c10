//! Proxy queueing term (reference `latency.md` §3.2): M/G/c per proxy instance, analytic mode.
//!
//! * Service time per request `s` = published CPU cost per request
//!   (vCPU per 1000 rps ÷ 1000 rps, e.g. Istio 1.24 sidecar 0.20 vCPU → 200 µs), `c` workers.
//! * Offered load `a = λ·s` (Erlangs), utilisation `ρ = a / c`.
//! * Erlang C (M/M/c probability of waiting), computed through the stable Erlang B recursion
//!   `B₀ = 1, B_k = a·B_{k−1} / (k + a·B_{k−1})`, `C = B / (1 − ρ(1 − B))`.
//! * Mean wait `Wq = C · s / (c − a)` for M/M/c; for general service times the Allen–Cunneen factor
//!   `(1 + Cs²)/2` multiplies it (`Cs` = service-time coefficient of variation; the reference default
//!   is 0.7; `Cs = 1` gives exact M/M/c, which is what the reference's §3.2 example table uses).
//! * Wait distribution sampled by the engine: with probability `C` the request waits, and the wait is
//!   exponential with mean `Wq / C` (exact for M/M/c, moment-matched for M/G/c):
//!   a [`DistSpec::RareEvent`] with an [`DistSpec::Exponential`] delay.
//!
//! Saturation: when `ρ ≥ rho_cap` (default 0.99) the wait is computed at `ρ = rho_cap` and flagged
//! `capped`; when `ρ ≥ 1` the queue is unstable (unbounded wait in reality) and flagged `saturated` —
//! callers must report that as an SLO violation rather than trust the capped number.
//!
//! The per-proxy lognormal body from the catalogue already contains the low-load wait of the
//! benchmark it was fitted to (≈ 2 µs at 1000 rps for the 1.24 sidecar), so the queueing term is
//! added on top and is nearly zero at the benchmark point.

use serde::{Deserialize, Serialize};

use super::dist::DistSpec;
use super::error::LatencyError;

/// Default utilisation cap used to keep the analytic wait finite.
pub const DEFAULT_RHO_CAP: f64 = 0.99;

/// Queueing parameters of one proxy instance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueParams {
    /// Mean CPU time per request (µs), from vCPU per 1000 rps.
    pub cpu_us_per_request: f64,
    /// Worker threads `c` (≥ 1).
    pub workers: u32,
    /// Service-time coefficient of variation (reference default 0.7; 1 = exponential).
    #[serde(default = "default_cv")]
    pub service_cv: f64,
    /// Utilisation at which the wait is capped (default 0.99).
    #[serde(default = "default_rho_cap")]
    pub rho_cap: f64,
}

fn default_cv() -> f64 {
    0.7
}

fn default_rho_cap() -> f64 {
    DEFAULT_RHO_CAP
}

/// Result of the analytic queueing model at one arrival rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueOutcome {
    /// Utilisation `ρ = λ·s / c` at the requested rate (not capped).
    pub rho: f64,
    /// Probability a request waits (Erlang C, at the capped utilisation).
    pub p_wait: f64,
    /// Mean wait over all requests (µs), including the Allen–Cunneen factor.
    pub mean_wait_us: f64,
    /// `ρ ≥ 1`: the real queue is unstable; the wait shown is the capped one.
    pub saturated: bool,
    /// `ρ ≥ rho_cap`: the wait was computed at `rho_cap`.
    pub capped: bool,
    /// Wait distribution to add to the proxy hop (µs).
    pub wait: DistSpec,
}

/// Erlang C: probability of waiting in M/M/c with offered load `a = λ·s` (< c).
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let rho = a / f64::from(c);
    b / (1.0 - rho * (1.0 - b))
}

impl QueueParams {
    /// Validates the parameters.
    pub fn validate(&self, at: &str) -> Result<(), LatencyError> {
        if !(self.cpu_us_per_request.is_finite() && self.cpu_us_per_request > 0.0) {
            return Err(LatencyError::spec(
                format!("{at}.cpu_us_per_request"),
                format!("must be > 0 (got {})", self.cpu_us_per_request),
            ));
        }
        if self.workers == 0 {
            return Err(LatencyError::spec(format!("{at}.workers"), "must be >= 1"));
        }
        if !(self.service_cv.is_finite() && self.service_cv >= 0.0) {
            return Err(LatencyError::spec(
                format!("{at}.service_cv"),
                format!("must be >= 0 (got {})", self.service_cv),
            ));
        }
        if !(self.rho_cap > 0.0 && self.rho_cap < 1.0) {
            return Err(LatencyError::spec(
                format!("{at}.rho_cap"),
                format!("must be in (0, 1) (got {})", self.rho_cap),
            ));
        }
        Ok(())
    }

    /// Analytic M/G/c wait at `rps` requests per second arriving at this proxy instance.
    pub fn at_rate(&self, rps: f64) -> Result<QueueOutcome, LatencyError> {
        self.validate("queue")?;
        if !(rps.is_finite() && rps >= 0.0) {
            return Err(LatencyError::spec(
                "queue.rps",
                format!("must be >= 0 (got {rps})"),
            ));
        }
        let s = self.cpu_us_per_request;
        let c = f64::from(self.workers);
        let rho = rps * s * 1e-6 / c;
        let capped = rho >= self.rho_cap;
        let rho_eff = rho.min(self.rho_cap);
        let a = rho_eff * c;
        let p_wait = if a > 0.0 {
            erlang_c(self.workers, a)
        } else {
            0.0
        };
        let ac = (1.0 + self.service_cv * self.service_cv) / 2.0;
        // Conditional wait given waiting: Exp(mean s / (c − a)), scaled by Allen–Cunneen.
        let cond_mean = s / (c - a) * ac;
        let mean_wait_us = p_wait * cond_mean;
        Ok(QueueOutcome {
            rho,
            p_wait,
            mean_wait_us,
            saturated: rho >= 1.0,
            capped,
            wait: DistSpec::RareEvent {
                p: p_wait.clamp(0.0, 1.0),
                delay: Box::new(DistSpec::Exponential {
                    mean: cond_mean,
                    shift: 0.0,
                }),
                base: None,
            },
        })
    }
}
