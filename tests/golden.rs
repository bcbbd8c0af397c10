//! Golden figures from independent sources: the reference guide's table (its own arithmetic), AWS's
//! worked pricing examples run through whole scenarios, and hand arithmetic for AWS billing.

use ewsim::cost::CostReport as Report;
use ewsim::cost::cents;
use ewsim::loader::parse_scenario;
use ewsim::{PriceTable, evaluate};
use rust_decimal::Decimal;
use rust_decimal::dec;

fn run_file(path: &str) -> Report {
    let text = std::fs::read_to_string(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR")))
        .expect("scenario file");
    run_text(&text, path)
}

fn run_text(text: &str, name: &str) -> Report {
    let loaded = parse_scenario(text, name).unwrap_or_else(|e| panic!("{e}"));
    let table = PriceTable::builtin(&loaded.scenario.region).expect("table");
    evaluate(&loaded.scenario, &table).unwrap_or_else(|e| panic!("{e}"))
}

fn cost(r: &Report, option: &str) -> Decimal {
    cents(
        r.options
            .iter()
            .find(|o| o.name == option)
            .unwrap_or_else(|| panic!("no option {option}"))
            .cost
            .total,
    )
}

#[test]
fn guide_table_reproduced_exactly() {
    // seed-tables.md §4 and §7, the guide's arithmetic (720 h, one side, bytes-only LCU):
    let r = run_file("scenarios/guide-10tb.yaml");
    // ITP Local: no cross-node traffic.
    assert_eq!(cost(&r, "itp-local"), dec!(0.00));
    // TAR: 10,240 x 0.30 x $0.01 = $30.72.
    assert_eq!(cost(&r, "topology-aware"), dec!(30.72));
    // ClusterIP: 10,240 x 2/3 x $0.01 = $68.27.
    assert_eq!(cost(&r, "clusterip"), dec!(68.27));
    // ALB: 0.0225 x 720 = 16.20; 10,240/720 GB/h x $0.008 x 720 h = 81.92; total 98.12.
    assert_eq!(cost(&r, "internal-alb"), dec!(98.12));
    // Lattice: 10,240 x 0.025 = 256; 8 x 0.025 x 720 = 144; total 400.00.
    assert_eq!(cost(&r, "lattice"), dec!(400.00));
    // NLB: 0.0225 x 720 + 10,240 x 0.006 = 16.20 + 61.44 = 77.64.
    assert_eq!(cost(&r, "internal-nlb"), dec!(77.64));
    // The TAR row is marked as resting on an assumption; the others are not.
    let assumed: Vec<&str> = r
        .options
        .iter()
        .filter(|o| o.assumed)
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(assumed, vec!["topology-aware"]);
}

#[test]
fn eks_10tb_as_aws_bills_it() {
    let r = run_file("scenarios/eks-10tb.yaml");
    // ClusterIP: 10,240 x 2/3 crossing x $0.02 (both sides) = $136.53 (aws-pricing.md XAZ-10TB-3AZ).
    assert_eq!(cost(&r, "clusterip"), dec!(136.53));
    assert_eq!(cost(&r, "headless"), dec!(136.53));
    // Balanced deployment (2 pods per zone, one per node): same-zone options and ITP Local cross nothing.
    for o in [
        "itp-local",
        "topology-aware",
        "prefer-close",
        "istio-sidecar-locality",
    ] {
        let opt = r.options.iter().find(|x| x.name == o).expect("option");
        assert_eq!(opt.cost.cross_az_gb, Decimal::ZERO, "{o}");
        assert_eq!(opt.cost.dropped_share, Decimal::ZERO, "{o}");
    }
    // Internal ALB, IP targets: 0.0225 x 730 = 16.425; bytes LCU 10,240/730 GB/h (the largest
    // dimension) x 730 h x $0.008 = 81.92; client -> ALB node 2/3 x 10,240 x $0.02 = 136.5333;
    // total 234.8783 -> $234.88.
    assert_eq!(cost(&r, "internal-alb"), dec!(234.88));
    // Instance targets add the NodePort -> pod hop: another 2/3 x 10,240 x $0.02 -> $371.41.
    assert_eq!(cost(&r, "internal-alb-instance"), dec!(371.41));
    // NLB, cross-zone off, regional DNS: 16.425 + 81.92 x 0.75 (NLCU $0.006) = 61.44 + 136.5333 -> $214.40.
    assert_eq!(cost(&r, "internal-nlb"), dec!(214.40));
    // Cross-zone on adds NLB node -> target crossings: +136.5333 -> $350.93.
    assert_eq!(cost(&r, "internal-nlb-cross-zone"), dec!(350.93));
    // Zonal DNS keeps clients on their zone's node: only 16.425 + 61.44 = $77.865 -> $77.87
    // (half away from zero).
    assert_eq!(cost(&r, "internal-nlb-zonal-dns"), dec!(77.87));
    // Lattice, 1 service: 0.025 x 730 = 18.25; 10,240 x 0.025 = 256; requests: 10,240 GiB / 16 KiB =
    // 671,088,640 per month = 919,299.51 per hour; 619,299.51 billable per hour x 730 h =
    // 452,088,640 -> x $0.10/M = 45.208864; total 319.458864 -> $319.46.
    assert_eq!(cost(&r, "lattice"), dec!(319.46));
    // Every option in the file is priced and has line items (ITP Local and same-zone ones excepted:
    // they cost nothing here).
    for o in &r.options {
        let free = ["itp-local", "topology-aware", "prefer-close"].contains(&o.name.as_str());
        assert_eq!(o.cost.line_items.is_empty(), free, "{}", o.name);
    }
}

#[test]
fn alb_worked_example_through_a_scenario() {
    // ALB-EX1 (aws-pricing.md §2.3) end to end: one zone (no transfer), 720 h, decimal GB,
    // 5 req/s x 60,000 B = 300 KB/s, 1 new conn/s lasting 120 s, 60 rules -> $22.42/month.
    let r = run_text(
        "version: 1\nregion: us-east-1\nbilling: {hours_per_month: 720, gigabyte: decimal}\n\
         zones: [{name: us-east-1a, nodes: {count: 1, type: m5.large}}]\n\
         services: [{name: c, replicas: 1}, {name: s, replicas: 1}]\n\
         traffic: [{from: c, to: s, rps: 5, request_size: 60 KB, response_size: 0, connections: {new_per_second: 1, lifetime: 2 min}}]\n\
         options: [{name: alb, kind: internal-alb, rules_per_request: 60}, {name: nlb, kind: internal-nlb}]\n",
        "alb-ex1",
    );
    assert_eq!(cost(&r, "alb"), dec!(22.42));
    // NLB-EX-TCP1 with the same traffic: $0.02898/h x 720 = $20.8656 -> $20.87.
    assert_eq!(cost(&r, "nlb"), dec!(20.87));
    let alb = &r.options[0].cost;
    let lcu = alb
        .line_items
        .iter()
        .find(|i| i.component == "alb.lcu")
        .expect("lcu item");
    assert_eq!(lcu.quantity, dec!(1.08) * dec!(720));
}

#[test]
fn itp_local_reports_drops_not_cheap_traffic() {
    // 3 zones x 2 nodes; the client runs on every node, the server only on 3 nodes (one per zone,
    // first node): half the client pods have no local endpoint, so half the requests are dropped.
    let r = run_text(
        "version: 1\nregion: us-east-1\n\
         zones: [{name: a, nodes: {count: 2, type: m5.large}}, {name: b, nodes: {count: 2, type: m5.large}}, {name: c, nodes: {count: 2, type: m5.large}}]\n\
         services: [{name: c, replicas: 6}, {name: s, replicas: 3}]\n\
         traffic: [{from: c, to: s, volume: 100 GB}]\n\
         options: [{name: local, kind: itp-local}, {name: cip, kind: clusterip}]\n",
        "itp",
    );
    let local = &r.options[0].cost;
    assert_eq!(local.dropped_share, dec!(0.5));
    assert_eq!(local.delivered_gb.round_dp(10), dec!(50));
    assert_eq!(local.cross_az_gb, Decimal::ZERO);
    // ClusterIP delivers everything: 100 GB x 2/3 crossing x $0.02 = $1.33.
    assert_eq!(cost(&r, "cip"), dec!(1.33));
}

#[test]
fn seoul_without_lattice_price_is_an_error_naming_the_key() {
    let text = "version: 1\nregion: ap-northeast-2\n\
        zones: [{name: apne2-az1, nodes: {count: 1, type: m6i.large}}]\n\
        services: [{name: a, replicas: 1}]\ntraffic: [{from: a, to: a, volume: 1 TB}]\n\
        options: [{name: l, kind: lattice}]\n";
    let loaded = parse_scenario(text, "seoul.yaml").expect("parses");
    let table = PriceTable::builtin("ap-northeast-2").expect("table");
    let err = evaluate(&loaded.scenario, &table).expect_err("no Seoul Lattice price");
    assert!(err.to_string().contains("lattice_service_hour"), "{err}");
    // With the price supplied in the scenario, it evaluates: 730 x 0.0325 + 1,024 x 0.0325 = 57.005.
    let text = text.replace("options:", "prices: {lattice_service_hour: 0.0325, lattice_per_gb: 0.0325, lattice_per_million_requests: 0.13}\noptions:");
    let r = run_text(&text, "seoul.yaml");
    assert_eq!(cost(&r, "l"), dec!(57.01));
}

#[test]
fn multi_cluster_paths_are_priced() {
    let r = run_file("scenarios/multi-cluster.yaml");
    // Every option of the shipped multi-cluster scenario evaluates; ClusterMesh without affinity
    // sends half the requests to the other cluster, which the TGW option charges per GB.
    let mesh = r
        .options
        .iter()
        .find(|o| o.name == "clustermesh")
        .expect("option");
    assert!(
        mesh.cost
            .line_items
            .iter()
            .any(|i| i.component == "tgw.data")
    );
    let local = r
        .options
        .iter()
        .find(|o| o.name == "clustermesh-local")
        .expect("option");
    assert!(
        !local
            .cost
            .line_items
            .iter()
            .any(|i| i.component.starts_with("tgw"))
    );
}

#[test]
fn tar_fallback_hints_removed_and_priced_like_clusterip() {
    let r = run_file("scenarios/tar-fallback.yaml");
    let opt = |n: &str| {
        r.options
            .iter()
            .find(|o| o.name == n)
            .unwrap_or_else(|| panic!("no option {n}"))
    };
    // Upstream getAllocations (reference §1.5): 3 zones of 2 x m5.large (2 vCPU) -> ratio 1/3 each;
    // n = 4 ready endpoints; desired 4/3, minimum ceil((4/3) / 1.2) = ceil(1.11) = 2 per zone;
    // 2 + 2 + 2 = 6 > 4 -> every hint removed.
    let tar = opt("topology-aware");
    assert_eq!(
        tar.edges[0].route.hints.as_deref(),
        Some(
            "hints removed: MinAllocationExceedsOverloadThreshold: Unable to allocate minimum \
             required endpoints to each zone without exceeding overload threshold \
             (4 endpoints, 3 zones)"
        )
    );
    // Without hints kube-proxy uses all 4 endpoints (placed 2 / 1 / 1). Client zones carry 1/3 of
    // the requests each: us-east-1a crosses 2/4, us-east-1b and us-east-1c 3/4:
    // 1/3 x (1/2 + 3/4 + 3/4) = 2/3. 3 TB = 3,072 GB; 3,072 x 2/3 = 2,048 GB cross-AZ.
    assert_eq!(tar.cost.cross_az_gb.round_dp(10), dec!(2048));
    // Both sides billed: 2,048 GB x ($0.01 + $0.01) = $40.96, the same as plain ClusterIP.
    assert_eq!(cost(&r, "topology-aware"), dec!(40.96));
    assert_eq!(cost(&r, "clusterip"), dec!(40.96));
    assert_eq!(
        opt("clusterip").edges[0].route.hints.as_deref(),
        Some("hints: none")
    );
    // PreferClose has no overload check: own-zone hints, every zone has an endpoint -> 0 GB, $0.
    let pc = opt("prefer-close");
    assert_eq!(pc.cost.cross_az_gb, Decimal::ZERO);
    assert_eq!(cost(&r, "prefer-close"), dec!(0.00));
    // ITP Local: backends on a/node-0, a/node-1, b/node-0, c/node-0; the clients on b/node-1 and
    // c/node-1 (2 of 6) are dropped: 1/3 dropped, 3,072 x 2/3 = 2,048 GB delivered, none crossing.
    let local = opt("itp-local");
    assert_eq!(local.cost.dropped_share.round_dp(10), dec!(0.3333333333));
    assert_eq!(local.cost.delivered_gb.round_dp(10), dec!(2048));
    assert_eq!(local.cost.cross_az_gb, Decimal::ZERO);
    assert_eq!(cost(&r, "itp-local"), dec!(0.00));
}

#[test]
fn balanced_tar_reports_hints_enabled() {
    // eks-10tb: 6 endpoints, 3 equal zones: minimum ceil(2 / 1.2) = 2 each, 6 <= 6 -> hints kept.
    let r = run_file("scenarios/eks-10tb.yaml");
    let tar = r
        .options
        .iter()
        .find(|o| o.name == "topology-aware")
        .expect("option");
    assert_eq!(
        tar.edges[0].route.hints.as_deref(),
        Some("hints: enabled (us-east-1a: 2, us-east-1b: 2, us-east-1c: 2)")
    );
}

#[test]
fn tar_follows_stated_node_cpu() {
    // Zone a's nodes have 8 cores, b's and c's 2: CPU ratios 16/24 = 2/3, 1/6, 1/6. n = 6 balanced
    // endpoints (2 per zone): desired a = 4 (minimum ceil(4 / 1.2) = 4), b = c = 1 (minimum 1);
    // 4 + 1 + 1 = 6 <= 6, hints kept. b and c each keep 1 own endpoint and give 1 to a, so a's
    // clients use 4 endpoints, 2 of them in other zones: 1/2 crosses; b's and c's clients stay.
    // Overall 1/3 x 1/2 = 1/6 of 600 GB = 100 GB cross-AZ.
    let r = run_text(
        "version: 1\nregion: us-east-1\n\
         zones: [{name: a, nodes: {count: 2, type: m5.large, cpu: 8}}, {name: b, nodes: {count: 2, type: m5.large, cpu: 2}}, {name: c, nodes: {count: 2, type: m5.large, cpu: 2}}]\n\
         services: [{name: c, replicas: 6}, {name: s, replicas: 6}]\n\
         traffic: [{from: c, to: s, volume: 600 GB}]\n\
         options: [{name: tar, kind: topology-aware}]\n",
        "tar-cpu",
    );
    let tar = &r.options[0];
    assert_eq!(
        tar.edges[0].route.hints.as_deref(),
        Some("hints: enabled (a: 4, b: 1, c: 1)")
    );
    assert_eq!(tar.cost.cross_az_gb.round_dp(10), dec!(100));
}

#[test]
fn guide_claim_fifty_percent_in_one_zone_keeps_hints() {
    // The guide says hints are not generated when one zone holds 50%+ of the endpoints. Upstream:
    // 6 endpoints 3/2/1 over 3 equal zones; minimum per zone ceil(2 / 1.2) = 2, total 6 <= 6, so
    // hints hold and zone a donates one endpoint to zone c.
    let r = run_file("scenarios/guide-claims.yaml");
    let tar = r
        .options
        .iter()
        .find(|o| o.name == "topology-aware")
        .expect("option");
    let hints = tar.edges[0].route.hints.clone().unwrap_or_default();
    assert!(hints.starts_with("hints: enabled"), "{hints}");
    // 6 TB = 6,144 GB; only zone c's clients (1/3) send half their requests to zone a: 1/6 crosses.
    assert_eq!(tar.cost.cross_az_gb.round_dp(10), dec!(1024));
    assert_eq!(cost(&r, "topology-aware"), dec!(20.48)); // 1,024 x $0.02
    // ClusterIP: zone a clients cross 1/2, b 2/3, c 5/6 -> 2/3 of 6,144 = 4,096 GB x $0.02.
    assert_eq!(cost(&r, "clusterip"), dec!(81.92));
}

#[test]
fn unlabeled_node_disables_tar_hints_cluster_wide() {
    // 3 zones x 2 m5.large; one node of us-east-1a has no topology.kubernetes.io/zone label.
    // SetNodes (reference §1.4): a Ready worker without zone label -> insufficient node info, ratios
    // nil -> getAllocations fails with InsufficientNodeInfo and every hint is removed.
    // Placement: both services spread 2/2/2, one pod per node (the unlabeled node runs pods too).
    // kube-proxy uses all 6 endpoints from every node: each client zone reaches 2 of 6 endpoints in
    // its own zone, so 4/6 = 2/3 of requests cross. 3 TB = 3,072 GB; 3,072 x 2/3 = 2,048 GB;
    // both sides billed: 2,048 x $0.02 = $40.96, ClusterIP's figure.
    let text = "version: 1\nregion: us-east-1\n\
         zones: [{name: us-east-1a, nodes: {count: 2, type: m5.large, unlabeled: 1}}, {name: us-east-1b, nodes: {count: 2, type: m5.large}}, {name: us-east-1c, nodes: {count: 2, type: m5.large}}]\n\
         services: [{name: frontend, replicas: 6}, {name: backend, replicas: 6}]\n\
         traffic: [{from: frontend, to: backend, volume: 3 TB}]\n\
         options: [{name: clusterip, kind: clusterip}, {name: tar, kind: topology-aware}, {name: pc, kind: prefer-close}]\n";
    let r = run_text(text, "unlabeled");
    let tar = r.options.iter().find(|o| o.name == "tar").expect("option");
    let hints = tar.edges[0].route.hints.clone().unwrap_or_default();
    assert!(
        hints.starts_with("hints removed: InsufficientNodeInfo"),
        "{hints}"
    );
    assert_eq!(tar.cost.cross_az_gb.round_dp(10), dec!(2048));
    assert_eq!(cost(&r, "tar"), dec!(40.96));
    assert_eq!(cost(&r, "clusterip"), dec!(40.96));
    // PreferClose (reference §2, derived): the endpoint on the unlabeled node gets no zone hint, so
    // kube-proxy on every node sees a ready endpoint without hint and uses all 6: $40.96 as well.
    assert_eq!(cost(&r, "pc"), dec!(40.96));
}

#[test]
fn not_ready_and_control_plane_nodes_run_no_pods_and_carry_no_cpu() {
    // Zone a: 4 nodes, 2 of them control plane (8 cores each, would tilt the CPU ratios if
    // counted); zone c: 2 nodes, both not Ready. Pods spread only over zones with a node that runs
    // pods (a, b): 6 -> 3 / 3, one or two per worker node. SetNodes ignores control-plane and
    // not-ready nodes: CPU a = 2 x 2 = 4 cores, b = 4 cores -> ratios 1/2, 1/2; n = 6: desired 3,
    // minimum ceil(3 / 1.2) = 3 each, 3 + 3 = 6 <= 6 -> hints a: 3, b: 3; nothing crosses.
    let text = "version: 1\nregion: us-east-1\n\
         zones: [{name: a, nodes: {count: 4, type: m5.large, control_plane: 2}}, {name: b, nodes: {count: 2, type: m5.large}}, {name: c, nodes: {count: 2, type: m5.large, not_ready: 2}}]\n\
         services: [{name: frontend, replicas: 6}, {name: backend, replicas: 6}]\n\
         traffic: [{from: frontend, to: backend, volume: 3 TB}]\n\
         options: [{name: clusterip, kind: clusterip}, {name: tar, kind: topology-aware}, {name: local, kind: itp-local}]\n";
    let r = run_text(text, "node-attrs");
    let tar = r.options.iter().find(|o| o.name == "tar").expect("option");
    assert_eq!(
        tar.edges[0].route.hints.as_deref(),
        Some("hints: enabled (a: 3, b: 3)")
    );
    assert_eq!(tar.cost.cross_az_gb, Decimal::ZERO);
    // ClusterIP: each client zone reaches 3 of 6 in its zone -> 1/2 of 3,072 GB = 1,536 GB
    // x $0.02 = $30.72 (zone c has neither clients nor endpoints).
    assert_eq!(cost(&r, "clusterip"), dec!(30.72));
    // ITP Local: every worker node holds frontend and backend pods (3 over 2 nodes: 2 and 1), so
    // nothing is dropped: had a control-plane node got a frontend pod, it would drop.
    let local = r
        .options
        .iter()
        .find(|o| o.name == "local")
        .expect("option");
    assert_eq!(local.cost.dropped_share, Decimal::ZERO);
}

#[test]
fn traffic_distribution_values_and_precedence() {
    // 3 zones x 2 nodes; frontend one pod per node; backend {a: 2, b: 1}: a/node-0, a/node-1,
    // b/node-0; zone c has none. 3 TB = 3,072 GB.
    let text = "version: 1\nregion: us-east-1\n\
         zones: [{name: a, nodes: {count: 2, type: m5.large}}, {name: b, nodes: {count: 2, type: m5.large}}, {name: c, nodes: {count: 2, type: m5.large}}]\n\
         services: [{name: frontend, replicas: 6}, {name: backend, replicas: {a: 2, b: 1}}]\n\
         traffic: [{from: frontend, to: backend, volume: 3 TB}]\n\
         options:\n\
         - {name: clusterip, kind: clusterip}\n\
         - {name: close, kind: prefer-close}\n\
         - {name: zone, kind: prefer-close, traffic_distribution: PreferSameZone}\n\
         - {name: node, kind: prefer-close, traffic_distribution: PreferSameNode}\n\
         - {name: tar-close, kind: topology-aware, traffic_distribution: PreferClose}\n";
    let r = run_text(text, "trafficdist");
    let opt = |n: &str| r.options.iter().find(|o| o.name == n).expect("option");
    // ClusterIP: zone a clients reach 2 of 3 in a (1/3 crosses), b 1 of 3 (2/3), c none (1):
    // 1/3 x (1/3 + 2/3 + 1) = 2/3 -> 2,048 GB x $0.02 = $40.96.
    assert_eq!(cost(&r, "clusterip"), dec!(40.96));
    // PreferSameNode (reference §4.1 / §4.4): a/node-0, a/node-1 and b/node-0 use their own
    // endpoint; b/node-1 has none on the node -> same zone (b/node-0); c's nodes have neither a
    // node nor a zone hint -> all 3 endpoints, all in other zones. Crossing: 2 of 6 clients -> 1/3
    // of 3,072 = 1,024 GB x $0.02 = $20.48. PreferClose and PreferSameZone cross the same
    // (same-node is inside the same zone), so all three cost $20.48.
    for o in ["close", "zone", "node"] {
        assert_eq!(opt(o).cost.cross_az_gb.round_dp(10), dec!(1024), "{o}");
        assert_eq!(cost(&r, o), dec!(20.48), "{o}");
    }
    assert!(
        opt("node").edges[0]
            .route
            .hints
            .as_deref()
            .unwrap_or("")
            .contains("PreferSameNode (each endpoint hinted for its own node and zone)")
    );
    assert!(
        opt("zone").edges[0]
            .route
            .hints
            .as_deref()
            .unwrap_or("")
            .contains("PreferSameZone")
    );
    // topology-aware + PreferClose: the annotation Auto wins (reference §1.2). n = 3 ready
    // endpoints, 3 equal zones: desired 1, minimum ceil(1 / 1.2) = 1 each, 3 <= 3 -> hints kept;
    // zone a has 2 endpoints (desired 1), surplus 1; zone c has 0, need 1: one zone-a endpoint
    // is re-hinted for c. Zone a's clients keep 1 endpoint in a, b's keep their own, c's clients
    // use the donated zone-a endpoint. Crossing: only c's clients (1/3) -> 1,024 GB -> $20.48.
    // The same figure as PreferClose here, but the hints state is Topology Aware Routing's.
    let tar = opt("tar-close");
    let hints = tar.edges[0].route.hints.clone().unwrap_or_default();
    assert_eq!(&*hints, "hints: enabled (a: 1, b: 1, c: 1)");
    assert_eq!(cost(&r, "tar-close"), dec!(20.48));
    assert!(
        tar.edges[0]
            .route
            .notes
            .iter()
            .any(|n| n.contains("trafficDistribution PreferClose ignored"))
    );
}

#[test]
fn tar_annotation_wins_over_prefer_close_when_hints_are_removed() {
    // tar-fallback's layout (4 backends 2/1/1 over 3 equal zones): TAR removes every hint
    // (minimum 2 per zone, 6 > 4), and the PreferClose next to the annotation is ignored, so the
    // option costs ClusterIP's $40.96 (see tar_fallback_hints_removed_and_priced_like_clusterip),
    // not PreferClose's $0.00.
    let text = "version: 1\nregion: us-east-1\n\
         zones: [{name: a, nodes: {count: 2, type: m5.large}}, {name: b, nodes: {count: 2, type: m5.large}}, {name: c, nodes: {count: 2, type: m5.large}}]\n\
         services: [{name: frontend, replicas: 6}, {name: backend, replicas: 4}]\n\
         traffic: [{from: frontend, to: backend, volume: 3 TB}]\n\
         options: [{name: tar, kind: topology-aware, traffic_distribution: PreferClose}, {name: pc, kind: prefer-close}]\n";
    let r = run_text(text, "precedence");
    assert_eq!(cost(&r, "tar"), dec!(40.96));
    assert_eq!(cost(&r, "pc"), dec!(0.00));
}

#[test]
fn colocated_backend_serves_node_local_options() {
    // 3 zones x 2 nodes. frontend {a: 2, b: 1}: a/node-0, a/node-1, b/node-0 (one each).
    // `near` (3 replicas, colocate_with frontend): the hosting nodes, zone-interleaved, are
    // a/node-0, b/node-0, a/node-1; host total 3 = replicas, so each gets 1 -> same nodes.
    // `far` (3 replicas, spread): a/node-0, b/node-0, c/node-0.
    // 9 TB = 9,216 GB per edge.
    let text = "version: 1\nregion: us-east-1\n\
         zones: [{name: a, nodes: {count: 2, type: m5.large}}, {name: b, nodes: {count: 2, type: m5.large}}, {name: c, nodes: {count: 2, type: m5.large}}]\n\
         services: [{name: frontend, replicas: {a: 2, b: 1}}, {name: near, replicas: 3, colocate_with: frontend}, {name: far, replicas: 3}]\n\
         traffic: [{from: frontend, to: near, volume: 9 TB}, {from: frontend, to: far, volume: 9 TB}]\n\
         options: [{name: local, kind: itp-local}, {name: node, kind: prefer-close, traffic_distribution: PreferSameNode}, {name: clusterip, kind: clusterip}]\n";
    let r = run_text(text, "colocate");
    let opt = |n: &str| r.options.iter().find(|o| o.name == n).expect("option");
    // ITP Local, edge to `near`: every client node has a local pod -> nothing dropped or crossing.
    let local = opt("local");
    assert_eq!(local.edges[0].route.dropped, Decimal::ZERO);
    // Edge to `far`: the client on a/node-1 (1 of 3) has none -> 1/3 dropped.
    assert_eq!(
        local.edges[1].route.dropped.round_dp(10),
        dec!(0.3333333333)
    );
    assert_eq!(cost(&r, "local"), dec!(0.00));
    // PreferSameNode: to `near` every client stays on its node (0 GB). To `far`: a/node-0 and
    // b/node-0 are node-local; a/node-1 has no local endpoint -> its zone's a/node-0: nothing
    // crosses either. $0.00.
    assert_eq!(opt("node").cost.cross_az_gb, Decimal::ZERO);
    // ClusterIP, `near` (endpoints a: 2, b: 1): a's clients (2/3) cross 1/3, b's (1/3) cross 2/3
    // -> 2/9 + 2/9 = 4/9 of 9,216 = 4,096 GB. `far` (a: 1, b: 1, c: 1): every client crosses 2/3
    // -> 6,144 GB. Total 10,240 GB x $0.02 = $204.80.
    assert_eq!(opt("clusterip").cost.cross_az_gb.round_dp(10), dec!(10240));
    assert_eq!(cost(&r, "clusterip"), dec!(204.80));
}

#[test]
fn scale_in_states_integrate_over_the_month() {
    let r = run_file("scenarios/scale-in.yaml");
    // Day (16 h): 6 backends 2/2/2 over 3 equal zones: minimum ceil(2 / 1.2) = 2 each, 6 <= 6,
    // hints hold, nothing crosses. Night (8 h): 4 backends 2/1/1: minimum ceil((4/3) / 1.2) = 2
    // each, 6 > 4 -> hints removed; all 4 endpoints: 1/3 x (1/2 + 3/4 + 3/4) = 2/3 crosses.
    // 9 TB = 9,216 GB; night = 8/24 = 1/3 -> 3,072 GB x 2/3 = 2,048 GB x $0.02 = $40.96.
    let tar = r
        .options
        .iter()
        .find(|o| o.name == "topology-aware")
        .expect("option");
    assert_eq!(tar.cost.cross_az_gb.round_dp(10), dec!(2048));
    assert_eq!(cost(&r, "topology-aware"), dec!(40.96));
    // ClusterIP: 2/3 crosses in both states (day 4 of 6 endpoints elsewhere; night 2/3 as above):
    // 9,216 x 2/3 = 6,144 GB x $0.02 = $122.88.
    assert_eq!(cost(&r, "clusterip"), dec!(122.88));
    // PreferClose: every zone has an endpoint in both states: $0.00.
    assert_eq!(cost(&r, "prefer-close"), dec!(0.00));
    // Per state: hints and GB.
    assert_eq!(r.states.len(), 2);
    let day = &r.states[0];
    let night = &r.states[1];
    assert_eq!(day.name, "day");
    let tar_day = &day.options[1].edges[0];
    let tar_night = &night.options[1].edges[0];
    assert_eq!(
        tar_day.hints.as_deref(),
        Some("hints: enabled (us-east-1a: 2, us-east-1b: 2, us-east-1c: 2)")
    );
    assert!(
        tar_night
            .hints
            .as_deref()
            .unwrap_or("")
            .starts_with("hints removed: MinAllocationExceedsOverloadThreshold"),
        "{:?}",
        tar_night.hints
    );
    assert_eq!(tar_day.cross_az_gb, Decimal::ZERO);
    assert_eq!(tar_night.cross_az_gb.round_dp(10), dec!(2048));
    // ClusterIP by day: 16/24 x 9,216 = 6,144 GB x 2/3 = 4,096 GB; at night 2,048 GB.
    assert_eq!(day.options[0].edges[0].cross_az_gb.round_dp(10), dec!(4096));
    assert_eq!(
        night.options[0].edges[0].cross_az_gb.round_dp(10),
        dec!(2048)
    );
    // The month's hints line names both states.
    let h = tar.edges[0].route.hints.clone().unwrap_or_default();
    assert!(
        h.starts_with("day: hints: enabled") && h.contains("night: hints removed"),
        "{h}"
    );
}

#[test]
fn sweep_break_even_zonal_nlb_against_clusterip_by_hand() {
    // eks-10tb over 1-100 TB. Hand arithmetic from pricing/aws/us-east-1.yaml (inter_az_gb $0.01
    // each way, nlb_hour $0.0225, nlb_nlcu_hour $0.006, TCP NLCU = 1 GB/hour), V = GB per month:
    //   clusterip: 2 of 3 backends in another zone, charged both ways: V x 2/3 x 0.01 x 2 = V/75.
    //   internal-nlb-zonal-dns: clients resolve their own zone's NLB node and cross-zone is off, so
    //   nothing crosses zones; 730 h x $0.0225 = $16.425, plus NLCU: V/730 GB per hour is the
    //   largest dimension (5 new connections/s = 0.006 NLCU, 300 active = 0.003 NLCU, against
    //   >= 1.4 GB/h above 1 TB), so V/730 x 730 x $0.006 = 0.006 V.
    //   Equal where 16.425 + 0.006 V = V/75  =>  V = 16.425 / (1/75 - 0.006) = 16.425 x 75 / 0.55
    //   = 2,239.7727... GB = 2.18728 TB, costing 2,239.7727 / 75 = $29.86 each.
    use ewsim::sweep::{Scale, SweepSpec, sweep};
    let path = format!(
        "{}/../../scenarios/eks-10tb.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("scenario");
    let loaded = parse_scenario(&text, "eks-10tb.yaml").expect("valid");
    let table = PriceTable::builtin("us-east-1").expect("table");
    let spec = SweepSpec::parse("traffic=1TB..100TB", 25, Scale::Linear, &loaded).expect("spec");
    let result = sweep(&loaded, &table, &spec, None).expect("sweep");
    let b = result
        .break_evens
        .iter()
        .find(|b| b.cheaper_above == "internal-nlb-zonal-dns" && b.cheaper_below == "clusterip")
        .expect("the zonal NLB overtakes ClusterIP");
    let hand = dec!(16.425) * dec!(75) / dec!(0.55);
    assert!((b.at - hand).abs() < dec!(0.001), "{} vs {hand}", b.at);
    assert_eq!(cents(b.cost_usd), dec!(29.86));
    // Shown as its magnitude warrants: 2.18728 TB to 2 decimals.
    assert_eq!(spec.parameter.show(b.at), "2.19 TB");
    // The $0 options (ITP Local, TAR, PreferClose keep every request in its zone here) are the
    // cheapest at every step, so the cheapest option never changes.
    assert!(result.break_evens.iter().all(|b| !b.cheapest_changes));
    assert_eq!(result.steps.len(), 25);
}

#[test]
fn traffic_range_spreads_cost_like_its_lognormal_quantiles() {
    // `volume: 8TB to 15TB` is a lognormal with 8 TB at P5 and 15 TB at P95:
    //   mu = ln(sqrt(8 x 15)) = ln(10.9545 TB); sigma = ln(15 / 8) / (2 x 1.644854) = 0.191085.
    //   P10 = 10.9545 x exp(-1.281552 x 0.191085) = 10.9545 x 0.782780 = 8.5750 TB = 8,780.8 GB
    //   P50 = 10.9545 TB = 11,217.4 GB;  P90 = 10.9545 / 0.782780 = 13.9942 TB = 14,330.1 GB.
    // ClusterIP costs V/75 (2/3 of the bytes cross zones, $0.01 each way), which is monotone, so
    // its cost quantiles are the volume quantiles / 75: $117.08, $149.56, $191.07.
    use ewsim::report::DrawConfig;
    use ewsim::uncertainty::evaluate_draws;
    let path = format!(
        "{}/../../scenarios/uncertain-traffic.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("scenario");
    let loaded = parse_scenario(&text, "uncertain-traffic.yaml").expect("valid");
    assert_eq!(loaded.uncertain.len(), 1);
    assert_eq!(loaded.uncertain[0].path, "traffic[0].volume");
    // The point report prices the median: sqrt(8,192 x 15,360) = 11,217.36 GB -> $149.56.
    assert_eq!(cost(&run_text(&text, "u.yaml"), "clusterip"), dec!(149.56));
    let table = PriceTable::builtin("us-east-1").expect("table");
    let config = DrawConfig {
        draws: 4000,
        seed: 7,
        latency_samples: None,
    };
    let u = evaluate_draws(&loaded, &table, config).expect("draws");
    let c = &u.options[0].cost_usd;
    let near = |got: Decimal, want: Decimal| (got - want).abs() / want < dec!(0.02);
    assert!(near(c.p10, dec!(117.08)), "P10 {}", c.p10);
    assert!(near(c.p50, dec!(149.56)), "P50 {}", c.p50);
    assert!(near(c.p90, dec!(191.07)), "P90 {}", c.p90);
    // Same seed, same figures; another seed, other draws.
    assert_eq!(evaluate_draws(&loaded, &table, config).expect("draws"), u);
    let other = evaluate_draws(&loaded, &table, DrawConfig { seed: 8, ..config }).expect("draws");
    assert_ne!(other.options[0].cost_usd, u.options[0].cost_usd);
}
