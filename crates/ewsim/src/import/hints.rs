//! Observed vs computed topology hints: for each Service with a selector, the hints ewsim's port
//! of the EndpointSlice controller writes for the endpoints and nodes in the export
//! ([`crate::topology::route_service`], starting from scratch), next to the hints the cluster's
//! EndpointSlices carry, per endpoint and per zone, and, where they differ, the reasons that can
//! explain it.
//!
//! Why a live cluster can differ from a fresh computation (reference/k8s-routing.md §1):
//! - the controller recomputes hints only when it reconciles the Service (an endpoint, slice or
//!   Service change; node changes reach it through its topology cache on the next reconcile), so
//!   hints allocated before the latest node change (CPU, Ready, nodes added or removed) stay
//!   until then: an earlier allocation;
//! - a change in flight: pods starting or terminating, an annotation or `trafficDistribution`
//!   just changed, slices not yet rewritten when the export was taken (objects are read one kind
//!   after another, not at one instant);
//! - a Service's endpoints in several slices are allocated slice by slice, in the controller's
//!   order, so which endpoint serves which zone may differ while the counts per zone agree;
//! - the cluster's version or feature gates: `trafficDistribution` needs Kubernetes 1.31+
//!   (`PreferSameZone` / `PreferSameNode` 1.34+), Topology Aware Routing needs the topology
//!   cache; without them no hints are written.

use super::inventory::{ClusterIp, Inventory};
use crate::topology::{
    AppliedHints, ControllerConfig, Endpoint, EndpointHints, Node, ProxyConfig, ServiceSpec,
    TrafficPolicy, route_service,
};
use std::collections::BTreeMap;

/// One endpoint's hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointHintRow {
    /// Its address.
    pub address: String,
    /// Its zone.
    pub zone: Option<String>,
    /// Ready (unset counts as not ready, as the controller reads it).
    pub ready: bool,
    /// Zones ewsim hints it for (`None`: no hints).
    pub computed: Option<Vec<String>>,
    /// Zones the cluster's slice hints it for.
    pub observed: Option<Vec<String>>,
}

/// Per client zone: how many ready endpoints are hinted for it, by endpoint zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneHintRow {
    /// The client zone.
    pub zone: String,
    /// Computed: endpoint zone -> ready endpoints hinted for `zone`.
    pub computed: BTreeMap<String, u32>,
    /// Observed: endpoint zone -> ready endpoints hinted for `zone`.
    pub observed: BTreeMap<String, u32>,
}

/// How the hints compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HintMatch {
    /// Every endpoint carries the same zone hints.
    Same,
    /// The counts per zone agree but other endpoints serve them.
    SameCountsOtherEndpoints,
    /// ewsim computes hints, the cluster has none.
    MissingInCluster,
    /// The cluster has hints, ewsim computes none.
    OnlyInCluster,
    /// Both have hints, with other counts per zone.
    OtherAllocation,
}

/// What can explain a difference (module docs give the details).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DifferenceCause {
    /// Hints allocated before the latest node change stay until the next reconcile.
    EarlierAllocation,
    /// Pods, annotations or slices changing while the export was taken.
    ChangeInFlight,
    /// Endpoints spread over several slices are allocated slice by slice.
    SliceOrder,
    /// The cluster's version or feature gates do not write these hints.
    VersionOrFeatureGate,
}

/// The comparison for one Service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceHints {
    /// `namespace/name`.
    pub service: String,
    /// The computed hints state (heuristic and per-zone counts, or why they were removed).
    pub computed_state: String,
    /// The heuristic ewsim applied.
    pub applied: AppliedHints,
    /// The EndpointSlices read.
    pub slices: Vec<String>,
    /// Per client zone (every zone of the nodes or endpoints, sorted).
    pub zones: Vec<ZoneHintRow>,
    /// Per endpoint, slice by slice.
    pub endpoints: Vec<EndpointHintRow>,
    /// The verdict.
    pub matches: HintMatch,
    /// Possible causes when they differ (empty when the same).
    pub causes: Vec<DifferenceCause>,
}

fn per_zone(rows: &[EndpointHintRow], observed: bool, zone: &str) -> BTreeMap<String, u32> {
    let mut m = BTreeMap::new();
    for r in rows.iter().filter(|r| r.ready) {
        let hints = if observed { &r.observed } else { &r.computed };
        if hints.as_ref().is_some_and(|h| h.iter().any(|z| z == zone)) {
            *m.entry(r.zone.clone().unwrap_or_default()).or_insert(0) += 1;
        }
    }
    m
}

/// Compares computed and observed hints for every Service with a selector in the inventory.
pub fn compare_hints(inv: &Inventory) -> Vec<ServiceHints> {
    let nodes: Vec<Node> = inv
        .nodes
        .iter()
        .map(|n| Node {
            name: n.name.clone(),
            zone: n.zone.clone(),
            allocatable_cpu_milli: n.allocatable_cpu_millis.unwrap_or(0),
            ready: n.ready,
            control_plane: n.control_plane,
        })
        .collect();
    let mut out = Vec::new();
    let mut services: Vec<_> = inv.services.iter().filter(|s| s.has_selector()).collect();
    services.sort_by_key(|s| s.key());
    for svc in services {
        let mut slices: Vec<_> = inv
            .endpoint_slices
            .iter()
            .filter(|s| {
                s.namespace == svc.namespace
                    && s.service.as_deref() == Some(svc.name.as_str())
                    && s.address_type != "FQDN"
            })
            .collect();
        slices.sort_by(|a, b| a.name.cmp(&b.name));
        let mut rows = Vec::new();
        let mut endpoints = Vec::new();
        for ep in slices.iter().flat_map(|s| s.endpoints.iter()) {
            let ready = ep.ready.unwrap_or(false);
            endpoints.push(Endpoint {
                address: ep.addresses.first().cloned().unwrap_or_default(),
                node_name: ep.node_name.clone(),
                zone: ep.zone.clone(),
                ready,
                serving: ep.serving.unwrap_or(ready),
                terminating: ep.terminating.unwrap_or(false),
                hints: None,
            });
            rows.push(EndpointHintRow {
                address: ep.addresses.first().cloned().unwrap_or_default(),
                zone: ep.zone.clone(),
                ready,
                computed: None,
                observed: ep.for_zones.clone(),
            });
        }
        let spec = ServiceSpec {
            name: svc.key(),
            annotations: svc.annotations.clone(),
            traffic_distribution: svc.traffic_distribution.clone(),
            internal_traffic_policy: if svc.internal_traffic_policy.as_deref() == Some("Local") {
                TrafficPolicy::Local
            } else {
                TrafficPolicy::Cluster
            },
            external_traffic_policy: TrafficPolicy::Cluster,
            externally_accessible: svc.service_type != "ClusterIP",
            headless: svc.cluster_ip == ClusterIp::Headless,
        };
        let routed = route_service(
            &nodes,
            &endpoints,
            &spec,
            &ControllerConfig::default(),
            &ProxyConfig::default(),
        );
        for (row, ep) in rows.iter_mut().zip(&routed.endpoints) {
            row.computed = ep
                .hints
                .as_ref()
                .map(|h: &EndpointHints| h.for_zones.clone());
        }
        let mut zone_names: Vec<String> = nodes
            .iter()
            .filter_map(|n| n.zone.clone())
            .chain(rows.iter().filter_map(|r| r.zone.clone()))
            .collect();
        zone_names.sort();
        zone_names.dedup();
        let zones: Vec<ZoneHintRow> = zone_names
            .iter()
            .map(|z| ZoneHintRow {
                zone: z.clone(),
                computed: per_zone(&rows, false, z),
                observed: per_zone(&rows, true, z),
            })
            .collect();
        let hinted = |observed: bool| {
            rows.iter().filter(|r| r.ready).any(|r| {
                let h = if observed { &r.observed } else { &r.computed };
                h.as_ref().is_some_and(|v| !v.is_empty())
            })
        };
        let same_rows = rows.iter().all(|r| {
            let norm = |h: &Option<Vec<String>>| h.clone().filter(|v| !v.is_empty());
            !r.ready || norm(&r.computed) == norm(&r.observed)
        });
        let same_counts = zones.iter().all(|z| z.computed == z.observed);
        let (matches, causes) = match (hinted(false), hinted(true)) {
            _ if same_rows => (HintMatch::Same, vec![]),
            (true, false) => (
                HintMatch::MissingInCluster,
                vec![
                    DifferenceCause::ChangeInFlight,
                    DifferenceCause::VersionOrFeatureGate,
                ],
            ),
            (false, true) => (
                HintMatch::OnlyInCluster,
                vec![
                    DifferenceCause::EarlierAllocation,
                    DifferenceCause::ChangeInFlight,
                ],
            ),
            _ if same_counts => (
                HintMatch::SameCountsOtherEndpoints,
                vec![
                    DifferenceCause::SliceOrder,
                    DifferenceCause::EarlierAllocation,
                ],
            ),
            _ => (
                HintMatch::OtherAllocation,
                vec![
                    DifferenceCause::EarlierAllocation,
                    DifferenceCause::ChangeInFlight,
                ],
            ),
        };
        out.push(ServiceHints {
            service: svc.key(),
            computed_state: crate::routing::hints_state(&routed.hints, &spec),
            applied: routed.hints,
            slices: slices.iter().map(|s| s.name.clone()).collect(),
            zones,
            endpoints: rows,
            matches,
            causes,
        });
    }
    out
}
