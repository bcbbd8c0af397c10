//! Per-service routing inside one option (`kind: per-service`): a real cluster connects each
//! Service its own way (one uses Topology Aware Routing, another is headless, a third sits behind
//! an internal ALB), so such an option names a routing per called Service and a default for the
//! rest. Every traffic edge is routed, priced and timed by the routing of the Service it calls
//! ([`OptionSpec::for_service`]); the rest of the engine sees plain options.

use super::{OptionKind, OptionSpec};
use crate::topology::TrafficDistribution;
use std::borrow::Cow;

/// How calls to one Service travel: a kind other than `per-service` with its settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRouting {
    /// The kind and its settings.
    pub kind: OptionKind,
    /// `spec.trafficDistribution` of the Service (kinds `prefer-close` and `topology-aware`, as
    /// [`OptionSpec::traffic_distribution`]).
    pub traffic_distribution: Option<TrafficDistribution>,
}

impl ServiceRouting {
    /// A routing of `kind` with the kind's default Service settings (`PreferClose` for
    /// `prefer-close`, as [`OptionSpec::new`]).
    pub fn new(kind: OptionKind) -> Self {
        let traffic_distribution = OptionSpec::new("", kind.clone()).traffic_distribution;
        ServiceRouting {
            kind,
            traffic_distribution,
        }
    }
}

/// The routings of a `per-service` option.
#[derive(Debug, Clone, PartialEq)]
pub struct PerServiceRouting {
    /// The routing of every called Service not listed in `services` (scenario key `default`,
    /// ClusterIP when not written).
    pub default: Box<ServiceRouting>,
    /// Routings by called Service name (scenario key `by_service`), in name order as the loader
    /// reads them.
    pub services: Vec<(String, ServiceRouting)>,
}

impl PerServiceRouting {
    /// Index of the routing that calls to `service` use: 0 for the default, `i + 1` for
    /// `services[i]`.
    pub fn index_of(&self, service: &str) -> usize {
        self.services
            .iter()
            .position(|(name, _)| name == service)
            .map_or(0, |i| i + 1)
    }

    /// The routing at an index of [`PerServiceRouting::index_of`] (the default beyond the list).
    pub fn at(&self, index: usize) -> &ServiceRouting {
        match index.checked_sub(1).and_then(|i| self.services.get(i)) {
            Some((_, r)) => r,
            None => &self.default,
        }
    }

    /// The routing of calls to `service`.
    pub fn of(&self, service: &str) -> &ServiceRouting {
        self.at(self.index_of(service))
    }

    /// Every routing, the default first, then the listed Services' in order.
    pub fn all(&self) -> impl Iterator<Item = &ServiceRouting> {
        std::iter::once(&*self.default).chain(self.services.iter().map(|(_, r)| r))
    }
}

impl OptionKind {
    /// The kind that calls to `service` use: the Service's routing for `per-service`, else the
    /// kind itself.
    pub fn for_service(&self, service: &str) -> &OptionKind {
        match self {
            OptionKind::PerService(p) => &p.of(service).kind,
            k => k,
        }
    }
}

impl OptionSpec {
    /// The option as it applies to calls to `service`: the option itself, or for `per-service`
    /// a plain option of the Service's routing (same name, description and stated assumption).
    pub fn for_service(&self, service: &str) -> Cow<'_, OptionSpec> {
        match &self.kind {
            OptionKind::PerService(p) => Cow::Owned(self.resolved(p.of(service))),
            _ => Cow::Borrowed(self),
        }
    }

    /// A plain option of `routing` carrying this option's name, description and assumption.
    pub fn resolved(&self, routing: &ServiceRouting) -> OptionSpec {
        OptionSpec {
            name: self.name.clone(),
            description: self.description.clone(),
            kind: routing.kind.clone(),
            assume_cross_az_share: self.assume_cross_az_share,
            traffic_distribution: routing.traffic_distribution,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_resolve_to_the_callee_routing_or_the_default() {
        let p = PerServiceRouting {
            default: Box::new(ServiceRouting::new(OptionKind::ClusterIp)),
            services: vec![
                (
                    "shop/cart".into(),
                    ServiceRouting::new(OptionKind::TopologyAware),
                ),
                (
                    "shop/web".into(),
                    ServiceRouting::new(OptionKind::PreferClose),
                ),
            ],
        };
        assert_eq!(p.index_of("shop/cart"), 1);
        assert_eq!(p.index_of("other"), 0);
        assert_eq!(p.of("other").kind, OptionKind::ClusterIp);
        assert_eq!(
            p.of("shop/web").traffic_distribution,
            Some(TrafficDistribution::PreferClose)
        );
        let o = OptionSpec::new("current", OptionKind::PerService(p));
        assert_eq!(o.for_service("shop/cart").kind, OptionKind::TopologyAware);
        assert_eq!(o.for_service("shop/cart").name, "current");
        assert_eq!(o.kind.for_service("x"), &OptionKind::ClusterIp);
        let plain = OptionSpec::new("c", OptionKind::Headless);
        assert!(matches!(plain.for_service("x"), Cow::Borrowed(_)));
    }
}
