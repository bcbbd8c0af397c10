//! Latency of each option: the routed hop paths of the report turned into latency models from the
//! hop catalogue, simulated with common random numbers so that options differ only where their
//! paths differ.
//!
//! Per request: a DNS lookup with a small probability (clients cache), on a new connection the
//! VIP translation and TCP handshake, one network round trip per hop by zone relation (same AZ or
//! cross AZ), load-balancer / Lattice / proxy processing, the server's own time when given, and the
//! TCP retransmission tail. Dropped requests are excluded (they fail; see `dropped_share`).

use crate::latency::{
    Catalogue, CompiledPath, DistSpec, LatencyError, PathModel, SimConfig, SimResult, Step,
    compare_options,
};
use crate::placement::Topology;
use crate::report::{EdgeReport, Report};
use crate::routing::HopKind;
use crate::scenario::{LatencySettings, OptionKind, Scenario};
use rust_decimal::prelude::ToPrimitive;

/// Percentiles per option plus the provenance every report states.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyReport {
    /// One result per option, in scenario order; `None` when the option delivers no request.
    pub options: Vec<Option<SimResult>>,
    /// Simulated requests per option.
    pub samples: u64,
    /// Master seed.
    pub seed: u64,
    /// Random number generator and seeding scheme.
    pub rng: String,
    /// End-to-end latency per entry point of the call graph, per option.
    pub entry_points: Vec<EntryLatency>,
    /// Latency of one call over each traffic edge, per option (scenario `traffic` order).
    pub edges: Vec<EntryLatency>,
}

/// Latency of one entry point (or one traffic edge, named `from -> to`) under every option.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryLatency {
    /// Entry point name.
    pub name: String,
    /// One result per option, in scenario order; `None` when a call on the way delivers nothing.
    pub options: Vec<Option<SimResult>>,
}

/// Relation of a hop's endpoints, used to pick the network distribution and the CRN label.
/// `same_node` is set for hops known to stay on the client's node (internalTrafficPolicy Local).
fn relation(
    topo: &Topology,
    from: usize,
    to: usize,
    same_node: bool,
) -> (&'static str, &'static str) {
    if same_node {
        ("node", "net.same_node")
    } else if topo.crosses_az(from, to) {
        ("cross", "net.cross_az")
    } else {
        ("same", "net.same_az")
    }
}

struct Ctx<'a> {
    cat: &'a Catalogue,
    topo: &'a Topology,
    settings: &'a LatencySettings,
}

impl Ctx<'_> {
    /// One network hop at position `pos`: a new-connection part (VIP translation when `vip`, then
    /// the TCP handshake) with probability `p_new`, and the request round trip.
    fn network(
        &self,
        pos: usize,
        from: usize,
        to: usize,
        p_new: f64,
        vip: Option<DistSpec>,
        same_node: bool,
    ) -> Result<Step, LatencyError> {
        let (rel, entry) = relation(self.topo, from, to, same_node);
        let mut conn = Vec::new();
        if let Some(v) = vip {
            conn.push(Step::hop(format!("vip.{pos}"), v));
        }
        conn.push(
            self.cat
                .handshake("conn.tcp_handshake", entry, &format!("tcp.{pos}.{rel}"))?,
        );
        Ok(Step::seq(vec![
            Step::maybe(p_new, Step::seq(conn)),
            self.cat.hop_labeled(entry, &format!("net.{pos}.{rel}"))?,
        ]))
    }

    fn kube_proxy(&self) -> Result<DistSpec, LatencyError> {
        self.cat
            .kube_proxy_iptables(self.settings.services_in_cluster)
    }
}

/// The latency of one call over a routed edge under option `i`: DNS (sometimes), the routed hop
/// paths as weighted branches, proxies, the callee's server time when given, and the TCP tail.
/// `None` when the edge delivers nothing.
fn edge_step(
    ctx: &Ctx,
    s: &Scenario,
    i: usize,
    e: &EdgeReport,
) -> Result<Option<Step>, LatencyError> {
    let kind = &s.options[i].kind;
    if e.route.paths.is_empty() {
        return Ok(None);
    }
    let rps = e.load.rps.and_then(|r| r.to_f64()).unwrap_or(0.0);
    let p_new = if rps > 0.0 && !e.load.new_connections_per_s.is_zero() {
        (e.load.new_connections_per_s.to_f64().unwrap_or(0.0) / rps).min(1.0)
    } else {
        1.0 / ctx.settings.requests_per_connection
    };
    let delivered: f64 = e
        .route
        .paths
        .iter()
        .map(|p| p.share.to_f64().unwrap_or(0.0))
        .sum();
    let mut branches = Vec::new();
    for p in &e.route.paths {
        let mut steps = Vec::new();
        for (pos, h) in p.hops.iter().enumerate() {
            let vip = match (h.kind, kind) {
                (
                    HopKind::PodToPod,
                    OptionKind::Headless
                    | OptionKind::IstioSidecar { .. }
                    | OptionKind::IstioAmbient { .. },
                ) => None,
                (HopKind::PodToPod, OptionKind::CiliumClusterMesh { .. }) => {
                    Some(ctx.cat.dist("svc.cilium_ebpf_socket_lb")?)
                }
                (HopKind::PodToPod | HopKind::NodePortToPod, _) => Some(ctx.kube_proxy()?),
                _ => None,
            };
            // ITP Local keeps the pod-to-pod hop on the client's node.
            let same_node = h.kind == HopKind::PodToPod && matches!(kind, OptionKind::ItpLocal);
            steps.push(ctx.network(pos, h.from, h.to, p_new, vip, same_node)?);
            match h.kind {
                HopKind::ClientToLb if matches!(kind, OptionKind::InternalAlb { .. }) => steps
                    .push(
                        ctx.cat
                            .hop_labeled("lb.alb_internal_processing", "lb.alb")?,
                    ),
                HopKind::ClientToLb => steps.push(
                    ctx.cat
                        .hop_labeled("lb.nlb_internal_processing", "lb.nlb")?,
                ),
                HopKind::Lattice => steps.push(
                    ctx.cat
                        .hop_labeled("lb.vpc_lattice_processing", "lattice")?,
                ),
                HopKind::PodToPod
                    if matches!(kind, OptionKind::CiliumClusterMesh { .. })
                        && ctx.topo.crosses_vpc(h.from, h.to) =>
                {
                    steps.push(
                        ctx.cat
                            .hop_labeled("clustermesh.cross_cluster", "clustermesh")?,
                    )
                }
                _ => {}
            }
        }
        branches.push((
            p.share.to_f64().unwrap_or(0.0) / delivered.max(f64::MIN_POSITIVE),
            Step::seq(steps),
        ));
    }
    let clients = f64::from(ctx.topo.place(s, &e.from).total());
    let mut seq = vec![Step::hop_with_p(
        "dns",
        ctx.cat.nodelocal_lookup(ctx.settings.dns_cache_hit_ratio)?,
        ctx.settings.dns_lookups_per_request,
    )];
    seq.push(Step::choice(branches));
    // Proxies: per-proxy load from the edge's rate spread over the client pods' proxies.
    let per_proxy = rps / clients.max(1.0);
    match kind {
        OptionKind::IstioSidecar { .. } => {
            for side in ["client", "server"] {
                let (step, _) = ctx.cat.proxy_with_queue(
                    "mesh.envoy_sidecar_per_proxy",
                    &format!("sidecar.{side}"),
                    per_proxy,
                )?;
                seq.push(step);
            }
        }
        OptionKind::IstioAmbient { waypoint, .. } => {
            seq.push(ctx.cat.hop_labeled("mesh.istio_ztunnel_pair", "ztunnel")?);
            if *waypoint {
                seq.push(ctx.cat.hop_labeled("mesh.istio_waypoint", "waypoint")?);
            }
        }
        _ => {}
    }
    if let Some(server) = &ctx.settings.server {
        seq.push(Step::hop("server", server.clone()));
    }
    seq.push(ctx.cat.hop_labeled("tail.tcp_data_loss_rto", "rto")?);
    Ok(Some(Step::seq(seq)))
}

/// Builds the latency model of one option over all its edges (weighted by request share).
fn option_model(
    ctx: &Ctx,
    s: &Scenario,
    report: &Report,
    i: usize,
) -> Result<CompiledPath, LatencyError> {
    let opt = &report.options[i];
    let mut weights: Vec<f64> = opt
        .edges
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
    if weights.iter().sum::<f64>() <= 0.0 {
        // No traffic at all (volume 0): a request's latency is still defined; weigh the routed
        // edges equally.
        weights = opt
            .edges
            .iter()
            .map(|e| if e.route.paths.is_empty() { 0.0 } else { 1.0 })
            .collect();
    }
    let total: f64 = weights.iter().sum();
    let mut edge_steps = Vec::new();
    for (e, w) in opt.edges.iter().zip(&weights) {
        if *w <= 0.0 {
            continue;
        }
        if let Some(step) = edge_step(ctx, s, i, e)? {
            edge_steps.push((w / total, step));
        }
    }
    if edge_steps.is_empty() {
        return Err(LatencyError::model(format!(
            "option `{}` delivers no request to simulate",
            opt.name
        )));
    }
    PathModel::new(opt.name.clone(), Step::choice(edge_steps)).compile()
}

/// The latency of serving one request at `service` whose calls are `stages`: stages in sequence,
/// the calls of a stage in parallel (the slowest sets the pace), each call `count` times in a row,
/// each call = the routed edge (with the callee's server time) then the callee's own calls.
/// `None` when a call's edge delivers nothing under this option.
fn calls_step(
    ctx: &Ctx,
    s: &Scenario,
    report: &Report,
    i: usize,
    service: &str,
    stages: &[Vec<crate::scenario::Call>],
) -> Result<Option<Step>, LatencyError> {
    let Some(graph) = &s.call_graph else {
        return Ok(Some(Step::seq(Vec::new())));
    };
    let mut seq = Vec::new();
    for stage in stages {
        let mut par = Vec::new();
        for call in stage {
            let Some(edge) = report.options[i]
                .edges
                .iter()
                .find(|e| e.from == service && e.to == call.to)
            else {
                return Ok(None);
            };
            let Some(hop) = edge_step(ctx, s, i, edge)? else {
                return Ok(None);
            };
            let downstream = graph
                .services
                .iter()
                .find(|c| c.service == call.to)
                .map(|c| c.stages.as_slice())
                .unwrap_or(&[]);
            let Some(below) = calls_step(ctx, s, report, i, &call.to, downstream)? else {
                return Ok(None);
            };
            let one = Step::seq(vec![hop, below]);
            par.push(if call.count == 1 {
                one
            } else {
                Step::repeat(call.count, one)
            });
        }
        seq.push(if par.len() == 1 {
            par.remove(0)
        } else {
            Step::par(par)
        });
    }
    Ok(Some(Step::seq(seq)))
}

/// Simulates every option of an evaluated scenario with the scenario's latency settings (or the
/// given overrides of samples and seed) and stores the result in the report.
pub fn simulate_report(
    s: &Scenario,
    report: &mut Report,
    samples: Option<u64>,
    seed: Option<u64>,
) -> Result<(), LatencyError> {
    let cat = Catalogue::eks_defaults()?.with_overrides(&s.latency.hop_overrides)?;
    let settings = &s.latency;
    let ctx = Ctx {
        cat: &cat,
        topo: &report.topology,
        settings,
    };
    let cfg = SimConfig::new(
        samples.unwrap_or(settings.samples),
        seed.unwrap_or(settings.seed),
    );
    let n = report.options.len();
    let options = simulate_per_option(n, &cfg, |i| {
        let delivers = report.options[i]
            .edges
            .iter()
            .any(|e| !e.route.paths.is_empty());
        delivers
            .then(|| option_model(&ctx, s, report, i))
            .transpose()
    })?;
    let rng = options.iter().flatten().next().map_or_else(
        || crate::latency::engine::RNG_NAME.to_string(),
        |r| r.rng.clone(),
    );
    let mut entry_points = Vec::new();
    for ep in s.call_graph.iter().flat_map(|g| &g.entry_points) {
        let options = simulate_per_option(n, &cfg, |i| {
            let Some(step) = calls_step(&ctx, s, report, i, &ep.service, &ep.stages)? else {
                return Ok(None);
            };
            let mut root = Vec::new();
            if let Some(server) = &settings.server {
                root.push(Step::hop("server.entry", server.clone()));
            }
            root.push(step);
            let name = format!("{}:{}", report.options[i].name, ep.name);
            PathModel::new(name, Step::seq(root)).compile().map(Some)
        })?;
        entry_points.push(EntryLatency {
            name: ep.name.clone(),
            options,
        });
    }
    let mut edges = Vec::new();
    for (k, edge) in s.traffic.iter().enumerate() {
        let options = simulate_per_option(n, &cfg, |i| {
            let Some(step) = edge_step(&ctx, s, i, &report.options[i].edges[k])? else {
                return Ok(None);
            };
            let name = format!("{}:{}->{}", report.options[i].name, edge.from, edge.to);
            PathModel::new(name, step).compile().map(Some)
        })?;
        edges.push(EntryLatency {
            name: format!("{} -> {}", edge.from, edge.to),
            options,
        });
    }
    report.latency = Some(LatencyReport {
        edges,
        entry_points,
        options,
        samples: cfg.samples,
        seed: cfg.seed,
        rng,
    });
    Ok(())
}

/// Builds a path per option (`None` where the option delivers nothing), simulates them together with
/// common random numbers, and returns the results in option order.
fn simulate_per_option(
    n: usize,
    cfg: &SimConfig,
    mut build: impl FnMut(usize) -> Result<Option<CompiledPath>, LatencyError>,
) -> Result<Vec<Option<SimResult>>, LatencyError> {
    let mut paths = Vec::new();
    let mut index = Vec::new();
    for i in 0..n {
        if let Some(p) = build(i)? {
            paths.push(p);
            index.push(i);
        }
    }
    let mut out = vec![None; n];
    if !paths.is_empty() {
        for (i, r) in index.into_iter().zip(compare_options(&paths, cfg)?.results) {
            out[i] = Some(r);
        }
    }
    Ok(out)
}
