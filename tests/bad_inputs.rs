//! The bad-input catalogue: one row per class of bad input (oversized models, absurd sample and
//! draw counts, hostile YAML, out-of-range numbers, broken price files and flags), each run
//! through the `ewsim` binary. Every row asserts its documented exit code, that the first line
//! of standard error carries the expected location (`file:line:`) and key words, that nothing
//! panicked or aborted, that the run ends within 20 s under a 1 GiB address-space limit
//! (`ulimit -v`), and, for commands that write a report, that an existing `--out` target is left
//! untouched and no partial or temporary file is left behind. The limits are those of
//! `ewsim::limits` (docs/limits.md).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The scenario most rows edit: two services in two zones, three options (lines numbered in
/// the comments so that expected locations can be read off).
const BASE: &str = "version: 1
name: probe
region: us-east-1
zones:
  - {name: us-east-1a, nodes: {count: 2, type: m5.large}}
  - {name: us-east-1b, nodes: {count: 2, type: m5.large}}
services:
  - {name: a, replicas: 2}
  - {name: b, replicas: 2}
traffic:
  - {from: a, to: b, rps: 100, request_size: 1 KiB, response_size: 4 KiB}
latency:
  samples: 1000
  seed: 1
options:
  - {name: clusterip, kind: clusterip}
  - {name: topology-aware, kind: topology-aware}
  - {name: istio-sidecar, kind: istio-sidecar}
";
// Lines: 5/6 zones, 8/9 services, 11 traffic, 13 samples, 14 seed, 15 options, 16 first option.

/// Text appended to BASE to give the scenario a call graph (lines 19 onwards).
fn call_graph(entry_calls: u32, nested_calls: u32) -> String {
    format!(
        "call_graph:\n  entry_points:\n    - {{name: e, service: a, stages: [[{{to: b, calls: {entry_calls}}}]]}}\n  services:\n    - {{service: b, stages: [[{{to: a, calls: {nested_calls}}}]]}}\n"
    )
}

/// How a row's scenario file is made.
enum Input {
    /// BASE with each `(from, to)` replaced (every `from` must occur).
    Edit(&'static [(&'static str, &'static str)]),
    /// BASE with this text appended.
    Append(String),
    /// This text.
    Text(String),
    /// These bytes.
    Bytes(Vec<u8>),
    /// No scenario file is written (`{dir}/s.yaml` does not exist) or the row names another.
    None,
}

/// One class of bad input.
struct Class {
    name: &'static str,
    /// Arguments after `ewsim`; `{s}` is the scenario file, `{p}` the price file, `{dir}` the
    /// row's directory.
    args: &'static str,
    input: Input,
    /// A price file written as `{p}` when given.
    pricing: Option<String>,
    code: i32,
    /// The first line of standard error starts with this (after `{s}`/`{p}`/`{dir}` are
    /// expanded), e.g. `{s}:13:` for a located problem or `error: --samples` for a flag.
    starts: &'static str,
    /// Words the first line of standard error contains.
    words: &'static [&'static str],
}

fn c(
    name: &'static str,
    args: &'static str,
    input: Input,
    code: i32,
    starts: &'static str,
    words: &'static [&'static str],
) -> Class {
    Class {
        name,
        args,
        input,
        pricing: None,
        code,
        starts,
        words,
    }
}

/// A row with a price file.
fn p(
    name: &'static str,
    pricing: &str,
    starts: &'static str,
    words: &'static [&'static str],
) -> Class {
    Class {
        name,
        args: "run {s} --no-latency --pricing {p}",
        input: Input::Edit(&[]),
        pricing: Some(pricing.to_string()),
        code: 2,
        starts,
        words,
    }
}

use Input::{Append, Bytes, Edit, Text};

/// An alias bomb: `levels` nested lists of ten aliases to the level below.
fn alias_bomb(levels: usize) -> String {
    let mut t = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..=levels {
        let r = format!("*a{}", i - 1);
        t.push_str(&format!("a{i}: &a{i} [{}]\n", vec![r; 10].join(", ")));
    }
    t
}

/// A latency override whose `sum` expands through aliases to 10^levels parts (line 15 is `hops:`).
fn dist_bomb(levels: usize) -> String {
    let mut t = BASE.replace(
        "  seed: 1\n",
        "  seed: 1\n  hops:\n    net.same_az:\n      dist:\n",
    );
    let mut d = String::from("&d0 {family: constant, value: 1}");
    for i in 1..=levels {
        let r = format!("*d{}", i - 1);
        let parts = vec![r; 10].join(", ");
        d = format!("{{family: sum, parts: [{d}, {parts}]}}");
        if i < levels {
            d = format!("&d{i} {d}");
        }
    }
    // The first part of each level defines the anchor the next level repeats.
    t = t.replace(
        "      dist:\n",
        &format!("      dist: {d}\n      source: test\n"),
    );
    t
}

fn classes() -> Vec<Class> {
    let big_zones: String = (0..257)
        .map(|i| format!("  - {{name: z{i}, nodes: {{count: 1, type: m5.large}}}}\n"))
        .collect();
    let zones_200: String = (0..200)
        .map(|i| format!("  - {{name: z{i}, nodes: {{count: 1, type: m5.large}}}}\n"))
        .collect();
    // 60,000 services of five YAML values each: past the parser's 250,000-value budget.
    let many_values: String = {
        let services: String = (0..60_000)
            .map(|i| format!("  - {{name: s{i}, replicas: 1}}\n"))
            .collect();
        BASE.replace("services:\n", &format!("services:\n{services}"))
    };
    let mut v = vec![
        // ---- work budgets: the model's size ----
        c("nodes 10^9", "run {s} --no-latency", Edit(&[("count: 2, type: m5.large}}\n  - {name: us-east-1b", "count: 1000000000, type: m5.large}}\n  - {name: us-east-1b")]), 2, "{s}:5:", &["number of nodes", "1000000002", "limit of 20000"]),
        c("nodes 10^9 validate", "validate {s}", Edit(&[("count: 2, type: m5.large}}\n  - {name: us-east-1b", "count: 1000000000, type: m5.large}}\n  - {name: us-east-1b")]), 2, "{s}:5:", &["number of nodes", "limit of 20000"]),
        c("nodes just over", "run {s} --no-latency", Edit(&[("count: 2", "count: 10001"), ("count: 2", "count: 10000")]), 2, "{s}:5:", &["20001", "limit of 20000"]),
        c("zones 257", "validate {s}", Text(BASE.replace("  - {name: us-east-1a, nodes: {count: 2, type: m5.large}}\n  - {name: us-east-1b, nodes: {count: 2, type: m5.large}}\n", &big_zones).replace("services:\n  - {name: a, replicas: 2}", "services:\n  - {name: a, replicas: {z0: 2}}").replace("{name: b, replicas: 2}", "{name: b, replicas: {z1: 2}}")), 2, "{s}:5:", &["number of zones", "257", "limit of 256"]),
        c("replicas 10^9", "run {s} --no-latency", Edit(&[("{name: a, replicas: 2}", "{name: a, replicas: 1000000000}")]), 2, "{s}:8:", &["pods of `a`", "1000000000", "limit of 150000"]),
        c("replicas 10^9 validate", "validate {s}", Edit(&[("{name: a, replicas: 2}", "{name: a, replicas: 1000000000}")]), 2, "{s}:8:", &["pods of `a`", "limit of 150000"]),
        c("replicas just over", "run {s} --no-latency", Edit(&[("{name: b, replicas: 2}", "{name: b, replicas: 150001}")]), 2, "{s}:9:", &["pods of `b`", "150001"]),
        c("replicas per zone over", "run {s} --no-latency", Edit(&[("{name: a, replicas: 2}", "{name: a, replicas: {us-east-1a: 100000, us-east-1b: 100000}}")]), 2, "{s}:8:", &["200000", "limit of 150000"]),
        c("replicas u32 overflow", "run {s} --no-latency", Edit(&[("{name: a, replicas: 2}", "{name: a, replicas: 4294967296}")]), 2, "{s}:8:", &["replicas"]),
        // 200 zones of one node, 2 x 150,000 pods, 8 options of which itp-local routes by node:
        // 2 x 150,000 x (200 + 1) x (8 + 1) = 542,700,000 endpoint checks.
        c("endpoint checks", "run {s} --no-latency", Text(BASE.replace("  - {name: us-east-1a, nodes: {count: 2, type: m5.large}}\n  - {name: us-east-1b, nodes: {count: 2, type: m5.large}}\n", &zones_200).replace("replicas: 2}", "replicas: 150000}").replace("  - {name: clusterip, kind: clusterip}\n", "  - {name: clusterip, kind: clusterip}\n  - {name: l, kind: itp-local}\n  - {name: c2, kind: clusterip}\n  - {name: c3, kind: clusterip}\n  - {name: c4, kind: clusterip}\n  - {name: c5, kind: clusterip}\n")), 2, "{s}:206:", &["endpoint checks", "542700000", "500000000"]),
        c("samples 10^12 in file", "run {s}", Edit(&[("samples: 1000", "samples: 1000000000000")]), 2, "{s}:13:", &["number of samples", "1000000000000", "limit of 10000000"]),
        c("samples 10^12 in file validate", "validate {s}", Edit(&[("samples: 1000", "samples: 1000000000000")]), 2, "{s}:13:", &["number of samples", "limit of 10000000"]),
        c("samples just over in file", "validate {s}", Edit(&[("samples: 1000", "samples: 10000001")]), 2, "{s}:13:", &["10000001"]),
        c("samples 2^64-1 in file", "run {s}", Edit(&[("samples: 1000", "samples: 18446744073709551615")]), 2, "{s}:13:", &["samples"]),
        c("samples 2^64 in file", "run {s}", Edit(&[("samples: 1000", "samples: 18446744073709551616")]), 2, "{s}:13:", &["samples"]),
        c("samples 0 in file", "run {s}", Edit(&[("samples: 1000", "samples: 0")]), 2, "{s}:13:", &["samples"]),
        c("calls 4096 x 4096 unrolled", "validate {s}", Append(call_graph(4096, 4096)), 2, "{s}:20:", &["calls per request after unrolling", "16781312", "limit of 100000"]),
        c("calls 4096 x 4096 unrolled run", "run {s} --samples 1", Append(call_graph(4096, 4096)), 2, "{s}:20:", &["calls per request after unrolling"]),
        c("samples x calls over the work limit", "validate {s}", Text(BASE.replace("samples: 1000", "samples: 1000000") + &call_graph(4096, 20)), 2, "{s}:13:", &["hop draws", "limit of 100000000"]),
        c("calls 4097", "validate {s}", Append(call_graph(4097, 1)), 2, "{s}:21:", &["calls per request must be 1..=4096"]),
        c("calls 0", "validate {s}", Append(call_graph(0, 1)), 2, "{s}:", &["calls"]),
        c("distribution parts by aliases", "validate {s}", Text(dist_bomb(3)), 2, "{s}:16:", &["distribution parts", "limit of 256"]),
        c("distribution parts by aliases run", "run {s} --samples 1", Text(dist_bomb(4)), 2, "{s}:16:", &["distribution parts"]),
        c("state replicas 10^9", "validate {s}", Append("states:\n  - {name: peak, share: 1, replicas: {a: 1000000000}}\n".into()), 2, "{s}:", &["pods of `a`", "limit of 150000"]),
        // ---- work budgets: the run's settings ----
        c("--samples 0", "run {s} --samples 0", Edit(&[]), 2, "error: --samples", &["at least 1"]),
        c("--samples over", "run {s} --samples 10000001", Edit(&[]), 2, "error: --samples", &["10000001", "limit of 10000000"]),
        c("--samples 2^64-1", "run {s} --samples 18446744073709551615", Edit(&[]), 2, "error: --samples", &["18446744073709551615", "limit"]),
        c("--samples 2^64", "run {s} --samples 18446744073709551616", Edit(&[]), 2, "error:", &["--samples"]),
        c("--samples negative", "run {s} --samples -1", Edit(&[]), 2, "error:", &["-1"]),
        c("--samples with a call graph over the work limit", "run {s} --samples 5000000", Text(BASE.replace("traffic:\n", "traffic:\n  - {from: b, to: a, rps: 1, request_size: 1 KiB, response_size: 1 KiB}\n") + &call_graph(100, 1)), 2, "error: --samples", &["hop draws", "limit of 100000000"]),
        c("--draws 10^12", "run {s} --no-latency --draws 1000000000000", Edit(&[("rps: 100,", "rps: 100 to 200,")]), 2, "error: --draws", &["1000000000000", "limit of 10000"]),
        c("--draws 2^64-1", "run {s} --no-latency --draws 18446744073709551615", Edit(&[("rps: 100,", "rps: 100 to 200,")]), 2, "error: --draws", &["18446744073709551615", "limit of 10000"]),
        c("--draws 2^64-1 with latency", "run {s} --draws 18446744073709551615", Edit(&[("rps: 100,", "rps: 100 to 200,")]), 2, "error: --draws", &["limit of 10000"]),
        c("--draws just over", "run {s} --no-latency --draws 10001", Edit(&[("rps: 100,", "rps: 100 to 200,")]), 2, "error: --draws", &["10001"]),
        c("--draws 0 with ranges", "run {s} --no-latency --draws 0", Edit(&[("rps: 100,", "rps: 100 to 200,")]), 2, "error: --draws", &["at least 1"]),
        c("--draws x samples over the work limit", "run {s} --samples 10000000 --draws 10000", Edit(&[("rps: 100,", "rps: 100 to 200,")]), 2, "error: --samples", &["hop draws"]),
        c("sweep to 10^9 replicas", "sweep {s} --no-latency --set services[0].replicas=1..1000000000", Edit(&[]), 2, "{s}:8:", &["pods of `a`", "limit of 150000"]),
        c("sweep to 10^9 replicas log", "sweep {s} --no-latency --log --steps 1000 --set services[0].replicas=1..1000000000", Edit(&[]), 2, "{s}:8:", &["pods of `a`"]),
        c("sweep to 10^9 nodes", "sweep {s} --no-latency --set zones[0].nodes.count=1..1000000000", Edit(&[]), 2, "{s}:5:", &["number of nodes"]),
        c("sweep steps 1001", "sweep {s} --no-latency --steps 1001 --set traffic=1TB..2TB", Edit(&[]), 2, "error: --steps", &["1000", "1001"]),
        c("sweep steps 1", "sweep {s} --no-latency --steps 1 --set traffic=1TB..2TB", Edit(&[]), 2, "error: --steps", &["between 2 and 1000"]),
        c("sweep samples 10^12", "sweep {s} --samples 1000000000000 --set services[0].replicas=1..2", Edit(&[]), 2, "error: --samples", &["limit of 10000000"]),
        c("sweep steps x samples", "sweep {s} --samples 1000000 --steps 1000 --set traffic[0].rps=1..1000", Edit(&[]), 2, "error: --samples", &["1000 steps", "hop draws"]),
        c("sweep unknown path", "sweep {s} --no-latency --set services[zz].replicas=1..2", Edit(&[]), 2, "error: --set", &["zz"]),
        c("sweep bad range", "sweep {s} --no-latency --set traffic=abc", Edit(&[]), 2, "error: --set", &["FROM..TO"]),
        c("calc nodes 10^9", "calc --traffic 1TB --nodes-per-zone 1000000000 --no-latency", Input::None, 2, "error: --zones:", &["number of nodes", "limit of 20000"]),
        c("calc replicas 10^9", "calc --traffic 1TB --replicas 1000000000 --no-latency", Input::None, 2, "error: --replicas:", &["pods", "limit of 150000"]),
        c("calc samples 10^12", "calc --traffic 1TB --samples 1000000000000", Input::None, 2, "error: --samples", &["limit of 10000000"]),
        // ---- input size and unreadable input ----
        c("scenario /dev/zero", "run /dev/zero", Input::None, 2, "/dev/zero:", &["larger than the limit", "16777216"]),
        c("scenario /dev/zero validate", "validate /dev/zero", Input::None, 2, "/dev/zero:", &["larger than the limit"]),
        c("price file /dev/zero", "run {s} --no-latency --pricing /dev/zero", Edit(&[]), 2, "/dev/zero:", &["larger than the limit"]),
        c("scenario over 16 MiB", "validate {s}", Text(format!("{BASE}# {}\n", "x".repeat(17 * 1024 * 1024))), 2, "{s}:", &["larger than the limit"]),
        c("scenario missing", "run {dir}/missing.yaml", Input::None, 1, "error: cannot read {dir}/missing.yaml", &[]),
        c("scenario is a directory", "run {dir}", Input::None, 1, "error: cannot read {dir}", &[]),
        c("scenario not UTF-8", "run {s}", Bytes(b"version: 1\nname: \xff\xfe\n".to_vec()), 1, "error: cannot read {s}", &["UTF-8"]),
        c("scenario NUL bytes", "validate {s}", Bytes(b"version: 1\n\0\0\0\n".to_vec()), 2, "{s}:", &[]),
        c("price file missing", "run {s} --no-latency --pricing {dir}/nope.yaml", Edit(&[]), 1, "error: cannot read {dir}/nope.yaml", &[]),
        c("scenario empty", "validate {s}", Text(String::new()), 2, "{s}", &[]),
        // ---- YAML shape ----
        c("yaml syntax error", "validate {s}", Edit(&[("  - {name: a, replicas: 2}", "  - {name: a, replicas: 2")]), 2, "{s}:", &[]),
        c("yaml duplicate key", "validate {s}", Edit(&[("name: probe\n", "name: probe\nname: again\n")]), 2, "{s}:3:", &["key `name` appears twice"]),
        c("yaml duplicate key in flow map", "validate {s}", Edit(&[("{name: a, replicas: 2}", "{name: a, name: c, replicas: 2}")]), 2, "{s}:8:", &["appears twice"]),
        c("yaml alias bomb", "validate {s}", Text(alias_bomb(9) + BASE), 2, "{s}:1:", &[]),
        c("yaml alias bomb run", "run {s}", Text(alias_bomb(9) + BASE), 2, "{s}:1:", &[]),
        c("yaml 260000 values", "validate {s}", Text(many_values), 2, "{s}:", &["too many values"]),
        c("yaml deep nesting", "validate {s}", Text(format!("{BASE}description: {}{}\n", "[".repeat(300), "]".repeat(300))), 2, "{s}:", &[]),
        c("yaml tab indentation", "validate {s}", Edit(&[("latency:\n  samples", "latency:\n\tsamples")]), 2, "{s}:", &[]),
        c("yaml two documents", "validate {s}", Text(format!("{BASE}---\n{BASE}")), 2, "{s}:", &[]),
        c("yaml top-level list", "validate {s}", Text("- 1\n- 2\n".into()), 2, "{s}:", &[]),
        c("yaml top-level scalar", "validate {s}", Text("hello\n".into()), 2, "{s}:", &[]),
        c("yaml null document", "validate {s}", Text("~\n".into()), 2, "{s}", &[]),
        c("unknown key", "validate {s}", Edit(&[("name: probe\n", "name: probe\nnmae: x\n")]), 2, "{s}:3:", &["unknown field `nmae`"]),
        c("missing options", "validate {s}", Text(BASE.split("options:").next().unwrap_or_default().to_string()), 2, "{s}:", &["options"]),
        c("version 2", "validate {s}", Edit(&[("version: 1", "version: 2")]), 2, "{s}:1:", &["version"]),
        c("zones is a number", "validate {s}", Text(BASE.replace("zones:\n  - {name: us-east-1a, nodes: {count: 2, type: m5.large}}\n  - {name: us-east-1b, nodes: {count: 2, type: m5.large}}\n", "zones: 5\n")), 2, "{s}:4:", &[]),
        // ---- numbers ----
        c("1e400 TB size", "validate {s}", Edit(&[("request_size: 1 KiB", "request_size: 1e400 TB")]), 2, "{s}:11:", &["`1e400 TB` is out of range"]),
        c("1e400 volume", "validate {s}", Edit(&[("rps: 100, request_size: 1 KiB, response_size: 4 KiB", "volume: 1e400 TB")]), 2, "{s}:11:", &["out of range"]),
        c("1e400 bare rps", "validate {s}", Edit(&[("rps: 100,", "rps: 1e400,")]), 2, "{s}:11:", &["out of range"]),
        c("1e13 rps", "validate {s}", Edit(&[("rps: 100,", "rps: 1e13,")]), 2, "{s}:11:", &["out of range"]),
        c("32-digit rps", "validate {s}", Edit(&[("rps: 100,", "rps: 100000000000000000000000000000000,")]), 2, "{s}:11:", &["out of range"]),
        c("1e-400 size", "validate {s}", Edit(&[("request_size: 1 KiB", "request_size: 1e-400 KB")]), 2, "{s}:11:", &["out of range"]),
        c("negative rps", "validate {s}", Edit(&[("rps: 100,", "rps: -1,")]), 2, "{s}:11:", &["negative"]),
        c("rps not a number", "validate {s}", Edit(&[("rps: 100,", "rps: abc,")]), 2, "{s}:11:", &["not a number"]),
        c("rps .nan", "validate {s}", Edit(&[("rps: 100,", "rps: .nan,")]), 2, "{s}:11:", &[]),
        c("rps .inf", "validate {s}", Edit(&[("rps: 100,", "rps: .inf,")]), 2, "{s}:11:", &[]),
        c("unknown size unit", "validate {s}", Edit(&[("request_size: 1 KiB", "request_size: 1 XB")]), 2, "{s}:11:", &["unknown size unit `XB`"]),
        c("replicas negative", "validate {s}", Edit(&[("{name: a, replicas: 2}", "{name: a, replicas: -1}")]), 2, "{s}:8:", &[]),
        c("replicas fraction", "validate {s}", Edit(&[("{name: a, replicas: 2}", "{name: a, replicas: 1.5}")]), 2, "{s}:8:", &[]),
        c("seed negative", "validate {s}", Edit(&[("seed: 1", "seed: -1")]), 2, "{s}:14:", &[]),
        c("seed not a number", "validate {s}", Edit(&[("seed: 1", "seed: abc")]), 2, "{s}:14:", &[]),
        c("hours per month 745", "validate {s}", Edit(&[("region: us-east-1\n", "region: us-east-1\nbilling: {hours_per_month: 745}\n")]), 2, "{s}:4:", &["744"]),
        c("share over 1", "validate {s}", Edit(&[("{name: clusterip, kind: clusterip}", "{name: clusterip, kind: clusterip, assume_cross_az_share: 1.5}")]), 2, "{s}:16:", &["1.5"]),
        // ---- model ----
        c("zone count 0", "validate {s}", Edit(&[("count: 2", "count: 0")]), 2, "{s}:5:", &["has no nodes"]),
        c("zero zones", "validate {s}", Text(BASE.replace("zones:\n  - {name: us-east-1a, nodes: {count: 2, type: m5.large}}\n  - {name: us-east-1b, nodes: {count: 2, type: m5.large}}\n", "zones: []\n")), 2, "{s}:4:", &["no zones"]),
        c("zero zones run", "run {s} --no-latency", Text(BASE.replace("zones:\n  - {name: us-east-1a, nodes: {count: 2, type: m5.large}}\n  - {name: us-east-1b, nodes: {count: 2, type: m5.large}}\n", "zones: []\n")), 2, "{s}:4:", &["no zones"]),
        c("zone declared twice", "validate {s}", Edit(&[("name: us-east-1b", "name: us-east-1a")]), 2, "{s}:6:", &["declared twice"]),
        c("unknown instance type", "validate {s}", Edit(&[("type: m5.large}}\n  - {name: us-east-1b", "type: m9.huge}}\n  - {name: us-east-1b")]), 2, "{s}:5:", &["m9.huge"]),
        c("unknown traffic source", "validate {s}", Edit(&[("from: a,", "from: zz,")]), 2, "{s}:11:", &["unknown service `zz`"]),
        c("unknown traffic target", "run {s} --no-latency", Edit(&[("to: b,", "to: zz,")]), 2, "{s}:11:", &["unknown service `zz`"]),
        c("service declared twice", "validate {s}", Edit(&[("{name: b, replicas: 2}", "{name: a, replicas: 2}")]), 2, "{s}:9:", &["declared twice"]),
        c("no options", "validate {s}", Text(BASE.split("options:").next().unwrap_or_default().to_string() + "options: []\n"), 2, "{s}:15:", &["no options"]),
        c("unknown option kind", "validate {s}", Edit(&[("kind: clusterip}", "kind: warp-drive}")]), 2, "{s}:16:", &["warp-drive"]),
        c("unknown region", "validate {s}", Edit(&[("region: us-east-1", "region: mars-north-1")]), 2, "{s}:3:", &["mars-north-1"]),
        c("replicas in undeclared zone", "validate {s}", Edit(&[("{name: a, replicas: 2}", "{name: a, replicas: {us-west-2z: 2}}")]), 2, "{s}:8:", &["undeclared zone"]),
        c("colocate with unknown", "validate {s}", Edit(&[("{name: a, replicas: 2}", "{name: a, replicas: 2, colocate_with: zz}")]), 2, "{s}:8:", &["zz"]),
        c("colocate cycle", "validate {s}", Edit(&[("{name: a, replicas: 2}", "{name: a, replicas: 2, colocate_with: b}"), ("{name: b, replicas: 2}", "{name: b, replicas: 2, colocate_with: a}")]), 2, "{s}:8:", &["cycle"]),
        c("states shares", "validate {s}", Append("states:\n  - {name: peak, share: 0.5, replicas: {a: 3}}\n".into()), 2, "{s}:20:", &["sum to 0.5"]),
        c("call graph unknown service", "validate {s}", Append("call_graph:\n  entry_points:\n    - {name: e, service: zz, stages: [[{to: b}]]}\n".into()), 2, "{s}:21:", &["zz"]),
        c("call graph cycle", "validate {s}", Append("call_graph:\n  entry_points:\n    - {name: e, service: a, stages: [[{to: b}]]}\n  services:\n    - {service: b, stages: [[{to: a}]]}\n    - {service: a, stages: [[{to: b}]]}\n".into()), 2, "{s}:", &["cycle"]),
        // ---- flags ----
        c("format unknown", "run {s} --format bogus", Edit(&[]), 2, "error:", &["bogus"]),
        c("negative budget", "run {s} --no-latency --fail-above-usd -1", Edit(&[]), 2, "error:", &["-1"]),
        c("gate option unknown", "run {s} --no-latency --fail-above-usd 10 --gate-option zz", Edit(&[]), 2, "error: --gate-option", &["zz"]),
        c("seed 2^64", "run {s} --seed 18446744073709551616", Edit(&[]), 2, "error:", &["--seed"]),
        c("compare-to missing", "run {s} --no-latency --compare-to {dir}/old.json", Edit(&[]), 1, "error: cannot read {dir}/old.json", &[]),
        c("compare-to not JSON", "run {s} --no-latency --compare-to {s}", Edit(&[]), 2, "{s}:1:", &["not valid JSON"]),
        c("explain unknown option", "explain {s} --option zz", Edit(&[]), 2, "error:", &["zz"]),
        c("recommend unknown capability", "recommend {s} --require warp-drive", Edit(&[]), 2, "error:", &["warp-drive"]),
        c("calc zones 0", "calc --traffic 1TB --zones 0 --no-latency", Input::None, 2, "error: --zones", &[]),
        c("calc traffic 1e400", "calc --traffic 1e400TB --no-latency", Input::None, 2, "error: --traffic", &["out of range"]),
        c("calc traffic negative", "calc --traffic -5TB --no-latency", Input::None, 2, "error:", &[]),
        c("calc unknown region", "calc --traffic 1TB --region mars-north-1 --no-latency", Input::None, 2, "error: --region:", &["mars-north-1"]),
        c("calc unknown option kind", "calc --traffic 1TB --options warp-drive --no-latency", Input::None, 2, "error:", &["warp-drive"]),
        c("diff not JSON", "diff {s} {s}", Edit(&[]), 2, "{s}:1:", &["not valid JSON"]),
    ];
    // ---- price files: every bad value located at its line and column ----
    let entry = "source: test, as_of: \"2025-01\"";
    v.extend([
        p("price not a number", &format!("prices:\n  inter_az_per_gb_each_direction: {{value: abc, {entry}}}\n"), "{p}:2:", &["`abc` is not a number"]),
        p("price negative", &format!("prices:\n  inter_az_per_gb_each_direction: {{value: -1, {entry}}}\n"), "{p}:2:", &["negative"]),
        p("price bare negative", "prices:\n  inter_az_per_gb_each_direction: -3\n", "{p}:2:", &["negative"]),
        p("price bare 1e400", "prices:\n  inter_az_per_gb_each_direction: 1e400\n", "{p}:2:", &["out of range"]),
        p("price 32 digits", &format!("prices:\n  inter_az_per_gb_each_direction: {{value: 100000000000000000000000000000000, {entry}}}\n"), "{p}:2:", &["out of range"]),
        p("price 1e13", &format!("prices:\n  inter_az_per_gb_each_direction: {{value: \"1e13\", {entry}}}\n"), "{p}:2:", &["out of range"]),
        p("price unknown key", &format!("prices:\n  bogus_key: {{value: 1, {entry}}}\n"), "{p}:2:", &["unknown price key `bogus_key`"]),
        p("price unknown confidence", &format!("prices:\n  inter_az_per_gb_each_direction: {{value: 1, confidence: sure, {entry}}}\n"), "{p}:2:", &["unknown confidence `sure`"]),
        p("price missing source", "prices:\n  inter_az_per_gb_each_direction: {value: 1}\n", "{p}:2:", &["source"]),
        p("price unknown field", "colour: red\n", "{p}:1:", &["unknown field `colour`"]),
        p("price duplicate key", "prices:\n  inter_az_per_gb_each_direction: 1\n  inter_az_per_gb_each_direction: 2\n", "{p}:3:", &["appears twice"]),
        p("instance vcpu not a number", "instances:\n  m5.large: {value: 1, vcpu: x, memory_gib: 8, source: s, as_of: d}\n", "{p}:2:", &["vcpu", "`x` is not a number"]),
        p("instance price negative", "instances:\n  m5.large: {value: -1, vcpu: 2, memory_gib: 8, source: s, as_of: d}\n", "{p}:2:", &["negative"]),
        p("instance memory 1e400", "instances:\n  m5.large: {value: 1, vcpu: 2, memory_gib: \"1e400\", source: s, as_of: d}\n", "{p}:2:", &["out of range"]),
        p("price file for another region", "region: eu-west-1\n", "{s}:3:", &["eu-west-1"]),
        p("price file syntax", "prices: [\n", "{p}:", &[]),
        p("price file alias bomb", &alias_bomb(9), "{p}:1:", &[]),
    ]);
    v
}

/// The binary, under `sh -c 'ulimit -v 1048576; exec ewsim ...'`: at most 1 GiB of address space.
fn command(args: &[String]) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v 1048576; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_ewsim"))
        .args(args)
        .env("MALLOC_ARENA_MAX", "2")
        .env("RUST_BACKTRACE", "0")
        .env("EWSIM_PRICING_DIR", "/nonexistent")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR").to_string() + "/../..")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs one row; returns what went wrong (empty when it passed).
fn check(class: &Class, dir: &Path) -> Vec<String> {
    let mut wrong = Vec::new();
    std::fs::create_dir_all(dir).expect("scratch directory");
    let s = dir.join("s.yaml");
    let pf = dir.join("p.yaml");
    match &class.input {
        Edit(edits) => {
            let mut t = BASE.to_string();
            for (from, to) in *edits {
                assert!(t.contains(from), "{}: `{from}` not in the base", class.name);
                t = t.replacen(from, to, 1);
            }
            std::fs::write(&s, t)
        }
        Append(extra) => std::fs::write(&s, format!("{BASE}{extra}")),
        Text(t) => std::fs::write(&s, t),
        Bytes(b) => std::fs::write(&s, b),
        Input::None => Ok(()),
    }
    .expect("scenario written");
    if let Some(text) = &class.pricing {
        std::fs::write(&pf, text).expect("price file written");
    }
    let expand = |t: &str| {
        t.replace("{s}", &s.display().to_string())
            .replace("{p}", &pf.display().to_string())
            .replace("{dir}", &dir.display().to_string())
    };
    let mut args: Vec<String> = class.args.split_whitespace().map(expand).collect();
    // Commands that write a report get an existing --out target that must survive the failure.
    let out = dir.join("report.out");
    let writes = matches!(args[0].as_str(), "run" | "sweep" | "calc");
    if writes {
        std::fs::write(&out, "keep me\n").expect("out target");
        args.push("--out".into());
        args.push(out.display().to_string());
    }
    let before: Vec<_> = listing(dir);
    let started = Instant::now();
    let mut child = command(&args).spawn().expect("ewsim starts");
    // Drain the pipes on threads so a chatty child cannot block on a full pipe.
    let mut so = child.stdout.take().expect("stdout");
    let mut se = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = std::io::Read::read_to_end(&mut so, &mut b);
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = std::io::Read::read_to_end(&mut se, &mut b);
        b
    });
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break Some(st);
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    let _ = t_out.join();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap_or_default()).into_owned();
    let Some(status) = status else {
        return vec![format!("did not finish within 20 s")];
    };
    if status.code() != Some(class.code) {
        wrong.push(format!("exit {:?}, expected {}", status.code(), class.code));
    }
    for bad in [
        "panicked",
        "memory allocation of",
        "stack backtrace",
        "RUST_BACKTRACE",
    ] {
        if stderr.contains(bad) {
            wrong.push(format!("standard error shows `{bad}`"));
        }
    }
    let first = stderr.lines().next().unwrap_or("");
    let starts = expand(class.starts);
    if !first.starts_with(&starts) {
        wrong.push(format!("first line does not start with `{starts}`"));
    }
    // A located problem carries a line number: `file:LINE:COLUMN: `.
    if class.starts.ends_with(':')
        && class.starts.starts_with("{")
        && class.starts.matches(':').count() == 2
    {
        let rest = first.get(starts.len()..).unwrap_or("");
        let column = rest.split(':').next().unwrap_or("");
        if column.parse::<u64>().is_err() {
            wrong.push("the location has no column".into());
        }
    }
    for w in class.words {
        if !first.contains(w) {
            wrong.push(format!("first line lacks `{w}`"));
        }
    }
    if writes {
        match std::fs::read_to_string(&out) {
            Ok(t) if t == "keep me\n" => {}
            _ => wrong.push("the existing --out target was changed".into()),
        }
    }
    let after = listing(dir);
    if after != before {
        wrong.push(format!("files changed: {before:?} -> {after:?}"));
    }
    if !wrong.is_empty() {
        wrong.push(format!("({:.1} s) stderr: {stderr}", elapsed.as_secs_f64()));
    }
    wrong
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn scratch() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bad_inputs")
}

#[test]
fn catalogue_has_at_least_110_classes_with_unique_names() {
    let all = classes();
    assert!(all.len() >= 110, "only {} classes", all.len());
    let mut names: Vec<&str> = all.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), all.len(), "duplicate class names");
}

#[test]
fn every_bad_input_class_fails_as_documented() {
    let root = scratch();
    let _ = std::fs::remove_dir_all(&root);
    let all = classes();
    // Two rows at a time: the machine running CI has two cores.
    let failures = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|sc| {
        for _ in 0..2 {
            sc.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(class) = all.get(i) else { break };
                    let wrong = check(class, &root.join(format!("{i:03}")));
                    if !wrong.is_empty() {
                        failures.lock().expect("lock").push(format!(
                            "{} [{}]: {}",
                            class.name,
                            class.args,
                            wrong.join("; ")
                        ));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().expect("lock");
    assert!(
        failures.is_empty(),
        "{} of {} classes failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    let _ = std::fs::remove_dir_all(&root);
}
