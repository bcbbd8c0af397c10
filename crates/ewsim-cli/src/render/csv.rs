//! CSV: stable, documented columns (README "CSV columns") that spreadsheets import.

use super::{percentiles, qty, usd};
use ewsim::Report;
use ewsim::cost::CATEGORIES;

/// Summary columns, in order.
pub const SUMMARY_COLUMNS: &[&str] = &[
    "option",
    "kind",
    "monthly_cost_usd",
    "cross_az_gb_month",
    "dropped_share",
    "offered_gb_month",
    "transfer_usd",
    "cross_vpc_usd",
    "load_balancer_usd",
    "lattice_usd",
    "mesh_compute_usd",
    "dns_usd",
    "assumed",
    "region",
    "price_table_as_of",
    "hours_per_month",
    "inter_az_billing",
    "capacity_units",
    "p50_ms",
    "p90_ms",
    "p99_ms",
    "p999_ms",
    "latency_samples",
    "latency_seed",
    "cost_p10_usd",
    "cost_p50_usd",
    "cost_p90_usd",
    "p99_ms_p10",
    "p99_ms_p50",
    "p99_ms_p90",
    "uncertainty_draws",
];

/// Detail columns, in order.
pub const DETAIL_COLUMNS: &[&str] = &[
    "option",
    "kind",
    "component",
    "description",
    "quantity",
    "unit",
    "unit_price_usd",
    "cost_usd",
    "price_key",
    "price_source",
    "assumed",
    "region",
    "price_table_as_of",
    "hours_per_month",
    "inter_az_billing",
];

pub fn render(r: &Report, detail: bool) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let conv = [
        r.cost.region.clone(),
        r.cost.price_table_as_of.clone(),
        r.cost.billing.hours_per_month.to_string(),
        r.cost.billing.inter_az.as_str().to_string(),
    ];
    let mut rows: Vec<Vec<String>> = Vec::new();
    if detail {
        rows.push(DETAIL_COLUMNS.iter().map(|s| s.to_string()).collect());
        for o in &r.cost.options {
            for i in &o.cost.line_items {
                let mut row = vec![
                    o.name.clone(),
                    o.kind.to_string(),
                    i.component.clone(),
                    i.description.clone(),
                    qty(i.quantity, 6),
                    i.unit.clone(),
                    qty(i.unit_price, 8),
                    usd(i.cost),
                    i.price_key.clone(),
                    i.price_source.clone(),
                    i.assumed.to_string(),
                ];
                row.extend(conv.iter().cloned());
                rows.push(row);
            }
        }
    } else {
        debug_assert_eq!(CATEGORIES.len(), 6);
        rows.push(SUMMARY_COLUMNS.iter().map(|s| s.to_string()).collect());
        for (i, s) in r.cost.summary_rows().into_iter().enumerate() {
            let mut row = vec![
                s.option,
                s.kind.to_string(),
                usd(s.monthly_cost_usd),
                qty(s.cross_az_gb_month, 2),
                qty(s.dropped_share, 4),
                qty(s.offered_gb_month, 2),
            ];
            row.extend(s.categories.iter().map(|c| usd(*c)));
            row.push(s.assumed.to_string());
            row.extend(conv.iter().cloned());
            row.push(r.cost.billing.capacity_units.as_str().to_string());
            row.extend(percentiles(r, i));
            match &r.latency {
                Some(l) => row.extend([l.samples.to_string(), l.seed.to_string()]),
                None => row.extend([String::new(), String::new()]),
            }
            row.extend(super::spread_cells(r, i));
            row.push(
                r.uncertainty
                    .as_ref()
                    .map(|u| u.config.draws.to_string())
                    .unwrap_or_default(),
            );
            rows.push(row);
        }
    }
    for row in rows {
        // Writing to a Vec cannot fail; every row has the header's length (checked in tests).
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
