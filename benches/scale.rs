//! Criterion benchmark of the whole evaluation path at realistic sizes (declared in
//! `crates/ewsim/Cargo.toml`): parse the scenario text, route and price every option, simulate
//! latency, on a generated cluster of 1,000 services (`benches/scale_gen.rs`, fixed seed) with the
//! 17 options of `scenarios/eks-10tb.yaml`.
//!
//! Run: `cargo bench -p ewsim --bench scale` (quick: append `-- --quick`). The command-line view
//! of the same path, with peak memory, is `benches/scale.sh`.
//!
//! Measured in the same run, in requests per second (criterion "elem/s"):
//! * `cost_only/E`: parse + evaluate for `E` = 1,000 and 10,000 edges (elements: edges);
//! * `latency/1000`: the latency simulation of the 1,000-edge scenario at 200,000 requests per
//!   option (elements: the requests it simulates);
//! * `engine_six_hop`: the baseline, the bare engine on the six-hop path for the same number of
//!   requests: the ratio of the two elem/s figures is the overhead of the real path over the
//!   inner loop.

#[path = "scale_gen.rs"]
mod scale_gen;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ewsim::cost::CostReport;
use ewsim::latency::{DistSpec, PathModel, SimConfig, Step, simulate};
use ewsim::path_latency::{self, LatencyRun};
use std::hint::black_box;
use std::time::Duration;

const SAMPLES: u64 = 200_000;

fn evaluate(text: &str) -> (ewsim::Scenario, CostReport) {
    let loaded =
        ewsim::loader::parse_scenario(text, "generated.yaml").unwrap_or_else(|e| panic!("{e}"));
    let table = ewsim::PriceTable::builtin("us-east-1").unwrap_or_else(|e| panic!("{e}"));
    let report = ewsim::evaluate(&loaded.scenario, &table).unwrap_or_else(|e| panic!("{e}"));
    (loaded.scenario, report)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("scale");
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(5));
    for edges in [1_000u64, 10_000] {
        let text = scale_gen::scenario(1_000, edges, 1);
        g.throughput(Throughput::Elements(edges));
        g.bench_function(format!("cost_only/{edges}"), |b| {
            b.iter(|| black_box(evaluate(black_box(&text)).1.options.len()))
        });
    }
    let (s, report) = evaluate(&scale_gen::scenario(1_000, 1_000, 1));
    let run = LatencyRun {
        samples: SAMPLES,
        seed: 1,
        per_edge: false,
    };
    let simulated: u64 = path_latency::simulate(&s, &report, run)
        .unwrap_or_else(|e| panic!("{e}"))
        .options
        .iter()
        .flatten()
        .map(|o| o.samples)
        .sum();
    g.throughput(Throughput::Elements(simulated));
    g.bench_function("latency/1000", |b| {
        b.iter(|| {
            let l = path_latency::simulate(&s, &report, run).unwrap_or_else(|e| panic!("{e}"));
            black_box(l.shapes)
        })
    });
    let six = PathModel::new(
        "six-hop",
        Step::seq(
            [
                (50.0, 5.0106, 0.7456),
                (0.0, 2.7081, 0.4216),
                (0.0, 6.1738, 0.29),
                (450.0, 6.2146, 0.5850),
                (0.0, 6.1738, 0.29),
                (0.0, 4.6052, 0.6918),
            ]
            .iter()
            .enumerate()
            .map(|(i, &(shift, mu, sigma))| {
                Step::hop(
                    format!("hop{i}"),
                    DistSpec::ShiftedLognormal { shift, mu, sigma },
                )
            })
            .collect(),
        ),
    )
    .compile()
    .unwrap_or_else(|e| panic!("{e}"));
    g.bench_function("engine_six_hop", |b| {
        b.iter(|| {
            let r = simulate(&six, &SimConfig::new(simulated, black_box(7)));
            black_box(r.map(|r| r.p99_ms).unwrap_or(0.0))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
