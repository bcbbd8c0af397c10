//! `ewsim`: the command-line face of the ewsim library. Parses arguments, reads files, renders;
//! all modelling lives in the library.

mod render;
mod schema;
mod validate;

use clap::{Parser, Subcommand, ValueEnum};
use ewsim::loader::{self, LoadError};
use ewsim::{InputError, PriceTable};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Cost and latency of East-West traffic on Kubernetes / EKS, per connection option.
#[derive(Parser)]
#[command(name = "ewsim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate a scenario file and print (or write) the comparison.
    Run(RunArgs),
    /// Explain how each option routes each traffic edge: topology hints state and reason, where
    /// each client zone's requests go, cross-zone and dropped shares, hop sequence.
    Explain(ExplainArgs),
    /// Print the JSON Schema of the scenario format (for editor completion and CI checks).
    Schema(schema::SchemaArgs),
    /// Check a scenario without running it and list every problem at once.
    Validate(validate::ValidateArgs),
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// Scenario file (YAML, `version: 1`).
    file: PathBuf,
    /// Only this option (by name).
    #[arg(long, value_name = "NAME")]
    option: Option<String>,
    /// Price table or override file (YAML) applied over the region's built-in table.
    #[arg(long, value_name = "FILE")]
    pricing: Option<PathBuf>,
}

/// Output formats.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum Format {
    /// Aligned text for a terminal.
    Table,
    /// Comma-separated values with stable columns (see README).
    Csv,
    /// JSON with a `schema_version`.
    Json,
    /// Markdown tables for design documents.
    Markdown,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Scenario file (YAML, `version: 1`).
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to FILE instead of standard output (written whole or not at all).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// One row per line item instead of one row per option.
    #[arg(long)]
    detail: bool,
    /// Price table or override file (YAML) applied over the region's built-in table.
    #[arg(long, value_name = "FILE")]
    pricing: Option<PathBuf>,
    /// Simulated requests per option for latency (default: the scenario's `latency.samples`, 200,000).
    #[arg(long, value_name = "N")]
    samples: Option<u64>,
    /// Seed of the latency simulation (default: the scenario's `latency.seed`, 1).
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Skip the latency simulation (cost only).
    #[arg(long)]
    no_latency: bool,
}

/// Exit codes: 0 success, 1 runtime failure, 2 invalid input.
enum Failure {
    Runtime(String),
    Input(String),
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::Io(m) => Failure::Runtime(format!("error: {m}")),
            LoadError::Input(i) => Failure::Input(i.to_string()),
        }
    }
}

fn input(e: InputError, loaded: Option<&loader::LoadedScenario>) -> Failure {
    let diags = match loaded {
        Some(l) => l.source_map.resolve(e.diagnostics),
        None => e.diagnostics,
    };
    Failure::Input(InputError { diagnostics: diags }.to_string())
}

fn run(args: &RunArgs) -> Result<(), Failure> {
    let (scenario, mut report) = evaluate_file(&args.file, args.pricing.as_deref())?;
    if args.samples == Some(0) {
        return Err(Failure::Input("error: --samples must be at least 1".into()));
    }
    if !args.no_latency {
        // A status line on a terminal when the simulation takes more than a moment.
        let samples = args.samples.unwrap_or(scenario.latency.samples);
        let work = samples.saturating_mul(report.options.len() as u64);
        let show = std::io::stderr().is_terminal() && work >= 5_000_000;
        let started = std::time::Instant::now();
        if show {
            eprint!(
                "simulating latency: {} options x {samples} requests ...",
                report.options.len()
            );
        }
        ewsim::path_latency::simulate_report(&scenario, &mut report, args.samples, args.seed)
            .map_err(|e| Failure::Runtime(format!("error: latency simulation: {e}")))?;
        if show {
            eprintln!(" done in {:.1} s", started.elapsed().as_secs_f64());
        }
    }
    let text = render::render(&report, args.format, args.detail);
    write_output(args.out.as_deref(), &text).map_err(Failure::Runtime)
}

fn explain(args: &ExplainArgs) -> Result<(), Failure> {
    let (_, report) = evaluate_file(&args.file, args.pricing.as_deref())?;
    let text = ewsim::explain::explain(&report, args.option.as_deref())
        .map_err(|e| Failure::Input(e.to_string()))?;
    write_output(None, &text).map_err(Failure::Runtime)
}

/// Loads a scenario and its price table (built-in, plus `pricing` overrides) and evaluates it.
fn evaluate_file(
    file: &Path,
    pricing: Option<&Path>,
) -> Result<(ewsim::Scenario, ewsim::Report), Failure> {
    let loaded = loader::load_scenario_file(file)?;
    let s = &loaded.scenario;
    let mut table = match PriceTable::builtin(&s.region) {
        Ok(t) => t,
        Err(e) if pricing.is_some() => {
            // A full table for a region without a built-in one.
            let path = pricing.unwrap_or(Path::new(""));
            let text = std::fs::read_to_string(path).map_err(|err| {
                Failure::Runtime(format!("error: cannot read {}: {err}", path.display()))
            })?;
            // A file that is not a full table cannot stand in for a missing built-in one: say
            // both what is missing and what is wrong with the file.
            let t = loader::parse_price_table(&text, &path.display().to_string()).map_err(|f| {
                let mut e = e;
                e.diagnostics.extend(f.diagnostics);
                input(e, Some(&loaded))
            })?;
            if t.region != s.region {
                return Err(Failure::Input(format!(
                    "error: {} is a table for {}, the scenario is in {}",
                    path.display(),
                    t.region,
                    s.region
                )));
            }
            t
        }
        Err(e) => return Err(input(e, Some(&loaded))),
    };
    if let Some(p) = pricing
        && table.origin != p.display().to_string()
    {
        let o = loader::load_price_file(p)?;
        if let Some(r) = &o.region
            && *r != s.region
        {
            return Err(Failure::Input(format!(
                "error: {} is for region {r}, the scenario is in {}",
                p.display(),
                s.region
            )));
        }
        table.merge(o);
    }
    let report = ewsim::evaluate(s, &table).map_err(|e| input(e, Some(&loaded)))?;
    Ok((loaded.scenario, report))
}

/// Writes the whole output or nothing: a temporary file renamed into place, so an existing file is
/// never left truncated.
fn write_output(out: Option<&Path>, text: &str) -> Result<(), String> {
    match out {
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
                .map_err(|e| format!("error: cannot write to standard output: {e}"))
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let tmp = dir.join(format!(".{name}.ewsim-tmp-{}", std::process::id()));
            let result = std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, path));
            if result.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            result.map_err(|e| format!("error: cannot write {}: {e}", path.display()))
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Run(args) => run(args),
        Command::Explain(args) => explain(args),
        Command::Schema(args) => schema::run(args),
        Command::Validate(args) => validate::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Runtime(m)) => {
            eprintln!("{m}");
            ExitCode::from(1)
        }
        Err(Failure::Input(m)) => {
            eprintln!("{m}");
            ExitCode::from(2)
        }
    }
}
