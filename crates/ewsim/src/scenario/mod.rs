//! The typed scenario model: what a user describes in `scenario.yaml`, after units are parsed.
//!
//! Library users may build a [`Scenario`] in code; the YAML loader ([`crate::loader`]) produces the
//! same types and remembers where each value came from so that problems point at file:line:column.

pub mod kinds;
mod per_service;

pub use per_service::{PerServiceRouting, ServiceRouting};

use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A complete scenario: topology, services, traffic and the options to compare.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Short title used in reports.
    pub name: String,
    /// Free text shown in reports.
    pub description: Option<String>,
    /// Pricing region, e.g. `us-east-1`; selects the built-in price table.
    pub region: String,
    /// Billing conventions (explicit, defaults as AWS bills).
    pub billing: Billing,
    /// Price overrides by price-table key (e.g. `alb_hour`), applied on top of the region's table.
    pub prices: BTreeMap<String, Decimal>,
    /// `pricing:`, a price table or price override file named by the scenario, as written (a path
    /// relative to the scenario file); the binary resolves and loads it, a command-line price
    /// file wins over it. The library itself never reads it.
    pub pricing_file: Option<String>,
    /// Clusters with their zones and nodes. A scenario with top-level `zones:` has one cluster.
    pub clusters: Vec<Cluster>,
    /// How VPCs of different clusters are connected (only used with more than one VPC).
    pub vpc_connectivity: VpcConnectivity,
    /// Workloads whose pods send or receive traffic.
    pub services: Vec<Service>,
    /// Service-to-service traffic edges.
    pub traffic: Vec<TrafficEdge>,
    /// The connection options to compare, each priced over all traffic edges.
    pub options: Vec<OptionSpec>,
    /// Latency simulation settings.
    pub latency: LatencySettings,
    /// Entry points and downstream calls for end-to-end latency (optional).
    pub call_graph: Option<CallGraph>,
    /// Parts of the month with other replica counts (scale-in, skew); empty means the services'
    /// `replicas` hold all month.
    pub states: Vec<ReplicaState>,
}

/// A part of the month during which some services run other replica counts.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicaState {
    /// State name shown in reports.
    pub name: String,
    /// How much of the month the state lasts.
    pub time: StateTime,
    /// Replica overrides by service name (every declaration of that name); other services keep
    /// their `replicas`.
    pub replicas: Vec<(String, Replicas)>,
}

/// How long a [`ReplicaState`] lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateTime {
    /// Hours per day (the states' hours sum to 24).
    HoursPerDay(Decimal),
    /// Share of the month (the states' shares sum to 1).
    Share(Decimal),
}

impl StateTime {
    /// `x` weighted by the state's share of the month (hours are multiplied before dividing by 24,
    /// so whole-hour states stay exact as long as the division allows).
    pub fn weigh(self, x: Decimal) -> Decimal {
        match self {
            StateTime::HoursPerDay(h) => x * h / Decimal::from(24),
            StateTime::Share(s) => x * s,
        }
    }

    /// The share of the month.
    pub fn share(self) -> Decimal {
        self.weigh(Decimal::ONE)
    }
}

/// Billing conventions. Defaults are how AWS bills; the reference guide used other values, so each is
/// a setting rather than a hidden assumption.
#[derive(Debug, Clone, PartialEq)]
pub struct Billing {
    /// Hours in a billing month: AWS uses 730 (8,760 / 12); the ELB pricing examples use 720.
    pub hours_per_month: Decimal,
    /// Whether an inter-AZ byte is charged at the sender and the receiver (AWS) or once.
    pub inter_az: InterAzBilling,
    /// How capacity units (LCU / NLCU) are taken from traffic.
    pub capacity_units: CapacityUnitRule,
    /// How many bytes make the gigabyte that prices are quoted in.
    pub gigabyte: GigabyteUnit,
}

impl Default for Billing {
    fn default() -> Self {
        Billing {
            hours_per_month: Decimal::from(730),
            inter_az: InterAzBilling::BothSides,
            capacity_units: CapacityUnitRule::HourlyMax,
            gigabyte: GigabyteUnit::Binary,
        }
    }
}

/// Inter-AZ billing convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterAzBilling {
    /// $0.01/GB out at the sender plus $0.01/GB in at the receiver (AWS).
    BothSides,
    /// $0.01/GB once per byte crossing (the reference guide's simplification).
    OneSide,
}

impl InterAzBilling {
    /// How many times a crossing byte is charged.
    pub fn sides(self) -> Decimal {
        match self {
            InterAzBilling::BothSides => Decimal::TWO,
            InterAzBilling::OneSide => Decimal::ONE,
        }
    }

    /// The spelling used in scenario files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            InterAzBilling::BothSides => "both-sides",
            InterAzBilling::OneSide => "one-side",
        }
    }
}

/// How capacity units are derived from traffic each hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapacityUnitRule {
    /// The largest of the dimensions each hour (AWS billing).
    HourlyMax,
    /// Processed bytes only (the reference guide's calculation note).
    BytesOnly,
}

impl CapacityUnitRule {
    /// The spelling used in scenario files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            CapacityUnitRule::HourlyMax => "hourly-max",
            CapacityUnitRule::BytesOnly => "bytes-only",
        }
    }
}

/// The byte count of one billed gigabyte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GigabyteUnit {
    /// 2^30 bytes, consistent with 1 TB = 1,024 GB as AWS bills data transfer.
    Binary,
    /// 10^9 bytes, as the AWS ELB pricing examples compute (300 KB/s x 3,600 s = 1.08 GB).
    Decimal,
}

impl GigabyteUnit {
    /// Bytes per gigabyte.
    pub fn bytes(self) -> Decimal {
        match self {
            GigabyteUnit::Binary => Decimal::from(1u64 << 30),
            GigabyteUnit::Decimal => Decimal::from(1_000_000_000u64),
        }
    }

    /// The spelling used in scenario files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            GigabyteUnit::Binary => "binary",
            GigabyteUnit::Decimal => "decimal",
        }
    }
}

/// How the VPCs of several clusters reach each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VpcConnectivity {
    /// VPC peering: same-AZ free, cross-AZ at the inter-AZ rate.
    Peering,
    /// Transit Gateway: attachment hours plus per-GB processing on every byte sent into it.
    TransitGateway,
}

impl VpcConnectivity {
    /// The spelling used in scenario files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            VpcConnectivity::Peering => "peering",
            VpcConnectivity::TransitGateway => "transit-gateway",
        }
    }
}

/// One Kubernetes cluster in one VPC.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Unique cluster name.
    pub name: String,
    /// The VPC it runs in; clusters in one VPC talk without peering or a Transit Gateway.
    pub vpc: String,
    /// Availability zones with nodes, in file order (spreads fill zones in this order).
    pub zones: Vec<Zone>,
}

/// An availability zone of a cluster and its worker nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// Zone name, e.g. `us-east-1a`. Clusters in one region share zone names.
    pub name: String,
    /// Worker nodes in this zone: the first (often the only) node group.
    pub nodes: NodeGroup,
    /// Further node groups of the zone (`nodes:` written as a list), each with its own count,
    /// instance type, CPU and attributes; empty for the single-mapping form.
    pub more_nodes: Vec<NodeGroup>,
}

impl Zone {
    /// Every node group of the zone, the first one first.
    pub fn groups(&self) -> impl Iterator<Item = &NodeGroup> {
        std::iter::once(&self.nodes).chain(&self.more_nodes)
    }

    /// Nodes of every group.
    pub fn node_count(&self) -> u64 {
        self.groups().map(|g| u64::from(g.count)).sum()
    }
}

/// Identical worker nodes in one zone.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeGroup {
    /// Number of nodes (at least one).
    pub count: u32,
    /// EC2 instance type, priced from the table's `instances`.
    pub instance_type: String,
    /// Allocatable CPU per node in cores (defaults to the instance's vCPUs).
    pub allocatable_cpu: Option<Decimal>,
    /// Attributes of some of the `count` nodes (all zero by default).
    pub attributes: NodeAttributes,
}

/// How many of a zone's nodes differ from a Ready, zone-labelled worker. The groups are disjoint
/// and counted within the zone's `count`; within a zone the nodes are ordered labelled workers,
/// `unlabeled`, `not_ready`, `control_plane`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NodeAttributes {
    /// Nodes whose `Ready` condition is not `True`: no pods run there and the EndpointSlice
    /// controller ignores their CPU.
    pub not_ready: u32,
    /// Control-plane nodes (`node-role.kubernetes.io/control-plane`): no pods run there and the
    /// controller ignores their CPU.
    pub control_plane: u32,
    /// Ready workers without the `topology.kubernetes.io/zone` label: pods run there, but their
    /// endpoints carry no zone and the controller disables Topology Aware Routing cluster-wide
    /// (`InsufficientNodeInfo`).
    pub unlabeled: u32,
}

impl NodeAttributes {
    /// Nodes that run no pods (not Ready or control plane).
    pub fn unschedulable(&self) -> u32 {
        self.not_ready + self.control_plane
    }
}

/// A workload (Deployment / StatefulSet) and where its pods run.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Service name; the same name in several clusters is one global service for ClusterMesh.
    pub name: String,
    /// Cluster the pods run in.
    pub cluster: String,
    /// Pod placement.
    pub replicas: Replicas,
    /// Pod affinity: place the pods on the nodes of this other service of the same cluster (see
    /// [`crate::placement::colocate`]); `replicas` is then a total.
    pub colocate_with: Option<String>,
}

/// Pod placement of a service.
#[derive(Debug, Clone, PartialEq)]
pub enum Replicas {
    /// A total spread over the cluster's zones as a zone topology spread with maxSkew 1 would place
    /// it: equal counts, the remainder to the first zones in file order.
    Spread(u32),
    /// Explicit counts per zone name.
    PerZone(Vec<(String, u32)>),
}

/// Transport protocol of a traffic edge (selects the NLB capacity-unit dimensions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Protocol {
    /// TCP (HTTP, gRPC, ...).
    Tcp,
    /// UDP.
    Udp,
    /// TLS terminated at the load balancer.
    Tls,
}

impl Protocol {
    /// The spelling used in scenario files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Tls => "tls",
        }
    }
}

/// Traffic from the pods of one service to another service.
#[derive(Debug, Clone, PartialEq)]
pub struct TrafficEdge {
    /// Calling service.
    pub from: String,
    /// Called service.
    pub to: String,
    /// How much flows.
    pub volume: TrafficVolume,
    /// Connection figures for the connection dimensions of capacity units (optional).
    pub connections: Option<Connections>,
    /// Transport protocol (default TCP).
    pub protocol: Protocol,
}

/// The amount of traffic on an edge.
#[derive(Debug, Clone, PartialEq)]
pub enum TrafficVolume {
    /// A monthly volume in GB (request plus response bytes); optionally the average bytes per
    /// request and response together, from which the request rate follows.
    Monthly {
        /// Monthly GB (1 TB = 1,024 GB).
        gb: Decimal,
        /// Average request + response bytes, if known.
        bytes_per_request: Option<Decimal>,
    },
    /// A request rate with request and response sizes.
    Rate {
        /// Requests per second (steady).
        rps: Decimal,
        /// Request bytes (client to server).
        request_bytes: Decimal,
        /// Response bytes (server to client).
        response_bytes: Decimal,
    },
}

/// Connection figures of an edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Connections {
    /// New connections per second.
    pub new_per_second: Decimal,
    /// Average connection lifetime in seconds (active connections = new/s x lifetime).
    pub lifetime_seconds: Decimal,
}

/// One way of connecting services, with a unique name.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionSpec {
    /// Unique name used in reports, e.g. `internal-alb`.
    pub name: String,
    /// Free text shown in reports.
    pub description: Option<String>,
    /// The option and its settings.
    pub kind: OptionKind,
    /// Stated assumption replacing the routing model's share of bytes crossing zones on the option's
    /// charged hop (pod to pod, or client to load balancer). Reported as assumed.
    pub assume_cross_az_share: Option<Decimal>,
    /// `spec.trafficDistribution` of the Service for kinds `prefer-close` (default `PreferClose`)
    /// and `topology-aware` (default none; the topology-mode annotation `Auto` takes precedence
    /// upstream, so the value only shows in the report). `None` for other kinds.
    pub traffic_distribution: Option<crate::topology::TrafficDistribution>,
}

/// Target registration of a load balancer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetType {
    /// Pod IPs registered directly (AWS Load Balancer Controller IP mode).
    Ip,
    /// Nodes registered on a NodePort; kube-proxy forwards to a pod (can cross zones again).
    Instance,
}

/// externalTrafficPolicy of the Service behind an instance-mode load balancer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalTrafficPolicy {
    /// Any node forwards to any ready endpoint.
    Cluster,
    /// Only nodes with a local endpoint receive traffic; they forward locally.
    Local,
}

/// Load balancer settings shared by ALB, NLB and Route 53 + NLB.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancerSettings {
    /// How many load balancers carry the traffic (each has its hourly fee).
    pub count: u32,
    /// IP or instance targets.
    pub target_type: TargetType,
    /// Cross-zone load balancing (ALB: on unless disabled per target group; NLB: off by default).
    pub cross_zone: bool,
    /// externalTrafficPolicy for instance targets.
    pub external_traffic_policy: ExternalTrafficPolicy,
    /// Whether a client reaching a load-balancer node in another zone pays inter-AZ transfer (AWS:
    /// yes; the reference guide's ALB row leaves it out).
    pub client_leg_charged: bool,
    /// Clients resolve zonal DNS names and reach the node in their own zone (NLB only).
    pub client_zone_affinity: bool,
}

/// The connection options ewsim prices.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionKind {
    /// ClusterIP: kube-proxy picks uniformly among ready endpoints.
    ClusterIp,
    /// Headless: the client picks uniformly among the DNS answers (all ready endpoints).
    Headless,
    /// internalTrafficPolicy Local: node-local endpoints only, otherwise dropped.
    ItpLocal,
    /// Topology Aware Routing (`service.kubernetes.io/topology-mode: Auto`).
    TopologyAware,
    /// `trafficDistribution: PreferClose` (same zone when it has endpoints).
    PreferClose,
    /// Internal Application Load Balancer.
    InternalAlb {
        /// Load-balancer settings.
        lb: LoadBalancerSettings,
        /// Listener rules evaluated per request (the first 10 are free).
        rules_per_request: u32,
        /// Mutual TLS on the listener (halves the active-connection dimension).
        mtls: bool,
    },
    /// Internal Network Load Balancer.
    InternalNlb {
        /// Load-balancer settings.
        lb: LoadBalancerSettings,
    },
    /// Amazon VPC Lattice.
    Lattice {
        /// Lattice services billed; defaults to the number of called services.
        services: Option<u32>,
    },
    /// Istio with sidecars on both ends.
    IstioSidecar {
        /// Mesh settings.
        mesh: MeshSettings,
    },
    /// Istio ambient: ztunnel on every node, optional waypoint for L7.
    IstioAmbient {
        /// Mesh settings.
        mesh: MeshSettings,
        /// A waypoint proxy handles L7 for the called services.
        waypoint: bool,
    },
    /// Cilium ClusterMesh global services.
    CiliumClusterMesh {
        /// `service.cilium.io/affinity`.
        affinity: MeshAffinity,
    },
    /// Route 53 private records (ExternalDNS) pointing at an internal NLB.
    Route53Nlb {
        /// Load-balancer settings of the NLB.
        lb: LoadBalancerSettings,
        /// Hosted zones billed.
        hosted_zones: u32,
        /// DNS queries per second reaching Route 53 (after client caching).
        dns_queries_per_second: Decimal,
    },
    /// Each called Service connected its own way (as real clusters mix them): every edge is
    /// routed, priced and timed by the routing of the Service it calls.
    PerService(PerServiceRouting),
}

impl OptionKind {
    /// The `kind:` spelling used in scenario files and reports.
    pub fn as_str(&self) -> &'static str {
        match self {
            OptionKind::ClusterIp => "clusterip",
            OptionKind::Headless => "headless",
            OptionKind::ItpLocal => "itp-local",
            OptionKind::TopologyAware => "topology-aware",
            OptionKind::PreferClose => "prefer-close",
            OptionKind::InternalAlb { .. } => "internal-alb",
            OptionKind::InternalNlb { .. } => "internal-nlb",
            OptionKind::Lattice { .. } => "lattice",
            OptionKind::IstioSidecar { .. } => "istio-sidecar",
            OptionKind::IstioAmbient { .. } => "istio-ambient",
            OptionKind::CiliumClusterMesh { .. } => "cilium-clustermesh",
            OptionKind::Route53Nlb { .. } => "route53-nlb",
            OptionKind::PerService(_) => "per-service",
        }
    }
}

/// Istio settings.
#[derive(Debug, Clone, PartialEq)]
pub struct MeshSettings {
    /// Locality load balancing (Istio's default is on).
    pub locality_lb: bool,
    /// Outlier detection configured: without it Istio applies no zone preference (reference
    /// k8s-routing.md §6), so locality LB alone keeps traffic uniform.
    pub outlier_detection: bool,
    /// Override of the proxy overhead (vCPU, memory) per 1,000 rps, else the shipped defaults.
    pub overhead: Option<ProxyOverhead>,
}

/// Resource use of one proxy per 1,000 requests per second.
#[derive(Debug, Clone, PartialEq)]
pub struct ProxyOverhead {
    /// vCPU per 1,000 rps.
    pub vcpu_per_1000_rps: Decimal,
    /// Memory in MB per 1,000 rps.
    pub memory_mb_per_1000_rps: Decimal,
}

/// Cilium ClusterMesh `service.cilium.io/affinity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeshAffinity {
    /// No preference: local and remote backends alike.
    None,
    /// Prefer backends in the client's cluster.
    Local,
    /// Prefer backends in other clusters.
    Remote,
}

/// Latency simulation settings (scenario key `latency:`). The defaults are modelling assumptions,
/// documented in the README; every one can be set in the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencySettings {
    /// Simulated requests per option (default 200,000).
    pub samples: u64,
    /// Master seed (default 1).
    pub seed: u64,
    /// Services in the cluster, which sets the kube-proxy iptables per-connection cost (default 1,000).
    pub services_in_cluster: u32,
    /// NodeLocal DNSCache hit ratio (default 0.95).
    pub dns_cache_hit_ratio: f64,
    /// Share of requests that perform a DNS lookup (clients cache; default 0.01).
    pub dns_lookups_per_request: f64,
    /// Requests per connection when the edge gives no connection rate (default 100).
    pub requests_per_connection: f64,
    /// The server's own processing time, when given (`server_time: {p50: 2 ms, p99: 8 ms}`).
    pub server: Option<crate::latency::DistSpec>,
    /// Replacements for hop-catalogue entries (`latency.hops`), by entry name.
    pub hop_overrides: BTreeMap<String, crate::latency::HopOverride>,
}

impl Default for LatencySettings {
    fn default() -> Self {
        LatencySettings {
            samples: 200_000,
            seed: 1,
            services_in_cluster: 1000,
            dns_cache_hit_ratio: 0.95,
            dns_lookups_per_request: 0.01,
            requests_per_connection: 100.0,
            server: None,
            hop_overrides: BTreeMap::new(),
        }
    }
}

/// Who calls whom per request, for end-to-end latency ("The Tail at Scale": the slowest branch of a
/// fan-out sets the pace).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallGraph {
    /// Requests entering the system: a name, the service that receives them, and its calls.
    pub entry_points: Vec<EntryPoint>,
    /// The calls each downstream service makes for every request it serves.
    pub services: Vec<ServiceCalls>,
}

/// A kind of incoming request (e.g. `home`, `checkout`) and what the receiving service calls.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryPoint {
    /// Name shown in reports.
    pub name: String,
    /// The service that receives the request.
    pub service: String,
    /// Its calls: stages run one after another; the calls of a stage run in parallel.
    pub stages: Vec<Vec<Call>>,
}

/// The calls a service makes for each request it serves.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceCalls {
    /// The calling service.
    pub service: String,
    /// Stages run one after another; the calls of a stage run in parallel.
    pub stages: Vec<Vec<Call>>,
}

/// One downstream call, repeated sequentially `count` times.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Called service (a traffic edge from the caller to it gives the routing).
    pub to: String,
    /// Sequential calls per request (default 1).
    pub count: u32,
}

impl Scenario {
    /// A scenario with one cluster of `zones` in `region`, AWS's billing conventions and the
    /// default latency settings; add services, traffic and options to it (see the crate guide).
    pub fn new(name: impl Into<String>, region: impl Into<String>, zones: Vec<Zone>) -> Self {
        Scenario {
            name: name.into(),
            description: None,
            region: region.into(),
            billing: Billing::default(),
            prices: BTreeMap::new(),
            pricing_file: None,
            clusters: vec![Cluster {
                name: "default".into(),
                vpc: "default".into(),
                zones,
            }],
            vpc_connectivity: VpcConnectivity::Peering,
            services: Vec::new(),
            traffic: Vec::new(),
            options: Vec::new(),
            latency: LatencySettings::default(),
            call_graph: None,
            states: Vec::new(),
        }
    }

    /// Adds a service whose `replicas` spread over the zones (maxSkew 1).
    #[must_use]
    pub fn service(mut self, name: impl Into<String>, replicas: u32) -> Self {
        let cluster = self
            .clusters
            .first()
            .map(|c| c.name.clone())
            .unwrap_or_default();
        self.services.push(Service {
            name: name.into(),
            cluster,
            replicas: Replicas::Spread(replicas),
            colocate_with: None,
        });
        self
    }

    /// Adds a traffic edge.
    #[must_use]
    pub fn edge(mut self, edge: TrafficEdge) -> Self {
        self.traffic.push(edge);
        self
    }

    /// Adds a connection option.
    #[must_use]
    pub fn option(mut self, name: impl Into<String>, kind: OptionKind) -> Self {
        self.options.push(OptionSpec::new(name, kind));
        self
    }
}

impl Zone {
    /// A zone with `count` identical Ready, zone-labelled worker nodes of `instance_type`.
    pub fn new(name: impl Into<String>, count: u32, instance_type: impl Into<String>) -> Self {
        Zone {
            name: name.into(),
            nodes: NodeGroup {
                count,
                instance_type: instance_type.into(),
                allocatable_cpu: None,
                attributes: NodeAttributes::default(),
            },
            more_nodes: Vec::new(),
        }
    }
}

impl TrafficEdge {
    /// `gb` GB per month from `from` to `to` over TCP, request size unknown.
    pub fn monthly(from: impl Into<String>, to: impl Into<String>, gb: Decimal) -> Self {
        TrafficEdge {
            from: from.into(),
            to: to.into(),
            volume: TrafficVolume::Monthly {
                gb,
                bytes_per_request: None,
            },
            connections: None,
            protocol: Protocol::Tcp,
        }
    }

    /// `rps` requests per second of `request_bytes` out and `response_bytes` back, over TCP.
    pub fn rate(
        from: impl Into<String>,
        to: impl Into<String>,
        rps: Decimal,
        request_bytes: Decimal,
        response_bytes: Decimal,
    ) -> Self {
        TrafficEdge {
            from: from.into(),
            to: to.into(),
            volume: TrafficVolume::Rate {
                rps,
                request_bytes,
                response_bytes,
            },
            connections: None,
            protocol: Protocol::Tcp,
        }
    }
}

impl OptionSpec {
    /// An option of `kind` named `name`, with the kind's default Service settings
    /// (`trafficDistribution: PreferClose` for `prefer-close`).
    pub fn new(name: impl Into<String>, kind: OptionKind) -> Self {
        let traffic_distribution = matches!(kind, OptionKind::PreferClose)
            .then_some(crate::topology::TrafficDistribution::PreferClose);
        OptionSpec {
            name: name.into(),
            description: None,
            kind,
            assume_cross_az_share: None,
            traffic_distribution,
        }
    }
}

impl LoadBalancerSettings {
    /// A scenario file's defaults for an ALB (`cross_zone` true) or an NLB (`cross_zone`
    /// false): one load balancer, IP targets, externalTrafficPolicy Cluster, the client leg
    /// charged, no zonal DNS.
    pub fn defaults(alb: bool) -> Self {
        LoadBalancerSettings {
            count: 1,
            target_type: TargetType::Ip,
            cross_zone: alb,
            external_traffic_policy: ExternalTrafficPolicy::Cluster,
            client_leg_charged: true,
            client_zone_affinity: false,
        }
    }
}

impl OptionKind {
    /// An internal ALB with a scenario file's defaults (no rules beyond the free 10, no mTLS).
    pub fn internal_alb() -> Self {
        OptionKind::InternalAlb {
            lb: LoadBalancerSettings::defaults(true),
            rules_per_request: 0,
            mtls: false,
        }
    }

    /// An internal NLB with a scenario file's defaults.
    pub fn internal_nlb() -> Self {
        OptionKind::InternalNlb {
            lb: LoadBalancerSettings::defaults(false),
        }
    }

    /// Istio sidecars with Istio's defaults ([`MeshSettings::default`]).
    pub fn istio_sidecar() -> Self {
        OptionKind::IstioSidecar {
            mesh: MeshSettings::default(),
        }
    }
}

impl Default for MeshSettings {
    /// Istio's defaults: locality load balancing on, no outlier detection, shipped overheads.
    fn default() -> Self {
        MeshSettings {
            locality_lb: true,
            outlier_detection: false,
            overhead: None,
        }
    }
}
