//! Quantities written by people in scenario files: data volumes, byte sizes, durations and rates.
//!
//! Volumes are billing gigabytes; `TB` is 1,024 GB as AWS bills and as the reference guide counts
//! ("10 TB = 10,240 GB"). Byte sizes follow SI (`KB` = 1,000 B) and IEC (`KiB` = 1,024 B) strictly.
//! Parsing is pure and returns a human-readable message on failure; the loader adds the location.

mod range;

pub use range::{RangeDist, UncertainInput, parse_range};

use rust_decimal::Decimal;
use std::str::FromStr;

/// Splits `"10 TB"` / `"16KiB"` / `"2.5"` into its number and (possibly empty) unit.
fn split_number_unit(text: &str) -> Result<(Decimal, &str), String> {
    let t = text.trim();
    let mut end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == '_'))
        .unwrap_or(t.len());
    // An exponent (`1e400`, `2.5E-3`) belongs to the number, not to the unit.
    let rest = &t.as_bytes()[end..];
    if matches!(rest.first(), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(rest.get(1), Some(b'+' | b'-')));
        let digits = rest[1 + sign..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits > 0 && end > 0 {
            end += 1 + sign + digits;
        }
    }
    let (num, unit) = t.split_at(end);
    let num = num.replace('_', "");
    if num.is_empty() {
        return Err(format!("`{text}` is not a number"));
    }
    let value = Decimal::from_str(&num)
        .or_else(|_| Decimal::from_scientific(&num))
        .map_err(|_| {
            // A number that f64 reads but Decimal cannot hold is out of range, not a typo.
            if num.parse::<f64>().is_ok() {
                format!(
                    "`{text}` is out of range (at most {MAX_QUANTITY} in the value's base unit, \
                     at most 28 decimal places)"
                )
            } else {
                format!("`{text}` is not a number")
            }
        })?;
    // Bounding the written number keeps every unit factor (at most 2^30) far from overflow.
    if value.abs() > Decimal::from(MAX_QUANTITY) {
        return Err(too_large(text));
    }
    Ok((value, unit.trim()))
}

fn too_large(text: &str) -> String {
    format!(
        "`{text}` is out of range: it is too large (at most {MAX_QUANTITY} in the value's base unit)"
    )
}

/// Parses a non-negative plain number (no unit), as written in YAML.
pub fn parse_number(text: &str) -> Result<Decimal, String> {
    let (v, unit) = split_number_unit(text)?;
    if !unit.is_empty() {
        return Err(format!("`{text}`: expected a plain number without a unit"));
    }
    non_negative(v, text)
}

/// Every parsed value's final check: not negative, and at most [`MAX_QUANTITY`] in its base unit.
fn non_negative(v: Decimal, text: &str) -> Result<Decimal, String> {
    if v.is_sign_negative() && !v.is_zero() {
        Err(format!(
            "`{text}` is negative; a non-negative value is required"
        ))
    } else if v > Decimal::from(MAX_QUANTITY) {
        Err(too_large(text))
    } else {
        Ok(v)
    }
}

/// Parses a monthly data volume into billing GB: `GB`/`GiB`, `TB`/`TiB` (x1,024), `PB`/`PiB`
/// (x1,048,576), `MB`/`MiB` (/1,024). A bare number is GB.
pub fn parse_volume_gb(text: &str) -> Result<Decimal, String> {
    let (v, unit) = split_number_unit(text)?;
    let factor = match unit.to_ascii_lowercase().as_str() {
        "" | "gb" | "gib" => Decimal::ONE,
        "tb" | "tib" => Decimal::from(1024),
        "pb" | "pib" => Decimal::from(1024 * 1024),
        "mb" | "mib" => Decimal::ONE / Decimal::from(1024),
        _ => {
            return Err(format!(
                "`{text}`: unknown volume unit `{unit}` (use GB, TB, PB or MB; TB = 1,024 GB)"
            ));
        }
    };
    non_negative(v * factor, text)
}

/// The largest quantity ewsim accepts in any base unit (GB, bytes, seconds, cores, requests per
/// second): far above any real workload (10^12 GB is an exabyte a month) and far below where the
/// monthly arithmetic in `Decimal` (products of two such values and a few constants; the largest
/// `Decimal` is about 7.9 x 10^28) could overflow.
pub const MAX_QUANTITY: i64 = 1_000_000_000_000;

/// Parses a byte size: `B`, `KB`/`MB`/`GB` (powers of 1,000), `KiB`/`MiB`/`GiB` (powers of 1,024).
/// A bare number is bytes.
pub fn parse_bytes(text: &str) -> Result<Decimal, String> {
    let (v, unit) = split_number_unit(text)?;
    let factor: i64 = match unit {
        "" | "B" | "b" => 1,
        "KB" | "kB" | "kb" => 1_000,
        "KiB" | "kib" => 1 << 10,
        "MB" | "mb" => 1_000_000,
        "MiB" | "mib" => 1 << 20,
        "GB" | "gb" => 1_000_000_000,
        "GiB" | "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "`{text}`: unknown size unit `{unit}` (use B, KB, KiB, MB, MiB, GB, GiB)"
            ));
        }
    };
    non_negative(v * Decimal::from(factor), text)
}

/// Parses a duration into seconds: `ms`, `s`, `m`/`min`, `h`. A bare number is seconds.
pub fn parse_seconds(text: &str) -> Result<Decimal, String> {
    let (v, unit) = split_number_unit(text)?;
    let factor = match unit {
        "" | "s" | "sec" => Decimal::ONE,
        "ms" => Decimal::new(1, 3),
        "m" | "min" => Decimal::from(60),
        "h" => Decimal::from(3600),
        _ => {
            return Err(format!(
                "`{text}`: unknown duration unit `{unit}` (use ms, s, min, h)"
            ));
        }
    };
    non_negative(v * factor, text)
}

/// Parses a CPU quantity into cores: Kubernetes style `1930m` or plain cores `2`.
pub fn parse_cpu_cores(text: &str) -> Result<Decimal, String> {
    let (v, unit) = split_number_unit(text)?;
    let cores = match unit {
        "" => v,
        "m" => v / Decimal::from(1000),
        _ => {
            return Err(format!(
                "`{text}`: unknown CPU unit `{unit}` (use cores, or millicores like 1930m)"
            ));
        }
    };
    non_negative(cores, text)
}

/// Parses a share between 0 and 1, written as `0.3` or `30%`.
pub fn parse_share(text: &str) -> Result<Decimal, String> {
    let (v, unit) = split_number_unit(text)?;
    let share = match unit {
        "" => v,
        "%" => v / Decimal::from(100),
        _ => return Err(format!("`{text}`: expected a share such as 0.3 or 30%")),
    };
    if share < Decimal::ZERO || share > Decimal::ONE {
        return Err(format!("`{text}` is outside 0..1 (0% to 100%)"));
    }
    Ok(share)
}

/// The kind of quantity a numeric scenario value holds: how its text is parsed, its canonical unit,
/// and whether it must be whole. Sweeps and uncertainty ranges parse their ends with the kind of the
/// value they replace, so `traffic=1TB..100TB` means what `volume: 1 TB` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// A plain non-negative number.
    Number,
    /// A plain whole number (replicas, node counts).
    Count,
    /// A monthly volume in billing GB.
    Volume,
    /// A size in bytes.
    Bytes,
    /// A duration in seconds.
    Seconds,
    /// CPU cores.
    Cpu,
    /// A share between 0 and 1.
    Share,
}

impl Quantity {
    /// Parses text written for a value of this kind into its canonical unit.
    pub fn parse(self, text: &str) -> Result<Decimal, String> {
        match self {
            Quantity::Number | Quantity::Count => parse_number(text),
            Quantity::Volume => parse_volume_gb(text),
            Quantity::Bytes => parse_bytes(text),
            Quantity::Seconds => parse_seconds(text),
            Quantity::Cpu => parse_cpu_cores(text),
            Quantity::Share => parse_share(text),
        }
    }

    /// The canonical unit values of this kind are held in (empty for plain numbers).
    pub fn unit(self) -> &'static str {
        match self {
            Quantity::Number | Quantity::Count => "",
            Quantity::Volume => "GB",
            Quantity::Bytes => "B",
            Quantity::Seconds => "s",
            Quantity::Cpu => "cores",
            Quantity::Share => "share",
        }
    }

    /// Brings a computed value (a sweep step, a random draw) into this kind's domain: whole for
    /// counts (half away from zero), within 0..1 for shares, never negative nor above
    /// [`MAX_QUANTITY`], at most 6 decimals.
    pub fn conform(self, v: Decimal) -> Decimal {
        let v = v.max(Decimal::ZERO).min(Decimal::from(MAX_QUANTITY));
        match self {
            Quantity::Count => {
                v.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            }
            Quantity::Share => v.min(Decimal::ONE).round_dp(6),
            _ => v.round_dp(6),
        }
    }
}

/// A value for people to read in text reports: whole from 100 (`3354`, not `3354.2857`), two
/// decimals from 1 (`2.19`), three significant digits below 1 (`0.0225`, `0.00694`); trailing
/// zeros dropped. CSV and JSON keep exact values.
pub fn readable(v: Decimal) -> String {
    let a = v.abs();
    let dp = if a >= Decimal::ONE_HUNDRED {
        0
    } else if a >= Decimal::ONE || a.is_zero() {
        2
    } else {
        // Leading zeros after the point, then three significant digits.
        let mut dp = 3u32;
        let mut x = a * Decimal::TEN;
        while x < Decimal::ONE && dp < 24 {
            x *= Decimal::TEN;
            dp += 1;
        }
        dp
    };
    v.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

/// The unit a value written as `text` (`1TB`, `15 TB`) is shown in, and how many canonical
/// units it holds: the written unit when it parses for `kind`, else the kind's canonical unit
/// (none for shares and plain numbers).
pub fn written_unit(kind: Quantity, text: &str) -> (String, Decimal) {
    let t = text.trim();
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | '_')))
        .unwrap_or(t.len());
    let written = t[end..].trim();
    match kind.parse(&format!("1 {written}")) {
        Ok(f) if !written.is_empty() && !f.is_zero() => (written.to_string(), f),
        _ if kind == Quantity::Share => (String::new(), Decimal::ONE),
        _ => (kind.unit().to_string(), Decimal::ONE),
    }
}

/// A canonical value `v` shown in `unit` (holding `factor` canonical units), [`readable`].
pub fn show_in(v: Decimal, unit: &str, factor: Decimal) -> String {
    let shown = readable(v / factor);
    if unit.is_empty() {
        shown
    } else {
        format!("{shown} {unit}")
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn readable_precision_follows_the_magnitude() {
        assert_eq!(readable(dec!(3354.2857)), "3354");
        assert_eq!(readable(dec!(100)), "100");
        assert_eq!(readable(dec!(2.1873)), "2.19");
        assert_eq!(readable(dec!(66.666666)), "66.67");
        assert_eq!(readable(dec!(6)), "6");
        assert_eq!(readable(dec!(0)), "0");
        assert_eq!(readable(dec!(0.0225)), "0.0225");
        assert_eq!(readable(dec!(0.006944)), "0.00694");
        assert_eq!(readable(dec!(0.33333)), "0.333");
        assert_eq!(readable(dec!(-12.345)), "-12.35");
    }

    #[test]
    fn values_show_in_the_unit_they_were_written_in() {
        // 8TB: 8 x 1,024 GB; the median sqrt(8 x 15) TB = 10.954 TB = 11,217.36 GB.
        let (unit, factor) = written_unit(Quantity::Volume, "8TB");
        assert_eq!((unit.as_str(), factor), ("TB", dec!(1024)));
        assert_eq!(show_in(dec!(11217.358), &unit, factor), "10.95 TB");
        let (unit, factor) = written_unit(Quantity::Volume, "500");
        assert_eq!((unit.as_str(), factor), ("GB", dec!(1)));
        assert_eq!(
            written_unit(Quantity::Share, "0.5"),
            (String::new(), dec!(1))
        );
        assert_eq!(written_unit(Quantity::Count, "3"), (String::new(), dec!(1)));
    }
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn volumes_use_1024_gb_per_tb() {
        assert_eq!(parse_volume_gb("10 TB"), Ok(dec!(10240)));
        assert_eq!(parse_volume_gb("10240 GB"), Ok(dec!(10240)));
        assert_eq!(parse_volume_gb("10240"), Ok(dec!(10240)));
        assert_eq!(parse_volume_gb("512 MB"), Ok(dec!(0.5)));
        assert!(parse_volume_gb("-1 TB").is_err());
        assert!(parse_volume_gb("ten TB").is_err());
        assert!(parse_volume_gb("10 XB").is_err());
        // Too large to price: an error, not an overflow.
        assert!(parse_volume_gb("79228162514264337593543950335 PB").is_err());
        assert!(parse_volume_gb("1000000 PB").is_err());
        assert!(parse_number("1e13").is_err());
    }

    #[test]
    fn sizes_distinguish_si_and_iec() {
        assert_eq!(parse_bytes("16KiB"), Ok(dec!(16384)));
        assert_eq!(parse_bytes("16 KB"), Ok(dec!(16000)));
        assert_eq!(parse_bytes("300"), Ok(dec!(300)));
        assert_eq!(parse_bytes("1 GiB"), Ok(dec!(1073741824)));
    }

    #[test]
    fn durations_cpu_and_shares() {
        assert_eq!(parse_seconds("2 min"), Ok(dec!(120)));
        assert_eq!(parse_seconds("250ms"), Ok(dec!(0.250)));
        assert_eq!(parse_cpu_cores("1930m"), Ok(dec!(1.93)));
        assert_eq!(parse_share("30%"), Ok(dec!(0.3)));
        assert_eq!(parse_share("0.3"), Ok(dec!(0.3)));
        assert!(parse_share("1.5").is_err());
    }
}
