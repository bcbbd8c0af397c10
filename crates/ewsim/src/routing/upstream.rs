//! The upstream Kubernetes model per called service: the EndpointSlice controller's hints and
//! kube-proxy's per-node endpoint filtering ([`crate::topology`]) run once per called service's
//! placement ([`upstream_server`]), then weighed by each edge's clients into a pod-to-pod stage
//! ([`EdgeCtx::upstream_rows`]); also the Service settings each option stands for and the hints
//! state line reports show.

use super::HopKind;
use super::stages::{EdgeCtx, Stage};
use crate::placement::{Placement, Topology};
use crate::scenario::{OptionKind, OptionSpec};
use crate::topology::{
    AppliedHints, ControllerConfig, Endpoint, Node, ProxyConfig, ServiceSpec, TrafficPolicy,
    route_service,
};
use rust_decimal::Decimal;

/// The called service's side of the upstream Kubernetes model, per cluster: which endpoint set
/// each node's kube-proxy forwards to and the hints state. It does not depend on the clients, so
/// a [`super::Router`] computes it once per called service.
pub(super) struct UpstreamServer {
    clusters: Vec<UpstreamCluster>,
}

struct UpstreamCluster {
    cluster: usize,
    /// Hints state line ([`hints_state`]).
    state: String,
    /// Whether the cluster runs any endpoint of the service.
    has_endpoints: bool,
    /// Per global node index: the id of the endpoint set its kube-proxy forwards to (`None`:
    /// dropped, rejected, or another cluster's node).
    node_group: Vec<Option<u32>>,
    /// Per group id (ids in the order of the sorted endpoint index sets): endpoints of the set
    /// in each zone slot, and the set's size.
    groups: Vec<(Vec<u32>, usize)>,
}

/// The nodes of one cluster as the upstream model sees them, with each node's global index and
/// zone slot; the same for every called service, so built once per [`super::Router`].
pub(super) struct ClusterNodes {
    cluster: usize,
    nodes: Vec<Node>,
    where_: Vec<(usize, usize)>,
}

/// The nodes of every cluster ([`ClusterNodes`]).
///
/// Nodes are `<cluster>/<zone>/node-<i>` with the zone name as zone label and
/// [`Topology::node_cpu`] allocatable CPU (per node group); the scenario's node attributes
/// ([`crate::placement::ZoneSlot::node_state`]) make some unlabeled, not Ready or control plane.
pub(super) fn cluster_nodes(topo: &Topology, cluster_names: &[String]) -> Vec<ClusterNodes> {
    let mut clusters: Vec<usize> = topo.zones.iter().map(|z| z.cluster).collect();
    clusters.dedup();
    clusters
        .into_iter()
        .map(|cl| {
            let cname = cluster_names.get(cl).map_or("", String::as_str);
            let mut nodes = Vec::new();
            let mut where_ = Vec::new();
            for z in topo.cluster_zones(cl) {
                let slot = &topo.zones[z];
                for i in 0..slot.nodes {
                    let state = slot.node_state(i);
                    let mut node = Node::new(
                        format!("{cname}/{}/node-{i}", slot.name),
                        state.labeled.then_some(slot.name.as_str()),
                        topo.node_cpu(z, i),
                    );
                    node.ready = state.ready;
                    node.control_plane = state.control_plane;
                    nodes.push(node);
                    where_.push((slot.first_node + i, z));
                }
            }
            ClusterNodes {
                cluster: cl,
                nodes,
                where_,
            }
        })
        .collect()
}

/// Runs the upstream model for the service whose pods are `endpoints_at` under `spec`. Every pod
/// of the called service is one ready endpoint on its node, with the node's zone label as its
/// zone (none on an unlabeled node).
pub(super) fn upstream_server(
    topo: &Topology,
    nodes: &[ClusterNodes],
    endpoints_at: &Placement,
    spec: &ServiceSpec,
) -> UpstreamServer {
    let mut out = Vec::new();
    for ClusterNodes {
        cluster: cl,
        nodes,
        where_,
    } in nodes
    {
        let cl = *cl;
        let mut endpoints = Vec::new();
        let mut ep_zone = Vec::new();
        for (node, &(n, z)) in nodes.iter().zip(where_) {
            for p in 0..endpoints_at.per_node[n] {
                endpoints.push(Endpoint::ready(
                    format!("{}/pod-{p}", node.name),
                    Some(&node.name),
                    node.zone.as_deref(),
                ));
                ep_zone.push(z);
            }
        }
        let routing = route_service(
            nodes,
            &endpoints,
            spec,
            &ControllerConfig::default(),
            &ProxyConfig::default(),
        );
        let mut sets: std::collections::BTreeMap<&[usize], u32> = std::collections::BTreeMap::new();
        let allowed: Vec<Option<&[usize]>> = nodes
            .iter()
            .map(|node| {
                let nr = routing.per_node.get(&node.name)?;
                let allowed = nr.allowed();
                (!allowed.is_empty()).then_some(allowed)
            })
            .collect();
        for a in allowed.iter().flatten() {
            sets.insert(a, 0);
        }
        let mut groups = Vec::with_capacity(sets.len());
        for (id, (set, slot)) in sets.iter_mut().enumerate() {
            *slot = id as u32;
            let mut count = vec![0u32; topo.zones.len()];
            for &e in *set {
                if let Some(&d) = ep_zone.get(e) {
                    count[d] += 1;
                }
            }
            groups.push((count, set.len()));
        }
        let mut node_group = vec![None; topo.node_zone.len()];
        for (a, &(n, _)) in allowed.iter().zip(where_) {
            node_group[n] = a.and_then(|a| sets.get(a).copied());
        }
        out.push(UpstreamCluster {
            cluster: cl,
            state: hints_state(&routing.hints, spec),
            has_endpoints: !endpoints.is_empty(),
            node_group,
            groups,
        });
    }
    UpstreamServer { clusters: out }
}

impl EdgeCtx<'_> {
    /// Pod-to-pod stage from the upstream Kubernetes model: per cluster, the EndpointSlice
    /// controller's hints and kube-proxy's per-node endpoint filtering ([`route_service`]) for a
    /// Service with the settings `spec`. [`upstream_server`] does the called service's part once;
    /// this weighs it by the clients. See [`EdgeCtx::upstream_rows`].
    #[cfg(test)]
    fn upstream(
        &self,
        cluster_names: &[String],
        spec: &ServiceSpec,
    ) -> (Stage, Vec<(usize, String)>) {
        self.upstream_rows(&upstream_server(
            self.topo,
            &cluster_nodes(self.topo, cluster_names),
            self.endpoints,
            spec,
        ))
    }

    /// The pod-to-pod stage of [`upstream_server`]'s result for this edge's clients: row `c`
    /// weights each node of zone `c` by its client pods (equally when the zone has none): a node
    /// forwarding to the set `E` adds its weight x (endpoints of `E` in zone `d`) / |E| to
    /// `c -> d`; a dropped or rejected node adds nothing, so the row sums to less than one.
    /// Returns the stage and the hints state of each cluster that has clients.
    pub(super) fn upstream_rows(&self, server: &UpstreamServer) -> (Stage, Vec<(usize, String)>) {
        let topo = self.topo;
        let mut rows = vec![Vec::new(); topo.zones.len()];
        let mut states = Vec::new();
        for c in &server.clusters {
            let clients: u32 = topo
                .cluster_zones(c.cluster)
                .map(|z| {
                    let slot = &topo.zones[z];
                    self.clients.per_node[slot.first_node..slot.first_node + slot.nodes]
                        .iter()
                        .sum::<u32>()
                })
                .sum();
            if clients == 0 && !c.has_endpoints {
                continue;
            }
            if clients > 0 {
                states.push((c.cluster, c.state.clone()));
            }
            // Group weights per zone, indexed by group id (ids follow the order of the allowed
            // endpoint sets, so sums are taken in one fixed order).
            let mut weights: Vec<Option<u64>> = vec![None; c.groups.len()];
            for z in topo.cluster_zones(c.cluster) {
                let slot = &topo.zones[z];
                let nodes = slot.first_node..slot.first_node + slot.nodes;
                let zone_clients: u32 = self.clients.per_node[nodes.clone()].iter().sum();
                let weight = |n: usize| {
                    if zone_clients == 0 {
                        1
                    } else {
                        u64::from(self.clients.per_node[n])
                    }
                };
                let total: u64 = nodes.clone().map(weight).sum();
                if total == 0 {
                    continue;
                }
                weights.fill(None);
                for n in nodes {
                    if let Some(g) = c.node_group[n] {
                        *weights[g as usize].get_or_insert(0) += weight(n);
                    }
                }
                // Nodes sharing an endpoint set are grouped so that each share is one exact
                // division of counts (W x count_d) / (total x |E|).
                let total = Decimal::from(total);
                let mut acc = vec![Decimal::ZERO; topo.zones.len()];
                for ((count, len), w) in c.groups.iter().zip(&weights) {
                    let Some(w) = w else { continue };
                    let w = Decimal::from(*w);
                    let denom = total * Decimal::from(*len);
                    for (d, n) in count.iter().enumerate().filter(|(_, n)| **n > 0) {
                        acc[d] += w * Decimal::from(*n) / denom;
                    }
                }
                rows[z] = acc
                    .into_iter()
                    .enumerate()
                    .filter(|(_, x)| !x.is_zero())
                    .collect();
            }
        }
        (
            Stage {
                kind: HopKind::PodToPod,
                rows,
            },
            states,
        )
    }
}

/// The Service settings an option stands for in the upstream model (only called for ClusterIP,
/// headless, ITP Local, Topology Aware Routing and PreferClose).
fn upstream_spec(kind: &OptionKind, service: &str) -> ServiceSpec {
    let spec = ServiceSpec::new(service);
    match kind {
        OptionKind::TopologyAware => spec.with_topology_mode_auto(),
        OptionKind::PreferClose => spec.with_traffic_distribution("PreferClose"),
        OptionKind::ItpLocal => spec.with_internal_traffic_policy(TrafficPolicy::Local),
        OptionKind::Headless => ServiceSpec {
            headless: true,
            ..spec
        },
        _ => spec,
    }
}

/// The Service settings of an option in the upstream model: [`upstream_spec`] plus the option's
/// `traffic_distribution` (on `topology-aware` it sits next to the annotation `Auto`, which wins
/// upstream; reference §1.2).
pub(super) fn upstream_spec_for(option: &OptionSpec, service: &str) -> ServiceSpec {
    let spec = upstream_spec(&option.kind, service);
    match (&option.kind, option.traffic_distribution) {
        (OptionKind::PreferClose | OptionKind::TopologyAware, Some(td)) => {
            spec.with_traffic_distribution(td.as_str())
        }
        _ => spec,
    }
}

/// One line describing the hints the controller left on a Service (upstream reason names and
/// messages when Topology Aware Routing removed them).
pub(crate) fn hints_state(applied: &AppliedHints, spec: &ServiceSpec) -> String {
    match applied {
        AppliedHints::TopologyAwareRouting(Ok(per_zone)) => {
            let zones: Vec<String> = per_zone.iter().map(|(z, n)| format!("{z}: {n}")).collect();
            format!("hints: enabled ({})", zones.join(", "))
        }
        AppliedHints::TopologyAwareRouting(Err(reason)) => {
            format!("hints removed: {}: {}", reason.name(), reason.message())
        }
        AppliedHints::TrafficDistribution(td)
            if *td == crate::topology::TrafficDistribution::PreferSameNode =>
        {
            format!(
                "hints: trafficDistribution {} (each endpoint hinted for its own node and zone)",
                td.as_str()
            )
        }
        AppliedHints::TrafficDistribution(td) => {
            format!(
                "hints: trafficDistribution {} (each endpoint hinted for its own zone)",
                td.as_str()
            )
        }
        AppliedHints::NoHints if spec.headless => {
            "hints: not used (headless: DNS returns every ready endpoint)".into()
        }
        AppliedHints::NoHints if spec.internal_traffic_policy == TrafficPolicy::Local => {
            "hints: none (internalTrafficPolicy Local: node-local endpoints only)".into()
        }
        AppliedHints::NoHints => "hints: none".into(),
    }
}

/// One hints state for the edge: the common one, or each cluster's prefixed with its name. A
/// removal adds a note saying what kube-proxy does instead.
pub(super) fn combine_states(
    cluster_names: &[String],
    states: Vec<(usize, String)>,
    notes: &mut Vec<String>,
) -> Option<String> {
    if states.iter().any(|(_, st)| st.starts_with("hints removed")) {
        notes.push("topology hints removed by the EndpointSlice controller: kube-proxy uses every ready endpoint".into());
    }
    let first = states.first()?.1.clone();
    if states.iter().all(|(_, st)| *st == first) {
        return Some(first);
    }
    Some(
        states
            .into_iter()
            .map(|(cl, st)| {
                format!(
                    "{}: {st}",
                    cluster_names.get(cl).map_or("?", String::as_str)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::Placements;
    use crate::scenario::Scenario;

    fn ctx_for<'a>(topo: &'a Topology, placements: &'a Placements) -> EdgeCtx<'a> {
        let endpoints = placements.get("s");
        let ep_zone = endpoints
            .per_zone(topo)
            .into_iter()
            .map(Decimal::from)
            .collect();
        EdgeCtx {
            topo,
            clients: placements.get("c"),
            endpoints,
            ep_zone,
        }
    }

    fn scenario(server: &str) -> Scenario {
        let text = format!(
            "version: 1\nregion: us-east-1\n\
             zones: [{{name: a, nodes: {{count: 2, type: m5.large}}}}, {{name: b, nodes: {{count: 3, type: m5.large}}}}, {{name: c, nodes: {{count: 1, type: m5.large}}}}]\n\
             services: [{{name: c, replicas: 7}}, {{name: s, replicas: {server}}}]\n\
             traffic: [{{from: c, to: s, volume: 1 GB}}]\noptions: [{{name: x, kind: clusterip}}]\n"
        );
        crate::loader::parse_scenario(&text, "t.yaml")
            .map(|l| l.scenario)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn upstream_itp_local_matches_the_node_local_model() {
        for server in ["3", "4", "{a: 1, b: 2}", "{c: 2}", "0"] {
            let s = scenario(server);
            let topo = Topology::new(&s);
            let placements = Placements::new(&topo, &s);
            let ctx = ctx_for(&topo, &placements);
            let names = vec!["main".to_string()];
            let spec = upstream_spec(&OptionKind::ItpLocal, "s");
            let (up, _) = ctx.upstream(&names, &spec);
            assert_eq!(up.rows, ctx.node_local().rows, "server {server}");
        }
    }

    #[test]
    fn upstream_prefer_close_matches_prefer_same_zone() {
        for server in ["3", "4", "{a: 1, b: 2}", "{c: 2}"] {
            let s = scenario(server);
            let topo = Topology::new(&s);
            let placements = Placements::new(&topo, &s);
            let ctx = ctx_for(&topo, &placements);
            let names = vec!["main".to_string()];
            let spec = upstream_spec(&OptionKind::PreferClose, "s");
            let (up, states) = ctx.upstream(&names, &spec);
            assert_eq!(
                up.rows,
                ctx.prefer_same_zone(HopKind::PodToPod).rows,
                "{server}"
            );
            assert!(states[0].1.contains("PreferClose"), "{states:?}");
        }
    }
}
