//! Scenario -> YAML text: the scenario format written back, every value in its canonical unit,
//! so that reading the text gives the same [`Scenario`]. A scenario built in code goes through it
//! to become a [`LoadedScenario`] ([`LoadedScenario::from_scenario`]), which sweeps and range draws
//! re-read with values replaced, exactly as they do a file.

use super::{LoadedScenario, parse_scenario};
use crate::error::{Diagnostic, InputError};
use crate::scenario::*;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// A string as a YAML double-quoted scalar (JSON string syntax is valid YAML).
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// A decimal as written: plain, exact (the loader reads plain numbers in each value's canonical
/// unit: GB, bytes, seconds, cores, shares).
fn d(v: Decimal) -> String {
    v.to_string()
}

fn push_opt(parts: &mut Vec<String>, key: &str, v: Option<String>) {
    if let Some(v) = v {
        parts.push(format!("{key}: {v}"));
    }
}

fn flow(parts: &[String]) -> String {
    format!("{{{}}}", parts.join(", "))
}

fn replicas(r: &Replicas) -> String {
    match r {
        Replicas::Spread(n) => n.to_string(),
        Replicas::PerZone(list) => flow(
            &list
                .iter()
                .map(|(z, n)| format!("{}: {n}", q(z)))
                .collect::<Vec<_>>(),
        ),
    }
}

fn zone(z: &Zone) -> String {
    if z.more_nodes.is_empty() {
        return format!("{{name: {}, nodes: {}}}", q(&z.name), node_group(&z.nodes));
    }
    let groups: Vec<String> = z.groups().map(node_group).collect();
    format!("{{name: {}, nodes: [{}]}}", q(&z.name), groups.join(", "))
}

fn node_group(n: &NodeGroup) -> String {
    let mut nodes = vec![
        format!("count: {}", n.count),
        format!("type: {}", q(&n.instance_type)),
    ];
    push_opt(&mut nodes, "cpu", n.allocatable_cpu.map(d));
    let a = n.attributes;
    for (k, v) in [
        ("not_ready", a.not_ready),
        ("control_plane", a.control_plane),
        ("unlabeled", a.unlabeled),
    ] {
        if v > 0 {
            nodes.push(format!("{k}: {v}"));
        }
    }
    flow(&nodes)
}

fn lb_settings(parts: &mut Vec<String>, lb: &LoadBalancerSettings, nlb: bool) {
    parts.push(format!("count: {}", lb.count));
    parts.push(format!(
        "target_type: {}",
        match lb.target_type {
            TargetType::Ip => "ip",
            TargetType::Instance => "instance",
        }
    ));
    parts.push(format!("cross_zone: {}", lb.cross_zone));
    parts.push(format!(
        "external_traffic_policy: {}",
        match lb.external_traffic_policy {
            ExternalTrafficPolicy::Cluster => "cluster",
            ExternalTrafficPolicy::Local => "local",
        }
    ));
    parts.push(format!("client_leg_charged: {}", lb.client_leg_charged));
    if nlb {
        parts.push(format!("client_zone_affinity: {}", lb.client_zone_affinity));
    }
}

fn mesh_settings(parts: &mut Vec<String>, m: &MeshSettings) {
    parts.push(format!("locality_lb: {}", m.locality_lb));
    parts.push(format!("outlier_detection: {}", m.outlier_detection));
    if let Some(o) = &m.overhead {
        parts.push(format!(
            "overhead: {{vcpu_per_1000_rps: {}, memory_mb_per_1000_rps: {}}}",
            d(o.vcpu_per_1000_rps),
            d(o.memory_mb_per_1000_rps)
        ));
    }
}

fn option(o: &OptionSpec) -> String {
    let mut p = vec![
        format!("name: {}", q(&o.name)),
        format!("kind: {}", o.kind.as_str()),
    ];
    push_opt(&mut p, "description", o.description.as_deref().map(q));
    push_opt(
        &mut p,
        "assume_cross_az_share",
        o.assume_cross_az_share.map(d),
    );
    kind_settings(&mut p, &o.kind, o.traffic_distribution);
    flow(&p)
}

/// A `per-service` option in block style (one line per Service's routing).
fn per_service_option(o: &OptionSpec, routes: &PerServiceRouting) -> String {
    let mut out = format!("  - name: {}\n    kind: {}\n", q(&o.name), o.kind.as_str());
    if let Some(desc) = &o.description {
        let _ = writeln!(out, "    description: {}", q(desc));
    }
    if let Some(a) = o.assume_cross_az_share {
        let _ = writeln!(out, "    assume_cross_az_share: {}", d(a));
    }
    let _ = writeln!(out, "    default: {}", routing(&routes.default));
    if !routes.services.is_empty() {
        let _ = writeln!(out, "    by_service:");
        for (name, r) in &routes.services {
            let _ = writeln!(out, "      {}: {}", q(name), routing(r));
        }
    }
    out
}

/// One Service's routing of a `per-service` option: its kind and settings.
fn routing(r: &ServiceRouting) -> String {
    let mut p = vec![format!("kind: {}", r.kind.as_str())];
    kind_settings(&mut p, &r.kind, r.traffic_distribution);
    flow(&p)
}

/// A kind's `traffic_distribution` and settings.
fn kind_settings(
    p: &mut Vec<String>,
    kind: &OptionKind,
    traffic_distribution: Option<crate::topology::TrafficDistribution>,
) {
    push_opt(
        p,
        "traffic_distribution",
        traffic_distribution.map(|t| t.as_str().to_owned()),
    );
    match kind {
        OptionKind::InternalAlb {
            lb,
            rules_per_request,
            mtls,
        } => {
            lb_settings(p, lb, false);
            p.push(format!("rules_per_request: {rules_per_request}"));
            p.push(format!("mtls: {mtls}"));
        }
        OptionKind::InternalNlb { lb } => lb_settings(p, lb, true),
        OptionKind::Route53Nlb {
            lb,
            hosted_zones,
            dns_queries_per_second,
        } => {
            lb_settings(p, lb, true);
            p.push(format!("hosted_zones: {hosted_zones}"));
            p.push(format!(
                "dns_queries_per_second: {}",
                d(*dns_queries_per_second)
            ));
        }
        OptionKind::Lattice { services } => {
            push_opt(p, "services", services.map(|n| n.to_string()))
        }
        OptionKind::IstioSidecar { mesh } => mesh_settings(p, mesh),
        OptionKind::IstioAmbient { mesh, waypoint } => {
            mesh_settings(p, mesh);
            p.push(format!("waypoint: {waypoint}"));
        }
        OptionKind::CiliumClusterMesh { affinity } => p.push(format!(
            "affinity: {}",
            match affinity {
                MeshAffinity::None => "none",
                MeshAffinity::Local => "local",
                MeshAffinity::Remote => "remote",
            }
        )),
        _ => {}
    }
}

fn edge(e: &TrafficEdge) -> String {
    let mut p = vec![format!("from: {}", q(&e.from)), format!("to: {}", q(&e.to))];
    match &e.volume {
        TrafficVolume::Monthly {
            gb,
            bytes_per_request,
        } => {
            p.push(format!("volume: {}", d(*gb)));
            push_opt(&mut p, "bytes_per_request", bytes_per_request.map(d));
        }
        TrafficVolume::Rate {
            rps,
            request_bytes,
            response_bytes,
        } => {
            p.push(format!("rps: {}", d(*rps)));
            p.push(format!("request_size: {}", d(*request_bytes)));
            p.push(format!("response_size: {}", d(*response_bytes)));
        }
    }
    if let Some(c) = &e.connections {
        p.push(format!(
            "connections: {{new_per_second: {}, lifetime: {}}}",
            d(c.new_per_second),
            d(c.lifetime_seconds)
        ));
    }
    if e.protocol != Protocol::Tcp {
        p.push(format!("protocol: {}", e.protocol.as_str()));
    }
    flow(&p)
}

fn stages(stages: &[Vec<Call>]) -> String {
    let list: Vec<String> = stages
        .iter()
        .map(|st| {
            let calls: Vec<String> = st
                .iter()
                .map(|c| format!("{{to: {}, calls: {}}}", q(&c.to), c.count))
                .collect();
            format!("[{}]", calls.join(", "))
        })
        .collect();
    format!("[{}]", list.join(", "))
}

fn latency(out: &mut String, l: &LatencySettings) -> Result<(), InputError> {
    let _ = writeln!(out, "latency:");
    let _ = writeln!(out, "  samples: {}", l.samples);
    let _ = writeln!(out, "  seed: {}", l.seed);
    let _ = writeln!(out, "  services_in_cluster: {}", l.services_in_cluster);
    let _ = writeln!(out, "  dns_cache_hit_ratio: {}", l.dns_cache_hit_ratio);
    let _ = writeln!(
        out,
        "  dns_lookups_per_request: {}",
        l.dns_lookups_per_request
    );
    let _ = writeln!(
        out,
        "  requests_per_connection: {}",
        l.requests_per_connection
    );
    match &l.server {
        None => {}
        Some(crate::latency::DistSpec::LognormalQuantiles { p50, p99, shift }) if *shift == 0.0 => {
            let ms = |us: f64| us / 1000.0;
            let _ = writeln!(
                out,
                "  server_time: {{p50: {} ms, p99: {} ms}}",
                ms(*p50),
                ms(*p99)
            );
        }
        Some(_) => {
            return Err(InputError::single(Diagnostic::at(
                "latency.server_time",
                "only a server time given by its p50 and p99 can be written to a scenario file",
            )));
        }
    }
    if !l.hop_overrides.is_empty() {
        let _ = writeln!(out, "  hops:");
        for (name, o) in &l.hop_overrides {
            // JSON is valid YAML flow syntax.
            let json = serde_json::to_string(o).map_err(|e| {
                InputError::single(Diagnostic::at(
                    format!("latency.hops.{name}"),
                    format!("cannot be written: {e}"),
                ))
            })?;
            let _ = writeln!(out, "    {}: {json}", q(name));
        }
    }
    Ok(())
}

/// The scenario as YAML text that [`parse_scenario`] reads back into the same scenario.
pub fn scenario_yaml(s: &Scenario) -> Result<String, InputError> {
    let mut out = String::from("version: 1\n");
    let _ = writeln!(out, "name: {}", q(&s.name));
    if let Some(desc) = &s.description {
        let _ = writeln!(out, "description: {}", q(desc));
    }
    let _ = writeln!(out, "region: {}", q(&s.region));
    let b = &s.billing;
    let _ = writeln!(
        out,
        "billing: {{hours_per_month: {}, inter_az: {}, capacity_units: {}, gigabyte: {}}}",
        d(b.hours_per_month),
        b.inter_az.as_str(),
        b.capacity_units.as_str(),
        b.gigabyte.as_str()
    );
    if let Some(file) = &s.pricing_file {
        let _ = writeln!(out, "pricing: {}", q(file));
    }
    if !s.prices.is_empty() {
        let _ = writeln!(out, "prices:");
        for (k, v) in &s.prices {
            let _ = writeln!(out, "  {}: {}", q(k), d(*v));
        }
    }
    let single =
        s.clusters.len() == 1 && s.clusters[0].name == "default" && s.clusters[0].vpc == "default";
    if single {
        let _ = writeln!(out, "zones:");
        for z in &s.clusters[0].zones {
            let _ = writeln!(out, "  - {}", zone(z));
        }
    } else {
        let _ = writeln!(out, "vpc_connectivity: {}", s.vpc_connectivity.as_str());
        let _ = writeln!(out, "clusters:");
        for c in &s.clusters {
            let _ = writeln!(out, "  - name: {}", q(&c.name));
            let _ = writeln!(out, "    vpc: {}", q(&c.vpc));
            let _ = writeln!(out, "    zones:");
            for z in &c.zones {
                let _ = writeln!(out, "      - {}", zone(z));
            }
        }
    }
    let _ = writeln!(out, "services:");
    for v in &s.services {
        let mut p = vec![format!("name: {}", q(&v.name))];
        if !single {
            p.push(format!("cluster: {}", q(&v.cluster)));
        }
        p.push(format!("replicas: {}", replicas(&v.replicas)));
        push_opt(&mut p, "colocate_with", v.colocate_with.as_deref().map(q));
        let _ = writeln!(out, "  - {}", flow(&p));
    }
    // An empty list written as a key with nothing after it would read back as null.
    let _ = writeln!(
        out,
        "traffic:{}",
        if s.traffic.is_empty() { " []" } else { "" }
    );
    for e in &s.traffic {
        let _ = writeln!(out, "  - {}", edge(e));
    }
    let _ = writeln!(out, "options:");
    for o in &s.options {
        if let OptionKind::PerService(routes) = &o.kind {
            out.push_str(&per_service_option(o, routes));
            continue;
        }
        let _ = writeln!(out, "  - {}", option(o));
    }
    if !s.states.is_empty() {
        let _ = writeln!(out, "states:");
        for st in &s.states {
            let time = match st.time {
                StateTime::HoursPerDay(h) => format!("hours_per_day: {}", d(h)),
                StateTime::Share(x) => format!("share: {}", d(x)),
            };
            let reps: Vec<String> = st
                .replicas
                .iter()
                .map(|(n, r)| format!("{}: {}", q(n), replicas(r)))
                .collect();
            let _ = writeln!(
                out,
                "  - {{name: {}, {time}, replicas: {}}}",
                q(&st.name),
                flow(&reps)
            );
        }
    }
    latency(&mut out, &s.latency)?;
    if let Some(g) = &s.call_graph {
        let _ = writeln!(out, "call_graph:");
        let _ = writeln!(out, "  entry_points:");
        for ep in &g.entry_points {
            let _ = writeln!(
                out,
                "    - {{name: {}, service: {}, stages: {}}}",
                q(&ep.name),
                q(&ep.service),
                stages(&ep.stages)
            );
        }
        let _ = writeln!(out, "  services:");
        for sc in &g.services {
            let _ = writeln!(
                out,
                "    - {{service: {}, stages: {}}}",
                q(&sc.service),
                stages(&sc.stages)
            );
        }
    }
    Ok(out)
}

impl LoadedScenario {
    /// A scenario built in code as if it had been read from a file named `file`: written as YAML
    /// ([`scenario_yaml`]) and read back, so that it is validated like a file (quantities within
    /// their limits, names that resolve) and sweeps and range draws can re-read it with values
    /// replaced.
    pub fn from_scenario(s: &Scenario, file: &str) -> Result<LoadedScenario, InputError> {
        parse_scenario(&scenario_yaml(s)?, file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every shipped scenario reads back from its written form as the same scenario.
    #[test]
    fn shipped_scenarios_round_trip() {
        let Some(dir) = crate::workspace_files::beside_crate("scenarios") else {
            return;
        };
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
        let mut n = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let a = parse_scenario(&text, "a.yaml").unwrap_or_else(|e| panic!("{e}"));
            let yaml = scenario_yaml(&a.scenario).unwrap_or_else(|e| panic!("{e}"));
            let b = parse_scenario(&yaml, "b.yaml")
                .unwrap_or_else(|e| panic!("{}: {e}\n{yaml}", path.display()));
            assert_eq!(a.scenario, b.scenario, "{}\n{yaml}", path.display());
            n += 1;
        }
        assert!(n >= 9, "{n} scenarios");
    }
}
