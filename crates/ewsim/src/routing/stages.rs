//! Stage tables: one zone-to-zone transition table per step of an option's path (pod to pod,
//! client to load-balancer node, load balancer to target, NodePort to pod), built from where an
//! edge's clients and endpoints are. The simple rules live here (uniform over endpoints,
//! prefer the same zone, load balancers with cross-zone and target-type settings, the stated
//! `assume_cross_az_share`); the upstream Kubernetes model is in `upstream.rs`.

use super::HopKind;
use crate::placement::{Placement, Topology};
use crate::scenario::{ExternalTrafficPolicy, LoadBalancerSettings, TargetType};
use rust_decimal::Decimal;

/// A transition table: `rows[from]` lists `(to, probability)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Stage {
    pub(super) kind: HopKind,
    pub(super) rows: Vec<Vec<(usize, Decimal)>>,
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
pub(super) struct EdgeCtx<'a> {
    pub(super) topo: &'a Topology,
    pub(super) clients: &'a Placement,
    pub(super) endpoints: &'a Placement,
    /// Endpoints per zone slot.
    pub(super) ep_zone: Vec<Decimal>,
}

impl EdgeCtx<'_> {
    pub(super) fn zones(&self) -> std::ops::Range<usize> {
        0..self.topo.zones.len()
    }

    pub(super) fn same_cluster(&self, a: usize, b: usize) -> bool {
        self.topo.zones[a].cluster == self.topo.zones[b].cluster
    }

    /// Uniform over endpoints in the zones `scope(from, to)` allows.
    pub(super) fn uniform(&self, kind: HopKind, scope: impl Fn(usize, usize) -> bool) -> Stage {
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
    pub(super) fn prefer_same_zone(&self, kind: HopKind) -> Stage {
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
    pub(super) fn node_local(&self) -> Stage {
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
    pub(super) fn load_balancer(
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
    pub(super) fn serving_cluster(&self, client_cluster: usize) -> Option<usize> {
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

/// Replaces a stage's cross-zone share with a stated assumption: each row keeps its delivered mass,
/// `1 - share` of it stays in the client's zone and `share` spreads evenly over the other zones the
/// row could reach (or, when it reached none, the other zones of the same cluster).
pub(super) fn assume_share(
    topo: &Topology,
    stage: &mut Stage,
    share: Decimal,
    notes: &mut Vec<String>,
) {
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
