//! Aligned text for a terminal: header with region, price date and conventions, then rows and notes.

use super::recommend::{missing_text, ranked_rows, verdict};
use super::{
    DiffDoc, ENTRY_HEADER, RecommendDoc, Renderer, SPREAD_HEADER, detail_rows, entry_point_rows,
    latency_line, spread_rows, summary_cells, uncertainty_lines, usd,
};
use ewsim::Report;
use ewsim::sweep::SweepResult;

/// The terminal-table renderer (the default format).
pub struct Table;

impl Renderer for Table {
    fn run(&self, report: &Report, detail: bool) -> String {
        run(report, detail)
    }

    fn by_edge(&self, r: &Report) -> String {
        let mut out = header(r);
        out.push_str(&format!("\n{}\n", super::ALLOCATION_LINE));
        let mut rows = vec![super::EDGE_HEADER.map(String::from).to_vec()];
        rows.extend(super::edge_rows(r));
        out.push_str(&align(&rows, 2));
        out.push_str(&notes_block(r));
        out
    }

    fn sweep(&self, r: &SweepResult) -> String {
        use super::sweep::{break_even_lines, lines, long_rows, p99_rows, step_rows};
        let mut out = lines(r).join("\n");
        let shown = |rows: Vec<Vec<String>>| align(&rows, 2);
        let cost = shown(step_rows(r));
        let p99 = p99_rows(r).map(shown);
        let width = super::width::output_width();
        let too_wide = |t: &str| t.lines().any(|l| l.chars().count() > width);
        if too_wide(&cost) || p99.as_deref().is_some_and(too_wide) {
            out.push_str(&format!(
                "\n\nper step and option (one column per option would exceed {width} columns)\n"
            ));
            out.push_str(&align(&long_rows(r), 2));
        } else {
            out.push_str("\n\nmonthly cost (USD) per option\n");
            out.push_str(&cost);
            if let Some(p99) = p99 {
                out.push_str("\np99 latency (ms) per option\n");
                out.push_str(&p99);
            }
        }
        out.push_str("\nbreak-even points:\n");
        for l in break_even_lines(r) {
            out.push_str(&format!("  {l}\n"));
        }
        out
    }

    fn diff(&self, doc: &DiffDoc<'_>) -> String {
        let out = format!(
            "{}\n\n{}",
            super::diff::title(doc),
            align(&super::diff::rows(doc.diff), 3)
        );
        super::diff::with_notes(out, &super::diff::notes(doc))
    }

    fn recommend(&self, doc: &RecommendDoc<'_>) -> String {
        recommend(doc)
    }
}

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

/// The header lines of a report: scenario, prices and conventions, latency.
fn header(r: &Report) -> String {
    let mut h = format!("ewsim: {}\n{}\n", r.cost.scenario, super::prices_line(r));
    if let Some(l) = latency_line(r) {
        h.push_str(&l);
        h.push('\n');
    }
    h
}

/// The run report: summary (or line items), ranges, entry points, notes.
fn run(r: &Report, detail: bool) -> String {
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
    out.push_str(&notes_block(r));
    out
}

/// The report's notes, each naming its option and edges, under a `notes:` line; empty without
/// notes.
fn notes_block(r: &Report) -> String {
    let notes = super::note_lines(r);
    if notes.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nnotes:\n");
    for n in notes {
        out.push_str(&format!("  {n}\n"));
    }
    out
}

/// The recommendation: the report's header, the requirements and ranking rule, the verdict, the
/// ranked options with their conditions, and the excluded ones with what they lack.
fn recommend(doc: &RecommendDoc<'_>) -> String {
    let (report, rec) = (doc.report, doc.rec);
    let mut out = header(report);
    if let Some(e) = doc.example {
        out.push_str(&format!(
            "example {} (guide row {}): {}\n  guide recommends: {}\n",
            e.name, e.row, e.guide_scenario, e.guide_solution
        ));
    }
    out.push_str(&format!("requires: {}\n", rec.requirements.join(", ")));
    out.push_str(&format!(
        "ranking: delivered requests first, then monthly cost to the cent{}, then scenario order\n\n",
        if rec.latency_ranked { ", then p99" } else { "" }
    ));
    out.push_str(&verdict(rec));
    out.push_str("\n\n");
    if !rec.ranked.is_empty() {
        let mut header = vec!["rank", "option", "kind", "USD/month"];
        if rec.latency_ranked {
            header.push("p99 ms");
        }
        header.push("dropped");
        let mut rows = vec![header.into_iter().map(String::from).collect()];
        rows.extend(ranked_rows(rec));
        out.push_str(&align(&rows, 3));
        let conds: Vec<String> = rec
            .ranked
            .iter()
            .flat_map(|c| {
                c.conditions
                    .iter()
                    .map(move |(cap, n)| format!("  {} {cap}: {n}", c.option))
            })
            .collect();
        if !conds.is_empty() {
            out.push_str("\nconditions:\n");
            out.push_str(&conds.join("\n"));
            out.push('\n');
        }
    }
    if !rec.excluded.is_empty() {
        out.push_str("\nexcluded:\n");
        for x in &rec.excluded {
            let m: Vec<String> = x.missing.iter().map(missing_text).collect();
            out.push_str(&format!(
                "  {} ({}, ${}): lacks {}\n",
                x.option,
                x.kind,
                usd(x.monthly_cost_usd),
                m.join("; ")
            ));
        }
    }
    out
}
