//! Markdown for design documents.

use super::recommend::{missing_text, ranked_rows, verdict};
use super::{
    DiffDoc, ENTRY_HEADER, RecommendDoc, Renderer, SPREAD_HEADER, entry_point_rows, latency_line,
    qty, spread_rows, summary_cells, uncertainty_lines, usd,
};
use ewsim::Report;
use ewsim::sweep::SweepResult;

/// The Markdown renderer.
pub struct Markdown;

impl Renderer for Markdown {
    fn run(&self, report: &Report, detail: bool) -> String {
        run(report, detail)
    }

    fn by_edge(&self, r: &Report) -> String {
        let mut out = run_header(r);
        out.push_str(&format!("{}.\n\n", cell(super::ALLOCATION_LINE)));
        let mut rows = vec![super::EDGE_HEADER.map(String::from).to_vec()];
        rows.extend(super::edge_rows(r));
        out.push_str(&table_aligned(&rows, 2));
        out.push_str(&notes(r));
        out
    }

    fn sweep(&self, r: &SweepResult) -> String {
        use super::sweep::{break_even_lines, lines, p99_rows, step_rows};
        let l = lines(r);
        let mut out = format!("## {}\n\n", l[0]);
        for x in &l[1..] {
            out.push_str(&format!("- {x}\n"));
        }
        out.push_str("\nMonthly cost (USD) per option:\n\n");
        out.push_str(&table(&step_rows(r)));
        if let Some(rows) = p99_rows(r) {
            out.push_str("\np99 latency (ms) per option:\n\n");
            out.push_str(&table(&rows));
        }
        out.push_str("\nBreak-even points:\n\n");
        for x in break_even_lines(r) {
            out.push_str(&format!("- {x}\n"));
        }
        out
    }

    fn diff(&self, doc: &DiffDoc<'_>) -> String {
        let mut out = format!("## {}\n\n", cell(&super::diff::title(doc)));
        out.push_str(&table_aligned(&super::diff::rows(doc.diff), 3));
        let notes: Vec<String> = super::diff::notes(doc).iter().map(|n| cell(n)).collect();
        super::diff::with_notes(out, &notes)
    }

    fn recommend(&self, doc: &RecommendDoc<'_>) -> String {
        recommend(doc)
    }
}

/// Text made safe for a Markdown table cell or list item: `|` and backslashes escaped with a
/// backslash, line breaks and tabs as spaces, so that no value can end a cell or a row; other
/// control characters are left for [`super::Format::inert`], which writes them as `\x1b`-style
/// escapes.
pub(super) fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Markdown table whose first row is the header, every cell escaped ([`cell`]).
fn table(rows: &[Vec<String>]) -> String {
    table_aligned(rows, usize::MAX)
}

/// [`table`] with the columns from `left` on right-aligned (numbers).
fn table_aligned(rows: &[Vec<String>], left: usize) -> String {
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
        if i == 0 {
            let sep: String = (0..r.len())
                .map(|c| if c < left { "---|" } else { "---:|" })
                .collect();
            out.push_str(&format!("|{sep}\n"));
        }
    }
    out
}

/// The report's notes as a list, each naming its option and edges; empty without notes.
fn notes(r: &Report) -> String {
    let lines = super::note_lines(r);
    if lines.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n### Notes\n\n");
    for l in lines {
        out.push_str(&format!("- {}\n", cell(&l)));
    }
    out
}

/// The run report's title and header list: scenario, region, prices, conventions, latency.
fn run_header(r: &Report) -> String {
    let mut out = format!(
        "## ewsim: {}\n\n- Region: {} (prices {}, as of {}, {})\n- Conventions: {}\n\n",
        cell(&r.cost.scenario),
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
    out
}

/// The run report: header list, summary (or line items), ranges, entry points, notes.
fn run(r: &Report, detail: bool) -> String {
    let mut out = run_header(r);
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
    out.push_str(&notes(r));
    out
}

/// The recommendation: scenario and prices, the requirements and the verdict, the ranked and the
/// excluded options.
fn recommend(doc: &RecommendDoc<'_>) -> String {
    let (report, rec) = (doc.report, doc.rec);
    let mut out = format!(
        "**{}**: region {}, prices as of {}, {}\n\n",
        report.cost.scenario,
        report.cost.region,
        report.cost.price_table_as_of,
        report.cost.conventions()
    );
    if let Some(e) = doc.example {
        out.push_str(&format!(
            "Guide row {} ({}): {}. The guide recommends: {}.\n\n",
            e.row, e.name, e.guide_scenario, e.guide_solution
        ));
    }
    out.push_str(&format!(
        "Requires: {}. {}.\n\n",
        rec.requirements
            .iter()
            .map(|r| format!("`{r}`"))
            .collect::<Vec<_>>()
            .join(", "),
        verdict(rec)
    ));
    let mut header = vec!["Rank", "Option", "Kind", "Monthly cost (USD)"];
    if rec.latency_ranked {
        header.push("p99 (ms)");
    }
    header.push("Dropped");
    out.push_str(&format!("| {} |\n", header.join(" | ")));
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for r in ranked_rows(rec) {
        let cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    if !rec.excluded.is_empty() {
        out.push_str("\n| Excluded | Kind | Monthly cost (USD) | Lacks |\n|---|---|---|---|\n");
        for x in &rec.excluded {
            let m: Vec<String> = x.missing.iter().map(missing_text).collect();
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                cell(&x.option),
                x.kind,
                usd(x.monthly_cost_usd),
                cell(&m.join("; "))
            ));
        }
    }
    out
}
