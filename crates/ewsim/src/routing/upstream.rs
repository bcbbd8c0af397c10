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
    hint_service, route_node,
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
    /// Per group id (ids in order of first use over the nodes): endpoints of the set in each
    /// zone slot, and the set's size.
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

/// The nodes kube-proxy treats alike for one Service, each class evaluated once: a node's
/// verdict depends on its zone label and, when the Service routes to node-local endpoints
/// (`internalTrafficPolicy: Local`) or by `forNodes` hints (`PreferSameNode`), on the endpoints
/// that name it. So there is one class per zone label for the nodes no endpoint names (a
/// stand-in node whose name no endpoint refers to), and for those Services one class per zone
/// label for the nodes that host endpoints, represented by its first node: kube-proxy runs
/// about twice per zone label instead of once per node, each run reading every endpoint.
struct ProxyClasses {
    /// One client node per class.
    clients: Vec<Node>,
    /// Per node of the cluster (in order), its class.
    of: Vec<usize>,
    /// Per class: for a class of endpoint-hosting nodes, the index of its first node (the
    /// client evaluated for it); `None` for the stand-in classes.
    first_of: Vec<Option<usize>>,
}

impl ProxyClasses {
    fn of(nodes: &[Node], hosted: &[usize], spec: &ServiceSpec) -> Self {
        let by_name = spec.proxy_service_port().uses_local_endpoints()
            || spec.traffic_distribution.as_deref()
                == Some(crate::topology::TrafficDistribution::PreferSameNode.as_str());
        let mut clients = Vec::new();
        let mut first_of = Vec::new();
        let mut by_label: std::collections::BTreeMap<(Option<&str>, bool), usize> =
            std::collections::BTreeMap::new();
        let of = nodes
            .iter()
            .zip(hosted)
            .enumerate()
            .map(|(i, (node, &hosted))| {
                let named = by_name && hosted > 0;
                let label = node.zone_label();
                *by_label.entry((label, named)).or_insert_with(|| {
                    let mut client = node.clone();
                    if !named {
                        // A name with a NUL byte: no endpoint's nodeName or forNodes hint is one.
                        client.name = format!("\0class {}", label.unwrap_or(""));
                    }
                    clients.push(client);
                    first_of.push(named.then_some(i));
                    clients.len() - 1
                })
            })
            .collect();
        ProxyClasses {
            clients,
            of,
            first_of,
        }
    }
}

/// kube-proxy's answer on every node of a cluster: the endpoint set it forwards to, computed
/// once per [`ProxyClasses`] class and kept once per distinct set.
struct NodeAnswers {
    /// The hints the EndpointSlice controller applied.
    hints: AppliedHints,
    /// The distinct non-empty endpoint index sets, in order of first use.
    sets: Vec<Vec<usize>>,
    /// Per node, its set (`None`: dropped or rejected).
    per_node: Vec<Option<u32>>,
}

impl NodeAnswers {
    /// Runs the upstream model for `endpoints` (node `i`'s endpoints are the `hosted[i]` indices
    /// from `first[i]`) with kube-proxy evaluated once per class. A class of endpoint-hosting
    /// nodes whose first node got exactly its own endpoints gives every member its own:
    /// kube-proxy read the same global facts for all of them and only the node name differs.
    /// Otherwise every member of that class is evaluated on its own.
    fn compute(
        nodes: &[Node],
        endpoints: &[Endpoint],
        first: &[usize],
        hosted: &[usize],
        spec: &ServiceSpec,
    ) -> NodeAnswers {
        let classes = ProxyClasses::of(nodes, hosted, spec);
        let hinted = hint_service(nodes, endpoints, spec, &ControllerConfig::default());
        let proxy = ProxyConfig::default();
        let verdict = |node: &Node| route_node(node, &hinted.endpoints, spec, &proxy);
        let own = |i: usize| first[i]..first[i] + hosted[i];
        let mut ids: std::collections::HashMap<Vec<usize>, u32> = std::collections::HashMap::new();
        let mut intern = |set: &[usize]| -> Option<u32> {
            if set.is_empty() {
                return None;
            }
            let next = ids.len() as u32;
            Some(*ids.entry(set.to_vec()).or_insert(next))
        };
        let mut class_set = Vec::with_capacity(classes.clients.len());
        let mut own_class = Vec::with_capacity(classes.clients.len());
        for (client, first_node) in classes.clients.iter().zip(&classes.first_of) {
            let v = verdict(client);
            let set = v.allowed();
            own_class.push(first_node.is_some_and(|f| set.iter().copied().eq(own(f))));
            class_set.push(intern(set));
        }
        let per_node = classes
            .of
            .iter()
            .enumerate()
            .map(|(i, &c)| match classes.first_of[c] {
                None => class_set[c],
                Some(_) if own_class[c] => intern(&own(i).collect::<Vec<_>>()),
                Some(_) => intern(verdict(&nodes[i]).allowed()),
            })
            .collect();
        let mut sets = vec![Vec::new(); ids.len()];
        for (set, id) in ids {
            sets[id as usize] = set;
        }
        NodeAnswers {
            hints: hinted.hints,
            sets,
            per_node,
        }
    }
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
        // Each node's endpoints are one run of indices from `first[i]`.
        let mut first = Vec::with_capacity(nodes.len());
        for (node, &(n, z)) in nodes.iter().zip(where_) {
            first.push(endpoints.len());
            for p in 0..endpoints_at.per_node[n] {
                endpoints.push(Endpoint::ready(
                    format!("{}/pod-{p}", node.name),
                    Some(&node.name),
                    node.zone.as_deref(),
                ));
                ep_zone.push(z);
            }
        }
        let hosted: Vec<usize> = where_
            .iter()
            .map(|&(n, _)| endpoints_at.per_node[n] as usize)
            .collect();
        let answers = NodeAnswers::compute(nodes, &endpoints, &first, &hosted, spec);
        let groups = answers
            .sets
            .iter()
            .map(|set| {
                let mut count = vec![0u32; topo.zones.len()];
                for &e in set {
                    if let Some(&d) = ep_zone.get(e) {
                        count[d] += 1;
                    }
                }
                (count, set.len())
            })
            .collect();
        let mut node_group = vec![None; topo.node_zone.len()];
        for (id, &(n, _)) in answers.per_node.iter().zip(where_) {
            node_group[n] = *id;
        }
        out.push(UpstreamCluster {
            cluster: cl,
            state: hints_state(&answers.hints, spec),
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
    use crate::topology::route_service;

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

    #[test]
    fn one_proxy_evaluation_per_class_gives_every_node_its_own_answer() {
        // 4 nodes in a, 3 in b, 2 in c, one unlabeled node; endpoints on a0 (2), a2, a3, b1 and
        // the unlabeled node: under every Service setting each node must get exactly what
        // kube-proxy evaluated on that node itself gives.
        let mut nodes = Vec::new();
        for (zone, n) in [("a", 4), ("b", 3), ("c", 2)] {
            for i in 0..n {
                nodes.push(Node::new(format!("{zone}{i}"), Some(zone), 2_000));
            }
        }
        nodes.push(Node::new("u0", None, 2_000));
        let hosted_on = [("a0", 2), ("a2", 1), ("a3", 1), ("b1", 1), ("u0", 1)];
        let mut endpoints = Vec::new();
        let mut first = Vec::new();
        let mut hosted = Vec::new();
        for node in &nodes {
            first.push(endpoints.len());
            let k = hosted_on
                .iter()
                .find(|(n, _)| *n == node.name)
                .map_or(0, |&(_, k)| k);
            hosted.push(k);
            for p in 0..k {
                endpoints.push(Endpoint::ready(
                    format!("{}/pod-{p}", node.name),
                    Some(&node.name),
                    node.zone.as_deref(),
                ));
            }
        }
        // The same with one more endpoint that names no node (so PreferSameNode's forNodes hints
        // are incomplete and kube-proxy falls back to zones: hosting nodes no longer get just
        // their own endpoints, and each is evaluated on its own).
        let mut nodeless = endpoints.clone();
        nodeless.push(Endpoint::ready("x/pod-0", None, Some("b")));
        for endpoints in [endpoints, nodeless] {
            let specs = [
                upstream_spec(&OptionKind::ClusterIp, "s"),
                upstream_spec(&OptionKind::Headless, "s"),
                upstream_spec(&OptionKind::ItpLocal, "s"),
                upstream_spec(&OptionKind::TopologyAware, "s"),
                upstream_spec(&OptionKind::PreferClose, "s"),
                ServiceSpec::new("s").with_traffic_distribution("PreferSameNode"),
            ];
            for spec in specs {
                let (c, p) = (ControllerConfig::default(), ProxyConfig::default());
                let full = route_service(&nodes, &endpoints, &spec, &c, &p);
                let answers = NodeAnswers::compute(&nodes, &endpoints, &first, &hosted, &spec);
                for (i, node) in nodes.iter().enumerate() {
                    let got = answers.per_node[i].map_or(&[][..], |id| &answers.sets[id as usize]);
                    assert_eq!(
                        got,
                        full.per_node[&node.name].allowed(),
                        "{} under {spec:?}",
                        node.name
                    );
                }
                assert_eq!(answers.hints, full.hints);
            }
        }
    }
}
