//! Unit tests of the flow-log reader on a two-node cluster: a client pod `c` (10.0.1.20 on
//! n1 10.0.1.10) and a server Service `ns/s` with one pod (10.0.2.20 on n2 10.0.2.10) serving
//! target port 8080.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::import::kubectl::read_inventory;
use rust_decimal::dec;

const EXPORT: &str = r#"{"kind": "List", "items": [
 {"kind": "Node", "metadata": {"name": "n1", "labels": {"topology.kubernetes.io/zone": "a"}},
  "status": {"addresses": [{"type": "InternalIP", "address": "10.0.1.10"}]}},
 {"kind": "Node", "metadata": {"name": "n2", "labels": {"topology.kubernetes.io/zone": "b"}},
  "status": {"addresses": [{"type": "InternalIP", "address": "10.0.2.10"}]}},
 {"kind": "Pod", "metadata": {"name": "c", "namespace": "ns", "labels": {"app": "c"}},
  "spec": {"nodeName": "n1"}, "status": {"podIP": "10.0.1.20"}},
 {"kind": "Pod", "metadata": {"name": "s", "namespace": "ns", "labels": {"app": "s"}},
  "spec": {"nodeName": "n2", "containers": [{"ports": [{"name": "http", "containerPort": 8080}]}]},
  "status": {"podIP": "10.0.2.20", "podIPs": [{"ip": "10.0.2.20"}, {"ip": "2600:1f18::20"}]}},
 {"kind": "Service", "metadata": {"name": "s", "namespace": "ns"},
  "spec": {"selector": {"app": "s"}, "ports": [{"port": 80, "targetPort": "http"}]}},
 {"kind": "Service", "metadata": {"name": "c", "namespace": "ns"},
  "spec": {"selector": {"app": "c"}, "ports": [{"port": 80}]}}
]}"#;

fn cluster() -> ObservedCluster {
    ObservedCluster::from_inventory(&read_inventory(&[("x.json", EXPORT)]).unwrap())
}

fn read(text: &str, options: &FlowOptions) -> Result<FlowSummary, ImportError> {
    read_flow_logs(text.as_bytes(), "f.log", &cluster(), options)
}

fn edge() -> (String, String) {
    ("ns/c".to_string(), "ns/s".to_string())
}

#[test]
fn cidrs() {
    let c = Cidr::parse("10.0.0.0/16").unwrap();
    assert!(c.contains(&"10.0.255.1".parse().unwrap()));
    assert!(!c.contains(&"10.1.0.1".parse().unwrap()));
    assert!(!c.contains(&"2600:1f18::1".parse().unwrap()));
    let v6 = Cidr::parse("2600:1f18::/32").unwrap();
    assert!(v6.contains(&"2600:1f18:abcd::1".parse().unwrap()));
    assert!(
        Cidr::parse("0.0.0.0/0")
            .unwrap()
            .contains(&"8.8.8.8".parse().unwrap())
    );
    for bad in ["10.0.0.0", "10.0.0.0/33", "x/8", "::/129"] {
        assert!(Cidr::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn pkt_addresses_without_direction_and_half_counting() {
    // Header in `${field}` form; no flow-direction. Line 2 at n1 (srcaddr rewritten to n1:
    // capture = source = client side): skipped. Line 3 at n2 (dstaddr rewritten): counted.
    // Line 4: neither address rewritten nor a pod's own on the plain fields (n1 -> n2, both node
    // addresses): side unknown, half of 7 = 3.5.
    let text = "${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr} ${srcport} ${dstport} ${protocol} ${bytes}\n\
                10.0.1.10 10.0.2.20 10.0.1.20 10.0.2.20 40000 8080 6 100\n\
                10.0.1.20 10.0.2.10 10.0.1.20 10.0.2.20 40000 8080 6 100\n\
                10.0.1.10 10.0.2.10 10.0.1.10 10.0.2.10 40001 8080 6 7\n";
    let f = read(text, &FlowOptions::default()).unwrap();
    assert_eq!(f.edges[&edge()], dec!(100));
    assert_eq!(
        f.unmapped[&(
            Peer::Class(AddressClass::Node),
            Peer::Service("ns/s".into())
        )],
        dec!(3.5)
    );
    assert_eq!(f.records_halved, 1);
    assert_eq!(f.skipped[&SkipReason::OtherInterface], 1);
    assert_eq!(f.skipped[&SkipReason::Header], 1);
    assert_eq!(f.time_span, None); // no start / end fields
    assert!(f.notes.contains(&FlowNote::NoFlowDirection));
}

#[test]
fn format_option_ipv6_icmp_and_comments() {
    let options = FlowOptions {
        format: Some(
            [
                "srcaddr",
                "dstaddr",
                "srcport",
                "dstport",
                "protocol",
                "bytes",
                "flow-direction",
            ]
            .map(String::from)
            .to_vec(),
        ),
        ..FlowOptions::default()
    };
    // IPv6 pod address serves 8080 too; ICMP has `-` ports (port 0, no Service port).
    let text = "# exported from CloudWatch Logs\n\n\
                2600:1f18::99 2600:1f18::20 41000 8080 6 64 ingress\n\
                10.0.1.20 10.0.2.20 - - 1 84 egress\n";
    let f = read(text, &options).unwrap();
    let outside = Peer::Class(AddressClass::Outside);
    assert_eq!(
        f.unmapped[&(outside, Peer::Service("ns/s".into()))],
        dec!(64)
    );
    // ICMP from c to s's pod: ports 0/0, server by port tie = destination; captured at the
    // client (egress) while both ends are cluster pods: the server side is designated, so skip.
    assert_eq!(f.skipped[&SkipReason::OtherInterface], 1);
    assert_eq!(f.skipped[&SkipReason::Blank], 2);
}

#[test]
fn errors() {
    let o = FlowOptions::default();
    let e = read("version srcaddr dstaddr srcport dstport protocol\n", &o).unwrap_err();
    assert_eq!(
        *e.kind,
        ImportErrorKind::MissingField {
            field: "bytes".into()
        }
    );
    assert_eq!(
        e.location,
        ImportLocation::LineColumn { line: 1, column: 1 }
    );
    let line = "2 1 eni-1 10.0.1.20 10.0.2.20 1 8080 6 1 10 1 2 ACCEPT MAYBE\n";
    let e = read(line, &o).unwrap_err();
    assert!(
        matches!(*e.kind, ImportErrorKind::BadValue { ref field, .. } if field == "log-status")
    );
    assert_eq!(
        e.location,
        ImportLocation::LineColumn {
            line: 1,
            column: 56
        }
    );
    let e = read(
        "2 1 eni-1 10.0.1.20 10.0.2.20 1 8080 6 1 10 1 2 ALLOW OK\n",
        &o,
    )
    .unwrap_err();
    assert!(matches!(*e.kind, ImportErrorKind::BadValue { ref field, .. } if field == "action"));
    let e = read(
        "2 1 eni-1 10.0.1.300 10.0.2.20 1 8080 6 1 10 1 2 ACCEPT OK\n",
        &o,
    )
    .unwrap_err();
    assert_eq!(
        e.location,
        ImportLocation::LineColumn {
            line: 1,
            column: 11
        }
    );
    let e = read(
        "2 1 eni-1 10.0.1.20 10.0.2.20 1 70000 6 1 10 1 2 ACCEPT OK\n",
        &o,
    )
    .unwrap_err();
    assert!(matches!(*e.kind, ImportErrorKind::BadValue { ref field, .. } if field == "dstport"));
    let bad_utf8: &[u8] = b"2 1 eni-1 \xff\n";
    let e = read_flow_logs(bad_utf8, "f.log", &cluster(), &o).unwrap_err();
    assert!(matches!(*e.kind, ImportErrorKind::Read { .. }));
    let e = read(&"x ".repeat(60), &o).unwrap_err();
    assert!(matches!(*e.kind, ImportErrorKind::FieldCount { .. }));
}

#[test]
fn several_documents_accumulate() {
    let c = cluster();
    let mut r = FlowLogReader::new(&c, FlowOptions::default());
    let line = "2 1 eni-2 10.0.1.20 10.0.2.10 40000 8080 6 1 10 100 160 ACCEPT OK\n";
    r.read(line.as_bytes(), "a.log").unwrap();
    let line = "2 1 eni-2 10.0.2.10 10.0.1.20 8080 40000 6 1 30 90 200 ACCEPT OK\n";
    r.read(line.as_bytes(), "b.log").unwrap();
    let f = r.finish();
    assert_eq!(f.edges[&edge()], dec!(40));
    assert_eq!(f.time_span, Some((90, 200)));
    assert_eq!(f.lines_read, 2);
}
