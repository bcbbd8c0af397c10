//! Reads `kubectl get nodes,pods,services,endpointslices,ingresses -A -o json` (or `-o yaml`)
//! into an [`Inventory`].
//!
//! Formats accepted, as kubectl and the API print them:
//! - a `List` (`apiVersion: v1`, `kind: List`, `items: [...]`), which kubectl prints whenever
//!   the output may hold several kinds (kubernetes/website
//!   `content/en/docs/reference/using-api/api-concepts.md`, "Lists"); a typed list from the API
//!   (`PodList`, `NodeList`...); or bare objects;
//! - JSON (one value or several concatenated) or YAML (one or several `---` documents),
//!   told apart by the first non-blank character (`{` / `[` = JSON);
//! - keys in any order: kubectl's JSON has sorted keys, so an EndpointSlice's `addressType` and
//!   `endpoints` come before its `kind`. Fields met after `kind` are read directly into typed
//!   structs (a wrong type is reported at its line and column); fields met before it are
//!   buffered and typed when `kind` is read (a wrong type is reported at the `kind` line).
//!
//! Field meanings follow the API reference (`reference/kubernetes-api/...`): Node
//! `status.allocatable.cpu` is a quantity (`1930m`, `2`, `1.5`), `status.conditions[type=Ready]`;
//! Pod `spec.nodeName`, `spec.hostNetwork`, `spec.containers[].ports[]`, `status.podIP(s)`,
//! `status.phase`; Service `spec.selector`, `spec.clusterIP` (`None` = headless), `spec.ports[]`
//! with `targetPort` a number or a container-port name; EndpointSlice (`discovery.k8s.io/v1`)
//! `addressType`, `endpoints[].{addresses, conditions.ready, nodeName, zone, hints.forZones[].name,
//! hints.forNodes[].name, targetRef}`, `ports[]`, label `kubernetes.io/service-name`; Ingress
//! (`networking.k8s.io/v1`) `spec.ingressClassName`, `defaultBackend`, `rules[].http.paths[].backend`.
//!
//! Each pod's workload is derived as Istio derives `source_workload` (istio/istio
//! `pkg/kube/util.go`, `GetDeployMetaFromPod` / `GetWorkloadMetaFromPod`): the label
//! `service.istio.io/workload-name` if present; otherwise, for a pod with `generateName` and a
//! controller owner reference, the controller's name, with the `-<pod-template-hash>` suffix cut
//! from a ReplicaSet's name (kind Deployment) and a `-<8 to 10 digits>` suffix cut from a Job's
//! name (kind CronJob); otherwise the pod's own name.

mod raw;

use super::inventory::*;
use super::{ImportError, ImportErrorKind, ImportLocation, Protocol};
use raw::*;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// Reads every document into one inventory and checks cross-references (a pod's node).
/// `documents` are `(name, text)` pairs; the name is what errors carry.
pub fn read_inventory(documents: &[(&str, &str)]) -> Result<Inventory, ImportError> {
    let mut reader = InventoryReader::new();
    for (name, text) in documents {
        reader.add_document(name, text)?;
    }
    reader.finish()
}

/// Accumulates documents (a combined export, or one file per kind) into an [`Inventory`].
#[derive(Debug, Default)]
pub struct InventoryReader {
    inventory: Inventory,
    seen: BTreeSet<(String, String)>,
}

impl InventoryReader {
    /// An empty reader.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses one document (JSON or YAML, possibly several documents in one text) and adds
    /// its objects.
    pub fn add_document(&mut self, document: &str, text: &str) -> Result<(), ImportError> {
        let docs = parse_text(document, text)?;
        for (document_index, doc) in docs.into_iter().enumerate() {
            if doc.empty {
                continue; // an empty document (`---` alone)
            }
            // Items of an API list (`PodList`) may omit their kind: it is the list's minus `List`.
            let item_kind = doc
                .kind
                .as_deref()
                .and_then(|k| k.strip_suffix("List"))
                .filter(|k| !k.is_empty())
                .map(str::to_string);
            match doc.items {
                Some(items) => {
                    for (i, mut item) in items.into_iter().enumerate() {
                        if let (None, Some(k)) = (&item.kind, &item_kind) {
                            item.assign_kind(k).map_err(|e| {
                                let origin = Origin {
                                    document: document.to_string(),
                                    document_index,
                                    item_index: Some(i),
                                };
                                let name = item.metadata.name.clone().unwrap_or_default();
                                ImportError::new(
                                    document,
                                    item_location(&origin, k, &name),
                                    ImportErrorKind::Syntax {
                                        message: e.to_string(),
                                    },
                                )
                            })?;
                        }
                        self.add_object(document, document_index, Some(i), item)?;
                    }
                }
                None => self.add_object(document, document_index, None, doc)?,
            }
        }
        Ok(())
    }

    /// Checks references between documents and returns the inventory: every scheduled pod's
    /// node must be in the export.
    pub fn finish(self) -> Result<Inventory, ImportError> {
        let nodes: BTreeSet<&str> = self
            .inventory
            .nodes
            .iter()
            .map(|n| n.name.as_str())
            .collect();
        for pod in &self.inventory.pods {
            if let Some(node) = &pod.node
                && !nodes.contains(node.as_str())
            {
                return Err(ImportError::new(
                    &pod.origin.document,
                    item_location(&pod.origin, "Pod", &pod.key()),
                    ImportErrorKind::UnknownNode {
                        pod: pod.key(),
                        node: node.clone(),
                    },
                ));
            }
        }
        Ok(self.inventory)
    }

    fn add_object(
        &mut self,
        document: &str,
        document_index: usize,
        item_index: Option<usize>,
        raw: RawObject,
    ) -> Result<(), ImportError> {
        let origin = Origin {
            document: document.to_string(),
            document_index,
            item_index,
        };
        let meta = &raw.metadata;
        let namespace = meta
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_string());
        let name = meta.name.clone().unwrap_or_default();
        let kind = match &raw.kind {
            Some(k) => k.clone(),
            None => {
                return Err(ImportError::new(
                    document,
                    item_location(&origin, "?", &name),
                    ImportErrorKind::MissingField {
                        field: "kind".into(),
                    },
                ));
            }
        };
        let display = match kind.as_str() {
            "Node" => name.clone(),
            _ => format!("{namespace}/{name}"),
        };
        let err = |kind_: ImportErrorKind| {
            ImportError::new(document, item_location(&origin, &kind, &display), kind_)
        };
        if name.is_empty() && matches!(raw.body, Body::Node(..) | Body::Pod(..) | Body::Service(..))
        {
            return Err(err(ImportErrorKind::MissingField {
                field: "metadata.name".into(),
            }));
        }
        if !matches!(raw.body, Body::Other) && !self.seen.insert((kind.clone(), display.clone())) {
            return Err(err(ImportErrorKind::Duplicate {
                kind: kind.clone(),
                name: display.clone(),
            }));
        }
        let labels = scalars(&raw.metadata.labels);
        let annotations = scalars(&raw.metadata.annotations);
        match raw.body {
            Body::Node(status) => {
                let node = convert_node(name, labels, *status, origin.clone()).map_err(err)?;
                self.inventory.nodes.push(node);
            }
            Body::Pod(spec, status) => {
                let workload = workload_of(&raw.metadata, &name, &labels);
                let pod = convert_pod(
                    (namespace, name, labels, workload),
                    *spec,
                    *status,
                    origin.clone(),
                )
                .map_err(err)?;
                self.inventory.pods.push(pod);
            }
            Body::Service(spec) => {
                let svc = convert_service(namespace, name, annotations, *spec, origin.clone())
                    .map_err(err)?;
                self.inventory.services.push(svc);
            }
            Body::Ingress(spec) => {
                let ing = convert_ingress(namespace, name, &annotations, *spec, origin.clone());
                self.inventory.ingresses.push(ing);
            }
            Body::Slice(slice) => {
                let s =
                    convert_slice(namespace, name, &labels, *slice, origin.clone()).map_err(err)?;
                self.inventory.endpoint_slices.push(s);
            }
            Body::Other => {
                *self.inventory.ignored_kinds.entry(kind).or_insert(0) += 1;
            }
        }
        Ok(())
    }
}

fn item_location(origin: &Origin, kind: &str, name: &str) -> ImportLocation {
    ImportLocation::Item {
        document_index: origin.document_index,
        item_index: origin.item_index,
        kind: kind.to_string(),
        name: name.to_string(),
    }
}

/// Raises serde-saphyr's default budget (1M events, 250k nodes) so a few thousand pods fit;
/// still a bound on work, as the design asks.
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: 50_000_000,
            max_nodes: 20_000_000,
        },
    }
}

fn parse_text(document: &str, text: &str) -> Result<Vec<RawObject>, ImportError> {
    let first = text.trim_start().chars().next();
    if matches!(first, Some('{') | Some('[')) {
        let mut out = Vec::new();
        for value in serde_json::Deserializer::from_str(text).into_iter::<RawObject>() {
            out.push(value.map_err(|e| json_error(document, &e))?);
        }
        Ok(out)
    } else {
        serde_saphyr::from_multiple_with_options::<RawObject>(text, yaml_options())
            .map_err(|e| yaml_error(document, &e))
    }
}

/// A serde_json error with its position (the message without serde_json's own suffix).
pub(crate) fn json_error(document: &str, e: &serde_json::Error) -> ImportError {
    let mut message = e.to_string();
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    let location = if e.line() > 0 {
        ImportLocation::LineColumn {
            line: e.line() as u64,
            column: e.column() as u64,
        }
    } else {
        ImportLocation::Document
    };
    ImportError::new(document, location, ImportErrorKind::Syntax { message })
}

fn yaml_error(document: &str, e: &serde_saphyr::Error) -> ImportError {
    let inner = e.without_snippet();
    let location = match inner.location().filter(|l| l.line() > 0) {
        Some(l) => ImportLocation::LineColumn {
            line: l.line(),
            column: l.column(),
        },
        None => ImportLocation::Document,
    };
    let mut message = inner.to_string();
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    let message = message
        .lines()
        .next()
        .unwrap_or("invalid YAML")
        .trim()
        .to_string();
    ImportError::new(document, location, ImportErrorKind::Syntax { message })
}

// ------------------------------------------------------------------ conversion

fn scalars(map: &Option<BTreeMap<String, Scalar>>) -> BTreeMap<String, String> {
    map.iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.text.clone()))
        .collect()
}

fn parse_ip(field: &str, text: &str) -> Result<IpAddr, ImportErrorKind> {
    text.trim().parse().map_err(|_| ImportErrorKind::BadValue {
        field: field.to_string(),
        value: text.to_string(),
        reason: "not an IP address".into(),
    })
}

fn protocol(field: &str, text: Option<&str>) -> Result<Protocol, ImportErrorKind> {
    Protocol::from_k8s(text).ok_or_else(|| ImportErrorKind::BadValue {
        field: field.to_string(),
        value: text.unwrap_or_default().to_string(),
        reason: "protocol must be TCP, UDP or SCTP".into(),
    })
}

fn condition_true(conditions: &Option<Vec<RawCondition>>, kind: &str) -> bool {
    conditions
        .iter()
        .flatten()
        .any(|c| c.kind == kind && c.status.text == "True")
}

/// A CPU quantity in millicores, rounded up like `Quantity.MilliValue` (`1930m`, `2`, `1.5`).
fn cpu_millis(text: &str) -> Option<u64> {
    let cores = crate::units::parse_cpu_cores(text).ok()?;
    let millis = (cores * rust_decimal::Decimal::from(1000)).ceil();
    u64::try_from(millis).ok()
}

fn convert_node(
    name: String,
    labels: BTreeMap<String, String>,
    status: RawNodeStatus,
    origin: Origin,
) -> Result<Node, ImportErrorKind> {
    let allocatable_cpu_millis = match status.allocatable.as_ref().and_then(|a| a.get("cpu")) {
        Some(q) => Some(
            cpu_millis(&q.text).ok_or_else(|| ImportErrorKind::BadQuantity {
                field: "status.allocatable.cpu".into(),
                value: q.text.clone(),
            })?,
        ),
        None => None,
    };
    let mut internal_ips = Vec::new();
    for a in status.addresses.iter().flatten() {
        if a.kind == "InternalIP" {
            internal_ips.push(parse_ip("status.addresses[].address", &a.address)?);
        }
    }
    Ok(Node {
        zone: labels.get(ZONE_LABEL).filter(|z| !z.is_empty()).cloned(),
        instance_type: labels.get(INSTANCE_TYPE_LABEL).cloned(),
        control_plane: CONTROL_PLANE_LABELS.iter().any(|l| labels.contains_key(*l)),
        ready: condition_true(&status.conditions, "Ready"),
        allocatable_cpu_millis,
        internal_ips,
        name,
        labels,
        origin,
    })
}

/// The Istio workload of a pod (module docs give the rule and its source).
fn workload_of(meta: &RawMeta, pod_name: &str, labels: &BTreeMap<String, String>) -> Workload {
    let mut kind = "Pod".to_string();
    let mut name = pod_name.to_string();
    let generated = meta.generate_name.as_deref().is_some_and(|g| !g.is_empty());
    let controller = meta
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true));
    if let (true, Some(owner)) = (generated, controller) {
        kind = owner.kind.clone();
        name = owner.name.clone();
        let hash = labels.get("pod-template-hash").filter(|h| !h.is_empty());
        if let (true, Some(h)) = (kind == "ReplicaSet", hash)
            && let Some(base) = owner
                .name
                .strip_suffix(h.as_str())
                .and_then(|b| b.strip_suffix('-'))
        {
            name = base.to_string();
            kind = "Deployment".into();
        } else if kind == "Job"
            && let Some((base, suffix)) = owner.name.rsplit_once('-')
            && (8..=10).contains(&suffix.len())
            && suffix.bytes().all(|b| b.is_ascii_digit())
            && !base.is_empty()
        {
            name = base.to_string();
            kind = "CronJob".into();
        }
    }
    if let Some(w) = labels.get("service.istio.io/workload-name") {
        name = w.clone();
    }
    if name.is_empty() {
        name = pod_name.to_string();
    }
    Workload { kind, name }
}

fn convert_pod(
    (namespace, name, labels, workload): (String, String, BTreeMap<String, String>, Workload),
    spec: RawPodSpec,
    status: RawPodStatus,
    origin: Origin,
) -> Result<Pod, ImportErrorKind> {
    let mut ips = Vec::new();
    for ip in status.pod_ips.iter().flatten() {
        ips.push(parse_ip("status.podIPs[].ip", &ip.ip)?);
    }
    if ips.is_empty()
        && let Some(ip) = status.pod_ip.as_deref().filter(|s| !s.is_empty())
    {
        ips.push(parse_ip("status.podIP", ip)?);
    }
    let mut container_ports = Vec::new();
    for c in spec.containers.iter().flatten() {
        for p in c.ports.iter().flatten() {
            container_ports.push(ContainerPort {
                name: p.name.clone(),
                port: p.container_port,
                protocol: protocol("spec.containers[].ports[].protocol", p.protocol.as_deref())?,
            });
        }
    }
    Ok(Pod {
        namespace,
        name,
        node: spec.node_name.filter(|n| !n.is_empty()),
        ips,
        host_network: spec.host_network.unwrap_or(false),
        ready: condition_true(&status.conditions, "Ready"),
        phase: status.phase,
        labels,
        container_ports,
        workload,
        origin,
    })
}

const AWS_PREFIX: &str = "service.beta.kubernetes.io/aws-load-balancer-";

fn aws_annotations(a: &BTreeMap<String, String>) -> AwsLbAnnotations {
    let get = |suffix: &str| a.get(&format!("{AWS_PREFIX}{suffix}")).cloned();
    // `load_balancing.cross_zone.enabled=true` inside the attributes string map wins over the
    // older boolean annotation (controller docs: the latter is deprecated in favour of it).
    let from_attributes = get("attributes").and_then(|attrs| {
        attrs.split(',').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k.trim() == "load_balancing.cross_zone.enabled").then(|| v.trim() == "true")
        })
    });
    let legacy = get("cross-zone-load-balancing-enabled").map(|v| v.trim() == "true");
    AwsLbAnnotations {
        lb_type: get("type"),
        nlb_target_type: get("nlb-target-type"),
        scheme: get("scheme"),
        internal: get("internal"),
        cross_zone: from_attributes.or(legacy),
        alb_target_type: a.get("alb.ingress.kubernetes.io/target-type").cloned(),
    }
}

fn convert_service(
    namespace: String,
    name: String,
    annotations: BTreeMap<String, String>,
    spec: RawServiceSpec,
    origin: Origin,
) -> Result<Service, ImportErrorKind> {
    let cluster_ip = match spec.cluster_ip.as_deref() {
        Some("None") => ClusterIp::Headless,
        Some("") | None => ClusterIp::Unset,
        Some(ip) => ClusterIp::Ip(parse_ip("spec.clusterIP", ip)?),
    };
    let mut ports = Vec::new();
    for p in spec.ports.iter().flatten() {
        let target_port = match &p.target_port {
            None => TargetPort::Number(p.port),
            Some(s) if s.number => {
                TargetPort::Number(s.text.parse().map_err(|_| ImportErrorKind::BadValue {
                    field: "spec.ports[].targetPort".into(),
                    value: s.text.clone(),
                    reason: "not a port number (1-65535)".into(),
                })?)
            }
            Some(s) => TargetPort::Name(s.text.clone()),
        };
        ports.push(ServicePort {
            name: p.name.clone(),
            port: p.port,
            target_port,
            protocol: protocol("spec.ports[].protocol", p.protocol.as_deref())?,
        });
    }
    Ok(Service {
        selector: spec.selector.as_ref().map(|s| scalars(&Some(s.clone()))),
        cluster_ip,
        service_type: spec.service_type.unwrap_or_else(|| "ClusterIP".into()),
        ports,
        internal_traffic_policy: spec.internal_traffic_policy,
        traffic_distribution: spec.traffic_distribution,
        load_balancer_class: spec.load_balancer_class,
        topology_mode: annotations
            .get("service.kubernetes.io/topology-mode")
            .cloned(),
        topology_aware_hints: annotations
            .get("service.kubernetes.io/topology-aware-hints")
            .cloned(),
        aws: aws_annotations(&annotations),
        namespace,
        name,
        annotations,
        origin,
    })
}

fn convert_ingress(
    namespace: String,
    name: String,
    annotations: &BTreeMap<String, String>,
    spec: RawIngressSpec,
    origin: Origin,
) -> Ingress {
    let mut backend_services = Vec::new();
    let mut add = |b: &Option<RawBackend>| {
        if let Some(svc) = b.as_ref().and_then(|b| b.service.as_ref())
            && !backend_services.contains(&svc.name)
        {
            backend_services.push(svc.name.clone());
        }
    };
    add(&spec.default_backend);
    for rule in spec.rules.iter().flatten() {
        for path in rule.http.iter().flat_map(|h| h.paths.iter()) {
            add(&path.backend);
        }
    }
    Ingress {
        class: spec
            .ingress_class_name
            .or_else(|| annotations.get("kubernetes.io/ingress.class").cloned()),
        scheme: annotations.get("alb.ingress.kubernetes.io/scheme").cloned(),
        target_type: annotations
            .get("alb.ingress.kubernetes.io/target-type")
            .cloned(),
        namespace,
        name,
        backend_services,
        origin,
    }
}

fn names(list: &Option<Vec<RawName>>) -> Option<Vec<String>> {
    list.as_ref()
        .map(|l| l.iter().map(|n| n.name.clone()).collect())
}

fn convert_slice(
    namespace: String,
    name: String,
    labels: &BTreeMap<String, String>,
    raw: RawSlice,
    origin: Origin,
) -> Result<EndpointSlice, ImportErrorKind> {
    let address_type = raw.address_type.ok_or(ImportErrorKind::MissingField {
        field: "addressType".into(),
    })?;
    let endpoints = raw
        .endpoints
        .into_iter()
        .flatten()
        .map(|e| {
            let c = e.conditions.unwrap_or_default();
            let hints = e.hints.unwrap_or_default();
            Endpoint {
                addresses: e.addresses,
                ready: c.ready,
                serving: c.serving,
                terminating: c.terminating,
                node_name: e.node_name,
                zone: e.zone,
                for_zones: names(&hints.for_zones),
                for_nodes: names(&hints.for_nodes),
                target: e.target_ref.map(|t| {
                    format!(
                        "{} {}/{}",
                        t.kind.unwrap_or_default(),
                        t.namespace.unwrap_or_default(),
                        t.name.unwrap_or_default()
                    )
                }),
            }
        })
        .collect();
    let mut ports = Vec::new();
    for p in raw.ports.iter().flatten() {
        ports.push(EndpointPort {
            name: p.name.clone().filter(|n| !n.is_empty()),
            port: p.port,
            protocol: protocol("ports[].protocol", p.protocol.as_deref())?,
        });
    }
    Ok(EndpointSlice {
        namespace,
        name,
        service: labels.get(SERVICE_NAME_LABEL).cloned(),
        address_type,
        endpoints,
        ports,
        origin,
    })
}

#[cfg(test)]
mod tests;
