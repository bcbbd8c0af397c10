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
use crate::latency::engine::{fnv1a64, stream_seed};
use crate::pricing::PriceTable;
use crate::report::{OptionFigures, evaluate_replaced};
use crate::units::Quantity;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::MathematicalOps;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use statrs::distribution::{ContinuousCDF, Normal};
use std::collections::BTreeMap;

/// The standard normal quantile of 0.95: a 90% interval spans ±Z95 standard deviations.
const Z95: f64 = 1.644_853_626_951_472_2;

/// Number of draws when the scenario does not say.
pub const DEFAULT_DRAWS: usize = 200;

/// The distribution a range stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeDist {
    /// LOW and HIGH are the 5th and 95th percentiles of a lognormal (the default).
    Lognormal,
    /// LOW and HIGH are the 5th and 95th percentiles of a normal; draws below zero become zero.
    Normal,
    /// LOW and HIGH bound a uniform distribution.
    Uniform,
}

impl RangeDist {
    /// The word that selects this distribution after a range.
    pub fn as_str(self) -> &'static str {
        match self {
            RangeDist::Lognormal => "lognormal",
            RangeDist::Normal => "normal",
            RangeDist::Uniform => "uniform",
        }
    }
}

/// A numeric scenario value given as a range.
#[derive(Debug, Clone, PartialEq)]
pub struct UncertainInput {
    /// Scenario path of the value (`traffic[0].volume`).
    pub path: String,
    /// Kind of the value (unit, whole or not).
    pub kind: Quantity,
    /// Low end, in the kind's canonical unit.
    pub low: Decimal,
    /// High end, in the kind's canonical unit.
    pub high: Decimal,
    /// Distribution the range stands for.
    pub dist: RangeDist,
    /// The range as written.
    pub text: String,
}

/// Reads `LOW to HIGH [lognormal|normal|uniform]` written for a value of `kind` at `path`.
/// `None` when the text is not a range, so the caller parses it as a single value.
pub fn parse_range(
    path: &str,
    text: &str,
    kind: Quantity,
) -> Option<Result<UncertainInput, String>> {
    let (low_text, rest) = text.split_once(" to ")?;
    let mut words: Vec<&str> = rest.split_whitespace().collect();
    let dist = match words.last().copied() {
        Some("lognormal") => Some(RangeDist::Lognormal),
        Some("normal") => Some(RangeDist::Normal),
        Some("uniform") => Some(RangeDist::Uniform),
        _ => None,
    };
    if dist.is_some() {
        words.pop();
    }
    let dist = dist.unwrap_or(RangeDist::Lognormal);
    let high_text = words.join(" ");
    Some((|| {
        let low = kind
            .parse(low_text)
            .map_err(|m| format!("range `{text}`: {m}"))?;
        let high = kind
            .parse(&high_text)
            .map_err(|m| format!("range `{text}`: {m}"))?;
        if low > high {
            return Err(format!("range `{text}`: the low end is above the high end"));
        }
        if kind == Quantity::Count && !(low.fract().is_zero() && high.fract().is_zero()) {
            return Err(format!(
                "range `{text}`: the ends of a whole-number range must be whole"
            ));
        }
        if dist == RangeDist::Lognormal && low.is_zero() {
            return Err(format!(
                "range `{text}`: a lognormal range needs a positive low end; write `... uniform` or `... normal` for a range from zero"
            ));
        }
        Ok(UncertainInput {
            path: path.to_string(),
            kind,
            low,
            high,
            dist,
            text: text.trim().to_string(),
        })
    })())
}

impl UncertainInput {
    /// The median, conformed to the kind (whole for counts): the geometric mean of the ends for a
    /// lognormal, the midpoint otherwise. The point report uses it.
    pub fn median(&self) -> Decimal {
        self.kind.conform(match self.dist {
            RangeDist::Lognormal => (self.low * self.high).sqrt().unwrap_or(self.low),
            RangeDist::Normal | RangeDist::Uniform => (self.low + self.high) / Decimal::TWO,
        })
    }

    /// The value at cumulative probability `p` (0 < p < 1), conformed to the kind (whole counts,
    /// shares within 0..1, never negative).
    pub fn quantile(&self, p: f64) -> Decimal {
        let lo = self.low.to_f64().unwrap_or(0.0);
        let hi = self.high.to_f64().unwrap_or(lo);
        let z = || Normal::standard().inverse_cdf(p);
        let v = match self.dist {
            RangeDist::Lognormal => {
                let (a, b) = (lo.ln(), hi.ln());
                ((a + b) / 2.0 + (b - a) / (2.0 * Z95) * z()).exp()
            }
            RangeDist::Normal => (lo + hi) / 2.0 + (hi - lo) / (2.0 * Z95) * z(),
            RangeDist::Uniform => lo + p * (hi - lo),
        };
        self.kind
            .conform(Decimal::from_f64(v).unwrap_or(self.median()))
    }
}

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

/// P10, P50 and P90 of a figure over the draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread<T> {
    /// 10th percentile.
    pub p10: T,
    /// Median.
    pub p50: T,
    /// 90th percentile.
    pub p90: T,
}

/// How settings for the draws are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrawConfig {
    /// Number of draws.
    pub draws: usize,
    /// Seed of the draws (and of the latency simulation in each draw).
    pub seed: u64,
    /// Simulated requests per option per draw; `None` skips latency.
    pub latency_samples: Option<u64>,
}

/// Per option, the spread of its figures over the draws.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionSpread {
    /// Monthly cost (USD).
    pub cost_usd: Spread<Decimal>,
    /// GB per month crossing zones.
    pub cross_az_gb: Spread<Decimal>,
    /// Median latency (ms), when simulated and the option delivers requests in every draw.
    pub p50_ms: Option<Spread<f64>>,
    /// 99th percentile latency (ms), likewise.
    pub p99_ms: Option<Spread<f64>>,
}

/// The report over input draws.
#[derive(Debug, Clone, PartialEq)]
pub struct UncertaintyReport {
    /// The uncertain inputs.
    pub inputs: Vec<UncertainInput>,
    /// Settings of the draws.
    pub config: DrawConfig,
    /// Per option, in scenario order.
    pub options: Vec<OptionSpread>,
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
    let inputs = &base.uncertain;
    let per_draw: Vec<Result<DrawFigures, InputError>> = (0..config.draws as u64)
        .into_par_iter()
        .map(|d| {
            let values = draw(inputs, config.seed, d);
            let latency = config.latency_samples.map(|n| (n, config.seed));
            let report = evaluate_replaced(base, table, &values, None, latency);
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
    use rust_decimal::dec;

    fn range(text: &str, kind: Quantity) -> UncertainInput {
        parse_range("x", text, kind)
            .expect("a range")
            .expect("a valid range")
    }

    #[test]
    fn ranges_parse_ends_in_the_value_unit_and_pick_a_distribution() {
        let r = range("8TB to 15TB", Quantity::Volume);
        assert_eq!(
            (r.low, r.high, r.dist),
            (dec!(8192), dec!(15360), RangeDist::Lognormal)
        );
        let r = range("2 to 6 uniform", Quantity::Count);
        assert_eq!(
            (r.low, r.high, r.dist),
            (dec!(2), dec!(6), RangeDist::Uniform)
        );
        let r = range("10% to 30% normal", Quantity::Share);
        assert_eq!(
            (r.low, r.high, r.dist),
            (dec!(0.1), dec!(0.3), RangeDist::Normal)
        );
        assert!(parse_range("x", "10 TB", Quantity::Volume).is_none());
        for bad in ["15TB to 8TB", "0 to 5", "8TB to lots", "1 to 2 weibull"] {
            assert!(
                matches!(parse_range("x", bad, Quantity::Volume), Some(Err(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_ninety_percent_interval_puts_its_ends_at_p5_and_p95() {
        // Lognormal 8..15: median sqrt(8 x 15) = sqrt(120) = 10.954451...; the 5th and 95th
        // percentiles are the ends themselves.
        let r = range("8 to 15", Quantity::Number);
        assert_eq!(r.median().round_dp(4), dec!(10.9545));
        assert_eq!(r.quantile(0.05).round_dp(3), dec!(8.000));
        assert_eq!(r.quantile(0.95).round_dp(3), dec!(15.000));
        // Normal 8..15: mean 11.5, the ends at the 5th / 95th percentiles.
        let r = range("8 to 15 normal", Quantity::Number);
        assert_eq!(r.median(), dec!(11.5));
        assert_eq!(r.quantile(0.05).round_dp(3), dec!(8.000));
        // Uniform: p maps linearly; counts come out whole.
        let r = range("2 to 6 uniform", Quantity::Count);
        assert_eq!(r.quantile(0.5), dec!(4));
        assert_eq!(r.quantile(0.3), dec!(3)); // 2 + 0.3 x 4 = 3.2 -> 3
        // Normal draws below zero become zero.
        let r = range("0 to 1 normal", Quantity::Number);
        assert_eq!(r.quantile(0.001), dec!(0));
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
