//! What services send each other: `traffic:` edges (volume or request rate, connection churn,
//! protocol) and the `call_graph:` of end-to-end requests (entry points, each service's calls in
//! stages).

use super::{Obj, array, one_of_strings, quantity, reference, string};
use serde_json::{Value, json};

const PROTOCOL: &[&str] = &["tcp", "udp", "tls"];

pub(super) fn edge_obj() -> Obj {
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

pub(super) fn connections_obj() -> Obj {
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

pub(super) fn call_graph_obj() -> Obj {
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

pub(super) fn entry_point_obj() -> Obj {
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

pub(super) fn service_calls_obj() -> Obj {
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

pub(super) fn call_obj() -> Obj {
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
