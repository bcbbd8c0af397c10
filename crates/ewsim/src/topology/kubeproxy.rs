//! kube-proxy's per-node endpoint filtering (upstream `pkg/proxy/topology.go`
//! `CategorizeEndpoints`, `topologyModeFromHints`, `availableForTopology`, and
//! `pkg/proxy/serviceport.go` `UsesClusterEndpoints` / `UsesLocalEndpoints`; reference §4.1–§4.3).
//!
//! kube-proxy ≥ 1.31 reads only the hints, never the annotation or `trafficDistribution`
//! (KEP-4444). The 1.27–1.30 behaviour, which additionally required a non-empty, non-`disabled`
//! topology annotation, is available through [`ProxyConfig::legacy_annotation_gating`].

use super::Endpoint;

/// `internalTrafficPolicy` / `externalTrafficPolicy` value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TrafficPolicy {
    /// `Cluster` (default): any usable endpoint in the cluster, topology applied.
    #[default]
    Cluster,
    /// `Local`: only endpoints on the client's node, topology ignored.
    Local,
}

/// The Service-port facts kube-proxy uses (subset of upstream `ServicePort`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyServicePort {
    /// `spec.internalTrafficPolicy`.
    pub internal_traffic_policy: TrafficPolicy,
    /// `spec.externalTrafficPolicy`.
    pub external_traffic_policy: TrafficPolicy,
    /// A NodePort, load-balancer ingress IP or externalIP exists.
    pub externally_accessible: bool,
    /// Effective topology annotation value (`topology-aware-hints` if present, else
    /// `topology-mode`); read only with [`ProxyConfig::legacy_annotation_gating`].
    pub topology_annotation: Option<String>,
}

impl ProxyServicePort {
    /// Upstream `UsesClusterEndpoints = !ITPLocal || externallyAccessible`.
    #[must_use]
    pub fn uses_cluster_endpoints(&self) -> bool {
        self.internal_traffic_policy == TrafficPolicy::Cluster || self.externally_accessible
    }

    /// Upstream `UsesLocalEndpoints = ITPLocal || (ETPLocal && externallyAccessible)`.
    #[must_use]
    pub fn uses_local_endpoints(&self) -> bool {
        self.internal_traffic_policy == TrafficPolicy::Local
            || (self.external_traffic_policy == TrafficPolicy::Local && self.externally_accessible)
    }
}

/// kube-proxy version-dependent behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProxyConfig {
    /// `PreferSameTrafficDistribution` gate in kube-proxy (alpha 1.33, beta 1.34, GA 1.35):
    /// honour `forNodes` hints.
    pub prefer_same_traffic_distribution: bool,
    /// kube-proxy 1.27–1.30 (or 1.30 with `ServiceTrafficDistribution` off): hints are used only
    /// when the topology annotation is non-empty and not `disabled`/`Disabled`; node hints are
    /// not understood.
    pub legacy_annotation_gating: bool,
}

impl Default for ProxyConfig {
    /// Current kube-proxy (1.35+): node hints honoured, annotation ignored.
    fn default() -> Self {
        Self {
            prefer_same_traffic_distribution: true,
            legacy_annotation_gating: false,
        }
    }
}

/// Which topology filter kube-proxy applies to the Cluster endpoint set on a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TopologyMode {
    /// Ready endpoints whose `forNodes` contains this node.
    PreferSameNode,
    /// Ready endpoints whose `forZones` contains this node's zone.
    PreferSameZone,
    /// No filter: all ready endpoints, for the given reason.
    AllEndpoints(TopologyFallback),
}

/// Why kube-proxy did not filter by topology on a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TopologyFallback {
    /// Some ready endpoint has no zone hint (includes Services with no hints at all).
    EndpointWithoutZoneHint,
    /// The node has no (or an empty) zone label.
    NodeWithoutZoneLabel,
    /// Every ready endpoint is hinted, but none for this node's zone.
    NoEndpointHintedForZone,
    /// Legacy kube-proxy (1.27–1.30): annotation empty or `disabled`/`Disabled`.
    AnnotationDisabled,
}

/// Result of [`categorize_endpoints`] for one node and Service port. Endpoint sets are indices
/// into the input slice, in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategorizedEndpoints {
    /// Topology decision for the Cluster set; `None` when the Cluster set is not used.
    pub topology_mode: Option<TopologyMode>,
    /// Usable Cluster-policy endpoints; `None` when the Service never uses Cluster policy.
    pub cluster: Option<Vec<usize>>,
    /// The Cluster set fell back to serving+terminating endpoints (no ready endpoint anywhere).
    pub cluster_uses_serving_terminating: bool,
    /// Usable Local-policy endpoints; `None` when the Service never uses Local policy,
    /// `Some(empty)` when it does but the node has none.
    pub local: Option<Vec<usize>>,
    /// The Local set consists of serving+terminating endpoints (no local ready endpoint).
    pub local_uses_serving_terminating: bool,
    /// Union of `cluster` and `local` (input order).
    pub all_reachable: Vec<usize>,
    /// Some endpoint is usable somewhere in the cluster (ready, or serving+terminating). With
    /// ITP=Local and an empty local set this distinguishes DROP (true) from REJECT (false).
    pub has_any_endpoints: bool,
}

fn topology_mode(
    endpoints: &[Endpoint],
    svc: &ProxyServicePort,
    node_name: &str,
    zone: &str,
    config: &ProxyConfig,
) -> TopologyMode {
    if config.legacy_annotation_gating {
        let annotation = svc.topology_annotation.as_deref().unwrap_or("");
        if matches!(annotation, "" | "disabled" | "Disabled") {
            return TopologyMode::AllEndpoints(TopologyFallback::AnnotationDisabled);
        }
    }
    let mut all_node_hints = true;
    let mut has_for_node = false;
    let mut all_zone_hints = true;
    let mut has_for_zone = false;
    for ep in endpoints.iter().filter(|e| e.ready) {
        let nodes = ep.node_hints();
        if nodes.is_empty() {
            all_node_hints = false;
        } else if nodes.iter().any(|n| n == node_name) {
            has_for_node = true;
        }
        let zones = ep.zone_hints();
        if zones.is_empty() {
            all_zone_hints = false;
        } else if zones.iter().any(|z| z == zone) {
            has_for_zone = true;
        }
    }
    let node_hints_understood =
        config.prefer_same_traffic_distribution && !config.legacy_annotation_gating;
    if node_hints_understood && all_node_hints && has_for_node {
        return TopologyMode::PreferSameNode;
    }
    if !all_zone_hints {
        TopologyMode::AllEndpoints(TopologyFallback::EndpointWithoutZoneHint)
    } else if has_for_zone {
        TopologyMode::PreferSameZone
    } else if zone.is_empty() {
        TopologyMode::AllEndpoints(TopologyFallback::NodeWithoutZoneLabel)
    } else {
        TopologyMode::AllEndpoints(TopologyFallback::NoEndpointHintedForZone)
    }
}

fn available_for_topology(ep: &Endpoint, mode: TopologyMode, node_name: &str, zone: &str) -> bool {
    match mode {
        TopologyMode::AllEndpoints(_) => true,
        TopologyMode::PreferSameNode => ep.node_hints().iter().any(|n| n == node_name),
        TopologyMode::PreferSameZone => ep.zone_hints().iter().any(|z| z == zone),
    }
}

fn indices(endpoints: &[Endpoint], pred: impl Fn(&Endpoint) -> bool) -> Vec<usize> {
    endpoints
        .iter()
        .enumerate()
        .filter(|(_, e)| pred(e))
        .map(|(i, _)| i)
        .collect()
}

/// Split a Service port's endpoints into the sets a node may use (upstream `CategorizeEndpoints`).
///
/// * `node_name`: the proxy's node; endpoints whose `node_name` equals it are local.
/// * `node_zone`: the node's `topology.kubernetes.io/zone` label (`None` = unlabeled).
///
/// Cluster set: ready endpoints filtered by [`TopologyMode`] (same-node, else same-zone, else
/// all); if that is empty, every serving+terminating endpoint cluster-wide. Local set: local
/// ready endpoints, else local serving+terminating ones. See reference §4.1 and §4.3.
#[must_use]
pub fn categorize_endpoints(
    endpoints: &[Endpoint],
    svc: &ProxyServicePort,
    node_name: &str,
    node_zone: Option<&str>,
    config: &ProxyConfig,
) -> CategorizedEndpoints {
    let zone = node_zone.unwrap_or("");
    let mut out = CategorizedEndpoints {
        topology_mode: None,
        cluster: None,
        cluster_uses_serving_terminating: false,
        local: None,
        local_uses_serving_terminating: false,
        all_reachable: Vec::new(),
        has_any_endpoints: false,
    };

    if svc.uses_cluster_endpoints() {
        let mode = topology_mode(endpoints, svc, node_name, zone, config);
        let mut cluster = indices(endpoints, |e| {
            e.ready && available_for_topology(e, mode, node_name, zone)
        });
        if cluster.is_empty() {
            // No ready endpoint anywhere (topology already fell back otherwise).
            cluster = indices(endpoints, |e| e.serving && e.terminating);
            out.cluster_uses_serving_terminating = !cluster.is_empty();
        }
        out.has_any_endpoints = !cluster.is_empty();
        out.topology_mode = Some(mode);
        out.cluster = Some(cluster);
    }

    if !svc.uses_local_endpoints() {
        out.all_reachable = out.cluster.clone().unwrap_or_default();
        return out;
    }

    let is_local = |e: &Endpoint| e.node_name.as_deref() == Some(node_name);
    let mut has_local_ready = false;
    let mut has_local_serving_terminating = false;
    for ep in endpoints {
        if ep.ready {
            out.has_any_endpoints = true;
            has_local_ready |= is_local(ep);
        } else if ep.serving && ep.terminating {
            out.has_any_endpoints = true;
            has_local_serving_terminating |= is_local(ep);
        }
    }
    let local = if has_local_ready {
        indices(endpoints, |e| is_local(e) && e.ready)
    } else if has_local_serving_terminating {
        out.local_uses_serving_terminating = true;
        indices(endpoints, |e| is_local(e) && e.serving && e.terminating)
    } else {
        Vec::new()
    };

    out.all_reachable = match &out.cluster {
        None => local.clone(),
        Some(cluster) => {
            // Union in input order (upstream builds it from a map, i.e. in random order).
            let mut all: Vec<usize> = cluster.iter().chain(local.iter()).copied().collect();
            all.sort_unstable();
            all.dedup();
            all
        }
    };
    out.local = Some(local);
    out
}
