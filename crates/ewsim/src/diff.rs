//! Comparison of two reports: per option, the change in monthly cost and in p99 latency.
//!
//! Pure: reports come in as [`Figures`], either taken from an evaluated [`Report`] or parsed from
//! the text of a saved JSON report ([`parse_json_report`], through the same typed document the
//! CLI writes, [`crate::report::json::Document`]). Reading the file is left to the caller.
//! Money stays `Decimal`: the JSON's exact `monthly_cost_usd_exact` strings are parsed, never the
//! rounded float.

use crate::error::InputError;
use crate::report::{Report, json};
use rust_decimal::Decimal;

/// The figures of one report that a comparison needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Scenario name.
    pub scenario: String,
    /// Pricing region.
    pub region: String,
    /// Options in report order.
    pub options: Vec<OptionFigures>,
}

/// One option's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionFigures {
    /// Option name (the key options are matched by).
    pub name: String,
    /// Option kind.
    pub kind: String,
    /// Exact monthly cost (USD).
    pub cost_usd: Decimal,
    /// p99 latency (ms), when simulated and something was delivered.
    pub p99_ms: Option<f64>,
}

impl Figures {
    /// The figures of an evaluated report (with latency when it was simulated).
    pub fn from_report(r: &Report) -> Figures {
        Figures {
            scenario: r.cost.scenario.clone(),
            region: r.cost.region.clone(),
            options: r
                .cost
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| OptionFigures {
                    name: o.name.clone(),
                    kind: o.kind.to_string(),
                    cost_usd: o.cost.total,
                    p99_ms: r.option_latency(i).map(|x| x.p99_ms),
                })
                .collect(),
        }
    }
}

/// Whether an option is in both reports or only one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// In both reports, with a different cost or p99.
    Both,
    /// In both reports with the same cost (exactly) and p99.
    Unchanged,
    /// Only in the new report.
    Added,
    /// Only in the old report.
    Removed,
}

impl Status {
    /// The spelling used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Both => "changed",
            Status::Unchanged => "unchanged",
            Status::Added => "added",
            Status::Removed => "removed",
        }
    }
}

/// One option's comparison; figures of a side the option is missing from are `None`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DiffRow {
    /// Option name.
    pub option: String,
    /// Option kind (the new report's when in both).
    pub kind: String,
    /// In both reports, or only one.
    pub status: Status,
    /// Old monthly cost (USD, exact).
    pub old_cost_usd: Option<Decimal>,
    /// New monthly cost (USD, exact).
    pub new_cost_usd: Option<Decimal>,
    /// Old p99 (ms).
    pub old_p99_ms: Option<f64>,
    /// New p99 (ms).
    pub new_p99_ms: Option<f64>,
}

impl DiffRow {
    /// New minus old cost (exact), when the option is in both reports.
    pub fn delta_usd(&self) -> Option<Decimal> {
        Some(self.new_cost_usd? - self.old_cost_usd?)
    }

    /// Cost change in percent of the old cost: 0 from $0 to $0; `None` from $0 to more (no
    /// finite percentage) or when the option is in one report only.
    pub fn delta_pct(&self) -> Option<Decimal> {
        let old = self.old_cost_usd?;
        let delta = self.delta_usd()?;
        if old.is_zero() {
            return delta.is_zero().then_some(Decimal::ZERO);
        }
        Some(delta * Decimal::ONE_HUNDRED / old)
    }

    /// New minus old p99 (ms), when both sides have one.
    pub fn delta_p99_ms(&self) -> Option<f64> {
        Some(self.new_p99_ms? - self.old_p99_ms?)
    }
}

/// A comparison of two reports.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Diff {
    /// Old report's scenario name.
    pub old_scenario: String,
    /// New report's scenario name.
    pub new_scenario: String,
    /// Rows in the new report's option order, then the options only in the old report in its order.
    pub rows: Vec<DiffRow>,
}

/// Compares two reports, matching options by name.
pub fn compare(old: &Figures, new: &Figures) -> Diff {
    let mut rows: Vec<DiffRow> = new
        .options
        .iter()
        .map(|n| {
            let o = old.options.iter().find(|o| o.name == n.name);
            DiffRow {
                option: n.name.clone(),
                kind: n.kind.clone(),
                status: match o {
                    Some(o) if o.cost_usd == n.cost_usd && o.p99_ms == n.p99_ms => {
                        Status::Unchanged
                    }
                    Some(_) => Status::Both,
                    None => Status::Added,
                },
                old_cost_usd: o.map(|o| o.cost_usd),
                new_cost_usd: Some(n.cost_usd),
                old_p99_ms: o.and_then(|o| o.p99_ms),
                new_p99_ms: n.p99_ms,
            }
        })
        .collect();
    rows.extend(
        old.options
            .iter()
            .filter(|o| !new.options.iter().any(|n| n.name == o.name))
            .map(|o| DiffRow {
                option: o.name.clone(),
                kind: o.kind.clone(),
                status: Status::Removed,
                old_cost_usd: Some(o.cost_usd),
                new_cost_usd: None,
                old_p99_ms: o.p99_ms,
                new_p99_ms: None,
            }),
    );
    Diff {
        old_scenario: old.scenario.clone(),
        new_scenario: new.scenario.clone(),
        rows,
    }
}

/// Parses the text of a JSON report written by `ewsim run --format json` ([`json::parse`]).
/// `file` names the source in errors: malformed JSON is reported at its line and column, a report
/// of another `schema_version` (or something that is not an ewsim report) by what is wrong.
pub fn parse_json_report(text: &str, file: &str) -> Result<Figures, InputError> {
    let doc = json::parse(text, file)?;
    Ok(Figures {
        scenario: doc.scenario,
        region: doc.region,
        options: doc
            .options
            .iter()
            .map(|o| OptionFigures {
                name: o.name.clone(),
                kind: o.kind.clone(),
                cost_usd: o.exact_cost().unwrap_or_default(),
                p99_ms: o.latency.as_ref().map(|l| l.p99_ms),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn opt(name: &str, cost: &str, p99: Option<f64>) -> OptionFigures {
        OptionFigures {
            name: name.into(),
            kind: name.into(),
            cost_usd: Decimal::from_str(cost).expect("decimal"),
            p99_ms: p99,
        }
    }

    fn figures(options: Vec<OptionFigures>) -> Figures {
        Figures {
            scenario: "s".into(),
            region: "us-east-1".into(),
            options,
        }
    }

    #[test]
    fn deltas_by_hand() {
        // ClusterIP one-sided (guide) -> both-sided (AWS): 68.2666... -> 136.5333...
        // (10,240 GB x 2/3 x $0.01, then x 2). Delta = 68.2666..., +100%.
        let old = figures(vec![
            opt("clusterip", "68.266666666666666666666666667", Some(4.0)),
            opt("topology-aware", "0", Some(3.5)),
            opt("itp-local", "0", None),
            opt("lattice", "400", None),
        ]);
        let new = figures(vec![
            opt("clusterip", "136.53333333333333333333333333", Some(4.25)),
            opt("topology-aware", "30.72", Some(3.5)),
            opt("internal-alb", "234.88", Some(5.0)),
            opt("itp-local", "0.00", None),
        ]);
        let d = compare(&old, &new);
        let names: Vec<(&str, Status)> = d
            .rows
            .iter()
            .map(|r| (r.option.as_str(), r.status))
            .collect();
        assert_eq!(
            names,
            [
                ("clusterip", Status::Both),
                ("topology-aware", Status::Both),
                ("internal-alb", Status::Added),
                // $0 and no p99 on both sides ("0" and "0.00" are the same amount).
                ("itp-local", Status::Unchanged),
                ("lattice", Status::Removed)
            ]
        );
        let c = &d.rows[0];
        // 136.53333333333333333333333333 - 68.266666666666666666666666667 = 68.266666666666666666666666663
        assert_eq!(
            c.delta_usd().map(crate::cost::cents),
            Some(Decimal::new(6827, 2))
        );
        assert_eq!(
            c.delta_pct().map(|p| p.round_dp(2)),
            Some(Decimal::new(10000, 2))
        );
        assert_eq!(c.delta_p99_ms(), Some(0.25));
        // From $0: no finite percentage, the dollar delta is exact.
        let t = &d.rows[1];
        assert_eq!(t.delta_usd(), Some(Decimal::new(3072, 2)));
        assert_eq!(t.delta_pct(), None);
        assert_eq!(t.delta_p99_ms(), Some(0.0));
        assert_eq!(d.rows[2].delta_usd(), None);
        // $0 -> $0 is no change: 0%.
        assert_eq!(d.rows[3].delta_pct(), Some(Decimal::ZERO));
        assert_eq!(d.rows[3].delta_p99_ms(), None);
        assert_eq!(d.rows[4].old_cost_usd, Some(Decimal::from(400)));
        assert_eq!(d.rows[4].delta_p99_ms(), None);
    }

    #[test]
    fn a_cut_is_a_negative_percentage() {
        // 234.88 -> 77.87: -157.01, -157.01 / 234.88 = -66.847...%.
        let d = compare(
            &figures(vec![opt("nlb", "234.88", None)]),
            &figures(vec![opt("nlb", "77.87", None)]),
        );
        assert_eq!(d.rows[0].delta_usd(), Some(Decimal::new(-15701, 2)));
        assert_eq!(
            d.rows[0].delta_pct().map(|p| p.round_dp(2)),
            Some(Decimal::new(-6685, 2))
        );
    }

    #[test]
    fn json_report_parsing_keeps_exact_decimals() {
        let text = r#"{"schema_version": 1, "scenario": "x", "region": "us-east-1", "options": [
            {"name": "clusterip", "kind": "clusterip", "monthly_cost_usd": 136.53,
             "monthly_cost_usd_exact": "136.53333333333333333333333333",
             "latency": {"p99_ms": 4.5}},
            {"name": "lattice", "kind": "lattice", "monthly_cost_usd": 319.46,
             "monthly_cost_usd_exact": "319.4560", "latency": null}]}"#;
        let f = parse_json_report(text, "old.json").expect("parses");
        assert_eq!(
            f.options[0].cost_usd,
            Decimal::from_str("136.53333333333333333333333333").expect("decimal")
        );
        assert_eq!(f.options[0].p99_ms, Some(4.5));
        assert_eq!(f.options[1].p99_ms, None);
        assert_eq!(f.scenario, "x");
    }

    #[test]
    fn json_errors_say_where_and_why() {
        let e = parse_json_report("{\n  \"schema_version\": 1,\n  oops\n}", "old.json")
            .expect_err("malformed")
            .to_string();
        assert_eq!(e, "old.json:3:3: not valid JSON: key must be a string");
        let e = parse_json_report("{\"schema_version\": 1,\n", "old.json")
            .expect_err("truncated")
            .to_string();
        assert_eq!(e, "old.json:2:1: not valid JSON: EOF while parsing a value");
        let e = parse_json_report(r#"{"schema_version": 2, "options": []}"#, "old.json")
            .expect_err("other version")
            .to_string();
        assert!(
            e.starts_with("old.json: schema_version: this report has schema_version 2; this ewsim reads and writes schema_version 1"),
            "{e}"
        );
        let e = parse_json_report(r#"{"options": []}"#, "a.json")
            .expect_err("no version")
            .to_string();
        assert!(e.contains("not an ewsim JSON report"), "{e}");
        let e = parse_json_report(
            r#"{"schema_version": 1, "options": [{"name": "a", "monthly_cost_usd_exact": "x"}]}"#,
            "a.json",
        )
        .expect_err("bad number")
        .to_string();
        assert!(
            e.contains("options[0].monthly_cost_usd_exact: `x` is not a decimal number"),
            "{e}"
        );
    }
}
