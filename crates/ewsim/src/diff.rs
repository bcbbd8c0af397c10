//! Comparison of two reports: per option, the change in monthly cost, cross-AZ GB, dropped
//! share, p50 and p99 latency, and which of them changed; and the differences between the two
//! reports' headers (price table and date, billing conventions, latency seed and samples).
//!
//! A latency percentile counts as changed only when the two runs' sampling intervals of it,
//! widened by the histogram's resolution ([`RESOLUTION`]), do not overlap (both reports carry
//! them); a different seed alone moves the percentiles within
//! their intervals and changes nothing. Money is compared to the cent, cross-AZ GB to 0.01 GB and
//! the dropped share to 0.01 percentage point, as every format shows them.
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
    /// What the report states about how it was made.
    pub header: Header,
    /// Options in report order.
    pub options: Vec<OptionFigures>,
}

/// What a report states about how it was made; a comparison names each difference.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Header {
    /// Price table origin.
    pub price_table: String,
    /// Price table date.
    pub price_table_as_of: String,
    /// Billing conventions (`hours_per_month=730 inter_az=... capacity_units=... gigabyte=...`).
    pub conventions: String,
    /// Latency seed, when simulated.
    pub latency_seed: Option<u64>,
    /// Simulated requests per option, when simulated.
    pub latency_samples: Option<u64>,
}

/// Relative resolution of a simulated percentile: the latency histogram keeps 3 significant
/// digits, so a percentile is known to about 1% of its value whatever the sample size.
pub const RESOLUTION: f64 = 0.01;

/// A simulated percentile and its sampling interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The percentile (ms).
    pub ms: f64,
    /// Its sampling interval (ms), when the report carries one.
    pub interval: Option<(f64, f64)>,
}

impl Estimate {
    /// Whether `other` differs from `self` beyond sampling: the intervals, each widened by the
    /// latency histogram's resolution ([`RESOLUTION`] of the percentile), do not overlap; when
    /// either has no interval, the values differ by more than the resolution.
    pub fn differs(&self, other: &Estimate) -> bool {
        let widen = |e: &Estimate| {
            let r = e.ms.abs() * RESOLUTION;
            let (lo, hi) = e.interval.unwrap_or((e.ms, e.ms));
            (lo - r, hi + r)
        };
        let ((a0, a1), (b0, b1)) = (widen(self), widen(other));
        a1 < b0 || b1 < a0
    }
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
    /// GB per month crossing zones.
    pub cross_az_gb: f64,
    /// Byte-weighted share of requests dropped (0 to 1).
    pub dropped_share: f64,
    /// Median latency, when simulated and something was delivered.
    pub p50: Option<Estimate>,
    /// p99 latency, likewise.
    pub p99: Option<Estimate>,
}

impl OptionFigures {
    /// The p99 (ms), when there is one.
    pub fn p99_ms(&self) -> Option<f64> {
        self.p99.map(|e| e.ms)
    }
}

/// The conventions line of a report's billing fields.
fn conventions(hours: impl std::fmt::Display, inter_az: &str, units: &str, gb: &str) -> String {
    format!("hours_per_month={hours} inter_az={inter_az} capacity_units={units} gigabyte={gb}")
}

/// A decimal as the float a JSON report holds.
fn float(v: Decimal) -> f64 {
    v.to_string().parse::<f64>().unwrap_or(0.0)
}

impl Figures {
    /// The figures of an evaluated report (with latency when it was simulated).
    pub fn from_report(r: &Report) -> Figures {
        let b = &r.cost.billing;
        Figures {
            scenario: r.cost.scenario.clone(),
            region: r.cost.region.clone(),
            header: Header {
                price_table: r.cost.price_table.clone(),
                price_table_as_of: r.cost.price_table_as_of.clone(),
                conventions: conventions(
                    float(b.hours_per_month),
                    b.inter_az.as_str(),
                    b.capacity_units.as_str(),
                    b.gigabyte.as_str(),
                ),
                latency_seed: r.latency.as_ref().map(|l| l.seed),
                latency_samples: r.latency.as_ref().map(|l| l.samples),
            },
            options: r
                .cost
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let lat = r.option_latency(i);
                    OptionFigures {
                        name: o.name.clone(),
                        kind: o.kind.to_string(),
                        cost_usd: o.cost.total,
                        cross_az_gb: float(o.cost.cross_az_gb),
                        dropped_share: float(o.cost.dropped_share),
                        p50: lat.map(|x| Estimate {
                            ms: x.p50_ms,
                            interval: x.p50_ci_ms,
                        }),
                        p99: lat.map(|x| Estimate {
                            ms: x.p99_ms,
                            interval: x.p99_ci_ms,
                        }),
                    }
                })
                .collect(),
        }
    }
}

/// Whether an option is in both reports or only one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// In both reports, with a figure changed ([`DiffRow::changed`]).
    Both,
    /// In both reports with no figure changed.
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

/// A figure a comparison checks, named as every format names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// Monthly cost, to the cent.
    Cost,
    /// Cross-AZ GB per month, to 0.01 GB.
    CrossAz,
    /// Dropped share, to 0.01 percentage point.
    Dropped,
    /// Median latency, beyond both sampling intervals.
    P50,
    /// p99 latency, beyond both sampling intervals.
    P99,
}

impl Figure {
    /// The spelling used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Figure::Cost => "cost",
            Figure::CrossAz => "cross-az",
            Figure::Dropped => "dropped",
            Figure::P50 => "p50",
            Figure::P99 => "p99",
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
    /// The figures that changed, when the option is in both reports.
    pub changed: Vec<Figure>,
    /// The old figures.
    pub old: Option<OptionFigures>,
    /// The new figures.
    pub new: Option<OptionFigures>,
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
    fn of(old: Option<&OptionFigures>, new: Option<&OptionFigures>) -> DiffRow {
        let changed = match (old, new) {
            (Some(o), Some(n)) => changed_figures(o, n),
            _ => Vec::new(),
        };
        let either = new.or(old);
        DiffRow {
            option: either.map(|x| x.name.clone()).unwrap_or_default(),
            kind: either.map(|x| x.kind.clone()).unwrap_or_default(),
            status: match (old, new) {
                (Some(_), Some(_)) if changed.is_empty() => Status::Unchanged,
                (Some(_), Some(_)) => Status::Both,
                (None, _) => Status::Added,
                (Some(_), None) => Status::Removed,
            },
            changed,
            old: old.cloned(),
            new: new.cloned(),
            old_cost_usd: old.map(|o| o.cost_usd),
            new_cost_usd: new.map(|n| n.cost_usd),
            old_p99_ms: old.and_then(OptionFigures::p99_ms),
            new_p99_ms: new.and_then(OptionFigures::p99_ms),
        }
    }

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

    /// New minus old p50 (ms), when both sides have one.
    pub fn delta_p50_ms(&self) -> Option<f64> {
        Some(self.new.as_ref()?.p50?.ms - self.old.as_ref()?.p50?.ms)
    }

    /// New minus old cross-AZ GB per month, when the option is in both reports.
    pub fn delta_cross_az_gb(&self) -> Option<f64> {
        Some(self.new.as_ref()?.cross_az_gb - self.old.as_ref()?.cross_az_gb)
    }

    /// New minus old dropped share (0 to 1), when the option is in both reports.
    pub fn delta_dropped_share(&self) -> Option<f64> {
        Some(self.new.as_ref()?.dropped_share - self.old.as_ref()?.dropped_share)
    }
}

/// `v` rounded to `dp` decimals (for comparing at shown precision).
fn rounded(v: f64, dp: i32) -> f64 {
    let f = 10f64.powi(dp);
    (v * f).round() / f
}

/// The figures that differ between `o` and `n` (see the module documentation).
fn changed_figures(o: &OptionFigures, n: &OptionFigures) -> Vec<Figure> {
    let latency = |a: Option<Estimate>, b: Option<Estimate>| match (a, b) {
        (Some(a), Some(b)) => a.differs(&b),
        (None, None) => false,
        // Delivering requests or not is a change; a report without latency is no evidence.
        _ => false,
    };
    let mut out = Vec::new();
    if crate::cost::cents(o.cost_usd) != crate::cost::cents(n.cost_usd) {
        out.push(Figure::Cost);
    }
    if rounded(o.cross_az_gb, 2) != rounded(n.cross_az_gb, 2) {
        out.push(Figure::CrossAz);
    }
    if rounded(o.dropped_share, 4) != rounded(n.dropped_share, 4) {
        out.push(Figure::Dropped);
    }
    if latency(o.p50, n.p50) {
        out.push(Figure::P50);
    }
    if latency(o.p99, n.p99) {
        out.push(Figure::P99);
    }
    out
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
    /// How the reports' headers differ, one line each (`price table as of: A -> B`).
    pub header_changes: Vec<String>,
}

impl Diff {
    /// Keeps only the rows of options that changed, were added or were removed.
    pub fn only_changed(mut self) -> Diff {
        self.rows.retain(|r| r.status != Status::Unchanged);
        self
    }
}

/// The header differences of two reports, one line each.
fn header_changes(old: &Figures, new: &Figures) -> Vec<String> {
    let (a, b) = (&old.header, &new.header);
    let opt = |v: Option<u64>| v.map_or_else(|| "not simulated".to_string(), |v| v.to_string());
    let mut out = Vec::new();
    let mut line = |what: &str, x: String, y: String| {
        if x != y {
            out.push(format!("{what}: {x} -> {y}"));
        }
    };
    line("region", old.region.clone(), new.region.clone());
    line("price table", a.price_table.clone(), b.price_table.clone());
    line(
        "price table as of",
        a.price_table_as_of.clone(),
        b.price_table_as_of.clone(),
    );
    line("conventions", a.conventions.clone(), b.conventions.clone());
    line("latency seed", opt(a.latency_seed), opt(b.latency_seed));
    line(
        "latency samples per option",
        opt(a.latency_samples),
        opt(b.latency_samples),
    );
    out
}

/// Compares two reports, matching options by name.
pub fn compare(old: &Figures, new: &Figures) -> Diff {
    let mut rows: Vec<DiffRow> = new
        .options
        .iter()
        .map(|n| DiffRow::of(old.options.iter().find(|o| o.name == n.name), Some(n)))
        .collect();
    rows.extend(
        old.options
            .iter()
            .filter(|o| !new.options.iter().any(|n| n.name == o.name))
            .map(|o| DiffRow::of(Some(o), None)),
    );
    Diff {
        old_scenario: old.scenario.clone(),
        new_scenario: new.scenario.clone(),
        rows,
        header_changes: header_changes(old, new),
    }
}

/// Parses the text of a JSON report written by `ewsim run --format json` ([`json::parse`]).
/// `file` names the source in errors: malformed JSON is reported at its line and column, a report
/// of another `schema_version` (or something that is not an ewsim report) by what is wrong.
pub fn parse_json_report(text: &str, file: &str) -> Result<Figures, InputError> {
    let doc = json::parse(text, file)?;
    let b = &doc.billing;
    Ok(Figures {
        header: Header {
            price_table: doc.price_table.origin.clone(),
            price_table_as_of: doc.price_table.as_of.clone(),
            conventions: conventions(
                b.hours_per_month,
                &b.inter_az,
                &b.capacity_units,
                &b.gigabyte,
            ),
            latency_seed: doc.latency.as_ref().map(|l| l.seed),
            latency_samples: doc.latency.as_ref().map(|l| l.samples),
        },
        scenario: doc.scenario,
        region: doc.region,
        options: doc
            .options
            .iter()
            .map(|o| OptionFigures {
                name: o.name.clone(),
                kind: o.kind.clone(),
                cost_usd: o.exact_cost().unwrap_or_default(),
                cross_az_gb: o.cross_az_gb_month,
                dropped_share: o.dropped_share,
                p50: o.latency.as_ref().map(|l| Estimate {
                    ms: l.p50_ms,
                    interval: l.p50_ci_ms,
                }),
                p99: o.latency.as_ref().map(|l| Estimate {
                    ms: l.p99_ms,
                    interval: l.p99_ci_ms,
                }),
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
            cross_az_gb: 0.0,
            dropped_share: 0.0,
            p50: None,
            p99: p99.map(|ms| Estimate { ms, interval: None }),
        }
    }

    fn figures(options: Vec<OptionFigures>) -> Figures {
        Figures {
            scenario: "s".into(),
            region: "us-east-1".into(),
            header: Header::default(),
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
    fn sampling_noise_is_no_change_and_every_figure_counts() {
        let est = |ms: f64, lo: f64, hi: f64| {
            Some(Estimate {
                ms,
                interval: Some((lo, hi)),
            })
        };
        let mut a = opt("itp-local", "10.00", None);
        a.p99 = est(4.10, 3.95, 4.30);
        a.p50 = est(1.00, 0.99, 1.01);
        // Another seed: p99 4.20 in [4.05, 4.40] overlaps [3.95, 4.30]; p50 likewise.
        let mut b = a.clone();
        b.p99 = est(4.20, 4.05, 4.40);
        b.p50 = est(1.005, 0.995, 1.015);
        let d = compare(&figures(vec![a.clone()]), &figures(vec![b.clone()]));
        assert_eq!(d.rows[0].status, Status::Unchanged);
        assert_eq!(
            d.rows[0].delta_p99_ms().map(|v| (v * 100.0).round()),
            Some(10.0)
        );
        // p99 5.0 in [4.8, 5.2] lies above 4.30: changed. Dropped 15% -> 10%: changed at
        // the same cost (the issue's "+0.00" case).
        b.p99 = est(5.0, 4.8, 5.2);
        b.dropped_share = 0.10;
        a.dropped_share = 0.15;
        let d = compare(&figures(vec![a.clone()]), &figures(vec![b]));
        assert_eq!(d.rows[0].status, Status::Both);
        assert_eq!(d.rows[0].changed, vec![Figure::Dropped, Figure::P99]);
        assert_eq!(d.rows[0].delta_usd(), Some(Decimal::ZERO));
        // 0.0001 USD apart is the same cent; 0.001 GB apart is the same 0.01 GB.
        let mut c = a.clone();
        c.cost_usd = Decimal::from_str("10.0001").expect("decimal");
        c.cross_az_gb = 0.001;
        let d = compare(&figures(vec![a]), &figures(vec![c]));
        assert_eq!(d.rows[0].status, Status::Unchanged);
        assert_eq!(d.clone().only_changed().rows.len(), 0);
    }

    #[test]
    fn header_differences_are_stated() {
        let mut old = figures(vec![]);
        old.header = Header {
            price_table: "built-in".into(),
            price_table_as_of: "2025-01-01".into(),
            conventions: "c".into(),
            latency_seed: Some(1),
            latency_samples: Some(200_000),
        };
        let mut new = old.clone();
        new.header.latency_seed = Some(2);
        new.header.price_table_as_of = "2026-01-01".into();
        new.header.latency_samples = None;
        assert_eq!(
            compare(&old, &new).header_changes,
            [
                "price table as of: 2025-01-01 -> 2026-01-01",
                "latency seed: 1 -> 2",
                "latency samples per option: 200000 -> not simulated"
            ]
        );
        assert!(compare(&old, &old).header_changes.is_empty());
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
        assert_eq!(f.options[0].p99_ms(), Some(4.5));
        assert_eq!(f.options[1].p99_ms(), None);
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
