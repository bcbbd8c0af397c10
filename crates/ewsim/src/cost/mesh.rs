//! Service-mesh proxy compute: Istio sidecars (client and server), ambient ztunnels and the
//! optional waypoint proxy, priced as vCPU and memory on the nodes' instance types.
//!
//! Proxy resources grow with the request rate through them (per 1,000 requests/s, defaults in
//! `pricing/mesh-overheads.yaml`, overridable per option); the instance price is split into a
//! vCPU and a GB rate ([`crate::pricing::PriceTable::compute_rates`]).

use super::bill::Bill;
use crate::placement::Topology;
use crate::pricing::PricingError;
use crate::routing::{EdgeRoute, HopFlows};
use crate::scenario::{MeshSettings, ProxyOverhead};
use crate::traffic::EdgeLoad;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Proxy vCPU and GB for a request rate through one kind of proxy.
pub fn proxy_resources(overhead: &ProxyOverhead, proxy_rps: Decimal) -> (Decimal, Decimal) {
    let k = proxy_rps / Decimal::from(1000);
    // MB -> GB in decimal units, as the reference's own example does (60 MB = 0.06 GB).
    (
        k * overhead.vcpu_per_1000_rps,
        k * overhead.memory_mb_per_1000_rps / Decimal::from(1000),
    )
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

/// Istio sidecars: one proxy on each side of every call, at the option's overhead or the
/// default.
pub(super) fn price_sidecar(
    bill: &mut Bill,
    topo: &Topology,
    mesh: &MeshSettings,
    edges: &[(&EdgeLoad, EdgeRoute)],
    flows: &[Rc<HopFlows>],
    hours: Decimal,
) -> Result<(), PricingError> {
    let [sidecar, _, _] = mesh_defaults();
    let o = mesh.overhead.clone().unwrap_or(sidecar);
    mesh_compute(
        bill,
        topo,
        &o,
        "istio.sidecar",
        "Istio sidecar (client and server)",
        edges,
        flows,
        hours,
        true,
        true,
    )
}

/// Istio ambient: the ztunnels of the client's and the server's node, plus the waypoint proxy
/// when the option has one.
pub(super) fn price_ambient(
    bill: &mut Bill,
    topo: &Topology,
    mesh: &MeshSettings,
    waypoint: bool,
    edges: &[(&EdgeLoad, EdgeRoute)],
    flows: &[Rc<HopFlows>],
    hours: Decimal,
) -> Result<(), PricingError> {
    let [_, ztunnel, wp] = mesh_defaults();
    let o = mesh.overhead.clone().unwrap_or(ztunnel);
    mesh_compute(
        bill,
        topo,
        &o,
        "istio.ztunnel",
        "Istio ambient ztunnel (client and server node)",
        edges,
        flows,
        hours,
        true,
        true,
    )?;
    if waypoint {
        mesh_compute(
            bill,
            topo,
            &wp,
            "istio.waypoint",
            "Istio waypoint proxy",
            edges,
            flows,
            hours,
            false,
            true,
        )?;
    }
    Ok(())
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
    flows: &[Rc<HopFlows>],
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
                    // Several node groups: each instance type by its share of the zone's nodes.
                    for (itype, w) in topo.zones[z].instance_shares() {
                        *rps_by_type.entry(itype).or_default() += rps * *share * w;
                    }
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
    use crate::cost::us;
    use rust_decimal::dec;

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
