//! The one module that reads YAML: scenarios, price tables and overrides.
//!
//! Parsing goes through serde-saphyr (panic-free, with line and column for every error) into private
//! raw types that keep source spans; conversion to the public model parses units and records where
//! each value came from, so later validation problems can point at file:line:column too.

use crate::error::{Diagnostic, InputError, Location};
use crate::pricing::{
    AlbLcu, CapacityUnits, Instance, Nlcu, Price, PriceKey, PriceOverrides, PriceTable, Source,
};
use crate::scenario::*;
use crate::uncertainty::UncertainInput;
use crate::units::{self, Quantity};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::fmt;

/// A loaded scenario together with the source positions of its values.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// The scenario.
    pub scenario: Scenario,
    /// Source positions by scenario path (`traffic[0].to`), for diagnostics.
    pub source_map: SourceMap,
    /// Every numeric value the file sets, by scenario path, in its canonical unit: what
    /// [`parse_scenario_with`] can replace.
    pub numeric: BTreeMap<String, NumericField>,
    /// Values written as ranges (`8TB to 15TB`); the scenario holds their medians.
    pub uncertain: Vec<UncertainInput>,
    /// The YAML text it was read from, so sweeps and draws can re-read it with values replaced.
    pub text: String,
}

/// A numeric scenario value: its kind (unit and parsing) and the value used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumericField {
    /// How the value is written and held.
    pub kind: Quantity,
    /// The value, in the kind's canonical unit.
    pub value: Decimal,
}

/// Source positions by scenario path.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    file: String,
    positions: BTreeMap<String, Location>,
}

impl SourceMap {
    /// An empty map for a scenario built in code (diagnostics then carry paths only).
    pub fn empty(file: &str) -> Self {
        SourceMap {
            file: file.to_string(),
            positions: BTreeMap::new(),
        }
    }

    fn record(&mut self, path: &str, loc: &serde_saphyr::Location) {
        if loc.line() > 0 {
            self.positions.insert(
                path.to_string(),
                Location {
                    file: self.file.clone(),
                    line: loc.line(),
                    column: loc.column(),
                },
            );
        }
    }

    /// The file name diagnostics carry.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The position of a path, or of its nearest recorded parent.
    pub fn locate(&self, path: &str) -> Option<Location> {
        let mut p = path;
        loop {
            if let Some(l) = self.positions.get(p) {
                return Some(l.clone());
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// Attaches positions to diagnostics that lack one and sorts them in file order.
    pub fn resolve(&self, mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        for d in &mut diags {
            if d.location.is_none() {
                d.location = self.locate(&d.path);
            }
        }
        diags.sort_by_key(|d| {
            d.location
                .as_ref()
                .map(|l| (l.line, l.column))
                .unwrap_or((u64::MAX, 0))
        });
        diags
    }
}

/// A scalar kept as written, so that numbers with units and exact decimals survive YAML typing.
#[derive(Debug, Clone)]
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a quantity such as `10 TB`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                // Rust prints the shortest text that reads back as the same f64 (0.0225 -> "0.0225").
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Service replicas: a total to spread, or counts per zone.
#[derive(Debug, Clone)]
enum RawReplicas {
    Total(Text),
    PerZone(Vec<(String, Text)>),
}

impl<'de> Deserialize<'de> for RawReplicas {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawReplicas;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a replica count or a map of zone name to count")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawReplicas, E> {
                Ok(RawReplicas::Total(Text(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawReplicas, E> {
                Ok(RawReplicas::Total(Text(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawReplicas, E> {
                Ok(RawReplicas::Total(Text(v.to_string())))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawReplicas, E> {
                Ok(RawReplicas::Total(Text(v.to_string())))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut m: A) -> Result<RawReplicas, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, Text>()? {
                    out.push((k, v));
                }
                Ok(RawReplicas::PerZone(out))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    version: Spanned<Text>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    region: Spanned<String>,
    #[serde(default)]
    billing: Option<Spanned<RawBilling>>,
    #[serde(default)]
    prices: BTreeMap<String, Spanned<Text>>,
    #[serde(default)]
    zones: Option<Spanned<Vec<Spanned<RawZone>>>>,
    #[serde(default)]
    clusters: Option<Spanned<Vec<Spanned<RawCluster>>>>,
    #[serde(default)]
    vpc_connectivity: Option<Spanned<String>>,
    services: Spanned<Vec<Spanned<RawService>>>,
    traffic: Spanned<Vec<Spanned<RawEdge>>>,
    options: Spanned<Vec<Spanned<RawOption>>>,
    #[serde(default)]
    states: Option<Spanned<Vec<Spanned<RawState>>>>,
    #[serde(default)]
    latency: Option<Spanned<RawLatency>>,
    #[serde(default)]
    call_graph: Option<Spanned<RawCallGraph>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCallGraph {
    entry_points: Vec<Spanned<RawEntryPoint>>,
    #[serde(default)]
    services: Vec<Spanned<RawServiceCalls>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntryPoint {
    name: String,
    service: String,
    #[serde(default)]
    stages: Vec<Vec<Spanned<RawCall>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServiceCalls {
    service: String,
    stages: Vec<Vec<Spanned<RawCall>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCall {
    to: String,
    #[serde(default)]
    calls: Option<Spanned<Text>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLatency {
    #[serde(default)]
    samples: Option<Spanned<Text>>,
    #[serde(default)]
    seed: Option<Spanned<Text>>,
    #[serde(default)]
    services_in_cluster: Option<Spanned<Text>>,
    #[serde(default)]
    dns_cache_hit_ratio: Option<Spanned<Text>>,
    #[serde(default)]
    dns_lookups_per_request: Option<Spanned<Text>>,
    #[serde(default)]
    requests_per_connection: Option<Spanned<Text>>,
    #[serde(default)]
    server_time: Option<Spanned<RawServerTime>>,
    #[serde(default)]
    hops: Option<Spanned<BTreeMap<String, crate::latency::HopOverride>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServerTime {
    p50: Spanned<Text>,
    p99: Spanned<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawState {
    name: Spanned<String>,
    #[serde(default)]
    hours_per_day: Option<Spanned<Text>>,
    #[serde(default)]
    share: Option<Spanned<Text>>,
    #[serde(default)]
    replicas: BTreeMap<String, Spanned<RawReplicas>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBilling {
    #[serde(default)]
    hours_per_month: Option<Spanned<Text>>,
    #[serde(default)]
    inter_az: Option<Spanned<String>>,
    #[serde(default)]
    capacity_units: Option<Spanned<String>>,
    #[serde(default)]
    gigabyte: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCluster {
    name: Spanned<String>,
    #[serde(default)]
    vpc: Option<String>,
    zones: Spanned<Vec<Spanned<RawZone>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawZone {
    name: Spanned<String>,
    #[serde(default)]
    nodes: Option<Spanned<RawNodes>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNodes {
    count: Spanned<Text>,
    #[serde(rename = "type")]
    instance_type: Spanned<String>,
    #[serde(default)]
    cpu: Option<Spanned<Text>>,
    #[serde(default)]
    not_ready: Option<Spanned<Text>>,
    #[serde(default)]
    control_plane: Option<Spanned<Text>>,
    #[serde(default)]
    unlabeled: Option<Spanned<Text>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    name: Spanned<String>,
    #[serde(default)]
    cluster: Option<Spanned<String>>,
    replicas: Spanned<RawReplicas>,
    #[serde(default)]
    colocate_with: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEdge {
    from: Spanned<String>,
    to: Spanned<String>,
    #[serde(default)]
    volume: Option<Spanned<Text>>,
    #[serde(default)]
    bytes_per_request: Option<Spanned<Text>>,
    #[serde(default)]
    rps: Option<Spanned<Text>>,
    #[serde(default)]
    request_size: Option<Spanned<Text>>,
    #[serde(default)]
    response_size: Option<Spanned<Text>>,
    #[serde(default)]
    connections: Option<Spanned<RawConnections>>,
    #[serde(default)]
    protocol: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConnections {
    new_per_second: Spanned<Text>,
    lifetime: Spanned<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverhead {
    vcpu_per_1000_rps: Spanned<Text>,
    memory_mb_per_1000_rps: Spanned<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    name: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    assume_cross_az_share: Option<Spanned<Text>>,
    #[serde(default)]
    count: Option<Spanned<Text>>,
    #[serde(default)]
    target_type: Option<Spanned<String>>,
    #[serde(default)]
    cross_zone: Option<Spanned<bool>>,
    #[serde(default)]
    external_traffic_policy: Option<Spanned<String>>,
    #[serde(default)]
    client_leg_charged: Option<Spanned<bool>>,
    #[serde(default)]
    client_zone_affinity: Option<Spanned<bool>>,
    #[serde(default)]
    rules_per_request: Option<Spanned<Text>>,
    #[serde(default)]
    mtls: Option<Spanned<bool>>,
    #[serde(default)]
    services: Option<Spanned<Text>>,
    #[serde(default)]
    locality_lb: Option<Spanned<bool>>,
    #[serde(default)]
    outlier_detection: Option<Spanned<bool>>,
    #[serde(default)]
    overhead: Option<Spanned<RawOverhead>>,
    #[serde(default)]
    waypoint: Option<Spanned<bool>>,
    #[serde(default)]
    affinity: Option<Spanned<String>>,
    #[serde(default)]
    hosted_zones: Option<Spanned<Text>>,
    #[serde(default)]
    dns_queries_per_second: Option<Spanned<Text>>,
    #[serde(default)]
    traffic_distribution: Option<Spanned<String>>,
}

/// Turns a serde-saphyr error into a one-line diagnostic with its position.
fn yaml_error(e: &serde_saphyr::Error, file: &str) -> InputError {
    let inner = e.without_snippet();
    let location = inner.location().filter(|l| l.line() > 0).map(|l| Location {
        file: file.to_string(),
        line: l.line(),
        column: l.column(),
    });
    let mut message = inner.to_string();
    // The library appends its own position text; the prefix carries ours.
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    let message = message
        .lines()
        .next()
        .unwrap_or("invalid YAML")
        .trim()
        .to_string();
    let hint = if message.contains("unknown field") {
        Some("check the key's spelling against the scenario reference in README.md".to_string())
    } else {
        None
    };
    InputError::single(Diagnostic {
        location,
        path: String::new(),
        message,
        hint,
    })
}

/// Collects conversion problems and positions while turning raw values into model values.
struct Conv {
    map: SourceMap,
    diags: Vec<Diagnostic>,
    /// Values replacing the file's, by scenario path.
    overrides: BTreeMap<String, Decimal>,
    /// Every numeric value converted, by scenario path.
    fields: BTreeMap<String, NumericField>,
    /// Values written as ranges.
    ranges: Vec<UncertainInput>,
    /// Raw indices of the list entries that converted, by list path (`services`, `zones`).
    kept: BTreeMap<String, Vec<usize>>,
}

impl Conv {
    fn err(&mut self, path: &str, loc: &serde_saphyr::Location, msg: impl Into<String>) {
        self.map.record(path, loc);
        self.diags.push(Diagnostic::at(path, msg));
        if let Some(l) = self.map.positions.get(path).cloned()
            && let Some(d) = self.diags.last_mut()
        {
            d.location = Some(l);
        }
    }

    /// Converts a numeric value of `kind`: an override for `path` wins (sweeps, uncertainty draws),
    /// a range (`8TB to 15TB`) is recorded as an uncertain input and stands at its median, anything
    /// else is parsed. Every numeric value met is recorded in `fields`, so callers can address it.
    fn quantity(&mut self, path: &str, v: &Spanned<Text>, kind: Quantity) -> Option<Decimal> {
        self.map.record(path, &v.referenced);
        let parsed = match self.overrides.get(path) {
            Some(x) => Ok(kind.conform(*x)),
            None => match crate::uncertainty::parse_range(path, &v.value.0, kind) {
                Some(Ok(range)) => {
                    let median = range.median();
                    self.ranges.push(range);
                    Ok(median)
                }
                Some(Err(m)) => Err(m),
                None => kind.parse(&v.value.0),
            },
        };
        match parsed {
            Ok(d) => {
                self.fields
                    .insert(path.to_string(), NumericField { kind, value: d });
                Some(d)
            }
            Err(m) => {
                self.err(path, &v.referenced, m);
                None
            }
        }
    }

    fn count(&mut self, path: &str, v: &Spanned<Text>) -> Option<u32> {
        let d = self.quantity(path, v, Quantity::Count)?;
        if d.fract().is_zero() && d <= Decimal::from(u32::MAX) {
            u32::try_from(d.mantissa() / 10i128.pow(d.scale())).ok()
        } else {
            self.err(
                path,
                &v.referenced,
                format!("`{}` is not a whole number", v.value.0),
            );
            None
        }
    }

    fn choice<T: Copy>(
        &mut self,
        path: &str,
        v: &Spanned<String>,
        allowed: &[(&str, T)],
    ) -> Option<T> {
        self.map.record(path, &v.referenced);
        if let Some((_, t)) = allowed.iter().find(|(s, _)| *s == v.value) {
            return Some(*t);
        }
        let names: Vec<&str> = allowed.iter().map(|(s, _)| *s).collect();
        self.err(
            path,
            &v.referenced,
            format!(
                "unknown value `{}`; expected one of: {}",
                v.value,
                names.join(", ")
            ),
        );
        None
    }

    fn flag(&mut self, path: &str, v: &Option<Spanned<bool>>, default: bool) -> bool {
        match v {
            Some(b) => {
                self.map.record(path, &b.referenced);
                b.value
            }
            None => default,
        }
    }
}

/// Deserialises YAML text into any type: the single entry point to the YAML parser for the rest
/// of the library (the latency catalogue and distributions use it), so YAML stays behind this module.
pub(crate) fn from_yaml<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<T, serde_saphyr::Error> {
    serde_saphyr::from_str(text)
}

/// Deserialises YAML text like [`from_yaml`], reporting a syntax or shape error (unknown key,
/// wrong type) as an [`InputError`] at `file:line:column`; used by the capability tables.
pub(crate) fn from_yaml_located<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, InputError> {
    serde_saphyr::from_str(text).map_err(|e| yaml_error(&e, file))
}

/// Parses a scenario from YAML text. `file` names the source in diagnostics.
pub fn parse_scenario(text: &str, file: &str) -> Result<LoadedScenario, InputError> {
    parse_scenario_with(text, file, &BTreeMap::new())
}

/// Parses a scenario with some numeric values replaced, by scenario path (`traffic[0].volume`,
/// `services[1].replicas`, `prices.inter_az_per_gb_each_direction`), each in its value's canonical unit (see
/// [`LoadedScenario::numeric`]). Sweeps and uncertainty draws re-read the file this way, so every
/// replaced value goes through the same conversion and validation as a written one. A path that
/// names no numeric value of the scenario is an input error; `prices.<key>` may add a price.
pub fn parse_scenario_with(
    text: &str,
    file: &str,
    overrides: &BTreeMap<String, Decimal>,
) -> Result<LoadedScenario, InputError> {
    let partial = parse_partial_with(text, file, overrides)?;
    if partial.problems.is_empty() {
        Ok(partial.loaded)
    } else {
        Err(InputError {
            diagnostics: partial.problems,
        })
    }
}

/// Parses a scenario as far as it converts, for reporting every problem at once
/// ([`crate::validate::check`]). Fails only when the YAML itself cannot be read into the
/// scenario's shape (syntax, unknown key, missing key); conversion problems are collected.
pub fn parse_scenario_partial(text: &str, file: &str) -> Result<PartialScenario, InputError> {
    parse_partial_with(text, file, &BTreeMap::new())
}

fn parse_partial_with(
    text: &str,
    file: &str,
    overrides: &BTreeMap<String, Decimal>,
) -> Result<PartialScenario, InputError> {
    let raw: RawScenario = serde_saphyr::from_str(text).map_err(|e| yaml_error(&e, file))?;
    let mut c = Conv {
        map: SourceMap::empty(file),
        diags: Vec::new(),
        overrides: overrides.clone(),
        fields: BTreeMap::new(),
        ranges: Vec::new(),
        kept: BTreeMap::new(),
    };

    c.map.record("version", &raw.version.referenced);
    if raw.version.value.0.trim() != "1" {
        c.err(
            "version",
            &raw.version.referenced,
            format!(
                "unsupported scenario version `{}`; this ewsim reads version 1",
                raw.version.value.0
            ),
        );
    }
    c.map.record("region", &raw.region.referenced);

    let mut billing = Billing::default();
    if let Some(b) = &raw.billing {
        c.map.record("billing", &b.referenced);
        let b = &b.value;
        if let Some(h) = &b.hours_per_month
            && let Some(v) = c.quantity("billing.hours_per_month", h, Quantity::Number)
        {
            if v.is_zero() || v > Decimal::from(744) {
                c.err(
                    "billing.hours_per_month",
                    &h.referenced,
                    "hours per month must be above 0 and at most 744 (31 days)",
                );
            }
            billing.hours_per_month = v;
        }
        if let Some(v) = &b.inter_az
            && let Some(x) = c.choice(
                "billing.inter_az",
                v,
                &[
                    ("both-sides", InterAzBilling::BothSides),
                    ("one-side", InterAzBilling::OneSide),
                ],
            )
        {
            billing.inter_az = x;
        }
        if let Some(v) = &b.capacity_units
            && let Some(x) = c.choice(
                "billing.capacity_units",
                v,
                &[
                    ("hourly-max", CapacityUnitRule::HourlyMax),
                    ("bytes-only", CapacityUnitRule::BytesOnly),
                ],
            )
        {
            billing.capacity_units = x;
        }
        if let Some(v) = &b.gigabyte
            && let Some(x) = c.choice(
                "billing.gigabyte",
                v,
                &[
                    ("binary", GigabyteUnit::Binary),
                    ("decimal", GigabyteUnit::Decimal),
                ],
            )
        {
            billing.gigabyte = x;
        }
    }

    let mut prices = BTreeMap::new();
    for (k, v) in &raw.prices {
        let path = format!("prices.{k}");
        if PriceKey::parse(k).is_none() {
            let keys: Vec<&str> = PriceKey::ALL.iter().map(|k| k.as_str()).collect();
            c.err(
                &path,
                &v.referenced,
                format!("unknown price key `{k}`; known keys: {}", keys.join(", ")),
            );
            continue;
        }
        if let Some(d) = c.quantity(&path, v, Quantity::Number) {
            prices.insert(k.clone(), d);
        }
    }
    // A price the file does not set may still be swept or drawn.
    for (path, v) in overrides {
        if let Some(k) = path.strip_prefix("prices.")
            && PriceKey::parse(k).is_some()
            && !prices.contains_key(k)
        {
            let v = Quantity::Number.conform(*v);
            prices.insert(k.to_string(), v);
            c.fields.insert(
                path.clone(),
                NumericField {
                    kind: Quantity::Number,
                    value: v,
                },
            );
        }
    }

    let clusters = convert_clusters(&mut c, &raw);

    let vpc_connectivity = match &raw.vpc_connectivity {
        Some(v) => c
            .choice(
                "vpc_connectivity",
                v,
                &[
                    ("peering", VpcConnectivity::Peering),
                    ("transit-gateway", VpcConnectivity::TransitGateway),
                ],
            )
            .unwrap_or(VpcConnectivity::Peering),
        None => VpcConnectivity::Peering,
    };

    c.map.record("services", &raw.services.referenced);
    let default_cluster = clusters
        .first()
        .map(|cl| cl.name.clone())
        .unwrap_or_default();
    let mut services = Vec::new();
    for (i, s) in raw.services.value.iter().enumerate() {
        let p = format!("services[{i}]");
        c.map.record(&p, &s.referenced);
        let s = &s.value;
        c.map.record(&format!("{p}.name"), &s.name.referenced);
        let cluster = match &s.cluster {
            Some(cl) => {
                c.map.record(&format!("{p}.cluster"), &cl.referenced);
                cl.value.clone()
            }
            None => default_cluster.clone(),
        };
        let rp = format!("{p}.replicas");
        c.map.record(&rp, &s.replicas.referenced);
        let replicas = match &s.replicas.value {
            RawReplicas::Total(t) => {
                let sp = Spanned::new(t.clone(), s.replicas.referenced, s.replicas.defined);
                c.count(&rp, &sp).map(Replicas::Spread)
            }
            RawReplicas::PerZone(z) => {
                let mut out = Vec::new();
                for (zone, n) in z {
                    let sp = Spanned::new(n.clone(), s.replicas.referenced, s.replicas.defined);
                    if let Some(n) = c.count(&format!("{rp}.{zone}"), &sp) {
                        out.push((zone.clone(), n));
                    }
                }
                Some(Replicas::PerZone(out))
            }
        };
        if let Some(replicas) = replicas {
            c.keep("services", i);
            if let Some(v) = &s.colocate_with {
                c.map.record(&format!("{p}.colocate_with"), &v.referenced);
            }
            services.push(Service {
                name: s.name.value.clone(),
                cluster,
                replicas,
                colocate_with: s.colocate_with.as_ref().map(|v| v.value.clone()),
            });
        }
    }

    c.map.record("traffic", &raw.traffic.referenced);
    let mut traffic = Vec::new();
    for (i, e) in raw.traffic.value.iter().enumerate() {
        if let Some(edge) = convert_edge(&mut c, &format!("traffic[{i}]"), e) {
            c.keep("traffic", i);
            traffic.push(edge);
        }
    }

    c.map.record("options", &raw.options.referenced);
    let mut options = Vec::new();
    for (i, o) in raw.options.value.iter().enumerate() {
        if let Some(opt) = convert_option(&mut c, &format!("options[{i}]"), o) {
            c.keep("options", i);
            options.push(opt);
        }
    }

    let states = convert_states(&mut c, &raw);
    let latency = convert_latency(&mut c, &raw);
    let call_graph = convert_call_graph(&mut c, &raw);
    let mut scenario = Scenario {
        name: raw.name.clone().unwrap_or_else(|| file.to_string()),
        description: raw.description.clone(),
        region: raw.region.value.clone(),
        billing,
        prices,
        clusters,
        vpc_connectivity,
        services,
        traffic,
        options,
        states,
        latency,
        call_graph,
    };
    for path in overrides.keys() {
        if !c.fields.contains_key(path) {
            c.diags.push(Diagnostic::at(
                path.as_str(),
                format!("`{path}` names no numeric value of this scenario"),
            ));
        }
    }
    let stand_ins = stand_in_failed_entries(&raw, &mut scenario, &c.kept);
    let problems = c.map.resolve(c.diags);
    Ok(PartialScenario {
        loaded: LoadedScenario {
            scenario,
            source_map: c.map,
            numeric: c.fields,
            uncertain: c.ranges,
            text: text.to_string(),
        },
        problems,
        stand_ins,
    })
}

/// A scenario converted as far as possible, with every conversion problem (see
/// [`parse_scenario_partial`]). Only for reporting problems: never evaluate it.
#[derive(Debug, Clone)]
pub struct PartialScenario {
    /// The scenario. List entries that failed to convert are stand-ins at their own index that
    /// keep the names written in the file (so references to them still resolve); their other
    /// values are placeholders.
    pub loaded: LoadedScenario,
    /// Conversion problems, in file order (empty when the scenario converted completely).
    pub problems: Vec<Diagnostic>,
    /// Paths of the stand-in entries (`traffic[2]`, `clusters[0].zones[1]`).
    pub stand_ins: Vec<String>,
}

impl Conv {
    /// Records that entry `i` of the list at `list` converted.
    fn keep(&mut self, list: &str, i: usize) {
        self.kept.entry(list.to_string()).or_default().push(i);
    }
}

/// Puts a stand-in at the index of every list entry that failed to convert, so model indices
/// equal file indices and names stay declared; returns the stand-ins' paths.
fn stand_in_failed_entries(
    raw: &RawScenario,
    s: &mut Scenario,
    kept: &BTreeMap<String, Vec<usize>>,
) -> Vec<String> {
    fn fill<R, T>(
        list: &str,
        raw: &[Spanned<R>],
        model: &mut Vec<T>,
        kept: &BTreeMap<String, Vec<usize>>,
        out: &mut Vec<String>,
        stand_in: impl Fn(&R) -> T,
    ) {
        let ok = kept.get(list).map(Vec::as_slice).unwrap_or(&[]);
        for (i, r) in raw.iter().enumerate() {
            if !ok.contains(&i) && i <= model.len() {
                model.insert(i, stand_in(&r.value));
                out.push(format!("{list}[{i}]"));
            }
        }
    }
    let mut out = Vec::new();
    let zone = |z: &RawZone| Zone {
        name: z.name.value.clone(),
        nodes: NodeGroup {
            count: 1,
            instance_type: z
                .nodes
                .as_ref()
                .map(|n| n.value.instance_type.value.clone())
                .unwrap_or_default(),
            allocatable_cpu: None,
            attributes: NodeAttributes::default(),
        },
    };
    match (&raw.zones, &raw.clusters, s.clusters.first_mut()) {
        (Some(z), None, Some(cl)) => fill("zones", &z.value, &mut cl.zones, kept, &mut out, zone),
        (None, Some(list), _) => {
            for (k, (r, cl)) in list.value.iter().zip(s.clusters.iter_mut()).enumerate() {
                let path = format!("clusters[{k}].zones");
                fill(
                    &path,
                    &r.value.zones.value,
                    &mut cl.zones,
                    kept,
                    &mut out,
                    zone,
                );
            }
        }
        _ => {}
    }
    let default_cluster = s
        .clusters
        .first()
        .map(|c| c.name.clone())
        .unwrap_or_default();
    fill(
        "services",
        &raw.services.value,
        &mut s.services,
        kept,
        &mut out,
        |r| Service {
            name: r.name.value.clone(),
            cluster: r
                .cluster
                .as_ref()
                .map(|c| c.value.clone())
                .unwrap_or_else(|| default_cluster.clone()),
            replicas: Replicas::Spread(0),
            colocate_with: r.colocate_with.as_ref().map(|v| v.value.clone()),
        },
    );
    fill(
        "traffic",
        &raw.traffic.value,
        &mut s.traffic,
        kept,
        &mut out,
        |r| TrafficEdge {
            from: r.from.value.clone(),
            to: r.to.value.clone(),
            volume: TrafficVolume::Rate {
                rps: Decimal::ZERO,
                request_bytes: Decimal::ZERO,
                response_bytes: Decimal::ZERO,
            },
            connections: None,
            protocol: Protocol::Tcp,
        },
    );
    fill(
        "options",
        &raw.options.value,
        &mut s.options,
        kept,
        &mut out,
        |r| OptionSpec {
            name: r.name.value.clone(),
            description: None,
            kind: OptionKind::ClusterIp,
            assume_cross_az_share: None,
            traffic_distribution: None,
        },
    );
    if let Some(states) = &raw.states {
        fill(
            "states",
            &states.value,
            &mut s.states,
            kept,
            &mut out,
            |r| ReplicaState {
                name: r.name.value.clone(),
                time: StateTime::Share(Decimal::ZERO),
                replicas: Vec::new(),
            },
        );
    }
    out
}

/// The keys of every raw scenario type, probed from serde's derive, for the schema drift test.
#[cfg(test)]
pub(crate) fn raw_scenario_fields() -> Vec<(&'static str, &'static [&'static str])> {
    use crate::schema::probe::struct_fields as f;
    vec![
        ("RawScenario", f::<RawScenario>()),
        ("RawCallGraph", f::<RawCallGraph>()),
        ("RawEntryPoint", f::<RawEntryPoint>()),
        ("RawServiceCalls", f::<RawServiceCalls>()),
        ("RawCall", f::<RawCall>()),
        ("RawLatency", f::<RawLatency>()),
        ("RawServerTime", f::<RawServerTime>()),
        ("RawState", f::<RawState>()),
        ("RawBilling", f::<RawBilling>()),
        ("RawCluster", f::<RawCluster>()),
        ("RawZone", f::<RawZone>()),
        ("RawNodes", f::<RawNodes>()),
        ("RawService", f::<RawService>()),
        ("RawEdge", f::<RawEdge>()),
        ("RawConnections", f::<RawConnections>()),
        ("RawOverhead", f::<RawOverhead>()),
        ("RawOption", f::<RawOption>()),
        ("HopOverride", f::<crate::latency::HopOverride>()),
    ]
}

fn convert_clusters(c: &mut Conv, raw: &RawScenario) -> Vec<Cluster> {
    let mut clusters = Vec::new();
    match (&raw.zones, &raw.clusters) {
        (Some(z), None) => {
            c.map.record("zones", &z.referenced);
            let zones = convert_zones(c, "zones", &z.value);
            clusters.push(Cluster {
                name: "default".into(),
                vpc: "default".into(),
                zones,
            });
        }
        (None, Some(cl)) => {
            c.map.record("clusters", &cl.referenced);
            for (i, k) in cl.value.iter().enumerate() {
                let p = format!("clusters[{i}]");
                c.map.record(&p, &k.referenced);
                c.map.record(&format!("{p}.name"), &k.value.name.referenced);
                let zones = convert_zones(c, &format!("{p}.zones"), &k.value.zones.value);
                let name = k.value.name.value.clone();
                let vpc = k.value.vpc.clone().unwrap_or_else(|| name.clone());
                clusters.push(Cluster { name, vpc, zones });
            }
        }
        (Some(z), Some(_)) => c.err(
            "zones",
            &z.referenced,
            "give either `zones:` (one cluster) or `clusters:`, not both",
        ),
        (None, None) => c.diags.push(
            Diagnostic::at("", "the scenario has no `zones:` (or `clusters:`)")
                .with_hint("add `zones:` with at least one zone and its nodes"),
        ),
    }
    clusters
}

fn convert_zones(c: &mut Conv, path: &str, raw: &[Spanned<RawZone>]) -> Vec<Zone> {
    let mut zones = Vec::new();
    for (i, z) in raw.iter().enumerate() {
        let p = format!("{path}[{i}]");
        c.map.record(&p, &z.referenced);
        c.map.record(&format!("{p}.name"), &z.value.name.referenced);
        let Some(n) = &z.value.nodes else {
            c.err(
                &p,
                &z.referenced,
                format!("zone `{}` has no nodes", z.value.name.value),
            );
            continue;
        };
        let np = format!("{p}.nodes");
        c.map.record(&np, &n.referenced);
        let Some(count) = c.count(&format!("{np}.count"), &n.value.count) else {
            continue;
        };
        if count == 0 {
            c.err(
                &format!("{np}.count"),
                &n.value.count.referenced,
                format!("zone `{}` has no nodes (count 0)", z.value.name.value),
            );
            continue;
        }
        c.map
            .record(&format!("{np}.type"), &n.value.instance_type.referenced);
        let cpu = n
            .value
            .cpu
            .as_ref()
            .and_then(|v| c.quantity(&format!("{np}.cpu"), v, Quantity::Cpu));
        let attributes = node_attributes(c, &np, &n.value);
        c.keep(path, i);
        zones.push(Zone {
            name: z.value.name.value.clone(),
            nodes: NodeGroup {
                count,
                instance_type: n.value.instance_type.value.clone(),
                allocatable_cpu: cpu,
                attributes,
            },
        });
    }
    zones
}

/// Top-level `states:` (replica overrides for parts of the month).
fn convert_states(c: &mut Conv, raw: &RawScenario) -> Vec<ReplicaState> {
    let Some(list) = &raw.states else {
        return Vec::new();
    };
    c.map.record("states", &list.referenced);
    let mut out = Vec::new();
    for (i, st) in list.value.iter().enumerate() {
        let p = format!("states[{i}]");
        c.map.record(&p, &st.referenced);
        c.map
            .record(&format!("{p}.name"), &st.value.name.referenced);
        let time = match (&st.value.hours_per_day, &st.value.share) {
            (Some(h), None) => c
                .quantity(&format!("{p}.hours_per_day"), h, Quantity::Number)
                .map(StateTime::HoursPerDay),
            (None, Some(v)) => c
                .quantity(&format!("{p}.share"), v, Quantity::Share)
                .map(StateTime::Share),
            _ => {
                c.err(
                    &p,
                    &st.referenced,
                    format!(
                        "state `{}` needs exactly one of `hours_per_day` and `share`",
                        st.value.name.value
                    ),
                );
                None
            }
        };
        let mut replicas = Vec::new();
        for (svc, r) in &st.value.replicas {
            let rp = format!("{p}.replicas.{svc}");
            c.map.record(&rp, &r.referenced);
            let conv = match &r.value {
                RawReplicas::Total(t) => {
                    let sp = Spanned::new(t.clone(), r.referenced, r.defined);
                    c.count(&rp, &sp).map(Replicas::Spread)
                }
                RawReplicas::PerZone(z) => {
                    let mut per = Vec::new();
                    for (zone, n) in z {
                        let sp = Spanned::new(n.clone(), r.referenced, r.defined);
                        if let Some(n) = c.count(&format!("{rp}.{zone}"), &sp) {
                            per.push((zone.clone(), n));
                        }
                    }
                    Some(Replicas::PerZone(per))
                }
            };
            if let Some(conv) = conv {
                replicas.push((svc.clone(), conv));
            }
        }
        if let Some(time) = time {
            c.keep("states", i);
            out.push(ReplicaState {
                name: st.value.name.value.clone(),
                time,
                replicas,
            });
        }
    }
    out
}

/// The optional node attribute counts of a zone's `nodes:` (checked against `count` in
/// [`crate::validate`]).
fn node_attributes(c: &mut Conv, np: &str, n: &RawNodes) -> NodeAttributes {
    let mut get = |key: &str, v: &Option<Spanned<Text>>| {
        v.as_ref()
            .and_then(|v| c.count(&format!("{np}.{key}"), v))
            .unwrap_or(0)
    };
    NodeAttributes {
        not_ready: get("not_ready", &n.not_ready),
        control_plane: get("control_plane", &n.control_plane),
        unlabeled: get("unlabeled", &n.unlabeled),
    }
}

fn convert_edge(c: &mut Conv, p: &str, e: &Spanned<RawEdge>) -> Option<TrafficEdge> {
    c.map.record(p, &e.referenced);
    let e = &e.value;
    c.map.record(&format!("{p}.from"), &e.from.referenced);
    c.map.record(&format!("{p}.to"), &e.to.referenced);
    let volume = match (&e.volume, &e.rps) {
        (Some(v), None) => {
            if let Some(x) = e.request_size.as_ref().or(e.response_size.as_ref()) {
                c.err(&format!("{p}.request_size"), &x.referenced, "request_size/response_size go with `rps`; with `volume` give `bytes_per_request`");
            }
            let gb = c.quantity(&format!("{p}.volume"), v, Quantity::Volume)?;
            let bpr = match &e.bytes_per_request {
                Some(b) => {
                    Some(c.quantity(&format!("{p}.bytes_per_request"), b, Quantity::Bytes)?)
                }
                None => None,
            };
            if bpr.is_some_and(|b| b.is_zero()) {
                c.err(
                    &format!("{p}.bytes_per_request"),
                    &e.bytes_per_request.as_ref()?.referenced,
                    "bytes_per_request must be positive",
                );
            }
            TrafficVolume::Monthly {
                gb,
                bytes_per_request: bpr,
            }
        }
        (None, Some(r)) => {
            let rps = c.quantity(&format!("{p}.rps"), r, Quantity::Number)?;
            let size = |c: &mut Conv, name: &str, v: &Option<Spanned<Text>>| match v {
                Some(v) => c.quantity(&format!("{p}.{name}"), v, Quantity::Bytes),
                None => {
                    c.err(
                        &format!("{p}.rps"),
                        &r.referenced,
                        format!("`rps` needs `{name}` too"),
                    );
                    None
                }
            };
            let request_bytes = size(c, "request_size", &e.request_size)?;
            let response_bytes = size(c, "response_size", &e.response_size)?;
            TrafficVolume::Rate {
                rps,
                request_bytes,
                response_bytes,
            }
        }
        (Some(v), Some(_)) => {
            c.err(
                &format!("{p}.volume"),
                &v.referenced,
                "give either `volume` or `rps` (with sizes), not both",
            );
            return None;
        }
        (None, None) => {
            c.diags.push(
                Diagnostic::at(p, "traffic edge has neither `volume` nor `rps`").with_hint(
                    "add `volume: 10 TB` or `rps: 100` with `request_size` and `response_size`",
                ),
            );
            return None;
        }
    };
    let connections = match &e.connections {
        Some(k) => {
            let cp = format!("{p}.connections");
            c.map.record(&cp, &k.referenced);
            let new_per_second = c.quantity(
                &format!("{cp}.new_per_second"),
                &k.value.new_per_second,
                Quantity::Number,
            )?;
            let lifetime_seconds = c.quantity(
                &format!("{cp}.lifetime"),
                &k.value.lifetime,
                Quantity::Seconds,
            )?;
            Some(Connections {
                new_per_second,
                lifetime_seconds,
            })
        }
        None => None,
    };
    let protocol = match &e.protocol {
        Some(v) => c.choice(
            &format!("{p}.protocol"),
            v,
            &[
                ("tcp", Protocol::Tcp),
                ("udp", Protocol::Udp),
                ("tls", Protocol::Tls),
            ],
        )?,
        None => Protocol::Tcp,
    };
    Some(TrafficEdge {
        from: e.from.value.clone(),
        to: e.to.value.clone(),
        volume,
        connections,
        protocol,
    })
}

/// Settings and the option kinds they apply to, for "does not apply" errors.
pub(crate) const SETTINGS: &[(&str, &[&str])] = &[
    ("count", &["internal-alb", "internal-nlb", "route53-nlb"]),
    (
        "target_type",
        &["internal-alb", "internal-nlb", "route53-nlb"],
    ),
    (
        "cross_zone",
        &["internal-alb", "internal-nlb", "route53-nlb"],
    ),
    (
        "external_traffic_policy",
        &["internal-alb", "internal-nlb", "route53-nlb"],
    ),
    (
        "client_leg_charged",
        &["internal-alb", "internal-nlb", "route53-nlb"],
    ),
    ("client_zone_affinity", &["internal-nlb", "route53-nlb"]),
    ("rules_per_request", &["internal-alb"]),
    ("mtls", &["internal-alb"]),
    ("services", &["lattice"]),
    ("locality_lb", &["istio-sidecar", "istio-ambient"]),
    ("outlier_detection", &["istio-sidecar", "istio-ambient"]),
    ("overhead", &["istio-sidecar", "istio-ambient"]),
    ("waypoint", &["istio-ambient"]),
    ("affinity", &["cilium-clustermesh"]),
    ("hosted_zones", &["route53-nlb"]),
    ("dns_queries_per_second", &["route53-nlb"]),
];

fn convert_option(c: &mut Conv, p: &str, o: &Spanned<RawOption>) -> Option<OptionSpec> {
    c.map.record(p, &o.referenced);
    let o = &o.value;
    c.map.record(&format!("{p}.name"), &o.name.referenced);
    let kind = o.kind.value.as_str();
    if !OptionKind::ALL.contains(&kind) {
        c.err(
            &format!("{p}.kind"),
            &o.kind.referenced,
            format!(
                "unknown option kind `{kind}`; expected one of: {}",
                OptionKind::ALL.join(", ")
            ),
        );
        return None;
    }
    let present: [(&str, Option<serde_saphyr::Location>); 16] = [
        ("count", o.count.as_ref().map(|v| v.referenced)),
        ("target_type", o.target_type.as_ref().map(|v| v.referenced)),
        ("cross_zone", o.cross_zone.as_ref().map(|v| v.referenced)),
        (
            "external_traffic_policy",
            o.external_traffic_policy.as_ref().map(|v| v.referenced),
        ),
        (
            "client_leg_charged",
            o.client_leg_charged.as_ref().map(|v| v.referenced),
        ),
        (
            "client_zone_affinity",
            o.client_zone_affinity.as_ref().map(|v| v.referenced),
        ),
        (
            "rules_per_request",
            o.rules_per_request.as_ref().map(|v| v.referenced),
        ),
        ("mtls", o.mtls.as_ref().map(|v| v.referenced)),
        ("services", o.services.as_ref().map(|v| v.referenced)),
        ("locality_lb", o.locality_lb.as_ref().map(|v| v.referenced)),
        (
            "outlier_detection",
            o.outlier_detection.as_ref().map(|v| v.referenced),
        ),
        ("overhead", o.overhead.as_ref().map(|v| v.referenced)),
        ("waypoint", o.waypoint.as_ref().map(|v| v.referenced)),
        ("affinity", o.affinity.as_ref().map(|v| v.referenced)),
        (
            "hosted_zones",
            o.hosted_zones.as_ref().map(|v| v.referenced),
        ),
        (
            "dns_queries_per_second",
            o.dns_queries_per_second.as_ref().map(|v| v.referenced),
        ),
    ];
    let mut ok = true;
    for (name, loc) in present {
        let Some(loc) = loc else { continue };
        let kinds = SETTINGS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, k)| *k)
            .unwrap_or(&[]);
        if !kinds.contains(&kind) {
            c.err(
                &format!("{p}.{name}"),
                &loc,
                format!(
                    "setting `{name}` does not apply to kind `{kind}` (it applies to: {})",
                    kinds.join(", ")
                ),
            );
            ok = false;
        }
    }
    let (traffic_distribution, td_ok) = option_traffic_distribution(c, p, kind, o);
    ok &= td_ok;
    let assume = match &o.assume_cross_az_share {
        Some(v) => Some(c.quantity(&format!("{p}.assume_cross_az_share"), v, Quantity::Share)?),
        None => None,
    };
    let is_nlb = kind != "internal-alb";
    let lb = |c: &mut Conv| -> Option<LoadBalancerSettings> {
        let count = match &o.count {
            Some(v) => c.count(&format!("{p}.count"), v)?,
            None => 1,
        };
        if count == 0 {
            c.err(
                &format!("{p}.count"),
                &o.count.as_ref()?.referenced,
                "load balancer count must be at least 1",
            );
        }
        let target_type = match &o.target_type {
            Some(v) => c.choice(
                &format!("{p}.target_type"),
                v,
                &[("ip", TargetType::Ip), ("instance", TargetType::Instance)],
            )?,
            None => TargetType::Ip,
        };
        let external_traffic_policy = match &o.external_traffic_policy {
            Some(v) => c.choice(
                &format!("{p}.external_traffic_policy"),
                v,
                &[
                    ("cluster", ExternalTrafficPolicy::Cluster),
                    ("local", ExternalTrafficPolicy::Local),
                ],
            )?,
            None => ExternalTrafficPolicy::Cluster,
        };
        Some(LoadBalancerSettings {
            count,
            target_type,
            // ALB: cross-zone always on at the LB level unless disabled per target group; NLB: off.
            cross_zone: c.flag(&format!("{p}.cross_zone"), &o.cross_zone, !is_nlb),
            external_traffic_policy,
            client_leg_charged: c.flag(
                &format!("{p}.client_leg_charged"),
                &o.client_leg_charged,
                true,
            ),
            client_zone_affinity: c.flag(
                &format!("{p}.client_zone_affinity"),
                &o.client_zone_affinity,
                false,
            ),
        })
    };
    let mesh = |c: &mut Conv| -> Option<MeshSettings> {
        let overhead = match &o.overhead {
            Some(v) => {
                let op = format!("{p}.overhead");
                c.map.record(&op, &v.referenced);
                Some(ProxyOverhead {
                    vcpu_per_1000_rps: c.quantity(
                        &format!("{op}.vcpu_per_1000_rps"),
                        &v.value.vcpu_per_1000_rps,
                        Quantity::Number,
                    )?,
                    memory_mb_per_1000_rps: c.quantity(
                        &format!("{op}.memory_mb_per_1000_rps"),
                        &v.value.memory_mb_per_1000_rps,
                        Quantity::Number,
                    )?,
                })
            }
            None => None,
        };
        Some(MeshSettings {
            locality_lb: c.flag(&format!("{p}.locality_lb"), &o.locality_lb, true),
            outlier_detection: c.flag(
                &format!("{p}.outlier_detection"),
                &o.outlier_detection,
                false,
            ),
            overhead,
        })
    };
    let kind = match kind {
        "clusterip" => OptionKind::ClusterIp,
        "headless" => OptionKind::Headless,
        "itp-local" => OptionKind::ItpLocal,
        "topology-aware" => OptionKind::TopologyAware,
        "prefer-close" => OptionKind::PreferClose,
        "internal-alb" => OptionKind::InternalAlb {
            lb: lb(c)?,
            rules_per_request: match &o.rules_per_request {
                Some(v) => c.count(&format!("{p}.rules_per_request"), v)?,
                None => 0,
            },
            mtls: c.flag(&format!("{p}.mtls"), &o.mtls, false),
        },
        "internal-nlb" => OptionKind::InternalNlb { lb: lb(c)? },
        "lattice" => OptionKind::Lattice {
            services: match &o.services {
                Some(v) => Some(c.count(&format!("{p}.services"), v)?),
                None => None,
            },
        },
        "istio-sidecar" => OptionKind::IstioSidecar { mesh: mesh(c)? },
        "istio-ambient" => OptionKind::IstioAmbient {
            mesh: mesh(c)?,
            waypoint: c.flag(&format!("{p}.waypoint"), &o.waypoint, false),
        },
        "cilium-clustermesh" => OptionKind::CiliumClusterMesh {
            affinity: match &o.affinity {
                Some(v) => c.choice(
                    &format!("{p}.affinity"),
                    v,
                    &[
                        ("none", MeshAffinity::None),
                        ("local", MeshAffinity::Local),
                        ("remote", MeshAffinity::Remote),
                    ],
                )?,
                None => MeshAffinity::None,
            },
        },
        _ => OptionKind::Route53Nlb {
            lb: lb(c)?,
            hosted_zones: match &o.hosted_zones {
                Some(v) => c.count(&format!("{p}.hosted_zones"), v)?,
                None => 1,
            },
            dns_queries_per_second: match &o.dns_queries_per_second {
                Some(v) => {
                    c.quantity(&format!("{p}.dns_queries_per_second"), v, Quantity::Number)?
                }
                None => Decimal::ZERO,
            },
        },
    };
    ok.then(|| OptionSpec {
        name: o.name.value.clone(),
        description: o.description.clone(),
        kind,
        assume_cross_az_share: assume,
        traffic_distribution,
    })
}

/// The option's `traffic_distribution:` (kinds `prefer-close`, default `PreferClose`, and
/// `topology-aware`, default none); an error on other kinds or for an unknown value.
fn option_traffic_distribution(
    c: &mut Conv,
    p: &str,
    kind: &str,
    o: &RawOption,
) -> (Option<crate::topology::TrafficDistribution>, bool) {
    use crate::topology::TrafficDistribution as Td;
    let path = format!("{p}.traffic_distribution");
    let Some(v) = &o.traffic_distribution else {
        return ((kind == "prefer-close").then_some(Td::PreferClose), true);
    };
    c.map.record(&path, &v.referenced);
    if kind != "prefer-close" && kind != "topology-aware" {
        c.err(
            &path,
            &v.referenced,
            format!(
                "setting `traffic_distribution` does not apply to kind `{kind}` (it applies to: prefer-close, topology-aware)"
            ),
        );
        return (None, false);
    }
    let parsed = c.choice(
        &path,
        v,
        &[
            ("PreferClose", Td::PreferClose),
            ("PreferSameZone", Td::PreferSameZone),
            ("PreferSameNode", Td::PreferSameNode),
        ],
    );
    (parsed, parsed.is_some())
}

// ---------------------------------------------------------------------------------------------
// Price tables

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    #[serde(rename = "ref")]
    reference: String,
    as_of: String,
    kind: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrice {
    value: Option<Text>,
    #[serde(default)]
    unit: Option<String>,
    source: String,
    as_of: String,
    #[serde(default)]
    confidence: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

/// A price in an override file: a bare number or a full entry.
enum RawPriceOverride {
    Bare(Text),
    Full(RawPrice),
}

impl<'de> Deserialize<'de> for RawPriceOverride {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawPriceOverride;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a price or {value, source, as_of, ...}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(RawPriceOverride::Bare(Text(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(RawPriceOverride::Bare(Text(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(RawPriceOverride::Bare(Text(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(RawPriceOverride::Bare(Text(v.to_string())))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, m: A) -> Result<Self::Value, A::Error> {
                RawPrice::deserialize(de::value::MapAccessDeserializer::new(m))
                    .map(RawPriceOverride::Full)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstance {
    value: Text,
    vcpu: Text,
    memory_gib: Text,
    source: String,
    as_of: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlbLcu {
    new_connections_per_s: Text,
    active_connections_per_min: Text,
    active_connections_per_min_mtls: Text,
    gb_per_hour: Text,
    rule_evaluations_per_s: Text,
    free_rules_per_request: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNlcu {
    new_connections_per_s: Text,
    active_connections_per_min: Text,
    gb_per_hour: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNlcuSet {
    tcp: RawNlcu,
    udp: RawNlcu,
    tls: RawNlcu,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCapacity {
    source: String,
    as_of: String,
    alb_lcu: RawAlbLcu,
    nlb_nlcu: RawNlcuSet,
    lattice_free_requests_per_hour_per_service: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPriceFile {
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    as_of: Option<String>,
    #[serde(default)]
    sources: BTreeMap<String, RawSource>,
    #[serde(default)]
    prices: BTreeMap<String, RawPriceOverride>,
    #[serde(default)]
    instances: BTreeMap<String, RawInstance>,
    #[serde(default)]
    capacity_units: Option<RawCapacity>,
}

fn num(file: &str, what: &str, t: &Text) -> Result<Decimal, InputError> {
    units::parse_number(&t.0)
        .map_err(|m| InputError::single(Diagnostic::at(what, m).with_location_file(file)))
}

impl Diagnostic {
    fn with_location_file(mut self, file: &str) -> Self {
        self.location = Some(Location {
            file: file.to_string(),
            line: 0,
            column: 0,
        });
        self
    }
}

fn convert_capacity(file: &str, c: &RawCapacity) -> Result<CapacityUnits, InputError> {
    let n = |what: &str, t: &Text| num(file, &format!("capacity_units.{what}"), t);
    let nlcu = |p: &str, r: &RawNlcu| -> Result<Nlcu, InputError> {
        Ok(Nlcu {
            new_connections_per_s: n(
                &format!("nlb_nlcu.{p}.new_connections_per_s"),
                &r.new_connections_per_s,
            )?,
            active_connections_per_min: n(
                &format!("nlb_nlcu.{p}.active_connections_per_min"),
                &r.active_connections_per_min,
            )?,
            gb_per_hour: n(&format!("nlb_nlcu.{p}.gb_per_hour"), &r.gb_per_hour)?,
        })
    };
    let a = &c.alb_lcu;
    Ok(CapacityUnits {
        source: c.source.clone(),
        as_of: c.as_of.clone(),
        alb_lcu: AlbLcu {
            new_connections_per_s: n("alb_lcu.new_connections_per_s", &a.new_connections_per_s)?,
            active_connections_per_min: n(
                "alb_lcu.active_connections_per_min",
                &a.active_connections_per_min,
            )?,
            active_connections_per_min_mtls: n(
                "alb_lcu.active_connections_per_min_mtls",
                &a.active_connections_per_min_mtls,
            )?,
            gb_per_hour: n("alb_lcu.gb_per_hour", &a.gb_per_hour)?,
            rule_evaluations_per_s: n("alb_lcu.rule_evaluations_per_s", &a.rule_evaluations_per_s)?,
            free_rules_per_request: n("alb_lcu.free_rules_per_request", &a.free_rules_per_request)?,
        },
        nlb_tcp: nlcu("tcp", &c.nlb_nlcu.tcp)?,
        nlb_udp: nlcu("udp", &c.nlb_nlcu.udp)?,
        nlb_tls: nlcu("tls", &c.nlb_nlcu.tls)?,
        lattice_free_requests_per_hour: n(
            "lattice_free_requests_per_hour_per_service",
            &c.lattice_free_requests_per_hour_per_service,
        )?,
    })
}

/// Parses a price override file (`--pricing FILE`): any subset of a table's sections.
pub fn parse_price_overrides(text: &str, file: &str) -> Result<PriceOverrides, InputError> {
    let raw: RawPriceFile = serde_saphyr::from_str(text).map_err(|e| yaml_error(&e, file))?;
    let mut out = PriceOverrides {
        origin: file.to_string(),
        region: raw.region.clone(),
        ..Default::default()
    };
    for (k, s) in raw.sources {
        out.sources.insert(
            k,
            Source {
                reference: s.reference,
                as_of: s.as_of,
                kind: s.kind,
            },
        );
    }
    for (k, p) in raw.prices {
        if PriceKey::parse(&k).is_none() {
            let keys: Vec<&str> = PriceKey::ALL.iter().map(|k| k.as_str()).collect();
            return Err(InputError::single(
                Diagnostic::at(format!("prices.{k}"), format!("unknown price key `{k}`"))
                    .with_hint(format!("known keys: {}", keys.join(", ")))
                    .with_location_file(file),
            ));
        }
        let price = match p {
            RawPriceOverride::Bare(t) => Price {
                value: Some(num(file, &format!("prices.{k}"), &t)?),
                unit: String::new(),
                source: file.to_string(),
                as_of: raw.as_of.clone().unwrap_or_else(|| "n.d.".into()),
                confidence: None,
                note: Some("from a pricing override file".into()),
            },
            RawPriceOverride::Full(r) => Price {
                value: match &r.value {
                    Some(t) => Some(num(file, &format!("prices.{k}.value"), t)?),
                    None => None,
                },
                unit: r.unit.unwrap_or_default(),
                source: r.source,
                as_of: r.as_of,
                confidence: r.confidence,
                note: r.note,
            },
        };
        out.prices.insert(k, price);
    }
    for (k, i) in raw.instances {
        out.instances.insert(
            k.clone(),
            Instance {
                hourly: num(file, &format!("instances.{k}.value"), &i.value)?,
                vcpu: num(file, &format!("instances.{k}.vcpu"), &i.vcpu)?,
                memory_gib: num(file, &format!("instances.{k}.memory_gib"), &i.memory_gib)?,
                source: i.source,
                as_of: i.as_of,
            },
        );
    }
    if let Some(c) = &raw.capacity_units {
        out.capacity = Some(convert_capacity(file, c)?);
    }
    let _ = (raw.provider, raw.currency);
    Ok(out)
}

/// Parses a complete price table (built-in or `--pricing FILE` with every section).
pub fn parse_price_table(text: &str, file: &str) -> Result<PriceTable, InputError> {
    let raw: RawPriceFile = serde_saphyr::from_str(text).map_err(|e| yaml_error(&e, file))?;
    let missing = |what: &str| {
        InputError::single(
            Diagnostic::at(what, format!("a full price table needs `{what}`"))
                .with_location_file(file),
        )
    };
    let capacity = convert_capacity(
        file,
        raw.capacity_units
            .as_ref()
            .ok_or_else(|| missing("capacity_units"))?,
    )?;
    let region = raw.region.clone().ok_or_else(|| missing("region"))?;
    let provider = raw.provider.clone().unwrap_or_else(|| "aws".into());
    let currency = raw.currency.clone().unwrap_or_else(|| "USD".into());
    let as_of = raw.as_of.clone().ok_or_else(|| missing("as_of"))?;
    let o = parse_price_overrides(text, file)?;
    let table = PriceTable {
        provider,
        region,
        currency,
        as_of,
        origin: file.to_string(),
        sources: o.sources,
        prices: o.prices,
        instances: o.instances,
        capacity,
    };
    for key in PriceKey::ALL {
        if table.entry(key).is_none() {
            return Err(missing(&format!("prices.{}", key.as_str())));
        }
    }
    Ok(table)
}

/// Mesh proxy overhead defaults: (sidecar, ztunnel, waypoint).
pub(crate) fn parse_mesh_overheads(
    text: &str,
    file: &str,
) -> Result<[ProxyOverhead; 3], InputError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawDefault {
        vcpu_per_1000_rps: Text,
        memory_mb_per_1000_rps: Text,
        #[allow(dead_code)]
        source: String,
        #[allow(dead_code)]
        as_of: String,
        #[allow(dead_code)]
        confidence: String,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawMesh {
        sidecar: RawDefault,
        ztunnel: RawDefault,
        waypoint: RawDefault,
    }
    let raw: RawMesh = serde_saphyr::from_str(text).map_err(|e| yaml_error(&e, file))?;
    let conv = |name: &str, r: &RawDefault| -> Result<ProxyOverhead, InputError> {
        Ok(ProxyOverhead {
            vcpu_per_1000_rps: num(
                file,
                &format!("{name}.vcpu_per_1000_rps"),
                &r.vcpu_per_1000_rps,
            )?,
            memory_mb_per_1000_rps: num(
                file,
                &format!("{name}.memory_mb_per_1000_rps"),
                &r.memory_mb_per_1000_rps,
            )?,
        })
    };
    Ok([
        conv("sidecar", &raw.sidecar)?,
        conv("ztunnel", &raw.ztunnel)?,
        conv("waypoint", &raw.waypoint)?,
    ])
}

/// Reads and parses a scenario file.
pub fn load_scenario_file(path: &std::path::Path) -> Result<LoadedScenario, LoadError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| LoadError::Io(format!("cannot read {file}: {e}")))?;
    parse_scenario(&text, &file).map_err(LoadError::Input)
}

/// Reads and parses a pricing file: a full table when it has every section, else overrides.
pub fn load_price_file(path: &std::path::Path) -> Result<PriceOverrides, LoadError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| LoadError::Io(format!("cannot read {file}: {e}")))?;
    parse_price_overrides(&text, &file).map_err(LoadError::Input)
}

/// The price table for a scenario's region, chosen as `ewsim run` does: the built-in table with a
/// `pricing` file's overrides merged, or, for a region without a built-in table, the full table
/// in `pricing`. A table for another region is an input error at `region`.
pub fn load_price_table(
    region: &str,
    pricing: Option<&std::path::Path>,
) -> Result<PriceTable, LoadError> {
    let other_region = |file: &std::path::Path, r: &str| {
        LoadError::Input(InputError::single(Diagnostic::at(
            "region",
            format!(
                "{} is for region {r}, the scenario is in {region}",
                file.display()
            ),
        )))
    };
    match (PriceTable::builtin(region), pricing) {
        (Ok(t), None) => Ok(t),
        (Ok(mut t), Some(p)) => {
            let o = load_price_file(p)?;
            if let Some(r) = o.region.as_deref().filter(|r| *r != region) {
                return Err(other_region(p, r));
            }
            t.merge(o);
            Ok(t)
        }
        (Err(e), None) => Err(LoadError::Input(e)),
        (Err(mut e), Some(p)) => {
            let file = p.display().to_string();
            let text = std::fs::read_to_string(p)
                .map_err(|err| LoadError::Io(format!("cannot read {file}: {err}")))?;
            match parse_price_table(&text, &file) {
                Ok(t) if t.region != region => Err(other_region(p, &t.region)),
                Ok(t) => Ok(t),
                // Say both what is missing and what is wrong with the file.
                Err(f) => {
                    e.diagnostics.extend(f.diagnostics);
                    Err(LoadError::Input(e))
                }
            }
        }
    }
}

/// Why a file could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read (missing, permissions): a runtime failure.
    Io(String),
    /// The file was read but its content is invalid.
    Input(InputError),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io(m) => write!(f, "error: {m}"),
            LoadError::Input(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for LoadError {}

/// The `call_graph:` block; names are checked by validation.
fn convert_call_graph(c: &mut Conv, raw: &RawScenario) -> Option<CallGraph> {
    let g = raw.call_graph.as_ref()?;
    c.map.record("call_graph", &g.referenced);
    let stages = |c: &mut Conv, path: &str, raw: &[Vec<Spanned<RawCall>>]| -> Vec<Vec<Call>> {
        raw.iter()
            .enumerate()
            .map(|(si, stage)| {
                stage
                    .iter()
                    .enumerate()
                    .map(|(ci, call)| {
                        let p = format!("{path}.stages[{si}][{ci}]");
                        c.map.record(&p, &call.referenced);
                        let count = match &call.value.calls {
                            Some(n) => c.count(&format!("{p}.calls"), n).unwrap_or(1),
                            None => 1,
                        };
                        Call {
                            to: call.value.to.clone(),
                            count,
                        }
                    })
                    .collect()
            })
            .collect()
    };
    let mut out = CallGraph::default();
    for (i, e) in g.value.entry_points.iter().enumerate() {
        let p = format!("call_graph.entry_points[{i}]");
        c.map.record(&p, &e.referenced);
        let st = stages(c, &p, &e.value.stages);
        out.entry_points.push(EntryPoint {
            name: e.value.name.clone(),
            service: e.value.service.clone(),
            stages: st,
        });
    }
    for (i, sv) in g.value.services.iter().enumerate() {
        let p = format!("call_graph.services[{i}]");
        c.map.record(&p, &sv.referenced);
        let st = stages(c, &p, &sv.value.stages);
        out.services.push(ServiceCalls {
            service: sv.value.service.clone(),
            stages: st,
        });
    }
    Some(out)
}

/// The `latency:` block: simulation size, seed and the modelling assumptions of the request path.
fn convert_latency(c: &mut Conv, raw: &RawScenario) -> LatencySettings {
    let mut out = LatencySettings::default();
    let Some(l) = &raw.latency else { return out };
    c.map.record("latency", &l.referenced);
    let l = &l.value;
    let whole = |c: &mut Conv, name: &str, v: &Option<Spanned<Text>>| -> Option<u64> {
        let v = v.as_ref()?;
        let d = c.quantity(&format!("latency.{name}"), v, Quantity::Number)?;
        if d.fract().is_zero() {
            d.to_string().parse::<u64>().ok()
        } else {
            c.err(
                &format!("latency.{name}"),
                &v.referenced,
                format!("`{}` is not a whole number", v.value.0),
            );
            None
        }
    };
    if let Some(n) = whole(c, "samples", &l.samples) {
        if let (0, Some(v)) = (n, &l.samples) {
            c.err("latency.samples", &v.referenced, "samples must be positive");
        }
        out.samples = n;
    }
    if let Some(n) = whole(c, "seed", &l.seed) {
        out.seed = n;
    }
    if let Some(n) = whole(c, "services_in_cluster", &l.services_in_cluster) {
        out.services_in_cluster = u32::try_from(n).unwrap_or(u32::MAX);
    }
    let share = |c: &mut Conv, name: &str, v: &Option<Spanned<Text>>| -> Option<f64> {
        let v = v.as_ref()?;
        c.quantity(&format!("latency.{name}"), v, Quantity::Share)
            .and_then(|d| d.to_string().parse::<f64>().ok())
    };
    if let Some(x) = share(c, "dns_cache_hit_ratio", &l.dns_cache_hit_ratio) {
        out.dns_cache_hit_ratio = x;
    }
    if let Some(x) = share(c, "dns_lookups_per_request", &l.dns_lookups_per_request) {
        out.dns_lookups_per_request = x;
    }
    if let Some(v) = &l.requests_per_connection
        && let Some(d) = c.quantity("latency.requests_per_connection", v, Quantity::Number)
    {
        if d < Decimal::ONE {
            c.err(
                "latency.requests_per_connection",
                &v.referenced,
                "requests per connection must be at least 1",
            );
        }
        out.requests_per_connection = d.to_string().parse::<f64>().unwrap_or(1.0);
    }
    if let Some(h) = &l.hops {
        c.map.record("latency.hops", &h.referenced);
        let checked =
            crate::latency::Catalogue::eks_defaults().and_then(|cat| cat.with_overrides(&h.value));
        match checked {
            Ok(_) => out.hop_overrides = h.value.clone(),
            Err(e) => c.err(
                "latency.hops",
                &h.referenced,
                format!("invalid hop override: {e}"),
            ),
        }
    }
    if let Some(t) = &l.server_time {
        let us = |c: &mut Conv, name: &str, v: &Spanned<Text>| {
            c.quantity(&format!("latency.server_time.{name}"), v, Quantity::Seconds)
                .and_then(|sec| {
                    (sec * Decimal::from(1_000_000))
                        .to_string()
                        .parse::<f64>()
                        .ok()
                })
        };
        if let (Some(p50), Some(p99)) = (us(c, "p50", &t.value.p50), us(c, "p99", &t.value.p99)) {
            if p50 <= 0.0 || p99 <= p50 {
                c.err(
                    "latency.server_time",
                    &t.referenced,
                    "server_time needs 0 < p50 < p99",
                );
            } else {
                out.server = Some(crate::latency::DistSpec::LognormalQuantiles {
                    p50,
                    p99,
                    shift: 0.0,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod traffic_distribution_tests {
    use super::parse_scenario;
    use crate::topology::TrafficDistribution;

    fn option(extra: &str) -> Result<super::OptionSpec, String> {
        let text = format!(
            "version: 1\nregion: us-east-1\nzones: [{{name: a, nodes: {{count: 1, type: m5.large}}}}]\n\
             services: [{{name: s, replicas: 1}}]\ntraffic: [{{from: s, to: s, volume: 1 GB}}]\n\
             options: [{{name: o, {extra}}}]\n"
        );
        parse_scenario(&text, "t.yaml")
            .map(|l| l.scenario.options[0].clone())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn traffic_distribution_defaults_values_and_kinds() {
        let o = option("kind: prefer-close").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            o.traffic_distribution,
            Some(TrafficDistribution::PreferClose)
        );
        let o = option("kind: prefer-close, traffic_distribution: PreferSameNode")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            o.traffic_distribution,
            Some(TrafficDistribution::PreferSameNode)
        );
        let o = option("kind: topology-aware").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(o.traffic_distribution, None);
        let e = option("kind: clusterip, traffic_distribution: PreferClose").err();
        assert!(
            e.as_deref()
                .unwrap_or("")
                .contains("options[0].traffic_distribution"),
            "{e:?}"
        );
        let e = option("kind: prefer-close, traffic_distribution: preferclose").err();
        assert!(
            e.as_deref().unwrap_or("").contains("unknown value"),
            "{e:?}"
        );
    }
}
