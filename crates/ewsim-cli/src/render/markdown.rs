//! Markdown for design documents.

use super::{
    ENTRY_HEADER, SPREAD_HEADER, entry_point_rows, latency_line, qty, spread_rows, summary_cells,
    uncertainty_lines, usd,
};
use ewsim::Report;

pub(super) fn table(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        out.push_str(&format!("| {} |\n", r.join(" | ")));
        if i == 0 {
            out.push_str(&format!(
                "|{}\n",
                r.iter().map(|_| "---|").collect::<String>()
            ));
        }
    }
    out
}

pub fn render(r: &Report, detail: bool) -> String {
    let mut out = format!(
        "## ewsim: {}\n\n- Region: {} (prices {}, as of {}, {})\n- Conventions: {}\n\n",
        r.cost.scenario,
        r.cost.region,
        r.cost.price_table,
        r.cost.price_table_as_of,
        r.cost.currency,
        r.cost.conventions()
    );
    if let Some(l) = latency_line(r) {
        out.insert_str(
            out.len() - 1,
            &format!("- {}\n", l.replacen("latency: ", "Latency: ", 1)),
        );
    }
    let mut rows = Vec::new();
    if detail {
        rows.push(
            [
                "Option",
                "Component",
                "Quantity",
                "Unit",
                "Unit price",
                "Cost (USD)",
            ]
            .map(String::from)
            .to_vec(),
        );
        for o in &r.cost.options {
            for i in &o.cost.line_items {
                rows.push(vec![
                    o.name.clone(),
                    i.description.clone(),
                    qty(i.quantity, 4),
                    i.unit.clone(),
                    qty(i.unit_price, 8),
                    usd(i.cost),
                ]);
            }
        }
    } else {
        rows.push(
            [
                "Option",
                "Kind",
                "Monthly cost (USD)",
                "Cross-AZ GB/month",
                "Dropped",
                "p50 ms",
                "p90 ms",
                "p99 ms",
                "p99.9 ms",
            ]
            .map(String::from)
            .to_vec(),
        );
        if r.latency.is_none() {
            rows[0].truncate(5);
        }
        rows.extend(summary_cells(r, " (assumed)"));
    }
    out.push_str(&table(&rows));
    let spread = uncertainty_lines(r);
    if !detail && !spread.is_empty() {
        out.push_str("\n### Ranges (P10 / P50 / P90 over input draws)\n\n");
        for l in &spread {
            out.push_str(&format!("- {}\n", l.trim()));
        }
        out.push('\n');
        let mut rows = vec![SPREAD_HEADER.map(String::from).to_vec()];
        rows.extend(spread_rows(r));
        out.push_str(&table(&rows));
    }
    let entries = entry_point_rows(r);
    if !detail && !entries.is_empty() {
        out.push_str("\n### End-to-end latency per entry point\n\n");
        let mut rows = vec![ENTRY_HEADER.map(String::from).to_vec()];
        rows.extend(entries);
        out.push_str(&table(&rows));
    }
    out
}
