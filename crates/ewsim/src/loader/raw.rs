//! The serde shape of a scenario file: raw types that keep every value's source span.

use crate::yaml::Text;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::fmt;

/// Service replicas: a total to spread, or counts per zone.
#[derive(Debug, Clone)]
pub(super) enum RawReplicas {
    Total(Text),
    PerZone(Vec<(String, Text)>),
}

impl<'de> Deserialize<'de> for RawReplicas {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawReplicas;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a replica count or a map of zone name to count")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawReplicas, E> {
                Ok(RawReplicas::Total(Text(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawReplicas, E> {
                Ok(RawReplicas::Total(Text(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawReplicas, E> {
                Ok(RawReplicas::Total(Text(v.to_string())))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawReplicas, E> {
                Ok(RawReplicas::Total(Text(v.to_string())))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut m: A) -> Result<RawReplicas, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, Text>()? {
                    out.push((k, v));
                }
                Ok(RawReplicas::PerZone(out))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScenario {
    pub(super) version: Spanned<Text>,
    #[serde(default)]
    pub(super) name: Option<String>,
    #[serde(default)]
    pub(super) description: Option<String>,
    pub(super) region: Spanned<String>,
    #[serde(default)]
    pub(super) billing: Option<Spanned<RawBilling>>,
    #[serde(default)]
    pub(super) prices: BTreeMap<String, Spanned<Text>>,
    #[serde(default)]
    pub(super) pricing: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) zones: Option<Spanned<Vec<Spanned<RawZone>>>>,
    #[serde(default)]
    pub(super) clusters: Option<Spanned<Vec<Spanned<RawCluster>>>>,
    #[serde(default)]
    pub(super) vpc_connectivity: Option<Spanned<String>>,
    pub(super) services: Spanned<Vec<Spanned<RawService>>>,
    pub(super) traffic: Spanned<Vec<Spanned<RawEdge>>>,
    pub(super) options: Spanned<Vec<Spanned<RawOption>>>,
    #[serde(default)]
    pub(super) states: Option<Spanned<Vec<Spanned<RawState>>>>,
    #[serde(default)]
    pub(super) latency: Option<Spanned<RawLatency>>,
    #[serde(default)]
    pub(super) call_graph: Option<Spanned<RawCallGraph>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCallGraph {
    pub(super) entry_points: Vec<Spanned<RawEntryPoint>>,
    #[serde(default)]
    pub(super) services: Vec<Spanned<RawServiceCalls>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEntryPoint {
    pub(super) name: String,
    pub(super) service: String,
    #[serde(default)]
    pub(super) stages: Vec<Vec<Spanned<RawCall>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawServiceCalls {
    pub(super) service: String,
    pub(super) stages: Vec<Vec<Spanned<RawCall>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCall {
    pub(super) to: String,
    #[serde(default)]
    pub(super) calls: Option<Spanned<Text>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLatency {
    #[serde(default)]
    pub(super) samples: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) seed: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) services_in_cluster: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) dns_cache_hit_ratio: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) dns_lookups_per_request: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) requests_per_connection: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) server_time: Option<Spanned<RawServerTime>>,
    #[serde(default)]
    pub(super) hops: Option<Spanned<BTreeMap<String, crate::latency::HopOverride>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawServerTime {
    pub(super) p50: Spanned<Text>,
    pub(super) p99: Spanned<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawState {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) hours_per_day: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) share: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) replicas: BTreeMap<String, Spanned<RawReplicas>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBilling {
    #[serde(default)]
    pub(super) hours_per_month: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) inter_az: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) capacity_units: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) gigabyte: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCluster {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) vpc: Option<String>,
    pub(super) zones: Spanned<Vec<Spanned<RawZone>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawZone {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) nodes: Option<Spanned<RawNodeGroups>>,
}

/// A zone's `nodes:`: one node group as a mapping, or a list of node groups.
pub(super) enum RawNodeGroups {
    One(Box<RawNodes>),
    Many(Vec<Spanned<RawNodes>>),
}

impl<'de> Deserialize<'de> for RawNodeGroups {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawNodeGroups;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a node group (count, type, ...) or a list of node groups")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, m: A) -> Result<RawNodeGroups, A::Error> {
                RawNodes::deserialize(de::value::MapAccessDeserializer::new(m))
                    .map(|g| RawNodeGroups::One(Box::new(g)))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, s: A) -> Result<RawNodeGroups, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(s)).map(RawNodeGroups::Many)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNodes {
    pub(super) count: Spanned<Text>,
    #[serde(rename = "type")]
    pub(super) instance_type: Spanned<String>,
    #[serde(default)]
    pub(super) cpu: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) not_ready: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) control_plane: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) unlabeled: Option<Spanned<Text>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawService {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) cluster: Option<Spanned<String>>,
    pub(super) replicas: Spanned<RawReplicas>,
    #[serde(default)]
    pub(super) colocate_with: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEdge {
    pub(super) from: Spanned<String>,
    pub(super) to: Spanned<String>,
    #[serde(default)]
    pub(super) volume: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) bytes_per_request: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) rps: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) request_size: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) response_size: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) connections: Option<Spanned<RawConnections>>,
    #[serde(default)]
    pub(super) protocol: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConnections {
    pub(super) new_per_second: Spanned<Text>,
    pub(super) lifetime: Spanned<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOverhead {
    pub(super) vcpu_per_1000_rps: Spanned<Text>,
    pub(super) memory_mb_per_1000_rps: Spanned<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOption {
    /// Required on `options:` entries, absent on the routings of a `per-service` option.
    #[serde(default)]
    pub(super) name: Option<Spanned<String>>,
    pub(super) kind: Spanned<String>,
    #[serde(default)]
    pub(super) description: Option<String>,
    #[serde(default)]
    pub(super) assume_cross_az_share: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) count: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) target_type: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) cross_zone: Option<Spanned<bool>>,
    #[serde(default)]
    pub(super) external_traffic_policy: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) client_leg_charged: Option<Spanned<bool>>,
    #[serde(default)]
    pub(super) client_zone_affinity: Option<Spanned<bool>>,
    #[serde(default)]
    pub(super) rules_per_request: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) mtls: Option<Spanned<bool>>,
    #[serde(default)]
    pub(super) services: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) locality_lb: Option<Spanned<bool>>,
    #[serde(default)]
    pub(super) outlier_detection: Option<Spanned<bool>>,
    #[serde(default)]
    pub(super) overhead: Option<Spanned<RawOverhead>>,
    #[serde(default)]
    pub(super) waypoint: Option<Spanned<bool>>,
    #[serde(default)]
    pub(super) affinity: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) hosted_zones: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) dns_queries_per_second: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) traffic_distribution: Option<Spanned<String>>,
    /// `per-service`: the routing of each named called Service.
    #[serde(default)]
    pub(super) by_service: Option<Spanned<BTreeMap<String, Spanned<RawOption>>>>,
    /// `per-service`: the routing of every other called Service.
    #[serde(default)]
    pub(super) default: Option<Box<Spanned<RawOption>>>,
}
