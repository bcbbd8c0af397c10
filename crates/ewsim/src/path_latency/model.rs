//! Latency models: a shape as a sequence of catalogue hops (DNS lookup, VIP translation and TCP
//! handshake on a new connection, one round trip per hop, load-balancer / Lattice / proxy
//! processing, the server's time, the retransmission tail), and call-graph entry points as trees
//! of such calls (stages in sequence, the calls of a stage in parallel).

use std::collections::HashMap;

use super::shapes::{Mesh, RelHop, ShapeKey, Vip};
use crate::latency::{Catalogue, DistSpec, LatencyError, Step};
use crate::routing::HopKind;
use crate::scenario::{LatencySettings, Scenario};

/// What turns a shape into a latency model: the hop catalogue (with the scenario's overrides),
/// the latency settings and the kube-proxy VIP cost of the cluster's size.
pub(super) struct Ctx<'a> {
    pub(super) cat: &'a Catalogue,
    pub(super) settings: &'a LatencySettings,
    pub(super) kube_proxy: DistSpec,
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
    pub(super) fn shape(&self, key: &ShapeKey) -> Result<Step, LatencyError> {
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

/// One call over the edge under option `i`: one of the edge's shapes, by share. `None` when the
/// edge delivers nothing.
pub(super) fn call_step(steps: &[Step], parts: &[(usize, f64)]) -> Option<Step> {
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
pub(super) fn calls_step(
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
