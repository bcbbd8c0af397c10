//! Traffic edges and the call graph.

use super::convert::Conv;
use super::raw::*;
use crate::error::Diagnostic;
use crate::scenario::*;
use crate::units::Quantity;
use crate::yaml::Text;
use serde_saphyr::Spanned;

pub(super) fn convert_edge(c: &mut Conv, p: &str, e: &Spanned<RawEdge>) -> Option<TrafficEdge> {
    c.map.record(p, &e.referenced);
    let e = &e.value;
    c.map.record(&format!("{p}.from"), &e.from.referenced);
    c.map.record(&format!("{p}.to"), &e.to.referenced);
    let volume = match (&e.volume, &e.rps) {
        (Some(v), None) => {
            if let Some(x) = e.request_size.as_ref().or(e.response_size.as_ref()) {
                c.err(&format!("{p}.request_size"), &x.referenced, "request_size/response_size go with `rps`; with `volume` give `bytes_per_request`");
            }
            let gb = c.quantity(&format!("{p}.volume"), v, Quantity::Volume)?;
            let bpr = match &e.bytes_per_request {
                Some(b) => {
                    Some(c.quantity(&format!("{p}.bytes_per_request"), b, Quantity::Bytes)?)
                }
                None => None,
            };
            if bpr.is_some_and(|b| b.is_zero()) {
                c.err(
                    &format!("{p}.bytes_per_request"),
                    &e.bytes_per_request.as_ref()?.referenced,
                    "bytes_per_request must be positive",
                );
            }
            TrafficVolume::Monthly {
                gb,
                bytes_per_request: bpr,
            }
        }
        (None, Some(r)) => {
            let rps = c.quantity(&format!("{p}.rps"), r, Quantity::Number)?;
            let size = |c: &mut Conv, name: &str, v: &Option<Spanned<Text>>| match v {
                Some(v) => c.quantity(&format!("{p}.{name}"), v, Quantity::Bytes),
                None => {
                    c.err(
                        &format!("{p}.rps"),
                        &r.referenced,
                        format!("`rps` needs `{name}` too"),
                    );
                    None
                }
            };
            let request_bytes = size(c, "request_size", &e.request_size)?;
            let response_bytes = size(c, "response_size", &e.response_size)?;
            TrafficVolume::Rate {
                rps,
                request_bytes,
                response_bytes,
            }
        }
        (Some(v), Some(_)) => {
            c.err(
                &format!("{p}.volume"),
                &v.referenced,
                "give either `volume` or `rps` (with sizes), not both",
            );
            return None;
        }
        (None, None) => {
            c.diags.push(
                Diagnostic::at(p, "traffic edge has neither `volume` nor `rps`").with_hint(
                    "add `volume: 10 TB` or `rps: 100` with `request_size` and `response_size`",
                ),
            );
            return None;
        }
    };
    let connections = match &e.connections {
        Some(k) => {
            let cp = format!("{p}.connections");
            c.map.record(&cp, &k.referenced);
            let new_per_second = c.quantity(
                &format!("{cp}.new_per_second"),
                &k.value.new_per_second,
                Quantity::Number,
            )?;
            let lifetime_seconds = c.quantity(
                &format!("{cp}.lifetime"),
                &k.value.lifetime,
                Quantity::Seconds,
            )?;
            Some(Connections {
                new_per_second,
                lifetime_seconds,
            })
        }
        None => None,
    };
    let protocol = match &e.protocol {
        Some(v) => c.choice(
            &format!("{p}.protocol"),
            v,
            &[
                ("tcp", Protocol::Tcp),
                ("udp", Protocol::Udp),
                ("tls", Protocol::Tls),
            ],
        )?,
        None => Protocol::Tcp,
    };
    Some(TrafficEdge {
        from: e.from.value.clone(),
        to: e.to.value.clone(),
        volume,
        connections,
        protocol,
    })
}

/// The `call_graph:` block; names are checked by validation.
pub(super) fn convert_call_graph(c: &mut Conv, raw: &RawScenario) -> Option<CallGraph> {
    let g = raw.call_graph.as_ref()?;
    c.map.record("call_graph", &g.referenced);
    let stages = |c: &mut Conv, path: &str, raw: &[Vec<Spanned<RawCall>>]| -> Vec<Vec<Call>> {
        raw.iter()
            .enumerate()
            .map(|(si, stage)| {
                stage
                    .iter()
                    .enumerate()
                    .map(|(ci, call)| {
                        let p = format!("{path}.stages[{si}][{ci}]");
                        c.map.record(&p, &call.referenced);
                        let count = match &call.value.calls {
                            Some(n) => c.count(&format!("{p}.calls"), n).unwrap_or(1),
                            None => 1,
                        };
                        Call {
                            to: call.value.to.clone(),
                            count,
                        }
                    })
                    .collect()
            })
            .collect()
    };
    let mut out = CallGraph::default();
    for (i, e) in g.value.entry_points.iter().enumerate() {
        let p = format!("call_graph.entry_points[{i}]");
        c.map.record(&p, &e.referenced);
        let st = stages(c, &p, &e.value.stages);
        out.entry_points.push(EntryPoint {
            name: e.value.name.clone(),
            service: e.value.service.clone(),
            stages: st,
        });
    }
    for (i, sv) in g.value.services.iter().enumerate() {
        let p = format!("call_graph.services[{i}]");
        c.map.record(&p, &sv.referenced);
        let st = stages(c, &p, &sv.value.stages);
        out.services.push(ServiceCalls {
            service: sv.value.service.clone(),
            stages: st,
        });
    }
    Some(out)
}
