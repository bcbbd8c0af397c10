//! Flows and expansion of a route's stage chain: the delivered share of every hop, client zone
//! and final zone by dynamic programming over the stage tables ([`HopFlows`], what pricing
//! needs), the survival shares behind it, and the depth-first expansion into [`Path`]s (what the
//! latency stage and reports read).

use super::stages::Stage;
use super::{Hop, HopKind, Hops, Path};
use crate::scenario::StateTime;
use rust_decimal::Decimal;

/// One hop of a route with the share of the edge's delivered requests that take it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct HopFlow {
    /// Kind of hop.
    pub kind: HopKind,
    /// Zone slot the hop leaves.
    pub from: usize,
    /// Zone slot the hop reaches.
    pub to: usize,
    /// Share of the edge's requests that take this hop and are delivered.
    pub share: Decimal,
}

/// What pricing needs of a route: the share of the edge's requests on each hop, by client zone
/// and by final zone, counting delivered requests only (a request dropped at a later stage is
/// not billed for its earlier hops, as no path holds it).
///
/// Computed from the stage tables in `O(stages x zones^2)`: with `s_k(z)` the share of requests
/// at zone `z` after stage `k` that are eventually delivered (`s_K = 1`,
/// `s_k(c) = sum_d p_{k+1}(c, d) s_{k+1}(d)`) and `m_k` the forward mass (`m_0` = client shares),
/// hop `c -> d` of stage `k` carries `m_{k-1}(c) p_k(c, d) s_k(d)`: the sum over the paths
/// through that hop of their shares.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct HopFlows {
    /// Share of the edge's requests delivered (`1 - dropped`).
    pub delivered: Decimal,
    /// Every hop with a non-zero share, stage by stage, then by zone slots.
    pub hops: Vec<HopFlow>,
    /// Delivered share by client zone slot.
    pub by_client_zone: Vec<Decimal>,
    /// Delivered share by the zone slot of the last hop's end (the client's zone when a path has
    /// no hop).
    pub by_end_zone: Vec<Decimal>,
}

impl HopFlows {
    pub(super) fn of_chain(client_shares: &[Decimal], stages: &[Stage]) -> HopFlows {
        let zones = client_shares.len();
        let survive = survival(zones, stages);
        let mut out = HopFlows {
            delivered: Decimal::ZERO,
            hops: Vec::new(),
            by_client_zone: client_shares
                .iter()
                .zip(&survive[0])
                .map(|(m, s)| times(*m, *s))
                .collect(),
            by_end_zone: vec![Decimal::ZERO; zones],
        };
        out.delivered = out.by_client_zone.iter().copied().sum();
        let mut mass = client_shares.to_vec();
        for (k, stage) in stages.iter().enumerate() {
            let mut next = vec![Decimal::ZERO; zones];
            for (c, row) in stage.rows.iter().enumerate() {
                if mass[c].is_zero() {
                    continue;
                }
                for &(d, p) in row {
                    let moved = times(mass[c], p);
                    next[d] += moved;
                    let share = times(moved, survive[k + 1][d]);
                    if !share.is_zero() {
                        out.hops.push(HopFlow {
                            kind: stage.kind,
                            from: c,
                            to: d,
                            share,
                        });
                    }
                }
            }
            mass = next;
        }
        out.by_end_zone = mass;
        out
    }

    /// Adds `other` weighted by a replica state's time.
    pub(super) fn add_weighted(&mut self, other: &HopFlows, time: StateTime) {
        self.delivered += time.weigh(other.delivered);
        for h in &other.hops {
            let share = time.weigh(h.share);
            match self
                .hops
                .iter_mut()
                .find(|x| (x.kind, x.from, x.to) == (h.kind, h.from, h.to))
            {
                Some(x) => x.share += share,
                None => self.hops.push(HopFlow { share, ..*h }),
            }
        }
        for (acc, v) in [
            (&mut self.by_client_zone, &other.by_client_zone),
            (&mut self.by_end_zone, &other.by_end_zone),
        ] {
            if acc.len() < v.len() {
                acc.resize(v.len(), Decimal::ZERO);
            }
            for (a, x) in acc.iter_mut().zip(v) {
                *a += time.weigh(*x);
            }
        }
    }
}

/// Share of the requests at each zone slot after stage `k` (index `k`; 0 = at the clients) that
/// are eventually delivered: `s_K = 1`, `s_k(c) = sum_d p_{k+1}(c, d) s_{k+1}(d)`.
pub(super) fn survival(zones: usize, stages: &[Stage]) -> Vec<Vec<Decimal>> {
    let mut survive = vec![vec![Decimal::ONE; zones]; stages.len() + 1];
    for k in (0..stages.len()).rev() {
        for c in 0..zones {
            survive[k][c] = stages[k].rows[c]
                .iter()
                .map(|(d, p)| times(*p, survive[k + 1][*d]))
                .sum();
        }
    }
    survive
}

/// `a x b`, skipping the multiplication when either is exactly one (survival shares mostly are).
pub(super) fn times(a: Decimal, b: Decimal) -> Decimal {
    if b == Decimal::ONE {
        a
    } else if a == Decimal::ONE {
        b
    } else {
        a * b
    }
}

/// Depth-first expansion of the stages from zone `at` (the order and the products are those of
/// expanding stage by stage: share x p1 x p2 ...).
pub(super) fn expand(
    stages: &[Stage],
    share: Decimal,
    client_zone: usize,
    at: usize,
    hops: Hops,
    f: &mut dyn FnMut(Path),
) {
    let Some((stage, rest)) = stages.split_first() else {
        f(Path {
            share,
            client_zone,
            hops,
        });
        return;
    };
    for &(to, prob) in &stage.rows[at] {
        let mut next = hops;
        next.push(Hop {
            kind: stage.kind,
            from: at,
            to,
        });
        expand(rest, share * prob, client_zone, to, next, f);
    }
}
