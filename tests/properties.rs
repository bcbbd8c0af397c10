//! Property tests over generated scenarios: costs grow with traffic, line items sum to totals, and
//! node- or zone-local routing never moves more bytes across zones than ClusterIP.

use ewsim::loader::parse_scenario;
use ewsim::{PriceTable, evaluate};
use proptest::prelude::*;
use rust_decimal::Decimal;

const OPTIONS: &str = "options:
  - {name: clusterip, kind: clusterip}
  - {name: headless, kind: headless}
  - {name: itp-local, kind: itp-local}
  - {name: topology-aware, kind: topology-aware}
  - {name: prefer-close, kind: prefer-close}
  - {name: alb, kind: internal-alb, rules_per_request: 25}
  - {name: alb-instance, kind: internal-alb, target_type: instance}
  - {name: nlb, kind: internal-nlb}
  - {name: nlb-xz, kind: internal-nlb, cross_zone: true, target_type: instance, external_traffic_policy: local}
  - {name: lattice, kind: lattice}
  - {name: sidecar, kind: istio-sidecar, outlier_detection: true}
  - {name: ambient, kind: istio-ambient, waypoint: true}
  - {name: mesh, kind: cilium-clustermesh}
  - {name: r53, kind: route53-nlb}
";

fn scenario(nodes: &[u32], client: &[u32], server: &[u32], rps: u32, both: bool) -> String {
    let zones: Vec<String> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| format!("  - {{name: z{i}, nodes: {{count: {n}, type: m5.large}}}}"))
        .collect();
    let per_zone = |v: &[u32]| {
        v.iter()
            .enumerate()
            .map(|(i, k)| format!("z{i}: {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "version: 1\nregion: us-east-1\nbilling: {{inter_az: {}}}\nzones:\n{}\nservices:\n  - {{name: c, replicas: {{{}}}}}\n  - {{name: s, replicas: {{{}}}}}\ntraffic:\n  - {{from: c, to: s, rps: {rps}, request_size: 2 KiB, response_size: 14 KiB, connections: {{new_per_second: 3, lifetime: 30 s}}}}\n{OPTIONS}",
        if both { "both-sides" } else { "one-side" },
        zones.join("\n"),
        per_zone(client),
        per_zone(server)
    )
}

fn eval(text: &str) -> ewsim::cost::CostReport {
    let loaded = parse_scenario(text, "generated.yaml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    evaluate(
        &loaded.scenario,
        &PriceTable::builtin("us-east-1").expect("table"),
    )
    .unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn layout() -> impl Strategy<Value = (Vec<u32>, Vec<u32>, Vec<u32>)> {
    (1usize..=4)
        .prop_flat_map(|z| {
            (
                prop::collection::vec(1u32..4, z),
                prop::collection::vec(0u32..5, z),
                prop::collection::vec(0u32..5, z),
            )
        })
        .prop_filter("a client and a server pod", |(_, c, s)| {
            c.iter().sum::<u32>() > 0 && s.iter().sum::<u32>() > 0
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn line_items_sum_exactly_to_the_total((nodes, c, s) in layout(), rps in 1u32..5000, both in any::<bool>()) {
        let r = eval(&scenario(&nodes, &c, &s, rps, both));
        for o in &r.options {
            let sum: Decimal = o.cost.line_items.iter().map(|i| i.cost).sum();
            prop_assert_eq!(sum, o.cost.total, "{}", o.name);
            for i in &o.cost.line_items {
                prop_assert_eq!(i.cost, i.quantity * i.unit_price, "{} {}", o.name, i.component);
            }
        }
    }

    #[test]
    fn cost_never_decreases_as_traffic_grows((nodes, c, s) in layout(), rps in 1u32..5000, extra in 1u32..5000) {
        let a = eval(&scenario(&nodes, &c, &s, rps, true));
        let b = eval(&scenario(&nodes, &c, &s, rps + extra, true));
        for (x, y) in a.options.iter().zip(&b.options) {
            prop_assert!(y.cost.total >= x.cost.total, "{}: {} -> {}", x.name, x.cost.total, y.cost.total);
        }
    }

    #[test]
    fn local_routing_never_crosses_more_than_clusterip((nodes, c, s) in layout(), rps in 1u32..5000) {
        let r = eval(&scenario(&nodes, &c, &s, rps, true));
        let get = |n: &str| r.options.iter().find(|o| o.name == n).map(|o| o.cost.cross_az_gb).unwrap_or_default();
        let cip = get("clusterip");
        for n in ["itp-local", "topology-aware", "prefer-close", "sidecar"] {
            prop_assert!(get(n) <= cip, "{n}: {} > clusterip {}", get(n), cip);
        }
        prop_assert_eq!(get("itp-local"), Decimal::ZERO);
        // Shares per edge: delivered paths plus dropped make exactly one.
        for o in &r.options {
            for e in &o.edges {
                let delivered: Decimal = e.route.paths().iter().map(|p| p.share).sum();
                prop_assert!((delivered + e.route.dropped - Decimal::ONE).abs() < Decimal::new(1, 20), "{}", o.name);
            }
        }
    }
}

/// Share of an edge's requests from client zone `c` that cross zones (single-cluster layouts: zone
/// slots are zones).
fn zone_cross(e: &ewsim::cost::EdgeReport, c: usize) -> Decimal {
    e.route
        .paths()
        .iter()
        .filter(|p| p.client_zone == c)
        .filter(|p| p.hops.iter().any(|h| h.from != h.to))
        .map(|p| p.share)
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// The upstream-based routing: TAR keeps its hints exactly when upstream `getAllocations`
    /// succeeds (recomputed here from node counts, all nodes m5.large so CPU ratio = node share),
    /// routes like ClusterIP when they are removed, never crosses more than ClusterIP from any
    /// client zone; PreferClose never leaves a client zone that has an endpoint.
    #[test]
    fn upstream_routing_matches_the_allocation_rule((nodes, c, s) in layout(), rps in 1u32..5000) {
        let r = eval(&scenario(&nodes, &c, &s, rps, true));
        let opt = |n: &str| r.options.iter().find(|o| o.name == n).unwrap_or_else(|| panic!("{n}"));
        let (tar, cip, pc) = (&opt("topology-aware").edges[0], &opt("clusterip").edges[0], &opt("prefer-close").edges[0]);
        let zones = nodes.len();
        let n: u32 = s.iter().sum();
        let total_nodes: u32 = nodes.iter().sum();
        let min_total: u32 = nodes
            .iter()
            .map(|&k| (f64::from(k) / f64::from(total_nodes) * f64::from(n) * (1.0 / 1.2)).ceil() as u32)
            .sum();
        let hints = tar.route.hints.as_deref().unwrap_or("");
        let expected = if zones < 2 {
            "hints removed: InsufficientNodeInfo"
        } else if (n as usize) < zones {
            "hints removed: InsufficientNumberOfEndpoints"
        } else if min_total > n {
            "hints removed: MinAllocationExceedsOverloadThreshold"
        } else {
            "hints: enabled"
        };
        prop_assert!(hints.starts_with(expected), "{hints} vs {expected}");
        if expected.starts_with("hints removed") {
            prop_assert_eq!(&tar.route.paths(), &cip.route.paths());
            prop_assert_eq!(opt("topology-aware").cost.total, opt("clusterip").cost.total);
        }
        for (z, &servers) in s.iter().enumerate() {
            // Shares are exact ratios up to Decimal's 28th digit.
            let eps = Decimal::new(1, 20);
            prop_assert!(zone_cross(tar, z) <= zone_cross(cip, z) + eps, "zone {z}: {hints}");
            if servers > 0 {
                prop_assert_eq!(zone_cross(pc, z), Decimal::ZERO, "prefer-close zone {}", z);
            }
        }
        prop_assert_eq!(cip.route.hints.as_deref(), Some("hints: none"));
        prop_assert!(pc.route.hints.as_deref().unwrap_or("").contains("PreferClose"));
    }
}
