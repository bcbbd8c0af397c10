//! Source positions by scenario path (`traffic[0].to` -> file:line:column).

use crate::error::{Diagnostic, Location};
use std::collections::BTreeMap;

/// Source positions by scenario path.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    file: String,
    pub(super) positions: BTreeMap<String, Location>,
}

impl SourceMap {
    /// An empty map for a scenario built in code (diagnostics then carry paths only).
    pub fn empty(file: &str) -> Self {
        SourceMap {
            file: file.to_string(),
            positions: BTreeMap::new(),
        }
    }

    pub(super) fn record(&mut self, path: &str, loc: &serde_saphyr::Location) {
        if loc.line() > 0 {
            self.positions.insert(
                path.to_string(),
                Location {
                    file: self.file.clone(),
                    line: loc.line(),
                    column: loc.column(),
                },
            );
        }
    }

    /// The file name diagnostics carry.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The position of a path, or of its nearest recorded parent.
    pub fn locate(&self, path: &str) -> Option<Location> {
        let mut p = path;
        loop {
            if let Some(l) = self.positions.get(p) {
                return Some(l.clone());
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// Attaches positions to diagnostics that lack one and sorts them in file order.
    pub fn resolve(&self, mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        for d in &mut diags {
            if d.location.is_none() {
                d.location = self.locate(d.path());
            }
        }
        diags.sort_by_key(|d| {
            d.location
                .as_ref()
                .map(|l| (l.line, l.column))
                .unwrap_or((u64::MAX, 0))
        });
        diags
    }
}
