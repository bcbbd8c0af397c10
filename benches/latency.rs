//! Criterion benchmark of the latency engine (declared in `crates/ewsim/Cargo.toml`).
//!
//! Run: `cargo bench -p ewsim --bench latency` (quick: append `-- --quick`).
//!
//! Measures, in the same run and in simulated requests per second (criterion "elem/s"):
//! * `engine_six_hop`: a six-hop shifted-lognormal path through the general engine
//!   (`PathModel` → `simulate`, rayon over all cores, histogram + p99 interval);
//! * `hand_loop_std_exp`: a hand-written loop that only samples the six lognormal hops with
//!   `rand_distr::StandardNormal` + `f64::exp` and records into the same histogram (the baseline);
//! * `hand_loop_fast_exp`: the same hand loop with the engine's `exp_fast` (isolates engine overhead).
//!
//! The six hops are the ones in `crates/ewsim/examples/six_hop_throughput.rs` and
//! `benches/numpy_baseline.py`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ewsim::latency::dist::exp_fast;
use ewsim::latency::{
    CHUNK_SAMPLES, DistSpec, LatencyHistogram, PathModel, SimConfig, Step, simulate,
};
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use std::hint::black_box;
use std::time::Duration;

const HOPS: [(f64, f64, f64); 6] = [
    (50.0, 5.0106, 0.7456),
    (0.0, 2.7081, 0.4216),
    (0.0, 6.1738, 0.29),
    (450.0, 6.2146, 0.5850),
    (0.0, 6.1738, 0.29),
    (0.0, 4.6052, 0.6918),
];

const SAMPLES: u64 = 1 << 22; // 64 chunks of 65,536

fn hand_loop(samples: u64, seed: u64, exp: fn(f64) -> f64) -> LatencyHistogram {
    let chunks = samples.div_ceil(CHUNK_SAMPLES);
    (0..chunks)
        .into_par_iter()
        .fold(LatencyHistogram::new, |mut h, c| {
            let mut rng =
                Xoshiro256PlusPlus::seed_from_u64(seed ^ c.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let n = (samples - c * CHUNK_SAMPLES).min(CHUNK_SAMPLES);
            for _ in 0..n {
                let mut t = 0.0;
                for &(shift, mu, sigma) in &HOPS {
                    let z: f64 = StandardNormal.sample(&mut rng);
                    t += shift + exp(mu + sigma * z);
                }
                h.record_us(t);
            }
            h
        })
        .reduce_with(|mut a, b| {
            a.merge(&b);
            a
        })
        .unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let path = PathModel::new(
        "six-hop",
        Step::seq(
            HOPS.iter()
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
    let mut g = c.benchmark_group("six_hop_lognormal");
    g.throughput(Throughput::Elements(SAMPLES));
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(4));
    g.bench_function("engine_six_hop", |b| {
        b.iter(|| {
            let r = simulate(&path, &SimConfig::new(SAMPLES, black_box(7)));
            black_box(r.map(|r| r.p99_ms).unwrap_or(0.0))
        })
    });
    g.bench_function("hand_loop_std_exp", |b| {
        b.iter(|| black_box(hand_loop(SAMPLES, black_box(7), f64::exp).quantile_us(0.99)))
    });
    g.bench_function("hand_loop_fast_exp", |b| {
        b.iter(|| black_box(hand_loop(SAMPLES, black_box(7), exp_fast).quantile_us(0.99)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
