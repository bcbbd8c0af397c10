//! `ewsim explain`: a plain-text account of how each option routes each traffic edge, namely the
//! topology hints state (with the upstream reason when the EndpointSlice controller removed them),
//! where the requests of each client zone end up, how many cross zones or are dropped, and the hop
//! sequence.

use ewsim::cost::{EdgeReport, OptionReport};
use ewsim::report::Report;
use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt::{self, Write as _};

/// An option name the report does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOption {
    /// The name asked for.
    pub name: String,
    /// The report's option names, in scenario order.
    pub known: Vec<String>,
}

impl fmt::Display for UnknownOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no option `{}`; the scenario has: {}",
            self.name,
            self.known.join(", ")
        )
    }
}

impl std::error::Error for UnknownOption {}

/// Explains every option of `report`, or only the one named `option`.
///
/// Zones are named from [`ewsim::cost::CostReport::zone_names`]; a hop crosses zones when the availability-zone
/// part of the two names (after the last `/` of `cluster/zone`) differs.
pub fn explain(report: &Report, option: Option<&str>) -> Result<String, UnknownOption> {
    let selected: Vec<&OptionReport> = match option {
        None => report.cost.options.iter().collect(),
        Some(name) => {
            let found: Vec<&OptionReport> = report
                .cost
                .options
                .iter()
                .filter(|o| o.name == name)
                .collect();
            if found.is_empty() {
                return Err(UnknownOption {
                    name: name.to_owned(),
                    known: report.cost.options.iter().map(|o| o.name.clone()).collect(),
                });
            }
            found
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "scenario: {}", report.cost.scenario);
    for o in selected {
        let _ = writeln!(out, "\noption {} ({})", o.name, o.kind);
        if let Some(d) = &o.description {
            let _ = writeln!(out, "  {d}");
        }
        for e in &o.edges {
            explain_edge(&mut out, report, e);
            if e.kind != o.kind {
                // A `per-service` option: say which routing the edge took.
                let _ = writeln!(out, "    routed as {} (the routing of {})", e.kind, e.to);
            }
        }
        explain_states(&mut out, report, &o.name);
    }
    Ok(out)
}

/// Availability-zone part of a zone slot name.
fn az(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// The hints state without upstream's message text: `hints removed: <Reason>` plus the
/// `(n endpoints, z zones)` suffix when there is one, `hints: enabled` without per-zone counts;
/// other states unchanged.
fn short_hints(state: &str) -> String {
    if state.contains("; ") {
        // Several clusters with different states: keep them all.
        return state.to_owned();
    }
    if let Some(rest) = state.strip_prefix("hints removed: ") {
        let reason = rest.split(':').next().unwrap_or(rest);
        let counts = rest
            .rfind(" (")
            .map(|i| &rest[i..])
            .filter(|t| t.ends_with(" zones)"))
            .unwrap_or("");
        return format!("hints removed: {reason}{counts}");
    }
    if state.starts_with("hints: enabled") {
        return "hints: enabled".to_owned();
    }
    state.to_owned()
}

/// Per replica state (`states:`), for one option: its share of the month and, per edge, the
/// hints state and the inter-AZ GB it contributes. Nothing without states.
fn explain_states(out: &mut String, report: &Report, option: &str) {
    if report.cost.states.is_empty() {
        return;
    }
    let _ = writeln!(out, "  states (figures above integrate over them):");
    for st in &report.cost.states {
        let Some(o) = st.options.iter().find(|o| o.option == option) else {
            continue;
        };
        let _ = writeln!(
            out,
            "    state {} ({} of the month)",
            st.name,
            pct(st.share)
        );
        for e in &o.edges {
            let hints =
                e.hints.as_deref().map(short_hints).unwrap_or_else(|| {
                    "hints: not applicable (not routed by kube-proxy)".to_owned()
                });
            let _ = writeln!(
                out,
                "      edge {} -> {}: {hints}; {} GB cross zones; {} dropped",
                e.from,
                e.to,
                e.cross_az_gb
                    .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
                pct(e.dropped)
            );
        }
    }
}

/// A share as a percentage with one decimal.
fn pct(share: Decimal) -> String {
    let p = (share * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    format!("{p:.1}%")
}

fn explain_edge(out: &mut String, report: &Report, e: &EdgeReport) {
    let names = &report.cost.zone_names;
    let name = |z: usize| names.get(z).map_or("?", String::as_str);
    let crosses = |a: usize, b: usize| az(name(a)) != az(name(b));
    let r = &e.route;
    let paths = r.paths();
    let _ = writeln!(out, "  edge {} -> {}", e.from, e.to);
    let hints = r
        .hints
        .as_deref()
        .unwrap_or("hints: not applicable (not routed by kube-proxy)");
    let _ = writeln!(out, "    {hints}");
    let hops = paths.first().map_or_else(
        || "none (every request dropped)".to_owned(),
        |p| {
            p.hops
                .iter()
                .map(|h| h.kind.as_str())
                .collect::<Vec<_>>()
                .join(" -> ")
        },
    );
    let _ = writeln!(out, "    hops: {hops}");
    if r.assumed {
        let _ = writeln!(
            out,
            "    assume_cross_az_share replaced the model's cross-zone share"
        );
    }
    let multi_hop = paths.iter().any(|p| p.hops.len() > 1);
    let on_any_hop = if multi_hop {
        " on at least one hop"
    } else {
        ""
    };
    let prefix = r
        .hints
        .as_deref()
        .map(|h| format!("{} -> ", short_hints(h)))
        .unwrap_or_default();
    let mut total_cross = Decimal::ZERO;
    for (c, &share) in r.client_shares.iter().enumerate() {
        if share.is_zero() {
            continue;
        }
        let mut reach = vec![Decimal::ZERO; names.len()];
        let mut cross = Decimal::ZERO;
        let mut delivered = Decimal::ZERO;
        for p in paths.iter().filter(|p| p.client_zone == c) {
            let end = p.hops.last().map_or(c, |h| h.to);
            if let Some(x) = reach.get_mut(end) {
                *x += p.share;
            }
            delivered += p.share;
            if p.hops.iter().any(|h| crosses(h.from, h.to)) {
                cross += p.share;
            }
        }
        total_cross += cross;
        let dropped = (share - delivered).round_dp(20).max(Decimal::ZERO);
        let reached: Vec<String> = reach
            .iter()
            .enumerate()
            .filter(|(_, x)| !x.is_zero())
            .map(|(d, x)| format!("{} {}", name(d), pct(*x / share)))
            .collect();
        let reached = if reached.is_empty() {
            "nothing".to_owned()
        } else {
            reached.join(", ")
        };
        let _ = writeln!(
            out,
            "    from {} ({} of requests): reach {reached}; {} dropped",
            name(c),
            pct(share),
            pct(dropped / share)
        );
        let _ = writeln!(
            out,
            "      {prefix}{} of requests from {} cross zones{on_any_hop}",
            pct(cross / share),
            name(c)
        );
    }
    let _ = writeln!(
        out,
        "    all clients: {} cross zones{on_any_hop}, {} dropped",
        pct(total_cross),
        pct(r.dropped)
    );
    for n in &r.notes {
        let _ = writeln!(out, "    note: {n}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_hints_keeps_reason_and_counts() {
        assert_eq!(
            short_hints(
                "hints removed: MinAllocationExceedsOverloadThreshold: Unable to allocate minimum \
                 required endpoints to each zone without exceeding overload threshold \
                 (4 endpoints, 3 zones)"
            ),
            "hints removed: MinAllocationExceedsOverloadThreshold (4 endpoints, 3 zones)"
        );
        assert_eq!(
            short_hints(
                "hints removed: InsufficientNodeInfo: Insufficient Node information: allocatable \
                 CPU or zone not specified on one or more nodes"
            ),
            "hints removed: InsufficientNodeInfo"
        );
        assert_eq!(short_hints("hints: enabled (a: 1, b: 1)"), "hints: enabled");
        assert_eq!(short_hints("hints: none"), "hints: none");
    }

    #[test]
    fn percentages_round_half_away_from_zero() {
        assert_eq!(pct(Decimal::new(2, 0) / Decimal::new(3, 0)), "66.7%");
        assert_eq!(pct(Decimal::new(5, 4)), "0.1%");
        assert_eq!(pct(Decimal::ZERO), "0.0%");
        assert_eq!(pct(Decimal::ONE), "100.0%");
    }

    #[test]
    fn az_part_of_cluster_zone_names() {
        assert_eq!(az("east/us-east-1a"), "us-east-1a");
        assert_eq!(az("us-east-1a"), "us-east-1a");
    }
}
