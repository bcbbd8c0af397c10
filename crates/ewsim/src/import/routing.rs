//! The routing a Service uses today, read from its spec, annotations and the Ingresses that
//! point at it.
//!
//! In-cluster mechanism, by Kubernetes precedence (reference/k8s-routing.md):
//! 1. headless (`clusterIP: None`): DNS returns the pods, kube-proxy is not involved and hints,
//!    trafficDistribution and internalTrafficPolicy have no effect (§4.5);
//! 2. `internalTrafficPolicy: Local`: internal traffic uses only same-node endpoints and ignores
//!    hints (§4.3);
//! 3. Topology Aware Routing: the deprecated `service.kubernetes.io/topology-aware-hints` wins
//!    when present, else `service.kubernetes.io/topology-mode`; only `Auto` / `auto` enables it,
//!    and then `spec.trafficDistribution` is ignored (§1.2);
//! 4. `spec.trafficDistribution`: `PreferClose`, `PreferSameZone`, `PreferSameNode` (§2);
//! 5. plain ClusterIP.
//!
//! AWS load balancers in front of it:
//! - internal ALB: an Ingress of class `alb` (`spec.ingressClassName` or the older
//!   `kubernetes.io/ingress.class` annotation) naming the Service as a backend, with
//!   `alb.ingress.kubernetes.io/scheme` `internal` (the controller's default) and
//!   `alb.ingress.kubernetes.io/target-type` `instance` (default) or `ip`; the Service's own
//!   target-type annotation wins (controller `docs/guide/ingress/annotations.md`);
//! - internal NLB: `type: LoadBalancer` reconciled by the AWS Load Balancer Controller
//!   (`aws-load-balancer-type: external` or legacy `nlb-ip`, or `loadBalancerClass:
//!   service.k8s.aws/nlb`), scheme `internal` by default since v2.2, target type from
//!   `aws-load-balancer-nlb-target-type` (`nlb-ip` means ip; default instance); or the in-tree
//!   `aws-load-balancer-type: nlb`, internal only with `aws-load-balancer-internal: "true"`
//!   (controller `docs/guide/service/nlb.md`, `annotations.md`). Cross-zone as stated by
//!   `aws-load-balancer-attributes: load_balancing.cross_zone.enabled=...` (or the older
//!   boolean annotation); NLBs default to off.
//!
//! A load balancer, when there is one, is reported as the Service's routing (an internal LB
//! exists to be called), with the in-cluster mechanism in `also` and a note, since in-cluster
//! clients may still call the ClusterIP.

use super::inventory::{ClusterIp, Ingress, Service};

/// `spec.trafficDistribution` values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrafficDistribution {
    /// `PreferClose` (deprecated alias of PreferSameZone from 1.35).
    PreferClose,
    /// `PreferSameZone`.
    PreferSameZone,
    /// `PreferSameNode`.
    PreferSameNode,
}

/// Where a load balancer sends traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LbTarget {
    /// Straight to pod IPs.
    Ip,
    /// To node ports, then kube-proxy.
    Instance,
}

/// How clients reach a Service today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routing {
    /// A virtual IP, endpoints chosen cluster-wide.
    ClusterIp,
    /// `clusterIP: None`.
    Headless,
    /// `internalTrafficPolicy: Local`.
    InternalTrafficPolicyLocal,
    /// Topology Aware Routing enabled by annotation.
    TopologyAwareRouting {
        /// The annotation key that decided (`service.kubernetes.io/topology-mode` or the
        /// deprecated `service.kubernetes.io/topology-aware-hints`).
        annotation: String,
        /// Its value (`Auto` or `auto`).
        value: String,
    },
    /// `spec.trafficDistribution`.
    TrafficDistribution(TrafficDistribution),
    /// An internal NLB from the AWS Load Balancer Controller or the in-tree provider.
    InternalNlb {
        /// Target type.
        target: LbTarget,
        /// Cross-zone load balancing as stated (`None`: not stated; NLB default is off).
        cross_zone: Option<bool>,
    },
    /// An internal ALB through an Ingress naming the Service.
    InternalAlb {
        /// `namespace/name` of the Ingress.
        ingress: String,
        /// Target type.
        target: LbTarget,
    },
}

/// Why a detection needs a second look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutingNote {
    /// A load balancer and an in-cluster mechanism both apply; `also` lists the others.
    SeveralApply,
    /// A topology annotation is present but not `Auto`: no hints from it.
    TopologyAnnotationNotAuto {
        /// The key.
        annotation: String,
        /// The value.
        value: String,
    },
    /// Both topology annotations are present; the deprecated one decides.
    LegacyTopologyAnnotationWins,
    /// Topology mode `Auto` takes precedence over `spec.trafficDistribution`.
    TrafficDistributionOverridden(String),
    /// A `trafficDistribution` value Kubernetes does not accept (hints removed).
    UnknownTrafficDistribution(String),
    /// A topology setting that this Service's mechanism ignores (headless or ITP Local).
    TopologyIgnored(String),
    /// A load balancer that is not internal: not East-West traffic.
    InternetFacing(String),
    /// `type: LoadBalancer` without NLB settings (the in-tree provider makes a Classic ELB).
    UnrecognizedLoadBalancer,
    /// An Ingress of another class names this Service.
    NonAlbIngress {
        /// `namespace/name`.
        ingress: String,
        /// Its class, if any.
        class: Option<String>,
    },
    /// A target type that is neither `ip` nor `instance` (read as instance).
    UnknownTargetType(String),
    /// Several ALB Ingresses name the Service; the first by name is reported.
    SeveralIngresses(Vec<String>),
}

/// The detection for one Service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingDetection {
    /// The routing reported.
    pub routing: Routing,
    /// Other mechanisms that also apply (the in-cluster one under a load balancer).
    pub also: Vec<Routing>,
    /// Notes explaining ambiguity or ignored settings.
    pub notes: Vec<RoutingNote>,
}

fn is_auto(value: &str) -> bool {
    value == "Auto" || value == "auto"
}

fn target(text: Option<&str>, notes: &mut Vec<RoutingNote>) -> LbTarget {
    match text {
        Some("ip") => LbTarget::Ip,
        Some("instance") | None => LbTarget::Instance,
        Some(other) => {
            notes.push(RoutingNote::UnknownTargetType(other.to_string()));
            LbTarget::Instance
        }
    }
}

/// The in-cluster mechanism and the notes on settings it ignores.
fn in_cluster(svc: &Service, notes: &mut Vec<RoutingNote>) -> Routing {
    let topology = match (&svc.topology_aware_hints, &svc.topology_mode) {
        (Some(legacy), Some(_)) => {
            notes.push(RoutingNote::LegacyTopologyAnnotationWins);
            Some(("service.kubernetes.io/topology-aware-hints", legacy))
        }
        (Some(legacy), None) => Some(("service.kubernetes.io/topology-aware-hints", legacy)),
        (None, Some(mode)) => Some(("service.kubernetes.io/topology-mode", mode)),
        (None, None) => None,
    };
    let tar = match topology {
        Some((key, value)) if is_auto(value) => Some(Routing::TopologyAwareRouting {
            annotation: key.to_string(),
            value: value.clone(),
        }),
        Some((key, value)) => {
            notes.push(RoutingNote::TopologyAnnotationNotAuto {
                annotation: key.to_string(),
                value: value.clone(),
            });
            None
        }
        None => None,
    };
    let td = match svc.traffic_distribution.as_deref() {
        Some("PreferClose") => Some(TrafficDistribution::PreferClose),
        Some("PreferSameZone") => Some(TrafficDistribution::PreferSameZone),
        Some("PreferSameNode") => Some(TrafficDistribution::PreferSameNode),
        Some(other) => {
            notes.push(RoutingNote::UnknownTrafficDistribution(other.to_string()));
            None
        }
        None => None,
    }
    .map(Routing::TrafficDistribution);
    let headless = svc.cluster_ip == ClusterIp::Headless;
    let local = svc.internal_traffic_policy.as_deref() == Some("Local");
    if headless || local {
        for ignored in [&tar, &td].into_iter().flatten() {
            notes.push(RoutingNote::TopologyIgnored(format!("{ignored:?}")));
        }
        if headless && local {
            notes.push(RoutingNote::TopologyIgnored(
                "internalTrafficPolicy: Local".into(),
            ));
        }
        return if headless {
            Routing::Headless
        } else {
            Routing::InternalTrafficPolicyLocal
        };
    }
    match (tar, td) {
        (Some(t), Some(_)) => {
            notes.push(RoutingNote::TrafficDistributionOverridden(
                svc.traffic_distribution.clone().unwrap_or_default(),
            ));
            t
        }
        (Some(t), None) => t,
        (None, Some(d)) => d,
        (None, None) => Routing::ClusterIp,
    }
}

fn nlb(svc: &Service, notes: &mut Vec<RoutingNote>) -> Option<Routing> {
    if svc.service_type != "LoadBalancer" {
        return None;
    }
    let a = &svc.aws;
    let lb_type = a.lb_type.as_deref();
    let controller = matches!(lb_type, Some("external") | Some("nlb-ip"))
        || svc.load_balancer_class.as_deref() == Some("service.k8s.aws/nlb");
    let in_tree_nlb = lb_type == Some("nlb");
    if !controller && !in_tree_nlb {
        notes.push(RoutingNote::UnrecognizedLoadBalancer);
        return None;
    }
    let internal = match a.scheme.as_deref() {
        Some(s) => s == "internal",
        None if a.internal.as_deref() == Some("true") => true,
        None => controller,
    };
    if !internal {
        notes.push(RoutingNote::InternetFacing(format!(
            "Service {} (NLB)",
            svc.key()
        )));
        return None;
    }
    let target = if lb_type == Some("nlb-ip") {
        LbTarget::Ip
    } else {
        target(a.nlb_target_type.as_deref(), notes)
    };
    Some(Routing::InternalNlb {
        target,
        cross_zone: a.cross_zone,
    })
}

fn alb(svc: &Service, ingresses: &[Ingress], notes: &mut Vec<RoutingNote>) -> Option<Routing> {
    let mut found: Vec<&Ingress> = Vec::new();
    for ing in ingresses
        .iter()
        .filter(|i| i.namespace == svc.namespace && i.backend_services.contains(&svc.name))
    {
        let key = format!("{}/{}", ing.namespace, ing.name);
        if ing.class.as_deref() != Some("alb") {
            notes.push(RoutingNote::NonAlbIngress {
                ingress: key,
                class: ing.class.clone(),
            });
        } else if ing.scheme.as_deref().is_some_and(|s| s != "internal") {
            notes.push(RoutingNote::InternetFacing(format!("Ingress {key} (ALB)")));
        } else {
            found.push(ing);
        }
    }
    found.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    let first = found.first()?;
    if found.len() > 1 {
        notes.push(RoutingNote::SeveralIngresses(
            found
                .iter()
                .map(|i| format!("{}/{}", i.namespace, i.name))
                .collect(),
        ));
    }
    let target_text = svc
        .aws
        .alb_target_type
        .as_deref()
        .or(first.target_type.as_deref());
    Some(Routing::InternalAlb {
        ingress: format!("{}/{}", first.namespace, first.name),
        target: target(target_text, notes),
    })
}

/// Detects the routing of one Service (module docs give the rules).
pub fn detect(svc: &Service, ingresses: &[Ingress]) -> RoutingDetection {
    let mut notes = Vec::new();
    let inner = in_cluster(svc, &mut notes);
    let lbs: Vec<Routing> = [alb(svc, ingresses, &mut notes), nlb(svc, &mut notes)]
        .into_iter()
        .flatten()
        .collect();
    match lbs.split_first() {
        None => RoutingDetection {
            routing: inner,
            also: Vec::new(),
            notes,
        },
        Some((first, rest)) => {
            let mut also = rest.to_vec();
            also.push(inner);
            notes.insert(0, RoutingNote::SeveralApply);
            RoutingDetection {
                routing: first.clone(),
                also,
                notes,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::import::inventory::{AwsLbAnnotations, Origin};
    use std::collections::BTreeMap;

    fn svc() -> Service {
        Service {
            namespace: "ns".into(),
            name: "s".into(),
            selector: Some(BTreeMap::from([("app".to_string(), "s".to_string())])),
            cluster_ip: ClusterIp::Ip("172.20.0.10".parse().unwrap()),
            service_type: "ClusterIP".into(),
            ports: vec![],
            internal_traffic_policy: None,
            traffic_distribution: None,
            load_balancer_class: None,
            topology_mode: None,
            topology_aware_hints: None,
            aws: AwsLbAnnotations::default(),
            annotations: BTreeMap::new(),
            origin: Origin {
                document: String::new(),
                document_index: 0,
                item_index: None,
            },
        }
    }

    fn ingress(
        class: Option<&str>,
        scheme: Option<&str>,
        target: Option<&str>,
        name: &str,
    ) -> Ingress {
        Ingress {
            namespace: "ns".into(),
            name: name.into(),
            class: class.map(str::to_string),
            scheme: scheme.map(str::to_string),
            target_type: target.map(str::to_string),
            backend_services: vec!["s".into()],
            origin: Origin {
                document: String::new(),
                document_index: 0,
                item_index: None,
            },
        }
    }

    /// Table of cases: name, service, ingresses, expected routing, `also`, notes.
    #[test]
    fn detection_table() {
        type Case = (
            &'static str,
            Service,
            Vec<Ingress>,
            Routing,
            Vec<Routing>,
            Vec<RoutingNote>,
        );
        let mut cases: Vec<Case> = Vec::new();
        cases.push(("plain", svc(), vec![], Routing::ClusterIp, vec![], vec![]));
        let mut s = svc();
        s.traffic_distribution = Some("PreferSameNode".into());
        cases.push((
            "prefer same node",
            s,
            vec![],
            Routing::TrafficDistribution(TrafficDistribution::PreferSameNode),
            vec![],
            vec![],
        ));
        let mut s = svc();
        s.traffic_distribution = Some("PreferSameZone".into());
        cases.push((
            "prefer same zone",
            s,
            vec![],
            Routing::TrafficDistribution(TrafficDistribution::PreferSameZone),
            vec![],
            vec![],
        ));
        let mut s = svc();
        s.traffic_distribution = Some("Nearest".into());
        cases.push((
            "unknown td",
            s,
            vec![],
            Routing::ClusterIp,
            vec![],
            vec![RoutingNote::UnknownTrafficDistribution("Nearest".into())],
        ));
        let mut s = svc();
        s.topology_mode = Some("Disabled".into());
        s.traffic_distribution = Some("PreferClose".into());
        cases.push((
            "mode not auto, td applies",
            s,
            vec![],
            Routing::TrafficDistribution(TrafficDistribution::PreferClose),
            vec![],
            vec![RoutingNote::TopologyAnnotationNotAuto {
                annotation: "service.kubernetes.io/topology-mode".into(),
                value: "Disabled".into(),
            }],
        ));
        // The deprecated key wins even when it disables (upstream hintsEnabled).
        let mut s = svc();
        s.topology_mode = Some("Auto".into());
        s.topology_aware_hints = Some("disabled".into());
        cases.push((
            "legacy key wins",
            s,
            vec![],
            Routing::ClusterIp,
            vec![],
            vec![
                RoutingNote::LegacyTopologyAnnotationWins,
                RoutingNote::TopologyAnnotationNotAuto {
                    annotation: "service.kubernetes.io/topology-aware-hints".into(),
                    value: "disabled".into(),
                },
            ],
        ));
        // `aUto` is not Auto.
        let mut s = svc();
        s.topology_mode = Some("aUto".into());
        cases.push((
            "wrong case",
            s,
            vec![],
            Routing::ClusterIp,
            vec![],
            vec![RoutingNote::TopologyAnnotationNotAuto {
                annotation: "service.kubernetes.io/topology-mode".into(),
                value: "aUto".into(),
            }],
        ));
        let mut s = svc();
        s.cluster_ip = ClusterIp::Headless;
        s.topology_mode = Some("Auto".into());
        let tar = Routing::TopologyAwareRouting {
            annotation: "service.kubernetes.io/topology-mode".into(),
            value: "Auto".into(),
        };
        cases.push((
            "headless ignores TAR",
            s,
            vec![],
            Routing::Headless,
            vec![],
            vec![RoutingNote::TopologyIgnored(format!("{tar:?}"))],
        ));
        let mut s = svc();
        s.internal_traffic_policy = Some("Local".into());
        s.traffic_distribution = Some("PreferClose".into());
        let td = Routing::TrafficDistribution(TrafficDistribution::PreferClose);
        cases.push((
            "local ignores td",
            s,
            vec![],
            Routing::InternalTrafficPolicyLocal,
            vec![],
            vec![RoutingNote::TopologyIgnored(format!("{td:?}"))],
        ));
        // In-tree NLB: internal only with the internal annotation.
        let mut s = svc();
        s.service_type = "LoadBalancer".into();
        s.aws.lb_type = Some("nlb".into());
        cases.push((
            "in-tree nlb public",
            s.clone(),
            vec![],
            Routing::ClusterIp,
            vec![],
            vec![RoutingNote::InternetFacing("Service ns/s (NLB)".into())],
        ));
        s.aws.internal = Some("true".into());
        cases.push((
            "in-tree nlb internal",
            s,
            vec![],
            Routing::InternalNlb {
                target: LbTarget::Instance,
                cross_zone: None,
            },
            vec![Routing::ClusterIp],
            vec![RoutingNote::SeveralApply],
        ));
        // Controller NLB: internal by default; nlb-ip means ip targets.
        let mut s = svc();
        s.service_type = "LoadBalancer".into();
        s.aws.lb_type = Some("nlb-ip".into());
        s.aws.nlb_target_type = Some("instance".into());
        cases.push((
            "nlb-ip",
            s,
            vec![],
            Routing::InternalNlb {
                target: LbTarget::Ip,
                cross_zone: None,
            },
            vec![Routing::ClusterIp],
            vec![RoutingNote::SeveralApply],
        ));
        let mut s = svc();
        s.service_type = "LoadBalancer".into();
        s.load_balancer_class = Some("service.k8s.aws/nlb".into());
        s.aws.cross_zone = Some(false);
        cases.push((
            "lb class",
            s,
            vec![],
            Routing::InternalNlb {
                target: LbTarget::Instance,
                cross_zone: Some(false),
            },
            vec![Routing::ClusterIp],
            vec![RoutingNote::SeveralApply],
        ));
        let mut s = svc();
        s.service_type = "LoadBalancer".into();
        cases.push((
            "classic elb",
            s,
            vec![],
            Routing::ClusterIp,
            vec![],
            vec![RoutingNote::UnrecognizedLoadBalancer],
        ));
        // ALB: default scheme internal, default target instance, Service annotation wins.
        cases.push((
            "alb defaults",
            svc(),
            vec![ingress(Some("alb"), None, None, "i1")],
            Routing::InternalAlb {
                ingress: "ns/i1".into(),
                target: LbTarget::Instance,
            },
            vec![Routing::ClusterIp],
            vec![RoutingNote::SeveralApply],
        ));
        let mut s = svc();
        s.aws.alb_target_type = Some("ip".into());
        cases.push((
            "alb service target wins, two ingresses, one public",
            s,
            vec![
                ingress(Some("alb"), Some("internal"), Some("instance"), "i2"),
                ingress(Some("alb"), Some("internet-facing"), None, "i0"),
                ingress(Some("alb"), None, None, "i1"),
            ],
            Routing::InternalAlb {
                ingress: "ns/i1".into(),
                target: LbTarget::Ip,
            },
            vec![Routing::ClusterIp],
            vec![
                RoutingNote::SeveralApply,
                RoutingNote::InternetFacing("Ingress ns/i0 (ALB)".into()),
                RoutingNote::SeveralIngresses(vec!["ns/i1".into(), "ns/i2".into()]),
            ],
        ));
        for (name, s, ings, routing, also, notes) in cases {
            let d = detect(&s, &ings);
            assert_eq!(d.routing, routing, "{name}");
            assert_eq!(d.also, also, "{name}");
            assert_eq!(d.notes, notes, "{name}");
        }
    }
}
