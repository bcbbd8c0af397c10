//! The JSON Schema (draft 2020-12) of the scenario format, for editor completion and CI checks.
//!
//! One source of truth: the loader's private raw serde types define which keys exist. The schema is
//! built here in code, one [`Obj`] per raw type with its properties in file order, descriptions
//! (units and defaults, as README's scenario reference says) and the values enumerations allow.
//! Deriving with `schemars` was rejected: every raw field is wrapped in serde-saphyr's foreign
//! `Spanned<T>`, so each of the ~90 fields would need a `#[schemars(with = ...)]` plus a doc
//! comment, and the conversion rules the schema should carry (`volume` or `rps`, settings per
//! option kind, enumerations checked only at conversion) would still be hand-written.
//! Drift is caught by tests instead: each object's property names must equal the field list serde's
//! derive hands to `deserialize_struct` for its raw type (probed, not copied), every raw type must
//! have an object, each enumeration must equal the values the loader lists in its "expected one
//! of" error, and each option setting's per-kind applicability must match the loader's verdict.
//! Values the loader reads as quantities are `number` or `string` without a pattern, so unit
//! strings (`10 TB`, `60 s`, `30%`) and ranges (`8TB to 15TB`) both pass; the loader checks them.

use crate::pricing::PriceKey;
use crate::scenario::OptionKind;
use serde_json::{Map, Value, json};

/// The draft the schema declares (`$schema`).
pub const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// One object of the scenario format: the keys of one loader raw type.
struct Obj {
    /// The loader's raw type this object mirrors (checked by the drift test).
    #[cfg_attr(not(test), allow(dead_code))]
    raw: &'static str,
    /// What the object is.
    description: &'static str,
    /// Properties in file order.
    props: Vec<(&'static str, Value)>,
    /// Keys that must be present.
    required: &'static [&'static str],
    /// Extra keywords (`oneOf`, `allOf`) merged into the object schema.
    extra: Vec<(&'static str, Value)>,
}

impl Obj {
    fn schema(&self) -> Value {
        let mut props = Map::new();
        for (k, v) in &self.props {
            props.insert((*k).to_string(), v.clone());
        }
        let mut m = Map::new();
        m.insert("type".into(), json!("object"));
        m.insert("description".into(), json!(self.description));
        m.insert("properties".into(), Value::Object(props));
        // Every raw type denies unknown fields.
        m.insert("additionalProperties".into(), json!(false));
        if !self.required.is_empty() {
            m.insert("required".into(), json!(self.required));
        }
        for (k, v) in &self.extra {
            m.insert((*k).to_string(), v.clone());
        }
        Value::Object(m)
    }
}

/// A value the loader parses as a quantity: a number, or a string with a unit (or a range).
fn quantity(description: &str) -> Value {
    json!({"type": ["number", "string"], "description": description})
}

fn string(description: &str) -> Value {
    json!({"type": "string", "description": description})
}

fn boolean(description: &str) -> Value {
    json!({"type": "boolean", "description": description})
}

fn one_of_strings(values: &[&str], description: &str) -> Value {
    json!({"type": "string", "enum": values, "description": description})
}

fn array(items: Value, description: &str) -> Value {
    json!({"type": "array", "items": items, "description": description})
}

fn reference(def: &str, description: &str) -> Value {
    json!({"$ref": format!("#/$defs/{def}"), "description": description})
}

/// Billing choices, as the loader spells them (`billing:` and `vpc_connectivity`).
const INTER_AZ: &[&str] = &["both-sides", "one-side"];
const CAPACITY_UNITS: &[&str] = &["hourly-max", "bytes-only"];
const GIGABYTE: &[&str] = &["binary", "decimal"];
const VPC_CONNECTIVITY: &[&str] = &["peering", "transit-gateway"];
const PROTOCOL: &[&str] = &["tcp", "udp", "tls"];
const TARGET_TYPE: &[&str] = &["ip", "instance"];
const EXTERNAL_TRAFFIC_POLICY: &[&str] = &["cluster", "local"];
const AFFINITY: &[&str] = &["none", "local", "remote"];
const TRAFFIC_DISTRIBUTION: &[&str] = &["PreferClose", "PreferSameZone", "PreferSameNode"];
/// The kinds that take `traffic_distribution` (the loader's `option_traffic_distribution`).
const TRAFFIC_DISTRIBUTION_KINDS: &[&str] = &["prefer-close", "topology-aware"];
/// Distribution families of `latency.hops.*.dist` (serde tags of [`crate::latency::DistSpec`]).
const DIST_FAMILIES: &[&str] = &[
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

fn scenario_obj() -> Obj {
    let regions = crate::pricing::builtin_regions().join(", ");
    Obj {
        raw: "RawScenario",
        description: "An ewsim scenario: topology, services, traffic and the connection options to compare.",
        props: vec![
            (
                "version",
                json!({"type": ["integer", "string"], "enum": [1, "1"], "description": "Scenario format version; this ewsim reads version 1."}),
            ),
            ("name", string("Shown in reports (default: the file name).")),
            ("description", string("Free text.")),
            (
                "region",
                json!({"type": "string", "description": format!("AWS region; prices come from its built-in table ({regions}) or a full table given with --pricing FILE."), "examples": crate::pricing::builtin_regions()}),
            ),
            (
                "billing",
                reference(
                    "billing",
                    "Billing conventions (optional); the defaults are how AWS bills.",
                ),
            ),
            ("prices", prices_schema()),
            (
                "zones",
                array(
                    reference("zone", "A zone and its nodes."),
                    "The zones of one cluster; or `clusters:`, not both.",
                ),
            ),
            (
                "clusters",
                array(
                    reference("cluster", "A cluster."),
                    "Several clusters in the same region (zone names shared); or `zones:`, not both.",
                ),
            ),
            (
                "vpc_connectivity",
                one_of_strings(
                    VPC_CONNECTIVITY,
                    "How clusters in different VPCs are connected (default: peering).",
                ),
            ),
            (
                "services",
                array(
                    reference("service", "A service."),
                    "The services (Kubernetes Services with their pods).",
                ),
            ),
            (
                "traffic",
                array(
                    reference("edge", "A traffic edge."),
                    "Service-to-service traffic edges; client pods send equal shares.",
                ),
            ),
            (
                "options",
                array(
                    reference("option", "A connection option."),
                    "The connection options to compare; each is priced over every traffic edge; names unique.",
                ),
            ),
            (
                "states",
                array(
                    reference("state", "A replica state."),
                    "Parts of the month with other replica counts; hours_per_day sum to 24, or shares sum to 1.",
                ),
            ),
            (
                "latency",
                reference(
                    "latency",
                    "Latency simulation settings (optional; every key optional).",
                ),
            ),
            (
                "call_graph",
                reference(
                    "call_graph",
                    "End-to-end requests through the services, for per-entry-point latency.",
                ),
            ),
        ],
        required: &["version", "region", "services", "traffic", "options"],
        extra: vec![(
            "oneOf",
            json!([{"required": ["zones"]}, {"required": ["clusters"]}]),
        )],
    }
}

/// `prices:` keys come from [`PriceKey::ALL`], so a new price key needs no schema edit.
fn prices_schema() -> Value {
    let mut props = Map::new();
    for k in PriceKey::ALL {
        props.insert(
            k.as_str().to_string(),
            quantity(
                "USD price overriding the region's table (plain number, in the table's unit).",
            ),
        );
    }
    json!({
        "type": "object",
        "description": "Price overrides by price-table key (see pricing/aws/*.yaml), applied over the built-in table.",
        "properties": props,
        "additionalProperties": false,
    })
}

fn billing_obj() -> Obj {
    Obj {
        raw: "RawBilling",
        description: "Billing conventions; the defaults are how AWS bills.",
        props: vec![
            (
                "hours_per_month",
                quantity(
                    "Hours billed per month (default 730 = 8,760 / 12; the guide and ELB examples use 720).",
                ),
            ),
            (
                "inter_az",
                one_of_strings(
                    INTER_AZ,
                    "Inter-AZ transfer charged at sender and receiver ($0.01/GB each, default both-sides) or once (one-side).",
                ),
            ),
            (
                "capacity_units",
                one_of_strings(
                    CAPACITY_UNITS,
                    "LCU/NLCU from the largest dimension per hour (hourly-max, default) or from bytes only (bytes-only).",
                ),
            ),
            (
                "gigabyte",
                one_of_strings(
                    GIGABYTE,
                    "GB as 2^30 bytes (binary, default) or 10^9 bytes (decimal, as AWS ELB examples compute).",
                ),
            ),
        ],
        required: &[],
        extra: vec![],
    }
}

fn cluster_obj() -> Obj {
    Obj {
        raw: "RawCluster",
        description: "A cluster: its VPC and zones.",
        props: vec![
            (
                "name",
                string("Cluster name, referenced by `services[].cluster`."),
            ),
            (
                "vpc",
                string(
                    "VPC name (default: the cluster name); clusters in different VPCs need peering or a Transit Gateway.",
                ),
            ),
            (
                "zones",
                array(
                    reference("zone", "A zone and its nodes."),
                    "The cluster's zones.",
                ),
            ),
        ],
        required: &["name", "zones"],
        extra: vec![],
    }
}

fn zone_obj() -> Obj {
    Obj {
        raw: "RawZone",
        description: "An availability zone and its node group.",
        props: vec![
            ("name", string("Zone name, e.g. us-east-1a.")),
            (
                "nodes",
                reference(
                    "nodes",
                    "The zone's nodes (required: a zone without nodes is an error).",
                ),
            ),
        ],
        required: &["name", "nodes"],
        extra: vec![],
    }
}

fn nodes_obj() -> Obj {
    Obj {
        raw: "RawNodes",
        description: "A zone's node group.",
        props: vec![
            (
                "count",
                quantity("Number of nodes (whole number, at least 1)."),
            ),
            (
                "type",
                string("Instance type, priced from the price table (e.g. m5.large)."),
            ),
            (
                "cpu",
                quantity(
                    "Allocatable CPU per node in cores or millicores (`1930m`); default from the instance type.",
                ),
            ),
            (
                "not_ready",
                quantity(
                    "How many of `count` nodes are not Ready (default 0): no pods, CPU ignored by hints.",
                ),
            ),
            (
                "control_plane",
                quantity("How many of `count` nodes are control-plane nodes (default 0): no pods."),
            ),
            (
                "unlabeled",
                quantity(
                    "How many of `count` nodes lack the zone label (default 0): any disables topology hints.",
                ),
            ),
        ],
        required: &["count", "type"],
        extra: vec![],
    }
}

fn service_obj() -> Obj {
    Obj {
        raw: "RawService",
        description: "A Kubernetes Service and its pods.",
        props: vec![
            (
                "name",
                string("Service name, referenced by traffic edges and options."),
            ),
            (
                "cluster",
                string("Cluster name (default: the first cluster)."),
            ),
            (
                "replicas",
                reference(
                    "replicas",
                    "Pod count, spread over zones like maxSkew 1 (remainder to the first zones), or counts per zone.",
                ),
            ),
            (
                "colocate_with",
                string(
                    "Pod affinity: place the pods on the nodes of this service in the same cluster (replicas must then be a total).",
                ),
            ),
        ],
        required: &["name", "replicas"],
        extra: vec![],
    }
}

fn edge_obj() -> Obj {
    Obj {
        raw: "RawEdge",
        description: "Traffic from one service to another: a monthly volume, or a request rate with sizes.",
        props: vec![
            ("from", string("Calling service.")),
            ("to", string("Called service.")),
            (
                "volume",
                quantity(
                    "Monthly volume, request + response: GB, TB (= 1,024 GB), PB, MB; a bare number is GB. Or give `rps`.",
                ),
            ),
            (
                "bytes_per_request",
                quantity(
                    "With `volume`: bytes per request + response (B, KB, KiB, MB, MiB, ...), giving the request rate.",
                ),
            ),
            (
                "rps",
                quantity(
                    "Requests per second, instead of `volume`; needs `request_size` and `response_size`.",
                ),
            ),
            (
                "request_size",
                quantity(
                    "With `rps`: request size (B, KB = 1,000 B, KiB = 1,024 B, MB, MiB, ...).",
                ),
            ),
            (
                "response_size",
                quantity("With `rps`: response size (B, KB, KiB, MB, MiB, ...)."),
            ),
            (
                "connections",
                reference(
                    "connections",
                    "Connection churn for the LCU/NLCU connection dimensions (optional).",
                ),
            ),
            (
                "protocol",
                one_of_strings(
                    PROTOCOL,
                    "Transport; selects the NLCU dimensions (default tcp).",
                ),
            ),
        ],
        required: &["from", "to"],
        extra: vec![(
            "oneOf",
            json!([{"required": ["volume"]}, {"required": ["rps", "request_size", "response_size"]}]),
        )],
    }
}

fn connections_obj() -> Obj {
    Obj {
        raw: "RawConnections",
        description: "Connection churn of a traffic edge.",
        props: vec![
            ("new_per_second", quantity("New connections per second.")),
            (
                "lifetime",
                quantity("Connection lifetime: ms, s, min or h (a bare number is seconds)."),
            ),
        ],
        required: &["new_per_second", "lifetime"],
        extra: vec![],
    }
}

fn overhead_obj() -> Obj {
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
fn option_settings() -> Vec<(&'static str, Value)> {
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

fn option_obj() -> Obj {
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

fn state_obj() -> Obj {
    Obj {
        raw: "RawState",
        description: "A part of the month with other replica counts.",
        props: vec![
            ("name", string("State name, unique.")),
            (
                "hours_per_day",
                quantity("Hours per day in this state (every state's sum to 24); or `share`."),
            ),
            (
                "share",
                quantity(
                    "Share of the month in this state (`0.25` or `25%`; every state's sum to 1); or `hours_per_day`.",
                ),
            ),
            (
                "replicas",
                json!({
                    "type": "object",
                    "description": "Replicas per service during the state (others keep theirs).",
                    "additionalProperties": {"$ref": "#/$defs/replicas"},
                }),
            ),
        ],
        required: &["name"],
        extra: vec![(
            "oneOf",
            json!([{"required": ["hours_per_day"]}, {"required": ["share"]}]),
        )],
    }
}

fn latency_obj() -> Obj {
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

fn server_time_obj() -> Obj {
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

fn call_graph_obj() -> Obj {
    Obj {
        raw: "RawCallGraph",
        description: "Requests through the services: entry points and each service's own calls.",
        props: vec![
            (
                "entry_points",
                array(
                    reference("entry_point", "An entry point."),
                    "Requests that enter the system.",
                ),
            ),
            (
                "services",
                array(
                    reference("service_calls", "A service's calls."),
                    "The calls each service makes while serving a call.",
                ),
            ),
        ],
        required: &["entry_points"],
        extra: vec![],
    }
}

/// Stages: run one after another; the calls of a stage run in parallel.
fn stages(description: &str) -> Value {
    array(
        array(reference("call", "A call."), "Calls made in parallel."),
        description,
    )
}

fn entry_point_obj() -> Obj {
    Obj {
        raw: "RawEntryPoint",
        description: "A request entering the system at a service.",
        props: vec![
            ("name", string("Entry point name, unique.")),
            ("service", string("The service that receives the request.")),
            (
                "stages",
                stages(
                    "The service's calls: stages run one after another, the calls of a stage in parallel.",
                ),
            ),
        ],
        required: &["name", "service"],
        extra: vec![],
    }
}

fn service_calls_obj() -> Obj {
    Obj {
        raw: "RawServiceCalls",
        description: "The calls a service makes while serving one call.",
        props: vec![
            ("service", string("The calling service.")),
            (
                "stages",
                stages("Stages run one after another, the calls of a stage in parallel."),
            ),
        ],
        required: &["service", "stages"],
        extra: vec![],
    }
}

fn call_obj() -> Obj {
    Obj {
        raw: "RawCall",
        description: "A call to a service (a traffic edge from caller to callee must exist).",
        props: vec![
            ("to", string("Called service.")),
            (
                "calls",
                quantity("Sequential repetitions of the call (default 1)."),
            ),
        ],
        required: &["to"],
        extra: vec![],
    }
}

fn hop_override_obj() -> Obj {
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

/// Every object of the format, each named by its `$defs` key (the root has none).
fn objects() -> Vec<(Option<&'static str>, Obj)> {
    vec![
        (None, scenario_obj()),
        (Some("billing"), billing_obj()),
        (Some("cluster"), cluster_obj()),
        (Some("zone"), zone_obj()),
        (Some("nodes"), nodes_obj()),
        (Some("service"), service_obj()),
        (Some("edge"), edge_obj()),
        (Some("connections"), connections_obj()),
        (Some("option"), option_obj()),
        (Some("overhead"), overhead_obj()),
        (Some("state"), state_obj()),
        (Some("latency"), latency_obj()),
        (Some("server_time"), server_time_obj()),
        (Some("hop_override"), hop_override_obj()),
        (Some("call_graph"), call_graph_obj()),
        (Some("entry_point"), entry_point_obj()),
        (Some("service_calls"), service_calls_obj()),
        (Some("call"), call_obj()),
    ]
}

/// The JSON Schema of the scenario format (draft 2020-12), generated from the loader's keys.
pub fn scenario_schema() -> Value {
    let mut defs = Map::new();
    defs.insert(
        "replicas".into(),
        json!({
            "description": "A total pod count, or counts per zone name (`{us-east-1a: 2, us-east-1b: 1}`).",
            "oneOf": [
                {"type": ["number", "string"]},
                {"type": "object", "additionalProperties": {"type": ["number", "string"]}},
            ],
        }),
    );
    let mut root = Map::new();
    for (def, obj) in objects() {
        match def {
            Some(name) => {
                defs.insert(name.into(), obj.schema());
            }
            None => {
                if let Value::Object(m) = obj.schema() {
                    root = m;
                }
            }
        }
    }
    root.insert("$schema".into(), json!(DRAFT));
    root.insert("title".into(), json!("ewsim scenario (version 1)"));
    root.insert("$defs".into(), Value::Object(defs));
    sorted(Value::Object(root))
}

/// The schema as written to `scenarios/scenario.schema.json`: pretty JSON with keys in sorted
/// order and a trailing newline, so the committed file is byte-stable.
pub fn scenario_schema_json() -> String {
    let mut s = serde_json::to_string_pretty(&scenario_schema()).unwrap_or_default();
    s.push('\n');
    s
}

/// Rebuilds every map in sorted key order, so output does not depend on serde_json's map type.
fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// Field lists serde's derive passes to `deserialize_struct`, probed without parsing anything.
#[cfg(test)]
pub(crate) mod probe {
    use serde::Deserialize;
    use serde::de::{self, Deserializer, Visitor};

    struct Probe<'a>(&'a mut Option<&'static [&'static str]>);

    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = Some(fields);
            Err(de::Error::custom("probed"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    /// The keys of a struct type as serde reads them (renames applied).
    pub(crate) fn struct_fields<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
        let mut out = None;
        let _ = T::deserialize(Probe(&mut out));
        out.unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_object_has_exactly_its_raw_types_keys() {
        let raw = crate::loader::raw_scenario_fields();
        let objs = objects();
        for (name, fields) in &raw {
            assert!(!fields.is_empty(), "{name}: probe found no fields");
            let obj = objs
                .iter()
                .find(|(_, o)| o.raw == *name)
                .unwrap_or_else(|| panic!("raw type {name} has no schema object"));
            let want: BTreeSet<&str> = fields.iter().copied().collect();
            let got: BTreeSet<&str> = obj.1.props.iter().map(|(k, _)| *k).collect();
            assert_eq!(
                got, want,
                "schema properties of {name} differ from its fields"
            );
            for r in obj.1.required {
                assert!(want.contains(r), "{name}: required `{r}` is not a field");
            }
        }
        for (_, o) in &objs {
            assert!(
                raw.iter().any(|(n, _)| *n == o.raw),
                "schema object {} mirrors no raw type",
                o.raw
            );
        }
    }

    #[test]
    fn every_property_has_a_description() {
        fn walk(v: &Value, at: &str) {
            if at.ends_with("/if") || at.ends_with("/then") {
                return; // per-kind rules: `kind` constants and forbidden keys
            }
            if let Some(props) = v.get("properties").and_then(Value::as_object) {
                for (k, p) in props {
                    // `then` branches forbid keys with `false`.
                    if p.is_object() {
                        assert!(
                            p.get("description").and_then(Value::as_str).is_some(),
                            "{at}.{k} has no description"
                        );
                    }
                }
            }
            match v {
                Value::Object(m) => m.iter().for_each(|(k, x)| walk(x, &format!("{at}/{k}"))),
                Value::Array(a) => a.iter().for_each(|x| walk(x, at)),
                _ => {}
            }
        }
        walk(&scenario_schema(), "#");
    }

    /// yaml-language-server validates with draft-07 semantics: keep to keywords that mean the
    /// same there (`$defs` is reached by JSON pointer, which draft-07 tools resolve too).
    #[test]
    fn only_keywords_draft_07_tools_understand() {
        const KNOWN: &[&str] = &[
            "$schema",
            "$defs",
            "$ref",
            "title",
            "description",
            "examples",
            "type",
            "enum",
            "const",
            "properties",
            "additionalProperties",
            "required",
            "items",
            "oneOf",
            "allOf",
            "if",
            "then",
        ];
        fn walk(v: &Value, at: &str, in_props: bool) {
            match v {
                Value::Object(m) => {
                    for (k, x) in m {
                        // Property names and `$defs` names are not keywords.
                        let names = in_props;
                        if !names {
                            assert!(
                                KNOWN.contains(&k.as_str()),
                                "{at}/{k} is not a known keyword"
                            );
                        }
                        let child_is_map = k == "properties" || k == "$defs";
                        if names {
                            walk(x, &format!("{at}/{k}"), false);
                        } else if child_is_map {
                            walk(x, &format!("{at}/{k}"), true);
                        } else if k != "enum" && k != "examples" && k != "const" {
                            walk(x, &format!("{at}/{k}"), false);
                        }
                    }
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, at, false)),
                _ => {}
            }
        }
        walk(&scenario_schema(), "#", false);
    }

    /// The committed schema file, read at test time.
    fn committed() -> String {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scenarios/scenario.schema.json"
        );
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
    }

    fn yaml_to_json(text: &str) -> Value {
        crate::yaml::from_str::<Value>(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn validator() -> jsonschema::Validator {
        jsonschema::validator_for(&scenario_schema()).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Schema errors of a YAML document, as `path: message` lines.
    fn schema_errors(text: &str) -> Vec<String> {
        let v = validator();
        let doc = yaml_to_json(text);
        v.iter_errors(&doc)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect()
    }

    #[test]
    fn committed_schema_file_is_current() {
        assert!(
            committed() == scenario_schema_json(),
            "scenarios/scenario.schema.json is stale; regenerate it with \
             `cargo run -- schema --out scenarios/scenario.schema.json`"
        );
    }

    #[test]
    fn schema_is_valid_draft_2020_12() {
        let s = scenario_schema();
        assert_eq!(
            s["$schema"],
            json!("https://json-schema.org/draft/2020-12/schema")
        );
        jsonschema::meta::validate(&s).unwrap_or_else(|e| panic!("{e}"));
        assert!(scenario_schema_json().ends_with("}\n"));
    }

    #[test]
    fn every_shipped_scenario_validates_against_the_schema() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{e}")) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            if path.extension().and_then(|x| x.to_str()) != Some("yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
            let errors = schema_errors(&text);
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
            n += 1;
        }
        // eks-10tb, guide-10tb, guide-claims, multi-cluster, online-boutique, scale-in, tar-fallback
        assert!(n >= 7, "found only {n} scenarios in {dir}");
    }

    const MINIMAL: &str = "version: 1\nregion: us-east-1\n\
        zones: [{name: a, nodes: {count: 1, type: m5.large}}]\n\
        services: [{name: s, replicas: 1}]\n\
        traffic: [{from: s, to: s, volume: 1 GB}]\n\
        options: [{name: o, kind: clusterip}]\n";

    #[test]
    fn a_misspelled_key_fails_schema_validation() {
        assert!(
            schema_errors(MINIMAL).is_empty(),
            "{:?}",
            schema_errors(MINIMAL)
        );
        let typo = MINIMAL.replace("volume: 1 GB", "volumen: 1 GB");
        let errors = schema_errors(&typo);
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("/traffic/0") && e.contains("volumen")),
            "{errors:#?}"
        );
        // The loader rejects it too.
        let e = crate::loader::parse_scenario(&typo, "t.yaml").err();
        assert!(
            format!("{e:?}").contains("unknown field `volumen`"),
            "{e:?}"
        );
        let top = MINIMAL.replace("region:", "regoin:");
        assert!(!schema_errors(&top).is_empty());
    }

    #[test]
    fn quantities_accept_units_and_ranges() {
        // Whatever the loader makes of them, the schema must not reject unit strings or ranges.
        let t = MINIMAL
            .replace(
                "volume: 1 GB",
                "volume: 8TB to 15TB uniform, bytes_per_request: 16KiB",
            )
            .replace("count: 1,", "count: '2 to 4',")
            .replace("replicas: 1}", "replicas: 6}")
            + "latency: {server_time: {p50: 2 ms, p99: 8 ms}, dns_cache_hit_ratio: 95%}\n";
        assert!(schema_errors(&t).is_empty(), "{:?}", schema_errors(&t));
    }

    #[test]
    fn the_schema_requires_what_the_loader_requires() {
        for key in [
            "version", "region", "services", "traffic", "options", "zones",
        ] {
            let text: String = MINIMAL
                .lines()
                .filter(|l| !l.starts_with(&format!("{key}:")))
                .map(|l| format!("{l}\n"))
                .collect();
            assert!(
                !schema_errors(&text).is_empty(),
                "schema accepts no `{key}`"
            );
            assert!(
                crate::loader::parse_scenario(&text, "t.yaml").is_err(),
                "loader accepts no `{key}`"
            );
        }
        // `volume` or `rps` with both sizes, not both, not neither.
        for (edge, ok) in [
            ("volume: 1 GB", true),
            ("rps: 10, request_size: 1 KB, response_size: 1 KB", true),
            ("rps: 10, request_size: 1 KB", false),
            (
                "volume: 1 GB, rps: 10, request_size: 1 KB, response_size: 1 KB",
                false,
            ),
            ("protocol: tcp", false),
        ] {
            let text = MINIMAL.replace("volume: 1 GB", edge);
            assert_eq!(schema_errors(&text).is_empty(), ok, "schema, {edge}");
            assert_eq!(
                crate::loader::parse_scenario(&text, "t.yaml").is_ok(),
                ok,
                "loader, {edge}"
            );
        }
    }

    /// The values after "expected one of: " in the loader's error for a bad value.
    fn loader_choices(text: &str) -> Vec<String> {
        let e = match crate::loader::parse_scenario(text, "t.yaml") {
            Ok(_) => panic!("loader accepted {text}"),
            Err(e) => e.to_string(),
        };
        let list = e
            .split("expected one of: ")
            .nth(1)
            .unwrap_or_else(|| panic!("no value list in {e}"));
        let list = list.split(" (hint").next().unwrap_or(list);
        list.lines()
            .next()
            .unwrap_or("")
            .split(", ")
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn enumerations_are_the_values_the_loader_accepts() {
        let cases: [(&str, &str, &str); 10] = [
            (
                "/$defs/billing/properties/inter_az",
                "version: 1\n",
                "version: 1\nbilling: {inter_az: X}\n",
            ),
            (
                "/$defs/billing/properties/capacity_units",
                "version: 1\n",
                "version: 1\nbilling: {capacity_units: X}\n",
            ),
            (
                "/$defs/billing/properties/gigabyte",
                "version: 1\n",
                "version: 1\nbilling: {gigabyte: X}\n",
            ),
            (
                "/properties/vpc_connectivity",
                "version: 1\n",
                "version: 1\nvpc_connectivity: X\n",
            ),
            (
                "/$defs/edge/properties/protocol",
                "volume: 1 GB",
                "volume: 1 GB, protocol: X",
            ),
            (
                "/$defs/option/properties/kind",
                "kind: clusterip",
                "kind: X",
            ),
            (
                "/$defs/option/properties/target_type",
                "kind: clusterip",
                "kind: internal-alb, target_type: X",
            ),
            (
                "/$defs/option/properties/external_traffic_policy",
                "kind: clusterip",
                "kind: internal-nlb, external_traffic_policy: X",
            ),
            (
                "/$defs/option/properties/affinity",
                "kind: clusterip",
                "kind: cilium-clustermesh, affinity: X",
            ),
            (
                "/$defs/option/properties/traffic_distribution",
                "kind: clusterip",
                "kind: prefer-close, traffic_distribution: X",
            ),
        ];
        let schema = scenario_schema();
        for (pointer, from, to) in cases {
            let allowed: Vec<String> = schema
                .pointer(&format!("{pointer}/enum"))
                .and_then(Value::as_array)
                .unwrap_or_else(|| panic!("no enum at {pointer}"))
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            let bad = MINIMAL.replace(from, &to.replace('X', "no-such-value"));
            assert_eq!(loader_choices(&bad), allowed, "{pointer}");
            for value in &allowed {
                let good = MINIMAL.replace(from, &to.replace('X', value));
                assert!(schema_errors(&good).is_empty(), "{pointer} = {value}");
                if let Err(e) = crate::loader::parse_scenario(&good, "t.yaml") {
                    panic!("{pointer} = {value}: {e}");
                }
            }
        }
    }

    #[test]
    fn settings_apply_to_the_kinds_the_loader_accepts() {
        let samples = [
            ("count", "1"),
            ("target_type", "ip"),
            ("cross_zone", "true"),
            ("external_traffic_policy", "cluster"),
            ("client_leg_charged", "true"),
            ("client_zone_affinity", "false"),
            ("rules_per_request", "0"),
            ("mtls", "false"),
            ("services", "1"),
            ("locality_lb", "true"),
            ("outlier_detection", "false"),
            (
                "overhead",
                "{vcpu_per_1000_rps: 0.2, memory_mb_per_1000_rps: 60}",
            ),
            ("waypoint", "false"),
            ("affinity", "none"),
            ("hosted_zones", "1"),
            ("dns_queries_per_second", "0"),
            ("traffic_distribution", "PreferClose"),
        ];
        let names: BTreeSet<&str> = option_settings().iter().map(|(n, _)| *n).collect();
        assert_eq!(names, samples.iter().map(|(n, _)| *n).collect());
        let v = validator();
        let mut applicable = 0;
        for kind in OptionKind::ALL {
            for (setting, value) in samples {
                let text = MINIMAL.replace(
                    "kind: clusterip",
                    &format!("kind: {kind}, {setting}: {value}"),
                );
                let loader = match crate::loader::parse_scenario(&text, "t.yaml") {
                    Ok(_) => true,
                    Err(e) if e.to_string().contains("does not apply") => false,
                    Err(e) => panic!("{kind} {setting}: {e}"),
                };
                let schema = v.is_valid(&yaml_to_json(&text));
                assert_eq!(schema, loader, "kind {kind}, setting {setting}");
                applicable += usize::from(loader);
            }
        }
        // Hand count from README's table: ALB 7 (count, target_type, cross_zone,
        // external_traffic_policy, client_leg_charged, rules_per_request, mtls), NLB 6 (the LB
        // five + client_zone_affinity), route53-nlb 8 (NLB's 6 + hosted_zones,
        // dns_queries_per_second), lattice 1, sidecar 3, ambient 4, cilium 1, prefer-close 1,
        // topology-aware 1: 32.
        assert_eq!(applicable, 32);
    }

    #[test]
    fn distribution_families_are_the_serde_tags() {
        let e = crate::yaml::from_str::<crate::latency::DistSpec>("family: no-such-family")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        let listed: Vec<&str> = e
            .split("expected one of ")
            .nth(1)
            .and_then(|rest| rest.lines().next())
            .unwrap_or_else(|| panic!("no variant list in {e}"))
            .split(", ")
            .map(|v| v.trim_matches('`'))
            .collect();
        assert_eq!(listed, DIST_FAMILIES);
    }
}
