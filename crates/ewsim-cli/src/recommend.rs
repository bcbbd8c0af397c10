//! `ewsim recommend`: arguments and evaluation through the shared loader path; the library's
//! [`ewsim::recommend::Recommendation`] is rendered by `render` (every format). All filtering and
//! ranking is in the library.

use crate::render::{self, RecommendDoc};
use crate::{Failure, OutputArgs, load_inputs, select_options};
use ewsim::recommend::{CapabilityTable, guide_examples};
use std::path::PathBuf;

/// Latency samples per option when `--samples` is not given: p99 only breaks ties between options
/// of equal cost, and 20,000 requests put 200 of them above the p99.
const DEFAULT_SAMPLES: u64 = 20_000;

/// Arguments of `ewsim recommend`.
#[derive(clap::Args)]
pub struct RecommendArgs {
    /// Scenario file (YAML, `version: 1`); `-` reads standard input.
    #[arg(required_unless_present = "list")]
    file: Option<PathBuf>,
    /// Required capabilities, comma-separated, e.g. `l7-routing,waf` (`--list` names them all).
    #[arg(long, value_name = "NAMES", conflicts_with = "example")]
    require: Option<String>,
    /// Use one of the reference guide's scenario rows as the requirements (`--list` names them).
    #[arg(long, value_name = "NAME")]
    example: Option<String>,
    /// List the capabilities and the shipped example requirement sets, then exit.
    #[arg(long)]
    list: bool,
    #[command(flatten)]
    output: OutputArgs,
    /// Only these options (names from the scenario, comma-separated).
    #[arg(long, value_name = "NAMES")]
    options: Option<String>,
    /// Price table or override file (YAML) applied over the region's built-in table.
    #[arg(long, value_name = "FILE")]
    pricing: Option<PathBuf>,
    /// Simulated requests per option for the p99 tie-break (default 20,000).
    #[arg(long, value_name = "N")]
    samples: Option<u64>,
    /// Seed of the latency simulation (default: the scenario's `latency.seed`, 1).
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Skip the latency simulation: rank by cost only, ties in scenario order.
    #[arg(long)]
    no_latency: bool,
}

/// Runs `ewsim recommend`.
pub fn recommend(args: &RecommendArgs) -> Result<(), Failure> {
    let table = CapabilityTable::builtin()
        .map_err(|e| Failure::Runtime(crate::failure::diagnostics(&e)))?;
    let examples =
        guide_examples(&table).map_err(|e| Failure::Runtime(crate::failure::diagnostics(&e)))?;
    let format = args.output.format()?;
    if args.list {
        // Markdown: the capability matrix, one column per option kind (what the README embeds).
        let text = match format {
            crate::render::Format::Markdown => render::recommend::matrix_markdown(&table),
            _ => render::recommend::list(&table, &examples),
        };
        return args.output.write(&text);
    }
    let (requirements, example) = match (&args.require, &args.example) {
        (Some(r), _) => (
            table
                .parse_requirements(r)
                .map_err(|e| suggest_examples(e, r, &table, &examples))?,
            None,
        ),
        (None, Some(name)) => {
            let ex = examples.iter().find(|e| &e.name == name).ok_or_else(|| {
                let names: Vec<&str> = examples.iter().map(|e| e.name.as_str()).collect();
                Failure::Input(format!(
                    "error: --example: unknown example `{name}` (hint: known examples: {})",
                    names.join(", ")
                ))
            })?;
            (ex.require.clone(), Some(ex))
        }
        (None, None) => {
            return Err(Failure::Input(
                "error: give --require NAMES or --example NAME (`ewsim recommend --list` shows both)"
                    .into(),
            ));
        }
    };
    if args.samples == Some(0) && !args.no_latency {
        return Err(Failure::Input(
            "error: --samples must be at least 1 (or give --no-latency)".into(),
        ));
    }
    let Some(file) = &args.file else {
        return Err(Failure::Input("error: a scenario file is required".into()));
    };
    let (mut loaded, prices) = load_inputs(file, args.pricing.as_deref())?;
    select_options(&mut loaded, args.options.as_deref())?;
    let scenario = &loaded.scenario;
    // Ranges stand at their medians: the ranking uses the point figures.
    let mut opts = ewsim::run::RunOptions::of(scenario)
        .draws(None)
        .samples(args.samples.unwrap_or(DEFAULT_SAMPLES));
    if let Some(seed) = args.seed {
        opts = opts.seed(seed);
    }
    if args.no_latency {
        opts = opts.without_latency();
    }
    let report = crate::progress::with_bar(
        &format!("evaluating {} options", scenario.options.len()),
        |p| ewsim::run::run_with_progress(&loaded, &prices, &opts, p),
    )
    .map_err(|e| match e {
        ewsim::Error::Input(i) => crate::input(i, Some(&loaded)),
        other => other.into(),
    })?
    .report;
    let rec = ewsim::recommend::recommend(scenario, &report, &table, &requirements);
    let text = format.render(|r| {
        r.recommend(&RecommendDoc {
            report: &report,
            capabilities: &table,
            rec: &rec,
            example,
        })
    });
    args.output.write(&text)
}

/// The `--require` errors, with a name that is not a capability but is (or is close to) one of
/// the guide's example names pointed at `--example NAME`.
fn suggest_examples(
    mut e: ewsim::InputError,
    list: &str,
    table: &CapabilityTable,
    examples: &[ewsim::recommend::GuideExample],
) -> Failure {
    let unknown = list
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty() && table.capability(n).is_none());
    // The library reports the unknown names in the order they are written, one each.
    for (d, name) in e.diagnostics.iter_mut().zip(unknown) {
        let near = examples
            .iter()
            .min_by_key(|x| edit_distance(&x.name, &name.to_ascii_lowercase()))
            .filter(|x| edit_distance(&x.name, &name.to_ascii_lowercase()) <= 2);
        if let Some(x) = near {
            d.hint = Some(format!(
                "`{}` is an example requirement set, not a capability: use --example {} (it \
                 requires {}); `ewsim recommend --list` shows both",
                x.name,
                x.name,
                x.require.join(",")
            ));
        }
    }
    Failure::from(e)
}

/// Levenshtein distance between two names (characters inserted, removed or replaced).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn edit_distances_by_hand() {
        // kitten -> sitten -> sittin -> sitting: 3 edits.
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("zero-trust", "zero-trust"), 0);
        assert_eq!(edit_distance("zero-trust", "zerotrust"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
