//! The progress count of whole evaluations: it ends at exactly `TICKS` on success, never goes
//! backwards while parallel parts run, and does not change any result.

use ewsim::progress::{Progress, TICKS};
use ewsim::run::{RunOptions, run, run_with_progress};
use ewsim::sweep::{Scale, SweepSpec, sweep, sweep_with_progress};
use ewsim::{PriceTable, loader};

/// Ranges (so draws run), a call graph (so entry-point trees run) and two options.
const SCENARIO: &str = "version: 1
region: us-east-1
zones:
  - {name: a, nodes: {count: 2, type: m5.large}}
  - {name: b, nodes: {count: 2, type: m5.large}}
services:
  - {name: web, replicas: 4}
  - {name: api, replicas: 4}
  - {name: db, replicas: 2}
traffic:
  - {from: web, to: api, volume: 2TB to 6TB}
  - {from: api, to: db, volume: 1 TB}
options:
  - {name: clusterip, kind: clusterip}
  - {name: nlb, kind: internal-nlb, client_zone_affinity: true}
call_graph:
  entry_points:
    - name: page
      service: web
      stages: [[{to: api, calls: 2}]]
  services:
    - service: api
      stages: [[{to: db}]]
";

/// Reads the count from another thread every millisecond while `work` runs; returns the result,
/// the readings and the final count.
fn watched<T: Send>(work: impl FnOnce(&Progress) -> T + Send) -> (T, Vec<u64>, u64) {
    let progress = Progress::new();
    let done = std::sync::atomic::AtomicBool::new(false);
    let (result, readings) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let mut seen = Vec::new();
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                seen.push(progress.ticks());
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            seen
        });
        let result = work(&progress);
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        (result, reader.join().expect("reader thread"))
    });
    (result, readings, progress.ticks())
}

#[test]
fn a_run_with_latency_and_draws_counts_to_the_end_and_changes_nothing() {
    let loaded = loader::parse_scenario(SCENARIO, "p.yaml").expect("valid scenario");
    assert!(!loaded.uncertain.is_empty(), "the scenario has a range");
    let table = PriceTable::builtin(&loaded.scenario.region).expect("builtin prices");
    let opts = RunOptions::of(&loaded.scenario)
        .samples(20_000)
        .draws(Some(20));
    let (outcome, readings, end) =
        watched(|p| run_with_progress(&loaded, &table, &opts, p).expect("runs"));
    assert_eq!(end, TICKS);
    assert!(
        readings.windows(2).all(|w| w[0] <= w[1]),
        "the count went backwards: {readings:?}"
    );
    let plain = run(&loaded, &table, &opts).expect("runs");
    assert_eq!(outcome.report, plain.report);
    let latency = outcome.report.latency.as_ref().expect("latency simulated");
    assert_eq!(
        latency.entry_points.len(),
        1,
        "the entry point was simulated"
    );
    assert!(outcome.report.uncertainty.is_some(), "the draws ran");
}

#[test]
fn cost_only_runs_and_sweeps_count_to_the_end() {
    let loaded = loader::parse_scenario(SCENARIO, "p.yaml").expect("valid scenario");
    let table = PriceTable::builtin(&loaded.scenario.region).expect("builtin prices");
    let opts = RunOptions::of(&loaded.scenario)
        .without_latency()
        .draws(Some(5));
    let (_, _, end) = watched(|p| run_with_progress(&loaded, &table, &opts, p).expect("runs"));
    assert_eq!(end, TICKS);

    // From 0.1 TB to 40 TB the zonal NLB's hourly fee is overtaken by ClusterIP's cross-zone
    // bytes: a break-even is searched.
    let spec = SweepSpec::parse("traffic=0.1TB..40TB", 8, Scale::Log, &loaded).expect("spec");
    for latency in [None, Some((2_000, 7))] {
        let (result, readings, end) =
            watched(|p| sweep_with_progress(&loaded, &table, &spec, latency, p).expect("sweeps"));
        assert_eq!(end, TICKS, "latency {latency:?}");
        assert!(readings.windows(2).all(|w| w[0] <= w[1]));
        let plain = sweep(&loaded, &table, &spec, latency).expect("sweeps");
        assert_eq!(result.steps, plain.steps);
        assert_eq!(result.break_evens, plain.break_evens);
        assert!(!plain.break_evens.is_empty(), "a break-even was searched");
    }
}
