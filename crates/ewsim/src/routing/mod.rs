//! Which endpoint zone each request reaches, per option and traffic edge.
//!
//! An option's path is a chain of *stages* (client to load-balancer node, load balancer to target,
//! kube-proxy to pod, ...). Each stage is a transition table from the zone a request is in to the
//! zone it goes next; rows may sum to less than one, the rest being dropped. Expanding the chain from
//! the clients' zones gives weighted hop sequences ([`Path`]) that the cost and latency stages price.
//! Shares are exact ratios of pod and node counts, kept as `Decimal`.
//!
//! This module holds the route types and the entry points ([`Router`], [`route_edge`]) and picks
//! each option's stage chain; `stages.rs` builds the simple stage tables, `upstream.rs` runs the
//! upstream Kubernetes model per called service, and `flows.rs` reads a chain's hop flows
//! ([`HopFlows`]) and expands it into paths.

mod flows;
mod stages;
mod upstream;
pub(crate) use upstream::hints_state;

pub use flows::{HopFlow, HopFlows};

use crate::placement::{PlacementId, Placements, Topology};
use crate::scenario::StateTime;
use crate::scenario::{MeshAffinity, MeshSettings, OptionKind, OptionSpec, Scenario, TrafficEdge};
use flows::{expand, survival, times};
use rust_decimal::Decimal;
use stages::{EdgeCtx, Stage, assume_share};
use std::sync::Arc;
use upstream::{
    ClusterNodes, UpstreamServer, cluster_nodes, combine_states, upstream_server, upstream_spec_for,
};

/// What a hop is, which decides how it is billed and what latency it adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
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

/// Routes every traffic edge of one option. The called service's side of the upstream
/// Kubernetes model is computed once per called service and reused for all its callers, so
/// routing `E` edges costs `O(E)` plus one model run per distinct called service.
pub struct Router<'a> {
    topo: &'a Topology,
    placements: &'a Placements,
    option: std::borrow::Cow<'a, OptionSpec>,
    /// For a `per-service` option: one router per routing (default first), made on first use;
    /// every edge goes to the router of the Service it calls.
    per_service: Option<(
        &'a crate::scenario::PerServiceRouting,
        Vec<Option<Router<'a>>>,
    )>,
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
        let per_service = match &option.kind {
            OptionKind::PerService(r) => Some((
                r,
                std::iter::repeat_with(|| None)
                    .take(r.services.len() + 1)
                    .collect(),
            )),
            _ => None,
        };
        Self {
            topo,
            placements,
            option: std::borrow::Cow::Borrowed(option),
            per_service,
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
        if let Some((routes, subs)) = &mut self.per_service {
            let i = routes.index_of(&edge.to);
            let (topo, placements) = (self.topo, self.placements);
            let option = &self.option;
            let cluster_names = &self.cluster_names;
            let sub = subs[i].get_or_insert_with(|| Router {
                topo,
                placements,
                option: std::borrow::Cow::Owned(option.resolved(routes.at(i))),
                per_service: None,
                cluster_names: cluster_names.clone(),
                servers: std::collections::HashMap::new(),
                routes: std::collections::HashMap::new(),
                nodes: None,
                interner: Interner::default(),
            });
            return sub.route(edge);
        }
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
                let (topo, placements, option) = (self.topo, self.placements, &*self.option);
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
            &self.option,
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
    // Client cluster of the first client zone decides where a single load balancer lives.
    let client_zone = ctx.clients.per_zone(topo);
    let client_cluster = ctx
        .zones()
        .find(|&z| client_zone[z] > 0)
        .map_or(0, |z| topo.zones[z].cluster);
    let lb_cluster = ctx
        .serving_cluster(client_cluster)
        .unwrap_or(client_cluster);
    let (mut stages, charged_stage, hints) = option_stages(
        &ctx,
        cluster_names,
        option,
        edge,
        server,
        lb_cluster,
        &mut notes,
    );
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

/// The stage chain `option` gives one edge, the index of the stage whose cross-zone share
/// `assume_cross_az_share` replaces, and, for the options the upstream Kubernetes model routes,
/// the hints state. `lb_cluster` hosts a single load balancer and its targets.
fn option_stages(
    ctx: &EdgeCtx,
    cluster_names: &[String],
    option: &OptionSpec,
    edge: &TrafficEdge,
    server: Option<&UpstreamServer>,
    lb_cluster: usize,
    notes: &mut Vec<String>,
) -> (Vec<Stage>, usize, Option<Arc<str>>) {
    let topo = ctx.topo;
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
    let mut hints = None;
    let (stages, charged_stage) = match &option.kind {
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
                        ctx.endpoints,
                        &upstream_spec_for(option, &edge.to),
                    );
                    &owned
                }
            };
            let (stage, states) = ctx.upstream_rows(server);
            hints = combine_states(cluster_names, states, notes).map(Arc::from);
            (vec![stage], 0)
        }
        OptionKind::IstioSidecar { mesh } | OptionKind::IstioAmbient { mesh, .. } => {
            (vec![mesh_stage(mesh, notes)], 0)
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
        OptionKind::InternalAlb { lb, .. } => (ctx.load_balancer(lb, true, lb_cluster, notes), 0),
        OptionKind::InternalNlb { lb } | OptionKind::Route53Nlb { lb, .. } => {
            (ctx.load_balancer(lb, false, lb_cluster, notes), 0)
        }
        // Routers send every edge of a per-service option to its Service's routing; routed
        // directly, an edge takes the routing of the Service it calls.
        OptionKind::PerService(_) => {
            let resolved = option.for_service(&edge.to);
            return option_stages(
                ctx,
                cluster_names,
                &resolved,
                edge,
                server,
                lb_cluster,
                notes,
            );
        }
    };
    (stages, charged_stage, hints)
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
