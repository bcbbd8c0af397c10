//! `ewsim calc`: flags -> scenario YAML (the library's `calc::scenario_yaml`) -> the normal loader,
//! so what `--print-scenario` prints is exactly what gets evaluated.

use crate::{Failure, emit, input, price_table, write_output};
use clap::Args;
use ewsim::calc::{self, CalcInput};
use ewsim::loader;

/// Flags of `ewsim calc`.
#[derive(Args)]
pub struct CalcArgs {
    /// Traffic volume per month, request + response (e.g. `10TB`; TB = 1,024 GB), or a 90% range
    /// (`"8TB to 15TB"`) for P10 / P50 / P90 figures.
    #[arg(long, value_name = "VOLUME")]
    traffic: String,
    /// Availability zones, named after the region: `us-east-1a`, `us-east-1b`, ...
    #[arg(long, value_name = "N", default_value_t = 3)]
    zones: u32,
    /// AWS region (selects the built-in price table).
    #[arg(long, default_value = "us-east-1")]
    region: String,
    /// Average bytes per request + response (e.g. `16KiB`): gives the request rate that load
    /// balancer and Lattice request charges need.
    #[arg(long, value_name = "SIZE")]
    request_size: Option<String>,
    /// Replicas of each service, spread evenly over the zones.
    #[arg(long, value_name = "N", default_value_t = 6)]
    replicas: u32,
    /// Worker nodes per zone.
    #[arg(long, value_name = "N", default_value_t = 2)]
    nodes_per_zone: u32,
    /// EC2 instance type of the worker nodes.
    #[arg(long, value_name = "TYPE", default_value = "m5.large")]
    instance_type: String,
    /// Option kinds to price, comma-separated, or `all` (default: clusterip, topology-aware,
    /// itp-local, internal-alb, internal-nlb, lattice).
    #[arg(long, value_name = "KINDS")]
    options: Option<String>,
    /// Calling service.
    #[arg(long, default_value = "frontend")]
    from: String,
    /// Called service.
    #[arg(long, default_value = "backend")]
    to: String,
    /// Print the equivalent scenario YAML (to `--out` when given) and exit without evaluating.
    #[arg(long)]
    print_scenario: bool,
    #[command(flatten)]
    report: emit::ReportArgs,
}

/// Runs `ewsim calc`.
pub fn calc(args: &CalcArgs) -> Result<(), Failure> {
    let c = CalcInput {
        traffic: args.traffic.clone(),
        zones: args.zones,
        region: args.region.clone(),
        request_size: args.request_size.clone(),
        replicas: args.replicas,
        nodes_per_zone: args.nodes_per_zone,
        instance_type: args.instance_type.clone(),
        options: match &args.options {
            Some(list) => calc::parse_option_list(list),
            None => default_options(&args.region, args.report.pricing.is_some()),
        },
        from: args.from.clone(),
        to: args.to.clone(),
    };
    c.check().map_err(Failure::from)?;
    let yaml = calc::scenario_yaml(&c);
    if args.print_scenario {
        return write_output(args.report.out.as_deref(), &yaml).map_err(Failure::Runtime);
    }
    let loaded = loader::parse_scenario(&yaml, "<calc>").map_err(|e| input(e, None))?;
    // Problems only the evaluation finds (an instance type or region without prices) point into
    // the generated text: say where to see it.
    let located = |f| match f {
        Failure::Input(m) => Failure::Input(format!(
            "{m}\n(`<calc>` is the scenario built from the flags: see it with --print-scenario)"
        )),
        other => other,
    };
    let table = price_table(&loaded, None, args.report.pricing.as_deref()).map_err(located)?;
    ewsim::evaluate(&loaded.scenario, &table).map_err(|e| located(input(e, Some(&loaded))))?;
    emit::emit(&loaded, &table, &args.report)
}

/// The default option kinds, without Lattice in a region whose built-in table has no verified
/// Lattice price (ap-northeast-2) unless a `--pricing` file may supply one: a default should not
/// fail where the user asked for nothing unusual. Says so on standard error.
fn default_options(region: &str, pricing_file: bool) -> Vec<String> {
    let unpriced = !pricing_file
        && ewsim::PriceTable::builtin(region)
            .is_ok_and(|t| t.get(ewsim::pricing::PriceKey::LatticeServiceHour).is_err());
    if unpriced {
        eprintln!(
            "note: lattice left out of the default options: no verified VPC Lattice price for \
             {region} (name it in --options with a --pricing file that sets one)"
        );
    }
    calc::DEFAULT_OPTIONS
        .iter()
        .filter(|k| !(unpriced && **k == "lattice"))
        .map(|s| s.to_string())
        .collect()
}
