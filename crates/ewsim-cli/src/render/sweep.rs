//! `ewsim sweep` output: the steps (cost and latency per option), the break-even points, and a
//! line chart of monthly cost against the swept value, in every format `run` has.

use super::{html, markdown, qty, svg, table, usd};
use crate::Format;
use ewsim::report::OptionFigures;
use ewsim::sweep::SweepResult;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Value, json};

/// Renders a sweep in a format.
pub fn render(r: &SweepResult, format: Format) -> String {
    match format {
        Format::Table => text(r),
        Format::Markdown => markdown_page(r),
        Format::Csv => csv(r),
        Format::Json => json_doc(r),
        Format::Html => html_page(r),
    }
}

/// CSV columns, one row per step and option (tidy, for pivot tables).
pub const CSV_COLUMNS: [&str; 12] = [
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

/// The swept value in the shown unit, as a number.
fn shown(r: &SweepResult, v: Decimal) -> Decimal {
    (v / r.spec.parameter.unit_factor).round_dp(6).normalize()
}

fn lines(r: &SweepResult) -> Vec<String> {
    let f = &r.first;
    let p = &r.spec.parameter;
    let mut out = vec![
        format!("ewsim sweep: {}", f.cost.scenario),
        super::prices_line(f),
    ];
    out.push(match r.latency {
        Some((samples, seed)) => format!(
            "latency: {samples} simulated requests per option per step, seed {seed}, {}",
            ewsim::latency::RNG_NAME
        ),
        None => "latency: not simulated (--no-latency)".to_string(),
    });
    let paths: Vec<&str> = p.targets.iter().map(|(t, _)| t.as_str()).collect();
    out.push(format!(
        "swept: {} ({}) from {} to {}, {} {} steps",
        p.name,
        paths.join(", "),
        p.show(r.spec.from),
        p.show(r.spec.to),
        r.steps.len(),
        match r.spec.scale {
            ewsim::sweep::Scale::Linear => "linear",
            ewsim::sweep::Scale::Log => "log",
        }
    ));
    out
}

/// Rows: swept value, cheapest option, then each option's monthly cost.
fn step_rows(r: &SweepResult) -> Vec<Vec<String>> {
    metric_rows(r, |o| usd(o.cost_usd))
}

/// Rows: swept value, cheapest option, then each option's p99 latency (ms; `-` when the option
/// delivers nothing). `None` when latency was not simulated.
fn p99_rows(r: &SweepResult) -> Option<Vec<Vec<String>>> {
    r.latency?;
    Some(metric_rows(r, |o| {
        o.p99_ms.map_or("-".to_string(), |v| format!("{v:.3}"))
    }))
}

fn metric_rows(r: &SweepResult, cell: impl Fn(&OptionFigures) -> String) -> Vec<Vec<String>> {
    let mut header = vec![r.spec.parameter.name.clone(), "cheapest".to_string()];
    header.extend(r.options.iter().map(|(n, _)| n.clone()));
    let mut rows = vec![header];
    for st in &r.steps {
        let mut row = vec![
            r.spec.parameter.show(st.value),
            st.cheapest
                .map_or("-".to_string(), |i| r.options[i].0.clone()),
        ];
        row.extend(st.options.iter().map(&cell));
        rows.push(row);
    }
    rows
}

fn break_even_lines(r: &SweepResult) -> Vec<String> {
    if r.break_evens.is_empty() {
        vec!["none: no two options change cost order over the range".to_string()]
    } else {
        r.sentences()
    }
}

fn text(r: &SweepResult) -> String {
    let mut out = lines(r).join("\n");
    out.push_str("\n\nmonthly cost (USD) per option\n");
    out.push_str(&table::align(&step_rows(r), 2));
    if let Some(rows) = p99_rows(r) {
        out.push_str("\np99 latency (ms) per option\n");
        out.push_str(&table::align(&rows, 2));
    }
    out.push_str("\nbreak-even points:\n");
    for l in break_even_lines(r) {
        out.push_str(&format!("  {l}\n"));
    }
    out
}

fn markdown_page(r: &SweepResult) -> String {
    let l = lines(r);
    let mut out = format!("## {}\n\n", l[0]);
    for x in &l[1..] {
        out.push_str(&format!("- {x}\n"));
    }
    out.push_str("\nMonthly cost (USD) per option:\n\n");
    out.push_str(&markdown::table(&step_rows(r)));
    if let Some(rows) = p99_rows(r) {
        out.push_str("\np99 latency (ms) per option:\n\n");
        out.push_str(&markdown::table(&rows));
    }
    out.push_str("\nBreak-even points:\n\n");
    for x in break_even_lines(r) {
        out.push_str(&format!("- {x}\n"));
    }
    out
}

fn opt_ms(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.3}")).unwrap_or_default()
}

fn csv(r: &SweepResult) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut rows: Vec<Vec<String>> = vec![CSV_COLUMNS.iter().map(|c| c.to_string()).collect()];
    for st in &r.steps {
        for (i, (o, (name, kind))) in st.options.iter().zip(&r.options).enumerate() {
            rows.push(vec![
                r.spec.parameter.name.clone(),
                shown(r, st.value).to_string(),
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
    for row in rows {
        // Writing to memory cannot fail.
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn json_doc(r: &SweepResult) -> String {
    let f = &r.first;
    let p = &r.spec.parameter;
    let steps: Vec<Value> = r
        .steps
        .iter()
        .map(|st| {
            json!({
                "value": shown(r, st.value).to_f64(),
                "value_canonical": st.value.to_string(),
                "cheapest": st.cheapest.map(|i| r.options[i].0.clone()),
                "options": st.options.iter().zip(&r.options).map(|(o, (name, kind))| json!({
                    "name": name,
                    "kind": kind,
                    "monthly_cost_usd": usd(o.cost_usd).parse::<f64>().ok(),
                    "monthly_cost_usd_exact": o.cost_usd.to_string(),
                    "cross_az_gb_month": o.cross_az_gb.to_f64(),
                    "dropped_share": o.dropped_share.to_f64(),
                    "p50_ms": o.p50_ms,
                    "p99_ms": o.p99_ms,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let sentences = r.sentences();
    let breaks: Vec<Value> = r
        .break_evens
        .iter()
        .zip(&sentences)
        .map(|(b, s)| {
            json!({
                "at": shown(r, b.at).to_f64(),
                "at_canonical": b.at.to_string(),
                "cheaper_below": b.cheaper_below,
                "cheaper_above": b.cheaper_above,
                "monthly_cost_usd_exact": b.cost_usd.to_string(),
                "below_monthly_cost_usd_exact": b.other_cost_usd.to_string(),
                "cheapest_changes": b.cheapest_changes,
                "text": s,
            })
        })
        .collect();
    let doc = json!({
        "schema_version": ewsim::report::SCHEMA_VERSION,
        "kind": "sweep",
        "scenario": f.cost.scenario,
        "region": f.cost.region,
        "price_table": f.cost.price_table,
        "price_table_as_of": f.cost.price_table_as_of,
        "currency": f.cost.currency,
        "conventions": f.cost.conventions(),
        "parameter": {
            "name": p.name,
            "unit": p.unit,
            "canonical_unit": p.kind.unit(),
            "paths": p.targets.iter().map(|(t, w)| json!({"path": t, "share": w.to_string()})).collect::<Vec<_>>(),
        },
        "scale": match r.spec.scale { ewsim::sweep::Scale::Linear => "linear", ewsim::sweep::Scale::Log => "log" },
        "latency": r.latency.map(|(samples, seed)| json!({"samples_per_step": samples, "seed": seed, "rng": ewsim::latency::RNG_NAME})),
        "steps": steps,
        "break_evens": breaks,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The line chart of monthly cost per option against the swept value, break-evens marked (one
/// marker per distinct position; several crossings at one place share it).
pub fn chart(r: &SweepResult) -> String {
    line(r, "Monthly cost", "Monthly cost (USD)", true, |o| {
        o.cost_usd.to_f64()
    })
}

/// A line chart of one figure per option against the swept value.
fn line(
    r: &SweepResult,
    what: &str,
    y_label: &str,
    mark_break_evens: bool,
    value: impl Fn(&OptionFigures) -> Option<f64>,
) -> String {
    let xs: Vec<f64> = r
        .steps
        .iter()
        .map(|s| shown(r, s.value).to_f64().unwrap_or(f64::NAN))
        .collect();
    let series = r
        .options
        .iter()
        .enumerate()
        .map(|(i, (name, _))| svg::Series {
            name: name.clone(),
            points: xs
                .iter()
                .zip(&r.steps)
                .map(|(x, s)| (*x, value(&s.options[i]).unwrap_or(f64::NAN)))
                .collect(),
        })
        .collect();
    let span = (xs.iter().copied().fold(f64::MIN, f64::max)
        - xs.iter().copied().fold(f64::MAX, f64::min))
    .abs();
    let mut markers: Vec<svg::Marker> = Vec::new();
    let mut shared = 0usize;
    for b in r.break_evens.iter().filter(|_| mark_break_evens) {
        let x = shown(r, b.at).to_f64().unwrap_or(f64::NAN);
        match markers.last_mut() {
            Some(m) if (m.x - x).abs() <= span * 0.01 => {
                shared += 1;
                m.label = format!(
                    "{} break-evens near {}",
                    shared + 1,
                    r.spec.parameter.show(b.at)
                );
            }
            _ => {
                shared = 0;
                markers.push(svg::Marker {
                    x,
                    label: format!("{} < {}", b.cheaper_above, b.cheaper_below),
                });
            }
        }
    }
    let p = &r.spec.parameter;
    svg::line_chart(&svg::LineChart {
        title: format!("{what} per option against {}", p.name),
        x_label: if p.unit.is_empty() {
            p.name.clone()
        } else {
            format!("{} ({})", p.name, p.unit)
        },
        y_label: y_label.to_string(),
        log_x: r.spec.scale == ewsim::sweep::Scale::Log,
        series,
        markers,
    })
}

fn html_page(r: &SweepResult) -> String {
    let l = lines(r);
    let esc = svg::esc;
    let mut header = format!("<header>\n<h1>{}</h1>\n<ul class=\"notes\">\n", esc(&l[0]));
    for x in &l[1..] {
        header.push_str(&format!("<li>{}</li>\n", esc(x)));
    }
    header.push_str("</ul>\n</header>");
    let breaks: String = break_even_lines(r)
        .iter()
        .map(|x| format!("<li>{}</li>\n", esc(x)))
        .collect();
    let mut sections = vec![
        header,
        format!(
            "<section id=\"sweep\">\n<h2>Monthly cost against {}</h2>\n<figure>\n{}\n<figcaption>\
             One line per option; dashed lines mark break-even points.</figcaption>\n</figure>\n</section>",
            esc(&r.spec.parameter.name),
            chart(r)
        ),
        format!(
            "<section id=\"break-evens\">\n<h2>Break-even points</h2>\n<ul>\n{breaks}</ul>\n</section>"
        ),
        format!(
            "<section id=\"steps\">\n<h2>Monthly cost (USD) per step</h2>\n{}\n</section>",
            rows_table(&step_rows(r))
        ),
    ];
    if let Some(rows) = p99_rows(r) {
        sections.push(format!(
            "<section id=\"p99\">\n<h2>p99 latency against {}</h2>\n<figure>\n{}\n</figure>\n{}\n</section>",
            esc(&r.spec.parameter.name),
            line(r, "p99 latency", "p99 latency (ms)", false, |o| o.p99_ms),
            rows_table(&rows)
        ));
    }
    html::document(&l[0], &sections)
}

/// A table whose first row is its header.
fn rows_table(rows: &[Vec<String>]) -> String {
    let header: Vec<&str> = rows[0].iter().map(String::as_str).collect();
    html::table(&header, &rows[1..], 2, "summary")
}
