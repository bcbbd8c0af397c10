//! Connection options and their per-kind settings.

use super::convert::Conv;
use super::raw::*;
use crate::scenario::*;
use crate::units::Quantity;
use rust_decimal::Decimal;
use serde_saphyr::Spanned;

pub(super) fn convert_option(c: &mut Conv, p: &str, o: &Spanned<RawOption>) -> Option<OptionSpec> {
    c.map.record(p, &o.referenced);
    let o = &o.value;
    let name = match &o.name {
        Some(n) => {
            c.map.record(&format!("{p}.name"), &n.referenced);
            n.value.clone()
        }
        None => {
            c.err(p, &o.kind.referenced, "missing field `name`");
            return None;
        }
    };
    let assume = match &o.assume_cross_az_share {
        Some(v) => Some(c.quantity(&format!("{p}.assume_cross_az_share"), v, Quantity::Share)?),
        None => None,
    };
    let (kind, traffic_distribution) = if o.kind.value == crate::scenario::kinds::PER_SERVICE.name {
        (super::per_service::convert_per_service(c, p, o)?, None)
    } else {
        convert_kind(c, p, o)?
    };
    Some(OptionSpec {
        name,
        description: o.description.clone(),
        kind,
        assume_cross_az_share: assume,
        traffic_distribution,
    })
}

/// The kind of an option entry (or of a `per-service` routing) with its settings and
/// `traffic_distribution`; `None` after reporting a problem.
pub(super) fn convert_kind(
    c: &mut Conv,
    p: &str,
    o: &RawOption,
) -> Option<(OptionKind, Option<crate::topology::TrafficDistribution>)> {
    let kind = o.kind.value.as_str();
    if !crate::scenario::kinds::is_kind(kind) {
        c.err(
            &format!("{p}.kind"),
            &o.kind.referenced,
            format!(
                "unknown option kind `{kind}`; expected one of: {}",
                crate::scenario::kinds::option_kind_names().join(", ")
            ),
        );
        return None;
    }
    let mut ok = super::per_service::no_routings(c, p, kind, o);
    for (name, loc) in present_settings(o) {
        let Some(loc) = loc else { continue };
        let kinds = crate::scenario::kinds::setting(name).map_or(&[][..], |s| s.kinds);
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
    ok.then_some((kind, traffic_distribution))
}

/// Every kind-specific setting the entry writes, with its position.
pub(super) fn present_settings(
    o: &RawOption,
) -> [(&'static str, Option<serde_saphyr::Location>); 16] {
    [
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
    ]
}

/// The option's `traffic_distribution:` (kinds `prefer-close`, default `PreferClose`, and
/// `topology-aware`, default none); an error on other kinds or for an unknown value.
pub(super) fn option_traffic_distribution(
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

#[cfg(test)]
mod traffic_distribution_tests {
    use crate::loader::parse_scenario;
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
