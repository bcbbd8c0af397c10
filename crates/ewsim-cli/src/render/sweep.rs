//! `ewsim sweep` output, what every format shares: the header lines, the steps (cost and p99 per
//! option), the break-even sentences, and the line charts of a figure against the swept value
//! (the cost chart is also what `--chart` writes).

use super::{svg, usd};
use ewsim::report::OptionFigures;
use ewsim::sweep::SweepResult;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// The swept value in the shown unit, as a number.
pub(super) fn shown(r: &SweepResult, v: Decimal) -> Decimal {
    (v / r.spec.parameter.unit_factor).round_dp(6).normalize()
}

/// The header lines: scenario, prices, latency, what is swept.
pub(super) fn lines(r: &SweepResult) -> Vec<String> {
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
pub(super) fn step_rows(r: &SweepResult) -> Vec<Vec<String>> {
    metric_rows(r, |o| usd(o.cost_usd))
}

/// Rows: swept value, cheapest option, then each option's p99 latency (ms; `-` when the option
/// delivers nothing). `None` when latency was not simulated.
pub(super) fn p99_rows(r: &SweepResult) -> Option<Vec<Vec<String>>> {
    r.latency?;
    Some(metric_rows(r, p99_cell))
}

/// Rows for the text table when one column per option is too wide: the swept value, the option,
/// its monthly cost, its p99 latency (ms; only when simulated, `-` when the option delivers
/// nothing) and `yes` on the step's cheapest option; one row per step and option.
pub(super) fn long_rows(r: &SweepResult) -> Vec<Vec<String>> {
    let mut header = vec![r.spec.parameter.name.clone(), "option".to_string()];
    header.push("USD/month".to_string());
    if r.latency.is_some() {
        header.push("p99 ms".to_string());
    }
    header.push("cheapest".to_string());
    let mut rows = vec![header];
    for st in &r.steps {
        for (i, (o, (name, _))) in st.options.iter().zip(&r.options).enumerate() {
            let mut row = vec![
                r.spec.parameter.show(st.value),
                name.clone(),
                usd(o.cost_usd),
            ];
            if r.latency.is_some() {
                row.push(p99_cell(o));
            }
            row.push(if st.cheapest == Some(i) { "yes" } else { "" }.to_string());
            rows.push(row);
        }
    }
    rows
}

/// An option's p99 at one step (ms, 3 decimals), `-` when it delivers nothing.
fn p99_cell(o: &OptionFigures) -> String {
    o.p99_ms.map_or("-".to_string(), |v| format!("{v:.3}"))
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

/// The break-even sentences, or a line saying there are none.
pub(super) fn break_even_lines(r: &SweepResult) -> Vec<String> {
    if r.break_evens.is_empty() {
        vec!["none: no two options change cost order over the range".to_string()]
    } else {
        r.sentences()
    }
}

/// The line chart of monthly cost per option against the swept value, break-evens marked (one
/// marker per distinct position; several crossings at one place share it).
pub fn chart(r: &SweepResult) -> String {
    line(r, "Monthly cost", "Monthly cost (USD)", true, |o| {
        o.cost_usd.to_f64()
    })
}

/// A line chart of one figure per option against the swept value.
pub(super) fn line(
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
