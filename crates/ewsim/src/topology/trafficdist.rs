//! `spec.trafficDistribution` hints (upstream `staging/src/k8s.io/endpointslice/trafficdist/
//! trafficdist.go`, `ReconcileHints`; reference §2).
//!
//! PreferClose / PreferSameZone: every **ready** endpoint gets `forZones = [own zone]` when it has
//! a zone. PreferSameNode additionally gets `forNodes = [own nodeName]` (the zone hint is kept so
//! older proxies fall back to same-zone, KEP-3015). A ready endpoint for which neither applies gets
//! no hints object. Not-ready endpoints keep whatever they had. Any other value (or none) is the
//! "default heuristic": every hint is removed. No CPU, no threshold, no minimum count.

use super::{Endpoint, EndpointHints, EndpointSlice, SliceInfo};

/// Recognised `spec.trafficDistribution` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TrafficDistribution {
    /// `PreferClose` (1.30+; since 1.35 a deprecated alias of `PreferSameZone`).
    PreferClose,
    /// `PreferSameZone` (KEP-3015; gate `PreferSameTrafficDistribution`).
    PreferSameZone,
    /// `PreferSameNode` (KEP-3015; gate `PreferSameTrafficDistribution`).
    PreferSameNode,
}

impl TrafficDistribution {
    /// Parse the exact upstream spelling; any other string (including case variants) is `None`,
    /// which the controller treats like an unset field.
    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "PreferClose" => Some(Self::PreferClose),
            "PreferSameZone" => Some(Self::PreferSameZone),
            "PreferSameNode" => Some(Self::PreferSameNode),
            _ => None,
        }
    }

    /// Upstream spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PreferClose => "PreferClose",
            Self::PreferSameZone => "PreferSameZone",
            Self::PreferSameNode => "PreferSameNode",
        }
    }

    /// Whether the value requires the `PreferSameTrafficDistribution` feature gate
    /// (alpha 1.33, beta 1.34, GA 1.35; reference §2 `validTrafficDistribution`).
    #[must_use]
    pub fn needs_prefer_same_gate(self) -> bool {
        matches!(self, Self::PreferSameZone | Self::PreferSameNode)
    }

    /// The hints this heuristic wants on a **ready** endpoint (`None` = no hints object).
    #[must_use]
    pub fn desired_hints(self, ep: &Endpoint) -> Option<EndpointHints> {
        // Upstream checks `endpoint.Zone != nil` / `NodeName != nil` only, so an empty string
        // still counts as present.
        let for_zones: Vec<String> = ep.zone.iter().cloned().collect();
        let for_nodes: Vec<String> = match self {
            Self::PreferSameNode => ep.node_name.iter().cloned().collect(),
            Self::PreferClose | Self::PreferSameZone => Vec::new(),
        };
        if for_zones.is_empty() && for_nodes.is_empty() {
            None
        } else {
            Some(EndpointHints {
                for_zones,
                for_nodes,
            })
        }
    }
}

/// Whether a slice needs rewriting under `heuristic` (`None` = default heuristic).
fn needs_update(heuristic: Option<TrafficDistribution>, slice: &EndpointSlice) -> bool {
    match heuristic {
        None => slice.endpoints.iter().any(|e| e.hints.is_some()),
        Some(h) => slice
            .endpoints
            .iter()
            .filter(|e| e.ready)
            .any(|e| e.hints != h.desired_hints(e)),
    }
}

fn update(heuristic: Option<TrafficDistribution>, slice: &mut EndpointSlice) {
    for ep in &mut slice.endpoints {
        match heuristic {
            None => ep.hints = None,
            Some(h) if ep.ready => ep.hints = h.desired_hints(ep),
            Some(_) => {}
        }
    }
}

/// Reconcile hints for `trafficDistribution` (upstream `trafficdist.ReconcileHints`).
///
/// `heuristic = None` is the default heuristic (unset or unrecognised value): remove all hints.
/// Unchanged slices whose hints differ from what the heuristic wants are moved (appended) to
/// `to_update`; then every `to_create` and `to_update` slice is rewritten.
pub fn reconcile_hints(heuristic: Option<TrafficDistribution>, si: &mut SliceInfo) {
    let mut still_unchanged = Vec::with_capacity(si.unchanged.len());
    for slice in std::mem::take(&mut si.unchanged) {
        if needs_update(heuristic, &slice) {
            si.to_update.push(slice);
        } else {
            still_unchanged.push(slice);
        }
    }
    si.unchanged = still_unchanged;
    for slice in si.to_create.iter_mut().chain(si.to_update.iter_mut()) {
        update(heuristic, slice);
    }
}
