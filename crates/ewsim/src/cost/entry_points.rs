//! Share of each call-graph entry point's requests that fail because a call on the way is
//! dropped, per option: what the end-to-end latency (which counts delivered requests only) must
//! be read next to.
//!
//! A request fails when any of its calls is dropped, and whether a call is dropped depends on
//! where the caller runs (internalTrafficPolicy Local drops the calls of a pod whose node has no
//! local endpoint). The model follows the zone a request is in: the entry point's requests
//! arrive in each zone in proportion to the entry service's pods there (its edges' client
//! shares); a call from zone `z` over edge `e` is delivered to zone `z'` with the route's share
//! `M_e[z][z']` (rows sum to one minus the zone's dropped share), and the callee's own calls
//! start from `z'`. So with `S(s, z)` the chance that a request at service `s` in zone `z`
//! completes all its calls,
//!
//! `S(s, z) = prod over calls c of s (count n): (sum over z' of M_e[z][z'] x S(c.to, z'))^n`
//!
//! and the entry point's dropped share is `1 - sum over z of w_z x S(entry, z)`. Calls made
//! from the same zone are taken as independent; when drops are tied to nodes within a zone
//! (every call of one pod is dropped together), the true share is lower, so this is an upper
//! bound there.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::evaluate::OptionReport;
use crate::scenario::{Call, CallGraph};

/// Dropped share of one call-graph entry point under every option.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EntryDropped {
    /// Entry point name.
    pub name: String,
    /// Per option, in scenario order: share of the entry point's requests with a dropped call.
    pub dropped: Vec<Decimal>,
}

/// The dropped share of every entry point of `graph` under every option (see the module docs).
pub(crate) fn entry_points_dropped(
    graph: &CallGraph,
    options: &[OptionReport],
) -> Vec<EntryDropped> {
    // Per option, every entry point: the option's delivery shares and memo serve them all.
    let per_option: Vec<Vec<Decimal>> = options
        .iter()
        .map(|o| {
            let mut c = Completion::new(graph, o);
            graph
                .entry_points
                .iter()
                .map(|ep| c.dropped(&ep.service, &ep.stages))
                .collect()
        })
        .collect();
    graph
        .entry_points
        .iter()
        .enumerate()
        .map(|(k, ep)| EntryDropped {
            name: ep.name.clone(),
            dropped: per_option.iter().map(|d| d[k]).collect(),
        })
        .collect()
}

/// The completion chances of one option, memoised per (service, zone).
struct Completion<'a> {
    graph: &'a CallGraph,
    option: &'a OptionReport,
    /// Edge index by (from, to).
    edge_of: HashMap<(&'a str, &'a str), usize>,
    /// Per edge, its zone-to-zone delivery shares (computed when first used).
    delivery: HashMap<usize, Vec<Vec<Decimal>>>,
    memo: HashMap<(&'a str, usize), Decimal>,
}

impl<'a> Completion<'a> {
    fn new(graph: &'a CallGraph, option: &'a OptionReport) -> Self {
        let edge_of = option
            .edges
            .iter()
            .enumerate()
            .map(|(k, e)| ((&*e.from, &*e.to), k))
            .collect();
        Completion {
            graph,
            option,
            edge_of,
            delivery: HashMap::new(),
            memo: HashMap::new(),
        }
    }

    /// `1 - sum over z of w_z x S(entry, z)`, the weights from the entry service's first call.
    fn dropped(&mut self, service: &'a str, stages: &'a [Vec<Call>]) -> Decimal {
        let Some(first) = stages.iter().flatten().next() else {
            return Decimal::ZERO;
        };
        let Some(&k) = self.edge_of.get(&(service, first.to.as_str())) else {
            return Decimal::ZERO;
        };
        let weights = self.option.edges[k].route.client_shares.clone();
        let completed: Decimal = weights
            .iter()
            .enumerate()
            .filter(|(_, w)| !w.is_zero())
            .map(|(z, w)| *w * self.calls(service, stages, z))
            .sum();
        (Decimal::ONE - completed).max(Decimal::ZERO).round_dp(12)
    }

    /// `S(s, z)` for the calls `stages` that `service` makes from zone `z`.
    fn calls(&mut self, service: &'a str, stages: &'a [Vec<Call>], z: usize) -> Decimal {
        let mut all = Decimal::ONE;
        for call in stages.iter().flatten() {
            let Some(&k) = self.edge_of.get(&(service, call.to.as_str())) else {
                // Validation requires a traffic edge for every call; none means none delivered.
                return Decimal::ZERO;
            };
            let row = self.row(k, z);
            let mut one = Decimal::ZERO;
            for (to, share) in row.iter().enumerate() {
                if !share.is_zero() {
                    one += *share * self.service(&call.to, to);
                }
            }
            for _ in 0..call.count {
                all *= one;
                if all.is_zero() {
                    return all;
                }
            }
        }
        all
    }

    /// `S(s, z)` for a request arriving at service `s` in zone `z` (its own calls, from every
    /// `services:` entry naming it).
    fn service(&mut self, s: &'a str, z: usize) -> Decimal {
        if let Some(v) = self.memo.get(&(s, z)) {
            return *v;
        }
        let graph = self.graph;
        let mut all = Decimal::ONE;
        for sc in graph.services.iter().filter(|sc| sc.service == s) {
            all *= self.calls(s, &sc.stages, z);
        }
        self.memo.insert((s, z), all);
        all
    }

    /// Row `z` of edge `k`'s delivery shares: where a call from zone `z` is delivered, as shares
    /// of the calls made from `z`. A zone the edge has no clients in gets the edge's average.
    fn row(&mut self, k: usize, z: usize) -> Vec<Decimal> {
        let route = &self.option.edges[k].route;
        let matrix = self.delivery.entry(k).or_insert_with(|| {
            let zones = route.client_shares.len();
            let mut m = vec![vec![Decimal::ZERO; zones]; zones];
            let mut average = vec![Decimal::ZERO; zones];
            route.for_each_path(&mut |p| {
                let to = p.hops.last().map_or(p.client_zone, |h| h.to);
                if let Some(cell) = m.get_mut(p.client_zone).and_then(|r| r.get_mut(to)) {
                    *cell += p.share;
                }
                if let Some(cell) = average.get_mut(to) {
                    *cell += p.share;
                }
            });
            for (row, client) in m.iter_mut().zip(route.client_shares.iter()) {
                if client.is_zero() {
                    row.clone_from(&average);
                } else {
                    for cell in row.iter_mut() {
                        *cell /= *client;
                    }
                }
            }
            m
        });
        matrix.get(z).cloned().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::dec;

    /// See the fixture's header.
    const SCENARIO: &str = include_str!("../../tests/fixtures/chain-call-graph.yaml");

    #[test]
    fn a_request_fails_when_a_call_from_its_zone_is_dropped() {
        let loaded = crate::loader::parse_scenario(SCENARIO, "t.yaml").expect("valid");
        let table = crate::PriceTable::builtin("us-east-1").expect("prices");
        let r = crate::cost::evaluate(&loaded.scenario, &table).expect("evaluates");
        // internalTrafficPolicy Local: only a node's own endpoints. web in c has no api (1/3 of
        // web's calls dropped); api in b has no db (1/2 of api's calls dropped).
        let itp = &r.options[1];
        assert_eq!(
            itp.edges[0].route.dropped.round_dp(12),
            dec!(0.333333333333)
        );
        assert_eq!(itp.edges[1].route.dropped, dec!(0.5));
        // By zone: a page in a calls api in a, whose db call stays in a: completes (S = 1).
        // In b: api in b, whose db call is dropped (S(api, b) = 0), so S(web, b) = 0^2 = 0.
        // In c: the api calls are dropped: 0. Pages arrive 1/3 per zone (web's pods), so
        // dropped = 1 - (1/3 x 1 + 1/3 x 0 + 1/3 x 0) = 2/3 (rounded to 12 places). Taking
        // the edges as independent would say 1 - (2/3 x 1/2)^2 = 8/9 instead.
        assert_eq!(r.entry_points.len(), 1);
        assert_eq!(r.entry_points[0].name, "page");
        assert_eq!(r.entry_points[0].dropped, [dec!(0), dec!(0.666666666667)]);
    }
}
