//! The composed report: the cost stage's [`CostReport`], the latency stage's [`LatencyReport`]
//! and the ranges' P10 / P50 / P90 ([`UncertaintyReport`]), plus re-evaluation with replaced
//! values for sweep steps and range draws ([`evaluate_replaced`]).

pub mod json;

use crate::cost::CostReport;
use crate::error::{Diagnostic, InputError};
use crate::path_latency::LatencyReport;
use crate::pricing::PriceTable;
use crate::progress::Share;
use crate::units::UncertainInput;
use rust_decimal::Decimal;

/// Version of the JSON report layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// A scenario's full evaluation: cost (always), latency (when simulated) and the spread over
/// range draws (when the scenario has ranges).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Report {
    /// Every option routed and priced.
    pub cost: CostReport,
    /// Latency percentiles per option, when simulated ([`crate::path_latency::simulate`]).
    pub latency: Option<LatencyReport>,
    /// P10 / P50 / P90 per option over draws of the scenario's ranges, when it has any
    /// ([`crate::uncertainty::evaluate_draws`]); the point figures are at the medians.
    pub uncertainty: Option<UncertaintyReport>,
}

impl Report {
    /// A report of the cost stage alone (no latency, no ranges).
    pub fn of_cost(cost: CostReport) -> Self {
        Report {
            cost,
            latency: None,
            uncertainty: None,
        }
    }

    /// The simulated latency of option `i`: `None` when latency was not simulated or the option
    /// delivers no request.
    pub fn option_latency(&self, i: usize) -> Option<&crate::latency::MixtureResult> {
        self.latency
            .as_ref()
            .and_then(|l| l.options.get(i))
            .and_then(Option::as_ref)
    }

    /// [`OptionFigures`] per option, in scenario order.
    pub fn option_figures(&self) -> Vec<OptionFigures> {
        self.cost
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let lat = self.option_latency(i);
                OptionFigures {
                    cost_usd: o.cost.total,
                    cross_az_gb: o.cost.cross_az_gb,
                    dropped_share: o.cost.dropped_share,
                    p50_ms: lat.map(|l| l.p50_ms),
                    p99_ms: lat.map(|l| l.p99_ms),
                }
            })
            .collect()
    }
}

/// Re-reads `base` with numeric values replaced by scenario path (a sweep step, a range draw),
/// keeps only the options at `keep` (all when `None`), evaluates it, and simulates latency when
/// `latency` is `(samples per option, seed)`. Problems are located in `base`'s file.
pub fn evaluate_replaced(
    base: &crate::loader::LoadedScenario,
    table: &PriceTable,
    values: &std::collections::BTreeMap<String, Decimal>,
    keep: Option<&[usize]>,
    latency: Option<(u64, u64)>,
) -> Result<Report, InputError> {
    evaluate_replaced_in(base, table, values, keep, latency, Share::NONE)
}

/// [`evaluate_replaced`], completing `share` as the cost and latency stages finish.
pub(crate) fn evaluate_replaced_in(
    base: &crate::loader::LoadedScenario,
    table: &PriceTable,
    values: &std::collections::BTreeMap<String, Decimal>,
    keep: Option<&[usize]>,
    latency: Option<(u64, u64)>,
    share: Share<'_>,
) -> Result<Report, InputError> {
    let mut loaded =
        crate::loader::parse_scenario_with(&base.text, base.source_map.file(), values)?;
    loaded.select_like(base)?;
    if let Some(keep) = keep {
        let options = std::mem::take(&mut loaded.scenario.options);
        loaded.scenario.options = keep
            .iter()
            .filter_map(|i| options.get(*i).cloned())
            .collect();
    }
    let s = &loaded.scenario;
    let parts = share.split(&crate::limits::evaluation_work(s, latency.map(|l| l.0)));
    let cost = crate::cost::evaluate(s, table).map_err(|e| InputError {
        diagnostics: loaded.source_map.resolve(e.diagnostics),
    })?;
    parts[0].complete();
    let mut report = Report::of_cost(cost);
    match latency {
        Some((samples, seed)) => {
            let run = crate::path_latency::LatencyRun {
                samples,
                seed,
                per_edge: false,
            };
            report.latency = Some(
                crate::path_latency::simulate_in(s, &report.cost, run, parts[1])
                    .map_err(|e| InputError::single(Diagnostic::at("latency", e.to_string())))?,
            );
        }
        None => parts[1].complete(),
    }
    Ok(report)
}

/// The figures of one option that sweeps and range draws keep from each report.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OptionFigures {
    /// Monthly cost (USD).
    pub cost_usd: Decimal,
    /// GB per month crossing zones.
    pub cross_az_gb: Decimal,
    /// Byte-weighted share of requests dropped.
    pub dropped_share: Decimal,
    /// Median latency (ms), when simulated and the option delivers requests.
    pub p50_ms: Option<f64>,
    /// 99th percentile latency (ms), likewise.
    pub p99_ms: Option<f64>,
}

/// P10, P50 and P90 of a figure over the draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread<T> {
    /// 10th percentile.
    pub p10: T,
    /// Median.
    pub p50: T,
    /// 90th percentile.
    pub p90: T,
}

/// How settings for the draws are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrawConfig {
    /// Number of draws.
    pub draws: usize,
    /// Seed of the draws (and of the latency simulation in each draw).
    pub seed: u64,
    /// Simulated requests per option per draw; `None` skips latency.
    pub latency_samples: Option<u64>,
}

/// Per option, the spread of its figures over the draws.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OptionSpread {
    /// Monthly cost (USD).
    pub cost_usd: Spread<Decimal>,
    /// GB per month crossing zones.
    pub cross_az_gb: Spread<Decimal>,
    /// Median latency (ms), when simulated and the option delivers requests in every draw.
    pub p50_ms: Option<Spread<f64>>,
    /// 99th percentile latency (ms), likewise.
    pub p99_ms: Option<Spread<f64>>,
}

/// The report over input draws.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UncertaintyReport {
    /// The uncertain inputs.
    pub inputs: Vec<UncertainInput>,
    /// Settings of the draws.
    pub config: DrawConfig,
    /// Per option, in scenario order.
    pub options: Vec<OptionSpread>,
}
