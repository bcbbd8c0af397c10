//! The comparison of two reports, what every format shares: per option, old and new cost and
//! p99 and their change as cells, the title and the notes. Money is rounded to the cent only
//! here; JSON also carries the exact values.

use super::usd;
use ewsim::diff::{Diff, DiffRow, Figures};
use rust_decimal::Decimal;

/// A comparison to render: the per-option rows, the old and new reports' figures, and where they
/// came from (file names, or "this run" for `--compare-to`).
pub struct DiffDoc<'a> {
    /// The comparison.
    pub diff: &'a Diff,
    /// The old and the new report.
    pub sides: [&'a Figures; 2],
    /// Where the old and the new report came from.
    pub labels: &'a [String; 2],
}

/// Signed money to the cent (`+68.27`, `-157.01`, `+0.00`).
fn signed_usd(v: Decimal) -> String {
    let s = usd(v);
    if s.starts_with('-') {
        s
    } else {
        format!("+{s}")
    }
}

/// The cells of one row: option, kind, status, then figures as text (`plain`: CSV, no signs, no
/// `%`, empty when absent).
pub(super) fn cells(r: &DiffRow, plain: bool) -> Vec<String> {
    let none = if plain { String::new() } else { "-".into() };
    let money = |v: Option<Decimal>| v.map(usd).unwrap_or_else(|| none.clone());
    let ms = |v: Option<f64>| v.map(|v| format!("{v:.3}")).unwrap_or_else(|| none.clone());
    let delta_usd = r
        .delta_usd()
        .map(|v| if plain { usd(v) } else { signed_usd(v) })
        .unwrap_or_else(|| none.clone());
    let pct = match (r.delta_pct(), r.delta_usd()) {
        (Some(p), _) if plain => format!("{:.2}", p.round_dp(2)),
        (Some(p), _) => format!("{}%", signed_pct(p)),
        // From $0 to more than $0 has no finite percentage.
        (None, Some(_)) if !plain => "n/a".into(),
        _ => none.clone(),
    };
    let delta_ms = r
        .delta_p99_ms()
        .map(|v| {
            if plain || v < 0.0 {
                format!("{v:.3}")
            } else {
                format!("+{v:.3}")
            }
        })
        .unwrap_or_else(|| none.clone());
    vec![
        r.option.clone(),
        r.kind.clone(),
        r.status.as_str().into(),
        money(r.old_cost_usd),
        money(r.new_cost_usd),
        delta_usd,
        pct,
        ms(r.old_p99_ms),
        ms(r.new_p99_ms),
        delta_ms,
    ]
}

fn signed_pct(p: Decimal) -> String {
    let s = format!("{:.2}", p.round_dp(2));
    if s.starts_with('-') {
        s
    } else {
        format!("+{s}")
    }
}

/// Header of the table, Markdown and HTML outputs.
pub(super) const HEADER: [&str; 10] = [
    "option",
    "kind",
    "status",
    "old USD",
    "new USD",
    "delta USD",
    "delta %",
    "old p99 ms",
    "new p99 ms",
    "delta p99 ms",
];

/// The header row and one row of [`cells`] per option (signed deltas, `-` when absent).
pub(super) fn rows(d: &Diff) -> Vec<Vec<String>> {
    let mut rows = vec![HEADER.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    rows.extend(d.rows.iter().map(|r| cells(r, false)));
    rows
}

/// Notes under the table: different regions, no latency on either side.
pub(super) fn notes(doc: &DiffDoc<'_>) -> Vec<String> {
    let (d, sides) = (doc.diff, doc.sides);
    let mut notes = Vec::new();
    if sides[0].region != sides[1].region {
        notes.push(format!(
            "note: the reports price different regions ({} -> {})",
            sides[0].region, sides[1].region
        ));
    }
    if d.rows
        .iter()
        .all(|r| r.old_p99_ms.is_none() && r.new_p99_ms.is_none())
    {
        notes.push("note: neither report has latency (run without --no-latency)".into());
    }
    notes
}

/// `ewsim diff: OLD (scenario) -> NEW (scenario)`.
pub(super) fn title(doc: &DiffDoc<'_>) -> String {
    format!(
        "ewsim diff: {} ({}) -> {} ({})",
        doc.labels[0], doc.diff.old_scenario, doc.labels[1], doc.diff.new_scenario
    )
}

/// `out`, then a blank line and one line per note when there are notes (table and Markdown).
pub(super) fn with_notes(mut out: String, notes: &[String]) -> String {
    if !notes.is_empty() {
        out.push('\n');
        for n in notes {
            out.push_str(n);
            out.push('\n');
        }
    }
    out
}
