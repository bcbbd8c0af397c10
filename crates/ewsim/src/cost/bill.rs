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

/// Accumulates line items by component.
pub(super) struct Bill<'a> {
    pub(super) table: &'a PriceTable,
    items: BTreeMap<String, LineItem>,
}

impl<'a> Bill<'a> {
    /// An empty bill priced from `table`.
    pub(super) fn new(table: &'a PriceTable) -> Self {
        Bill {
            table,
            items: BTreeMap::new(),
        }
    }

    /// The line items in component order.
    pub(super) fn into_line_items(self) -> Vec<LineItem> {
        self.items.into_values().collect()
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
