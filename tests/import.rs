//! `ewsim import` readers against the fixture cluster in `tests/fixtures/cluster/`.
//!
//! Every expected value is counted by hand from the fixture text (the counting is written out
//! next to each assertion), not taken from the program's output. The fixture cluster:
//!
//! nodes (export.json items 0-6)
//!   0 ip-10-0-1-10  us-east-1a m5.xlarge  3920m Ready      10.0.1.10
//!   1 ip-10-0-1-11  us-east-1a m5.xlarge  3920m Ready      10.0.1.11
//!   2 ip-10-0-2-10  us-east-1b m5.xlarge  3920m Ready      10.0.2.10
//!   3 ip-10-0-2-11  us-east-1b c5.2xlarge 7910m NOT Ready  10.0.2.11
//!   4 ip-10-0-3-10  us-east-1c m5.large   1930m Ready      10.0.3.10
//!   5 cp-1          us-east-1a m5.large   1930m Ready, control-plane 10.0.1.5
//!   6 ip-10-0-4-10  (no zone)  t3.medium  "2"   Ready      10.0.4.10
//! pods (node in brackets; n1 = ip-10-0-1-10 ...)
//!   shop/web      10.0.1.101[n1] 10.0.2.101[n3] 10.0.3.101[n5]   port http=8080
//!   shop/cart     10.0.1.102[n1] 10.0.1.112[n2] 10.0.2.102[n3] 10.0.3.102[n5]  8080
//!   shop/catalog  10.0.1.113[n2] 10.0.3.103[n5] 10.0.2.113[n4, not Ready]  grpc=9090
//!   shop/checkout 10.0.1.104[n1] 10.0.2.104[n3]  https=8443
//!   data/redis-0..2 10.0.1.105[n1] 10.0.2.105[n3] 10.0.3.105[n5]  6379 (selected by data/redis
//!                 and data/redis-read)
//!   data/orders   10.0.1.116[n2] 10.0.2.106[n3] 10.0.4.106[n7, no zone]  http=8080
//!   data/metrics-agent: host network on n1, n3, n5, 9100
//!   shop/report-28533120 (CronJob pod, no Service) 10.0.1.117[n2]; an older report pod 10.0.1.118
//!   has phase Succeeded
//! services: shop/web (internal ALB Ingress, ip), shop/cart (topology-mode Auto), shop/catalog
//!   (PreferClose, plus an nginx Ingress), shop/checkout (internal NLB, ip, cross-zone true),
//!   shop/legacy-payments (no selector, endpoint 10.0.9.50), data/redis (headless),
//!   data/redis-read (ClusterIP), data/orders (older annotation topology-aware-hints: auto and
//!   trafficDistribution PreferSameZone), data/metrics-agent (internalTrafficPolicy Local).

#![allow(clippy::unwrap_used)]

use ewsim::import::edges_csv::{EdgeVolume, read_edges_csv};
use ewsim::import::flowlogs::{
    AddressClass, FlowNote, FlowOptions, FlowSummary, Peer, SkipReason, read_flow_logs,
};
use ewsim::import::inventory::Inventory;
use ewsim::import::kubectl::read_inventory;
use ewsim::import::observed::{
    LbTarget, ObservedCluster, Routing, RoutingNote, TrafficDistribution,
};
use ewsim::import::prometheus::{PrometheusOptions, ResultType, read_prometheus};
use ewsim::import::window::{Window, monthly_from_requests};
use ewsim::import::{ImportErrorKind, ImportLocation};
use rust_decimal::Decimal;
use rust_decimal::dec;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/cluster")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn inventory() -> Inventory {
    read_inventory(&[("export.json", &fixture("export.json"))]).unwrap()
}

fn cluster() -> ObservedCluster {
    ObservedCluster::from_inventory(&inventory())
}

fn zones(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
    pairs.iter().map(|(z, n)| (z.to_string(), *n)).collect()
}

#[test]
fn zones_and_node_groups() {
    let c = cluster();
    assert_eq!(c.zones, vec!["us-east-1a", "us-east-1b", "us-east-1c"]);
    // Grouped by (zone, type, CPU), unlabeled last:
    // 1a: cp-1 m5.large 1930 (control plane) | nodes 0,1 m5.xlarge 3920
    // 1b: node 3 c5.2xlarge 7910 not Ready   | node 2 m5.xlarge 3920
    // 1c: node 4 m5.large 1930
    // none: node 6 t3.medium 2000 ("2" cores)
    type Row<'a> = (Option<&'a str>, Option<&'a str>, Option<u64>, u32, u32, u32);
    let got: Vec<Row> = c
        .node_groups
        .iter()
        .map(|g| {
            (
                g.zone.as_deref(),
                g.instance_type.as_deref(),
                g.allocatable_cpu_millis,
                g.count,
                g.ready,
                g.control_plane,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (Some("us-east-1a"), Some("m5.large"), Some(1930), 1, 1, 1),
            (Some("us-east-1a"), Some("m5.xlarge"), Some(3920), 2, 2, 0),
            (Some("us-east-1b"), Some("c5.2xlarge"), Some(7910), 1, 0, 0),
            (Some("us-east-1b"), Some("m5.xlarge"), Some(3920), 1, 1, 0),
            (Some("us-east-1c"), Some("m5.large"), Some(1930), 1, 1, 0),
            (None, Some("t3.medium"), Some(2000), 1, 1, 0),
        ]
    );
    assert_eq!(c.unlabeled_nodes, 1);
}

#[test]
fn services_and_replicas_per_zone() {
    let c = cluster();
    let names: Vec<&str> = c.services.iter().map(|s| s.name.as_str()).collect();
    // 9 Services, legacy-payments has no selector.
    assert_eq!(
        names,
        vec![
            "data/metrics-agent",
            "data/orders",
            "data/redis",
            "data/redis-read",
            "shop/cart",
            "shop/catalog",
            "shop/checkout",
            "shop/web",
        ]
    );
    assert_eq!(c.skipped_services.len(), 1);
    assert_eq!(c.skipped_services[0].name, "shop/legacy-payments");
    let s = |n: &str| c.service(n).unwrap();
    let (a, b, cz) = ("us-east-1a", "us-east-1b", "us-east-1c");
    // web: n1 (a), n3 (b), n5 (c).
    assert_eq!(
        s("shop/web").ready_pods_by_zone,
        zones(&[(a, 1), (b, 1), (cz, 1)])
    );
    // cart: n1, n2 (a), n3 (b), n5 (c).
    assert_eq!(
        s("shop/cart").ready_pods_by_zone,
        zones(&[(a, 2), (b, 1), (cz, 1)])
    );
    // catalog: n2 (a), n5 (c) Ready; the pod on n4 is not Ready.
    assert_eq!(
        s("shop/catalog").ready_pods_by_zone,
        zones(&[(a, 1), (cz, 1)])
    );
    assert_eq!(s("shop/catalog").not_ready_pods, 1);
    assert_eq!(
        s("shop/checkout").ready_pods_by_zone,
        zones(&[(a, 1), (b, 1)])
    );
    // orders: n2 (a), n3 (b), n7 (no zone label).
    assert_eq!(
        s("data/orders").ready_pods_by_zone,
        zones(&[(a, 1), (b, 1)])
    );
    assert_eq!(s("data/orders").ready_pods_without_zone, 1);
    assert_eq!(
        s("data/redis").ready_pods_by_zone,
        zones(&[(a, 1), (b, 1), (cz, 1)])
    );
    assert_eq!(
        s("data/redis-read").ready_pods_by_zone,
        zones(&[(a, 1), (b, 1), (cz, 1)])
    );
    assert_eq!(s("data/metrics-agent").host_network_pods, 3);
}

#[test]
fn routing_detected_per_service() {
    let c = cluster();
    let r = |n: &str| c.service(n).unwrap().routing.clone();
    assert_eq!(
        r("data/metrics-agent").routing,
        Routing::InternalTrafficPolicyLocal
    );
    assert_eq!(r("data/redis").routing, Routing::Headless);
    assert_eq!(r("data/redis-read").routing, Routing::ClusterIp);
    assert_eq!(
        r("shop/cart").routing,
        Routing::TopologyAwareRouting {
            annotation: "service.kubernetes.io/topology-mode".into(),
            value: "Auto".into()
        }
    );
    // The older annotation with `auto` wins over trafficDistribution: PreferSameZone.
    let orders = r("data/orders");
    assert_eq!(
        orders.routing,
        Routing::TopologyAwareRouting {
            annotation: "service.kubernetes.io/topology-aware-hints".into(),
            value: "auto".into()
        }
    );
    assert_eq!(
        orders.notes,
        vec![RoutingNote::TrafficDistributionOverridden(
            "PreferSameZone".into()
        )]
    );
    let catalog = r("shop/catalog");
    assert_eq!(
        catalog.routing,
        Routing::TrafficDistribution(TrafficDistribution::PreferClose)
    );
    assert_eq!(
        catalog.notes,
        vec![RoutingNote::NonAlbIngress {
            ingress: "shop/catalog-public".into(),
            class: Some("nginx".into())
        }]
    );
    let checkout = r("shop/checkout");
    assert_eq!(
        checkout.routing,
        Routing::InternalNlb {
            target: LbTarget::Ip,
            cross_zone: Some(true)
        }
    );
    assert_eq!(checkout.also, vec![Routing::ClusterIp]);
    assert_eq!(checkout.notes, vec![RoutingNote::SeveralApply]);
    let web = r("shop/web");
    assert_eq!(
        web.routing,
        Routing::InternalAlb {
            ingress: "shop/web".into(),
            target: LbTarget::Ip
        }
    );
    assert_eq!(web.also, vec![Routing::ClusterIp]);
}

#[test]
fn observed_hints() {
    let c = cluster();
    let (a, b, cz) = ("us-east-1a", "us-east-1b", "us-east-1c");
    let row = |pairs: &[(&str, u32)]| zones(pairs);
    // cart-7hq4m: 10.0.1.102 (a) -> a; 10.0.1.112 (a) -> b; 10.0.2.102 (b) -> b; 10.0.3.102 (c) -> c.
    let cart = &c.service("shop/cart").unwrap().hints;
    assert_eq!(cart.slices, vec!["cart-7hq4m"]);
    let expected: BTreeMap<String, BTreeMap<String, u32>> = [
        (a.to_string(), row(&[(a, 1), (b, 1)])),
        (b.to_string(), row(&[(b, 1)])),
        (cz.to_string(), row(&[(cz, 1)])),
    ]
    .into_iter()
    .collect();
    assert_eq!(cart.by_zone, expected);
    assert_eq!(cart.ready_without_hints, 0);
    assert_eq!(cart.endpoints[1].for_zones, Some(vec![b.to_string()]));
    // catalog: two ready endpoints hinted for their own zone, the not-ready one has no hints
    // and is not counted.
    let catalog = &c.service("shop/catalog").unwrap().hints;
    assert_eq!(catalog.by_zone.len(), 2);
    assert_eq!(catalog.ready_without_hints, 0);
    assert_eq!(catalog.endpoints.len(), 3);
    assert_eq!(catalog.endpoints[2].ready, Some(false));
    // orders: three ready endpoints without hints (one has no zone, so the controller gave
    // none); web: three without hints.
    assert_eq!(
        c.service("data/orders").unwrap().hints.ready_without_hints,
        3
    );
    assert_eq!(c.service("shop/web").unwrap().hints.ready_without_hints, 3);
}

#[test]
fn address_book() {
    use ewsim::import::observed::AddressOwner;
    let c = cluster();
    let owner = |ip: &str| c.addresses.owner(&ip.parse().unwrap()).cloned();
    assert_eq!(
        owner("10.0.1.101"),
        Some(AddressOwner::Pod {
            pod: "shop/web-7d9f8c6b5-x4k2p".into(),
            services: vec!["shop/web".into()]
        })
    );
    // metrics-agent uses the host network: its address is the node's.
    assert_eq!(
        owner("10.0.2.10"),
        Some(AddressOwner::Node {
            node: "ip-10-0-2-10.ec2.internal".into()
        })
    );
    assert_eq!(
        owner("10.0.9.50"),
        Some(AddressOwner::SelectorlessEndpoint {
            service: "shop/legacy-payments".into()
        })
    );
    // The CronJob pod is selected by nothing; the Succeeded pod holds no address.
    assert!(
        matches!(owner("10.0.1.117"), Some(AddressOwner::Pod { services, .. }) if services.is_empty())
    );
    assert_eq!(owner("10.0.1.118"), None);
    // The three redis pods are selected by data/redis and data/redis-read.
    assert_eq!(c.addresses.ambiguous_pods.len(), 3);
    assert_eq!(
        c.addresses.ambiguous_pods[0].1,
        vec!["data/redis".to_string(), "data/redis-read".to_string()]
    );
    // Named target port `grpc` resolves to 9090 on catalog pods; 9102 is not a target port.
    let tcp = ewsim::import::Protocol::Tcp;
    assert_eq!(
        c.addresses
            .serving("10.0.1.113".parse().unwrap(), 9090, tcp),
        ["shop/catalog".to_string()]
    );
    assert!(
        c.addresses
            .serving("10.0.1.113".parse().unwrap(), 9102, tcp)
            .is_empty()
    );
}

fn peer_svc(s: &str) -> Peer {
    Peer::Service(s.to_string())
}

fn edge(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

fn flows(name: &str) -> FlowSummary {
    let text = fixture(name);
    read_flow_logs(text.as_bytes(), name, &cluster(), &FlowOptions::default()).unwrap()
}

/// flows-v2.log, line by line (version 2: on the logging interface's side, a pod shows as its
/// node's address):
///  1 n1 ENI 10.0.1.10 -> catalog 10.0.1.113:9090   client side (pod 10.0.1.113 visible) -> skip
///  2 n1 ENI catalog:9090 -> 10.0.1.10              client side -> skip
///  3 n2 ENI web 10.0.1.101 -> 10.0.1.11:9090       server side, n2:9090 = catalog -> web->catalog 5000
///  4 n2 ENI 10.0.1.11:9090 -> web                  server side -> web->catalog 20000
///  5 n1 ENI cart 10.0.2.102 -> 10.0.1.10:6379      n1:6379 = redis, redis-read (ambiguous, first
///                                                  data/redis) -> cart->redis 1200
///  6 n1 ENI 10.0.1.10:6379 -> cart                 -> cart->redis 800 (ambiguous)
///  7 n3 ENI 10.0.2.10 -> redis 10.0.1.105:6379     client side -> skip
///  8 n2 ENI 10.0.1.11:33000 -> 10.0.9.50:443       server by port (443); cluster end n2 logged it
///                                                  -> (node, selector-less) 3000
///  9 n2 ENI 10.0.9.50:443 -> 10.0.1.11             -> (node, selector-less) 9000
/// 10 VM ENI 10.0.9.50 -> pod 10.0.1.117            pod address visible: not the pod's side -> skip
/// 11 n1 ENI NLB 10.0.5.20 -> 10.0.1.10:8443        n1:8443 = checkout -> (other VPC, checkout) 4000
/// 12 n1 ENI 10.0.1.10:8443 -> NLB                  -> (other VPC, checkout) 16000
/// 13 NLB ENI 198.51.100.7 -> 10.0.5.20:443         no cluster end -> (outside, other VPC) 3800
/// 14 NLB ENI 10.0.5.20 -> checkout pod 10.0.1.104  pod address visible -> skip
/// 15 n3 ENI 10.0.2.10 -> orders 10.0.1.116:8080    client side -> skip
/// 16 n2 ENI 10.0.2.10 -> 10.0.1.11:8080            both ends node addresses: side unknown, half;
///                                                  n2:8080 = orders, cart (ambiguous, first
///                                                  data/orders) -> (node, orders) 350
/// 17 n2 ENI 10.0.1.11:8080 -> 10.0.2.10            half of 1400 -> (node, orders) 700
/// 18 REJECT, 19 NODATA, 20 SKIPDATA
#[test]
fn flow_logs_version_2() {
    let f = flows("flows-v2.log");
    let expected_edges: BTreeMap<_, _> = [
        (edge("shop/web", "shop/catalog"), dec!(25000)), // 5000 + 20000
        (edge("shop/cart", "data/redis"), dec!(2000)),   // 1200 + 800
    ]
    .into_iter()
    .collect();
    assert_eq!(f.edges, expected_edges);
    let cls = |c| Peer::Class(c);
    let expected_unmapped: BTreeMap<_, _> = [
        (
            (
                cls(AddressClass::Node),
                cls(AddressClass::SelectorlessEndpoint),
            ),
            dec!(12000),
        ), // 3000 + 9000
        (
            (cls(AddressClass::OtherVpc), peer_svc("shop/checkout")),
            dec!(20000),
        ), // 4000 + 16000
        (
            (cls(AddressClass::Outside), cls(AddressClass::OtherVpc)),
            dec!(3800),
        ),
        (
            (cls(AddressClass::Node), peer_svc("data/orders")),
            dec!(1050),
        ), // 350 + 700
    ]
    .into_iter()
    .collect();
    assert_eq!(f.unmapped, expected_unmapped);
    assert_eq!(f.lines_read, 20);
    // Used: lines 3 4 5 6 8 9 11 12 13 16 17.
    assert_eq!(f.records_used, 11);
    assert_eq!(f.records_halved, 2); // 16, 17
    assert_eq!(f.records_ambiguous, 4); // 5, 6, 16, 17
    let skipped: BTreeMap<_, _> = [
        (SkipReason::NoData, 1),
        (SkipReason::SkipData, 1),
        (SkipReason::Rejected, 1),
        (SkipReason::OtherInterface, 6), // 1 2 7 10 14 15
    ]
    .into_iter()
    .collect();
    assert_eq!(f.skipped, skipped);
    // ACCEPT + OK records: earliest start 1761123600 (line 1), latest end 1761123760 (13, 14);
    // the REJECT line's wider times do not count.
    assert_eq!(f.time_span, Some((1761123600, 1761123760)));
    // Per class: (node, selector-less) under its server's class; (other VPC, checkout) under
    // the client's; (outside, other VPC) under the server's; (node, orders) under node.
    let classes = f.class_totals();
    assert_eq!(classes[&AddressClass::SelectorlessEndpoint], dec!(12000));
    assert_eq!(classes[&AddressClass::OtherVpc], dec!(23800)); // 20000 + 3800
    assert_eq!(classes[&AddressClass::Node], dec!(1050));
    assert_eq!(
        f.notes,
        vec![
            FlowNote::SameNodeTrafficNotLogged,
            FlowNote::InterfaceAddressesOnly,
            FlowNote::NoFlowDirection
        ]
    );
    // 25000 + 2000 + 12000 + 20000 + 3800 + 1050
    assert_eq!(f.total_bytes(), dec!(63850));
}

/// flows-custom.log (header with pkt-srcaddr, pkt-dstaddr and flow-direction; the header is
/// repeated after line 8 as when two S3 files are joined):
///  2 n3 egress  web 10.0.2.101 -> cart 10.0.1.112:8080   client side -> skip
///  3 n3 ingress cart -> web                               client side -> skip
///  4 n2 ingress web -> cart                               server side -> web->cart 6000
///  5 n2 egress  cart -> web                               -> web->cart 30000
///  6 n1 egress  web 10.0.1.101 -> checkout 10.0.2.104:8443 client side -> skip
///  7 n3 ingress web -> checkout                           -> web->checkout 2500
///  8 n3 egress  checkout -> web                           -> web->checkout 7500
/// 10 n5 ingress orders 10.0.2.106 -> redis 10.0.3.105:6379 -> orders->redis 900 (ambiguous)
/// 11 n2 egress  catalog 10.0.1.113 -> 52.216.1.10:443     cluster end logged it -> (catalog, outside) 1500
/// 12 n2 ingress 52.216.1.10:443 -> catalog                -> (catalog, outside) 64000
/// 13 n3 ingress report 10.0.1.117 -> cart 10.0.2.102:8080 -> (unselected pod, cart) 400
/// 14 n1 ingress 10.0.1.118 (a finished pod) -> web:8080  -> (other VPC, web) 250
/// 15 REJECT, 16 NODATA; lines 1 and 9 are headers
#[test]
fn flow_logs_custom_format() {
    let f = flows("flows-custom.log");
    let expected_edges: BTreeMap<_, _> = [
        (edge("shop/web", "shop/cart"), dec!(36000)), // 6000 + 30000
        (edge("shop/web", "shop/checkout"), dec!(10000)), // 2500 + 7500
        (edge("data/orders", "data/redis"), dec!(900)),
    ]
    .into_iter()
    .collect();
    assert_eq!(f.edges, expected_edges);
    let cls = |c| Peer::Class(c);
    let expected_unmapped: BTreeMap<_, _> = [
        (
            (peer_svc("shop/catalog"), cls(AddressClass::Outside)),
            dec!(65500),
        ), // 1500 + 64000
        (
            (cls(AddressClass::UnselectedPod), peer_svc("shop/cart")),
            dec!(400),
        ),
        (
            (cls(AddressClass::OtherVpc), peer_svc("shop/web")),
            dec!(250),
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(f.unmapped, expected_unmapped);
    assert_eq!(f.lines_read, 16);
    assert_eq!(f.records_used, 9); // 4 5 7 8 10 11 12 13 14
    assert_eq!(f.records_halved, 0);
    assert_eq!(f.records_ambiguous, 1); // 10
    let skipped: BTreeMap<_, _> = [
        (SkipReason::Header, 2),
        (SkipReason::NoData, 1),
        (SkipReason::Rejected, 1),
        (SkipReason::OtherInterface, 3), // 2 3 6
    ]
    .into_iter()
    .collect();
    assert_eq!(f.skipped, skipped);
    // starts 1761210000 (line 2) ... ends up to 1761210110 (line 14).
    assert_eq!(f.time_span, Some((1761210000, 1761210110)));
    assert_eq!(f.notes, vec![FlowNote::SameNodeTrafficNotLogged]);
}

#[test]
fn flow_log_errors_are_located() {
    let c = cluster();
    let read = |name: &str| {
        let text = fixture(name);
        read_flow_logs(text.as_bytes(), name, &c, &FlowOptions::default()).unwrap_err()
    };
    // Line 3 has 13 fields.
    let e = read("bad/flows-field-count.log");
    assert_eq!(
        e.location,
        ImportLocation::LineColumn { line: 3, column: 1 }
    );
    assert_eq!(
        *e.kind,
        ImportErrorKind::FieldCount {
            expected: 14,
            found: 13
        }
    );
    // `12kB` in the bytes column starts at column 38 of line 2:
    // "2 10.0.1.101 10.0.1.113 41000 9090 6 " is 37 characters.
    let e = read("bad/flows-bad-bytes.log");
    assert_eq!(
        e.location,
        ImportLocation::LineColumn {
            line: 2,
            column: 38
        }
    );
    assert!(matches!(*e.kind, ImportErrorKind::BadValue { ref field, .. } if field == "bytes"));
}

#[test]
fn prometheus_vector_of_request_bytes() {
    let c = cluster();
    let p = read_prometheus(
        &fixture("prometheus-request-bytes-vector.json"),
        "vector.json",
        &c,
        &PrometheusOptions::default(),
    )
    .unwrap();
    assert_eq!(p.result_type, ResultType::Vector);
    let expected: BTreeMap<_, _> = [
        (edge("shop/web", "shop/cart"), dec!(360000000)),
        (edge("shop/web", "shop/catalog"), dec!(2000.00)), // 1500.25 + 499.75 (reporter=source kept)
        (edge("shop/cart", "data/redis"), dec!(2500)),     // "2.5e3"
        (edge("data/orders", "data/redis"), dec!(900)),
        // workload redis -> pods selected by data/redis and data/redis-read: the first.
        (edge("data/redis", "data/orders"), dec!(10)),
    ]
    .into_iter()
    .collect();
    assert_eq!(p.edges, expected);
    let unmapped: BTreeMap<_, _> = [
        // the CronJob's pods have no Service; legacy-payments has no selector
        (edge("shop/report", "shop/legacy-payments"), dec!(3000)),
        (edge("unknown/unknown", "shop/web"), dec!(250)),
    ]
    .into_iter()
    .collect();
    assert_eq!(p.unmapped, unmapped);
    assert_eq!(
        (p.series_read, p.series_other_reporter, p.samples),
        (9, 1, 8)
    );
    assert_eq!(
        p.ambiguous_workloads.get("data/redis"),
        Some(&vec![
            "data/redis".to_string(),
            "data/redis-read".to_string()
        ])
    );
}

#[test]
fn prometheus_matrix_of_requests_and_window_scaling() {
    let c = cluster();
    let p = read_prometheus(
        &fixture("prometheus-requests-matrix.json"),
        "matrix.json",
        &c,
        &PrometheusOptions::default(),
    )
    .unwrap();
    assert_eq!(p.result_type, ResultType::Matrix);
    // web->cart: 86400 + 86400 + 172800; web->catalog: 3 x 43200; the reporter=destination
    // copy is skipped.
    assert_eq!(p.edges[&edge("shop/web", "shop/cart")], dec!(345600));
    assert_eq!(p.edges[&edge("shop/web", "shop/catalog")], dec!(129600));
    assert_eq!(p.series_other_reporter, 1);
    assert_eq!(p.time_span, Some((dec!(1761004800), dec!(1761177600))));
    // Three daily steps = 3d = 259,200 s: 345,600 requests -> 4/3 rps. With 360,000,000 request
    // bytes and 0 response bytes: 1,041.67 B per request (360e6 / 345600 = 1041.666...), and
    // 360e6 B x 730 h / 72 h per month.
    let w = Window::parse("3d").unwrap();
    let m =
        monthly_from_requests(dec!(345600), dec!(360000000), Decimal::ZERO, w, dec!(730)).unwrap();
    assert_eq!(m.requests_per_second.unwrap().round_dp(6), dec!(1.333333));
    assert_eq!(m.request_bytes.unwrap().round_dp(2), dec!(1041.67));
    assert_eq!(m.bytes_per_month, dec!(3650000000)); // 360e6 x 730 / 72
}

#[test]
fn prometheus_error_response() {
    let e = read_prometheus(
        &fixture("prometheus-error.json"),
        "error.json",
        &cluster(),
        &PrometheusOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        *e.kind,
        ImportErrorKind::PrometheusError {
            error_type: "bad_data".into(),
            error: "1:83: parse error: unexpected \"}\" in label matching, expected string".into()
        }
    );
}

#[test]
fn edges_csv() {
    let rows = read_edges_csv(fixture("edges.csv").as_bytes(), "edges.csv").unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[1].volume,
        EdgeVolume::Rate {
            rps: dec!(45.5),
            request_bytes: dec!(350),
            response_bytes: dec!(12000)
        }
    );
    assert_eq!(
        (rows[2].from.as_str(), rows[2].to.as_str(), rows[2].line),
        ("shop/cart", "data/redis", 4)
    );
    // `12kB` starts at column 23 of line 3 ("shop/web,shop/catalog," is 22 characters).
    let e = read_edges_csv(fixture("bad/edges-bad-number.csv").as_bytes(), "bad.csv").unwrap_err();
    assert_eq!(
        e.location,
        ImportLocation::LineColumn {
            line: 3,
            column: 23
        }
    );
}

#[test]
fn bad_exports() {
    let read = |name: &str| read_inventory(&[(name, &fixture(name))]).unwrap_err();
    let e = read("bad/export-bad-quantity.json");
    assert_eq!(
        *e.kind,
        ImportErrorKind::BadQuantity {
            field: "status.allocatable.cpu".into(),
            value: "3920 millicores".into()
        }
    );
    assert_eq!(
        e.location,
        ImportLocation::Item {
            document_index: 0,
            item_index: Some(2),
            kind: "Node".into(),
            name: "ip-10-0-2-10.ec2.internal".into()
        }
    );
    let e = read("bad/pods-unknown-node.yaml");
    assert_eq!(
        *e.kind,
        ImportErrorKind::UnknownNode {
            pod: "shop/web-7d9f8c6b5-x4k2p".into(),
            node: "ip-10-0-9-99.ec2.internal".into()
        }
    );
    // `port: eighty` is on line 11.
    let e = read("bad/service-wrong-type.yaml");
    assert!(matches!(*e.kind, ImportErrorKind::Syntax { .. }));
    assert!(
        matches!(e.location, ImportLocation::LineColumn { line: 11, .. }),
        "{e:?}"
    );
    // The diagnostic form names the file and position.
    assert!(
        e.to_diagnostic()
            .to_string()
            .starts_with("bad/service-wrong-type.yaml:11:")
    );
}

/// `tests/fixtures/cluster-run/export.yaml`: shop/api (topology-mode Auto) has 3 Ready
/// endpoints (10.1.1.102 and 10.1.1.112 in 1a, 10.1.3.102 in 1c; 10.1.2.102 in 1b is not
/// Ready). Ready, non-control-plane nodes' CPU: 1a 2 x 1930m, 1b 1 x 1930m (ip-10-1-2-11 is
/// not Ready), 1c 1 x 1930m -> ratios 0.5 / 0.25 / 0.25. The controller's minimum allocation is
/// sum ceil(ratio x 3 / 1.2) = ceil(1.25) + ceil(0.625) + ceil(0.625) = 2 + 1 + 1 = 4 > 3
/// endpoints, so it removes the hints (MinAllocationExceedsOverloadThreshold). The slice still
/// carries 1a -> 1a, 1a -> 1b, 1c -> 1c: the allocation of four Ready nodes (ratios 0.4 / 0.4 /
/// 0.2: 1 + 1 + 1 = 3, one endpoint per zone), kept from before ip-10-1-2-11 went not Ready.
#[test]
fn observed_hints_compared_with_computed() {
    use ewsim::import::hints::{DifferenceCause, HintMatch, compare_hints};
    use ewsim::topology::{AppliedHints, HintsRemovedReason};
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/cluster-run/export.yaml");
    let text = std::fs::read_to_string(p).unwrap();
    let inv = read_inventory(&[("export.yaml", &text)]).unwrap();
    let all = compare_hints(&inv);
    let names: Vec<&str> = all.iter().map(|s| s.service.as_str()).collect();
    assert_eq!(names, vec!["shop/api", "shop/db", "shop/frontend"]);
    let api = &all[0];
    assert_eq!(
        api.applied,
        AppliedHints::TopologyAwareRouting(Err(
            HintsRemovedReason::MinAllocationExceedsOverloadThreshold {
                endpoints: 3,
                zones: 3
            }
        ))
    );
    assert_eq!(api.matches, HintMatch::OnlyInCluster);
    assert!(api.causes.contains(&DifferenceCause::EarlierAllocation));
    // Zone 1b: observed, one endpoint of 1a (10.1.1.112); computed, none.
    let b = api.zones.iter().find(|z| z.zone == "us-east-1b").unwrap();
    assert_eq!(b.observed, zones(&[("us-east-1a", 1)]));
    assert!(b.computed.is_empty());
    // No other Service has hints on either side.
    assert!(all[1..].iter().all(|s| s.matches == HintMatch::Same));
}
