//! The cost stage: validate, place, route and price every option of a scenario
//! ([`evaluate`] -> [`CostReport`]), and the summary row model every format renders.

use super::{OptionCost, price_option};
use crate::error::{Diagnostic, InputError};
use crate::placement::{Placements, Topology};
use crate::pricing::PriceTable;
use crate::routing::{EdgeRoute, Router};
use crate::scenario::{Billing, Scenario};
use crate::traffic::EdgeLoad;
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::sync::Arc;

/// The cost stage's result: every option routed and priced, in scenario order, with what every
/// report states about how it was priced.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CostReport {
    /// Scenario name.
    pub scenario: String,
    /// Pricing region.
    pub region: String,
    /// Price table origin (file names, overrides).
    pub price_table: String,
    /// Price table date.
    pub price_table_as_of: String,
    /// Currency of every amount.
    pub currency: String,
    /// Billing conventions used.
    pub billing: Billing,
    /// Results per option.
    pub options: Vec<OptionReport>,
    /// Zone slot names (`cluster/zone` when several clusters), indexed like routing hops.
    pub zone_names: Vec<String>,
    /// Per replica state (`states:`), what it contributes; empty without states.
    pub states: Vec<crate::states::StateReport>,
    /// Zones and nodes the hops' zone indices refer to.
    pub topology: Topology,
    /// Per call-graph entry point, the share of its requests with a dropped call, per option
    /// (empty without a call graph).
    pub entry_points: Vec<super::entry_points::EntryDropped>,
}

/// The evaluation of one option.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OptionReport {
    /// Option name.
    pub name: String,
    /// Option kind spelling.
    pub kind: &'static str,
    /// Description from the scenario.
    pub description: Option<String>,
    /// Whether any figure rests on a stated assumption (`assume_cross_az_share`).
    pub assumed: bool,
    /// Cost, line items and volumes.
    pub cost: OptionCost,
    /// Per traffic edge: load and routing.
    pub edges: Vec<EdgeReport>,
}

/// One edge under one option. The caller, callee and load are the edge's own (the same under
/// every option) and shared between the options' reports.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EdgeReport {
    /// Calling service.
    pub from: Arc<str>,
    /// Called service.
    pub to: Arc<str>,
    /// Load.
    pub load: Arc<EdgeLoad>,
    /// Routing.
    pub route: EdgeRoute,
    /// The kind that routed, priced and timed this edge: the option's own kind, or for a
    /// `per-service` option the kind of the called Service's routing.
    pub kind: &'static str,
}

/// Evaluates every option of a scenario against a price table (scenario `prices:` applied).
pub fn evaluate(s: &Scenario, table: &PriceTable) -> Result<CostReport, InputError> {
    let mut table = table.clone();
    for (k, v) in &s.prices {
        if let Some(key) = crate::pricing::PriceKey::parse(k) {
            table.set(key, *v, "scenario prices:");
        }
    }
    let problems = crate::validate::validate(s, &table);
    if !problems.is_empty() {
        return Err(InputError {
            diagnostics: problems,
        });
    }
    let topo = Topology::new(s).with_instance_cpu(&table);
    let loads: Vec<EdgeLoad> = s
        .traffic
        .iter()
        .map(|e| EdgeLoad::of(e, &s.billing))
        .collect();
    let shared: Vec<(Arc<str>, Arc<str>, Arc<EdgeLoad>)> = s
        .traffic
        .iter()
        .zip(&loads)
        .map(|(e, l)| {
            (
                e.from.as_str().into(),
                e.to.as_str().into(),
                Arc::new(l.clone()),
            )
        })
        .collect();
    let placements = Placements::new(&topo, s);
    let state_placements = crate::states::state_placements(s, &topo);
    // Options are routed and priced independently (in parallel); results keep scenario order.
    let evaluated: Vec<_> = s
        .options
        .par_iter()
        .map(|o| {
            let mut router = Router::new(s, &topo, &placements, o);
            let mut state_routers: Vec<Router> = state_placements
                .iter()
                .map(|p| Router::new(s, &topo, p, o))
                .collect();
            // Per edge, per replica state: routed once, used for the month and per state.
            let per_edge: Vec<Vec<EdgeRoute>> = if s.states.is_empty() {
                Vec::new()
            } else {
                s.traffic
                    .iter()
                    .map(|e| crate::states::route_states(&mut state_routers, e))
                    .collect()
            };
            let routed: Vec<(&EdgeLoad, EdgeRoute)> = s
                .traffic
                .iter()
                .zip(&loads)
                .enumerate()
                .map(|(k, (e, l))| {
                    let route = match per_edge.get(k) {
                        None => router.route(e),
                        Some(per_state) => crate::states::merge(&s.states, per_state),
                    };
                    (l, route)
                })
                .collect();
            let cost = price_option(s, &topo, &table, o, &routed);
            (per_edge, routed, cost)
        })
        .collect();
    let mut options = Vec::new();
    let mut problems = Vec::new();
    let mut state_routes = Vec::new();
    for (i, (o, (per_edge, routed, cost))) in s.options.iter().zip(evaluated).enumerate() {
        state_routes.push(per_edge);
        match cost {
            Ok(cost) => options.push(OptionReport {
                name: o.name.clone(),
                kind: o.kind.as_str(),
                description: o.description.clone(),
                assumed: routed.iter().any(|(_, r)| r.assumed),
                cost,
                edges: shared
                    .iter()
                    .zip(routed)
                    .map(|((from, to, load), (_, route))| EdgeReport {
                        kind: o.kind.for_service(to).as_str(),
                        from: from.clone(),
                        to: to.clone(),
                        load: load.clone(),
                        route,
                    })
                    .collect(),
            }),
            Err(e) => problems.push(Diagnostic::at(
                format!("options[{i}]"),
                format!("option `{}`: {e}", o.name),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(InputError {
            diagnostics: problems,
        });
    }
    let multi = s.clusters.len() > 1;
    let zone_names = topo
        .zones
        .iter()
        .map(|z| {
            if multi {
                format!("{}/{}", s.clusters[z.cluster].name, z.name)
            } else {
                z.name.clone()
            }
        })
        .collect();
    Ok(CostReport {
        scenario: s.name.clone(),
        region: table.region.clone(),
        price_table: table.origin.clone(),
        price_table_as_of: table.as_of.clone(),
        currency: table.currency.clone(),
        billing: s.billing.clone(),
        zone_names,
        states: crate::states::state_reports(s, &topo, &loads, &state_routes),
        topology: topo,
        entry_points: s.call_graph.as_ref().map_or_else(Vec::new, |g| {
            super::entry_points::entry_points_dropped(g, &options)
        }),
        options,
    })
}

/// Rounds money to the cent for display (banker's rounding is avoided: half away from zero).
/// Shares such as 2/3 are 28-digit `Decimal`s, so a sum that is a half cent by hand can come out
/// a few units of 10^-26 below it (344.105 as 344.10499...976); rounding to 12 places first
/// removes that residue before the cent is chosen.
pub fn cents(v: Decimal) -> Decimal {
    use rust_decimal::RoundingStrategy::MidpointAwayFromZero;
    v.round_dp_with_strategy(12, MidpointAwayFromZero)
        .round_dp_with_strategy(2, MidpointAwayFromZero)
}

#[cfg(test)]
mod cents_tests {
    use super::*;

    #[test]
    fn half_cents_computed_through_thirds_round_up() {
        // 15 TB over 3 zones behind an ALB: 730 h x $0.0225 = 16.425, 15,360 GB / 730 h LCUs x
        // $0.008 x 730 h = 122.88, 15,360 x 2/3 x $0.02 = 204.80: 344.105 by hand -> $344.11.
        // Two of three zones' shares of 1/3 each (each rounded down in the 28th digit).
        let third = Decimal::ONE / Decimal::from(3);
        let transfer = Decimal::from(15_360) * (third + third) * Decimal::new(2, 2);
        let total = Decimal::new(16_425, 3) + Decimal::new(12_288, 2) + transfer;
        assert!(
            total < Decimal::new(344_105, 3),
            "the residue this guards against"
        );
        assert_eq!(cents(total), Decimal::new(34_411, 2));
        assert_eq!(cents(Decimal::new(-16_425, 3)), Decimal::new(-1_643, 2));
        assert_eq!(cents(Decimal::new(136_533, 3)), Decimal::new(13_653, 2));
    }
}

/// What a line item pays for, as the summary groups costs (a line item's category follows from
/// its component id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Category {
    /// Inter-AZ data transfer (`inter_az.*`).
    Transfer,
    /// VPC peering and Transit Gateway (`peering.*`, `tgw.*`).
    CrossVpc,
    /// Load-balancer hours and capacity units (`alb.*`, `nlb.*`).
    LoadBalancer,
    /// VPC Lattice (`lattice.*`).
    Lattice,
    /// Mesh proxy compute (`istio.*`).
    MeshCompute,
    /// Route 53 (`route53.*`).
    Dns,
}

impl Category {
    /// Every category, in the order of [`SummaryRow::categories`].
    pub const ALL: [Category; 6] = [
        Category::Transfer,
        Category::CrossVpc,
        Category::LoadBalancer,
        Category::Lattice,
        Category::MeshCompute,
        Category::Dns,
    ];

    /// The category of a line item's component id (`None` for components outside every one).
    pub fn of(component: &str) -> Option<Category> {
        let prefixes: [(&str, Category); 7] = [
            ("inter_az.", Category::Transfer),
            ("peering.", Category::CrossVpc),
            ("tgw.", Category::CrossVpc),
            ("alb.", Category::LoadBalancer),
            ("nlb.", Category::LoadBalancer),
            ("lattice.", Category::Lattice),
            ("istio.", Category::MeshCompute),
        ];
        prefixes
            .iter()
            .find(|(p, _)| component.starts_with(p))
            .map(|(_, c)| *c)
            .or_else(|| component.starts_with("route53.").then_some(Category::Dns))
    }
}

/// One flat summary row per option: what the summary CSV and tables show.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SummaryRow {
    /// Option name.
    pub option: String,
    /// Option kind.
    pub kind: &'static str,
    /// Exact monthly cost (USD).
    pub monthly_cost_usd: Decimal,
    /// GB per month crossing AZ boundaries (all hops).
    pub cross_az_gb_month: Decimal,
    /// Byte-weighted share of requests dropped.
    pub dropped_share: Decimal,
    /// GB per month offered by clients.
    pub offered_gb_month: Decimal,
    /// Cost per category, in [`Category::ALL`] order.
    pub categories: [Decimal; 6],
    /// Whether an assumption replaced the routing model.
    pub assumed: bool,
}

impl CostReport {
    /// The dropped share per option of the call-graph entry point named `name`.
    pub fn entry_dropped(&self, name: &str) -> Option<&[Decimal]> {
        self.entry_points
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.dropped.as_slice())
    }

    /// Summary rows, one per option, in scenario order.
    pub fn summary_rows(&self) -> Vec<SummaryRow> {
        self.options
            .iter()
            .map(|o| {
                let mut categories = [Decimal::ZERO; 6];
                for item in &o.cost.line_items {
                    if let Some(c) = Category::of(&item.component) {
                        categories[c as usize] += item.cost;
                    }
                }
                SummaryRow {
                    option: o.name.clone(),
                    kind: o.kind,
                    monthly_cost_usd: o.cost.total,
                    cross_az_gb_month: o.cost.cross_az_gb,
                    dropped_share: o.cost.dropped_share,
                    offered_gb_month: o.cost.offered_gb,
                    categories,
                    assumed: o.assumed,
                }
            })
            .collect()
    }

    /// The conventions line every report prints.
    pub fn conventions(&self) -> String {
        format!(
            "hours_per_month={} inter_az={} capacity_units={} gigabyte={}",
            self.billing.hours_per_month,
            self.billing.inter_az.as_str(),
            self.billing.capacity_units.as_str(),
            self.billing.gigabyte.as_str()
        )
    }
}
