//! One-call façade: nodes + a Service's endpoints + its settings → hints written by the
//! controller and, for every client node, the endpoints its ClusterIP traffic may reach.
//!
//! This composes [`reconcile::reconcile_service_hints`](super::reconcile::reconcile_service_hints)
//! (starting from scratch: one slice "to create", reference §1.6 step 1) with
//! [`categorize_endpoints`] for each node, and applies the simulation recipe of reference §7:
//! headless Services bypass kube-proxy and hints (§4.5); `internalTrafficPolicy: Local` uses the
//! node's own endpoints and is dropped when there are none (§4.3).

use std::collections::BTreeMap;

use super::cache::{TopologyCache, TopologyEvent};
use super::kubeproxy::{
    CategorizedEndpoints, ProxyConfig, ProxyServicePort, TopologyFallback, TopologyMode,
    TrafficPolicy, categorize_endpoints,
};
use super::reconcile::{AppliedHints, ControllerConfig, reconcile_service_hints};
use super::{
    ANNOTATION_TOPOLOGY_AWARE_HINTS, ANNOTATION_TOPOLOGY_MODE, Endpoint, EndpointSlice, Node,
    SliceInfo,
};

/// Service settings that influence endpoint selection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceSpec {
    /// Service key (e.g. `namespace/name`); used as the topology cache key.
    pub name: String,
    /// Service annotations (only the topology keys are read).
    pub annotations: BTreeMap<String, String>,
    /// Raw `spec.trafficDistribution`.
    pub traffic_distribution: Option<String>,
    /// `spec.internalTrafficPolicy`.
    pub internal_traffic_policy: TrafficPolicy,
    /// `spec.externalTrafficPolicy`.
    pub external_traffic_policy: TrafficPolicy,
    /// A NodePort, load-balancer ingress IP or externalIP exists.
    pub externally_accessible: bool,
    /// `clusterIP: None`.
    pub headless: bool,
}

impl ServiceSpec {
    /// A plain ClusterIP Service (no topology settings, both policies `Cluster`).
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// Set `service.kubernetes.io/topology-mode: Auto`.
    #[must_use]
    pub fn with_topology_mode_auto(mut self) -> Self {
        self.annotations
            .insert(ANNOTATION_TOPOLOGY_MODE.to_owned(), "Auto".to_owned());
        self
    }

    /// Set `spec.trafficDistribution`.
    #[must_use]
    pub fn with_traffic_distribution(mut self, value: impl Into<String>) -> Self {
        self.traffic_distribution = Some(value.into());
        self
    }

    /// Set `spec.internalTrafficPolicy`.
    #[must_use]
    pub fn with_internal_traffic_policy(mut self, policy: TrafficPolicy) -> Self {
        self.internal_traffic_policy = policy;
        self
    }

    /// The annotation value kube-proxy ≤ 1.30 reads (deprecated key first).
    #[must_use]
    pub fn topology_annotation(&self) -> Option<&str> {
        self.annotations
            .get(ANNOTATION_TOPOLOGY_AWARE_HINTS)
            .or_else(|| self.annotations.get(ANNOTATION_TOPOLOGY_MODE))
            .map(String::as_str)
    }

    /// The kube-proxy view of this Service.
    #[must_use]
    pub fn proxy_service_port(&self) -> ProxyServicePort {
        ProxyServicePort {
            internal_traffic_policy: self.internal_traffic_policy,
            external_traffic_policy: self.external_traffic_policy,
            externally_accessible: self.externally_accessible,
            topology_annotation: self.topology_annotation().map(str::to_owned),
        }
    }
}

/// How a node's allowed endpoint set was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Selection {
    /// Ready endpoints hinted for this node (`forNodes`).
    SameNode,
    /// Ready endpoints hinted for this node's zone (`forZones`).
    SameZone,
    /// All ready endpoints, topology not applied for the given reason.
    AllReady(TopologyFallback),
    /// No ready endpoint anywhere: all serving+terminating endpoints.
    ServingTerminating,
    /// ITP=Local: ready endpoints on this node.
    LocalReady,
    /// ITP=Local: no local ready endpoint, serving+terminating endpoints on this node.
    LocalServingTerminating,
    /// Headless Service: DNS returns every ready endpoint; hints and policies do not apply.
    Headless,
}

/// What happens to a new ClusterIP connection from a client on a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeVerdict {
    /// Forwarded to one of `endpoints` (indices into [`ServiceRouting::endpoints`]), chosen
    /// uniformly per connection (iptables / nftables, reference §4.2).
    Forward {
        /// Allowed endpoints (non-empty).
        endpoints: Vec<usize>,
        /// How the set was chosen.
        selection: Selection,
    },
    /// ITP=Local and the node has no usable endpoint while others exist: iptables/nftables
    /// install DROP ("has no local endpoints"); the client sees a timeout.
    Drop,
    /// No usable endpoint anywhere: REJECT (fast failure). For headless Services: DNS returns no
    /// records.
    Reject,
}

/// Per-client-node result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRouting {
    /// Client node name.
    pub node: String,
    /// Client node zone label.
    pub zone: Option<String>,
    /// Verdict for in-cluster (ClusterIP) traffic.
    pub internal: NodeVerdict,
    /// Full kube-proxy categorisation (`None` for headless Services).
    pub categorized: Option<CategorizedEndpoints>,
}

impl NodeRouting {
    /// Allowed endpoints (empty when dropped or rejected).
    #[must_use]
    pub fn allowed(&self) -> &[usize] {
        match &self.internal {
            NodeVerdict::Forward { endpoints, .. } => endpoints,
            NodeVerdict::Drop | NodeVerdict::Reject => &[],
        }
    }

    /// Share of allowed endpoints outside the node's zone (uniform selection, reference §7
    /// step 3); an endpoint without zone counts as outside. `None` when traffic is not forwarded
    /// or the node has no zone.
    #[must_use]
    pub fn cross_zone_fraction(&self, endpoints: &[Endpoint]) -> Option<f64> {
        let zone = self.zone.as_deref().filter(|z| !z.is_empty())?;
        let allowed = self.allowed();
        if allowed.is_empty() {
            return None;
        }
        let cross = allowed
            .iter()
            .filter(|&&i| endpoints.get(i).and_then(|e| e.zone.as_deref()) != Some(zone))
            .count();
        Some(cross as f64 / allowed.len() as f64)
    }
}

/// Result of [`route_service`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRouting {
    /// The Service's endpoints in input order, with the hints the controller wrote.
    pub endpoints: Vec<Endpoint>,
    /// Which heuristic produced the hints, with per-zone counts or the removal reason.
    pub hints: AppliedHints,
    /// Controller events.
    pub events: Vec<TopologyEvent>,
    /// Per client node (every node passed in, keyed by name).
    pub per_node: BTreeMap<String, NodeRouting>,
}

/// Simulate the controller and kube-proxy for one Service from scratch.
///
/// `endpoints` are taken as written by the pod → endpoint conversion (their `hints` are ignored
/// and recomputed). Every node in `nodes` is evaluated as a client.
#[must_use]
pub fn route_service(
    nodes: &[Node],
    endpoints: &[Endpoint],
    service: &ServiceSpec,
    controller: &ControllerConfig,
    proxy: &ProxyConfig,
) -> ServiceRouting {
    let hinted = hint_service(nodes, endpoints, service, controller);
    let per_node = nodes
        .iter()
        .map(|node| {
            let routing = route_node(node, &hinted.endpoints, service, proxy);
            (node.name.clone(), routing)
        })
        .collect();
    ServiceRouting {
        endpoints: hinted.endpoints,
        hints: hinted.hints,
        events: hinted.events,
        per_node,
    }
}

/// The EndpointSlice controller's side of [`route_service`]: the endpoints with the hints it
/// sets, what it applied, and its events. It depends on every node (zone CPU), not on a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HintedService {
    /// Endpoints with the hints the controller set (input order).
    pub endpoints: Vec<Endpoint>,
    /// What the controller applied.
    pub hints: AppliedHints,
    /// Controller events.
    pub events: Vec<TopologyEvent>,
}

/// Runs the EndpointSlice controller for one Service from scratch over `nodes` (the first half
/// of [`route_service`]); [`route_node`] then gives any client node's verdict.
#[must_use]
pub fn hint_service(
    nodes: &[Node],
    endpoints: &[Endpoint],
    service: &ServiceSpec,
    controller: &ControllerConfig,
) -> HintedService {
    let mut cache = TopologyCache::new();
    if controller.topology_cache_enabled {
        cache.set_nodes(nodes);
    }
    let fresh: Vec<Endpoint> = endpoints
        .iter()
        .cloned()
        .map(|mut e| {
            e.hints = None;
            e
        })
        .collect();
    let mut si = SliceInfo {
        to_create: vec![EndpointSlice {
            name: format!("{}-0", service.name),
            endpoints: fresh,
        }],
        ..SliceInfo::default()
    };
    let outcome = reconcile_service_hints(
        &mut cache,
        &service.name,
        &service.annotations,
        service.traffic_distribution.as_deref(),
        controller,
        &mut si,
    );
    HintedService {
        endpoints: si.all_endpoints().cloned().collect(),
        hints: outcome.applied,
        events: outcome.events,
    }
}

/// kube-proxy's verdict on client `node` for a Service whose endpoints the controller hinted
/// ([`hint_service`]); the second half of [`route_service`]. kube-proxy reads the node's zone
/// label and, for node-local endpoints and `forNodes` hints, its name.
#[must_use]
pub fn route_node(
    node: &Node,
    hinted: &[Endpoint],
    service: &ServiceSpec,
    proxy: &ProxyConfig,
) -> NodeRouting {
    if service.headless {
        headless_routing(node, hinted)
    } else {
        proxy_routing(node, hinted, &service.proxy_service_port(), proxy)
    }
}

fn headless_routing(node: &Node, endpoints: &[Endpoint]) -> NodeRouting {
    let ready: Vec<usize> = endpoints
        .iter()
        .enumerate()
        .filter(|(_, e)| e.ready)
        .map(|(i, _)| i)
        .collect();
    let internal = if ready.is_empty() {
        NodeVerdict::Reject
    } else {
        NodeVerdict::Forward {
            endpoints: ready,
            selection: Selection::Headless,
        }
    };
    NodeRouting {
        node: node.name.clone(),
        zone: node.zone.clone(),
        internal,
        categorized: None,
    }
}

fn proxy_routing(
    node: &Node,
    endpoints: &[Endpoint],
    port: &ProxyServicePort,
    proxy: &ProxyConfig,
) -> NodeRouting {
    let cat = categorize_endpoints(endpoints, port, &node.name, node.zone_label(), proxy);
    let internal = internal_verdict(&cat, port.internal_traffic_policy);
    NodeRouting {
        node: node.name.clone(),
        zone: node.zone.clone(),
        internal,
        categorized: Some(cat),
    }
}

/// Verdict for in-cluster (ClusterIP) traffic given kube-proxy's categorisation and the Service's
/// `internalTrafficPolicy` (reference §4.3, §7 step 1).
///
/// ITP=Local uses the local set; when it is empty the connection is dropped if the Service has
/// usable endpoints elsewhere, rejected otherwise. ITP=Cluster uses the Cluster set; empty means
/// reject.
#[must_use]
pub fn internal_verdict(cat: &CategorizedEndpoints, itp: TrafficPolicy) -> NodeVerdict {
    match itp {
        TrafficPolicy::Local => match cat.local.as_deref() {
            Some(local) if !local.is_empty() => NodeVerdict::Forward {
                endpoints: local.to_vec(),
                selection: if cat.local_uses_serving_terminating {
                    Selection::LocalServingTerminating
                } else {
                    Selection::LocalReady
                },
            },
            _ if cat.has_any_endpoints => NodeVerdict::Drop,
            _ => NodeVerdict::Reject,
        },
        TrafficPolicy::Cluster => match cat.cluster.as_deref() {
            Some(cluster) if !cluster.is_empty() => NodeVerdict::Forward {
                endpoints: cluster.to_vec(),
                selection: if cat.cluster_uses_serving_terminating {
                    Selection::ServingTerminating
                } else {
                    match cat.topology_mode {
                        Some(TopologyMode::PreferSameNode) => Selection::SameNode,
                        Some(TopologyMode::PreferSameZone) => Selection::SameZone,
                        Some(TopologyMode::AllEndpoints(reason)) => Selection::AllReady(reason),
                        None => Selection::AllReady(TopologyFallback::EndpointWithoutZoneHint),
                    }
                },
            },
            _ => NodeVerdict::Reject,
        },
    }
}
