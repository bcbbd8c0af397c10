//! The comparison of two reports in every format: per option, old and new cost and p99 and their
//! change. Money is rounded to the cent only here; JSON also carries the exact values.

use super::usd;
use crate::Format;
use ewsim::diff::{Diff, DiffRow, Figures};
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// CSV columns, in order (README "Compare two reports").
pub const COLUMNS: &[&str] = &[
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
];

/// Version of the diff JSON layout (`diff_schema_version`), distinct from the report's
/// `schema_version` so a diff is never mistaken for a report.
pub const DIFF_SCHEMA_VERSION: u32 = 1;

/// Renders a comparison; `sides` are the old and new reports, `labels` where they came from.
pub fn render(d: &Diff, format: Format, sides: [&Figures; 2], labels: &[String; 2]) -> String {
    match format {
        Format::Json => json(d, sides, labels),
        Format::Csv => csv(d),
        Format::Table | Format::Markdown | Format::Html => text(d, format, sides, labels),
    }
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
fn cells(r: &DiffRow, plain: bool) -> Vec<String> {
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

const HEADER: [&str; 10] = [
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

fn text(d: &Diff, format: Format, sides: [&Figures; 2], labels: &[String; 2]) -> String {
    let mut rows = vec![HEADER.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    rows.extend(d.rows.iter().map(|r| cells(r, false)));
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
    let title = format!(
        "ewsim diff: {} ({}) -> {} ({})",
        labels[0], d.old_scenario, labels[1], d.new_scenario
    );
    if format == Format::Html {
        let esc = super::svg::esc;
        let mut body = format!("<header>\n<h1>{}</h1>\n</header>\n<section>\n", esc(&title));
        body.push_str(&super::html::table(&HEADER, &rows[1..], 3, "summary"));
        for n in &notes {
            body.push_str(&format!("<p>{}</p>\n", esc(n)));
        }
        body.push_str("</section>");
        return super::html::document(&title, &[body]);
    }
    let mut out = if format == Format::Markdown {
        let mut out = format!("## {title}\n\n");
        for (i, r) in rows.iter().enumerate() {
            out.push_str(&format!("| {} |\n", r.join(" | ")));
            if i == 0 {
                out.push_str("|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
            }
        }
        out
    } else {
        format!("{title}\n\n{}", super::table::align(&rows, 3))
    };
    if !notes.is_empty() {
        out.push('\n');
        for n in notes {
            out.push_str(&n);
            out.push('\n');
        }
    }
    out
}

fn csv(d: &Diff) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(COLUMNS);
    for r in &d.rows {
        let _ = w.write_record(cells(r, true));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Money to the cent as a JSON number (null when absent); exact values travel as strings.
fn cents_num(v: Option<Decimal>) -> Value {
    v.and_then(|v| usd(v).parse::<f64>().ok())
        .map(Value::from)
        .unwrap_or(Value::Null)
}

fn exact(v: Option<Decimal>) -> Value {
    v.map(|v| Value::from(v.to_string())).unwrap_or(Value::Null)
}

fn json(d: &Diff, sides: [&Figures; 2], labels: &[String; 2]) -> String {
    let side = |f: &Figures, label: &str| json!({"source": label, "scenario": f.scenario, "region": f.region});
    let doc = json!({
        "diff_schema_version": DIFF_SCHEMA_VERSION,
        "old": side(sides[0], &labels[0]),
        "new": side(sides[1], &labels[1]),
        "options": d.rows.iter().map(|r| json!({
            "option": r.option,
            "kind": r.kind,
            "status": r.status.as_str(),
            "old_monthly_cost_usd": cents_num(r.old_cost_usd),
            "new_monthly_cost_usd": cents_num(r.new_cost_usd),
            "delta_usd": cents_num(r.delta_usd()),
            "old_monthly_cost_usd_exact": exact(r.old_cost_usd),
            "new_monthly_cost_usd_exact": exact(r.new_cost_usd),
            "delta_usd_exact": exact(r.delta_usd()),
            "delta_pct": r.delta_pct().and_then(|p| format!("{:.2}", p.round_dp(2)).parse::<f64>().ok()),
            "old_p99_ms": r.old_p99_ms,
            "new_p99_ms": r.new_p99_ms,
            "delta_p99_ms": r.delta_p99_ms(),
        })).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
