//! `ewsim import`: reads a kubectl export and observed traffic, writes a commented scenario and
//! prints a summary on stderr (the work is `ewsim::import`). Any bad input: a located error,
//! exit 2, nothing written.

use crate::{Failure, write_output};
use ewsim::import::assemble::{
    EdgeDrop, ImportNote, ImportSettings, ImportSummary, Imported, InputKind, ServiceSkip,
    assemble, drop_unpriced_alternatives,
};
use ewsim::import::edges_csv::read_edges_csv;
use ewsim::import::flowlogs::{AddressClass, Cidr, FlowLogReader, FlowNote, FlowOptions};
use ewsim::import::kubectl::InventoryReader;
use ewsim::import::prometheus::{PrometheusOptions, read_prometheus};
use ewsim::import::traffic::{IstioMetric, ObservedTraffic};
use ewsim::import::window::Window;
use ewsim::import::{ImportError, ObservedCluster};
use ewsim::scenario::Billing;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Arguments of `ewsim import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// `kubectl get nodes,pods,services,endpointslices,ingresses -A -o json` (or `-o yaml`, or
    /// one file per kind); repeatable; `-` reads standard input.
    #[arg(long, value_name = "FILE", required = true)]
    kubectl: Vec<String>,
    /// VPC Flow Logs records (default version 2 format, or a custom format with its header
    /// line), uncompressed; repeatable; `-` reads standard input (`zcat *.log.gz | ...`).
    #[arg(long = "flow-logs", value_name = "FILE", num_args = 1..)]
    flow_logs: Vec<String>,
    /// A Prometheus HTTP API response of one Istio metric, as METRIC=FILE with METRIC
    /// `requests`, `request-bytes` or `response-bytes` (docs/import.md gives the queries).
    #[arg(long, value_name = "METRIC=FILE")]
    prometheus: Vec<String>,
    /// Edges CSV: `from,to,bytes` or `from,to,rps,request_bytes,response_bytes`.
    #[arg(long, value_name = "FILE.csv")]
    edges: Vec<PathBuf>,
    /// How long the traffic sources observed (`24h`, `7d`, `1h30m`): volumes are scaled from
    /// it to a month. Required with --flow-logs, --prometheus or a bytes edges CSV.
    #[arg(long, value_name = "DURATION")]
    window: Option<String>,
    /// Write the scenario here (default: standard output).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Pricing region (default: the nodes' topology.kubernetes.io/region label).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// Scenario name (default: `imported cluster`).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// The VPC's CIDR blocks (repeatable): flow-log addresses inside that are not the
    /// cluster's count as other-VPC, the rest as outside. Default: RFC 1918 and 100.64.0.0/10.
    #[arg(long = "vpc-cidr", value_name = "CIDR")]
    vpc_cidr: Vec<String>,
    /// Flow-log field names, space-separated, for files without a header line.
    #[arg(long = "flow-log-format", value_name = "FIELDS")]
    flow_log_format: Option<String>,
}

fn bad_flag(flag: &str, message: impl std::fmt::Display) -> Failure {
    Failure::Input(format!("error: {flag}: {message}"))
}

pub(crate) fn located(e: &ImportError) -> Failure {
    Failure::Input(crate::failure::diagnostic(&e.to_diagnostic()))
}

pub(crate) fn read_all(name: &str) -> Result<String, Failure> {
    if name == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Failure::Runtime(format!("error: cannot read standard input: {e}")))?;
        Ok(s)
    } else {
        std::fs::read_to_string(name)
            .map_err(|e| Failure::Runtime(format!("error: cannot read {name}: {e}")))
    }
}

fn open(name: &str) -> Result<Box<dyn BufRead>, Failure> {
    if name == "-" {
        return Ok(Box::new(BufReader::new(std::io::stdin())));
    }
    let f = std::fs::File::open(name)
        .map_err(|e| Failure::Runtime(format!("error: cannot read {name}: {e}")))?;
    Ok(Box::new(BufReader::with_capacity(1 << 16, f)))
}

fn flow_options(args: &ImportArgs) -> Result<FlowOptions, Failure> {
    let mut o = FlowOptions::default();
    if !args.vpc_cidr.is_empty() {
        o.vpc_cidrs = args
            .vpc_cidr
            .iter()
            .map(|c| Cidr::parse(c).map_err(|e| bad_flag("--vpc-cidr", e)))
            .collect::<Result<_, _>>()?;
    }
    o.format = args
        .flow_log_format
        .as_ref()
        .map(|f| f.split_whitespace().map(str::to_string).collect());
    Ok(o)
}

fn traffic(
    args: &ImportArgs,
    cluster: &ObservedCluster,
    inputs: &mut Vec<(InputKind, String)>,
) -> Result<ObservedTraffic, Failure> {
    let mut t = ObservedTraffic::default();
    if !args.flow_logs.is_empty() {
        let mut reader = FlowLogReader::new(cluster, flow_options(args)?);
        for name in &args.flow_logs {
            let doc = if name == "-" { "<stdin>" } else { name };
            reader.read(open(name)?, doc).map_err(|e| located(&e))?;
            inputs.push((InputKind::FlowLogs, doc.to_string()));
        }
        t.flow_logs = Some(reader.finish());
    }
    for spec in &args.prometheus {
        let Some((metric, file)) = spec
            .split_once('=')
            .and_then(|(m, f)| IstioMetric::parse(m).map(|m| (m, f)))
        else {
            return Err(bad_flag(
                "--prometheus",
                format!(
                    "`{spec}`: write METRIC=FILE with METRIC one of requests, request-bytes, response-bytes"
                ),
            ));
        };
        let slot = t.istio.slot(metric);
        if slot.is_some() {
            return Err(bad_flag(
                "--prometheus",
                format!("`{spec}`: metric given twice"),
            ));
        }
        let text = read_all(file)?;
        let p = read_prometheus(&text, file, cluster, &PrometheusOptions::default())
            .map_err(|e| located(&e))?;
        *slot = Some(p);
        inputs.push((InputKind::Prometheus, spec.clone()));
    }
    for path in &args.edges {
        let name = path.display().to_string();
        let f = std::fs::File::open(path)
            .map_err(|e| Failure::Runtime(format!("error: cannot read {name}: {e}")))?;
        let rows = read_edges_csv(f, &name).map_err(|e| located(&e))?;
        t.csv.push((name.clone(), rows));
        inputs.push((InputKind::EdgesCsv, name));
    }
    Ok(t)
}

/// Runs `ewsim import`.
pub fn run(args: &ImportArgs) -> Result<(), Failure> {
    let needs_window =
        !args.flow_logs.is_empty() || !args.prometheus.is_empty() || !args.edges.is_empty();
    let window = match &args.window {
        Some(w) => Window::parse(w).map_err(|e| bad_flag("--window", e))?,
        None if needs_window => {
            return Err(bad_flag(
                "--window",
                "required with traffic sources: how long they observed (e.g. 24h, 7d)",
            ));
        }
        None => Window::parse("730h").map_err(|e| bad_flag("--window", e))?,
    };
    if [&args.kubectl, &args.flow_logs]
        .iter()
        .flat_map(|v| v.iter())
        .filter(|n| *n == "-")
        .count()
        > 1
    {
        return Err(bad_flag(
            "--kubectl",
            "standard input (`-`) can be read only once",
        ));
    }
    let mut inputs = Vec::new();
    let mut reader = InventoryReader::new();
    for name in &args.kubectl {
        let text = read_all(name)?;
        let doc = if name == "-" { "<stdin>" } else { name };
        reader.add_document(doc, &text).map_err(|e| located(&e))?;
        inputs.push((InputKind::Kubectl, doc.to_string()));
    }
    let inventory = reader.finish().map_err(|e| located(&e))?;
    let cluster = ObservedCluster::from_inventory(&inventory);
    let observed = traffic(args, &cluster, &mut inputs)?;
    let settings = ImportSettings {
        name: args
            .name
            .clone()
            .unwrap_or_else(|| "imported cluster".into()),
        region: args.region.clone(),
        window,
        billing: Billing::default(),
        inputs,
    };
    let mut imported =
        assemble(&inventory, &cluster, &observed, &settings).map_err(|e| located(&e))?;
    // A region without a price table is left for `ewsim run` to name.
    if let Ok(table) =
        ewsim::loader::load_price_table(&imported.scenario.region, None, &crate::pricing_dirs())
    {
        drop_unpriced_alternatives(&mut imported, &table);
    }
    let file = args
        .out
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "<stdout>".into());
    let (yaml, _) = ewsim::import::write::imported_yaml(&imported, &file)?;
    write_output(args.out.as_deref(), &yaml)?;
    eprint!("{}", summary(&imported, args.out.as_deref()));
    Ok(())
}

fn class_name(c: AddressClass) -> &'static str {
    match c {
        AddressClass::Node => "node and host-network addresses",
        AddressClass::UnselectedPod => "pods no Service selects",
        AddressClass::SelectorlessEndpoint => "endpoints of Services without selector",
        AddressClass::OtherVpc => "other VPC addresses",
        AddressClass::Outside => "outside the VPC",
    }
}

fn note(n: &ImportNote) -> String {
    match n {
        ImportNote::UnlabeledNodesIn {
            zone,
            nodes,
            ready_pods,
        } => format!(
            "{nodes} node(s) without a zone label (and {ready_pods} Ready pod(s) on them) counted in {zone}"
        ),
        ImportNote::RegionFromZone(z) => {
            format!("no region label on the nodes: region taken from zone {z} (use --region)")
        }
        ImportNote::NoTraffic => {
            "no traffic edge: give --flow-logs, --prometheus or --edges".into()
        }
        ImportNote::AlternativeUnpriced { option, reason } => {
            format!("alternative `{option}` left out: {reason}")
        }
    }
}

fn pct(part: ewsim::Decimal, whole: ewsim::Decimal) -> String {
    if whole.is_zero() {
        return "0%".into();
    }
    format!(
        "{}%",
        (part * ewsim::Decimal::from(100) / whole).round_dp(1)
    )
}

/// The summary printed on stderr.
fn summary(imp: &Imported, out: Option<&Path>) -> String {
    let s: &ImportSummary = &imp.summary;
    let zones = imp
        .scenario
        .clusters
        .first()
        .map(|c| c.zones.len())
        .unwrap_or(0);
    let mut o = format!(
        "imported: {} services ({} Ready pods), {} nodes in {zones} zones, {} traffic edges, {} options -> {}\n",
        s.services,
        s.ready_pods,
        s.nodes,
        s.edges,
        imp.scenario.options.len(),
        out.map(|p| p.display().to_string())
            .unwrap_or_else(|| "standard output".into())
    );
    for (name, why) in &s.skipped_services {
        let why = match why {
            ServiceSkip::NoSelector => "no selector (its endpoints are counted as a class below)",
            ServiceSkip::NoReadyPods => "no Ready pod",
        };
        o.push_str(&format!("skipped Service {name}: {why}\n"));
    }
    for (from, to, why) in &s.dropped_edges {
        let why = match why {
            EdgeDrop::UnknownClient => "the client is not a scenario service",
            EdgeDrop::UnknownServer => "the server is not a scenario service",
            EdgeDrop::NoVolume => {
                "Prometheus counted requests but no bytes (give istio_request_bytes and \
                 istio_response_bytes too, or flow logs)"
            }
        };
        o.push_str(&format!("dropped edge {from} -> {to}: {why}\n"));
    }
    if let Some(f) = &s.flow_logs {
        let unmapped: ewsim::Decimal = f.unmapped_by_class.values().copied().sum();
        let total = f.mapped_bytes + unmapped;
        o.push_str(&format!(
            "flow logs: {} lines, {} records counted; {} bytes mapped to service pairs ({}), {} unmapped ({})\n",
            f.lines,
            f.records_used,
            f.mapped_bytes,
            pct(f.mapped_bytes, total),
            unmapped,
            pct(unmapped, total)
        ));
        for (c, b) in &f.unmapped_by_class {
            o.push_str(&format!("  unmapped, {}: {b} bytes\n", class_name(*c)));
        }
        for n in &f.notes {
            o.push_str(&format!(
                "note: {}\n",
                match n {
                    FlowNote::SameNodeTrafficNotLogged =>
                        "traffic between pods on the same node never reaches the flow logs: it is not in the volumes",
                    FlowNote::InterfaceAddressesOnly =>
                        "records without pkt-srcaddr/pkt-dstaddr: pods on the logging side were attributed through their node's address and the Service's target port",
                    FlowNote::NoFlowDirection =>
                        "records without flow-direction: the capture side was inferred",
                }
            ));
        }
    }
    for ((w, svc), b) in &s.prometheus_unmapped {
        o.push_str(&format!("unmapped Istio bytes {w} -> {svc}: {b}\n"));
    }
    for n in &s.notes {
        o.push_str(&format!("note: {}\n", note(n)));
    }
    o
}
