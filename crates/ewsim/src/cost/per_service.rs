//! The charges of a `per-service` option beyond transfer: each routing (the default and each
//! listed Service's) is priced as its own kind over the edges that call its Services, so a
//! Service behind an internal ALB pays for that ALB's hours and capacity units from its own
//! calls only, and a meshed Service's proxies run for its own calls only.

use super::bill::Bill;
use crate::placement::Topology;
use crate::pricing::PricingError;
use crate::routing::{EdgeRoute, HopFlows};
use crate::scenario::{PerServiceRouting, Scenario};
use crate::traffic::EdgeLoad;
use rust_decimal::Decimal;
use std::rc::Rc;

/// Adds every routing's kind charges to `bill`: `edges[i]` and `flows[i]` belong to
/// `s.traffic[i]`. A routing is billed when a declared Service uses it (the default: some
/// declared Service has no `by_service:` entry) or an edge calls through it, so its fixed
/// charges (load balancer hours, hosted zones) are billed even for a month without calls, as a
/// plain option's are.
pub(super) fn price_routings(
    bill: &mut Bill,
    s: &Scenario,
    topo: &Topology,
    routes: &PerServiceRouting,
    edges: &[(&EdgeLoad, EdgeRoute)],
    flows: &[Rc<HopFlows>],
    notes: &mut Vec<String>,
) -> Result<(), PricingError> {
    let by_edge: Vec<usize> = s.traffic.iter().map(|e| routes.index_of(&e.to)).collect();
    for (index, routing) in routes.all().enumerate() {
        let mine: Vec<usize> = (0..by_edge.len().min(edges.len()))
            .filter(|&i| by_edge[i] == index)
            .collect();
        let declared = s.services.iter().any(|v| routes.index_of(&v.name) == index);
        if mine.is_empty() && !declared {
            continue;
        }
        let mut sub = s.clone();
        sub.traffic = mine.iter().map(|&i| s.traffic[i].clone()).collect();
        let sub_edges: Vec<(&EdgeLoad, EdgeRoute)> = mine
            .iter()
            .map(|&i| (edges[i].0, edges[i].1.clone()))
            .collect();
        let sub_flows: Vec<Rc<HopFlows>> = mine.iter().map(|&i| flows[i].clone()).collect();
        let delivered_gb: Decimal = mine
            .iter()
            .map(|&i| edges[i].0.gb_month * flows[i].delivered)
            .sum();
        super::price_kind(
            bill,
            &sub,
            topo,
            &routing.kind,
            &sub_edges,
            &sub_flows,
            delivered_gb,
            notes,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cost::{CostReport, OptionReport};
    use rust_decimal::Decimal;
    use rust_decimal::dec;

    /// Two zones with one m5.large node each; `api` with two pods per zone (Topology Aware
    /// Routing's minimum, ceil(2 / 1.2) = 2 per zone), `web`, `db` and `cache` with one; web -> api 1,000 GB and api -> db 600 GB a month; nobody calls `cache`.
    const BASE: &str = "version: 1
region: us-east-1
zones:
  - {name: us-east-1a, nodes: {count: 1, type: m5.large}}
  - {name: us-east-1b, nodes: {count: 1, type: m5.large}}
services:
  - {name: web, replicas: {us-east-1a: 1, us-east-1b: 1}}
  - {name: api, replicas: {us-east-1a: 2, us-east-1b: 2}}
  - {name: db, replicas: {us-east-1a: 1, us-east-1b: 1}}
  - {name: cache, replicas: {us-east-1a: 1, us-east-1b: 1}}
traffic:
  - {from: web, to: api, volume: 1000 GB}
  - {from: api, to: db, volume: 600 GB}
options:
";

    fn evaluate(options: &str) -> CostReport {
        let text = format!("{BASE}{options}");
        let loaded = crate::loader::parse_scenario(&text, "t.yaml").expect("scenario");
        let table = crate::PriceTable::builtin("us-east-1").expect("table");
        crate::evaluate(&loaded.scenario, &table).expect("priced")
    }

    fn option<'a>(r: &'a CostReport, name: &str) -> &'a OptionReport {
        r.options.iter().find(|o| o.name == name).expect("option")
    }

    fn item(o: &OptionReport, component: &str) -> Option<(Decimal, Decimal)> {
        o.cost
            .line_items
            .iter()
            .find(|i| i.component == component)
            .map(|i| (i.quantity, i.cost))
    }

    #[test]
    fn one_kind_for_every_service_costs_what_that_kind_costs() {
        let r = evaluate(
            "  - {name: clusterip, kind: clusterip}
  - name: all-clusterip
    kind: per-service
    default: {kind: clusterip}
    by_service: {api: {kind: clusterip}, db: {kind: clusterip}}
",
        );
        // ClusterIP picks either of the callee's two pods at random: half of each edge's bytes
        // cross zones. (1,000 + 600) GB x 1/2 = 800 GB crossing, x $0.01 each side x 2 sides =
        // $16.00.
        for name in ["clusterip", "all-clusterip"] {
            let o = option(&r, name);
            assert_eq!(o.cost.cross_az_gb, dec!(800), "{name}");
            assert_eq!(o.cost.total, dec!(16.00), "{name}");
        }
        // Cross-check: the same line items as the plain option.
        assert_eq!(
            option(&r, "clusterip").cost.line_items,
            option(&r, "all-clusterip").cost.line_items
        );
    }

    #[test]
    fn each_edge_is_priced_by_the_kind_of_the_service_it_calls() {
        let r = evaluate(
            "  - name: mixed
    kind: per-service
    by_service:
      api: {kind: topology-aware}
      cache: {kind: internal-alb}
",
        );
        let o = option(&r, "mixed");
        // web -> api: Topology Aware Routing with two pods and equal CPU per zone: each zone's
        // hints are its own pods, 0 GB crossing.
        // api -> db: the default, ClusterIP: 600 GB x 1/2 = 300 GB crossing, x $0.02 = $6.00.
        assert_eq!(o.cost.cross_az_gb, dec!(300));
        assert_eq!(
            item(o, "inter_az.pod_to_pod"),
            Some((dec!(300), dec!(6.00)))
        );
        // cache sits behind its own internal ALB: billed its hours though nothing calls it,
        // 730 h x $0.0225 = $16.425, and no capacity units without traffic.
        assert_eq!(item(o, "alb.hours"), Some((dec!(730), dec!(16.425))));
        assert_eq!(item(o, "alb.lcu"), None);
        assert_eq!(o.cost.total, dec!(22.425));
    }
}
