//! Which hint heuristic the EndpointSlice reconciler runs for a Service (upstream
//! `staging/src/k8s.io/endpointslice/reconciler.go` `reconcileByAddressType` and `utils.go`
//! `hintsEnabled`; reference §1.2 and §2).
//!
//! Precedence: if the topology annotation enables hints (`Auto`/`auto`), `trafficDistribution`
//! is ignored; with a topology cache, `AddHints` runs, without one all hints are stripped.
//! Otherwise cached topology hints are forgotten (with a `TopologyAwareHintsDisabled` event if
//! they had been populated) and a valid `trafficDistribution` runs
//! [`trafficdist::reconcile_hints`]; anything else strips all hints.

use std::collections::BTreeMap;

use super::cache::{
    EndpointZoneInfo, HintsRemovedReason, TopologyCache, TopologyEvent, remove_hints_from_slices,
};
use super::trafficdist::{self, TrafficDistribution};
use super::{ANNOTATION_TOPOLOGY_AWARE_HINTS, ANNOTATION_TOPOLOGY_MODE, SliceInfo};

/// Controller feature gates that change which heuristic runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ControllerConfig {
    /// `TopologyAwareHints` gate (on by default since 1.24, GA 1.33): the controller has a
    /// topology cache.
    pub topology_cache_enabled: bool,
    /// `ServiceTrafficDistribution` gate (alpha 1.30, on by default 1.31, GA 1.33): the
    /// `trafficDistribution` field is honoured at all.
    pub service_traffic_distribution: bool,
    /// `PreferSameTrafficDistribution` gate (alpha 1.33, beta 1.34, GA 1.35): `PreferSameZone`
    /// and `PreferSameNode` are valid.
    pub prefer_same_traffic_distribution: bool,
}

impl Default for ControllerConfig {
    /// Current upstream defaults: every gate on.
    fn default() -> Self {
        Self {
            topology_cache_enabled: true,
            service_traffic_distribution: true,
            prefer_same_traffic_distribution: true,
        }
    }
}

/// Upstream `hintsEnabled`: the deprecated `topology-aware-hints` key wins when present,
/// otherwise `topology-mode` is read; only the exact values `Auto` and `auto` enable hints.
#[must_use]
pub fn hints_enabled(annotations: &BTreeMap<String, String>) -> bool {
    let value = annotations
        .get(ANNOTATION_TOPOLOGY_AWARE_HINTS)
        .or_else(|| annotations.get(ANNOTATION_TOPOLOGY_MODE));
    matches!(value.map(String::as_str), Some("Auto" | "auto"))
}

/// Which heuristic produced the Service's hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppliedHints {
    /// Topology Aware Routing ran: hinted endpoints per zone, or why all hints were removed.
    TopologyAwareRouting(Result<EndpointZoneInfo, HintsRemovedReason>),
    /// A `trafficDistribution` heuristic wrote own-zone (and own-node) hints.
    TrafficDistribution(TrafficDistribution),
    /// No heuristic applies: all hints were stripped.
    NoHints,
}

/// Outcome of [`reconcile_service_hints`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconcileOutcome {
    /// Heuristic applied and its result.
    pub applied: AppliedHints,
    /// Events upstream would record on the Service.
    pub events: Vec<TopologyEvent>,
}

/// Apply the hint heuristic the reconciler would choose for one Service and address family.
/// Slices in `si` are updated in place.
///
/// `traffic_distribution` is the raw `spec.trafficDistribution` string (unknown values are
/// treated like an unset field).
pub fn reconcile_service_hints(
    cache: &mut TopologyCache,
    service_key: &str,
    annotations: &BTreeMap<String, String>,
    traffic_distribution: Option<&str>,
    config: &ControllerConfig,
    si: &mut SliceInfo,
) -> ReconcileOutcome {
    let auto = hints_enabled(annotations);
    if auto && config.topology_cache_enabled {
        let events = cache.add_hints(service_key, si);
        let result = events
            .iter()
            .find_map(|e| match e {
                TopologyEvent::HintsDisabled(reason) => Some(*reason),
                TopologyEvent::HintsEnabled => None,
            })
            .map_or_else(
                || {
                    Ok(cache
                        .endpoint_zone_info(service_key, si.address_type)
                        .cloned()
                        .unwrap_or_default())
                },
                Err,
            );
        return ReconcileOutcome {
            applied: AppliedHints::TopologyAwareRouting(result),
            events,
        };
    }

    let mut events = Vec::new();
    if config.topology_cache_enabled {
        if cache.has_populated_hints(service_key) {
            events.push(TopologyEvent::HintsDisabled(
                HintsRemovedReason::TopologyAwareHintsDisabled,
            ));
        }
        cache.remove_hints(service_key, si.address_type);
    }

    let heuristic = traffic_distribution
        .and_then(TrafficDistribution::parse)
        .filter(|td| !td.needs_prefer_same_gate() || config.prefer_same_traffic_distribution);
    match heuristic {
        Some(td) if config.service_traffic_distribution && !auto => {
            trafficdist::reconcile_hints(Some(td), si);
            ReconcileOutcome {
                applied: AppliedHints::TrafficDistribution(td),
                events,
            }
        }
        _ => {
            // Upstream either calls RemoveHintsFromSlices or runs the default trafficdist
            // heuristic; both clear every hint and move hinted unchanged slices to update.
            remove_hints_from_slices(si);
            ReconcileOutcome {
                applied: AppliedHints::NoHints,
                events,
            }
        }
    }
}
