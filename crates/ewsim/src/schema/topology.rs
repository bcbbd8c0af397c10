//! Where pods run: `clusters:` and `zones:` with their node groups, `services:` with their
//! replicas, and `states:` (parts of the month with other replica counts).

use super::{Obj, array, quantity, reference, string};
use serde_json::json;

pub(super) fn cluster_obj() -> Obj {
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

pub(super) fn zone_obj() -> Obj {
    Obj {
        raw: "RawZone",
        description: "An availability zone and its node groups.",
        props: vec![
            ("name", string("Zone name, e.g. us-east-1a.")),
            (
                "nodes",
                json!({
                    "description": "The zone's nodes (required: a zone without nodes is an error): one node group, or a list of node groups (real zones mix instance types).",
                    "oneOf": [
                        {"$ref": "#/$defs/nodes"},
                        {"type": "array", "items": {"$ref": "#/$defs/nodes"}},
                    ],
                }),
            ),
        ],
        required: &["name", "nodes"],
        extra: vec![],
    }
}

pub(super) fn nodes_obj() -> Obj {
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

pub(super) fn service_obj() -> Obj {
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

pub(super) fn state_obj() -> Obj {
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
