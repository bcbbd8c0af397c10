//! The JSON Schema (draft 2020-12) of the scenario format, for editor completion and CI checks.
//!
//! One source of truth: the loader's private raw serde types define which keys exist. The schema is
//! built here in code, one `Obj` per raw type with its properties in file order, descriptions
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

//!
//! The generator is split by section of the format: `scenario.rs` (the root, `prices:`,
//! `billing:`), `topology.rs` (clusters, zones, nodes, services, states), `traffic.rs` (edges and
//! the call graph), `options.rs` (options and their per-kind settings) and `latency.rs`; this
//! module holds the object model, the shared value helpers and the assembly.

mod latency;
mod options;
mod scenario;
mod topology;
mod traffic;

#[cfg(test)]
pub(crate) mod probe;
#[cfg(test)]
mod tests;

use latency::{hop_override_obj, latency_obj, server_time_obj};
use options::{option_obj, overhead_obj};
use scenario::{billing_obj, scenario_obj};
use serde_json::{Map, Value, json};
use topology::{cluster_obj, nodes_obj, service_obj, state_obj, zone_obj};
use traffic::{
    call_graph_obj, call_obj, connections_obj, edge_obj, entry_point_obj, service_calls_obj,
};

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
    defs.insert("routing".into(), options::routing_schema());
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
