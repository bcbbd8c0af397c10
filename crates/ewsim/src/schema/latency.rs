//! The `latency:` settings of the scenario format: simulation size and seed, request-path
//! assumptions, the server's own time and replacements of hop catalogue entries by name.

use super::{Obj, one_of_strings, quantity, reference, string};
use serde_json::json;

/// Distribution families of `latency.hops.*.dist` (serde tags of [`crate::latency::DistSpec`]).
pub(super) const DIST_FAMILIES: &[&str] = &[
    "constant",
    "lognormal",
    "shifted_lognormal",
    "lognormal_quantiles",
    "gamma",
    "uniform",
    "exponential",
    "empirical",
    "percentile_table",
    "mixture",
    "rare_event",
    "sum",
    "ref",
];
const CONFIDENCE: &[&str] = &["high", "medium", "low-medium", "low"];

pub(super) fn latency_obj() -> Obj {
    Obj {
        raw: "RawLatency",
        description: "Latency simulation size, seed and request-path assumptions.",
        props: vec![
            (
                "samples",
                quantity("Simulated requests per option (default 200,000)."),
            ),
            ("seed", quantity("Seed of the simulation (default 1).")),
            (
                "services_in_cluster",
                quantity(
                    "Services in the cluster; kube-proxy iptables cost per new connection grows with it (default 1,000).",
                ),
            ),
            (
                "dns_cache_hit_ratio",
                quantity("NodeLocal DNSCache hit ratio (0..1 or a percentage; default 0.95)."),
            ),
            (
                "dns_lookups_per_request",
                quantity("Share of requests that resolve DNS (default 0.01; clients cache)."),
            ),
            (
                "requests_per_connection",
                quantity(
                    "Requests per connection when an edge gives no `connections.new_per_second` (default 100, at least 1).",
                ),
            ),
            (
                "server_time",
                reference(
                    "server_time",
                    "The server's own processing time (lognormal fit).",
                ),
            ),
            (
                "hops",
                json!({
                    "type": "object",
                    "description": "Replacements of entries of latency/eks-defaults.yaml by name (values in µs).",
                    "additionalProperties": {"$ref": "#/$defs/hop_override"},
                }),
            ),
        ],
        required: &[],
        extra: vec![],
    }
}

pub(super) fn server_time_obj() -> Obj {
    Obj {
        raw: "RawServerTime",
        description: "The server's processing time, fitted as a lognormal (0 < p50 < p99).",
        props: vec![
            ("p50", quantity("Median: ms, s, min or h (e.g. `2 ms`).")),
            (
                "p99",
                quantity("99th percentile: ms, s, min or h (e.g. `8 ms`)."),
            ),
        ],
        required: &["p50", "p99"],
        extra: vec![],
    }
}

pub(super) fn hop_override_obj() -> Obj {
    Obj {
        raw: "HopOverride",
        description: "A replacement for one latency catalogue entry.",
        props: vec![
            (
                "dist",
                json!({
                    "type": "object",
                    "description": "Distribution in µs, tagged by `family`; the family's parameters (e.g. lognormal_quantiles: p50, p99, shift) are checked by the loader.",
                    "properties": {"family": one_of_strings(DIST_FAMILIES, "Distribution family.")},
                    "required": ["family"],
                }),
            ),
            (
                "source",
                string("Where the figure comes from (default \"user override\")."),
            ),
            ("as_of", string("Date of the figure (default \"n.d.\").")),
            (
                "confidence",
                one_of_strings(CONFIDENCE, "Confidence in the figure (default low)."),
            ),
        ],
        required: &["dist"],
        extra: vec![],
    }
}
