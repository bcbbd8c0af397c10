//! JSON: everything in the report, money to the cent plus the unrounded value as a string.

use super::usd;
use ewsim::Report;
use serde_json::{Value, json};

fn num(v: rust_decimal::Decimal) -> Value {
    // Decimal -> f64 for JSON numbers; the exact value travels alongside as a string.
    v.to_string()
        .parse::<f64>()
        .map(Value::from)
        .unwrap_or(Value::Null)
}

pub fn render(r: &Report) -> String {
    let options: Vec<Value> = r
        .cost.options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            json!({
                "name": o.name,
                "kind": o.kind,
                "description": o.description,
                "assumed": o.assumed,
                "monthly_cost_usd": num(ewsim::cost::cents(o.cost.total)),
                "monthly_cost_usd_exact": o.cost.total.to_string(),
                "cross_az_gb_month": num(o.cost.cross_az_gb),
                "offered_gb_month": num(o.cost.offered_gb),
                "delivered_gb_month": num(o.cost.delivered_gb),
                "dropped_share": num(o.cost.dropped_share),
                "line_items": o.cost.line_items.iter().map(|i| json!({
                    "component": i.component,
                    "description": i.description,
                    "quantity": num(i.quantity),
                    "unit": i.unit,
                    "unit_price_usd": num(i.unit_price),
                    "cost_usd": usd(i.cost).parse::<f64>().unwrap_or_default(),
                    "cost_usd_exact": i.cost.to_string(),
                    "price_key": i.price_key,
                    "price_source": i.price_source,
                    "assumed": i.assumed,
                })).collect::<Vec<_>>(),
                "edges": o.edges.iter().map(|e| json!({
                    "from": &*e.from,
                    "to": &*e.to,
                    "gb_month": num(e.load.gb_month),
                    "rps": e.load.rps.map(num),
                    "dropped_share": num(e.route.dropped),
                    "assumed": e.route.assumed,
                    "hints": e.route.hints.as_deref(),
                    "paths": e.route.paths().iter().map(|p| json!({
                        "share": num(p.share),
                        "client_zone": r.cost.zone_names[p.client_zone],
                        "hops": p.hops.iter().map(|h| json!({
                            "kind": h.kind.as_str(),
                            "from": r.cost.zone_names[h.from],
                            "to": r.cost.zone_names[h.to],
                        })).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "notes": o.cost.notes,
                "latency": r.option_latency(i).map(|x| json!({
                    "p50_ms": x.p50_ms,
                    "p90_ms": x.p90_ms,
                    "p99_ms": x.p99_ms,
                    "p999_ms": x.p999_ms,
                    "mean_ms": x.mean_ms,
                    "p99_ci_ms": x.p99_ci_ms.map(|(lo, hi)| json!([lo, hi])),
                    "p99_ci_confidence": x.confidence,
                })),
                "ranges": r.uncertainty.as_ref().and_then(|u| u.options.get(i)).map(|x| json!({
                    "monthly_cost_usd": {"p10": x.cost_usd.p10.to_string(), "p50": x.cost_usd.p50.to_string(), "p90": x.cost_usd.p90.to_string()},
                    "cross_az_gb_month": {"p10": x.cross_az_gb.p10.to_string(), "p50": x.cross_az_gb.p50.to_string(), "p90": x.cross_az_gb.p90.to_string()},
                    "p50_ms": x.p50_ms.map(|p| json!({"p10": p.p10, "p50": p.p50, "p90": p.p90})),
                    "p99_ms": x.p99_ms.map(|p| json!({"p10": p.p10, "p50": p.p50, "p90": p.p90})),
                })),
            })
        })
        .collect();
    let doc = json!({
        "schema_version": ewsim::report::SCHEMA_VERSION,
        "scenario": r.cost.scenario,
        "region": r.cost.region,
        "price_table": {"origin": r.cost.price_table, "as_of": r.cost.price_table_as_of, "currency": r.cost.currency},
        "billing": {
            "hours_per_month": num(r.cost.billing.hours_per_month),
            "inter_az": r.cost.billing.inter_az.as_str(),
            "capacity_units": r.cost.billing.capacity_units.as_str(),
            "gigabyte": r.cost.billing.gigabyte.as_str(),
        },
        "latency": r.latency.as_ref().map(|l| json!({
            "samples": l.samples,
            "seed": l.seed,
            "rng": l.rng,
            "edges": per_option(r, &l.edges),
            "entry_points": per_option(r, &l.entry_points),
        })),
        "uncertainty": r.uncertainty.as_ref().map(|u| json!({
            "draws": u.config.draws,
            "seed": u.config.seed,
            "latency_samples_per_draw": u.config.latency_samples,
            "inputs": u.inputs.iter().map(|i| json!({
                "path": i.path,
                "text": i.text,
                "distribution": i.dist.as_str(),
                "low": i.low.to_string(),
                "high": i.high.to_string(),
                "median": i.median().to_string(),
                "unit": i.kind.unit(),
            })).collect::<Vec<_>>(),
        })),
        "options": options,
        "states": r.cost.states.iter().map(|st| json!({
            "name": st.name,
            "share": num(st.share),
            "share_exact": st.share.to_string(),
            "options": st.options.iter().map(|o| json!({
                "option": o.option,
                "edges": o.edges.iter().map(|e| json!({
                    "from": &*e.from,
                    "to": &*e.to,
                    "hints": e.hints,
                    "cross_az_gb_month": num(e.cross_az_gb),
                    "dropped_share": num(e.dropped),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Percentiles per option for each named latency block (traffic edges, call-graph entry points).
fn per_option(r: &Report, list: &[ewsim::path_latency::EntryLatency]) -> Vec<Value> {
    list.iter()
        .map(|ep| {
            json!({
                "name": ep.name,
                "options": r.cost.options.iter().zip(&ep.options).map(|(o, x)| json!({
                    "option": o.name,
                    "p50_ms": x.as_ref().map(|x| x.p50_ms),
                    "p90_ms": x.as_ref().map(|x| x.p90_ms),
                    "p99_ms": x.as_ref().map(|x| x.p99_ms),
                    "p999_ms": x.as_ref().map(|x| x.p999_ms),
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}
