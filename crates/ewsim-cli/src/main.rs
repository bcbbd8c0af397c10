//! `ewsim`: the command-line face of the ewsim library. Parses arguments, reads files, renders;
//! all modelling lives in the library.

mod calc;
mod diff;
mod emit;
mod failure;
mod import;
mod manual;
mod observed_hints;
mod output;
mod pricing_import;
mod progress;
mod recommend;
mod render;
mod schema;
mod sweep;
mod validate;

use clap::{CommandFactory, Parser, Subcommand};
use ewsim::PriceTable;
use ewsim::loader;
pub use failure::{Failure, input};
pub use output::{OutputArgs, write_output};
pub use render::Format;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Cost and latency of East-West traffic on Kubernetes / EKS, per connection option.
#[derive(Parser)]
#[command(name = "ewsim", version, about, long_about = None, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate a scenario file and print (or write) the comparison.
    #[command(after_help = EXIT_CODES)]
    Run(RunArgs),
    /// Price the common case from flags alone (one cluster, one traffic edge), printing the same
    /// report as `run`; `--print-scenario` writes the equivalent scenario YAML instead.
    #[command(after_help = EXIT_CODES)]
    Calc(calc::CalcArgs),
    /// Compare two JSON reports: per option, the change in monthly cost, cross-AZ GB, dropped
    /// share, p50 and p99 (latency only beyond both runs' sampling intervals).
    #[command(after_help = EXIT_CODES)]
    Diff(diff::DiffArgs),
    /// Explain how each option routes each traffic edge: topology hints state and reason, where
    /// each client zone's requests go, cross-zone and dropped shares, hop sequence.
    Explain(ExplainArgs),
    /// Step one numeric scenario value over a range (`--set traffic=1TB..100TB`): cost and latency
    /// per option per step, break-even points, and a cost chart.
    Sweep(sweep::SweepArgs),
    /// Which options meet required capabilities (`--require l7-routing,waf` or `--example NAME`),
    /// ranked by monthly cost then p99, and why the others are excluded.
    Recommend(recommend::RecommendArgs),
    /// Print the JSON Schema of the scenario format (for editor completion and CI checks).
    Schema(schema::SchemaArgs),
    /// Check a scenario without running it and list every problem at once.
    Validate(validate::ValidateArgs),
    /// Write a scenario from a real cluster: a kubectl export and observed traffic (VPC Flow
    /// Logs, Istio metrics from Prometheus, an edges CSV), every value commented with its source.
    #[command(after_help = EXIT_CODES)]
    Import(import::ImportArgs),
    /// Price tables: `pricing import` builds one for any region from AWS Price List offer files.
    #[command(after_help = EXIT_CODES)]
    Pricing(pricing_import::PricingArgs),
    /// Print a shell completion script (`ewsim completions bash > /etc/bash_completion.d/ewsim`).
    Completions(manual::CompletionsArgs),
    /// Print the man page (roff) of ewsim, or of one subcommand (`ewsim man run`).
    Man(manual::ManArgs),
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// Scenario file (YAML, `version: 1`); `-` reads standard input.
    #[arg(required_unless_present = "observed")]
    file: Option<PathBuf>,
    /// Instead of a scenario: a kubectl export (repeatable; `-` = stdin); compares the hints
    /// ewsim computes for each Service with those in its EndpointSlices, zone by zone.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["file", "option", "pricing"])]
    observed: Vec<String>,
    /// Only this option (by name).
    #[arg(long, value_name = "NAME")]
    option: Option<String>,
    /// Price table or override file (YAML) applied over the region's built-in table.
    #[arg(long, value_name = "FILE")]
    pricing: Option<PathBuf>,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Scenario file (YAML, `version: 1`); `-` reads standard input.
    file: PathBuf,
    /// Only these options (names from the scenario, comma-separated).
    #[arg(long, value_name = "NAMES")]
    options: Option<String>,
    #[command(flatten)]
    report: emit::ReportArgs,
}

/// The exit-code table shown by `--help`.
const EXIT_CODES: &str = "Exit codes: 0 success; 1 runtime failure (unreadable file, unwritable \
output); 2 invalid input (scenario, JSON report, flags); 3 budget exceeded (--fail-above-usd, \
--fail-above-p99-ms; the report is written first).";

fn run(args: &RunArgs) -> Result<(), Failure> {
    let (mut loaded, table) = load_inputs(&args.file, args.report.pricing.as_deref())?;
    select_options(&mut loaded, args.options.as_deref())?;
    emit::emit(&loaded, &table, &args.report)
}

fn explain(args: &ExplainArgs) -> Result<(), Failure> {
    let Some(file) = &args.file else {
        return observed_hints::run(&args.observed);
    };
    let (_, report) = evaluate_file(file, args.pricing.as_deref())?;
    let text = render::explain::explain(&report, args.option.as_deref())
        .map_err(|e| Failure::Input(format!("error: {e}")))?;
    write_output(None, &Format::Table.inert(text))
}

/// Loads a scenario and its price table (built-in, plus `pricing` overrides) and prices it (cost
/// stage only).
fn evaluate_file(
    file: &Path,
    pricing: Option<&Path>,
) -> Result<(ewsim::Scenario, ewsim::Report), Failure> {
    let (loaded, table) = load_inputs(file, pricing)?;
    let cost = ewsim::evaluate(&loaded.scenario, &table).map_err(|e| input(e, Some(&loaded)))?;
    Ok((loaded.scenario, ewsim::Report::of_cost(cost)))
}

/// Loads a scenario file and the price table it is evaluated with.
fn load_inputs(
    file: &Path,
    pricing: Option<&Path>,
) -> Result<(loader::LoadedScenario, PriceTable), Failure> {
    let (text, name) = scenario_text(file)?;
    let loaded = loader::parse_scenario(&text, &name)?;
    let path = (file != Path::new("-")).then_some(file);
    let table = price_table(&loaded, path, pricing)?;
    Ok((loaded, table))
}

/// Writes bytes to standard output (a closed pipe ends quietly, see [`output`]).
pub fn write_bytes(bytes: &[u8]) -> Result<(), Failure> {
    output::write_with(None, |w| w.write_all(bytes))
}

/// Keeps only the options named in `names` (`--options a,b`), when given.
pub fn select_options(
    loaded: &mut loader::LoadedScenario,
    names: Option<&str>,
) -> Result<(), Failure> {
    let Some(names) = names else {
        return Ok(());
    };
    let names: Vec<String> = names
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(String::from)
        .collect();
    loaded.select_options(&names).map_err(Failure::from)
}

/// The text of a scenario file and the name diagnostics give it; `-` reads standard input
/// (named `<stdin>`).
pub fn scenario_text(file: &Path) -> Result<(String, String), Failure> {
    if file != Path::new("-") {
        return Ok((loader::read_text(file)?, file.display().to_string()));
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure::Runtime(format!("error: cannot read standard input: {e}")))?;
    Ok((text, "<stdin>".to_string()))
}

/// The price file a scenario is priced with: `--pricing FILE` when given, else the scenario's
/// own `pricing:` path (relative to the scenario file `scenario`), else none.
fn chosen_pricing(
    scenario: Option<&Path>,
    s: &ewsim::Scenario,
    flag: Option<&Path>,
) -> Option<PathBuf> {
    flag.map(Path::to_path_buf).or_else(|| {
        let f = s.pricing_file.as_deref()?;
        let dir = scenario.and_then(Path::parent).unwrap_or(Path::new(""));
        Some(dir.join(f))
    })
}

/// The price table a scenario is evaluated with: its region's built-in table with the chosen
/// price file's overrides applied, or that file as a whole table ([`chosen_pricing`]: `--pricing`
/// wins over the scenario's `pricing:`). The table's origin, which the report header names,
/// says which one was used when the scenario has a `pricing:`.
fn price_table(
    loaded: &loader::LoadedScenario,
    scenario: Option<&Path>,
    pricing: Option<&Path>,
) -> Result<PriceTable, Failure> {
    let file = chosen_pricing(scenario, &loaded.scenario, pricing);
    let mut table =
        loader::load_price_table(&loaded.scenario.region, file.as_deref(), &pricing_dirs())
            .map_err(|e| match e {
                ewsim::Error::Input(e) => input(e, Some(loaded)),
                other => other.into(),
            })?;
    if let Some(f) = &loaded.scenario.pricing_file {
        table.origin = match pricing {
            Some(_) => format!(
                "{} (--pricing, in place of the scenario's `pricing: {f}`)",
                table.origin
            ),
            None => format!("{} (the scenario's `pricing:`)", table.origin),
        };
    }
    Ok(table)
}

/// Folders searched for imported price tables (`<region>.yaml`, as `ewsim pricing import`
/// writes them) before the built-in ones: `EWSIM_PRICING_DIR` (a path list), then
/// `$XDG_CONFIG_HOME/ewsim/pricing` (default `~/.config/ewsim/pricing`).
pub(crate) fn pricing_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("EWSIM_PRICING_DIR")
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    if let Some(c) = config {
        dirs.push(c.join("ewsim").join("pricing"));
    }
    dirs
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Run(args) => run(args),
        Command::Explain(args) => explain(args),
        Command::Calc(args) => calc::calc(args),
        Command::Diff(args) => diff::diff(args),
        Command::Sweep(args) => sweep::run(args),
        Command::Recommend(args) => recommend::recommend(args),
        Command::Schema(args) => schema::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Pricing(args) => pricing_import::run(args),
        Command::Completions(args) => manual::completions(args, Cli::command()),
        Command::Man(args) => manual::man(args, Cli::command()),
        Command::Import(args) => import::run(args),
    };
    match result {
        Ok(()) | Err(Failure::Closed) => ExitCode::SUCCESS,
        Err(Failure::Runtime(m)) => {
            eprintln!("{m}");
            ExitCode::from(1)
        }
        Err(Failure::Input(m)) => {
            eprintln!("{m}");
            ExitCode::from(2)
        }
        Err(Failure::Gate(m)) => {
            eprintln!("{m}");
            ExitCode::from(3)
        }
    }
}
