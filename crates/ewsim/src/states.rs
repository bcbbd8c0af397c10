//! Replica states (`states:`): the month split into parts with other replica counts.
//!
//! Each state is routed as a scenario of its own (the services' `replicas` overridden); an option's
//! monthly figures come from one merged route per edge whose path and dropped shares are the states'
//! shares weighted by their time. Transfer is linear in those shares, so it integrates exactly;
//! fixed hourly fees do not depend on routing and are unchanged; capacity units and the Lattice
//! request free tier use the month's average delivered load.

use crate::placement::{Placements, Topology};
use crate::routing::{EdgeRoute, Router};
use crate::scenario::{ReplicaState, Scenario, TrafficEdge};
use crate::traffic::EdgeLoad;
use rust_decimal::Decimal;
use std::sync::Arc;

/// The scenario as it stands during `state`: every declaration of an overridden service takes
/// the state's replicas.
pub fn state_scenario(s: &Scenario, state: &ReplicaState) -> Scenario {
    let mut out = s.clone();
    for svc in &mut out.services {
        if let Some((_, r)) = state.replicas.iter().find(|(n, _)| *n == svc.name) {
            svc.replicas = r.clone();
        }
    }
    out.states = Vec::new();
    out
}

/// Every service's placement in each state (scenario order of `states`): what routing needs to
/// route an edge as the state has it.
pub fn state_placements(s: &Scenario, topo: &Topology) -> Vec<Placements> {
    s.states
        .iter()
        .map(|st| Placements::new(topo, &state_scenario(s, st)))
        .collect()
}

/// Routes one edge under one option in every state, one router per state (built over
/// [`state_placements`]).
pub fn route_states(routers: &mut [Router], edge: &TrafficEdge) -> Vec<EdgeRoute> {
    routers.iter_mut().map(|r| r.route(edge)).collect()
}

/// One route for the month from per-state routes: path shares, dropped and client shares
/// weighted by each state's time; the hints state per state (`state: hints; ...`) unless all
/// agree; notes united.
pub fn merge(states: &[ReplicaState], routes: &[EdgeRoute]) -> EdgeRoute {
    let routes: Vec<(&ReplicaState, &EdgeRoute)> = states.iter().zip(routes).collect();
    let mut dropped = Decimal::ZERO;
    let mut notes = Vec::new();
    let mut assumed = false;
    let mut client_shares: Vec<Decimal> = Vec::new();
    for (st, r) in &routes {
        dropped += st.time.weigh(r.dropped);
        assumed |= r.assumed;
        notes.extend(r.notes.iter().cloned());
        if client_shares.len() < r.client_shares.len() {
            client_shares.resize(r.client_shares.len(), Decimal::ZERO);
        }
        for (acc, x) in client_shares.iter_mut().zip(r.client_shares.iter()) {
            *acc += st.time.weigh(*x);
        }
    }
    notes.sort();
    notes.dedup();
    let hints: Vec<(&str, Option<&Arc<str>>)> = routes
        .iter()
        .map(|(st, r)| (st.name.as_str(), r.hints.as_ref()))
        .collect();
    let hints = match hints.first() {
        None => None,
        Some((_, first)) if hints.iter().all(|(_, h)| h == first) => first.cloned(),
        Some(_) => Some(
            hints
                .iter()
                .map(|(n, h)| format!("{n}: {}", h.map_or("-", |h| &**h)))
                .collect::<Vec<_>>()
                .join("; ")
                .into(),
        ),
    };
    EdgeRoute::of_states(
        routes
            .iter()
            .map(|(st, r)| (st.time, (*r).clone()))
            .collect(),
        dropped,
        assumed,
        notes,
        hints,
        client_shares,
    )
}

/// One state's figures for one option and edge.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StateEdge {
    /// Calling service.
    pub from: String,
    /// Called service.
    pub to: String,
    /// Topology hints state during the state (as [`EdgeRoute::hints`]).
    pub hints: Option<String>,
    /// GB crossing an AZ boundary during the state (all hops), already weighted by its time.
    pub cross_az_gb: Decimal,
    /// Share of requests dropped while the state lasts.
    pub dropped: Decimal,
}

/// One state's figures for one option.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StateOption {
    /// Option name.
    pub option: String,
    /// Per traffic edge, in scenario order.
    pub edges: Vec<StateEdge>,
}

/// What a state contributes to the month.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StateReport {
    /// State name.
    pub name: String,
    /// Share of the month.
    pub share: Decimal,
    /// Per option, in scenario order.
    pub options: Vec<StateOption>,
}

/// Per-state figures of every option from the per-state routes computed for the month:
/// `routes[option][edge][state]` (empty when the scenario has no states).
pub fn state_reports(
    s: &Scenario,
    topo: &Topology,
    loads: &[EdgeLoad],
    routes: &[Vec<Vec<EdgeRoute>>],
) -> Vec<StateReport> {
    s.states
        .iter()
        .enumerate()
        .map(|(k, st)| StateReport {
            name: st.name.clone(),
            share: st.time.share(),
            options: s
                .options
                .iter()
                .zip(routes)
                .map(|(o, per_edge)| StateOption {
                    option: o.name.clone(),
                    edges: s
                        .traffic
                        .iter()
                        .zip(loads)
                        .zip(per_edge)
                        .map(|((e, l), per_state)| {
                            let r = &per_state[k];
                            StateEdge {
                                from: e.from.clone(),
                                to: e.to.clone(),
                                hints: r.hints.as_deref().map(str::to_owned),
                                cross_az_gb: st
                                    .time
                                    .weigh(l.gb_month * r.crossing_share(topo, None)),
                                dropped: r.dropped,
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}
