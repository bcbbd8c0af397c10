//! Hop catalogue as data: `latency/eks-defaults.yaml`, embedded in the library.
//!
//! The YAML is parsed with serde-saphyr and validated (unique names, one model per entry, valid
//! distributions, `ref`s that resolve without cycles, sorted services tables, queue parameters).
//! [`Catalogue::with_overrides`] replaces any entry's model with a user distribution.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::dist::{DistSpec, MAX_SPEC_DEPTH, MixtureComponent};
use super::engine::Step;
use super::error::LatencyError;
use super::queue::{QueueOutcome, QueueParams};

/// The shipped defaults (`latency/eks-defaults.yaml`, embedded through the `crates/ewsim/latency`
/// symlink).
pub(crate) const EKS_DEFAULTS_YAML: &str = include_str!("../../latency/eks-defaults.yaml");

/// When a hop's cost is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppliesPer {
    /// Every request.
    Request,
    /// Only when the request opens a new connection (keep-alive / HTTP/2 pooling removes it).
    NewConnection,
    /// Every DNS lookup (clients that cache resolve rarely).
    DnsLookup,
}

pub use crate::provenance::Confidence;

/// One row of a services-count table (kube-proxy iptables).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicesRow {
    /// Number of Services in the cluster.
    pub services: u32,
    /// Lognormal mu at that count.
    pub mu: f64,
    /// Lognormal sigma at that count.
    pub sigma: f64,
    /// Median the row was fitted to (µs, informational).
    #[serde(default)]
    pub p50: Option<f64>,
    /// p99 the row was fitted to (µs, informational).
    #[serde(default)]
    pub p99: Option<f64>,
}

/// Connection-setup cost: `rtts` network round trips (drawn from the call's network hop) plus
/// optional CPU time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandshakeSpec {
    /// Extra network round trips before the first request.
    pub rtts: u32,
    /// CPU/crypto time (µs).
    #[serde(default)]
    pub cpu: Option<DistSpec>,
}

/// Load model of a proxy entry (reference §3.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadSpec {
    /// Model name (e.g. `mgc_per_proxy`, `mgc_per_node`).
    pub model: String,
    /// Number of proxy instances the entry covers (2 for a client+server pair).
    #[serde(default = "one_u32")]
    pub proxies: u32,
    /// Mean CPU time per request per proxy (µs).
    pub cpu_us_per_request: f64,
    /// Worker threads per proxy.
    pub workers: u32,
    /// Service-time coefficient of variation (default: catalogue `queueing.service_cv`).
    #[serde(default)]
    pub service_cv: Option<f64>,
    /// What shares the queue (`proxy`, `node`, `waypoint`): decides which λ to pass.
    #[serde(default)]
    pub aggregate: Option<String>,
}

fn one_u32() -> u32 {
    1
}

/// One catalogue entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HopEntry {
    /// Unique name, e.g. `net.cross_az`.
    pub name: String,
    /// Latency distribution (µs).
    #[serde(default)]
    pub dist: Option<DistSpec>,
    /// Lognormal parameters by number of Services (interpolated).
    #[serde(default)]
    pub services_table: Option<Vec<ServicesRow>>,
    /// Connection handshake model.
    #[serde(default)]
    pub handshake: Option<HandshakeSpec>,
    /// Discrete multipliers (DNS search-path attempts).
    #[serde(default)]
    pub multipliers: Option<BTreeMap<String, u32>>,
    /// Published/derived quantiles the parameters were fitted to (µs), e.g. `p50`, `p99`.
    #[serde(default)]
    pub quantiles: BTreeMap<String, f64>,
    /// When the cost applies.
    pub applies_per: AppliesPer,
    /// Queueing model for proxies.
    #[serde(default)]
    pub load: Option<LoadSpec>,
    /// Confidence.
    pub confidence: Confidence,
    /// Date of the most recent dated source, or "n.d.".
    pub as_of: String,
    /// Sources.
    pub source: String,
    /// Free-form extra facts (strings).
    #[serde(default)]
    pub info: BTreeMap<String, String>,
}

/// Catalogue-wide queueing defaults (reference §4 `queueing`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueingDefaults {
    /// Model description.
    pub model: String,
    /// Default service-time coefficient of variation.
    pub service_cv: f64,
    /// Default worker threads.
    pub workers_default: u32,
    /// Utilisation cap for the analytic wait.
    pub rho_cap: f64,
    /// What saturation means.
    pub saturation: String,
    /// CPU µs per request by proxy kind.
    pub cpu_us_per_request: BTreeMap<String, f64>,
}

/// The hop catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// Schema version (1).
    pub schema_version: u32,
    /// Unit of every value (`us`).
    pub unit: String,
    /// Modelling conventions.
    #[serde(default)]
    pub conventions: BTreeMap<String, String>,
    /// Entries.
    pub hops: Vec<HopEntry>,
    /// Queueing defaults.
    pub queueing: QueueingDefaults,
    /// Routing rules (informational; used by the routing model).
    #[serde(default)]
    pub routing_rules: BTreeMap<String, BTreeMap<String, String>>,
}

/// A user replacement for one catalogue entry's model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HopOverride {
    /// New distribution (µs); may `ref` other entries.
    pub dist: DistSpec,
    /// Where the figure comes from (default "user override").
    #[serde(default)]
    pub source: Option<String>,
    /// Date of the figure (default "n.d.").
    #[serde(default)]
    pub as_of: Option<String>,
    /// Confidence (default low).
    #[serde(default)]
    pub confidence: Option<Confidence>,
}

impl HopEntry {
    /// The entry's source, date and confidence.
    pub fn provenance(&self) -> crate::provenance::Provenance {
        crate::provenance::Provenance::new(&self.source, &self.as_of, Some(self.confidence))
    }
}

impl Catalogue {
    /// The shipped EKS defaults, parsed and validated.
    pub fn eks_defaults() -> Result<Self, LatencyError> {
        Self::from_yaml_str(EKS_DEFAULTS_YAML, "embedded latency/eks-defaults.yaml")
    }

    /// Parses and validates a catalogue YAML; `what` names it in errors.
    pub fn from_yaml_str(yaml: &str, what: &str) -> Result<Self, LatencyError> {
        let c: Self = crate::yaml::from_str(yaml).map_err(|e| LatencyError::Parse {
            what: what.to_owned(),
            message: e.to_string(),
        })?;
        c.validate()?;
        Ok(c)
    }

    /// Parses an override map (`name: {dist: ..., source: ...}`) from YAML.
    pub fn overrides_from_yaml_str(
        yaml: &str,
    ) -> Result<BTreeMap<String, HopOverride>, LatencyError> {
        crate::yaml::from_str(yaml).map_err(|e| LatencyError::Parse {
            what: "latency overrides".to_owned(),
            message: e.to_string(),
        })
    }

    /// Returns a copy where every named entry's model is replaced by the override's distribution
    /// (and provenance). Unknown names are an error (typo protection). The result is re-validated.
    pub fn with_overrides(
        &self,
        overrides: &BTreeMap<String, HopOverride>,
    ) -> Result<Self, LatencyError> {
        let mut c = self.clone();
        for (name, o) in overrides {
            let e = c
                .hops
                .iter_mut()
                .find(|h| &h.name == name)
                .ok_or_else(|| LatencyError::UnknownHop { name: name.clone() })?;
            e.dist = Some(o.dist.clone());
            e.services_table = None;
            e.handshake = None;
            e.multipliers = None;
            e.quantiles.clear();
            e.source = o
                .source
                .clone()
                .unwrap_or_else(|| "user override".to_owned());
            e.as_of = o.as_of.clone().unwrap_or_else(|| "n.d.".to_owned());
            e.confidence = o.confidence.unwrap_or(Confidence::Low);
        }
        c.validate()?;
        Ok(c)
    }

    /// Full validation (run by the loaders).
    pub fn validate(&self) -> Result<(), LatencyError> {
        if self.schema_version != 1 {
            return Err(LatencyError::spec(
                "schema_version",
                format!("unsupported version {} (expected 1)", self.schema_version),
            ));
        }
        if self.unit != "us" {
            return Err(LatencyError::spec(
                "unit",
                format!("must be 'us' (got '{}')", self.unit),
            ));
        }
        for (i, h) in self.hops.iter().enumerate() {
            let at = format!("hops[{i}] '{}'", h.name);
            if h.name.is_empty() {
                return Err(LatencyError::spec(at, "name must not be empty"));
            }
            if self.hops[..i].iter().any(|o| o.name == h.name) {
                return Err(LatencyError::spec(at, "duplicate name"));
            }
            let kinds = usize::from(h.dist.is_some())
                + usize::from(h.services_table.is_some())
                + usize::from(h.handshake.is_some())
                + usize::from(h.multipliers.is_some());
            if kinds != 1 {
                return Err(LatencyError::spec(
                    at,
                    format!(
                        "needs exactly one of dist, services_table, handshake, multipliers (has {kinds})"
                    ),
                ));
            }
            if let Some(d) = &h.dist {
                d.validate(&format!("{at}.dist"))?;
                // Resolves every ref (detects unknown names and cycles).
                self.resolve(d, &format!("{at}.dist"), 0)?;
            }
            if let Some(rows) = &h.services_table {
                if rows.is_empty() {
                    return Err(LatencyError::spec(
                        format!("{at}.services_table"),
                        "needs at least one row",
                    ));
                }
                for (j, r) in rows.iter().enumerate() {
                    let rat = format!("{at}.services_table[{j}]");
                    DistSpec::Lognormal {
                        mu: r.mu,
                        sigma: r.sigma,
                    }
                    .validate(&rat)?;
                    if j > 0 && r.services <= rows[j - 1].services {
                        return Err(LatencyError::spec(
                            rat,
                            "services must be strictly increasing",
                        ));
                    }
                }
            }
            if let Some(hs) = &h.handshake
                && let Some(cpu) = &hs.cpu
            {
                cpu.validate(&format!("{at}.handshake.cpu"))?;
                self.resolve(cpu, &format!("{at}.handshake.cpu"), 0)?;
            }
            if let Some(l) = &h.load {
                if l.proxies == 0 {
                    return Err(LatencyError::spec(
                        format!("{at}.load.proxies"),
                        "must be >= 1",
                    ));
                }
                self.queue_params(l).validate(&format!("{at}.load"))?;
            }
            for (k, v) in &h.quantiles {
                if !(v.is_finite() && *v >= 0.0) {
                    return Err(LatencyError::spec(
                        format!("{at}.quantiles.{k}"),
                        format!("must be >= 0 (got {v})"),
                    ));
                }
            }
        }
        QueueParams {
            cpu_us_per_request: 1.0,
            workers: self.queueing.workers_default.max(1),
            service_cv: self.queueing.service_cv,
            rho_cap: self.queueing.rho_cap,
        }
        .validate("queueing")?;
        Ok(())
    }

    fn queue_params(&self, l: &LoadSpec) -> QueueParams {
        QueueParams {
            cpu_us_per_request: l.cpu_us_per_request,
            workers: l.workers,
            service_cv: l.service_cv.unwrap_or(self.queueing.service_cv),
            rho_cap: self.queueing.rho_cap,
        }
    }

    /// Replaces every `ref` by the referenced entry's distribution (recursively).
    fn resolve(&self, d: &DistSpec, at: &str, depth: usize) -> Result<DistSpec, LatencyError> {
        if depth > MAX_SPEC_DEPTH {
            return Err(LatencyError::spec(
                at,
                "ref chain too deep (cycle between catalogue entries?)",
            ));
        }
        Ok(match d {
            DistSpec::Ref { name } => {
                let e = self.entry(name)?;
                let target = e.dist.as_ref().ok_or_else(|| {
                    LatencyError::spec(
                        at,
                        format!("ref '{name}' points to an entry without a plain dist"),
                    )
                })?;
                self.resolve(target, &format!("{at} -> {name}"), depth + 1)?
            }
            DistSpec::Mixture { components } => DistSpec::Mixture {
                components: components
                    .iter()
                    .map(|c| {
                        Ok(MixtureComponent {
                            weight: c.weight,
                            dist: self.resolve(&c.dist, at, depth + 1)?,
                        })
                    })
                    .collect::<Result<_, LatencyError>>()?,
            },
            DistSpec::RareEvent { p, delay, base } => DistSpec::RareEvent {
                p: *p,
                delay: Box::new(self.resolve(delay, at, depth + 1)?),
                base: match base {
                    Some(b) => Some(Box::new(self.resolve(b, at, depth + 1)?)),
                    None => None,
                },
            },
            DistSpec::Sum { parts } => DistSpec::Sum {
                parts: parts
                    .iter()
                    .map(|p| self.resolve(p, at, depth + 1))
                    .collect::<Result<_, _>>()?,
            },
            other => other.clone(),
        })
    }

    /// Entry by name.
    pub fn entry(&self, name: &str) -> Result<&HopEntry, LatencyError> {
        self.hops
            .iter()
            .find(|h| h.name == name)
            .ok_or_else(|| LatencyError::UnknownHop {
                name: name.to_owned(),
            })
    }

    /// Names of all entries, in file order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.hops.iter().map(|h| h.name.as_str())
    }

    /// The entry's distribution with every `ref` resolved. Fails for entries without a plain `dist`
    /// (use [`Catalogue::services_dist`] or [`Catalogue::handshake`] for those).
    pub fn dist(&self, name: &str) -> Result<DistSpec, LatencyError> {
        let e = self.entry(name)?;
        let d = e.dist.as_ref().ok_or_else(|| {
            LatencyError::spec(
                format!("'{name}'"),
                "entry has no plain dist (services_table / handshake / multipliers entry)",
            )
        })?;
        self.resolve(d, &format!("'{name}'"), 0)
    }

    /// A hop step for the entry, labelled with the entry name (its CRN stream key).
    pub fn hop(&self, name: &str) -> Result<Step, LatencyError> {
        Ok(Step::hop(name, self.dist(name)?))
    }

    /// A hop step for the entry with a custom label (use distinct labels for distinct hops of the
    /// same kind, and the same label for "the same hop" across options).
    pub fn hop_labeled(&self, name: &str, label: &str) -> Result<Step, LatencyError> {
        Ok(Step::hop(label, self.dist(name)?))
    }

    /// A services-table entry (kube-proxy iptables) at `services` Services: lognormal with `mu` and
    /// `sigma` linearly interpolated between rows, clamped to the first/last row outside the table.
    pub fn services_dist(&self, name: &str, services: u32) -> Result<DistSpec, LatencyError> {
        let e = self.entry(name)?;
        let rows = e.services_table.as_ref().ok_or_else(|| {
            LatencyError::spec(format!("'{name}'"), "entry has no services_table")
        })?;
        let (first, last) = match (rows.first(), rows.last()) {
            (Some(f), Some(l)) => (f, l),
            _ => {
                return Err(LatencyError::spec(
                    format!("'{name}'"),
                    "empty services_table",
                ));
            }
        };
        let (mu, sigma) = if services <= first.services {
            (first.mu, first.sigma)
        } else if services >= last.services {
            (last.mu, last.sigma)
        } else {
            let k = rows.partition_point(|r| r.services <= services);
            let (a, b) = (&rows[k - 1], &rows[k]);
            let t = f64::from(services - a.services) / f64::from(b.services - a.services);
            (a.mu + t * (b.mu - a.mu), a.sigma + t * (b.sigma - a.sigma))
        };
        Ok(DistSpec::Lognormal { mu, sigma })
    }

    /// kube-proxy iptables per-new-connection cost at `services` Services.
    pub fn kube_proxy_iptables(&self, services: u32) -> Result<DistSpec, LatencyError> {
        self.services_dist("svc.kube_proxy_iptables", services)
    }

    /// A handshake entry as a step: `rtts` × a draw of `network_hop` (labels `"{label}.rtt"`) plus the
    /// CPU part (label `"{label}.cpu"`). Wrap it with the new-connection probability, e.g.
    /// `Step::maybe(p_new_conn, step)`.
    pub fn handshake(
        &self,
        name: &str,
        network_hop: &str,
        label: &str,
    ) -> Result<Step, LatencyError> {
        let e = self.entry(name)?;
        let hs = e
            .handshake
            .as_ref()
            .ok_or_else(|| LatencyError::spec(format!("'{name}'"), "entry has no handshake"))?;
        let mut parts = Vec::new();
        if hs.rtts > 0 {
            parts.push(Step::repeat(
                hs.rtts,
                Step::hop(format!("{label}.rtt"), self.dist(network_hop)?),
            ));
        }
        if let Some(cpu) = &hs.cpu {
            parts.push(Step::hop(
                format!("{label}.cpu"),
                self.resolve(cpu, &format!("'{name}'.cpu"), 0)?,
            ));
        }
        Ok(Step::seq(parts))
    }

    /// NodeLocal DNSCache lookup with a given cache hit ratio: with probability `hit_ratio` a draw of
    /// `dns.nodelocal_hit`, otherwise the local hop plus `dns.coredns_lookup_composite` (a miss is
    /// forwarded by the node cache; this reproduces the reference's §2.4 composite check).
    pub fn nodelocal_lookup(&self, hit_ratio: f64) -> Result<DistSpec, LatencyError> {
        let hit = self.dist("dns.nodelocal_hit")?;
        let d = DistSpec::Mixture {
            components: vec![
                MixtureComponent {
                    weight: hit_ratio,
                    dist: hit.clone(),
                },
                MixtureComponent {
                    weight: 1.0 - hit_ratio,
                    dist: DistSpec::Sum {
                        parts: vec![hit, self.dist("dns.coredns_lookup_composite")?],
                    },
                },
            ],
        };
        d.validate("nodelocal_lookup")?;
        Ok(d)
    }

    /// Queue parameters of a proxy entry (`None` when the entry has no `load`).
    pub fn queue_params_of(&self, name: &str) -> Result<Option<QueueParams>, LatencyError> {
        Ok(self
            .entry(name)?
            .load
            .as_ref()
            .map(|l| self.queue_params(l)))
    }

    /// A proxy entry with its queueing term at `rps_per_instance` requests/s per proxy instance
    /// (for `aggregate: node` / `waypoint` pass the aggregate rate of that node/waypoint):
    /// `Seq[body, wait × proxies]` (one wait per proxy instance; labels `"{label}"`,
    /// `"{label}.queue"`). Returns the step and the per-instance queue outcome (check `saturated`).
    pub fn proxy_with_queue(
        &self,
        name: &str,
        label: &str,
        rps_per_instance: f64,
    ) -> Result<(Step, QueueOutcome), LatencyError> {
        let e = self.entry(name)?;
        let l = e.load.as_ref().ok_or_else(|| {
            LatencyError::spec(format!("'{name}'"), "entry has no load (queueing) model")
        })?;
        let q = self.queue_params(l).at_rate(rps_per_instance)?;
        let body = Step::hop(label, self.dist(name)?);
        let wait = Step::repeat(
            l.proxies,
            Step::hop(format!("{label}.queue"), q.wait.clone()),
        );
        Ok((Step::seq(vec![body, wait]), q))
    }
}
