//! Prometheus HTTP API query responses of Istio's standard metrics -> edges between services.
//!
//! Response format (prometheus/prometheus `docs/querying/api.md`): an envelope
//! `{"status": "success" | "error", "data": {"resultType": "vector" | "matrix" | ..., "result":
//! [...]}, "errorType", "error", "warnings"}`; a vector series is `{"metric": {labels...},
//! "value": [<unix_time>, "<sample>"]}`, a matrix series has `"values": [[t, "v"], ...]`;
//! samples are JSON strings because JSON has no NaN / Inf.
//!
//! Istio metrics (istio/istio.io `content/en/docs/reference/config/metrics/index.md`):
//! `istio_requests_total` (COUNTER), `istio_request_bytes` and `istio_response_bytes`
//! (DISTRIBUTION, so `_sum` / `_count` / `_bucket` series; described as HTTP body sizes),
//! `istio_tcp_sent_bytes_total` / `istio_tcp_received_bytes_total` for TCP. Labels used:
//! `reporter` (`source` from the client proxy or a gateway, `destination` from the server
//! proxy), `source_workload`, `source_workload_namespace`, `destination_service_name`,
//! `destination_service_namespace`. A request between two meshed pods is reported by both
//! proxies, so summing without choosing one `reporter` counts it twice: queries select
//! `reporter="source"` (the client side knows its own workload for certain and also reports
//! calls to services without sidecars). Queries to run over a window `W` (e.g. `7d`):
//!
//! ```text
//! sum by (source_workload, source_workload_namespace, destination_service_name, destination_service_namespace) (increase(istio_requests_total{reporter="source"}[W]))
//! sum by (source_workload, source_workload_namespace, destination_service_name, destination_service_namespace) (increase(istio_request_bytes_sum{reporter="source"}[W]))
//! sum by (source_workload, source_workload_namespace, destination_service_name, destination_service_namespace) (increase(istio_response_bytes_sum{reporter="source"}[W]))
//! ```
//!
//! as instant queries (vector), or as range queries of `increase(...[S])` with `step=S`
//! (matrix), whose per-step increases this reader adds up. The bytes are application payload
//! (no TCP/IP/TLS overhead), so they are below what the VPC bills.
//!
//! Workload -> Service rule: a `source_workload` names the pods whose Istio workload name (see
//! [`crate::import::kubectl`]) equals it in its namespace; the workload maps to the Services
//! whose selector matches any of those pods. If no pod has that workload name, pods whose label
//! `app` or `app.kubernetes.io/name` equals it are used instead. Several Services: the first by
//! name, reported in `ambiguous_workloads`. None: the series stays unmapped.

use super::kubectl::json_error;
use super::observed::ObservedCluster;
use super::{ImportError, ImportErrorKind, ImportLocation, ServiceEdge};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::str::FromStr;

/// How a response is read.
#[derive(Debug, Clone)]
pub struct PrometheusOptions {
    /// Series whose `reporter` label differs are skipped (series without the label, as the
    /// recommended `sum by` queries produce, are kept). Default `source`.
    pub reporter: String,
}

impl Default for PrometheusOptions {
    fn default() -> Self {
        PrometheusOptions {
            reporter: "source".into(),
        }
    }
}

/// The result type of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultType {
    /// Instant query: one sample per series.
    Vector,
    /// Range query: samples per step, added up.
    Matrix,
}

/// How a workload was mapped to a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadMatch {
    /// Pods with that Istio workload name.
    WorkloadName,
    /// Pods with that `app` / `app.kubernetes.io/name` label.
    AppLabel,
    /// No pod, or no Service selects them.
    Unmapped,
}

/// The values of one metric per edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrometheusEdges {
    /// Vector or matrix.
    pub result_type: ResultType,
    /// Value per (client service, server service): bytes or requests over the window.
    pub edges: BTreeMap<ServiceEdge, Decimal>,
    /// Value per (`namespace/workload`, `namespace/service`) that did not map to two
    /// observed services.
    pub unmapped: BTreeMap<(String, String), Decimal>,
    /// How each `namespace/workload` seen was mapped.
    pub workloads: BTreeMap<String, WorkloadMatch>,
    /// Workloads selected by several Services: the candidates (the first is used).
    pub ambiguous_workloads: BTreeMap<String, Vec<String>>,
    /// Series in the response.
    pub series_read: usize,
    /// Series skipped for another `reporter`.
    pub series_other_reporter: usize,
    /// Samples added.
    pub samples: usize,
    /// Earliest and latest sample timestamps (Unix seconds as written).
    pub time_span: Option<(Decimal, Decimal)>,
    /// `warnings` of the response.
    pub warnings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawResponse {
    status: String,
    data: Option<RawData>,
    error_type: Option<String>,
    error: Option<String>,
    #[serde(default)]
    warnings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawData {
    result_type: String,
    result: serde_json::Value,
}

#[derive(Deserialize)]
struct RawSeries {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    value: Option<(serde_json::Number, String)>,
    values: Option<Vec<(serde_json::Number, String)>>,
}

const LABELS: [&str; 4] = [
    "source_workload",
    "source_workload_namespace",
    "destination_service_name",
    "destination_service_namespace",
];

/// Reads one response of one metric (the caller says which query it is).
pub fn read_prometheus(
    text: &str,
    document: &str,
    cluster: &ObservedCluster,
    options: &PrometheusOptions,
) -> Result<PrometheusEdges, ImportError> {
    let raw: RawResponse = serde_json::from_str(text).map_err(|e| json_error(document, &e))?;
    let err = |location, kind| ImportError::new(document, location, kind);
    if raw.status != "success" {
        return Err(err(
            ImportLocation::Document,
            ImportErrorKind::PrometheusError {
                error_type: raw.error_type.unwrap_or_default(),
                error: raw.error.unwrap_or_default(),
            },
        ));
    }
    let data = raw.data.ok_or_else(|| {
        err(
            ImportLocation::Document,
            ImportErrorKind::MissingField {
                field: "data".into(),
            },
        )
    })?;
    let result_type = match data.result_type.as_str() {
        "vector" => ResultType::Vector,
        "matrix" => ResultType::Matrix,
        other => {
            return Err(err(
                ImportLocation::Document,
                ImportErrorKind::BadValue {
                    field: "data.resultType".into(),
                    value: other.into(),
                    reason: "expected vector or matrix (an aggregation by workload and service)"
                        .into(),
                },
            ));
        }
    };
    let series: Vec<RawSeries> = serde_json::from_value(data.result).map_err(|e| {
        err(
            ImportLocation::Document,
            ImportErrorKind::Syntax {
                message: format!("data.result: {e}"),
            },
        )
    })?;
    let mut out = PrometheusEdges {
        result_type,
        edges: BTreeMap::new(),
        unmapped: BTreeMap::new(),
        workloads: BTreeMap::new(),
        ambiguous_workloads: BTreeMap::new(),
        series_read: series.len(),
        series_other_reporter: 0,
        samples: 0,
        time_span: None,
        warnings: raw.warnings,
    };
    for (index, s) in series.iter().enumerate() {
        let at = |kind| err(ImportLocation::Series { index }, kind);
        if s.metric
            .get("reporter")
            .is_some_and(|r| *r != options.reporter)
        {
            out.series_other_reporter += 1;
            continue;
        }
        let mut labels = LABELS.iter().map(|l| {
            s.metric.get(*l).map(String::as_str).ok_or_else(|| {
                at(ImportErrorKind::MissingField {
                    field: l.to_string(),
                })
            })
        });
        let mut next = || labels.next().unwrap_or(Ok(""));
        let (workload, workload_ns, dest, dest_ns) = (next()?, next()?, next()?, next()?);
        let samples: Vec<&(serde_json::Number, String)> = match result_type {
            ResultType::Vector => s.value.iter().collect(),
            ResultType::Matrix => s.values.iter().flatten().collect(),
        };
        let mut total = Decimal::ZERO;
        for (t, v) in samples {
            total = sample(v)
                .and_then(|x| {
                    total
                        .checked_add(x)
                        .ok_or_else(|| "the sum is too large".to_string())
                })
                .map_err(|reason| {
                    at(ImportErrorKind::BadValue {
                        field: "value".into(),
                        value: v.clone(),
                        reason,
                    })
                })?;
            out.samples += 1;
            if let Ok(t) = sample(&t.to_string()) {
                out.time_span = Some(match out.time_span {
                    Some((a, b)) => (a.min(t), b.max(t)),
                    None => (t, t),
                });
            }
        }
        let client = map_workload(cluster, workload_ns, workload, &mut out);
        let server = format!("{dest_ns}/{dest}");
        let slot = match (client, cluster.service(&server)) {
            (Some(c), Some(_)) => out.edges.entry((c, server)).or_insert(Decimal::ZERO),
            _ => {
                let key = (format!("{workload_ns}/{workload}"), server);
                out.unmapped.entry(key).or_insert(Decimal::ZERO)
            }
        };
        *slot = slot.checked_add(total).ok_or_else(|| {
            at(ImportErrorKind::BadValue {
                field: "value".into(),
                value: total.to_string(),
                reason: "the edge's sum is too large".into(),
            })
        })?;
    }
    Ok(out)
}

/// A sample value: a decimal number (plain or scientific); NaN and infinities are refused.
fn sample(text: &str) -> Result<Decimal, String> {
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .map_err(|_| "not a finite number".to_string())
}

/// The service of a workload (module docs give the rule); records how it matched.
fn map_workload(
    cluster: &ObservedCluster,
    namespace: &str,
    workload: &str,
    out: &mut PrometheusEdges,
) -> Option<String> {
    let key = (namespace.to_string(), workload.to_string());
    let (services, how) = match cluster.workloads.get(&key) {
        Some(s) => (s.as_slice(), WorkloadMatch::WorkloadName),
        None => match cluster.app_labels.get(&key) {
            Some(s) => (s.as_slice(), WorkloadMatch::AppLabel),
            None => (&[][..], WorkloadMatch::Unmapped),
        },
    };
    let name = format!("{namespace}/{workload}");
    let how = if services.is_empty() {
        WorkloadMatch::Unmapped
    } else {
        how
    };
    out.workloads.insert(name.clone(), how);
    if services.len() > 1 {
        out.ambiguous_workloads.insert(name, services.to_vec());
    }
    services.first().cloned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::import::kubectl::read_inventory;
    use rust_decimal::dec;

    /// Pod `api-x` is a bare pod (no generateName) labelled app=api, selected by `ns/api`: its
    /// Istio workload name is `api-x`, so `source_workload="api"` maps by the app label.
    const EXPORT: &str = r#"{"kind": "List", "items": [
     {"kind": "Pod", "metadata": {"name": "api-x", "namespace": "ns", "labels": {"app": "api"}}},
     {"kind": "Service", "metadata": {"name": "api", "namespace": "ns"}, "spec": {"selector": {"app": "api"}}},
     {"kind": "Service", "metadata": {"name": "db", "namespace": "ns"}, "spec": {"selector": {"app": "db"}}}
    ]}"#;

    fn read(text: &str) -> Result<PrometheusEdges, ImportError> {
        let c = ObservedCluster::from_inventory(&read_inventory(&[("x.json", EXPORT)]).unwrap());
        read_prometheus(text, "p.json", &c, &PrometheusOptions::default())
    }

    fn series(workload: &str, value: &str) -> String {
        format!(
            r#"{{"status":"success","data":{{"resultType":"vector","result":[{{"metric":{{"source_workload":"{workload}","source_workload_namespace":"ns","destination_service_name":"db","destination_service_namespace":"ns"}},"value":[1,"{value}"]}}]}}}}"#
        )
    }

    #[test]
    fn workload_by_app_label_and_by_name() {
        let p = read(&series("api", "12.5")).unwrap();
        assert_eq!(
            p.edges[&("ns/api".to_string(), "ns/db".to_string())],
            dec!(12.5)
        );
        assert_eq!(p.workloads["ns/api"], WorkloadMatch::AppLabel);
        let p = read(&series("api-x", "1")).unwrap();
        assert_eq!(p.workloads["ns/api-x"], WorkloadMatch::WorkloadName);
        let p = read(&series("ghost", "1")).unwrap();
        assert_eq!(p.workloads["ns/ghost"], WorkloadMatch::Unmapped);
        assert_eq!(
            p.unmapped[&("ns/ghost".to_string(), "ns/db".to_string())],
            dec!(1)
        );
    }

    #[test]
    fn errors() {
        let e = read(&series("api", "NaN")).unwrap_err();
        assert_eq!(e.location, ImportLocation::Series { index: 0 });
        assert!(matches!(*e.kind, ImportErrorKind::BadValue { .. }));
        let e = read(r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1"]}]}}"#).unwrap_err();
        assert_eq!(
            *e.kind,
            ImportErrorKind::MissingField {
                field: "source_workload".into()
            }
        );
        let e = read(r#"{"status":"success","data":{"resultType":"scalar","result":[1,"1"]}}"#)
            .unwrap_err();
        assert!(matches!(*e.kind, ImportErrorKind::BadValue { .. }));
        let e = read("{\"status\": \"success\",\n \"data\": [}").unwrap_err();
        assert!(matches!(
            e.location,
            ImportLocation::LineColumn { line: 2, .. }
        ));
        let e = read(r#"{"status":"error","errorType":"timeout","error":"query timed out"}"#)
            .unwrap_err();
        assert_eq!(
            *e.kind,
            ImportErrorKind::PrometheusError {
                error_type: "timeout".into(),
                error: "query timed out".into()
            }
        );
    }
}
