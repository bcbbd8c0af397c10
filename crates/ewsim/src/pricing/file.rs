//! Price files as data: the serde shape of a price table (`pricing/aws/<region>.yaml`), of an
//! override file (`--pricing FILE`, any subset of a table's sections) and of the mesh proxy
//! defaults (`pricing/mesh-overheads.yaml`), and their conversion to [`PriceTable`],
//! [`PriceOverrides`] and [`ProxyOverhead`], with every problem located in its file.

use super::{
    AlbLcu, CapacityUnits, Instance, Nlcu, Price, PriceKey, PriceOverrides, PriceTable, Source,
};
use crate::error::{Diagnostic, InputError, Location};
use crate::scenario::ProxyOverhead;
use crate::units;
use crate::yaml::Text;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::fmt;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    #[serde(rename = "ref")]
    reference: String,
    as_of: String,
    kind: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrice {
    value: Option<Spanned<Text>>,
    #[serde(default)]
    unit: Option<String>,
    source: String,
    as_of: String,
    #[serde(default)]
    confidence: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

/// A price in an override file: a bare number or a full entry.
enum RawPriceOverride {
    Bare(Text),
    Full(RawPrice),
}

impl<'de> Deserialize<'de> for RawPriceOverride {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawPriceOverride;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a price or {value, source, as_of, ...}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(RawPriceOverride::Bare(Text(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(RawPriceOverride::Bare(Text(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(RawPriceOverride::Bare(Text(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(RawPriceOverride::Bare(Text(v.to_string())))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, m: A) -> Result<Self::Value, A::Error> {
                RawPrice::deserialize(de::value::MapAccessDeserializer::new(m))
                    .map(RawPriceOverride::Full)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstance {
    value: Spanned<Text>,
    vcpu: Spanned<Text>,
    memory_gib: Spanned<Text>,
    source: String,
    as_of: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlbLcu {
    new_connections_per_s: Spanned<Text>,
    active_connections_per_min: Spanned<Text>,
    active_connections_per_min_mtls: Spanned<Text>,
    gb_per_hour: Spanned<Text>,
    rule_evaluations_per_s: Spanned<Text>,
    free_rules_per_request: Spanned<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNlcu {
    new_connections_per_s: Spanned<Text>,
    active_connections_per_min: Spanned<Text>,
    gb_per_hour: Spanned<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNlcuSet {
    tcp: RawNlcu,
    udp: RawNlcu,
    tls: RawNlcu,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCapacity {
    source: String,
    as_of: String,
    alb_lcu: RawAlbLcu,
    nlb_nlcu: RawNlcuSet,
    lattice_free_requests_per_hour_per_service: Spanned<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPriceFile {
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    base: Option<String>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    as_of: Option<String>,
    #[serde(default)]
    sources: BTreeMap<String, RawSource>,
    #[serde(default)]
    prices: BTreeMap<String, Spanned<RawPriceOverride>>,
    #[serde(default)]
    instances: BTreeMap<String, RawInstance>,
    #[serde(default)]
    capacity_units: Option<RawCapacity>,
}

fn num(file: &str, what: &str, t: &Spanned<Text>) -> Result<Decimal, InputError> {
    units::parse_number(&t.value.0)
        .map_err(|m| InputError::single(Diagnostic::at(what, m).with_span(file, &t.referenced)))
}

/// A number given at a known position (a bare price: the entry's own position).
fn bare(
    file: &str,
    what: &str,
    t: &Text,
    at: &serde_saphyr::Location,
) -> Result<Decimal, InputError> {
    units::parse_number(&t.0)
        .map_err(|m| InputError::single(Diagnostic::at(what, m).with_span(file, at)))
}

impl Diagnostic {
    /// Locates the problem at a parsed value's position in the price file.
    fn with_span(mut self, file: &str, at: &serde_saphyr::Location) -> Self {
        self.location = Some(Location {
            file: file.to_string(),
            line: at.line(),
            column: at.column(),
        });
        self
    }

    fn with_location_file(mut self, file: &str) -> Self {
        self.location = Some(Location {
            file: file.to_string(),
            line: 0,
            column: 0,
        });
        self
    }
}

fn convert_capacity(file: &str, c: &RawCapacity) -> Result<CapacityUnits, InputError> {
    let n = |what: &str, t: &Spanned<Text>| num(file, &format!("capacity_units.{what}"), t);
    let nlcu = |p: &str, r: &RawNlcu| -> Result<Nlcu, InputError> {
        Ok(Nlcu {
            new_connections_per_s: n(
                &format!("nlb_nlcu.{p}.new_connections_per_s"),
                &r.new_connections_per_s,
            )?,
            active_connections_per_min: n(
                &format!("nlb_nlcu.{p}.active_connections_per_min"),
                &r.active_connections_per_min,
            )?,
            gb_per_hour: n(&format!("nlb_nlcu.{p}.gb_per_hour"), &r.gb_per_hour)?,
        })
    };
    let a = &c.alb_lcu;
    Ok(CapacityUnits {
        source: c.source.clone(),
        as_of: c.as_of.clone(),
        alb_lcu: AlbLcu {
            new_connections_per_s: n("alb_lcu.new_connections_per_s", &a.new_connections_per_s)?,
            active_connections_per_min: n(
                "alb_lcu.active_connections_per_min",
                &a.active_connections_per_min,
            )?,
            active_connections_per_min_mtls: n(
                "alb_lcu.active_connections_per_min_mtls",
                &a.active_connections_per_min_mtls,
            )?,
            gb_per_hour: n("alb_lcu.gb_per_hour", &a.gb_per_hour)?,
            rule_evaluations_per_s: n("alb_lcu.rule_evaluations_per_s", &a.rule_evaluations_per_s)?,
            free_rules_per_request: n("alb_lcu.free_rules_per_request", &a.free_rules_per_request)?,
        },
        nlb_tcp: nlcu("tcp", &c.nlb_nlcu.tcp)?,
        nlb_udp: nlcu("udp", &c.nlb_nlcu.udp)?,
        nlb_tls: nlcu("tls", &c.nlb_nlcu.tls)?,
        lattice_free_requests_per_hour: n(
            "lattice_free_requests_per_hour_per_service",
            &c.lattice_free_requests_per_hour_per_service,
        )?,
    })
}

/// Parses a price override file (`--pricing FILE`): any subset of a table's sections.
pub fn parse_price_overrides(text: &str, file: &str) -> Result<PriceOverrides, InputError> {
    let raw: RawPriceFile = crate::yaml::located(text, file)?;
    let mut out = PriceOverrides {
        origin: file.to_string(),
        region: raw.region.clone(),
        base: raw.base.clone(),
        ..Default::default()
    };
    for (k, s) in raw.sources {
        out.sources.insert(
            k,
            Source {
                reference: s.reference,
                as_of: s.as_of,
                kind: s.kind,
            },
        );
    }
    for (k, p) in raw.prices {
        let at = p.referenced;
        if PriceKey::parse(&k).is_none() {
            let keys: Vec<&str> = PriceKey::ALL.iter().map(|k| k.as_str()).collect();
            return Err(InputError::single(
                Diagnostic::at(format!("prices.{k}"), format!("unknown price key `{k}`"))
                    .with_hint(format!("known keys: {}", keys.join(", ")))
                    .with_span(file, &at),
            ));
        }
        let price = match p.value {
            RawPriceOverride::Bare(t) => Price {
                value: Some(bare(file, &format!("prices.{k}"), &t, &at)?),
                unit: String::new(),
                source: file.to_string(),
                as_of: raw.as_of.clone().unwrap_or_else(|| "n.d.".into()),
                confidence: None,
                note: Some("from a pricing override file".into()),
                inherited_from: None,
            },
            RawPriceOverride::Full(r) => Price {
                value: match &r.value {
                    Some(t) => Some(num(file, &format!("prices.{k}.value"), t)?),
                    None => None,
                },
                unit: r.unit.unwrap_or_default(),
                source: r.source,
                as_of: r.as_of,
                confidence: match r.confidence.as_deref() {
                    None => None,
                    Some(c) => Some(crate::provenance::Confidence::parse(c).ok_or_else(|| {
                        InputError::single(
                            Diagnostic::at(
                                format!("prices.{k}.confidence"),
                                format!("unknown confidence `{c}`"),
                            )
                            .with_hint("high, medium, low-medium or low")
                            .with_span(file, &at),
                        )
                    })?),
                },
                note: r.note,
                inherited_from: None,
            },
        };
        out.prices.insert(k, price);
    }
    for (k, i) in raw.instances {
        out.instances.insert(
            k.clone(),
            Instance {
                hourly: num(file, &format!("instances.{k}.value"), &i.value)?,
                vcpu: num(file, &format!("instances.{k}.vcpu"), &i.vcpu)?,
                memory_gib: num(file, &format!("instances.{k}.memory_gib"), &i.memory_gib)?,
                source: i.source,
                as_of: i.as_of,
                inherited_from: None,
            },
        );
    }
    if let Some(c) = &raw.capacity_units {
        out.capacity = Some(convert_capacity(file, c)?);
    }
    let _ = (raw.provider, raw.currency);
    Ok(out)
}

/// Parses a complete price table (built-in or `--pricing FILE` with every section).
pub fn parse_price_table(text: &str, file: &str) -> Result<PriceTable, InputError> {
    let raw: RawPriceFile = crate::yaml::located(text, file)?;
    let missing = |what: &str| {
        InputError::single(
            Diagnostic::at(what, format!("a full price table needs `{what}`"))
                .with_location_file(file),
        )
    };
    let capacity = convert_capacity(
        file,
        raw.capacity_units
            .as_ref()
            .ok_or_else(|| missing("capacity_units"))?,
    )?;
    let region = raw.region.clone().ok_or_else(|| missing("region"))?;
    let provider = raw.provider.clone().unwrap_or_else(|| "aws".into());
    let currency = raw.currency.clone().unwrap_or_else(|| "USD".into());
    let as_of = raw.as_of.clone().ok_or_else(|| missing("as_of"))?;
    let o = parse_price_overrides(text, file)?;
    let table = PriceTable {
        provider,
        region,
        currency,
        as_of,
        origin: file.to_string(),
        sources: o.sources,
        prices: o.prices,
        instances: o.instances,
        capacity,
    };
    for key in PriceKey::ALL {
        if table.entry(key).is_none() {
            return Err(missing(&format!("prices.{}", key.as_str())));
        }
    }
    Ok(table)
}

/// Mesh proxy overhead defaults: (sidecar, ztunnel, waypoint).
pub(crate) fn parse_mesh_overheads(
    text: &str,
    file: &str,
) -> Result<[ProxyOverhead; 3], InputError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawDefault {
        vcpu_per_1000_rps: Spanned<Text>,
        memory_mb_per_1000_rps: Spanned<Text>,
        #[allow(dead_code)]
        source: String,
        #[allow(dead_code)]
        as_of: String,
        #[allow(dead_code)]
        confidence: String,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawMesh {
        sidecar: RawDefault,
        ztunnel: RawDefault,
        waypoint: RawDefault,
    }
    let raw: RawMesh = crate::yaml::located(text, file)?;
    let conv = |name: &str, r: &RawDefault| -> Result<ProxyOverhead, InputError> {
        Ok(ProxyOverhead {
            vcpu_per_1000_rps: num(
                file,
                &format!("{name}.vcpu_per_1000_rps"),
                &r.vcpu_per_1000_rps,
            )?,
            memory_mb_per_1000_rps: num(
                file,
                &format!("{name}.memory_mb_per_1000_rps"),
                &r.memory_mb_per_1000_rps,
            )?,
        })
    };
    Ok([
        conv("sidecar", &raw.sidecar)?,
        conv("ztunnel", &raw.ztunnel)?,
        conv("waypoint", &raw.waypoint)?,
    ])
}
