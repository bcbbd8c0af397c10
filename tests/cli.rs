//! End-to-end tests of the `ewsim` binary as case tables: each case is a name, the arguments,
//! the files it needs, the expected exit code and what standard output, standard error and the
//! files it writes must show. One loop per table runs every case and reports every failing case
//! by name, with its command line and output. Flows of several steps (one command's output is the
//! next one's input, or two runs compared) are plain tests at the end.
//!
//! What the binary adds to the library is checked here: argument parsing, file reading and
//! writing (`--out` all or nothing), rendering, located errors and the exit codes 0 / 1 / 2 / 3.
//! Figures and statistics are the library's tests' (`tests/golden.rs`, `tests/properties.rs`,
//! `crates/ewsim/tests/*`); here cost runs use `--no-latency`, and cases that simulate latency do
//! so with few requests, where latency is what the case is about.
//!
//! In arguments, expectations and fixture texts, `{dir}` stands for the case's own scratch
//! directory (where its files are written).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use Expect::*;
use Fixture::{Edit, Text};

// ---- the case runner ----

/// One invocation of `ewsim` and what it must give.
struct Case {
    /// Names the case in failure messages.
    name: &'static str,
    /// Arguments after `ewsim`, separated by white space (no argument here has a space); run in
    /// the repository root.
    args: &'static str,
    /// Files written into the case's directory before the run.
    files: &'static [(&'static str, Fixture)],
    /// Expected exit code.
    code: i32,
    /// What the outputs must show (every case also checks that nothing panicked).
    expect: &'static [Expect],
}

/// A file a case needs.
enum Fixture {
    /// This text.
    Text(&'static str),
    /// A repository file with each `(from, to)` replaced (every `from` must occur).
    Edit(&'static str, &'static [(&'static str, &'static str)]),
}

/// One expectation on a finished run.
enum Expect {
    /// Standard output contains this.
    Stdout(&'static str),
    /// Standard output does not contain this.
    OutNot(&'static str),
    /// Standard output is exactly this.
    OutIs(&'static str),
    /// Standard output starts with this.
    OutStarts(&'static str),
    /// Standard output has this many lines.
    OutLines(usize),
    /// Standard output equals this repository file.
    OutIsRepoFile(&'static str),
    /// A line of standard output starts with the first text and contains every other one.
    Line(&'static str, &'static [&'static str]),
    /// Standard error contains this.
    Stderr(&'static str),
    /// Standard error is exactly this.
    ErrIs(&'static str),
    /// Standard error starts with this.
    ErrStarts(&'static str),
    /// Line `n` of standard error starts with the first text and contains the second.
    ErrLine(usize, &'static str, &'static str),
    /// Standard error has this many lines.
    ErrLines(usize),
    /// Standard output is JSON whose value at the pointer equals this JSON text.
    Json(&'static str, &'static str),
    /// Standard output is JSON whose string at the pointer starts with this.
    JsonStarts(&'static str, &'static str),
    /// Standard output is JSON whose array at the pointer has this length.
    JsonLen(&'static str, usize),
    /// Standard output is CSV whose column has exactly these values (comma-separated), in order.
    Csv(&'static str, &'static str),
    /// Standard output is CSV; of the rows whose column (first) has the value (second), the
    /// column (third) has exactly these values (comma-separated), in order.
    CsvWhere(&'static str, &'static str, &'static str, &'static str),
    /// The file (in the case's directory) contains this.
    File(&'static str, &'static str),
    /// The file is exactly this.
    FileIs(&'static str, &'static str),
    /// The file is JSON whose value at the pointer equals this JSON text.
    FileJson(&'static str, &'static str, &'static str),
    /// The file equals this repository file.
    FileIsRepoFile(&'static str, &'static str),
    /// The file does not exist.
    NoFile(&'static str),
    /// A check of standard output in code.
    Check(fn(&str) -> Result<(), String>),
}

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

/// A fresh scratch directory unique to this test process and `name`.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ewsim-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write fixture");
    p.display().to_string()
}

fn repo_file(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs every case of a table and fails once, naming every case that failed and why.
fn run_table(table: &str, cases: &[Case]) {
    let failures: Vec<String> = cases
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let dir = scratch(&format!("{table}-{i}"));
            let result = run_case(&dir, c);
            if result.is_ok() {
                let _ = std::fs::remove_dir_all(&dir);
            }
            result.err()
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases of `{table}` failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Writes the case's files, runs it, and checks every expectation; the error lists the problems.
fn run_case(dir: &Path, case: &Case) -> Result<(), String> {
    let dir_s = dir.display().to_string();
    let sub = |s: &str| s.replace("{dir}", &dir_s);
    for (name, fixture) in case.files {
        let text = match fixture {
            Text(t) => sub(t),
            Edit(path, edits) => {
                let mut t = repo_file(path);
                for (from, to) in *edits {
                    if !t.contains(from) {
                        return Err(format!("case `{}`: `{from}` not in {path}", case.name));
                    }
                    t = t.replace(from, to);
                }
                t
            }
        };
        write(dir, name, &text);
    }
    let args: Vec<String> = case.args.split_whitespace().map(sub).collect();
    let o = ewsim(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let (out, err) = (stdout(&o), stderr(&o));
    let mut problems = Vec::new();
    if o.status.code() != Some(case.code) {
        problems.push(format!(
            "exit {:?}, expected {}",
            o.status.code(),
            case.code
        ));
    }
    if err.contains("panicked") {
        problems.push("panicked".into());
    }
    for e in case.expect {
        if let Err(p) = check(e, &out, &err, dir, &sub) {
            problems.push(p);
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let clip = |s: &str| s.chars().take(3000).collect::<String>();
    Err(format!(
        "case `{}`: ewsim {}\n  - {}\n--- stdout:\n{}\n--- stderr:\n{}",
        case.name,
        args.join(" "),
        problems.join("\n  - "),
        clip(&out),
        clip(&err)
    ))
}

fn check(
    e: &Expect,
    out: &str,
    err: &str,
    dir: &Path,
    sub: &dyn Fn(&str) -> String,
) -> Result<(), String> {
    let ok = |cond: bool, what: String| if cond { Ok(()) } else { Err(what) };
    let file = |name: &str| {
        std::fs::read_to_string(dir.join(name)).map_err(|e| format!("file {name}: {e}"))
    };
    match e {
        Stdout(s) => {
            let s = sub(s);
            ok(out.contains(&s), format!("stdout lacks {s:?}"))
        }
        OutNot(s) => {
            let s = sub(s);
            ok(!out.contains(&s), format!("stdout has {s:?}"))
        }
        OutIs(s) => {
            let s = sub(s);
            ok(out == s, format!("stdout is not {s:?}"))
        }
        OutStarts(s) => {
            let s = sub(s);
            ok(out.starts_with(&s), format!("stdout does not start {s:?}"))
        }
        OutLines(n) => ok(
            out.lines().count() == *n,
            format!("{} stdout lines, expected {n}", out.lines().count()),
        ),
        OutIsRepoFile(p) => ok(out == repo_file(p), format!("stdout differs from {p}")),
        Line(start, parts) => {
            let start = sub(start);
            let line = out.lines().find(|l| l.starts_with(&start));
            let line = line.ok_or(format!("no stdout line starts {start:?}"))?;
            match parts.iter().map(|p| sub(p)).find(|p| !line.contains(p)) {
                Some(p) => Err(format!("line {line:?} lacks {p:?}")),
                None => Ok(()),
            }
        }
        Stderr(s) => {
            let s = sub(s);
            ok(err.contains(&s), format!("stderr lacks {s:?}"))
        }
        ErrIs(s) => {
            let s = sub(s);
            ok(err == s, format!("stderr is not {s:?}"))
        }
        ErrStarts(s) => {
            let s = sub(s);
            ok(err.starts_with(&s), format!("stderr does not start {s:?}"))
        }
        ErrLine(n, start, part) => {
            let (start, part) = (sub(start), sub(part));
            let line = err.lines().nth(*n).unwrap_or("");
            ok(
                line.starts_with(&start) && line.contains(&part),
                format!("stderr line {n} {line:?} does not start {start:?} or lacks {part:?}"),
            )
        }
        ErrLines(n) => ok(
            err.lines().count() == *n,
            format!("{} stderr lines, expected {n}", err.lines().count()),
        ),
        Json(ptr, want) => json_at(out, ptr, want),
        JsonStarts(ptr, prefix) => {
            let v = json(out)?;
            let s = v.pointer(ptr).and_then(Value::as_str).unwrap_or("");
            ok(
                s.starts_with(prefix),
                format!("{ptr} = {s:?}, not {prefix:?}..."),
            )
        }
        JsonLen(ptr, n) => {
            let v = json(out)?;
            let len = v.pointer(ptr).and_then(Value::as_array).map(Vec::len);
            ok(
                len == Some(*n),
                format!("{ptr} has {len:?} entries, expected {n}"),
            )
        }
        Csv(col, want) => {
            let got = csv_column(out, None, col)?.join(",");
            ok(
                got == *want,
                format!("column {col} is {got:?}, expected {want:?}"),
            )
        }
        CsvWhere(key, value, col, want) => {
            let got = csv_column(out, Some((key, value)), col)?.join(",");
            ok(
                got == *want,
                format!("{col} where {key}={value}: {got:?}, expected {want:?}"),
            )
        }
        File(name, s) => {
            let s = sub(s);
            ok(file(name)?.contains(&s), format!("{name} lacks {s:?}"))
        }
        FileIs(name, s) => {
            let s = sub(s);
            ok(file(name)? == s, format!("{name} is not {s:?}"))
        }
        FileJson(name, ptr, want) => json_at(&file(name)?, ptr, want),
        FileIsRepoFile(name, p) => ok(
            file(name)? == repo_file(p),
            format!("{name} differs from {p}"),
        ),
        NoFile(name) => ok(!dir.join(name).exists(), format!("{name} was written")),
        Check(f) => f(out),
    }
}

fn json(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))
}

fn json_at(text: &str, ptr: &str, want: &str) -> Result<(), String> {
    let v = json(text)?;
    let want: Value = serde_json::from_str(want).expect("expected value is JSON");
    match v.pointer(ptr) {
        Some(got) if *got == want => Ok(()),
        got => Err(format!("{ptr} = {got:?}, expected {want}")),
    }
}

/// The values of column `col`, of the rows whose column `key.0` is `key.1` when given.
fn csv_column(text: &str, key: Option<(&str, &str)>, col: &str) -> Result<Vec<String>, String> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().map_err(|e| format!("CSV: {e}"))?.clone();
    let at = |n: &str| {
        header
            .iter()
            .position(|h| h == n)
            .ok_or(format!("no CSV column {n}"))
    };
    let c = at(col)?;
    let k = key.map(|(k, v)| at(k).map(|i| (i, v))).transpose()?;
    let mut values = Vec::new();
    for row in r.records() {
        let row = row.map_err(|e| format!("CSV: {e}"))?;
        if k.is_none_or(|(i, v)| &row[i] == v) {
            values.push(row[c].to_string());
        }
    }
    Ok(values)
}

/// The CSV rows as maps from column name to value.
fn csv_rows(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().expect("CSV header").clone();
    r.records()
        .map(|row| {
            let row = row.expect("CSV row");
            header
                .iter()
                .zip(row.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn num(v: &str) -> f64 {
    v.parse().unwrap_or(f64::NAN)
}

const BASE: Case = Case {
    name: "",
    args: "",
    files: &[],
    code: 0,
    expect: &[],
};

/// The head of a small hand-written scenario: one zone of one node.
macro_rules! head {
    () => {
        "version: 1\nregion: us-east-1\nzones:\n  - {name: a, nodes: {count: 1, type: m5.large}}\n"
    };
}

/// An invalid scenario run: exit 2, nothing on standard output, and the first line of standard
/// error located at `{dir}/NAME.yaml` + `at` and naming `cause`.
macro_rules! bad_scenario {
    ($name:literal, $text:expr, $at:literal, $cause:literal) => {
        Case {
            name: $name,
            args: concat!("run {dir}/", $name, ".yaml --no-latency"),
            files: &[(concat!($name, ".yaml"), Text($text))],
            code: 2,
            expect: &[
                OutIs(""),
                ErrLine(0, concat!("{dir}/", $name, ".yaml", $at), $cause),
            ],
        }
    };
}

const KEEP: (&str, Fixture) = ("keep.csv", Text("previous contents\n"));

// ---- run: formats, --out, --pricing ----

#[test]
fn run_renders_every_format() {
    const CASES: &[Case] = &[
        Case {
            name: "guide csv: the six figures in file order",
            args: "run scenarios/guide-10tb.yaml --format csv --no-latency",
            expect: &[
                Csv(
                    "option",
                    "itp-local,topology-aware,clusterip,internal-alb,lattice,internal-nlb",
                ),
                Csv("monthly_cost_usd", "0.00,30.72,68.27,98.12,400.00,77.64"),
                OutStarts("option,kind,monthly_cost_usd,cross_az_gb_month,dropped_share,"),
            ],
            ..BASE
        },
        Case {
            name: "table states region, price date and conventions",
            args: "run scenarios/eks-10tb.yaml --no-latency",
            expect: &[
                Stdout("region us-east-1"),
                Stdout("as of 2026-10-01"),
                Stdout("hours_per_month=730 inter_az=both-sides capacity_units=hourly-max"),
                Line("clusterip ", &["136.53"]),
            ],
            ..BASE
        },
        Case {
            name: "detail csv: one row per line item, rounded to the cent",
            args: "run scenarios/eks-10tb.yaml --format csv --detail --no-latency",
            // 16.43 + 81.92 + 136.53 = 234.88, the summary figure.
            expect: &[
                OutStarts("option,kind,component,description,"),
                CsvWhere(
                    "option",
                    "internal-alb",
                    "component",
                    "alb.hours,alb.lcu,inter_az.client_to_lb",
                ),
                CsvWhere("option", "internal-alb", "cost_usd", "16.43,81.92,136.53"),
            ],
            ..BASE
        },
        Case {
            name: "json: schema_version, conventions, cents and exact values, paths",
            args: "run scenarios/guide-10tb.yaml --format json --no-latency",
            expect: &[
                Json("/schema_version", "1"),
                Json("/billing/inter_az", "\"one-side\""),
                Json("/options/2/name", "\"clusterip\""),
                Json("/options/2/monthly_cost_usd", "68.27"),
                JsonStarts("/options/2/monthly_cost_usd_exact", "68.2666666"),
                JsonLen("/options/2/edges/0/paths", 9),
                Json("/latency", "null"),
                // Without states the JSON carries an empty array.
                JsonLen("/states", 0),
            ],
            ..BASE
        },
        Case {
            name: "json: replica states (hints hold by day, removed at night: 2,048 GB cross)",
            args: "run scenarios/scale-in.yaml --format json --no-latency",
            expect: &[
                JsonLen("/states", 2),
                Json("/states/1/name", "\"night\""),
                Json("/states/1/options/1/option", "\"topology-aware\""),
                Json("/states/1/options/1/edges/0/cross_az_gb_month", "2048.0"),
            ],
            ..BASE
        },
        Case {
            name: "json: the hints state per edge",
            args: "run scenarios/tar-fallback.yaml --format json --no-latency",
            expect: &[JsonStarts(
                "/options/1/edges/0/hints",
                "hints removed: MinAllocationExceedsOverloadThreshold:",
            )],
            ..BASE
        },
        Case {
            name: "markdown to --out: nothing on stdout",
            args: "run scenarios/guide-10tb.yaml --format markdown --no-latency --out {dir}/report.md",
            expect: &[
                OutIs(""),
                File("report.md", "| lattice | lattice | 400.00 |"),
            ],
            ..BASE
        },
        Case {
            // ClusterIP at $0.02 one side: 10,240 x 2/3 x 0.02 = 136.53.
            name: "--pricing override file changes the price",
            args: "run scenarios/guide-10tb.yaml --format csv --no-latency --pricing {dir}/p.yaml",
            files: &[(
                "p.yaml",
                Text(
                    "prices:\n  inter_az_per_gb_each_direction: {value: 0.02, source: test, as_of: \"2026-11-26\"}\n",
                ),
            )],
            expect: &[Line("clusterip,clusterip,136.53,", &[])],
            ..BASE
        },
        Case {
            name: "ranges: the point figure at the median, P10 < P50 < P90, the draws",
            // sqrt(8,192 x 15,360) GB / 75 = $149.56; all draws lie inside the 1%..99% band of
            // the lognormal: 7.06 TB to 17.0 TB -> $96 to $232.
            args: "run scenarios/uncertain-traffic.yaml --format csv --draws 40 --no-latency",
            expect: &[
                CsvWhere("option", "clusterip", "monthly_cost_usd", "149.56"),
                CsvWhere("option", "clusterip", "uncertainty_draws", "40"),
                Check(|out| {
                    let r = &csv_rows(out)[0];
                    let (p10, p50, p90) = (
                        num(&r["cost_p10_usd"]),
                        num(&r["cost_p50_usd"]),
                        num(&r["cost_p90_usd"]),
                    );
                    if p10 < p50 && p50 < p90 && p10 > 96.0 && p90 < 232.0 {
                        Ok(())
                    } else {
                        Err(format!("cost P10 / P50 / P90 {p10} / {p50} / {p90}"))
                    }
                }),
            ],
            ..BASE
        },
        Case {
            name: "ranges: a scenario without ranges leaves the range columns empty",
            args: "run scenarios/guide-10tb.yaml --format csv --no-latency",
            expect: &[Csv("cost_p10_usd", ",,,,,")],
            ..BASE
        },
        Case {
            name: "--draws 0 is ignored without ranges",
            args: "run scenarios/guide-10tb.yaml --draws 0 --no-latency",
            ..BASE
        },
    ];
    run_table("run", CASES);
}

// ---- invalid input: located, exit 2; runtime failures: exit 1; --out all or nothing ----

#[test]
fn invalid_input_is_located_and_exits_2() {
    const CASES: &[Case] = &[
        bad_scenario!(
            "malformed",
            "version: 1\nregion: us-east-1\nzones:\n  - {name: a, nodes: {count: 1\n",
            ":4:",
            "unclosed"
        ),
        bad_scenario!(
            "unknown-key",
            "version: 1\nregion: us-east-1\nzonez: []\n",
            ":3:1:",
            "unknown field `zonez`"
        ),
        bad_scenario!(
            "unknown-option",
            concat!(
                head!(),
                "services: [{name: x, replicas: 1}]\ntraffic: [{from: x, to: x, volume: 1 TB}]\noptions:\n  - {name: o, kind: fastest}\n"
            ),
            ":8:",
            "unknown option kind `fastest`"
        ),
        bad_scenario!(
            "negative",
            concat!(
                head!(),
                "services: [{name: x, replicas: 1}]\ntraffic:\n  - {from: x, to: x, volume: -3 TB}\noptions: [{name: o, kind: clusterip}]\n"
            ),
            ":7:",
            "negative"
        ),
        bad_scenario!(
            "non-numeric",
            concat!(
                head!(),
                "services: [{name: x, replicas: 1}]\ntraffic:\n  - {from: x, to: x, volume: lots}\noptions: [{name: o, kind: clusterip}]\n"
            ),
            ":7:",
            "not a number"
        ),
        bad_scenario!(
            "no-nodes",
            "version: 1\nregion: us-east-1\nzones:\n  - name: a\nservices: [{name: x, replicas: 1}]\ntraffic: [{from: x, to: x, volume: 1 TB}]\noptions: [{name: o, kind: clusterip}]\n",
            ":4:5:",
            "has no nodes"
        ),
        bad_scenario!(
            "unknown-service",
            concat!(
                head!(),
                "services: [{name: x, replicas: 1}]\ntraffic:\n  - {from: x, to: y, volume: 1 TB}\noptions: [{name: o, kind: clusterip}]\n"
            ),
            ":7:",
            "unknown service `y`"
        ),
        bad_scenario!(
            "undeclared-zone",
            concat!(
                head!(),
                "services:\n  - name: x\n    replicas: {a: 1, b: 2}\ntraffic: [{from: x, to: x, volume: 1 TB}]\noptions: [{name: o, kind: clusterip}]\n"
            ),
            ":7:",
            "undeclared zone `b`"
        ),
        bad_scenario!(
            "duplicate-option",
            concat!(
                head!(),
                "services: [{name: x, replicas: 1}]\ntraffic: [{from: x, to: x, volume: 1 TB}]\noptions:\n  - {name: o, kind: clusterip}\n  - {name: o, kind: headless}\n"
            ),
            ":9:",
            "already used"
        ),
        Case {
            name: "call graph: a call without traffic edge and a cycle",
            args: "run {dir}/cycle.yaml --no-latency",
            files: &[(
                "cycle.yaml",
                Text(concat!(
                    head!(),
                    "services: [{name: x, replicas: 1}, {name: y, replicas: 1}]\n",
                    "traffic: [{from: x, to: y, rps: 1, request_size: 1 KiB, response_size: 1 KiB}]\n",
                    "options: [{name: o, kind: clusterip}]\ncall_graph:\n  entry_points:\n    - name: e\n",
                    "      service: x\n      stages:\n        - [{to: y}]\n  services:\n    - service: y\n",
                    "      stages:\n        - [{to: x}]\n    - service: x\n      stages:\n        - [{to: y}]\n"
                )),
            )],
            code: 2,
            expect: &[
                Stderr(
                    ":17:12: error: call_graph.services[0].stages[0][0]: call y -> x has no traffic edge",
                ),
                Stderr("calls form a cycle: y -> x -> y"),
            ],
        },
        Case {
            name: "a range with its ends swapped",
            args: "run {dir}/bad.yaml --no-latency",
            files: &[(
                "bad.yaml",
                Edit(
                    "scenarios/uncertain-traffic.yaml",
                    &[("8TB to 15TB", "15TB to 8TB")],
                ),
            )],
            code: 2,
            expect: &[
                Stderr("bad.yaml:18:"),
                Stderr("the low end is above the high end"),
            ],
        },
        Case {
            name: "an unknown hop in latency.hops",
            args: "run {dir}/bad.yaml --no-latency",
            files: &[(
                "bad.yaml",
                Edit(
                    "scenarios/guide-10tb.yaml",
                    &[(
                        "options:",
                        "latency:\n  hops:\n    net.nope: {dist: {family: constant, value: 1}}\noptions:",
                    )],
                ),
            )],
            code: 2,
            expect: &[Stderr("unknown hop 'net.nope'")],
        },
        Case {
            name: "--draws 0 with ranges",
            args: "run scenarios/uncertain-traffic.yaml --draws 0 --no-latency",
            code: 2,
            expect: &[Stderr("error: --draws: must be at least 1")],
            ..BASE
        },
        Case {
            name: "an unknown --format is a usage error",
            args: "run scenarios/guide-10tb.yaml --format xml",
            code: 2,
            ..BASE
        },
    ];
    run_table("invalid", CASES);
}

#[test]
fn runtime_failures_exit_1_and_out_is_all_or_nothing() {
    const CASES: &[Case] = &[
        Case {
            name: "missing scenario file",
            args: "run does/not/exist.yaml --no-latency",
            code: 1,
            expect: &[Stderr("cannot read does/not/exist.yaml")],
            ..BASE
        },
        Case {
            name: "--out into a directory that does not exist: nothing created",
            args: "run scenarios/guide-10tb.yaml --no-latency --out {dir}/no-such-dir/report.csv",
            code: 1,
            expect: &[Stderr("cannot write"), NoFile("no-such-dir/report.csv")],
            ..BASE
        },
        Case {
            name: "an unreadable --pricing file leaves an existing --out file untouched",
            args: "calc --traffic 10TB --pricing does/not/exist.yaml --out {dir}/keep.csv",
            files: &[KEEP],
            code: 1,
            expect: &[
                Stderr("cannot read does/not/exist.yaml"),
                FileIs("keep.csv", "previous contents\n"),
            ],
        },
        Case {
            name: "invalid input never touches an existing --out file",
            args: "run {dir}/bad.yaml --out {dir}/keep.csv",
            files: &[
                KEEP,
                (
                    "bad.yaml",
                    Text("version: 1\nregion: us-east-1\nzonez: []\n"),
                ),
            ],
            code: 2,
            expect: &[FileIs("keep.csv", "previous contents\n")],
        },
        Case {
            name: "--out replaces an existing file whole",
            args: "run scenarios/guide-10tb.yaml --no-latency --format csv --out {dir}/keep.csv",
            files: &[KEEP],
            expect: &[
                OutIs(""),
                File("keep.csv", "option,kind,"),
                File("keep.csv", "\ninternal-nlb,"),
            ],
            code: 0,
        },
    ];
    run_table("runtime", CASES);
}

// ---- Unix manners: stdin, stdout, short flags, formats from file names, option selection ----

// The eks-10tb figures below, by hand: 10 TB = 10,240 GB, of which a random ClusterIP pick over
// 3 zones sends 2/3 across zones: 6,826.67 GB; billed at 0.01 USD/GB at each side (both-sides):
// 10,240 x 2/3 x 0.02 = 136.53 USD.

#[test]
fn outputs_follow_the_file_name_and_short_flags() {
    const CASES: &[Case] = &[
        Case {
            name: "--out r.csv without --format writes CSV",
            args: "run scenarios/eks-10tb.yaml --no-latency --out {dir}/r.csv",
            expect: &[
                OutIs(""),
                File("r.csv", "option,kind,monthly_cost_usd,cross_az_gb_month,"),
                File("r.csv", "\nclusterip,clusterip,136.53,6826.67,0,10240,"),
            ],
            ..BASE
        },
        Case {
            name: "-o r.json writes JSON",
            args: "run scenarios/eks-10tb.yaml --no-latency -o {dir}/r.json",
            expect: &[
                OutIs(""),
                FileJson("r.json", "/options/0/monthly_cost_usd", "136.53"),
            ],
            ..BASE
        },
        Case {
            name: "-o r.md writes Markdown",
            args: "run scenarios/eks-10tb.yaml --no-latency -o {dir}/r.md",
            // 10 TB = 10,240 GB, 2/3 of it crossing zones: 6,826.67 GB, whole from 100 GB.
            expect: &[File("r.md", "| clusterip | clusterip | 136.53 | 6827 |")],
            ..BASE
        },
        Case {
            name: "-o r.HTML (any case) writes HTML",
            args: "run scenarios/eks-10tb.yaml --no-latency -o {dir}/r.HTML",
            expect: &[File("r.HTML", "<!DOCTYPE html>")],
            ..BASE
        },
        Case {
            name: "an extension that names no format: the text table",
            args: "run scenarios/eks-10tb.yaml --no-latency -o {dir}/r.txt",
            expect: &[File("r.txt", "clusterip"), File("r.txt", "136.53")],
            ..BASE
        },
        Case {
            name: "-f agrees with the extension",
            args: "run scenarios/eks-10tb.yaml --no-latency -f csv -o {dir}/r.csv",
            expect: &[File("r.csv", "\nclusterip,clusterip,136.53,")],
            ..BASE
        },
        Case {
            name: "--format contradicting the extension: exit 2, nothing written",
            args: "run scenarios/eks-10tb.yaml --no-latency --format json --out {dir}/r.csv",
            code: 2,
            expect: &[
                ErrIs(
                    "error: --format json does not match --out {dir}/r.csv (a .csv file is \
                     csv); drop --format or change the file name\n",
                ),
                NoFile("r.csv"),
            ],
            ..BASE
        },
        Case {
            name: "the same check on sweep, recommend and diff",
            args: "sweep scenarios/eks-10tb.yaml --set traffic=1TB..2TB --steps 2 --no-latency -f markdown -o {dir}/s.html",
            code: 2,
            expect: &[Stderr("--format markdown does not match"), NoFile("s.html")],
            ..BASE
        },
        Case {
            name: "-o - writes standard output, no file named -",
            args: "run scenarios/eks-10tb.yaml --no-latency -f csv -o -",
            expect: &[
                OutStarts("option,kind,"),
                CsvWhere("option", "clusterip", "monthly_cost_usd", "136.53"),
            ],
            ..BASE
        },
        Case {
            name: "sweep -o s.csv: CSV, one row per step and option",
            args: "sweep scenarios/eks-10tb.yaml --set traffic=10TB..20TB --steps 2 --no-latency --options clusterip -o {dir}/s.csv",
            expect: &[
                // 20 TB: twice the 10 TB cost, 273.07 (20,480 x 2/3 x 0.02 = 273.066..).
                File("s.csv", "clusterip,clusterip,136.53,"),
                File("s.csv", "clusterip,clusterip,273.07,"),
            ],
            ..BASE
        },
        Case {
            name: "--options keeps the named options, in the scenario's order",
            args: "run scenarios/eks-10tb.yaml --no-latency -f csv --options lattice,clusterip",
            expect: &[Csv("option", "clusterip,lattice")],
            ..BASE
        },
        Case {
            name: "--options on recommend",
            args: "recommend scenarios/eks-10tb.yaml --require l4 --no-latency --options clusterip,lattice -f csv",
            expect: &[Check(|out| {
                let rows = csv_rows(out);
                let names: Vec<&str> = rows.iter().map(|r| r["option"].as_str()).collect();
                if names.len() == 2 && names.contains(&"clusterip") && names.contains(&"lattice") {
                    Ok(())
                } else {
                    Err(format!("options {names:?}, expected clusterip and lattice"))
                }
            })],
            ..BASE
        },
        Case {
            name: "--options with an unknown name: exit 2 listing the known ones",
            args: "run scenarios/guide-10tb.yaml --no-latency --options clusterip,fastest",
            code: 2,
            expect: &[
                OutIs(""),
                ErrStarts(
                    "error: --options: no option named `fastest` (hint: the scenario's options: itp-local, topology-aware, clusterip,",
                ),
                ErrLines(1),
            ],
            ..BASE
        },
        Case {
            name: "--options on sweep with an unknown name: exit 2",
            args: "sweep scenarios/eks-10tb.yaml --set traffic=1TB..2TB --options nope",
            code: 2,
            expect: &[Stderr("no option named `nope`")],
            ..BASE
        },
        Case {
            name: "--samples 0 with --no-latency: run",
            args: "run scenarios/eks-10tb.yaml --no-latency --samples 0 -f csv --options clusterip",
            expect: &[Csv("monthly_cost_usd", "136.53")],
            ..BASE
        },
        Case {
            name: "--samples 0 with --no-latency: sweep",
            args: "sweep scenarios/eks-10tb.yaml --set traffic=10TB..20TB --steps 2 --samples 0 --no-latency -f csv --options clusterip",
            expect: &[Csv("monthly_cost_usd", "136.53,273.07")],
            ..BASE
        },
        Case {
            name: "--samples 0 with --no-latency: recommend",
            args: "recommend scenarios/eks-10tb.yaml --require l4 --samples 0 --no-latency",
            ..BASE
        },
        Case {
            name: "--samples 0 with latency: still exit 2",
            args: "sweep scenarios/eks-10tb.yaml --set traffic=10TB..20TB --samples 0",
            code: 2,
            expect: &[ErrIs(
                "error: --samples must be at least 1 (or give --no-latency)\n",
            )],
            ..BASE
        },
        Case {
            name: "completions bash: a completion function bound to ewsim",
            args: "completions bash",
            expect: &[
                Stdout("_ewsim() {"),
                Stdout("complete -F _ewsim"),
                Stdout("--out"),
                Stdout("--options"),
            ],
            ..BASE
        },
        Case {
            name: "completions zsh",
            args: "completions zsh",
            expect: &[OutStarts("#compdef ewsim")],
            ..BASE
        },
        Case {
            name: "man: NAME, SYNOPSIS and every subcommand",
            args: "man",
            expect: &[
                OutStarts(".ie"),
                Stdout(".SH NAME"),
                Stdout(".SH SYNOPSIS"),
                Stdout(".SH SUBCOMMANDS"),
                Check(|out| {
                    let missing: Vec<&str> = [
                        "run",
                        "calc",
                        "diff",
                        "explain",
                        "sweep",
                        "recommend",
                        "schema",
                        "validate",
                        "pricing",
                        "completions",
                        "man",
                    ]
                    .into_iter()
                    .filter(|s| !out.contains(&format!("ewsim\\-{s}(1)")))
                    .collect();
                    if missing.is_empty() {
                        Ok(())
                    } else {
                        Err(format!("man page lacks {missing:?}"))
                    }
                }),
            ],
            ..BASE
        },
        Case {
            name: "man run: the subcommand's page with its flags",
            args: "man run",
            expect: &[
                Stdout(".TH ewsim-run 1  \"ewsim-run 0.1.0\""),
                Stdout(".SH SYNOPSIS"),
                Stdout("\\-\\-out"),
            ],
            ..BASE
        },
        Case {
            name: "man of an unknown subcommand: exit 2",
            args: "man fly",
            code: 2,
            expect: &[ErrStarts(
                "error: no subcommand `fly` (hint: one of run, calc,",
            )],
            ..BASE
        },
    ];
    run_table("manners", CASES);
}

/// Runs `ewsim` with `input` on standard input.
fn ewsim_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ewsim"))
        .args(args)
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs ewsim");
    let mut stdin = child.stdin.take().expect("stdin");
    // A command that fails before reading closes its end: that is not this test's concern.
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    child.wait_with_output().expect("ewsim finishes")
}

#[test]
fn dash_reads_the_scenario_from_standard_input() {
    let eks = repo_file("scenarios/eks-10tb.yaml");
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "run",
            &[
                "run",
                "-",
                "--no-latency",
                "-f",
                "csv",
                "--options",
                "clusterip",
            ],
            "\nclusterip,clusterip,136.53,6826.67,",
        ),
        (
            "validate",
            &["validate", "-"],
            "ok: <stdin>: 2 services, 1 traffic edges, 17 options\n",
        ),
        (
            "explain",
            &["explain", "-", "--option", "clusterip"],
            "clusterip",
        ),
        (
            "sweep",
            &[
                "sweep",
                "-",
                "--set",
                "traffic=10TB..20TB",
                "--steps",
                "2",
                "--no-latency",
                "-f",
                "csv",
                "--options",
                "clusterip",
            ],
            "273.07",
        ),
        (
            "recommend",
            &[
                "recommend",
                "-",
                "--require",
                "l4",
                "--no-latency",
                "--options",
                "clusterip",
            ],
            "clusterip",
        ),
    ];
    let mut failures = Vec::new();
    for (name, args, want) in cases {
        let o = ewsim_stdin(args, &eks);
        if o.status.code() != Some(0) || !stdout(&o).contains(want) {
            failures.push(format!(
                "{name}: exit {:?}, stdout lacks {want:?}\n{}{}",
                o.status.code(),
                stdout(&o),
                stderr(&o)
            ));
        }
    }
    // Problems are located in `<stdin>`.
    let o = ewsim_stdin(
        &["run", "-", "--no-latency"],
        "version: 1\nregion: us-east-1\nzonez: []\n",
    );
    if o.status.code() != Some(2) || !stderr(&o).starts_with("<stdin>:3:1: ") {
        failures.push(format!(
            "bad stdin: exit {:?}, stderr {:?}",
            o.status.code(),
            stderr(&o)
        ));
    }
    // A saved report from standard input, the other from a file.
    let dir = scratch("stdin-diff");
    let old = write(&dir, "old.json", OLD_JSON);
    let o = ewsim_stdin(&["diff", &old, "-", "-f", "csv"], NEW_JSON);
    if !stdout(&o).contains("\nclusterip,clusterip,changed,68.27,136.53,68.27,100.00,") {
        failures.push(format!("diff old -: {}{}", stdout(&o), stderr(&o)));
    }
    let o = ewsim_stdin(&["diff", "-", "-"], NEW_JSON);
    if o.status.code() != Some(2) {
        failures.push(format!("diff - -: exit {:?}", o.status.code()));
    }
    assert!(!root().join("-").exists(), "a file named `-` was written");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Runs a shell pipeline with `set -o pipefail` (bash), `EWSIM` standing for the binary.
fn pipeline(script: &str) -> Output {
    Command::new("bash")
        .args(["-c", &format!("set -o pipefail; {script}")])
        .env("EWSIM", env!("CARGO_BIN_EXE_ewsim"))
        .current_dir(root())
        .output()
        .expect("runs bash")
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    // The issue's command: the reader takes one line and leaves.
    let o = pipeline(
        "cat scenarios/eks-10tb.yaml | \"$EWSIM\" run - -o - --format csv --samples 2000 | head -1",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The header only: one line, the documented first columns (README "CSV columns").
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with("option,kind,monthly_cost_usd,cross_az_gb_month,"),
        "{out}"
    );
    assert_eq!(stderr(&o), "");
    // A reader gone before the first byte is written (`true` reads nothing), for every format,
    // including the streamed JSON: exit 0 and nothing on standard error (it used to be exit 1
    // and "Broken pipe").
    for format in ["table", "csv", "json", "markdown", "html"] {
        let o = pipeline(&format!(
            "\"$EWSIM\" run scenarios/eks-10tb.yaml --samples 20000 -f {format} | true"
        ));
        assert_eq!(
            (o.status.code(), stderr(&o)),
            (Some(0), String::new()),
            "{format}"
        );
    }
    let o = pipeline("\"$EWSIM\" man | true");
    assert_eq!(
        (o.status.code(), stderr(&o)),
        (Some(0), String::new()),
        "man"
    );
}

/// The files of a folder, sorted (to show that no temporary file was left).
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("lists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `ewsim run eks-10tb --no-latency -f csv --options clusterip --out TARGET`.
fn run_out(target: &Path) -> Output {
    let t = target.display().to_string();
    ewsim(&[
        "run",
        "scenarios/eks-10tb.yaml",
        "--no-latency",
        "-f",
        "csv",
        "--options",
        "clusterip",
        "--out",
        &t,
    ])
}

/// What [`run_out`] writes: the header and clusterip's row (136.53 USD, see above).
fn is_clusterip_csv(text: &str) -> bool {
    text.starts_with("option,kind,")
        && text.contains("\nclusterip,clusterip,136.53,")
        && text.lines().count() == 2
}

#[test]
fn out_keeps_modes_links_and_special_files() {
    use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
    let dir = scratch("out-files");
    let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o7777;

    // A 0600 file stays 0600 (it used to become 0644) and gets the whole output.
    let private = dir.join("private.csv");
    std::fs::write(&private, "old\n").expect("write");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let o = run_out(&private);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(mode(&private), 0o600);
    assert!(is_clusterip_csv(
        &std::fs::read_to_string(&private).expect("read")
    ));

    // A symbolic link: its target is written, the link stays a link.
    let target = dir.join("target.csv");
    std::fs::write(&target, "old\n").expect("write");
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink("target.csv", &link).expect("symlink");
    let o = run_out(&link);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert!(is_clusterip_csv(
        &std::fs::read_to_string(&target).expect("read")
    ));

    // A dangling link: its target is created.
    let dangling = dir.join("dangling.csv");
    std::os::unix::fs::symlink("created.csv", &dangling).expect("symlink");
    let o = run_out(&dangling);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&dangling)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert!(is_clusterip_csv(
        &std::fs::read_to_string(dir.join("created.csv")).expect("read")
    ));

    // A hard link: both names see the new text, they stay one file.
    let a = dir.join("a.csv");
    let b = dir.join("b.csv");
    std::fs::write(&a, "old\n").expect("write");
    std::fs::hard_link(&a, &b).expect("hard link");
    let o = run_out(&a);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(is_clusterip_csv(
        &std::fs::read_to_string(&b).expect("read")
    ));
    assert_eq!(
        std::fs::metadata(&a).expect("meta").ino(),
        std::fs::metadata(&b).expect("meta").ino()
    );
    assert_eq!(std::fs::metadata(&a).expect("meta").nlink(), 2);

    // A read-only file: exit 1, left as it was (even for root, who could write it).
    let ro = dir.join("ro.csv");
    std::fs::write(&ro, "keep me\n").expect("write");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let o = run_out(&ro);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with(&format!("error: cannot write {}: ", ro.display())),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("read-only"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&ro).expect("read"), "keep me\n");
    assert_eq!(mode(&ro), 0o444);

    // A folder: exit 1, nothing replaced.
    let folder = dir.join("folder.csv");
    std::fs::create_dir(&folder).expect("mkdir");
    assert_eq!(run_out(&folder).status.code(), Some(1));
    assert!(folder.is_dir());

    // No temporary file anywhere, after the successes and the failures.
    assert_eq!(
        listing(&dir),
        [
            "a.csv",
            "b.csv",
            "created.csv",
            "dangling.csv",
            "folder.csv",
            "link.csv",
            "private.csv",
            "ro.csv",
            "target.csv"
        ]
    );

    // A FIFO is written through, not replaced.
    let fifo = dir.join("pipe.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("reads the fifo"))
    };
    let o = run_out(&fifo);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(is_clusterip_csv(&reader.join().expect("reader")));
    assert!(
        std::fs::symlink_metadata(&fifo)
            .expect("meta")
            .file_type()
            .is_fifo()
    );

    // A character device (/dev/null) is written through and stays a device; /dev/stdout is
    // the process's standard output whatever the machine's /dev/stdout is, and is left as it
    // was (it used to be replaced by a regular file when run as root).
    let o = run_out(Path::new("/dev/null"));
    assert_eq!((o.status.code(), stdout(&o)), (Some(0), String::new()));
    assert!(
        std::fs::metadata("/dev/null")
            .expect("meta")
            .file_type()
            .is_char_device()
    );
    let before = std::fs::symlink_metadata("/dev/stdout").map(|m| m.file_type().is_symlink());
    let o = run_out(Path::new("/dev/stdout"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(is_clusterip_csv(&stdout(&o)), "{}", stdout(&o));
    let after = std::fs::symlink_metadata("/dev/stdout").map(|m| m.file_type().is_symlink());
    assert_eq!(before.ok(), after.ok());
    let o = run_out(Path::new("-"));
    assert!(is_clusterip_csv(&stdout(&o)), "{}", stdout(&o));

    let _ = std::fs::remove_dir_all(&dir);
}

/// A one-zone scenario whose option names are what a hostile or careless author might write:
/// formulas, a number, control characters (YAML `\t`, `\r`, `\e` escapes).
const HOSTILE: &str = concat!(
    head!(),
    "services:\n  - {name: web, replicas: 1}\n  - {name: api, replicas: 1}\n",
    "traffic:\n  - {from: web, to: api, volume: 1 TB}\n",
    "options:\n",
    "  - {name: \"=1+2\", kind: clusterip}\n",
    "  - {name: \"+cmd\", kind: clusterip}\n",
    "  - {name: \"-42\", kind: clusterip}\n",
    "  - {name: \"@SUM(A1)\", kind: clusterip}\n",
    "  - {name: \"\\tx\", kind: clusterip}\n",
    "  - {name: \"\\rcr\", kind: clusterip}\n",
    "  - {name: \"-1e3\", kind: clusterip}\n",
    "  - {name: \"a\\e[31mred\", kind: clusterip}\n",
);

/// Standard output has no control character but line feeds.
fn no_raw_controls(out: &str) -> Result<(), String> {
    match out.chars().find(|c| c.is_control() && *c != '\n') {
        Some(c) => Err(format!("raw control character {c:?} in the output")),
        None => Ok(()),
    }
}

#[test]
fn scenario_strings_stay_inert() {
    const CASES: &[Case] = &[
        Case {
            // OWASP (CSV injection): a text cell starting =, +, -, @, tab or CR gets a leading
            // `'`; numbers (-42, -1e3) stay numbers; one zone, so no cross-zone cost: 0.00.
            name: "csv: formula-like text cells get a leading quote, numbers do not",
            args: "run {dir}/s.yaml --no-latency -f csv",
            files: &[("s.yaml", Text(HOSTILE))],
            expect: &[
                Csv(
                    "option",
                    "'=1+2,'+cmd,-42,'@SUM(A1),'\tx,'\rcr,-1e3,a\u{1b}[31mred",
                ),
                Csv(
                    "monthly_cost_usd",
                    "0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00",
                ),
            ],
            ..BASE
        },
        Case {
            name: "table: control characters escaped",
            args: "run {dir}/s.yaml --no-latency",
            files: &[("s.yaml", Text(HOSTILE))],
            expect: &[
                Stdout("a\\x1b[31mred"),
                Stdout("\\x09x"),
                Stdout("\\x0dcr"),
                Check(no_raw_controls),
            ],
            ..BASE
        },
        Case {
            name: "markdown: control characters escaped",
            args: "run {dir}/s.yaml --no-latency -f markdown",
            files: &[("s.yaml", Text(HOSTILE))],
            expect: &[Stdout("a\\x1b[31mred"), Check(no_raw_controls)],
            ..BASE
        },
        Case {
            name: "json: the name exact, escaped by JSON's own rules",
            args: "run {dir}/s.yaml --no-latency -f json",
            files: &[("s.yaml", Text(HOSTILE))],
            expect: &[
                Json("/options/7/name", "\"a\\u001b[31mred\""),
                Json("/options/0/name", "\"=1+2\""),
                Check(no_raw_controls),
            ],
            ..BASE
        },
        Case {
            name: "html: escaped markup, still the page",
            args: "run {dir}/s.yaml --no-latency -f html",
            files: &[("s.yaml", Text(HOSTILE))],
            expect: &[OutStarts("<!DOCTYPE html>"), OutNot("<script")],
            ..BASE
        },
        Case {
            name: "explain: control characters escaped",
            args: "explain {dir}/s.yaml",
            files: &[("s.yaml", Text(HOSTILE))],
            expect: &[Stdout("a\\x1b[31mred"), Check(no_raw_controls)],
            ..BASE
        },
    ];
    run_table("inert", CASES);
}

#[test]
fn progress_shows_on_a_terminal_only() {
    // 5 M requests per option for 17 options: about 2-4 s here, so past the one-second mark on
    // any machine likely to run the tests.
    const ARGS: &str = "run scenarios/eks-10tb.yaml --samples 5000000 -f csv";
    let o = ewsim(&ARGS.split(' ').collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "piped standard error shows no progress");
    // On a terminal (`script` gives the command one) the bar names the work and counts up.
    let Ok(o) = Command::new("script")
        .args([
            "-qec",
            &format!("{} {ARGS} -o /dev/null", env!("CARGO_BIN_EXE_ewsim")),
            "/dev/null",
        ])
        .current_dir(root())
        .output()
    else {
        eprintln!("note: no `script` command: the terminal half of this test was skipped");
        return;
    };
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let screen = stdout(&o);
    let percents: Vec<u32> = screen
        .split('\r')
        .filter_map(|line| line.split_once("evaluating 17 options ["))
        .filter_map(|(_, bar)| {
            bar.split_once("] ")?
                .1
                .split_once('%')?
                .0
                .trim()
                .parse()
                .ok()
        })
        .collect();
    assert!(percents.len() >= 2, "bar lines: {screen:?}");
    assert!(
        percents.windows(2).all(|w| w[0] <= w[1]),
        "the bar went backwards: {percents:?}"
    );
    assert!(screen.contains(" s left)"), "{screen:?}");
}

#[test]
fn errors_in_the_users_terms() {
    const CASES: &[Case] = &[
        Case {
            name: "calc: a request rate missing names --traffic and asks for --request-size",
            args: "calc --traffic 10TB --options clusterip,istio-sidecar --no-latency",
            code: 2,
            expect: &[
                ErrIs(
                    "error: --traffic: option `istio-sidecar` prices proxy CPU per request, but \
                     this edge has no request rate (hint: give the average request + response \
                     size, e.g. --request-size 16KiB)\n",
                ),
                OutIs(""),
            ],
            ..BASE
        },
        Case {
            name: "calc: an unpriced instance type names --instance-type once (not three zones)",
            args: "calc --traffic 10TB --instance-type m9.huge --no-latency",
            code: 2,
            expect: &[
                ErrStarts(
                    "error: --instance-type: instance type `m9.huge` is not in the us-east-1 price table",
                ),
                ErrLines(1),
            ],
            ..BASE
        },
        Case {
            name: "calc: a bare number of traffic asks for a unit",
            args: "calc --traffic 2000",
            code: 2,
            expect: &[
                ErrIs(
                    "error: --traffic: `2000` has no unit (hint: write the unit: `2000GB` or `2000TB` (TB = 1,024 GB))\n",
                ),
                OutNot("2000 per month"),
            ],
            ..BASE
        },
        Case {
            name: "calc: with its unit, the same volume prices: 2000 GB x 2/3 x 0.02 = 26.67",
            args: "calc --traffic 2000GB --options clusterip --no-latency -f csv",
            expect: &[Csv("monthly_cost_usd", "26.67")],
            ..BASE
        },
        Case {
            name: "recommend: an example's name given as a capability points at --example",
            args: "recommend scenarios/eks-10tb.yaml --require zero-trust --no-latency",
            code: 2,
            expect: &[ErrIs(
                "error: --require: unknown capability `zero-trust` (hint: `zero-trust` is an \
                 example requirement set, not a capability: use --example zero-trust (it requires \
                 mtls); `ewsim recommend --list` shows both)\n",
            )],
            ..BASE
        },
        Case {
            name: "recommend: a near miss too (multicluster)",
            args: "recommend scenarios/eks-10tb.yaml --require multicluster --no-latency",
            code: 2,
            expect: &[Stderr(
                "use --example multi-cluster (it requires multi-cluster,no-self-managed-proxy)",
            )],
            ..BASE
        },
        Case {
            name: "recommend: a name far from every example keeps the capability list",
            args: "recommend scenarios/eks-10tb.yaml --require teleport --no-latency",
            code: 2,
            expect: &[Stderr("(hint: known capabilities: l4:")],
            ..BASE
        },
    ];
    run_table("users-terms", CASES);
}

// ---- explain ----

#[test]
fn explain_names_hints_shares_and_drops() {
    const CASES: &[Case] = &[
        Case {
            name: "one option: upstream reason, per client zone shares, overall share, hops",
            args: "explain scenarios/tar-fallback.yaml --option topology-aware",
            expect: &[
                Stdout("hints removed: MinAllocationExceedsOverloadThreshold"),
                Stdout("(4 endpoints, 3 zones)"),
                Stdout("option topology-aware"),
                OutNot("option clusterip"),
                Stdout("-> 50.0% of requests from us-east-1a cross zones"),
                Stdout("-> 75.0% of requests from us-east-1b cross zones"),
                Stdout("all clients: 66.7% cross zones, 0.0% dropped"),
                Stdout("hops: pod->pod"),
            ],
            ..BASE
        },
        Case {
            name: "every option, and the drops of ITP Local",
            args: "explain scenarios/tar-fallback.yaml",
            expect: &[
                Stdout("option clusterip "),
                Stdout("option topology-aware "),
                Stdout("option prefer-close "),
                Stdout("option itp-local "),
                Stdout("all clients: 0.0% cross zones, 33.3% dropped"),
            ],
            ..BASE
        },
        Case {
            name: "replica states: each state's share of the month and hints",
            args: "explain scenarios/scale-in.yaml --option topology-aware",
            expect: &[
                Stdout("state day (66.7% of the month)"),
                Stdout(
                    "edge frontend -> backend: hints removed: MinAllocationExceedsOverloadThreshold (4 endpoints, 3 zones); 2048.00 GB cross zones",
                ),
            ],
            ..BASE
        },
        Case {
            name: "an unknown option exits 2 with the names",
            args: "explain scenarios/tar-fallback.yaml --option nope",
            code: 2,
            expect: &[
                OutIs(""),
                Stderr("nope"),
                Stderr("clusterip, topology-aware, prefer-close, itp-local"),
            ],
            ..BASE
        },
    ];
    run_table("explain", CASES);
}

// ---- recommend ----

#[test]
fn recommend_filters_and_ranks() {
    const CASES: &[Case] = &[
        Case {
            name: "an unknown capability exits 2 offering every capability",
            args: "recommend scenarios/eks-10tb.yaml --require mtls,l8-routing --no-latency",
            code: 2,
            expect: &[
                OutIs(""),
                Stderr("unknown capability `l8-routing`"),
                Stderr("l4: "),
                Stderr("l7-routing: "),
                Stderr("mtls: "),
                Stderr("iam-auth: "),
                Stderr("waf: "),
                Stderr("static-ip: "),
                Stderr("multi-cluster: "),
                Stderr("multi-account: "),
                Stderr("no-extra-component: "),
                Stderr("statefulset-addressing: "),
                Stderr("zone-local: "),
                Stderr("observability: "),
            ],
            ..BASE
        },
        Case {
            // Guide row 7: only VPC Lattice shares across accounts with IAM auth
            // (capabilities/options.yaml).
            name: "example json: the winner and every exclusion with its source",
            args: "recommend scenarios/multi-cluster.yaml --example multi-account --format json --no-latency",
            expect: &[
                Json("/recommended", "\"lattice\""),
                Json("/example/row", "7"),
                JsonLen("/excluded", 4),
                Check(|out| {
                    let v: Value = serde_json::from_str(out).map_err(|e| e.to_string())?;
                    let lacks_iam = |x: &Value| {
                        x["missing"].as_array().is_some_and(|m| {
                            m.iter().any(|m| {
                                m["capability"] == "iam-auth"
                                    && m["source"]["url"].as_str().is_some_and(|u| !u.is_empty())
                            })
                        })
                    };
                    match v["excluded"].as_array() {
                        Some(x) if x.iter().all(lacks_iam) => Ok(()),
                        _ => Err("an excluded option does not lack iam-auth with a source".into()),
                    }
                }),
            ],
            ..BASE
        },
        Case {
            name: "an unknown example exits 2 naming the examples",
            args: "recommend scenarios/eks-10tb.yaml --example nope",
            code: 2,
            expect: &[Stderr("dr-low-traffic")],
            ..BASE
        },
    ];
    run_table("recommend", CASES);
}

// ---- sweep ----

#[test]
fn sweep_steps_and_break_evens() {
    const CASES: &[Case] = &[
        Case {
            // 3 steps x 17 options, one row each; at 2 TB ClusterIP costs
            // 2,048 x 2/3 x $0.01 x 2 = $27.31.
            name: "csv is tidy",
            args: "sweep scenarios/eks-10tb.yaml --set traffic=1TB..3TB --steps 3 --no-latency --format csv",
            expect: &[
                OutStarts("parameter,value,unit,option,kind,monthly_cost_usd,"),
                OutLines(1 + 3 * 17),
                Line("traffic,2,TB,clusterip,clusterip,27.31,", &[]),
            ],
            ..BASE
        },
        Case {
            // The zonal NLB / ClusterIP break-even: 16.425 x 75 / 0.55 GB = 2.1873 TB, shown to
            // 2 decimals as its magnitude warrants.
            name: "table names the break-even",
            args: "sweep scenarios/eks-10tb.yaml --set traffic=1TB..3TB --steps 3 --no-latency",
            expect: &[Stdout(
                "internal-nlb-zonal-dns becomes cheaper than clusterip above 2.19 TB ($29.86/month each)",
            )],
            ..BASE
        },
        Case {
            name: "--set naming an unknown entry lists the known ones",
            args: "sweep scenarios/eks-10tb.yaml --set services[db].replicas=1..3",
            code: 2,
            expect: &[Stderr(
                "no entry `db` in `services` (known: frontend, backend)",
            )],
            ..BASE
        },
        Case {
            name: "--set of a value the file does not set lists the settable ones",
            args: "sweep scenarios/eks-10tb.yaml --set zones=1..3",
            code: 2,
            expect: &[Stderr("traffic[0].bytes_per_request")],
            ..BASE
        },
        Case {
            name: "--set without a range",
            args: "sweep scenarios/eks-10tb.yaml --set traffic=1TB",
            code: 2,
            expect: &[Stderr("expected FROM..TO")],
            ..BASE
        },
        Case {
            name: "a range far beyond any workload is an input error",
            args: "sweep scenarios/eks-10tb.yaml --set traffic=1TB..9999999999999999PB --steps 2",
            code: 2,
            ..BASE
        },
    ];
    run_table("sweep", CASES);
}

// ---- calc ----

#[test]
fn calc_flags() {
    const CASES: &[Case] = &[
        Case {
            name: "unknown option kind names the flag and the kinds",
            args: "calc --traffic 10TB --options clusterip,fastest",
            code: 2,
            expect: &[
                OutIs(""),
                Stderr("error: --options: unknown option kind `fastest`"),
                Stderr("known kinds: clusterip, headless, itp-local"),
            ],
            ..BASE
        },
        Case {
            name: "every bad flag at once",
            args: "calc --traffic ten --zones 0",
            code: 2,
            expect: &[
                Stderr("--traffic: `ten` is not a number"),
                Stderr("--zones: 0 zones"),
            ],
            ..BASE
        },
        Case {
            name: "found only at evaluation: named by the flag that set it, not the generated text",
            args: "calc --traffic 1TB --instance-type m9.huge --no-latency",
            code: 2,
            expect: &[ErrStarts("error: --instance-type: "), OutNot("<calc>")],
            ..BASE
        },
        Case {
            name: "a volume far beyond any workload names the flag",
            args: "calc --traffic 79228162514264337593543950335PB --no-latency",
            code: 2,
            expect: &[Stderr("is too large")],
            ..BASE
        },
        Case {
            // ap-northeast-2's table has `lattice_service_hour: null` (no verified price).
            name: "default options leave out Lattice where it has no verified price, saying so",
            args: "calc --traffic 10TB --region ap-northeast-2 --no-latency --format csv",
            expect: &[
                Stderr("lattice left out of the default options"),
                OutNot("\nlattice,"),
            ],
            ..BASE
        },
        Case {
            name: "Lattice asked for by name there is an input error naming the price",
            args: "calc --traffic 10TB --region ap-northeast-2 --options lattice --no-latency",
            code: 2,
            expect: &[Stderr("lattice_service_hour")],
            ..BASE
        },
        Case {
            name: "--print-scenario writes the scenario YAML",
            args: "calc --traffic 10TB --print-scenario",
            expect: &[Stdout("\nversion: 1 "), Stdout("kind: clusterip")],
            ..BASE
        },
    ];
    run_table("calc", CASES);
}

// ---- budget gates: exit 2 before anything is written, 3 after the report ----

#[test]
fn budget_gates() {
    const CASES: &[Case] = &[
        Case {
            name: "several options need --gate-option; --out untouched",
            args: "calc --traffic 10TB --options clusterip,internal-alb --no-latency --fail-above-usd 200 --out {dir}/keep.csv",
            files: &[KEEP],
            code: 2,
            expect: &[
                Stderr("--gate-option: the scenario has 2 options"),
                FileIs("keep.csv", "previous contents\n"),
            ],
        },
        Case {
            name: "an unknown --gate-option lists the options; --out untouched",
            args: "calc --traffic 10TB --options clusterip,internal-alb --no-latency --fail-above-usd 200 --gate-option nlb --out {dir}/keep.csv",
            files: &[KEEP],
            code: 2,
            expect: &[
                Stderr("no option named `nlb` (hint: options: clusterip, internal-alb)"),
                FileIs("keep.csv", "previous contents\n"),
            ],
        },
        Case {
            name: "a p99 budget without latency is a usage error; --out untouched",
            args: "calc --traffic 10TB --request-size 16KiB --options internal-alb --no-latency --fail-above-p99-ms 5 --out {dir}/keep.csv",
            files: &[KEEP],
            code: 2,
            expect: &[
                Stderr("cannot be used with"),
                FileIs("keep.csv", "previous contents\n"),
            ],
        },
        Case {
            name: "a budget that is not an amount; --out untouched",
            args: "calc --traffic 10TB --request-size 16KiB --options internal-alb --fail-above-usd lots --out {dir}/keep.csv",
            files: &[KEEP],
            code: 2,
            expect: &[
                Stderr("`lots` is not an amount of USD"),
                FileIs("keep.csv", "previous contents\n"),
            ],
        },
        Case {
            // Internal ALB: 16.425 + 81.92 + 136.5333 = $234.88 > $200.
            name: "over budget: the whole report is written first, then the verdict, exit 3",
            args: "calc --traffic 10TB --request-size 16KiB --options internal-alb --no-latency --fail-above-usd 200 --format json --out {dir}/gated.json",
            code: 3,
            expect: &[
                ErrIs("budget exceeded: option internal-alb costs $234.88/month > $200.00\n"),
                FileJson("gated.json", "/options/0/monthly_cost_usd", "234.88"),
            ],
            ..BASE
        },
        Case {
            name: "within budget to the cent: exit 0 with the verdict on stderr",
            args: "calc --traffic 10TB --request-size 16KiB --options internal-alb --no-latency --fail-above-usd 234.88",
            expect: &[
                Stderr("within budget: option internal-alb: $234.88/month <= $234.88"),
                Stdout("internal-alb"),
            ],
            ..BASE
        },
        Case {
            name: "the named option among several, report to stdout first",
            args: "calc --traffic 10TB --options clusterip,internal-alb --no-latency --fail-above-usd $100 --gate-option clusterip",
            code: 3,
            expect: &[
                Stdout("clusterip"),
                ErrIs("budget exceeded: option clusterip costs $136.53/month > $100.00\n"),
            ],
            ..BASE
        },
    ];
    run_table("gates", CASES);
}

// ---- latency through the binary (few requests; the statistics are the library's tests') ----

#[test]
fn latency_reports() {
    const CASES: &[Case] = &[
        Case {
            name: "json carries seed, samples, generator and the p99 interval",
            args: "run scenarios/guide-10tb.yaml --format json --samples 5000 --seed 3",
            expect: &[
                Json("/latency/seed", "3"),
                Json("/latency/samples", "5000"),
                Check(|out| {
                    let v: Value = serde_json::from_str(out).map_err(|e| e.to_string())?;
                    let rng = v["latency"]["rng"].as_str().unwrap_or("");
                    let ci = v["options"][0]["latency"]["p99_ci_ms"]
                        .as_array()
                        .map(Vec::len);
                    if rng.contains("Xoshiro256PlusPlus") && ci == Some(2) {
                        Ok(())
                    } else {
                        Err(format!("rng {rng:?}, p99 interval {ci:?}"))
                    }
                }),
            ],
            ..BASE
        },
        Case {
            name: "csv: the percentile columns, ordered",
            args: "run scenarios/guide-10tb.yaml --format csv --samples 5000",
            expect: &[
                Stdout(",p50_ms,p90_ms,p99_ms,p999_ms,latency_samples,latency_seed,"),
                Check(|out| {
                    for r in csv_rows(out) {
                        let p = ["p50_ms", "p90_ms", "p99_ms", "p999_ms"].map(|c| num(&r[c]));
                        let ordered = 0.0 < p[0] && p[0] <= p[1] && p[1] <= p[2] && p[2] <= p[3];
                        if !ordered {
                            return Err(format!("{}: percentiles {p:?}", r["option"]));
                        }
                    }
                    Ok(())
                }),
            ],
            ..BASE
        },
        Case {
            name: "no traffic at all: $0 for ClusterIP, and a request still has a latency",
            args: "calc --traffic 0TB --options clusterip --format csv --samples 2000",
            expect: &[
                Csv("monthly_cost_usd", "0.00"),
                Check(|out| match num(&csv_rows(out)[0]["p99_ms"]) {
                    p if p > 0.0 => Ok(()),
                    p => Err(format!("p99 {p}")),
                }),
            ],
            ..BASE
        },
        Case {
            name: "ranges: p99 P10 <= P90 per option",
            args: "run scenarios/uncertain-traffic.yaml --format csv --samples 5000 --draws 20",
            expect: &[Check(|out| {
                for r in csv_rows(out) {
                    let (lo, hi) = (num(&r["p99_ms_p10"]), num(&r["p99_ms_p90"]));
                    let ordered = lo <= hi;
                    if !ordered {
                        return Err(format!("{}: p99 P10 {lo} > P90 {hi}", r["option"]));
                    }
                }
                Ok(())
            })],
            ..BASE
        },
        // tar-fallback with a call graph of one call: ITP Local drops the requests of the 2 of 6
        // frontend pods on nodes without a backend, 2/6 = 33.33%; the other options drop none.
        Case {
            name: "call graph: the entry-point table shows each option's dropped share",
            args: "run {dir}/s.yaml --samples 2000",
            files: &[("s.yaml", TAR_CALL_GRAPH)],
            expect: &[
                Line("entry point", &["option", "dropped", "p50 ms"]),
                Check(|out| {
                    entry_dropped(out, ' ', [("clusterip", "0%"), ("itp-local", "33.33%")])
                }),
            ],
            ..BASE
        },
        // Three zones of one node each (so zones and nodes coincide): web everywhere, api in a
        // and b, db in a. A page calls api twice, api calls db. ITP Local: pages in a complete,
        // in b api's db call is dropped, in c the api calls are: 2 of 3 pages fail, 66.67%
        // (the edges alone drop 1/3 and 1/2).
        Case {
            name: "call graph: a page fails when any call on the way is dropped",
            args: "run {dir}/s.yaml --samples 2000",
            files: &[("s.yaml", CHAIN_CALL_GRAPH)],
            expect: &[Check(|out| {
                entry_dropped(out, ' ', [("clusterip", "0%"), ("itp-local", "66.67%")])
            })],
            ..BASE
        },
        Case {
            name: "call graph: the Markdown entry-point table has the dropped column",
            args: "run {dir}/s.yaml --samples 2000 --format markdown",
            files: &[("s.yaml", TAR_CALL_GRAPH)],
            expect: &[Check(|out| {
                entry_dropped(out, '|', [("clusterip", "0%"), ("itp-local", "33.33%")])
            })],
            ..BASE
        },
        Case {
            name: "call graph: end-to-end percentiles per entry point, ordered by the options' paths",
            args: "run scenarios/online-boutique.yaml --format json --samples 16384",
            expect: &[Check(call_graph_percentiles)],
            ..BASE
        },
        // Topology Aware Routing keeps every request in zone; Lattice adds its processing: a
        // p99 limit between them passes the first and fails the second, whatever the noise.
        Case {
            name: "p99 gate: the in-zone option passes",
            args: "calc --traffic 10TB --request-size 16KiB --options topology-aware,lattice --samples 20000 --format csv --fail-above-p99-ms 3 --gate-option topology-aware",
            ..BASE
        },
        Case {
            name: "p99 gate: Lattice fails after writing the report",
            args: "calc --traffic 10TB --request-size 16KiB --options topology-aware,lattice --samples 20000 --format csv --fail-above-p99-ms 3 --gate-option lattice",
            code: 3,
            expect: &[
                ErrStarts("latency budget exceeded: option lattice p99 "),
                Stderr(" ms > 3.000 ms"),
                OutLines(1 + 2),
            ],
            ..BASE
        },
    ];
    run_table("latency", CASES);
}

/// `ewsim sweep` with `COLUMNS` set to `columns`; standard output.
fn sweep_with_columns(columns: &str, args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_ewsim"))
        .arg("sweep")
        .args(args)
        .env("COLUMNS", columns)
        .current_dir(root())
        .output()
        .expect("runs ewsim");
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

/// eks-10tb has 17 options: one column each needs well over 100 columns, so at `COLUMNS=100` the
/// sweep table has one row per step and option, at `COLUMNS=1000` one column per option. At 2 TB
/// ClusterIP costs 2,048 x 2/3 x $0.01 x 2 = $27.31; at 1 TB ITP Local ($0, the first of the
/// $0 options) is the cheapest.
#[test]
fn sweep_table_turns_long_when_too_wide() {
    let args = [
        "scenarios/eks-10tb.yaml",
        "--set",
        "traffic=1TB..3TB",
        "--steps",
        "3",
        "--no-latency",
    ];
    let cells = |l: &str| {
        l.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let narrow = sweep_with_columns("100", &args);
    assert!(
        narrow.contains("one column per option would exceed 100 columns"),
        "{narrow}"
    );
    let rows: Vec<Vec<String>> = narrow.lines().map(cells).collect();
    assert!(rows.contains(&vec![
        "traffic".into(),
        "option".into(),
        "USD/month".into(),
        "cheapest".into()
    ]));
    assert!(rows.contains(&vec!["2 TB".into(), "clusterip".into(), "27.31".into()]));
    assert!(rows.contains(&vec![
        "1 TB".into(),
        "itp-local".into(),
        "0.00".into(),
        "yes".into()
    ]));
    let per_option = rows
        .iter()
        .filter(|r| r.len() >= 3 && r[0].ends_with(" TB"))
        .count();
    assert_eq!(per_option, 3 * 17);
    // The table's rows fit (the header's prices line is as long as it always was).
    let table = narrow
        .lines()
        .filter(|l| l.contains(" TB  ") || l.starts_with("traffic  "));
    assert!(table.clone().count() > 3 * 17);
    assert!(
        table.into_iter().all(|l| l.chars().count() <= 100),
        "{narrow}"
    );

    let wide = sweep_with_columns("1000", &args);
    assert!(wide.contains("monthly cost (USD) per option"), "{wide}");
    let two = wide
        .lines()
        .map(cells)
        .find(|r| r.first().map(String::as_str) == Some("2 TB"));
    let two = two.expect("a 2 TB row");
    // traffic, cheapest, then the 17 options in scenario order: ClusterIP first.
    assert_eq!(two.len(), 2 + 17);
    assert_eq!(two[2], "27.31");
}

/// The table prints a stepped volume with at most 2 decimals below 100 and whole from 100; CSV
/// keeps 6 decimals. 10 GB to 200 GB in 8 steps: 10 + 190 k / 7 GB, so step 1 is 37.142857 GB
/// and step 4 is 118.571429 GB.
#[test]
fn sweep_table_rounds_stepped_volumes() {
    let args = [
        "scenarios/eks-10tb.yaml",
        "--set",
        "traffic=10GB..200GB",
        "--steps",
        "8",
        "--no-latency",
        "--options",
        "clusterip",
    ];
    let table = sweep_with_columns("100", &args);
    let firsts: Vec<&str> = table
        .lines()
        .filter(|l| l.contains(" GB  "))
        .map(|l| l.split("  ").next().unwrap_or_default().trim())
        .collect();
    assert!(firsts.contains(&"37.14 GB"), "{table}");
    assert!(firsts.contains(&"119 GB"), "{table}");
    assert!(!table.contains("37.142857"), "{table}");
    let mut csv_args = args.to_vec();
    csv_args.extend(["--format", "csv"]);
    let csv = sweep_with_columns("100", &csv_args);
    assert!(csv.contains("traffic,37.142857,GB,clusterip,"), "{csv}");
    assert!(csv.contains("traffic,118.571429,GB,clusterip,"), "{csv}");
}

/// The run table prints cross-AZ GB whole from 100 GB and with at most 2 decimals below; CSV keeps
/// 2 decimals. ClusterIP over 3 balanced zones sends 2/3 of the bytes across: 10 TB = 10,240 GB
/// gives 6,826.67 GB (table 6827), 100 GB gives 66.67 GB; topology-aware sends none (0).
#[test]
fn run_table_rounds_cross_az_gb() {
    let table = |traffic: &str| {
        stdout(&ewsim(&[
            "calc",
            "--traffic",
            traffic,
            "--no-latency",
            "--options",
            "clusterip,topology-aware",
        ]))
    };
    let cells = |out: &str, option: &str| -> Vec<String> {
        out.lines()
            .find(|l| l.starts_with(&format!("{option} ")))
            .unwrap_or_default()
            .split_whitespace()
            .map(String::from)
            .collect()
    };
    let big = table("10TB");
    assert_eq!(
        cells(&big, "clusterip"),
        ["clusterip", "clusterip", "136.53", "6827", "0%"]
    );
    assert_eq!(cells(&big, "topology-aware")[3], "0");
    let small = table("100GB");
    assert_eq!(cells(&small, "clusterip")[3], "66.67");
    let csv = stdout(&ewsim(&[
        "calc",
        "--traffic",
        "10TB",
        "--no-latency",
        "--options",
        "clusterip",
        "--format",
        "csv",
    ]));
    assert!(
        csv.contains("\nclusterip,clusterip,136.53,6826.67,"),
        "{csv}"
    );
}

/// scenarios/tar-fallback.yaml with a call graph of one entry point, `page`: frontend calls
/// backend once. ITP Local drops the requests of 2 of the 6 frontend pods (the scenario's header).
const TAR_CALL_GRAPH: Fixture = Edit(
    "scenarios/tar-fallback.yaml",
    &[(
        "\noptions:\n",
        "\ncall_graph:\n  entry_points:\n    - {name: page, service: frontend, stages: [[{to: backend}]]}\noptions:\n",
    )],
);

/// See the case "call graph: a page fails when any call on the way is dropped".
const CHAIN_CALL_GRAPH: Fixture = Edit("crates/ewsim/tests/fixtures/chain-call-graph.yaml", &[]);

/// CSV carries each entry point's end-to-end percentiles and dropped share in five columns after
/// `notes`, the same figures (latency to 3 decimals, shares to 6) as the JSON report of the same
/// run.
#[test]
fn csv_entry_point_latency_matches_json() {
    let dir = scratch("csv-entry-points");
    let Edit(base, edits) = TAR_CALL_GRAPH else {
        unreachable!()
    };
    let mut text = repo_file(base);
    for (from, to) in edits {
        text = text.replace(from, to);
    }
    let file = write(&dir, "s.yaml", &text);
    let run = |format: &str| {
        stdout(&ewsim(&[
            "run",
            &file,
            "--samples",
            "2000",
            "--format",
            format,
        ]))
    };
    let csv = run("csv");
    let header = csv.lines().next().unwrap_or_default();
    assert!(
        header.ends_with(
            ",notes,entry_page_p50_ms,entry_page_p90_ms,entry_page_p99_ms,entry_page_p999_ms,\
             entry_page_dropped_share"
        ),
        "{header}"
    );
    let json: Value = serde_json::from_str(&run("json")).expect("JSON");
    let page = &json["latency"]["entry_points"][0]["options"];
    let rows = csv_rows(&csv);
    assert_eq!(rows.len(), 4);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(page[i]["option"].as_str(), Some(row["option"].as_str()));
        for q in ["p50_ms", "p90_ms", "p99_ms", "p999_ms"] {
            let want = format!("{:.3}", page[i][q].as_f64().expect("simulated"));
            assert_eq!(
                row[&format!("entry_page_{q}")],
                want,
                "{} {q}",
                row["option"]
            );
        }
        let dropped = page[i]["dropped_share"]
            .as_f64()
            .expect("entry point dropped share");
        let cell = num(&row["entry_page_dropped_share"]);
        assert!((cell - dropped).abs() < 5e-7, "{cell} vs {dropped}");
    }
    // ITP Local drops the page requests of 2 of the 6 frontend pods.
    assert_eq!(rows[3]["option"], "itp-local");
    assert_eq!(rows[3]["entry_page_dropped_share"], "0.333333");
    // Without latency there is no entry-point column.
    let cost = stdout(&ewsim(&["run", &file, "--no-latency", "--format", "csv"]));
    assert!(cost.lines().next().unwrap_or_default().ends_with(",notes"));
}

/// The `page` entry point's rows (cells split at `sep`): each option named has this dropped cell
/// right after its name.
fn entry_dropped(out: &str, sep: char, want: [(&str, &str); 2]) -> Result<(), String> {
    for (option, dropped) in want {
        let row = out
            .lines()
            .map(|l| {
                l.split(sep)
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .collect::<Vec<_>>()
            })
            .find(|c| c.len() > 2 && c[0] == "page" && c[1] == option)
            .ok_or(format!("no row for page / {option}"))?;
        if row[2] != dropped {
            return Err(format!(
                "page / {option}: dropped {:?}, expected {dropped}",
                row[2]
            ));
        }
    }
    Ok(())
}

/// online-boutique: entry points home, product, checkout; at every percentile same-zone routing
/// is never slower than ClusterIP (it removes cross-AZ round trips), sidecars never faster (two
/// proxies per call), and the home page (14 sequential calls) is slower than a product page (6).
fn call_graph_percentiles(out: &str) -> Result<(), String> {
    let v: Value = serde_json::from_str(out).map_err(|e| e.to_string())?;
    let eps = v["latency"]["entry_points"]
        .as_array()
        .ok_or("no entry points")?;
    let names: Vec<&str> = eps
        .iter()
        .map(|e| e["name"].as_str().unwrap_or(""))
        .collect();
    if names != ["home", "product", "checkout"] {
        return Err(format!("entry points {names:?}"));
    }
    let p = |ep: usize, opt: &str, q: &str| {
        eps[ep]["options"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["option"] == opt))
            .and_then(|x| x[q].as_f64())
            .unwrap_or(f64::NAN)
    };
    for q in ["p50_ms", "p90_ms", "p99_ms", "p999_ms"] {
        for (ep, name) in names.iter().enumerate() {
            let (tar, cip, sidecar) = (
                p(ep, "topology-aware", q),
                p(ep, "clusterip", q),
                p(ep, "istio-sidecar", q),
            );
            let ordered = tar <= cip && cip <= sidecar;
            if !ordered {
                return Err(format!(
                    "{name} {q}: topology-aware {tar}, clusterip {cip}, istio-sidecar {sidecar}"
                ));
            }
        }
        let longer = p(0, "clusterip", q) > p(1, "clusterip", q);
        if !longer {
            return Err(format!("home {q} not above product"));
        }
    }
    Ok(())
}

// ---- diff and --compare-to ----

/// A hand-made saved report: cost exact strings and p99s chosen for easy arithmetic.
const OLD_JSON: &str = r#"{"schema_version": 1, "scenario": "s", "region": "us-east-1", "options": [
{"name": "clusterip", "kind": "clusterip", "monthly_cost_usd_exact": "68.266666666666666666666666667", "latency": {"p99_ms": 2.5}},
{"name": "internal-alb", "kind": "internal-alb", "monthly_cost_usd_exact": "98.12", "latency": {"p99_ms": 5.0}},
{"name": "lattice", "kind": "lattice", "monthly_cost_usd_exact": "400", "latency": {"p99_ms": 7.0}}]}"#;

/// The candidate: clusterip and internal-alb changed, lattice removed, istio-sidecar added.
const NEW_JSON: &str = r#"{"schema_version": 1, "scenario": "s", "region": "us-east-1", "options": [
{"name": "clusterip", "kind": "clusterip", "monthly_cost_usd_exact": "136.53333333333333333333333333", "latency": {"p99_ms": 2.25}},
{"name": "internal-alb", "kind": "internal-alb", "monthly_cost_usd_exact": "234.88", "latency": {"p99_ms": 5.5}},
{"name": "istio-sidecar", "kind": "istio-sidecar", "monthly_cost_usd_exact": "139.10", "latency": {"p99_ms": 3.4}}]}"#;

const REPORTS: &[(&str, Fixture)] = &[("old.json", Text(OLD_JSON)), ("new.json", Text(NEW_JSON))];

#[test]
fn diff_compares_saved_reports() {
    const CASES: &[Case] = &[
        Case {
            // clusterip: 136.5333 - 68.2667 = 68.27 (+100%); p99 2.25 - 2.5 = -0.25 ms.
            // internal-alb: 234.88 - 98.12 = 136.76, / 98.12 = +139.38%; p99 +0.5 ms.
            name: "csv: per-option deltas by hand",
            args: "diff {dir}/old.json {dir}/new.json --format csv",
            files: REPORTS,
            code: 0,
            expect: &[OutIs(
                "option,kind,status,old_monthly_cost_usd,new_monthly_cost_usd,delta_usd,delta_pct,old_p99_ms,new_p99_ms,delta_p99_ms,\
                 old_cross_az_gb_month,new_cross_az_gb_month,old_dropped_share,new_dropped_share,old_p50_ms,new_p50_ms,delta_p50_ms,changed\n\
                 clusterip,clusterip,changed,68.27,136.53,68.27,100.00,2.500,2.250,-0.250,0.00,0.00,0.000000,0.000000,0.000,0.000,0.000,cost;p99\n\
                 internal-alb,internal-alb,changed,98.12,234.88,136.76,139.38,5.000,5.500,0.500,0.00,0.00,0.000000,0.000000,0.000,0.000,0.000,cost;p99\n\
                 istio-sidecar,istio-sidecar,added,,139.10,,,,3.400,,,0.00,,0.000000,,0.000,,\n\
                 lattice,lattice,removed,400.00,,,,7.000,,,0.00,,0.000000,,0.000,,,\n",
            )],
        },
        Case {
            name: "table: signed deltas",
            args: "diff {dir}/old.json {dir}/new.json",
            files: REPORTS,
            code: 0,
            expect: &[Line("internal-alb", &["+136.76", "+139.38%", "+0.500"])],
        },
        Case {
            // Exact: 136.53333333333333333333333333 - 68.266666666666666666666666667.
            name: "json: exact deltas and statuses",
            args: "diff {dir}/old.json {dir}/new.json --format json",
            files: REPORTS,
            code: 0,
            expect: &[
                Json(
                    "/options/0/delta_usd_exact",
                    "\"68.266666666666666666666666663\"",
                ),
                Json("/options/0/delta_usd", "68.27"),
                Json("/options/3/status", "\"removed\""),
            ],
        },
        Case {
            name: "markdown: a removed option",
            args: "diff {dir}/old.json {dir}/new.json --format markdown",
            files: REPORTS,
            code: 0,
            expect: &[Stdout("| lattice | lattice | removed | 400.00 | - |")],
        },
        Case {
            name: "not JSON: located, exit 2",
            args: "diff {dir}/bad.json {dir}/old.json",
            files: &[
                ("old.json", Text(OLD_JSON)),
                (
                    "bad.json",
                    Text("{\n  \"schema_version\": 1,\n  \"options\": [\n}\n"),
                ),
            ],
            code: 2,
            expect: &[ErrStarts("{dir}/bad.json:4:1: error: not valid JSON")],
        },
        Case {
            name: "another schema_version, exit 2",
            args: "diff {dir}/old.json {dir}/v2.json",
            files: &[
                ("old.json", Text(OLD_JSON)),
                ("v2.json", Text(r#"{"schema_version": 2, "options": []}"#)),
            ],
            code: 2,
            expect: &[Stderr(
                "schema_version 2; this ewsim reads and writes schema_version 1",
            )],
        },
        Case {
            name: "a missing report, exit 1",
            args: "diff {dir}/old.json does/not/exist.json",
            files: REPORTS,
            code: 1,
            expect: &[Stderr("cannot read does/not/exist.json")],
        },
        Case {
            // This run: clusterip 136.53, internal-alb 234.88 (see `budget_gates`); lattice only
            // in the old report.
            name: "--compare-to: this run against a saved report",
            args: "calc --traffic 10TB --request-size 16KiB --options clusterip,internal-alb --no-latency --format csv --compare-to {dir}/old.json",
            files: REPORTS,
            code: 0,
            expect: &[
                Stdout("\nclusterip,clusterip,changed,68.27,136.53,68.27,100.00,2.500,,,"),
                Stdout("\ninternal-alb,internal-alb,changed,98.12,234.88,136.76,139.38,5.000,,,"),
                Stdout("\nlattice,lattice,removed,400.00,"),
            ],
        },
    ];
    run_table("diff", CASES);
}

// ---- validate and schema ----

#[test]
fn validate_and_schema() {
    const CASES: &[Case] = &[
        Case {
            // One conversion problem (line 10: an unknown volume unit) and two semantic ones
            // (line 5: an instance type without a price; line 11: a call to an undeclared
            // service). Columns by hand: `m5.huge` starts at column 48 of line 5, `10 parsecs`
            // at 43 of line 10, `cache` at 26 of line 11.
            name: "every problem with its line and column, then the count",
            args: "validate {dir}/three.yaml",
            files: &[(
                "three.yaml",
                Text(concat!(
                    "version: 1\n",
                    "region: us-east-1\n",
                    "zones:\n  - {name: us-east-1a, nodes: {count: 2, type: m5.large}}\n",
                    "  - {name: us-east-1b, nodes: {count: 2, type: m5.huge}}\n",
                    "services:\n  - {name: frontend, replicas: 4}\n  - {name: backend, replicas: 4}\n",
                    "traffic:\n  - {from: frontend, to: backend, volume: 10 parsecs}\n",
                    "  - {from: frontend, to: cache, volume: 1 TB}\n",
                    "options:\n  - {name: clusterip, kind: clusterip}\n",
                )),
            )],
            code: 2,
            expect: &[
                OutIs(""),
                ErrLines(4),
                ErrLine(
                    0,
                    "{dir}/three.yaml:5:48: error: zones[1].nodes.type: instance type `m5.huge`",
                    "(hint: known: ",
                ),
                ErrLine(
                    1,
                    "{dir}/three.yaml:10:43: error: traffic[0].volume: `10 parsecs`: unknown volume unit",
                    "",
                ),
                ErrLine(
                    2,
                    "{dir}/three.yaml:11:26: error: traffic[1].to: traffic to unknown service `cache`",
                    "",
                ),
                ErrLine(3, "{dir}/three.yaml: 3 problems", ""),
            ],
        },
        Case {
            // eks-10tb.yaml declares frontend and backend, one edge and the 17 options of
            // README's table.
            name: "a shipped scenario is ok",
            args: "validate scenarios/eks-10tb.yaml",
            expect: &[OutIs(
                "ok: scenarios/eks-10tb.yaml: 2 services, 1 traffic edges, 17 options\n",
            )],
            ..BASE
        },
        Case {
            name: "a YAML error, exit 2",
            args: "validate {dir}/typo.yaml",
            files: &[("typo.yaml", Text("version: 1\nregoin: us-east-1\n"))],
            code: 2,
            expect: &[ErrStarts(
                "{dir}/typo.yaml:2:1: error: unknown field `regoin`",
            )],
        },
        Case {
            name: "a missing scenario, exit 1",
            args: "validate scenarios/no-such-file.yaml",
            code: 1,
            ..BASE
        },
        Case {
            name: "a missing --pricing file, exit 1",
            args: "validate scenarios/eks-10tb.yaml --pricing no-such.yaml",
            code: 1,
            ..BASE
        },
        Case {
            name: "schema prints the committed schema",
            args: "schema",
            expect: &[
                OutIsRepoFile("scenarios/scenario.schema.json"),
                Json(
                    "/$schema",
                    "\"https://json-schema.org/draft/2020-12/schema\"",
                ),
            ],
            ..BASE
        },
        Case {
            name: "schema --out writes it",
            args: "schema --out {dir}/s.json",
            expect: &[
                OutIs(""),
                FileIsRepoFile("s.json", "scenarios/scenario.schema.json"),
            ],
            ..BASE
        },
    ];
    run_table("validate", CASES);
}

// ---- per-service routing (`kind: per-service`) ----

/// Two zones of one m5.large each; `api` has two pods per zone (Topology Aware Routing keeps
/// its hints: ceil(2 / 1.2) = 2 per zone), `web` and `db` one. web -> api 1,000 GB, api -> db
/// 600 GB a month. ClusterIP crosses half of every edge; `mixed` routes calls to `api` with
/// Topology Aware Routing (0 GB crossing) and calls to `db` by the default, ClusterIP.
const PER_SERVICE: Fixture = Text(
    "version: 1
region: us-east-1
zones:
  - {name: us-east-1a, nodes: {count: 1, type: m5.large}}
  - {name: us-east-1b, nodes: [{count: 1, type: m5.large}]}
services:
  - {name: web, replicas: {us-east-1a: 1, us-east-1b: 1}}
  - {name: api, replicas: {us-east-1a: 2, us-east-1b: 2}}
  - {name: db, replicas: {us-east-1a: 1, us-east-1b: 1}}
traffic:
  - {from: web, to: api, volume: 1000 GB, bytes_per_request: 10 KB}
  - {from: api, to: db, volume: 600 GB, bytes_per_request: 10 KB}
options:
  - {name: clusterip, kind: clusterip}
  - {name: all-clusterip, kind: per-service, default: {kind: clusterip}}
  - {name: mixed, kind: per-service, by_service: {api: {kind: topology-aware}}}
",
);

#[test]
fn per_service_options_in_every_command() {
    const CASES: &[Case] = &[
        Case {
            // ClusterIP: (1,000 + 600) GB x 1/2 x $0.02 (both sides) = $16.00, for the plain
            // option and for per-service with ClusterIP for every Service. mixed: only
            // api -> db crosses: 600 x 1/2 x $0.02 = $6.00.
            name: "run prices each edge by its callee's routing",
            args: "run {dir}/s.yaml --format csv --no-latency",
            files: &[("s.yaml", PER_SERVICE)],
            expect: &[
                Csv("kind", "clusterip,per-service,per-service"),
                Csv("monthly_cost_usd", "16.00,16.00,6.00"),
                Csv("cross_az_gb_month", "800,800,300"),
            ],
            ..BASE
        },
        Case {
            name: "one kind for every Service: the same latency as that kind, same seed",
            args: "run {dir}/s.yaml --format csv --samples 2000",
            files: &[("s.yaml", PER_SERVICE)],
            expect: &[Check(|out| {
                let rows = csv_rows(out);
                for col in ["p50_ms", "p99_ms", "p999_ms"] {
                    if rows[0][col] != rows[1][col] || rows[0][col].is_empty() {
                        return Err(format!("{col}: {} vs {}", rows[0][col], rows[1][col]));
                    }
                }
                Ok(())
            })],
            ..BASE
        },
        Case {
            name: "the JSON report says which routing each edge took",
            args: "run {dir}/s.yaml --format json --no-latency",
            files: &[("s.yaml", PER_SERVICE)],
            expect: &[
                Json("/options/2/kind", "\"per-service\""),
                Json("/options/2/edges/0/kind", "\"topology-aware\""),
                Json("/options/2/edges/1/kind", "\"clusterip\""),
                Json("/options/0/edges/1/kind", "\"clusterip\""),
            ],
            ..BASE
        },
        Case {
            name: "explain says which routing each edge took",
            args: "explain {dir}/s.yaml --option mixed",
            files: &[("s.yaml", PER_SERVICE)],
            expect: &[
                Stdout("option mixed (per-service)"),
                Stdout("routed as topology-aware (the routing of api)"),
                Stdout("routed as clusterip (the routing of db)"),
            ],
            ..BASE
        },
        Case {
            // 900 GB to db: clusterip (1,000 + 900) / 2 x $0.02 = $19.00, mixed 900 / 2 x $0.02 = $9.00.
            name: "sweep re-reads per-service options",
            args: "sweep {dir}/s.yaml --set traffic[1].volume=600GB..1200GB --steps 3 --no-latency",
            files: &[("s.yaml", PER_SERVICE)],
            expect: &[Line("900 GB", &["mixed", "19.00", "19.00", "9.00"])],
            ..BASE
        },
        Case {
            name: "recommend judges a per-service option by every routing",
            args: "recommend {dir}/s.yaml --require l4,statefulset-addressing --no-latency",
            files: &[("s.yaml", PER_SERVICE)],
            expect: &[Stdout(
                "mixed (per-service, $6.00): lacks statefulset-addressing",
            )],
            ..BASE
        },
        Case {
            name: "validate accepts it",
            args: "validate {dir}/s.yaml",
            files: &[("s.yaml", PER_SERVICE)],
            expect: &[Stdout("3 services, 2 traffic edges, 3 options")],
            ..BASE
        },
        Case {
            name: "by_service naming no Service: a located error, exit 2",
            args: "run {dir}/s.yaml --no-latency",
            files: &[(
                "s.yaml",
                Text(
                    "version: 1
region: us-east-1
zones: [{name: us-east-1a, nodes: {count: 1, type: m5.large}}]
services: [{name: web, replicas: 1}, {name: api, replicas: 1}]
traffic: [{from: web, to: api, volume: 1 GB}]
options:
  - {name: p, kind: per-service, by_service: {nope: {kind: headless}}}
",
                ),
            )],
            code: 2,
            expect: &[
                Stderr("options[0].by_service.nope"),
                Stderr("unknown service `nope`"),
            ],
        },
    ];
    run_table("per-service", CASES);
}

// ---- the scenario's `pricing:` key ----

/// The guide scenario (one-side inter-AZ, 10 TB, 3 even zones) naming `p.yaml` beside it.
const PRICED_GUIDE: Fixture = Edit(
    "scenarios/guide-10tb.yaml",
    &[(
        "region: us-east-1\n",
        "region: us-east-1\npricing: p.yaml\n",
    )],
);

/// An override file doubling the inter-AZ price ($0.02 per GB each direction).
const DOUBLE_INTER_AZ: Fixture = Text(
    "as_of: \"2026-11-26\"\nprices:\n  inter_az_per_gb_each_direction: {value: 0.02, source: test, as_of: \"2026-11-26\"}\n",
);

#[test]
fn scenario_pricing_key_selects_the_price_table() {
    const CASES: &[Case] = &[
        Case {
            // ClusterIP at $0.02 one side: 10,240 GB x 2/3 x $0.02 = $136.53 (built in: $68.27).
            name: "pricing: in the scenario, relative to the scenario file",
            args: "run {dir}/s.yaml --format csv --no-latency",
            files: &[("s.yaml", PRICED_GUIDE), ("p.yaml", DOUBLE_INTER_AZ)],
            expect: &[Line("clusterip,clusterip,136.53,", &[])],
            ..BASE
        },
        Case {
            // A whole table (as `ewsim pricing import` writes one) dated 2026-11-15.
            name: "the report header names the scenario's table and its date",
            args: "run {dir}/s.yaml --format markdown --no-latency",
            files: &[
                ("s.yaml", PRICED_GUIDE),
                (
                    "p.yaml",
                    Edit(
                        "pricing/aws/us-east-1.yaml",
                        &[(
                            "as_of: \"2026-10-01\"\n\nsources:",
                            "as_of: \"2026-11-15\"\n\nsources:",
                        )],
                    ),
                ),
            ],
            expect: &[Stdout(
                "p.yaml (the scenario's `pricing:`), as of 2026-11-15, USD)",
            )],
            ..BASE
        },
        Case {
            // --pricing at $0.03: 10,240 x 2/3 x 0.03 = $204.80; the header says which file won.
            name: "--pricing wins over the scenario's pricing: and the header says so",
            args: "run {dir}/s.yaml --format markdown --no-latency --pricing {dir}/q.yaml",
            files: &[
                ("s.yaml", PRICED_GUIDE),
                ("p.yaml", DOUBLE_INTER_AZ),
                (
                    "q.yaml",
                    Text(
                        "prices:\n  inter_az_per_gb_each_direction: {value: 0.03, source: test, as_of: \"2026-11-27\"}\n",
                    ),
                ),
            ],
            expect: &[
                Line("| clusterip | clusterip | 204.80 |", &[]),
                Stdout("(--pricing, in place of the scenario's `pricing: p.yaml`)"),
            ],
            ..BASE
        },
        Case {
            // eu-west-1 has no built-in table; `base: us-east-1` supplies it, marked assumed.
            // ClusterIP: 10,240 x 2/3 x $0.01 = $68.27, the us-east-1 price.
            name: "pricing: an override file with base: for a region without a table",
            args: "run {dir}/s.yaml --format csv --no-latency",
            files: &[
                (
                    "s.yaml",
                    Edit(
                        "scenarios/guide-10tb.yaml",
                        &[
                            (
                                "region: us-east-1\n",
                                "region: eu-west-1\npricing: p.yaml\n",
                            ),
                            ("us-east-1a", "eu-west-1a"),
                            ("us-east-1b", "eu-west-1b"),
                            ("us-east-1c", "eu-west-1c"),
                        ],
                    ),
                ),
                ("p.yaml", Text("base: us-east-1\n")),
            ],
            expect: &[Line("clusterip,clusterip,68.27,", &[])],
            ..BASE
        },
        Case {
            name: "a missing pricing: file, exit 1 naming it",
            args: "run {dir}/s.yaml --no-latency",
            files: &[("s.yaml", PRICED_GUIDE)],
            code: 1,
            expect: &[Stderr("p.yaml")],
        },
        Case {
            name: "validate loads the scenario's pricing: too",
            args: "validate {dir}/s.yaml",
            files: &[("s.yaml", PRICED_GUIDE), ("p.yaml", Text("prices: [1\n"))],
            code: 2,
            expect: &[Stderr("p.yaml")],
        },
    ];
    run_table("scenario-pricing", CASES);
}

// ---- pricing import ----

#[test]
fn pricing_import_rejects_bad_offers_writing_nothing() {
    const CASES: &[Case] = &[
        Case {
            name: "truncated offer file",
            args: "pricing import --offer tests/fixtures/offers/bad-truncated.json --region eu-west-1 --out {dir}/bad.yaml",
            code: 2,
            expect: &[NoFile("bad.yaml")],
            ..BASE
        },
        Case {
            name: "offer file of another region",
            args: "pricing import --offer tests/fixtures/offers/bad-wrong-region.json --region eu-west-1 --out {dir}/bad.yaml",
            code: 2,
            expect: &[NoFile("bad.yaml")],
            ..BASE
        },
        Case {
            name: "offer file of another service",
            args: "pricing import --offer tests/fixtures/offers/bad-wrong-service.json --region eu-west-1 --out {dir}/bad.yaml",
            code: 2,
            expect: &[NoFile("bad.yaml")],
            ..BASE
        },
        Case {
            name: "missing offer file, exit 1",
            args: "pricing import --offer tests/fixtures/offers/no-such-file.json --region eu-west-1 --out {dir}/bad.yaml",
            code: 1,
            expect: &[NoFile("bad.yaml")],
            ..BASE
        },
    ];
    run_table("pricing-import", CASES);
}

// ---- flows of several steps ----

/// The CSV rows as (option, monthly_cost_usd).
fn costs(csv_text: &str) -> Vec<(String, String)> {
    csv_rows(csv_text)
        .into_iter()
        .map(|r| (r["option"].clone(), r["monthly_cost_usd"].clone()))
        .collect()
}

#[test]
fn calc_equals_run_on_the_printed_scenario() {
    let dir = scratch("calc-equals-run");
    let calc = [
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
    let o = ewsim(&[&calc[..], &["--print-scenario"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let file = write(&dir, "calc.yaml", &stdout(&o));
    // A few simulated requests: the latency columns are compared too.
    let args = ["--format", "csv", "--samples", "2000"];
    let from_calc = ewsim(&[&calc[..], &args].concat());
    let from_run = ewsim(&[&["run", file.as_str()][..], &args].concat());
    assert_eq!(from_calc.status.code(), Some(0), "{}", stderr(&from_calc));
    assert_eq!(from_run.status.code(), Some(0), "{}", stderr(&from_run));
    assert_eq!(stdout(&from_calc), stdout(&from_run));
    // By hand: 10 TB = 10,240 GB; ClusterIP over 3 balanced zones sends 2/3 across, charged at
    // $0.01/GB on both sides: 10,240 x 2/3 x 0.01 x 2 = 136.53. Topology Aware Routing keeps
    // every byte in zone. The ALB adds 730 h x $0.0225 = 16.425 and 10,240 GB / 730 h = 14.03
    // LCU x $0.008 x 730 = 81.92 to the client -> ALB crossing 136.53: 234.88.
    let got = costs(&stdout(&from_calc));
    let want = [
        ("clusterip", "136.53"),
        ("topology-aware", "0.00"),
        ("internal-alb", "234.88"),
    ];
    assert_eq!(got.len(), 4);
    for ((o, c), (wo, wc)) in got.iter().zip(want) {
        assert_eq!((o.as_str(), c.as_str()), (wo, wc));
    }
}

/// The range draws are seeded per (seed, draw, path): the same figures for any thread count.
#[test]
fn ranges_are_identical_for_any_thread_count() {
    let run = |threads: &str| {
        Command::new(env!("CARGO_BIN_EXE_ewsim"))
            .args(["run", "scenarios/uncertain-traffic.yaml", "--format", "csv"])
            .args(["--samples", "5000", "--draws", "40"])
            .env("RAYON_NUM_THREADS", threads)
            .current_dir(root())
            .output()
            .expect("runs ewsim")
    };
    let (one, two) = (run("1"), run("2"));
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    assert_eq!(stdout(&one), stdout(&two));
}

#[test]
fn pricing_import_writes_a_table_that_run_uses() {
    let dir = scratch("pricing-import");
    let out = dir.join("eu-west-1.yaml").display().to_string();
    let offer = |n: &str| format!("tests/fixtures/offers/{n}");
    let (ec2, elb, vpc) = (
        offer("ec2-eu-west-1.json"),
        offer("elb-eu-west-1.json"),
        offer("vpc-eu-west-1.json"),
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
}

// ---- reports: cost by edge, diffs that mean something, notes ----

#[test]
fn diff_of_two_seeds_changes_nothing() {
    let dir = scratch("diff-seeds");
    let run = |seed: &str| {
        let out = dir.join(format!("r{seed}.json")).display().to_string();
        let o = ewsim(&[
            "run",
            "scenarios/eks-10tb.yaml",
            "--format",
            "json",
            "--samples",
            "20000",
            "--seed",
            seed,
            "--out",
            &out,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        out
    };
    let (a, b) = (run("1"), run("2"));
    let o = ewsim(&["diff", &a, &b, "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let statuses: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap_or(""))
        .collect();
    assert_eq!(statuses.len(), 17, "{text}");
    assert!(statuses.iter().all(|s| *s == "unchanged"), "{text}");
    // The seed is stated; --only-changed leaves no row and says so.
    let o = ewsim(&["diff", &a, &b, "--only-changed"]);
    let text = stdout(&o);
    assert!(text.contains("latency seed: 1 -> 2"), "{text}");
    assert!(text.contains("no option changed"), "{text}");
    assert!(!text.contains("clusterip"), "{text}");
}

/// Two edges, 10 TB and 2 TB, an ALB whose capacity units are billed on bytes.
const TWO_EDGES: &str = "version: 1\nregion: us-east-1\n\
    billing: {hours_per_month: 720, inter_az: one-side, capacity_units: bytes-only}\n\
    zones: [{name: a, nodes: {count: 2, type: m5.large}}, {name: b, nodes: {count: 2, type: m5.large}}, {name: c, nodes: {count: 2, type: m5.large}}]\n\
    services: [{name: frontend, replicas: 6}, {name: backend, replicas: 6}, {name: cache, replicas: 3}]\n\
    traffic: [{from: frontend, to: backend, volume: 10 TB}, {from: frontend, to: cache, volume: 2 TB}]\n\
    options: [{name: \"alb|v2\", kind: internal-alb, client_leg_charged: false}]\n";

#[test]
fn cost_by_edge_and_escaped_notes() {
    const CASES: &[Case] = &[
        Case {
            // Hours $16.20 by bytes 5:1 -> 13.50 + 2.70; LCU 12,288 x $0.008 = $98.304 by bytes
            // -> 81.92 + 16.384. Edges 95.42 and 19.084 -> 19.08: 114.50 in all.
            name: "csv --by edge: tidy rows adding up to the option",
            args: "run {dir}/s.yaml --no-latency --by edge --format csv",
            files: &[("s.yaml", Text(TWO_EDGES))],
            code: 0,
            expect: &[
                Csv("monthly_cost_usd", "95.42,19.08"),
                Csv("option_monthly_cost_usd", "114.50,114.50"),
                Csv("to", "backend,cache"),
            ],
        },
        Case {
            name: "json edges carry their cost, also with --no-latency",
            args: "run {dir}/s.yaml --no-latency --format json",
            files: &[("s.yaml", Text(TWO_EDGES))],
            code: 0,
            expect: &[
                Json("/options/0/edges/0/monthly_cost_usd", "95.42"),
                Json("/options/0/edges/1/monthly_cost_usd", "19.08"),
                JsonStarts("/options/0/edges/1/monthly_cost_usd_exact", "19.084000"),
            ],
        },
        Case {
            name: "markdown: a | in an option name is escaped, notes name the option",
            args: "run {dir}/s.yaml --no-latency --format markdown",
            files: &[("s.yaml", Text(TWO_EDGES))],
            code: 0,
            expect: &[
                Stdout("| alb\\|v2 | internal-alb | 114.50 |"),
                Stdout("### Notes\n\n- alb\\|v2: ALB LCU"),
            ],
        },
        Case {
            name: "table --by edge: the allocation rule is stated",
            args: "run {dir}/s.yaml --no-latency --by edge",
            files: &[("s.yaml", Text(TWO_EDGES))],
            code: 0,
            expect: &[
                Stdout("capacity units by its share of the busiest dimension"),
                Line("alb|v2  frontend -> cache", &["16.38", "2.70", "19.08"]),
            ],
        },
        Case {
            name: "html --by edge: table and chart of the top edges",
            args: "run {dir}/s.yaml --no-latency --by edge --format html",
            files: &[("s.yaml", Text(TWO_EDGES))],
            code: 0,
            expect: &[
                Stdout("<section id=\"edges-chart\">"),
                Stdout("Monthly cost by traffic edge per option"),
                Stdout("<table class=\"edges\">"),
            ],
        },
    ];
    run_table("by-edge", CASES);
}
