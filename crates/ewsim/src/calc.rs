//! Quick calculations: a scenario for the common case (one cluster, one traffic edge between two
//! services, evenly spread) written as commented `version: 1` YAML from a few typed inputs.
//!
//! The YAML text is the single source of truth: `ewsim calc` feeds it to
//! [`crate::loader::parse_scenario`] exactly as `--print-scenario` prints it, so a user can save it
//! and grow it into a full scenario that evaluates to the same figures.

use crate::error::{Diagnostic, Input, InputError};
use crate::units;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// Option kinds priced when the caller names none: the reference guide's comparison (ClusterIP,
/// Topology Aware Routing, internalTrafficPolicy Local, internal ALB and NLB, VPC Lattice).
pub const DEFAULT_OPTIONS: &[&str] = &[
    "clusterip",
    "topology-aware",
    "itp-local",
    "internal-alb",
    "internal-nlb",
    "lattice",
];

/// The most zones a quick calculation lays out: zone names are the region plus one letter.
pub const MAX_ZONES: u32 = 26;

/// Inputs of a quick calculation; quantities stay as the text the user wrote (`10TB`, `16KiB`)
/// so the generated scenario shows them unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalcInput {
    /// Traffic volume per month, request plus response (`10TB`; `TB` = 1,024 GB), or a range
    /// (`8TB to 15TB`, a 90% interval).
    pub traffic: String,
    /// Number of availability zones, named `<region>a`, `<region>b`, ...
    pub zones: u32,
    /// AWS region (selects the built-in price table).
    pub region: String,
    /// Average bytes per request plus response (`16KiB`), giving the request rate; optional.
    pub request_size: Option<String>,
    /// Replicas of each service, spread evenly over the zones.
    pub replicas: u32,
    /// Worker nodes per zone.
    pub nodes_per_zone: u32,
    /// EC2 instance type of the worker nodes (priced from the table).
    pub instance_type: String,
    /// Option kinds to price, one option per kind named after it.
    pub options: Vec<String>,
    /// Calling service.
    pub from: String,
    /// Called service.
    pub to: String,
}

impl Default for CalcInput {
    /// 10 TB/month from `frontend` to `backend`, 3 zones of us-east-1, 6 replicas each, two
    /// m5.large nodes per zone, the [`DEFAULT_OPTIONS`]: the reference guide's workload.
    fn default() -> Self {
        CalcInput {
            traffic: "10TB".into(),
            zones: 3,
            region: "us-east-1".into(),
            request_size: None,
            replicas: 6,
            nodes_per_zone: 2,
            instance_type: "m5.large".into(),
            options: DEFAULT_OPTIONS.iter().map(|s| s.to_string()).collect(),
            from: "frontend".into(),
            to: "backend".into(),
        }
    }
}

impl CalcInput {
    /// Checks every input at once, naming the flag of each problem (`--traffic`, `--options`...),
    /// so bad input is reported against what the user typed rather than the generated YAML.
    pub fn check(&self) -> Result<(), InputError> {
        let mut d = Vec::new();
        // A range (`8TB to 15TB`) is an uncertain volume, reported as P10 / P50 / P90.
        let volume = match crate::units::parse_range("", &self.traffic, units::Quantity::Volume) {
            Some(r) => r.map(|_| ()),
            None => units::parse_volume_gb(&self.traffic).map(|_| ()),
        };
        // A bare number would silently be GB: ask for the unit instead.
        let bare = self
            .traffic
            .split(" to ")
            .map(str::trim)
            .find(|part| part.parse::<Decimal>().is_ok());
        if let Some(n) = bare {
            d.push(
                Diagnostic::input(Input::Traffic, format!("`{n}` has no unit")).with_hint(format!(
                    "write the unit: `{n}GB` or `{n}TB` (TB = 1,024 GB)"
                )),
            );
        } else if let Err(m) = volume {
            d.push(
                Diagnostic::input(Input::Traffic, m)
                    .with_hint("a monthly volume such as `10TB`, or a range such as `8TB to 15TB`"),
            );
        }
        if let Some(size) = &self.request_size {
            match units::parse_bytes(size) {
                Err(m) => d.push(
                    Diagnostic::input(Input::RequestSize, m).with_hint("a size such as `16KiB`"),
                ),
                Ok(v) if v.is_zero() => d.push(Diagnostic::input(
                    Input::RequestSize,
                    "must be more than 0 bytes",
                )),
                Ok(_) => {}
            }
        }
        if self.zones == 0 || self.zones > MAX_ZONES {
            d.push(Diagnostic::input(
                Input::Zones,
                format!("{} zones: give 1 to {MAX_ZONES}", self.zones),
            ));
        }
        for (flag, n) in [
            (Input::Replicas, self.replicas),
            (Input::NodesPerZone, self.nodes_per_zone),
        ] {
            if n == 0 {
                d.push(Diagnostic::input(flag, "must be at least 1"));
            }
        }
        for (flag, v) in [
            (Input::Region, &self.region),
            (Input::InstanceType, &self.instance_type),
            (Input::From, &self.from),
            (Input::To, &self.to),
        ] {
            if v.trim().is_empty() || v.chars().any(char::is_control) {
                d.push(Diagnostic::input(
                    flag,
                    format!("`{v}` is not a usable name"),
                ));
            }
        }
        if self.options.is_empty() {
            d.push(
                Diagnostic::input(Input::Options, "no option kinds given").with_hint(format!(
                    "known kinds: {}",
                    crate::scenario::kinds::names().join(", ")
                )),
            );
        }
        for (i, k) in self.options.iter().enumerate() {
            if !crate::scenario::kinds::is_kind(k) {
                d.push(
                    Diagnostic::input(Input::Options, format!("unknown option kind `{k}`"))
                        .with_hint(format!(
                            "known kinds: {}",
                            crate::scenario::kinds::names().join(", ")
                        )),
                );
            } else if self.options[..i].contains(k) {
                d.push(Diagnostic::input(
                    Input::Options,
                    format!("`{k}` is listed twice"),
                ));
            }
        }
        if d.is_empty() {
            Ok(())
        } else {
            Err(InputError { diagnostics: d })
        }
    }
}

/// Splits a comma-separated `--options` value into kinds; `all` stands for every kind.
pub fn parse_option_list(text: &str) -> Vec<String> {
    if text.trim() == "all" {
        return crate::scenario::kinds::names()
            .into_iter()
            .map(str::to_string)
            .collect();
    }
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Zone names of a quick calculation: the region followed by `a`, `b`, ... as AWS names them.
pub fn zone_names(region: &str, zones: u32) -> Vec<String> {
    (b'a'..=b'z')
        .take(zones as usize)
        .map(|c| format!("{region}{}", c as char))
        .collect()
}

/// A scalar as YAML: plain when it is made of letters, digits and `.-_ /` only (and starts with a
/// letter or digit), else double-quoted (a JSON string is a valid YAML double-quoted scalar).
fn scalar(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_/ ".contains(c))
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::Value::from(s).to_string()
    }
}

/// One line of a kind's meaning, for the generated scenario's comments.
fn kind_comment(kind: &str) -> &'static str {
    match kind {
        "clusterip" => "kube-proxy: uniform over every ready endpoint",
        "headless" => "client picks uniformly among the DNS answers",
        "itp-local" => "internalTrafficPolicy Local: same node only, else dropped",
        "topology-aware" => "Topology Aware Routing: EndpointSlice hints keep traffic in zone",
        "prefer-close" => "trafficDistribution PreferClose: same zone when it has endpoints",
        "internal-alb" => "internal ALB, IP targets: client -> ALB node -> pod",
        "internal-nlb" => "internal NLB, IP targets, cross-zone off: client -> NLB node -> pod",
        "lattice" => "Amazon VPC Lattice: per GB, per request and per service-hour",
        "istio-sidecar" => "Istio sidecars on both ends (proxy CPU and memory priced)",
        "istio-ambient" => "Istio ambient: ztunnel on every node",
        "cilium-clustermesh" => "Cilium ClusterMesh global service",
        "route53-nlb" => "Route 53 record (ExternalDNS) pointing at an internal NLB",
        _ => "",
    }
}

/// Appends `text` padded to a comment column, then `# comment`.
fn line(out: &mut String, text: &str, comment: &str) {
    let _ = writeln!(out, "{text:<44} # {comment}");
}

/// The scenario of a quick calculation as commented `version: 1` YAML. Call [`CalcInput::check`]
/// first: unchecked input still yields well-formed YAML, but the loader will then reject it
/// against the generated text's positions.
pub fn scenario_yaml(c: &CalcInput) -> String {
    let mut out = String::new();
    out.push_str(
        "# Scenario written by `ewsim calc`: evaluate it with `ewsim run FILE`, or grow it\n",
    );
    out.push_str(
        "# (more services, traffic edges, option settings; README \"Scenario format\").\n",
    );
    out.push_str(
        "# Billing follows AWS's conventions by default (730 h/month, inter-AZ charged at sender\n",
    );
    out.push_str("# and receiver, capacity units from the busiest dimension); add `billing:` to change them.\n");
    line(&mut out, "version: 1", "scenario format version");
    let name = format!(
        "calc: {} per month {} -> {}, {} zones",
        c.traffic.trim(),
        c.from,
        c.to,
        c.zones
    );
    line(
        &mut out,
        &format!("name: {}", scalar(&name)),
        "shown in reports",
    );
    line(
        &mut out,
        &format!("region: {}", scalar(&c.region)),
        "AWS region: selects the built-in price table",
    );
    line(
        &mut out,
        "zones:",
        "one cluster; zone names are the region plus a letter",
    );
    for z in zone_names(&c.region, c.zones) {
        line(
            &mut out,
            &format!(
                "  - {{name: {}, nodes: {{count: {}, type: {}}}}}",
                scalar(&z),
                c.nodes_per_zone,
                scalar(&c.instance_type)
            ),
            &format!(
                "{} worker node{} of this type in the zone",
                c.nodes_per_zone,
                if c.nodes_per_zone == 1 { "" } else { "s" }
            ),
        );
    }
    line(
        &mut out,
        "services:",
        "replicas spread evenly over the zones, then their nodes",
    );
    line(
        &mut out,
        &format!(
            "  - {{name: {}, replicas: {}}}",
            scalar(&c.from),
            c.replicas
        ),
        "the calling service (clients)",
    );
    if c.to != c.from {
        line(
            &mut out,
            &format!("  - {{name: {}, replicas: {}}}", scalar(&c.to), c.replicas),
            "the called service (servers)",
        );
    }
    line(&mut out, "traffic:", "service-to-service traffic edges");
    line(
        &mut out,
        &format!("  - from: {}", scalar(&c.from)),
        "caller",
    );
    line(
        &mut out,
        &format!("    to: {}", scalar(&c.to)),
        "called service",
    );
    line(
        &mut out,
        &format!("    volume: {}", scalar(c.traffic.trim())),
        "per month, request + response (TB = 1,024 GB)",
    );
    if let Some(size) = &c.request_size {
        line(
            &mut out,
            &format!("    bytes_per_request: {}", scalar(size.trim())),
            "average request + response: gives requests/s",
        );
    }
    line(
        &mut out,
        "options:",
        "connection options to price, each over all traffic",
    );
    for k in &c.options {
        line(
            &mut out,
            &format!("  - {{name: {}, kind: {}}}", scalar(k), scalar(k)),
            kind_comment(k),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PriceTable, evaluate, loader};
    use rust_decimal::Decimal;

    fn input(options: &[&str]) -> CalcInput {
        CalcInput {
            request_size: Some("16KiB".into()),
            options: options.iter().map(|s| s.to_string()).collect(),
            ..CalcInput::default()
        }
    }

    fn total(c: &CalcInput, option: &str) -> Decimal {
        c.check().expect("valid input");
        let loaded = loader::parse_scenario(&scenario_yaml(c), "<calc>").expect("loads");
        let table = PriceTable::builtin(&c.region).expect("table");
        let r = evaluate(&loaded.scenario, &table).expect("evaluates");
        r.options
            .iter()
            .find(|o| o.name == option)
            .expect("option")
            .cost
            .total
    }

    #[test]
    fn clusterip_over_three_zones_by_hand() {
        // 10 TB = 10,240 GB; with 2 backends per zone, ClusterIP sends 2/3 of the bytes to another
        // zone; AWS charges $0.01/GB at the sender and again at the receiver:
        // 10,240 x 2/3 x 0.01 x 2 = 136.5333... -> $136.53.
        let c = input(&["clusterip", "topology-aware"]);
        let want = Decimal::from(10_240) * Decimal::from(2) / Decimal::from(3)
            * Decimal::new(1, 2)
            * Decimal::from(2);
        let got = total(&c, "clusterip");
        assert_eq!(crate::cost::cents(got), Decimal::new(13_653, 2));
        assert_eq!(crate::cost::cents(got), crate::cost::cents(want));
        // Balanced replicas keep Topology Aware Routing's hints: nothing crosses.
        assert_eq!(total(&c, "topology-aware"), Decimal::ZERO);
    }

    #[test]
    fn two_zones_cross_half_the_bytes() {
        // Two zones: half the backends are elsewhere; 1,024 GB x 1/2 x $0.01 x 2 sides = $10.24.
        let c = CalcInput {
            traffic: "1 TB".into(),
            zones: 2,
            replicas: 4,
            options: vec!["clusterip".into()],
            ..CalcInput::default()
        };
        assert_eq!(total(&c, "clusterip"), Decimal::new(1024, 2));
    }

    #[test]
    fn yaml_is_commented_versioned_and_lists_zones() {
        let c = CalcInput {
            zones: 2,
            region: "ap-northeast-2".into(),
            ..input(&["lattice"])
        };
        let y = scenario_yaml(&c);
        assert!(y.contains("\nversion: 1 "), "{y}");
        assert!(y.contains("{name: ap-northeast-2a, nodes: {count: 2, type: m5.large}}"));
        assert!(y.contains("{name: ap-northeast-2b,"));
        assert!(!y.contains("ap-northeast-2c"));
        assert!(y.contains("bytes_per_request: 16KiB"));
        assert!(y.contains("  - {name: lattice, kind: lattice}"));
        // Every non-comment line carries a comment saying what it means.
        for l in y.lines().filter(|l| !l.starts_with('#')) {
            assert!(l.contains(" # "), "uncommented line: {l}");
        }
    }

    #[test]
    fn odd_names_are_quoted_and_survive_the_loader() {
        let c = CalcInput {
            from: "web: app".into(),
            to: "true".into(),
            options: vec!["clusterip".into()],
            ..CalcInput::default()
        };
        let loaded = loader::parse_scenario(&scenario_yaml(&c), "<calc>").expect("loads");
        let e = &loaded.scenario.traffic[0];
        assert_eq!((e.from.as_str(), e.to.as_str()), ("web: app", "true"));
    }

    #[test]
    fn bad_inputs_name_their_flags_all_at_once() {
        let c = CalcInput {
            traffic: "lots".into(),
            zones: 0,
            replicas: 0,
            options: vec!["clusterip".into(), "fastest".into(), "clusterip".into()],
            ..CalcInput::default()
        };
        let d = c.check().expect_err("invalid").diagnostics;
        let on = |i: Input| {
            d.iter()
                .find(|x| x.field == crate::error::Field::Input(i))
                .map(|x| x.message.as_str())
        };
        assert_eq!(on(Input::Traffic), Some("`lots` is not a number"));
        assert_eq!(on(Input::Zones), Some("0 zones: give 1 to 26"));
        assert_eq!(on(Input::Replicas), Some("must be at least 1"));
        let e = crate::InputError { diagnostics: d }.to_string();
        assert!(e.contains("unknown option kind `fastest`"), "{e}");
        assert!(e.contains("known kinds: clusterip, headless"), "{e}");
        assert!(e.contains("`clusterip` is listed twice"), "{e}");
    }

    #[test]
    fn a_bare_number_of_traffic_asks_for_its_unit() {
        for (traffic, bare) in [
            ("2000", Some("2000")),
            ("8 to 15TB", Some("8")),
            ("2000GB", None),
        ] {
            let c = CalcInput {
                traffic: traffic.into(),
                ..CalcInput::default()
            };
            let first = c.check().err().map(|e| e.diagnostics[0].clone());
            assert_eq!(
                first.as_ref().map(|d| d.message.clone()),
                bare.map(|n| format!("`{n}` has no unit")),
                "{traffic}"
            );
            if let (Some(d), Some(n)) = (first, bare) {
                assert_eq!(d.field, crate::error::Field::Input(Input::Traffic));
                assert_eq!(
                    d.hint,
                    Some(format!(
                        "write the unit: `{n}GB` or `{n}TB` (TB = 1,024 GB)"
                    ))
                );
            }
        }
    }

    #[test]
    fn option_list_parsing() {
        assert_eq!(
            parse_option_list("clusterip, lattice,,"),
            vec!["clusterip", "lattice"]
        );
        assert_eq!(
            parse_option_list("all").len(),
            crate::scenario::kinds::KINDS.len()
        );
        assert_eq!(
            zone_names("us-east-1", 3),
            ["us-east-1a", "us-east-1b", "us-east-1c"]
        );
    }
}
