//! Monthly cost of each option as `Decimal` line items (component, quantity, unit, unit price, cost).
//!
//! Capacity-unit and Lattice rules are small pure functions so that AWS's worked pricing examples can
//! be checked against them directly; [`price_option`] applies them to routed traffic.

mod evaluate;

pub use evaluate::{CATEGORIES, CostReport, EdgeReport, OptionReport, SummaryRow, cents, evaluate};

use crate::placement::Topology;
use crate::pricing::{AlbLcu, Nlcu, PriceKey, PriceTable, PricingError};
use crate::routing::{EdgeRoute, HopFlows, HopKind};
use crate::scenario::{
    Billing, CapacityUnitRule, LoadBalancerSettings, OptionKind, OptionSpec, Protocol,
    ProxyOverhead, Scenario, VpcConnectivity,
};
use crate::traffic::EdgeLoad;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One priced line of an option's monthly bill.
#[derive(Debug, Clone, PartialEq)]
pub struct LineItem {
    /// Stable component id, e.g. `inter_az.pod_to_pod`, `alb.lcu` (documented in the README).
    pub component: String,
    /// Human description.
    pub description: String,
    /// Billed quantity per month.
    pub quantity: Decimal,
    /// Unit of the quantity.
    pub unit: String,
    /// USD per unit.
    pub unit_price: Decimal,
    /// USD per month: exactly `quantity x unit_price`.
    pub cost: Decimal,
    /// Price-table key of the unit price.
    pub price_key: String,
    /// Source id and date of the price.
    pub price_source: String,
    /// Whether the quantity rests on a stated assumption rather than the routing model.
    pub assumed: bool,
}

/// Load through a load balancer, per hour, summed over its edges.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LbLoad {
    /// Processed GB per hour.
    pub gb_per_hour: Decimal,
    /// Requests per second.
    pub rps: Decimal,
    /// New connections per second.
    pub new_connections_per_s: Decimal,
    /// Active connections.
    pub active_connections: Decimal,
}

/// Capacity units per hour with the value of every dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityUnitsPerHour {
    /// Units per hour for each dimension, by name.
    pub dimensions: Vec<(&'static str, Decimal)>,
    /// Billed units per hour.
    pub billed: Decimal,
}

fn billed(
    dimensions: Vec<(&'static str, Decimal)>,
    rule: CapacityUnitRule,
) -> CapacityUnitsPerHour {
    let billed = match rule {
        CapacityUnitRule::HourlyMax => dimensions.iter().map(|(_, v)| *v).max().unwrap_or_default(),
        CapacityUnitRule::BytesOnly => dimensions
            .iter()
            .find(|(n, _)| *n == "bytes")
            .map(|(_, v)| *v)
            .unwrap_or_default(),
    };
    CapacityUnitsPerHour { dimensions, billed }
}

/// ALB LCUs per hour for one ALB: the largest of new connections, active connections, processed
/// bytes and rule evaluations beyond the free 10 per request (aws-pricing.md §2.2).
pub fn alb_lcu_per_hour(
    load: &LbLoad,
    cap: &AlbLcu,
    rules_per_request: u32,
    mtls: bool,
    rule: CapacityUnitRule,
) -> CapacityUnitsPerHour {
    let active_cap = if mtls {
        cap.active_connections_per_min_mtls
    } else {
        cap.active_connections_per_min
    };
    let paid_rules =
        (Decimal::from(rules_per_request) - cap.free_rules_per_request).max(Decimal::ZERO);
    billed(
        vec![
            (
                "new_connections",
                load.new_connections_per_s / cap.new_connections_per_s,
            ),
            ("active_connections", load.active_connections / active_cap),
            ("bytes", load.gb_per_hour / cap.gb_per_hour),
            (
                "rule_evaluations",
                load.rps * paid_rules / cap.rule_evaluations_per_s,
            ),
        ],
        rule,
    )
}

/// NLCUs per hour for one protocol on one NLB: the largest of its three dimensions (§3.2).
pub fn nlb_nlcu_per_hour(
    load: &LbLoad,
    cap: &Nlcu,
    rule: CapacityUnitRule,
) -> CapacityUnitsPerHour {
    billed(
        vec![
            (
                "new_connections",
                load.new_connections_per_s / cap.new_connections_per_s,
            ),
            (
                "active_connections",
                load.active_connections / cap.active_connections_per_min,
            ),
            ("bytes", load.gb_per_hour / cap.gb_per_hour),
        ],
        rule,
    )
}

/// Billable Lattice requests per month for one service: the first `free_per_hour` requests of every
/// hour are free (§4.1).
pub fn lattice_billable_requests(
    requests_per_hour: Decimal,
    free_per_hour: Decimal,
    hours: Decimal,
) -> Decimal {
    (requests_per_hour - free_per_hour).max(Decimal::ZERO) * hours
}

/// Proxy vCPU and GB for a request rate through one kind of proxy.
pub fn proxy_resources(overhead: &ProxyOverhead, proxy_rps: Decimal) -> (Decimal, Decimal) {
    let k = proxy_rps / Decimal::from(1000);
    // MB -> GB in decimal units, as the reference's own example does (60 MB = 0.06 GB).
    (
        k * overhead.vcpu_per_1000_rps,
        k * overhead.memory_mb_per_1000_rps / Decimal::from(1000),
    )
}

/// Cost of one option over all edges.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionCost {
    /// Line items; their costs sum exactly to `total`.
    pub line_items: Vec<LineItem>,
    /// USD per month.
    pub total: Decimal,
    /// GB per month crossing an AZ boundary, summed over hops (charged or not).
    pub cross_az_gb: Decimal,
    /// GB per month delivered.
    pub delivered_gb: Decimal,
    /// GB per month offered (delivered + dropped).
    pub offered_gb: Decimal,
    /// Byte-weighted share of requests dropped.
    pub dropped_share: Decimal,
    /// Notes for the reader.
    pub notes: Vec<String>,
}

/// [`EdgeRoute::flows`] of every edge, computed once per distinct route (edges between services
/// placed alike share one).
fn shared_flows(edges: &[(&EdgeLoad, EdgeRoute)]) -> Vec<std::rc::Rc<HopFlows>> {
    let mut cache = std::collections::HashMap::new();
    edges
        .iter()
        .map(|(_, r)| match r.shared_key() {
            Some(key) => cache
                .entry(key)
                .or_insert_with(|| std::rc::Rc::new(r.flows()))
                .clone(),
            None => std::rc::Rc::new(r.flows()),
        })
        .collect()
}

/// Charged hop labels of transfer line items: component suffix and description.
const TRANSFER_LABELS: [(&str, &str); 4] = [
    ("pod_to_pod", "pod -> pod"),
    ("client_to_lb", "client -> load balancer node"),
    ("lb_to_target", "NLB node -> target (cross-zone)"),
    ("nodeport_to_pod", "NodePort node -> pod (instance targets)"),
];

/// Index of a charged hop kind in [`TRANSFER_LABELS`].
fn transfer_label(kind: HopKind) -> usize {
    match kind {
        HopKind::ClientToLb => 1,
        HopKind::NlbToTarget => 2,
        HopKind::NodePortToPod => 3,
        _ => 0,
    }
}

/// Accumulates line items by component.
struct Bill<'a> {
    table: &'a PriceTable,
    items: BTreeMap<String, LineItem>,
}

impl Bill<'_> {
    #[allow(clippy::too_many_arguments)] // one line item's fields, passed flat at ~20 call sites
    fn add(
        &mut self,
        component: &str,
        description: &str,
        quantity: Decimal,
        unit: &str,
        key: PriceKey,
        factor: Decimal,
        assumed: bool,
    ) -> Result<(), PricingError> {
        if quantity.is_zero() {
            return Ok(());
        }
        let unit_price = self.table.get(key)? * factor;
        self.add_priced(
            component,
            description,
            quantity,
            unit,
            unit_price,
            key.as_str(),
            assumed,
        );
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn add_priced(
        &mut self,
        component: &str,
        description: &str,
        quantity: Decimal,
        unit: &str,
        unit_price: Decimal,
        key: &str,
        assumed: bool,
    ) {
        let source = self
            .table
            .prices
            .get(key)
            .map(|p| format!("{} ({})", p.source, p.as_of))
            .or_else(|| {
                self.table
                    .instances
                    .get(key.trim_start_matches("instances."))
                    .map(|i| format!("{} ({}), split by Fargate vCPU:GB ratio", i.source, i.as_of))
            })
            .unwrap_or_default();
        let e = self
            .items
            .entry(component.to_string())
            .or_insert_with(|| LineItem {
                component: component.to_string(),
                description: description.to_string(),
                quantity: Decimal::ZERO,
                unit: unit.to_string(),
                unit_price,
                cost: Decimal::ZERO,
                price_key: key.to_string(),
                price_source: source,
                assumed,
            });
        e.quantity += quantity;
        e.cost = e.quantity * e.unit_price;
        e.assumed |= assumed;
    }
}

/// Mesh proxy defaults (sidecar, ztunnel, waypoint), from `pricing/mesh-overheads.yaml`,
/// parsed once per process.
pub fn mesh_defaults() -> [ProxyOverhead; 3] {
    static DEFAULTS: std::sync::OnceLock<[ProxyOverhead; 3]> = std::sync::OnceLock::new();
    DEFAULTS
        .get_or_init(|| {
            let (file, text) = crate::pricing::MESH_OVERHEADS;
            // The embedded file is checked by a unit test (`sidecar_at_1000_rps_costs_about_five_dollars`);
            // a broken build falls back to zero overhead rather than panicking.
            crate::pricing::file::parse_mesh_overheads(text, file).unwrap_or_else(|_| {
                std::array::from_fn(|_| ProxyOverhead {
                    vcpu_per_1000_rps: Decimal::ZERO,
                    memory_mb_per_1000_rps: Decimal::ZERO,
                })
            })
        })
        .clone()
}

/// Prices one option over its routed edges: `edges[i]` is (load, route) of `scenario.traffic[i]`.
pub fn price_option(
    s: &Scenario,
    topo: &Topology,
    table: &PriceTable,
    option: &OptionSpec,
    edges: &[(&EdgeLoad, EdgeRoute)],
) -> Result<OptionCost, PricingError> {
    let b: &Billing = &s.billing;
    let hours = b.hours_per_month;
    let sides = b.inter_az.sides();
    let mut bill = Bill {
        table,
        items: BTreeMap::new(),
    };
    let mut notes: Vec<String> = Vec::new();
    let (mut cross_az_gb, mut delivered_gb, mut offered_gb, mut dropped_gb) =
        (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    let client_leg_charged = match &option.kind {
        OptionKind::InternalAlb { lb, .. }
        | OptionKind::InternalNlb { lb }
        | OptionKind::Route53Nlb { lb, .. } => lb.client_leg_charged,
        _ => true,
    };
    if !client_leg_charged {
        notes.push(
            "client->load balancer inter-AZ transfer not charged (client_leg_charged: false)"
                .into(),
        );
    }

    // Transfer per line item, accumulated path by path (the sums a line item would add hop by
    // hop), then billed once: [inter-AZ, peering cross-AZ][hop label], and TGW data.
    let mut transfer: [[Option<(Decimal, bool)>; 4]; 2] = Default::default();
    let mut tgw_data: Option<(Decimal, bool)> = None;
    let mut route_notes = std::collections::BTreeSet::new();
    let flows = shared_flows(edges);
    for ((load, route), flows) in edges.iter().zip(&flows) {
        for n in &route.notes {
            if !route_notes.contains(n) {
                route_notes.insert(n.clone());
            }
        }
        offered_gb += load.gb_month;
        dropped_gb += load.gb_month * route.dropped;
        for hop in &flows.hops {
            let gb = load.gb_month * hop.share;
            let (az, vpc) = (
                topo.crosses_az(hop.from, hop.to),
                topo.crosses_vpc(hop.from, hop.to),
            );
            if az {
                cross_az_gb += gb;
            }
            let charged = match hop.kind {
                HopKind::AlbToTarget | HopKind::Lattice => false,
                HopKind::ClientToLb => client_leg_charged,
                HopKind::PodToPod | HopKind::NlbToTarget | HopKind::NodePortToPod => true,
            };
            if !charged || gb.is_zero() {
                continue;
            }
            let slot = if vpc {
                match s.vpc_connectivity {
                    VpcConnectivity::Peering if az => &mut transfer[1][transfer_label(hop.kind)],
                    VpcConnectivity::Peering => continue,
                    VpcConnectivity::TransitGateway => &mut tgw_data,
                }
            } else if az {
                &mut transfer[0][transfer_label(hop.kind)]
            } else {
                continue;
            };
            let (q, a) = slot.get_or_insert((Decimal::ZERO, false));
            *q += gb;
            *a |= route.assumed;
        }
        delivered_gb += load.gb_month * flows.delivered;
    }
    notes.extend(route_notes);
    for (variant, per_label) in transfer.iter().enumerate() {
        for (label, acc) in per_label.iter().enumerate() {
            let Some((gb, assumed)) = acc else { continue };
            let (id, what) = TRANSFER_LABELS[label];
            if variant == 0 {
                bill.add(
                    &format!("inter_az.{id}"),
                    &format!("Inter-AZ transfer, {what}"),
                    *gb,
                    "GB crossing",
                    PriceKey::InterAzPerGb,
                    sides,
                    *assumed,
                )?;
            } else {
                bill.add(
                    &format!("peering.cross_az.{id}"),
                    &format!("VPC peering cross-AZ transfer, {what}"),
                    *gb,
                    "GB crossing",
                    PriceKey::PeeringCrossAzPerGb,
                    sides,
                    *assumed,
                )?;
            }
        }
    }
    let uses_tgw = tgw_data.is_some();
    if let Some((gb, assumed)) = tgw_data {
        bill.add(
            "tgw.data",
            "Transit Gateway data processing (request and response bytes sent into the TGW)",
            gb,
            "GB",
            PriceKey::TgwPerGb,
            Decimal::ONE,
            assumed,
        )?;
    }
    if uses_tgw {
        let vpcs: std::collections::BTreeSet<&str> =
            topo.zones.iter().map(|z| z.vpc.as_str()).collect();
        bill.add(
            "tgw.attachments",
            "Transit Gateway VPC attachment-hours",
            Decimal::from(vpcs.len()) * hours,
            "attachment-hour",
            PriceKey::TgwAttachmentHour,
            Decimal::ONE,
            false,
        )?;
        notes.push("whether inter-AZ transfer is also charged on Transit Gateway paths is not settled (aws-pricing.md §1.4); not added".into());
    }

    // Load through the option's managed components, per hour.
    let delivered_load = |protocol: Option<Protocol>| -> LbLoad {
        let mut l = LbLoad::default();
        for (edge, (load, route)) in s.traffic.iter().zip(edges) {
            if protocol.is_some_and(|p| edge.protocol != p) {
                continue;
            }
            let kept = Decimal::ONE - route.dropped;
            l.gb_per_hour += load.gb_per_hour(b) * kept;
            l.rps += load.rps.unwrap_or_default() * kept;
            l.new_connections_per_s += load.new_connections_per_s * kept;
            l.active_connections += load.active_connections * kept;
        }
        l
    };
    let per_lb = |l: LbLoad, n: Decimal| LbLoad {
        gb_per_hour: l.gb_per_hour / n,
        rps: l.rps / n,
        new_connections_per_s: l.new_connections_per_s / n,
        active_connections: l.active_connections / n,
    };
    let describe = |u: &CapacityUnitsPerHour| {
        let dims: Vec<String> = u
            .dimensions
            .iter()
            .map(|(n, v)| format!("{n} {}", v.round_dp(4)))
            .collect();
        format!(
            "{} per LB-hour = {} of [{}]",
            u.billed.round_dp(4),
            b.capacity_units.as_str(),
            dims.join(", ")
        )
    };
    let nlb = |bill: &mut Bill,
               lb: &LoadBalancerSettings,
               notes: &mut Vec<String>|
     -> Result<(), PricingError> {
        let n = Decimal::from(lb.count);
        bill.add(
            "nlb.hours",
            "NLB hours",
            n * hours,
            "NLB-hour",
            PriceKey::NlbHour,
            Decimal::ONE,
            false,
        )?;
        for (p, cap) in [
            (Protocol::Tcp, &table.capacity.nlb_tcp),
            (Protocol::Udp, &table.capacity.nlb_udp),
            (Protocol::Tls, &table.capacity.nlb_tls),
        ] {
            if !s.traffic.iter().any(|e| e.protocol == p) {
                continue;
            }
            let u = nlb_nlcu_per_hour(&per_lb(delivered_load(Some(p)), n), cap, b.capacity_units);
            notes.push(format!("NLB {} NLCU: {}", p.as_str(), describe(&u)));
            bill.add(
                &format!("nlb.nlcu.{}", p.as_str()),
                &format!("NLB capacity units ({})", p.as_str().to_uppercase()),
                u.billed * n * hours,
                "NLCU-hour",
                PriceKey::NlbNlcuHour,
                Decimal::ONE,
                false,
            )?;
        }
        Ok(())
    };
    let requests_known = edges.iter().all(|(l, _)| l.rps.is_some());

    match &option.kind {
        OptionKind::InternalAlb {
            lb,
            rules_per_request,
            mtls,
        } => {
            let n = Decimal::from(lb.count);
            bill.add(
                "alb.hours",
                "ALB hours",
                n * hours,
                "ALB-hour",
                PriceKey::AlbHour,
                Decimal::ONE,
                false,
            )?;
            let u = alb_lcu_per_hour(
                &per_lb(delivered_load(None), n),
                &table.capacity.alb_lcu,
                *rules_per_request,
                *mtls,
                b.capacity_units,
            );
            notes.push(format!("ALB LCU: {}", describe(&u)));
            bill.add(
                "alb.lcu",
                "ALB capacity units",
                u.billed * n * hours,
                "LCU-hour",
                PriceKey::AlbLcuHour,
                Decimal::ONE,
                false,
            )?;
            if !requests_known && *rules_per_request > 10 {
                notes.push("request rate unknown: rule-evaluation LCUs not counted".into());
            }
        }
        OptionKind::InternalNlb { lb } => nlb(&mut bill, lb, &mut notes)?,
        OptionKind::Route53Nlb {
            lb,
            hosted_zones,
            dns_queries_per_second,
        } => {
            nlb(&mut bill, lb, &mut notes)?;
            bill.add(
                "route53.hosted_zones",
                "Route 53 private hosted zones",
                Decimal::from(*hosted_zones),
                "zone-month",
                PriceKey::Route53HostedZoneMonth,
                Decimal::ONE,
                false,
            )?;
            let queries =
                *dns_queries_per_second * Decimal::from(3600) * hours / Decimal::from(1_000_000);
            if !queries.is_zero() {
                bill.add_priced(
                    "route53.queries",
                    "Route 53 DNS queries",
                    queries,
                    "1M queries",
                    table.get(PriceKey::Route53PerMillionQueries)?,
                    PriceKey::Route53PerMillionQueries.as_str(),
                    true,
                );
            }
        }
        OptionKind::Lattice { services } => {
            let called: std::collections::BTreeSet<&str> =
                s.traffic.iter().map(|e| e.to.as_str()).collect();
            let count = services
                .unwrap_or(called.len() as u32)
                .max(called.len() as u32);
            bill.add(
                "lattice.service_hours",
                "VPC Lattice service-hours",
                Decimal::from(count) * hours,
                "service-hour",
                PriceKey::LatticeServiceHour,
                Decimal::ONE,
                false,
            )?;
            bill.add(
                "lattice.data",
                "VPC Lattice data processed (covers inter-AZ)",
                delivered_gb,
                "GB",
                PriceKey::LatticePerGb,
                Decimal::ONE,
                false,
            )?;
            if requests_known {
                // Requests per hour per called service, summed in traffic order.
                let mut per_service: BTreeMap<&str, Decimal> = BTreeMap::new();
                for (e, (l, r)) in s.traffic.iter().zip(edges) {
                    *per_service.entry(e.to.as_str()).or_default() += l.rps.unwrap_or_default()
                        * (Decimal::ONE - r.dropped)
                        * Decimal::from(3600);
                }
                let mut billable = Decimal::ZERO;
                for rph in per_service.into_values() {
                    billable += lattice_billable_requests(
                        rph,
                        table.capacity.lattice_free_requests_per_hour,
                        hours,
                    );
                }
                bill.add(
                    "lattice.requests",
                    "VPC Lattice requests beyond 300,000 per hour per service",
                    billable / Decimal::from(1_000_000),
                    "1M requests",
                    PriceKey::LatticePerMillionRequests,
                    Decimal::ONE,
                    false,
                )?;
            } else {
                notes.push("request rate unknown (volume without bytes_per_request): Lattice request charges not counted".into());
            }
        }
        OptionKind::IstioSidecar { mesh } => {
            let [sidecar, _, _] = mesh_defaults();
            let o = mesh.overhead.clone().unwrap_or(sidecar);
            mesh_compute(
                &mut bill,
                topo,
                &o,
                "istio.sidecar",
                "Istio sidecar (client and server)",
                edges,
                &flows,
                hours,
                true,
                true,
            )?;
        }
        OptionKind::IstioAmbient { mesh, waypoint } => {
            let [_, ztunnel, wp] = mesh_defaults();
            let o = mesh.overhead.clone().unwrap_or(ztunnel);
            mesh_compute(
                &mut bill,
                topo,
                &o,
                "istio.ztunnel",
                "Istio ambient ztunnel (client and server node)",
                edges,
                &flows,
                hours,
                true,
                true,
            )?;
            if *waypoint {
                mesh_compute(
                    &mut bill,
                    topo,
                    &wp,
                    "istio.waypoint",
                    "Istio waypoint proxy",
                    edges,
                    &flows,
                    hours,
                    false,
                    true,
                )?;
            }
        }
        _ => {}
    }
    let line_items: Vec<LineItem> = bill.items.into_values().collect();
    let total = line_items.iter().map(|i| i.cost).sum();
    notes.sort();
    notes.dedup();
    let dropped_share = if offered_gb.is_zero() {
        Decimal::ZERO
    } else {
        dropped_gb / offered_gb
    };
    Ok(OptionCost {
        line_items,
        total,
        cross_az_gb,
        delivered_gb,
        offered_gb,
        dropped_share,
        notes,
    })
}

/// Prices proxy compute: `client_side` / `server_side` say where proxies sit on each path (client's
/// zone, or the zone of the path's last hop), priced at that zone's instance type.
#[allow(clippy::too_many_arguments)]
fn mesh_compute(
    bill: &mut Bill,
    topo: &Topology,
    o: &ProxyOverhead,
    id: &str,
    what: &str,
    edges: &[(&EdgeLoad, EdgeRoute)],
    flows: &[std::rc::Rc<HopFlows>],
    hours: Decimal,
    client_side: bool,
    server_side: bool,
) -> Result<(), PricingError> {
    let mut rps_by_type: BTreeMap<&str, Decimal> = BTreeMap::new();
    for ((load, _), flows) in edges.iter().zip(flows) {
        let rps = load.rps.unwrap_or_default();
        for (side, shares) in [
            (client_side, &flows.by_client_zone),
            (server_side, &flows.by_end_zone),
        ] {
            if !side {
                continue;
            }
            for (z, share) in shares.iter().enumerate() {
                if !share.is_zero() {
                    *rps_by_type.entry(&topo.zones[z].instance_type).or_default() += rps * *share;
                }
            }
        }
    }
    for (itype, rps) in rps_by_type {
        let (cpu_rate, gb_rate) = bill.table.compute_rates(itype)?;
        let (vcpu, gb) = proxy_resources(o, rps);
        let key = format!("instances.{itype}");
        bill.add_priced(
            &format!("{id}.vcpu.{itype}"),
            &format!("{what}: vCPU on {itype}"),
            vcpu * hours,
            "vCPU-hour",
            cpu_rate,
            &key,
            false,
        );
        bill.add_priced(
            &format!("{id}.memory.{itype}"),
            &format!("{what}: memory on {itype}"),
            gb * hours,
            "GB-hour",
            gb_rate,
            &key,
            false,
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn us() -> PriceTable {
        PriceTable::builtin("us-east-1").expect("table")
    }

    #[test]
    fn alb_ex1_aws_worked_example_to_the_cent() {
        // aws-pricing.md §2.3 ALB-EX1: 1 new conn/s lasting 2 min, 5 req/s, 300 KB/s, 60 rules; 720 h.
        // new 1/25 = 0.04; active 120/3000 = 0.04; bytes 300,000 x 3,600 / 1e9 = 1.08; rules (60-10) x 5 / 1000 = 0.25.
        let t = us();
        let load = LbLoad {
            gb_per_hour: dec!(1.08),
            rps: dec!(5),
            new_connections_per_s: dec!(1),
            active_connections: dec!(120),
        };
        let u = alb_lcu_per_hour(
            &load,
            &t.capacity.alb_lcu,
            60,
            false,
            CapacityUnitRule::HourlyMax,
        );
        assert_eq!(
            u.dimensions,
            vec![
                ("new_connections", dec!(0.04)),
                ("active_connections", dec!(0.04)),
                ("bytes", dec!(1.08)),
                ("rule_evaluations", dec!(0.25))
            ]
        );
        assert_eq!(u.billed, dec!(1.08));
        let lcu_hour = u.billed * t.get(PriceKey::AlbLcuHour).expect("price");
        assert_eq!(lcu_hour, dec!(0.00864)); // $0.00864/h
        assert_eq!(lcu_hour * dec!(720), dec!(6.2208)); // $6.22/month
        let total_hour = lcu_hour + t.get(PriceKey::AlbHour).expect("price");
        assert_eq!(total_hour, dec!(0.03114));
        assert_eq!((total_hour * dec!(720)).round_dp(2), dec!(22.42));
    }

    #[test]
    fn nlb_tcp1_aws_worked_example_to_the_cent() {
        // aws-pricing.md §3.3 NLB-EX-TCP1: 1 new TCP conn/s, 2 min each, 300 KB/s; 720 h.
        // new 1/800 = 0.00125; active 120/100,000 = 0.0012; bytes 1.08 -> 1.08 NLCU.
        let t = us();
        let load = LbLoad {
            gb_per_hour: dec!(1.08),
            rps: dec!(0),
            new_connections_per_s: dec!(1),
            active_connections: dec!(120),
        };
        let u = nlb_nlcu_per_hour(&load, &t.capacity.nlb_tcp, CapacityUnitRule::HourlyMax);
        assert_eq!(
            u.dimensions,
            vec![
                ("new_connections", dec!(0.00125)),
                ("active_connections", dec!(0.0012)),
                ("bytes", dec!(1.08))
            ]
        );
        let nlcu_hour = u.billed * t.get(PriceKey::NlbNlcuHour).expect("price");
        assert_eq!(nlcu_hour, dec!(0.00648));
        let total_hour = nlcu_hour + t.get(PriceKey::NlbHour).expect("price");
        assert_eq!(total_hour, dec!(0.02898));
        assert_eq!(total_hour * dec!(720), dec!(20.8656)); // $20.87/month
    }

    #[test]
    fn lattice_ex1_aws_worked_example_to_the_cent() {
        // aws-pricing.md §4.2 LATTICE-EX1: 100 services, 100 GB/month each, 200,000 req/h each, 730 h.
        let t = us();
        let hours = dec!(730);
        let service_hours = dec!(100) * hours * t.get(PriceKey::LatticeServiceHour).expect("price");
        assert_eq!(service_hours, dec!(1825.00));
        let data = dec!(100) * dec!(100) * t.get(PriceKey::LatticePerGb).expect("price");
        assert_eq!(data, dec!(250.00));
        let billable = lattice_billable_requests(
            dec!(200000),
            t.capacity.lattice_free_requests_per_hour,
            hours,
        );
        assert_eq!(billable, dec!(0));
        assert_eq!(service_hours + data, dec!(2075.00));
        // Above the free tier: 400,000 req/h -> 100,000 billable per hour x 730 h = 73 M -> $7.30.
        let over = lattice_billable_requests(
            dec!(400000),
            t.capacity.lattice_free_requests_per_hour,
            hours,
        );
        assert_eq!(
            over / dec!(1000000) * t.get(PriceKey::LatticePerMillionRequests).expect("price"),
            dec!(7.30)
        );
    }

    #[test]
    fn sidecar_at_1000_rps_costs_about_five_dollars() {
        // aws-pricing.md §5.3: one sidecar at 1,000 rps, m5.large split rates: 0.2 vCPU x 0.03335
        // + 0.06 GB x 0.003662 = $0.00689/h = $5.03/month at 730 h.
        let t = us();
        let [sidecar, _, _] = mesh_defaults();
        let (vcpu, gb) = proxy_resources(&sidecar, dec!(1000));
        assert_eq!((vcpu, gb), (dec!(0.2), dec!(0.06)));
        let (cpu_rate, gb_rate) = t.compute_rates("m5.large").expect("rates");
        let hourly = vcpu * cpu_rate + gb * gb_rate;
        assert_eq!(hourly.round_dp(5), dec!(0.00689));
        assert_eq!((hourly * dec!(730)).round_dp(2), dec!(5.03));
    }
}
