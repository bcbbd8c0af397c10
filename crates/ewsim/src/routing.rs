//! Which endpoint zone each request reaches, per option and traffic edge.
//!
//! An option's path is a chain of *stages* (client to load-balancer node, load balancer to target,
//! kube-proxy to pod, ...). Each stage is a transition table from the zone a request is in to the
//! zone it goes next; rows may sum to less than one, the rest being dropped. Expanding the chain from
//! the clients' zones gives weighted hop sequences ([`Path`]) that the cost and latency stages price.
//! Shares are exact ratios of pod and node counts, kept as `Decimal`.

use crate::placement::{Placement, Topology};
use crate::scenario::{
    ExternalTrafficPolicy, LoadBalancerSettings, MeshAffinity, MeshSettings, OptionKind,
    OptionSpec, Scenario, TargetType, TrafficEdge,
};
use crate::topology::{
    AppliedHints, ControllerConfig, Endpoint, Node, ProxyConfig, ServiceSpec, TrafficPolicy,
    route_service,
};
use rust_decimal::Decimal;

/// What a hop is, which decides how it is billed and what latency it adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HopKind {
    /// Pod to pod through a ClusterIP / headless / mesh selection (inter-AZ billed).
    PodToPod,
    /// Client pod to a load-balancer node (inter-AZ billed unless the scenario says otherwise).
    ClientToLb,
    /// ALB node to target (cross-zone transfer not charged).
    AlbToTarget,
    /// NLB node to target (inter-AZ billed when cross-zone is on).
    NlbToTarget,
    /// Instance-mode NodePort: the receiving node's kube-proxy forwards to a pod (inter-AZ billed).
    NodePortToPod,
    /// Through VPC Lattice (inter-AZ covered by Lattice data processing).
    Lattice,
}

impl HopKind {
    /// A short label for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            HopKind::PodToPod => "pod->pod",
            HopKind::ClientToLb => "client->lb",
            HopKind::AlbToTarget => "alb->target",
            HopKind::NlbToTarget => "nlb->target",
            HopKind::NodePortToPod => "nodeport->pod",
            HopKind::Lattice => "lattice->target",
        }
    }
}

/// One hop between zone slots (see [`Topology::zones`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    /// Kind of hop.
    pub kind: HopKind,
    /// Zone slot the hop leaves.
    pub from: usize,
    /// Zone slot the hop reaches.
    pub to: usize,
}

/// A hop sequence taken by a share of an edge's requests.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// Share of the edge's requests (and bytes) on this path.
    pub share: Decimal,
    /// Zone slot of the client.
    pub client_zone: usize,
    /// Hops in order.
    pub hops: Vec<Hop>,
}

/// Routing of one traffic edge under one option.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeRoute {
    /// Paths of the delivered requests; their shares sum to `1 - dropped`.
    pub paths: Vec<Path>,
    /// Share of requests dropped (no usable endpoint), never counted as cheap traffic.
    pub dropped: Decimal,
    /// Whether a stated assumption replaced the model's cross-AZ share.
    pub assumed: bool,
    /// Explanations worth showing (fallbacks, ignored settings).
    pub notes: Vec<String>,
    /// Topology hints state for the options the upstream Kubernetes model routes (ClusterIP,
    /// headless, internalTrafficPolicy Local, Topology Aware Routing, PreferClose), e.g.
    /// `hints: enabled (us-east-1a: 2, ...)` or `hints removed: MinAllocationExceedsOverloadThreshold:
    /// Unable to allocate ... (4 endpoints, 3 zones)`, using the upstream reason names and
    /// messages; clusters are prefixed when they differ. `None` for the other options.
    pub hints: Option<String>,
    /// Share of the edge's requests sent by clients in each zone slot (indexed like hops); sums to
    /// one when the edge has clients.
    pub client_shares: Vec<Decimal>,
}

impl EdgeRoute {
    /// Requests-weighted number of AZ crossings: the sum over paths of share x hops that cross
    /// an AZ (only hops of `kind` when given). Times the edge's GB, the GB crossing zones.
    pub fn crossing_share(&self, topo: &Topology, kind: Option<HopKind>) -> Decimal {
        self.paths
            .iter()
            .flat_map(|p| p.hops.iter().map(move |h| (p.share, h)))
            .filter(|(_, h)| kind.is_none_or(|k| h.kind == k) && topo.crosses_az(h.from, h.to))
            .map(|(s, _)| s)
            .sum()
    }
}

/// A transition table: `rows[from]` lists `(to, probability)`.
struct Stage {
    kind: HopKind,
    rows: Vec<Vec<(usize, Decimal)>>,
}

/// Normalises weights into probabilities (empty when all are zero).
fn normalise(weights: impl IntoIterator<Item = (usize, Decimal)>) -> Vec<(usize, Decimal)> {
    let w: Vec<(usize, Decimal)> = weights.into_iter().filter(|(_, x)| !x.is_zero()).collect();
    let total: Decimal = w.iter().map(|(_, x)| *x).sum();
    if total.is_zero() {
        return Vec::new();
    }
    w.into_iter().map(|(z, x)| (z, x / total)).collect()
}

/// Everything routing needs about one edge.
struct EdgeCtx<'a> {
    topo: &'a Topology,
    clients: Placement,
    endpoints: Placement,
    /// Endpoints per zone slot.
    ep_zone: Vec<Decimal>,
}

impl EdgeCtx<'_> {
    fn zones(&self) -> std::ops::Range<usize> {
        0..self.topo.zones.len()
    }

    fn same_cluster(&self, a: usize, b: usize) -> bool {
        self.topo.zones[a].cluster == self.topo.zones[b].cluster
    }

    /// Uniform over endpoints in the zones `scope(from, to)` allows.
    fn uniform(&self, kind: HopKind, scope: impl Fn(usize, usize) -> bool) -> Stage {
        let rows = self
            .zones()
            .map(|c| {
                normalise(
                    self.zones()
                        .filter(|&d| scope(c, d))
                        .map(|d| (d, self.ep_zone[d])),
                )
            })
            .collect();
        Stage { kind, rows }
    }

    /// Same zone when the client's zone (same cluster) has endpoints, else uniform in the cluster.
    fn prefer_same_zone(&self, kind: HopKind) -> Stage {
        let uniform = self.uniform(kind, |c, d| self.same_cluster(c, d));
        let rows = uniform
            .rows
            .into_iter()
            .enumerate()
            .map(|(c, row)| {
                if self.ep_zone[c].is_zero() {
                    row
                } else {
                    vec![(c, Decimal::ONE)]
                }
            })
            .collect();
        Stage { kind, rows }
    }

    /// internalTrafficPolicy Local: a client pod reaches endpoints on its own node only (the
    /// simple model, kept as a cross-check of [`EdgeCtx::upstream`] in unit tests).
    #[cfg(test)]
    fn node_local(&self) -> Stage {
        let rows = self
            .zones()
            .map(|c| {
                let z = &self.topo.zones[c];
                let nodes = z.first_node..z.first_node + z.nodes;
                let clients: u32 = self.clients.per_node[nodes.clone()].iter().sum();
                let served: u32 = nodes
                    .filter(|&n| self.endpoints.per_node[n] > 0)
                    .map(|n| self.clients.per_node[n])
                    .sum();
                if clients == 0 || served == 0 {
                    Vec::new()
                } else {
                    vec![(c, Decimal::from(served) / Decimal::from(clients))]
                }
            })
            .collect();
        Stage {
            kind: HopKind::PodToPod,
            rows,
        }
    }

    /// Pod-to-pod stage from the upstream Kubernetes model: per cluster, the EndpointSlice
    /// controller's hints and kube-proxy's per-node endpoint filtering ([`route_service`]) for a
    /// Service with the settings `spec`.
    ///
    /// Nodes are `<cluster>/<zone>/node-<i>` with the zone name as zone label and
    /// [`Topology::node_cpu_milli`] allocatable CPU; the scenario's node attributes
    /// ([`crate::placement::ZoneSlot::node_state`]) make some unlabeled, not Ready or control
    /// plane. Every pod of the called service is one ready endpoint on its node, with the node's
    /// zone label as its zone (none on an unlabeled node). Row `c` weights each node of zone `c` by
    /// its client pods (equally when the zone has none): a node forwarding to the set `E` adds its
    /// weight x (endpoints of `E` in zone `d`) / |E| to `c -> d`; a dropped or rejected node adds
    /// nothing, so the row sums to less than one. Returns the stage and the hints state of each
    /// cluster that has clients.
    fn upstream(
        &self,
        cluster_names: &[String],
        spec: &ServiceSpec,
    ) -> (Stage, Vec<(usize, String)>) {
        let topo = self.topo;
        let mut rows = vec![Vec::new(); topo.zones.len()];
        let mut states = Vec::new();
        let mut clusters: Vec<usize> = topo.zones.iter().map(|z| z.cluster).collect();
        clusters.dedup();
        for cl in clusters {
            let cname = cluster_names.get(cl).map_or("", String::as_str);
            // (node, global node index, zone slot)
            let mut nodes = Vec::new();
            let mut where_ = Vec::new();
            for z in topo.cluster_zones(cl) {
                let slot = &topo.zones[z];
                for i in 0..slot.nodes {
                    let state = slot.node_state(i);
                    let mut node = Node::new(
                        format!("{cname}/{}/node-{i}", slot.name),
                        state.labeled.then_some(slot.name.as_str()),
                        topo.node_cpu_milli(z),
                    );
                    node.ready = state.ready;
                    node.control_plane = state.control_plane;
                    nodes.push(node);
                    where_.push((slot.first_node + i, z));
                }
            }
            let mut endpoints = Vec::new();
            let mut ep_zone = Vec::new();
            for (node, &(n, z)) in nodes.iter().zip(&where_) {
                for p in 0..self.endpoints.per_node[n] {
                    endpoints.push(Endpoint::ready(
                        format!("{}/pod-{p}", node.name),
                        Some(&node.name),
                        node.zone.as_deref(),
                    ));
                    ep_zone.push(z);
                }
            }
            let clients: u32 = where_.iter().map(|&(n, _)| self.clients.per_node[n]).sum();
            if clients == 0 && endpoints.is_empty() {
                continue;
            }
            let routing = route_service(
                &nodes,
                &endpoints,
                spec,
                &ControllerConfig::default(),
                &ProxyConfig::default(),
            );
            if clients > 0 {
                states.push((cl, hints_state(&routing.hints, spec)));
            }
            for z in topo.cluster_zones(cl) {
                let members: Vec<usize> = (0..nodes.len()).filter(|&k| where_[k].1 == z).collect();
                let zone_clients: u32 = members
                    .iter()
                    .map(|&k| self.clients.per_node[where_[k].0])
                    .sum();
                let weight = |k: usize| {
                    if zone_clients == 0 {
                        Decimal::ONE
                    } else {
                        Decimal::from(self.clients.per_node[where_[k].0])
                    }
                };
                let total: Decimal = members.iter().map(|&k| weight(k)).sum();
                if total.is_zero() {
                    continue;
                }
                // Nodes sharing an endpoint set are grouped so that each share is one exact
                // division of counts (W x count_d) / (total x |E|).
                let mut groups: std::collections::BTreeMap<&[usize], Decimal> =
                    std::collections::BTreeMap::new();
                for &k in &members {
                    let Some(nr) = routing.per_node.get(&nodes[k].name) else {
                        continue;
                    };
                    let allowed = nr.allowed();
                    if !allowed.is_empty() {
                        *groups.entry(allowed).or_default() += weight(k);
                    }
                }
                let mut acc = vec![Decimal::ZERO; topo.zones.len()];
                for (allowed, w) in groups {
                    let mut count = vec![0u32; topo.zones.len()];
                    for &e in allowed {
                        if let Some(&d) = ep_zone.get(e) {
                            count[d] += 1;
                        }
                    }
                    let denom = total * Decimal::from(allowed.len());
                    for (d, n) in count.into_iter().enumerate().filter(|(_, n)| *n > 0) {
                        acc[d] += w * Decimal::from(n) / denom;
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

    /// Nodes per zone that an instance-mode load balancer registers.
    fn registered_nodes(&self, etp: ExternalTrafficPolicy) -> Vec<Decimal> {
        self.topo
            .zones
            .iter()
            .map(|z| {
                let nodes = z.first_node..z.first_node + z.nodes;
                match etp {
                    ExternalTrafficPolicy::Cluster => Decimal::from(z.schedulable()),
                    ExternalTrafficPolicy::Local => {
                        Decimal::from(nodes.filter(|&n| self.endpoints.per_node[n] > 0).count())
                    }
                }
            })
            .collect()
    }

    /// Load-balancer stages: client to LB node, LB node to target, and for instance targets the
    /// NodePort hop. `lb_cluster` is the cluster hosting the load balancer and its targets.
    fn load_balancer(
        &self,
        lb: &LoadBalancerSettings,
        is_alb: bool,
        lb_cluster: usize,
        notes: &mut Vec<String>,
    ) -> Vec<Stage> {
        let in_lb = |d: usize| self.topo.zones[d].cluster == lb_cluster;
        let targets: Vec<Decimal> = match lb.target_type {
            TargetType::Ip => self.ep_zone.clone(),
            TargetType::Instance => self.registered_nodes(lb.external_traffic_policy),
        };
        // ALB nodes sit in every enabled zone; an NLB without cross-zone only advertises zones with
        // healthy targets in DNS.
        let lb_zones: Vec<usize> = self
            .zones()
            .filter(|&d| in_lb(d) && (is_alb || lb.cross_zone || !targets[d].is_zero()))
            .collect();
        let client_rows = self
            .zones()
            .map(|c| {
                if lb.client_zone_affinity && lb_zones.contains(&c) {
                    vec![(c, Decimal::ONE)]
                } else {
                    normalise(lb_zones.iter().map(|&d| (d, Decimal::ONE)))
                }
            })
            .collect();
        let to_target_kind = if is_alb {
            HopKind::AlbToTarget
        } else {
            HopKind::NlbToTarget
        };
        let uniform_targets =
            || normalise(self.zones().filter(|&d| in_lb(d)).map(|d| (d, targets[d])));
        let target_rows = self
            .zones()
            .map(|b| {
                if lb.cross_zone || targets[b].is_zero() {
                    if !lb.cross_zone && in_lb(b) {
                        notes.push(format!("zone {} has no targets with cross-zone off: its load-balancer node forwards elsewhere", self.topo.zones[b].name));
                    }
                    uniform_targets()
                } else {
                    vec![(b, Decimal::ONE)]
                }
            })
            .collect();
        let mut stages = vec![
            Stage {
                kind: HopKind::ClientToLb,
                rows: client_rows,
            },
            Stage {
                kind: to_target_kind,
                rows: target_rows,
            },
        ];
        if lb.target_type == TargetType::Instance {
            stages.push(match lb.external_traffic_policy {
                ExternalTrafficPolicy::Cluster => {
                    self.uniform(HopKind::NodePortToPod, |c, d| self.same_cluster(c, d))
                }
                ExternalTrafficPolicy::Local => Stage {
                    kind: HopKind::NodePortToPod,
                    rows: self.zones().map(|c| vec![(c, Decimal::ONE)]).collect(),
                },
            });
        }
        stages
    }

    /// The cluster whose load balancer a client uses: its own when it runs the service, else the
    /// first cluster (file order) that does.
    fn serving_cluster(&self, client_cluster: usize) -> Option<usize> {
        let has = |cl: usize| {
            self.topo
                .cluster_zones(cl)
                .any(|z| !self.ep_zone[z].is_zero())
        };
        if has(client_cluster) {
            return Some(client_cluster);
        }
        let clusters = self
            .topo
            .zones
            .iter()
            .map(|z| z.cluster)
            .max()
            .map_or(0, |m| m + 1);
        (0..clusters).find(|&cl| has(cl))
    }
}

/// Routes one edge under one option.
pub fn route_edge(
    s: &Scenario,
    topo: &Topology,
    option: &OptionSpec,
    edge: &TrafficEdge,
) -> EdgeRoute {
    let clients = topo.place(s, &edge.from);
    let endpoints = topo.place(s, &edge.to);
    let ep_zone = endpoints
        .per_zone(topo)
        .into_iter()
        .map(Decimal::from)
        .collect();
    let ctx = EdgeCtx {
        topo,
        clients,
        endpoints,
        ep_zone,
    };
    let mut notes = Vec::new();
    let same_cluster = |c: usize, d: usize| ctx.same_cluster(c, d);
    let mesh_stage = |m: &MeshSettings, notes: &mut Vec<String>| {
        if m.locality_lb && m.outlier_detection {
            ctx.prefer_same_zone(HopKind::PodToPod)
        } else {
            if m.locality_lb {
                notes.push("locality load balancing has no effect without outlier detection: traffic spreads uniformly".into());
            }
            ctx.uniform(HopKind::PodToPod, same_cluster)
        }
    };
    // Client cluster of the first client zone decides where a single load balancer lives.
    let client_cluster = ctx
        .zones()
        .find(|&z| ctx.clients.per_zone(topo)[z] > 0)
        .map_or(0, |z| topo.zones[z].cluster);
    let lb_cluster = ctx
        .serving_cluster(client_cluster)
        .unwrap_or(client_cluster);
    let mut hints = None;
    let cluster_names: Vec<String> = s.clusters.iter().map(|c| c.name.clone()).collect();
    let (mut stages, charged_stage) = match &option.kind {
        OptionKind::ClusterIp
        | OptionKind::Headless
        | OptionKind::ItpLocal
        | OptionKind::TopologyAware
        | OptionKind::PreferClose => {
            let spec = upstream_spec_for(option, &edge.to);
            if let (OptionKind::TopologyAware, Some(td)) =
                (&option.kind, option.traffic_distribution)
            {
                notes.push(format!(
                    "trafficDistribution {} ignored: the topology-mode annotation Auto takes precedence (EndpointSlice reconciler)",
                    td.as_str()
                ));
            }
            let (stage, states) = ctx.upstream(&cluster_names, &spec);
            hints = combine_states(&cluster_names, states, &mut notes);
            (vec![stage], 0)
        }
        OptionKind::IstioSidecar { mesh } | OptionKind::IstioAmbient { mesh, .. } => {
            (vec![mesh_stage(mesh, &mut notes)], 0)
        }
        OptionKind::CiliumClusterMesh { affinity } => {
            let stage = ctx.uniform(HopKind::PodToPod, |c, d| {
                let local_has = ctx
                    .topo
                    .cluster_zones(topo.zones[c].cluster)
                    .any(|z| !ctx.ep_zone[z].is_zero());
                let remote_has = ctx
                    .zones()
                    .any(|z| !same_cluster(c, z) && !ctx.ep_zone[z].is_zero());
                match affinity {
                    MeshAffinity::None => true,
                    MeshAffinity::Local => same_cluster(c, d) || !local_has,
                    MeshAffinity::Remote => !same_cluster(c, d) || !remote_has,
                }
            });
            (vec![stage], 0)
        }
        OptionKind::Lattice { .. } => (vec![ctx.uniform(HopKind::Lattice, |_, _| true)], 0),
        OptionKind::InternalAlb { lb, .. } => {
            (ctx.load_balancer(lb, true, lb_cluster, &mut notes), 0)
        }
        OptionKind::InternalNlb { lb } | OptionKind::Route53Nlb { lb, .. } => {
            (ctx.load_balancer(lb, false, lb_cluster, &mut notes), 0)
        }
    };
    let mut assumed = false;
    if let Some(share) = option.assume_cross_az_share {
        assumed = true;
        assume_share(topo, &mut stages[charged_stage], share, &mut notes);
    }
    notes.sort();
    notes.dedup();

    // Expand from the clients' zones.
    let client_zone = ctx.clients.per_zone(topo);
    let total: u32 = client_zone.iter().sum();
    let mut paths: Vec<Path> = client_zone
        .iter()
        .enumerate()
        .filter(|(_, k)| **k > 0)
        .map(|(z, k)| Path {
            share: Decimal::from(*k) / Decimal::from(total.max(1)),
            client_zone: z,
            hops: Vec::new(),
        })
        .collect();
    for stage in &stages {
        let mut next = Vec::new();
        for p in &paths {
            let at = p.hops.last().map_or(p.client_zone, |h| h.to);
            for &(to, prob) in &stage.rows[at] {
                let mut hops = p.hops.clone();
                hops.push(Hop {
                    kind: stage.kind,
                    from: at,
                    to,
                });
                next.push(Path {
                    share: p.share * prob,
                    client_zone: p.client_zone,
                    hops,
                });
            }
        }
        paths = next;
    }
    let delivered: Decimal = paths.iter().map(|p| p.share).sum();
    let dropped = if total == 0 {
        Decimal::ZERO
    } else {
        // Shares are exact ratios; Decimal division leaves noise in the 28th digit, so the
        // complement is rounded to 20 places (far below any reported precision).
        (Decimal::ONE - delivered).round_dp(20).max(Decimal::ZERO)
    };
    if total > 0 && ctx.endpoints.total() == 0 {
        notes.push(format!(
            "service `{}` has no endpoints: every request fails",
            edge.to
        ));
    }
    let client_shares = client_zone
        .iter()
        .map(|k| Decimal::from(*k) / Decimal::from(total.max(1)))
        .collect();
    EdgeRoute {
        paths,
        dropped,
        assumed,
        notes,
        hints,
        client_shares,
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
fn upstream_spec_for(option: &OptionSpec, service: &str) -> ServiceSpec {
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
fn hints_state(applied: &AppliedHints, spec: &ServiceSpec) -> String {
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
fn combine_states(
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

/// Replaces a stage's cross-zone share with a stated assumption: each row keeps its delivered mass,
/// `1 - share` of it stays in the client's zone and `share` spreads evenly over the other zones the
/// row could reach (or, when it reached none, the other zones of the same cluster).
fn assume_share(topo: &Topology, stage: &mut Stage, share: Decimal, notes: &mut Vec<String>) {
    for (c, row) in stage.rows.iter_mut().enumerate() {
        let mass: Decimal = row.iter().map(|(_, p)| *p).sum();
        if mass.is_zero() {
            continue;
        }
        let mut others: Vec<usize> = row
            .iter()
            .map(|(d, _)| *d)
            .filter(|&d| topo.crosses_az(c, d))
            .collect();
        if others.is_empty() {
            others = topo
                .cluster_zones(topo.zones[c].cluster)
                .filter(|&d| topo.crosses_az(c, d))
                .collect();
        }
        if others.is_empty() {
            notes.push("assume_cross_az_share ignored for a single-zone cluster".into());
            continue;
        }
        let k = Decimal::from(others.len());
        let mut new_row = vec![(c, mass * (Decimal::ONE - share))];
        new_row.extend(others.into_iter().map(|d| (d, mass * share / k)));
        new_row.retain(|(_, p)| !p.is_zero());
        *row = new_row;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx_for<'a>(s: &Scenario, topo: &'a Topology) -> EdgeCtx<'a> {
        let endpoints = topo.place(s, "s");
        let ep_zone = endpoints
            .per_zone(topo)
            .into_iter()
            .map(Decimal::from)
            .collect();
        EdgeCtx {
            topo,
            clients: topo.place(s, "c"),
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
            let ctx = ctx_for(&s, &topo);
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
            let ctx = ctx_for(&s, &topo);
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
