//! `ewsim recommend`: which of a scenario's options meet a set of required capabilities, ranked by
//! monthly cost then p99 latency, with the missing capabilities of every excluded option.
//!
//! The capability table is data (`capabilities/options.yaml`, embedded through the
//! `crates/ewsim/capabilities` symlink): one entry per option kind, every value with a source and
//! date, and overrides for settings that change a capability (`waypoint: true` gives ambient L7).
//! The reference guide's eight scenario rows ship as requirement sets
//! (`capabilities/guide-scenarios.yaml`).
//!
//! Ranking rule: options that deliver every request come first, ordered by monthly cost to the
//! cent, then by simulated p99 (options without a p99 after those with one), then scenario order.
//! Options that meet the requirements but drop requests (dropped share > 0, e.g. ITP Local with no
//! backend on some client nodes) are ranked after all of them, by dropped share, and are never the
//! recommendation ([`Recommendation::best`]): a cheap option that loses requests is a broken
//! configuration for this placement, yet worth showing.

use crate::cost::cents;
use crate::error::{Diagnostic, Input, InputError};
use crate::report::Report;
use crate::scenario::{ExternalTrafficPolicy, MeshAffinity, OptionKind, OptionSpec, TargetType};
use crate::topology::TrafficDistribution;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The shipped capability table (`capabilities/options.yaml`).
pub(crate) const OPTIONS_YAML: &str = include_str!("../capabilities/options.yaml");

/// The reference guide's eight scenario rows as requirement sets (`capabilities/guide-scenarios.yaml`).
pub(crate) const GUIDE_SCENARIOS_YAML: &str = include_str!("../capabilities/guide-scenarios.yaml");

/// One capability an option may have, e.g. `l7-routing`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capability {
    /// Name used in `--require` and the data, e.g. `mtls`.
    pub name: String,
    /// One-line meaning, shown in errors, `--list` and the README.
    pub description: String,
}

/// Where a capability value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// What the source is.
    pub title: String,
    /// URL, or the reference file for `shared/reference/` material.
    pub url: String,
    /// Date the value was checked against the source.
    pub as_of: String,
}

/// Whether an option kind has a capability, and on what authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityValue {
    /// Has the capability.
    pub value: bool,
    /// Source id (a key of [`CapabilityTable::sources`]).
    pub source: String,
    /// Condition or doubt, when there is one.
    pub note: Option<String>,
    /// The settings that produced this value through an override (`waypoint: true`), if any.
    pub setting: Option<String>,
}

/// Values that replace a kind's defaults when an option sets every listed setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingOverride {
    /// Setting name -> value (as written in a scenario), all of which must match.
    pub when: BTreeMap<String, String>,
    /// Capability name -> replacement value.
    pub set: BTreeMap<String, CapabilityValue>,
}

/// The capabilities of one option kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindCapabilities {
    /// Capability name -> value, for every capability of the table.
    pub values: BTreeMap<String, CapabilityValue>,
    /// Setting-dependent changes, applied in file order.
    pub overrides: Vec<SettingOverride>,
}

/// The validated capability table: capabilities, sources and per-kind values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityTable {
    /// Date of the table.
    pub as_of: String,
    /// Every capability, in file order.
    pub capabilities: Vec<Capability>,
    /// Sources by id.
    pub sources: BTreeMap<String, Source>,
    /// Option kind (`OptionKind::as_str`) -> its capabilities.
    pub kinds: BTreeMap<String, KindCapabilities>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    version: u32,
    as_of: String,
    capabilities: Vec<RawCapability>,
    sources: BTreeMap<String, Source>,
    kinds: BTreeMap<String, RawKind>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCapability {
    name: String,
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    capabilities: BTreeMap<String, RawValue>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValue {
    value: bool,
    source: String,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    when: BTreeMap<String, String>,
    set: BTreeMap<String, RawValue>,
}

/// The categorical settings of a kind that overrides may test, with their allowed values (from
/// the table of option kinds).
fn kind_settings(kind: &str) -> Vec<(&'static str, &'static [&'static str])> {
    use crate::scenario::kinds::{Values, settings_of};
    settings_of(kind)
        .filter_map(|st| match st.values {
            Values::Flag => Some((st.name, &["true", "false"][..])),
            Values::OneOf(v) => Some((st.name, v)),
            _ => None,
        })
        .collect()
}

/// An option's categorical settings as written in a scenario (`waypoint` -> `true`).
pub fn option_settings(spec: &OptionSpec) -> BTreeMap<&'static str, String> {
    let mut m = BTreeMap::new();
    let b = |v: bool| v.to_string();
    let lb = |m: &mut BTreeMap<&'static str, String>,
              lb: &crate::scenario::LoadBalancerSettings| {
        let tt = match lb.target_type {
            TargetType::Ip => "ip",
            TargetType::Instance => "instance",
        };
        let etp = match lb.external_traffic_policy {
            ExternalTrafficPolicy::Cluster => "cluster",
            ExternalTrafficPolicy::Local => "local",
        };
        m.insert("target_type", tt.to_string());
        m.insert("cross_zone", b(lb.cross_zone));
        m.insert("external_traffic_policy", etp.to_string());
        m.insert("client_leg_charged", b(lb.client_leg_charged));
        m.insert("client_zone_affinity", b(lb.client_zone_affinity));
    };
    match &spec.kind {
        OptionKind::PreferClose => {
            let td = match spec.traffic_distribution {
                Some(TrafficDistribution::PreferSameZone) => "PreferSameZone",
                Some(TrafficDistribution::PreferSameNode) => "PreferSameNode",
                Some(TrafficDistribution::PreferClose) | None => "PreferClose",
            };
            m.insert("traffic_distribution", td.to_string());
        }
        OptionKind::InternalAlb { lb: l, mtls, .. } => {
            lb(&mut m, l);
            m.remove("client_zone_affinity");
            m.insert("mtls", b(*mtls));
        }
        OptionKind::InternalNlb { lb: l } | OptionKind::Route53Nlb { lb: l, .. } => lb(&mut m, l),
        OptionKind::IstioSidecar { mesh } => {
            m.insert("locality_lb", b(mesh.locality_lb));
            m.insert("outlier_detection", b(mesh.outlier_detection));
        }
        OptionKind::IstioAmbient { mesh, waypoint } => {
            m.insert("locality_lb", b(mesh.locality_lb));
            m.insert("outlier_detection", b(mesh.outlier_detection));
            m.insert("waypoint", b(*waypoint));
        }
        OptionKind::CiliumClusterMesh { affinity } => {
            let a = match affinity {
                MeshAffinity::None => "none",
                MeshAffinity::Local => "local",
                MeshAffinity::Remote => "remote",
            };
            m.insert("affinity", a.to_string());
        }
        OptionKind::ClusterIp
        | OptionKind::Headless
        | OptionKind::ItpLocal
        | OptionKind::TopologyAware
        | OptionKind::Lattice { .. }
        | OptionKind::PerService(_) => {}
    }
    m
}

impl CapabilityTable {
    /// The shipped table, parsed and validated.
    pub fn builtin() -> Result<Self, InputError> {
        Self::parse(OPTIONS_YAML, "capabilities/options.yaml")
    }

    /// Parses and validates a capability table; `file` names it in diagnostics. Every problem is
    /// reported: unknown or missing capability names and kinds, unknown sources, override settings
    /// the kind does not have.
    pub fn parse(text: &str, file: &str) -> Result<Self, InputError> {
        let raw: RawTable = crate::yaml::located(text, file)?;
        let mut diags = Vec::new();
        let mut err = |path: String, msg: String| {
            diags.push(Diagnostic::at(path, format!("{file}: {msg}")));
        };
        if raw.version != 1 {
            err(
                "version".into(),
                format!("unsupported version {}", raw.version),
            );
        }
        let mut capabilities: Vec<Capability> = Vec::new();
        for (i, c) in raw.capabilities.iter().enumerate() {
            if capabilities.iter().any(|k| k.name == c.name) {
                err(
                    format!("capabilities[{i}]"),
                    format!("duplicate capability `{}`", c.name),
                );
            } else if c.name.is_empty() || c.description.trim().is_empty() {
                err(
                    format!("capabilities[{i}]"),
                    "a capability needs a name and a description".into(),
                );
            } else {
                capabilities.push(Capability {
                    name: c.name.clone(),
                    description: c.description.clone(),
                });
            }
        }
        let known = |n: &str| capabilities.iter().any(|c| c.name == n);
        let names = capabilities
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let mut kinds = BTreeMap::new();
        for k in crate::scenario::kinds::names() {
            if !raw.kinds.contains_key(k) {
                err("kinds".into(), format!("kind `{k}` is missing"));
            }
        }
        let value = |path: String,
                     name: &str,
                     v: &RawValue,
                     setting: Option<String>,
                     err: &mut dyn FnMut(String, String)|
         -> CapabilityValue {
            if !known(name) {
                err(
                    path.clone(),
                    format!("unknown capability `{name}` (known: {names})"),
                );
            }
            if !raw.sources.contains_key(&v.source) {
                err(path, format!("unknown source `{}`", v.source));
            }
            CapabilityValue {
                value: v.value,
                source: v.source.clone(),
                note: v.note.clone(),
                setting,
            }
        };
        for (kind, rk) in &raw.kinds {
            if !crate::scenario::kinds::is_kind(kind) {
                err(
                    format!("kinds.{kind}"),
                    format!(
                        "unknown option kind `{kind}` (known: {})",
                        crate::scenario::kinds::names().join(", ")
                    ),
                );
                continue;
            }
            let mut values = BTreeMap::new();
            for (name, v) in &rk.capabilities {
                let path = format!("kinds.{kind}.capabilities.{name}");
                values.insert(name.clone(), value(path, name, v, None, &mut err));
            }
            for c in &capabilities {
                if !rk.capabilities.contains_key(&c.name) {
                    err(
                        format!("kinds.{kind}.capabilities"),
                        format!("capability `{}` is missing", c.name),
                    );
                }
            }
            let settings = kind_settings(kind);
            let mut overrides = Vec::new();
            for (i, o) in rk.overrides.iter().enumerate() {
                let p = format!("kinds.{kind}.overrides[{i}]");
                if o.when.is_empty() || o.set.is_empty() {
                    err(p.clone(), "an override needs `when` and `set`".into());
                }
                for (s, v) in &o.when {
                    match settings.iter().find(|(n, _)| n == s) {
                        None => err(
                            format!("{p}.when.{s}"),
                            format!(
                                "kind `{kind}` has no setting `{s}` an override can test (settings: {})",
                                settings
                                    .iter()
                                    .map(|(n, _)| *n)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ),
                        Some((_, allowed)) if !allowed.contains(&v.as_str()) => err(
                            format!("{p}.when.{s}"),
                            format!("`{v}` is not one of: {}", allowed.join(", ")),
                        ),
                        Some(_) => {}
                    }
                }
                let label = when_label(&o.when);
                let set = o
                    .set
                    .iter()
                    .map(|(name, v)| {
                        let path = format!("{p}.set.{name}");
                        (
                            name.clone(),
                            value(path, name, v, Some(label.clone()), &mut err),
                        )
                    })
                    .collect();
                overrides.push(SettingOverride {
                    when: o.when.clone(),
                    set,
                });
            }
            kinds.insert(kind.clone(), KindCapabilities { values, overrides });
        }
        if !diags.is_empty() {
            return Err(InputError { diagnostics: diags });
        }
        Ok(CapabilityTable {
            as_of: raw.as_of,
            capabilities,
            sources: raw.sources,
            kinds,
        })
    }

    /// The capability named `name`, if the table has it.
    pub fn capability(&self, name: &str) -> Option<&Capability> {
        self.capabilities.iter().find(|c| c.name == name)
    }

    /// Parses a `--require` list (`a,b,c`; spaces around names ignored, duplicates dropped). An
    /// unknown name, or no name at all, is an input error that lists every known capability.
    pub fn parse_requirements(&self, list: &str) -> Result<Vec<String>, InputError> {
        let mut out: Vec<String> = Vec::new();
        let mut diags = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if self.capability(name).is_none() {
                diags.push(
                    Diagnostic::input(Input::Require, format!("unknown capability `{name}`"))
                        .with_hint(self.known_list()),
                );
            } else if !out.iter().any(|n| n == name) {
                out.push(name.to_string());
            }
        }
        if out.is_empty() && diags.is_empty() {
            diags.push(
                Diagnostic::input(Input::Require, "no capability given")
                    .with_hint(self.known_list()),
            );
        }
        if diags.is_empty() {
            Ok(out)
        } else {
            Err(InputError { diagnostics: diags })
        }
    }

    /// `known capabilities: l4 (...), ...`: the hint of requirement errors.
    fn known_list(&self) -> String {
        let list: Vec<String> = self
            .capabilities
            .iter()
            .map(|c| format!("{}: {}", c.name, c.description))
            .collect();
        format!("known capabilities: {}", list.join("; "))
    }

    /// The capabilities of one option: its kind's values with the matching overrides applied.
    /// `None` when the table has no entry for the kind.
    ///
    /// A `per-service` option has a capability only if every one of its routings (the default
    /// and each listed Service's) has it: a requirement such as mTLS or L7 routing must hold for
    /// every call. Where one lacks it, that routing's value (with its note and source) stands.
    pub fn resolve(&self, spec: &OptionSpec) -> Option<BTreeMap<String, CapabilityValue>> {
        if let OptionKind::PerService(routes) = &spec.kind {
            let mut out: BTreeMap<String, CapabilityValue> = BTreeMap::new();
            for r in routes.all() {
                for (name, v) in self.resolve(&spec.resolved(r))? {
                    match out.get_mut(&name) {
                        None => {
                            out.insert(name, v);
                        }
                        Some(cur) if cur.value && !v.value => *cur = v,
                        Some(_) => {}
                    }
                }
            }
            return Some(out);
        }
        let kc = self.kinds.get(spec.kind.as_str())?;
        let settings = option_settings(spec);
        let mut values = kc.values.clone();
        for o in &kc.overrides {
            if o.when
                .iter()
                .all(|(k, v)| settings.get(k.as_str()) == Some(v))
            {
                values.extend(o.set.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        Some(values)
    }
}

/// One of the reference guide's scenario rows as a requirement set.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuideExample {
    /// Name for `--example`.
    pub name: String,
    /// Row number in the guide's Table D.
    pub row: u32,
    /// The guide's scenario text.
    pub guide_scenario: String,
    /// The guide's scope chip (Single Cluster, Multi-cluster, ...).
    pub scope: String,
    /// The guide's recommended solution.
    pub guide_solution: String,
    /// Required capabilities.
    pub require: Vec<String>,
    /// How the row's words became the requirement list.
    pub why: String,
    /// Shipped scenario file (relative to the repository root) the row is checked against.
    pub scenario: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExamples {
    version: u32,
    #[allow(dead_code)]
    source: String,
    #[allow(dead_code)]
    as_of: String,
    examples: Vec<GuideExample>,
}

/// The shipped guide rows, validated against `table` (every required name must exist, names unique).
pub fn guide_examples(table: &CapabilityTable) -> Result<Vec<GuideExample>, InputError> {
    parse_examples(
        GUIDE_SCENARIOS_YAML,
        "capabilities/guide-scenarios.yaml",
        table,
    )
}

/// Parses and validates a requirement-set file like `capabilities/guide-scenarios.yaml`.
pub fn parse_examples(
    text: &str,
    file: &str,
    table: &CapabilityTable,
) -> Result<Vec<GuideExample>, InputError> {
    let raw: RawExamples = crate::yaml::located(text, file)?;
    let mut diags = Vec::new();
    if raw.version != 1 {
        diags.push(Diagnostic::at(
            "version",
            format!("{file}: unsupported version {}", raw.version),
        ));
    }
    for (i, e) in raw.examples.iter().enumerate() {
        if raw.examples[..i].iter().any(|o| o.name == e.name) {
            diags.push(Diagnostic::at(
                format!("examples[{i}].name"),
                format!("{file}: duplicate example `{}`", e.name),
            ));
        }
        if let Err(mut err) = table.parse_requirements(&e.require.join(",")) {
            for d in &mut err.diagnostics {
                d.field = crate::error::Field::Scenario(format!("examples[{i}].require"));
                d.message = format!("{file}: {}", d.message);
            }
            diags.extend(err.diagnostics);
        }
    }
    if diags.is_empty() {
        Ok(raw.examples)
    } else {
        Err(InputError { diagnostics: diags })
    }
}

/// An option that meets every requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Option name.
    pub option: String,
    /// Option kind.
    pub kind: &'static str,
    /// Exact monthly cost (USD).
    pub monthly_cost_usd: Decimal,
    /// Simulated p99 (ms), when latency was simulated and the option delivers requests.
    pub p99_ms: Option<f64>,
    /// Byte-weighted share of requests dropped; above zero ranks the option last.
    pub dropped_share: Decimal,
    /// Whether the cost rests on `assume_cross_az_share`.
    pub assumed: bool,
    /// Conditions attached to the required capabilities: (capability, note).
    pub conditions: Vec<(String, String)>,
}

/// A required capability an option lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// Capability name.
    pub capability: String,
    /// The data's note on why not, or what would give it.
    pub note: Option<String>,
    /// Source id of the value.
    pub source: String,
}

/// An option that fails at least one requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct Excluded {
    /// Option name.
    pub option: String,
    /// Option kind.
    pub kind: &'static str,
    /// Exact monthly cost (USD), for context.
    pub monthly_cost_usd: Decimal,
    /// Every required capability it lacks, in requirement order.
    pub missing: Vec<Missing>,
}

/// The answer of [`recommend`].
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    /// The requirements, in the order given.
    pub requirements: Vec<String>,
    /// Options meeting every requirement, best first (see the module docs for the rule).
    pub ranked: Vec<Candidate>,
    /// Options failing a requirement, in scenario order.
    pub excluded: Vec<Excluded>,
    /// Whether p99 was available for the tie-break (latency simulated).
    pub latency_ranked: bool,
}

impl Recommendation {
    /// The recommended option: the first ranked one, if it drops no request.
    pub fn best(&self) -> Option<&Candidate> {
        self.ranked.first().filter(|c| c.dropped_share.is_zero())
    }
}

/// Filters the report's options by the required capabilities and ranks the eligible ones by cost
/// (to the cent), then p99, then scenario order; options that drop requests come last. Options
/// are matched to their scenario settings by name. Pure: no I/O.
pub fn recommend(
    scenario: &crate::Scenario,
    report: &Report,
    table: &CapabilityTable,
    requirements: &[String],
) -> Recommendation {
    let mut ranked: Vec<(usize, Candidate)> = Vec::new();
    let mut excluded = Vec::new();
    for (i, o) in report.cost.options.iter().enumerate() {
        let resolved = scenario
            .options
            .iter()
            .find(|s| s.name == o.name)
            .and_then(|s| table.resolve(s));
        let mut missing = Vec::new();
        let mut conditions = Vec::new();
        for r in requirements {
            match resolved.as_ref().and_then(|m| m.get(r)) {
                Some(v) if v.value => {
                    if let Some(n) = &v.note {
                        conditions.push((r.clone(), n.clone()));
                    }
                }
                Some(v) => missing.push(Missing {
                    capability: r.clone(),
                    note: v.note.clone(),
                    source: v.source.clone(),
                }),
                None => missing.push(Missing {
                    capability: r.clone(),
                    note: Some(format!("kind `{}` is not in the capability table", o.kind)),
                    source: String::new(),
                }),
            }
        }
        if missing.is_empty() {
            let p99_ms = report.option_latency(i).map(|r| r.p99_ms);
            ranked.push((
                i,
                Candidate {
                    option: o.name.clone(),
                    kind: o.kind,
                    monthly_cost_usd: o.cost.total,
                    p99_ms,
                    dropped_share: o.cost.dropped_share,
                    assumed: o.assumed,
                    conditions,
                },
            ));
        } else {
            excluded.push(Excluded {
                option: o.name.clone(),
                kind: o.kind,
                monthly_cost_usd: o.cost.total,
                missing,
            });
        }
    }
    ranked.sort_by(|(ia, a), (ib, b)| {
        let drops = |c: &Candidate| c.dropped_share > Decimal::ZERO;
        drops(a)
            .cmp(&drops(b))
            .then(a.dropped_share.cmp(&b.dropped_share))
            .then(cents(a.monthly_cost_usd).cmp(&cents(b.monthly_cost_usd)))
            .then(match (a.p99_ms, b.p99_ms) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then(ia.cmp(ib))
    });
    Recommendation {
        requirements: requirements.to_vec(),
        ranked: ranked.into_iter().map(|(_, c)| c).collect(),
        excluded,
        latency_ranked: report.latency.is_some(),
    }
}

/// `a: x, b: y`: the label of an override's settings (what [`CapabilityValue::setting`] holds).
pub fn when_label(when: &BTreeMap<String, String>) -> String {
    when.iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> CapabilityTable {
        CapabilityTable::builtin().expect("shipped table is valid")
    }

    #[test]
    fn shipped_table_and_examples_are_valid() {
        let t = table();
        assert_eq!(t.kinds.len(), crate::scenario::kinds::KINDS.len());
        assert!(t.capabilities.len() >= 12);
        let ex = guide_examples(&t).expect("shipped examples are valid");
        assert_eq!(
            ex.iter().map(|e| e.row).collect::<Vec<_>>(),
            (1..=8).collect::<Vec<_>>()
        );
    }

    #[test]
    fn unknown_names_in_the_table_are_errors() {
        let bad = OPTIONS_YAML.replace("      waf: {value: false, source: aws-waf}\n      static-ip: {value: false, source: k8s-service, note: \"the ClusterIP", "      wafx: {value: false, source: aws-waf}\n      static-ip: {value: false, source: k8s-service, note: \"the ClusterIP");
        assert_ne!(bad, OPTIONS_YAML, "fixture edit applies");
        let e = CapabilityTable::parse(&bad, "t.yaml").expect_err("unknown capability");
        let text = e.to_string();
        assert!(text.contains("unknown capability `wafx`"), "{text}");
        assert!(text.contains("capability `waf` is missing"), "{text}");
        let bad = OPTIONS_YAML.replace("\n  route53-nlb:\n", "\n  route53-dns:\n");
        let text = CapabilityTable::parse(&bad, "t.yaml")
            .expect_err("unknown kind")
            .to_string();
        assert!(text.contains("unknown option kind `route53-dns`"), "{text}");
        assert!(text.contains("kind `route53-nlb` is missing"), "{text}");
        let bad = OPTIONS_YAML.replace("when: {waypoint: \"true\"}", "when: {waypoints: \"true\"}");
        let text = CapabilityTable::parse(&bad, "t.yaml")
            .expect_err("unknown setting")
            .to_string();
        assert!(text.contains("no setting `waypoints`"), "{text}");
    }

    #[test]
    fn yaml_shape_errors_have_a_line() {
        let bad = OPTIONS_YAML.replace(
            "as_of: \"2026-11-26\"\n\ncapabilities:",
            "as_of: \"2026-11-26\"\ncolour: red\ncapabilities:",
        );
        let e = CapabilityTable::parse(&bad, "t.yaml").expect_err("unknown key");
        let loc = e.diagnostics[0].location.as_ref().expect("location");
        // The line of the inserted key, counted in the edited text.
        let line = bad
            .lines()
            .position(|l| l == "colour: red")
            .expect("inserted")
            + 1;
        assert_eq!((loc.file.as_str(), loc.line), ("t.yaml", line as u64));
    }

    #[test]
    fn requirements_parse_and_unknown_names_list_the_known_ones() {
        let t = table();
        assert_eq!(
            t.parse_requirements(" mtls, l4,mtls ,").expect("valid"),
            vec!["mtls".to_string(), "l4".to_string()]
        );
        let e = t.parse_requirements("mtls,l8").expect_err("unknown");
        let text = e.to_string();
        assert!(text.contains("unknown capability `l8`"), "{text}");
        for c in &t.capabilities {
            assert!(text.contains(&c.name), "{text} lacks {}", c.name);
        }
        assert!(t.parse_requirements(" , ").is_err());
    }

    fn spec(yaml_kind: &str) -> OptionSpec {
        let text = format!(
            "version: 1\nregion: us-east-1\nzones: [{{name: a, nodes: {{count: 1, type: m5.large}}}}]\n\
             services: [{{name: s, replicas: 1}}]\ntraffic: [{{from: s, to: s, volume: 1 GB}}]\n\
             options: [{{name: o, {yaml_kind}}}]\n"
        );
        crate::loader::parse_scenario(&text, "t.yaml")
            .expect("valid scenario")
            .scenario
            .options
            .remove(0)
    }

    #[test]
    fn settings_override_capabilities() {
        let t = table();
        let has = |s: &OptionSpec, c: &str| t.resolve(s).expect("kind")[c].value;
        // Ambient: ztunnel is L4 only; a waypoint adds L7 (Istio ambient overview).
        assert!(!has(&spec("kind: istio-ambient"), "l7-routing"));
        assert!(has(
            &spec("kind: istio-ambient, waypoint: true"),
            "l7-routing"
        ));
        assert!(has(
            &spec("kind: istio-ambient, waypoint: true"),
            "observability"
        ));
        // ALB mutual TLS only when the listener verifies client certificates.
        assert!(!has(&spec("kind: internal-alb"), "mtls"));
        assert!(has(&spec("kind: internal-alb, mtls: true"), "mtls"));
        // NLB zone-local needs zonal DNS *and* no cross-zone balancing.
        assert!(!has(&spec("kind: internal-nlb"), "zone-local"));
        assert!(has(
            &spec("kind: internal-nlb, client_zone_affinity: true"),
            "zone-local"
        ));
        assert!(!has(
            &spec("kind: internal-nlb, client_zone_affinity: true, cross_zone: true"),
            "zone-local"
        ));
        // Istio locality needs outlier detection (reference k8s-routing.md §6).
        assert!(!has(&spec("kind: istio-sidecar"), "zone-local"));
        assert!(has(
            &spec("kind: istio-sidecar, outlier_detection: true"),
            "zone-local"
        ));
        let v = &t
            .resolve(&spec("kind: istio-ambient, waypoint: true"))
            .expect("kind")["grpc"];
        assert_eq!(v.setting.as_deref(), Some("waypoint: true"));
    }
}
