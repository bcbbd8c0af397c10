//! Semantic checks of the formats `ewsim import` writes, kept apart from the core checks (which
//! calls in here): zones with several node groups and `per-service` options.

use crate::error::Diagnostic;
use crate::pricing::PriceTable;
use crate::scenario::{OptionKind, OptionSpec, PerServiceRouting, Scenario, TrafficVolume, Zone};
use std::collections::BTreeSet;

/// Whether no node of the zone runs pods (every node of every group not Ready or control plane).
pub(crate) fn zone_runs_no_pods(z: &Zone) -> bool {
    z.groups().all(|g| g.attributes.unschedulable() >= g.count)
}

/// The node groups after a zone's first (`nodes:` written as a list): each has nodes, attribute
/// counts within its `count`, and an instance type the price table knows (the run names a
/// missing price as it does for the first group).
pub(crate) fn more_node_groups(d: &mut Vec<Diagnostic>, zp: &str, z: &Zone, table: &PriceTable) {
    for (k, g) in z.more_nodes.iter().enumerate() {
        let gp = format!("{zp}.nodes[{}]", k + 1);
        if g.count == 0 {
            d.push(Diagnostic::at(
                format!("{gp}.count"),
                format!("a node group of zone `{}` has no nodes", z.name),
            ));
        }
        let a = g.attributes;
        let sum = u64::from(a.not_ready) + u64::from(a.control_plane) + u64::from(a.unlabeled);
        if sum > u64::from(g.count) {
            d.push(
                Diagnostic::at(
                    gp.clone(),
                    format!(
                        "not_ready + control_plane + unlabeled = {sum} exceeds the group's {} nodes",
                        g.count
                    ),
                )
                .with_hint("node attribute counts are counted within the group's `count`"),
            );
        }
        instance_type_priced(d, format!("{gp}.type"), &g.instance_type, table);
    }
}

/// A node group's instance type must have a price in the selected table: the run names a missing
/// one at its path (`zones[0].nodes[1].type`) with the types the table knows.
pub(crate) fn instance_type_priced(
    d: &mut Vec<Diagnostic>,
    path: String,
    instance_type: &str,
    table: &PriceTable,
) {
    if table.instances.contains_key(instance_type) {
        return;
    }
    let known: Vec<&str> = table.instances.keys().map(String::as_str).collect();
    d.push(
        Diagnostic::at(
            path,
            format!(
                "instance type `{instance_type}` is not in the {} price table",
                table.region
            ),
        )
        .with_hint(format!(
            "known: {}; add it with --pricing FILE (instances:)",
            known.join(", ")
        )),
    );
}

/// A `per-service` option: its routings name declared Services, and each routing's own rules hold
/// over the edges that call its Services (a mesh needs request rates on them, Lattice enough
/// services for them).
pub(crate) fn per_service_option(
    d: &mut Vec<Diagnostic>,
    p: &str,
    o: &OptionSpec,
    routes: &PerServiceRouting,
    s: &Scenario,
) {
    let declared: BTreeSet<&str> = s.services.iter().map(|v| v.name.as_str()).collect();
    for (name, _) in &routes.services {
        if !declared.contains(name.as_str()) {
            d.push(
                Diagnostic::at(
                    format!("{p}.by_service.{name}"),
                    format!("unknown service `{name}`"),
                )
                .with_hint("`by_service:` keys are the names of `services:` entries"),
            );
        }
    }
    for (index, r) in routes.all().enumerate() {
        let rp = match index {
            0 => format!("{p}.default"),
            i => format!("{p}.by_service.{}", routes.services[i - 1].0),
        };
        let edges = || {
            s.traffic
                .iter()
                .enumerate()
                .filter(move |(_, e)| routes.index_of(&e.to) == index)
        };
        match &r.kind {
            OptionKind::IstioSidecar { .. } | OptionKind::IstioAmbient { .. } => {
                for (k, e) in edges() {
                    if matches!(
                        &e.volume,
                        TrafficVolume::Monthly {
                            bytes_per_request: None,
                            ..
                        }
                    ) {
                        d.push(
                            Diagnostic::at(
                                format!("traffic[{k}].volume"),
                                format!(
                                    "option `{}` prices proxy CPU per request for calls to `{}`, but this edge has no request rate",
                                    o.name, e.to
                                ),
                            )
                            .with_hint("add `bytes_per_request` next to `volume`, or give `rps` with sizes"),
                        );
                    }
                }
            }
            OptionKind::Lattice { services: Some(n) } => {
                let called: BTreeSet<&str> = edges().map(|(_, e)| e.to.as_str()).collect();
                if (*n as usize) < called.len() {
                    d.push(Diagnostic::at(
                        format!("{rp}.services"),
                        format!(
                            "{n} Lattice services cannot carry traffic to {} called services",
                            called.len()
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
}
