//! Where a figure comes from: every price, latency catalogue entry and capability value carries
//! a source, a date and, where stated, a confidence, read through one type ([`Provenance`]).

use serde::{Deserialize, Serialize};

/// Confidence in a figure (reference §0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// Vendor/first-party measurement or price list, with stated conditions.
    High,
    /// Credible third party or read from a chart.
    Medium,
    /// Between low and medium.
    LowMedium,
    /// Secondary/anecdotal or an engineering assumption.
    Low,
}

impl Confidence {
    /// The spelling in data files.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::LowMedium => "low-medium",
            Confidence::Low => "low",
        }
    }

    /// Reads the spelling in data files.
    pub fn parse(s: &str) -> Option<Confidence> {
        [
            Confidence::High,
            Confidence::Medium,
            Confidence::LowMedium,
            Confidence::Low,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// A figure's source, date and confidence.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Provenance {
    /// Source id (see the table's `sources:`) or a free-text origin.
    pub source: String,
    /// Date of the figure, or `n.d.`.
    pub as_of: String,
    /// Confidence, when stated.
    pub confidence: Option<Confidence>,
}

impl Provenance {
    /// A provenance from its parts.
    pub fn new(
        source: impl Into<String>,
        as_of: impl Into<String>,
        confidence: Option<Confidence>,
    ) -> Self {
        Provenance {
            source: source.into(),
            as_of: as_of.into(),
            confidence,
        }
    }
}
