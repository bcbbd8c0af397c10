//! The IP -> (Service or class) map that the traffic readers attribute bytes with.
//!
//! Rules:
//! - a live pod's own IP (not host-network) belongs to the Services whose selector matches its
//!   labels in its namespace; none: an unselected pod; several: ambiguous, kept with all names
//!   (sorted) and listed in [`AddressBook::ambiguous_pods`];
//! - a Node's `InternalIP` is class node; host-network pods use it too, so it stays class node;
//! - an address listed in the EndpointSlice of a Service without selector (a database or
//!   another cluster behind a manually managed slice) is class selector-less endpoint, unless it
//!   is already a pod or node address;
//! - for attributing a server, each (address, target port, protocol) a Service serves is
//!   indexed: pod IP + the pod's resolved target port (named ports through the pod's
//!   `containerPorts`), and separately node IP + target port for every pod on that node, which
//!   is how flow logs without `pkt-*` fields show a pod behind its node's ENI (see
//!   [`crate::import::flowlogs`]).

use super::Protocol;
use super::inventory::{Inventory, Pod, Service, TargetPort};
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

/// Who owns an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressOwner {
    /// A pod's own IP.
    Pod {
        /// `namespace/name` of the pod.
        pod: String,
        /// Services (`namespace/name`, sorted) selecting it: empty = unselected, several =
        /// ambiguous.
        services: Vec<String>,
    },
    /// A node's InternalIP (also the address of host-network pods).
    Node {
        /// Node name.
        node: String,
    },
    /// An endpoint address of a Service without selector.
    SelectorlessEndpoint {
        /// `namespace/name` of that Service.
        service: String,
    },
}

/// Addresses of the cluster and the (address, port) pairs each Service serves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressBook {
    /// Owner of each known address.
    pub owners: BTreeMap<IpAddr, AddressOwner>,
    /// Pods selected by several Services: `(pod, services)`.
    pub ambiguous_pods: Vec<(String, Vec<String>)>,
    serving: HashMap<(IpAddr, u16, Protocol), Vec<String>>,
    behind_node: HashMap<(IpAddr, u16, Protocol), Vec<String>>,
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
        v.sort();
    }
}

/// The target ports of `svc` on `pod` (named ports resolved through the pod's containers; a
/// name the pod does not declare is skipped, as kube-proxy has no endpoint port for it).
pub fn target_ports(svc: &Service, pod: &Pod) -> Vec<(u16, Protocol)> {
    svc.ports
        .iter()
        .filter_map(|p| match &p.target_port {
            TargetPort::Number(n) => Some((*n, p.protocol)),
            TargetPort::Name(name) => pod.named_port(name, p.protocol).map(|n| (n, p.protocol)),
        })
        .collect()
}

impl AddressBook {
    /// Builds the book; `selecting[i]` lists the Services (keys) selecting pod `i`.
    pub(crate) fn build(inv: &Inventory, selecting: &[Vec<usize>]) -> AddressBook {
        let mut book = AddressBook::default();
        let node_ips: HashMap<&str, &[IpAddr]> = inv
            .nodes
            .iter()
            .map(|n| (n.name.as_str(), n.internal_ips.as_slice()))
            .collect();
        for n in &inv.nodes {
            for ip in &n.internal_ips {
                book.owners.entry(*ip).or_insert(AddressOwner::Node {
                    node: n.name.clone(),
                });
            }
        }
        for (i, pod) in inv.pods.iter().enumerate() {
            if !pod.is_live() {
                continue;
            }
            let services: Vec<String> = {
                let mut v: Vec<String> = selecting[i]
                    .iter()
                    .map(|&s| inv.services[s].key())
                    .collect();
                v.sort();
                v
            };
            if services.len() > 1 {
                book.ambiguous_pods.push((pod.key(), services.clone()));
            }
            if !pod.host_network {
                for ip in &pod.ips {
                    book.owners.entry(*ip).or_insert(AddressOwner::Pod {
                        pod: pod.key(),
                        services: services.clone(),
                    });
                }
            }
            let on_node = pod
                .node
                .as_deref()
                .and_then(|n| node_ips.get(n).copied())
                .unwrap_or(&[]);
            for &s in &selecting[i] {
                let svc = &inv.services[s];
                let key = svc.key();
                for (port, proto) in target_ports(svc, pod) {
                    for ip in &pod.ips {
                        push_unique(book.serving.entry((*ip, port, proto)).or_default(), &key);
                    }
                    for ip in on_node {
                        push_unique(
                            book.behind_node.entry((*ip, port, proto)).or_default(),
                            &key,
                        );
                    }
                }
            }
        }
        for slice in &inv.endpoint_slices {
            let Some(svc_name) = &slice.service else {
                continue;
            };
            let selectorless = inv.services.iter().any(|s| {
                s.namespace == slice.namespace && &s.name == svc_name && !s.has_selector()
            });
            if !selectorless {
                continue;
            }
            for ep in &slice.endpoints {
                for addr in &ep.addresses {
                    if let Ok(ip) = addr.parse::<IpAddr>() {
                        book.owners
                            .entry(ip)
                            .or_insert(AddressOwner::SelectorlessEndpoint {
                                service: format!("{}/{}", slice.namespace, svc_name),
                            });
                    }
                }
            }
        }
        book.ambiguous_pods.sort();
        book
    }

    /// The owner of an address, if it belongs to the cluster.
    pub fn owner(&self, ip: &IpAddr) -> Option<&AddressOwner> {
        self.owners.get(ip)
    }

    /// Services (sorted) with a pod at `ip` serving `port` as a target port.
    pub fn serving(&self, ip: IpAddr, port: u16, protocol: Protocol) -> &[String] {
        self.serving
            .get(&(ip, port, protocol))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Services (sorted) with a pod on the node whose InternalIP is `ip`, serving `port`.
    pub fn behind_node(&self, ip: IpAddr, port: u16, protocol: Protocol) -> &[String] {
        self.behind_node
            .get(&(ip, port, protocol))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}
