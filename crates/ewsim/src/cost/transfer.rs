//! Data transfer line items from each route's hop flows: inter-AZ transfer, VPC peering
//! cross-AZ transfer and Transit Gateway data processing (with its attachment-hours).
//!
//! Which hops are charged follows AWS: ALB-to-target and Lattice hops are not (their processing
//! covers inter-AZ), the client-to-load-balancer leg is unless the option says otherwise, and
//! pod-to-pod, NLB-to-target and NodePort hops are. Transfer between VPCs is priced by the
//! scenario's `vpc_connectivity`.

use super::bill::Bill;
use crate::placement::Topology;
use crate::pricing::{PriceKey, PricingError};
use crate::routing::{EdgeRoute, HopFlows, HopKind};
use crate::scenario::{Scenario, VpcConnectivity};
use crate::traffic::EdgeLoad;
use rust_decimal::Decimal;
use std::rc::Rc;

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

/// An option's traffic over all its edges, GB per month.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Volumes {
    /// Crossing an AZ boundary, summed over hops (charged or not).
    pub(super) cross_az_gb: Decimal,
    /// Delivered.
    pub(super) delivered_gb: Decimal,
    /// Offered (delivered + dropped).
    pub(super) offered_gb: Decimal,
    /// Dropped.
    pub(super) dropped_gb: Decimal,
}

/// Charged GB per line item (and whether an assumption stands behind it), summed path by path
/// (the sums a line item would add hop by hop) before anything is billed.
#[derive(Default)]
struct Transfer {
    /// `[inter-AZ, peering cross-AZ][hop label]`.
    per_label: [[Option<(Decimal, bool)>; 4]; 2],
    /// Transit Gateway data.
    tgw_data: Option<(Decimal, bool)>,
    volumes: Volumes,
    /// Every route's notes, once each, in order.
    route_notes: std::collections::BTreeSet<String>,
}

impl Transfer {
    /// Sums the charged GB of every edge's hop flows.
    fn of(
        s: &Scenario,
        topo: &Topology,
        edges: &[(&EdgeLoad, EdgeRoute)],
        flows: &[Rc<HopFlows>],
        client_leg_charged: &[bool],
    ) -> Self {
        let mut t = Transfer::default();
        let v = &mut t.volumes;
        for (i, ((load, route), flows)) in edges.iter().zip(flows).enumerate() {
            let client_leg_charged = client_leg_charged.get(i).copied().unwrap_or(true);
            for n in &route.notes {
                if !t.route_notes.contains(n) {
                    t.route_notes.insert(n.clone());
                }
            }
            v.offered_gb += load.gb_month;
            v.dropped_gb += load.gb_month * route.dropped;
            for hop in &flows.hops {
                let gb = load.gb_month * hop.share;
                let (az, vpc) = (
                    topo.crosses_az(hop.from, hop.to),
                    topo.crosses_vpc(hop.from, hop.to),
                );
                if az {
                    v.cross_az_gb += gb;
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
                        VpcConnectivity::Peering if az => {
                            &mut t.per_label[1][transfer_label(hop.kind)]
                        }
                        VpcConnectivity::Peering => continue,
                        VpcConnectivity::TransitGateway => &mut t.tgw_data,
                    }
                } else if az {
                    &mut t.per_label[0][transfer_label(hop.kind)]
                } else {
                    continue;
                };
                let (q, a) = slot.get_or_insert((Decimal::ZERO, false));
                *q += gb;
                *a |= route.assumed;
            }
            v.delivered_gb += load.gb_month * flows.delivered;
        }
        t
    }
}

/// Prices the transfer of an option's routed edges (`flows[i]` are the hop flows of `edges[i]`)
/// and returns its traffic volumes; notes the uncharged client leg, the routes' notes and the
/// unsettled Transit Gateway question.
pub(super) fn price_transfer(
    bill: &mut Bill,
    s: &Scenario,
    topo: &Topology,
    client_leg_charged: &[bool],
    edges: &[(&EdgeLoad, EdgeRoute)],
    flows: &[Rc<HopFlows>],
    notes: &mut Vec<String>,
) -> Result<Volumes, PricingError> {
    let hours = s.billing.hours_per_month;
    let sides = s.billing.inter_az.sides();
    if client_leg_charged.contains(&false) {
        notes.push(
            "client->load balancer inter-AZ transfer not charged (client_leg_charged: false)"
                .into(),
        );
    }
    let t = Transfer::of(s, topo, edges, flows, client_leg_charged);
    notes.extend(t.route_notes);
    for (variant, per_label) in t.per_label.iter().enumerate() {
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
    let uses_tgw = t.tgw_data.is_some();
    if let Some((gb, assumed)) = t.tgw_data {
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
    Ok(t.volumes)
}
