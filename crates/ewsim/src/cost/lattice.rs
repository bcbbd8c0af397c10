//! Amazon VPC Lattice: service-hours, data processed and requests beyond the free tier of
//! 300,000 requests per hour per service (aws-pricing.md §4).
//!
//! Lattice data processing covers inter-AZ transfer, so its hops add no transfer line items.

use super::bill::{Basis, Bill};
use crate::pricing::{PriceKey, PricingError};
use crate::routing::EdgeRoute;
use crate::scenario::Scenario;
use crate::traffic::EdgeLoad;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Billable Lattice requests per month for one service: the first `free_per_hour` requests of every
/// hour are free (§4.1).
pub fn lattice_billable_requests(
    requests_per_hour: Decimal,
    free_per_hour: Decimal,
    hours: Decimal,
) -> Decimal {
    (requests_per_hour - free_per_hour).max(Decimal::ZERO) * hours
}

/// Lattice service-hours (`services`, at least the called services), the delivered GB and, when
/// every edge's request rate is known, the requests beyond the free tier per called service.
pub(super) fn price_lattice(
    bill: &mut Bill,
    s: &Scenario,
    edges: &[(&EdgeLoad, EdgeRoute)],
    services: Option<u32>,
    delivered_gb: Decimal,
    notes: &mut Vec<String>,
) -> Result<(), PricingError> {
    let hours = s.billing.hours_per_month;
    let requests_known = edges.iter().all(|(l, _)| l.rps.is_some());
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
    let kept: Vec<Decimal> = edges
        .iter()
        .map(|(_, r)| Decimal::ONE - r.dropped)
        .zip(edges.iter().map(|(l, _)| l.gb_month))
        .map(|(k, gb)| k * gb)
        .collect();
    bill.weigh("lattice.data", Basis::Usage, kept);
    if requests_known {
        // Requests per hour per called service, summed in traffic order.
        let mut per_service: BTreeMap<&str, Decimal> = BTreeMap::new();
        for (e, (l, r)) in s.traffic.iter().zip(edges) {
            *per_service.entry(e.to.as_str()).or_default() +=
                l.rps.unwrap_or_default() * (Decimal::ONE - r.dropped) * Decimal::from(3600);
        }
        let mut billable = Decimal::ZERO;
        let mut billable_of: BTreeMap<&str, Decimal> = BTreeMap::new();
        for (service, rph) in &per_service {
            let b = lattice_billable_requests(
                *rph,
                bill.table.capacity.lattice_free_requests_per_hour,
                hours,
            );
            billable += b;
            billable_of.insert(service, b);
        }
        // Each service's billable requests shared by its callers' requests.
        let weights: Vec<Decimal> = s
            .traffic
            .iter()
            .zip(edges)
            .map(|(e, (l, r))| {
                let to = e.to.as_str();
                let rph =
                    l.rps.unwrap_or_default() * (Decimal::ONE - r.dropped) * Decimal::from(3600);
                match (per_service.get(to), billable_of.get(to)) {
                    (Some(all), Some(b)) => {
                        super::by_edge::part_of(*b, rph, *all).unwrap_or_default()
                    }
                    _ => Decimal::ZERO,
                }
            })
            .collect();
        bill.add(
            "lattice.requests",
            "VPC Lattice requests beyond 300,000 per hour per service",
            billable / Decimal::from(1_000_000),
            "1M requests",
            PriceKey::LatticePerMillionRequests,
            Decimal::ONE,
            false,
        )?;
        bill.weigh("lattice.requests", Basis::Usage, weights);
    } else {
        notes.push("request rate unknown (volume without bytes_per_request): Lattice request charges not counted".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::us;
    use rust_decimal::dec;

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
}
