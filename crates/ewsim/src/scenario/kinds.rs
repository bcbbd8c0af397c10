//! The one table of connection-option kinds and their settings: how each kind is spelled in a
//! scenario, which settings apply to it, what values they take and their defaults. The loader
//! (which settings a kind accepts), the JSON Schema, the capability table's overrides (`when:`
//! settings), `calc` and the docs all read it from here, so a new kind or setting is added once.

/// The values a setting takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Values {
    /// `true` or `false`.
    Flag,
    /// A whole number.
    Count,
    /// A number (or a quantity with a unit).
    Quantity,
    /// One of the listed words.
    OneOf(&'static [&'static str]),
    /// The mesh proxy overhead mapping (`vcpu_per_1000_rps`, `memory_mb_per_1000_rps`).
    Overhead,
}

/// One option setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// Key in a scenario's option entry.
    pub name: &'static str,
    /// The kinds it applies to (on other kinds it is an error).
    pub kinds: &'static [&'static str],
    /// The values it takes.
    pub values: Values,
    /// What it means and its default, for the schema and the docs.
    pub doc: &'static str,
}

/// One option kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// Spelling in scenarios and reports (`kind:`).
    pub name: &'static str,
    /// What it is.
    pub doc: &'static str,
}

const LB: &[&str] = &["internal-alb", "internal-nlb", "route53-nlb"];
const NLB: &[&str] = &["internal-nlb", "route53-nlb"];
const ISTIO: &[&str] = &["istio-sidecar", "istio-ambient"];

/// Every option kind, in the order of the docs.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "clusterip",
        doc: "ClusterIP: kube-proxy picks uniformly among ready endpoints.",
    },
    Kind {
        name: "headless",
        doc: "Headless Service: clients pick among the DNS answers (every ready endpoint).",
    },
    Kind {
        name: "itp-local",
        doc: "internalTrafficPolicy Local: node-local endpoints only, else dropped.",
    },
    Kind {
        name: "topology-aware",
        doc: "Topology Aware Routing (service.kubernetes.io/topology-mode: Auto).",
    },
    Kind {
        name: "prefer-close",
        doc: "spec.trafficDistribution PreferClose (same zone when it has endpoints).",
    },
    Kind {
        name: "internal-alb",
        doc: "Internal Application Load Balancer.",
    },
    Kind {
        name: "internal-nlb",
        doc: "Internal Network Load Balancer.",
    },
    Kind {
        name: "lattice",
        doc: "Amazon VPC Lattice.",
    },
    Kind {
        name: "istio-sidecar",
        doc: "Istio with sidecars on both ends.",
    },
    Kind {
        name: "istio-ambient",
        doc: "Istio ambient: ztunnel on every node, optional waypoint for L7.",
    },
    Kind {
        name: "cilium-clustermesh",
        doc: "Cilium ClusterMesh global services.",
    },
    Kind {
        name: "route53-nlb",
        doc: "Route 53 private records (ExternalDNS) pointing at an internal NLB.",
    },
];

/// Every kind-specific setting (not `name`, `kind`, `description`, `assume_cross_az_share`).
pub const SETTINGS: &[Setting] = &[
    Setting {
        name: "count",
        kinds: LB,
        values: Values::Quantity,
        doc: "Number of load balancers (default 1).",
    },
    Setting {
        name: "target_type",
        kinds: LB,
        values: Values::OneOf(&["ip", "instance"]),
        doc: "Load balancer target type (default ip).",
    },
    Setting {
        name: "cross_zone",
        kinds: LB,
        values: Values::Flag,
        doc: "Cross-zone load balancing (default: true for ALB, false for NLB).",
    },
    Setting {
        name: "external_traffic_policy",
        kinds: LB,
        values: Values::OneOf(&["cluster", "local"]),
        doc: "externalTrafficPolicy of instance targets (default cluster).",
    },
    Setting {
        name: "client_leg_charged",
        kinds: LB,
        values: Values::Flag,
        doc: "Charge the client -> load balancer node crossing (default true).",
    },
    Setting {
        name: "client_zone_affinity",
        kinds: NLB,
        values: Values::Flag,
        doc: "Clients resolve the NLB's zonal DNS name of their zone (default false: regional DNS).",
    },
    Setting {
        name: "rules_per_request",
        kinds: &["internal-alb"],
        values: Values::Quantity,
        doc: "ALB rules evaluated per request (default 0; the first 10 are free).",
    },
    Setting {
        name: "mtls",
        kinds: &["internal-alb"],
        values: Values::Flag,
        doc: "ALB mutual TLS (default false).",
    },
    Setting {
        name: "services",
        kinds: &["lattice"],
        values: Values::Quantity,
        doc: "Number of Lattice services (default: the number of called services).",
    },
    Setting {
        name: "locality_lb",
        kinds: ISTIO,
        values: Values::Flag,
        doc: "Istio locality load balancing (default true); keeps traffic in zone only with outlier detection.",
    },
    Setting {
        name: "outlier_detection",
        kinds: ISTIO,
        values: Values::Flag,
        doc: "Istio outlier detection configured (default false).",
    },
    Setting {
        name: "overhead",
        kinds: ISTIO,
        values: Values::Overhead,
        doc: "Proxy resources per 1,000 requests/s (default from pricing/mesh-overheads.yaml).",
    },
    Setting {
        name: "waypoint",
        kinds: &["istio-ambient"],
        values: Values::Flag,
        doc: "Istio ambient waypoint proxy (default false).",
    },
    Setting {
        name: "affinity",
        kinds: &["cilium-clustermesh"],
        values: Values::OneOf(&["none", "local", "remote"]),
        doc: "Cilium global service affinity (default none).",
    },
    Setting {
        name: "hosted_zones",
        kinds: &["route53-nlb"],
        values: Values::Quantity,
        doc: "Route 53 hosted zones (default 1).",
    },
    Setting {
        name: "dns_queries_per_second",
        kinds: &["route53-nlb"],
        values: Values::Quantity,
        doc: "Route 53 queries per second (default 0).",
    },
    Setting {
        name: "traffic_distribution",
        kinds: &["prefer-close", "topology-aware"],
        values: Values::OneOf(&["PreferClose", "PreferSameZone", "PreferSameNode"]),
        doc: "Service spec.trafficDistribution (prefer-close default PreferClose; topology-aware default none, and the annotation wins).",
    },
];

/// The composite kind: each called Service routed by its own kind (`by_service:`, a map from
/// Service name to a kind and its settings) and the rest by `default:` (ClusterIP when not
/// written). It takes none of [`SETTINGS`]; its routings do. Not in [`KINDS`], which lists the
/// ways one Service can be connected (what `calc`, `recommend` and the capability table cover).
pub const PER_SERVICE: Kind = Kind {
    name: "per-service",
    doc: "Each called Service routed by its own kind and settings (`by_service:`), the others by `default:` (ClusterIP unless written); cost and latency per edge follow the called Service's routing.",
};

/// The keys only a `per-service` option takes.
pub const PER_SERVICE_KEYS: [&str; 2] = ["by_service", "default"];

/// Every spelling an option's `kind:` accepts: [`KINDS`] then [`PER_SERVICE`].
pub fn option_kind_names() -> Vec<&'static str> {
    let mut v = names();
    v.push(PER_SERVICE.name);
    v
}

/// Every kind's spelling, in table order.
pub fn names() -> Vec<&'static str> {
    KINDS.iter().map(|k| k.name).collect()
}

/// Whether `name` is a kind.
pub fn is_kind(name: &str) -> bool {
    KINDS.iter().any(|k| k.name == name)
}

/// A setting by name.
pub fn setting(name: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.name == name)
}

/// The settings that apply to `kind`, in table order.
pub fn settings_of(kind: &str) -> impl Iterator<Item = &'static Setting> + '_ {
    SETTINGS.iter().filter(move |s| s.kinds.contains(&kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{OptionKind, OptionSpec};

    /// The model's spelling of every kind is the table's, in the same order.
    #[test]
    fn model_kinds_are_the_table() {
        let model = [
            OptionKind::ClusterIp,
            OptionKind::Headless,
            OptionKind::ItpLocal,
            OptionKind::TopologyAware,
            OptionKind::PreferClose,
            OptionKind::internal_alb(),
            OptionKind::internal_nlb(),
            OptionKind::Lattice { services: None },
            OptionKind::istio_sidecar(),
            OptionKind::IstioAmbient {
                mesh: Default::default(),
                waypoint: false,
            },
            OptionKind::CiliumClusterMesh {
                affinity: crate::scenario::MeshAffinity::None,
            },
            OptionKind::Route53Nlb {
                lb: crate::scenario::LoadBalancerSettings::defaults(false),
                hosted_zones: 1,
                dns_queries_per_second: rust_decimal::Decimal::ZERO,
            },
        ];
        let spelled: Vec<&str> = model.iter().map(OptionKind::as_str).collect();
        assert_eq!(spelled, names());
        let per_service = OptionKind::PerService(crate::scenario::PerServiceRouting {
            default: Box::new(crate::scenario::ServiceRouting::new(OptionKind::ClusterIp)),
            services: Vec::new(),
        });
        assert_eq!(per_service.as_str(), PER_SERVICE.name);
        // Every setting names only known kinds.
        for s in SETTINGS {
            assert!(s.kinds.iter().all(|k| is_kind(k)), "{}", s.name);
        }
        let _ = OptionSpec::new("x", OptionKind::ClusterIp);
    }
}
