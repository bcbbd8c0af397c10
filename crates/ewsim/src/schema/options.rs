//! The connection options to compare: `options:` entries, each a `kind` and the settings that
//! apply to it (forbidden on the other kinds by per-kind `if`/`then` rules, as the loader
//! rejects them), and the mesh proxy `overhead`.

use super::{Obj, boolean, one_of_strings, quantity, reference, string};
use crate::scenario::OptionKind;
use serde_json::{Map, Value, json};

const TARGET_TYPE: &[&str] = &["ip", "instance"];
const EXTERNAL_TRAFFIC_POLICY: &[&str] = &["cluster", "local"];
const AFFINITY: &[&str] = &["none", "local", "remote"];
const TRAFFIC_DISTRIBUTION: &[&str] = &["PreferClose", "PreferSameZone", "PreferSameNode"];
/// The kinds that take `traffic_distribution` (the loader's `option_traffic_distribution`).
const TRAFFIC_DISTRIBUTION_KINDS: &[&str] = &["prefer-close", "topology-aware"];

pub(super) fn overhead_obj() -> Obj {
    Obj {
        raw: "RawOverhead",
        description: "Istio proxy resources per 1,000 requests/s (default Istio 1.24: sidecar 0.20 vCPU / 60 MB).",
        props: vec![
            ("vcpu_per_1000_rps", quantity("vCPU per 1,000 requests/s.")),
            (
                "memory_mb_per_1000_rps",
                quantity("Memory (MB) per 1,000 requests/s."),
            ),
        ],
        required: &["vcpu_per_1000_rps", "memory_mb_per_1000_rps"],
        extra: vec![],
    }
}

/// An option's settings other than `name`, `kind`, `description` and `assume_cross_az_share`.
pub(super) fn option_settings() -> Vec<(&'static str, Value)> {
    vec![
        ("count", quantity("Number of load balancers (default 1).")),
        (
            "target_type",
            one_of_strings(TARGET_TYPE, "Load balancer target type (default ip)."),
        ),
        (
            "cross_zone",
            boolean("Cross-zone load balancing (default: true for ALB, false for NLB)."),
        ),
        (
            "external_traffic_policy",
            one_of_strings(
                EXTERNAL_TRAFFIC_POLICY,
                "externalTrafficPolicy of instance targets (default cluster).",
            ),
        ),
        (
            "client_leg_charged",
            boolean("Charge the client -> load balancer node crossing (default true)."),
        ),
        (
            "client_zone_affinity",
            boolean(
                "Clients resolve the NLB's zonal DNS name of their zone (default false: regional DNS).",
            ),
        ),
        (
            "rules_per_request",
            quantity("ALB rules evaluated per request (default 0; the first 10 are free)."),
        ),
        ("mtls", boolean("ALB mutual TLS (default false).")),
        (
            "services",
            quantity("Number of Lattice services (default: the number of called services)."),
        ),
        (
            "locality_lb",
            boolean(
                "Istio locality load balancing (default true); keeps traffic in zone only with outlier detection.",
            ),
        ),
        (
            "outlier_detection",
            boolean("Istio outlier detection configured (default false)."),
        ),
        (
            "overhead",
            reference(
                "overhead",
                "Proxy resources per 1,000 requests/s (default from pricing/mesh-overheads.yaml).",
            ),
        ),
        (
            "waypoint",
            boolean("Istio ambient waypoint proxy (default false)."),
        ),
        (
            "affinity",
            one_of_strings(AFFINITY, "Cilium global service affinity (default none)."),
        ),
        (
            "hosted_zones",
            quantity("Route 53 hosted zones (default 1)."),
        ),
        (
            "dns_queries_per_second",
            quantity("Route 53 queries per second (default 0)."),
        ),
        (
            "traffic_distribution",
            one_of_strings(
                TRAFFIC_DISTRIBUTION,
                "Service spec.trafficDistribution (prefer-close default PreferClose; topology-aware default none, and the annotation wins).",
            ),
        ),
    ]
}

/// The kinds a setting applies to: the loader's table, plus `traffic_distribution`.
fn setting_kinds(name: &str) -> &'static [&'static str] {
    if name == "traffic_distribution" {
        return TRAFFIC_DISTRIBUTION_KINDS;
    }
    crate::loader::options::SETTINGS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, k)| *k)
        .unwrap_or(&[])
}

pub(super) fn option_obj() -> Obj {
    let settings = option_settings();
    // Per kind, forbid the settings that do not apply to it (as the loader does).
    let rules: Vec<Value> = OptionKind::ALL
        .iter()
        .filter_map(|kind| {
            let mut forbidden = Map::new();
            for (name, _) in &settings {
                if !setting_kinds(name).contains(kind) {
                    forbidden.insert((*name).to_string(), json!(false));
                }
            }
            (!forbidden.is_empty()).then(|| {
                json!({
                    "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                    "then": {"properties": forbidden},
                })
            })
        })
        .collect();
    let mut props = vec![
        ("name", string("Option name, unique; shown in reports.")),
        (
            "kind",
            one_of_strings(
                OptionKind::ALL,
                "How services connect; decides routing, line items and which settings apply.",
            ),
        ),
        ("description", string("Free text.")),
        (
            "assume_cross_az_share",
            quantity(
                "A stated share (0..1, `0.3` or `30%`) of bytes crossing zones on the charged hop, replacing the routing model; marked as assumed.",
            ),
        ),
    ];
    for (name, mut v) in settings {
        let kinds = setting_kinds(name).join(", ");
        if let Some(Value::String(d)) = v.get_mut("description") {
            d.push_str(&format!(" Applies to: {kinds}."));
        }
        props.push((name, v));
    }
    Obj {
        raw: "RawOption",
        description: "A connection option: a kind and its settings (a setting on the wrong kind is an error).",
        props,
        required: &["name", "kind"],
        extra: vec![("allOf", Value::Array(rules))],
    }
}
