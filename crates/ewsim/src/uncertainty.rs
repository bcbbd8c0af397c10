//! Uncertain inputs: a numeric scenario value written as a range (`volume: 8TB to 15TB`) and what
//! the report becomes over random draws of such values (P10 / P50 / P90 of cost and latency).
//!
//! A range `LOW to HIGH` is a 90% interval (LOW is the 5th percentile, HIGH the 95th) of a
//! lognormal distribution by default, the convention of Squiggle and of estimation practice
//! ("a to b" = 90% CI) that `reference/user-needs.md` asks for; `LOW to HIGH normal` is the same
//! interval of a normal distribution and `LOW to HIGH uniform` the bounds of a uniform one. The
//! scenario is evaluated once at the medians (the report's point figures), then once per draw.
//!
//! Draws are reproducible: the value of input `path` in draw `d` comes from a Xoshiro256++ stream
//! seeded with `stream_seed(seed, d, fnv1a(path))`, so it does not depend on thread count, on the
//! number of draws, or on which other inputs are uncertain.

use crate::error::InputError;
use crate::latency::seed::{fnv1a64, stream_seed};
use crate::pricing::PriceTable;
use crate::progress::Share;
use crate::report::{
    DrawConfig, OptionFigures, OptionSpread, Spread, UncertaintyReport, evaluate_replaced_in,
};
use crate::units::UncertainInput;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;

/// Number of draws when the scenario does not say (its home is [`crate::limits`], next to the
/// draw budget).
pub use crate::limits::DEFAULT_DRAWS;

/// The values of every uncertain input in draw `d`, by path.
pub fn draw(inputs: &[UncertainInput], seed: u64, d: u64) -> BTreeMap<String, Decimal> {
    inputs
        .iter()
        .map(|i| {
            let mut rng =
                Xoshiro256PlusPlus::seed_from_u64(stream_seed(seed, d, fnv1a64(i.path.as_bytes())));
            // A uniform in the open interval (0, 1): 53 random bits, centred in their cell.
            let u = ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
            (i.path.clone(), i.quantile(u))
        })
        .collect()
}

/// One draw's figures, per option.
type DrawFigures = Vec<OptionFigures>;

/// Evaluates the scenario text once per draw of its uncertain inputs and summarises each option's
/// figures as P10 / P50 / P90. The inputs are the ranges the loader found
/// ([`crate::loader::LoadedScenario::uncertain`]); `table` is the price table the point report
/// used. A draw that makes the scenario invalid (say, a share above 1 that the scenario's checks
/// reject) is an input error naming the draw and its values.
pub fn evaluate_draws(
    base: &crate::loader::LoadedScenario,
    table: &PriceTable,
    config: DrawConfig,
) -> Result<UncertaintyReport, InputError> {
    evaluate_draws_in(base, table, config, Share::NONE)
}

/// [`evaluate_draws`], `share` split evenly over the draws.
pub(crate) fn evaluate_draws_in(
    base: &crate::loader::LoadedScenario,
    table: &PriceTable,
    config: DrawConfig,
    share: Share<'_>,
) -> Result<UncertaintyReport, InputError> {
    let inputs = &base.uncertain;
    if config.draws as u64 > crate::limits::MAX_DRAWS {
        return Err(InputError::single(crate::error::Diagnostic::input(
            crate::error::Input::Draws,
            format!(
                "{} is over the limit of {} draws",
                config.draws,
                crate::limits::MAX_DRAWS
            ),
        )));
    }
    let shares = share.split_even(config.draws);
    let per_draw: Vec<Result<DrawFigures, InputError>> = (0..config.draws as u64)
        .into_par_iter()
        .map(|d| {
            let values = draw(inputs, config.seed, d);
            let latency = config.latency_samples.map(|n| (n, config.seed));
            let report =
                evaluate_replaced_in(base, table, &values, None, latency, shares[d as usize]);
            report.map(|r| r.option_figures()).map_err(|mut e| {
                let drawn: Vec<String> = values.iter().map(|(p, v)| format!("{p}={v}")).collect();
                for diag in &mut e.diagnostics {
                    diag.message = format!("{} (in draw {d}: {})", diag.message, drawn.join(", "));
                }
                e
            })
        })
        .collect();
    let mut draws = Vec::with_capacity(per_draw.len());
    for r in per_draw {
        draws.push(r?);
    }
    let n_options = draws.first().map_or(0, Vec::len);
    let options = (0..n_options)
        .map(|i| {
            let column = |f: fn(&OptionFigures) -> Decimal| {
                decimal_spread(draws.iter().map(|d| f(&d[i])).collect())
            };
            let latency = |f: fn(&OptionFigures) -> Option<f64>| {
                draws
                    .iter()
                    .map(|d| f(&d[i]))
                    .collect::<Option<Vec<f64>>>()
                    .and_then(f64_spread)
            };
            OptionSpread {
                cost_usd: column(|x| x.cost_usd),
                cross_az_gb: column(|x| x.cross_az_gb),
                p50_ms: latency(|x| x.p50_ms),
                p99_ms: latency(|x| x.p99_ms),
            }
        })
        .collect();
    Ok(UncertaintyReport {
        inputs: inputs.to_vec(),
        config,
        options,
    })
}

/// Percentile `p` of sorted values by linear interpolation between closest ranks (the usual
/// spreadsheet PERCENTILE.INC), exact in `Decimal`.
fn decimal_percentile(sorted: &[Decimal], p: Decimal) -> Decimal {
    let h = p * Decimal::from(sorted.len().saturating_sub(1));
    let lo = h.floor();
    let i = lo.to_usize().unwrap_or(0);
    let frac = h - lo;
    match (sorted.get(i), sorted.get(i + 1)) {
        (Some(a), Some(b)) => *a + (*b - *a) * frac,
        (Some(a), None) => *a,
        _ => Decimal::ZERO,
    }
}

fn decimal_spread(mut v: Vec<Decimal>) -> Spread<Decimal> {
    v.sort();
    Spread {
        p10: decimal_percentile(&v, Decimal::new(1, 1)),
        p50: decimal_percentile(&v, Decimal::new(5, 1)),
        p90: decimal_percentile(&v, Decimal::new(9, 1)),
    }
}

fn f64_spread(mut v: Vec<f64>) -> Option<Spread<f64>> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let at = |p: f64| {
        let h = p * (v.len() - 1) as f64;
        let i = h.floor() as usize;
        let a = v[i];
        let b = v.get(i + 1).copied().unwrap_or(a);
        a + (b - a) * (h - h.floor())
    };
    Some(Spread {
        p10: at(0.1),
        p50: at(0.5),
        p90: at(0.9),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{Quantity, parse_range};
    use rust_decimal::dec;

    fn range(text: &str, kind: Quantity) -> UncertainInput {
        parse_range("x", text, kind)
            .expect("a range")
            .expect("a valid range")
    }

    #[test]
    fn draws_depend_on_seed_draw_and_path_only() {
        let a = range("8 to 15", Quantity::Number);
        let mut b = range("1 to 2", Quantity::Number);
        b.path = "y".into();
        let both = draw(&[a.clone(), b], 7, 3);
        let alone = draw(&[a], 7, 3);
        assert_eq!(both["x"], alone["x"]);
        assert_ne!(
            draw(&alone_input(), 7, 3)["x"],
            draw(&alone_input(), 8, 3)["x"]
        );
        assert_ne!(
            draw(&alone_input(), 7, 3)["x"],
            draw(&alone_input(), 7, 4)["x"]
        );
    }

    fn alone_input() -> Vec<UncertainInput> {
        vec![range("8 to 15", Quantity::Number)]
    }

    #[test]
    fn percentiles_interpolate_between_ranks() {
        // 11 values 0, 10, ..., 100: P10 = 10, P50 = 50, P90 = 90 exactly; with 5 values
        // 1..5, P10 = 1 + 0.4 x (2 - 1) = 1.4.
        let v: Vec<Decimal> = (0..=10).map(|i| Decimal::from(i * 10)).collect();
        let s = decimal_spread(v);
        assert_eq!((s.p10, s.p50, s.p90), (dec!(10), dec!(50), dec!(90)));
        let s = decimal_spread((1..=5).map(Decimal::from).collect());
        assert_eq!(s.p10, dec!(1.4));
        let f = f64_spread(vec![5.0, 1.0, 3.0, 2.0, 4.0]).expect("values");
        assert!((f.p10 - 1.4).abs() < 1e-12 && (f.p90 - 4.6).abs() < 1e-12);
    }
}
