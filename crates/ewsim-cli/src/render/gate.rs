//! The budget gate's verdict in words (stderr): a line per breach, or the within-budget line.
//! Figures are shown as the gate compares them: cost to the cent, p99 to the microsecond.

use ewsim::gate::{Breach, Budget};
use ewsim::report::Report;

/// One breach: `budget exceeded: option NAME costs $X/month > $Y`, or the p99 equivalent.
pub fn breach(b: &Breach) -> String {
    match b {
        Breach::Cost {
            option,
            cost_usd,
            max_usd,
        } => format!("budget exceeded: option {option} costs ${cost_usd:.2}/month > ${max_usd:.2}"),
        Breach::P99 {
            option,
            p99_ms,
            max_ms,
        } => {
            format!("latency budget exceeded: option {option} p99 {p99_ms:.3} ms > {max_ms:.3} ms")
        }
        Breach::NoLatency { option } => format!(
            "latency budget exceeded: option {option} delivers no request (all dropped), so it has no p99"
        ),
        _ => "budget exceeded".to_string(),
    }
}

/// The line printed when the gated option is within budget.
pub fn within(report: &Report, chosen: usize, budget: &Budget) -> String {
    let o = report.cost.options.get(chosen);
    let name = o.map(|o| o.name.as_str()).unwrap_or("");
    let mut parts = Vec::new();
    if let Some(max) = budget.max_usd {
        let cost = o
            .map(|o| ewsim::cost::cents(o.cost.total))
            .unwrap_or_default();
        parts.push(format!("${cost:.2}/month <= ${max:.2}"));
    }
    if let Some(max) = budget.max_p99_ms
        && let Some(v) = report.option_latency(chosen)
    {
        parts.push(format!("p99 {:.3} ms <= {max:.3} ms", v.p99_ms));
    }
    format!("within budget: option {name}: {}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn breaches_read_as_before() {
        let b = Breach::Cost {
            option: "clusterip".into(),
            cost_usd: Decimal::new(13653, 2),
            max_usd: Decimal::new(13652, 2),
        };
        assert_eq!(
            breach(&b),
            "budget exceeded: option clusterip costs $136.53/month > $136.52"
        );
    }
}
