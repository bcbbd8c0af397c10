//! `ewsim validate`: checks a scenario without routing, pricing or simulating it, and reports
//! every problem at once (the work is `ewsim::validate::check`).

use crate::{Failure, write_output};
use ewsim::loader;
use std::path::PathBuf;

/// Arguments of `ewsim validate`.
#[derive(clap::Args)]
pub struct ValidateArgs {
    /// Scenario file (YAML, `version: 1`).
    file: PathBuf,
    /// Price table or override file (YAML) applied over the region's built-in table.
    #[arg(long, value_name = "FILE")]
    pricing: Option<PathBuf>,
}

/// Prints `ok: FILE: ...` (exit 0), or every problem and their count (exit 2).
pub fn run(args: &ValidateArgs) -> Result<(), Failure> {
    let file = args.file.display().to_string();
    let text = loader::read_text(&args.file)?;
    // YAML syntax and shape errors stop here: the rest cannot be read.
    let partial = loader::parse_scenario_partial(&text, &file).map_err(|e| {
        Failure::Input(format!(
            "{}\n{file}: 1 problem",
            crate::failure::diagnostics(&e)
        ))
    })?;
    let pricing = crate::chosen_pricing(
        Some(&args.file),
        &partial.loaded.scenario,
        args.pricing.as_deref(),
    );
    let table = match loader::load_price_table(
        &partial.loaded.scenario.region,
        pricing.as_deref(),
        &crate::pricing_dirs(),
    ) {
        Ok(t) => Ok(t),
        Err(ewsim::Error::Input(e)) => Err(e),
        Err(e) => return Err(e.into()),
    };
    let problems = ewsim::validate::check(&partial, table.as_ref());
    if !problems.is_empty() {
        let n = problems.len();
        let list = crate::failure::diagnostics(&ewsim::InputError {
            diagnostics: problems,
        });
        let s = if n == 1 { "" } else { "s" };
        return Err(Failure::Input(format!("{list}\n{file}: {n} problem{s}")));
    }
    let s = &partial.loaded.scenario;
    write_output(
        None,
        &format!(
            "ok: {file}: {} services, {} traffic edges, {} options\n",
            s.services.len(),
            s.traffic.len(),
            s.options.len()
        ),
    )
    .map_err(Failure::Runtime)
}
