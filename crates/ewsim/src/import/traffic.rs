//! Observed traffic from every source merged into one monthly volume per client -> server edge.
//!
//! Rules:
//! - volumes are scaled from the observation window the user states (not the records' span) to
//!   a month of the scenario's `hours_per_month` ([`super::window`]);
//! - flow logs give bytes (request + response, as the VPC carries them); Istio metrics give
//!   request and response bytes and, with `istio_requests_total`, the request rate and mean
//!   sizes; an edges CSV gives bytes or a rate with sizes;
//! - an edge seen in several sources takes the most specific one: the edges CSV (the user's own
//!   figures), then Prometheus (request rates), then flow logs; the others stay listed as
//!   `also` so the written scenario states them;
//! - monthly bytes become GB of `gigabyte` bytes (2^30 by default, as the scenario's billing
//!   convention reads them), rounded to 9 decimals (a byte is ~1e-9 GB); rates to 6 decimals,
//!   sizes to whole thousandths of a byte.

use super::edges_csv::{CsvEdge, EdgeVolume};
use super::flowlogs::FlowSummary;
use super::prometheus::PrometheusEdges;
use super::window::{Window, monthly_from_bytes, monthly_from_requests};
use super::{ImportError, ImportErrorKind, ImportLocation, ServiceEdge};
use crate::scenario::TrafficVolume;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The Istio metrics of one import, one Prometheus response each (any may be absent).
#[derive(Debug, Clone, Default)]
pub struct IstioMetrics {
    /// `increase(istio_requests_total{reporter="source"}[W])` by workload and service.
    pub requests: Option<PrometheusEdges>,
    /// `increase(istio_request_bytes_sum{reporter="source"}[W])`.
    pub request_bytes: Option<PrometheusEdges>,
    /// `increase(istio_response_bytes_sum{reporter="source"}[W])`.
    pub response_bytes: Option<PrometheusEdges>,
}

impl IstioMetrics {
    /// Whether no response was given.
    pub fn is_empty(&self) -> bool {
        self.requests.is_none() && self.request_bytes.is_none() && self.response_bytes.is_none()
    }
}

/// Which Istio metric a Prometheus response holds (the query that produced it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IstioMetric {
    /// `istio_requests_total`.
    Requests,
    /// `istio_request_bytes_sum`.
    RequestBytes,
    /// `istio_response_bytes_sum`.
    ResponseBytes,
}

impl IstioMetric {
    /// Every metric with its spelling (`requests`, `request-bytes`, `response-bytes`) and the
    /// Prometheus metric it is read from.
    pub const ALL: [(IstioMetric, &'static str, &'static str); 3] = [
        (IstioMetric::Requests, "requests", "istio_requests_total"),
        (
            IstioMetric::RequestBytes,
            "request-bytes",
            "istio_request_bytes_sum",
        ),
        (
            IstioMetric::ResponseBytes,
            "response-bytes",
            "istio_response_bytes_sum",
        ),
    ];

    /// From its spelling.
    pub fn parse(text: &str) -> Option<IstioMetric> {
        Self::ALL
            .iter()
            .find(|(_, s, _)| *s == text)
            .map(|(m, _, _)| *m)
    }

    /// The PromQL instant query over window `window` (e.g. `7d`) whose response this metric is
    /// read from (see [`crate::import::prometheus`]).
    pub fn query(self, window: &str) -> String {
        let name = Self::ALL
            .iter()
            .find(|(m, _, _)| *m == self)
            .map(|(_, _, n)| *n)
            .unwrap_or_default();
        format!(
            "sum by (source_workload, source_workload_namespace, destination_service_name, \
             destination_service_namespace) (increase({name}{{reporter=\"source\"}}[{window}]))"
        )
    }
}

impl IstioMetrics {
    /// The slot of one metric.
    pub fn slot(&mut self, metric: IstioMetric) -> &mut Option<PrometheusEdges> {
        match metric {
            IstioMetric::Requests => &mut self.requests,
            IstioMetric::RequestBytes => &mut self.request_bytes,
            IstioMetric::ResponseBytes => &mut self.response_bytes,
        }
    }
}

/// Everything observed about traffic, as the readers returned it.
#[derive(Debug, Clone, Default)]
pub struct ObservedTraffic {
    /// VPC Flow Logs, all files read into one summary.
    pub flow_logs: Option<FlowSummary>,
    /// Istio metrics from Prometheus.
    pub istio: IstioMetrics,
    /// Edges CSV files: document name and rows.
    pub csv: Vec<(String, Vec<CsvEdge>)>,
}

/// Where an edge's volume came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrafficSource {
    /// VPC Flow Logs: bytes over the window.
    FlowLogs {
        /// Bytes observed.
        bytes: Decimal,
    },
    /// Istio metrics: totals over the window (`None`: that response was not given or has no
    /// series for the edge).
    Prometheus {
        /// Requests.
        requests: Option<Decimal>,
        /// Request bytes.
        request_bytes: Option<Decimal>,
        /// Response bytes.
        response_bytes: Option<Decimal>,
    },
    /// A row of an edges CSV.
    EdgesCsv {
        /// The document.
        document: String,
        /// Its 1-based line.
        line: u64,
        /// What the row gives.
        volume: EdgeVolume,
    },
}

/// One edge with its monthly volume and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthlyEdge {
    /// Client service, `namespace/name`.
    pub from: String,
    /// Server service.
    pub to: String,
    /// The volume written to the scenario.
    pub volume: TrafficVolume,
    /// The source used.
    pub source: TrafficSource,
    /// Other sources that saw the edge (not used).
    pub also: Vec<TrafficSource>,
}

/// How observed totals become monthly volumes.
#[derive(Debug, Clone, Copy)]
pub struct Scaling {
    /// The observation window.
    pub window: Window,
    /// Hours in the scenario's month.
    pub hours_per_month: Decimal,
    /// Bytes per GB of the scenario's billing convention.
    pub gigabyte_bytes: Decimal,
}

fn scale_err(document: &str, message: String) -> ImportError {
    ImportError::new(
        document,
        ImportLocation::Document,
        ImportErrorKind::BadValue {
            field: "window".into(),
            value: String::new(),
            reason: message,
        },
    )
}

impl Scaling {
    fn gb(&self, bytes_per_month: Decimal) -> Decimal {
        (bytes_per_month / self.gigabyte_bytes)
            .round_dp(9)
            .normalize()
    }

    /// The monthly volume of a byte total over the window.
    pub fn bytes(&self, total: Decimal, document: &str) -> Result<TrafficVolume, ImportError> {
        let m = monthly_from_bytes(total, self.window, self.hours_per_month)
            .map_err(|e| scale_err(document, e))?;
        Ok(TrafficVolume::Monthly {
            gb: self.gb(m.bytes_per_month),
            bytes_per_request: None,
        })
    }

    /// The monthly volume of Istio totals: a rate with sizes when requests and both byte
    /// totals are known, else monthly bytes (with bytes per request when requests are known).
    fn istio(
        &self,
        requests: Option<Decimal>,
        request_bytes: Option<Decimal>,
        response_bytes: Option<Decimal>,
    ) -> Result<Option<TrafficVolume>, ImportError> {
        let doc = "prometheus";
        let bytes = match (request_bytes, response_bytes) {
            (None, None) => return Ok(None),
            (a, b) => a.unwrap_or_default() + b.unwrap_or_default(),
        };
        let reqs = requests.filter(|r| !r.is_zero());
        let m = monthly_from_requests(
            reqs.unwrap_or_default(),
            request_bytes.unwrap_or_default(),
            response_bytes.unwrap_or_default(),
            self.window,
            self.hours_per_month,
        )
        .map_err(|e| scale_err(doc, e))?;
        let both = request_bytes.is_some() && response_bytes.is_some();
        Ok(Some(match (reqs, m.requests_per_second, both) {
            (Some(_), Some(rps), true) => TrafficVolume::Rate {
                rps: rps.round_dp(6).normalize(),
                request_bytes: m.request_bytes.unwrap_or_default().round_dp(3).normalize(),
                response_bytes: m.response_bytes.unwrap_or_default().round_dp(3).normalize(),
            },
            (Some(r), _, _) => TrafficVolume::Monthly {
                gb: self.gb(m.bytes_per_month),
                bytes_per_request: Some((bytes / r).round_dp(3).normalize()),
            },
            _ => TrafficVolume::Monthly {
                gb: self.gb(m.bytes_per_month),
                bytes_per_request: None,
            },
        }))
    }
}

fn istio_value(m: &Option<PrometheusEdges>, edge: &ServiceEdge) -> Option<Decimal> {
    m.as_ref().and_then(|p| p.edges.get(edge).copied())
}

/// The merged edges of an import.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MonthlyEdges {
    /// One edge per (client, server), sorted.
    pub edges: Vec<MonthlyEdge>,
    /// Edges Prometheus counted requests on (`istio_requests_total`) without any byte metric,
    /// and no other source gave a volume: a request count alone has no volume, so they are left
    /// out, and the import says so.
    pub requests_only: Vec<ServiceEdge>,
}

/// Merges every source into one edge per (client, server), sorted (module docs give the rules).
pub fn monthly_edges(
    traffic: &ObservedTraffic,
    scaling: &Scaling,
) -> Result<MonthlyEdges, ImportError> {
    let mut edges: BTreeMap<ServiceEdge, MonthlyEdge> = BTreeMap::new();
    let mut offer = |key: ServiceEdge, volume: TrafficVolume, source: TrafficSource| match edges
        .get_mut(&key)
    {
        Some(e) => {
            let old = std::mem::replace(&mut e.source, source);
            e.also.push(old);
            e.volume = volume;
        }
        None => {
            edges.insert(
                key.clone(),
                MonthlyEdge {
                    from: key.0,
                    to: key.1,
                    volume,
                    source,
                    also: Vec::new(),
                },
            );
        }
    };
    if let Some(f) = &traffic.flow_logs {
        for (key, bytes) in &f.edges {
            let v = scaling.bytes(*bytes, "flow logs")?;
            offer(key.clone(), v, TrafficSource::FlowLogs { bytes: *bytes });
        }
    }
    let i = &traffic.istio;
    let mut keys: Vec<&ServiceEdge> = [&i.requests, &i.request_bytes, &i.response_bytes]
        .into_iter()
        .flatten()
        .flat_map(|p| p.edges.keys())
        .collect();
    keys.sort();
    keys.dedup();
    let mut requests_only = Vec::new();
    for key in keys {
        let (r, q, s) = (
            istio_value(&i.requests, key),
            istio_value(&i.request_bytes, key),
            istio_value(&i.response_bytes, key),
        );
        if let Some(v) = scaling.istio(r, q, s)? {
            let src = TrafficSource::Prometheus {
                requests: r,
                request_bytes: q,
                response_bytes: s,
            };
            offer(key.clone(), v, src);
        } else if r.is_some() {
            requests_only.push(key.clone());
        }
    }
    for (document, rows) in &traffic.csv {
        for row in rows {
            let v = match &row.volume {
                EdgeVolume::Bytes(b) => scaling.bytes(*b, document)?,
                EdgeVolume::Rate {
                    rps,
                    request_bytes,
                    response_bytes,
                } => TrafficVolume::Rate {
                    rps: *rps,
                    request_bytes: *request_bytes,
                    response_bytes: *response_bytes,
                },
            };
            let src = TrafficSource::EdgesCsv {
                document: document.clone(),
                line: row.line,
                volume: row.volume.clone(),
            };
            offer((row.from.clone(), row.to.clone()), v, src);
        }
    }
    requests_only.retain(|k| !edges.contains_key(k));
    Ok(MonthlyEdges {
        edges: edges.into_values().collect(),
        requests_only,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rust_decimal::dec;

    fn scaling(w: &str) -> Scaling {
        Scaling {
            window: Window::parse(w).unwrap(),
            hours_per_month: dec!(730),
            gigabyte_bytes: dec!(1073741824),
        }
    }

    #[test]
    fn istio_totals_become_a_rate_with_sizes() {
        // 86,400 requests in 24 h = 1 rps; 17,280,000 request bytes = 200 B each;
        // 86,400,000 response bytes = 1,000 B each.
        let v = scaling("24h")
            .istio(
                Some(dec!(86400)),
                Some(dec!(17280000)),
                Some(dec!(86400000)),
            )
            .unwrap();
        assert_eq!(
            v,
            Some(TrafficVolume::Rate {
                rps: dec!(1),
                request_bytes: dec!(200),
                response_bytes: dec!(1000)
            })
        );
        // Only response bytes and no requests: monthly bytes. 2^30 bytes per 24 h -> x 730/24
        // GB per month = 30.416666667 (9 decimals).
        let v = scaling("24h")
            .istio(None, None, Some(dec!(1073741824)))
            .unwrap();
        assert_eq!(
            v,
            Some(TrafficVolume::Monthly {
                gb: dec!(30.416666667),
                bytes_per_request: None
            })
        );
        assert_eq!(
            scaling("24h").istio(Some(dec!(5)), None, None).unwrap(),
            None
        );
    }

    #[test]
    fn the_most_specific_source_wins_and_the_others_are_kept() {
        let mut f = FlowSummary::default();
        let key = ("a/x".to_string(), "a/y".to_string());
        f.edges.insert(key.clone(), dec!(2147483648));
        let csv = CsvEdge {
            from: "a/x".into(),
            to: "a/y".into(),
            volume: EdgeVolume::Rate {
                rps: dec!(3),
                request_bytes: dec!(10),
                response_bytes: dec!(20),
            },
            line: 2,
        };
        let t = ObservedTraffic {
            flow_logs: Some(f),
            istio: IstioMetrics::default(),
            csv: vec![("e.csv".into(), vec![csv])],
        };
        let e = monthly_edges(&t, &scaling("730h")).unwrap().edges;
        assert_eq!(e.len(), 1);
        assert_eq!(
            e[0].volume,
            TrafficVolume::Rate {
                rps: dec!(3),
                request_bytes: dec!(10),
                response_bytes: dec!(20)
            }
        );
        // The flow logs' 2 GiB over a 730 h window is 2 GB a month, kept as `also`.
        assert_eq!(
            e[0].also,
            vec![TrafficSource::FlowLogs {
                bytes: dec!(2147483648)
            }]
        );
        assert_eq!(
            scaling("730h").bytes(dec!(2147483648), "x").unwrap(),
            TrafficVolume::Monthly {
                gb: dec!(2),
                bytes_per_request: None
            }
        );
    }
}
