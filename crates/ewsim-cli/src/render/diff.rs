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

/// `v` with a sign (`+` for zero and above) and `dp` decimals.
fn signed(v: f64, dp: usize) -> String {
    let s = format!("{v:.dp$}");
    match s.strip_prefix('-') {
        // A change that rounds to zero is shown as `+0.000`, not `-0.000`.
        Some(abs) if abs.chars().all(|c| c == '0' || c == '.') => format!("+{abs}"),
        Some(_) => s,
        None => format!("+{s}"),
    }
}

/// The cells of one row: option, kind, status, then figures as text (`plain`: CSV, no signs, no
/// `%`, empty when absent). CSV appends [`extra_cells`].
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
            if plain {
                format!("{v:.3}")
            } else {
                signed(v, 3)
            }
        })
        .unwrap_or_else(|| none.clone());
    let mut row = vec![
        r.option.clone(),
        r.kind.clone(),
        r.status.as_str().into(),
        money(r.old_cost_usd),
        money(r.new_cost_usd),
        delta_usd,
        pct,
    ];
    if !plain {
        row.extend([
            r.delta_cross_az_gb()
                .map(|v| signed(v, 2))
                .unwrap_or_else(|| none.clone()),
            r.delta_dropped_share()
                .map(|v| format!("{} pp", signed(v * 100.0, 2)))
                .unwrap_or_else(|| none.clone()),
            r.delta_p50_ms()
                .map(|v| signed(v, 3))
                .unwrap_or_else(|| none.clone()),
        ]);
    }
    row.extend([ms(r.old_p99_ms), ms(r.new_p99_ms), delta_ms]);
    if !plain {
        row.push(changed(r, &none));
    }
    row
}

/// The figures that changed, `;`-separated (`cost;dropped`), or `none` when absent.
fn changed(r: &DiffRow, none: &str) -> String {
    if r.changed.is_empty() {
        none.to_string()
    } else {
        r.changed
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(";")
    }
}

/// The CSV columns after [`cells`]: old and new cross-AZ GB, dropped share and p50, the change
/// of p50, and the changed figures.
pub(super) fn extra_cells(r: &DiffRow) -> Vec<String> {
    let f = |side: &Option<ewsim::diff::OptionFigures>,
             get: fn(&ewsim::diff::OptionFigures) -> Option<String>| {
        side.as_ref().and_then(get).unwrap_or_default()
    };
    vec![
        f(&r.old, |o| Some(format!("{:.2}", o.cross_az_gb))),
        f(&r.new, |o| Some(format!("{:.2}", o.cross_az_gb))),
        f(&r.old, |o| Some(format!("{:.6}", o.dropped_share))),
        f(&r.new, |o| Some(format!("{:.6}", o.dropped_share))),
        f(&r.old, |o| o.p50.map(|e| format!("{:.3}", e.ms))),
        f(&r.new, |o| o.p50.map(|e| format!("{:.3}", e.ms))),
        r.delta_p50_ms()
            .map(|v| format!("{v:.3}"))
            .unwrap_or_default(),
        changed(r, ""),
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
pub(super) const HEADER: [&str; 14] = [
    "option",
    "kind",
    "status",
    "old USD",
    "new USD",
    "delta USD",
    "delta %",
    "delta cross-AZ GB",
    "delta dropped",
    "delta p50 ms",
    "old p99 ms",
    "new p99 ms",
    "delta p99 ms",
    "changed",
];

/// The header row and one row of [`cells`] per option (signed deltas, `-` when absent).
pub(super) fn rows(d: &Diff) -> Vec<Vec<String>> {
    let mut rows = vec![HEADER.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    rows.extend(d.rows.iter().map(|r| cells(r, false)));
    rows
}

/// Notes under the table: how the reports' headers differ, the rule for latency changes, no
/// latency on either side.
pub(super) fn notes(doc: &DiffDoc<'_>) -> Vec<String> {
    let d = doc.diff;
    let mut notes: Vec<String> = d
        .header_changes
        .iter()
        .map(|h| format!("note: the reports differ in {h}"))
        .collect();
    if d.rows.is_empty() {
        notes.push("note: no option changed".into());
    }
    let latency = |f: &Figures| f.options.iter().any(|o| o.p99.is_some());
    if !latency(doc.sides[0]) && !latency(doc.sides[1]) {
        notes.push("note: neither report has latency (run without --no-latency)".into());
    } else {
        notes.push(
            "note: a p50 or p99 change counts only when the two runs' sampling intervals do not \
             overlap"
                .into(),
        );
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
