//! Why a command failed, its exit code, and how the library's errors read on the command line:
//! each diagnostic as `file:line:column: error: what: message (hint: ...)`, with the flag that
//! set an input (`--traffic`) where the library names the input ([`ewsim::error::Input`]).

use ewsim::error::{Diagnostic, Field, Input};
use ewsim::{Error, InputError};

/// Why a command failed, mapped to its exit code (see `EXIT_CODES`): 0 success, 1 runtime
/// failure, 2 invalid input, 3 budget exceeded.
pub enum Failure {
    /// Exit 1: the input was fine but something failed (unreadable file, unwritable output).
    Runtime(String),
    /// Exit 2: invalid input (scenario, report, flag); nothing was written.
    Input(String),
    /// Exit 3: a `--fail-above-*` budget was exceeded; the report was written in full first.
    Gate(String),
    /// Exit 0, nothing printed: the reader of standard output (or of a FIFO) closed it
    /// (`ewsim run ... | head -1`), so there is no one left to tell.
    Closed,
}

/// The flag of `ewsim` that sets an input.
pub fn flag(input: Input) -> &'static str {
    match input {
        Input::Traffic => "--traffic",
        Input::Zones => "--zones",
        Input::Region => "--region",
        Input::RequestSize => "--request-size",
        Input::Replicas => "--replicas",
        Input::NodesPerZone => "--nodes-per-zone",
        Input::InstanceType => "--instance-type",
        Input::Options => "--options",
        Input::From => "--from",
        Input::To => "--to",
        Input::Samples => "--samples",
        Input::Draws => "--draws",
        Input::MaxUsd => "--fail-above-usd",
        Input::MaxP99Ms => "--fail-above-p99-ms",
        Input::GateOption => "--gate-option",
        Input::Require => "--require",
        Input::Sweep => "--set",
        Input::Steps => "--steps",
        Input::OptionName => "--option",
        _ => "an argument",
    }
}

/// One diagnostic as the command line prints it.
pub fn diagnostic(d: &Diagnostic) -> String {
    let mut out = String::new();
    if let Some(loc) = &d.location {
        out.push_str(&format!("{loc}: "));
    }
    out.push_str("error: ");
    match &d.field {
        Field::Input(i) => out.push_str(&format!("{}: ", flag(*i))),
        Field::Scenario(p) if !p.is_empty() => out.push_str(&format!("{p}: ")),
        _ => {}
    }
    out.push_str(&d.message);
    if let Some(h) = &d.hint {
        out.push_str(&format!(" (hint: {h})"));
    }
    out
}

/// Every diagnostic, one per line.
pub fn diagnostics(e: &InputError) -> String {
    e.diagnostics
        .iter()
        .map(diagnostic)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Invalid input, its diagnostics located in `loaded`'s file when given.
pub fn input(e: InputError, loaded: Option<&ewsim::loader::LoadedScenario>) -> Failure {
    let e = match loaded {
        Some(l) => InputError {
            diagnostics: l.source_map.resolve(e.diagnostics),
        },
        None => e,
    };
    Failure::Input(diagnostics(&e))
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e {
            Error::Input(i) => Failure::Input(diagnostics(&i)),
            Error::Io { path, source } => {
                Failure::Runtime(format!("error: cannot read {path}: {source}"))
            }
            Error::Latency(l) => Failure::Runtime(format!("error: latency simulation: {l}")),
            other => Failure::Runtime(format!("error: {other}")),
        }
    }
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Failure::Input(diagnostics(&e))
    }
}
