//! The typed inventory read from a `kubectl` export: only the fields ewsim uses, with
//! Kubernetes defaults applied (absent protocol = TCP, absent `targetPort` = `port`, absent
//! endpoint `ready` kept as `None`). Built by [`crate::import::kubectl`].

use super::Protocol;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Label on Nodes naming their availability zone (`v1.LabelTopologyZone`).
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
/// Label on Nodes naming their EC2 instance type (`v1.LabelInstanceTypeStable`).
pub const INSTANCE_TYPE_LABEL: &str = "node.kubernetes.io/instance-type";
/// Control-plane role labels (any value), as the EndpointSlice controller excludes them
/// (`hasExcludedLabels`, reference/k8s-routing.md §1.3).
pub const CONTROL_PLANE_LABELS: [&str; 2] = [
    "node-role.kubernetes.io/control-plane",
    "node-role.kubernetes.io/master",
];
/// Label on EndpointSlices naming their Service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// Where an object was read: which document and item, for errors found after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The document name the caller gave.
    pub document: String,
    /// 0-based YAML/JSON document index within it.
    pub document_index: usize,
    /// 0-based index in a List's `items`, `None` for a bare object.
    pub item_index: Option<usize>,
}

/// Everything read from one or more `kubectl` documents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inventory {
    /// Nodes, in input order.
    pub nodes: Vec<Node>,
    /// Pods, in input order.
    pub pods: Vec<Pod>,
    /// Services, in input order.
    pub services: Vec<Service>,
    /// Ingresses, in input order.
    pub ingresses: Vec<Ingress>,
    /// EndpointSlices, in input order.
    pub endpoint_slices: Vec<EndpointSlice>,
    /// Objects of other kinds (Deployments, ConfigMaps...), counted by kind and ignored.
    pub ignored_kinds: BTreeMap<String, usize>,
}

/// A Node.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// `metadata.name`.
    pub name: String,
    /// The `topology.kubernetes.io/zone` label; `None` when missing or empty.
    pub zone: Option<String>,
    /// The `node.kubernetes.io/instance-type` label.
    pub instance_type: Option<String>,
    /// `status.allocatable.cpu` in millicores (rounded up, as Kubernetes rounds `MilliValue`);
    /// `None` when not reported.
    pub allocatable_cpu_millis: Option<u64>,
    /// Condition `Ready` is `True`.
    pub ready: bool,
    /// Carries a control-plane role label.
    pub control_plane: bool,
    /// `status.addresses` of type `InternalIP`.
    pub internal_ips: Vec<IpAddr>,
    /// All labels.
    pub labels: BTreeMap<String, String>,
    /// Where it was read.
    pub origin: Origin,
}

/// The controller a pod belongs to, as Istio names `source_workload` (see
/// [`crate::import::kubectl`] for the rule).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Workload {
    /// `Deployment`, `StatefulSet`, `DaemonSet`, `CronJob`, `Job`, `Pod`...
    pub kind: String,
    /// The workload name.
    pub name: String,
}

/// A named container port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerPort {
    /// `name`, when given (what named `targetPort`s refer to).
    pub name: Option<String>,
    /// `containerPort`.
    pub port: u16,
    /// `protocol`.
    pub protocol: Protocol,
}

/// A Pod.
#[derive(Debug, Clone, PartialEq)]
pub struct Pod {
    /// `metadata.namespace` (`default` when absent).
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// `spec.nodeName` (`None` while unscheduled).
    pub node: Option<String>,
    /// `status.podIPs` (or `status.podIP`).
    pub ips: Vec<IpAddr>,
    /// `spec.hostNetwork`: the pod uses its node's addresses.
    pub host_network: bool,
    /// Condition `Ready` is `True`.
    pub ready: bool,
    /// `status.phase`.
    pub phase: Option<String>,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Ports of all containers.
    pub container_ports: Vec<ContainerPort>,
    /// The owning workload, derived like Istio's `source_workload`.
    pub workload: Workload,
    /// Where it was read.
    pub origin: Origin,
}

impl Pod {
    /// `namespace/name`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// Running or pending (not `Succeeded` / `Failed`): a pod that can hold an address.
    pub fn is_live(&self) -> bool {
        !matches!(self.phase.as_deref(), Some("Succeeded") | Some("Failed"))
    }

    /// The port a named target port resolves to on this pod, per protocol.
    pub fn named_port(&self, name: &str, protocol: Protocol) -> Option<u16> {
        self.container_ports
            .iter()
            .find(|p| p.name.as_deref() == Some(name) && p.protocol == protocol)
            .map(|p| p.port)
    }
}

/// `spec.clusterIP` of a Service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterIp {
    /// `None`: a headless Service (no virtual IP, DNS returns the pods).
    Headless,
    /// A virtual IP.
    Ip(IpAddr),
    /// Not set in the export (e.g. an ExternalName Service).
    Unset,
}

/// `targetPort` of a Service port: a number or the name of a container port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetPort {
    /// A port number.
    Number(u16),
    /// A container port name, resolved per pod.
    Name(String),
}

/// One `spec.ports[]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePort {
    /// `name`.
    pub name: Option<String>,
    /// `port` (the Service's own port).
    pub port: u16,
    /// `targetPort` (absent = `port`, the API default).
    pub target_port: TargetPort,
    /// `protocol`.
    pub protocol: Protocol,
}

/// AWS load-balancer settings written on a Service as annotations (AWS Load Balancer
/// Controller `docs/guide/service/annotations.md` and `nlb.md`; in-tree cloud provider
/// `service_controller.md`). Values are kept as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsLbAnnotations {
    /// `service.beta.kubernetes.io/aws-load-balancer-type` (`external` for the controller,
    /// `nlb` in-tree, `nlb-ip` legacy controller IP mode).
    pub lb_type: Option<String>,
    /// `...-nlb-target-type`: `ip` or `instance`.
    pub nlb_target_type: Option<String>,
    /// `...-scheme`: `internal` or `internet-facing` (controller default `internal`).
    pub scheme: Option<String>,
    /// `...-internal` (deprecated boolean, in-tree).
    pub internal: Option<String>,
    /// Cross-zone load balancing as stated: `load_balancing.cross_zone.enabled` inside
    /// `...-attributes`, else the older `...-cross-zone-load-balancing-enabled`.
    pub cross_zone: Option<bool>,
    /// `alb.ingress.kubernetes.io/target-type` on the Service (overrides the Ingress's).
    pub alb_target_type: Option<String>,
}

/// A Service.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// `spec.selector`; `None` (or empty) for a selector-less Service.
    pub selector: Option<BTreeMap<String, String>>,
    /// `spec.clusterIP`.
    pub cluster_ip: ClusterIp,
    /// `spec.type` (`ClusterIP` when absent).
    pub service_type: String,
    /// `spec.ports`.
    pub ports: Vec<ServicePort>,
    /// `spec.internalTrafficPolicy` (`Cluster` or `Local`).
    pub internal_traffic_policy: Option<String>,
    /// `spec.trafficDistribution` (`PreferClose`, `PreferSameZone`, `PreferSameNode`).
    pub traffic_distribution: Option<String>,
    /// `spec.loadBalancerClass` (`service.k8s.aws/nlb` for the controller).
    pub load_balancer_class: Option<String>,
    /// Annotation `service.kubernetes.io/topology-mode`.
    pub topology_mode: Option<String>,
    /// Annotation `service.kubernetes.io/topology-aware-hints` (deprecated; wins when present).
    pub topology_aware_hints: Option<String>,
    /// AWS load-balancer annotations.
    pub aws: AwsLbAnnotations,
    /// All annotations.
    pub annotations: BTreeMap<String, String>,
    /// Where it was read.
    pub origin: Origin,
}

impl Service {
    /// `namespace/name`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// Has a non-empty selector (the endpoints controller manages its EndpointSlices).
    pub fn has_selector(&self) -> bool {
        self.selector.as_ref().is_some_and(|s| !s.is_empty())
    }

    /// Whether the selector matches these labels (all pairs equal).
    pub fn selects(&self, labels: &BTreeMap<String, String>) -> bool {
        match &self.selector {
            Some(sel) if !sel.is_empty() => sel.iter().all(|(k, v)| labels.get(k) == Some(v)),
            _ => false,
        }
    }
}

/// An Ingress.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingress {
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// `spec.ingressClassName`, else annotation `kubernetes.io/ingress.class`.
    pub class: Option<String>,
    /// `alb.ingress.kubernetes.io/scheme` (controller default `internal`).
    pub scheme: Option<String>,
    /// `alb.ingress.kubernetes.io/target-type` (controller default `instance`).
    pub target_type: Option<String>,
    /// Services named by `defaultBackend` and `rules[].http.paths[].backend`, same namespace.
    pub backend_services: Vec<String>,
    /// Where it was read.
    pub origin: Origin,
}

/// An EndpointSlice endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `addresses`.
    pub addresses: Vec<String>,
    /// `conditions.ready` as written (`None` = unknown; the API says consumers should mostly
    /// treat it as ready, the topology controller treats it as not ready).
    pub ready: Option<bool>,
    /// `conditions.serving`.
    pub serving: Option<bool>,
    /// `conditions.terminating`.
    pub terminating: Option<bool>,
    /// `nodeName`.
    pub node_name: Option<String>,
    /// `zone`.
    pub zone: Option<String>,
    /// `hints.forZones[].name`; `None` when the endpoint has no `hints`.
    pub for_zones: Option<Vec<String>>,
    /// `hints.forNodes[].name` (PreferSameNode, Kubernetes 1.33+).
    pub for_nodes: Option<Vec<String>>,
    /// `targetRef` as `Kind namespace/name`.
    pub target: Option<String>,
}

/// An EndpointSlice port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointPort {
    /// `name`.
    pub name: Option<String>,
    /// `port` (`None` = all ports).
    pub port: Option<u16>,
    /// `protocol`.
    pub protocol: Protocol,
}

/// An EndpointSlice.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointSlice {
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// Label `kubernetes.io/service-name`.
    pub service: Option<String>,
    /// `addressType` (`IPv4`, `IPv6`, `FQDN`).
    pub address_type: String,
    /// `endpoints`.
    pub endpoints: Vec<Endpoint>,
    /// `ports`.
    pub ports: Vec<EndpointPort>,
    /// Where it was read.
    pub origin: Origin,
}
