//! Observed totals over a window scaled to a month.
//!
//! A window is written as Prometheus writes durations (prometheus/prometheus
//! `docs/querying/basics.md`, "Time durations": `ms`, `s`, `m`, `h`, `d` = 24h, `w` = 7d,
//! `y` = 365d, several units in decreasing order such as `1h30m`). A month is
//! `hours_per_month` hours, 730 by default (AWS's convention, and the scenario billing
//! default). Byte counts and scaled volumes are `Decimal`.

use rust_decimal::Decimal;

/// AWS's hours per month.
pub const DEFAULT_HOURS_PER_MONTH: u32 = 730;

/// A positive length of time over which totals were observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Window {
    seconds: Decimal,
}

impl Window {
    /// Parses `24h`, `7d`, `30m`, `90s`, `1h30m`, `500ms`.
    pub fn parse(text: &str) -> Result<Window, String> {
        let t = text.trim();
        let mut rest = t;
        let mut seconds = Decimal::ZERO;
        let mut last_rank = usize::MAX;
        if rest.is_empty() {
            return Err("empty window (write e.g. 7d, 24h or 30m)".into());
        }
        while !rest.is_empty() {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            if digits == 0 {
                return Err(format!(
                    "`{t}`: expected a number before each unit (e.g. 7d)"
                ));
            }
            let (num, tail) = rest.split_at(digits);
            let unit_len = tail
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(tail.len());
            let (unit, tail) = tail.split_at(unit_len);
            let (rank, factor) = match unit {
                "y" => (0, 365 * 86_400),
                "w" => (1, 7 * 86_400),
                "d" => (2, 86_400),
                "h" => (3, 3_600),
                "m" => (4, 60),
                "s" => (5, 1),
                "ms" => (6, 0),
                _ => {
                    return Err(format!(
                        "`{t}`: unknown unit `{unit}` (use ms, s, m, h, d, w, y)"
                    ));
                }
            };
            if last_rank != usize::MAX && rank <= last_rank {
                return Err(format!("`{t}`: units must go from larger to smaller"));
            }
            last_rank = rank;
            let n: Decimal = num
                .parse()
                .map_err(|_| format!("`{t}`: number too large"))?;
            let part = if rank == 6 {
                Some(n / Decimal::from(1000))
            } else {
                n.checked_mul(Decimal::from(factor))
            };
            seconds = part
                .and_then(|p| seconds.checked_add(p))
                .filter(|s| *s <= Decimal::from(crate::units::MAX_QUANTITY))
                .ok_or_else(|| format!("`{t}` is too long"))?;
            rest = tail;
        }
        Window::from_seconds(seconds)
    }

    /// A window of this many seconds (positive).
    pub fn from_seconds(seconds: Decimal) -> Result<Window, String> {
        if seconds <= Decimal::ZERO {
            return Err("a window must be longer than zero".into());
        }
        Ok(Window { seconds })
    }

    /// The window from `start` to `end` (Unix seconds), e.g. a flow-log time span.
    pub fn from_span(start: i64, end: i64) -> Result<Window, String> {
        Window::from_seconds(Decimal::from(end) - Decimal::from(start))
    }

    /// Length in seconds.
    pub fn seconds(&self) -> Decimal {
        self.seconds
    }
}

/// `total` over `window`, scaled to a month of `hours_per_month` hours; an error (never a
/// panic) when the result is beyond `Decimal`'s range.
pub fn scale_to_month(
    total: Decimal,
    window: Window,
    hours_per_month: Decimal,
) -> Result<Decimal, String> {
    let month = hours_per_month.checked_mul(Decimal::from(3600));
    let s = window.seconds;
    month
        .and_then(|m| {
            total
                .checked_mul(m)
                .and_then(|x| x.checked_div(s))
                .or_else(|| total.checked_div(s).and_then(|x| x.checked_mul(m)))
        })
        .ok_or_else(|| format!("{total} over {s} s is too large to scale to a month"))
}

/// An edge's observed traffic expressed per month, with rate and sizes where the source has
/// request counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyTraffic {
    /// Request + response bytes per month.
    pub bytes_per_month: Decimal,
    /// Mean requests per second over the window (`None` without request counts).
    pub requests_per_second: Option<Decimal>,
    /// Mean request size in bytes.
    pub request_bytes: Option<Decimal>,
    /// Mean response size in bytes.
    pub response_bytes: Option<Decimal>,
}

/// From a byte total (flow logs, an edges CSV `bytes` column).
pub fn monthly_from_bytes(
    total_bytes: Decimal,
    window: Window,
    hours_per_month: Decimal,
) -> Result<MonthlyTraffic, String> {
    Ok(MonthlyTraffic {
        bytes_per_month: scale_to_month(total_bytes, window, hours_per_month)?,
        requests_per_second: None,
        request_bytes: None,
        response_bytes: None,
    })
}

/// From request counts and request / response byte totals (Istio metrics). Sizes are `None`
/// when there were no requests.
pub fn monthly_from_requests(
    requests: Decimal,
    request_bytes_total: Decimal,
    response_bytes_total: Decimal,
    window: Window,
    hours_per_month: Decimal,
) -> Result<MonthlyTraffic, String> {
    let per = |total: Decimal| {
        if requests.is_zero() {
            None
        } else {
            total.checked_div(requests)
        }
    };
    let bytes = request_bytes_total
        .checked_add(response_bytes_total)
        .ok_or_else(|| "request + response bytes are too large".to_string())?;
    Ok(MonthlyTraffic {
        bytes_per_month: scale_to_month(bytes, window, hours_per_month)?,
        requests_per_second: requests.checked_div(window.seconds),
        request_bytes: per(request_bytes_total),
        response_bytes: per(response_bytes_total),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn windows_parse_like_prometheus_durations() {
        assert_eq!(Window::parse("24h").map(|w| w.seconds()), Ok(dec!(86400)));
        assert_eq!(Window::parse("7d").map(|w| w.seconds()), Ok(dec!(604800)));
        assert_eq!(Window::parse("30m").map(|w| w.seconds()), Ok(dec!(1800)));
        assert_eq!(Window::parse("1h30m").map(|w| w.seconds()), Ok(dec!(5400)));
        assert_eq!(Window::parse("2w").map(|w| w.seconds()), Ok(dec!(1209600)));
        assert_eq!(Window::parse("1500ms").map(|w| w.seconds()), Ok(dec!(1.5)));
        for bad in [
            "",
            "7",
            "d",
            "7x",
            "30m1h",
            "0s",
            "-1h",
            "1.5h",
            "99999999999999999999999999y",
        ] {
            assert!(Window::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scaling_to_a_730_hour_month() {
        // 7 days = 168 h; 1,000,000 bytes in 168 h -> x 730/168 per month.
        let w = Window::parse("7d").unwrap();
        let m = scale_to_month(dec!(1000000), w, dec!(730)).unwrap();
        assert_eq!(m, dec!(1000000) * dec!(730) / dec!(168));
        // 24 h of 2 GB -> 730/24 days' worth.
        let d = scale_to_month(dec!(2), Window::parse("24h").unwrap(), dec!(730)).unwrap();
        assert_eq!(d.round_dp(6), (dec!(2) * dec!(730) / dec!(24)).round_dp(6));
    }

    #[test]
    fn rates_and_sizes_from_requests() {
        // 3,600 requests in one hour = 1 rps; 720,000 request bytes = 200 B each;
        // 3,600,000 response bytes = 1,000 B each; 4,320,000 B/h x 730 h.
        let w = Window::parse("1h").unwrap();
        let m =
            monthly_from_requests(dec!(3600), dec!(720000), dec!(3600000), w, dec!(730)).unwrap();
        assert_eq!(m.requests_per_second, Some(dec!(1)));
        assert_eq!(m.request_bytes, Some(dec!(200)));
        assert_eq!(m.response_bytes, Some(dec!(1000)));
        assert_eq!(m.bytes_per_month, dec!(4320000) * dec!(730));
        let none = monthly_from_requests(dec!(0), dec!(0), dec!(0), w, dec!(730)).unwrap();
        // Beyond Decimal's range: an error, not a panic.
        let tiny = Window::parse("1ms").unwrap();
        assert!(scale_to_month(Decimal::MAX, tiny, dec!(744)).is_err());
        assert_eq!(none.request_bytes, None);
        assert_eq!(
            monthly_from_bytes(dec!(10), w, dec!(730))
                .unwrap()
                .requests_per_second,
            None
        );
    }
}
