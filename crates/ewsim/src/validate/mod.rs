//! Semantic checks of a scenario against itself and its price table; every problem at once.

mod imported;

use crate::error::Diagnostic;
use crate::pricing::PriceTable;
use crate::scenario::{OptionKind, Replicas, Scenario, TrafficVolume};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// Every quantity within what pricing can hold: not negative and at most
/// [`crate::units::MAX_QUANTITY`] in its base unit (the loader checks values it reads; this
/// holds a scenario built in code to the same limits), hours per month at most 744, shares at
/// most 1.
fn quantity_limits(s: &Scenario) -> Vec<Diagnostic> {
    let max = Decimal::from(crate::units::MAX_QUANTITY);
    let mut d = Vec::new();
    let mut check = |path: String, v: Decimal, limit: Decimal| {
        if v.is_sign_negative() || v > limit {
            d.push(Diagnostic::at(
                path,
                format!("{v} is out of range (0 to {limit})"),
            ));
        }
    };
    check(
        "billing.hours_per_month".into(),
        s.billing.hours_per_month,
        Decimal::from(744),
    );
    for (k, v) in &s.prices {
        check(format!("prices.{k}"), *v, max);
    }
    for (ci, c) in s.clusters.iter().enumerate() {
        for (zi, z) in c.zones.iter().enumerate() {
            if let Some(cpu) = z.nodes.allocatable_cpu {
                let zp = if s.clusters.len() == 1 && c.name == "default" {
                    format!("zones[{zi}]")
                } else {
                    format!("clusters[{ci}].zones[{zi}]")
                };
                check(format!("{zp}.nodes.cpu"), cpu, max);
            }
        }
    }
    for (i, e) in s.traffic.iter().enumerate() {
        let p = format!("traffic[{i}]");
        match &e.volume {
            TrafficVolume::Monthly {
                gb,
                bytes_per_request,
            } => {
                check(format!("{p}.volume"), *gb, max);
                if let Some(b) = bytes_per_request {
                    check(format!("{p}.bytes_per_request"), *b, max);
                }
            }
            TrafficVolume::Rate {
                rps,
                request_bytes,
                response_bytes,
            } => {
                check(format!("{p}.rps"), *rps, max);
                check(format!("{p}.request_size"), *request_bytes, max);
                check(format!("{p}.response_size"), *response_bytes, max);
            }
        }
        if let Some(c) = &e.connections {
            check(
                format!("{p}.connections.new_per_second"),
                c.new_per_second,
                max,
            );
            check(format!("{p}.connections.lifetime"), c.lifetime_seconds, max);
        }
    }
    for (i, o) in s.options.iter().enumerate() {
        if let Some(x) = o.assume_cross_az_share {
            check(
                format!("options[{i}].assume_cross_az_share"),
                x,
                Decimal::ONE,
            );
        }
        // A `per-service` option's values sit in its routings.
        let kinds: Vec<(String, &OptionKind)> = match &o.kind {
            OptionKind::PerService(routes) => {
                std::iter::once(("default".to_string(), &routes.default.kind))
                    .chain(
                        routes
                            .services
                            .iter()
                            .map(|(n, r)| (format!("by_service.{n}"), &r.kind)),
                    )
                    .map(|(k, kind)| (format!("options[{i}].{k}"), kind))
                    .collect()
            }
            kind => vec![(format!("options[{i}]"), kind)],
        };
        for (p, kind) in kinds {
            match kind {
                OptionKind::Route53Nlb {
                    dns_queries_per_second,
                    ..
                } => check(
                    format!("{p}.dns_queries_per_second"),
                    *dns_queries_per_second,
                    max,
                ),
                OptionKind::IstioSidecar { mesh } | OptionKind::IstioAmbient { mesh, .. } => {
                    if let Some(ov) = &mesh.overhead {
                        check(
                            format!("{p}.overhead.vcpu_per_1000_rps"),
                            ov.vcpu_per_1000_rps,
                            max,
                        );
                        check(
                            format!("{p}.overhead.memory_mb_per_1000_rps"),
                            ov.memory_mb_per_1000_rps,
                            max,
                        );
                    }
                }
                _ => {}
            }
        }
    }
    d
}

/// Node attribute counts (`not_ready`, `control_plane`, `unlabeled`) must each fit in the zone's
/// `count`, and so must their sum (the groups are disjoint).
fn node_attribute_problems(d: &mut Vec<Diagnostic>, zp: &str, z: &crate::scenario::Zone) {
    let a = z.nodes.attributes;
    let mut each_ok = true;
    for (key, n) in [
        ("not_ready", a.not_ready),
        ("control_plane", a.control_plane),
        ("unlabeled", a.unlabeled),
    ] {
        if n > z.nodes.count {
            each_ok = false;
            d.push(
                Diagnostic::at(
                    format!("{zp}.nodes.{key}"),
                    format!(
                        "{key} is {n} but zone `{}` has only {} nodes",
                        z.name, z.nodes.count
                    ),
                )
                .with_hint("node attribute counts are counted within `count`"),
            );
        }
    }
    let sum = u64::from(a.not_ready) + u64::from(a.control_plane) + u64::from(a.unlabeled);
    if each_ok && sum > u64::from(z.nodes.count) {
        d.push(
            Diagnostic::at(
                format!("{zp}.nodes"),
                format!(
                    "not_ready + control_plane + unlabeled = {sum} exceeds the zone's {} nodes",
                    z.nodes.count
                ),
            )
            .with_hint("the groups are disjoint: a node is at most one of them"),
        );
    }
}

/// `states:` use one time form, sum to 24 hours per day or a share of 1, have unique names and
/// override declared services in declared zones (a colocated service takes a total).
fn state_problems(d: &mut Vec<Diagnostic>, s: &Scenario) {
    use crate::scenario::StateTime;
    if s.states.is_empty() {
        return;
    }
    let hours = s
        .states
        .iter()
        .filter(|st| matches!(st.time, StateTime::HoursPerDay(_)))
        .count();
    if hours != 0 && hours != s.states.len() {
        d.push(
            Diagnostic::at("states", "states mix `hours_per_day` and `share`")
                .with_hint("use one form for every state"),
        );
    } else if hours > 0 {
        let sum: rust_decimal::Decimal = s
            .states
            .iter()
            .map(|st| match st.time {
                StateTime::HoursPerDay(h) => h,
                StateTime::Share(_) => rust_decimal::Decimal::ZERO,
            })
            .sum();
        if sum != rust_decimal::Decimal::from(24) {
            d.push(
                Diagnostic::at(
                    "states",
                    format!("the states' hours_per_day sum to {sum}, not 24"),
                )
                .with_hint("every hour of the day belongs to exactly one state"),
            );
        }
    } else {
        let sum: rust_decimal::Decimal = s.states.iter().map(|st| st.time.share()).sum();
        if sum != rust_decimal::Decimal::ONE {
            d.push(
                Diagnostic::at("states", format!("the states' shares sum to {sum}, not 1"))
                    .with_hint("every part of the month belongs to exactly one state"),
            );
        }
    }
    let mut seen = BTreeSet::new();
    for (i, st) in s.states.iter().enumerate() {
        let p = format!("states[{i}]");
        if !seen.insert(st.name.as_str()) {
            d.push(Diagnostic::at(
                format!("{p}.name"),
                format!("state `{}` is declared twice", st.name),
            ));
        }
        let t = st.time.share();
        if t <= rust_decimal::Decimal::ZERO || t > rust_decimal::Decimal::ONE {
            d.push(Diagnostic::at(
                p.clone(),
                format!(
                    "state `{}` must last more than 0 and at most the whole month",
                    st.name
                ),
            ));
        }
        for (svc, r) in &st.replicas {
            let decls: Vec<&crate::scenario::Service> =
                s.services.iter().filter(|v| v.name == *svc).collect();
            if decls.is_empty() {
                d.push(
                    Diagnostic::at(
                        format!("{p}.replicas.{svc}"),
                        format!("state `{}` overrides unknown service `{svc}`", st.name),
                    )
                    .with_hint(format!(
                        "declared services: {}",
                        names(s.services.iter().map(|v| v.name.as_str()))
                    )),
                );
                continue;
            }
            let Replicas::PerZone(list) = r else { continue };
            for v in decls {
                if v.colocate_with.is_some() {
                    d.push(Diagnostic::at(
                        format!("{p}.replicas.{svc}"),
                        format!("service `{svc}` is colocated: its replicas must be a total"),
                    ));
                }
                let Some(cluster) = s.clusters.iter().find(|c| c.name == v.cluster) else {
                    continue;
                };
                for (zone, _) in list {
                    if !cluster.zones.iter().any(|z| z.name == *zone) {
                        d.push(Diagnostic::at(
                            format!("{p}.replicas.{svc}.{zone}"),
                            format!("replicas in undeclared zone `{zone}`"),
                        ));
                    }
                }
            }
        }
    }
}

/// `colocate_with` must name another service of the same cluster, without cycles, and the
/// colocated service's `replicas` must be a total.
fn colocation_problems(d: &mut Vec<Diagnostic>, s: &Scenario) {
    let target = |name: &str, cluster: &str| -> Option<&str> {
        s.services
            .iter()
            .find(|v| v.name == name && v.cluster == cluster)
            .and_then(|v| v.colocate_with.as_deref())
    };
    for (i, svc) in s.services.iter().enumerate() {
        let Some(other) = svc.colocate_with.as_deref() else {
            continue;
        };
        let p = format!("services[{i}]");
        if matches!(svc.replicas, Replicas::PerZone(_)) {
            d.push(
                Diagnostic::at(
                    format!("{p}.replicas"),
                    format!(
                        "service `{}` is colocated: replicas must be a total, not per zone",
                        svc.name
                    ),
                )
                .with_hint("the zones follow the pods of the `colocate_with` service"),
            );
        }
        if other == svc.name {
            d.push(Diagnostic::at(
                format!("{p}.colocate_with"),
                format!("service `{}` cannot be colocated with itself", svc.name),
            ));
            continue;
        }
        if !s
            .services
            .iter()
            .any(|v| v.name == other && v.cluster == svc.cluster)
        {
            let known: Vec<&str> = s
                .services
                .iter()
                .filter(|v| v.cluster == svc.cluster && v.name != svc.name)
                .map(|v| v.name.as_str())
                .collect();
            d.push(
                Diagnostic::at(
                    format!("{p}.colocate_with"),
                    format!(
                        "colocate_with unknown service `{other}` in cluster `{}`",
                        svc.cluster
                    ),
                )
                .with_hint(format!(
                    "services of the cluster: {}",
                    names(known.into_iter())
                )),
            );
            continue;
        }
        // Follow the chain; coming back to this service is a cycle.
        let mut seen = BTreeSet::new();
        let mut cur = Some(other);
        while let Some(name) = cur {
            if name == svc.name {
                d.push(Diagnostic::at(
                    format!("{p}.colocate_with"),
                    format!(
                        "colocate_with cycle: `{}` -> `{other}` -> ... -> `{}`",
                        svc.name, svc.name
                    ),
                ));
                break;
            }
            if !seen.insert(name) {
                break;
            }
            cur = target(name, &svc.cluster);
        }
    }
}

/// Returns every problem found (empty when the scenario can be evaluated), work budgets
/// ([`crate::limits`]) included.
pub fn validate(s: &Scenario, table: &PriceTable) -> Vec<Diagnostic> {
    validate_with_ranges(s, table, false)
}

/// [`validate`] for a scenario that has ranges (`has_ranges`): its work budget then counts the
/// default number of draws, as `run` does.
fn validate_with_ranges(s: &Scenario, table: &PriceTable, has_ranges: bool) -> Vec<Diagnostic> {
    let mut d = quantity_limits(s);
    d.extend(crate::limits::scenario_problems(s, has_ranges));
    let mut cluster_names = BTreeSet::new();
    for (ci, c) in s.clusters.iter().enumerate() {
        if !cluster_names.insert(c.name.as_str()) {
            d.push(Diagnostic::at(
                format!("clusters[{ci}].name"),
                format!("cluster `{}` is declared twice", c.name),
            ));
        }
        if c.zones.is_empty() {
            d.push(Diagnostic::at(
                if s.clusters.len() == 1 && c.name == "default" {
                    "zones".to_string()
                } else {
                    format!("clusters[{ci}].zones")
                },
                format!("cluster `{}` has no zones", c.name),
            ));
        }
        let mut zone_names = BTreeSet::new();
        for (zi, z) in c.zones.iter().enumerate() {
            let zp = if s.clusters.len() == 1 && c.name == "default" {
                format!("zones[{zi}]")
            } else {
                format!("clusters[{ci}].zones[{zi}]")
            };
            if !zone_names.insert(z.name.as_str()) {
                d.push(Diagnostic::at(
                    format!("{zp}.name"),
                    format!("zone `{}` is declared twice", z.name),
                ));
            }
            if z.nodes.count == 0 {
                d.push(Diagnostic::at(
                    format!("{zp}.nodes.count"),
                    format!("zone `{}` has no nodes", z.name),
                ));
            }
            node_attribute_problems(&mut d, &zp, z);
            imported::more_node_groups(&mut d, &zp, z, table);
            imported::instance_type_priced(
                &mut d,
                format!("{zp}.nodes.type"),
                &z.nodes.instance_type,
                table,
            );
        }
    }
    let mut seen = BTreeSet::new();
    let declared: BTreeSet<&str> = s.services.iter().map(|v| v.name.as_str()).collect();
    for (i, svc) in s.services.iter().enumerate() {
        let p = format!("services[{i}]");
        if !seen.insert((svc.name.as_str(), svc.cluster.as_str())) {
            d.push(Diagnostic::at(
                format!("{p}.name"),
                format!(
                    "service `{}` is declared twice in cluster `{}`",
                    svc.name, svc.cluster
                ),
            ));
        }
        let Some(cluster) = s.clusters.iter().find(|c| c.name == svc.cluster) else {
            d.push(
                Diagnostic::at(
                    format!("{p}.cluster"),
                    format!("unknown cluster `{}`", svc.cluster),
                )
                .with_hint(format!(
                    "declared clusters: {}",
                    names(s.clusters.iter().map(|c| c.name.as_str()))
                )),
            );
            continue;
        };
        if let Replicas::PerZone(list) = &svc.replicas {
            for (zone, k) in list {
                if let Some(z) = cluster.zones.iter().find(|z| z.name == *zone)
                    && *k > 0
                    && imported::zone_runs_no_pods(z)
                {
                    d.push(
                        Diagnostic::at(
                            format!("{p}.replicas.{zone}"),
                            format!("zone `{zone}` has no node that runs pods (all not ready or control plane)"),
                        )
                        .with_hint("lower `not_ready` / `control_plane` or place the replicas elsewhere"),
                    );
                }
            }
            for (zone, _) in list {
                if !cluster.zones.iter().any(|z| z.name == *zone) {
                    d.push(
                        Diagnostic::at(
                            format!("{p}.replicas.{zone}"),
                            format!("replicas in undeclared zone `{zone}`"),
                        )
                        .with_hint(format!(
                            "zones of cluster `{}`: {}",
                            cluster.name,
                            names(cluster.zones.iter().map(|z| z.name.as_str()))
                        )),
                    );
                }
            }
        }
    }
    colocation_problems(&mut d, s);
    state_problems(&mut d, s);
    for (i, e) in s.traffic.iter().enumerate() {
        for (field, name) in [("from", &e.from), ("to", &e.to)] {
            if !declared.contains(name.as_str()) {
                d.push(
                    Diagnostic::at(
                        format!("traffic[{i}].{field}"),
                        format!("traffic {field} unknown service `{name}`"),
                    )
                    .with_hint(format!(
                        "declared services: {}",
                        names(declared.iter().copied())
                    )),
                );
            }
        }
    }
    if s.options.is_empty() {
        d.push(
            Diagnostic::at("options", "no options to compare").with_hint(format!(
                "add at least one option; kinds: {}",
                crate::scenario::kinds::names().join(", ")
            )),
        );
    }
    let mut option_names = BTreeMap::new();
    let called: BTreeSet<&str> = s.traffic.iter().map(|e| e.to.as_str()).collect();
    for (i, o) in s.options.iter().enumerate() {
        let p = format!("options[{i}]");
        if let Some(first) = option_names.insert(o.name.as_str(), i) {
            d.push(Diagnostic::at(
                format!("{p}.name"),
                format!(
                    "option name `{}` is already used by options[{first}]",
                    o.name
                ),
            ));
        }
        match &o.kind {
            OptionKind::Lattice { services: Some(n) } if (*n as usize) < called.len() => {
                d.push(Diagnostic::at(
                    format!("{p}.services"),
                    format!(
                        "{n} Lattice services cannot carry traffic to {} called services",
                        called.len()
                    ),
                ))
            }
            OptionKind::IstioSidecar { .. } | OptionKind::IstioAmbient { .. } => {
                for (k, e) in s.traffic.iter().enumerate() {
                    if matches!(
                        &e.volume,
                        crate::scenario::TrafficVolume::Monthly {
                            bytes_per_request: None,
                            ..
                        }
                    ) {
                        d.push(
                            Diagnostic::at(format!("traffic[{k}].volume"), format!("option `{}` prices proxy CPU per request, but this edge has no request rate", o.name))
                                .with_hint("add `bytes_per_request` next to `volume`, or give `rps` with sizes"),
                        );
                    }
                }
            }
            OptionKind::PerService(r) => imported::per_service_option(&mut d, &p, o, r, s),
            _ => {}
        }
    }
    validate_call_graph(s, &mut d);
    d
}

/// Every problem of a scenario at once, as `ewsim validate` reports them: the loader's conversion
/// problems, the price table's (`table` is the error when none could be chosen for the region)
/// and the semantic problems of what converted, located and in file order.
///
/// An entry that failed to convert is reported once, by its conversion problem: it stands in
/// under its name (so "unknown service" does not follow), and semantic problems inside it, in
/// totals it takes part in (`states` sums) or about a cluster when none converted are left out.
pub fn check(
    partial: &crate::loader::PartialScenario,
    table: Result<&PriceTable, &crate::InputError>,
) -> Vec<Diagnostic> {
    let s = &partial.loaded.scenario;
    let mut out = partial.problems.clone();
    let semantic = match table {
        Ok(t) => {
            let mut t = t.clone();
            for (k, v) in &s.prices {
                if let Some(key) = crate::pricing::PriceKey::parse(k) {
                    t.set(key, *v, "scenario prices:");
                }
            }
            validate_with_ranges(s, &t, !partial.loaded.uncertain.is_empty())
        }
        Err(e) => e.diagnostics.clone(),
    };
    let inside = |path: &str, entry: &str| {
        path.strip_prefix(entry)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    };
    let states_partial = partial.stand_ins.iter().any(|p| p.starts_with("states["));
    let follow_on = |d: &Diagnostic| {
        partial.stand_ins.iter().any(|e| inside(d.path(), e))
            || (states_partial && d.path() == "states")
            || (s.clusters.is_empty() && d.path().ends_with(".cluster"))
    };
    out.extend(semantic.into_iter().filter(|d| !follow_on(d)));
    partial.loaded.source_map.resolve(out)
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = it.collect();
    if v.is_empty() {
        "(none)".into()
    } else {
        v.join(", ")
    }
}

/// Call-graph checks: known services, a traffic edge behind every call (it gives the routing),
/// positive call counts, and no cycles (a request must end).
fn validate_call_graph(s: &Scenario, d: &mut Vec<Diagnostic>) {
    let Some(g) = &s.call_graph else { return };
    let declared: BTreeSet<&str> = s.services.iter().map(|v| v.name.as_str()).collect();
    let edges: BTreeSet<(&str, &str)> = s
        .traffic
        .iter()
        .map(|e| (e.from.as_str(), e.to.as_str()))
        .collect();
    let check_stages = |d: &mut Vec<Diagnostic>,
                        path: &str,
                        caller: &str,
                        stages: &[Vec<crate::scenario::Call>]| {
        for (si, stage) in stages.iter().enumerate() {
            for (ci, call) in stage.iter().enumerate() {
                let p = format!("{path}.stages[{si}][{ci}]");
                if !declared.contains(call.to.as_str()) {
                    d.push(Diagnostic::at(
                        &p,
                        format!("call to unknown service `{}`", call.to),
                    ));
                } else if !edges.contains(&(caller, call.to.as_str())) {
                    d.push(
                        Diagnostic::at(
                            &p,
                            format!("call {caller} -> {} has no traffic edge", call.to),
                        )
                        .with_hint(
                            "add it under `traffic:` (its volume or rate drives cost and routing)",
                        ),
                    );
                }
                if call.count == 0 || call.count > crate::latency::engine::MAX_REPEAT {
                    d.push(Diagnostic::at(
                        format!("{p}.calls"),
                        format!(
                            "calls per request must be 1..={}",
                            crate::latency::engine::MAX_REPEAT
                        ),
                    ));
                }
            }
        }
    };
    let mut names = BTreeSet::new();
    for (i, e) in g.entry_points.iter().enumerate() {
        let p = format!("call_graph.entry_points[{i}]");
        if !names.insert(e.name.as_str()) {
            d.push(Diagnostic::at(
                &p,
                format!("entry point `{}` is declared twice", e.name),
            ));
        }
        if !declared.contains(e.service.as_str()) {
            d.push(Diagnostic::at(
                &p,
                format!("entry point service `{}` is not declared", e.service),
            ));
        }
        check_stages(d, &p, &e.service, &e.stages);
    }
    let mut callers = BTreeSet::new();
    for (i, sv) in g.services.iter().enumerate() {
        let p = format!("call_graph.services[{i}]");
        if !callers.insert(sv.service.as_str()) {
            d.push(Diagnostic::at(
                &p,
                format!("calls of `{}` are declared twice", sv.service),
            ));
        }
        if !declared.contains(sv.service.as_str()) {
            d.push(Diagnostic::at(
                &p,
                format!("unknown service `{}`", sv.service),
            ));
        }
        check_stages(d, &p, &sv.service, &sv.stages);
    }
    // Cycle check by depth-first search over the services' calls.
    fn visit<'a>(
        g: &'a crate::scenario::CallGraph,
        svc: &'a str,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(pos) = stack.iter().position(|s| *s == svc) {
            let mut cycle = stack[pos..].to_vec();
            cycle.push(svc);
            return Some(cycle);
        }
        stack.push(svc);
        let calls = g
            .services
            .iter()
            .filter(|c| c.service == svc)
            .flat_map(|c| c.stages.iter().flatten());
        for call in calls {
            if let Some(c) = visit(g, &call.to, stack) {
                return Some(c);
            }
        }
        stack.pop();
        None
    }
    for (i, e) in g.entry_points.iter().enumerate() {
        let mut stack = vec![];
        let starts = e.stages.iter().flatten().map(|c| c.to.as_str());
        for t in starts {
            if let Some(cycle) = visit(g, t, &mut stack) {
                d.push(Diagnostic::at(
                    format!("call_graph.entry_points[{i}]"),
                    format!("calls form a cycle: {}", cycle.join(" -> ")),
                ));
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::PriceTable;
    use crate::loader::parse_scenario;

    fn problems(zone_nodes: &str) -> Vec<String> {
        let text = format!(
            "version: 1\nregion: us-east-1\n\
             zones: [{{name: a, nodes: {{count: 2, type: m5.large{zone_nodes}}}}}, {{name: b, nodes: {{count: 2, type: m5.large}}}}]\n\
             services: [{{name: s, replicas: {{a: 1, b: 1}}}}]\n\
             traffic: [{{from: s, to: s, volume: 1 GB}}]\noptions: [{{name: o, kind: clusterip}}]\n"
        );
        let s = parse_scenario(&text, "t.yaml")
            .unwrap_or_else(|e| panic!("{e}"))
            .scenario;
        let table = PriceTable::builtin("us-east-1").unwrap_or_else(|e| panic!("{e}"));
        super::validate(&s, &table)
            .into_iter()
            .map(|d| format!("{}: {}", d.path(), d.message))
            .collect()
    }

    fn colocation(services: &str) -> Vec<String> {
        let text = format!(
            "version: 1\nregion: us-east-1\n\
             zones: [{{name: a, nodes: {{count: 2, type: m5.large}}}}]\n\
             services: {services}\n\
             traffic: [{{from: s, to: s, volume: 1 GB}}]\noptions: [{{name: o, kind: clusterip}}]\n"
        );
        let s = parse_scenario(&text, "t.yaml")
            .unwrap_or_else(|e| panic!("{e}"))
            .scenario;
        let table = PriceTable::builtin("us-east-1").unwrap_or_else(|e| panic!("{e}"));
        super::validate(&s, &table)
            .into_iter()
            .map(|d| format!("{}: {}", d.path(), d.message))
            .collect()
    }

    #[test]
    fn colocate_with_must_name_another_service_without_cycles() {
        assert!(
            colocation("[{name: s, replicas: 2}, {name: t, replicas: 1, colocate_with: s}]")
                .is_empty()
        );
        let p = colocation("[{name: s, replicas: 2, colocate_with: x}]");
        assert!(
            p[0].starts_with("services[0].colocate_with: colocate_with unknown service `x`"),
            "{p:?}"
        );
        let p = colocation("[{name: s, replicas: 2, colocate_with: s}]");
        assert!(p[0].contains("cannot be colocated with itself"), "{p:?}");
        let p = colocation(
            "[{name: s, replicas: 2, colocate_with: t}, {name: t, replicas: 1, colocate_with: u}, {name: u, replicas: 1, colocate_with: s}]",
        );
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p.iter().all(|x| x.contains("colocate_with cycle")), "{p:?}");
        let p =
            colocation("[{name: s, replicas: 2}, {name: t, replicas: {a: 1}, colocate_with: s}]");
        assert!(p[0].starts_with("services[1].replicas: "), "{p:?}");
    }

    fn states(states: &str) -> Vec<String> {
        colocation(&format!("[{{name: s, replicas: 2}}]\nstates: {states}"))
    }

    #[test]
    fn states_cover_the_day_or_the_month() {
        assert!(
            states("[{name: d, hours_per_day: 16, replicas: {s: 1}}, {name: n, hours_per_day: 8}]")
                .is_empty()
        );
        assert!(states("[{name: d, share: 75%}, {name: n, share: 0.25}]").is_empty());
        let p = states("[{name: d, hours_per_day: 16}, {name: n, hours_per_day: 6}]");
        assert_eq!(
            p,
            vec!["states: the states' hours_per_day sum to 22, not 24"]
        );
        let p = states("[{name: d, share: 0.5}, {name: n, share: 0.4}]");
        assert_eq!(p, vec!["states: the states' shares sum to 0.9, not 1"]);
        let p = states("[{name: d, share: 0.5}, {name: n, hours_per_day: 12}]");
        assert!(p[0].contains("mix"), "{p:?}");
        let p = states("[{name: d, share: 1, replicas: {x: 1, s: {b: 1}}}]");
        assert!(
            p.iter().any(|x| x.starts_with("states[0].replicas.x: ")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|x| x.starts_with("states[0].replicas.s.b: ")),
            "{p:?}"
        );
    }

    #[test]
    fn node_attributes_fit_in_count() {
        assert!(problems(", unlabeled: 2").is_empty());
        let p = problems(", not_ready: 3");
        assert!(
            p[0].starts_with("zones[0].nodes.not_ready: not_ready is 3"),
            "{p:?}"
        );
        let p = problems(", control_plane: 1, unlabeled: 2");
        assert!(p[0].starts_with("zones[0].nodes: "), "{p:?}");
        // Both nodes of zone a down: its explicit replica cannot run.
        let p = problems(", not_ready: 1, control_plane: 1");
        assert!(p[0].starts_with("services[0].replicas.a: "), "{p:?}");
    }

    #[test]
    fn check_reports_conversion_and_semantic_problems_together_without_follow_on_noise() {
        let text = "version: 1\nregion: us-east-1\n\
            zones:\n  - {name: a, nodes: {count: 0, type: m5.large}}\n  - {name: b, nodes: {count: 1, type: m5.large}}\n\
            services:\n  - {name: s, replicas: {a: 1, b: 1}}\n  - {name: t, replicas: two}\n\
            traffic:\n  - {from: s, to: t, volume: 1 GB}\n  - {from: s, to: u, volume: 1 GB}\n\
            options:\n  - {name: o, kind: nope}\n  - {name: o, kind: clusterip}\n\
            states:\n  - {name: d, share: lots}\n  - {name: n, share: 0.5}\n";
        let partial =
            crate::loader::parse_scenario_partial(text, "t.yaml").unwrap_or_else(|e| panic!("{e}"));
        let table = PriceTable::builtin("us-east-1").unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<String> = super::check(&partial, Ok(&table))
            .iter()
            .map(|d| {
                let l = d.location.as_ref().map(|l| l.line).unwrap_or(0);
                format!("{l} {}", d.path())
            })
            .collect();
        // By hand, one line per problem in file order: zone a's count 0 (line 4), `two` (8),
        // the undeclared `u` (11), kind `nope` (13), the second `o` (14, named against
        // options[0]: the failed option keeps its index), share `lots` (16). No "unknown service
        // `t`", no "undeclared zone `a`", no states sum of 0.5.
        assert_eq!(
            got,
            vec![
                "4 zones[0].nodes.count",
                "8 services[1].replicas",
                "11 traffic[1].to",
                "13 options[0].kind",
                "14 options[1].name",
                "16 states[0].share",
            ]
        );
        let dup = super::check(&partial, Ok(&table))
            .into_iter()
            .find(|d| d.path() == "options[1].name")
            .map(|d| d.message);
        assert_eq!(
            dup.as_deref(),
            Some("option name `o` is already used by options[0]")
        );
        assert_eq!(
            partial.stand_ins,
            vec!["zones[0]", "services[1]", "options[0]", "states[0]"]
        );
        // The strict loader reports the conversion problems only, and fails.
        let strict = crate::loader::parse_scenario(text, "t.yaml").err();
        assert_eq!(strict.map(|e| e.diagnostics.len()), Some(4));
    }

    #[test]
    fn check_reports_a_region_without_prices_at_region() {
        let text = "version: 1\nregion: eu-west-9\n\
            zones: [{name: a, nodes: {count: 1, type: m5.large}}]\n\
            services: [{name: s, replicas: 1}]\n\
            traffic: [{from: s, to: s, volume: 1 TB}]\noptions: [{name: o, kind: clusterip}]\n";
        let partial =
            crate::loader::parse_scenario_partial(text, "t.yaml").unwrap_or_else(|e| panic!("{e}"));
        let err = PriceTable::builtin("eu-west-9").err();
        let err = err.unwrap_or_else(|| panic!("eu-west-9 has a built-in table"));
        let got = super::check(&partial, Err(&err));
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            got[0].location.as_ref().map(ToString::to_string).as_deref(),
            Some("t.yaml:2:9")
        );
    }
}
