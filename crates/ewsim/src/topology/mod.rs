//! Upstream Kubernetes endpoint selection, re-implemented as pure functions.
//!
//! This module models, from scratch and without I/O, the pieces of Kubernetes that decide
//! which endpoints (pods) a client node may send Service traffic to:
//!
//! * [`cache`]: the EndpointSlice controller's Topology Aware Routing heuristic
//!   (`service.kubernetes.io/topology-mode: Auto`), i.e. upstream
//!   `staging/src/k8s.io/endpointslice/topologycache` (`SetNodes`, `getAllocations`,
//!   `AddHints`, `getGivingAndReceivingZones`, `redistributeHints`, `getHintsByZone`,
//!   `serviceOverloaded`, `RemoveHintsFromSlices`).
//! * [`trafficdist`]: `spec.trafficDistribution` hints (upstream
//!   `staging/src/k8s.io/endpointslice/trafficdist`, `ReconcileHints`).
//! * [`reconcile`]: the precedence between the topology annotation and
//!   `trafficDistribution` (upstream `staging/src/k8s.io/endpointslice/reconciler.go`,
//!   `utils.go` `hintsEnabled`).
//! * [`kubeproxy`]: per-node endpoint filtering in kube-proxy (upstream
//!   `pkg/proxy/topology.go` `CategorizeEndpoints` / `topologyModeFromHints`,
//!   `pkg/proxy/serviceport.go`), including `internalTrafficPolicy: Local` and its DROP case.
//! * [`service`]: a one-call façade: nodes + endpoints + Service settings → hints state and, for
//!   every client node, the endpoints it may use (or why its traffic is dropped / rejected).
//!
//! The algorithms follow the facts collected in `shared/reference/k8s-routing.md` (sections
//! §1–§4); upstream file names are cited next to each function. No upstream code is copied.
//!
//! # Determinism
//!
//! Upstream iterates Go maps (random order) in three places (reference §1.9). Here every map is
//! a [`BTreeMap`](std::collections::BTreeMap), so zones are visited in lexicographic order and
//! endpoints in slice order. The resulting tie-break is documented on
//! [`cache::get_giving_and_receiving_zones`] and [`cache::redistribute_hints`]. The same input
//! therefore always yields the same output.

pub mod cache;
pub mod kubeproxy;
pub mod reconcile;
pub mod service;
pub mod trafficdist;

pub use cache::{
    Allocation, EndpointZoneInfo, EventType, HintsRemovedReason, OVERLOAD_THRESHOLD, TopologyCache,
    TopologyEvent,
};
pub use kubeproxy::{
    CategorizedEndpoints, ProxyConfig, ProxyServicePort, TopologyFallback, TopologyMode,
    TrafficPolicy, categorize_endpoints,
};
pub use reconcile::{AppliedHints, ControllerConfig, ReconcileOutcome, hints_enabled};
pub use service::{
    HintedService, NodeRouting, NodeVerdict, Selection, ServiceRouting, ServiceSpec, hint_service,
    internal_verdict, route_node, route_service,
};
pub use trafficdist::TrafficDistribution;

/// Node label holding the zone (`v1.LabelTopologyZone`). Informational: [`Node::zone`] carries its
/// value directly.
pub const LABEL_TOPOLOGY_ZONE: &str = "topology.kubernetes.io/zone";

/// Deprecated Service annotation key for Topology Aware Hints. When present it wins over
/// [`ANNOTATION_TOPOLOGY_MODE`] (upstream `utils.go` `hintsEnabled`).
pub const ANNOTATION_TOPOLOGY_AWARE_HINTS: &str = "service.kubernetes.io/topology-aware-hints";

/// Service annotation key for Topology Aware Routing (1.27+).
pub const ANNOTATION_TOPOLOGY_MODE: &str = "service.kubernetes.io/topology-mode";

/// A cluster node, reduced to what the endpoint-selection algorithms read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Node {
    /// Node name (`metadata.name`); kube-proxy compares it with endpoints' `nodeName`.
    pub name: String,
    /// Value of the `topology.kubernetes.io/zone` label; `None` or `Some("")` means unlabeled.
    pub zone: Option<String>,
    /// `status.allocatable.cpu` in millicores (`MilliValue()`).
    pub allocatable_cpu_milli: u64,
    /// Node condition `Ready == True`.
    pub ready: bool,
    /// Carries `node-role.kubernetes.io/control-plane` or `node-role.kubernetes.io/master`
    /// (any value); such nodes are excluded from CPU ratios (`hasExcludedLabels`).
    pub control_plane: bool,
}

impl Node {
    /// A Ready, non-control-plane node.
    #[must_use]
    pub fn new(name: impl Into<String>, zone: Option<&str>, allocatable_cpu_milli: u64) -> Self {
        Self {
            name: name.into(),
            zone: zone.map(str::to_owned),
            allocatable_cpu_milli,
            ready: true,
            control_plane: false,
        }
    }

    /// The zone label if present and non-empty.
    #[must_use]
    pub fn zone_label(&self) -> Option<&str> {
        self.zone.as_deref().filter(|z| !z.is_empty())
    }
}

/// Topology hints on one endpoint (`discovery.k8s.io/v1` `EndpointHints`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EndpointHints {
    /// `forZones[].name`, in list order.
    pub for_zones: Vec<String>,
    /// `forNodes[].name`, in list order (PreferSameNode, KEP-3015).
    pub for_nodes: Vec<String>,
}

impl EndpointHints {
    /// Hints for exactly one zone.
    #[must_use]
    pub fn for_zone(zone: impl Into<String>) -> Self {
        Self {
            for_zones: vec![zone.into()],
            for_nodes: Vec::new(),
        }
    }
}

/// One endpoint of an EndpointSlice, reduced to what the algorithms read.
///
/// Conditions are plain booleans. Upstream conditions are optional pointers and the two sides read
/// an unset value differently: the controller treats an unset `ready` as not ready
/// (`EndpointReady`), kube-proxy's slice cache treats unset `ready`/`serving` as true. Callers
/// resolve that before building an [`Endpoint`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Endpoint {
    /// Address (or any identifier) of the endpoint.
    pub address: String,
    /// `nodeName` of the backing pod; kube-proxy treats the endpoint as local when it equals the
    /// proxy's node name.
    pub node_name: Option<String>,
    /// `zone` (copied by the controller from the pod's node label); `None`/`Some("")` = unknown.
    pub zone: Option<String>,
    /// `conditions.ready`.
    pub ready: bool,
    /// `conditions.serving`.
    pub serving: bool,
    /// `conditions.terminating`.
    pub terminating: bool,
    /// `hints`; `None` means no hints object.
    pub hints: Option<EndpointHints>,
}

impl Endpoint {
    /// A ready, serving, non-terminating endpoint without hints.
    #[must_use]
    pub fn ready(address: impl Into<String>, node_name: Option<&str>, zone: Option<&str>) -> Self {
        Self {
            address: address.into(),
            node_name: node_name.map(str::to_owned),
            zone: zone.map(str::to_owned),
            ready: true,
            serving: true,
            terminating: false,
            hints: None,
        }
    }

    /// Zone hints (empty when there is no hints object).
    #[must_use]
    pub fn zone_hints(&self) -> &[String] {
        self.hints.as_ref().map_or(&[], |h| h.for_zones.as_slice())
    }

    /// Node hints (empty when there is no hints object).
    #[must_use]
    pub fn node_hints(&self) -> &[String] {
        self.hints.as_ref().map_or(&[], |h| h.for_nodes.as_slice())
    }
}

/// One EndpointSlice: an ordered list of endpoints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointSlice {
    /// Slice name (informational).
    pub name: String,
    /// Endpoints in slice order; the controller walks them in this order.
    pub endpoints: Vec<Endpoint>,
}

/// Address family of a set of slices; hints are computed per family, and event messages carry
/// the suffix `", addressType: IPv4|IPv6"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AddressType {
    /// `IPv4`.
    #[default]
    IPv4,
    /// `IPv6`.
    IPv6,
}

impl AddressType {
    /// Upstream spelling (`IPv4` / `IPv6`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IPv4 => "IPv4",
            Self::IPv6 => "IPv6",
        }
    }
}

/// The slices of one Service and address family, split the way the reconciler hands them to the
/// hint heuristics (upstream `topologycache.SliceInfo`).
///
/// A simulator that starts from scratch puts every slice in `to_create` (reference §1.6 step 1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SliceInfo {
    /// Address family of all slices here.
    pub address_type: AddressType,
    /// Slices about to be created.
    pub to_create: Vec<EndpointSlice>,
    /// Slices about to be updated.
    pub to_update: Vec<EndpointSlice>,
    /// Existing slices the reconciler would leave untouched; the heuristics may move them to
    /// `to_update` (appended at the end) when their hints must change.
    pub unchanged: Vec<EndpointSlice>,
}

impl SliceInfo {
    /// All slices in walk order: `to_create`, `to_update`, then `unchanged`.
    pub fn all_slices(&self) -> impl Iterator<Item = &EndpointSlice> {
        self.to_create
            .iter()
            .chain(self.to_update.iter())
            .chain(self.unchanged.iter())
    }

    /// All endpoints in walk order (`to_create`, `to_update`, `unchanged`).
    pub fn all_endpoints(&self) -> impl Iterator<Item = &Endpoint> {
        self.all_slices().flat_map(|s| s.endpoints.iter())
    }
}

#[cfg(test)]
mod tests;
