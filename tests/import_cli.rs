//! `ewsim import` end to end: a cluster export and its flow logs -> a scenario file -> `ewsim
//! run`, checked against hand counts of the fixtures; and bad input -> located error, exit 2,
//! nothing written.
//!
//! Two independently written clusters:
//! - `tests/fixtures/cluster-run/`: one `kubectl get ... -o yaml` List (us-east-1), flow logs in
//!   a custom format with a header line (`pkt-srcaddr`, `pkt-dstaddr`, `flow-direction`);
//! - `tests/fixtures/cluster-unseen/`: one JSON typed list per kind (NodeList, PodList,
//!   ServiceList, EndpointSliceList; ap-northeast-2, other namespaces, a StatefulSet, an internal
//!   NLB, a Failed pod), flow logs in the default version 2 format without header.

#![allow(clippy::unwrap_used)]

use ewsim::scenario::{OptionKind, Replicas, Scenario, TrafficVolume};
use rust_decimal::Decimal;
use rust_decimal::dec;
use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(p: &str) -> String {
    root().join("tests/fixtures").join(p).display().to_string()
}

fn ewsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ewsim"))
        .args(args)
        .output()
        .unwrap()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ewsim-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    let _ = std::fs::remove_file(&p);
    p
}

/// Imports, checks exit 0, runs the written file with `ewsim run` (exit 0) and returns the
/// scenario as the loader reads it, the file's text and the import's stderr.
fn import_and_run(args: &[&str], out: &PathBuf) -> (Scenario, String, String) {
    let o = out.display().to_string();
    let mut a = vec!["import"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--window", "24h", "--out", &o]);
    let r = ewsim(&a);
    let stderr = String::from_utf8_lossy(&r.stderr).into_owned();
    assert_eq!(r.status.code(), Some(0), "{stderr}");
    let run = ewsim(&["run", &o, "--no-latency"]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stdout).contains("current"));
    let text = std::fs::read_to_string(out).unwrap();
    let loaded = ewsim::loader::parse_scenario(&text, "s.yaml").unwrap();
    (loaded.scenario, text, stderr)
}

/// A node group as (count, type, not Ready).
type Group = (u32, String, u32);

/// Per zone, its node groups.
fn zones(s: &Scenario) -> Vec<(String, Vec<Group>)> {
    s.clusters[0]
        .zones
        .iter()
        .map(|z| {
            let groups = z
                .groups()
                .map(|g| (g.count, g.instance_type.clone(), g.attributes.not_ready))
                .collect();
            (z.name.clone(), groups)
        })
        .collect()
}

/// The `current` option's routing per called service.
fn current(s: &Scenario) -> Vec<(String, &'static str, Option<&'static str>)> {
    let o = &s.options[0];
    assert_eq!(o.name, "current");
    match &o.kind {
        OptionKind::PerService(p) => p
            .services
            .iter()
            .map(|(n, r)| {
                (
                    n.clone(),
                    r.kind.as_str(),
                    r.traffic_distribution.map(|t| t.as_str()),
                )
            })
            .collect(),
        k => vec![(
            "*".into(),
            k.as_str(),
            o.traffic_distribution.map(|t| t.as_str()),
        )],
    }
}

fn replicas(s: &Scenario, name: &str) -> Vec<(String, u32)> {
    let svc = s.services.iter().find(|v| v.name == name).unwrap();
    match &svc.replicas {
        Replicas::PerZone(l) => l.clone(),
        Replicas::Spread(_) => panic!("{name}: spread"),
    }
}

fn monthly_gb(s: &Scenario, from: &str, to: &str) -> Decimal {
    let e = s
        .traffic
        .iter()
        .find(|e| e.from == from && e.to == to)
        .unwrap_or_else(|| panic!("{from} -> {to}"));
    match e.volume {
        TrafficVolume::Monthly { gb, .. } => gb,
        TrafficVolume::Rate { .. } => panic!("rate"),
    }
}

/// bytes seen in 24 h -> GB per 730 h month, 2^30 bytes per GB, 9 decimals.
fn per_month(bytes: Decimal) -> Decimal {
    (bytes * dec!(730) / dec!(24) / dec!(1073741824)).round_dp(9)
}

#[test]
fn yaml_export_and_custom_flow_logs_import_and_run() {
    let out = temp("run.yaml");
    let (s, text, stderr) = import_and_run(
        &[
            "--kubectl",
            &fixture("cluster-run/export.yaml"),
            "--flow-logs",
            &fixture("cluster-run/flows.log"),
        ],
        &out,
    );
    assert_eq!(s.region, "us-east-1");
    // Nodes: ip-10-1-1-10 (m5.large) and -1-11 (c6i.large) in 1a; -2-10, -2-11 (Ready False)
    // in 1b; -3-10 in 1c. Groups by (type, CPU), types in name order.
    assert_eq!(
        zones(&s),
        vec![
            (
                "us-east-1a".into(),
                vec![(1, "c6i.large".into(), 0), (1, "m5.large".into(), 0)]
            ),
            ("us-east-1b".into(), vec![(2, "m5.large".into(), 1)]),
            ("us-east-1c".into(), vec![(1, "m5.large".into(), 0)]),
        ]
    );
    assert_eq!(
        s.clusters[0].zones[0].nodes.allocatable_cpu,
        Some(dec!(1.93))
    );
    // frontend: pods on -1-10 (1a) and -2-10 (1b).
    assert_eq!(
        replicas(&s, "shop/frontend"),
        vec![("us-east-1a".into(), 1), ("us-east-1b".into(), 1)]
    );
    // api: -1-10, -1-11 (1a), -3-10 (1c); the pod on -2-10 is not Ready.
    assert_eq!(
        replicas(&s, "shop/api"),
        vec![("us-east-1a".into(), 2), ("us-east-1c".into(), 1)]
    );
    assert_eq!(replicas(&s, "shop/db"), vec![("us-east-1b".into(), 1)]);
    // frontend -> api, records at the server ENIs (the client-side twin on line 4 is skipped):
    // 300,000,000 + 2,700,000,000 + 100,000,000 + 900,000,000 = 4,000,000,000 bytes.
    assert_eq!(
        monthly_gb(&s, "shop/frontend", "shop/api"),
        per_month(dec!(4000000000))
    );
    assert_eq!(per_month(dec!(4000000000)), dec!(113.310913245));
    // api -> db: 50,000,000 + 150,000,000 + 25,000,000 + 25,000,000 = 250,000,000.
    assert_eq!(
        monthly_gb(&s, "shop/api", "shop/db"),
        per_month(dec!(250000000))
    );
    assert_eq!(s.traffic.len(), 2);
    // current: api is topology-mode Auto, db headless (clusterIP: None): per service.
    assert_eq!(
        current(&s),
        vec![
            ("shop/api".into(), "topology-aware", None),
            ("shop/db".into(), "headless", None)
        ]
    );
    // Sources stated in comments.
    assert!(text.contains("# zone us-east-1a: nodes labelled topology.kubernetes.io/zone"));
    assert!(text.contains("VPC Flow Logs: 4000000000 bytes"));
    // Summary: 1,000,000 bytes from 203.0.113.5 (outside), same-node traffic stated.
    assert!(stderr.contains("3 services (6 Ready pods), 5 nodes in 3 zones, 2 traffic edges"));
    assert!(
        stderr.contains("outside the VPC: 1000000 bytes"),
        "{stderr}"
    );
    assert!(stderr.contains("same node never reaches the flow logs"));
}

#[test]
fn a_cluster_exported_per_kind_with_version_2_flow_logs() {
    let out = temp("unseen.yaml");
    let mut args = Vec::new();
    let files: Vec<String> = ["nodes", "pods", "services", "endpointslices"]
        .iter()
        .map(|k| fixture(&format!("cluster-unseen/{k}.json")))
        .collect();
    for f in &files {
        args.push("--kubectl");
        args.push(f.as_str());
    }
    let flows = fixture("cluster-unseen/flows-v2.log");
    args.extend_from_slice(&["--flow-logs", &flows]);
    let (s, _text, stderr) = import_and_run(&args, &out);
    assert_eq!(s.region, "ap-northeast-2");
    // 3 nodes in 2a, 2 in 2c, all c6i.large and Ready.
    assert_eq!(
        zones(&s),
        vec![
            ("ap-northeast-2a".into(), vec![(3, "c6i.large".into(), 0)]),
            ("ap-northeast-2c".into(), vec![(2, "c6i.large".into(), 0)]),
        ]
    );
    // current: writer has no topology setting, auth trafficDistribution PreferClose.
    assert_eq!(
        current(&s),
        vec![
            ("ledger/writer".into(), "clusterip", None),
            ("payments/auth".into(), "prefer-close", Some("PreferClose"))
        ]
    );
    // gateway: 10.20.1.5, 10.20.1.6 (2a), 10.20.3.5 (2c).
    assert_eq!(
        replicas(&s, "payments/gateway"),
        vec![("ap-northeast-2a".into(), 2), ("ap-northeast-2c".into(), 1)]
    );
    assert_eq!(
        replicas(&s, "payments/auth"),
        vec![("ap-northeast-2a".into(), 1), ("ap-northeast-2c".into(), 1)]
    );
    // writer: the third pod is phase Failed.
    assert_eq!(
        replicas(&s, "ledger/writer"),
        vec![("ap-northeast-2a".into(), 1), ("ap-northeast-2c".into(), 1)]
    );
    // gateway -> auth, server-side records (lines 1, 2, 4, 5; line 3 is the client twin):
    // 120,000,000 + 480,000,000 + 80,000,000 + 320,000,000 = 1,000,000,000 bytes.
    assert_eq!(
        monthly_gb(&s, "payments/gateway", "payments/auth"),
        per_month(dec!(1000000000))
    );
    // auth -> writer: 64,000,000 + 16,000,000 = 80,000,000 bytes.
    assert_eq!(
        monthly_gb(&s, "payments/auth", "ledger/writer"),
        per_month(dec!(80000000))
    );
    // Selector-less kafka-external skipped; 5,000,000 + 12,000,000 bytes with 10.20.50.7.
    assert!(stderr.contains("skipped Service ledger/kafka-external: no selector"));
    assert!(
        stderr.contains("other VPC addresses: 17000000 bytes"),
        "{stderr}"
    );
    // Lattice has no verified price in ap-northeast-2: left out so the file runs.
    assert!(!s.options.iter().any(|o| o.name == "lattice"));
}

#[test]
fn bad_input_is_located_exits_2_and_writes_nothing() {
    let cases: Vec<(&str, Vec<String>, &str)> = vec![
        (
            "pod on an unknown node",
            vec![
                "--kubectl".into(),
                fixture("cluster/bad/pods-unknown-node.yaml"),
            ],
            "which is not in the export",
        ),
        (
            "flow-log field count",
            vec![
                "--kubectl".into(),
                fixture("cluster/export.json"),
                "--flow-logs".into(),
                fixture("cluster/bad/flows-field-count.log"),
            ],
            "flows-field-count.log:",
        ),
        (
            "Prometheus error response",
            vec![
                "--kubectl".into(),
                fixture("cluster/export.json"),
                "--prometheus".into(),
                format!("requests={}", fixture("cluster/prometheus-error.json")),
            ],
            "Prometheus error",
        ),
        (
            "metric not named",
            vec![
                "--kubectl".into(),
                fixture("cluster/export.json"),
                "--prometheus".into(),
                fixture("cluster/prometheus-error.json"),
            ],
            "--prometheus",
        ),
    ];
    for (name, mut args, expect) in cases {
        let out = temp(&format!("bad-{}.yaml", name.replace(' ', "-")));
        args.splice(0..0, ["import".to_string()]);
        args.extend([
            "--window".into(),
            "24h".into(),
            "--out".into(),
            out.display().to_string(),
        ]);
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = ewsim(&a);
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(expect), "{name}: {stderr}");
        assert!(!out.exists(), "{name}: output written");
    }
    // No window with a traffic source.
    let r = ewsim(&[
        "import",
        "--kubectl",
        &fixture("cluster-run/export.yaml"),
        "--flow-logs",
        &fixture("cluster-run/flows.log"),
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("--window"));
}

#[test]
fn explain_observed_reports_hints_per_service_and_zone() {
    // Hand count in tests/import.rs (observed_hints_compared_with_computed): shop/api's
    // computed hints are removed (minimum allocation 4 > 3 endpoints), while its slice keeps
    // one endpoint per zone, 10.1.1.112 of us-east-1a serving us-east-1b.
    let r = ewsim(&["explain", "--observed", &fixture("cluster-run/export.yaml")]);
    let out = String::from_utf8_lossy(&r.stdout);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(out.contains("shop/api: the cluster's slices have hints, ewsim computes none"));
    assert!(
        out.contains("    us-east-1b: 0 | 1 (1 in us-east-1a)"),
        "{out}"
    );
    assert!(out.contains("endpoint 10.1.1.112 (us-east-1a): computed - | observed us-east-1b"));
    assert!(
        out.contains("why this can happen: the controller keeps hints from an earlier allocation")
    );
    // payments/auth (PreferClose): each endpoint hinted for its own zone, as in its slice.
    let files: Vec<String> = ["nodes", "pods", "services", "endpointslices"]
        .iter()
        .map(|k| fixture(&format!("cluster-unseen/{k}.json")))
        .collect();
    let mut args = vec!["explain"];
    for f in &files {
        args.extend_from_slice(&["--observed", f]);
    }
    let r = ewsim(&args);
    let out = String::from_utf8_lossy(&r.stdout);
    assert!(out.contains("payments/auth: same hints"), "{out}");
    assert!(
        out.contains("    ap-northeast-2c: 1 (1 in ap-northeast-2c) | 1 (1 in ap-northeast-2c)")
    );
    // A scenario file and --observed together are refused.
    let r = ewsim(&["explain", "s.yaml", "--observed", &files[0]]);
    assert_eq!(r.status.code(), Some(2));
}

/// Prometheus with only `istio_requests_total`: a request count has no volume, so both edges of
/// the matrix fixture (web -> cart, web -> catalog) are left out and the summary says why; the
/// scenario is still written, with an empty traffic list that loads.
#[test]
fn requests_without_bytes_are_reported_not_silently_dropped() {
    let out = temp("requests-only.yaml");
    let o = out.display().to_string();
    let r = ewsim(&[
        "import",
        "--kubectl",
        &fixture("cluster/export.json"),
        "--prometheus",
        &format!(
            "requests={}",
            fixture("cluster/prometheus-requests-matrix.json")
        ),
        "--window",
        "3d",
        "--out",
        &o,
    ]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(0), "{stderr}");
    for to in ["cart", "catalog"] {
        assert!(
            stderr.contains(&format!(
                "dropped edge shop/web -> shop/{to}: Prometheus counted requests but no bytes"
            )),
            "{stderr}"
        );
    }
    assert!(stderr.contains("0 traffic edges"), "{stderr}");
    let text = std::fs::read_to_string(&out).unwrap();
    let loaded = ewsim::loader::parse_scenario(&text, "requests-only.yaml").unwrap();
    assert!(loaded.scenario.traffic.is_empty());
    assert_eq!(loaded.scenario.services.len(), 8);
}
