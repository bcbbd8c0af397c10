//! Private serde types of the kubectl reader: only the fields ewsim uses, read with a map
//! visitor so that kind-specific fields are typed in place once `kind` is known (see the
//! parent module's docs).

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// A scalar kept as text, remembering whether it was written as a number (quantities,
/// `targetPort`, label values typed by YAML).
#[derive(Debug, Clone)]
pub(super) struct Scalar {
    pub(super) text: String,
    pub(super) number: bool,
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar {
                    text: v.to_string(),
                    number: false,
                })
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                self.visit_str(if v { "true" } else { "false" })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar {
                    text: v.to_string(),
                    number: true,
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar {
                    text: v.to_string(),
                    number: true,
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar {
                    text: v.to_string(),
                    number: true,
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawMeta {
    pub(super) name: Option<String>,
    pub(super) namespace: Option<String>,
    pub(super) labels: Option<BTreeMap<String, Scalar>>,
    pub(super) annotations: Option<BTreeMap<String, Scalar>>,
    pub(super) generate_name: Option<String>,
    pub(super) owner_references: Option<Vec<RawOwner>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawOwner {
    pub(super) kind: String,
    pub(super) name: String,
    pub(super) controller: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawCondition {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) status: Scalar,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct RawNodeStatus {
    pub(super) allocatable: Option<BTreeMap<String, Scalar>>,
    pub(super) conditions: Option<Vec<RawCondition>>,
    pub(super) addresses: Option<Vec<RawAddress>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawAddress {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) address: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawPodSpec {
    pub(super) node_name: Option<String>,
    pub(super) host_network: Option<bool>,
    pub(super) containers: Option<Vec<RawContainer>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawContainer {
    pub(super) ports: Option<Vec<RawContainerPort>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawContainerPort {
    pub(super) name: Option<String>,
    pub(super) container_port: u16,
    pub(super) protocol: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawPodStatus {
    #[serde(rename = "podIP")]
    pub(super) pod_ip: Option<String>,
    #[serde(rename = "podIPs")]
    pub(super) pod_ips: Option<Vec<RawPodIp>>,
    pub(super) phase: Option<String>,
    pub(super) conditions: Option<Vec<RawCondition>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawPodIp {
    pub(super) ip: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawServiceSpec {
    pub(super) selector: Option<BTreeMap<String, Scalar>>,
    #[serde(rename = "clusterIP")]
    pub(super) cluster_ip: Option<String>,
    #[serde(rename = "type")]
    pub(super) service_type: Option<String>,
    pub(super) ports: Option<Vec<RawServicePort>>,
    pub(super) internal_traffic_policy: Option<String>,
    pub(super) traffic_distribution: Option<String>,
    pub(super) load_balancer_class: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawServicePort {
    pub(super) name: Option<String>,
    pub(super) port: u16,
    pub(super) target_port: Option<Scalar>,
    pub(super) protocol: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawIngressSpec {
    pub(super) ingress_class_name: Option<String>,
    pub(super) default_backend: Option<RawBackend>,
    pub(super) rules: Option<Vec<RawRule>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawRule {
    pub(super) http: Option<RawHttp>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawHttp {
    #[serde(default)]
    pub(super) paths: Vec<RawPath>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawPath {
    pub(super) backend: Option<RawBackend>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawBackend {
    pub(super) service: Option<RawName>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct RawName {
    pub(super) name: String,
}

#[derive(Debug, Default)]
pub(super) struct RawSlice {
    pub(super) address_type: Option<String>,
    pub(super) endpoints: Option<Vec<RawEndpoint>>,
    pub(super) ports: Option<Vec<RawEndpointPort>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawEndpoint {
    #[serde(default)]
    pub(super) addresses: Vec<String>,
    pub(super) conditions: Option<RawEndpointConditions>,
    pub(super) node_name: Option<String>,
    pub(super) zone: Option<String>,
    pub(super) hints: Option<RawHints>,
    pub(super) target_ref: Option<RawTargetRef>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct RawEndpointConditions {
    pub(super) ready: Option<bool>,
    pub(super) serving: Option<bool>,
    pub(super) terminating: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawHints {
    pub(super) for_zones: Option<Vec<RawName>>,
    pub(super) for_nodes: Option<Vec<RawName>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawTargetRef {
    pub(super) kind: Option<String>,
    pub(super) namespace: Option<String>,
    pub(super) name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawEndpointPort {
    pub(super) name: Option<String>,
    pub(super) port: Option<u16>,
    pub(super) protocol: Option<String>,
}

/// The kind-specific part of an object.
#[derive(Debug)]
pub(super) enum Body {
    Node(Box<RawNodeStatus>),
    Pod(Box<RawPodSpec>, Box<RawPodStatus>),
    Service(Box<RawServiceSpec>),
    Ingress(Box<RawIngressSpec>),
    Slice(Box<RawSlice>),
    Other,
}

/// One object or list, read with a map visitor so that typed fields are read in place once
/// `kind` is known (module docs).
#[derive(Debug)]
pub(super) struct RawObject {
    pub(super) kind: Option<String>,
    pub(super) metadata: RawMeta,
    pub(super) items: Option<Vec<RawObject>>,
    pub(super) body: Body,
    /// Kind-specific fields of an object without `kind` (items of an API `PodList`...),
    /// typed by [`RawObject::assign_kind`].
    pub(super) pending: Vec<(String, serde_json::Value)>,
    /// A null or `{}` document (e.g. `---` alone).
    pub(super) empty: bool,
}

impl RawObject {
    /// Gives a kind to an object that had none (the item kind of a typed list) and types its
    /// buffered fields.
    pub(super) fn assign_kind(&mut self, kind: &str) -> Result<(), serde_json::Error> {
        let mut slots = Slots {
            pending: std::mem::take(&mut self.pending),
            ..Slots::default()
        };
        slots.resolve::<serde_json::Error>(kind)?;
        self.body = slots.body(Some(kind));
        self.kind = Some(kind.to_string());
        Ok(())
    }
}

/// Fields read while the map is walked.
#[derive(Default)]
pub(super) struct Slots {
    pub(super) node_status: Option<RawNodeStatus>,
    pub(super) pod_spec: Option<RawPodSpec>,
    pub(super) pod_status: Option<RawPodStatus>,
    pub(super) service_spec: Option<RawServiceSpec>,
    pub(super) ingress_spec: Option<RawIngressSpec>,
    pub(super) slice: RawSlice,
    /// Fields met before `kind`, typed at the end.
    pub(super) pending: Vec<(String, serde_json::Value)>,
}

impl Slots {
    /// Reads a kind-specific field: typed when the kind is known, buffered otherwise.
    pub(super) fn read<'de, A: MapAccess<'de>>(
        &mut self,
        kind: Option<&str>,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match (kind, key) {
            (None, _) => {
                let v: serde_json::Value = map.next_value()?;
                self.pending.push((key.to_string(), v));
            }
            (Some("Node"), "status") => self.node_status = Some(map.next_value()?),
            (Some("Pod"), "spec") => self.pod_spec = Some(map.next_value()?),
            (Some("Pod"), "status") => self.pod_status = Some(map.next_value()?),
            (Some("Service"), "spec") => self.service_spec = Some(map.next_value()?),
            (Some("Ingress"), "spec") => self.ingress_spec = Some(map.next_value()?),
            (Some("EndpointSlice"), "addressType") => self.slice.address_type = map.next_value()?,
            (Some("EndpointSlice"), "endpoints") => self.slice.endpoints = map.next_value()?,
            (Some("EndpointSlice"), "ports") => self.slice.ports = map.next_value()?,
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    /// Types the buffered fields now that the kind is known.
    pub(super) fn resolve<E: de::Error>(&mut self, kind: &str) -> Result<(), E> {
        fn typed<T: serde::de::DeserializeOwned, E: de::Error>(
            key: &str,
            v: serde_json::Value,
        ) -> Result<T, E> {
            serde_json::from_value(v).map_err(|e| E::custom(format!("`{key}`: {e}")))
        }
        for (key, v) in std::mem::take(&mut self.pending) {
            match (kind, key.as_str()) {
                ("Node", "status") => self.node_status = Some(typed(&key, v)?),
                ("Pod", "spec") => self.pod_spec = Some(typed(&key, v)?),
                ("Pod", "status") => self.pod_status = Some(typed(&key, v)?),
                ("Service", "spec") => self.service_spec = Some(typed(&key, v)?),
                ("Ingress", "spec") => self.ingress_spec = Some(typed(&key, v)?),
                ("EndpointSlice", "addressType") => self.slice.address_type = typed(&key, v)?,
                ("EndpointSlice", "endpoints") => self.slice.endpoints = typed(&key, v)?,
                ("EndpointSlice", "ports") => self.slice.ports = typed(&key, v)?,
                _ => {}
            }
        }
        Ok(())
    }

    pub(super) fn body(self, kind: Option<&str>) -> Body {
        match kind {
            Some("Node") => Body::Node(Box::new(self.node_status.unwrap_or_default())),
            Some("Pod") => Body::Pod(
                Box::new(self.pod_spec.unwrap_or_default()),
                Box::new(self.pod_status.unwrap_or_default()),
            ),
            Some("Service") => Body::Service(Box::new(self.service_spec.unwrap_or_default())),
            Some("Ingress") => Body::Ingress(Box::new(self.ingress_spec.unwrap_or_default())),
            Some("EndpointSlice") => Body::Slice(Box::new(self.slice)),
            _ => Body::Other,
        }
    }
}

impl<'de> Deserialize<'de> for RawObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawObject;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a Kubernetes object or List")
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawObject, E> {
                Ok(RawObject {
                    kind: None,
                    metadata: RawMeta::default(),
                    items: None,
                    body: Body::Other,
                    pending: Vec::new(),
                    empty: true,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawObject, A::Error> {
                let mut kind: Option<String> = None;
                let mut metadata = RawMeta::default();
                let mut items = None;
                let mut slots = Slots::default();
                let mut keys = 0usize;
                while let Some(key) = map.next_key::<String>()? {
                    keys += 1;
                    match key.as_str() {
                        "kind" => {
                            let k: String = map.next_value()?;
                            slots.resolve::<A::Error>(&k)?;
                            kind = Some(k);
                        }
                        "metadata" => metadata = map.next_value()?,
                        "items" => items = Some(map.next_value::<Vec<RawObject>>()?),
                        "spec" | "status" | "addressType" | "endpoints" | "ports" => {
                            slots.read(kind.as_deref(), &key, &mut map)?
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let pending = if kind.is_none() {
                    std::mem::take(&mut slots.pending)
                } else {
                    Vec::new()
                };
                let body = slots.body(kind.as_deref());
                Ok(RawObject {
                    kind,
                    metadata,
                    items,
                    body,
                    pending,
                    empty: keys == 0,
                })
            }
        }
        d.deserialize_any(V)
    }
}
