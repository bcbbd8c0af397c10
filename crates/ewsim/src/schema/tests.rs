//! Drift tests of the scenario schema: against serde's field lists, the loader's enumerations and
//! per-kind settings, draft-07 tooling, the committed `scenarios/scenario.schema.json` and the
//! shipped scenarios.

use super::latency::DIST_FAMILIES;
use super::options::option_settings;
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

/// The committed schema file, read at test time (`None` outside the workspace).
fn committed() -> Option<String> {
    let path = crate::workspace_files::beside_crate("scenarios/scenario.schema.json")?;
    Some(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
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
    let Some(committed) = committed() else { return };
    assert!(
        committed == scenario_schema_json(),
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
    let Some(dir) = crate::workspace_files::beside_crate("scenarios") else {
        return;
    };
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")) {
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
    assert!(n >= 7, "found only {n} scenarios in {}", dir.display());
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
    for kind in crate::scenario::kinds::names() {
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
