//! Latency of each option: the routed paths of the report turned into latency models from the
//! hop catalogue.
//!
//! Per request: a DNS lookup with a small probability (clients cache), on a new connection the
//! VIP translation and TCP handshake, one network round trip per hop by zone relation (same node,
//! same AZ or cross AZ), load-balancer / Lattice / proxy processing, the server's own time when
//! given, and the TCP retransmission tail. Dropped requests are excluded (they fail; see
//! `dropped_share`).
//!
//! # Shapes and sample budget
//! What a request's latency depends on is its *shape*: the option's latency class (VIP, proxies,
//! load-balancer type), the edge's new-connection share and per-proxy load, and the hop sequence
//! at the relation level (kind and same node / same zone / cross zone / cross VPC of each hop).
//! Zone-level paths are aggregated to shapes before anything is simulated, so an instance-target
//! load balancer's dozens of zone paths per edge become a handful of shapes, and thousands of
//! edges between services with the same settings share them.
//!
//! Each distinct shape is compiled and simulated once ([`crate::latency::mixture`]), with the
//! requests its heaviest use needs: an option's percentiles come from `samples` requests spread
//! over its shapes in proportion to their request rates (stratified: every shape gets its
//! proportional share, at least one request), so `samples` is the budget *per option*, whatever
//! the number of edges. Per-edge percentiles, when asked for, give every edge
//! [`edge_samples`]`(samples)` requests of its own over its shapes. Call-graph entry points are
//! simulated as trees of calls, each call drawing one shape of its edge.

use std::collections::HashMap;

use crate::cost::{CostReport, EdgeReport};
use crate::latency::{
    Catalogue, CompiledPath, DistSpec, LatencyError, MixtureResult, PathModel, SimConfig,
    SimResult, Step, allocate, compare_options, mixture, mixture::simulate_built,
};
use crate::placement::Topology;
use crate::routing::HopKind;
use crate::scenario::{LatencySettings, OptionKind, Scenario};
use rust_decimal::prelude::ToPrimitive;

/// Largest number of requests per edge for per-edge percentiles ([`edge_samples`]).
pub const EDGE_SAMPLES_MAX: u64 = 4096;

/// Requests simulated per edge for per-edge percentiles: `min(samples, 4,096)`.
pub fn edge_samples(samples: u64) -> u64 {
    samples.min(EDGE_SAMPLES_MAX)
}

/// What to simulate: requests per option, seed, and whether per-edge percentiles are wanted
/// (only the JSON report shows them; they cost [`edge_samples`] requests per edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatencyRun {
    /// Requests per option (and per entry point).
    pub samples: u64,
    /// Master seed.
    pub seed: u64,
    /// Whether to compute per-edge percentiles.
    pub per_edge: bool,
}

impl LatencyRun {
    /// The scenario's own settings (`latency.samples`, `latency.seed`), without per-edge
    /// percentiles.
    pub fn of(s: &Scenario) -> Self {
        Self {
            samples: s.latency.samples,
            seed: s.latency.seed,
            per_edge: false,
        }
    }
}

/// Percentiles per option plus the provenance every report states.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyReport {
    /// One result per option, in scenario order; `None` when the option delivers no request.
    pub options: Vec<Option<MixtureResult>>,
    /// Simulated requests per option (the budget spread over its shapes).
    pub samples: u64,
    /// Master seed.
    pub seed: u64,
    /// Random number generator and seeding scheme.
    pub rng: String,
    /// Distinct request shapes simulated for the options (and edges).
    pub shapes: usize,
    /// End-to-end latency per entry point of the call graph, per option.
    pub entry_points: Vec<EntryLatency>,
    /// Latency of one call over each traffic edge, per option (scenario `traffic` order); empty
    /// unless per-edge percentiles were asked for ([`LatencyRun::per_edge`]).
    pub edges: Vec<EntryLatency>,
    /// Requests per edge behind `edges` ([`edge_samples`]); `None` without per-edge figures.
    pub edge_samples: Option<u64>,
}

/// Latency of one entry point (or one traffic edge, named `from -> to`) under every option.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryLatency {
    /// Entry point name.
    pub name: String,
    /// One result per option, in scenario order; `None` when a call on the way delivers nothing.
    pub options: Vec<Option<MixtureResult>>,
}

/// Description of the random number generator and seeding, reported with every result.
pub const RNG: &str = "Xoshiro256PlusPlus (rand 0.10 rngs::Xoshiro256PlusPlus), one stream per (seed, chunk of requests, hop) via SplitMix64 mixing, batched ziggurat normals";

/// How an option's requests differ in latency, apart from their paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Class {
    vip: Vip,
    /// internalTrafficPolicy Local keeps the pod-to-pod hop on the client's node.
    node_local: bool,
    /// Load-balancer processing on client -> LB hops: ALB (else NLB).
    alb: bool,
    /// Cilium ClusterMesh adds its cross-cluster step on pod-to-pod hops between VPCs.
    clustermesh: bool,
    mesh: Mesh,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Vip {
    KubeProxy,
    None,
    CiliumSocketLb,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Mesh {
    None,
    Sidecar,
    Ambient { waypoint: bool },
}

impl Class {
    fn of(kind: &OptionKind) -> Self {
        Class {
            vip: match kind {
                OptionKind::Headless
                | OptionKind::IstioSidecar { .. }
                | OptionKind::IstioAmbient { .. } => Vip::None,
                OptionKind::CiliumClusterMesh { .. } => Vip::CiliumSocketLb,
                _ => Vip::KubeProxy,
            },
            node_local: matches!(kind, OptionKind::ItpLocal),
            alb: matches!(kind, OptionKind::InternalAlb { .. }),
            clustermesh: matches!(kind, OptionKind::CiliumClusterMesh { .. }),
            mesh: match kind {
                OptionKind::IstioSidecar { .. } => Mesh::Sidecar,
                OptionKind::IstioAmbient { waypoint, .. } => Mesh::Ambient {
                    waypoint: *waypoint,
                },
                _ => Mesh::None,
            },
        }
    }
}

/// Relation of a hop's ends, which picks its network distribution and its CRN label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Rel {
    Node,
    Same,
    Cross,
}

impl Rel {
    fn name(self) -> (&'static str, &'static str) {
        match self {
            Rel::Node => ("node", "net.same_node"),
            Rel::Same => ("same", "net.same_az"),
            Rel::Cross => ("cross", "net.cross_az"),
        }
    }
}

/// One hop of a shape: kind, relation, whether it crosses VPCs, and whether the request opens a
/// new connection on it (VIP translation and TCP handshake first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct RelHop {
    kind: HopKind,
    rel: Rel,
    crosses_vpc: bool,
    new_connection: bool,
}

/// A path at the relation level (at most [`crate::routing::MAX_HOPS`] hops).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct RelPath {
    len: u8,
    hops: [RelHop; crate::routing::MAX_HOPS],
}

/// Everything a request's latency depends on (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ShapeKey {
    class: Class,
    /// Requests per second per client proxy, on the [`proxy_rate_step`] grid (bits of the
    /// `f64`; 0 unless sidecars queue).
    per_proxy: u64,
    path: RelPath,
}

/// Relative step of the grid that per-proxy request rates are rounded to before they pick a
/// sidecar's queueing wait: 0.5 % (a rate moves by at most 0.25 %), so a mesh of thousands of
/// edges has a few hundred distinct sidecar loads rather than one per edge.
pub const PROXY_RATE_STEP: f64 = 0.005;

/// `rate` rounded to the nearest point of the grid `(1 + PROXY_RATE_STEP)^k` (0 stays 0).
fn proxy_rate_step(rate: f64) -> f64 {
    if !(rate > 0.0 && rate.is_finite()) {
        return 0.0;
    }
    let ln_step = PROXY_RATE_STEP.ln_1p();
    ((rate.ln() / ln_step).round() * ln_step).exp()
}

/// The relation-level paths of a route with their share of the delivered requests.
fn rel_paths(topo: &Topology, class: Class, e: &EdgeReport) -> Vec<(RelPath, f64)> {
    let mut out: Vec<(RelPath, f64)> = Vec::new();
    e.route.for_each_path(&mut |p| {
        let mut rp = RelPath {
            len: 0,
            hops: [RelHop {
                kind: HopKind::PodToPod,
                rel: Rel::Same,
                crosses_vpc: false,
                new_connection: false,
            }; crate::routing::MAX_HOPS],
        };
        for h in p.hops.iter() {
            let rel = if class.node_local && h.kind == HopKind::PodToPod {
                Rel::Node
            } else if topo.crosses_az(h.from, h.to) {
                Rel::Cross
            } else {
                Rel::Same
            };
            rp.hops[usize::from(rp.len)] = RelHop {
                kind: h.kind,
                rel,
                crosses_vpc: topo.crosses_vpc(h.from, h.to),
                new_connection: false,
            };
            rp.len += 1;
        }
        let share = p.share.to_f64().unwrap_or(0.0);
        match out.iter_mut().find(|(q, _)| *q == rp) {
            Some((_, w)) => *w += share,
            None => out.push((rp, share)),
        }
    });
    let delivered: f64 = out.iter().map(|(_, w)| w).sum();
    if delivered > 0.0 {
        for (_, w) in &mut out {
            *w /= delivered;
        }
    }
    out
}

struct Ctx<'a> {
    cat: &'a Catalogue,
    settings: &'a LatencySettings,
    kube_proxy: DistSpec,
}

impl Ctx<'_> {
    /// One network hop at position `pos`: on a new connection the VIP translation (when `vip`)
    /// and the TCP handshake, then the request round trip.
    fn network(
        &self,
        pos: usize,
        hop: RelHop,
        vip: Option<DistSpec>,
    ) -> Result<Step, LatencyError> {
        let (rel, entry) = hop.rel.name();
        let mut steps = Vec::new();
        if hop.new_connection {
            if let Some(v) = vip {
                steps.push(Step::hop(format!("vip.{pos}"), v));
            }
            steps.push(self.cat.handshake(
                "conn.tcp_handshake",
                entry,
                &format!("tcp.{pos}.{rel}"),
            )?);
        }
        steps.push(self.cat.hop_labeled(entry, &format!("net.{pos}.{rel}"))?);
        Ok(Step::seq(steps))
    }

    /// The latency model of one request of shape `key`.
    fn shape(&self, key: &ShapeKey) -> Result<Step, LatencyError> {
        let class = key.class;
        let mut seq = vec![Step::hop_with_p(
            "dns",
            self.cat
                .nodelocal_lookup(self.settings.dns_cache_hit_ratio)?,
            self.settings.dns_lookups_per_request,
        )];
        let mut hops = Vec::new();
        for (pos, &hop) in key.path.hops[..usize::from(key.path.len)]
            .iter()
            .enumerate()
        {
            let vip = match (hop.kind, class.vip) {
                (HopKind::PodToPod, Vip::None) => None,
                (HopKind::PodToPod, Vip::CiliumSocketLb) => {
                    Some(self.cat.dist("svc.cilium_ebpf_socket_lb")?)
                }
                (HopKind::PodToPod | HopKind::NodePortToPod, _) => Some(self.kube_proxy.clone()),
                _ => None,
            };
            hops.push(self.network(pos, hop, vip)?);
            match hop.kind {
                HopKind::ClientToLb if class.alb => hops.push(
                    self.cat
                        .hop_labeled("lb.alb_internal_processing", "lb.alb")?,
                ),
                HopKind::ClientToLb => hops.push(
                    self.cat
                        .hop_labeled("lb.nlb_internal_processing", "lb.nlb")?,
                ),
                HopKind::Lattice => hops.push(
                    self.cat
                        .hop_labeled("lb.vpc_lattice_processing", "lattice")?,
                ),
                HopKind::PodToPod if class.clustermesh && hop.crosses_vpc => hops.push(
                    self.cat
                        .hop_labeled("clustermesh.cross_cluster", "clustermesh")?,
                ),
                _ => {}
            }
        }
        seq.push(Step::seq(hops));
        match class.mesh {
            Mesh::Sidecar => {
                // Per-proxy load from the edge's rate spread over the client pods' proxies.
                let per_proxy = f64::from_bits(key.per_proxy);
                for side in ["client", "server"] {
                    let (step, _) = self.cat.proxy_with_queue(
                        "mesh.envoy_sidecar_per_proxy",
                        &format!("sidecar.{side}"),
                        per_proxy,
                    )?;
                    seq.push(step);
                }
            }
            Mesh::Ambient { waypoint } => {
                seq.push(self.cat.hop_labeled("mesh.istio_ztunnel_pair", "ztunnel")?);
                if waypoint {
                    seq.push(self.cat.hop_labeled("mesh.istio_waypoint", "waypoint")?);
                }
            }
            Mesh::None => {}
        }
        if let Some(server) = &self.settings.server {
            seq.push(Step::hop("server", server.clone()));
        }
        seq.push(self.cat.hop_labeled("tail.tcp_data_loss_rto", "rto")?);
        Ok(Step::seq(seq))
    }
}

/// The distinct shapes of a run and, per option and edge, which shapes its requests take.
struct Shapes {
    keys: Vec<ShapeKey>,
    index: HashMap<ShapeKey, usize>,
    /// Per option: (shape, weight) summed over its edges (weights sum to one).
    options: Vec<Vec<(usize, f64)>>,
    /// Per option, per edge: (shape, share of the edge's delivered requests); empty lists for
    /// edges that deliver nothing. Only filled when per-edge figures or call graphs need it.
    edges: Vec<Vec<Vec<(usize, f64)>>>,
}

impl Shapes {
    fn id(&mut self, key: ShapeKey) -> usize {
        let next = self.keys.len();
        *self.index.entry(key).or_insert_with(|| {
            self.keys.push(key);
            next
        })
    }

    /// Collects every option's shapes from the report's routes.
    fn collect(
        s: &Scenario,
        report: &CostReport,
        settings: &LatencySettings,
        per_edge: bool,
    ) -> Self {
        let mut out = Shapes {
            keys: Vec::new(),
            index: HashMap::new(),
            options: Vec::new(),
            edges: Vec::new(),
        };
        let placements = crate::placement::Placements::new(&report.topology, s);
        for (o, opt) in s.options.iter().zip(&report.options) {
            let class = Class::of(&o.kind);
            let weights = edge_weights(&opt.edges);
            let total: f64 = weights.iter().sum();
            let mut parts: Vec<(usize, f64)> = Vec::new();
            let mut slot: HashMap<usize, usize> = HashMap::new();
            let mut per_edge_parts = Vec::new();
            let mut routes: HashMap<(usize, usize), Vec<(RelPath, f64)>> = HashMap::new();
            for (e, w) in opt.edges.iter().zip(&weights) {
                let paths = match e.route.shared_key() {
                    Some(k) => routes
                        .entry(k)
                        .or_insert_with(|| rel_paths(&report.topology, class, e))
                        .clone(),
                    None => rel_paths(&report.topology, class, e),
                };
                let rps = e.load.rps.and_then(|r| r.to_f64()).unwrap_or(0.0);
                let p_new = if rps > 0.0 && !e.load.new_connections_per_s.is_zero() {
                    (e.load.new_connections_per_s.to_f64().unwrap_or(0.0) / rps).min(1.0)
                } else {
                    1.0 / settings.requests_per_connection
                };
                let per_proxy = match class.mesh {
                    Mesh::Sidecar => rps / f64::from(placements.get(&e.from).total()).max(1.0),
                    _ => 0.0,
                };
                let mut edge_parts = Vec::new();
                for (path, share) in paths {
                    for (path, p) in connection_cases(path, p_new) {
                        let id = out.id(ShapeKey {
                            class,
                            per_proxy: proxy_rate_step(per_proxy).to_bits(),
                            path,
                        });
                        if *w > 0.0 {
                            let k = *slot.entry(id).or_insert_with(|| {
                                parts.push((id, 0.0));
                                parts.len() - 1
                            });
                            parts[k].1 += w / total * share * p;
                        }
                        if per_edge {
                            edge_parts.push((id, share * p));
                        }
                    }
                }
                if per_edge {
                    per_edge_parts.push(edge_parts);
                }
            }
            out.options.push(parts);
            out.edges.push(per_edge_parts);
        }
        out
    }
}

/// The cases of a path by which of its hops open a new connection (each independently with
/// probability `p_new`), with their probabilities; cases of probability zero are left out.
fn connection_cases(path: RelPath, p_new: f64) -> Vec<(RelPath, f64)> {
    let len = usize::from(path.len);
    (0..1u32 << len)
        .filter_map(|mask| {
            let mut case = path;
            let mut p = 1.0;
            for (i, hop) in case.hops[..len].iter_mut().enumerate() {
                hop.new_connection = mask & (1 << i) != 0;
                p *= if hop.new_connection {
                    p_new
                } else {
                    1.0 - p_new
                };
            }
            (p > 0.0).then_some((case, p))
        })
        .collect()
}

/// Weight of each edge in its option's requests: request rate (or GB when rates are unknown)
/// times the delivered share; equal weights for the routed edges when there is no traffic at all.
fn edge_weights(edges: &[EdgeReport]) -> Vec<f64> {
    let weights: Vec<f64> = edges
        .iter()
        .map(|e| {
            e.load
                .rps
                .unwrap_or(e.load.gb_month)
                .to_f64()
                .unwrap_or(0.0)
                * (1.0 - e.route.dropped.to_f64().unwrap_or(0.0))
        })
        .collect();
    if weights.iter().sum::<f64>() > 0.0 {
        return weights;
    }
    // No traffic at all (volume 0): a request's latency is still defined.
    edges
        .iter()
        .map(|e| if e.route.delivers() { 1.0 } else { 0.0 })
        .collect()
}

/// One call over the edge under option `i`: one of the edge's shapes, by share. `None` when the
/// edge delivers nothing.
fn call_step(steps: &[Step], parts: &[(usize, f64)]) -> Option<Step> {
    match parts {
        [] => None,
        [(k, _)] => steps.get(*k).cloned(),
        _ => {
            let total: f64 = parts.iter().map(|(_, w)| w).sum();
            Some(Step::choice(
                parts
                    .iter()
                    .filter_map(|(k, w)| steps.get(*k).map(|st| (w / total, st.clone())))
                    .collect(),
            ))
        }
    }
}

/// The latency of serving one request at `service` whose calls are `stages`: stages in sequence,
/// the calls of a stage in parallel (the slowest sets the pace), each call `count` times in a row,
/// each call = one shape of the routed edge (with the callee's server time) then the callee's own
/// calls. `None` when a call's edge delivers nothing under this option.
fn calls_step(
    s: &Scenario,
    edge_of: &HashMap<(&str, &str), usize>,
    call: &dyn Fn(usize) -> Option<Step>,
    service: &str,
    stages: &[Vec<crate::scenario::Call>],
) -> Option<Step> {
    let Some(graph) = &s.call_graph else {
        return Some(Step::seq(Vec::new()));
    };
    let mut seq = Vec::new();
    for stage in stages {
        let mut par = Vec::new();
        for c in stage {
            let hop = call(*edge_of.get(&(service, c.to.as_str()))?)?;
            let downstream = graph
                .services
                .iter()
                .find(|x| x.service == c.to)
                .map(|x| x.stages.as_slice())
                .unwrap_or(&[]);
            let below = calls_step(s, edge_of, call, &c.to, downstream)?;
            let one = Step::seq(vec![hop, below]);
            par.push(if c.count == 1 {
                one
            } else {
                Step::repeat(c.count, one)
            });
        }
        seq.push(if par.len() == 1 {
            par.remove(0)
        } else {
            Step::par(par)
        });
    }
    Some(Step::seq(seq))
}

/// Simulates every option of a priced scenario (see the module docs): the latency stage.
pub fn simulate(
    s: &Scenario,
    report: &CostReport,
    run: LatencyRun,
) -> Result<LatencyReport, LatencyError> {
    let cat = Catalogue::eks_defaults()?.with_overrides(&s.latency.hop_overrides)?;
    let settings = &s.latency;
    let ctx = Ctx {
        cat: &cat,
        settings,
        kube_proxy: cat.kube_proxy_iptables(settings.services_in_cluster)?,
    };
    let graph = s.call_graph.as_ref().filter(|g| !g.entry_points.is_empty());
    let shapes = Shapes::collect(s, report, settings, run.per_edge || graph.is_some());
    let build = |k: usize| -> Result<CompiledPath, LatencyError> {
        PathModel::new(format!("shape {k}"), ctx.shape(&shapes.keys[k])?).compile()
    };
    let per_edge = edge_samples(run.samples);
    let mut budgets: Vec<(&[(usize, f64)], u64)> = shapes
        .options
        .iter()
        .map(|p| (p.as_slice(), run.samples))
        .collect();
    if run.per_edge {
        budgets.extend(
            shapes
                .edges
                .iter()
                .flatten()
                .map(|p| (p.as_slice(), per_edge)),
        );
    }
    let alloc = allocate(shapes.keys.len(), &budgets);
    let simulated = simulate_built(&build, &alloc, run.seed)?;
    const CONFIDENCE: f64 = 0.95;
    let options: Vec<Option<MixtureResult>> = shapes
        .options
        .iter()
        .map(|p| mixture(&simulated, p, CONFIDENCE))
        .collect();
    let mut edges = Vec::new();
    if run.per_edge {
        for (k, edge) in s.traffic.iter().enumerate() {
            edges.push(EntryLatency {
                name: format!("{} -> {}", edge.from, edge.to),
                options: shapes
                    .edges
                    .iter()
                    .map(|per| per.get(k).and_then(|p| mixture(&simulated, p, CONFIDENCE)))
                    .collect(),
            });
        }
    }
    let mut entry_points = Vec::new();
    if let Some(graph) = graph {
        let edge_of: HashMap<(&str, &str), usize> = s
            .traffic
            .iter()
            .enumerate()
            .map(|(k, e)| ((e.from.as_str(), e.to.as_str()), k))
            .collect();
        let cfg = SimConfig::new(run.samples, run.seed);
        let steps: Vec<Step> = shapes
            .keys
            .iter()
            .map(|k| ctx.shape(k))
            .collect::<Result<_, _>>()?;
        for ep in &graph.entry_points {
            let mut trees = Vec::new();
            let mut index = Vec::new();
            for (i, per) in shapes.edges.iter().enumerate() {
                let call = |k: usize| per.get(k).and_then(|p| call_step(&steps, p));
                let Some(step) = calls_step(s, &edge_of, &call, &ep.service, &ep.stages) else {
                    continue;
                };
                let mut root = Vec::new();
                if let Some(server) = &settings.server {
                    root.push(Step::hop("server.entry", server.clone()));
                }
                root.push(step);
                let name = format!("{}:{}", report.options[i].name, ep.name);
                trees.push(PathModel::new(name, Step::seq(root)).compile()?);
                index.push(i);
            }
            let mut options = vec![None; report.options.len()];
            if !trees.is_empty() {
                for (i, r) in index
                    .into_iter()
                    .zip(compare_options(&trees, &cfg)?.results)
                {
                    options[i] = Some(figures(&r));
                }
            }
            entry_points.push(EntryLatency {
                name: ep.name.clone(),
                options,
            });
        }
    }
    Ok(LatencyReport {
        options,
        samples: run.samples,
        seed: run.seed,
        rng: RNG.to_string(),
        shapes: shapes.keys.len(),
        entry_points,
        edges,
        edge_samples: run.per_edge.then_some(per_edge),
    })
}

/// The figures of a tree simulation (entry points) in the report's result type.
fn figures(r: &SimResult) -> MixtureResult {
    MixtureResult {
        p50_ms: r.p50_ms,
        p90_ms: r.p90_ms,
        p99_ms: r.p99_ms,
        p999_ms: r.p999_ms,
        mean_ms: r.mean_ms,
        p99_ci_ms: r.p99_ci_ms,
        confidence: r.confidence,
        samples: r.samples,
        shapes: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_of(yaml: &str) -> (Scenario, CostReport) {
        let s = crate::loader::parse_scenario(yaml, "t.yaml")
            .map(|l| l.scenario)
            .unwrap_or_else(|e| panic!("{e}"));
        let table = crate::PriceTable::builtin(&s.region).unwrap_or_else(|e| panic!("{e}"));
        let r = crate::evaluate(&s, &table).unwrap_or_else(|e| panic!("{e}"));
        (s, r)
    }

    /// Three zones of one node, `n` services of 3 replicas (one per zone), `edges` edges
    /// `svc{i} -> svc{i+1}` of 100 requests/s, one new connection per second each.
    fn chain(n: usize, edges: usize, options: &str, latency: &str) -> String {
        let mut y = String::from(
            "version: 1\nregion: us-east-1\nzones:\n  - {name: a, nodes: {count: 1, type: m5.large}}\n  - {name: b, nodes: {count: 1, type: m5.large}}\n  - {name: c, nodes: {count: 1, type: m5.large}}\nservices:\n",
        );
        for i in 0..n {
            y.push_str(&format!("  - {{name: svc{i}, replicas: 3}}\n"));
        }
        y.push_str("traffic:\n");
        for i in 0..edges {
            y.push_str(&format!(
                "  - {{from: svc{i}, to: svc{}, rps: 100, request_size: 1 KiB, response_size: 1 KiB, connections: {{new_per_second: 1, lifetime: 60 s}}}}\n",
                i + 1
            ));
        }
        y.push_str(&format!("options:\n{options}{latency}"));
        y
    }

    #[test]
    fn connection_cases_multiply_the_hops_probabilities() {
        let hop = |kind| RelHop {
            kind,
            rel: Rel::Same,
            crosses_vpc: false,
            new_connection: false,
        };
        let path = RelPath {
            len: 2,
            hops: [
                hop(HopKind::ClientToLb),
                hop(HopKind::AlbToTarget),
                hop(HopKind::PodToPod),
            ],
        };
        // p = 0.1 on each of two hops: 0.9 x 0.9, 0.1 x 0.9, 0.9 x 0.1, 0.1 x 0.1.
        let cases = connection_cases(path, 0.1);
        let p: Vec<f64> = cases.iter().map(|(_, p)| *p).collect();
        let want = [0.81, 0.09, 0.09, 0.01];
        assert!(
            p.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-12),
            "{p:?}"
        );
        assert!(cases[1].0.hops[0].new_connection && !cases[1].0.hops[1].new_connection);
        assert_eq!(connection_cases(path, 0.0).len(), 1);
        assert_eq!(connection_cases(path, 1.0).len(), 1);
        assert!(
            connection_cases(path, 1.0)[0].0.hops[..2]
                .iter()
                .all(|h| h.new_connection)
        );
    }

    #[test]
    fn proxy_rates_round_to_the_half_percent_grid() {
        assert_eq!(proxy_rate_step(0.0), 0.0);
        for r in [0.013, 1.0, 33.3, 1000.0, 123_456.0] {
            let q = proxy_rate_step(r);
            assert!((q / r - 1.0).abs() <= 0.0025 + 1e-12, "{r} -> {q}");
            assert_eq!(proxy_rate_step(q), q, "grid points are fixed points");
        }
        // Rates 0.1 % apart share a grid point or sit on neighbouring ones.
        let (a, b) = (proxy_rate_step(100.0), proxy_rate_step(100.1));
        assert!(a == b || (b / a - 1.005).abs() < 1e-9);
    }

    #[test]
    fn option_weights_follow_zones_and_connections_by_hand() {
        // 3 clients and 3 servers, one per zone: ClusterIP sends 1/3 of requests to the own
        // zone and 2/3 across. New connections: 1 per second over 100 requests per second =
        // 1 %. Four shapes: same/cross x reused/new = 1/3 x 0.99, 1/3 x 0.01, 2/3 x 0.99,
        // 2/3 x 0.01.
        let (s, r) = report_of(&chain(2, 1, "  - {name: cip, kind: clusterip}\n", ""));
        let shapes = Shapes::collect(&s, &r, &s.latency, false);
        let mut got: Vec<(Rel, bool, f64)> = shapes.options[0]
            .iter()
            .map(|(k, w)| {
                let h = shapes.keys[*k].path.hops[0];
                (h.rel, h.new_connection, *w)
            })
            .collect();
        got.sort_by(|a, b| a.2.total_cmp(&b.2));
        let want = [
            (Rel::Same, true, 1.0 / 3.0 * 0.01),
            (Rel::Cross, true, 2.0 / 3.0 * 0.01),
            (Rel::Same, false, 1.0 / 3.0 * 0.99),
            (Rel::Cross, false, 2.0 / 3.0 * 0.99),
        ];
        assert_eq!(got.len(), 4);
        for ((rel, new, w), (wr, wn, ww)) in got.iter().zip(want) {
            assert_eq!((*rel, *new), (wr, wn));
            assert!((w - ww).abs() < 1e-12, "{w} vs {ww}");
        }
    }

    #[test]
    fn shapes_do_not_grow_with_edges() {
        let options = "  - {name: cip, kind: clusterip}\n  - {name: alb, kind: internal-alb, target_type: instance}\n  - {name: mesh, kind: istio-sidecar}\n";
        let count = |edges: usize| {
            let (s, r) = report_of(&chain(edges + 1, edges, options, ""));
            Shapes::collect(&s, &r, &s.latency, false).keys.len()
        };
        let (few, many) = (count(3), count(150));
        assert_eq!(few, many, "shapes for 3 edges {few}, for 150 edges {many}");
        // ClusterIP: same/cross x reused/new = 4; instance ALB: 3 hops (2 zone relations each)
        // with 2^3 connection cases: 64; sidecar: 4. Every edge routes alike here.
        assert_eq!(few, 4 + 64 + 4);
    }

    #[test]
    fn constant_hops_give_hand_computed_percentiles() {
        // Same-AZ round trip 100 µs, cross-AZ 1,000 µs, everything else 0 (no DNS lookups, a
        // TCP tail of 0, connections practically never new). ClusterIP over 3 zones with one
        // pod each: 1/3 of requests take 100 µs, 2/3 take 1,000 µs: p50 = p90 = 1 ms, the
        // 30th percentile 0.1 ms, the mean 1/3 x 0.1 + 2/3 x 1 = 0.7 ms.
        let latency = "latency:\n  samples: 30000\n  dns_lookups_per_request: 0\n  requests_per_connection: 1000000000000\n  hops:\n    net.same_az: {dist: {family: constant, value: 100}}\n    net.cross_az: {dist: {family: constant, value: 1000}}\n    tail.tcp_data_loss_rto: {dist: {family: constant, value: 0}}\n";
        let yaml = chain(2, 1, "  - {name: cip, kind: clusterip}\n", latency)
            .replace("connections: {new_per_second: 1, lifetime: 60 s}", "");
        let (s, r) = report_of(&yaml);
        let lat = simulate(&s, &r, LatencyRun::of(&s)).unwrap_or_else(|e| panic!("{e}"));
        let l = lat.options[0].as_ref().unwrap_or_else(|| panic!("latency"));
        // Values are reported at their histogram counter's midpoint (3 significant digits).
        assert!((l.p50_ms - 1.0).abs() < 1e-3, "{l:?}");
        assert!((l.p90_ms - 1.0).abs() < 1e-3, "{l:?}");
        assert!((l.mean_ms - 0.7).abs() < 1e-6, "{l:?}");
        assert_eq!(lat.shapes, 4, "same/cross x reused/new");
        // 30,000 requests plus one for each new-connection shape of weight 1e-12.
        assert_eq!(l.samples, 30_002);
    }

    #[test]
    fn per_edge_figures_only_when_asked_and_threads_do_not_matter() {
        let options = "  - {name: cip, kind: clusterip}\n  - {name: tar, kind: topology-aware}\n";
        let (s, r) = report_of(&chain(4, 3, options, "latency:\n  samples: 5000\n"));
        let run = |per_edge: bool, threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap_or_else(|e| panic!("{e}"))
                .install(|| {
                    simulate(
                        &s,
                        &r,
                        LatencyRun {
                            samples: 5000,
                            seed: 3,
                            per_edge,
                        },
                    )
                })
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let plain = run(false, 2);
        assert!(plain.edges.is_empty() && plain.edge_samples.is_none());
        let edges = run(true, 2);
        assert_eq!(edges.edges.len(), 3);
        assert_eq!(edges.edge_samples, Some(4096));
        assert_eq!(edges, run(true, 1), "bit-identical on one and two threads");
        // Every edge routes alike, so each edge's figures come from the same shapes.
        assert_eq!(edges.edges[0].options, edges.edges[2].options);
    }
}
