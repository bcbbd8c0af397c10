//! Observed cluster + observed traffic -> a [`Scenario`], with where every value came from.
//!
//! Rules (each value's comment in the written file repeats the one that applied):
//! - region: the `--region` given, else the nodes' `topology.kubernetes.io/region` label, else
//!   the first zone's name without its last letter (AWS zone names are the region plus a letter);
//! - zones: the distinct `topology.kubernetes.io/zone` labels of the nodes, sorted; each zone's
//!   nodes from the observed node groups ([`zone_nodes`]); nodes without a zone label are
//!   counted in the first zone as `unlabeled` (or `not_ready`) since their zone is unknown;
//! - services: one per Kubernetes Service with a selector and at least one Ready pod, named
//!   `namespace/name`, its Ready pods counted per zone of their node (observed placement, not a
//!   spread); Ready pods on unlabeled nodes are counted in the first zone, like those nodes;
//!   `colocate_with` is left out;
//! - traffic: [`super::traffic::monthly_edges`]; edges naming a service that is not in the
//!   scenario are dropped and listed in the summary;
//! - options: `current`, the routing each called Service uses today ([`current_option`]), then
//!   the standard alternatives ([`alternatives`]).

use super::flowlogs::{AddressClass, FlowNote};
use super::inventory::Inventory;
use super::observed::{
    LbTarget, NodeGroup as ObservedGroup, ObservedCluster, ObservedService, Routing, RoutingNote,
    TrafficDistribution as ObservedTd,
};
use super::traffic::{MonthlyEdge, ObservedTraffic, Scaling, TrafficSource, monthly_edges};
use super::window::Window;
use super::{ImportError, ImportErrorKind, ImportLocation};
use crate::scenario::*;
use crate::topology::TrafficDistribution;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// Label on Nodes naming their region (`v1.LabelTopologyRegion`).
pub const REGION_LABEL: &str = "topology.kubernetes.io/region";

/// What kind of file an input was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A `kubectl get ... -o json|yaml` export.
    Kubectl,
    /// VPC Flow Logs.
    FlowLogs,
    /// A Prometheus query response.
    Prometheus,
    /// An edges CSV.
    EdgesCsv,
}

impl InputKind {
    fn describe(self) -> &'static str {
        match self {
            InputKind::Kubectl => "kubectl export",
            InputKind::FlowLogs => "VPC Flow Logs",
            InputKind::Prometheus => "Prometheus response",
            InputKind::EdgesCsv => "edges CSV",
        }
    }
}

/// What the caller tells the assembly.
#[derive(Debug, Clone)]
pub struct ImportSettings {
    /// Scenario name.
    pub name: String,
    /// Pricing region; `None`: from the nodes (module docs).
    pub region: Option<String>,
    /// The observation window of the traffic sources.
    pub window: Window,
    /// Billing conventions of the written scenario (hours per month, gigabyte).
    pub billing: Billing,
    /// The inputs read, for the file's header.
    pub inputs: Vec<(InputKind, String)>,
}

/// Why a Kubernetes Service is not a scenario service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceSkip {
    /// No selector: endpoints managed by hand (its addresses are a class of unmapped bytes).
    NoSelector,
    /// No Ready pod: nothing to place.
    NoReadyPods,
}

/// Why an observed edge is not in the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeDrop {
    /// Its client is not a scenario service.
    UnknownClient,
    /// Its server is not a scenario service.
    UnknownServer,
    /// Prometheus counted its requests but no bytes (no `istio_request_bytes` /
    /// `istio_response_bytes` response, nor another source), so it has no volume.
    NoVolume,
}

/// Facts the import's reader must know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportNote {
    /// Nodes without a zone label were counted in this zone.
    UnlabeledNodesIn {
        /// The zone.
        zone: String,
        /// Nodes.
        nodes: u32,
        /// Ready pods of scenario services on them.
        ready_pods: u32,
    },
    /// The region was taken from a zone name.
    RegionFromZone(String),
    /// No traffic source gave any edge.
    NoTraffic,
    /// A standard alternative left out: the region's price table cannot price it.
    AlternativeUnpriced {
        /// The option.
        option: String,
        /// The pricing problem.
        reason: String,
    },
}

/// Unmapped bytes of the flow logs and what they mean.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowFigures {
    /// Bytes mapped to service pairs (over the window).
    pub mapped_bytes: Decimal,
    /// Bytes mapped to no service pair, by class.
    pub unmapped_by_class: BTreeMap<AddressClass, Decimal>,
    /// Lines read.
    pub lines: u64,
    /// Records that counted.
    pub records_used: u64,
    /// Facts (same-node traffic never logged...).
    pub notes: Vec<FlowNote>,
}

/// The import's figures, for the summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportSummary {
    /// Scenario services.
    pub services: usize,
    /// Ready pods of scenario services.
    pub ready_pods: u32,
    /// Nodes.
    pub nodes: u32,
    /// Scenario edges.
    pub edges: usize,
    /// Kubernetes Services left out.
    pub skipped_services: Vec<(String, ServiceSkip)>,
    /// Observed edges left out.
    pub dropped_edges: Vec<(String, String, EdgeDrop)>,
    /// Flow-log figures, when flow logs were given.
    pub flow_logs: Option<FlowFigures>,
    /// Prometheus bytes (request + response) per `(namespace/workload, namespace/service)` that
    /// mapped to no two services.
    pub prometheus_unmapped: BTreeMap<(String, String), Decimal>,
    /// Notes.
    pub notes: Vec<ImportNote>,
}

/// Comment lines stating where values came from, per part of the written scenario.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    /// Before the document.
    pub header: Vec<String>,
    /// Per zone, in scenario order.
    pub zones: Vec<Vec<String>>,
    /// Per service.
    pub services: Vec<Vec<String>>,
    /// Per traffic edge.
    pub traffic: Vec<Vec<String>>,
    /// Per option.
    pub options: Vec<Vec<String>>,
}

/// The result of an import.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The scenario.
    pub scenario: Scenario,
    /// Where its values came from.
    pub sources: Sources,
    /// Figures and notes.
    pub summary: ImportSummary,
}

fn region_of(
    cluster: &ObservedCluster,
    region_labels: &[String],
    s: &ImportSettings,
) -> (String, Option<ImportNote>, String) {
    if let Some(r) = &s.region {
        return (r.clone(), None, "region: as given".into());
    }
    if let Some(r) = region_labels.first() {
        return (
            r.clone(),
            None,
            format!("region: the nodes' {REGION_LABEL} label"),
        );
    }
    let zone = cluster.zones.first().cloned().unwrap_or_default();
    let mut r = zone.clone();
    r.pop();
    (
        r.clone(),
        Some(ImportNote::RegionFromZone(zone.clone())),
        format!("region: zone `{zone}` without its last letter (no {REGION_LABEL} label)"),
    )
}

fn millis_to_cores(m: u64) -> Decimal {
    (Decimal::from(m) / Decimal::from(1000)).normalize()
}

fn attributes(g: &ObservedGroup, unlabeled: bool) -> NodeAttributes {
    let not_ready = (g.count - g.ready).min(g.count - g.control_plane);
    let ready_workers = g.count - not_ready - g.control_plane;
    NodeAttributes {
        not_ready,
        control_plane: g.control_plane,
        unlabeled: if unlabeled { ready_workers } else { 0 },
    }
}

fn describe_group(g: &ObservedGroup) -> String {
    let cpu = g
        .allocatable_cpu_millis
        .map(|m| format!(", {} cores allocatable", millis_to_cores(m)))
        .unwrap_or_default();
    let mut attrs = Vec::new();
    if g.ready < g.count {
        attrs.push(format!("{} not Ready", g.count - g.ready));
    }
    if g.control_plane > 0 {
        attrs.push(format!("{} control-plane", g.control_plane));
    }
    let attrs = if attrs.is_empty() {
        String::new()
    } else {
        format!(" ({})", attrs.join(", "))
    };
    format!(
        "{} x {}{cpu}{attrs}",
        g.count,
        g.instance_type
            .as_deref()
            .unwrap_or("(no instance-type label)")
    )
}

/// The scenario zone of one observed zone: one node group per observed group (same instance
/// type and allocatable CPU), each with its count, type, CPU and attributes; for the first zone
/// also the groups of nodes without a zone label, as `unlabeled` (or `not_ready`) nodes. The one
/// place where observed node groups become the format's nodes.
pub fn zone_nodes(
    name: &str,
    groups: &[&ObservedGroup],
    unlabeled: &[&ObservedGroup],
) -> (Zone, Vec<String>) {
    let mut comment = vec![format!(
        "zone {name}: nodes labelled {} = {name}, grouped by instance type and allocatable CPU",
        super::inventory::ZONE_LABEL
    )];
    let all: Vec<(&ObservedGroup, bool)> = groups
        .iter()
        .map(|g| (*g, false))
        .chain(unlabeled.iter().map(|g| (*g, true)))
        .collect();
    let mut out: Vec<NodeGroup> = Vec::new();
    for (g, unl) in &all {
        comment.push(format!(
            "  {}{}",
            describe_group(g),
            if *unl {
                ", no zone label: counted here"
            } else {
                ""
            }
        ));
        out.push(NodeGroup {
            count: g.count,
            instance_type: g.instance_type.clone().unwrap_or_else(|| "unknown".into()),
            allocatable_cpu: g.allocatable_cpu_millis.map(millis_to_cores),
            attributes: attributes(g, *unl),
        });
    }
    if all.iter().any(|(g, _)| g.instance_type.is_none()) {
        comment.push(format!(
            "  `unknown`: nodes without the {} label",
            super::inventory::INSTANCE_TYPE_LABEL
        ));
    }
    let mut it = out.into_iter();
    let zone = Zone {
        name: name.to_string(),
        nodes: it.next().unwrap_or(NodeGroup {
            count: 0,
            instance_type: "unknown".into(),
            allocatable_cpu: None,
            attributes: NodeAttributes::default(),
        }),
        more_nodes: it.collect(),
    };
    (zone, comment)
}

/// The option kind (and Service `trafficDistribution`) for one observed routing.
pub fn kind_of(routing: &Routing) -> (OptionKind, Option<TrafficDistribution>) {
    let lb = |alb: bool, target: &LbTarget, cross_zone: Option<bool>| {
        let mut lb = LoadBalancerSettings::defaults(alb);
        lb.target_type = match target {
            LbTarget::Ip => TargetType::Ip,
            LbTarget::Instance => TargetType::Instance,
        };
        if let Some(c) = cross_zone {
            lb.cross_zone = c;
        }
        lb
    };
    match routing {
        Routing::ClusterIp => (OptionKind::ClusterIp, None),
        Routing::Headless => (OptionKind::Headless, None),
        Routing::InternalTrafficPolicyLocal => (OptionKind::ItpLocal, None),
        Routing::TopologyAwareRouting { .. } => (OptionKind::TopologyAware, None),
        Routing::TrafficDistribution(td) => (
            OptionKind::PreferClose,
            Some(match td {
                ObservedTd::PreferClose => TrafficDistribution::PreferClose,
                ObservedTd::PreferSameZone => TrafficDistribution::PreferSameZone,
                ObservedTd::PreferSameNode => TrafficDistribution::PreferSameNode,
            }),
        ),
        Routing::InternalNlb { target, cross_zone } => (
            OptionKind::InternalNlb {
                lb: lb(false, target, *cross_zone),
            },
            None,
        ),
        Routing::InternalAlb { target, .. } => (
            OptionKind::InternalAlb {
                lb: lb(true, target, None),
                rules_per_request: 0,
                mtls: false,
            },
            None,
        ),
    }
}

/// A person-readable statement of a detection: what was found in the spec and annotations.
fn describe_routing(s: &ObservedService) -> Vec<String> {
    let r = &s.routing;
    let what = match &r.routing {
        Routing::ClusterIp => "ClusterIP (no topology setting)".to_string(),
        Routing::Headless => "headless (clusterIP: None)".to_string(),
        Routing::InternalTrafficPolicyLocal => "internalTrafficPolicy: Local".to_string(),
        Routing::TopologyAwareRouting { annotation, value } => {
            format!("Topology Aware Routing ({annotation}: {value})")
        }
        Routing::TrafficDistribution(td) => format!("spec.trafficDistribution: {td:?}"),
        Routing::InternalNlb { target, cross_zone } => format!(
            "internal NLB (AWS Load Balancer Controller / in-tree annotations), target type {}, cross-zone {}",
            if *target == LbTarget::Ip {
                "ip"
            } else {
                "instance"
            },
            match cross_zone {
                Some(true) => "on",
                Some(false) => "off",
                None => "not stated (NLB default off)",
            }
        ),
        Routing::InternalAlb { ingress, target } => format!(
            "internal ALB through Ingress {ingress}, target type {}",
            if *target == LbTarget::Ip {
                "ip"
            } else {
                "instance"
            }
        ),
    };
    let mut out = vec![format!("routing today: {what}")];
    for n in &r.notes {
        let text = match n {
            RoutingNote::SeveralApply => format!(
                "also applies: {} (in-cluster clients may call the ClusterIP)",
                r.also
                    .iter()
                    .map(|a| format!("{a:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            other => format!("{other:?}"),
        };
        out.push(format!("note: {text}"));
    }
    out
}

/// The `current` option: the kind every called service uses when they agree; otherwise a
/// `per-service` option naming each called service's routing (Services not called default to
/// ClusterIP, the Kubernetes default). `called` are the observed services in the scenario's
/// traffic (all scenario services when there is no traffic).
pub fn current_option(called: &[&ObservedService]) -> (OptionSpec, Vec<String>) {
    let kinds: Vec<(String, ServiceRouting)> = called
        .iter()
        .map(|s| {
            let (kind, td) = kind_of(&s.routing.routing);
            let mut r = ServiceRouting::new(kind);
            r.traffic_distribution = td;
            (s.name.clone(), r)
        })
        .collect();
    let mut comment = vec!["current: the routing each called Service uses today".to_string()];
    let all_same = kinds.windows(2).all(|w| w[0].1 == w[1].1);
    let mut spec = match kinds.first() {
        Some((_, first)) if all_same => {
            comment.push(format!(
                "  all {} called Services: {}{}",
                kinds.len(),
                first.kind.as_str(),
                first
                    .traffic_distribution
                    .map(|t| format!(" ({})", t.as_str()))
                    .unwrap_or_default()
            ));
            let mut o = OptionSpec::new("current", first.kind.clone());
            o.traffic_distribution = first.traffic_distribution;
            o
        }
        None => OptionSpec::new("current", OptionKind::ClusterIp),
        Some(_) => {
            comment.push(
                "  they differ: each called Service's routing under by_service (kind: per-service)"
                    .into(),
            );
            OptionSpec::new(
                "current",
                OptionKind::PerService(PerServiceRouting {
                    default: Box::new(ServiceRouting::new(OptionKind::ClusterIp)),
                    services: kinds,
                }),
            )
        }
    };
    spec.description = Some("the routing the cluster uses today (ewsim import)".into());
    (spec, comment)
}

/// The standard alternatives compared with `current`: ClusterIP, Topology Aware Routing,
/// PreferClose, internalTrafficPolicy Local, internal ALB, internal NLB, VPC Lattice, and the
/// Istio options when every edge has a request rate (they price proxy CPU per request). An
/// alternative identical to `current` is left out.
pub fn alternatives(current: &OptionSpec, rates_everywhere: bool) -> Vec<OptionSpec> {
    let mut kinds = vec![
        OptionKind::ClusterIp,
        OptionKind::TopologyAware,
        OptionKind::PreferClose,
        OptionKind::ItpLocal,
        OptionKind::internal_alb(),
        OptionKind::internal_nlb(),
        OptionKind::Lattice { services: None },
    ];
    if rates_everywhere {
        kinds.push(OptionKind::istio_sidecar());
        kinds.push(OptionKind::IstioAmbient {
            mesh: MeshSettings::default(),
            waypoint: false,
        });
    }
    kinds
        .into_iter()
        .map(|k| OptionSpec::new(k.as_str(), k))
        .filter(|o| {
            !(o.kind == current.kind && o.traffic_distribution == current.traffic_distribution)
        })
        .collect()
}

fn has_rate(e: &TrafficEdge) -> bool {
    match &e.volume {
        TrafficVolume::Rate { .. } => true,
        TrafficVolume::Monthly {
            bytes_per_request, ..
        } => bytes_per_request.is_some(),
    }
}

fn describe_source(src: &TrafficSource, window: &str) -> String {
    match src {
        TrafficSource::FlowLogs { bytes } => {
            format!("VPC Flow Logs: {bytes} bytes (request + response) in {window}")
        }
        TrafficSource::Prometheus {
            requests,
            request_bytes,
            response_bytes,
        } => {
            let f = |v: &Option<Decimal>| v.map(|x| x.to_string()).unwrap_or_else(|| "-".into());
            format!(
                "Istio metrics: {} requests, {} request bytes, {} response bytes in {window}",
                f(requests),
                f(request_bytes),
                f(response_bytes)
            )
        }
        TrafficSource::EdgesCsv { document, line, .. } => format!("{document}:{line}"),
    }
}

fn edge_comment(e: &MonthlyEdge, window: &str, hours: Decimal) -> Vec<String> {
    let mut out = vec![format!(
        "{} -> {}: {}",
        e.from,
        e.to,
        describe_source(&e.source, window)
    )];
    match (&e.source, &e.volume) {
        (TrafficSource::EdgesCsv { .. }, TrafficVolume::Rate { .. }) => {}
        (_, TrafficVolume::Rate { .. }) => out.push(format!(
            "  rps = requests / {window}; sizes = bytes / requests"
        )),
        (_, TrafficVolume::Monthly { .. }) => out.push(format!(
            "  volume = bytes x {hours} h / {window} / bytes per GB"
        )),
    }
    for a in &e.also {
        out.push(format!(
            "  also seen (not used): {}",
            describe_source(a, window)
        ));
    }
    out
}

/// Builds the scenario (module docs give the rules) from the inventory, the cluster observed
/// in it ([`ObservedCluster::from_inventory`]) and the traffic read against that cluster.
pub fn assemble(
    inventory: &Inventory,
    cluster: &ObservedCluster,
    traffic: &ObservedTraffic,
    settings: &ImportSettings,
) -> Result<Imported, ImportError> {
    if cluster.zones.is_empty() {
        return Err(ImportError::new(
            settings
                .inputs
                .iter()
                .find(|(k, _)| *k == InputKind::Kubectl)
                .map(|(_, d)| d.as_str())
                .unwrap_or("kubectl"),
            ImportLocation::Document,
            ImportErrorKind::MissingField {
                field: format!(
                    "metadata.labels[{}] on any Node",
                    super::inventory::ZONE_LABEL
                ),
            },
        ));
    }
    let mut sources = Sources::default();
    let mut summary = ImportSummary::default();
    let region_labels: BTreeSet<String> = inventory
        .nodes
        .iter()
        .filter_map(|n| n.labels.get(REGION_LABEL).cloned())
        .collect();
    let region_labels: Vec<String> = region_labels.into_iter().collect();
    let (region, region_note, region_comment) = region_of(cluster, &region_labels, settings);
    summary.notes.extend(region_note);
    let window_text = format!("{} s", settings.window.seconds().normalize());
    let hours = settings.billing.hours_per_month;

    // Zones.
    let unlabeled: Vec<&ObservedGroup> = cluster
        .node_groups
        .iter()
        .filter(|g| g.zone.is_none())
        .collect();
    let mut zones = Vec::new();
    for (i, z) in cluster.zones.iter().enumerate() {
        let groups: Vec<&ObservedGroup> = cluster
            .node_groups
            .iter()
            .filter(|g| g.zone.as_deref() == Some(z))
            .collect();
        let extra: &[&ObservedGroup] = if i == 0 { &unlabeled } else { &[] };
        let (zone, comment) = zone_nodes(z, &groups, extra);
        zones.push(zone);
        sources.zones.push(comment);
    }
    summary.nodes = cluster.node_groups.iter().map(|g| g.count).sum();
    let first_zone = cluster.zones[0].clone();

    // Services.
    let mut services = Vec::new();
    let mut in_scenario: BTreeMap<String, &ObservedService> = BTreeMap::new();
    let mut unlabeled_pods = 0;
    for s in &cluster.skipped_services {
        summary
            .skipped_services
            .push((s.name.clone(), ServiceSkip::NoSelector));
    }
    for s in &cluster.services {
        let mut per_zone: Vec<(String, u32)> = cluster
            .zones
            .iter()
            .map(|z| (z.clone(), s.ready_pods_by_zone.get(z).copied().unwrap_or(0)))
            .collect();
        per_zone[0].1 += s.ready_pods_without_zone;
        unlabeled_pods += s.ready_pods_without_zone;
        let total: u32 = per_zone.iter().map(|(_, n)| n).sum();
        if total == 0 {
            summary
                .skipped_services
                .push((s.name.clone(), ServiceSkip::NoReadyPods));
            continue;
        }
        per_zone.retain(|(_, n)| *n > 0);
        let mut comment = vec![format!(
            "{}: Ready pods selected by spec.selector, per zone of their node{}",
            s.name,
            if s.not_ready_pods > 0 {
                format!(" ({} not Ready left out)", s.not_ready_pods)
            } else {
                String::new()
            }
        )];
        if s.ready_pods_without_zone > 0 {
            comment.push(format!(
                "  {} Ready pod(s) on nodes without a zone label counted in {first_zone}",
                s.ready_pods_without_zone
            ));
        }
        if s.host_network_pods > 0 {
            comment.push(format!(
                "  {} pod(s) use the host network",
                s.host_network_pods
            ));
        }
        comment.extend(describe_routing(s).into_iter().map(|l| format!("  {l}")));
        sources.services.push(comment);
        summary.ready_pods += total;
        services.push(Service {
            name: s.name.clone(),
            cluster: "default".into(),
            replicas: Replicas::PerZone(per_zone),
            colocate_with: None,
        });
        in_scenario.insert(s.name.clone(), s);
    }
    summary.skipped_services.sort_by(|a, b| a.0.cmp(&b.0));
    summary.services = services.len();
    if !unlabeled.is_empty() {
        summary.notes.push(ImportNote::UnlabeledNodesIn {
            zone: first_zone.clone(),
            nodes: unlabeled.iter().map(|g| g.count).sum(),
            ready_pods: unlabeled_pods,
        });
    }

    // Traffic.
    let scaling = Scaling {
        window: settings.window,
        hours_per_month: hours,
        gigabyte_bytes: settings.billing.gigabyte.bytes(),
    };
    let mut edges = Vec::new();
    let merged = monthly_edges(traffic, &scaling)?;
    for (from, to) in merged.requests_only {
        summary.dropped_edges.push((from, to, EdgeDrop::NoVolume));
    }
    for e in merged.edges {
        let why = if !in_scenario.contains_key(&e.from) {
            Some(EdgeDrop::UnknownClient)
        } else if !in_scenario.contains_key(&e.to) {
            Some(EdgeDrop::UnknownServer)
        } else {
            None
        };
        if let Some(why) = why {
            summary
                .dropped_edges
                .push((e.from.clone(), e.to.clone(), why));
            continue;
        }
        sources.traffic.push(edge_comment(&e, &window_text, hours));
        edges.push(TrafficEdge {
            from: e.from.clone(),
            to: e.to.clone(),
            volume: e.volume.clone(),
            connections: None,
            protocol: Protocol::Tcp,
        });
    }
    summary.edges = edges.len();
    if edges.is_empty() {
        summary.notes.push(ImportNote::NoTraffic);
    }
    if let Some(f) = &traffic.flow_logs {
        summary.flow_logs = Some(FlowFigures {
            mapped_bytes: f.edges.values().copied().sum(),
            unmapped_by_class: f.class_totals(),
            lines: f.lines_read,
            records_used: f.records_used,
            notes: f.notes.clone(),
        });
    }
    for p in [&traffic.istio.request_bytes, &traffic.istio.response_bytes]
        .into_iter()
        .flatten()
    {
        for (k, v) in &p.unmapped {
            *summary.prometheus_unmapped.entry(k.clone()).or_default() += *v;
        }
    }

    // Options.
    let called: BTreeSet<&str> = edges.iter().map(|e| e.to.as_str()).collect();
    let called: Vec<&ObservedService> = if called.is_empty() {
        in_scenario.values().copied().collect()
    } else {
        called
            .iter()
            .filter_map(|n| in_scenario.get(*n).copied())
            .collect()
    };
    let (current, comment) = current_option(&called);
    let rates = !edges.is_empty() && edges.iter().all(has_rate);
    let alts = alternatives(&current, rates);
    sources.options.push(comment);
    for a in &alts {
        sources
            .options
            .push(vec![format!("{}: standard alternative", a.name)]);
    }
    let mut options = vec![current];
    options.extend(alts);

    // Header.
    let h = &mut sources.header;
    h.push("Scenario written by `ewsim import` from:".to_string());
    for (k, d) in &settings.inputs {
        h.push(format!("  {d} ({})", k.describe()));
    }
    h.push(region_comment);
    h.push(format!(
        "Traffic observed over a window of {window_text}, scaled to a month of {hours} h \
         (billing.hours_per_month): x {hours} h / window; GB of {} bytes (billing.gigabyte)",
        scaling.gigabyte_bytes
    ));
    if let Some(f) = &traffic.flow_logs
        && f.notes.contains(&FlowNote::SameNodeTrafficNotLogged)
    {
        h.push(
            "Flow logs never see traffic between pods on the same node: those bytes are missing \
             from the volumes below"
                .into(),
        );
    }
    h.push(
        "Options: `current` is the routing in use today; the others are the standard alternatives"
            .into(),
    );

    let mut scenario = Scenario::new(settings.name.clone(), region, zones);
    scenario.billing = settings.billing.clone();
    scenario.description = Some(format!(
        "Imported from a cluster export: {} services, {} Ready pods, {} nodes",
        summary.services, summary.ready_pods, summary.nodes
    ));
    scenario.services = services;
    scenario.traffic = edges;
    scenario.options = options;
    // kube-proxy's per-connection rule walk grows with the Services in the cluster.
    scenario.latency.services_in_cluster = u32::try_from(inventory.services.len())
        .unwrap_or(u32::MAX)
        .max(1);
    sources.header.push(format!(
        "latency.services_in_cluster: the {} Services in the export",
        inventory.services.len()
    ));
    Ok(Imported {
        scenario,
        sources,
        summary,
    })
}

/// Leaves out the standard alternatives that `table` cannot price (e.g. VPC Lattice in a
/// region without a verified Lattice price), so the written scenario runs; each one left out
/// becomes a note. `current` always stays: if it cannot be priced, the run names the price.
/// An alternative is kept when the scenario's problems lie elsewhere (an instance type
/// without a price concerns every option).
pub fn drop_unpriced_alternatives(imp: &mut Imported, table: &crate::PriceTable) {
    let mut keep = vec![true; imp.scenario.options.len()];
    for (i, o) in imp.scenario.options.iter().enumerate().skip(1) {
        let mut one = imp.scenario.clone();
        one.options = vec![o.clone()];
        if let Err(e) = crate::evaluate(&one, table) {
            let all_option = e.diagnostics.iter().all(|d| {
                matches!(&d.field, crate::error::Field::Scenario(p) if p.starts_with("options"))
            });
            if all_option {
                keep[i] = false;
                imp.summary.notes.push(ImportNote::AlternativeUnpriced {
                    option: o.name.clone(),
                    reason: e
                        .diagnostics
                        .first()
                        .map(|d| d.message.clone())
                        .unwrap_or_default(),
                });
            }
        }
    }
    let mut k = keep.iter();
    imp.scenario.options.retain(|_| *k.next().unwrap_or(&true));
    let mut k = keep.iter();
    imp.sources.options.retain(|_| *k.next().unwrap_or(&true));
}
