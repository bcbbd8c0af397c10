//! The shapes of a run: each option's routed paths reduced to relation-level paths (hop kind and
//! same node / same zone / cross zone / cross VPC), split by which hops open a new connection,
//! tagged with the option's latency class and the sidecar load, and weighted by request rate.
//! Distinct shapes are collected once for every option and edge ([`Shapes::collect`]).

use std::collections::HashMap;

use crate::cost::{CostReport, EdgeReport};
use crate::placement::Topology;
use crate::routing::HopKind;
use crate::scenario::{LatencySettings, OptionKind, Scenario};
use rust_decimal::prelude::ToPrimitive;

/// How an option's requests differ in latency, apart from their paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Class {
    pub(super) vip: Vip,
    /// internalTrafficPolicy Local keeps the pod-to-pod hop on the client's node.
    pub(super) node_local: bool,
    /// Load-balancer processing on client -> LB hops: ALB (else NLB).
    pub(super) alb: bool,
    /// Cilium ClusterMesh adds its cross-cluster step on pod-to-pod hops between VPCs.
    pub(super) clustermesh: bool,
    pub(super) mesh: Mesh,
}

/// How a pod-to-pod request reaches a service's virtual IP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Vip {
    KubeProxy,
    None,
    CiliumSocketLb,
}

/// Which mesh proxies a request passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Mesh {
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
pub(super) enum Rel {
    Node,
    Same,
    Cross,
}

impl Rel {
    /// Short name (for stream labels) and the catalogue entry of the network round trip.
    pub(super) fn name(self) -> (&'static str, &'static str) {
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
pub(super) struct RelHop {
    pub(super) kind: HopKind,
    pub(super) rel: Rel,
    pub(super) crosses_vpc: bool,
    pub(super) new_connection: bool,
}

/// A path at the relation level (at most [`crate::routing::MAX_HOPS`] hops).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct RelPath {
    pub(super) len: u8,
    pub(super) hops: [RelHop; crate::routing::MAX_HOPS],
}

/// Everything a request's latency depends on (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct ShapeKey {
    pub(super) class: Class,
    /// Requests per second per client proxy, on the [`proxy_rate_step`] grid (bits of the
    /// `f64`; 0 unless sidecars queue).
    pub(super) per_proxy: u64,
    pub(super) path: RelPath,
}

/// Relative step of the grid that per-proxy request rates are rounded to before they pick a
/// sidecar's queueing wait: 0.5 % (a rate moves by at most 0.25 %), so a mesh of thousands of
/// edges has a few hundred distinct sidecar loads rather than one per edge.
pub const PROXY_RATE_STEP: f64 = 0.005;

/// `rate` rounded to the nearest point of the grid `(1 + PROXY_RATE_STEP)^k` (0 stays 0).
pub(super) fn proxy_rate_step(rate: f64) -> f64 {
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

/// The distinct shapes of a run and, per option and edge, which shapes its requests take.
pub(super) struct Shapes {
    pub(super) keys: Vec<ShapeKey>,
    index: HashMap<ShapeKey, usize>,
    /// Per option: (shape, weight) summed over its edges (weights sum to one).
    pub(super) options: Vec<Vec<(usize, f64)>>,
    /// Per option, per edge: (shape, share of the edge's delivered requests); empty lists for
    /// edges that deliver nothing. Only filled when per-edge figures or call graphs need it.
    pub(super) edges: Vec<Vec<Vec<(usize, f64)>>>,
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
    pub(super) fn collect(
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
            let weights = edge_weights(&opt.edges);
            let total: f64 = weights.iter().sum();
            let mut parts: Vec<(usize, f64)> = Vec::new();
            let mut slot: HashMap<usize, usize> = HashMap::new();
            let mut per_edge_parts = Vec::new();
            let mut routes: HashMap<(usize, usize), Vec<(RelPath, f64)>> = HashMap::new();
            for (e, w) in opt.edges.iter().zip(&weights) {
                // A `per-service` option times each call by the routing of the Service it calls.
                let class = Class::of(o.kind.for_service(&e.to));
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
pub(super) fn connection_cases(path: RelPath, p_new: f64) -> Vec<(RelPath, f64)> {
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
