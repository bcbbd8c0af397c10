//! Renderers: one per output format ([`Renderer`], picked by [`Format::renderer`]) over the
//! library's row model, as hyperfine's exporters are. Each format's file writes every document
//! ewsim produces (run report, sweep, diff, recommendation); what the documents share between
//! formats (rows, lines, cells) lives in the document's module (`sweep`, `diff`, `recommend`) and
//! here. No other code matches on the format.

mod csv;
pub mod diff;
pub mod explain;
pub mod gate;
pub mod html;
mod json;
mod json_docs;
mod markdown;
pub mod recommend;
pub mod svg;
pub mod sweep;
mod table;
mod width;

pub use diff::DiffDoc;
pub use recommend::RecommendDoc;
pub use table::align;

use clap::ValueEnum;
use ewsim::Report;
use ewsim::sweep::SweepResult;
use ewsim::units::readable;
use rust_decimal::Decimal;
use std::io::{self, Write};

/// Output formats.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum Format {
    /// Aligned text for a terminal.
    Table,
    /// Comma-separated values with stable columns (see README).
    Csv,
    /// JSON with a `schema_version`.
    Json,
    /// Markdown tables for design documents.
    Markdown,
    /// One self-contained HTML page with inline SVG charts (no network needed to view it).
    Html,
}

impl Format {
    /// The format's name as `--format` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    /// The renderer that writes this format.
    pub fn renderer(self) -> &'static dyn Renderer {
        match self {
            Format::Table => &table::Table,
            Format::Csv => &csv::Csv,
            Format::Json => &json_docs::Json,
            Format::Markdown => &markdown::Markdown,
            Format::Html => &html::Html,
        }
    }

    /// A document rendered by `render` and made inert for where this format is read (see
    /// [`Format::inert`]).
    pub fn render(self, render: impl FnOnce(&dyn Renderer) -> String) -> String {
        self.inert(render(self.renderer()))
    }

    /// `text` safe to print where this format is read: in the text table and Markdown, control
    /// characters from scenario strings (escape sequences that would drive a terminal) are
    /// written as `\x1b`-style escapes. CSV cells are neutralised as they are written
    /// ([`csv_text`]), JSON and HTML escape by their own rules.
    pub fn inert(self, text: String) -> String {
        match self {
            Format::Table | Format::Markdown => escape_controls(text),
            Format::Csv | Format::Json | Format::Html => text,
        }
    }

    /// Writes the run report (see [`Renderer::run`]) to `w`. JSON is streamed edge by edge, so a
    /// report of thousands of edges never sits in memory as one string; the other formats are
    /// rendered whole first.
    pub fn write_run(self, report: &Report, detail: bool, w: &mut dyn Write) -> io::Result<()> {
        match self {
            Format::Json => ewsim::report::json::write(report, w),
            _ => w.write_all(self.render(|r| r.run(report, detail)).as_bytes()),
        }
    }
}

/// Every control character of `text` but the line feed (C0, DEL, C1) written as an escape
/// (`\x1b`, `\u{9b}`), so that output shown on a terminal cannot move the cursor, change colours
/// or rewrite what was printed before. Text without control characters is returned unchanged.
pub fn escape_controls(text: String) -> String {
    if !text.chars().any(|c| c != '\n' && c.is_control()) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\n' => out.push(c),
            c if (c as u32) < 0x80 && c.is_control() => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A CSV cell made inert for spreadsheets, as OWASP recommends against formula injection: a text
/// cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so
/// Excel, LibreOffice and Google Sheets show it as text instead of evaluating it. Numbers
/// (`-12.5`, `1e-3`) are left as they are: they are values, not formulas.
pub fn inert_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_number(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Whether `s` is a plain decimal number: an optional sign, digits with at most one point, and
/// an optional exponent (no `inf`, `NaN` or spaces).
fn is_number(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = mantissa.chars().filter(char::is_ascii_digit).count();
    let mantissa_ok = digits > 0
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.matches('.').count() <= 1;
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// One output format: how it writes each document ewsim produces. Every method returns the whole
/// output (written at once, so `--out` is all or nothing).
pub trait Renderer {
    /// `ewsim run` and `ewsim calc`: the report; `detail` switches from one row per option to one
    /// per line item.
    fn run(&self, report: &Report, detail: bool) -> String;
    /// `ewsim run --by edge`: every option's cost broken down by traffic edge
    /// (docs/reports.md "Cost by traffic edge").
    fn by_edge(&self, report: &Report) -> String;
    /// `ewsim sweep`: the steps, the break-even points (and the charts, where the format draws).
    fn sweep(&self, sweep: &SweepResult) -> String;
    /// `ewsim diff` and `--compare-to`: the per-option change between two reports.
    fn diff(&self, diff: &DiffDoc<'_>) -> String;
    /// `ewsim recommend`: the verdict, the ranked and the excluded options.
    fn recommend(&self, rec: &RecommendDoc<'_>) -> String;
    /// Whether [`Renderer::run`] shows per-edge latency percentiles (then they are simulated).
    fn shows_edge_latency(&self) -> bool {
        false
    }
}

/// Writes rows as CSV into a string (shared by every CSV document), each cell made inert for
/// spreadsheets ([`inert_cell`]).
fn csv_text(rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    for row in rows {
        // Writing to memory cannot fail for lack of space; a failure leaves the row out.
        let _ = w.write_record(row.iter().map(|c| inert_cell(c).into_owned()));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Money to the cent.
fn usd(v: Decimal) -> String {
    format!("{:.2}", ewsim::cost::cents(v))
}

/// A quantity with at most `dp` decimals, trailing zeros removed.
fn qty(v: Decimal, dp: u32) -> String {
    v.round_dp(dp).normalize().to_string()
}

/// Latency percentiles (p50, p90, p99, p99.9 in ms) of option `i`, as text with 3 decimals, or
/// empty strings when latency was not simulated or the option delivers nothing.
fn percentiles(report: &Report, i: usize) -> [String; 4] {
    report.option_latency(i).map(ms4).unwrap_or_default()
}

/// p50, p90, p99 and p99.9 (ms) of one result, as text with 3 decimals.
fn ms4(r: &ewsim::latency::MixtureResult) -> [String; 4] {
    [r.p50_ms, r.p90_ms, r.p99_ms, r.p999_ms].map(|v| format!("{v:.3}"))
}

/// Cost P10 / P50 / P90 (USD, to the cent) and p99 P10 / P50 / P90 (ms) of option `i` over the
/// draws of the scenario's ranges; empty strings without ranges (or latency, for the p99 cells).
fn spread_cells(report: &Report, i: usize) -> [String; 6] {
    let Some(o) = report.uncertainty.as_ref().and_then(|u| u.options.get(i)) else {
        return Default::default();
    };
    let c = &o.cost_usd;
    let [a, b, d] = match &o.p99_ms {
        Some(p) => [p.p10, p.p50, p.p90].map(|v| format!("{v:.3}")),
        None => Default::default(),
    };
    [usd(c.p10), usd(c.p50), usd(c.p90), a, b, d]
}

/// The lines naming the uncertain inputs and the draws, when the scenario has ranges.
fn uncertainty_lines(report: &Report) -> Vec<String> {
    let Some(u) = &report.uncertainty else {
        return Vec::new();
    };
    let mut out = vec![format!(
        "uncertainty: {} draws, seed {}, {}; point figures at the medians, ranges are P10 / P50 / P90",
        u.config.draws,
        u.config.seed,
        match u.config.latency_samples {
            Some(n) => format!("{n} simulated requests per option per draw"),
            None => "latency not simulated".to_string(),
        }
    )];
    for i in &u.inputs {
        out.push(format!(
            "  {} = {} ({} {}, median {})",
            i.path,
            i.text,
            i.dist.as_str(),
            match i.dist {
                ewsim::units::RangeDist::Uniform => "between the ends",
                _ => "with the ends at P5 and P95",
            },
            i.show(i.median()),
        ));
    }
    out
}

/// Rows `option, cost P10, P50, P90, p99 P10, P50, P90` for the uncertainty tables.
fn spread_rows(report: &Report) -> Vec<Vec<String>> {
    report
        .cost
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mut row = vec![o.name.clone()];
            row.extend(spread_cells(report, i));
            row
        })
        .collect()
}

/// Header of [`spread_rows`].
const SPREAD_HEADER: [&str; 7] = [
    "option",
    "cost P10",
    "cost P50",
    "cost P90",
    "p99 ms P10",
    "p99 ms P50",
    "p99 ms P90",
];

/// The line naming the region, the price table, its date and currency, and the billing
/// conventions, which every report states.
pub fn prices_line(report: &Report) -> String {
    format!(
        "region {} | prices {} (as of {}, {}) | {}",
        report.cost.region,
        report.cost.price_table,
        report.cost.price_table_as_of,
        report.cost.currency,
        report.cost.conventions()
    )
}

/// The line naming the latency simulation's size, seed and generator.
fn latency_line(report: &Report) -> Option<String> {
    report.latency.as_ref().map(|l| {
        format!(
            "latency: {} simulated requests per option, seed {}, {}",
            l.samples, l.seed, l.rng
        )
    })
}

/// Summary cells shared by the table and Markdown renderers: option (with `marker` when assumed),
/// kind, cost, cross-AZ GB, dropped %, and p50 / p90 / p99 / p99.9 (ms) when latency was simulated.
fn summary_cells(report: &Report, marker: &str) -> Vec<Vec<String>> {
    report
        .cost
        .summary_rows()
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let mut row = vec![
                format!("{}{}", s.option, if s.assumed { marker } else { "" }),
                s.kind.to_string(),
                usd(s.monthly_cost_usd),
                readable(s.cross_az_gb_month),
                format!("{}%", qty(s.dropped_share * Decimal::from(100), 2)),
            ];
            if report.latency.is_some() {
                row.extend(percentiles(report, i));
            }
            row
        })
        .collect()
}

/// Line-item rows (`option, component, [description,] quantity, unit, unit price, cost`) with a
/// `= total` row closing each option; assumed items are marked ` *`.
fn detail_rows(report: &Report, with_description: bool) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for o in &report.cost.options {
        for i in &o.cost.line_items {
            let mut row = vec![
                o.name.clone(),
                format!("{}{}", i.component, if i.assumed { " *" } else { "" }),
            ];
            if with_description {
                row.push(i.description.clone());
            }
            row.extend([
                qty(i.quantity, 4),
                i.unit.clone(),
                qty(i.unit_price, 8),
                usd(i.cost),
            ]);
            rows.push(row);
        }
        let mut total = vec![o.name.clone(), "= total".into()];
        total.resize(if with_description { 6 } else { 5 }, String::new());
        total.push(usd(o.cost.total));
        rows.push(total);
    }
    rows
}

/// Rows `entry point, option, dropped, p50, p90, p99, p99.9` of the call graph's end-to-end
/// latency. `dropped` is the share of the entry point's requests with a dropped call on the way
/// (the library's `cost::EntryDropped`), so that an option whose percentiles look best because it
/// drops requests says so next to them.
fn entry_point_rows(report: &Report) -> Vec<Vec<String>> {
    let Some(l) = &report.latency else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for ep in &l.entry_points {
        let dropped = report.cost.entry_dropped(&ep.name);
        for (i, (o, r)) in report.cost.options.iter().zip(&ep.options).enumerate() {
            let d = dropped
                .and_then(|d| d.get(i))
                .map_or_else(String::new, |d| pct(*d));
            let mut row = vec![ep.name.clone(), o.name.clone(), d];
            match r {
                Some(r) => row.extend(ms4(r)),
                None => row.extend([
                    "dropped".to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]),
            }
            rows.push(row);
        }
    }
    rows
}

/// Header of [`entry_point_rows`].
const ENTRY_HEADER: [&str; 7] = [
    "entry point",
    "option",
    "dropped",
    "p50 ms",
    "p90 ms",
    "p99 ms",
    "p99.9 ms",
];

/// Which breakdown `--by` asks for.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum By {
    /// One row per option and traffic edge: its volumes and its share of the option's cost.
    Edge,
}

/// The allocation rule in one line, stated above every per-edge table.
const ALLOCATION_LINE: &str = "monthly cost by traffic edge: transfer by the edge's charged GB, \
usage by its requests or GB, capacity units by its share of the busiest dimension, fixed fees by \
its share of GB offered; cents by largest remainder (docs/reports.md)";

/// Header of [`edge_rows`].
const EDGE_HEADER: [&str; 11] = [
    "option",
    "edge",
    "GB/month",
    "cross-AZ GB",
    "dropped",
    "transfer USD",
    "usage USD",
    "capacity USD",
    "fixed USD",
    "USD/month",
    "share",
];

/// A share (0 to 1) as a percentage with at most 2 decimals.
fn pct(v: Decimal) -> String {
    format!("{}%", qty(v * Decimal::ONE_HUNDRED, 2))
}

/// One row per option and traffic edge (option, `from -> to`, GB offered, cross-AZ GB, dropped,
/// cost by basis to the cent, the edge's cost by largest remainder, its share of the option's
/// cost), then a `= total` row per option whose cost is the option's total.
fn edge_rows(report: &Report) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for o in &report.cost.options {
        let total = o.cost.total;
        for (e, c) in o.edges.iter().zip(&o.cost.by_edge) {
            let mut row = vec![
                o.name.clone(),
                e.label(),
                readable(c.gb_month),
                readable(c.cross_az_gb),
                pct(c.dropped_share),
            ];
            row.extend(c.by_basis.iter().map(|v| usd(*v)));
            row.push(usd(c.total_cents));
            row.push(if total.is_zero() {
                "-".into()
            } else {
                pct(c.total / total)
            });
            rows.push(row);
        }
        let mut row = vec![o.name.clone(), "= total".into()];
        row.resize(EDGE_HEADER.len() - 2, String::new());
        row.extend([usd(total), String::new()]);
        rows.push(row);
    }
    rows
}

/// Every note of every option as `option (edge, ...): text`, `option: text` for notes about the
/// whole option; `(all edges)` when a route note holds for each of several edges.
fn note_lines(report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    for o in &report.cost.options {
        for n in o.attributed_notes() {
            let about = match n.edges.len() {
                0 => String::new(),
                k if k == o.edges.len() && k > 1 => " (all edges)".into(),
                _ => format!(
                    " ({})",
                    n.edges
                        .iter()
                        .map(|k| o.edges[*k].label())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            out.push(format!("{}{about}: {}", o.name, n.text));
        }
    }
    out
}
