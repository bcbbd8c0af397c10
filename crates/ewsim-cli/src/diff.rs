//! `ewsim diff OLD.json NEW.json`: reads two saved JSON reports (file reading lives here, the
//! parsing and comparison in the library's `diff` module) and renders the per-option change.

use crate::{Failure, OutputArgs, render};
use clap::Args;
use ewsim::diff::{self, Figures};
use std::path::{Path, PathBuf};

/// Flags of `ewsim diff`.
#[derive(Args)]
pub struct DiffArgs {
    /// The baseline report (`ewsim run --format json`); `-` reads standard input.
    old: PathBuf,
    /// The candidate report; `-` reads standard input.
    new: PathBuf,
    #[command(flatten)]
    output: OutputArgs,
    /// Only the options whose figures changed (or that were added or removed).
    #[arg(long)]
    only_changed: bool,
}

/// Reads and parses a saved JSON report: unreadable is a runtime failure (exit 1), malformed or
/// of another `schema_version` is invalid input (exit 2). `-` reads standard input.
pub fn read_report(path: &Path) -> Result<Figures, Failure> {
    let (text, file) = crate::scenario_text(path)?;
    diff::parse_json_report(&text, &file).map_err(Failure::from)
}

/// Runs `ewsim diff`.
pub fn diff(args: &DiffArgs) -> Result<(), Failure> {
    let format = args.output.format()?;
    if args.old == Path::new("-") && args.new == Path::new("-") {
        return Err(Failure::Input(
            "error: only one of the two reports can be read from standard input (`-`)".into(),
        ));
    }
    let old = read_report(&args.old)?;
    let new = read_report(&args.new)?;
    let mut diff = diff::compare(&old, &new);
    if args.only_changed {
        diff = diff.only_changed();
    }
    let labels = [
        args.old.display().to_string(),
        args.new.display().to_string(),
    ];
    let text = format.render(|r| {
        r.diff(&render::DiffDoc {
            diff: &diff,
            sides: [&old, &new],
            labels: &labels,
        })
    });
    args.output.write(&text)
}
