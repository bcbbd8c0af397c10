//! Ranges people write for uncertain values: `LOW to HIGH [lognormal|normal|uniform]`, a 90%
//! interval (LOW the 5th percentile, HIGH the 95th) of a lognormal by default, the convention of
//! Squiggle and of estimation practice ("a to b" = 90% CI); `normal` is the same interval of a
//! normal distribution and `uniform` the bounds of a uniform one. Quantiles of a range are what
//! seeded draws (`crate::uncertainty`) sample.

use super::Quantity;
use rust_decimal::Decimal;
use rust_decimal::MathematicalOps;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use statrs::distribution::{ContinuousCDF, Normal};

/// The standard normal quantile of 0.95: a 90% interval spans ±Z95 standard deviations.
const Z95: f64 = 1.644_853_626_951_472_2;

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

    /// A canonical value of this input in the unit its low end was written in, with the
    /// precision its magnitude warrants (`median 10.95 TB` for `8TB to 15TB`).
    pub fn show(&self, v: Decimal) -> String {
        let low = self
            .text
            .split_once(" to ")
            .map_or(self.text.as_str(), |(l, _)| l);
        let (unit, factor) = super::written_unit(self.kind, low);
        super::show_in(v, &unit, factor)
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
}
