//! Aligned text for a terminal: header with region, price date and conventions, then rows and notes.

use super::{
    ENTRY_HEADER, SPREAD_HEADER, detail_rows, entry_point_rows, latency_line, spread_rows,
    summary_cells, uncertainty_lines,
};
use ewsim::Report;

/// Left-aligns the first `left` columns and right-aligns the rest.
pub fn align(rows: &[Vec<String>], left: usize) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, s)| {
                if c < left {
                    format!("{s:<w$}", w = widths[c])
                } else {
                    format!("{s:>w$}", w = widths[c])
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

pub fn header(r: &Report) -> String {
    let mut h = format!("ewsim: {}\n{}\n", r.cost.scenario, super::prices_line(r));
    if let Some(l) = latency_line(r) {
        h.push_str(&l);
        h.push('\n');
    }
    h
}

pub fn render(r: &Report, detail: bool) -> String {
    let mut out = header(r);
    out.push('\n');
    let mut rows = Vec::new();
    if detail {
        rows.push(
            [
                "option",
                "component",
                "quantity",
                "unit",
                "unit price",
                "cost USD",
            ]
            .map(String::from)
            .to_vec(),
        );
        rows.extend(detail_rows(r, false));
        out.push_str(&align(&rows, 2));
    } else {
        rows.push(
            [
                "option",
                "kind",
                "USD/month",
                "cross-AZ GB",
                "dropped",
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
        rows.extend(summary_cells(r, " *"));
        out.push_str(&align(&rows, 2));
    }
    let spread = uncertainty_lines(r);
    if !detail && !spread.is_empty() {
        out.push('\n');
        out.push_str(&spread.join("\n"));
        out.push('\n');
        let mut rows = vec![SPREAD_HEADER.map(String::from).to_vec()];
        rows.extend(spread_rows(r));
        if r.latency.is_none() {
            for row in &mut rows {
                row.truncate(4);
            }
        }
        out.push_str(&align(&rows, 1));
    }
    let entries = entry_point_rows(r);
    if !detail && !entries.is_empty() {
        out.push_str("\nend-to-end latency per entry point (call graph):\n");
        let mut rows = vec![ENTRY_HEADER.map(String::from).to_vec()];
        rows.extend(entries);
        out.push_str(&align(&rows, 2));
    }
    if r.cost.options.iter().any(|o| o.assumed) {
        out.push_str("\n* figures rest on a stated assumption (assume_cross_az_share), not the routing model\n");
    }
    let notes: Vec<String> = r
        .cost
        .options
        .iter()
        .flat_map(|o| {
            o.cost
                .notes
                .iter()
                .map(move |n| format!("  {}: {n}", o.name))
        })
        .collect();
    if !notes.is_empty() {
        out.push_str("\nnotes:\n");
        out.push_str(&notes.join("\n"));
        out.push('\n');
    }
    out
}
