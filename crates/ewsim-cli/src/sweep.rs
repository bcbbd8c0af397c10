//! `ewsim sweep`: arguments and orchestration; the sweep itself is `ewsim::sweep`.

use crate::{Failure, OutputArgs, input, load_inputs, render, select_options, write_output};
use ewsim::sweep::{Scale, SweepSpec};
use std::path::PathBuf;

/// Step one numeric scenario value over a range: cost and latency per option per step, and the
/// break-even points where two options change cost order.
#[derive(clap::Args)]
pub struct SweepArgs {
    /// Scenario file (YAML, `version: 1`); `-` reads standard input.
    file: PathBuf,
    /// The value and its range: `traffic=1TB..100TB` (total volume of every edge),
    /// `services[backend].replicas=2..12`, `prices.alb_hour=0.01..0.05`: any numeric value the file sets, or any `prices.<key>`.
    #[arg(long = "set", value_name = "PATH=FROM..TO")]
    set: String,
    /// Number of steps, both ends included.
    #[arg(long, default_value_t = 25)]
    steps: usize,
    /// Equal ratios between steps instead of equal differences.
    #[arg(long)]
    log: bool,
    #[command(flatten)]
    output: OutputArgs,
    /// Only these options (names from the scenario, comma-separated).
    #[arg(long, value_name = "NAMES")]
    options: Option<String>,
    /// Also write the cost chart (SVG, break-evens marked) to FILE.
    #[arg(long, value_name = "FILE")]
    chart: Option<PathBuf>,
    /// Price table or override file (YAML) applied over the region's built-in table.
    #[arg(long, value_name = "FILE")]
    pricing: Option<PathBuf>,
    /// Simulated requests per option per step for latency.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    samples: u64,
    /// Seed of the latency simulation (default: the scenario's `latency.seed`); every step uses it.
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Skip the latency simulation (cost only, faster).
    #[arg(long)]
    no_latency: bool,
}

/// Runs `ewsim sweep`.
pub fn run(args: &SweepArgs) -> Result<(), Failure> {
    let format = args.output.format()?;
    let (mut loaded, table) = load_inputs(&args.file, args.pricing.as_deref())?;
    select_options(&mut loaded, args.options.as_deref())?;
    if args.samples == 0 && !args.no_latency {
        return Err(Failure::Input(
            "error: --samples must be at least 1 (or give --no-latency)".into(),
        ));
    }
    let scale = if args.log { Scale::Log } else { Scale::Linear };
    let spec = SweepSpec::parse(&args.set, args.steps, scale, &loaded).map_err(Failure::from)?;
    let latency = (!args.no_latency).then(|| {
        (
            args.samples,
            args.seed.unwrap_or(loaded.scenario.latency.seed),
        )
    });
    let result = crate::progress::with_bar(
        &format!("sweeping {} over {} steps", spec.parameter.name, args.steps),
        |p| ewsim::sweep::sweep_with_progress(&loaded, &table, &spec, latency, p),
    )
    .map_err(|e| input(e, Some(&loaded)))?;
    // The report first: a chart is never left behind without the report it belongs to.
    args.output.write(&format.render(|r| r.sweep(&result)))?;
    match &args.chart {
        Some(chart) => write_output(Some(chart), &render::sweep::chart(&result)),
        None => Ok(()),
    }
}
