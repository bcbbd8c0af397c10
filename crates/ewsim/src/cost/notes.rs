//! Which traffic edges each of an option's notes is about, so that every format can name the
//! option and the edge of a note.
//!
//! A note a route wrote (hints removed, locality without effect, an assumed cross-zone share) is
//! about the edges whose routes carry it; a note the pricing wrote (capacity-unit dimensions,
//! request charges not counted) is about the option as a whole.

use super::evaluate::{EdgeReport, OptionReport};

/// One note of an option and the traffic edges (indices in scenario order) it is about; no edge
/// means the whole option.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Note<'a> {
    /// The note's text.
    pub text: &'a str,
    /// Indices of the edges it is about, ascending; empty for the whole option.
    pub edges: Vec<usize>,
}

impl EdgeReport {
    /// `from -> to`: how every format names a traffic edge.
    pub fn label(&self) -> String {
        format!("{} -> {}", self.from, self.to)
    }
}

impl OptionReport {
    /// The option's notes (in their sorted order, then route notes the pricing did not repeat),
    /// each with the edges it is about.
    pub fn attributed_notes(&self) -> Vec<Note<'_>> {
        let mut texts: Vec<&str> = self.cost.notes.iter().map(String::as_str).collect();
        for e in &self.edges {
            for n in &e.route.notes {
                if !texts.contains(&n.as_str()) {
                    texts.push(n);
                }
            }
        }
        texts
            .into_iter()
            .map(|text| Note {
                text,
                edges: self
                    .edges
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.route.notes.iter().any(|n| n == text))
                    .map(|(k, _)| k)
                    .collect(),
            })
            .collect()
    }

    /// The notes about edge `k` alone or among others (route notes).
    pub fn edge_notes(&self, k: usize) -> Vec<&str> {
        self.edges
            .get(k)
            .map(|e| e.route.notes.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }
}
