//! Which endpoint zone each request reaches, per option and traffic edge.
//!
//! An option's path is a chain of *stages* (client to load-balancer node, load balancer to target,
//! kube-proxy to pod, ...). Each stage is a transition table from the zone a request is in to the
//! zone it goes next; rows may sum to less than one, the rest being dropped. Expanding the chain from
//! the clients' zones gives weighted hop sequences ([`Path`]) that the cost and latency stages price.
//! Shares are exact ratios of pod and node counts, kept as `Decimal`.

use crate::placement::{Placement, PlacementId, Placements, Topology};
use crate::scenario::StateTime;
use crate::scenario::{
    ExternalTrafficPolicy, LoadBalancerSettings, MeshAffinity, MeshSettings, OptionKind,
    OptionSpec, Scenario, TargetType, TrafficEdge,
};
use crate::topology::{
    AppliedHints, ControllerConfig, Endpoint, Node, ProxyConfig, ServiceSpec, TrafficPolicy,
    route_service,
};
use rust_decimal::Decimal;
use std::sync::Arc;

/// What a hop is, which decides how it is billed and what latency it adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// Most hops a path has: client -> load-balancer node -> target node -> pod (instance targets).
pub const MAX_HOPS: usize = 3;

/// The hops of one path, stored inline (a path has at most [`MAX_HOPS`]); reads as a slice.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Hops {
    len: u8,
    items: [Hop; MAX_HOPS],
}

impl Hops {
    const EMPTY: Hops = Hops {
        len: 0,
        items: [Hop {
            kind: HopKind::PodToPod,
            from: 0,
            to: 0,
        }; MAX_HOPS],
    };

    fn push(&mut self, hop: Hop) {
        self.items[usize::from(self.len)] = hop;
        self.len += 1;
    }
}

impl std::ops::Deref for Hops {
    type Target = [Hop];
    fn deref(&self) -> &[Hop] {
        &self.items[..usize::from(self.len)]
    }
}

impl std::fmt::Debug for Hops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A hop sequence taken by a share of an edge's requests.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// Share of the edge's requests (and bytes) on this path.
    pub share: Decimal,
    /// Zone slot of the client.
    pub client_zone: usize,
    /// Hops in order.
    pub hops: Hops,
}

/// How an edge's requests travel: a chain of stage tables starting from the client zones, or,
/// for a month of replica states, each state's route weighted by its time.
#[derive(Debug, Clone, PartialEq)]
enum Via {
    Chain(Arc<[Stage]>),
    States(Vec<(StateTime, EdgeRoute)>),
}

/// Routing of one traffic edge under one option.
///
/// The route is kept as zone-to-zone stage tables (shared by every edge that routes the same
/// way), not as expanded paths: [`EdgeRoute::paths`] expands them on demand, so a scenario with
/// thousands of edges keeps a few zone-sized tables per edge instead of up to `zones^4` paths.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeRoute {
    via: Via,
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
    pub hints: Option<Arc<str>>,
    /// Share of the edge's requests sent by clients in each zone slot (indexed like hops); sums to
    /// one when the edge has clients.
    pub client_shares: Arc<[Decimal]>,
}

impl EdgeRoute {
    /// Calls `f` with every path of the delivered requests, in a fixed order (client zone, then
    /// each stage's destinations in zone order); their shares sum to `1 - dropped`.
    pub fn for_each_path(&self, f: &mut impl FnMut(Path)) {
        self.walk(f);
    }

    fn walk(&self, f: &mut dyn FnMut(Path)) {
        match &self.via {
            Via::Chain(stages) => {
                for (c, share) in self.client_shares.iter().enumerate() {
                    if !share.is_zero() {
                        expand(stages, *share, c, c, Hops::EMPTY, f);
                    }
                }
            }
            Via::States(states) => {
                for (time, r) in states {
                    r.walk(&mut |mut p: Path| {
                        p.share = time.weigh(p.share);
                        f(p)
                    });
                }
            }
        }
    }

    /// Paths of the delivered requests (see [`EdgeRoute::for_each_path`]).
    pub fn paths(&self) -> Vec<Path> {
        let mut out = Vec::new();
        self.for_each_path(&mut |p| out.push(p));
        out
    }

    /// Whether any request is delivered (the route has at least one path).
    pub fn delivers(&self) -> bool {
        let mut any = false;
        self.for_each_path(&mut |_| any = true);
        any
    }

    /// One route for a month of replica states: each state's route (`states[i]` lasting
    /// `times[i]`) weighted by its time; the other fields are given by the caller.
    pub(crate) fn of_states(
        states: Vec<(StateTime, EdgeRoute)>,
        dropped: Decimal,
        assumed: bool,
        notes: Vec<String>,
        hints: Option<Arc<str>>,
        client_shares: Vec<Decimal>,
    ) -> EdgeRoute {
        EdgeRoute {
            via: Via::States(states),
            dropped,
            assumed,
            notes,
            hints,
            client_shares: client_shares.into(),
        }
    }

    /// Share of the edge's requests delivered: the sum of the paths' shares, from the stage
    /// tables' survival shares (see [`HopFlows`]).
    fn delivered(&self) -> Decimal {
        match &self.via {
            Via::Chain(stages) => {
                let survive = survival(self.client_shares.len(), stages);
                self.client_shares
                    .iter()
                    .zip(&survive[0])
                    .map(|(m, s)| times(*m, *s))
                    .sum()
            }
            Via::States(states) => states
                .iter()
                .map(|(time, r)| time.weigh(r.delivered()))
                .sum(),
        }
    }

    /// The delivered requests' shares per hop, per client zone and per final zone, summed over
    /// the route's paths without expanding them (see [`HopFlows`]).
    pub fn flows(&self) -> HopFlows {
        match &self.via {
            Via::Chain(stages) => HopFlows::of_chain(&self.client_shares, stages),
            Via::States(states) => {
                let mut out = HopFlows::default();
                for (time, r) in states {
                    out.add_weighted(&r.flows(), *time);
                }
                out
            }
        }
    }

    /// A key equal for two routes of one evaluation that share their stage tables and client
    /// shares (routes of edges between services placed alike), so that callers can compute
    /// [`EdgeRoute::flows`] once per distinct route. `None` for a month of replica states.
    pub fn shared_key(&self) -> Option<(usize, usize)> {
        match &self.via {
            Via::Chain(stages) => Some((
                Arc::as_ptr(stages).cast::<u8>() as usize,
                Arc::as_ptr(&self.client_shares).cast::<u8>() as usize,
            )),
            Via::States(_) => None,
        }
    }

    /// Requests-weighted number of AZ crossings: the sum over paths of share x hops that cross
    /// an AZ (only hops of `kind` when given). Times the edge's GB, the GB crossing zones.
    pub fn crossing_share(&self, topo: &Topology, kind: Option<HopKind>) -> Decimal {
        self.flows()
            .hops
            .iter()
            .filter(|h| kind.is_none_or(|k| h.kind == k) && topo.crosses_az(h.from, h.to))
            .map(|h| h.share)
            .sum()
    }
}

/// One hop of a route with the share of the edge's delivered requests that take it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HopFlow {
    /// Kind of hop.
    pub kind: HopKind,
    /// Zone slot the hop leaves.
    pub from: usize,
    /// Zone slot the hop reaches.
    pub to: usize,
    /// Share of the edge's requests that take this hop and are delivered.
    pub share: Decimal,
}

/// What pricing needs of a route: the share of the edge's requests on each hop, by client zone
/// and by final zone, counting delivered requests only (a request dropped at a later stage is
/// not billed for its earlier hops, as no path holds it).
///
/// Computed from the stage tables in `O(stages x zones^2)`: with `s_k(z)` the share of requests
/// at zone `z` after stage `k` that are eventually delivered (`s_K = 1`,
/// `s_k(c) = sum_d p_{k+1}(c, d) s_{k+1}(d)`) and `m_k` the forward mass (`m_0` = client shares),
/// hop `c -> d` of stage `k` carries `m_{k-1}(c) p_k(c, d) s_k(d)`: the sum over the paths
/// through that hop of their shares.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HopFlows {
    /// Share of the edge's requests delivered (`1 - dropped`).
    pub delivered: Decimal,
    /// Every hop with a non-zero share, stage by stage, then by zone slots.
    pub hops: Vec<HopFlow>,
    /// Delivered share by client zone slot.
    pub by_client_zone: Vec<Decimal>,
    /// Delivered share by the zone slot of the last hop's end (the client's zone when a path has
    /// no hop).
    pub by_end_zone: Vec<Decimal>,
}

impl HopFlows {
    fn of_chain(client_shares: &[Decimal], stages: &[Stage]) -> HopFlows {
        let zones = client_shares.len();
        let survive = survival(zones, stages);
        let mut out = HopFlows {
            delivered: Decimal::ZERO,
            hops: Vec::new(),
            by_client_zone: client_shares
                .iter()
                .zip(&survive[0])
                .map(|(m, s)| times(*m, *s))
                .collect(),
            by_end_zone: vec![Decimal::ZERO; zones],
        };
        out.delivered = out.by_client_zone.iter().copied().sum();
        let mut mass = client_shares.to_vec();
        for (k, stage) in stages.iter().enumerate() {
            let mut next = vec![Decimal::ZERO; zones];
            for (c, row) in stage.rows.iter().enumerate() {
                if mass[c].is_zero() {
                    continue;
                }
                for &(d, p) in row {
                    let moved = times(mass[c], p);
                    next[d] += moved;
                    let share = times(moved, survive[k + 1][d]);
                    if !share.is_zero() {
                        out.hops.push(HopFlow {
                            kind: stage.kind,
                            from: c,
                            to: d,
                            share,
                        });
                    }
                }
            }
            mass = next;
        }
        out.by_end_zone = mass;
        out
    }

    /// Adds `other` weighted by a replica state's time.
    fn add_weighted(&mut self, other: &HopFlows, time: StateTime) {
        self.delivered += time.weigh(other.delivered);
        for h in &other.hops {
            let share = time.weigh(h.share);
            match self
                .hops
                .iter_mut()
                .find(|x| (x.kind, x.from, x.to) == (h.kind, h.from, h.to))
            {
                Some(x) => x.share += share,
                None => self.hops.push(HopFlow { share, ..*h }),
            }
        }
        for (acc, v) in [
            (&mut self.by_client_zone, &other.by_client_zone),
            (&mut self.by_end_zone, &other.by_end_zone),
        ] {
            if acc.len() < v.len() {
                acc.resize(v.len(), Decimal::ZERO);
            }
            for (a, x) in acc.iter_mut().zip(v) {
                *a += time.weigh(*x);
            }
        }
    }
}

/// Share of the requests at each zone slot after stage `k` (index `k`; 0 = at the clients) that
/// are eventually delivered: `s_K = 1`, `s_k(c) = sum_d p_{k+1}(c, d) s_{k+1}(d)`.
fn survival(zones: usize, stages: &[Stage]) -> Vec<Vec<Decimal>> {
    let mut survive = vec![vec![Decimal::ONE; zones]; stages.len() + 1];
    for k in (0..stages.len()).rev() {
        for c in 0..zones {
            survive[k][c] = stages[k].rows[c]
                .iter()
                .map(|(d, p)| times(*p, survive[k + 1][*d]))
                .sum();
        }
    }
    survive
}

/// `a x b`, skipping the multiplication when either is exactly one (survival shares mostly are).
fn times(a: Decimal, b: Decimal) -> Decimal {
    if b == Decimal::ONE {
        a
    } else if a == Decimal::ONE {
        b
    } else {
        a * b
    }
}

/// Depth-first expansion of the stages from zone `at` (the order and the products are those of
/// expanding stage by stage: share x p1 x p2 ...).
fn expand(
    stages: &[Stage],
    share: Decimal,
    client_zone: usize,
    at: usize,
    hops: Hops,
    f: &mut dyn FnMut(Path),
) {
    let Some((stage, rest)) = stages.split_first() else {
        f(Path {
            share,
            client_zone,
            hops,
        });
        return;
    };
    for &(to, prob) in &stage.rows[at] {
        let mut next = hops;
        next.push(Hop {
            kind: stage.kind,
            from: at,
            to,
        });
        expand(rest, share * prob, client_zone, to, next, f);
    }
}

/// A transition table: `rows[from]` lists `(to, probability)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
    clients: &'a Placement,
    endpoints: &'a Placement,
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
    fn upstream_rows(&self, server: &UpstreamServer) -> (Stage, Vec<(usize, String)>) {
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

/// The called service's side of the upstream Kubernetes model, per cluster: which endpoint set
/// each node's kube-proxy forwards to and the hints state. It does not depend on the clients, so
/// a [`Router`] computes it once per called service.
struct UpstreamServer {
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
/// zone slot; the same for every called service, so built once per [`Router`].
struct ClusterNodes {
    cluster: usize,
    nodes: Vec<Node>,
    where_: Vec<(usize, usize)>,
}

/// The nodes of every cluster ([`ClusterNodes`]).
///
/// Nodes are `<cluster>/<zone>/node-<i>` with the zone name as zone label and
/// [`Topology::node_cpu_milli`] allocatable CPU; the scenario's node attributes
/// ([`crate::placement::ZoneSlot::node_state`]) make some unlabeled, not Ready or control plane.
fn cluster_nodes(topo: &Topology, cluster_names: &[String]) -> Vec<ClusterNodes> {
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
                        topo.node_cpu_milli(z),
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
fn upstream_server(
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

/// Routes every traffic edge of one option. The called service's side of the upstream
/// Kubernetes model is computed once per called service and reused for all its callers, so
/// routing `E` edges costs `O(E)` plus one model run per distinct called service.
pub struct Router<'a> {
    topo: &'a Topology,
    placements: &'a Placements,
    option: &'a OptionSpec,
    cluster_names: Vec<String>,
    servers: std::collections::HashMap<PlacementId, std::rc::Rc<UpstreamServer>>,
    routes: std::collections::HashMap<(PlacementId, PlacementId), EdgeRoute>,
    nodes: Option<Vec<ClusterNodes>>,
    interner: Interner,
}

impl<'a> Router<'a> {
    /// A router for `option` over the scenario's services placed in `placements`.
    pub fn new(
        s: &Scenario,
        topo: &'a Topology,
        placements: &'a Placements,
        option: &'a OptionSpec,
    ) -> Self {
        Self {
            topo,
            placements,
            option,
            cluster_names: s.clusters.iter().map(|c| c.name.clone()).collect(),
            servers: std::collections::HashMap::new(),
            routes: std::collections::HashMap::new(),
            nodes: None,
            interner: Interner::default(),
        }
    }

    /// Routes one edge (see [`route_edge`]). A route depends on the caller's and the called
    /// service's placements, not on their names, so edges between services placed alike share
    /// one computation.
    pub fn route(&mut self, edge: &TrafficEdge) -> EdgeRoute {
        let key = (self.placements.id(&edge.from), self.placements.id(&edge.to));
        let mut route = match self.routes.get(&key) {
            Some(r) => r.clone(),
            None => {
                let r = self.route_placed(edge);
                self.routes.insert(key, r.clone());
                r
            }
        };
        if route.client_shares.iter().any(|x| !x.is_zero())
            && self.placements.get(&edge.to).total() == 0
        {
            route.notes.push(format!(
                "service `{}` has no endpoints: every request fails",
                edge.to
            ));
        }
        route
    }

    fn route_placed(&mut self, edge: &TrafficEdge) -> EdgeRoute {
        let server = match &self.option.kind {
            OptionKind::ClusterIp
            | OptionKind::Headless
            | OptionKind::ItpLocal
            | OptionKind::TopologyAware
            | OptionKind::PreferClose => {
                let (topo, placements, option) = (self.topo, self.placements, self.option);
                let nodes = self
                    .nodes
                    .get_or_insert_with(|| cluster_nodes(topo, &self.cluster_names));
                Some(
                    self.servers
                        .entry(placements.id(&edge.to))
                        .or_insert_with(|| {
                            std::rc::Rc::new(upstream_server(
                                topo,
                                nodes,
                                placements.get(&edge.to),
                                &upstream_spec_for(option, &edge.to),
                            ))
                        })
                        .clone(),
                )
            }
            _ => None,
        };
        route_with(
            self.topo,
            self.placements,
            &self.cluster_names,
            self.option,
            edge,
            server.as_deref(),
            &mut self.interner,
        )
    }
}

/// Routes one edge under one option.
pub fn route_edge(
    s: &Scenario,
    topo: &Topology,
    option: &OptionSpec,
    edge: &TrafficEdge,
) -> EdgeRoute {
    let placements = Placements::of(topo, s, [edge.from.as_str(), edge.to.as_str()]);
    Router::new(s, topo, &placements, option).route(edge)
}

/// Routes one edge; `server` is the called service's upstream model for the options that use it.
fn route_with(
    topo: &Topology,
    placements: &Placements,
    cluster_names: &[String],
    option: &OptionSpec,
    edge: &TrafficEdge,
    server: Option<&UpstreamServer>,
    interner: &mut Interner,
) -> EdgeRoute {
    let clients = placements.get(&edge.from);
    let endpoints = placements.get(&edge.to);
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
    let client_zone = ctx.clients.per_zone(topo);
    let client_cluster = ctx
        .zones()
        .find(|&z| client_zone[z] > 0)
        .map_or(0, |z| topo.zones[z].cluster);
    let lb_cluster = ctx
        .serving_cluster(client_cluster)
        .unwrap_or(client_cluster);
    let mut hints = None;
    let (mut stages, charged_stage) = match &option.kind {
        OptionKind::ClusterIp
        | OptionKind::Headless
        | OptionKind::ItpLocal
        | OptionKind::TopologyAware
        | OptionKind::PreferClose => {
            if let (OptionKind::TopologyAware, Some(td)) =
                (&option.kind, option.traffic_distribution)
            {
                notes.push(format!(
                    "trafficDistribution {} ignored: the topology-mode annotation Auto takes precedence (EndpointSlice reconciler)",
                    td.as_str()
                ));
            }
            let owned;
            let server = match server {
                Some(sv) => sv,
                None => {
                    owned = upstream_server(
                        topo,
                        &cluster_nodes(topo, cluster_names),
                        endpoints,
                        &upstream_spec_for(option, &edge.to),
                    );
                    &owned
                }
            };
            let (stage, states) = ctx.upstream_rows(server);
            hints = combine_states(cluster_names, states, &mut notes).map(Arc::from);
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

    let total: u32 = client_zone.iter().sum();
    let client_shares: Arc<[Decimal]> = client_zone
        .iter()
        .map(|k| Decimal::from(*k) / Decimal::from(total.max(1)))
        .collect();
    let mut route = EdgeRoute {
        via: Via::Chain(interner.intern(stages)),
        dropped: Decimal::ZERO,
        assumed,
        notes,
        hints,
        client_shares,
    };
    if total > 0 {
        let delivered = route.delivered();
        // Shares are exact ratios; Decimal division leaves noise in the 28th digit, so the
        // complement is rounded to 20 places (far below any reported precision).
        route.dropped = (Decimal::ONE - delivered).round_dp(20).max(Decimal::ZERO);
    }
    route
}

/// Shares identical stage chains between edges (a called service's chain is the same for all
/// callers whose clients weigh its zones alike), so routes of many edges cost little memory.
#[derive(Default)]
struct Interner {
    chains: std::collections::HashMap<Vec<Stage>, Arc<[Stage]>>,
}

impl Interner {
    fn intern(&mut self, stages: Vec<Stage>) -> Arc<[Stage]> {
        if let Some(a) = self.chains.get(&stages) {
            return a.clone();
        }
        let a: Arc<[Stage]> = stages.clone().into();
        self.chains.insert(stages, a.clone());
        a
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
