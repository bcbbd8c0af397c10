//! Where nodes and pods are: zones of every cluster, nodes per zone, and each service's pods per node.
//!
//! Zones are indexed globally (cluster by cluster, in file order). Zone *names* decide whether a hop
//! crosses an availability zone, since clusters in one region share zone names; VPC names decide
//! whether it crosses VPCs.

use crate::scenario::{NodeAttributes, Replicas, Scenario};

/// One zone of one cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneSlot {
    /// Index of the cluster in the scenario.
    pub cluster: usize,
    /// Zone name (shared across clusters of a region).
    pub name: String,
    /// VPC of the cluster.
    pub vpc: String,
    /// Instance type of the zone's first node group (see [`ZoneSlot::groups`] for all).
    pub instance_type: String,
    /// Index of the zone's first node in [`Topology::node_zone`].
    pub first_node: usize,
    /// Number of nodes.
    pub nodes: usize,
    /// Allocatable CPU of each node in millicores, as the EndpointSlice controller reads it for
    /// Topology Aware Routing: the scenario's `cpu:` when given, otherwise the instance type's
    /// vCPUs from the price table (filled by [`Topology::with_instance_cpu`]); `None` when neither
    /// is known, in which case routing uses [`DEFAULT_NODE_CPU_MILLI`]. The first node group's;
    /// [`Topology::node_cpu`] gives each node's.
    pub allocatable_cpu_milli: Option<u64>,
    /// Nodes that are not Ready, control plane, or without zone label, summed over the zone's
    /// node groups; within the zone the nodes are ordered labelled workers, unlabeled, not
    /// ready, control plane (each state's nodes group by group, see [`ZoneSlot::node_group`]).
    pub attributes: NodeAttributes,
    /// The zone's node groups (one for the single-mapping form).
    pub groups: Vec<SlotGroup>,
}

/// One node group of a zone slot.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotGroup {
    /// Instance type of the group's nodes.
    pub instance_type: String,
    /// Nodes in the group.
    pub nodes: usize,
    /// Allocatable CPU of each node in millicores (as [`ZoneSlot::allocatable_cpu_milli`]).
    pub allocatable_cpu_milli: Option<u64>,
    /// The group's nodes that are not Ready, control plane, or unlabeled.
    pub attributes: NodeAttributes,
}

impl SlotGroup {
    /// Nodes per state, in the zone's node order: labelled workers, unlabeled, not ready,
    /// control plane.
    fn by_state(&self) -> [usize; 4] {
        let a = self.attributes;
        let odd = (a.unlabeled + a.not_ready + a.control_plane) as usize;
        [
            self.nodes.saturating_sub(odd),
            a.unlabeled as usize,
            a.not_ready as usize,
            a.control_plane as usize,
        ]
    }

    /// Nodes that run pods (Ready workers).
    pub fn schedulable(&self) -> usize {
        self.nodes
            .saturating_sub(self.attributes.unschedulable() as usize)
    }
}

/// What the Kubernetes model sees of one node (see [`ZoneSlot::node_state`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeState {
    /// Carries the `topology.kubernetes.io/zone` label.
    pub labeled: bool,
    /// Node condition `Ready == True`.
    pub ready: bool,
    /// Control-plane node.
    pub control_plane: bool,
}

impl ZoneSlot {
    /// Nodes that run pods: Ready workers, labelled or not (the first ones of the zone).
    pub fn schedulable(&self) -> usize {
        self.nodes
            .saturating_sub(self.attributes.unschedulable() as usize)
    }

    /// The state of the zone's `i`-th node (order: labelled workers, unlabeled, not ready,
    /// control plane).
    pub fn node_state(&self, i: usize) -> NodeState {
        let a = self.attributes;
        let sched = self.schedulable();
        let labeled_workers = sched.saturating_sub(a.unlabeled as usize);
        let not_ready_end = sched + a.not_ready as usize;
        NodeState {
            labeled: i < labeled_workers || i >= sched,
            ready: i < sched || i >= not_ready_end,
            control_plane: i >= not_ready_end,
        }
    }

    /// The node group of the zone's `i`-th node: within each state (labelled workers,
    /// unlabeled, not ready, control plane) the first group's nodes come first.
    pub fn node_group(&self, i: usize) -> usize {
        if self.groups.len() <= 1 {
            return 0;
        }
        let a = self.attributes;
        let sched = self.schedulable();
        let bounds = [
            0,
            sched.saturating_sub(a.unlabeled as usize),
            sched,
            sched + a.not_ready as usize,
        ];
        let state = bounds.iter().rposition(|&b| i >= b).unwrap_or(0);
        let mut offset = i - bounds[state];
        for (g, group) in self.groups.iter().enumerate() {
            let n = group.by_state()[state];
            if offset < n {
                return g;
            }
            offset -= n;
        }
        self.groups.len() - 1
    }

    /// Each node group's instance type with its share of the zone's schedulable nodes (where
    /// pods and their proxies run); one group weighs 1. A zone without schedulable nodes weighs
    /// its groups by node count.
    pub fn instance_shares(&self) -> Vec<(&str, rust_decimal::Decimal)> {
        use rust_decimal::Decimal;
        if self.groups.len() <= 1 {
            return vec![(self.instance_type.as_str(), Decimal::ONE)];
        }
        let sched: usize = self.groups.iter().map(SlotGroup::schedulable).sum();
        let weight = |g: &SlotGroup| if sched > 0 { g.schedulable() } else { g.nodes };
        let total: usize = self.groups.iter().map(weight).sum();
        self.groups
            .iter()
            .filter(|g| weight(g) > 0)
            .map(|g| {
                (
                    g.instance_type.as_str(),
                    Decimal::from(weight(g)) / Decimal::from(total.max(1)),
                )
            })
            .collect()
    }
}

/// Allocatable CPU (millicores) assumed for a node whose CPU is neither stated in the scenario nor
/// found in the price table: 2 cores, the smallest common EKS worker (`m5.large`).
pub const DEFAULT_NODE_CPU_MILLI: u64 = 2000;

/// Whole millicores of a CPU quantity in cores (fractions of a millicore truncated, like
/// `MilliValue()` rounds a quantity up only below a millicore, which a scenario cannot state).
fn cores_to_milli(cores: rust_decimal::Decimal) -> Option<u64> {
    use rust_decimal::prelude::ToPrimitive;
    (cores * rust_decimal::Decimal::from(1000)).trunc().to_u64()
}

/// All zones and nodes of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Topology {
    /// Zones of every cluster.
    pub zones: Vec<ZoneSlot>,
    /// Zone index of every node.
    pub node_zone: Vec<usize>,
}

impl Topology {
    /// Builds the zone and node list from the scenario's clusters.
    pub fn new(s: &Scenario) -> Topology {
        let mut zones = Vec::new();
        let mut node_zone = Vec::new();
        for (ci, c) in s.clusters.iter().enumerate() {
            for z in &c.zones {
                let first_node = node_zone.len();
                let groups: Vec<SlotGroup> = z
                    .groups()
                    .map(|g| SlotGroup {
                        instance_type: g.instance_type.clone(),
                        nodes: g.count as usize,
                        allocatable_cpu_milli: g.allocatable_cpu.and_then(cores_to_milli),
                        attributes: g.attributes,
                    })
                    .collect();
                let nodes = groups.iter().map(|g| g.nodes).sum();
                let attributes =
                    groups
                        .iter()
                        .fold(NodeAttributes::default(), |a, g| NodeAttributes {
                            not_ready: a.not_ready + g.attributes.not_ready,
                            control_plane: a.control_plane + g.attributes.control_plane,
                            unlabeled: a.unlabeled + g.attributes.unlabeled,
                        });
                node_zone.extend(std::iter::repeat_n(zones.len(), nodes));
                zones.push(ZoneSlot {
                    cluster: ci,
                    name: z.name.clone(),
                    vpc: c.vpc.clone(),
                    instance_type: z.nodes.instance_type.clone(),
                    first_node,
                    nodes,
                    allocatable_cpu_milli: z.nodes.allocatable_cpu.and_then(cores_to_milli),
                    attributes,
                    groups,
                });
            }
        }
        Topology { zones, node_zone }
    }

    /// Fills every zone whose node CPU the scenario does not state with its instance type's vCPUs
    /// from `table` (zones whose instance type the table lacks stay unknown).
    #[must_use]
    pub fn with_instance_cpu(mut self, table: &crate::pricing::PriceTable) -> Topology {
        let cpu = |itype: &str| {
            table
                .instances
                .get(itype)
                .and_then(|i| cores_to_milli(i.vcpu))
        };
        for z in &mut self.zones {
            if z.allocatable_cpu_milli.is_none() {
                z.allocatable_cpu_milli = cpu(&z.instance_type);
            }
            for g in &mut z.groups {
                if g.allocatable_cpu_milli.is_none() {
                    g.allocatable_cpu_milli = cpu(&g.instance_type);
                }
            }
        }
        self
    }

    /// Allocatable CPU (millicores) of the `i`-th node of zone slot `z` (its node group's).
    pub fn node_cpu(&self, z: usize, i: usize) -> u64 {
        let slot = &self.zones[z];
        if slot.groups.len() <= 1 {
            return self.node_cpu_milli(z);
        }
        slot.groups
            .get(slot.node_group(i))
            .and_then(|g| g.allocatable_cpu_milli)
            .unwrap_or(DEFAULT_NODE_CPU_MILLI)
    }

    /// Allocatable CPU (millicores) of each node of zone slot `z` (of its first node group).
    pub fn node_cpu_milli(&self, z: usize) -> u64 {
        self.zones[z]
            .allocatable_cpu_milli
            .unwrap_or(DEFAULT_NODE_CPU_MILLI)
    }

    /// Whether two zone slots are different availability zones.
    pub fn crosses_az(&self, a: usize, b: usize) -> bool {
        self.zones[a].name != self.zones[b].name
    }

    /// Whether two zone slots are in different VPCs.
    pub fn crosses_vpc(&self, a: usize, b: usize) -> bool {
        self.zones[a].vpc != self.zones[b].vpc
    }

    /// Zone indices of one cluster.
    pub fn cluster_zones(&self, cluster: usize) -> impl Iterator<Item = usize> + '_ {
        self.zones
            .iter()
            .enumerate()
            .filter(move |(_, z)| z.cluster == cluster)
            .map(|(i, _)| i)
    }

    /// Pods of a service per node, summed over every cluster that runs a service of that name.
    pub fn place(&self, s: &Scenario, service: &str) -> Placement {
        let mut per_node = vec![0u32; self.node_zone.len()];
        for svc in s.services.iter().filter(|v| v.name == service) {
            self.place_one(s, svc, &mut per_node, 0);
        }
        Placement { per_node }
    }

    /// Adds the pods of one service declaration to `per_node`. `depth` bounds `colocate_with`
    /// chains (cycles are rejected by validation; this only keeps a bad scenario from looping).
    fn place_one(
        &self,
        s: &Scenario,
        svc: &crate::scenario::Service,
        per_node: &mut [u32],
        depth: usize,
    ) {
        let Some(ci) = s.clusters.iter().position(|c| c.name == svc.cluster) else {
            return;
        };
        if let Some(other) = &svc.colocate_with {
            let total = match &svc.replicas {
                Replicas::Spread(n) => *n,
                Replicas::PerZone(list) => list.iter().map(|(_, k)| *k).sum(),
            };
            let mut host = vec![0u32; per_node.len()];
            if depth <= s.services.len() {
                for o in s
                    .services
                    .iter()
                    .filter(|v| v.name == *other && v.cluster == svc.cluster)
                {
                    self.place_one(s, o, &mut host, depth + 1);
                }
            }
            let order = self.host_order(ci, &host);
            for (n, k) in colocate(total, &order, &host) {
                per_node[n] += k;
            }
            return;
        }
        let zones: Vec<usize> = self.cluster_zones(ci).collect();
        // A topology spread only counts zones with a node that can run the pods.
        let spread_zones: Vec<usize> = zones
            .iter()
            .copied()
            .filter(|&z| self.zones[z].schedulable() > 0)
            .collect();
        let counts: Vec<(usize, u32)> = match &svc.replicas {
            Replicas::Spread(n) => spread(*n, spread_zones.len())
                .into_iter()
                .zip(&spread_zones)
                .map(|(k, z)| (*z, k))
                .collect(),
            Replicas::PerZone(list) => list
                .iter()
                .filter_map(|(name, k)| {
                    zones
                        .iter()
                        .find(|z| self.zones[**z].name == *name)
                        .map(|z| (*z, *k))
                })
                .collect(),
        };
        for (z, k) in counts {
            let slot = &self.zones[z];
            for (i, n) in spread(k, slot.schedulable()).into_iter().enumerate() {
                per_node[slot.first_node + i] += n;
            }
        }
    }

    /// The nodes of cluster `ci` holding pods in `host`, zone by zone interleaved: the first such
    /// node of every zone (zones in file order), then the second of every zone, and so on.
    fn host_order(&self, ci: usize, host: &[u32]) -> Vec<usize> {
        let per_zone: Vec<Vec<usize>> = self
            .cluster_zones(ci)
            .map(|z| {
                let slot = &self.zones[z];
                (slot.first_node..slot.first_node + slot.nodes)
                    .filter(|&n| host.get(n).is_some_and(|&k| k > 0))
                    .collect()
            })
            .collect();
        let rounds = per_zone.iter().map(Vec::len).max().unwrap_or(0);
        (0..rounds)
            .flat_map(|r| per_zone.iter().filter_map(move |z| z.get(r).copied()))
            .collect()
    }
}

/// Splits `total` over `slots` as a topology spread with maxSkew 1 does: equal shares, the remainder
/// one each to the first slots (the scheduler's tie-break among equally loaded domains is not
/// specified; file order is ewsim's documented choice).
pub fn spread(total: u32, slots: usize) -> Vec<u32> {
    if slots == 0 {
        return Vec::new();
    }
    let n = slots as u32;
    (0..n)
        .map(|i| total / n + u32::from(i < total % n))
        .collect()
}

/// Deals `total` pods over the nodes `order` (each holding `host[n] > 0` pods of the service to
/// colocate with), as pod affinity to that service would allow: round-robin over `order`, one pod
/// per node per round, a node taking a pod in round `r` only while `r < host[n]`, so node `n`
/// gets at most `host[n]` pods while any node still has room; pods beyond `sum(host)` are then
/// dealt round-robin over `order` without limit. Returns `(node, pods)` for nodes that get pods;
/// nothing when `order` is empty (the pods stay pending).
pub fn colocate(total: u32, order: &[usize], host: &[u32]) -> Vec<(usize, u32)> {
    let cap = |n: usize| host.get(n).copied().unwrap_or(0);
    let capacity: u64 = order.iter().map(|&n| u64::from(cap(n))).sum();
    if order.is_empty() {
        return Vec::new();
    }
    let mut got: Vec<u32> = vec![0; order.len()];
    if u64::from(total) >= capacity {
        let extra = u64::from(total) - capacity;
        let k = order.len() as u64;
        for (i, &n) in order.iter().enumerate() {
            let more = extra / k + u64::from((i as u64) < extra % k);
            got[i] = cap(n).saturating_add(u32::try_from(more).unwrap_or(u32::MAX));
        }
    } else {
        // Full rounds: the largest level L with sum(min(host, L)) <= total.
        let filled = |l: u32| -> u64 { order.iter().map(|&n| u64::from(cap(n).min(l))).sum() };
        let (mut lo, mut hi) = (0u32, order.iter().map(|&n| cap(n)).max().unwrap_or(0));
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if filled(mid) <= u64::from(total) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        let mut left = u64::from(total) - filled(lo);
        for (i, &n) in order.iter().enumerate() {
            got[i] = cap(n).min(lo);
            if left > 0 && cap(n) > lo {
                got[i] += 1;
                left -= 1;
            }
        }
    }
    order
        .iter()
        .zip(got)
        .filter(|(_, k)| *k > 0)
        .map(|(&n, k)| (n, k))
        .collect()
}

/// Every service's [`Placement`], computed once per scenario so that routing many edges looks
/// each service up instead of placing it again (placing scans the service list). Services placed
/// alike share one entry and one [`PlacementId`], so routing can reuse work between them.
#[derive(Debug, Clone, Default)]
pub struct Placements {
    ids: std::collections::HashMap<String, PlacementId>,
    distinct: Vec<Placement>,
}

/// Identifies a distinct placement within one [`Placements`]: services with equal pods per node
/// have equal ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlacementId(u32);

impl Placements {
    /// Places every service of the scenario.
    pub fn new(topo: &Topology, s: &Scenario) -> Self {
        Self::of(topo, s, s.services.iter().map(|v| v.name.as_str()))
    }

    /// Places only the named services (a one-off route of a single edge).
    pub fn of<'n>(topo: &Topology, s: &Scenario, names: impl IntoIterator<Item = &'n str>) -> Self {
        let empty = Placement {
            per_node: vec![0; topo.node_zone.len()],
        };
        let mut by_value = std::collections::HashMap::new();
        by_value.insert(empty.clone(), PlacementId(0));
        let mut out = Self {
            ids: std::collections::HashMap::new(),
            distinct: vec![empty],
        };
        for name in names {
            if out.ids.contains_key(name) {
                continue;
            }
            let p = topo.place(s, name);
            let next = PlacementId(out.distinct.len() as u32);
            let id = *by_value.entry(p.clone()).or_insert(next);
            if id == next {
                out.distinct.push(p);
            }
            out.ids.insert(name.to_string(), id);
        }
        out
    }

    /// The id of `service`'s placement (the empty placement's when there is no such service).
    pub fn id(&self, service: &str) -> PlacementId {
        self.ids.get(service).copied().unwrap_or(PlacementId(0))
    }

    /// The placement of `service`; no pods when the scenario has no such service.
    pub fn get(&self, service: &str) -> &Placement {
        &self.distinct[self.id(service).0 as usize]
    }
}

/// Pods of one service on each node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Placement {
    /// Pod count per node index.
    pub per_node: Vec<u32>,
}

impl Placement {
    /// Pods per zone slot.
    pub fn per_zone(&self, topo: &Topology) -> Vec<u32> {
        topo.zones
            .iter()
            .map(|z| {
                self.per_node[z.first_node..z.first_node + z.nodes]
                    .iter()
                    .sum()
            })
            .collect()
    }

    /// Total pods.
    pub fn total(&self) -> u32 {
        self.per_node.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::spread;

    #[test]
    fn spread_is_max_skew_one_with_remainder_first() {
        assert_eq!(spread(6, 3), vec![2, 2, 2]);
        assert_eq!(spread(4, 3), vec![2, 1, 1]);
        assert_eq!(spread(2, 3), vec![1, 1, 0]);
        assert_eq!(spread(0, 2), vec![0, 0]);
        assert!(spread(5, 0).is_empty());
    }

    #[test]
    fn colocate_deals_round_robin_within_host_counts() {
        use super::colocate;
        // Host pods 3, 1, 2 on nodes 0, 1, 2.
        let host = [3, 1, 2];
        let order = [0, 1, 2];
        // Round 0: 0, 1, 2; round 1: 0, 2 (node 1 is full) -> 4 pods: 2, 1, 1.
        assert_eq!(colocate(4, &order, &host), vec![(0, 2), (1, 1), (2, 1)]);
        assert_eq!(colocate(2, &order, &host), vec![(0, 1), (1, 1)]);
        assert_eq!(colocate(6, &order, &host), vec![(0, 3), (1, 1), (2, 2)]);
        // Beyond the host's 6 pods: round-robin without limit, first nodes first.
        assert_eq!(colocate(8, &order, &host), vec![(0, 4), (1, 2), (2, 2)]);
        assert!(colocate(3, &[], &host).is_empty());
    }
}

#[cfg(test)]
mod group_tests {
    use super::*;
    use crate::scenario::{NodeGroup, Zone};
    use rust_decimal::Decimal;

    fn group(count: u32, itype: &str, cpu: u32, not_ready: u32) -> NodeGroup {
        NodeGroup {
            count,
            instance_type: itype.into(),
            allocatable_cpu: Some(Decimal::from(cpu)),
            attributes: NodeAttributes {
                not_ready,
                ..NodeAttributes::default()
            },
        }
    }

    #[test]
    fn node_groups_order_schedulable_nodes_first_and_keep_their_cpu() {
        // Zone a: 2 x m5.large (2 cores, 1 not Ready) + 3 x m5.2xlarge (8 cores).
        let mut a = Zone::new("a", 1, "x");
        a.nodes = group(2, "m5.large", 2, 1);
        a.more_nodes = vec![group(3, "m5.2xlarge", 8, 0)];
        let s = Scenario::new("t", "us-east-1", vec![a]).service("web", 8);
        let topo = Topology::new(&s);
        let z = &topo.zones[0];
        assert_eq!((z.nodes, z.schedulable()), (5, 4));
        // Nodes 0: large, 1..=3: 2xlarge (schedulable), 4: the not-Ready large.
        let groups: Vec<usize> = (0..5).map(|i| z.node_group(i)).collect();
        assert_eq!(groups, [0, 1, 1, 1, 0]);
        let cpu: Vec<u64> = (0..5).map(|i| topo.node_cpu(0, i)).collect();
        assert_eq!(cpu, [2000, 8000, 8000, 8000, 2000]);
        assert!(!z.node_state(4).ready);
        // Proxies run where pods run: 1 of 4 schedulable nodes is an m5.large.
        assert_eq!(
            z.instance_shares(),
            vec![
                ("m5.large", Decimal::new(25, 2)),
                ("m5.2xlarge", Decimal::new(75, 2))
            ]
        );
        // 8 pods spread over the 4 schedulable nodes.
        assert_eq!(topo.place(&s, "web").per_node, [2, 2, 2, 2, 0]);
    }
}
