//! The bill of one option: priced line items accumulated by component.
//!
//! Every pricing rule (transfer, load balancers, Lattice, mesh, DNS) adds quantities through one
//! [`Bill`], which looks each unit price up, keeps its source and date, and keeps every line's
//! cost exactly `quantity x unit price`.

use crate::pricing::{PriceKey, PriceTable, PricingError};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One priced line of an option's monthly bill.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LineItem {
    /// Stable component id, e.g. `inter_az.pod_to_pod`, `alb.lcu` (documented in the README).
    pub component: String,
    /// Human description.
    pub description: String,
    /// Billed quantity per month.
    pub quantity: Decimal,
    /// Unit of the quantity.
    pub unit: String,
    /// USD per unit.
    pub unit_price: Decimal,
    /// USD per month: exactly `quantity x unit_price`.
    pub cost: Decimal,
    /// Price-table key of the unit price.
    pub price_key: String,
    /// Source id and date of the price.
    pub price_source: String,
    /// Whether the quantity rests on a stated assumption rather than the routing model.
    pub assumed: bool,
}

/// How a line item's cost is shared among an option's traffic edges
/// ([`super::by_edge`]; docs/reports.md "Cost by traffic edge").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Basis {
    /// Data transfer: by the GB of the edge's own charged hops (inter-AZ, peering, Transit
    /// Gateway data).
    Transfer,
    /// Usage-priced processing: by the edge's own driver (Lattice GB delivered and billable
    /// requests per called service, mesh proxy requests per instance type).
    Usage,
    /// Capacity units: by the edge's share of the busiest (billed) dimension.
    Capacity,
    /// Fixed hourly or monthly fees (load-balancer hours, Lattice service-hours, Transit Gateway
    /// attachments, Route 53): by the edge's share of the option's bytes (GB offered).
    Fixed,
}

impl Basis {
    /// The spelling used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Transfer => "transfer",
            Basis::Usage => "usage",
            Basis::Capacity => "capacity",
            Basis::Fixed => "fixed",
        }
    }
}

/// Per component, the basis its cost is shared by and each traffic edge's weight.
pub(super) type Weights = BTreeMap<String, (Basis, Vec<Decimal>)>;

/// Accumulates line items by component, and per component the per-edge weights its cost is
/// shared by (components without weights are fixed fees, shared by bytes).
pub(super) struct Bill<'a> {
    pub(super) table: &'a PriceTable,
    items: BTreeMap<String, LineItem>,
    weights: Weights,
    /// While a subset of the option's edges is priced (a `per-service` routing): the option-wide
    /// index of each of the subset's edges and the option's edge count, so that weights given
    /// per subset edge land on the right traffic edge.
    subset: Option<(Vec<usize>, usize)>,
}

impl<'a> Bill<'a> {
    /// An empty bill priced from `table`.
    pub(super) fn new(table: &'a PriceTable) -> Self {
        Bill {
            table,
            items: BTreeMap::new(),
            weights: BTreeMap::new(),
            subset: None,
        }
    }

    /// The line items in component order, and the per-edge weights by component.
    pub(super) fn finish(self) -> (Vec<LineItem>, Weights) {
        (self.items.into_values().collect(), self.weights)
    }

    /// Adds per-edge weights (`weights[k]` for traffic edge `k`) to how `component`'s cost is
    /// shared; weights given twice for one component add up.
    pub(super) fn weigh(&mut self, component: &str, basis: Basis, weights: Vec<Decimal>) {
        let weights = match &self.subset {
            Some((index, n)) => {
                let mut all = vec![Decimal::ZERO; *n];
                for (&k, w) in index.iter().zip(weights) {
                    all[k] = w;
                }
                all
            }
            None => weights,
        };
        match self.weights.get_mut(component) {
            Some((_, w)) => {
                for (a, b) in w.iter_mut().zip(weights) {
                    *a += b;
                }
            }
            None => {
                self.weights.insert(component.to_string(), (basis, weights));
            }
        }
    }

    /// Prices the next charges over a subset of the option's edges: `index[i]` is the option-wide
    /// index of the subset's edge `i`, `n` the option's edge count; `None` ends the subset.
    pub(super) fn set_subset(&mut self, subset: Option<(Vec<usize>, usize)>) {
        self.subset = subset;
    }

    /// Adds `quantity` of `component` at the price of `key` times `factor` (nothing when the
    /// quantity is zero, so an unpriced key is asked for only when it is needed).
    #[allow(clippy::too_many_arguments)] // one line item's fields, passed flat at ~20 call sites
    pub(super) fn add(
        &mut self,
        component: &str,
        description: &str,
        quantity: Decimal,
        unit: &str,
        key: PriceKey,
        factor: Decimal,
        assumed: bool,
    ) -> Result<(), PricingError> {
        if quantity.is_zero() {
            return Ok(());
        }
        let unit_price = self.table.get(key)? * factor;
        self.add_priced(
            component,
            description,
            quantity,
            unit,
            unit_price,
            key.as_str(),
            assumed,
        );
        Ok(())
    }

    /// Adds `quantity` of `component` at a unit price already known (`key` names its source).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn add_priced(
        &mut self,
        component: &str,
        description: &str,
        quantity: Decimal,
        unit: &str,
        unit_price: Decimal,
        key: &str,
        assumed: bool,
    ) {
        // A price taken from another region's table (a price file's `base:`) is an assumption:
        // the line says whose price it is and is marked assumed.
        let inherited = |from: &Option<String>| {
            from.as_deref()
                .map(|r| format!(", assumed: the {r} price"))
                .unwrap_or_default()
        };
        let (source, inherited_price) = self
            .table
            .prices
            .get(key)
            .map(|p| {
                (
                    format!("{} ({}){}", p.source, p.as_of, inherited(&p.inherited_from)),
                    p.inherited_from.is_some(),
                )
            })
            .or_else(|| {
                self.table
                    .instances
                    .get(key.trim_start_matches("instances."))
                    .map(|i| {
                        (
                            format!(
                                "{} ({}), split by Fargate vCPU:GB ratio{}",
                                i.source,
                                i.as_of,
                                inherited(&i.inherited_from)
                            ),
                            i.inherited_from.is_some(),
                        )
                    })
            })
            .unwrap_or_default();
        let assumed = assumed || inherited_price;
        let e = self
            .items
            .entry(component.to_string())
            .or_insert_with(|| LineItem {
                component: component.to_string(),
                description: description.to_string(),
                quantity: Decimal::ZERO,
                unit: unit.to_string(),
                unit_price,
                cost: Decimal::ZERO,
                price_key: key.to_string(),
                price_source: source,
                assumed,
            });
        e.quantity += quantity;
        e.cost = e.quantity * e.unit_price;
        e.assumed |= assumed;
    }
}
