//! `ewsim explain --observed FILE`: the hints ewsim computes for each Service of a kubectl
//! export next to the hints its EndpointSlices carry, per zone, and why they can differ (the
//! comparison is `ewsim::import::hints`).

use crate::{Failure, write_output};
use ewsim::import::hints::{DifferenceCause, HintMatch, ServiceHints, compare_hints};
use ewsim::import::kubectl::InventoryReader;
use std::collections::BTreeMap;

fn counts(m: &BTreeMap<String, u32>) -> String {
    let total: u32 = m.values().sum();
    if total == 0 {
        return "0".into();
    }
    let parts: Vec<String> = m.iter().map(|(z, n)| format!("{n} in {z}")).collect();
    format!("{total} ({})", parts.join(", "))
}

fn verdict(m: HintMatch) -> &'static str {
    match m {
        HintMatch::Same => "same hints",
        HintMatch::SameCountsOtherEndpoints => "same counts per zone, other endpoints serve them",
        HintMatch::MissingInCluster => "ewsim computes hints, the cluster's slices have none",
        HintMatch::OnlyInCluster => "the cluster's slices have hints, ewsim computes none",
        HintMatch::OtherAllocation => "hints differ",
    }
}

fn cause(c: DifferenceCause) -> &'static str {
    match c {
        DifferenceCause::EarlierAllocation => {
            "the controller keeps hints from an earlier allocation until it next reconciles the \
             Service (node changes alone do not rewrite slices)"
        }
        DifferenceCause::ChangeInFlight => {
            "a change in flight: pods starting or terminating, an annotation or \
             trafficDistribution just changed, or slices not yet rewritten when the export was taken"
        }
        DifferenceCause::SliceOrder => {
            "endpoints in several slices are allocated slice by slice, in the controller's order"
        }
        DifferenceCause::VersionOrFeatureGate => {
            "the cluster's Kubernetes version or feature gates do not write these hints \
             (trafficDistribution 1.31+, PreferSameZone/PreferSameNode 1.34+)"
        }
    }
}

fn render(all: &[ServiceHints]) -> String {
    let mut o = String::new();
    for s in all {
        o.push_str(&format!("{}: {}\n", s.service, verdict(s.matches)));
        o.push_str(&format!("  computed {}\n", s.computed_state));
        o.push_str(&format!(
            "  slices: {}\n",
            if s.slices.is_empty() {
                "none in the export".to_string()
            } else {
                s.slices.join(", ")
            }
        ));
        o.push_str("  ready endpoints hinted for each zone: computed | observed\n");
        for z in &s.zones {
            o.push_str(&format!(
                "    {}: {} | {}\n",
                z.zone,
                counts(&z.computed),
                counts(&z.observed)
            ));
        }
        if s.matches != HintMatch::Same {
            for e in s.endpoints.iter().filter(|e| e.ready) {
                let h = |v: &Option<Vec<String>>| match v {
                    Some(z) if !z.is_empty() => z.join(","),
                    _ => "-".into(),
                };
                if h(&e.computed) != h(&e.observed) {
                    o.push_str(&format!(
                        "    endpoint {} ({}): computed {} | observed {}\n",
                        e.address,
                        e.zone.as_deref().unwrap_or("no zone"),
                        h(&e.computed),
                        h(&e.observed)
                    ));
                }
            }
            for c in &s.causes {
                o.push_str(&format!("  why this can happen: {}\n", cause(*c)));
            }
        }
    }
    o
}

/// Reads the export(s) and prints the comparison.
pub fn run(files: &[String]) -> Result<(), Failure> {
    let mut reader = InventoryReader::new();
    for name in files {
        let text = crate::import::read_all(name)?;
        let doc = if name == "-" { "<stdin>" } else { name };
        reader
            .add_document(doc, &text)
            .map_err(|e| crate::import::located(&e))?;
    }
    let inv = reader.finish().map_err(|e| crate::import::located(&e))?;
    write_output(
        None,
        &crate::render::Format::Table.inert(render(&compare_hints(&inv))),
    )
}
