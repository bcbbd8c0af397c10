//! Elastic Load Balancing: ALB hours and LCUs, NLB hours and NLCUs (per protocol), and the
//! capacity-unit rules they are billed by (aws-pricing.md §2, §3).
//!
//! The rules are small pure functions over an hour's load ([`alb_lcu_per_hour`],
//! [`nlb_nlcu_per_hour`]) so that AWS's worked examples can be checked against them directly;
//! the pricing functions apply them to the delivered load of an option's routed edges.

use super::bill::{Basis, Bill};
use crate::pricing::{AlbLcu, Nlcu, PriceKey, PricingError};
use crate::routing::EdgeRoute;
use crate::scenario::{CapacityUnitRule, LoadBalancerSettings, Protocol, Scenario};
use crate::traffic::EdgeLoad;
use rust_decimal::Decimal;

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
#[non_exhaustive]
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

/// Load through the option's managed components, per hour: the delivered part of every edge's
/// load (only the edges of `protocol` when given).
fn delivered_load(
    s: &Scenario,
    edges: &[(&EdgeLoad, EdgeRoute)],
    protocol: Option<Protocol>,
) -> LbLoad {
    let mut l = LbLoad::default();
    for (edge, (load, route)) in s.traffic.iter().zip(edges) {
        if protocol.is_some_and(|p| edge.protocol != p) {
            continue;
        }
        let kept = Decimal::ONE - route.dropped;
        l.gb_per_hour += load.gb_per_hour(&s.billing) * kept;
        l.rps += load.rps.unwrap_or_default() * kept;
        l.new_connections_per_s += load.new_connections_per_s * kept;
        l.active_connections += load.active_connections * kept;
    }
    l
}

/// The dimension `u.billed` is taken from: `bytes` under `bytes-only`, else the largest (the
/// first of equals).
fn busiest(u: &CapacityUnitsPerHour, rule: CapacityUnitRule) -> &'static str {
    match rule {
        CapacityUnitRule::BytesOnly => "bytes",
        CapacityUnitRule::HourlyMax => u
            .dimensions
            .iter()
            .fold(None::<(&'static str, Decimal)>, |best, (n, v)| match best {
                Some((_, b)) if b >= *v => best,
                _ => Some((n, *v)),
            })
            .map_or("bytes", |(n, _)| n),
    }
}

/// Each edge's delivered contribution to capacity dimension `dim` (edges of another protocol
/// than `protocol` contribute nothing): how capacity units are shared among edges.
fn dimension_weights(
    s: &Scenario,
    edges: &[(&EdgeLoad, EdgeRoute)],
    protocol: Option<Protocol>,
    dim: &str,
) -> Vec<Decimal> {
    s.traffic
        .iter()
        .zip(edges)
        .map(|(edge, (load, route))| {
            if protocol.is_some_and(|p| edge.protocol != p) {
                return Decimal::ZERO;
            }
            let kept = Decimal::ONE - route.dropped;
            kept * match dim {
                "new_connections" => load.new_connections_per_s,
                "active_connections" => load.active_connections,
                "rule_evaluations" => load.rps.unwrap_or_default(),
                _ => load.gb_per_hour(&s.billing),
            }
        })
        .collect()
}

/// The load of one of `n` load balancers sharing `l`.
fn per_lb(l: LbLoad, n: Decimal) -> LbLoad {
    LbLoad {
        gb_per_hour: l.gb_per_hour / n,
        rps: l.rps / n,
        new_connections_per_s: l.new_connections_per_s / n,
        active_connections: l.active_connections / n,
    }
}

/// A note stating the billed units per hour and every dimension behind them.
fn describe(u: &CapacityUnitsPerHour, rule: CapacityUnitRule) -> String {
    let dims: Vec<String> = u
        .dimensions
        .iter()
        .map(|(n, v)| format!("{n} {}", v.round_dp(4)))
        .collect();
    format!(
        "{} per LB-hour = {} of [{}]",
        u.billed.round_dp(4),
        rule.as_str(),
        dims.join(", ")
    )
}

/// NLB hours and NLCUs of every protocol the scenario's traffic uses.
pub(super) fn price_nlb(
    bill: &mut Bill,
    s: &Scenario,
    edges: &[(&EdgeLoad, EdgeRoute)],
    lb: &LoadBalancerSettings,
    notes: &mut Vec<String>,
) -> Result<(), PricingError> {
    let b = &s.billing;
    let hours = b.hours_per_month;
    let table = bill.table;
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
        let u = nlb_nlcu_per_hour(
            &per_lb(delivered_load(s, edges, Some(p)), n),
            cap,
            b.capacity_units,
        );
        notes.push(format!(
            "NLB {} NLCU: {}",
            p.as_str(),
            describe(&u, b.capacity_units)
        ));
        let component = format!("nlb.nlcu.{}", p.as_str());
        bill.add(
            &component,
            &format!("NLB capacity units ({})", p.as_str().to_uppercase()),
            u.billed * n * hours,
            "NLCU-hour",
            PriceKey::NlbNlcuHour,
            Decimal::ONE,
            false,
        )?;
        let dim = busiest(&u, b.capacity_units);
        bill.weigh(
            &component,
            Basis::Capacity,
            dimension_weights(s, edges, Some(p), dim),
        );
    }
    Ok(())
}

/// ALB hours and LCUs (rule evaluations counted only when every edge's request rate is known).
pub(super) fn price_alb(
    bill: &mut Bill,
    s: &Scenario,
    edges: &[(&EdgeLoad, EdgeRoute)],
    lb: &LoadBalancerSettings,
    rules_per_request: u32,
    mtls: bool,
    notes: &mut Vec<String>,
) -> Result<(), PricingError> {
    let b = &s.billing;
    let hours = b.hours_per_month;
    let requests_known = edges.iter().all(|(l, _)| l.rps.is_some());
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
        &per_lb(delivered_load(s, edges, None), n),
        &bill.table.capacity.alb_lcu,
        rules_per_request,
        mtls,
        b.capacity_units,
    );
    notes.push(format!("ALB LCU: {}", describe(&u, b.capacity_units)));
    bill.add(
        "alb.lcu",
        "ALB capacity units",
        u.billed * n * hours,
        "LCU-hour",
        PriceKey::AlbLcuHour,
        Decimal::ONE,
        false,
    )?;
    let dim = busiest(&u, b.capacity_units);
    bill.weigh(
        "alb.lcu",
        Basis::Capacity,
        dimension_weights(s, edges, None, dim),
    );
    if !requests_known && rules_per_request > 10 {
        notes.push("request rate unknown: rule-evaluation LCUs not counted".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::us;
    use rust_decimal::dec;

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
}
