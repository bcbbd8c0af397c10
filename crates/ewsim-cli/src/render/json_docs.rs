//! The JSON renderer. The run report is `json.rs` (its own module: the report's JSON layout,
//! `schema_version`); this file has the sweep, diff (`diff_schema_version`) and recommend
//! documents. Money to the cent as numbers, exact values alongside as strings.

use super::{DiffDoc, RecommendDoc, Renderer, usd};
use ewsim::Report;
use ewsim::sweep::SweepResult;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Value, json};

/// The JSON renderer.
pub struct Json;

impl Renderer for Json {
    fn run(&self, report: &Report, _detail: bool) -> String {
        // Line items are always in the JSON report.
        super::json::render(report)
    }

    fn by_edge(&self, report: &Report) -> String {
        // Every option's `edges` always carry their cost.
        super::json::render(report)
    }

    fn sweep(&self, sweep: &SweepResult) -> String {
        self::sweep(sweep)
    }

    fn diff(&self, doc: &DiffDoc<'_>) -> String {
        self::diff(doc)
    }

    fn recommend(&self, doc: &RecommendDoc<'_>) -> String {
        self::recommend(doc)
    }

    fn shows_edge_latency(&self) -> bool {
        true
    }
}

/// Version of the diff JSON layout (`diff_schema_version`), distinct from the report's
/// `schema_version` so a diff is never mistaken for a report.
pub const DIFF_SCHEMA_VERSION: u32 = 1;

/// Pretty JSON with a final newline.
fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// The sweep: parameter, steps with every option's figures, break-evens with their sentences.
fn sweep(r: &SweepResult) -> String {
    let f = &r.first;
    let p = &r.spec.parameter;
    let steps: Vec<Value> = r
        .steps
        .iter()
        .map(|st| {
            json!({
                "value": super::sweep::shown(r, st.value).to_f64(),
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
                "at": super::sweep::shown(r, b.at).to_f64(),
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
    pretty(&doc)
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

/// The comparison, with `diff_schema_version`.
fn diff(doc: &DiffDoc<'_>) -> String {
    let (d, sides, labels) = (doc.diff, doc.sides, doc.labels);
    let side = |f: &ewsim::diff::Figures, label: &str| {
        let h = &f.header;
        json!({"source": label, "scenario": f.scenario, "region": f.region,
            "price_table": h.price_table, "price_table_as_of": h.price_table_as_of,
            "conventions": h.conventions, "latency_seed": h.latency_seed,
            "latency_samples": h.latency_samples})
    };
    let fig = |r: &ewsim::diff::DiffRow, f: fn(&ewsim::diff::OptionFigures) -> Value| {
        [
            r.old.as_ref().map_or(Value::Null, f),
            r.new.as_ref().map_or(Value::Null, f),
        ]
    };
    let doc = json!({
        "diff_schema_version": DIFF_SCHEMA_VERSION,
        "old": side(sides[0], &labels[0]),
        "new": side(sides[1], &labels[1]),
        "header_changes": d.header_changes,
        "options": d.rows.iter().map(|r| json!({
            "option": r.option,
            "kind": r.kind,
            "status": r.status.as_str(),
            "changed": r.changed.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            "old_cross_az_gb_month": fig(r, |o| o.cross_az_gb.into())[0],
            "new_cross_az_gb_month": fig(r, |o| o.cross_az_gb.into())[1],
            "old_dropped_share": fig(r, |o| o.dropped_share.into())[0],
            "new_dropped_share": fig(r, |o| o.dropped_share.into())[1],
            "old_p50_ms": fig(r, |o| o.p50.map(|e| e.ms).into())[0],
            "new_p50_ms": fig(r, |o| o.p50.map(|e| e.ms).into())[1],
            "delta_p50_ms": r.delta_p50_ms(),
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
    pretty(&doc)
}

/// The recommendation, with the source of every missing capability.
fn recommend(doc: &RecommendDoc<'_>) -> String {
    let (report, table, rec, example) = (doc.report, doc.capabilities, doc.rec, doc.example);
    let source = |id: &str| {
        table
            .sources
            .get(id)
            .map(|s| json!({"id": id, "title": s.title, "url": s.url, "as_of": s.as_of}))
            .unwrap_or(Value::Null)
    };
    let v = json!({
        "schema_version": ewsim::report::SCHEMA_VERSION,
        "scenario": report.cost.scenario,
        "region": report.cost.region,
        "price_table_as_of": report.cost.price_table_as_of,
        "capabilities_as_of": table.as_of,
        "example": example.map(|e| json!({
            "name": e.name, "row": e.row, "guide_scenario": e.guide_scenario,
            "guide_solution": e.guide_solution,
        })),
        "requirements": rec.requirements,
        "latency": report.latency.as_ref().map(|l| json!({"samples": l.samples, "seed": l.seed})),
        "recommended": rec.best().map(|c| c.option.clone()),
        "ranked": rec.ranked.iter().enumerate().map(|(i, c)| json!({
            "rank": i + 1,
            "option": c.option,
            "kind": c.kind,
            "monthly_cost_usd": usd(c.monthly_cost_usd).parse::<f64>().unwrap_or_default(),
            "monthly_cost_usd_exact": c.monthly_cost_usd.to_string(),
            "p99_ms": c.p99_ms,
            "dropped_share": c.dropped_share.to_string().parse::<f64>().unwrap_or_default(),
            "assumed": c.assumed,
            "conditions": c.conditions.iter().map(|(cap, n)| json!({"capability": cap, "note": n})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "excluded": rec.excluded.iter().map(|x| json!({
            "option": x.option,
            "kind": x.kind,
            "monthly_cost_usd_exact": x.monthly_cost_usd.to_string(),
            "missing": x.missing.iter().map(|m| json!({
                "capability": m.capability, "note": m.note, "source": source(&m.source),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    pretty(&v)
}
