//! [`ObservedCluster`]: a pure function of the [`Inventory`]: zones, node groups, one service
//! per Kubernetes Service with a selector (its Ready pods per zone, its routing today, the hints
//! its EndpointSlices carry) and the address book the traffic readers use.
//!
//! Rules:
//! - zones: the distinct `topology.kubernetes.io/zone` labels of all nodes, sorted;
//! - node groups: nodes grouped by (zone, instance type, allocatable CPU), so a zone holds
//!   several groups when types or CPU differ; each counts Ready and control-plane nodes;
//!   nodes without a zone label form groups with zone `None` and are counted as unlabeled;
//! - a Service with a selector becomes `namespace/name`; selector-less ones are listed in
//!   `skipped_services` (their endpoint addresses are a class in the address book);
//! - placement: live pods the selector matches with condition Ready, counted per zone of
//!   their node (no node or no zone label: `ready_pods_without_zone`);
//! - hints: every endpoint of the Service's EndpointSlices (label `kubernetes.io/service-name`,
//!   same namespace), with its zone, node, ready and the zones/nodes its hints name, and per
//!   endpoint zone how many ready endpoints are hinted for each zone: data for a later
//!   "observed vs computed hints" comparison;
//! - workloads: each pod's Istio workload name (see [`crate::import::kubectl`]) maps to the
//!   Services selecting its pods, the rule the Prometheus reader uses.

use super::addresses::AddressBook;
pub use super::addresses::AddressOwner;
use super::inventory::{Inventory, ServicePort};
pub use super::routing::{LbTarget, Routing, RoutingDetection, RoutingNote, TrafficDistribution};
use std::collections::{BTreeMap, BTreeSet};

/// Nodes of one zone with the same instance type and allocatable CPU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeGroup {
    /// Zone label (`None`: unlabeled).
    pub zone: Option<String>,
    /// Instance-type label.
    pub instance_type: Option<String>,
    /// Allocatable CPU per node in millicores.
    pub allocatable_cpu_millis: Option<u64>,
    /// Nodes in the group.
    pub count: u32,
    /// Of which Ready.
    pub ready: u32,
    /// Of which control-plane.
    pub control_plane: u32,
}

/// One endpoint as its EndpointSlice records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HintedEndpoint {
    /// First address.
    pub address: String,
    /// `zone`.
    pub zone: Option<String>,
    /// `nodeName`.
    pub node: Option<String>,
    /// `conditions.ready` as written.
    pub ready: Option<bool>,
    /// Zones named by `hints.forZones` (`None`: no hints).
    pub for_zones: Option<Vec<String>>,
    /// Nodes named by `hints.forNodes`.
    pub for_nodes: Option<Vec<String>>,
}

/// The hints a Service's EndpointSlices carry today.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObservedHints {
    /// EndpointSlice names.
    pub slices: Vec<String>,
    /// Every endpoint, slice by slice.
    pub endpoints: Vec<HintedEndpoint>,
    /// For ready endpoints (`ready` true or unset): endpoint zone -> hinted zone -> count.
    pub by_zone: BTreeMap<String, BTreeMap<String, u32>>,
    /// Ready endpoints without any zone hint (kube-proxy then ignores all hints).
    pub ready_without_hints: u32,
}

/// A Kubernetes Service with a selector, as observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedService {
    /// `namespace/name`.
    pub name: String,
    /// `spec.ports`.
    pub ports: Vec<ServicePort>,
    /// Ready selected pods per zone (observed placement).
    pub ready_pods_by_zone: BTreeMap<String, u32>,
    /// Ready selected pods whose node has no zone (or that have no node).
    pub ready_pods_without_zone: u32,
    /// Selected live pods that are not Ready.
    pub not_ready_pods: u32,
    /// Selected pods using the host network.
    pub host_network_pods: u32,
    /// The routing used today.
    pub routing: RoutingDetection,
    /// Hints on its EndpointSlices.
    pub hints: ObservedHints,
}

/// Why a Service is not part of the observed services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// No selector: its endpoints are managed by hand (class selector-less endpoint).
    NoSelector,
}

/// A Service left out, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedService {
    /// `namespace/name`.
    pub name: String,
    /// Why.
    pub reason: SkipReason,
}

/// The cluster as observed: what a scenario can be built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedCluster {
    /// Distinct zone labels, sorted.
    pub zones: Vec<String>,
    /// Node groups, by zone (unlabeled last), instance type, CPU.
    pub node_groups: Vec<NodeGroup>,
    /// Nodes without a zone label.
    pub unlabeled_nodes: u32,
    /// Services with a selector, sorted by name.
    pub services: Vec<ObservedService>,
    /// Services left out.
    pub skipped_services: Vec<SkippedService>,
    /// Address owners and served ports.
    pub addresses: AddressBook,
    /// `(namespace, Istio workload name)` -> Services selecting its pods (sorted).
    pub workloads: BTreeMap<(String, String), Vec<String>>,
    /// `(namespace, value of label app or app.kubernetes.io/name)` -> Services selecting those
    /// pods: the fallback when no pod carries a workload name.
    pub app_labels: BTreeMap<(String, String), Vec<String>>,
}

impl ObservedCluster {
    /// Derives the observed cluster (module docs give the rules).
    pub fn from_inventory(inv: &Inventory) -> ObservedCluster {
        let zones: BTreeSet<String> = inv.nodes.iter().filter_map(|n| n.zone.clone()).collect();
        let node_zone: BTreeMap<&str, Option<&str>> = inv
            .nodes
            .iter()
            .map(|n| (n.name.as_str(), n.zone.as_deref()))
            .collect();
        // selecting[pod] = indices of Services with a selector that match the pod.
        let selecting: Vec<Vec<usize>> = inv
            .pods
            .iter()
            .map(|p| {
                inv.services
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.namespace == p.namespace && s.selects(&p.labels))
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        let mut services = Vec::new();
        let mut skipped_services = Vec::new();
        for (si, svc) in inv.services.iter().enumerate() {
            if !svc.has_selector() {
                skipped_services.push(SkippedService {
                    name: svc.key(),
                    reason: SkipReason::NoSelector,
                });
                continue;
            }
            let mut o = ObservedService {
                name: svc.key(),
                ports: svc.ports.clone(),
                ready_pods_by_zone: BTreeMap::new(),
                ready_pods_without_zone: 0,
                not_ready_pods: 0,
                host_network_pods: 0,
                routing: super::routing::detect(svc, &inv.ingresses),
                hints: hints_of(inv, &svc.namespace, &svc.name),
            };
            for (pi, pod) in inv.pods.iter().enumerate() {
                if !pod.is_live() || !selecting[pi].contains(&si) {
                    continue;
                }
                o.host_network_pods += u32::from(pod.host_network);
                if !pod.ready {
                    o.not_ready_pods += 1;
                    continue;
                }
                let zone = pod
                    .node
                    .as_deref()
                    .and_then(|n| node_zone.get(n).copied().flatten());
                match zone {
                    Some(z) => *o.ready_pods_by_zone.entry(z.to_string()).or_insert(0) += 1,
                    None => o.ready_pods_without_zone += 1,
                }
            }
            services.push(o);
        }
        services.sort_by(|a, b| a.name.cmp(&b.name));
        skipped_services.sort_by(|a, b| a.name.cmp(&b.name));
        let (workloads, app_labels) = workload_maps(inv, &selecting);
        ObservedCluster {
            zones: zones.into_iter().collect(),
            node_groups: node_groups(inv),
            unlabeled_nodes: inv.nodes.iter().filter(|n| n.zone.is_none()).count() as u32,
            services,
            skipped_services,
            addresses: AddressBook::build(inv, &selecting),
            workloads,
            app_labels,
        }
    }

    /// The observed service named `namespace/name`.
    pub fn service(&self, name: &str) -> Option<&ObservedService> {
        self.services
            .binary_search_by(|s| s.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.services[i])
    }
}

fn node_groups(inv: &Inventory) -> Vec<NodeGroup> {
    type Key = (bool, Option<String>, Option<String>, Option<u64>);
    let mut groups: BTreeMap<Key, NodeGroup> = BTreeMap::new();
    for n in &inv.nodes {
        let key = (
            n.zone.is_none(),
            n.zone.clone(),
            n.instance_type.clone(),
            n.allocatable_cpu_millis,
        );
        let g = groups.entry(key).or_insert_with(|| NodeGroup {
            zone: n.zone.clone(),
            instance_type: n.instance_type.clone(),
            allocatable_cpu_millis: n.allocatable_cpu_millis,
            count: 0,
            ready: 0,
            control_plane: 0,
        });
        g.count += 1;
        g.ready += u32::from(n.ready);
        g.control_plane += u32::from(n.control_plane);
    }
    groups.into_values().collect()
}

fn hints_of(inv: &Inventory, namespace: &str, service: &str) -> ObservedHints {
    let mut h = ObservedHints::default();
    let mut slices: Vec<_> = inv
        .endpoint_slices
        .iter()
        .filter(|s| s.namespace == namespace && s.service.as_deref() == Some(service))
        .collect();
    slices.sort_by(|a, b| a.name.cmp(&b.name));
    for slice in slices {
        h.slices.push(slice.name.clone());
        for ep in &slice.endpoints {
            let e = HintedEndpoint {
                address: ep.addresses.first().cloned().unwrap_or_default(),
                zone: ep.zone.clone(),
                node: ep.node_name.clone(),
                ready: ep.ready,
                for_zones: ep.for_zones.clone(),
                for_nodes: ep.for_nodes.clone(),
            };
            if e.ready != Some(false) {
                match e.for_zones.as_deref() {
                    Some(zs) if !zs.is_empty() => {
                        let row = h
                            .by_zone
                            .entry(e.zone.clone().unwrap_or_default())
                            .or_default();
                        for z in zs {
                            *row.entry(z.clone()).or_insert(0) += 1;
                        }
                    }
                    _ => h.ready_without_hints += 1,
                }
            }
            h.endpoints.push(e);
        }
    }
    h
}

type WorkloadMap = BTreeMap<(String, String), Vec<String>>;

fn workload_maps(inv: &Inventory, selecting: &[Vec<usize>]) -> (WorkloadMap, WorkloadMap) {
    let mut workloads: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut apps: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for (pi, pod) in inv.pods.iter().enumerate() {
        if !pod.is_live() {
            continue;
        }
        let svcs: BTreeSet<String> = selecting[pi]
            .iter()
            .map(|&s| inv.services[s].key())
            .collect();
        workloads
            .entry((pod.namespace.clone(), pod.workload.name.clone()))
            .or_default()
            .extend(svcs.iter().cloned());
        for label in ["app", "app.kubernetes.io/name"] {
            if let Some(app) = pod.labels.get(label) {
                apps.entry((pod.namespace.clone(), app.clone()))
                    .or_default()
                    .extend(svcs.iter().cloned());
            }
        }
    }
    let flat = |m: BTreeMap<(String, String), BTreeSet<String>>| {
        m.into_iter()
            .map(|(k, v)| (k, v.into_iter().collect()))
            .collect()
    };
    (flat(workloads), flat(apps))
}
