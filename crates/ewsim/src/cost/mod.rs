//! Monthly cost of each option as `Decimal` line items (component, quantity, unit, unit price, cost).
//!
//! Capacity-unit and Lattice rules are small pure functions so that AWS's worked pricing examples can
//! be checked against them directly; [`price_option`] applies them to routed traffic.
//!
//! One private module per kind of charge, each adding line items to one bill (`bill.rs`):
//! `transfer.rs` (inter-AZ, peering and Transit Gateway transfer from the routes' hop flows),
//! `load_balancers.rs` (ALB and NLB hours and capacity units), `lattice.rs` (VPC Lattice),
//! `mesh.rs` (proxy compute) and `dns.rs` (Route 53); `evaluate.rs` prices every option of a
//! scenario.

mod bill;
pub mod by_edge;
mod dns;
mod entry_points;
mod evaluate;
mod lattice;
mod load_balancers;
mod mesh;
mod notes;
mod per_service;
mod transfer;

pub use bill::{Basis, LineItem};
pub use by_edge::EdgeCost;
pub use entry_points::EntryDropped;
pub use evaluate::{Category, CostReport, EdgeReport, OptionReport, SummaryRow, cents, evaluate};
pub use lattice::lattice_billable_requests;
pub use load_balancers::{CapacityUnitsPerHour, LbLoad, alb_lcu_per_hour, nlb_nlcu_per_hour};
pub use mesh::{mesh_defaults, proxy_resources};
pub use notes::Note;

use crate::placement::Topology;
use crate::pricing::{PriceTable, PricingError};
use crate::routing::{EdgeRoute, HopFlows};
use crate::scenario::{OptionKind, OptionSpec, Scenario};
use crate::traffic::EdgeLoad;
use rust_decimal::Decimal;
use std::rc::Rc;

/// Cost of one option over all edges.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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
    /// Per traffic edge (scenario order), its share of the volumes and of every line item
    /// ([`by_edge`]): exact totals add up to `total`, cent totals to `total` in cents.
    pub by_edge: Vec<EdgeCost>,
}

/// [`EdgeRoute::flows`] of every edge, computed once per distinct route (edges between services
/// placed alike share one).
fn shared_flows(edges: &[(&EdgeLoad, EdgeRoute)]) -> Vec<Rc<HopFlows>> {
    let mut cache = std::collections::HashMap::new();
    edges
        .iter()
        .map(|(_, r)| match r.shared_key() {
            Some(key) => cache
                .entry(key)
                .or_insert_with(|| Rc::new(r.flows()))
                .clone(),
            None => Rc::new(r.flows()),
        })
        .collect()
}

/// Prices one option over its routed edges: `edges[i]` is (load, route) of `scenario.traffic[i]`.
pub fn price_option(
    s: &Scenario,
    topo: &Topology,
    table: &PriceTable,
    option: &OptionSpec,
    edges: &[(&EdgeLoad, EdgeRoute)],
) -> Result<OptionCost, PricingError> {
    let mut bill = bill::Bill::new(table);
    let mut notes: Vec<String> = Vec::new();
    let flows = shared_flows(edges);
    let client_leg: Vec<bool> = s
        .traffic
        .iter()
        .map(|e| client_leg_charged(option.kind.for_service(&e.to)))
        .collect();
    let volumes =
        transfer::price_transfer(&mut bill, s, topo, &client_leg, edges, &flows, &mut notes)?;
    match &option.kind {
        OptionKind::PerService(routes) => {
            per_service::price_routings(&mut bill, s, topo, routes, edges, &flows, &mut notes)?
        }
        kind => price_kind(
            &mut bill,
            s,
            topo,
            kind,
            edges,
            &flows,
            volumes.delivered_gb,
            &mut notes,
        )?,
    }
    let (line_items, weights) = bill.finish();
    let total = line_items.iter().map(|i| i.cost).sum();
    let by_edge = by_edge::allocate(&by_edge::Inputs {
        items: &line_items,
        weights: &weights,
        edges,
        volumes: &volumes.per_edge,
        total,
    });
    notes.sort();
    notes.dedup();
    let dropped_share = if volumes.offered_gb.is_zero() {
        Decimal::ZERO
    } else {
        volumes.dropped_gb / volumes.offered_gb
    };
    Ok(OptionCost {
        line_items,
        total,
        cross_az_gb: volumes.cross_az_gb,
        delivered_gb: volumes.delivered_gb,
        offered_gb: volumes.offered_gb,
        dropped_share,
        notes,
        by_edge,
    })
}

/// Whether the client -> load balancer leg of calls routed by `kind` is charged inter-AZ
/// transfer (a load balancer's `client_leg_charged`; always for kinds without one).
fn client_leg_charged(kind: &OptionKind) -> bool {
    match kind {
        OptionKind::InternalAlb { lb, .. }
        | OptionKind::InternalNlb { lb }
        | OptionKind::Route53Nlb { lb, .. } => lb.client_leg_charged,
        _ => true,
    }
}

/// The charges of one kind beyond transfer (load balancers, Lattice, mesh proxies, DNS) over the
/// edges it carries: `edges[i]` and `flows[i]` belong to `s.traffic[i]`, `delivered_gb` is what
/// those edges deliver.
#[allow(clippy::too_many_arguments)] // the pricing context, passed flat as the rules take it
fn price_kind(
    bill: &mut bill::Bill,
    s: &Scenario,
    topo: &Topology,
    kind: &OptionKind,
    edges: &[(&EdgeLoad, EdgeRoute)],
    flows: &[Rc<HopFlows>],
    delivered_gb: Decimal,
    notes: &mut Vec<String>,
) -> Result<(), PricingError> {
    let hours = s.billing.hours_per_month;
    match kind {
        OptionKind::InternalAlb {
            lb,
            rules_per_request,
            mtls,
        } => load_balancers::price_alb(bill, s, edges, lb, *rules_per_request, *mtls, notes)?,
        OptionKind::InternalNlb { lb } => load_balancers::price_nlb(bill, s, edges, lb, notes)?,
        OptionKind::Route53Nlb {
            lb,
            hosted_zones,
            dns_queries_per_second,
        } => {
            load_balancers::price_nlb(bill, s, edges, lb, notes)?;
            dns::price_route53(bill, *hosted_zones, *dns_queries_per_second, hours)?;
        }
        OptionKind::Lattice { services } => {
            lattice::price_lattice(bill, s, edges, *services, delivered_gb, notes)?
        }
        OptionKind::IstioSidecar { mesh } => {
            mesh::price_sidecar(bill, topo, mesh, edges, flows, hours)?
        }
        OptionKind::IstioAmbient { mesh, waypoint } => {
            mesh::price_ambient(bill, topo, mesh, *waypoint, edges, flows, hours)?
        }
        OptionKind::PerService(routes) => {
            per_service::price_routings(bill, s, topo, routes, edges, flows, notes)?
        }
        OptionKind::ClusterIp
        | OptionKind::Headless
        | OptionKind::ItpLocal
        | OptionKind::TopologyAware
        | OptionKind::PreferClose
        | OptionKind::CiliumClusterMesh { .. } => {}
    }
    Ok(())
}

/// The built-in us-east-1 table, the region AWS's worked pricing examples are stated in (the
/// tests of each charge check them to the cent).
#[cfg(test)]
fn us() -> PriceTable {
    PriceTable::builtin("us-east-1").expect("table")
}
