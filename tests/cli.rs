//! End-to-end tests of the `ewsim` binary: shipped scenarios, every format, bad input, exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ewsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ewsim"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("runs ewsim")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch directory unique to this test.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ewsim-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write fixture");
    p.display().to_string()
}

#[test]
fn guide_csv_has_the_six_figures() {
    let o = ewsim(&["run", "scenarios/guide-10tb.yaml", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let mut rows = out.lines();
    let header: Vec<&str> = rows.next().expect("header").split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let (opt, cost) = (col("option"), col("monthly_cost_usd"));
    for c in ["cross_az_gb_month", "dropped_share"] {
        col(c);
    }
    let got: Vec<(String, String)> = rows
        .map(|r| {
            let f: Vec<&str> = r.split(',').collect();
            (f[opt].to_string(), f[cost].to_string())
        })
        .collect();
    let want = [
        ("itp-local", "0.00"),
        ("topology-aware", "30.72"),
        ("clusterip", "68.27"),
        ("internal-alb", "98.12"),
        ("lattice", "400.00"),
        ("internal-nlb", "77.64"),
    ];
    assert_eq!(
        got,
        want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec()
    );
}

#[test]
fn table_states_region_prices_and_conventions() {
    let o = ewsim(&["run", "scenarios/eks-10tb.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("region us-east-1"), "{out}");
    assert!(out.contains("as of 2026-10-01"), "{out}");
    assert!(
        out.contains("hours_per_month=730 inter_az=both-sides capacity_units=hourly-max"),
        "{out}"
    );
    let clusterip = out
        .lines()
        .find(|l| l.starts_with("clusterip "))
        .expect("clusterip row");
    assert!(clusterip.contains("136.53"), "{clusterip}");
}

#[test]
fn detail_csv_has_one_row_per_line_item_summing_to_totals() {
    let o = ewsim(&[
        "run",
        "scenarios/eks-10tb.yaml",
        "--format",
        "csv",
        "--detail",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        &header[..4],
        &["option", "kind", "component", "description"]
    );
    let cost_col = header
        .iter()
        .position(|h| h == "cost_usd")
        .expect("cost_usd");
    let alb: Vec<csv::StringRecord> = reader
        .records()
        .map(|r| r.expect("record"))
        .filter(|r| &r[0] == "internal-alb")
        .collect();
    let components: Vec<&str> = alb.iter().map(|r| &r[2]).collect();
    assert_eq!(
        components,
        vec!["alb.hours", "alb.lcu", "inter_az.client_to_lb"]
    );
    // 16.43 + 81.92 + 136.53 = 234.88 (the summary figure, each line rounded to the cent).
    let sum: f64 = alb
        .iter()
        .map(|r| r[cost_col].parse::<f64>().expect("number"))
        .sum();
    assert!((sum - 234.88).abs() < 0.011, "{sum}");
}

#[test]
fn json_has_schema_version_and_exact_values() {
    let o = ewsim(&["run", "scenarios/guide-10tb.yaml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["billing"]["inter_az"], "one-side");
    let cip = v["options"]
        .as_array()
        .and_then(|a| a.iter().find(|o| o["name"] == "clusterip"))
        .expect("clusterip");
    assert_eq!(cip["monthly_cost_usd"], 68.27);
    assert!(
        cip["monthly_cost_usd_exact"]
            .as_str()
            .expect("string")
            .starts_with("68.2666666")
    );
    assert_eq!(cip["edges"][0]["paths"].as_array().map(Vec::len), Some(9));
}

#[test]
fn markdown_and_out_file() {
    let dir = scratch("md");
    let out = dir.join("report.md");
    let o = ewsim(&[
        "run",
        "scenarios/guide-10tb.yaml",
        "--format",
        "markdown",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let md = std::fs::read_to_string(&out).expect("written");
    assert!(md.contains("| lattice | lattice | 400.00 |"), "{md}");
}

#[test]
fn pricing_override_file_changes_the_price() {
    let dir = scratch("pricing");
    let p = write(
        &dir,
        "p.yaml",
        "prices:\n  inter_az_per_gb_each_direction: {value: 0.02, source: test, as_of: \"2026-11-26\"}\n",
    );
    let o = ewsim(&[
        "run",
        "scenarios/guide-10tb.yaml",
        "--format",
        "csv",
        "--pricing",
        &p,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // ClusterIP at $0.02 one side: 10,240 x 2/3 x 0.02 = 136.53.
    assert!(
        stdout(&o)
            .lines()
            .any(|l| l.starts_with("clusterip,clusterip,136.53,")),
        "{}",
        stdout(&o)
    );
}

/// Each bad input: exit 2, one line per problem naming file:line:column, no panic.
#[test]
fn bad_input_gives_location_and_exit_2() {
    let dir = scratch("bad");
    let head =
        "version: 1\nregion: us-east-1\nzones:\n  - {name: a, nodes: {count: 1, type: m5.large}}\n";
    let cases = [
        ("malformed.yaml", "version: 1\nregion: us-east-1\nzones:\n  - {name: a, nodes: {count: 1\n".to_string(), ":4:", "unclosed"),
        ("unknown-key.yaml", "version: 1\nregion: us-east-1\nzonez: []\n".to_string(), ":3:1:", "unknown field `zonez`"),
        ("unknown-option.yaml", format!("{head}services: [{{name: x, replicas: 1}}]\ntraffic: [{{from: x, to: x, volume: 1 TB}}]\noptions:\n  - {{name: o, kind: fastest}}\n"), ":8:", "unknown option kind `fastest`"),
        ("negative.yaml", format!("{head}services: [{{name: x, replicas: 1}}]\ntraffic:\n  - {{from: x, to: x, volume: -3 TB}}\noptions: [{{name: o, kind: clusterip}}]\n"), ":7:", "negative"),
        ("non-numeric.yaml", format!("{head}services: [{{name: x, replicas: 1}}]\ntraffic:\n  - {{from: x, to: x, volume: lots}}\noptions: [{{name: o, kind: clusterip}}]\n"), ":7:", "not a number"),
        ("no-nodes.yaml", "version: 1\nregion: us-east-1\nzones:\n  - name: a\nservices: [{name: x, replicas: 1}]\ntraffic: [{from: x, to: x, volume: 1 TB}]\noptions: [{name: o, kind: clusterip}]\n".to_string(), ":4:5:", "has no nodes"),
        ("unknown-service.yaml", format!("{head}services: [{{name: x, replicas: 1}}]\ntraffic:\n  - {{from: x, to: y, volume: 1 TB}}\noptions: [{{name: o, kind: clusterip}}]\n"), ":7:", "unknown service `y`"),
        ("undeclared-zone.yaml", format!("{head}services:\n  - name: x\n    replicas: {{a: 1, b: 2}}\ntraffic: [{{from: x, to: x, volume: 1 TB}}]\noptions: [{{name: o, kind: clusterip}}]\n"), ":7:", "undeclared zone `b`"),
        ("duplicate-option.yaml", format!("{head}services: [{{name: x, replicas: 1}}]\ntraffic: [{{from: x, to: x, volume: 1 TB}}]\noptions:\n  - {{name: o, kind: clusterip}}\n  - {{name: o, kind: headless}}\n"), ":9:", "already used"),
    ];
    for (name, text, at, cause) in cases {
        let path = write(&dir, name, &text);
        let o = ewsim(&["run", &path]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(stdout(&o).is_empty(), "{name}");
        let first = err.lines().next().unwrap_or("");
        assert!(first.starts_with(&format!("{path}{at}")), "{name}: {first}");
        assert!(first.contains(cause), "{name}: {first}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
}

#[test]
fn runtime_failures_exit_1_and_keep_existing_output() {
    let o = ewsim(&["run", "does/not/exist.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read does/not/exist.yaml"));
    // An output path that cannot be written: exit 1, the scenario was fine.
    let o = ewsim(&[
        "run",
        "scenarios/guide-10tb.yaml",
        "--out",
        "/nonexistent-dir/x.csv",
    ]);
    assert_eq!(o.status.code(), Some(1));
    // Invalid input never touches an existing --out file.
    let dir = scratch("keep");
    let out = write(&dir, "keep.csv", "previous contents\n");
    let bad = write(
        &dir,
        "bad.yaml",
        "version: 1\nregion: us-east-1\nzonez: []\n",
    );
    let o = ewsim(&["run", &bad, "--out", &out]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&out).expect("still there"),
        "previous contents\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    let o = ewsim(&["run", "scenarios/guide-10tb.yaml", "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn explain_tar_fallback_names_the_upstream_reason() {
    let o = ewsim(&[
        "explain",
        "scenarios/tar-fallback.yaml",
        "--option",
        "topology-aware",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("hints removed: MinAllocationExceedsOverloadThreshold"),
        "{out}"
    );
    assert!(out.contains("(4 endpoints, 3 zones)"), "{out}");
    // Only the named option; per client zone shares and the overall cross-zone share.
    assert!(out.contains("option topology-aware"), "{out}");
    assert!(!out.contains("option clusterip"), "{out}");
    assert!(
        out.contains("-> 50.0% of requests from us-east-1a cross zones"),
        "{out}"
    );
    assert!(
        out.contains("-> 75.0% of requests from us-east-1b cross zones"),
        "{out}"
    );
    assert!(
        out.contains("all clients: 66.7% cross zones, 0.0% dropped"),
        "{out}"
    );
    assert!(out.contains("hops: pod->pod"), "{out}");
    // The JSON report carries the same hints state per edge.
    let o = ewsim(&["run", "scenarios/tar-fallback.yaml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let hints = v["options"][1]["edges"][0]["hints"]
        .as_str()
        .unwrap_or_default();
    assert!(
        hints.starts_with("hints removed: MinAllocationExceedsOverloadThreshold:"),
        "{hints}"
    );
}

#[test]
fn explain_all_options_and_drops() {
    let o = ewsim(&["explain", "scenarios/tar-fallback.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for name in ["clusterip", "topology-aware", "prefer-close", "itp-local"] {
        assert!(out.contains(&format!("option {name} ")), "{name}\n{out}");
    }
    assert!(
        out.contains("all clients: 0.0% cross zones, 33.3% dropped"),
        "{out}"
    );
}

#[test]
fn explain_unknown_option_exits_2_with_the_names() {
    let o = ewsim(&["explain", "scenarios/tar-fallback.yaml", "--option", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("nope"), "{err}");
    assert!(
        err.contains("clusterip, topology-aware, prefer-close, itp-local"),
        "{err}"
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn json_and_explain_show_replica_states() {
    // scenarios/scale-in.yaml: hints hold by day (16 h), removed at night (8 h): 2,048 GB cross.
    let o = ewsim(&["run", "scenarios/scale-in.yaml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let states = v["states"].as_array().expect("states");
    assert_eq!(states.len(), 2);
    assert_eq!(states[1]["name"], "night");
    let tar = &states[1]["options"][1];
    assert_eq!(tar["option"], "topology-aware");
    assert_eq!(tar["edges"][0]["cross_az_gb_month"], 2048.0);
    let o = ewsim(&[
        "explain",
        "scenarios/scale-in.yaml",
        "--option",
        "topology-aware",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("state day (66.7% of the month)"), "{text}");
    assert!(
        text.contains(
            "edge frontend -> backend: hints removed: MinAllocationExceedsOverloadThreshold (4 endpoints, 3 zones); 2048.00 GB cross zones"
        ),
        "{text}"
    );
    // Without states the JSON carries an empty array.
    let o = ewsim(&["run", "scenarios/guide-10tb.yaml", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["states"].as_array().map(Vec::len), Some(0));
}

fn latency_columns(out: &str) -> Vec<(String, [f64; 4])> {
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let col = |n: &str| {
        header
            .iter()
            .position(|h| h == n)
            .unwrap_or_else(|| panic!("column {n}"))
    };
    let cols = [col("p50_ms"), col("p90_ms"), col("p99_ms"), col("p999_ms")];
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            (
                r[0].to_string(),
                cols.map(|c| r[c].parse::<f64>().expect("number")),
            )
        })
        .collect()
}

#[test]
fn latency_is_reproducible_for_any_thread_count_and_ordered() {
    let run = |threads: &str, seed: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_ewsim"))
            .args([
                "run",
                "scenarios/eks-10tb.yaml",
                "--format",
                "csv",
                "--samples",
                "131072",
                "--seed",
                seed,
            ])
            .env("RAYON_NUM_THREADS", threads)
            .current_dir(root())
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    let one = run("1", "7");
    assert_eq!(one, run("2", "7"), "same seed, 1 vs 2 threads");
    let rows = latency_columns(&one);
    assert_eq!(rows.len(), 17);
    for (name, [p50, p90, p99, p999]) in &rows {
        assert!(
            0.0 < *p50 && p50 <= p90 && p90 <= p99 && p99 <= p999,
            "{name}: {p50} {p90} {p99} {p999}"
        );
    }
    let get = |n: &str| {
        rows.iter()
            .find(|(o, _)| o == n)
            .map(|(_, p)| *p)
            .expect("option")
    };
    // Same-zone routing removes the cross-AZ round trip: never slower than ClusterIP at any
    // percentile (common random numbers make this hold sample by sample).
    for q in 0..4 {
        assert!(get("topology-aware")[q] <= get("clusterip")[q]);
        assert!(
            get("internal-alb")[q] >= get("clusterip")[q],
            "an ALB adds a hop and processing"
        );
    }
    // The JSON carries the seed, the sample count and the generator.
    let o = ewsim(&[
        "run",
        "scenarios/guide-10tb.yaml",
        "--format",
        "json",
        "--samples",
        "65536",
        "--seed",
        "3",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["latency"]["seed"], 3);
    assert_eq!(v["latency"]["samples"], 65536);
    assert!(
        v["latency"]["rng"]
            .as_str()
            .unwrap_or("")
            .contains("Xoshiro256PlusPlus")
    );
}

#[test]
fn another_seed_moves_p99_within_its_interval() {
    let json = |seed: &str| {
        let o = ewsim(&[
            "run",
            "scenarios/guide-10tb.yaml",
            "--format",
            "json",
            "--samples",
            "1048576",
            "--seed",
            seed,
        ]);
        serde_json::from_str::<serde_json::Value>(&stdout(&o)).expect("json")
    };
    let (a, b) = (json("1"), json("2"));
    for (x, y) in a["options"]
        .as_array()
        .expect("options")
        .iter()
        .zip(b["options"].as_array().expect("options"))
    {
        let p99 = y["latency"]["p99_ms"].as_f64().expect("p99");
        let ci = &x["latency"]["p99_ci_ms"];
        let (lo, hi) = (ci[0].as_f64().expect("lo"), ci[1].as_f64().expect("hi"));
        // Two independent estimates: allow twice the reported half-width around the first.
        let half = (hi - lo) / 2.0;
        let mid = (hi + lo) / 2.0;
        assert!(
            (p99 - mid).abs() <= 2.0 * half + 1e-9,
            "{}: {p99} vs [{lo}, {hi}]",
            x["name"]
        );
    }
}

#[test]
fn call_graph_end_to_end_percentiles() {
    let o = ewsim(&[
        "run",
        "scenarios/online-boutique.yaml",
        "--format",
        "json",
        "--samples",
        "65536",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let eps = v["latency"]["entry_points"]
        .as_array()
        .expect("entry points");
    let names: Vec<&str> = eps
        .iter()
        .map(|e| e["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, vec!["home", "product", "checkout"]);
    let p = |ep: usize, opt: &str, q: &str| {
        eps[ep]["options"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["option"] == opt))
            .map(|x| x[q].as_f64().expect("number"))
            .expect("option")
    };
    for q in ["p50_ms", "p90_ms", "p99_ms", "p999_ms"] {
        for ep in 0..3 {
            // Same-zone routing removes cross-AZ round trips; sidecars add two proxies per call.
            assert!(
                p(ep, "topology-aware", q) <= p(ep, "clusterip", q),
                "{ep} {q}"
            );
            assert!(
                p(ep, "istio-sidecar", q) >= p(ep, "clusterip", q),
                "{ep} {q}"
            );
        }
        // The home page makes 14 sequential calls, a product page 6: more calls, higher latency.
        assert!(p(0, "clusterip", q) > p(1, "clusterip", q), "{q}");
    }
}

#[test]
fn call_graph_errors_are_located() {
    let dir = scratch("callgraph");
    let text = "version: 1\nregion: us-east-1\nzones:\n  - {name: a, nodes: {count: 1, type: m5.large}}\n\
        services: [{name: x, replicas: 1}, {name: y, replicas: 1}]\n\
        traffic: [{from: x, to: y, rps: 1, request_size: 1 KiB, response_size: 1 KiB}]\n\
        options: [{name: o, kind: clusterip}]\ncall_graph:\n  entry_points:\n    - name: e\n      service: x\n      stages:\n        - [{to: y}]\n  services:\n    - service: y\n      stages:\n        - [{to: x}]\n    - service: x\n      stages:\n        - [{to: y}]\n";
    let path = write(&dir, "cycle.yaml", text);
    let o = ewsim(&["run", &path]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(
            ":17:12: error: call_graph.services[0].stages[0][0]: call y -> x has no traffic edge"
        ),
        "{err}"
    );
    assert!(err.contains("calls form a cycle: y -> x -> y"), "{err}");
}

#[test]
fn hop_catalogue_entries_can_be_overridden_from_the_scenario() {
    let dir = scratch("hops");
    let base = std::fs::read_to_string(root().join("scenarios/guide-10tb.yaml")).expect("scenario");
    let slow = base.replace(
        "options:",
        "latency:\n  hops:\n    net.cross_az: {dist: {family: lognormal_quantiles, p50: 5000, p99: 9000}, source: test, as_of: \"2026-11-26\"}\noptions:",
    );
    let path = write(&dir, "slow.yaml", &slow);
    let get = |file: &str| {
        let o = ewsim(&["run", file, "--format", "csv", "--samples", "65536"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        latency_columns(&stdout(&o))
    };
    let (before, after) = (get("scenarios/guide-10tb.yaml"), get(&path));
    let p50 = |rows: &[(String, [f64; 4])], n: &str| {
        rows.iter()
            .find(|(o, _)| o == n)
            .map(|(_, p)| p[0])
            .expect("option")
    };
    // ClusterIP crosses zones for 2/3 of requests: its median moves to the slow cross-AZ hop (5 ms
    // median); ITP Local never crosses and is unchanged (common random numbers: identical).
    assert!(p50(&before, "clusterip") < 1.5 && p50(&after, "clusterip") > 4.0);
    assert_eq!(p50(&before, "itp-local"), p50(&after, "itp-local"));
    let bad = write(
        &dir,
        "bad.yaml",
        &base.replace(
            "options:",
            "latency:\n  hops:\n    net.nope: {dist: {family: constant, value: 1}}\noptions:",
        ),
    );
    let o = ewsim(&["run", &bad]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown hop 'net.nope'"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn recommend_unknown_capability_exits_2_with_the_names() {
    let o = ewsim(&[
        "recommend",
        "scenarios/eks-10tb.yaml",
        "--require",
        "mtls,l8-routing",
        "--no-latency",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("unknown capability `l8-routing`"), "{err}");
    // Every capability the issue names is offered in the hint.
    for name in [
        "l4",
        "l7-routing",
        "mtls",
        "iam-auth",
        "waf",
        "static-ip",
        "multi-cluster",
        "multi-account",
        "no-extra-component",
        "statefulset-addressing",
        "zone-local",
        "observability",
    ] {
        assert!(
            err.contains(&format!("{name}: ")),
            "{name} missing from {err}"
        );
    }
    assert!(stdout(&o).is_empty());
}

#[test]
fn recommend_example_json_names_the_winner_and_exclusions() {
    // Guide row 7: only VPC Lattice shares across accounts with IAM auth (capabilities/options.yaml).
    let o = ewsim(&[
        "recommend",
        "scenarios/multi-cluster.yaml",
        "--example",
        "multi-account",
        "--format",
        "json",
        "--no-latency",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["recommended"], "lattice");
    assert_eq!(v["example"]["row"], 7);
    let excluded = v["excluded"].as_array().expect("excluded");
    assert_eq!(excluded.len(), 4);
    assert!(
        excluded.iter().all(|x| x["missing"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["capability"] == "iam-auth"
                && m["source"]["url"].as_str().is_some_and(|u| !u.is_empty()))))
    );
    let bad = ewsim(&["recommend", "scenarios/eks-10tb.yaml", "--example", "nope"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("dr-low-traffic"), "{}", stderr(&bad));
}

#[test]
fn sweep_csv_is_tidy_and_names_the_break_even() {
    let o = ewsim(&[
        "sweep",
        "scenarios/eks-10tb.yaml",
        "--set",
        "traffic=1TB..3TB",
        "--steps",
        "3",
        "--no-latency",
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        header[..6],
        [
            "parameter",
            "value",
            "unit",
            "option",
            "kind",
            "monthly_cost_usd"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    // 3 steps x 17 options, one row each.
    assert_eq!(rows.len(), 3 * 17);
    // At 2 TB, ClusterIP costs 2,048 x 2/3 x $0.01 x 2 = $27.31.
    let at_2tb = rows
        .iter()
        .find(|r| &r[1] == "2" && &r[3] == "clusterip")
        .expect("clusterip at 2 TB");
    assert_eq!((&at_2tb[2], &at_2tb[5]), ("TB", "27.31"));
    // The table names the zonal NLB / ClusterIP break-even (16.425 x 75 / 0.55 GB = 2.1873 TB).
    let o = ewsim(&[
        "sweep",
        "scenarios/eks-10tb.yaml",
        "--set",
        "traffic=1TB..3TB",
        "--steps",
        "3",
        "--no-latency",
    ]);
    assert!(
        stdout(&o).contains(
            "internal-nlb-zonal-dns becomes cheaper than clusterip above 2.1873 TB ($29.86/month each)"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn sweep_bad_set_exits_2_naming_the_settable_values() {
    let o = ewsim(&[
        "sweep",
        "scenarios/eks-10tb.yaml",
        "--set",
        "services[db].replicas=1..3",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no entry `db` in `services` (known: frontend, backend)"),
        "{}",
        stderr(&o)
    );
    let o = ewsim(&["sweep", "scenarios/eks-10tb.yaml", "--set", "zones=1..3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("traffic[0].bytes_per_request"),
        "{}",
        stderr(&o)
    );
    let o = ewsim(&["sweep", "scenarios/eks-10tb.yaml", "--set", "traffic=1TB"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("expected FROM..TO"), "{}", stderr(&o));
}

#[test]
fn ranges_report_p10_p50_p90_identically_for_any_thread_count() {
    let run = |threads: &str| {
        Command::new(env!("CARGO_BIN_EXE_ewsim"))
            .args(["run", "scenarios/uncertain-traffic.yaml", "--format", "csv"])
            .args(["--samples", "20000", "--draws", "40"])
            .env("RAYON_NUM_THREADS", threads)
            .current_dir(root())
            .output()
            .expect("runs ewsim")
    };
    let (one, two) = (run("1"), run("2"));
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    assert_eq!(stdout(&one), stdout(&two));
    let out = stdout(&one);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let h = r.headers().expect("header").clone();
    let col = |n: &str| h.iter().position(|x| x == n).expect(n);
    let row = r.records().next().expect("clusterip").expect("row");
    let v = |n: &str| row[col(n)].parse::<f64>().expect(n);
    // The point figure is the median volume's cost: sqrt(8,192 x 15,360) GB / 75 = $149.56.
    assert_eq!(v("monthly_cost_usd"), 149.56);
    assert!(v("cost_p10_usd") < v("cost_p50_usd") && v("cost_p50_usd") < v("cost_p90_usd"));
    // All draws lie inside the 1%..99% band of the lognormal: 7.06 TB to 17.0 TB -> $96 to $232.
    assert!(v("cost_p10_usd") > 96.0 && v("cost_p90_usd") < 232.0);
    assert!(v("p99_ms_p10") <= v("p99_ms_p90"));
    assert_eq!(&row[col("uncertainty_draws")], "40");
    // A scenario without ranges leaves the range columns empty.
    let o = ewsim(&[
        "run",
        "scenarios/guide-10tb.yaml",
        "--format",
        "csv",
        "--no-latency",
    ]);
    let out = stdout(&o);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let h = r.headers().expect("header").clone();
    let i = h.iter().position(|x| x == "cost_p10_usd").expect("column");
    assert!(r.records().all(|x| x.expect("row")[i].is_empty()));
}

#[test]
fn a_bad_range_is_located() {
    let dir = scratch("range");
    let text = std::fs::read_to_string(root().join("scenarios/uncertain-traffic.yaml"))
        .expect("scenario")
        .replace("8TB to 15TB", "15TB to 8TB");
    let f = write(&dir, "bad.yaml", &text);
    let o = ewsim(&["run", &f, "--no-latency"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("bad.yaml:18:"), "{e}");
    assert!(e.contains("the low end is above the high end"), "{e}");
    // Draws only matter with ranges: zero is refused there and ignored elsewhere.
    let o = ewsim(&[
        "run",
        "scenarios/uncertain-traffic.yaml",
        "--draws",
        "0",
        "--no-latency",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("error: --draws: must be at least 1"),
        "{}",
        stderr(&o)
    );
    let o = ewsim(&[
        "run",
        "scenarios/guide-10tb.yaml",
        "--draws",
        "0",
        "--no-latency",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

// ---- calc, diff, budget gates, exit codes 0 / 1 / 2 / 3 ----

const CALC: &[&str] = &[
    "calc",
    "--traffic",
    "10TB",
    "--zones",
    "3",
    "--request-size",
    "16KiB",
    "--options",
    "clusterip,topology-aware,internal-alb,lattice",
];

fn with<'a>(base: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    base.iter().chain(more).copied().collect()
}

/// The CSV rows as (option, monthly_cost_usd).
fn costs(csv_text: &str) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let h = r.headers().expect("header").clone();
    let c = h
        .iter()
        .position(|x| x == "monthly_cost_usd")
        .expect("cost column");
    r.records()
        .map(|x| x.expect("record"))
        .map(|x| (x[0].to_string(), x[c].to_string()))
        .collect()
}

#[test]
fn calc_equals_run_on_the_printed_scenario() {
    let dir = scratch("calc");
    let o = ewsim(&with(CALC, &["--print-scenario"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let yaml = stdout(&o);
    assert!(yaml.contains("\nversion: 1 "), "{yaml}");
    let file = write(&dir, "calc.yaml", &yaml);
    let args = ["--format", "csv", "--samples", "20000"];
    let calc = ewsim(&with(CALC, &args));
    let run = ewsim(&with(&["run", &file], &args));
    assert_eq!(calc.status.code(), Some(0), "{}", stderr(&calc));
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(stdout(&calc), stdout(&run));
    // By hand: 10 TB = 10,240 GB; ClusterIP over 3 balanced zones sends 2/3 across, charged at
    // $0.01/GB on both sides: 10,240 x 2/3 x 0.01 x 2 = 136.53. Topology Aware Routing keeps
    // every byte in zone. The ALB adds 730 h x $0.0225 = 16.425 and 10,240 GB / 730 h = 14.03
    // LCU x $0.008 x 730 = 81.92 to the client -> ALB crossing 136.53: 234.88.
    let got = costs(&stdout(&calc));
    assert_eq!(got[0], ("clusterip".into(), "136.53".into()));
    assert_eq!(got[1], ("topology-aware".into(), "0.00".into()));
    assert_eq!(got[2], ("internal-alb".into(), "234.88".into()));
    assert_eq!(got.len(), 4);
}

#[test]
fn calc_bad_flags_exit_2_naming_the_flag() {
    let o = ewsim(&[
        "calc",
        "--traffic",
        "10TB",
        "--options",
        "clusterip,fastest",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("error: --options: unknown option kind `fastest`"),
        "{err}"
    );
    assert!(
        err.contains("known kinds: clusterip, headless, itp-local"),
        "{err}"
    );
    assert!(stdout(&o).is_empty());
    let o = ewsim(&["calc", "--traffic", "ten", "--zones", "0"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("--traffic: `ten` is not a number"), "{err}");
    assert!(err.contains("--zones: 0 zones"), "{err}");
    // Found only at evaluation: located in the generated text, with a pointer to it.
    let o = ewsim(&[
        "calc",
        "--traffic",
        "1TB",
        "--instance-type",
        "m9.huge",
        "--no-latency",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with("<calc>:"), "{err}");
    assert!(err.contains("--print-scenario"), "{err}");
}

/// Two hand-made saved reports: cost exact strings and p99s chosen for easy arithmetic.
fn saved_reports(dir: &Path) -> (String, String) {
    let report = |opts: &str| {
        format!(
            r#"{{"schema_version": 1, "scenario": "s", "region": "us-east-1", "options": [{opts}]}}"#
        )
    };
    let opt = |name: &str, exact: &str, p99: &str| {
        format!(
            r#"{{"name": "{name}", "kind": "{name}", "monthly_cost_usd_exact": "{exact}", "latency": {{"p99_ms": {p99}}}}}"#
        )
    };
    let old = report(
        &[
            opt("clusterip", "68.266666666666666666666666667", "2.5"),
            opt("internal-alb", "98.12", "5.0"),
            opt("lattice", "400", "7.0"),
        ]
        .join(","),
    );
    let new = report(
        &[
            opt("clusterip", "136.53333333333333333333333333", "2.25"),
            opt("internal-alb", "234.88", "5.5"),
            opt("istio-sidecar", "139.10", "3.4"),
        ]
        .join(","),
    );
    (write(dir, "old.json", &old), write(dir, "new.json", &new))
}

#[test]
fn diff_reports_per_option_deltas_by_hand() {
    let dir = scratch("diff");
    let (old, new) = saved_reports(&dir);
    let o = ewsim(&["diff", &old, &new, "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // clusterip: 136.5333 - 68.2667 = 68.27 (+100%); p99 2.25 - 2.5 = -0.25 ms.
    // internal-alb: 234.88 - 98.12 = 136.76, / 98.12 = +139.38%; p99 +0.5 ms.
    assert_eq!(
        stdout(&o),
        "option,kind,status,old_monthly_cost_usd,new_monthly_cost_usd,delta_usd,delta_pct,old_p99_ms,new_p99_ms,delta_p99_ms\n\
         clusterip,clusterip,changed,68.27,136.53,68.27,100.00,2.500,2.250,-0.250\n\
         internal-alb,internal-alb,changed,98.12,234.88,136.76,139.38,5.000,5.500,0.500\n\
         istio-sidecar,istio-sidecar,added,,139.10,,,,3.400,\n\
         lattice,lattice,removed,400.00,,,,7.000,,\n"
    );
    let o = ewsim(&["diff", &old, &new]);
    let table = stdout(&o);
    let alb = table
        .lines()
        .find(|l| l.starts_with("internal-alb"))
        .expect("row");
    assert!(
        alb.contains("+136.76") && alb.contains("+139.38%") && alb.contains("+0.500"),
        "{alb}"
    );
    let o = ewsim(&["diff", &old, &new, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let c = &v["options"][0];
    // Exact: 136.53333333333333333333333333 - 68.266666666666666666666666667.
    assert_eq!(c["delta_usd_exact"], "68.266666666666666666666666663");
    assert_eq!(c["delta_usd"], 68.27);
    assert_eq!(v["options"][3]["status"], "removed");
    let o = ewsim(&["diff", &old, &new, "--format", "markdown"]);
    assert!(
        stdout(&o).contains("| lattice | lattice | removed | 400.00 | - |"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn diff_bad_reports_exit_2_or_1() {
    let dir = scratch("diff-bad");
    let (old, _) = saved_reports(&dir);
    let bad = write(
        &dir,
        "bad.json",
        "{\n  \"schema_version\": 1,\n  \"options\": [\n}\n",
    );
    let o = ewsim(&["diff", &bad, &old]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!("{bad}:4:1: error: not valid JSON")),
        "{}",
        stderr(&o)
    );
    let v2 = write(&dir, "v2.json", r#"{"schema_version": 2, "options": []}"#);
    let o = ewsim(&["diff", &old, &v2]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("schema_version 2; this ewsim reads and writes schema_version 1"),
        "{}",
        stderr(&o)
    );
    let o = ewsim(&["diff", &old, "does/not/exist.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read does/not/exist.json"));
}

#[test]
fn run_compare_to_a_saved_report() {
    let dir = scratch("compare");
    let (old, _) = saved_reports(&dir);
    let o = ewsim(&[
        "calc",
        "--traffic",
        "10TB",
        "--request-size",
        "16KiB",
        "--options",
        "clusterip,internal-alb",
        "--no-latency",
        "--format",
        "csv",
        "--compare-to",
        &old,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    // This run: clusterip 136.53, internal-alb 234.88 (hand arithmetic above); lattice only old.
    assert!(
        out.contains("\nclusterip,clusterip,changed,68.27,136.53,68.27,100.00,2.500,,\n"),
        "{out}"
    );
    assert!(
        out.contains("\ninternal-alb,internal-alb,changed,98.12,234.88,136.76,139.38,5.000,,\n"),
        "{out}"
    );
    assert!(out.contains("\nlattice,lattice,removed,400.00,"), "{out}");
}

#[test]
fn exit_codes_end_to_end() {
    let dir = scratch("exit");
    // 0: an ordinary run.
    let o = ewsim(&["run", "scenarios/guide-10tb.yaml", "--no-latency"]);
    assert_eq!(o.status.code(), Some(0));
    // 1: --out into a directory that does not exist: nothing is created.
    let missing = dir.join("no-such-dir").join("report.csv");
    let o = ewsim(&[
        "run",
        "scenarios/guide-10tb.yaml",
        "--no-latency",
        "--out",
        &missing.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
    assert!(!missing.exists());
    // 1: a runtime failure (unreadable --pricing file) leaves an existing --out file untouched.
    let keep = write(&dir, "keep.csv", "previous contents\n");
    let o = ewsim(&[
        "calc",
        "--traffic",
        "10TB",
        "--pricing",
        "does/not/exist.yaml",
        "--out",
        &keep,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot read does/not/exist.yaml"));
    assert_eq!(
        std::fs::read_to_string(&keep).expect("kept"),
        "previous contents\n"
    );
    // 2: bad input, and a bad gate leaves the existing --out file alone.
    let one = [
        "calc",
        "--traffic",
        "10TB",
        "--request-size",
        "16KiB",
        "--options",
        "internal-alb",
    ];
    let two = [
        "calc",
        "--traffic",
        "10TB",
        "--options",
        "clusterip,internal-alb",
    ];
    for (args, cause) in [
        (
            with(&two, &["--no-latency", "--fail-above-usd", "200"]),
            "--gate-option: the scenario has 2 options",
        ),
        (
            with(
                &two,
                &[
                    "--no-latency",
                    "--fail-above-usd",
                    "200",
                    "--gate-option",
                    "nlb",
                ],
            ),
            "no option named `nlb` (hint: options: clusterip, internal-alb)",
        ),
        (
            with(&one, &["--no-latency", "--fail-above-p99-ms", "5"]),
            "cannot be used with",
        ),
        (
            with(&one, &["--fail-above-usd", "lots"]),
            "`lots` is not an amount of USD",
        ),
    ] {
        let o = ewsim(&with(&args, &["--out", &keep]));
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(cause), "{args:?}: {}", stderr(&o));
        assert_eq!(
            std::fs::read_to_string(&keep).expect("kept"),
            "previous contents\n"
        );
    }
    // 3: over budget. The whole report is still written first, then the verdict, then exit 3.
    // Internal ALB: 16.425 + 81.92 + 136.5333 = $234.88 > $200.
    let out = dir.join("gated.json").display().to_string();
    let o = ewsim(&with(
        &one,
        &[
            "--no-latency",
            "--fail-above-usd",
            "200",
            "--format",
            "json",
            "--out",
            &out,
        ],
    ));
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "budget exceeded: option internal-alb costs $234.88/month > $200.00\n"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("written"))
            .expect("complete JSON");
    assert_eq!(v["options"][0]["monthly_cost_usd"], 234.88);
    // The same option within budget: 0, with the verdict on stderr.
    let o = ewsim(&with(&one, &["--no-latency", "--fail-above-usd", "234.88"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("within budget: option internal-alb: $234.88/month <= $234.88"));
    assert!(stdout(&o).contains("internal-alb"));
    // The named option among several, to standard output.
    let o = ewsim(&with(
        &two,
        &[
            "--no-latency",
            "--fail-above-usd",
            "$100",
            "--gate-option",
            "clusterip",
        ],
    ));
    assert_eq!(o.status.code(), Some(3));
    assert!(stdout(&o).contains("clusterip"), "report first");
    assert_eq!(
        stderr(&o),
        "budget exceeded: option clusterip costs $136.53/month > $100.00\n"
    );
}

#[test]
fn p99_gate_uses_the_simulated_latency() {
    // Topology Aware Routing keeps every request in zone; Lattice adds its processing: a p99
    // limit between them passes the first and fails the second, whatever the sampling noise.
    let base = [
        "calc",
        "--traffic",
        "10TB",
        "--request-size",
        "16KiB",
        "--options",
        "topology-aware,lattice",
        "--samples",
        "20000",
        "--format",
        "csv",
    ];
    let o = ewsim(&with(
        &base,
        &[
            "--fail-above-p99-ms",
            "3",
            "--gate-option",
            "topology-aware",
        ],
    ));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = ewsim(&with(
        &base,
        &["--fail-above-p99-ms", "3", "--gate-option", "lattice"],
    ));
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with("latency budget exceeded: option lattice p99 "),
        "{err}"
    );
    assert!(err.trim_end().ends_with(" ms > 3.000 ms"), "{err}");
    assert_eq!(
        costs(&stdout(&o)).len(),
        2,
        "report written before the verdict"
    );
}

#[test]
fn validate_lists_every_problem_with_its_line_and_exits_2() {
    let d = scratch("validate-problems");
    // One conversion problem (line 10: an unknown volume unit) and two semantic ones (line 5: an
    // instance type without a price; line 11: a call to an undeclared service).
    let f = write(
        &d,
        "three.yaml",
        "version: 1\n\
         region: us-east-1\n\
         zones:\n  - {name: us-east-1a, nodes: {count: 2, type: m5.large}}\n  - {name: us-east-1b, nodes: {count: 2, type: m5.huge}}\n\
         services:\n  - {name: frontend, replicas: 4}\n  - {name: backend, replicas: 4}\n\
         traffic:\n  - {from: frontend, to: backend, volume: 10 parsecs}\n  - {from: frontend, to: cache, volume: 1 TB}\n\
         options:\n  - {name: clusterip, kind: clusterip}\n",
    );
    let o = ewsim(&["validate", &f]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    // Columns by hand: `m5.huge` starts at column 48 of line 5, `10 parsecs` at 43 of line 10,
    // `cache` at 26 of line 11.
    assert_eq!(lines.len(), 4, "{err}");
    assert!(
        lines[0].starts_with(&format!(
            "{f}:5:48: error: zones[1].nodes.type: instance type `m5.huge`"
        )),
        "{err}"
    );
    assert!(lines[0].contains("(hint: known: "), "{err}");
    assert!(
        lines[1].starts_with(&format!(
            "{f}:10:43: error: traffic[0].volume: `10 parsecs`: unknown volume unit"
        )),
        "{err}"
    );
    assert!(
        lines[2].starts_with(&format!(
            "{f}:11:26: error: traffic[1].to: traffic to unknown service `cache`"
        )),
        "{err}"
    );
    assert_eq!(lines[3], format!("{f}: 3 problems"));
}

#[test]
fn validate_a_shipped_scenario_says_ok() {
    // eks-10tb.yaml declares frontend and backend, one edge and the 17 options of README's table.
    let o = ewsim(&["validate", "scenarios/eks-10tb.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "ok: scenarios/eks-10tb.yaml: 2 services, 1 traffic edges, 17 options\n"
    );
}

#[test]
fn validate_yaml_errors_exit_2_and_missing_files_exit_1() {
    let d = scratch("validate-yaml");
    let f = write(&d, "typo.yaml", "version: 1\nregoin: us-east-1\n");
    let o = ewsim(&["validate", &f]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with(&format!("{f}:2:1: error: unknown field `regoin`")),
        "{}",
        stderr(&o)
    );
    let o = ewsim(&["validate", "scenarios/no-such-file.yaml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = ewsim(&[
        "validate",
        "scenarios/eks-10tb.yaml",
        "--pricing",
        "no-such.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn schema_prints_the_committed_schema_and_writes_out() {
    let committed = std::fs::read_to_string(root().join("scenarios/scenario.schema.json"))
        .expect("committed schema");
    let o = ewsim(&["schema"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), committed);
    let d = scratch("schema-out");
    let out = d.join("s.json");
    let o = ewsim(&["schema", "--out", &out.display().to_string()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).expect("written"), committed);
    let v: serde_json::Value = serde_json::from_str(&committed).expect("JSON");
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
}

#[test]
fn extreme_volumes_are_input_errors_and_zero_traffic_still_has_latency() {
    // Far beyond any workload: an input error naming the flag, never an arithmetic panic.
    let o = ewsim(&[
        "calc",
        "--traffic",
        "79228162514264337593543950335PB",
        "--no-latency",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is too large"), "{}", stderr(&o));
    let o = ewsim(&[
        "sweep",
        "scenarios/eks-10tb.yaml",
        "--set",
        "traffic=1TB..9999999999999999PB",
        "--steps",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // No traffic at all: $0 for ClusterIP (nothing crosses), and a request still has a latency.
    let o = ewsim(&[
        "calc",
        "--traffic",
        "0TB",
        "--options",
        "clusterip",
        "--format",
        "csv",
        "--samples",
        "2000",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let h = r.headers().expect("header").clone();
    let row = r.records().next().expect("row").expect("row");
    let col = |n: &str| h.iter().position(|x| x == n).expect(n);
    assert_eq!(&row[col("monthly_cost_usd")], "0.00");
    assert!(row[col("p99_ms")].parse::<f64>().expect("p99") > 0.0);
}

#[test]
fn calc_defaults_leave_out_lattice_where_it_has_no_verified_price() {
    // ap-northeast-2's table has `lattice_service_hour: null` (no verified price): the default
    // option list skips Lattice and says so, instead of failing on a default.
    let o = ewsim(&[
        "calc",
        "--traffic",
        "10TB",
        "--region",
        "ap-northeast-2",
        "--no-latency",
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("lattice left out of the default options"),
        "{}",
        stderr(&o)
    );
    assert!(!stdout(&o).contains("\nlattice,"), "{}", stdout(&o));
    // Asked for by name, it is still an input error naming the missing price.
    let o = ewsim(&[
        "calc",
        "--traffic",
        "10TB",
        "--region",
        "ap-northeast-2",
        "--options",
        "lattice",
        "--no-latency",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("lattice_service_hour"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn pricing_import_writes_a_table_that_run_uses() {
    let dir = scratch("pricing-import");
    let out = dir.join("eu-west-1.yaml").display().to_string();
    let f = |n: &str| format!("tests/fixtures/offers/{n}");
    let (ec2, elb, vpc) = (
        f("ec2-eu-west-1.json"),
        f("elb-eu-west-1.json"),
        f("vpc-eu-west-1.json"),
    );
    let o = ewsim(&[
        "pricing",
        "import",
        "--offer",
        &ec2,
        "--offer",
        &elb,
        "--offer",
        &vpc,
        "--region",
        "eu-west-1",
        "--out",
        &out,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // No Lattice, Route 53, EKS or ECS offer given: those keys are listed and written as null.
    let err = stderr(&o);
    assert!(
        err.contains("lattice_service_hour") && err.contains("fargate_gb_hour"),
        "{err}"
    );
    let text = std::fs::read_to_string(&out).expect("written");
    assert!(text.contains("lattice_per_gb: {value: null"), "{text}");
    // The table prices a scenario in eu-west-1: ClusterIP, 100 GB x 2/3 x $0.02 = $1.33.
    let scenario = write(
        &dir,
        "eu.yaml",
        "version: 1\nregion: eu-west-1\n\
         zones: [{name: a, nodes: {count: 1, type: m6i.large}}, {name: b, nodes: {count: 1, type: m6i.large}}, {name: c, nodes: {count: 1, type: m6i.large}}]\n\
         services: [{name: c, replicas: 3}, {name: s, replicas: 3}]\n\
         traffic: [{from: c, to: s, volume: 100 GB}]\n\
         options: [{name: cip, kind: clusterip}]\n",
    );
    let o = ewsim(&[
        "run",
        &scenario,
        "--pricing",
        &out,
        "--no-latency",
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains(",1.33,"), "{}", stdout(&o));
    // Bad input: exit 2 and nothing written; an unreadable file: exit 1.
    let bad = dir.join("bad.yaml").display().to_string();
    for (file, code) in [
        (f("bad-truncated.json"), 2),
        (f("bad-wrong-region.json"), 2),
        (f("bad-wrong-service.json"), 2),
        (f("no-such-file.json"), 1),
    ] {
        let o = ewsim(&[
            "pricing",
            "import",
            "--offer",
            &file,
            "--region",
            "eu-west-1",
            "--out",
            &bad,
        ]);
        assert_eq!(o.status.code(), Some(code), "{file}: {}", stderr(&o));
        assert!(!Path::new(&bad).exists(), "{file}");
    }
}
