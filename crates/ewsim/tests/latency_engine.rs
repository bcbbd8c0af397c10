//! Engine properties: histogram accuracy against exact selection, percentile ordering, CRN
//! monotonicity, thread-count independence, seed stability, lognormal fitting, validation errors.
#![allow(clippy::unwrap_used, missing_docs)]

use ewsim::latency::dist::exp_fast;
use ewsim::latency::*;
use proptest::prelude::*;

fn ln(mu: f64, sigma: f64) -> DistSpec {
    DistSpec::Lognormal { mu, sigma }
}

/// A path exercising every step kind and several families.
fn rich_path() -> Step {
    Step::seq(vec![
        Step::hop(
            "dns",
            DistSpec::Mixture {
                components: vec![
                    MixtureComponent {
                        weight: 0.95,
                        dist: ln(4.6052, 0.6918),
                    },
                    MixtureComponent {
                        weight: 0.05,
                        dist: ln(6.8146, 0.4106),
                    },
                ],
            },
        ),
        Step::hop_with_p("kube-proxy", ln(2.9444, 0.4871), 0.1),
        Step::hop(
            "net",
            DistSpec::ShiftedLognormal {
                shift: 450.0,
                mu: 6.2146,
                sigma: 0.585,
            },
        ),
        Step::par(vec![
            Step::hop(
                "leaf-a",
                DistSpec::Gamma {
                    shape: 2.0,
                    scale: 100.0,
                    shift: 20.0,
                },
            ),
            Step::repeat(2, Step::hop("leaf-b", ln(4.0, 0.5))),
        ]),
        Step::maybe(
            0.3,
            Step::hop(
                "retry",
                DistSpec::PercentileTable {
                    points: vec![(0.0, 100.0), (50.0, 300.0), (99.0, 2000.0), (100.0, 5000.0)],
                },
            ),
        ),
        Step::hop(
            "tail",
            DistSpec::RareEvent {
                p: 1e-3,
                delay: Box::new(DistSpec::Uniform {
                    min: 200_000.0,
                    max: 400_000.0,
                }),
                base: Some(Box::new(DistSpec::Empirical {
                    values: vec![5.0, 7.0, 9.0, 30.0],
                })),
            },
        ),
    ])
}

/// Nearest-rank quantile of sorted values (same definition as the histogram).
fn exact_quantile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
    sorted[rank - 1]
}

fn all_samples(path: &CompiledPath, seed: u64, samples: u64) -> Vec<f64> {
    let mut v = Vec::new();
    let chunks = samples.div_ceil(CHUNK_SAMPLES);
    for c in 0..chunks {
        let n = (samples - c * CHUNK_SAMPLES).min(CHUNK_SAMPLES) as usize;
        v.extend(chunk_samples_us(path, seed, c, n).unwrap());
    }
    v
}

#[test]
fn histogram_percentiles_match_exact_selection_within_0_1_percent() {
    let path = PathModel::new("rich", rich_path()).compile().unwrap();
    let samples = 3 * CHUNK_SAMPLES + 12_345;
    let r = simulate(&path, &SimConfig::new(samples, 11)).unwrap();
    let mut v = all_samples(&path, 11, samples);
    assert_eq!(v.len() as u64, r.samples);
    // Exact mean, same summation order (per chunk, then chunk sums in order).
    let mut chunk_sums = Vec::new();
    for c in v.chunks(CHUNK_SAMPLES as usize) {
        // Blocks of 256 summed with the engine's fixed 4-accumulator order.
        chunk_sums.push(
            c.chunks(256)
                .fold(0.0, |a, b| a + ewsim::latency::engine::block_sum(b)),
        );
    }
    let mean = chunk_sums.iter().sum::<f64>() / samples as f64 / 1000.0;
    assert_eq!(mean.to_bits(), r.mean_ms.to_bits());
    v.sort_by(f64::total_cmp);
    for (q, got) in [
        (0.5, r.p50_ms),
        (0.9, r.p90_ms),
        (0.99, r.p99_ms),
        (0.999, r.p999_ms),
        (0.9999, r.quantile_ms(0.9999)),
    ] {
        let exact = exact_quantile(&v, q) / 1000.0;
        let rel = (got - exact).abs() / exact;
        assert!(
            rel <= 1e-3,
            "q{q}: histogram {got} vs exact {exact} (rel {rel})"
        );
    }
}

#[test]
fn one_and_two_thread_pools_are_bit_identical() {
    let path = PathModel::new("rich", rich_path()).compile().unwrap();
    let cfg = SimConfig::new(5 * CHUNK_SAMPLES + 777, 2024);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| simulate(&path, &cfg).unwrap())
    };
    let a = run(1);
    let b = run(2);
    assert_eq!(a.histogram, b.histogram);
    for (x, y) in [
        (a.p50_ms, b.p50_ms),
        (a.p90_ms, b.p90_ms),
        (a.p99_ms, b.p99_ms),
        (a.p999_ms, b.p999_ms),
        (a.mean_ms, b.mean_ms),
    ] {
        assert_eq!(x.to_bits(), y.to_bits());
    }
    let (alo, ahi) = a.p99_ci_ms.unwrap();
    let (blo, bhi) = b.p99_ci_ms.unwrap();
    assert_eq!(
        (alo.to_bits(), ahi.to_bits()),
        (blo.to_bits(), bhi.to_bits())
    );
    assert_eq!(a, b);
    assert_eq!(a.rng, RNG_NAME);
    assert_eq!(a.seed, 2024);
}

#[test]
fn more_hops_never_lower_any_sample_or_percentile() {
    // B = A with a hop inserted in the middle and an extra parallel branch: with common random
    // numbers every original hop keeps its draws, so B >= A per sample.
    let a = rich_path();
    let Step::Seq(mut steps) = a.clone() else {
        unreachable!()
    };
    steps.insert(2, Step::hop("sidecar", ln(6.1738, 0.29)));
    if let Step::Par(branches) = &mut steps[4] {
        branches.push(Step::hop("leaf-c", ln(5.0, 0.8)));
    }
    let b = Step::seq(steps);
    let pa = PathModel::new("a", a).compile().unwrap();
    let pb = PathModel::new("b", b).compile().unwrap();
    let n = 2 * CHUNK_SAMPLES + 100;
    let va = all_samples(&pa, 5, n);
    let vb = all_samples(&pb, 5, n);
    assert!(va.iter().zip(&vb).all(|(x, y)| y >= x));
    assert!(va.iter().zip(&vb).filter(|(x, y)| y > x).count() as u64 == n);
    let ra = simulate(&pa, &SimConfig::new(n, 5)).unwrap();
    let rb = simulate(&pb, &SimConfig::new(n, 5)).unwrap();
    for q in [0.01, 0.5, 0.9, 0.99, 0.999, 1.0] {
        assert!(rb.quantile_ms(q) >= ra.quantile_ms(q), "q{q}");
    }
}

#[test]
fn same_label_gets_same_draws_across_options() {
    // Two options share the "dns" and "server" hops; only the network hop differs.
    let cat = Catalogue::eks_defaults().unwrap();
    let opt = |net: &str| {
        PathModel::new(
            net,
            Step::seq(vec![
                cat.hop_labeled("dns.coredns_processing", "dns").unwrap(),
                cat.hop_labeled(net, "net").unwrap(),
                Step::hop("server", ln(5.0, 0.3)),
            ]),
        )
        .compile()
        .unwrap()
    };
    let same = chunk_samples_us(&opt("net.same_az"), 9, 0, 4096).unwrap();
    let cross = chunk_samples_us(&opt("net.cross_az"), 9, 0, 4096).unwrap();
    let base_path = PathModel::new(
        "no-net",
        Step::seq(vec![
            cat.hop_labeled("dns.coredns_processing", "dns").unwrap(),
            Step::hop("server", ln(5.0, 0.3)),
        ]),
    )
    .compile()
    .unwrap();
    let base = chunk_samples_us(&base_path, 9, 0, 4096).unwrap();
    // The common part is identical, so the difference is exactly the network hop, and the same
    // normal draw maps to a larger cross-AZ value (quantile coupling): cross >= same per sample.
    for ((s, c), b) in same.iter().zip(&cross).zip(&base) {
        assert!(s > b && c > b);
        assert!(c >= s);
    }
}

#[test]
fn another_seed_moves_p99_within_the_reported_interval() {
    let path = PathModel::new(
        "three",
        Step::seq(vec![
            Step::hop("a", ln(5.0106, 0.7456)),
            Step::hop("b", ln(6.1738, 0.29)),
            Step::hop("c", ln(6.1738, 0.29)),
        ]),
    )
    .compile()
    .unwrap();
    let cfg = |seed| SimConfig::new(16 * CHUNK_SAMPLES, seed);
    let base = simulate(&path, &cfg(1)).unwrap();
    let (lo, hi) = base.p99_ci_ms.unwrap();
    assert!(lo < base.p99_ms && base.p99_ms < hi);
    let other = simulate(&path, &cfg(2)).unwrap();
    assert_ne!(other.p99_ms, base.p99_ms);
    assert!(
        lo <= other.p99_ms && other.p99_ms <= hi,
        "seed 2 p99 {} outside seed 1 interval [{lo}, {hi}]",
        other.p99_ms
    );
    // Intervals of independent runs overlap (fails with probability ≈ 0.6 % per pair).
    for seed in 3..6 {
        let r = simulate(&path, &cfg(seed)).unwrap();
        let (l2, h2) = r.p99_ci_ms.unwrap();
        assert!(
            l2 <= hi && lo <= h2,
            "seed {seed}: [{l2}, {h2}] vs [{lo}, {hi}]"
        );
        // Half-width ≈ 0.3 % of p99 at 1M samples: the interval is informative, not vacuous.
        assert!((h2 - l2) / r.p99_ms < 0.02);
    }
}

#[test]
fn single_partial_chunk_has_no_interval_and_zero_samples_is_an_error() {
    let path = PathModel::new("one", Step::hop("a", ln(5.0, 0.5)))
        .compile()
        .unwrap();
    let r = simulate(&path, &SimConfig::new(1000, 3)).unwrap();
    assert!(r.p99_ci_ms.is_none());
    assert_eq!(r.chunks, 1);
    assert!(simulate(&path, &SimConfig::new(0, 3)).is_err());
}

#[test]
fn fitted_lognormals_return_their_quantiles() {
    for (p50, p99) in [(200.0, 900.0), (19.0, 59.0), (972.0, 1586.0), (3.0, 10.0)] {
        let f = fit_lognormal_from_p50_p99(p50, p99).unwrap();
        assert!((f.quantile(0.5).unwrap() / p50 - 1.0).abs() < 1e-6);
        assert!((f.quantile(0.99).unwrap() / p99 - 1.0).abs() < 1e-6);
    }
    let f = fit_shifted_lognormal_from_p50_p99(950.0, 2400.0, 450.0).unwrap();
    assert!((f.quantile(0.5).unwrap() / 950.0 - 1.0).abs() < 1e-6);
    assert!((f.quantile(0.99).unwrap() / 2400.0 - 1.0).abs() < 1e-6);
    // Reference §2.4 table: net.cross_az mu 6.2146, sigma 0.5850 (4-decimal rounding).
    assert!((f.mu - 6.2146).abs() < 1e-4 && (f.sigma - 0.5850).abs() < 1e-4);
    // From p90/p99 (mesh.istio_sidecar_pair: p90 1273, p99 1586 → mu 6.8795, sigma 0.2104).
    let g = fit_lognormal_from_quantiles(0.9, 1273.0, 0.99, 1586.0, 0.0).unwrap();
    assert!((g.quantile(0.9).unwrap() / 1273.0 - 1.0).abs() < 1e-6);
    assert!((g.quantile(0.99).unwrap() / 1586.0 - 1.0).abs() < 1e-6);
    assert!((g.mu - 6.8795).abs() < 1e-3 && (g.sigma - 0.2104).abs() < 1e-3);
    // The fitted spec samples to its quantiles (Monte Carlo, 0.5 %).
    let p = PathModel::new("fit", Step::hop("x", f.to_spec()))
        .compile()
        .unwrap();
    let r = simulate(&p, &SimConfig::new(8 * CHUNK_SAMPLES, 1)).unwrap();
    assert!((r.p50_ms / 0.950 - 1.0).abs() < 0.005);
    assert!((r.p99_ms / 2.400 - 1.0).abs() < 0.01);
    assert!(fit_lognormal_from_p50_p99(100.0, 50.0).is_err());
    assert!(fit_shifted_lognormal_from_p50_p99(100.0, 500.0, 100.0).is_err());
}

#[test]
fn exp_fast_matches_std_exp() {
    let mut x = -700.0;
    while x <= 700.0 {
        let rel = (exp_fast(x) / x.exp() - 1.0).abs();
        assert!(rel < 1e-11, "x {x}: rel {rel}");
        x += 0.0137;
    }
    assert!((exp_fast(0.0) - 1.0).abs() < 1e-12);
    assert!(exp_fast(1e6).is_finite() && exp_fast(-1e6) > 0.0);
}

#[test]
fn validation_rejects_bad_specs_with_clear_errors() {
    let bad = |d: DistSpec, needle: &str| {
        let e = d.compile().unwrap_err().to_string();
        assert!(e.contains(needle), "'{e}' should mention '{needle}'");
    };
    bad(ln(1.0, 0.0), "sigma");
    bad(ln(1.0, -1.0), "must be > 0");
    bad(ln(f64::NAN, 1.0), "finite");
    bad(
        DistSpec::Mixture {
            components: vec![
                MixtureComponent {
                    weight: 0.5,
                    dist: ln(1.0, 1.0),
                },
                MixtureComponent {
                    weight: 0.4,
                    dist: ln(1.0, 1.0),
                },
            ],
        },
        "sum to 1",
    );
    bad(
        DistSpec::PercentileTable {
            points: vec![(50.0, 10.0), (40.0, 20.0)],
        },
        "strictly increasing",
    );
    bad(
        DistSpec::PercentileTable {
            points: vec![(50.0, 10.0), (90.0, 5.0)],
        },
        "non-decreasing",
    );
    bad(
        DistSpec::RareEvent {
            p: 1.5,
            delay: Box::new(DistSpec::Constant { value: 1.0 }),
            base: None,
        },
        "[0, 1]",
    );
    bad(DistSpec::Empirical { values: vec![] }, "at least one");
    bad(DistSpec::Constant { value: -1.0 }, ">= 0");
    bad(
        DistSpec::Ref {
            name: "net.same_az".into(),
        },
        "unresolved ref",
    );
    // Mixture weights within 1e-9 of one are accepted.
    let ok = DistSpec::Mixture {
        components: vec![
            MixtureComponent {
                weight: 0.3,
                dist: ln(1.0, 1.0),
            },
            MixtureComponent {
                weight: 0.7 + 5e-10,
                dist: ln(1.0, 1.0),
            },
        ],
    };
    assert!(ok.compile().is_ok());
    // YAML: unknown field and unknown family are parse errors.
    let y: Result<DistSpec, _> = serde_saphyr::from_str("{family: lognormal, mu: 1, sgima: 2}");
    assert!(y.is_err());
    let y: Result<DistSpec, _> = serde_saphyr::from_str("{family: weibull, k: 1}");
    assert!(y.is_err());
    let y: DistSpec =
        serde_saphyr::from_str("{family: percentile_table, points: [[0, 1], [50, 2], [100, 9]]}")
            .unwrap();
    assert!(y.compile().is_ok());
    // from_yaml_str parses and validates.
    assert!(
        DistSpec::from_yaml_str("{family: lognormal_quantiles, p50: 200, p99: 900, shift: 50}")
            .is_ok()
    );
    let e = DistSpec::from_yaml_str(
        "{family: mixture, components: [{weight: 0.5, dist: {family: constant, value: 1}}]}",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("sum to 1"), "{e}");
    assert!(DistSpec::from_yaml_str("{family: lognormal_quantiles, p50: 200, p99: 100}").is_err());
    // Path-level probabilities.
    let p = PathModel::new("bad", Step::hop_with_p("x", ln(1.0, 1.0), 1.2)).compile();
    assert!(p.unwrap_err().to_string().contains("probability"));
    assert!(PathModel::new("bad", Step::par(vec![])).compile().is_err());
}

#[test]
fn empirical_and_table_inverse_cdf_interpolate_linearly() {
    // Values 0..=100 at probabilities i/100: the quantile q is 100·q (linear interpolation).
    let d = DistSpec::Empirical {
        values: (0..=100).rev().map(f64::from).collect(),
    };
    let p = PathModel::new("emp", Step::hop("e", d)).compile().unwrap();
    let r = simulate(&p, &SimConfig::new(4 * CHUNK_SAMPLES, 3)).unwrap();
    assert!((r.p50_ms * 1000.0 - 50.0).abs() < 0.5);
    assert!((r.p90_ms * 1000.0 - 90.0).abs() < 0.5);
    let t = DistSpec::PercentileTable {
        points: vec![(0.0, 0.0), (50.0, 200.0), (100.0, 400.0)],
    };
    let p = PathModel::new("tab", Step::hop("t", t)).compile().unwrap();
    let r = simulate(&p, &SimConfig::new(4 * CHUNK_SAMPLES, 3)).unwrap();
    assert!((r.p50_ms * 1000.0 - 200.0).abs() < 2.0);
    assert!((r.p90_ms * 1000.0 - 360.0).abs() < 2.0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn percentiles_are_ordered(
        hops in prop::collection::vec((0.0f64..8.0, 0.05f64..1.5, 0.0f64..500.0), 1..6),
        fan in 1usize..4,
        p in 0.0f64..=1.0,
        seed in any::<u64>(),
    ) {
        let mut steps: Vec<Step> = hops
            .iter()
            .enumerate()
            .map(|(i, &(mu, sigma, shift))| {
                Step::hop(format!("h{i}"), DistSpec::ShiftedLognormal { shift, mu, sigma })
            })
            .collect();
        steps.push(Step::maybe(
            p,
            Step::par((0..fan).map(|j| Step::hop(format!("f{j}"), ln(4.0, 0.7))).collect()),
        ));
        let path = PathModel::new("prop", Step::seq(steps)).compile().unwrap();
        let r = simulate(&path, &SimConfig::new(20_000, seed)).unwrap();
        prop_assert!(r.p50_ms <= r.p90_ms);
        prop_assert!(r.p90_ms <= r.p99_ms);
        prop_assert!(r.p99_ms <= r.p999_ms);
        prop_assert!(r.p50_ms > 0.0);
    }
}

#[test]
fn higher_probabilities_and_call_counts_never_lower_a_sample() {
    let path = |p_conn: f64, p_retry: f64, calls: u32| {
        PathModel::new(
            "p",
            Step::seq(vec![
                Step::hop("net", ln(5.0, 0.6)),
                Step::hop_with_p("tcp-handshake", ln(5.0, 0.6), p_conn),
                Step::maybe(p_retry, Step::hop("retry", ln(6.0, 0.4))),
                Step::repeat(calls, Step::hop("downstream", ln(4.5, 0.5))),
            ]),
        )
        .compile()
        .unwrap()
    };
    let base = chunk_samples_us(&path(0.05, 0.01, 2), 77, 3, 20_000).unwrap();
    for (pc, pr, k) in [
        (0.2, 0.01, 2),
        (0.05, 0.1, 2),
        (0.05, 0.01, 3),
        (1.0, 1.0, 5),
    ] {
        let more = chunk_samples_us(&path(pc, pr, k), 77, 3, 20_000).unwrap();
        assert!(base.iter().zip(&more).all(|(a, b)| b >= a), "{pc} {pr} {k}");
        assert!(base.iter().zip(&more).any(|(a, b)| b > a));
    }
    // p = 1 on a hop is the same as an unconditional hop with the same label.
    let always = chunk_samples_us(&path(1.0, 0.0, 0), 77, 3, 5000).unwrap();
    let plain = PathModel::new(
        "plain",
        Step::seq(vec![
            Step::hop("net", ln(5.0, 0.6)),
            Step::hop("tcp-handshake", ln(5.0, 0.6)),
        ]),
    )
    .compile()
    .unwrap();
    assert_eq!(always, chunk_samples_us(&plain, 77, 3, 5000).unwrap());
}

#[test]
fn fewer_samples_are_a_prefix_of_more_samples() {
    let path = PathModel::new("rich", rich_path()).compile().unwrap();
    let long = chunk_samples_us(&path, 8, 2, 5000).unwrap();
    let short = chunk_samples_us(&path, 8, 2, 1234).unwrap();
    assert_eq!(&long[..1234], &short[..]);
}

#[test]
fn compare_options_pairs_options_with_common_random_numbers() {
    let cat = Catalogue::eks_defaults().unwrap();
    let option = |name: &str, net: &str, mesh: bool| {
        let mut steps = vec![
            cat.hop_labeled("dns.nodelocal_lookup", "dns").unwrap(),
            cat.hop_labeled(net, "net").unwrap(),
        ];
        if mesh {
            steps.push(cat.hop_labeled("mesh.istio_sidecar_pair", "mesh").unwrap());
        }
        steps.push(Step::hop("server", ln(6.0, 0.5)));
        PathModel::new(name, Step::seq(steps)).compile().unwrap()
    };
    let paths = [
        option("same-az", "net.same_az", false),
        option("cross-az", "net.cross_az", false),
        option("same-az+istio", "net.same_az", true),
    ];
    let cfg = SimConfig::new(8 * CHUNK_SAMPLES, 99);
    let c = compare_options(&paths, &cfg).unwrap();
    // Each option's result is exactly what simulate() gives on its own.
    for (p, r) in paths.iter().zip(&c.results) {
        assert_eq!(&simulate(p, &cfg).unwrap(), r);
    }
    let d_cross = &c.deltas[0];
    let d_mesh = &c.deltas[1];
    assert_eq!(
        (d_cross.name.as_str(), d_cross.baseline.as_str()),
        ("cross-az", "same-az")
    );
    // Mean difference = difference of means (up to summation order).
    let want = c.results[1].mean_ms - c.results[0].mean_ms;
    assert!((d_cross.mean_delta_ms - want).abs() < 1e-9);
    // Adding the mesh hop makes every request slower; cross-AZ (coupled through the same normal
    // draw) is slower for all but astronomically rare draws.
    assert_eq!(d_mesh.p_slower, 1.0);
    assert!(d_cross.p_slower > 0.999_99);
    // The paired interval is much tighter than the spread of either option's mean.
    let (lo, hi) = d_cross.mean_delta_ci_ms.unwrap();
    assert!(lo < d_cross.mean_delta_ms && d_cross.mean_delta_ms < hi);
    assert!(hi - lo < 0.01, "paired CI width {}", hi - lo);
    // Same on one thread.
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| compare_options(&paths, &cfg).unwrap());
    assert_eq!(one, c);
}

#[test]
fn choice_picks_one_branch_by_weight() {
    let same = || Step::hop("net.same", ln(5.0, 0.5));
    let cross = || Step::hop("net.cross", ln(6.5, 0.5));
    // Constant branches make the branch of every request visible: 10 µs or 100 µs.
    let mixed = PathModel::new(
        "mixed",
        Step::choice(vec![
            (
                1.0 / 3.0,
                Step::hop("a", DistSpec::Constant { value: 10.0 }),
            ),
            (
                2.0 / 3.0,
                Step::hop("b", DistSpec::Constant { value: 100.0 }),
            ),
        ]),
    )
    .compile()
    .unwrap();
    let v = all_samples(&mixed, 4, 4 * CHUNK_SAMPLES);
    assert!(v.iter().all(|x| *x == 10.0 || *x == 100.0));
    let share = v.iter().filter(|x| **x == 10.0).count() as f64 / v.len() as f64;
    assert!(
        (share - 1.0 / 3.0).abs() < 0.005,
        "share of the first branch {share}"
    );
    // A request draws only its own branch, and each branch keeps its distribution: the mean is
    // 1/3 exp(5 + 0.5^2/2) + 2/3 exp(6.5 + 0.5^2/2) = 56.07 + 502.38 = 558.45 µs.
    let lognormals = PathModel::new(
        "lognormals",
        Step::choice(vec![(1.0 / 3.0, same()), (2.0 / 3.0, cross())]),
    )
    .compile()
    .unwrap();
    let v = all_samples(&lognormals, 4, 4 * CHUNK_SAMPLES);
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    assert!((mean / 558.45 - 1.0).abs() < 0.01, "mean {mean}");
    // Weights must sum to one; negative weights are rejected.
    assert!(
        PathModel::new("bad", Step::choice(vec![(0.5, same()), (0.4, cross())]))
            .compile()
            .unwrap_err()
            .to_string()
            .contains("sum to 1")
    );
    assert!(
        PathModel::new("bad", Step::choice(vec![(-0.5, same()), (1.5, cross())]))
            .compile()
            .is_err()
    );
    assert!(
        PathModel::new("bad", Step::choice(vec![]))
            .compile()
            .is_err()
    );
}
