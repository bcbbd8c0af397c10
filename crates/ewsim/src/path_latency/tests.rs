//! Tests of the latency stage: shapes and their weights by hand, shapes not growing with edges,
//! hand-computed percentiles, per-edge figures and thread-count independence.

use super::shapes::{Rel, RelHop, RelPath, Shapes, connection_cases, proxy_rate_step};
use super::*;
use crate::routing::HopKind;

fn report_of(yaml: &str) -> (Scenario, CostReport) {
    let s = crate::loader::parse_scenario(yaml, "t.yaml")
        .map(|l| l.scenario)
        .unwrap_or_else(|e| panic!("{e}"));
    let table = crate::PriceTable::builtin(&s.region).unwrap_or_else(|e| panic!("{e}"));
    let r = crate::evaluate(&s, &table).unwrap_or_else(|e| panic!("{e}"));
    (s, r)
}

/// Three zones of one node, `n` services of 3 replicas (one per zone), `edges` edges
/// `svc{i} -> svc{i+1}` of 100 requests/s, one new connection per second each.
fn chain(n: usize, edges: usize, options: &str, latency: &str) -> String {
    let mut y = String::from(
        "version: 1\nregion: us-east-1\nzones:\n  - {name: a, nodes: {count: 1, type: m5.large}}\n  - {name: b, nodes: {count: 1, type: m5.large}}\n  - {name: c, nodes: {count: 1, type: m5.large}}\nservices:\n",
    );
    for i in 0..n {
        y.push_str(&format!("  - {{name: svc{i}, replicas: 3}}\n"));
    }
    y.push_str("traffic:\n");
    for i in 0..edges {
        y.push_str(&format!(
            "  - {{from: svc{i}, to: svc{}, rps: 100, request_size: 1 KiB, response_size: 1 KiB, connections: {{new_per_second: 1, lifetime: 60 s}}}}\n",
            i + 1
        ));
    }
    y.push_str(&format!("options:\n{options}{latency}"));
    y
}

#[test]
fn connection_cases_multiply_the_hops_probabilities() {
    let hop = |kind| RelHop {
        kind,
        rel: Rel::Same,
        crosses_vpc: false,
        new_connection: false,
    };
    let path = RelPath {
        len: 2,
        hops: [
            hop(HopKind::ClientToLb),
            hop(HopKind::AlbToTarget),
            hop(HopKind::PodToPod),
        ],
    };
    // p = 0.1 on each of two hops: 0.9 x 0.9, 0.1 x 0.9, 0.9 x 0.1, 0.1 x 0.1.
    let cases = connection_cases(path, 0.1);
    let p: Vec<f64> = cases.iter().map(|(_, p)| *p).collect();
    let want = [0.81, 0.09, 0.09, 0.01];
    assert!(
        p.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-12),
        "{p:?}"
    );
    assert!(cases[1].0.hops[0].new_connection && !cases[1].0.hops[1].new_connection);
    assert_eq!(connection_cases(path, 0.0).len(), 1);
    assert_eq!(connection_cases(path, 1.0).len(), 1);
    assert!(
        connection_cases(path, 1.0)[0].0.hops[..2]
            .iter()
            .all(|h| h.new_connection)
    );
}

#[test]
fn proxy_rates_round_to_the_half_percent_grid() {
    assert_eq!(proxy_rate_step(0.0), 0.0);
    for r in [0.013, 1.0, 33.3, 1000.0, 123_456.0] {
        let q = proxy_rate_step(r);
        assert!((q / r - 1.0).abs() <= 0.0025 + 1e-12, "{r} -> {q}");
        assert_eq!(proxy_rate_step(q), q, "grid points are fixed points");
    }
    // Rates 0.1 % apart share a grid point or sit on neighbouring ones.
    let (a, b) = (proxy_rate_step(100.0), proxy_rate_step(100.1));
    assert!(a == b || (b / a - 1.005).abs() < 1e-9);
}

#[test]
fn option_weights_follow_zones_and_connections_by_hand() {
    // 3 clients and 3 servers, one per zone: ClusterIP sends 1/3 of requests to the own
    // zone and 2/3 across. New connections: 1 per second over 100 requests per second =
    // 1 %. Four shapes: same/cross x reused/new = 1/3 x 0.99, 1/3 x 0.01, 2/3 x 0.99,
    // 2/3 x 0.01.
    let (s, r) = report_of(&chain(2, 1, "  - {name: cip, kind: clusterip}\n", ""));
    let shapes = Shapes::collect(&s, &r, &s.latency, false);
    let mut got: Vec<(Rel, bool, f64)> = shapes.options[0]
        .iter()
        .map(|(k, w)| {
            let h = shapes.keys[*k].path.hops[0];
            (h.rel, h.new_connection, *w)
        })
        .collect();
    got.sort_by(|a, b| a.2.total_cmp(&b.2));
    let want = [
        (Rel::Same, true, 1.0 / 3.0 * 0.01),
        (Rel::Cross, true, 2.0 / 3.0 * 0.01),
        (Rel::Same, false, 1.0 / 3.0 * 0.99),
        (Rel::Cross, false, 2.0 / 3.0 * 0.99),
    ];
    assert_eq!(got.len(), 4);
    for ((rel, new, w), (wr, wn, ww)) in got.iter().zip(want) {
        assert_eq!((*rel, *new), (wr, wn));
        assert!((w - ww).abs() < 1e-12, "{w} vs {ww}");
    }
}

#[test]
fn shapes_do_not_grow_with_edges() {
    let options = "  - {name: cip, kind: clusterip}\n  - {name: alb, kind: internal-alb, target_type: instance}\n  - {name: mesh, kind: istio-sidecar}\n";
    let count = |edges: usize| {
        let (s, r) = report_of(&chain(edges + 1, edges, options, ""));
        Shapes::collect(&s, &r, &s.latency, false).keys.len()
    };
    let (few, many) = (count(3), count(150));
    assert_eq!(few, many, "shapes for 3 edges {few}, for 150 edges {many}");
    // ClusterIP: same/cross x reused/new = 4; instance ALB: 3 hops (2 zone relations each)
    // with 2^3 connection cases: 64; sidecar: 4. Every edge routes alike here.
    assert_eq!(few, 4 + 64 + 4);
}

#[test]
fn constant_hops_give_hand_computed_percentiles() {
    // Same-AZ round trip 100 µs, cross-AZ 1,000 µs, everything else 0 (no DNS lookups, a
    // TCP tail of 0, connections practically never new). ClusterIP over 3 zones with one
    // pod each: 1/3 of requests take 100 µs, 2/3 take 1,000 µs: p50 = p90 = 1 ms, the
    // 30th percentile 0.1 ms, the mean 1/3 x 0.1 + 2/3 x 1 = 0.7 ms.
    let latency = "latency:\n  samples: 30000\n  dns_lookups_per_request: 0\n  requests_per_connection: 1000000000000\n  hops:\n    net.same_az: {dist: {family: constant, value: 100}}\n    net.cross_az: {dist: {family: constant, value: 1000}}\n    tail.tcp_data_loss_rto: {dist: {family: constant, value: 0}}\n";
    let yaml = chain(2, 1, "  - {name: cip, kind: clusterip}\n", latency)
        .replace("connections: {new_per_second: 1, lifetime: 60 s}", "");
    let (s, r) = report_of(&yaml);
    let lat = simulate(&s, &r, LatencyRun::of(&s)).unwrap_or_else(|e| panic!("{e}"));
    let l = lat.options[0].as_ref().unwrap_or_else(|| panic!("latency"));
    // Values are reported at their histogram counter's midpoint (3 significant digits).
    assert!((l.p50_ms - 1.0).abs() < 1e-3, "{l:?}");
    assert!((l.p90_ms - 1.0).abs() < 1e-3, "{l:?}");
    assert!((l.mean_ms - 0.7).abs() < 1e-6, "{l:?}");
    assert_eq!(lat.shapes, 4, "same/cross x reused/new");
    // 30,000 requests plus one for each new-connection shape of weight 1e-12.
    assert_eq!(l.samples, 30_002);
}

#[test]
fn per_edge_figures_only_when_asked_and_threads_do_not_matter() {
    let options = "  - {name: cip, kind: clusterip}\n  - {name: tar, kind: topology-aware}\n";
    let (s, r) = report_of(&chain(4, 3, options, "latency:\n  samples: 5000\n"));
    let run = |per_edge: bool, threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
            .install(|| {
                simulate(
                    &s,
                    &r,
                    LatencyRun {
                        samples: 5000,
                        seed: 3,
                        per_edge,
                    },
                )
            })
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let plain = run(false, 2);
    assert!(plain.edges.is_empty() && plain.edge_samples.is_none());
    let edges = run(true, 2);
    assert_eq!(edges.edges.len(), 3);
    assert_eq!(edges.edge_samples, Some(4096));
    assert_eq!(edges, run(true, 1), "bit-identical on one and two threads");
    // Every edge routes alike, so each edge's figures come from the same shapes.
    assert_eq!(edges.edges[0].options, edges.edges[2].options);
}
