//! Latency of each option: the routed paths of the report turned into latency models from the
//! hop catalogue.
//!
//! Per request: a DNS lookup with a small probability (clients cache), on a new connection the
//! VIP translation and TCP handshake, one network round trip per hop by zone relation (same node,
//! same AZ or cross AZ), load-balancer / Lattice / proxy processing, the server's own time when
//! given, and the TCP retransmission tail. Dropped requests are excluded (they fail; see
//! `dropped_share`).
//!
//! # Shapes and sample budget
//! What a request's latency depends on is its *shape*: the option's latency class (VIP, proxies,
//! load-balancer type), the edge's new-connection share and per-proxy load, and the hop sequence
//! at the relation level (kind and same node / same zone / cross zone / cross VPC of each hop).
//! Zone-level paths are aggregated to shapes before anything is simulated, so an instance-target
//! load balancer's dozens of zone paths per edge become a handful of shapes, and thousands of
//! edges between services with the same settings share them.
//!
//! Each distinct shape is compiled and simulated once ([`mod@crate::latency::mixture`]), with the
//! requests its heaviest use needs: an option's percentiles come from `samples` requests spread
//! over its shapes in proportion to their request rates (stratified: every shape gets its
//! proportional share, at least one request), so `samples` is the budget *per option*, whatever
//! the number of edges. Per-edge percentiles, when asked for, give every edge
//! [`edge_samples`]`(samples)` requests of its own over its shapes. Call-graph entry points are
//! simulated as trees of calls, each call drawing one shape of its edge.
//!
//! `shapes.rs` collects the shapes, `model.rs` turns a shape (or an entry point's call tree)
//! into a latency model; this module spreads the budget and simulates.

mod model;
mod shapes;
#[cfg(test)]
mod tests;

pub use shapes::PROXY_RATE_STEP;

use std::collections::HashMap;

use crate::cost::CostReport;
use crate::latency::engine::compare_counted;
use crate::latency::{
    Catalogue, CompiledPath, LatencyError, MixtureResult, PathModel, SimConfig, SimResult, Step,
    allocate, mixture, mixture::simulate_built,
};
use crate::progress::Share;
use crate::scenario::Scenario;
use model::{Ctx, call_step, calls_step};
use shapes::Shapes;

/// Largest number of requests per edge for per-edge percentiles ([`edge_samples`]).
pub const EDGE_SAMPLES_MAX: u64 = 4096;

/// Requests simulated per edge for per-edge percentiles: `min(samples, 4,096)`.
pub fn edge_samples(samples: u64) -> u64 {
    samples.min(EDGE_SAMPLES_MAX)
}

/// What to simulate: requests per option, seed, and whether per-edge percentiles are wanted
/// (only the JSON report shows them; they cost [`edge_samples`] requests per edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatencyRun {
    /// Requests per option (and per entry point).
    pub samples: u64,
    /// Master seed.
    pub seed: u64,
    /// Whether to compute per-edge percentiles.
    pub per_edge: bool,
}

impl LatencyRun {
    /// The scenario's own settings (`latency.samples`, `latency.seed`), without per-edge
    /// percentiles.
    pub fn of(s: &Scenario) -> Self {
        Self {
            samples: s.latency.samples,
            seed: s.latency.seed,
            per_edge: false,
        }
    }
}

/// Percentiles per option plus the provenance every report states.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LatencyReport {
    /// One result per option, in scenario order; `None` when the option delivers no request.
    pub options: Vec<Option<MixtureResult>>,
    /// Simulated requests per option (the budget spread over its shapes).
    pub samples: u64,
    /// Master seed.
    pub seed: u64,
    /// Random number generator and seeding scheme.
    pub rng: String,
    /// Distinct request shapes simulated for the options (and edges).
    pub shapes: usize,
    /// End-to-end latency per entry point of the call graph, per option.
    pub entry_points: Vec<EntryLatency>,
    /// Latency of one call over each traffic edge, per option (scenario `traffic` order); empty
    /// unless per-edge percentiles were asked for ([`LatencyRun::per_edge`]).
    pub edges: Vec<EntryLatency>,
    /// Requests per edge behind `edges` ([`edge_samples`]); `None` without per-edge figures.
    pub edge_samples: Option<u64>,
}

/// Latency of one entry point (or one traffic edge, named `from -> to`) under every option.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EntryLatency {
    /// Entry point name.
    pub name: String,
    /// One result per option, in scenario order; `None` when a call on the way delivers nothing.
    pub options: Vec<Option<MixtureResult>>,
}

/// Description of the random number generator and seeding, reported with every result.
pub const RNG: &str = "Xoshiro256PlusPlus (rand 0.10 rngs::Xoshiro256PlusPlus), one stream per (seed, chunk of requests, hop) via SplitMix64 mixing, batched ziggurat normals";

/// Simulates every option of a priced scenario (see the module docs): the latency stage.
pub fn simulate(
    s: &Scenario,
    report: &CostReport,
    run: LatencyRun,
) -> Result<LatencyReport, LatencyError> {
    simulate_in(s, report, run, Share::NONE)
}

/// The call trees of one entry point, one per option whose calls all deliver.
struct EntryTrees {
    name: String,
    trees: Vec<CompiledPath>,
    /// The option of each tree.
    index: Vec<usize>,
}

/// [`simulate`], handing `share` out as requests are simulated: the shapes' part and each entry
/// point's part in proportion to their work (requests x hops, requests x random streams).
pub(crate) fn simulate_in(
    s: &Scenario,
    report: &CostReport,
    run: LatencyRun,
    share: Share<'_>,
) -> Result<LatencyReport, LatencyError> {
    if run.samples > crate::limits::MAX_SAMPLES {
        return Err(LatencyError::model(format!(
            "{} samples is over the limit of {}",
            run.samples,
            crate::limits::MAX_SAMPLES
        )));
    }
    let cat = Catalogue::eks_defaults()?.with_overrides(&s.latency.hop_overrides)?;
    let settings = &s.latency;
    let ctx = Ctx {
        cat: &cat,
        settings,
        kube_proxy: cat.kube_proxy_iptables(settings.services_in_cluster)?,
    };
    let graph = s.call_graph.as_ref().filter(|g| !g.entry_points.is_empty());
    let shapes = Shapes::collect(s, report, settings, run.per_edge || graph.is_some());
    let build = |k: usize| -> Result<CompiledPath, LatencyError> {
        PathModel::new(format!("shape {k}"), ctx.shape(&shapes.keys[k])?).compile()
    };
    let per_edge = edge_samples(run.samples);
    let mut budgets: Vec<(&[(usize, f64)], u64)> = shapes
        .options
        .iter()
        .map(|p| (p.as_slice(), run.samples))
        .collect();
    if run.per_edge {
        budgets.extend(
            shapes
                .edges
                .iter()
                .flatten()
                .map(|p| (p.as_slice(), per_edge)),
        );
    }
    let alloc = allocate(shapes.keys.len(), &budgets);
    // The entry points' trees are built before anything is simulated, so that the work of every
    // part is known when the share is split.
    let entries = match graph {
        Some(graph) => entry_trees(s, report, &ctx, &shapes, graph)?,
        None => Vec::new(),
    };
    let shape_work = alloc
        .iter()
        .zip(&shapes.keys)
        .map(|(&n, k)| n.max(1).saturating_mul(u64::from(k.path.len) + 1))
        .fold(0u64, u64::saturating_add);
    let mut work = vec![shape_work];
    work.extend(entries.iter().map(|e| {
        let streams: u64 = e.trees.iter().map(|t| t.stream_count() as u64).sum();
        run.samples.saturating_mul(streams)
    }));
    let parts = share.split(&work);
    let simulated = simulate_built(&build, &alloc, run.seed, parts[0])?;
    const CONFIDENCE: f64 = 0.95;
    let options: Vec<Option<MixtureResult>> = shapes
        .options
        .iter()
        .map(|p| mixture(&simulated, p, CONFIDENCE))
        .collect();
    let mut edges = Vec::new();
    if run.per_edge {
        for (k, edge) in s.traffic.iter().enumerate() {
            edges.push(EntryLatency {
                name: format!("{} -> {}", edge.from, edge.to),
                options: shapes
                    .edges
                    .iter()
                    .map(|per| per.get(k).and_then(|p| mixture(&simulated, p, CONFIDENCE)))
                    .collect(),
            });
        }
    }
    let cfg = SimConfig::new(run.samples, run.seed);
    let mut entry_points = Vec::with_capacity(entries.len());
    for (entry, part) in entries.into_iter().zip(&parts[1..]) {
        let mut options = vec![None; report.options.len()];
        if entry.trees.is_empty() {
            part.complete();
        } else {
            let results = compare_counted(&entry.trees, &cfg, *part)?.results;
            for (i, r) in entry.index.into_iter().zip(results) {
                options[i] = Some(figures(&r));
            }
        }
        entry_points.push(EntryLatency {
            name: entry.name,
            options,
        });
    }
    Ok(LatencyReport {
        options,
        samples: run.samples,
        seed: run.seed,
        rng: RNG.to_string(),
        shapes: shapes.keys.len(),
        entry_points,
        edges,
        edge_samples: run.per_edge.then_some(per_edge),
    })
}

/// Every entry point's call trees, one per option whose calls all deliver.
fn entry_trees(
    s: &Scenario,
    report: &CostReport,
    ctx: &Ctx,
    shapes: &Shapes,
    graph: &crate::scenario::CallGraph,
) -> Result<Vec<EntryTrees>, LatencyError> {
    let edge_of: HashMap<(&str, &str), usize> = s
        .traffic
        .iter()
        .enumerate()
        .map(|(k, e)| ((e.from.as_str(), e.to.as_str()), k))
        .collect();
    let steps: Vec<Step> = shapes
        .keys
        .iter()
        .map(|k| ctx.shape(k))
        .collect::<Result<_, _>>()?;
    let mut entries = Vec::with_capacity(graph.entry_points.len());
    for ep in &graph.entry_points {
        let mut trees = Vec::new();
        let mut index = Vec::new();
        for (i, per) in shapes.edges.iter().enumerate() {
            let call = |k: usize| per.get(k).and_then(|p| call_step(&steps, p));
            let Some(step) = calls_step(s, &edge_of, &call, &ep.service, &ep.stages) else {
                continue;
            };
            let mut root = Vec::new();
            if let Some(server) = &s.latency.server {
                root.push(Step::hop("server.entry", server.clone()));
            }
            root.push(step);
            let name = format!("{}:{}", report.options[i].name, ep.name);
            trees.push(PathModel::new(name, Step::seq(root)).compile()?);
            index.push(i);
        }
        entries.push(EntryTrees {
            name: ep.name.clone(),
            trees,
            index,
        });
    }
    Ok(entries)
}

/// The figures of a tree simulation (entry points) in the report's result type.
fn figures(r: &SimResult) -> MixtureResult {
    MixtureResult {
        p50_ms: r.p50_ms,
        p90_ms: r.p90_ms,
        p99_ms: r.p99_ms,
        p999_ms: r.p999_ms,
        mean_ms: r.mean_ms,
        // The tree engine's batch means give the p99 an interval only.
        p50_ci_ms: None,
        p99_ci_ms: r.p99_ci_ms,
        confidence: r.confidence,
        samples: r.samples,
        shapes: 1,
    }
}
