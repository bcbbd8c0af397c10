//! Errors: problems in user input, each with where it is and what to do about it
//! ([`Diagnostic`], [`InputError`]), and the crate's one error type ([`Error`]).
//!
//! A diagnostic names *what* is wrong in structured form ([`Field`]: a scenario path such as
//! `traffic[0].to`, or an [`Input`] given outside the scenario such as the traffic volume of a
//! quick calculation) and never how a front end spells it: the `ewsim` command maps an [`Input`]
//! to its flag, another caller to its own parameter names.

use std::fmt;

/// A position in a source file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// File name as given by the caller (or `<scenario>` for in-memory text).
    pub file: String,
    /// 1-based line; 0 when only the file is known.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Line 0: the value has no recorded position (e.g. in a price file); name the file only.
        if self.line == 0 {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}:{}", self.file, self.line, self.column)
        }
    }
}

/// An input given outside the scenario file: the parameters of a quick calculation
/// ([`crate::calc::CalcInput`]), of a simulation run, of a budget gate, of a sweep or of a
/// recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Input {
    /// Monthly traffic volume (or range) of a quick calculation.
    Traffic,
    /// Number of zones of a quick calculation.
    Zones,
    /// AWS region of a quick calculation.
    Region,
    /// Average request + response size of a quick calculation.
    RequestSize,
    /// Replicas per service of a quick calculation.
    Replicas,
    /// Nodes per zone of a quick calculation.
    NodesPerZone,
    /// Node instance type of a quick calculation.
    InstanceType,
    /// Option kinds of a quick calculation.
    Options,
    /// Calling service of a quick calculation.
    From,
    /// Called service of a quick calculation.
    To,
    /// Simulated requests per option.
    Samples,
    /// Draws of the scenario's ranges.
    Draws,
    /// Largest monthly cost of a budget gate.
    MaxUsd,
    /// Largest p99 latency of a budget gate.
    MaxP99Ms,
    /// The option a budget gate holds.
    GateOption,
    /// Required capabilities of a recommendation.
    Require,
    /// The value a sweep steps and its range.
    Sweep,
    /// Number of sweep steps.
    Steps,
    /// An option picked by name outside the scenario (e.g. the option to explain).
    OptionName,
}

impl Input {
    /// A neutral name of the input (`traffic`, `request_size`...), for messages outside a front
    /// end that knows its own spelling.
    pub fn name(self) -> &'static str {
        match self {
            Input::Traffic => "traffic",
            Input::Zones => "zones",
            Input::Region => "region",
            Input::RequestSize => "request_size",
            Input::Replicas => "replicas",
            Input::NodesPerZone => "nodes_per_zone",
            Input::InstanceType => "instance_type",
            Input::Options => "options",
            Input::From => "from",
            Input::To => "to",
            Input::Samples => "samples",
            Input::Draws => "draws",
            Input::MaxUsd => "max_usd",
            Input::MaxP99Ms => "max_p99_ms",
            Input::GateOption => "gate_option",
            Input::Require => "require",
            Input::Sweep => "sweep",
            Input::Steps => "steps",
            Input::OptionName => "option",
        }
    }
}

/// Where a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Field {
    /// A scenario value by path, e.g. `traffic[0].to` (empty: the document as a whole).
    Scenario(String),
    /// An input given outside the scenario.
    Input(Input),
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where the problem is in its file, when known.
    pub location: Option<Location>,
    /// What the problem is about.
    pub field: Field,
    /// One-line cause.
    pub message: String,
    /// What to do about it, when there is something useful to say.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A problem at a scenario path; the loader attaches the location.
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            location: None,
            field: Field::Scenario(path.into()),
            message: message.into(),
            hint: None,
        }
    }

    /// A problem with an input given outside the scenario.
    pub fn input(input: Input, message: impl Into<String>) -> Self {
        Diagnostic {
            location: None,
            field: Field::Input(input),
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The scenario path the problem is at (empty for an [`Input`] or the whole document).
    pub fn path(&self) -> &str {
        match &self.field {
            Field::Scenario(p) => p,
            Field::Input(_) => "",
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:column: path: message (hint: ...)`, each part when known; an [`Input`] shows
    /// its neutral name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{loc}: ")?;
        }
        match &self.field {
            Field::Scenario(p) if !p.is_empty() => write!(f, "{p}: ")?,
            Field::Scenario(_) => {}
            Field::Input(i) => write!(f, "{}: ", i.name())?,
        }
        write!(f, "{}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

/// Invalid input: every problem found, in file order where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// All problems found (at least one).
    pub diagnostics: Vec<Diagnostic>,
}

impl InputError {
    /// An error with one problem.
    pub fn single(d: Diagnostic) -> Self {
        InputError {
            diagnostics: vec![d],
        }
    }
}

impl fmt::Display for InputError {
    /// One problem per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Everything that can go wrong in ewsim's public entry points.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The input is invalid: every problem found, each located where it has a location.
    Input(InputError),
    /// A file could not be read (missing, permissions) or is not text.
    Io {
        /// The file, as given.
        path: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The latency model could not be built or simulated.
    Latency(LatencyError),
}

impl Error {
    /// The input problems, when the error is invalid input.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Input(e) => &e.diagnostics,
            _ => &[],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(e) => write!(f, "{e}"),
            Error::Io { path, source } => write!(f, "cannot read {path}: {source}"),
            Error::Latency(e) => write!(f, "latency simulation: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Input(e) => Some(e),
            Error::Io { source, .. } => Some(source),
            Error::Latency(e) => Some(e),
        }
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(e)
    }
}

impl From<LatencyError> for Error {
    fn from(e: LatencyError) -> Self {
        Error::Latency(e)
    }
}

/// Everything that can go wrong while loading, validating, compiling or simulating latency models.
#[derive(Debug, Clone, PartialEq)]
pub enum LatencyError {
    /// A distribution or catalogue entry failed validation.
    InvalidSpec {
        /// Where the problem is (e.g. `hops[3] 'net.same_az' .dist.sigma`).
        at: String,
        /// What is wrong, with the offending value.
        reason: String,
    },
    /// A YAML document could not be parsed.
    Parse {
        /// What was being parsed (e.g. "embedded latency/eks-defaults.yaml").
        what: String,
        /// The parser's message (includes line/column when available).
        message: String,
    },
    /// A hop name that is not in the catalogue.
    UnknownHop {
        /// The name that was looked up.
        name: String,
    },
    /// A path model or simulation configuration that cannot be run.
    InvalidModel {
        /// Why it cannot be run.
        reason: String,
    },
}

impl LatencyError {
    pub(crate) fn spec(at: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidSpec {
            at: at.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn model(reason: impl Into<String>) -> Self {
        Self::InvalidModel {
            reason: reason.into(),
        }
    }
}

impl fmt::Display for LatencyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidSpec { at, reason } => write!(f, "invalid latency spec at {at}: {reason}"),
            Self::Parse { what, message } => write!(f, "cannot parse {what}: {message}"),
            Self::UnknownHop { name } => write!(f, "unknown hop '{name}' in the latency catalogue"),
            Self::InvalidModel { reason } => write!(f, "invalid latency model: {reason}"),
        }
    }
}

impl std::error::Error for LatencyError {}
