//! Unit tests of the kubectl reader: forms (JSON/YAML, List/typed list/bare, split files),
//! located errors, workload names.

#![allow(clippy::unwrap_used)]

use super::*;
use std::path::{Path, PathBuf};

/// The cluster fixtures folder (`None`, reported as skipped, in the packaged crate).
fn fixtures() -> Option<PathBuf> {
    crate::workspace_files::beside_crate("tests/fixtures/cluster")
}

fn fixture(dir: &Path, name: &str) -> String {
    let p = dir.join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The inventory with origins blanked, to compare forms.
fn normalized(mut inv: Inventory) -> Inventory {
    let blank = Origin {
        document: String::new(),
        document_index: 0,
        item_index: None,
    };
    inv.nodes.iter_mut().for_each(|n| n.origin = blank.clone());
    inv.pods.iter_mut().for_each(|n| n.origin = blank.clone());
    inv.services
        .iter_mut()
        .for_each(|n| n.origin = blank.clone());
    inv.ingresses
        .iter_mut()
        .for_each(|n| n.origin = blank.clone());
    inv.endpoint_slices
        .iter_mut()
        .for_each(|n| n.origin = blank.clone());
    inv
}

#[test]
fn json_yaml_and_split_exports_agree() {
    let Some(dir) = fixtures() else { return };
    let json = read_inventory(&[("export.json", &fixture(&dir, "export.json"))]).unwrap();
    assert_eq!(
        (
            json.nodes.len(),
            json.pods.len(),
            json.services.len(),
            json.endpoint_slices.len(),
            json.ingresses.len()
        ),
        (7, 23, 9, 8, 2)
    );
    // The Deployment and the ConfigMap in the export are ignored and counted.
    assert_eq!(json.ignored_kinds.get("Deployment"), Some(&1));
    assert_eq!(json.ignored_kinds.get("ConfigMap"), Some(&1));
    let yaml = read_inventory(&[("export.yaml", &fixture(&dir, "export.yaml"))]).unwrap();
    assert_eq!(normalized(json.clone()), normalized(yaml));
    let split = read_inventory(&[
        ("split/services.yaml", &fixture(&dir, "split/services.yaml")),
        ("split/pods.json", &fixture(&dir, "split/pods.json")),
        ("split/nodes.json", &fixture(&dir, "split/nodes.json")),
        (
            "split/endpointslices.yaml",
            &fixture(&dir, "split/endpointslices.yaml"),
        ),
        (
            "split/ingresses.json",
            &fixture(&dir, "split/ingresses.json"),
        ),
    ])
    .unwrap();
    let mut expected = normalized(json);
    expected.ignored_kinds.clear();
    assert_eq!(expected, normalized(split));
}

#[test]
fn fields_as_written() {
    let Some(dir) = fixtures() else { return };
    let inv = read_inventory(&[("export.json", &fixture(&dir, "export.json"))]).unwrap();
    let n = &inv.nodes[4];
    assert_eq!(n.name, "ip-10-0-3-10.ec2.internal");
    assert_eq!(n.allocatable_cpu_millis, Some(1930));
    assert_eq!(inv.nodes[6].allocatable_cpu_millis, Some(2000)); // "2" cores
    assert_eq!(inv.nodes[6].zone, None);
    assert!(!inv.nodes[3].ready); // Ready=Unknown
    assert!(inv.nodes[5].control_plane);
    let web = &inv.services[0];
    assert_eq!(web.ports[0].target_port, TargetPort::Name("http".into()));
    assert_eq!(
        inv.services[1].ports[0].target_port,
        TargetPort::Number(8080)
    );
    assert_eq!(inv.services[5].cluster_ip, ClusterIp::Headless);
    assert_eq!(inv.services[3].aws.cross_zone, Some(true));
    let agent = inv
        .pods
        .iter()
        .find(|p| p.name.starts_with("metrics-agent-"))
        .unwrap();
    assert!(agent.host_network);
    assert_eq!(
        agent.workload,
        Workload {
            kind: "DaemonSet".into(),
            name: "metrics-agent".into()
        }
    );
    let web_pod = &inv.pods[0];
    assert_eq!(
        web_pod.workload,
        Workload {
            kind: "Deployment".into(),
            name: "web".into()
        }
    );
    assert_eq!(web_pod.named_port("http", Protocol::Tcp), Some(8080));
    let report = inv
        .pods
        .iter()
        .find(|p| p.name == "report-28533120-q8w7e")
        .unwrap();
    assert_eq!(
        report.workload,
        Workload {
            kind: "CronJob".into(),
            name: "report".into()
        }
    );
    let cart = &inv.endpoint_slices[1];
    assert_eq!(cart.service.as_deref(), Some("cart"));
    assert_eq!(
        cart.endpoints[1].for_zones,
        Some(vec!["us-east-1b".to_string()])
    );
    assert_eq!(inv.ingresses[0].backend_services, vec!["web".to_string()]);
}

fn err(text: &str) -> ImportError {
    read_inventory(&[("bad.json", text)]).unwrap_err()
}

fn err_yaml(text: &str) -> ImportError {
    read_inventory(&[("bad.yaml", text)]).unwrap_err()
}

#[test]
fn wrong_types_are_located_by_the_parser() {
    // containerPort as a string: line 6, reported where the value ends.
    let e = err(r#"{"apiVersion": "v1", "kind": "Pod",
 "metadata": {"name": "p", "namespace": "n"},
 "spec": {
  "containers": [{
   "name": "c",
   "ports": [{"containerPort": "8080"}]
  }]
 }
}"#);
    assert!(matches!(*e.kind, ImportErrorKind::Syntax { .. }), "{e:?}");
    assert!(
        matches!(e.location, ImportLocation::LineColumn { line: 6, .. }),
        "{e:?}"
    );
    let e = err_yaml(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: http\n",
    );
    assert!(
        matches!(e.location, ImportLocation::LineColumn { line: 7, .. }),
        "{e:?}"
    );
    // A field met before `kind` is typed when `kind` is read (line 2).
    let e = err(r#"{"addressType": "IPv4", "endpoints": [{"addresses": 5}],
 "kind": "EndpointSlice", "metadata": {"name": "s"}}"#);
    assert!(
        matches!(e.location, ImportLocation::LineColumn { line: 2, .. }),
        "{e:?}"
    );
    let e = err("{\"kind\": \"List\", \"items\": [");
    assert!(matches!(*e.kind, ImportErrorKind::Syntax { .. }));
}

#[test]
fn semantic_errors_name_the_item() {
    let e = err(
        r#"{"kind": "List", "items": [{"kind": "ConfigMap", "metadata": {"name": "x"}},
 {"kind": "Node", "metadata": {"name": "n1"}, "status": {"allocatable": {"cpu": "two"}}}]}"#,
    );
    assert_eq!(
        *e.kind,
        ImportErrorKind::BadQuantity {
            field: "status.allocatable.cpu".into(),
            value: "two".into()
        }
    );
    assert_eq!(
        e.location,
        ImportLocation::Item {
            document_index: 0,
            item_index: Some(1),
            kind: "Node".into(),
            name: "n1".into()
        }
    );
    let e = err(
        r#"{"kind": "Pod", "metadata": {"name": "p", "namespace": "n"}, "spec": {"nodeName": "ghost"}}"#,
    );
    assert_eq!(
        *e.kind,
        ImportErrorKind::UnknownNode {
            pod: "n/p".into(),
            node: "ghost".into()
        }
    );
    let e = err(r#"{"kind": "Pod", "metadata": {"name": "p"}, "status": {"podIP": "10.0.0.300"}}"#);
    assert!(matches!(*e.kind, ImportErrorKind::BadValue { .. }));
    let e = err(
        r#"{"kind": "Node", "metadata": {"name": "a"}} {"kind": "Node", "metadata": {"name": "a"}}"#,
    );
    assert!(matches!(*e.kind, ImportErrorKind::Duplicate { .. }));
    assert!(matches!(
        e.location,
        ImportLocation::Item {
            document_index: 1,
            ..
        }
    ));
    let e = err(r#"{"metadata": {"name": "a"}}"#);
    assert_eq!(
        *e.kind,
        ImportErrorKind::MissingField {
            field: "kind".into()
        }
    );
    let e = err(
        r#"{"kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": 80, "protocol": "ICMP"}]}}"#,
    );
    assert!(matches!(*e.kind, ImportErrorKind::BadValue { .. }));
    // The same text as a YAML multi-document stream gives the same answer.
    let e = err_yaml("kind: Node\nmetadata: {name: a}\n---\nkind: Node\nmetadata: {name: a}\n");
    assert!(matches!(*e.kind, ImportErrorKind::Duplicate { .. }));
}

#[test]
fn unknown_kinds_and_empty_documents() {
    let inv = read_inventory(&[(
        "x.yaml",
        "---\n---\nkind: Secret\nmetadata: {name: s}\n---\nkind: Secret\nmetadata: {name: t}\n",
    )])
    .unwrap();
    assert_eq!(inv.ignored_kinds.get("Secret"), Some(&2));
    let inv = read_inventory(&[("x.json", "")]).unwrap();
    assert_eq!(inv, Inventory::default());
}

#[test]
fn workload_names_follow_istio() {
    let meta = |generated: Option<&str>, kind: &str, owner: &str| RawMeta {
        generate_name: generated.map(str::to_string),
        owner_references: Some(vec![RawOwner {
            kind: kind.into(),
            name: owner.into(),
            controller: Some(true),
        }]),
        ..RawMeta::default()
    };
    let labels = |h: &str| BTreeMap::from([("pod-template-hash".to_string(), h.to_string())]);
    let w = workload_of(
        &meta(Some("api-5f6-"), "ReplicaSet", "api-5f6"),
        "api-5f6-x",
        &labels("5f6"),
    );
    assert_eq!((w.kind.as_str(), w.name.as_str()), ("Deployment", "api"));
    // A ReplicaSet without the hash label keeps its own name.
    let w = workload_of(
        &meta(Some("rs-"), "ReplicaSet", "rs"),
        "rs-x",
        &BTreeMap::new(),
    );
    assert_eq!((w.kind.as_str(), w.name.as_str()), ("ReplicaSet", "rs"));
    // A Job whose suffix is not 8-10 digits stays a Job.
    let w = workload_of(
        &meta(Some("j-"), "Job", "backup-1234"),
        "j-x",
        &BTreeMap::new(),
    );
    assert_eq!((w.kind.as_str(), w.name.as_str()), ("Job", "backup-1234"));
    // No generateName: the pod's own name.
    let w = workload_of(
        &meta(None, "ReplicaSet", "api-5f6"),
        "lonely",
        &labels("5f6"),
    );
    assert_eq!((w.kind.as_str(), w.name.as_str()), ("Pod", "lonely"));
    // The override label wins.
    let mut l = labels("5f6");
    l.insert("service.istio.io/workload-name".into(), "custom".into());
    let w = workload_of(
        &meta(Some("api-5f6-"), "ReplicaSet", "api-5f6"),
        "api-5f6-x",
        &l,
    );
    assert_eq!(w.name, "custom");
}
