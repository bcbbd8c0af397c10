//! The JSON report as a typed, versioned document ([`Document`], `schema_version` =
//! [`SCHEMA_VERSION`]): what `ewsim run --format json` writes and what `ewsim diff` reads back,
//! one type for both.
//!
//! Money is written twice: rounded to the cent as a number (`monthly_cost_usd`) and exact as a
//! string (`monthly_cost_usd_exact`); readers take the string. Fields are declared in the byte
//! order of their names, which is the order serde writes them in, so documents are stable.
//!
//! Writing streams: [`fn@write`] serialises each edge's entry (with its expanded paths) as it goes,
//! so a report of thousands of edges never sits in memory as a JSON tree. [`Document::of`]
//! builds the whole value for callers who want it; [`parse`] reads a saved report.

use super::{Report, SCHEMA_VERSION};
use crate::cost::OptionReport;
use crate::error::{Diagnostic, InputError, Location};
use crate::path_latency::EntryLatency;
use rust_decimal::Decimal;
use serde::ser::SerializeSeq;
use serde::{Deserialize, Serialize, Serializer};

/// A decimal as the JSON number it is written as (the exact value travels as a string).
fn num(v: Decimal) -> f64 {
    v.to_string().parse::<f64>().unwrap_or(0.0)
}

/// The whole report. `E` is how an option's edges are held: a list when read or built
/// ([`Document::of`]), a lazy view when streamed ([`fn@write`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[serde(bound(deserialize = "E: Deserialize<'de> + Default"))]
#[non_exhaustive]
pub struct Document<E = Vec<Edge>> {
    /// Billing conventions.
    pub billing: Billing,
    /// Simulation provenance and per-edge / entry-point percentiles, when simulated.
    pub latency: Option<Latency>,
    /// One entry per option, in scenario order.
    pub options: Vec<OptionEntry<E>>,
    /// The price table used.
    pub price_table: PriceTableRef,
    /// Pricing region.
    pub region: String,
    /// Scenario name.
    pub scenario: String,
    /// Layout version ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// Per replica state, what it contributes.
    pub states: Vec<State>,
    /// The ranges' draws, when the scenario has ranges.
    pub uncertainty: Option<Uncertainty>,
}

/// Billing conventions of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct Billing {
    /// How capacity units are taken (`hourly-max`, ...).
    pub capacity_units: String,
    /// GB size (`binary`, `decimal`).
    pub gigabyte: String,
    /// Hours per month.
    pub hours_per_month: f64,
    /// Sides inter-AZ transfer is charged on.
    pub inter_az: String,
}

/// The price table a report was priced with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct PriceTableRef {
    /// Table date.
    pub as_of: String,
    /// Currency of every amount.
    pub currency: String,
    /// Where the table came from (files, overrides).
    pub origin: String,
}

/// One option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[serde(bound(deserialize = "E: Deserialize<'de> + Default"))]
#[non_exhaustive]
pub struct OptionEntry<E = Vec<Edge>> {
    /// Whether a figure rests on a stated assumption.
    pub assumed: bool,
    /// GB per month crossing zones.
    pub cross_az_gb_month: f64,
    /// GB per month delivered.
    pub delivered_gb_month: f64,
    /// Description from the scenario.
    pub description: Option<String>,
    /// Byte-weighted share of requests dropped.
    pub dropped_share: f64,
    /// Per traffic edge.
    pub edges: E,
    /// Option kind spelling.
    pub kind: String,
    /// Latency percentiles, when simulated and the option delivers requests.
    pub latency: Option<Percentiles>,
    /// Priced line items.
    pub line_items: Vec<LineItem>,
    /// Monthly cost rounded to the cent.
    pub monthly_cost_usd: f64,
    /// Exact monthly cost (a decimal string).
    pub monthly_cost_usd_exact: String,
    /// Option name.
    pub name: String,
    /// Notes for the reader.
    pub notes: Vec<String>,
    /// GB per month offered.
    pub offered_gb_month: f64,
    /// P10 / P50 / P90 over the ranges' draws.
    pub ranges: Option<Ranges>,
}

/// One priced line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct LineItem {
    /// Whether the quantity rests on an assumption.
    pub assumed: bool,
    /// Stable component id.
    pub component: String,
    /// Cost rounded to the cent.
    pub cost_usd: f64,
    /// Exact cost (a decimal string).
    pub cost_usd_exact: String,
    /// Human description.
    pub description: String,
    /// Price-table key of the unit price.
    pub price_key: String,
    /// Source and date of the price.
    pub price_source: String,
    /// Billed quantity per month.
    pub quantity: f64,
    /// Unit of the quantity.
    pub unit: String,
    /// USD per unit.
    pub unit_price_usd: f64,
}

/// One traffic edge under one option, with its share of the option's cost
/// ([`crate::cost::by_edge`]; docs/reports.md "Cost by traffic edge").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct Edge {
    /// Whether an assumption replaced the model's cross-zone share.
    pub assumed: bool,
    /// The edge's exact cost by allocation basis (`transfer`, `usage`, `capacity`, `fixed`;
    /// decimal strings).
    pub cost_by_basis_usd_exact: std::collections::BTreeMap<String, String>,
    /// GB per month crossing an AZ boundary, summed over hops.
    pub cross_az_gb_month: f64,
    /// GB per month delivered.
    pub delivered_gb_month: f64,
    /// Share of requests dropped.
    pub dropped_share: f64,
    /// Calling service.
    pub from: String,
    /// Request plus response GB per month.
    pub gb_month: f64,
    /// Topology hints state, for the options the upstream model routes.
    pub hints: Option<String>,
    /// How this edge is routed: the option's kind, or for a `per-service` option the kind it
    /// uses for the called service.
    pub kind: String,
    /// The edge's monthly cost to the cent (largest remainder: the option's edges add up to its
    /// `monthly_cost_usd`).
    pub monthly_cost_usd: f64,
    /// The edge's exact monthly cost (a decimal string; the edges add up to the option's).
    pub monthly_cost_usd_exact: String,
    /// Notes about this edge (also listed in the option's `notes`).
    pub notes: Vec<String>,
    /// The delivered requests' paths.
    pub paths: Vec<Path>,
    /// Requests per second, when known.
    pub rps: Option<f64>,
    /// Called service.
    pub to: String,
}

/// One path of an edge's requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct Path {
    /// Zone (slot name) of the clients.
    pub client_zone: String,
    /// Hops in order.
    pub hops: Vec<Hop>,
    /// Share of the edge's requests.
    pub share: f64,
}

/// One hop of a path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct Hop {
    /// Zone the hop leaves.
    pub from: String,
    /// Kind of hop (`pod->pod`, `client->lb`, ...).
    pub kind: String,
    /// Zone the hop reaches.
    pub to: String,
}

/// An option's latency percentiles (ms).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct Percentiles {
    /// Mean.
    pub mean_ms: f64,
    /// Interval of the median at `p99_ci_confidence` (how far another seed may move it).
    pub p50_ci_ms: Option<(f64, f64)>,
    /// Median.
    pub p50_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99.9th percentile.
    pub p999_ms: f64,
    /// Confidence level of `p99_ci_ms` and `p50_ci_ms`.
    pub p99_ci_confidence: f64,
    /// Interval of the p99.
    pub p99_ci_ms: Option<(f64, f64)>,
    /// 99th percentile.
    pub p99_ms: f64,
}

/// P10 / P50 / P90 of one figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct Spread<T> {
    /// 10th percentile.
    pub p10: T,
    /// Median.
    pub p50: T,
    /// 90th percentile.
    pub p90: T,
}

/// An option's figures over the ranges' draws (money as decimal strings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct Ranges {
    /// GB per month crossing zones.
    pub cross_az_gb_month: Spread<String>,
    /// Monthly cost (USD).
    pub monthly_cost_usd: Spread<String>,
    /// Median latency (ms), when simulated.
    pub p50_ms: Option<Spread<f64>>,
    /// p99 latency (ms), when simulated.
    pub p99_ms: Option<Spread<f64>>,
}

/// Simulation provenance and the per-edge and per-entry-point percentiles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct Latency {
    /// Latency of one call per traffic edge (JSON only computes them).
    pub edges: Vec<Block>,
    /// End-to-end latency per call-graph entry point.
    pub entry_points: Vec<Block>,
    /// Generator and seeding scheme.
    pub rng: String,
    /// Simulated requests per option.
    pub samples: u64,
    /// Master seed.
    pub seed: u64,
}

/// Percentiles of one named block (an edge or an entry point) under every option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct Block {
    /// Edge (`from -> to`) or entry point name.
    pub name: String,
    /// Per option, in scenario order.
    pub options: Vec<BlockOption>,
}

/// One option's percentiles in a [`Block`] (`null` when a call delivers nothing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct BlockOption {
    /// For an entry point: the share of its requests with a dropped call on the way
    /// ([`crate::cost::EntryDropped`]); absent for traffic edges (their option entry has it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dropped_share: Option<f64>,
    /// Option name.
    pub option: String,
    /// Median (ms).
    pub p50_ms: Option<f64>,
    /// 90th percentile (ms).
    pub p90_ms: Option<f64>,
    /// 99.9th percentile (ms).
    pub p999_ms: Option<f64>,
    /// 99th percentile (ms).
    pub p99_ms: Option<f64>,
}

/// The ranges and their draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct Uncertainty {
    /// Number of draws.
    pub draws: usize,
    /// The values written as ranges.
    pub inputs: Vec<RangeInput>,
    /// Simulated requests per option per draw.
    pub latency_samples_per_draw: Option<u64>,
    /// Seed of the draws.
    pub seed: u64,
}

/// One value written as a range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct RangeInput {
    /// `lognormal`, `normal` or `uniform`.
    pub distribution: String,
    /// High end (canonical unit).
    pub high: String,
    /// Low end (canonical unit).
    pub low: String,
    /// The median the point report uses.
    pub median: String,
    /// Scenario path of the value.
    pub path: String,
    /// The range as written.
    pub text: String,
    /// Canonical unit.
    pub unit: String,
}

/// What one replica state contributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct State {
    /// State name.
    pub name: String,
    /// Per option.
    pub options: Vec<StateOption>,
    /// Share of the month.
    pub share: f64,
    /// Share of the month, exact.
    pub share_exact: String,
}

/// One option during a state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct StateOption {
    /// Per traffic edge.
    pub edges: Vec<StateEdge>,
    /// Option name.
    pub option: String,
}

/// One edge during a state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
#[non_exhaustive]
pub struct StateEdge {
    /// GB crossing zones during the state.
    pub cross_az_gb_month: f64,
    /// Share dropped during the state.
    pub dropped_share: f64,
    /// Calling service.
    pub from: String,
    /// Topology hints state during the state.
    pub hints: Option<String>,
    /// Called service.
    pub to: String,
}

/// An option's edges, serialised one at a time from the report (see [`fn@write`]).
#[derive(Debug, Clone, Copy)]
pub struct EdgesOf<'a> {
    report: &'a Report,
    option: &'a OptionReport,
}

impl Serialize for EdgesOf<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.option.edges.len()))?;
        for k in 0..self.option.edges.len() {
            seq.serialize_element(&Edge::of(self.report, self.option, k))?;
        }
        seq.end()
    }
}

impl Edge {
    fn of(r: &Report, o: &OptionReport, k: usize) -> Edge {
        let e = &o.edges[k];
        let zone = |z: usize| r.cost.zone_names.get(z).cloned().unwrap_or_default();
        let c = o.cost.by_edge.get(k).cloned().unwrap_or_default();
        Edge {
            assumed: e.route.assumed,
            cost_by_basis_usd_exact: crate::cost::by_edge::BASES
                .iter()
                .zip(&c.by_basis)
                .map(|(b, v)| (b.as_str().to_owned(), v.to_string()))
                .collect(),
            cross_az_gb_month: num(c.cross_az_gb),
            delivered_gb_month: num(c.delivered_gb),
            dropped_share: num(e.route.dropped),
            from: e.from.to_string(),
            gb_month: num(e.load.gb_month),
            hints: e.route.hints.as_deref().map(str::to_owned),
            kind: e.kind.to_owned(),
            monthly_cost_usd: num(c.total_cents),
            monthly_cost_usd_exact: c.total.to_string(),
            notes: o.edge_notes(k).into_iter().map(str::to_owned).collect(),
            paths: e
                .route
                .paths()
                .iter()
                .map(|p| Path {
                    client_zone: zone(p.client_zone),
                    hops: p
                        .hops
                        .iter()
                        .map(|h| Hop {
                            from: zone(h.from),
                            kind: h.kind.as_str().to_owned(),
                            to: zone(h.to),
                        })
                        .collect(),
                    share: num(p.share),
                })
                .collect(),
            rps: e.load.rps.map(num),
            to: e.to.to_string(),
        }
    }
}

fn option_entry<'a, E>(
    r: &'a Report,
    i: usize,
    o: &'a OptionReport,
    edges: impl Fn(&'a OptionReport) -> E,
) -> OptionEntry<E> {
    OptionEntry {
        assumed: o.assumed,
        cross_az_gb_month: num(o.cost.cross_az_gb),
        delivered_gb_month: num(o.cost.delivered_gb),
        description: o.description.clone(),
        dropped_share: num(o.cost.dropped_share),
        edges: edges(o),
        kind: o.kind.to_owned(),
        latency: r.option_latency(i).map(|x| Percentiles {
            mean_ms: x.mean_ms,
            p50_ci_ms: x.p50_ci_ms,
            p50_ms: x.p50_ms,
            p90_ms: x.p90_ms,
            p999_ms: x.p999_ms,
            p99_ci_confidence: x.confidence,
            p99_ci_ms: x.p99_ci_ms,
            p99_ms: x.p99_ms,
        }),
        line_items: o
            .cost
            .line_items
            .iter()
            .map(|l| LineItem {
                assumed: l.assumed,
                component: l.component.clone(),
                cost_usd: num(crate::cost::cents(l.cost)),
                cost_usd_exact: l.cost.to_string(),
                description: l.description.clone(),
                price_key: l.price_key.clone(),
                price_source: l.price_source.clone(),
                quantity: num(l.quantity),
                unit: l.unit.clone(),
                unit_price_usd: num(l.unit_price),
            })
            .collect(),
        monthly_cost_usd: num(crate::cost::cents(o.cost.total)),
        monthly_cost_usd_exact: o.cost.total.to_string(),
        name: o.name.clone(),
        notes: o.cost.notes.clone(),
        offered_gb_month: num(o.cost.offered_gb),
        ranges: r
            .uncertainty
            .as_ref()
            .and_then(|u| u.options.get(i))
            .map(|x| Ranges {
                cross_az_gb_month: spread(&x.cross_az_gb, ToString::to_string),
                monthly_cost_usd: spread(&x.cost_usd, ToString::to_string),
                p50_ms: x.p50_ms.as_ref().map(|p| spread(p, |v| *v)),
                p99_ms: x.p99_ms.as_ref().map(|p| spread(p, |v| *v)),
            }),
    }
}

fn spread<T, U>(s: &super::Spread<T>, f: impl Fn(&T) -> U) -> Spread<U> {
    Spread {
        p10: f(&s.p10),
        p50: f(&s.p50),
        p90: f(&s.p90),
    }
}

/// The JSON blocks of per-edge (`entry_points: false`) or per-entry-point latency; entry points
/// carry their dropped shares.
fn blocks(r: &Report, list: &[EntryLatency], entry_points: bool) -> Vec<Block> {
    list.iter()
        .map(|ep| {
            let dropped = entry_points
                .then(|| r.cost.entry_dropped(&ep.name))
                .flatten();
            Block {
                name: ep.name.clone(),
                options: r
                    .cost
                    .options
                    .iter()
                    .zip(&ep.options)
                    .enumerate()
                    .map(|(i, (o, x))| BlockOption {
                        dropped_share: dropped.and_then(|d| d.get(i)).map(|d| num(*d)),
                        option: o.name.clone(),
                        p50_ms: x.as_ref().map(|x| x.p50_ms),
                        p90_ms: x.as_ref().map(|x| x.p90_ms),
                        p999_ms: x.as_ref().map(|x| x.p999_ms),
                        p99_ms: x.as_ref().map(|x| x.p99_ms),
                    })
                    .collect(),
            }
        })
        .collect()
}

impl<E> Document<E> {
    fn with_edges<'a>(r: &'a Report, edges: impl Fn(&'a OptionReport) -> E + Copy) -> Self {
        let c = &r.cost;
        Document {
            billing: Billing {
                capacity_units: c.billing.capacity_units.as_str().to_owned(),
                gigabyte: c.billing.gigabyte.as_str().to_owned(),
                hours_per_month: num(c.billing.hours_per_month),
                inter_az: c.billing.inter_az.as_str().to_owned(),
            },
            latency: r.latency.as_ref().map(|l| Latency {
                edges: blocks(r, &l.edges, false),
                entry_points: blocks(r, &l.entry_points, true),
                rng: l.rng.clone(),
                samples: l.samples,
                seed: l.seed,
            }),
            options: c
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| option_entry(r, i, o, edges))
                .collect(),
            price_table: PriceTableRef {
                as_of: c.price_table_as_of.clone(),
                currency: c.currency.clone(),
                origin: c.price_table.clone(),
            },
            region: c.region.clone(),
            scenario: c.scenario.clone(),
            schema_version: SCHEMA_VERSION,
            states: c
                .states
                .iter()
                .map(|st| State {
                    name: st.name.clone(),
                    options: st
                        .options
                        .iter()
                        .map(|o| StateOption {
                            edges: o
                                .edges
                                .iter()
                                .map(|e| StateEdge {
                                    cross_az_gb_month: num(e.cross_az_gb),
                                    dropped_share: num(e.dropped),
                                    from: e.from.clone(),
                                    hints: e.hints.clone(),
                                    to: e.to.clone(),
                                })
                                .collect(),
                            option: o.option.clone(),
                        })
                        .collect(),
                    share: num(st.share),
                    share_exact: st.share.to_string(),
                })
                .collect(),
            uncertainty: r.uncertainty.as_ref().map(|u| Uncertainty {
                draws: u.config.draws,
                inputs: u
                    .inputs
                    .iter()
                    .map(|i| RangeInput {
                        distribution: i.dist.as_str().to_owned(),
                        high: i.high.to_string(),
                        low: i.low.to_string(),
                        median: i.median().to_string(),
                        path: i.path.clone(),
                        text: i.text.clone(),
                        unit: i.kind.unit().to_owned(),
                    })
                    .collect(),
                latency_samples_per_draw: u.config.latency_samples,
                seed: u.config.seed,
            }),
        }
    }
}

impl Document {
    /// The document of a report, every edge materialised (use [`fn@write`] for large reports).
    pub fn of(r: &Report) -> Document {
        Document::with_edges(r, |o| {
            (0..o.edges.len()).map(|k| Edge::of(r, o, k)).collect()
        })
    }
}

/// Writes the report's JSON document (pretty-printed, ending in a newline), one edge at a time.
pub fn write<W: std::io::Write>(r: &Report, mut w: W) -> std::io::Result<()> {
    let doc = Document::with_edges(r, |o| EdgesOf {
        report: r,
        option: o,
    });
    serde_json::to_writer_pretty(&mut w, &doc).map_err(std::io::Error::other)?;
    w.write_all(b"\n")
}

/// The report's JSON document as text (see [`fn@write`]).
pub fn to_string(r: &Report) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write(r, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Reads a saved JSON report. `file` names the source in errors: malformed JSON is reported at
/// its line and column, a report of another `schema_version` (or something that is not an ewsim
/// report) by what is wrong.
pub fn parse(text: &str, file: &str) -> Result<Document, InputError> {
    let at = |line: usize, column: usize| Location {
        file: file.to_string(),
        line: line as u64,
        column: column as u64,
    };
    let json_error = |e: serde_json::Error| {
        // serde_json's message ends with its own " at line L column C": keep only the cause.
        let msg = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let cause = msg.strip_suffix(&suffix).unwrap_or(&msg);
        let mut d = Diagnostic::at("", format!("not valid JSON: {cause}"));
        // Column 0 means "before the first character" of the line (e.g. at end of file).
        d.location = Some(at(e.line(), e.column().max(1)));
        InputError::single(d)
    };
    let fail = |path: &str, msg: String| {
        let mut d = Diagnostic::at(path, msg);
        d.location = Some(at(0, 0));
        InputError::single(d)
    };
    // The version first, so that a report of another layout says so rather than failing on a
    // field it does not have.
    #[derive(Deserialize)]
    struct Version {
        schema_version: Option<serde_json::Value>,
    }
    let v: Version = serde_json::from_str(text).map_err(json_error)?;
    let version = v.schema_version.ok_or_else(|| {
        fail(
            "schema_version",
            "missing: not an ewsim JSON report (write one with `ewsim run --format json`)".into(),
        )
    })?;
    if version.as_u64() != Some(u64::from(SCHEMA_VERSION)) {
        return Err(fail(
            "schema_version",
            format!(
                "this report has schema_version {version}; this ewsim reads and writes \
                 schema_version {SCHEMA_VERSION} (re-run the older scenario with this ewsim)"
            ),
        ));
    }
    let doc: Document = serde_json::from_str(text).map_err(json_error)?;
    for (i, o) in doc.options.iter().enumerate() {
        if o.name.is_empty() {
            return Err(fail(
                &format!("options[{i}].name"),
                "missing or not a string".into(),
            ));
        }
        if o.exact_cost().is_none() {
            return Err(fail(
                &format!("options[{i}].monthly_cost_usd_exact"),
                format!("`{}` is not a decimal number", o.monthly_cost_usd_exact),
            ));
        }
    }
    Ok(doc)
}

impl<E> OptionEntry<E> {
    /// The exact monthly cost (`None` when the string is not a decimal number).
    pub fn exact_cost(&self) -> Option<Decimal> {
        use std::str::FromStr;
        let s = &self.monthly_cost_usd_exact;
        Decimal::from_str(s)
            .or_else(|_| Decimal::from_scientific(s))
            .ok()
    }
}
