//! Budget gates for CI: does the chosen option stay within a monthly cost and a p99 latency?
//!
//! Pure checks over an evaluated [`Report`]. The chosen option is the one named, or the only
//! option of the scenario; with several options and no name the choice is an input error, because
//! gating every option would fail any comparison scenario as soon as its dearest option (an ALB
//! next to ClusterIP) is over the budget, which is rarely what a pipeline means.
//!
//! Figures are compared as the report prints them: cost rounded to the cent, p99 to the
//! microsecond (3 decimals of ms), so a verdict never reads `$200.00 > $200.00`.

use crate::cost::{CostReport, cents};
use crate::error::{Diagnostic, Input, InputError};
use crate::report::Report;
use rust_decimal::Decimal;

/// The budget a report is held to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Budget {
    /// Largest acceptable monthly cost (USD).
    pub max_usd: Option<Decimal>,
    /// Largest acceptable p99 latency (ms).
    pub max_p99_ms: Option<f64>,
    /// The option held to the budget (required when the scenario has several).
    pub option: Option<String>,
}

impl Budget {
    /// Whether any limit is set.
    pub fn is_set(&self) -> bool {
        self.max_usd.is_some() || self.max_p99_ms.is_some()
    }
}

/// A limit the chosen option goes over.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Breach {
    /// Monthly cost (to the cent) above the limit.
    Cost {
        /// Option name.
        option: String,
        /// Cost to the cent.
        cost_usd: Decimal,
        /// The limit.
        max_usd: Decimal,
    },
    /// p99 above the limit.
    P99 {
        /// Option name.
        option: String,
        /// p99 (ms), to the microsecond.
        p99_ms: f64,
        /// The limit.
        max_ms: f64,
    },
    /// A p99 limit is set but the option delivers no request, so it has no p99.
    NoLatency {
        /// Option name.
        option: String,
    },
}

/// Checks the budget's settings against the scenario's options before anything is simulated or
/// written, and returns the index of the chosen option. Errors name the flag: an unknown
/// `--gate-option` (listing the names), several options without one, a negative limit.
pub fn choose(report: &CostReport, budget: &Budget) -> Result<usize, InputError> {
    let names = || {
        report
            .options
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if budget.max_usd.is_some_and(|v| v.is_sign_negative()) {
        return Err(InputError::single(Diagnostic::input(
            Input::MaxUsd,
            "must not be negative",
        )));
    }
    if budget
        .max_p99_ms
        .is_some_and(|v| !(v >= 0.0 && v.is_finite()))
    {
        return Err(InputError::single(Diagnostic::input(
            Input::MaxP99Ms,
            "must be a non-negative number of milliseconds",
        )));
    }
    match &budget.option {
        Some(name) => report
            .options
            .iter()
            .position(|o| &o.name == name)
            .ok_or_else(|| {
                InputError::single(
                    Diagnostic::input(Input::GateOption, format!("no option named `{name}`"))
                        .with_hint(format!("options: {}", names())),
                )
            }),
        None if report.options.len() == 1 => Ok(0),
        None => Err(InputError::single(
            Diagnostic::input(
                Input::GateOption,
                format!(
                    "the scenario has {} options: name the one held to the budget",
                    report.options.len()
                ),
            )
            .with_hint(format!("options: {}", names())),
        )),
    }
}

/// Holds option `chosen` of a report (after latency simulation, when a p99 limit is set) to the
/// budget: every limit it goes over, empty when within budget.
pub fn check(report: &Report, chosen: usize, budget: &Budget) -> Vec<Breach> {
    let mut out = Vec::new();
    let Some(o) = report.cost.options.get(chosen) else {
        return out;
    };
    if let Some(max) = budget.max_usd {
        let cost = cents(o.cost.total);
        if cost > max {
            out.push(Breach::Cost {
                option: o.name.clone(),
                cost_usd: cost,
                max_usd: max,
            });
        }
    }
    if let Some(max) = budget.max_p99_ms {
        let p99 = report.option_latency(chosen).map(|x| x.p99_ms);
        match p99 {
            Some(v) => {
                let shown = (v * 1000.0).round() / 1000.0;
                if shown > max {
                    out.push(Breach::P99 {
                        option: o.name.clone(),
                        p99_ms: shown,
                        max_ms: max,
                    });
                }
            }
            None => out.push(Breach::NoLatency {
                option: o.name.clone(),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PriceTable, evaluate, loader};

    /// The reference workload: 10 TB, 3 zones, 6 + 6 replicas, 16 KiB per request.
    fn report(options: &str) -> Report {
        let c = crate::calc::CalcInput {
            request_size: Some("16KiB".into()),
            options: crate::calc::parse_option_list(options),
            ..Default::default()
        };
        let s = loader::parse_scenario(&crate::calc::scenario_yaml(&c), "<calc>")
            .expect("loads")
            .scenario;
        Report::of_cost(
            evaluate(&s, &PriceTable::builtin("us-east-1").expect("table")).expect("evaluates"),
        )
    }

    #[test]
    fn cost_limit_compares_the_printed_cents() {
        // ClusterIP: 10,240 GB x 2/3 x $0.01 x 2 sides = $136.5333 -> $136.53.
        let r = report("clusterip");
        let at = |usd: i64| Budget {
            max_usd: Some(Decimal::new(usd, 2)),
            ..Budget::default()
        };
        assert_eq!(choose(&r.cost, &at(13653)).expect("the only option"), 0);
        assert!(
            check(&r, 0, &at(13653)).is_empty(),
            "equal is within budget"
        );
        assert_eq!(
            check(&r, 0, &at(13652)),
            [Breach::Cost {
                option: "clusterip".into(),
                cost_usd: Decimal::new(13653, 2),
                max_usd: Decimal::new(13652, 2),
            }]
        );
        assert!(check(&r, 0, &at(20000)).is_empty());
    }

    #[test]
    fn several_options_need_a_name() {
        let r = report("clusterip,internal-alb");
        let mut b = Budget {
            max_usd: Some(Decimal::from(200)),
            ..Budget::default()
        };
        let e = choose(&r.cost, &b).expect_err("ambiguous").diagnostics;
        assert_eq!(e[0].field, crate::error::Field::Input(Input::GateOption));
        assert_eq!(
            e[0].message,
            "the scenario has 2 options: name the one held to the budget"
        );
        assert_eq!(
            e[0].hint.as_deref(),
            Some("options: clusterip, internal-alb")
        );
        b.option = Some("nlb".into());
        let e = choose(&r.cost, &b).expect_err("unknown").diagnostics;
        assert_eq!(e[0].message, "no option named `nlb`");
        b.option = Some("internal-alb".into());
        let i = choose(&r.cost, &b).expect("named");
        // Internal ALB: 730 h x $0.0225 = $16.425 hours; bytes set the LCUs: 10,240 GB / 730 h =
        // 14.03 GB/h = 14.03 LCU x $0.008 x 730 h = $81.92; client -> ALB node crosses 2/3 of
        // bytes, both sides: $136.53. Total 16.425 + 81.92 + 136.5333 = $234.88.
        assert_eq!(
            check(&r, i, &b),
            [Breach::Cost {
                option: "internal-alb".into(),
                cost_usd: Decimal::new(23488, 2),
                max_usd: Decimal::from(200),
            }]
        );
    }

    #[test]
    fn p99_limit_without_simulation_has_no_p99() {
        let r = report("clusterip");
        let b = Budget {
            max_p99_ms: Some(10.0),
            ..Budget::default()
        };
        assert_eq!(
            check(&r, 0, &b),
            [Breach::NoLatency {
                option: "clusterip".into()
            }]
        );
        let neg = Budget {
            max_usd: Some(Decimal::from(-1)),
            ..Budget::default()
        };
        assert!(choose(&r.cost, &neg).is_err());
    }
}
