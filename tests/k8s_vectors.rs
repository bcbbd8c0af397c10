//! Data-driven runner for `tests/k8s-vectors.yaml`: the upstream Kubernetes test vectors of
//! `shared/reference/k8s-routing.md` §3, one `#[test]` per vector family. Failures name the
//! vector id.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use ewsim::topology::cache::{self, Allocation, HintsRemovedReason, TopologyCache, TopologyEvent};
use ewsim::topology::kubeproxy::{
    ProxyConfig, ProxyServicePort, TrafficPolicy, categorize_endpoints,
};
use ewsim::topology::reconcile::{AppliedHints, ControllerConfig};
use ewsim::topology::service::{NodeVerdict, ServiceSpec, internal_verdict, route_service};
use ewsim::topology::trafficdist::{self, TrafficDistribution};
use ewsim::topology::{AddressType, Endpoint, EndpointHints, EndpointSlice, Node, SliceInfo};
use serde::Deserialize;

const VECTORS: &str = include_str!("k8s-vectors.yaml");

// ------------------------------------------------------------------ YAML shape

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Vectors {
    schema: String,
    derived_from: String,
    add_hints: Vec<Case<AddHintsInput, AddHintsExpected>>,
    set_nodes: Vec<Case<SetNodesInput, SetNodesExpected>>,
    reconcile: Vec<Case<ReconcileInput, ReconcileExpected>>,
    traffic_dist_reconcile_hints: Vec<Case<TrafficDistInput, TrafficDistExpected>>,
    get_giving_and_receiving_zones: Vec<Case<GrInput, GrExpected>>,
    redistribute_hints: Vec<Case<RedistInput, RedistExpected>>,
    get_hints_by_zone: Vec<Case<HbzInput, HbzExpected>>,
    kube_proxy_categorize: Vec<Case<KpInput, KpExpected>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case<I, E> {
    id: String,
    origin: String,
    source: Source,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    valid_for: Option<String>,
    input: I,
    expected: E,
    #[serde(default = "none")]
    expected_current_derived: Option<E>,
}

fn none<T>() -> Option<T> {
    None
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Source {
    file: String,
    test: String,
    case: String,
}

fn ready_default() -> Option<bool> {
    Some(true)
}

/// One endpoint as written in the vectors (union of the fields all families use).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct InEp {
    #[serde(default)]
    slice: Option<String>,
    #[serde(default)]
    slice_index: Option<usize>,
    #[serde(default)]
    pos: Option<usize>,
    #[serde(default)]
    addr: Option<String>,
    #[serde(default)]
    zone: Option<String>,
    #[serde(default)]
    node: Option<String>,
    /// Missing = ready (reference convention); explicit `null` = unset = not ready.
    #[serde(default = "ready_default")]
    ready: Option<bool>,
    #[serde(default)]
    serving: Option<bool>,
    #[serde(default)]
    terminating: Option<bool>,
    #[serde(default)]
    hint: Option<String>,
    #[serde(default)]
    hints_in: Option<Vec<String>>,
    #[serde(default)]
    zone_hints: Option<Vec<String>>,
    #[serde(default)]
    local: Option<bool>,
}

const PROXY_NODE: &str = "proxy-node";
const OTHER_NODE: &str = "other-node";

impl InEp {
    fn to_endpoint(&self, index: usize) -> Endpoint {
        let ready = self.ready == Some(true);
        let zone_hints = self
            .zone_hints
            .clone()
            .or_else(|| self.hints_in.clone())
            .or_else(|| self.hint.clone().map(|h| vec![h]))
            .filter(|z| !z.is_empty());
        let node_name = match self.local {
            Some(true) => Some(PROXY_NODE.to_owned()),
            Some(false) => Some(OTHER_NODE.to_owned()),
            None => self.node.clone(),
        };
        Endpoint {
            address: self.addr.clone().unwrap_or_else(|| format!("ep-{index}")),
            node_name,
            zone: self.zone.clone(),
            ready,
            serving: self.serving.unwrap_or(ready),
            terminating: self.terminating.unwrap_or(false),
            hints: zone_hints.map(|for_zones| EndpointHints {
                for_zones,
                for_nodes: Vec::new(),
            }),
        }
    }

    fn key(&self) -> (String, usize) {
        (
            self.slice.clone().unwrap_or_else(|| "create".to_owned()),
            self.slice_index.unwrap_or(0),
        )
    }
}

/// Group endpoints into slices by (slice kind, slice_index) in order of first appearance.
fn build_slice_info(eps: &[InEp]) -> SliceInfo {
    let mut order: Vec<(String, usize)> = Vec::new();
    let mut slices: BTreeMap<(String, usize), EndpointSlice> = BTreeMap::new();
    for (i, ep) in eps.iter().enumerate() {
        let key = ep.key();
        if !slices.contains_key(&key) {
            order.push(key.clone());
        }
        let slice = slices.entry(key.clone()).or_insert_with(|| EndpointSlice {
            name: format!("{}-{}", key.0, key.1),
            endpoints: Vec::new(),
        });
        if let Some(pos) = ep.pos {
            assert_eq!(
                pos,
                slice.endpoints.len(),
                "`pos` must match the order in its slice"
            );
        }
        slice.endpoints.push(ep.to_endpoint(i));
    }
    let mut si = SliceInfo {
        address_type: AddressType::IPv4,
        ..SliceInfo::default()
    };
    for key in order {
        let slice = slices.remove(&key).unwrap();
        match key.0.as_str() {
            "create" => si.to_create.push(slice),
            "update" => si.to_update.push(slice),
            "unchanged" => si.unchanged.push(slice),
            other => panic!("unknown slice kind {other}"),
        }
    }
    si
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpEvent {
    #[serde(rename = "type")]
    event_type: String,
    reason: String,
    message_prefix: String,
}

fn check_events(
    failures: &mut Vec<String>,
    id: &str,
    got: &[TopologyEvent],
    expected: &[ExpEvent],
) {
    if got.len() != expected.len() {
        failures.push(format!("{id}: events {got:?}, expected {expected:?}"));
        return;
    }
    for (g, e) in got.iter().zip(expected) {
        let msg = g.message(AddressType::IPv4);
        if g.event_type().as_str() != e.event_type
            || g.reason() != e.reason
            || !msg.starts_with(&e.message_prefix)
        {
            failures.push(format!(
                "{id}: event ({}, {}, {msg:?}) does not match {e:?}",
                g.event_type().as_str(),
                g.reason()
            ));
        }
    }
}

fn finish(family: &str, count: usize, failures: Vec<String>) {
    assert!(count > 0, "{family}: no vectors loaded");
    assert!(
        failures.is_empty(),
        "{family}: {} failure(s) out of {count} vectors:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

fn load() -> Vectors {
    let v: Vectors = serde_saphyr::from_str(VECTORS).expect("tests/k8s-vectors.yaml parses");
    assert_eq!(v.schema, "ewsim-k8s-vectors/v1");
    assert_eq!(v.derived_from, "k8s-routing-vectors/v1");
    v
}

fn check_meta<I, E>(case: &Case<I, E>) {
    assert_eq!(case.origin, "upstream", "{}: origin", case.id);
    assert!(
        !case.source.file.is_empty()
            && !case.source.test.is_empty()
            && !case.source.case.is_empty(),
        "{}: source",
        case.id
    );
    let _ = (&case.note, &case.valid_for);
}

// ------------------------------------------------------------------ add_hints

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddHintsInput {
    cpu_ratios_by_zone: Option<BTreeMap<String, f64>>,
    endpoints: Vec<InEp>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpEp {
    #[serde(default)]
    slice: Option<String>,
    #[serde(default)]
    slice_index: Option<usize>,
    #[serde(default)]
    pos: Option<usize>,
    #[serde(default)]
    addr: Option<String>,
    hint: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllocExp {
    minimum: usize,
    desired: f64,
    maximum: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddHintsExpected {
    #[serde(default)]
    hints_removed: bool,
    #[serde(default)]
    endpoints: Option<Vec<ExpEp>>,
    cache_endpoints_by_zone: Option<BTreeMap<String, usize>>,
    #[serde(default)]
    cross_zone_hints: Option<usize>,
    events: Vec<ExpEvent>,
    #[serde(default)]
    full_message_derived: Option<String>,
    #[serde(default)]
    allocations_derived: Option<BTreeMap<String, AllocExp>>,
}

const SERVICE_KEY: &str = "ns/svc";

#[test]
fn add_hints_vectors() {
    let v = load();
    let mut failures = Vec::new();
    for case in &v.add_hints {
        check_meta(case);
        let id = case.id.as_str();
        let mut cache = TopologyCache::new();
        cache.set_cpu_ratios_by_zone(case.input.cpu_ratios_by_zone.clone());
        let mut si = build_slice_info(&case.input.endpoints);
        let events = cache.add_hints(SERVICE_KEY, &mut si);
        let exp = &case.expected;
        check_events(&mut failures, id, &events, &exp.events);

        let removed = events
            .iter()
            .any(|e| matches!(e, TopologyEvent::HintsDisabled(_)));
        if removed != exp.hints_removed {
            failures.push(format!("{id}: hints removed = {removed}"));
        }
        if removed && si.all_endpoints().any(|e| e.hints.is_some()) {
            failures.push(format!("{id}: hints left after removal"));
        }
        let info = cache.endpoint_zone_info(SERVICE_KEY, AddressType::IPv4);
        if info != exp.cache_endpoints_by_zone.as_ref() {
            failures.push(format!(
                "{id}: cache {info:?}, expected {:?}",
                exp.cache_endpoints_by_zone
            ));
        }

        // Per-endpoint hints: walk slices in build order with (kind, index, pos) identity.
        let mut by_identity: BTreeMap<(String, usize, usize), &Endpoint> = BTreeMap::new();
        let mut by_addr: BTreeMap<&str, Vec<&Endpoint>> = BTreeMap::new();
        for (kind, slices) in [
            ("create", &si.to_create),
            ("update", &si.to_update),
            ("unchanged", &si.unchanged),
        ] {
            for (sidx, slice) in slices.iter().enumerate() {
                for (pos, ep) in slice.endpoints.iter().enumerate() {
                    by_identity.insert((kind.to_owned(), sidx, pos), ep);
                    by_addr.entry(ep.address.as_str()).or_default().push(ep);
                }
            }
        }
        for e in exp.endpoints.iter().flatten() {
            let ep = match (&e.pos, &e.addr) {
                (Some(pos), _) => by_identity
                    .get(&(
                        e.slice.clone().unwrap_or_default(),
                        e.slice_index.unwrap_or(0),
                        *pos,
                    ))
                    .copied(),
                (None, Some(addr)) => match by_addr.get(addr.as_str()).map(Vec::as_slice) {
                    Some([one]) => Some(*one),
                    _ => None,
                },
                (None, None) => None,
            };
            let Some(ep) = ep else {
                failures.push(format!(
                    "{id}: expected endpoint {e:?} not found (or ambiguous)"
                ));
                continue;
            };
            let want = e.hint.clone().map(EndpointHints::for_zone);
            if ep.hints != want {
                failures.push(format!("{id}: endpoint {e:?} has hints {:?}", ep.hints));
            }
        }
        if let Some(cross) = exp.cross_zone_hints {
            let got = si
                .all_endpoints()
                .filter(|e| {
                    e.hints.is_some() && e.zone_hints() != [e.zone.clone().unwrap_or_default()]
                })
                .count();
            if got != cross {
                failures.push(format!("{id}: cross-zone hints {got}, expected {cross}"));
            }
        }
        if let Some(full) = &exp.full_message_derived {
            let got: Vec<String> = events
                .iter()
                .map(|e| e.message(AddressType::IPv4))
                .collect();
            if !got.iter().any(|m| m == full) {
                failures.push(format!("{id}: messages {got:?}, expected {full:?}"));
            }
        }
        if let Some(allocs) = &exp.allocations_derived {
            let n = si.all_endpoints().filter(|e| e.ready).count();
            match cache.get_allocations(n) {
                Err(r) => failures.push(format!("{id}: allocations failed: {r:?}")),
                Ok(got) => {
                    let ok = got.len() == allocs.len()
                        && allocs.iter().all(|(z, a)| {
                            got.get(z).is_some_and(|g| {
                                g.minimum == a.minimum
                                    && g.maximum == a.maximum
                                    && (g.desired - a.desired).abs() < 1e-9
                            })
                        });
                    if !ok {
                        failures.push(format!("{id}: allocations {got:?}, expected {allocs:?}"));
                    }
                }
            }
        }
    }
    finish("add_hints", v.add_hints.len(), failures);
}

// ------------------------------------------------------------------ set_nodes

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct InNode {
    zone: Option<String>,
    cpu_m: u64,
    ready: bool,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    count: Option<usize>,
}

fn build_nodes(nodes: &[InNode]) -> Vec<Node> {
    let mut out = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        for j in 0..n.count.unwrap_or(1) {
            out.push(Node {
                name: format!("node-{i}-{j}"),
                zone: n.zone.clone(),
                allocatable_cpu_milli: n.cpu_m,
                ready: n.ready,
                control_plane: n
                    .labels
                    .contains_key("node-role.kubernetes.io/control-plane")
                    || n.labels.contains_key("node-role.kubernetes.io/master"),
            });
        }
    }
    out
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetNodesInput {
    nodes: Vec<InNode>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetNodesExpected {
    sufficient_node_info: bool,
    cpu_ratios_by_zone: Option<BTreeMap<String, f64>>,
    #[serde(default)]
    cpu_by_zone_m: Option<BTreeMap<String, u64>>,
}

#[test]
fn set_nodes_vectors() {
    let v = load();
    let mut failures = Vec::new();
    for case in &v.set_nodes {
        check_meta(case);
        let id = case.id.as_str();
        let mut cache = TopologyCache::new();
        cache.set_nodes(&build_nodes(&case.input.nodes));
        let exp = &case.expected;
        if cache.sufficient_node_info() != exp.sufficient_node_info {
            failures.push(format!(
                "{id}: sufficient_node_info {}",
                cache.sufficient_node_info()
            ));
        }
        // Exact f64 equality: cpu/total is correctly rounded, as is the YAML literal.
        if cache.cpu_ratios_by_zone() != exp.cpu_ratios_by_zone.as_ref() {
            failures.push(format!(
                "{id}: ratios {:?}, expected {:?}",
                cache.cpu_ratios_by_zone(),
                exp.cpu_ratios_by_zone
            ));
        }
        let cpu_expected = match (&exp.cpu_by_zone_m, &exp.cpu_ratios_by_zone) {
            (Some(cpu), _) => Some(Some(cpu)),
            (None, None) => Some(None),
            (None, Some(_)) => None,
        };
        if let Some(want) = cpu_expected
            && cache.cpu_by_zone() != want
        {
            failures.push(format!(
                "{id}: cpu_by_zone {:?}, expected {want:?}",
                cache.cpu_by_zone()
            ));
        }
    }
    finish("set_nodes", v.set_nodes.len(), failures);
}

// ------------------------------------------------------------------ reconcile (façade)

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReconcileInput {
    nodes: Vec<InNode>,
    ready_endpoints_by_zone: BTreeMap<String, usize>,
    annotations: BTreeMap<String, String>,
    #[serde(default)]
    topology_cache_enabled: Option<bool>,
    #[serde(default)]
    traffic_distribution: Option<String>,
    #[serde(default)]
    traffic_distribution_gate: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReconcileExpected {
    hints_by_zone: Option<BTreeMap<String, usize>>,
    #[serde(default)]
    cross_zone_hints: Option<usize>,
    #[serde(default)]
    endpoints_without_hints: Option<usize>,
    #[serde(default)]
    reason_derived: Option<String>,
}

#[test]
fn reconcile_vectors() {
    let v = load();
    let mut failures = Vec::new();
    for case in &v.reconcile {
        check_meta(case);
        let id = case.id.as_str();
        let input = &case.input;
        let nodes = build_nodes(&input.nodes);
        let mut endpoints = Vec::new();
        for (zone, &n) in &input.ready_endpoints_by_zone {
            let zone_nodes: Vec<&Node> = nodes
                .iter()
                .filter(|x| x.zone.as_deref() == Some(zone.as_str()))
                .collect();
            for i in 0..n {
                let node = zone_nodes
                    .get(i % zone_nodes.len().max(1))
                    .map(|x| x.name.as_str());
                endpoints.push(Endpoint::ready(format!("{zone}-pod-{i}"), node, Some(zone)));
            }
        }
        let spec = ServiceSpec {
            name: SERVICE_KEY.to_owned(),
            annotations: input.annotations.clone(),
            traffic_distribution: input.traffic_distribution.clone(),
            ..ServiceSpec::default()
        };
        let controller = ControllerConfig {
            topology_cache_enabled: input.topology_cache_enabled.unwrap_or(true),
            service_traffic_distribution: input.traffic_distribution_gate.unwrap_or(true),
            prefer_same_traffic_distribution: true,
        };
        let routing = route_service(
            &nodes,
            &endpoints,
            &spec,
            &controller,
            &ProxyConfig::default(),
        );

        let mut hints_by_zone: BTreeMap<String, usize> = BTreeMap::new();
        let mut cross = 0;
        let mut without = 0;
        for ep in &routing.endpoints {
            match &ep.hints {
                None => without += 1,
                Some(h) => {
                    for z in &h.for_zones {
                        *hints_by_zone.entry(z.clone()).or_default() += 1;
                        if Some(z) != ep.zone.as_ref() {
                            cross += 1;
                        }
                    }
                }
            }
        }
        let got = (!hints_by_zone.is_empty()).then_some(hints_by_zone);
        let exp = &case.expected;
        if got != exp.hints_by_zone {
            failures.push(format!(
                "{id}: hints_by_zone {got:?}, expected {:?}",
                exp.hints_by_zone
            ));
        }
        if let Some(c) = exp.cross_zone_hints
            && c != cross
        {
            failures.push(format!("{id}: cross-zone hints {cross}, expected {c}"));
        }
        if let Some(w) = exp.endpoints_without_hints
            && w != without
        {
            failures.push(format!(
                "{id}: endpoints without hints {without}, expected {w}"
            ));
        }
        if let Some(reason) = &exp.reason_derived {
            let name = match &routing.hints {
                AppliedHints::TopologyAwareRouting(Err(r)) => r.name(),
                other => {
                    failures.push(format!("{id}: applied {other:?}, expected removal"));
                    continue;
                }
            };
            if !reason.starts_with(name) {
                failures.push(format!("{id}: reason {name}, expected {reason}"));
            }
        }
        // Façade consistency: every node got a verdict and the Auto cases report TAR.
        if routing.per_node.len() != nodes.len() {
            failures.push(format!("{id}: per-node results missing"));
        }
    }
    finish("reconcile", v.reconcile.len(), failures);
}

// ------------------------------------------------------------------ trafficdist.ReconcileHints

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrafficDistInput {
    traffic_distribution: Option<String>,
    endpoints: Vec<InEp>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrafficDistExpected {
    zone_hint_by_addr: BTreeMap<String, Option<String>>,
    #[serde(default)]
    node_hints: Option<String>,
    #[serde(default)]
    moved_to_update: Option<Vec<String>>,
}

#[test]
fn traffic_dist_reconcile_hints_vectors() {
    let v = load();
    let mut failures = Vec::new();
    for case in &v.traffic_dist_reconcile_hints {
        check_meta(case);
        let id = case.id.as_str();
        let mut si = build_slice_info(&case.input.endpoints);
        let unchanged_before: BTreeSet<String> = si
            .unchanged
            .iter()
            .flat_map(|s| s.endpoints.iter().map(|e| e.address.clone()))
            .collect();
        let heuristic = case
            .input
            .traffic_distribution
            .as_deref()
            .and_then(TrafficDistribution::parse);
        trafficdist::reconcile_hints(heuristic, &mut si);
        let exp = &case.expected;
        for (addr, want) in &exp.zone_hint_by_addr {
            let Some(ep) = si.all_endpoints().find(|e| &e.address == addr) else {
                failures.push(format!("{id}: endpoint {addr} missing"));
                continue;
            };
            let ok = match want {
                None => ep.hints.is_none(),
                Some(z) => ep.zone_hints() == std::slice::from_ref(z),
            };
            if !ok {
                failures.push(format!(
                    "{id}: {addr} hints {:?}, expected zone {want:?}",
                    ep.hints
                ));
            }
        }
        if exp.node_hints.as_deref() == Some("none")
            && si.all_endpoints().any(|e| !e.node_hints().is_empty())
        {
            failures.push(format!("{id}: unexpected node hints"));
        }
        if let Some(moved) = &exp.moved_to_update {
            let still: BTreeSet<String> = si
                .unchanged
                .iter()
                .flat_map(|s| s.endpoints.iter().map(|e| e.address.clone()))
                .collect();
            let got: BTreeSet<String> = unchanged_before.difference(&still).cloned().collect();
            let want: BTreeSet<String> = moved.iter().cloned().collect();
            let in_update: BTreeSet<String> = si
                .to_update
                .iter()
                .flat_map(|s| s.endpoints.iter().map(|e| e.address.clone()))
                .collect();
            if got != want || !want.is_subset(&in_update) {
                failures.push(format!("{id}: moved {got:?}, expected {want:?}"));
            }
        }
    }
    finish(
        "traffic_dist_reconcile_hints",
        v.traffic_dist_reconcile_hints.len(),
        failures,
    );
}

// ------------------------------------------------------------------ getGivingAndReceivingZones

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GrInput {
    desired: BTreeMap<String, f64>,
    allocated: BTreeMap<String, i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GrExpected {
    giving: BTreeMap<String, usize>,
    receiving: BTreeMap<String, usize>,
}

#[test]
fn get_giving_and_receiving_zones_vectors() {
    let v = load();
    let mut failures = Vec::new();
    for case in &v.get_giving_and_receiving_zones {
        check_meta(case);
        let (giving, receiving) =
            cache::get_giving_and_receiving_zones(&case.input.desired, &case.input.allocated);
        if giving != case.expected.giving || receiving != case.expected.receiving {
            failures.push(format!(
                "{}: giving {giving:?} receiving {receiving:?}, expected {:?}",
                case.id, case.expected
            ));
        }
    }
    finish(
        "get_giving_and_receiving_zones",
        v.get_giving_and_receiving_zones.len(),
        failures,
    );
}

// ------------------------------------------------------------------ redistributeHints

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RedistInput {
    endpoints: Vec<InEp>,
    giving: BTreeMap<String, usize>,
    receiving: BTreeMap<String, usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RedistExpected {
    redistributions: BTreeMap<String, i64>,
}

#[test]
fn redistribute_hints_vectors() {
    let v = load();
    let mut failures = Vec::new();
    for case in &v.redistribute_hints {
        check_meta(case);
        let mut si = build_slice_info(&case.input.endpoints);
        let eps = si.to_create.iter_mut().flat_map(|s| s.endpoints.iter_mut());
        let got =
            cache::redistribute_hints(eps, case.input.giving.clone(), case.input.receiving.clone());
        if got != case.expected.redistributions {
            failures.push(format!(
                "{}: redistributions {got:?}, expected {:?}",
                case.id, case.expected.redistributions
            ));
        }
        // Every re-hinted endpoint carries exactly one zone.
        if si.all_endpoints().any(|e| e.zone_hints().len() != 1) {
            failures.push(format!(
                "{}: endpoint without exactly one zone hint",
                case.id
            ));
        }
    }
    finish("redistribute_hints", v.redistribute_hints.len(), failures);
}

// ------------------------------------------------------------------ getHintsByZone

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HbzInput {
    endpoints: Vec<InEp>,
    allocations_maximum: BTreeMap<String, usize>,
    already_allocated: BTreeMap<String, usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HbzExpected {
    hints_by_zone: Option<BTreeMap<String, usize>>,
    #[serde(default)]
    slice_must_be_updated: Option<bool>,
}

#[test]
fn get_hints_by_zone_vectors() {
    let v = load();
    let mut failures = Vec::new();
    for case in &v.get_hints_by_zone {
        check_meta(case);
        let si = build_slice_info(&case.input.endpoints);
        let allocations: BTreeMap<String, Allocation> = case
            .input
            .allocations_maximum
            .iter()
            .map(|(z, &maximum)| {
                (
                    z.clone(),
                    Allocation {
                        minimum: 0,
                        desired: 0.0,
                        maximum,
                    },
                )
            })
            .collect();
        let got = cache::get_hints_by_zone(
            &si.to_create[0],
            &case.input.already_allocated,
            &allocations,
        );
        if got != case.expected.hints_by_zone {
            failures.push(format!(
                "{}: {got:?}, expected {:?}",
                case.id, case.expected.hints_by_zone
            ));
        }
        if let Some(must) = case.expected.slice_must_be_updated
            && must != got.is_none()
        {
            failures.push(format!("{}: slice_must_be_updated mismatch", case.id));
        }
    }
    finish("get_hints_by_zone", v.get_hints_by_zone.len(), failures);
}

// ------------------------------------------------------------------ kube-proxy CategorizeEndpoints

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct KpService {
    #[serde(default)]
    itp_local: bool,
    #[serde(default)]
    etp_local: bool,
    #[serde(default)]
    externally_accessible: bool,
    #[serde(default)]
    hints_annotation: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KpInput {
    node_zone: Option<String>,
    service: KpService,
    endpoints: Vec<InEp>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KpExpected {
    cluster: Option<Vec<String>>,
    local: Option<Vec<String>>,
    #[serde(default)]
    all: Option<Vec<String>>,
    #[serde(default)]
    has_any_endpoints: Option<bool>,
    #[serde(default)]
    data_plane: Option<String>,
}

fn addr_set(endpoints: &[Endpoint], idx: &[usize]) -> BTreeSet<String> {
    idx.iter().map(|&i| endpoints[i].address.clone()).collect()
}

fn check_kp(
    failures: &mut Vec<String>,
    label: &str,
    input: &KpInput,
    exp: &KpExpected,
    config: &ProxyConfig,
) {
    let endpoints: Vec<Endpoint> = input
        .endpoints
        .iter()
        .enumerate()
        .map(|(i, e)| e.to_endpoint(i))
        .collect();
    let policy = |local: bool| {
        if local {
            TrafficPolicy::Local
        } else {
            TrafficPolicy::Cluster
        }
    };
    let svc = ProxyServicePort {
        internal_traffic_policy: policy(input.service.itp_local),
        external_traffic_policy: policy(input.service.etp_local),
        externally_accessible: input.service.externally_accessible,
        topology_annotation: input.service.hints_annotation.clone(),
    };
    let cat = categorize_endpoints(
        &endpoints,
        &svc,
        PROXY_NODE,
        input.node_zone.as_deref(),
        config,
    );
    let set = |s: &Option<Vec<usize>>| s.as_ref().map(|v| addr_set(&endpoints, v));
    let want = |s: &Option<Vec<String>>| {
        s.as_ref()
            .map(|v| v.iter().cloned().collect::<BTreeSet<String>>())
    };
    if set(&cat.cluster) != want(&exp.cluster) {
        failures.push(format!(
            "{label}: cluster {:?}, expected {:?}",
            set(&cat.cluster),
            exp.cluster
        ));
    }
    if set(&cat.local) != want(&exp.local) {
        failures.push(format!(
            "{label}: local {:?}, expected {:?}",
            set(&cat.local),
            exp.local
        ));
    }
    if let Some(all) = &exp.all {
        let got = addr_set(&endpoints, &cat.all_reachable);
        if Some(got.clone()) != want(&Some(all.clone())) {
            failures.push(format!("{label}: all {got:?}, expected {all:?}"));
        }
    }
    if let Some(any) = exp.has_any_endpoints
        && any != cat.has_any_endpoints
    {
        failures.push(format!(
            "{label}: has_any_endpoints {}",
            cat.has_any_endpoints
        ));
    }
    if let Some(dp) = &exp.data_plane {
        let verdict = internal_verdict(&cat, svc.internal_traffic_policy);
        let ok = match dp.as_str() {
            "drop" => verdict == NodeVerdict::Drop,
            "reject" => verdict == NodeVerdict::Reject,
            other => {
                failures.push(format!("{label}: unknown data_plane {other}"));
                true
            }
        };
        if !ok {
            failures.push(format!("{label}: verdict {verdict:?}, expected {dp}"));
        }
    }
}

#[test]
fn kube_proxy_categorize_vectors() {
    let v = load();
    let mut failures = Vec::new();
    for case in &v.kube_proxy_categorize {
        check_meta(case);
        let legacy = case.input.service.hints_annotation.is_some();
        let config = ProxyConfig {
            prefer_same_traffic_distribution: !legacy,
            legacy_annotation_gating: legacy,
        };
        check_kp(
            &mut failures,
            &case.id,
            &case.input,
            &case.expected,
            &config,
        );
        if let Some(current) = &case.expected_current_derived {
            let label = format!("{} (current kube-proxy)", case.id);
            check_kp(
                &mut failures,
                &label,
                &case.input,
                current,
                &ProxyConfig::default(),
            );
        }
    }
    finish(
        "kube_proxy_categorize",
        v.kube_proxy_categorize.len(),
        failures,
    );
}

// ------------------------------------------------------------------ inventory

#[test]
fn all_reference_vectors_present() {
    let v = load();
    let counts = [
        v.add_hints.len(),
        v.set_nodes.len(),
        v.reconcile.len(),
        v.traffic_dist_reconcile_hints.len(),
        v.get_giving_and_receiving_zones.len(),
        v.redistribute_hints.len(),
        v.get_hints_by_zone.len(),
        v.kube_proxy_categorize.len(),
    ];
    assert_eq!(counts, [6, 9, 9, 4, 6, 1, 3, 13]);
    assert_eq!(counts.iter().sum::<usize>(), 51);
    let mut ids = BTreeSet::new();
    let all_ids = v
        .add_hints
        .iter()
        .map(|c| &c.id)
        .chain(v.set_nodes.iter().map(|c| &c.id))
        .chain(v.reconcile.iter().map(|c| &c.id))
        .chain(v.traffic_dist_reconcile_hints.iter().map(|c| &c.id))
        .chain(v.get_giving_and_receiving_zones.iter().map(|c| &c.id))
        .chain(v.redistribute_hints.iter().map(|c| &c.id))
        .chain(v.get_hints_by_zone.iter().map(|c| &c.id))
        .chain(v.kube_proxy_categorize.iter().map(|c| &c.id));
    for id in all_ids {
        assert!(ids.insert(id.clone()), "duplicate vector id {id}");
    }
    // The removal-reason names are the upstream ones.
    assert_eq!(
        HintsRemovedReason::MinAllocationExceedsOverloadThreshold {
            endpoints: 4,
            zones: 3
        }
        .name(),
        "MinAllocationExceedsOverloadThreshold"
    );
}
