//! Several offer files' extracts for one region merged into one table: a key held by two offers
//! must agree, and the cross-AZ VPC peering price, which no offer states, is derived from the
//! inter-AZ price.

use super::{
    ExtractedPrice, ImportedInstance, ImportedPrice, ImportedTable, OfferError, OfferExtract,
    OfferInfo,
};
use crate::pricing::PriceKey;
use std::collections::BTreeMap;

/// Merges the extracts of several offer files for one region. A key held by two offers at the
/// same value is taken from the first given; at different values it is an error. The cross-AZ
/// VPC peering price, which no offer states (the `AmazonVPC` peering SKUs are $0 because the
/// charge is billed as regional data transfer), is the inter-AZ price, marked as derived.
pub fn combine(region: &str, extracts: Vec<OfferExtract>) -> Result<ImportedTable, OfferError> {
    let mut t = ImportedTable {
        region: region.to_string(),
        offers: Vec::new(),
        prices: BTreeMap::new(),
        instances: BTreeMap::new(),
        missing: Vec::new(),
        skipped_instances: Vec::new(),
    };
    for (i, x) in extracts.into_iter().enumerate() {
        if x.region != region {
            return Err(OfferError::WrongRegion {
                expected: region.to_string(),
                found: vec![x.region],
            });
        }
        t.offers.push(OfferInfo {
            offer_code: x.offer_code.clone(),
            version: x.version.clone(),
            publication_date: x.publication_date.clone(),
        });
        for (key, p) in x.prices {
            if let Some(have) = t.prices.get(&key) {
                if have.price.value() != p.value() {
                    return Err(OfferError::Conflict {
                        key: key.as_str().into(),
                        offers: vec![
                            (
                                t.offers[have.offer].offer_code.clone(),
                                have.price.sku.clone(),
                                have.price.value(),
                            ),
                            (x.offer_code.clone(), p.sku.clone(), p.value()),
                        ],
                    });
                }
                continue;
            }
            t.prices.insert(
                key,
                ImportedPrice {
                    price: p,
                    offer: i,
                    derived_from: None,
                },
            );
        }
        for (name, inst) in x.instances {
            if let Some(have) = t.instances.get(&name) {
                if have.instance.hourly != inst.hourly {
                    return Err(OfferError::Conflict {
                        key: format!("instances.{name}"),
                        offers: vec![
                            (
                                t.offers[have.offer].offer_code.clone(),
                                have.instance.sku.clone(),
                                have.instance.hourly,
                            ),
                            (x.offer_code.clone(), inst.sku.clone(), inst.hourly),
                        ],
                    });
                }
                continue;
            }
            t.instances.insert(
                name,
                ImportedInstance {
                    instance: inst,
                    offer: i,
                },
            );
        }
        t.skipped_instances.extend(x.skipped_instances);
    }
    if !t.prices.contains_key(&PriceKey::PeeringCrossAzPerGb)
        && let Some(inter_az) = t.prices.get(&PriceKey::InterAzPerGb).cloned()
    {
        t.prices.insert(
            PriceKey::PeeringCrossAzPerGb,
            ImportedPrice {
                price: ExtractedPrice {
                    key: PriceKey::PeeringCrossAzPerGb,
                    ..inter_az.price
                },
                offer: inter_az.offer,
                derived_from: Some(PriceKey::InterAzPerGb),
            },
        );
    }
    t.missing = PriceKey::ALL
        .into_iter()
        .filter(|k| !t.prices.contains_key(k))
        .collect();
    Ok(t)
}
