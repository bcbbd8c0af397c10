//! `ewsim diff OLD.json NEW.json`: reads two saved JSON reports (file reading lives here, the
//! parsing and comparison in the library's `diff` module) and renders the per-option change.

use crate::{Failure, Format, render, write_output};
use clap::Args;
use ewsim::diff::{self, Figures};
use std::path::{Path, PathBuf};

/// Flags of `ewsim diff`.
#[derive(Args)]
pub struct DiffArgs {
    /// The baseline report (`ewsim run --format json`).
    old: PathBuf,
    /// The candidate report.
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to FILE instead of standard output (written whole or not at all).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Only the options whose figures changed (or that were added or removed).
    #[arg(long)]
    only_changed: bool,
}

/// Reads and parses a saved JSON report: unreadable is a runtime failure (exit 1), malformed or
/// of another `schema_version` is invalid input (exit 2).
pub fn read_report(path: &Path) -> Result<Figures, Failure> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Runtime(format!("error: cannot read {file}: {e}")))?;
    diff::parse_json_report(&text, &file).map_err(Failure::from)
}

/// Runs `ewsim diff`.
pub fn diff(args: &DiffArgs) -> Result<(), Failure> {
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
    let text = args.format.renderer().diff(&render::DiffDoc {
        diff: &diff,
        sides: [&old, &new],
        labels: &labels,
    });
    write_output(args.out.as_deref(), &text).map_err(Failure::Runtime)
}
