//! The whole evaluation in one call, as the `ewsim run` command does it: the cost stage, then the
//! latency stage, then draws of the scenario's ranges, composed into one [`Report`], and the
//! budget gate's verdict on it. Front ends only choose the options and render the result.

use crate::cost::CostReport;
use crate::error::{Diagnostic, Error, Input, InputError};
use crate::gate::{Breach, Budget};
use crate::loader::LoadedScenario;
use crate::path_latency::LatencyRun;
use crate::pricing::PriceTable;
use crate::progress::Progress;
use crate::report::{DrawConfig, Report};

/// What to compute besides cost.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RunOptions {
    /// The latency simulation; `None` computes cost only.
    pub latency: Option<LatencyRun>,
    /// Draws of the scenario's ranges (ignored when it has none); `None` skips them, evaluating
    /// the ranges at their medians only.
    pub draws: Option<usize>,
    /// A budget the gated option is held to ([`Verdict`]).
    pub budget: Option<Budget>,
}

impl RunOptions {
    /// The scenario's own settings: latency with its `latency.samples` and `latency.seed`,
    /// [`crate::uncertainty::DEFAULT_DRAWS`] draws, no budget.
    pub fn of(s: &crate::Scenario) -> Self {
        RunOptions {
            latency: Some(LatencyRun::of(s)),
            draws: Some(crate::uncertainty::DEFAULT_DRAWS),
            budget: None,
        }
    }

    /// Cost only: no latency simulation.
    #[must_use]
    pub fn without_latency(mut self) -> Self {
        self.latency = None;
        self
    }

    /// Simulated requests per option (and per entry point).
    #[must_use]
    pub fn samples(mut self, n: u64) -> Self {
        if let Some(l) = &mut self.latency {
            l.samples = n;
        }
        self
    }

    /// Seed of the latency simulation and of the draws.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        if let Some(l) = &mut self.latency {
            l.seed = seed;
        }
        self
    }

    /// Whether to compute per-edge percentiles (only the JSON report shows them).
    #[must_use]
    pub fn per_edge(mut self, yes: bool) -> Self {
        if let Some(l) = &mut self.latency {
            l.per_edge = yes;
        }
        self
    }

    /// Number of draws of the scenario's ranges (`None`: no draws).
    #[must_use]
    pub fn draws(mut self, n: Option<usize>) -> Self {
        self.draws = n;
        self
    }

    /// Holds the gated option to `budget`.
    #[must_use]
    pub fn budget(mut self, budget: Budget) -> Self {
        self.budget = Some(budget);
        self
    }
}

/// The budget gate's verdict on the gated option.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Verdict {
    /// Index of the gated option in the report.
    pub option: usize,
    /// Every limit it goes over (empty: within budget).
    pub breaches: Vec<Breach>,
}

/// A report and, when a budget was given, the gate's verdict.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Outcome {
    /// The composed report.
    pub report: Report,
    /// The gate's verdict (`None` without a budget that sets a limit).
    pub verdict: Option<Verdict>,
}

/// Evaluates a loaded scenario against a price table: cost, latency (unless
/// [`RunOptions::latency`] is `None`), P10 / P50 / P90 over draws of its ranges (when it has
/// any), and the budget verdict. Every input check (samples, draws, the gated option) happens
/// before anything is simulated; problems are located in the scenario's file.
pub fn run(
    loaded: &LoadedScenario,
    table: &PriceTable,
    opts: &RunOptions,
) -> Result<Outcome, Error> {
    run_with_progress(loaded, table, opts, &Progress::new())
}

/// [`run`], counting its work into `progress` as it goes (read it from another thread to show
/// a progress bar); on success the count ends at [`crate::progress::TICKS`]. The results are
/// the same as [`run`]'s.
pub fn run_with_progress(
    loaded: &LoadedScenario,
    table: &PriceTable,
    opts: &RunOptions,
    progress: &Progress,
) -> Result<Outcome, Error> {
    let s = &loaded.scenario;
    let located = |e: InputError| InputError {
        diagnostics: loaded.source_map.resolve(e.diagnostics),
    };
    if opts.latency.is_some_and(|l| l.samples == 0) {
        return Err(
            InputError::single(Diagnostic::input(Input::Samples, "must be at least 1")).into(),
        );
    }
    if opts.draws == Some(0) && !loaded.uncertain.is_empty() {
        return Err(InputError::single(Diagnostic::input(
            Input::Draws,
            "must be at least 1 for a scenario with ranges",
        ))
        .into());
    }
    let samples = opts.latency.map(|l| l.samples);
    let draws = opts.draws.filter(|_| !loaded.uncertain.is_empty());
    // Each draw simulates a twentieth of the point report's requests: the spread over draws,
    // not the sampling noise of one draw, is what the P10 / P90 show.
    let draw_samples = samples.map(crate::limits::draw_samples);
    let [cost_work, latency_work] = crate::limits::evaluation_work(s, samples);
    let draw_work =
        crate::limits::evaluation_total(s, draw_samples).saturating_mul(draws.unwrap_or(0) as u64);
    let parts = progress
        .whole()
        .split(&[cost_work, latency_work, draw_work]);
    let cost = crate::cost::evaluate(s, table).map_err(located)?;
    parts[0].complete();
    // The run's own settings against the work budgets, after the scenario's own (located) ones.
    let budget = crate::limits::run_problems(s, samples, draws.map(|n| n as u64));
    if !budget.is_empty() {
        return Err(InputError {
            diagnostics: budget,
        }
        .into());
    }
    let gated = gated_option(&cost, opts.budget.as_ref())?;
    let mut report = Report::of_cost(cost);
    match opts.latency {
        Some(run) => {
            report.latency = Some(crate::path_latency::simulate_in(
                s,
                &report.cost,
                run,
                parts[1],
            )?)
        }
        None => parts[1].complete(),
    }
    match draws {
        Some(draws) => {
            let config = DrawConfig {
                draws,
                seed: opts.latency.map_or(s.latency.seed, |l| l.seed),
                latency_samples: draw_samples,
            };
            report.uncertainty = Some(
                crate::uncertainty::evaluate_draws_in(loaded, table, config, parts[2])
                    .map_err(located)?,
            );
        }
        None => parts[2].complete(),
    }
    let verdict = match (gated, &opts.budget) {
        (Some(i), Some(b)) if b.is_set() => Some(Verdict {
            option: i,
            breaches: crate::gate::check(&report, i, b),
        }),
        _ => None,
    };
    Ok(Outcome { report, verdict })
}

/// The option a budget holds, checked before anything is simulated.
fn gated_option(cost: &CostReport, budget: Option<&Budget>) -> Result<Option<usize>, Error> {
    match budget {
        Some(b) if b.is_set() || b.option.is_some() => Ok(Some(crate::gate::choose(cost, b)?)),
        _ => Ok(None),
    }
}
