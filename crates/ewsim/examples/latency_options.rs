//! How to build request paths for routing options from the hop catalogue and compare them with
//! common random numbers.
//!
//! Run: `cargo run --release -p ewsim --example latency_options`
//!
//! One client→server call per request, 3 AZs, endpoints spread evenly:
//! * `clusterip`: kube-proxy (iptables, 5,000 Services) picks any endpoint ⇒ P(cross-AZ) = 2/3;
//! * `prefer-same-zone`: `trafficDistribution: PreferSameZone` ⇒ same AZ;
//! * `clusterip+istio`: as `clusterip`, through an Istio sidecar pair with its queueing term.
//!
//! Per request: DNS lookup with probability `P_DNS` (clients cache), on a new connection
//! (probability `1 / REQUESTS_PER_CONNECTION`) kube-proxy first-packet NAT + TCP handshake, the
//! network RTT, optional sidecars, server time, and the TCP data-loss RTO tail.

use ewsim::latency::{
    Catalogue, CompiledPath, DistSpec, LatencyError, PathModel, SimConfig, Step, compare_options,
};

const P_DNS: f64 = 0.01;
const REQUESTS_PER_CONNECTION: f64 = 100.0;
const SERVICES: u32 = 5000;
const RPS_PER_PROXY: f64 = 1000.0;

/// Which AZ the chosen endpoint is in, relative to the client.
#[derive(Clone, Copy)]
enum Zone {
    /// Uniform over 3 AZs: 1/3 same AZ, 2/3 cross AZ (kube-proxy default).
    Random3Az,
    /// Always the client's AZ (`PreferSameZone` with a local endpoint ready).
    Same,
}

/// Everything that depends on the endpoint's zone: on a new connection the kube-proxy NAT and
/// the TCP handshake (one RTT of the same relation), then the request RTT. Labels are shared by
/// relation (`*.same`, `*.cross`) so options are coupled exactly where they agree.
fn to_endpoint(cat: &Catalogue, rel: &str) -> Result<Step, LatencyError> {
    let entry = if rel == "same" {
        "net.same_az"
    } else {
        "net.cross_az"
    };
    Ok(Step::seq(vec![
        Step::maybe(
            1.0 / REQUESTS_PER_CONNECTION,
            Step::seq(vec![
                Step::hop(
                    format!("kube-proxy.{rel}"),
                    cat.kube_proxy_iptables(SERVICES)?,
                ),
                cat.handshake("conn.tcp_handshake", entry, &format!("tcp.{rel}"))?,
            ]),
        ),
        cat.hop_labeled(entry, &format!("net.{rel}"))?,
    ]))
}

fn option(
    cat: &Catalogue,
    name: &str,
    zone: Zone,
    mesh: bool,
) -> Result<CompiledPath, LatencyError> {
    let network = match zone {
        Zone::Same => to_endpoint(cat, "same")?,
        Zone::Random3Az => Step::choice(vec![
            (1.0 / 3.0, to_endpoint(cat, "same")?),
            (2.0 / 3.0, to_endpoint(cat, "cross")?),
        ]),
    };
    let mut steps = vec![
        // Same labels in every option ⇒ the same draws (CRN): only the differences remain.
        Step::hop_with_p("dns", cat.nodelocal_lookup(0.95)?, P_DNS),
        network,
    ];
    if mesh {
        let (client, q) = cat.proxy_with_queue(
            "mesh.envoy_sidecar_per_proxy",
            "sidecar.client",
            RPS_PER_PROXY,
        )?;
        let (server, _) = cat.proxy_with_queue(
            "mesh.envoy_sidecar_per_proxy",
            "sidecar.server",
            RPS_PER_PROXY,
        )?;
        if q.saturated {
            return Err(LatencyError::InvalidModel {
                reason: format!("sidecar saturated at rho = {:.2}", q.rho),
            });
        }
        steps.push(client);
        steps.push(server);
    }
    steps.push(Step::hop(
        "server",
        DistSpec::LognormalQuantiles {
            p50: 2000.0,
            p99: 8000.0,
            shift: 0.0,
        },
    ));
    steps.push(cat.hop_labeled("tail.tcp_data_loss_rto", "rto")?);
    PathModel::new(name, Step::seq(steps)).compile()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cat = Catalogue::eks_defaults()?;
    let paths = [
        option(&cat, "clusterip", Zone::Random3Az, false)?,
        option(&cat, "prefer-same-zone", Zone::Same, false)?,
        option(&cat, "clusterip+istio", Zone::Random3Az, true)?,
    ];
    let cfg = SimConfig::new(4_000_000, 42);
    let c = compare_options(&paths, &cfg)?;
    println!(
        "{} requests per option, seed {}, {}",
        cfg.samples, cfg.seed, c.results[0].rng
    );
    println!(
        "{:<18} {:>8} {:>8} {:>8} {:>9}  p99 95% CI",
        "option", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms"
    );
    for r in &c.results {
        let ci = r
            .p99_ci_ms
            .map_or("-".to_owned(), |(lo, hi)| format!("[{lo:.3}, {hi:.3}]"));
        println!(
            "{:<18} {:>8.3} {:>8.3} {:>8.3} {:>9.3}  {ci}",
            r.name, r.p50_ms, r.p90_ms, r.p99_ms, r.p999_ms
        );
    }
    for d in &c.deltas {
        let ci = d
            .mean_delta_ci_ms
            .map_or("-".to_owned(), |(lo, hi)| format!("[{lo:+.4}, {hi:+.4}]"));
        println!(
            "{} vs {}: mean {:+.4} ms {ci}, slower for {:.1} % / faster for {:.1} % of requests",
            d.name,
            d.baseline,
            d.mean_delta_ms,
            d.p_slower * 100.0,
            d.p_faster * 100.0
        );
    }
    Ok(())
}
