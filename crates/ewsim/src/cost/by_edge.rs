//! Cost by traffic edge: an option's line items shared among its traffic edges, exactly.
//!
//! Every line item is shared by a [`Basis`] the pricing rule that added it records with per-edge
//! weights (docs/reports.md "Cost by traffic edge"):
//! - transfer (`inter_az.*`, `peering.*`, `tgw.data`): by the GB of the edge's own charged hops;
//! - usage (`lattice.data`, `lattice.requests`, `istio.*`): by the edge's own driver (GB
//!   delivered, billable requests of the called service shared by its callers' requests,
//!   proxied requests per instance type);
//! - capacity (`alb.lcu`, `nlb.nlcu.*`): by the edge's share of the busiest (billed) dimension;
//! - fixed (hours and monthly fees: `*.hours`, `lattice.service_hours`, `tgw.attachments`,
//!   `route53.*`): by the edge's share of the option's GB offered.
//!
//! A line item whose weights are all zero falls back to GB offered, and to equal shares when no
//! edge offers any. Shares are exact `Decimal`s: each edge but the last weighted one gets
//! `cost x weight / sum of weights`, the last the remainder, so the edges' exact costs add up to
//! the option's total exactly. The cent figures are allocated by largest remainder: every edge
//! gets its exact cost rounded down to the cent, then the cents still missing to the option's
//! total in cents go one each to the edges with the largest remainders (ties: the earlier edge),
//! so they add up to the option's total to the cent.

use super::bill::{Basis, LineItem};
use crate::routing::EdgeRoute;
use crate::traffic::EdgeLoad;
use rust_decimal::Decimal;

/// One traffic edge's share of an option's volumes and cost.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct EdgeCost {
    /// GB per month offered (request plus response).
    pub gb_month: Decimal,
    /// GB per month delivered.
    pub delivered_gb: Decimal,
    /// GB per month crossing an AZ boundary, summed over hops.
    pub cross_az_gb: Decimal,
    /// Share of the edge's requests dropped.
    pub dropped_share: Decimal,
    /// Exact USD per month by basis, in [`BASES`] order.
    pub by_basis: [Decimal; 4],
    /// Exact USD per month: the sum of `by_basis`; the edges' totals add up to the option's.
    pub total: Decimal,
    /// USD per month to the cent, by largest remainder: the edges' add up to the option's total
    /// rounded to the cent.
    pub total_cents: Decimal,
}

/// The bases in the order of [`EdgeCost::by_basis`].
pub const BASES: [Basis; 4] = [Basis::Transfer, Basis::Usage, Basis::Capacity, Basis::Fixed];

/// Position of `b` in [`BASES`].
fn slot(b: Basis) -> usize {
    BASES.iter().position(|x| *x == b).unwrap_or(3)
}

/// What [`allocate`] shares: the line items, their recorded weights, the routed edges and each
/// edge's (cross-AZ GB, delivered GB).
pub(super) struct Inputs<'a> {
    pub(super) items: &'a [LineItem],
    pub(super) weights: &'a super::bill::Weights,
    pub(super) edges: &'a [(&'a EdgeLoad, EdgeRoute)],
    pub(super) volumes: &'a [(Decimal, Decimal)],
    pub(super) total: Decimal,
}

/// Shares every line item among the edges (see the module documentation); empty without edges.
pub(super) fn allocate(x: &Inputs<'_>) -> Vec<EdgeCost> {
    let n = x.edges.len();
    if n == 0 {
        return Vec::new();
    }
    let mut out: Vec<EdgeCost> = x
        .edges
        .iter()
        .enumerate()
        .map(|(k, (load, route))| {
            let (cross, delivered) = x.volumes.get(k).copied().unwrap_or_default();
            EdgeCost {
                gb_month: load.gb_month,
                delivered_gb: delivered,
                cross_az_gb: cross,
                dropped_share: route.dropped,
                ..EdgeCost::default()
            }
        })
        .collect();
    let bytes: Vec<Decimal> = x.edges.iter().map(|(l, _)| l.gb_month).collect();
    let equal = vec![Decimal::ONE; n];
    for item in x.items {
        let (basis, recorded) = match x.weights.get(&item.component) {
            Some((b, w)) => (*b, Some(w)),
            None => (Basis::Fixed, None),
        };
        let weights = [recorded, Some(&bytes), Some(&equal)]
            .into_iter()
            .flatten()
            .find(|w| w.len() == n && w.iter().any(|v| *v > Decimal::ZERO))
            .unwrap_or(&equal);
        let s = slot(basis);
        for (k, share) in shares(item.cost, weights).into_iter().enumerate() {
            out[k].by_basis[s] += share;
        }
    }
    settle(&mut out, x.total);
    let cents = largest_remainder(&out.iter().map(|e| e.total).collect::<Vec<_>>(), x.total);
    for (e, c) in out.iter_mut().zip(cents) {
        e.total_cents = c;
    }
    out
}

/// Sets each edge's total to the sum of its bases, then gives the last edge the difference
/// between the option's total and the edges' sum (at most a few units of the 28th significant
/// digit, from summing the same amounts in another order), so that the totals add up exactly.
fn settle(out: &mut [EdgeCost], total: Decimal) {
    for e in out.iter_mut() {
        e.total = e.by_basis.iter().copied().sum();
    }
    // Adding the residue may round again: a few rounds settle it.
    for _ in 0..4 {
        let residue = total - out.iter().map(|e| e.total).sum::<Decimal>();
        if residue.is_zero() {
            break;
        }
        if let Some(last) = out.last_mut() {
            let s = last
                .by_basis
                .iter()
                .rposition(|v| !v.is_zero())
                .unwrap_or(slot(Basis::Fixed));
            last.by_basis[s] += residue;
            last.total = last.by_basis.iter().copied().sum();
        }
    }
}

/// `amount x part / whole`: multiplying first keeps shares that are exact decimals exact
/// (98.304 x 2048 / 12288 = 16.384); dividing first is the fallback for amounts too large to
/// multiply (the fuzzer found 2^32 requests per second). `None` when even that overflows or
/// `whole` is zero.
pub(super) fn part_of(amount: Decimal, part: Decimal, whole: Decimal) -> Option<Decimal> {
    amount
        .checked_mul(part)
        .and_then(|x| x.checked_div(whole))
        .or_else(|| part.checked_div(whole).and_then(|f| amount.checked_mul(f)))
}

/// `cost` shared by `weights` (negative weights count as zero): exact shares, the last weighted
/// entry taking the remainder so that the shares add up to `cost` exactly.
pub fn shares(cost: Decimal, weights: &[Decimal]) -> Vec<Decimal> {
    let w: Vec<Decimal> = weights.iter().map(|v| (*v).max(Decimal::ZERO)).collect();
    let sum = w
        .iter()
        .try_fold(Decimal::ZERO, |a, v| a.checked_add(*v))
        .unwrap_or(Decimal::MAX);
    let mut out = vec![Decimal::ZERO; w.len()];
    let Some(last) = w.iter().rposition(|v| !v.is_zero()) else {
        return out;
    };
    let mut given = Decimal::ZERO;
    for k in 0..last {
        if w[k].is_zero() {
            continue;
        }
        let share = part_of(cost, w[k], sum).unwrap_or_default();
        out[k] = share;
        given += share;
    }
    out[last] = cost - given;
    out
}

/// Exact amounts to the cent, adding up to `total` rounded to the cent ([`super::cents`]): each
/// rounded down to the cent, then one cent more for the largest remainders (ties: the earlier).
pub fn largest_remainder(exact: &[Decimal], total: Decimal) -> Vec<Decimal> {
    use rust_decimal::RoundingStrategy::{MidpointAwayFromZero, ToNegativeInfinity};
    let cent = Decimal::new(1, 2);
    let floors: Vec<Decimal> = exact
        .iter()
        .map(|v| {
            v.round_dp_with_strategy(12, MidpointAwayFromZero)
                .round_dp_with_strategy(2, ToNegativeInfinity)
        })
        .collect();
    let mut out = floors.clone();
    if out.is_empty() {
        return out;
    }
    let missing = super::cents(total) - floors.iter().copied().sum::<Decimal>();
    let steps = (missing / cent)
        .round()
        .to_string()
        .parse::<i64>()
        .unwrap_or(0);
    // Remainders to 12 decimals, so that the last digits of exact shares (where the remainder
    // of a division lands) do not decide; a stable sort keeps the earlier edge first among equals.
    let rem: Vec<Decimal> = exact
        .iter()
        .zip(&floors)
        .map(|(v, f)| v.round_dp_with_strategy(12, MidpointAwayFromZero) - f)
        .collect();
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|a, b| rem[*b].cmp(&rem[*a]));
    let n = order.len() as i64;
    for i in 0..steps.unsigned_abs().min(u64::from(u32::MAX)) as i64 {
        if steps > 0 {
            out[order[(i % n) as usize]] += cent;
        } else {
            out[order[(n - 1 - i % n) as usize]] -= cent;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn thirds_add_up_exactly_and_to_the_cent() {
        let s = shares(dec!(100), &[dec!(1), dec!(1), dec!(1)]);
        assert_eq!(s.iter().copied().sum::<Decimal>(), dec!(100));
        let c = largest_remainder(&s, dec!(100));
        assert_eq!(c, vec![dec!(33.34), dec!(33.33), dec!(33.33)]);
    }

    #[test]
    fn zero_weights_get_nothing_and_the_last_weighted_takes_the_remainder() {
        let s = shares(dec!(10), &[dec!(0), dec!(2), dec!(1), dec!(0)]);
        assert_eq!(s[0], Decimal::ZERO);
        assert_eq!(s[3], Decimal::ZERO);
        assert_eq!(s[1] + s[2], dec!(10));
        assert!(
            shares(dec!(10), &[Decimal::ZERO; 3])
                .iter()
                .all(|v| v.is_zero())
        );
    }

    #[test]
    fn half_cents_go_to_the_largest_remainders() {
        // 0.005 x 3 = 0.015 -> 0.02 in total: two edges get a cent, by order among equals.
        let c = largest_remainder(&[dec!(0.005), dec!(0.005), dec!(0.005)], dec!(0.015));
        assert_eq!(c, vec![dec!(0.01), dec!(0.01), dec!(0.00)]);
        // 136.5333... over 7 equal edges.
        let total = dec!(10240) * dec!(2) / dec!(3) * dec!(0.02);
        let s = shares(total, &[Decimal::ONE; 7]);
        let c = largest_remainder(&s, total);
        assert_eq!(
            c.iter().copied().sum::<Decimal>(),
            super::super::cents(total)
        );
    }
}

#[cfg(test)]
mod shipped {
    use rust_decimal::Decimal;

    /// For every shipped scenario and option, the edges' cent figures add up to the option's
    /// total in cents, their exact figures to the exact total, and their cross-AZ GB to the option's (to 12 decimals).
    #[test]
    fn per_edge_rows_add_up_to_every_option_total_to_the_cent() {
        let Some(dir) = crate::workspace_files::beside_crate("scenarios") else {
            return;
        };
        let mut checked = 0;
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("yaml"))
            .collect();
        paths.sort();
        for path in paths {
            let loaded = crate::loader::load_scenario_file(&path).unwrap_or_else(|e| panic!("{e}"));
            let table = crate::pricing::PriceTable::builtin(&loaded.scenario.region)
                .unwrap_or_else(|e| panic!("{e}"));
            let report = crate::cost::evaluate(&loaded.scenario, &table)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for o in &report.options {
                let at = format!("{} / {}", path.display(), o.name);
                let e = &o.cost.by_edge;
                assert_eq!(e.len(), o.edges.len(), "{at}");
                let cents: Decimal = e.iter().map(|x| x.total_cents).sum();
                assert_eq!(cents, crate::cost::cents(o.cost.total), "{at}");
                let exact: Decimal = e.iter().map(|x| x.total).sum();
                assert_eq!(exact, o.cost.total, "{at}");
                for x in e {
                    assert_eq!(x.by_basis.iter().copied().sum::<Decimal>(), x.total, "{at}");
                    assert_eq!(x.total_cents, x.total_cents.round_dp(2), "{at}");
                }
                // Volumes are summed hop by hop in another order: equal to 12 decimals.
                let cross: Decimal = e.iter().map(|x| x.cross_az_gb).sum();
                assert_eq!(cross.round_dp(12), o.cost.cross_az_gb.round_dp(12), "{at}");
                checked += 1;
            }
        }
        assert!(checked >= 30, "{checked} options checked");
    }
}

#[cfg(test)]
mod by_hand {
    use rust_decimal::Decimal;

    /// Two edges, 10 TB and 2 TB (binary: 10,240 and 2,048 GB), guide conventions (720 h,
    /// one-sided transfer, bytes-only capacity units).
    const TWO_EDGES: &str = r#"version: 1
name: two edges
region: us-east-1
billing: {hours_per_month: 720, inter_az: one-side, capacity_units: bytes-only}
zones:
  - {name: us-east-1a, nodes: {count: 2, type: m5.large}}
  - {name: us-east-1b, nodes: {count: 2, type: m5.large}}
  - {name: us-east-1c, nodes: {count: 2, type: m5.large}}
services:
  - {name: frontend, replicas: 6}
  - {name: backend, replicas: 6}
  - {name: cache, replicas: 3}
traffic:
  - {from: frontend, to: backend, volume: 10 TB}
  - {from: frontend, to: cache, volume: 2 TB}
options:
  - {name: internal-alb, kind: internal-alb, client_leg_charged: false}
  - {name: clusterip, kind: clusterip}
"#;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn capacity_by_busiest_dimension_fixed_by_bytes_transfer_by_own_gb() {
        let loaded =
            crate::loader::parse_scenario(TWO_EDGES, "two.yaml").unwrap_or_else(|e| panic!("{e}"));
        let table =
            crate::pricing::PriceTable::builtin("us-east-1").unwrap_or_else(|e| panic!("{e}"));
        let r = crate::cost::evaluate(&loaded.scenario, &table).unwrap_or_else(|e| panic!("{e}"));
        // ALB: hours 720 x $0.0225 = $16.20, shared by bytes 10240 : 2048 = 5 : 1 -> 13.50, 2.70.
        // LCU (bytes-only: 1 LCU-hour per GB) 12,288 x $0.008 = $98.304, by bytes (the billed
        // dimension) -> 81.92, 16.384. Edges 95.42 and 19.084 -> cents 95.42 + 19.08 = 114.50.
        let alb = &r.options[0].cost.by_edge;
        let basis = |k: usize| alb[k].by_basis.map(|v| v.round_dp(20));
        assert_eq!(basis(0), [d("0"), d("0"), d("81.92"), d("13.5")]);
        assert_eq!(basis(1), [d("0"), d("0"), d("16.384"), d("2.7")]);
        assert_eq!(alb[0].total_cents, d("95.42"));
        assert_eq!(alb[1].total_cents, d("19.08"));
        // ClusterIP: each edge's own crossing, 2/3 of its GB x $0.01 (one side):
        // 68.2666... -> 68.27 and 13.6533... -> 13.65, total 81.92.
        let cip = &r.options[1].cost.by_edge;
        assert_eq!(cip[0].total_cents, d("68.27"));
        assert_eq!(cip[1].total_cents, d("13.65"));
        assert_eq!(
            (cip[0].total - d("10240") * d("2") / d("3") * d("0.01")).round_dp(20),
            Decimal::ZERO
        );
    }
}
