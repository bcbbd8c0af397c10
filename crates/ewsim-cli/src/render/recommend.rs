//! `ewsim recommend` output, what every format shares: the verdict, the ranked rows, what an
//! excluded option lacks; and `--list` (capabilities and example requirement sets).

use super::usd;
use ewsim::recommend::{CapabilityTable, GuideExample, Recommendation};
use rust_decimal::Decimal;

/// A recommendation to render: the report it ranks, the capability table (sources of what is
/// missing), the recommendation, and the guide example whose requirements were used, if any.
pub struct RecommendDoc<'a> {
    /// The evaluated report (region, prices, conventions, latency settings).
    pub report: &'a ewsim::Report,
    /// The capability table the requirements were checked against.
    pub capabilities: &'a CapabilityTable,
    /// The ranked and excluded options.
    pub rec: &'a Recommendation,
    /// The `--example` used, if any.
    pub example: Option<&'a GuideExample>,
}

/// A share as a percentage with at most 2 decimals.
fn pct(v: Decimal) -> String {
    format!("{}%", (v * Decimal::from(100)).round_dp(2).normalize())
}

/// A p99 in ms with 3 decimals, empty when absent.
pub(super) fn p99(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.3}")).unwrap_or_default()
}

/// `--list`: capabilities with their meaning, then the example requirement sets.
pub fn list(table: &CapabilityTable, examples: &[GuideExample]) -> String {
    let mut rows = vec![vec!["capability".to_string(), "meaning".to_string()]];
    rows.extend(
        table
            .capabilities
            .iter()
            .map(|c| vec![c.name.clone(), c.description.clone()]),
    );
    let mut out = format!(
        "capabilities (capabilities/options.yaml, as of {}):\n",
        table.as_of
    );
    out.push_str(&super::align(&rows, 2));
    out.push_str("\nexamples (the reference guide's scenario matrix, --example NAME):\n");
    let mut rows = vec![vec![
        "name".to_string(),
        "row".to_string(),
        "requires".to_string(),
        "guide scenario".to_string(),
    ]];
    rows.extend(examples.iter().map(|e| {
        vec![
            e.name.clone(),
            e.row.to_string(),
            e.require.join(","),
            e.guide_scenario.clone(),
        ]
    }));
    out.push_str(&super::align(&rows, 4));
    out
}

/// Lines naming the answer, for the table and Markdown outputs.
pub(super) fn verdict(rec: &Recommendation) -> String {
    match (rec.best(), rec.ranked.first()) {
        (Some(b), _) => {
            let lat = b
                .p99_ms
                .map(|p| format!(", p99 {p:.3} ms"))
                .unwrap_or_default();
            format!(
                "recommended: {} ({}, ${}/month{lat})",
                b.option,
                b.kind,
                usd(b.monthly_cost_usd)
            )
        }
        (None, Some(_)) => "recommended: none: every option that meets the requirements drops requests in this scenario".into(),
        (None, None) => "recommended: none: no option in this scenario meets every requirement".into(),
    }
}

/// Rows `rank, option (* when assumed), kind, cost, [p99,] dropped` of the eligible options.
pub(super) fn ranked_rows(rec: &Recommendation) -> Vec<Vec<String>> {
    rec.ranked
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut row = vec![
                (i + 1).to_string(),
                format!("{}{}", c.option, if c.assumed { "*" } else { "" }),
                c.kind.to_string(),
                usd(c.monthly_cost_usd),
            ];
            if rec.latency_ranked {
                row.push(p99(c.p99_ms));
            }
            row.push(pct(c.dropped_share));
            row
        })
        .collect()
}

/// A missing capability, with its note when there is one.
pub(super) fn missing_text(m: &ewsim::recommend::Missing) -> String {
    match &m.note {
        Some(n) => format!("{} ({n})", m.capability),
        None => m.capability.clone(),
    }
}

/// The capability matrix as a Markdown table: one row per capability, one column per kind;
/// `yes`, `-`, or the setting that provides it (`` `waypoint: true` ``). The README embeds it.
pub fn matrix_markdown(table: &CapabilityTable) -> String {
    let kinds: Vec<&str> = ewsim::scenario::kinds::names()
        .into_iter()
        .filter(|k| table.kinds.contains_key(*k))
        .collect();
    let mut out = format!("| Capability | Meaning | {} |\n", kinds.join(" | "));
    out.push_str(&format!("|---|---|{}\n", "---|".repeat(kinds.len())));
    for c in &table.capabilities {
        let cells: Vec<String> = kinds
            .iter()
            .map(|k| {
                let Some(kc) = table.kinds.get(*k) else {
                    return String::new();
                };
                if kc.values.get(&c.name).is_some_and(|v| v.value) {
                    return "yes".into();
                }
                let with: Vec<String> = kc
                    .overrides
                    .iter()
                    .filter(|o| o.set.get(&c.name).is_some_and(|v| v.value))
                    .map(|o| format!("`{}`", ewsim::recommend::when_label(&o.when)))
                    .collect();
                if with.is_empty() {
                    "-".into()
                } else {
                    with.join(" or ")
                }
            })
            .collect();
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            c.name,
            c.description,
            cells.join(" | ")
        ));
    }
    out
}

#[cfg(test)]
mod matrix_tests {
    use super::*;

    /// The README's capability matrix is the one the data generates (regenerate with
    /// `matrix_markdown` when capabilities/options.yaml changes).
    #[test]
    fn readme_capability_matrix_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
        let readme = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let begin = "<!-- capability-matrix:begin -->\n";
        let end = "<!-- capability-matrix:end -->";
        let start = readme.find(begin).map(|i| i + begin.len()).unwrap_or(0);
        let stop = readme.find(end).unwrap_or(0);
        let want = matrix_markdown(&CapabilityTable::builtin().unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(
            &readme[start..stop],
            want,
            "README capability matrix is stale; replace it with:\n{want}"
        );
        let row = want
            .lines()
            .find(|l| l.starts_with("| `l7-routing`"))
            .unwrap_or_default();
        assert!(row.contains("`waypoint: true`"), "{row}");
    }
}
