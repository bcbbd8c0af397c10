//! Raw scenario -> model: the conversion driver ([`parse_partial_with`]), the collector of
//! problems and positions ([`Conv`]), and clusters, zones, services and replica states.

use super::options::convert_option;
use super::partial::stand_in_failed_entries;
use super::raw::*;
use super::settings::convert_latency;
use super::source_map::SourceMap;
use super::traffic::{convert_call_graph, convert_edge};
use super::{LoadedScenario, NumericField, PartialScenario};
use crate::error::{Diagnostic, InputError};
use crate::pricing::PriceKey;
use crate::scenario::*;
use crate::units::Quantity;
use crate::units::UncertainInput;
use crate::yaml::Text;
use rust_decimal::Decimal;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// Collects conversion problems and positions while turning raw values into model values.
pub(super) struct Conv {
    pub(super) map: SourceMap,
    pub(super) diags: Vec<Diagnostic>,
    /// Values replacing the file's, by scenario path.
    pub(super) overrides: BTreeMap<String, Decimal>,
    /// Every numeric value converted, by scenario path.
    pub(super) fields: BTreeMap<String, NumericField>,
    /// Values written as ranges.
    pub(super) ranges: Vec<UncertainInput>,
    /// Raw indices of the list entries that converted, by list path (`services`, `zones`).
    pub(super) kept: BTreeMap<String, Vec<usize>>,
}

impl Conv {
    pub(super) fn err(&mut self, path: &str, loc: &serde_saphyr::Location, msg: impl Into<String>) {
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
    pub(super) fn quantity(
        &mut self,
        path: &str,
        v: &Spanned<Text>,
        kind: Quantity,
    ) -> Option<Decimal> {
        self.map.record(path, &v.referenced);
        let parsed = match self.overrides.get(path) {
            Some(x) => Ok(kind.conform(*x)),
            None => match crate::units::parse_range(path, &v.value.0, kind) {
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

    pub(super) fn count(&mut self, path: &str, v: &Spanned<Text>) -> Option<u32> {
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

    pub(super) fn choice<T: Copy>(
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

    pub(super) fn flag(&mut self, path: &str, v: &Option<Spanned<bool>>, default: bool) -> bool {
        match v {
            Some(b) => {
                self.map.record(path, &b.referenced);
                b.value
            }
            None => default,
        }
    }
}

pub(super) fn parse_partial_with(
    text: &str,
    file: &str,
    overrides: &BTreeMap<String, Decimal>,
) -> Result<PartialScenario, InputError> {
    let raw: RawScenario =
        serde_saphyr::from_str(text).map_err(|e| crate::yaml::error(&e, file))?;
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
            prices.insert(k.to_string(), d);
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
        pricing_file: raw.pricing.as_ref().map(|v| {
            c.map.record("pricing", &v.referenced);
            v.value.clone()
        }),
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

pub(super) fn convert_clusters(c: &mut Conv, raw: &RawScenario) -> Vec<Cluster> {
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

pub(super) fn convert_zones(c: &mut Conv, path: &str, raw: &[Spanned<RawZone>]) -> Vec<Zone> {
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
        let groups: Vec<(String, &RawNodes)> = match &n.value {
            RawNodeGroups::One(g) => vec![(np.clone(), &**g)],
            RawNodeGroups::Many(list) => list
                .iter()
                .enumerate()
                .map(|(k, g)| {
                    let gp = format!("{np}[{k}]");
                    c.map.record(&gp, &g.referenced);
                    (gp, &g.value)
                })
                .collect(),
        };
        if groups.is_empty() {
            c.err(
                &np,
                &n.referenced,
                format!("zone `{}` has no nodes (empty list)", z.value.name.value),
            );
            continue;
        }
        if let RawNodeGroups::Many(list) = &n.value
            && let Some(first) = list.first()
        {
            // The first group also answers to the single-group paths (`zones[0].nodes.type`).
            c.map
                .record(&format!("{np}.type"), &first.value.instance_type.referenced);
            c.map
                .record(&format!("{np}.count"), &first.value.count.referenced);
        }
        let mut converted = Vec::new();
        for (gp, g) in &groups {
            if let Some(group) = node_group(c, gp, g, &z.value.name.value) {
                converted.push(group);
            }
        }
        if converted.len() != groups.len() {
            continue;
        }
        c.keep(path, i);
        let mut converted = converted.into_iter();
        if let Some(nodes) = converted.next() {
            zones.push(Zone {
                name: z.value.name.value.clone(),
                nodes,
                more_nodes: converted.collect(),
            });
        }
    }
    zones
}

/// One node group of a zone at `np` (`zones[0].nodes` or `zones[0].nodes[1]`).
fn node_group(c: &mut Conv, np: &str, n: &RawNodes, zone: &str) -> Option<NodeGroup> {
    let count = c.count(&format!("{np}.count"), &n.count)?;
    if count == 0 {
        c.err(
            &format!("{np}.count"),
            &n.count.referenced,
            format!("zone `{zone}` has no nodes (count 0)"),
        );
        return None;
    }
    c.map
        .record(&format!("{np}.type"), &n.instance_type.referenced);
    let cpu = n
        .cpu
        .as_ref()
        .and_then(|v| c.quantity(&format!("{np}.cpu"), v, Quantity::Cpu));
    let attributes = node_attributes(c, np, n);
    Some(NodeGroup {
        count,
        instance_type: n.instance_type.value.clone(),
        allocatable_cpu: cpu,
        attributes,
    })
}

/// Top-level `states:` (replica overrides for parts of the month).
pub(super) fn convert_states(c: &mut Conv, raw: &RawScenario) -> Vec<ReplicaState> {
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
pub(super) fn node_attributes(c: &mut Conv, np: &str, n: &RawNodes) -> NodeAttributes {
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
