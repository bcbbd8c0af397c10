//! Sweeps: one numeric scenario value stepped over a range, every option evaluated at each step,
//! and the break-even points where two options' monthly costs change order.
//!
//! A sweep re-reads the scenario text with the swept value replaced
//! ([`crate::loader::parse_scenario_with`]), so a step is exactly the scenario a user would get by
//! writing that value into the file. Break-evens are found where the sign of the cost difference
//! of two options changes between steps, then refined by bisection on the model itself (not by
//! drawing a straight line between steps), so a kink inside a step (a free tier, a capacity-unit
//! dimension taking over) does not move them. Whole-number values (replicas, node counts) report
//! the first whole value on the new side.

use crate::error::{Diagnostic, Input, InputError};
use crate::loader::LoadedScenario;
use crate::pricing::PriceTable;
use crate::progress::{Progress, Share};
use crate::report::{OptionFigures, Report, evaluate_replaced_in};
use crate::units::Quantity;
use rayon::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use std::collections::BTreeMap;

/// How the steps are spaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Equal differences between steps.
    Linear,
    /// Equal ratios between steps (both ends must be positive).
    Log,
}

/// The swept value: which scenario values it sets and how it is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The name as the user wrote it (`traffic`, `services[backend].replicas`).
    pub name: String,
    /// Kind of the value (parsing, unit, whole or not).
    pub kind: Quantity,
    /// Scenario paths set by the parameter, each with the share of the swept value it gets: one
    /// path with weight 1, or for `traffic` every edge's volume in proportion to the file's.
    pub targets: Vec<(String, Decimal)>,
    /// Unit the values are shown in (the unit the sweep's ends were written in).
    pub unit: String,
    /// Canonical units per shown unit (1,024 for `TB` on a volume).
    pub unit_factor: Decimal,
}

impl Parameter {
    /// A canonical value in the shown unit with the precision its magnitude warrants
    /// ([`crate::units::readable`]: `3354 GB`, `2.19 TB`, `0.0225`).
    pub fn show(&self, v: Decimal) -> String {
        crate::units::show_in(v, &self.unit, self.unit_factor)
    }
}

/// What to sweep: a parameter from one value to another in a number of steps.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSpec {
    /// The swept parameter.
    pub parameter: Parameter,
    /// First value (canonical unit).
    pub from: Decimal,
    /// Last value (canonical unit).
    pub to: Decimal,
    /// Number of steps, ends included.
    pub steps: usize,
    /// Spacing of the steps.
    pub scale: Scale,
}

/// Most steps a sweep takes ([`crate::limits::MAX_SWEEP_STEPS`]).
pub const MAX_STEPS: usize = crate::limits::MAX_SWEEP_STEPS;

impl SweepSpec {
    /// Reads `PATH=FROM..TO` against a loaded scenario. PATH is a scenario path as diagnostics
    /// print it (`traffic[0].volume`, `services[1].replicas`, `prices.inter_az_per_gb_each_direction`), with names
    /// allowed in brackets (`services[backend]`, `options[lattice]`, `traffic[frontend->backend]`,
    /// `zones[us-east-1a]`, `clusters[east]`), or `traffic` for the total monthly volume of every
    /// edge (edges keep their shares). FROM and TO are written like the value itself (`1TB`).
    ///
    /// Problems are input errors on [`Input::Sweep`] (the expression) or [`Input::Steps`].
    pub fn parse(
        expr: &str,
        steps: usize,
        scale: Scale,
        loaded: &LoadedScenario,
    ) -> Result<SweepSpec, InputError> {
        if !(2..=MAX_STEPS).contains(&steps) {
            return Err(InputError::single(Diagnostic::input(
                Input::Steps,
                format!("the number of steps must be between 2 and {MAX_STEPS}, not {steps}"),
            )));
        }
        Self::parse_expr(expr, steps, scale, loaded)
            .map_err(|m| InputError::single(Diagnostic::input(Input::Sweep, m)))
    }

    fn parse_expr(
        expr: &str,
        steps: usize,
        scale: Scale,
        loaded: &LoadedScenario,
    ) -> Result<SweepSpec, String> {
        let (path, range) = expr
            .split_once('=')
            .ok_or_else(|| format!("`{expr}`: expected PATH=FROM..TO, e.g. traffic=1TB..100TB"))?;
        let (from_text, to_text) = range
            .split_once("..")
            .ok_or_else(|| format!("`{range}`: expected FROM..TO, e.g. 1TB..100TB"))?;
        let path = path.trim();
        let (kind, targets) = resolve(path, loaded)?;
        let from = kind.parse(from_text).map_err(|m| format!("{path}: {m}"))?;
        let to = kind.parse(to_text).map_err(|m| format!("{path}: {m}"))?;
        if from == to {
            return Err(format!("`{range}`: the two ends are equal"));
        }
        if scale == Scale::Log && (from.is_zero() || to.is_zero()) {
            return Err(format!("`{range}`: log steps need both ends above zero"));
        }
        // Show values in the unit the ends were written in (`1TB` -> TB), else the canonical one.
        let (unit, unit_factor) = crate::units::written_unit(kind, from_text);
        Ok(SweepSpec {
            parameter: Parameter {
                name: path.to_string(),
                kind,
                targets,
                unit,
                unit_factor,
            },
            from,
            to,
            steps,
            scale,
        })
    }

    /// The values of the steps, ends exact, whole for whole-number parameters (repeats removed).
    pub fn values(&self) -> Vec<Decimal> {
        let n = self.steps - 1;
        let mut out: Vec<Decimal> = Vec::with_capacity(self.steps);
        for i in 0..=n {
            let v = if i == 0 {
                self.from
            } else if i == n {
                self.to
            } else {
                match self.scale {
                    Scale::Linear => {
                        self.from + (self.to - self.from) * Decimal::from(i) / Decimal::from(n)
                    }
                    Scale::Log => {
                        let (a, b) = (
                            self.from.to_f64().unwrap_or(1.0),
                            self.to.to_f64().unwrap_or(1.0),
                        );
                        let x = a * (b / a).powf(i as f64 / n as f64);
                        Decimal::from_f64(x).unwrap_or(self.from)
                    }
                }
            };
            let v = self.parameter.kind.conform(v);
            if out.last() != Some(&v) {
                out.push(v);
            }
        }
        out
    }

    /// The scenario values replaced at swept value `x` (the loader conforms them to their kind).
    pub fn overrides_at(&self, x: Decimal) -> BTreeMap<String, Decimal> {
        self.parameter
            .targets
            .iter()
            .map(|(p, w)| (p.clone(), x * *w))
            .collect()
    }
}

/// Resolves a user's path to its kind and the weighted scenario paths it sets.
fn resolve(
    path: &str,
    loaded: &LoadedScenario,
) -> Result<(Quantity, Vec<(String, Decimal)>), String> {
    if path == "traffic" || path == "traffic.volume" {
        let volumes: Vec<(String, Decimal)> = (0..loaded.scenario.traffic.len())
            .filter_map(|i| {
                let p = format!("traffic[{i}].volume");
                loaded.numeric.get(&p).map(|f| (p, f.value))
            })
            .collect();
        if volumes.is_empty() {
            return Err("`traffic` sweeps the edges' `volume`, and no edge sets one".into());
        }
        let total: Decimal = volumes.iter().map(|(_, v)| *v).sum();
        let n = Decimal::from(volumes.len());
        let targets = volumes
            .into_iter()
            .map(|(p, v)| {
                let w = if total.is_zero() {
                    Decimal::ONE / n
                } else {
                    v / total
                };
                (p, w)
            })
            .collect();
        return Ok((Quantity::Volume, targets));
    }
    let canonical = canonical_path(path, loaded)?;
    if let Some(f) = loaded.numeric.get(&canonical) {
        return Ok((f.kind, vec![(canonical, Decimal::ONE)]));
    }
    if let Some(key) = canonical.strip_prefix("prices.")
        && crate::pricing::PriceKey::parse(key).is_some()
    {
        return Ok((Quantity::Number, vec![(canonical, Decimal::ONE)]));
    }
    let known: Vec<&str> = loaded.numeric.keys().map(String::as_str).collect();
    Err(format!(
        "`{path}` is not a numeric value of this scenario; it sets: traffic, {}, or prices.<key>",
        known.join(", ")
    ))
}

/// Replaces names in brackets with indices: `services[backend].replicas` -> `services[1].replicas`.
fn canonical_path(path: &str, loaded: &LoadedScenario) -> Result<String, String> {
    let s = &loaded.scenario;
    let mut out = String::new();
    let mut cluster = 0;
    for seg in path.split('.') {
        if !out.is_empty() {
            out.push('.');
        }
        let Some((key, rest)) = seg.split_once('[') else {
            out.push_str(seg);
            continue;
        };
        let sel = rest
            .strip_suffix(']')
            .ok_or_else(|| format!("`{seg}`: missing `]`"))?;
        let index = match sel.parse::<usize>() {
            Ok(i) => Some(i),
            Err(_) => {
                let names: Vec<String> = match key {
                    "services" => s.services.iter().map(|x| x.name.clone()).collect(),
                    "options" => s.options.iter().map(|x| x.name.clone()).collect(),
                    "traffic" => s
                        .traffic
                        .iter()
                        .map(|e| format!("{}->{}", e.from, e.to))
                        .collect(),
                    "clusters" => s.clusters.iter().map(|c| c.name.clone()).collect(),
                    "zones" => s
                        .clusters
                        .get(cluster)
                        .map(|c| c.zones.iter().map(|z| z.name.clone()).collect())
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                let i = names.iter().position(|n| n == sel);
                if i.is_none() {
                    return Err(format!(
                        "`{path}`: no entry `{sel}` in `{key}` (known: {})",
                        names.join(", ")
                    ));
                }
                i
            }
        };
        if key == "clusters" {
            cluster = index.unwrap_or(0);
        }
        out.push_str(&format!("{key}[{}]", index.unwrap_or(0)));
    }
    Ok(out)
}

/// One step of a sweep.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SweepStep {
    /// Swept value (canonical unit).
    pub value: Decimal,
    /// Figures per option, in scenario order.
    pub options: Vec<OptionFigures>,
    /// Index of the cheapest option that drops no requests (first in scenario order on a tie).
    pub cheapest: Option<usize>,
}

/// A value of the swept parameter where two options' monthly costs are equal and change order.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BreakEven {
    /// The swept value where the order changes (canonical unit).
    pub at: Decimal,
    /// The option cheaper below `at`.
    pub cheaper_below: String,
    /// The option cheaper above `at`.
    pub cheaper_above: String,
    /// Monthly cost of the option cheaper above, at `at`.
    pub cost_usd: Decimal,
    /// Monthly cost of the option cheaper below, at `at` (equal to `cost_usd` up to the bisection
    /// precision for continuous values; higher by at least a cent for whole ones).
    pub other_cost_usd: Decimal,
    /// Whether this is where the cheapest option of the sweep changes.
    pub cheapest_changes: bool,
}

/// A whole sweep.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SweepResult {
    /// What was swept.
    pub spec: SweepSpec,
    /// The report at the first step (scenario name, region, price table, conventions).
    pub first: Report,
    /// Option names and kinds, in scenario order.
    pub options: Vec<(String, &'static str)>,
    /// The steps.
    pub steps: Vec<SweepStep>,
    /// Break-even points in increasing order of the swept value. Pairs in which an option drops
    /// requests at either side are left out: a dropped request is not a saving.
    pub break_evens: Vec<BreakEven>,
    /// Simulated requests per option per step and the seed, when latency was simulated.
    pub latency: Option<(u64, u64)>,
}

impl SweepResult {
    /// Break-even sentences: `internal-nlb becomes cheaper than clusterip above 2.1873 TB`
    /// (`from 4` for whole-number values: the first value on the new side).
    pub fn sentences(&self) -> Vec<String> {
        self.break_evens
            .iter()
            .map(|b| {
                let whole = self.spec.parameter.kind == Quantity::Count;
                // Continuous values cross where both cost the same; a whole value is the first on
                // the new side, where the two costs differ.
                let costs = if whole {
                    format!(
                        "{} ${:.2}, {} ${:.2} a month",
                        b.cheaper_above,
                        crate::cost::cents(b.cost_usd),
                        b.cheaper_below,
                        crate::cost::cents(b.other_cost_usd)
                    )
                } else {
                    format!("${:.2}/month each", crate::cost::cents(b.cost_usd))
                };
                format!(
                    "{} becomes cheaper than {} {} {} ({costs}){}",
                    b.cheaper_above,
                    b.cheaper_below,
                    if whole { "from" } else { "above" },
                    self.spec.parameter.show(b.at),
                    if b.cheapest_changes {
                        "; the cheapest option changes here"
                    } else {
                        ""
                    }
                )
            })
            .collect()
    }
}

/// The report at swept value `x` (only the options at `keep` when given), problems marked with
/// the value.
fn evaluate_at(
    base: &LoadedScenario,
    table: &PriceTable,
    spec: &SweepSpec,
    x: Decimal,
    keep: Option<&[usize]>,
    latency: Option<(u64, u64)>,
    share: Share<'_>,
) -> Result<Report, InputError> {
    evaluate_replaced_in(base, table, &spec.overrides_at(x), keep, latency, share).map_err(
        |mut e| {
            for d in &mut e.diagnostics {
                d.message = format!(
                    "{} (at {}={})",
                    d.message,
                    spec.parameter.name,
                    spec.parameter.show(x)
                );
            }
            e
        },
    )
}

/// Runs a sweep over a loaded scenario with `table`. `latency` is
/// `(samples per option per step, seed)`; every step uses the same seed, so the latency
/// differences between steps come from the model, not from sampling noise.
pub fn sweep(
    base: &LoadedScenario,
    table: &PriceTable,
    spec: &SweepSpec,
    latency: Option<(u64, u64)>,
) -> Result<SweepResult, InputError> {
    sweep_with_progress(base, table, spec, latency, &Progress::new())
}

/// Evaluations of two options the search for one break-even takes, about (bisection to a
/// relative 1e-7 from a bracket between two steps).
const BISECTION_EVALUATIONS: u64 = 30;

/// [`sweep`], counting its work into `progress` (the steps, then the break-even search); on
/// success the count ends at [`crate::progress::TICKS`]. The results are the same as
/// [`sweep`]'s.
pub fn sweep_with_progress(
    base: &LoadedScenario,
    table: &PriceTable,
    spec: &SweepSpec,
    latency: Option<(u64, u64)>,
    progress: &Progress,
) -> Result<SweepResult, InputError> {
    let values = spec.values();
    if let Some((n, _)) = latency {
        let mut d = crate::limits::run_problems(&base.scenario, Some(n), None);
        let per_step = crate::limits::sampled_hops(&base.scenario, n, 0);
        let total = per_step.saturating_mul(values.len() as u64);
        if d.is_empty() && total > crate::limits::MAX_SAMPLED_HOPS {
            d.push(Diagnostic::input(
                Input::Samples,
                format!(
                    "{n} samples over {} steps make {total} hop draws per option, over the \
                     limit of {}",
                    values.len(),
                    crate::limits::MAX_SAMPLED_HOPS
                ),
            ));
        }
        if !d.is_empty() {
            return Err(InputError { diagnostics: d });
        }
    }
    // Every step is one evaluation; the break-even search is budgeted as a bisection per pair of
    // neighbouring options in cost order, each evaluating two options.
    let s = &base.scenario;
    let step = crate::limits::evaluation_total(s, latency.map(|l| l.0));
    let search = (s.options.len().saturating_sub(1) as u64)
        .saturating_mul(BISECTION_EVALUATIONS)
        .saturating_mul(2 * (s.traffic.len().max(1) as u64))
        .saturating_mul(crate::limits::COST_WORK_PER_EDGE_OPTION);
    let mut weights = vec![step; values.len()];
    weights.push(search);
    let mut shares = progress.whole().split(&weights);
    let search_share = shares.pop().unwrap_or(Share::NONE);
    let reports: Vec<Result<Report, InputError>> = values
        .par_iter()
        .zip(shares)
        .map(|(x, share)| evaluate_at(base, table, spec, *x, None, latency, share))
        .collect();
    let mut steps = Vec::with_capacity(values.len());
    let mut first = None;
    for (x, r) in values.iter().zip(reports) {
        let r = r?;
        steps.push(step_of(*x, &r));
        first.get_or_insert(r);
    }
    let Some(first) = first else {
        return Err(InputError::single(Diagnostic::at(
            "sweep",
            "the sweep has no steps",
        )));
    };
    let options: Vec<(String, &'static str)> = first
        .cost
        .options
        .iter()
        .map(|o| (o.name.clone(), o.kind))
        .collect();
    let break_evens = break_evens(base, table, spec, &steps, &options, search_share)?;
    Ok(SweepResult {
        spec: spec.clone(),
        first,
        options,
        steps,
        break_evens,
        latency,
    })
}

fn step_of(value: Decimal, r: &Report) -> SweepStep {
    let options = r.option_figures();
    let cheapest = options
        .iter()
        .enumerate()
        .filter(|(_, f)| f.dropped_share.is_zero())
        .min_by(|(i, a), (j, b)| a.cost_usd.cmp(&b.cost_usd).then(i.cmp(j)))
        .map(|(i, _)| i);
    SweepStep {
        value,
        options,
        cheapest,
    }
}

/// Every pair of options whose cost order flips between two steps, refined on the model.
fn break_evens(
    base: &LoadedScenario,
    table: &PriceTable,
    spec: &SweepSpec,
    steps: &[SweepStep],
    options: &[(String, &'static str)],
    share: Share<'_>,
) -> Result<Vec<BreakEven>, InputError> {
    // Work in increasing order of the swept value, whatever the direction of the sweep.
    let mut order: Vec<&SweepStep> = steps.iter().collect();
    order.sort_by_key(|s| s.value);
    let mut brackets = Vec::new();
    for a in 0..options.len() {
        for b in a + 1..options.len() {
            let mut last: Option<(usize, i8)> = None;
            for (k, st) in order.iter().enumerate() {
                let (fa, fb) = (&st.options[a], &st.options[b]);
                if !fa.dropped_share.is_zero() || !fb.dropped_share.is_zero() {
                    last = None;
                    continue;
                }
                let sign = sign_of(fa.cost_usd - fb.cost_usd);
                if sign == 0 {
                    continue;
                }
                if let Some((j, s)) = last
                    && s != sign
                {
                    brackets.push((a, b, order[j].value, st.value, s));
                }
                last = Some((k, sign));
            }
        }
    }
    if brackets.is_empty() {
        share.complete();
    }
    let shares = share.split_even(brackets.len());
    let found: Vec<Result<BreakEven, InputError>> = brackets
        .par_iter()
        .zip(shares)
        .map(|(&(a, b, lo, hi, sign_lo), share)| {
            let pair = [a, b];
            let pair = Some(pair.as_slice());
            let at = bisect(lo, hi, spec.parameter.kind, |x| {
                let r = evaluate_at(base, table, spec, x, pair, None, Share::NONE)?;
                Ok(sign_of(r.cost.options[0].cost.total - r.cost.options[1].cost.total) == sign_lo)
            })?;
            let r = evaluate_at(base, table, spec, at, pair, None, Share::NONE)?;
            share.complete();
            // Below `at` the sign is `sign_lo`: negative means a was cheaper below.
            let (below, above) = if sign_lo < 0 { (a, b) } else { (b, a) };
            let (above_cost, below_cost) = if above == a {
                (r.cost.options[0].cost.total, r.cost.options[1].cost.total)
            } else {
                (r.cost.options[1].cost.total, r.cost.options[0].cost.total)
            };
            let cheapest_changes = order.windows(2).any(|w| {
                w[0].value >= lo
                    && w[1].value <= hi
                    && w[0].cheapest == Some(below)
                    && w[1].cheapest == Some(above)
            });
            Ok(BreakEven {
                at,
                cheaper_below: options[below].0.clone(),
                cheaper_above: options[above].0.clone(),
                cost_usd: above_cost,
                other_cost_usd: below_cost,
                cheapest_changes,
            })
        })
        .collect();
    let mut out = Vec::with_capacity(found.len());
    for f in found {
        out.push(f?);
    }
    out.sort_by(|x, y| x.at.cmp(&y.at).then(x.cheaper_above.cmp(&y.cheaper_above)));
    Ok(out)
}

fn sign_of(d: Decimal) -> i8 {
    if d.is_zero() {
        0
    } else if d.is_sign_negative() {
        -1
    } else {
        1
    }
}

/// The point in `(lo, hi]` where `below(x)` (true at `lo`, false at `hi`) turns false: to a
/// relative precision of 1e-7 for continuous values, the first whole value for counts.
fn bisect(
    mut lo: Decimal,
    mut hi: Decimal,
    kind: Quantity,
    below: impl Fn(Decimal) -> Result<bool, InputError>,
) -> Result<Decimal, InputError> {
    let whole = kind == Quantity::Count;
    let tolerance = hi.abs().max(Decimal::ONE) * Decimal::new(1, 7);
    for _ in 0..200 {
        if whole && hi - lo <= Decimal::ONE || !whole && hi - lo <= tolerance {
            break;
        }
        let mid = if whole {
            ((lo + hi) / Decimal::TWO).floor()
        } else {
            (lo + hi) / Decimal::TWO
        };
        if below(mid)? {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(if whole {
        hi
    } else {
        ((lo + hi) / Decimal::TWO).round_dp(6)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    const TWO_EDGES: &str = "version: 1
region: us-east-1
zones:
  - {name: a, nodes: {count: 1, type: m5.large}}
  - {name: b, nodes: {count: 1, type: m5.large}}
services:
  - {name: web, replicas: 2}
  - {name: api, replicas: 4}
traffic:
  - {from: web, to: api, volume: 3 TB}
  - {from: api, to: web, volume: 1 TB}
options:
  - {name: clusterip, kind: clusterip}
";

    fn loaded() -> LoadedScenario {
        crate::loader::parse_scenario(TWO_EDGES, "t.yaml").expect("valid")
    }

    #[test]
    fn traffic_spreads_the_total_over_edges_in_proportion() {
        let s = SweepSpec::parse("traffic=4TB..8TB", 3, Scale::Linear, &loaded()).expect("spec");
        assert_eq!(s.values(), vec![dec!(4096), dec!(6144), dec!(8192)]);
        // 3 TB : 1 TB -> at 8 TB total, 6 TB and 2 TB.
        let o = s.overrides_at(dec!(8192));
        assert_eq!(o["traffic[0].volume"], dec!(6144));
        assert_eq!(o["traffic[1].volume"], dec!(2048));
        assert_eq!(s.parameter.show(dec!(6144)), "6 TB");
    }

    #[test]
    fn names_in_brackets_and_whole_values() {
        let s = SweepSpec::parse("services[api].replicas=1..4", 7, Scale::Linear, &loaded())
            .expect("spec");
        assert_eq!(s.parameter.targets[0].0, "services[1].replicas");
        // 1, 1.5, 2, 2.5, 3, 3.5, 4 -> whole (half away from zero), repeats removed.
        assert_eq!(s.values(), vec![dec!(1), dec!(2), dec!(3), dec!(4)]);
        let err = SweepSpec::parse("services[db].replicas=1..4", 3, Scale::Linear, &loaded());
        assert!(err.is_err_and(|e| e.to_string().contains("known: web, api")));
        let err = SweepSpec::parse("services[0].name=1..4", 3, Scale::Linear, &loaded());
        assert!(err.is_err_and(|e| e.to_string().contains("traffic[0].volume")));
    }

    #[test]
    fn log_steps_keep_equal_ratios() {
        let s = SweepSpec::parse("traffic=1TB..100TB", 3, Scale::Log, &loaded()).expect("spec");
        // 1 TB, 10 TB, 100 TB.
        assert_eq!(s.values(), vec![dec!(1024), dec!(10240), dec!(102400)]);
        assert!(SweepSpec::parse("traffic=0TB..1TB", 3, Scale::Log, &loaded()).is_err());
        assert!(SweepSpec::parse("traffic=1TB..1TB", 3, Scale::Linear, &loaded()).is_err());
        assert!(SweepSpec::parse("traffic=1TB..2TB", 1, Scale::Linear, &loaded()).is_err());
    }

    #[test]
    fn bisection_finds_a_crossing_and_the_first_whole_value() {
        // below(x) = x < 2.5: continuous answer 2.5, whole answer 3.
        let f = |x: Decimal| Ok(x < dec!(2.5));
        assert_eq!(
            bisect(dec!(0), dec!(10), Quantity::Number, f)
                .expect("ok")
                .round_dp(5),
            dec!(2.5)
        );
        assert_eq!(
            bisect(dec!(0), dec!(10), Quantity::Count, f).expect("ok"),
            dec!(3)
        );
    }
}
