//! From on-demand terms to prices: a SKU's one on-demand price with its tiers ([`one_price`]),
//! one product per key when several match ([`choose`]), instance sizes, and [`resolve`], which
//! turns every relevant product of an offer file into the extract's prices and instance types.

use super::classify::{Class, UnitKind};
use super::{ExtractedInstance, ExtractedPrice, OfferError, OfferExtract, SkippedInstance, Tier};
use crate::pricing::PriceKey;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

/// One offer term of a SKU (`terms.OnDemand.<SKU>.<term>`).
#[derive(Deserialize)]
pub(super) struct RawTerm {
    #[serde(default, rename = "offerTermCode")]
    offer_term_code: Option<String>,
    #[serde(default, rename = "priceDimensions")]
    price_dimensions: BTreeMap<String, RawDimension>,
}

/// One price dimension of a term (a tier, when there are several).
#[derive(Deserialize)]
pub(super) struct RawDimension {
    #[serde(default, rename = "rateCode")]
    rate_code: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    unit: String,
    #[serde(default, rename = "pricePerUnit")]
    price_per_unit: BTreeMap<String, String>,
    #[serde(default, rename = "beginRange")]
    begin_range: Option<String>,
    #[serde(default, rename = "endRange")]
    end_range: Option<String>,
}

/// A SKU's on-demand terms: (term key, term).
pub(super) type Terms = Vec<(String, RawTerm)>;

/// A product's single on-demand price: its tiers (ordered) and unit.
struct OnePrice {
    tiers: Vec<Tier>,
    unit: String,
}

fn number(sku: &str, rate: &str, field: &str, value: &str) -> Result<Decimal, OfferError> {
    Decimal::from_str(value.trim()).map_err(|_| OfferError::BadNumber {
        sku: sku.to_string(),
        rate_code: rate.to_string(),
        field: field.to_string(),
        value: value.to_string(),
    })
}

/// The one on-demand price of a SKU for `key`: one offer term, whose dimensions are distinct,
/// contiguous tiers of one unit.
fn one_price(sku: &str, key: &str, terms: &Terms) -> Result<Option<OnePrice>, OfferError> {
    let ambiguous = |what: Vec<String>| OfferError::AmbiguousTerms {
        key: key.to_string(),
        sku: sku.to_string(),
        what,
    };
    let term = match terms.as_slice() {
        [] => return Ok(None),
        [(_, t)] => t,
        many => {
            return Err(ambiguous(
                many.iter()
                    .map(|(k, t)| t.offer_term_code.clone().unwrap_or_else(|| k.clone()))
                    .collect(),
            ));
        }
    };
    let mut tiers = Vec::new();
    let mut unit: Option<&str> = None;
    for (dim_key, d) in &term.price_dimensions {
        let rate = d.rate_code.as_deref().unwrap_or(dim_key);
        let usd = d
            .price_per_unit
            .get("USD")
            .ok_or_else(|| OfferError::BadNumber {
                sku: sku.to_string(),
                rate_code: rate.to_string(),
                field: "pricePerUnit.USD".into(),
                value: "(none)".into(),
            })?;
        let begin = match d.begin_range.as_deref() {
            None | Some("") => Decimal::ZERO,
            Some(b) => number(sku, rate, "beginRange", b)?,
        };
        let end = match d.end_range.as_deref() {
            None | Some("") | Some("Inf") => None,
            Some(e) => Some(number(sku, rate, "endRange", e)?),
        };
        match unit {
            Some(u) if u != d.unit => {
                return Err(ambiguous(vec![format!(
                    "{rate} is per `{}`, another dimension per `{u}`",
                    d.unit
                )]));
            }
            _ => unit = Some(&d.unit),
        }
        tiers.push(Tier {
            begin,
            end,
            usd: number(sku, rate, "pricePerUnit.USD", usd)?,
            rate_code: rate.to_string(),
            description: d.description.clone(),
        });
    }
    tiers.sort_by_key(|t| t.begin);
    for w in tiers.windows(2) {
        if w[0].end != Some(w[1].begin) {
            return Err(ambiguous(vec![
                w[0].rate_code.clone(),
                w[1].rate_code.clone(),
            ]));
        }
    }
    Ok(unit.map(|u| OnePrice {
        tiers,
        unit: u.to_string(),
    }))
}

/// One product matching a key, with its price.
struct Candidate {
    price: ExtractedPrice,
    preferred: bool,
}

fn all_zero(p: &ExtractedPrice) -> bool {
    p.tiers.iter().all(|t| t.usd.is_zero())
}

fn same_price(a: &ExtractedPrice, b: &ExtractedPrice) -> bool {
    a.unit == b.unit
        && a.scale == b.scale
        && a.tiers.len() == b.tiers.len()
        && a.tiers
            .iter()
            .zip(&b.tiers)
            .all(|(x, y)| x.usd == y.usd && x.begin == y.begin && x.end == y.end)
}

/// Picks one product per key: $0 products (free-tier SKUs) give way to priced ones; products with
/// identical prices are one price (the preferred one, else the smallest SKU); different prices
/// are an error.
fn choose(key: PriceKey, mut cands: Vec<Candidate>) -> Result<ExtractedPrice, OfferError> {
    if cands.iter().any(|c| !all_zero(&c.price)) {
        cands.retain(|c| !all_zero(&c.price));
    }
    cands.sort_by(|a, b| {
        b.preferred
            .cmp(&a.preferred)
            .then_with(|| a.price.sku.cmp(&b.price.sku))
    });
    let mut it = cands.into_iter();
    let Some(first) = it.next() else {
        return Err(OfferError::AmbiguousProducts {
            key: key.as_str().to_string(),
            skus: Vec::new(),
        });
    };
    let differing: Vec<String> = it
        .filter(|c| !same_price(&first.price, &c.price))
        .map(|c| c.price.sku)
        .collect();
    if differing.is_empty() {
        Ok(first.price)
    } else {
        let mut skus = vec![first.price.sku];
        skus.extend(differing);
        skus.sort();
        Err(OfferError::AmbiguousProducts {
            key: key.as_str().to_string(),
            skus,
        })
    }
}

/// `"8 GiB"`, `"3,904 GiB"`, `"0.5 GiB"` -> GiB.
fn parse_memory_gib(text: &str) -> Option<Decimal> {
    let t = text.trim();
    let n = t.strip_suffix("GiB").unwrap_or(t).trim().replace(',', "");
    Decimal::from_str(&n).ok().filter(|d| !d.is_sign_negative())
}

/// Turns the relevant products' on-demand terms into `out`'s prices and instance types, SKU by
/// SKU in order; several products for one key are settled by [`choose`] (instance types by
/// [`choose_instances`]).
pub(super) fn resolve(
    relevant: HashMap<String, Class>,
    mut on_demand: HashMap<String, Terms>,
    out: &mut OfferExtract,
) -> Result<(), OfferError> {
    let mut skus: Vec<(String, Class)> = relevant.into_iter().collect();
    skus.sort_by(|a, b| a.0.cmp(&b.0));
    let mut by_key: BTreeMap<PriceKey, Vec<Candidate>> = BTreeMap::new();
    let mut by_type: BTreeMap<String, Vec<ExtractedInstance>> = BTreeMap::new();
    for (sku, class) in skus {
        let terms = on_demand.remove(&sku).unwrap_or_default();
        let (key, scale, usagetype, preferred, p) = match class {
            Class::Instance {
                instance_type,
                vcpu,
                memory,
            } => {
                let skipped = &mut out.skipped_instances;
                if let Some(i) =
                    instance_price(sku, &instance_type, &vcpu, &memory, &terms, skipped)?
                {
                    by_type.entry(instance_type).or_default().push(i);
                }
                continue;
            }
            Class::Price {
                key,
                unit,
                scale,
                usagetype,
                preferred,
            } => {
                let Some(p) = one_price(&sku, key.as_str(), &terms)? else {
                    continue;
                };
                if !unit.matches(&p.unit) {
                    return Err(OfferError::UnexpectedUnit {
                        key: key.as_str().into(),
                        sku,
                        unit: p.unit,
                        expected: unit.describe().into(),
                    });
                }
                (key, scale, usagetype, preferred, p)
            }
            Class::Lattice { usagetype } => {
                let Some(p) = one_price(&sku, "lattice_*", &terms)? else {
                    continue;
                };
                let (key, scale) = lattice_key(&sku, &p.unit)?;
                (key, scale, usagetype, false, p)
            }
        };
        by_key.entry(key).or_default().push(Candidate {
            price: ExtractedPrice {
                key,
                sku,
                usagetype,
                unit: p.unit,
                scale,
                tiers: p.tiers,
            },
            preferred,
        });
    }
    for (key, cands) in by_key {
        out.prices.insert(key, choose(key, cands)?);
    }
    choose_instances(by_type, out)
}

/// The hourly price and size of one instance product: `None` when it has no on-demand price or
/// its size cannot be read (then it is listed in `skipped`).
fn instance_price(
    sku: String,
    instance_type: &str,
    vcpu: &str,
    memory: &str,
    terms: &Terms,
    skipped: &mut Vec<SkippedInstance>,
) -> Result<Option<ExtractedInstance>, OfferError> {
    let key = format!("instances.{instance_type}");
    let Some(p) = one_price(&sku, &key, terms)? else {
        return Ok(None);
    };
    if let [tier] = p.tiers.as_slice() {
        if !UnitKind::Hours.matches(&p.unit) {
            return Err(OfferError::UnexpectedUnit {
                key,
                sku,
                unit: p.unit,
                expected: UnitKind::Hours.describe().into(),
            });
        }
        let skip = |attribute: &str, value: &str| SkippedInstance {
            instance_type: instance_type.to_string(),
            sku: sku.clone(),
            attribute: attribute.into(),
            value: value.into(),
        };
        let Ok(v) = Decimal::from_str(vcpu.trim()) else {
            skipped.push(skip("vcpu", vcpu));
            return Ok(None);
        };
        let Some(m) = parse_memory_gib(memory) else {
            skipped.push(skip("memory", memory));
            return Ok(None);
        };
        Ok(Some(ExtractedInstance {
            vcpu: v,
            memory_gib: m,
            hourly: tier.usd,
            sku: sku.clone(),
            rate_code: tier.rate_code.clone(),
        }))
    } else {
        Err(OfferError::AmbiguousTerms {
            key,
            sku,
            what: p.tiers.iter().map(|t| t.rate_code.clone()).collect(),
        })
    }
}

/// The Lattice key a product's unit stands for, and the scale to ewsim's unit.
fn lattice_key(sku: &str, unit: &str) -> Result<(PriceKey, Decimal), OfferError> {
    let (key, scale) = if UnitKind::Hours.matches(unit) {
        (PriceKey::LatticeServiceHour, Decimal::ONE)
    } else if UnitKind::Gb.matches(unit) {
        (PriceKey::LatticePerGb, Decimal::ONE)
    } else if UnitKind::Requests.matches(unit) {
        (
            PriceKey::LatticePerMillionRequests,
            Decimal::from(1_000_000),
        )
    } else {
        return Err(OfferError::UnexpectedUnit {
            key: "lattice_*".into(),
            sku: sku.to_string(),
            unit: unit.to_string(),
            expected: "hours, `GB` or requests".into(),
        });
    };
    Ok((key, scale))
}

/// One price per instance type: products with the same hourly price are one (the smallest SKU);
/// different prices are an error.
fn choose_instances(
    by_type: BTreeMap<String, Vec<ExtractedInstance>>,
    out: &mut OfferExtract,
) -> Result<(), OfferError> {
    for (t, mut list) in by_type {
        list.sort_by(|a, b| a.sku.cmp(&b.sku));
        let first = list.remove(0);
        let differing: Vec<String> = list
            .into_iter()
            .filter(|i| i.hourly != first.hourly)
            .map(|i| i.sku)
            .collect();
        if !differing.is_empty() {
            let mut skus = vec![first.sku];
            skus.extend(differing);
            return Err(OfferError::AmbiguousProducts {
                key: format!("instances.{t}"),
                skus,
            });
        }
        out.instances.insert(t, first);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn memory_sizes_with_separators_and_fractions() {
        assert_eq!(parse_memory_gib("8 GiB"), Some(dec!(8)));
        assert_eq!(parse_memory_gib("3,904 GiB"), Some(dec!(3904)));
        assert_eq!(parse_memory_gib("0.5 GiB"), Some(dec!(0.5)));
        assert_eq!(parse_memory_gib("NA"), None);
    }

    fn dim(rate: &str, begin: &str, end: &str, usd: &str) -> RawDimension {
        RawDimension {
            rate_code: Some(rate.into()),
            description: String::new(),
            unit: "GB".into(),
            price_per_unit: [("USD".to_string(), usd.to_string())].into(),
            begin_range: Some(begin.into()),
            end_range: Some(end.into()),
        }
    }

    fn term(dims: Vec<RawDimension>) -> Terms {
        vec![(
            "S.T".into(),
            RawTerm {
                offer_term_code: Some("JRTCKXETXF".into()),
                price_dimensions: dims
                    .into_iter()
                    .map(|d| (d.rate_code.clone().unwrap_or_default(), d))
                    .collect(),
            },
        )]
    }

    #[test]
    fn tiers_are_ordered_and_must_be_contiguous() {
        let t = term(vec![
            dim("S.T.B", "1048576", "5242880", "0.006"),
            dim("S.T.A", "0", "1048576", "0.01"),
            dim("S.T.C", "5242880", "Inf", "0.004"),
        ]);
        let p = one_price("S", "k", &t)
            .expect("test value")
            .expect("test value");
        let usd: Vec<Decimal> = p.tiers.iter().map(|t| t.usd).collect();
        assert_eq!(usd, vec![dec!(0.01), dec!(0.006), dec!(0.004)]);
        assert_eq!(p.tiers[2].end, None);
        // Two dimensions from 0: two prices for one quantity.
        let t = term(vec![
            dim("S.T.A", "0", "Inf", "0.01"),
            dim("S.T.B", "0", "Inf", "0.02"),
        ]);
        assert!(matches!(
            one_price("S", "k", &t),
            Err(OfferError::AmbiguousTerms { .. })
        ));
        // A price that is not a number names the field.
        let t = term(vec![dim("S.T.A", "0", "Inf", "ten cents")]);
        assert!(matches!(
            one_price("S", "k", &t),
            Err(OfferError::BadNumber { field, .. }) if field == "pricePerUnit.USD"
        ));
    }
}
