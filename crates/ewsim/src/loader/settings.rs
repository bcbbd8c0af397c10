//! The `latency:` block: simulation size, seed and the request path's assumptions.

use super::convert::Conv;
use super::raw::*;
use crate::scenario::*;
use crate::units::Quantity;
use crate::yaml::Text;
use rust_decimal::Decimal;
use serde_saphyr::Spanned;

/// The `latency:` block: simulation size, seed and the modelling assumptions of the request path.
pub(super) fn convert_latency(c: &mut Conv, raw: &RawScenario) -> LatencySettings {
    let mut out = LatencySettings::default();
    let Some(l) = &raw.latency else { return out };
    c.map.record("latency", &l.referenced);
    let l = &l.value;
    let whole = |c: &mut Conv, name: &str, v: &Option<Spanned<Text>>| -> Option<u64> {
        let v = v.as_ref()?;
        let d = c.quantity(&format!("latency.{name}"), v, Quantity::Number)?;
        if d.fract().is_zero() {
            d.to_string().parse::<u64>().ok()
        } else {
            c.err(
                &format!("latency.{name}"),
                &v.referenced,
                format!("`{}` is not a whole number", v.value.0),
            );
            None
        }
    };
    if let Some(n) = whole(c, "samples", &l.samples) {
        if let (0, Some(v)) = (n, &l.samples) {
            c.err("latency.samples", &v.referenced, "samples must be positive");
        }
        out.samples = n;
    }
    if let Some(n) = whole(c, "seed", &l.seed) {
        out.seed = n;
    }
    if let Some(n) = whole(c, "services_in_cluster", &l.services_in_cluster) {
        out.services_in_cluster = u32::try_from(n).unwrap_or(u32::MAX);
    }
    let share = |c: &mut Conv, name: &str, v: &Option<Spanned<Text>>| -> Option<f64> {
        let v = v.as_ref()?;
        c.quantity(&format!("latency.{name}"), v, Quantity::Share)
            .and_then(|d| d.to_string().parse::<f64>().ok())
    };
    if let Some(x) = share(c, "dns_cache_hit_ratio", &l.dns_cache_hit_ratio) {
        out.dns_cache_hit_ratio = x;
    }
    if let Some(x) = share(c, "dns_lookups_per_request", &l.dns_lookups_per_request) {
        out.dns_lookups_per_request = x;
    }
    if let Some(v) = &l.requests_per_connection
        && let Some(d) = c.quantity("latency.requests_per_connection", v, Quantity::Number)
    {
        if d < Decimal::ONE {
            c.err(
                "latency.requests_per_connection",
                &v.referenced,
                "requests per connection must be at least 1",
            );
        }
        out.requests_per_connection = d.to_string().parse::<f64>().unwrap_or(1.0);
    }
    if let Some(h) = &l.hops {
        c.map.record("latency.hops", &h.referenced);
        let checked =
            crate::latency::Catalogue::eks_defaults().and_then(|cat| cat.with_overrides(&h.value));
        match checked {
            Ok(_) => out.hop_overrides = h.value.clone(),
            Err(e) => c.err(
                "latency.hops",
                &h.referenced,
                format!("invalid hop override: {e}"),
            ),
        }
    }
    if let Some(t) = &l.server_time {
        let us = |c: &mut Conv, name: &str, v: &Spanned<Text>| {
            c.quantity(&format!("latency.server_time.{name}"), v, Quantity::Seconds)
                .and_then(|sec| {
                    (sec * Decimal::from(1_000_000))
                        .to_string()
                        .parse::<f64>()
                        .ok()
                })
        };
        if let (Some(p50), Some(p99)) = (us(c, "p50", &t.value.p50), us(c, "p99", &t.value.p99)) {
            if p50 <= 0.0 || p99 <= p50 {
                c.err(
                    "latency.server_time",
                    &t.referenced,
                    "server_time needs 0 < p50 < p99",
                );
            } else {
                out.server = Some(crate::latency::DistSpec::LognormalQuantiles {
                    p50,
                    p99,
                    shift: 0.0,
                });
            }
        }
    }
    out
}
