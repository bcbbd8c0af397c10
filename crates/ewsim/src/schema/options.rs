//! The connection options to compare: `options:` entries, each a `kind` and the settings that
//! apply to it (forbidden on the other kinds by per-kind `if`/`then` rules, as the loader
//! rejects them), and the mesh proxy `overhead`.

use super::{Obj, boolean, one_of_strings, quantity, reference, string};
use crate::scenario::kinds::{
    PER_SERVICE, PER_SERVICE_KEYS, SETTINGS, Values, names, option_kind_names, setting,
};
use serde_json::{Map, Value, json};

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

/// An option's settings other than `name`, `kind`, `description` and `assume_cross_az_share`,
/// from the table of option kinds.
pub(super) fn option_settings() -> Vec<(&'static str, Value)> {
    SETTINGS
        .iter()
        .map(|st| {
            let v = match st.values {
                Values::Flag => boolean(st.doc),
                Values::Count | Values::Quantity => quantity(st.doc),
                Values::OneOf(words) => one_of_strings(words, st.doc),
                Values::Overhead => reference("overhead", st.doc),
            };
            (st.name, v)
        })
        .collect()
}

/// The kinds a setting applies to.
fn setting_kinds(name: &str) -> &'static [&'static str] {
    setting(name).map_or(&[], |s| s.kinds)
}

pub(super) fn option_obj() -> Obj {
    let settings = option_settings();
    // Per kind, forbid the settings that do not apply to it (as the loader does); `per-service`
    // takes none of them, the other kinds no routings.
    let rules: Vec<Value> = option_kind_names()
        .into_iter()
        .filter_map(|kind| {
            let mut forbidden = Map::new();
            for (name, _) in &settings {
                if !setting_kinds(name).contains(&kind) {
                    forbidden.insert((*name).to_string(), json!(false));
                }
            }
            if kind != PER_SERVICE.name {
                for key in PER_SERVICE_KEYS {
                    forbidden.insert(key.to_string(), json!(false));
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
                &option_kind_names(),
                "How services connect; decides routing, line items and which settings apply (`per-service`: each called Service its own way).",
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
    props.push((
        "by_service",
        json!({
            "type": "object",
            "additionalProperties": {"$ref": "#/$defs/routing"},
            "description": "`per-service`: the routing (a kind and its settings) of each called Service, by Service name.",
        }),
    ));
    props.push((
        "default",
        reference(
            "routing",
            "`per-service`: the routing of every called Service not under `by_service` (default ClusterIP).",
        ),
    ));
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
        required: &["kind"],
        extra: vec![("allOf", Value::Array(rules))],
    }
}

/// One Service's routing inside a `per-service` option: an option entry without `name`,
/// `description`, `assume_cross_az_share` or routings of its own, of a kind other than
/// `per-service`.
pub(super) fn routing_schema() -> Value {
    json!({
        "description": "One Service's routing in a `per-service` option: a kind other than `per-service` and its settings.",
        "allOf": [
            {"$ref": "#/$defs/option"},
            {
                "properties": {
                    "kind": {"enum": names(), "description": "A kind of one Service (not `per-service`)."},
                    "name": false,
                    "description": false,
                    "assume_cross_az_share": false,
                    "by_service": false,
                    "default": false,
                },
            },
        ],
    })
}

/// An `options:` entry: an option with its `name`.
pub(super) fn named_option_schema() -> Value {
    json!({
        "description": "A connection option.",
        "allOf": [{"$ref": "#/$defs/option"}, {"required": ["name"]}],
    })
}
