//! The report half shared by `run` and `calc`: output flags, latency simulation, rendering (or the
//! comparison with a saved report), writing, then the budget gates.

use crate::{Failure, OutputArgs, render, write_output};
use clap::Args;
use ewsim::gate::Budget;
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::str::FromStr;

/// Output, simulation and gate flags of `run` and `calc` (flattened into both).
#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    /// One row per line item instead of one row per option.
    #[arg(long)]
    pub detail: bool,
    /// Break every option's cost down by traffic edge (`--by edge`; docs/reports.md).
    #[arg(long, value_enum, value_name = "WHAT", conflicts_with_all = ["detail", "compare_to"])]
    pub by: Option<render::By>,
    /// Price table or override file (YAML) applied over the region's built-in table.
    #[arg(long, value_name = "FILE")]
    pub pricing: Option<PathBuf>,
    /// Simulated requests per option for latency (default: the scenario's `latency.samples`, 200,000).
    #[arg(long, value_name = "N")]
    pub samples: Option<u64>,
    /// Seed of the latency simulation (default: the scenario's `latency.seed`, 1).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Skip the latency simulation (cost only).
    #[arg(long)]
    pub no_latency: bool,
    /// Output the per-option change against a saved JSON report (`--format json` of an earlier
    /// run) instead of the report itself, like `ewsim diff OLD.json NEW.json`.
    #[arg(long, value_name = "OLD.json", conflicts_with = "detail")]
    pub compare_to: Option<PathBuf>,
    /// Exit 3 (after writing the output) when the gated option's monthly cost, to the cent, is
    /// above USD (e.g. `200` or `200.00`).
    #[arg(long, value_name = "USD", value_parser = parse_usd)]
    pub fail_above_usd: Option<Decimal>,
    /// Exit 3 (after writing the output) when the gated option's p99 latency is above MS.
    #[arg(long, value_name = "MS", conflicts_with = "no_latency", value_parser = parse_ms)]
    pub fail_above_p99_ms: Option<f64>,
    /// The option held to the `--fail-above-*` budget; required when the scenario has several.
    #[arg(long, value_name = "NAME")]
    pub gate_option: Option<String>,
    /// Random draws of the scenario's ranges (`volume: 8TB to 15TB`) for the P10 / P50 / P90
    /// figures; ignored when the scenario has no range.
    #[arg(long, value_name = "N", default_value_t = ewsim::uncertainty::DEFAULT_DRAWS)]
    pub draws: usize,
}

/// `200`, `200.00` or `$200`: a non-negative amount of USD.
fn parse_usd(s: &str) -> Result<Decimal, String> {
    let t = s.trim().trim_start_matches('$');
    let v = Decimal::from_str(t).map_err(|_| format!("`{s}` is not an amount of USD"))?;
    if v.is_sign_negative() {
        return Err(format!("`{s}` is negative"));
    }
    Ok(v)
}

/// A non-negative, finite number of milliseconds.
fn parse_ms(s: &str) -> Result<f64, String> {
    match s.trim().trim_end_matches("ms").trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!(
            "`{s}` is not a non-negative number of milliseconds"
        )),
    }
}

/// Evaluates the scenario as the flags ask (the library's [`ewsim::run::run`]: cost, latency
/// unless `--no-latency`, range draws, the gate's verdict), renders the report (or its comparison
/// with `--compare-to`), writes it whole, then reports the verdict. Every input check (gate
/// option, samples, draws, the old report) happens before anything is simulated or written.
pub fn emit(
    loaded: &ewsim::loader::LoadedScenario,
    table: &ewsim::PriceTable,
    args: &ReportArgs,
) -> Result<(), Failure> {
    let scenario = &loaded.scenario;
    let budget = Budget {
        max_usd: args.fail_above_usd,
        max_p99_ms: args.fail_above_p99_ms,
        option: args.gate_option.clone(),
    };
    let mut opts = ewsim::run::RunOptions::of(scenario)
        .draws(Some(args.draws))
        .budget(budget.clone());
    if let Some(n) = args.samples {
        opts = opts.samples(n);
    }
    if let Some(seed) = args.seed {
        opts = opts.seed(seed);
    }
    let format = args.output.format()?;
    let renderer = format.renderer();
    // Per-edge percentiles are simulated only for a format that shows them (JSON).
    opts = opts.per_edge(renderer.shows_edge_latency());
    if args.no_latency {
        opts = opts.without_latency();
    }
    let old = match &args.compare_to {
        Some(p) => Some(crate::diff::read_report(p)?),
        None => None,
    };
    let outcome = crate::progress::with_bar(
        &format!("evaluating {} options", scenario.options.len()),
        |p| ewsim::run::run_with_progress(loaded, table, &opts, p),
    )
    .map_err(|e| match e {
        ewsim::Error::Input(i) => crate::input(i, Some(loaded)),
        other => other.into(),
    })?;
    let report = outcome.report;
    let out = args.output.out.as_deref();
    match (&old, &args.compare_to) {
        (Some(old), Some(path)) => {
            let new = ewsim::diff::Figures::from_report(&report);
            let diff = ewsim::diff::compare(old, &new);
            let labels = [path.display().to_string(), "this run".to_string()];
            let text = format.render(|r| {
                r.diff(&render::DiffDoc {
                    diff: &diff,
                    sides: [old, &new],
                    labels: &labels,
                })
            });
            write_output(out, &text)?;
        }
        _ if args.by == Some(render::By::Edge) && format != render::Format::Json => {
            write_output(out, &format.render(|r| r.by_edge(&report)))?
        }
        _ => crate::output::write_with(out, |w| format.write_run(&report, args.detail, w))?,
    }
    if let Some(v) = outcome.verdict {
        if !v.breaches.is_empty() {
            let lines: Vec<String> = v.breaches.iter().map(render::gate::breach).collect();
            return Err(Failure::Gate(lines.join("\n")));
        }
        eprintln!("{}", render::gate::within(&report, v.option, &budget));
    }
    Ok(())
}
