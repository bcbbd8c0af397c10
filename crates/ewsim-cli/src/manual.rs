//! `ewsim completions SHELL` and `ewsim man [SUBCOMMAND]`: the shell completion script
//! (clap_complete) and the man pages (clap_mangen), both generated from the argument definitions
//! so they never disagree with `--help`.

use crate::Failure;
use clap::Command;
use clap_complete::Shell;
use std::io::Write;

/// Arguments of `ewsim completions`.
#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_enum)]
    shell: Shell,
}

/// Arguments of `ewsim man`.
#[derive(clap::Args)]
pub struct ManArgs {
    /// A subcommand whose page to print (`ewsim-run(1)`); without it, the page of `ewsim(1)`,
    /// which lists every subcommand.
    #[arg(value_name = "SUBCOMMAND")]
    subcommand: Option<String>,
}

/// Prints the completion script of `cmd` for the shell.
pub fn completions(args: &CompletionsArgs, mut cmd: Command) -> Result<(), Failure> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "ewsim", &mut out);
    crate::write_bytes(&out)
}

/// Prints the man page of `cmd`, or of one of its subcommands.
pub fn man(args: &ManArgs, cmd: Command) -> Result<(), Failure> {
    let page = match &args.subcommand {
        None => cmd,
        Some(name) => {
            let names: Vec<String> = cmd
                .get_subcommands()
                .map(|s| s.get_name().to_string())
                .collect();
            let Some(sub) = cmd.find_subcommand(name) else {
                return Err(Failure::Input(format!(
                    "error: no subcommand `{name}` (hint: one of {})",
                    names.join(", ")
                )));
            };
            let full = format!("ewsim-{}", sub.get_name());
            sub.clone()
                .name(full)
                .bin_name(format!("ewsim {name}"))
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut out)
        .and_then(|_| out.flush())
        .map_err(|e| Failure::Runtime(format!("error: cannot render the man page: {e}")))?;
    crate::write_bytes(&out)
}
