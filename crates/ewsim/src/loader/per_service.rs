//! `kind: per-service` options: `by_service:` (called Service name -> a kind and its settings)
//! and `default:` (every other called Service; ClusterIP when not written).

use super::convert::Conv;
use super::options::{convert_kind, present_settings};
use super::raw::RawOption;
use crate::scenario::kinds::{PER_SERVICE, PER_SERVICE_KEYS};
use crate::scenario::{OptionKind, PerServiceRouting, ServiceRouting};

/// The routings of a `per-service` option entry at `p`; `None` after reporting a problem.
pub(super) fn convert_per_service(c: &mut Conv, p: &str, o: &RawOption) -> Option<OptionKind> {
    let mut ok = true;
    for (name, loc) in present_settings(o) {
        if let Some(loc) = loc {
            c.err(
                &format!("{p}.{name}"),
                &loc,
                format!(
                    "setting `{name}` does not apply to kind `{}`; give it in the Service's routing under `by_service:` or `default:`",
                    PER_SERVICE.name
                ),
            );
            ok = false;
        }
    }
    if let Some(v) = &o.traffic_distribution {
        c.err(
            &format!("{p}.traffic_distribution"),
            &v.referenced,
            "setting `traffic_distribution` does not apply to kind `per-service` (it applies to: prefer-close, topology-aware)",
        );
        ok = false;
    }
    let default = match &o.default {
        Some(d) => routing(c, &format!("{p}.default"), d),
        None => Some(ServiceRouting::new(OptionKind::ClusterIp)),
    };
    let mut services = Vec::new();
    if let Some(map) = &o.by_service {
        c.map.record(&format!("{p}.by_service"), &map.referenced);
        for (name, r) in &map.value {
            match routing(c, &format!("{p}.by_service.{name}"), r) {
                Some(r) => services.push((name.clone(), r)),
                None => ok = false,
            }
        }
    }
    let default = default?;
    ok.then(|| {
        OptionKind::PerService(PerServiceRouting {
            default: Box::new(default),
            services,
        })
    })
}

/// One routing of a `per-service` option: a plain kind and its settings, without a name, a
/// description, an assumption or routings of its own.
fn routing(c: &mut Conv, p: &str, r: &serde_saphyr::Spanned<RawOption>) -> Option<ServiceRouting> {
    c.map.record(p, &r.referenced);
    let o = &r.value;
    let mut ok = true;
    if o.kind.value == PER_SERVICE.name {
        c.err(
            &format!("{p}.kind"),
            &o.kind.referenced,
            "a per-service option's routings take a kind of one Service, not `per-service`",
        );
        return None;
    }
    let extra = [
        ("name", o.name.as_ref().map(|v| v.referenced)),
        (
            "assume_cross_az_share",
            o.assume_cross_az_share.as_ref().map(|v| v.referenced),
        ),
    ];
    for (key, loc) in extra {
        if let Some(loc) = loc {
            c.err(
                &format!("{p}.{key}"),
                &loc,
                format!("`{key}` belongs on the option, not on one Service's routing"),
            );
            ok = false;
        }
    }
    if o.description.is_some() {
        c.err(
            &format!("{p}.description"),
            &r.referenced,
            "`description` belongs on the option, not on one Service's routing",
        );
        ok = false;
    }
    let (kind, traffic_distribution) = convert_kind(c, p, o)?;
    ok.then_some(ServiceRouting {
        kind,
        traffic_distribution,
    })
}

/// Reports `by_service:` / `default:` on a kind other than `per-service`; whether there were none.
pub(super) fn no_routings(c: &mut Conv, p: &str, kind: &str, o: &RawOption) -> bool {
    let locs = [
        o.by_service.as_ref().map(|v| v.referenced),
        o.default.as_ref().map(|v| v.referenced),
    ];
    let mut ok = true;
    for (key, loc) in PER_SERVICE_KEYS.iter().zip(locs) {
        if let Some(loc) = loc {
            c.err(
                &format!("{p}.{key}"),
                &loc,
                format!(
                    "setting `{key}` does not apply to kind `{kind}` (it applies to: {})",
                    PER_SERVICE.name
                ),
            );
            ok = false;
        }
    }
    ok
}

#[cfg(test)]
mod tests {
    use crate::loader::{parse_scenario, write::scenario_yaml};
    use crate::scenario::{NodeAttributes, OptionKind, Scenario};
    use crate::topology::TrafficDistribution;
    use rust_decimal::Decimal;

    /// A scenario with a two-group zone, a `pricing:` key and a per-service option.
    const TEXT: &str = "version: 1
region: us-east-1
pricing: prices/eu.yaml
zones:
  - name: us-east-1a
    nodes:
      - {count: 2, type: m5.large, cpu: 1930m}
      - {count: 3, type: m6i.large, not_ready: 1, control_plane: 1}
  - {name: us-east-1b, nodes: {count: 2, type: m5.large}}
services:
  - {name: shop/web, replicas: 2}
  - {name: shop/cart, replicas: 2}
  - {name: shop/api, replicas: 2}
traffic:
  - {from: shop/web, to: shop/cart, volume: 1 GB}
  - {from: shop/cart, to: shop/api, volume: 1 GB}
options:
  - name: current
    kind: per-service
    description: today
    default: {kind: headless}
    by_service:
      shop/cart: {kind: prefer-close, traffic_distribution: PreferSameNode}
      shop/api: {kind: internal-alb, count: 2, mtls: true}
";

    fn load(text: &str) -> Scenario {
        parse_scenario(text, "t.yaml")
            .unwrap_or_else(|e| panic!("{e}"))
            .scenario
    }

    fn error(text: &str) -> String {
        match parse_scenario(text, "t.yaml") {
            Ok(_) => panic!("accepted:\n{text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn node_groups_per_service_routings_and_pricing_key_are_read() {
        let s = load(TEXT);
        assert_eq!(s.pricing_file.as_deref(), Some("prices/eu.yaml"));
        let a = &s.clusters[0].zones[0];
        assert_eq!(a.more_nodes.len(), 1);
        assert_eq!(a.node_count(), 5);
        assert_eq!(a.nodes.allocatable_cpu, Some(Decimal::new(193, 2)));
        assert_eq!(a.more_nodes[0].instance_type, "m6i.large");
        assert_eq!(
            a.more_nodes[0].attributes,
            NodeAttributes {
                not_ready: 1,
                control_plane: 1,
                unlabeled: 0
            }
        );
        assert!(s.clusters[0].zones[1].more_nodes.is_empty());
        let o = &s.options[0];
        let OptionKind::PerService(p) = &o.kind else {
            panic!("{:?}", o.kind)
        };
        assert_eq!(p.default.kind, OptionKind::Headless);
        assert_eq!(p.of("shop/web").kind, OptionKind::Headless);
        assert_eq!(
            p.of("shop/cart").traffic_distribution,
            Some(TrafficDistribution::PreferSameNode)
        );
        let OptionKind::InternalAlb { lb, mtls, .. } = &p.of("shop/api").kind else {
            panic!("{:?}", p.of("shop/api"))
        };
        assert_eq!((lb.count, *mtls), (2, true));
    }

    #[test]
    fn the_writer_round_trips_node_groups_per_service_and_pricing() {
        let a = load(TEXT);
        let yaml = scenario_yaml(&a).unwrap_or_else(|e| panic!("{e}"));
        let b = load(&yaml);
        assert_eq!(a, b, "{yaml}");
    }

    #[test]
    fn misplaced_routing_keys_are_located_errors() {
        // A setting on the per-service option itself.
        let e = error(&TEXT.replace("    description: today\n", "    count: 2\n"));
        assert!(
            e.contains("options[0].count") && e.contains("does not apply to kind `per-service`"),
            "{e}"
        );
        // A routing naming a per-service kind, or carrying a name.
        let e = error(&TEXT.replace("default: {kind: headless}", "default: {kind: per-service}"));
        assert!(e.contains("options[0].default.kind"), "{e}");
        let e = error(&TEXT.replace(
            "default: {kind: headless}",
            "default: {kind: headless, name: x}",
        ));
        assert!(e.contains("options[0].default.name"), "{e}");
        // by_service on another kind.
        let e = error(&TEXT.replace("kind: per-service", "kind: clusterip"));
        assert!(
            e.contains("setting `default` does not apply to kind `clusterip`"),
            "{e}"
        );
        // A setting of the wrong kind inside a routing.
        let e = error(&TEXT.replace("count: 2, mtls: true", "waypoint: true"));
        assert!(e.contains("options[0].by_service.shop/api.waypoint"), "{e}");
        // An empty node group list and a group with count 0.
        let e = error(&TEXT.replace(
            "{name: us-east-1b, nodes: {count: 2, type: m5.large}}",
            "{name: us-east-1b, nodes: []}",
        ));
        assert!(
            e.contains("zones[1].nodes") && e.contains("no nodes"),
            "{e}"
        );
        let e = error(&TEXT.replace("{count: 3, type: m6i.large", "{count: 0, type: m6i.large"));
        assert!(e.contains("zones[0].nodes[1].count"), "{e}");
    }

    #[test]
    fn validation_checks_every_node_group_and_routing() {
        let table = crate::PriceTable::builtin("us-east-1").expect("table");
        let problems = |text: &str| -> Vec<String> {
            crate::validate::validate(&load(text), &table)
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(problems(TEXT), Vec::<String>::new());
        // An instance type the table has no price for, in the second group: named with its path.
        let p = problems(&TEXT.replace("type: m6i.large", "type: c7g.large"));
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].contains("zones[0].nodes[1].type") && p[0].contains("c7g.large"),
            "{p:?}"
        );
        // Attribute counts beyond the group's own count.
        let p = problems(&TEXT.replace(
            "not_ready: 1, control_plane: 1",
            "not_ready: 2, control_plane: 2",
        ));
        assert!(
            p.iter()
                .any(|m| m.contains("zones[0].nodes[1]") && m.contains("exceeds")),
            "{p:?}"
        );
        // by_service naming no declared Service.
        let p = problems(&TEXT.replace("      shop/api: {", "      shop/nope: {"));
        assert!(
            p.iter()
                .any(|m| m.contains("options[0].by_service.shop/nope")
                    && m.contains("unknown service")),
            "{p:?}"
        );
    }
}
