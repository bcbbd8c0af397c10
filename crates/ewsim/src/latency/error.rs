//! Error type of the latency engine.

use std::fmt;

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
