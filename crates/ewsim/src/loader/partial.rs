//! Partial conversion for `validate`: failed list entries stand in under their names.

use super::LoadedScenario;
use super::convert::Conv;
use super::raw::*;
use crate::error::Diagnostic;
use crate::scenario::*;
use rust_decimal::Decimal;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// A scenario converted as far as possible, with every conversion problem (see
/// [`super::parse_scenario_partial`]). Only for reporting problems: never evaluate it.
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
    pub(super) fn keep(&mut self, list: &str, i: usize) {
        self.kept.entry(list.to_string()).or_default().push(i);
    }
}

/// Puts a stand-in at the index of every list entry that failed to convert, so model indices
/// equal file indices and names stay declared; returns the stand-ins' paths.
pub(super) fn stand_in_failed_entries(
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
                .and_then(|n| match &n.value {
                    RawNodeGroups::One(g) => Some(g.instance_type.value.clone()),
                    RawNodeGroups::Many(list) => {
                        list.first().map(|g| g.value.instance_type.value.clone())
                    }
                })
                .unwrap_or_default(),
            allocatable_cpu: None,
            attributes: NodeAttributes::default(),
        },
        more_nodes: Vec::new(),
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
            name: r.name.as_ref().map(|n| n.value.clone()).unwrap_or_default(),
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
