//! CSV: stable, documented columns (README "CSV columns") that spreadsheets import; tidy rows
//! (one per option, line item, step and option, or compared option).

use super::{DiffDoc, RecommendDoc, Renderer, csv_text, percentiles, qty, usd};
use ewsim::Report;
use ewsim::sweep::SweepResult;

/// The CSV renderer.
pub struct Csv;

impl Renderer for Csv {
    fn run(&self, report: &Report, detail: bool) -> String {
        run(report, detail)
    }

    fn by_edge(&self, report: &Report) -> String {
        edge_rows(report)
    }

    fn sweep(&self, sweep: &SweepResult) -> String {
        sweep_rows(sweep)
    }

    fn diff(&self, diff: &DiffDoc<'_>) -> String {
        let mut rows = vec![DIFF_COLUMNS.iter().map(|c| c.to_string()).collect()];
        rows.extend(diff.diff.rows.iter().map(|r| {
            let mut row = super::diff::cells(r, true);
            row.extend(super::diff::extra_cells(r));
            row
        }));
        csv_text(rows)
    }

    fn recommend(&self, rec: &RecommendDoc<'_>) -> String {
        recommend(rec)
    }
}

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
    "notes",
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

/// The run report: one row per option, or per line item with `detail`.
fn run(r: &Report, detail: bool) -> String {
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
        let mut header: Vec<String> = SUMMARY_COLUMNS.iter().map(|s| s.to_string()).collect();
        header.extend(entry_point_columns(r));
        rows.push(header);
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
            row.push(option_notes(&r.cost.options[i]));
            row.extend(entry_point_cells(r, i));
            rows.push(row);
        }
    }
    csv_text(rows)
}

/// The summary's columns after `notes`: `entry_<name>_p50_ms`, `_p90_ms`, `_p99_ms`,
/// `_p999_ms` and `_dropped_share` for each call-graph entry point in scenario order (none
/// without a call graph or with `--no-latency`), so the end-to-end latency the JSON report
/// carries is in CSV too, next to the share of the entry point's requests that fail.
fn entry_point_columns(r: &Report) -> Vec<String> {
    let Some(l) = &r.latency else {
        return Vec::new();
    };
    l.entry_points
        .iter()
        .flat_map(|ep| {
            ["p50_ms", "p90_ms", "p99_ms", "p999_ms", "dropped_share"]
                .map(|q| format!("entry_{}_{q}", ep.name))
        })
        .collect()
}

/// Option `i`'s cells under [`entry_point_columns`]: latency to 3 decimals, empty where a call
/// on the way delivers nothing; the dropped share to 6 decimals.
fn entry_point_cells(r: &Report, i: usize) -> Vec<String> {
    let Some(l) = &r.latency else {
        return Vec::new();
    };
    l.entry_points
        .iter()
        .flat_map(|ep| {
            let mut cells: Vec<String> = ep
                .options
                .get(i)
                .and_then(Option::as_ref)
                .map(super::ms4)
                .unwrap_or_default()
                .into();
            let dropped = r.cost.entry_dropped(&ep.name).and_then(|d| d.get(i));
            cells.push(dropped.map_or_else(String::new, |d| qty(*d, 6)));
            cells
        })
        .collect()
}

/// An option's notes in one cell, `; `-separated, each about the whole option or prefixed with
/// the edges it is about (`a -> b: ...`).
fn option_notes(o: &ewsim::cost::OptionReport) -> String {
    o.attributed_notes()
        .iter()
        .map(|n| {
            if n.edges.is_empty() {
                n.text.to_string()
            } else {
                let edges: Vec<String> = n.edges.iter().map(|k| o.edges[*k].label()).collect();
                format!("{}: {}", edges.join(", "), n.text)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Per-edge columns, one row per option and traffic edge (docs/reports.md "CSV columns, --by
/// edge").
pub const EDGE_COLUMNS: &[&str] = &[
    "option",
    "kind",
    "from",
    "to",
    "gb_month",
    "delivered_gb_month",
    "cross_az_gb_month",
    "dropped_share",
    "transfer_usd",
    "usage_usd",
    "capacity_usd",
    "fixed_usd",
    "monthly_cost_usd",
    "monthly_cost_usd_exact",
    "option_monthly_cost_usd",
    "notes",
    "region",
    "price_table_as_of",
];

/// The per-edge breakdown: one row per option and edge; the `monthly_cost_usd` of an option's
/// rows add up to its `option_monthly_cost_usd`.
fn edge_rows(r: &Report) -> String {
    let mut rows: Vec<Vec<String>> = vec![EDGE_COLUMNS.iter().map(|s| s.to_string()).collect()];
    for o in &r.cost.options {
        for (k, (e, c)) in o.edges.iter().zip(&o.cost.by_edge).enumerate() {
            let mut row = vec![
                o.name.clone(),
                o.kind.to_string(),
                e.from.to_string(),
                e.to.to_string(),
                qty(c.gb_month, 6),
                qty(c.delivered_gb, 6),
                qty(c.cross_az_gb, 6),
                qty(c.dropped_share, 6),
            ];
            row.extend(c.by_basis.iter().map(|v| qty(*v, 6)));
            row.extend([
                usd(c.total_cents),
                c.total.to_string(),
                usd(o.cost.total),
                o.edge_notes(k).join("; "),
                r.cost.region.clone(),
                r.cost.price_table_as_of.clone(),
            ]);
            rows.push(row);
        }
    }
    csv_text(rows)
}

/// Sweep columns, one row per step and option (tidy, for pivot tables).
pub const SWEEP_COLUMNS: [&str; 12] = [
    "parameter",
    "value",
    "unit",
    "option",
    "kind",
    "monthly_cost_usd",
    "cross_az_gb_month",
    "dropped_share",
    "p50_ms",
    "p99_ms",
    "cheapest",
    "region",
];

fn opt_ms(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.3}")).unwrap_or_default()
}

fn sweep_rows(r: &SweepResult) -> String {
    let mut rows: Vec<Vec<String>> = vec![SWEEP_COLUMNS.iter().map(|c| c.to_string()).collect()];
    for st in &r.steps {
        for (i, (o, (name, kind))) in st.options.iter().zip(&r.options).enumerate() {
            rows.push(vec![
                r.spec.parameter.name.clone(),
                super::sweep::shown(r, st.value).to_string(),
                r.spec.parameter.unit.clone(),
                name.clone(),
                kind.to_string(),
                usd(o.cost_usd),
                qty(o.cross_az_gb, 4),
                qty(o.dropped_share, 6),
                opt_ms(o.p50_ms),
                opt_ms(o.p99_ms),
                (st.cheapest == Some(i)).to_string(),
                r.first.cost.region.clone(),
            ]);
        }
    }
    csv_text(rows)
}

/// Diff columns, in order (README "Compare two reports").
pub const DIFF_COLUMNS: &[&str] = &[
    "option",
    "kind",
    "status",
    "old_monthly_cost_usd",
    "new_monthly_cost_usd",
    "delta_usd",
    "delta_pct",
    "old_p99_ms",
    "new_p99_ms",
    "delta_p99_ms",
    "old_cross_az_gb_month",
    "new_cross_az_gb_month",
    "old_dropped_share",
    "new_dropped_share",
    "old_p50_ms",
    "new_p50_ms",
    "delta_p50_ms",
    "changed",
];

/// The recommendation: one row per option, eligible ones in rank order, then the excluded ones.
fn recommend(doc: &RecommendDoc<'_>) -> String {
    let rec = doc.rec;
    let mut rows: Vec<Vec<String>> = vec![
        [
            "rank",
            "option",
            "kind",
            "eligible",
            "monthly_cost_usd",
            "p99_ms",
            "dropped_share",
            "missing",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for (i, c) in rec.ranked.iter().enumerate() {
        rows.push(vec![
            (i + 1).to_string(),
            c.option.clone(),
            c.kind.to_string(),
            "true".into(),
            usd(c.monthly_cost_usd),
            super::recommend::p99(c.p99_ms),
            c.dropped_share.normalize().to_string(),
            String::new(),
        ]);
    }
    for x in &rec.excluded {
        rows.push(vec![
            String::new(),
            x.option.clone(),
            x.kind.to_string(),
            "false".into(),
            usd(x.monthly_cost_usd),
            String::new(),
            String::new(),
            x.missing
                .iter()
                .map(|m| m.capability.as_str())
                .collect::<Vec<_>>()
                .join(";"),
        ]);
    }
    csv_text(rows)
}
