//! Work budgets: the one home of the documented limits on what a scenario may make ewsim expand,
//! and their checks. Each limit sits far above the largest real clusters (thousands of nodes,
//! tens of thousands of pods, six zones a region) and exists to refuse the absurd (10^9 nodes,
//! 10^12 samples) with a located error before any work is done, instead of running out of time
//! or memory. [`scenario_problems`] is part of [`crate::validate::validate`], so `validate`,
//! `run`, sweeps and draws refuse the same scenarios; [`run_problems`] adds the settings a caller
//! chooses per run (samples, draws). `docs/limits.md` lists them with the measured worst case.

use crate::error::{Diagnostic, Input};
use crate::latency::DistSpec;
use crate::scenario::{Replicas, Scenario};
use std::collections::BTreeMap;

/// Largest scenario or price file read, in bytes (16 MiB). The biggest shipped scenario is a few
/// kilobytes and a generated one for a 5,000-node cluster well under a megabyte; reading stops
/// here, so `/dev/zero` or an endless FIFO fails quickly instead of filling memory.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Largest number of nodes in a scenario, all clusters together (20,000): four times the 5,000
/// nodes Kubernetes documents as its tested cluster size. Nodes are modelled one by one.
pub const MAX_NODES: u64 = 20_000;

/// Largest number of zone slots (zones of all clusters together): 256. An AWS region has at most
/// six availability zones; routing builds zone-by-zone matrices, so this bounds their size.
pub const MAX_ZONES: usize = 256;

/// Largest number of pods of one service declaration (150,000), in any replica state: the whole
/// of Kubernetes' documented 150,000-pods-per-cluster limit in a single service. Pods are
/// counted per node, never materialised one by one in placement.
pub const MAX_PODS_PER_SERVICE: u64 = 150_000;

/// Largest work of the upstream Kubernetes model (EndpointSlice hints and kube-proxy's endpoint
/// filtering): the endpoints kube-proxy reads, summed over services, pods x (zone slots of its
/// cluster + 1) x (options + options routing by node). kube-proxy runs once per zone label (and
/// once more per label for the nodes hosting endpoints under node-local routing, `itp-local` or
/// `PreferSameNode`), each run reading every endpoint of the service; never once per node.
/// Measured in docs/limits.md. This is the endpoints-per-edge budget.
pub const MAX_ENDPOINT_CHECKS: u64 = 500_000_000;

/// Whether kube-proxy's answer under option `o` depends on the client node's name (node-local
/// endpoints or `forNodes` hints), so that every node hosting a pod is evaluated on its own.
fn routes_by_node(o: &crate::scenario::OptionSpec) -> bool {
    use crate::scenario::OptionKind;
    use crate::topology::TrafficDistribution;
    let by = |kind: &OptionKind, td: Option<TrafficDistribution>| {
        matches!(kind, OptionKind::ItpLocal) || td == Some(TrafficDistribution::PreferSameNode)
    };
    match &o.kind {
        OptionKind::PerService(p) => {
            by(&p.default.kind, p.default.traffic_distribution)
                || p.services
                    .iter()
                    .any(|(_, r)| by(&r.kind, r.traffic_distribution))
        }
        kind => by(kind, o.traffic_distribution),
    }
}

/// Most simulated requests per option (10 million): the shipped scenarios use 200,000, and the
/// percentiles ewsim reports are stable to well under 1 % long before this.
pub const MAX_SAMPLES: u64 = 10_000_000;

/// Number of draws of a scenario's ranges when the caller does not say (200).
pub const DEFAULT_DRAWS: usize = 200;

/// Most draws of a scenario's ranges (10,000): the default is 200, and P10 / P90 over more than
/// a few thousand draws no longer change at the precision reported.
pub const MAX_DRAWS: u64 = 10_000;

/// Most steps of a sweep, both ends included (1,000): a chart or table has no use for more.
pub const MAX_SWEEP_STEPS: usize = 1000;

/// Most calls of one request after unrolling the call graph (`calls:` counts multiplied through
/// nested services), summed over entry points (100,000). Real request fan-outs are tens to
/// hundreds of calls; the engine draws only the branch taken, so this is cheap per sample.
pub const MAX_UNROLLED_CALLS: u64 = 100_000;

/// Most parts of one latency distribution after YAML aliases are expanded (`sum` parts and
/// `mixture` components, nested ones counted; 256). Real overrides have a handful; an alias bomb
/// expands to millions and each part is drawn per sampled hop.
pub const MAX_DIST_PARTS: u64 = 256;

/// Most sampled hop draws per option: simulated requests (point run plus draws) x calls per
/// request x parts of the largest distribution (100 million, about 13 s of one core in a release build). Online
/// Boutique at its 200,000 samples needs about 8 million.
pub const MAX_SAMPLED_HOPS: u64 = 100_000_000;

/// Samples each draw of the ranges simulates for a point run of `samples`: a twentieth, at least
/// 1,000 (the spread over draws, not one draw's sampling noise, is what P10 / P90 show).
pub fn draw_samples(samples: u64) -> u64 {
    (samples / 20).max(1_000)
}

fn over(path: impl Into<String>, what: &str, figure: u64, limit: u64) -> Diagnostic {
    Diagnostic::at(
        path,
        format!("{what} is {figure}, over the limit of {limit}"),
    )
    .with_hint("ewsim's work limits are listed in docs/limits.md")
}

/// Pods of a replica setting, saturating.
fn pods(r: &Replicas) -> u64 {
    match r {
        Replicas::Spread(n) => u64::from(*n),
        Replicas::PerZone(list) => list.iter().map(|(_, k)| u64::from(*k)).sum(),
    }
}

/// Parts of a distribution (leaves of `sum`, `mixture` and `rare_event`), saturating.
pub fn dist_parts(d: &DistSpec) -> u64 {
    match d {
        DistSpec::Sum { parts } => parts
            .iter()
            .fold(0u64, |a, p| a.saturating_add(dist_parts(p))),
        DistSpec::Mixture { components } => components
            .iter()
            .fold(0u64, |a, c| a.saturating_add(dist_parts(&c.dist))),
        DistSpec::RareEvent { delay, base, .. } => {
            dist_parts(delay).saturating_add(base.as_deref().map_or(0, dist_parts))
        }
        _ => 1,
    }
}

/// Calls of one request after unrolling, summed over the entry points (saturating; a cycle,
/// reported by validation, counts once).
pub fn unrolled_calls(s: &Scenario) -> u64 {
    let Some(g) = &s.call_graph else {
        return 0;
    };
    fn calls_of(
        g: &crate::scenario::CallGraph,
        stages: &[Vec<crate::scenario::Call>],
        memo: &mut BTreeMap<String, u64>,
        visiting: &mut Vec<String>,
    ) -> u64 {
        let mut total = 0u64;
        for call in stages.iter().flatten() {
            let below = if let Some(v) = memo.get(&call.to) {
                *v
            } else if visiting.contains(&call.to) {
                0
            } else {
                visiting.push(call.to.clone());
                let mut v = 0u64;
                for sc in g.services.iter().filter(|sc| sc.service == call.to) {
                    v = v.saturating_add(calls_of(g, &sc.stages, memo, visiting));
                }
                visiting.pop();
                memo.insert(call.to.clone(), v);
                v
            };
            total =
                total.saturating_add(u64::from(call.count).saturating_mul(below.saturating_add(1)));
        }
        total
    }
    let mut memo = BTreeMap::new();
    g.entry_points.iter().fold(0u64, |a, e| {
        a.saturating_add(calls_of(g, &e.stages, &mut memo, &mut Vec::new()))
    })
}

/// Parts of the largest latency distribution the scenario sets (1 when it sets none).
fn largest_dist(s: &Scenario) -> u64 {
    s.latency
        .hop_overrides
        .values()
        .map(|o| dist_parts(&o.dist))
        .chain(s.latency.server.as_ref().map(dist_parts))
        .max()
        .unwrap_or(1)
        .max(1)
}

/// Sampled hop draws per option for `samples` requests and `draws` draws of the ranges.
pub fn sampled_hops(s: &Scenario, samples: u64, draws: u64) -> u64 {
    let requests = samples.saturating_add(draws.saturating_mul(draw_samples(samples)));
    requests
        .saturating_mul(unrolled_calls(s).max(1))
        .saturating_mul(largest_dist(s))
}

/// Hop draws a cost evaluation is worth per traffic edge and option: 10,000 edges x 17 options
/// price in about the time 17 M hop draws simulate (measured with benches/scale.sh).
pub(crate) const COST_WORK_PER_EDGE_OPTION: u64 = 100;

/// Hops a simulated request takes, about: client, proxy or load balancer, server, network.
const HOPS_PER_REQUEST: u64 = 4;

/// Estimated work of evaluating `s` once, in hop draws: `[cost, latency]`, the latency stage
/// simulating `samples` requests per option (`None`: no latency), each call of the call graph
/// counted as a request of its own.
pub(crate) fn evaluation_work(s: &Scenario, samples: Option<u64>) -> [u64; 2] {
    let options = s.options.len().max(1) as u64;
    let cost = (s.traffic.len().max(1) as u64)
        .saturating_mul(options)
        .saturating_mul(COST_WORK_PER_EDGE_OPTION);
    let latency = samples.map_or(0, |n| {
        n.saturating_mul(options)
            .saturating_mul(HOPS_PER_REQUEST)
            .saturating_mul(unrolled_calls(s).saturating_add(1))
    });
    [cost, latency]
}

/// [`evaluation_work`] of both stages together.
pub(crate) fn evaluation_total(s: &Scenario, samples: Option<u64>) -> u64 {
    let [cost, latency] = evaluation_work(s, samples);
    cost.saturating_add(latency)
}

/// The scenario's own budget problems: sizes (nodes, zones, pods, endpoint checks, unrolled calls,
/// distribution parts) and its `latency.samples` (with the default number of draws when it has
/// ranges: `has_ranges`). Part of [`crate::validate::validate`].
pub fn scenario_problems(s: &Scenario, has_ranges: bool) -> Vec<Diagnostic> {
    let mut d = Vec::new();
    let single = s.clusters.len() == 1 && s.clusters[0].name == "default";
    let mut nodes_total = 0u64;
    let mut slots = 0usize;
    let mut cluster_zones = BTreeMap::new();
    for c in &s.clusters {
        let n = c
            .zones
            .iter()
            .fold(0u64, |a, z| a.saturating_add(u64::from(z.nodes.count)));
        cluster_zones.insert(c.name.as_str(), c.zones.len() as u64);
        nodes_total = nodes_total.saturating_add(n);
        slots += c.zones.len();
    }
    let zones_path = if single { "zones" } else { "clusters" };
    if nodes_total > MAX_NODES {
        d.push(over(
            zones_path,
            "the number of nodes",
            nodes_total,
            MAX_NODES,
        ));
    }
    if slots > MAX_ZONES {
        d.push(over(
            zones_path,
            "the number of zones",
            slots as u64,
            MAX_ZONES as u64,
        ));
    }
    let mut checks = 0u64;
    let options = s.options.len() as u64;
    let by_node = s.options.iter().filter(|o| routes_by_node(o)).count() as u64;
    for (i, svc) in s.services.iter().enumerate() {
        let mut most = pods(&svc.replicas);
        let mut at = format!("services[{i}].replicas");
        for (si, st) in s.states.iter().enumerate() {
            for (name, r) in &st.replicas {
                if *name == svc.name && pods(r) > most {
                    most = pods(r);
                    at = format!("states[{si}].replicas.{name}");
                }
            }
        }
        if most > MAX_PODS_PER_SERVICE {
            d.push(over(
                at,
                &format!("the number of pods of `{}`", svc.name),
                most,
                MAX_PODS_PER_SERVICE,
            ));
        }
        let zones = cluster_zones
            .get(svc.cluster.as_str())
            .copied()
            .unwrap_or(0);
        let runs = zones
            .saturating_add(1)
            .saturating_mul(options.saturating_add(by_node));
        checks = checks.saturating_add(most.saturating_mul(runs));
    }
    if checks > MAX_ENDPOINT_CHECKS && d.is_empty() {
        d.push(
            Diagnostic::at(
                "services",
                format!(
                    "pods x (zones + 1) x (options + node-local options) summed over services is \
                     {checks}, over the limit of {MAX_ENDPOINT_CHECKS} endpoint checks"
                ),
            )
            .with_hint("fewer nodes or replicas model the same shares; see docs/limits.md"),
        );
    }
    let calls = unrolled_calls(s);
    if calls > MAX_UNROLLED_CALLS {
        d.push(over(
            "call_graph",
            "the number of calls per request after unrolling",
            calls,
            MAX_UNROLLED_CALLS,
        ));
    }
    let mut big_dist = false;
    for (k, o) in &s.latency.hop_overrides {
        let n = dist_parts(&o.dist);
        if n > MAX_DIST_PARTS {
            big_dist = true;
            d.push(over(
                format!("latency.hops.{k}"),
                "the number of distribution parts",
                n,
                MAX_DIST_PARTS,
            ));
        }
    }
    if let Some(n) = s.latency.server.as_ref().map(dist_parts)
        && n > MAX_DIST_PARTS
    {
        big_dist = true;
        d.push(over(
            "latency.server_time",
            "the number of distribution parts",
            n,
            MAX_DIST_PARTS,
        ));
    }
    if s.latency.samples > MAX_SAMPLES {
        d.push(over(
            "latency.samples",
            "the number of samples",
            s.latency.samples,
            MAX_SAMPLES,
        ));
    } else if calls <= MAX_UNROLLED_CALLS && !big_dist {
        let draws = if has_ranges { DEFAULT_DRAWS as u64 } else { 0 };
        let work = sampled_hops(s, s.latency.samples, draws);
        if work > MAX_SAMPLED_HOPS {
            d.push(
                Diagnostic::at(
                    "latency.samples",
                    format!(
                        "samples x calls per request x distribution parts is {work} hop draws \
                         per option, over the limit of {MAX_SAMPLED_HOPS}"
                    ),
                )
                .with_hint("lower latency.samples; see docs/limits.md"),
            );
        }
    }
    d
}

/// The budget problems of one run's own settings: `samples` simulated requests per option
/// (`None`: no latency) and `draws` draws of the ranges (`None` or a scenario without ranges:
/// none), each against its limit and together against [`MAX_SAMPLED_HOPS`].
pub fn run_problems(s: &Scenario, samples: Option<u64>, draws: Option<u64>) -> Vec<Diagnostic> {
    let mut d = Vec::new();
    if let Some(n) = samples.filter(|n| *n > MAX_SAMPLES) {
        d.push(Diagnostic::input(
            Input::Samples,
            format!("{n} is over the limit of {MAX_SAMPLES} samples"),
        ));
    }
    if let Some(n) = draws.filter(|n| *n > MAX_DRAWS) {
        d.push(Diagnostic::input(
            Input::Draws,
            format!("{n} is over the limit of {MAX_DRAWS} draws"),
        ));
    }
    if d.is_empty()
        && let Some(n) = samples
        && unrolled_calls(s) <= MAX_UNROLLED_CALLS
    {
        let work = sampled_hops(s, n, draws.unwrap_or(0));
        if work > MAX_SAMPLED_HOPS {
            d.push(Diagnostic::input(
                Input::Samples,
                format!(
                    "{n} samples with {} draws make {work} hop draws per option, over the limit \
                     of {MAX_SAMPLED_HOPS} (samples x calls per request x distribution parts)",
                    draws.unwrap_or(0)
                ),
            ));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(extra: &str) -> Scenario {
        let text = format!(
            "version: 1\nname: t\nregion: us-east-1\nzones:\n  - {{name: us-east-1a, nodes: {{count: 2, type: m5.large}}}}\nservices:\n  - {{name: a, replicas: 2}}\n  - {{name: b, replicas: 3}}\ntraffic:\n  - {{from: a, to: b, volume: 1 TB}}\noptions:\n  - {{name: c, kind: clusterip}}\n{extra}"
        );
        crate::loader::parse_scenario(&text, "t.yaml")
            .expect("parses")
            .scenario
    }

    #[test]
    fn unrolled_calls_multiply_through_nested_services() {
        // Entry: 3 calls to b; each b call makes 2 calls to a: 3 x (1 + 2) = 9.
        let s = scenario(
            "call_graph:\n  entry_points:\n    - {name: e, service: a, stages: [[{to: b, calls: 3}]]}\n  services:\n    - {service: b, stages: [[{to: a, calls: 2}]]}\n",
        );
        assert_eq!(unrolled_calls(&s), 9);
    }

    #[test]
    fn pods_and_pairs_are_counted_against_their_limits() {
        let s = scenario("");
        assert!(scenario_problems(&s, false).is_empty());
        let mut big = s.clone();
        big.services[0].replicas = Replicas::Spread(150_001);
        let d = scenario_problems(&big, false);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("150001, over the limit of 150000"));
        // 150,000 pods on 2 nodes, one zone, one option: 150,000 x 1 x 1 checks.
        big.services[0].replicas = Replicas::Spread(150_000);
        assert!(scenario_problems(&big, false).is_empty());
    }

    #[test]
    fn endpoint_checks_count_zone_labels_per_option_and_again_per_node_local_option() {
        use crate::scenario::{OptionKind, OptionSpec};
        let mut s = scenario("");
        let zone = s.clusters[0].zones[0].clone();
        s.clusters[0].zones = (0..200)
            .map(|i| {
                let mut z = zone.clone();
                z.name = format!("z{i}");
                z
            })
            .collect();
        for svc in &mut s.services {
            svc.replicas = Replicas::Spread(150_000);
        }
        for i in 2..=7 {
            s.options
                .push(OptionSpec::new(format!("c{i}"), OptionKind::ClusterIp));
        }
        // 7 ClusterIP options: kube-proxy once per zone label (and once for unlabeled nodes):
        // 2 x 150,000 x (200 + 1) x 7 = 422,100,000, within 5 x 10^8.
        assert!(scenario_problems(&s, false).is_empty());
        // An eighth option, itp-local, counts twice (the nodes hosting pods are a class of their
        // own in every zone): 2 x 150,000 x 201 x (8 + 1) = 542,700,000.
        s.options.push(OptionSpec::new("l", OptionKind::ItpLocal));
        let d = scenario_problems(&s, false);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message
                .contains("is 542700000, over the limit of 500000000"),
            "{d:?}"
        );
        // One service of 150,000 pods: 271,350,000 + the other's 100 x 201 x 9: within.
        s.services[1].replicas = Replicas::Spread(100);
        assert!(scenario_problems(&s, false).is_empty());
    }

    #[test]
    fn run_settings_over_their_limits_are_named_with_the_figure() {
        let s = scenario("");
        let d = run_problems(&s, Some(u64::MAX), Some(u64::MAX));
        assert_eq!(d.len(), 2);
        assert!(
            d[0].message
                .contains("18446744073709551615 is over the limit of 10000000")
        );
        assert!(d[1].message.contains("over the limit of 10000 draws"));
        // 10^7 samples + 10,000 draws x 500,000 samples = 5,010,000,000 requests x 1 call.
        let d = run_problems(&s, Some(10_000_000), Some(10_000));
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("5010000000 hop draws"), "{d:?}");
    }

    #[test]
    fn work_estimate_follows_edges_options_samples_and_calls() {
        let s = crate::loader::parse_scenario(
            "version: 1\nregion: us-east-1\nzones:\n  - {name: a, nodes: {count: 1, type: m5.large}}\nservices:\n  - {name: web, replicas: 1}\n  - {name: api, replicas: 1}\ntraffic:\n  - {from: web, to: api, volume: 1 TB}\n  - {from: api, to: web, volume: 1 TB}\noptions:\n  - {name: a, kind: clusterip}\n  - {name: b, kind: clusterip}\n  - {name: c, kind: clusterip}\n",
            "t.yaml",
        )
        .expect("valid")
        .scenario;
        // Cost: 2 edges x 3 options x 100 = 600. Latency: 1,000 requests x 3 options x 4 hops
        // x (0 calls + 1) = 12,000.
        assert_eq!(evaluation_work(&s, Some(1_000)), [600, 12_000]);
        assert_eq!(evaluation_work(&s, None), [600, 0]);
    }
}
