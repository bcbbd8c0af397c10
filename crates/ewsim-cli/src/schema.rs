//! `ewsim schema`: prints the JSON Schema of the scenario format (built by `ewsim::schema`).

use crate::{Failure, write_output};
use std::path::PathBuf;

/// Arguments of `ewsim schema`.
#[derive(clap::Args)]
pub struct SchemaArgs {
    /// Write to FILE instead of standard output (`-`: standard output; see docs/cli.md).
    #[arg(short = 'o', long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Prints (or writes) the schema: pretty JSON, sorted keys, trailing newline.
pub fn run(args: &SchemaArgs) -> Result<(), Failure> {
    write_output(args.out.as_deref(), &ewsim::schema::scenario_schema_json())
}
