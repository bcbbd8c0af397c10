//! The root object of the scenario format and its top-level settings: `region`, `prices:`
//! (one property per price key), `billing:` and `vpc_connectivity`, with the spellings the
//! loader accepts.

use super::{Obj, array, one_of_strings, quantity, reference, string};
use crate::pricing::PriceKey;
use serde_json::{Map, Value, json};

/// Billing choices, as the loader spells them (`billing:` and `vpc_connectivity`).
const INTER_AZ: &[&str] = &["both-sides", "one-side"];
const CAPACITY_UNITS: &[&str] = &["hourly-max", "bytes-only"];
const GIGABYTE: &[&str] = &["binary", "decimal"];
const VPC_CONNECTIVITY: &[&str] = &["peering", "transit-gateway"];

pub(super) fn scenario_obj() -> Obj {
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
                "pricing",
                string(
                    "A price table or price override file (`base:`), as a path relative to this file; `--pricing FILE` on the command line wins over it.",
                ),
            ),
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
                    super::options::named_option_schema(),
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

pub(super) fn billing_obj() -> Obj {
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
