//! `ewsim recommend` against the reference guide's eight scenario rows (Table D; reference
//! seed-tables.md §5): for each row, the shipped requirement set on its shipped scenario. The
//! expected answers are argued from the capability facts (capabilities/options.yaml) and price
//! arithmetic in the comments, not taken from the program's output. Also: the README's capability
//! matrix is the one the data generates.

use ewsim::recommend::{CapabilityTable, GuideExample, Recommendation, guide_examples, recommend};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Evaluates the example's scenario (latency with `samples` when given) and recommends.
fn run(name: &str, samples: Option<u64>) -> (ewsim::Report, Recommendation) {
    let table = CapabilityTable::builtin().expect("capability table");
    let examples: Vec<GuideExample> = guide_examples(&table).expect("examples");
    let ex = examples
        .iter()
        .find(|e| e.name == name)
        .expect("example exists");
    let loaded =
        ewsim::loader::load_scenario_file(&root().join(&ex.scenario)).expect("scenario loads");
    let s = &loaded.scenario;
    let prices = ewsim::PriceTable::builtin(&s.region).expect("prices");
    let mut report = ewsim::Report::of_cost(ewsim::evaluate(s, &prices).expect("evaluates"));
    if let Some(n) = samples {
        let run = ewsim::path_latency::LatencyRun {
            samples: n,
            seed: 1,
            per_edge: false,
        };
        report.latency =
            Some(ewsim::path_latency::simulate(s, &report.cost, run).expect("latency"));
    }
    let rec = recommend(s, &report, &table, &ex.require);
    (report, rec)
}

fn names(rec: &Recommendation) -> Vec<&str> {
    rec.ranked.iter().map(|c| c.option.as_str()).collect()
}

fn cost(report: &ewsim::Report, option: &str) -> Decimal {
    report
        .cost
        .options
        .iter()
        .find(|o| o.name == option)
        .expect("option")
        .cost
        .total
}

fn cents(v: Decimal) -> Decimal {
    ewsim::cost::cents(v)
}

/// Row 1, simple latency-sensitive microservices: `no-extra-component, zone-local`.
/// Only the kube-proxy kinds need nothing new, and of those only itp-local, topology-aware and
/// prefer-close keep traffic in the zone. In eks-10tb each zone holds 2 backends of 6 and 2 nodes:
/// hints hold (each zone needs ceil((6/3)/1.2) = 2 <= 2), PreferClose finds a local endpoint, and
/// every node has a backend for ITP Local, so all three cost $0.00 and drop nothing. The p99
/// tie-break then prefers ITP Local, whose only hop stays on the node (same-node round trip
/// below the same-AZ one in latency/eks-defaults.yaml). The guide says "ClusterIP + TAR, optionally
/// ITP Local"; ewsim puts ITP Local first here because every node has a backend.
#[test]
fn row1_simple_microservices_zone_local_kube_proxy() {
    let (_, rec) = run("simple-microservices", Some(5_000));
    let mut got = names(&rec);
    assert_eq!(got.first(), Some(&"itp-local"));
    got.sort_unstable();
    assert_eq!(got, ["itp-local", "prefer-close", "topology-aware"]);
    for c in &rec.ranked {
        assert_eq!(cents(c.monthly_cost_usd), Decimal::ZERO, "{}", c.option);
        assert!(c.dropped_share.is_zero());
    }
    assert_eq!(rec.best().map(|c| c.option.as_str()), Some("itp-local"));
}

/// Row 2, StatefulSet: `l4, statefulset-addressing`. Only a headless Service gives per-pod DNS
/// names. Its cost is ClusterIP's: a client picks uniformly among 6 backends, 4 in other zones, so
/// 2/3 of 10 TB crosses: 10,240 x 2/3 = 6,826.67 GB x $0.01 x 2 sides = $136.53.
#[test]
fn row2_statefulset_headless_only() {
    let (_, rec) = run("statefulset", None);
    assert_eq!(names(&rec), ["headless"]);
    let expected = Decimal::from(10_240) * Decimal::from(2) / Decimal::from(3)
        * Decimal::new(1, 2)
        * Decimal::from(2);
    assert_eq!(cents(rec.ranked[0].monthly_cost_usd), cents(expected));
    assert_eq!(rec.excluded.len(), 16);
}

/// Row 3, L7 routing and WAF: only an ALB takes an AWS WAF web ACL (AWS WAF protected resources),
/// so both ALB options are eligible and nothing else. Instance targets add the NodePort -> pod hop,
/// which crosses zones again (2/3 of bytes with externalTrafficPolicy Cluster) on top of the same
/// ALB charges, so IP mode ranks first, as the guide says.
#[test]
fn row3_l7_waf_internal_alb_ip_mode() {
    let (_, rec) = run("l7-waf", None);
    assert_eq!(names(&rec), ["internal-alb", "internal-alb-instance"]);
    let lattice = rec
        .excluded
        .iter()
        .find(|x| x.option == "lattice")
        .expect("lattice excluded");
    assert_eq!(
        lattice.missing.len(),
        1,
        "Lattice has L7 routing but no WAF"
    );
    assert_eq!(lattice.missing[0].capability, "waf");
}

/// Row 4, mTLS: only the Istio options give mutual TLS without application changes (Istio
/// sidecars and ambient ztunnel). Lattice authenticates callers with IAM SigV4 over TLS, not with
/// client certificates, and the ALB option here has no `mtls: true`, so both are excluded.
/// The locality-aware sidecar keeps bytes in the zone, so it pays only proxy compute while the
/// others also pay ClusterIP's $136.53 of transfer: it wins. (The guide says "Istio mesh".)
#[test]
fn row4_mtls_only_istio() {
    let (report, rec) = run("zero-trust", None);
    let mut got = names(&rec);
    got.sort_unstable();
    assert_eq!(
        got,
        [
            "istio-ambient",
            "istio-ambient-waypoint",
            "istio-sidecar",
            "istio-sidecar-locality"
        ]
    );
    assert_eq!(rec.ranked[0].option, "istio-sidecar-locality");
    // Locality keeps every byte in the zone: no inter-AZ line item at all.
    let o = report
        .cost
        .options
        .iter()
        .find(|o| o.name == "istio-sidecar-locality")
        .expect("option");
    assert!(o.cost.cross_az_gb.is_zero());
    assert!(
        rec.excluded
            .iter()
            .any(|x| x.option == "lattice" && x.missing.iter().any(|m| m.capability == "mtls"))
    );
}

/// Row 5, multi-AZ cost without a mesh: `zone-local, no-self-managed-proxy`. Eligible: the three
/// zone-aware kube-proxy kinds ($0.00, as in row 1) and the NLB with zonal DNS and cross-zone off,
/// which also crosses nothing but pays at least its hourly fee ($0.0225 x 730 h = $16.43), so it
/// ranks fourth. The guide's "Topology Hints + IP-mode LB" is in the list; ewsim ranks ITP Local
/// first on p99 (as in row 1) and shows that an LB adds its fees even when zone-local.
#[test]
fn row5_multi_az_cost_zone_local_without_mesh() {
    let (report, rec) = run("multi-az-cost", Some(5_000));
    let got = names(&rec);
    assert_eq!(got.len(), 4);
    assert_eq!(got[0], "itp-local");
    assert_eq!(got[3], "internal-nlb-zonal-dns");
    let nlb_hours = Decimal::new(225, 4) * Decimal::from(730);
    assert!(cost(&report, "internal-nlb-zonal-dns") >= nlb_hours);
    // The zone-local sidecar is excluded: it runs proxies (the row says "no mesh").
    let mesh = rec
        .excluded
        .iter()
        .find(|x| x.option == "istio-sidecar-locality")
        .expect("excluded");
    assert_eq!(mesh.missing[0].capability, "no-self-managed-proxy");
}

/// Row 6, multi-cluster, low ops complexity: `multi-cluster, no-self-managed-proxy` on
/// multi-cluster.yaml. Eligible: both ClusterMesh options, Route 53 + NLB and Lattice (ClusterIP
/// stays in its cluster). ClusterMesh with `affinity: local` uses the caller's own cluster while
/// it has backends, which routes exactly like ClusterIP inside cluster east: same cost, no TGW
/// bytes, no LB or Lattice fees, so it wins, as the guide says (Cilium ClusterMesh).
#[test]
fn row6_multi_cluster_clustermesh() {
    let (report, rec) = run("multi-cluster", None);
    let mut got = names(&rec);
    assert_eq!(got[0], "clustermesh-local");
    got.sort_unstable();
    assert_eq!(
        got,
        ["clustermesh", "clustermesh-local", "lattice", "route53-nlb"]
    );
    assert_eq!(
        cost(&report, "clustermesh-local"),
        cost(&report, "clusterip")
    );
}

/// Row 7, multi-account with IAM control: only VPC Lattice shares services across accounts (AWS
/// RAM) and authorises callers with IAM auth policies.
#[test]
fn row7_multi_account_lattice_only() {
    let (_, rec) = run("multi-account", None);
    assert_eq!(names(&rec), ["lattice"]);
    for x in &rec.excluded {
        assert!(
            x.missing.iter().any(|m| m.capability == "iam-auth"),
            "{x:?}"
        );
    }
}

/// Row 8, simple low-traffic DR: `multi-cluster, no-cni-change, no-self-managed-proxy` on
/// dr-low-traffic.yaml. ClusterMesh needs Cilium as CNI in every cluster and Istio runs proxies,
/// so Route 53 + NLB and Lattice remain. At 5 rps the fixed fees decide: the NLB costs
/// $0.0225 x 730 = $16.425 plus $0.50 for the hosted zone, Lattice $0.025 x 730 = $18.25 for one
/// service before any data charge, so Route 53 + NLB wins, as the guide says.
#[test]
fn row8_dr_route53_nlb() {
    let (report, rec) = run("dr-low-traffic", None);
    assert_eq!(names(&rec), ["route53-nlb", "lattice"]);
    assert!(cost(&report, "lattice") >= Decimal::new(25, 3) * Decimal::from(730));
    let mesh = rec
        .excluded
        .iter()
        .find(|x| x.option == "clustermesh-local")
        .expect("excluded");
    assert_eq!(mesh.missing[0].capability, "no-cni-change");
}

/// An option that meets the requirements but drops requests ranks after every option that
/// delivers, and is never the recommendation. tar-fallback.yaml places 4 backends over 3 zones,
/// so one zone's nodes have no backend and ITP Local drops their requests.
#[test]
fn dropping_options_rank_last() {
    let table = CapabilityTable::builtin().expect("table");
    let loaded = ewsim::loader::load_scenario_file(&root().join("scenarios/tar-fallback.yaml"))
        .expect("scenario");
    let s = &loaded.scenario;
    let report = ewsim::Report::of_cost(
        ewsim::evaluate(s, &ewsim::PriceTable::builtin(&s.region).expect("prices")).expect("eval"),
    );
    let rec = recommend(s, &report, &table, &["l4".to_string()]);
    let last = rec.ranked.last().expect("ranked");
    assert_eq!(last.option, "itp-local");
    assert!(last.dropped_share > Decimal::ZERO);
    assert_ne!(rec.best().map(|c| c.option.as_str()), Some("itp-local"));
    // ITP Local crosses nothing, so it is the cheapest: only the drop rule puts it last.
    assert!(
        rec.ranked
            .iter()
            .all(|c| c.monthly_cost_usd >= last.monthly_cost_usd)
    );
}
