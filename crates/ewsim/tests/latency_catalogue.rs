//! The embedded hop catalogue: completeness, provenance, transcription of the reference's §4
//! parameters, overrides, services interpolation, handshakes, proxies with queueing.
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;

use ewsim::latency::*;

/// Every entry name of latency.md §4 `hops:` and `tail_events:` (tail events prefixed `tail.`).
const REFERENCE_ENTRIES: &[&str] = &[
    "net.same_node",
    "net.same_az",
    "net.cross_az",
    "svc.kube_proxy_iptables",
    "svc.kube_proxy_ipvs",
    "svc.kube_proxy_nftables",
    "svc.cilium_ebpf_socket_lb",
    "lb.nlb_internal_processing",
    "lb.alb_internal_processing",
    "lb.vpc_lattice_processing",
    "mesh.istio_sidecar_pair",
    "mesh.istio_sidecar_pair_fast",
    "mesh.envoy_sidecar_per_proxy",
    "mesh.istio_ztunnel_pair",
    "mesh.istio_ztunnel_per_hop",
    "mesh.istio_waypoint",
    "mesh.linkerd_pair",
    "mesh.linkerd_per_proxy",
    "mesh.cilium_l7_node_envoy",
    "clustermesh.cross_cluster",
    "dns.coredns_processing",
    "dns.coredns_lookup_composite",
    "dns.nodelocal_hit",
    "dns.search_path_multiplier",
    "tail.tcp_syn_loss",
    "tail.tcp_data_loss_rto",
    "tail.dns_udp_timeout",
    "tail.cfs_throttle",
];

#[test]
fn defaults_load_and_cover_the_reference() {
    let cat = Catalogue::eks_defaults().unwrap();
    for name in REFERENCE_ENTRIES {
        cat.entry(name).unwrap_or_else(|e| panic!("{e}"));
    }
    for extra in [
        "conn.tcp_handshake",
        "conn.tls13_handshake",
        "mesh.mtls_handshake",
        "dns.nodelocal_lookup",
    ] {
        cat.entry(extra).unwrap();
    }
    for h in &cat.hops {
        assert!(!h.source.trim().is_empty(), "{} has no source", h.name);
        assert!(!h.as_of.trim().is_empty(), "{} has no as_of", h.name);
        assert!(
            h.as_of == "n.d." || h.as_of.starts_with("20"),
            "{}: as_of '{}' is neither a date nor n.d.",
            h.name,
            h.as_of
        );
    }
    assert_eq!(
        cat.entry("svc.kube_proxy_iptables").unwrap().applies_per,
        AppliesPer::NewConnection
    );
    assert_eq!(
        cat.entry("dns.coredns_processing").unwrap().applies_per,
        AppliesPer::DnsLookup
    );
    assert_eq!(
        cat.entry("dns.search_path_multiplier")
            .unwrap()
            .multipliers
            .as_ref()
            .unwrap()["svc_ns_svc"],
        3
    );
    // Every plain-dist entry compiles (refs resolved).
    for h in cat.hops.iter().filter(|h| h.dist.is_some()) {
        cat.dist(&h.name).unwrap().compile().unwrap();
    }
}

#[test]
fn lognormal_parameters_reproduce_their_published_quantiles() {
    // The §4 mu/sigma (4 decimals) must give back the quantiles listed next to them (§2.4), to the
    // rounding of the reference (1.5 %; p50 of the per-proxy entries is rounded to whole µs).
    let cat = Catalogue::eks_defaults().unwrap();
    let mut checked = 0;
    for h in &cat.hops {
        let fit = match h.dist {
            Some(DistSpec::Lognormal { mu, sigma }) => LognormalFit {
                mu,
                sigma,
                shift: 0.0,
            },
            Some(DistSpec::ShiftedLognormal { shift, mu, sigma }) => {
                LognormalFit { mu, sigma, shift }
            }
            _ => continue,
        };
        for (k, want) in &h.quantiles {
            let q = match k.as_str() {
                "p50" => 0.5,
                "p90" => 0.9,
                "p99" => 0.99,
                _ => continue,
            };
            let got = fit.quantile(q).unwrap();
            let rel = (got - want).abs() / want;
            assert!(
                rel < 0.015 || (got - want).abs() < 0.6,
                "{} {k}: params give {got:.1}, reference lists {want}",
                h.name
            );
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} quantiles checked");
    // iptables rows.
    let rows = cat
        .entry("svc.kube_proxy_iptables")
        .unwrap()
        .services_table
        .clone()
        .unwrap();
    for r in rows {
        let f = LognormalFit {
            mu: r.mu,
            sigma: r.sigma,
            shift: 0.0,
        };
        let p50 = r.p50.unwrap();
        let p99 = r.p99.unwrap();
        assert!((f.quantile(0.5).unwrap() / p50 - 1.0).abs() < 0.015);
        assert!((f.quantile(0.99).unwrap() / p99 - 1.0).abs() < 0.015);
    }
}

#[test]
fn iptables_cost_grows_with_services_and_is_interpolated() {
    let cat = Catalogue::eks_defaults().unwrap();
    let mu_of = |n| match cat.kube_proxy_iptables(n).unwrap() {
        DistSpec::Lognormal { mu, sigma } => (mu, sigma),
        other => panic!("{other:?}"),
    };
    assert_eq!(mu_of(5000), (3.8918, 0.4922));
    assert_eq!(mu_of(100), mu_of(1000)); // clamped below the table
    assert_eq!(mu_of(50_000), mu_of(30_000)); // clamped above
    let (m, s) = mu_of(7500);
    assert!((m - (3.8918 + 4.1431) / 2.0).abs() < 1e-12);
    assert!((s - (0.4922 + 0.6077) / 2.0).abs() < 1e-12);
    let mut last = 0.0;
    for n in [1000, 2000, 5000, 10_000, 20_000, 30_000] {
        let (m, _) = mu_of(n);
        assert!(m > last);
        last = m;
    }
    // IPVS / nftables are flat and below iptables at 5k services (§1.2).
    let med = |d: DistSpec| d.compile().unwrap().median_hint().unwrap();
    assert!(
        med(cat.dist("svc.kube_proxy_nftables").unwrap())
            < med(cat.kube_proxy_iptables(5000).unwrap())
    );
    assert!(
        med(cat.dist("svc.kube_proxy_ipvs").unwrap()) < med(cat.kube_proxy_iptables(5000).unwrap())
    );
}

#[test]
fn overrides_replace_entries_and_propagate_through_refs() {
    let cat = Catalogue::eks_defaults().unwrap();
    let yaml = r#"
net.cross_az:
  dist: {family: lognormal_quantiles, p50: 2000, p99: 4000, shift: 1500}
  source: "measured: netperf TCP_RR ap-northeast-1 az1-az3, 2026-11-01"
  as_of: "2026-11-01"
  confidence: high
"#;
    let o = Catalogue::overrides_from_yaml_str(yaml).unwrap();
    let c2 = cat.with_overrides(&o).unwrap();
    let e = c2.entry("net.cross_az").unwrap();
    assert_eq!(e.confidence, Confidence::High);
    assert!(e.source.starts_with("measured"));
    // clustermesh.cross_cluster refs net.cross_az: it picks up the override.
    let cm = c2.dist("clustermesh.cross_cluster").unwrap();
    assert!(format!("{cm:?}").contains("LognormalQuantiles"));
    // Unknown names and invalid dists are rejected.
    let mut bad = BTreeMap::new();
    bad.insert(
        "net.cross_zone".to_owned(),
        HopOverride {
            dist: DistSpec::Constant { value: 1.0 },
            source: None,
            as_of: None,
            confidence: None,
        },
    );
    assert!(matches!(
        cat.with_overrides(&bad),
        Err(LatencyError::UnknownHop { .. })
    ));
    let bad = Catalogue::overrides_from_yaml_str(
        "net.same_az: {dist: {family: lognormal, mu: 5, sigma: -1}}",
    )
    .unwrap();
    let e = cat.with_overrides(&bad).unwrap_err().to_string();
    assert!(e.contains("net.same_az") && e.contains("sigma"), "{e}");
    // A ref cycle is detected.
    let cyc = Catalogue::overrides_from_yaml_str(
        "net.same_az: {dist: {family: ref, name: clustermesh.cross_cluster}}\nnet.cross_az: {dist: {family: ref, name: net.same_az}}",
    )
    .unwrap();
    let e = cat.with_overrides(&cyc).unwrap_err().to_string();
    assert!(e.contains("cycle") || e.contains("deep"), "{e}");
}

#[test]
fn broken_catalogue_yaml_gives_clear_errors() {
    // The catalogue the crate embeds (a file inside the crate, so this runs from the package too).
    let base = include_str!("../latency/eks-defaults.yaml");
    let e = Catalogue::from_yaml_str(&base.replace("sigma: 0.7456", "sigma: 0"), "t")
        .unwrap_err()
        .to_string();
    assert!(e.contains("net.same_az") && e.contains("sigma"), "{e}");
    let e = Catalogue::from_yaml_str(&base.replace("- {weight: 0.95,", "- {weight: 0.90,"), "t")
        .unwrap_err()
        .to_string();
    assert!(e.contains("sum to 1"), "{e}");
    let e = Catalogue::from_yaml_str(
        &base.replace("applies_per: request", "applies_per: per_request"),
        "t",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("cannot parse"), "{e}");
}

#[test]
fn handshakes_and_proxies_build_steps() {
    let cat = Catalogue::eks_defaults().unwrap();
    // TCP handshake over a cross-AZ hop = one cross-AZ RTT: same draws as a "tcp.rtt"-labelled hop.
    let hs = cat
        .handshake("conn.tcp_handshake", "net.cross_az", "tcp")
        .unwrap();
    let a = PathModel::new("hs", hs).compile().unwrap();
    let b = PathModel::new("rtt", cat.hop_labeled("net.cross_az", "tcp.rtt").unwrap())
        .compile()
        .unwrap();
    assert_eq!(
        chunk_samples_us(&a, 1, 0, 1000).unwrap(),
        chunk_samples_us(&b, 1, 0, 1000).unwrap()
    );
    // TLS 1.2 = 2 RTTs + CPU > TLS 1.3 = 1 RTT + CPU.
    let t12 = PathModel::new(
        "t12",
        cat.handshake("conn.tls12_handshake", "net.same_az", "tls")
            .unwrap(),
    )
    .compile()
    .unwrap();
    let t13 = PathModel::new(
        "t13",
        cat.handshake("conn.tls13_handshake", "net.same_az", "tls")
            .unwrap(),
    )
    .compile()
    .unwrap();
    let x12 = chunk_samples_us(&t12, 1, 0, 1000).unwrap();
    let x13 = chunk_samples_us(&t13, 1, 0, 1000).unwrap();
    assert!(x12.iter().zip(&x13).all(|(a, b)| a > b));
    assert!(cat.handshake("net.same_az", "net.same_az", "x").is_err());
    // Saturation is flagged: Istio 1.24 sidecar, s = 200 µs, 2 workers ⇒ saturates at 10,000 rps.
    let (_, q) = cat
        .proxy_with_queue("mesh.envoy_sidecar_per_proxy", "sc", 12_000.0)
        .unwrap();
    assert!(q.saturated && q.capped);
    let (_, q) = cat
        .proxy_with_queue("mesh.envoy_sidecar_per_proxy", "sc", 1000.0)
        .unwrap();
    assert!(!q.saturated && (q.rho - 0.1).abs() < 1e-12);
    assert!(cat.proxy_with_queue("net.same_az", "x", 1.0).is_err());
}
