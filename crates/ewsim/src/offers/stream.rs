//! The streaming reader of an offer file: serde visitors that walk the top-level object,
//! classify each product as it is read and keep only the relevant SKUs' on-demand terms, so
//! that a several-gigabyte file is read in bounded memory ([`read_offer`]).

use super::classify::{Class, RawProduct, classify, product_region};
use super::terms::{RawTerm, Terms, resolve};
use super::{KNOWN_OFFERS, OfferError, OfferExtract};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io::Read;

struct State<'r> {
    region: &'r str,
    format_version: Option<String>,
    offer_code: Option<String>,
    version: Option<String>,
    publication_date: Option<String>,
    products_seen: bool,
    terms_seen: bool,
    /// Relevant products by SKU.
    relevant: HashMap<String, Class>,
    /// On-demand terms of relevant SKUs (or of every SKU while products are still to come).
    on_demand: HashMap<String, Terms>,
    in_region: u64,
    other_regions: BTreeSet<String>,
    /// A problem found while streaming that stops the read (reported instead of serde's error).
    stop: Option<OfferError>,
}

struct Top<'s, 'r>(&'s mut State<'r>);

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an AWS Price List offer file (a JSON object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        let st = self.0;
        while let Some(k) = m.next_key::<String>()? {
            match k.as_str() {
                "formatVersion" => st.format_version = Some(m.next_value()?),
                "offerCode" => {
                    let code: String = m.next_value()?;
                    if !KNOWN_OFFERS.contains(&code.as_str()) {
                        st.stop = Some(OfferError::UnknownOffer { offer_code: code });
                        return Err(de::Error::custom("unknown offer"));
                    }
                    st.offer_code = Some(code);
                }
                "version" => st.version = Some(m.next_value()?),
                "publicationDate" => st.publication_date = Some(m.next_value()?),
                "products" => {
                    m.next_value_seed(Products(&mut *st))?;
                    st.products_seen = true;
                    // Terms read before the products were kept for every SKU: drop the others.
                    let relevant = &st.relevant;
                    st.on_demand.retain(|sku, _| relevant.contains_key(sku));
                }
                "terms" => {
                    m.next_value_seed(TermTypes(&mut *st))?;
                    st.terms_seen = true;
                }
                _ => {
                    m.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Top<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

struct Products<'s, 'r>(&'s mut State<'r>);

impl<'de> Visitor<'de> for Products<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("`products`: an object of products by SKU")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        let st = self.0;
        while let Some(sku) = m.next_key::<String>()? {
            let p: RawProduct = m.next_value()?;
            // Region codes end in a digit (`eu-west-1`, `us-east-1-bos-1`); a `global` or empty
            // code is not a region.
            match product_region(&p.attributes)
                .filter(|r| r.ends_with(|c: char| c.is_ascii_digit()))
            {
                Some(r) if r == st.region => st.in_region += 1,
                Some(r) if st.other_regions.len() < 5 => {
                    st.other_regions.insert(r.to_string());
                }
                _ => {}
            }
            if let Some(c) = classify(&p, st.region) {
                st.relevant.insert(sku, c);
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Products<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

struct TermTypes<'s, 'r>(&'s mut State<'r>);

impl<'de> Visitor<'de> for TermTypes<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("`terms`: an object of term types")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        while let Some(k) = m.next_key::<String>()? {
            if k == "OnDemand" {
                m.next_value_seed(OnDemand(&mut *self.0))?;
            } else {
                m.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for TermTypes<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

struct OnDemand<'s, 'r>(&'s mut State<'r>);

/// A SKU's terms object, kept in file order.
struct TermList;

impl<'de> Visitor<'de> for TermList {
    type Value = Terms;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of offer terms")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Terms, A::Error> {
        let mut out = Vec::new();
        while let Some(k) = m.next_key::<String>()? {
            out.push((k, m.next_value::<RawTerm>()?));
        }
        Ok(out)
    }
}

impl<'de> DeserializeSeed<'de> for TermList {
    type Value = Terms;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Terms, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OnDemand<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("`terms.OnDemand`: an object of terms by SKU")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        let st = self.0;
        while let Some(sku) = m.next_key::<String>()? {
            // Products first (as AWS writes them): keep only relevant SKUs. Terms first: keep
            // every SKU's on-demand terms until the products say which are relevant.
            if st.relevant.contains_key(&sku) || !st.products_seen {
                let terms = m.next_value_seed(TermList)?;
                st.on_demand.entry(sku).or_default().extend(terms);
            } else {
                m.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for OnDemand<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

fn json_error(e: &serde_json::Error) -> OfferError {
    if e.is_io() {
        return OfferError::Io(e.to_string());
    }
    OfferError::Json {
        line: e.line(),
        column: e.column(),
        truncated: e.is_eof(),
        message: e.to_string(),
    }
}

/// Reads one offer file and extracts what ewsim prices in `region`.
///
/// The file is streamed: each product is parsed, classified and dropped unless relevant; each
/// SKU's on-demand terms are kept only for relevant SKUs; `Reserved` terms are skipped unparsed.
/// Memory is bounded by the relevant products (a region's instance types and a few dozen other
/// SKUs), not by the file. `terms` may come before `products` (AWS writes them after): then every
/// on-demand term is kept until the products are read, so memory grows with the on-demand terms
/// (still not with the `Reserved` ones, the bulk of an EC2 file).
///
/// Errors: malformed or truncated JSON (line and column), an offer of another service, a file
/// with no product in `region`, a product with two on-demand prices for one key, several
/// products with different prices for one key, non-numeric prices, unexpected units.
pub fn read_offer<R: Read>(reader: R, region: &str) -> Result<OfferExtract, OfferError> {
    let mut st = State {
        region,
        format_version: None,
        offer_code: None,
        version: None,
        publication_date: None,
        products_seen: false,
        terms_seen: false,
        relevant: HashMap::new(),
        on_demand: HashMap::new(),
        in_region: 0,
        other_regions: BTreeSet::new(),
        stop: None,
    };
    let buffered = std::io::BufReader::with_capacity(1 << 16, reader);
    let mut de = serde_json::Deserializer::from_reader(buffered);
    let parsed = Top(&mut st).deserialize(&mut de).and_then(|()| de.end());
    if let Some(stop) = st.stop.take() {
        return Err(stop);
    }
    parsed.map_err(|e| json_error(&e))?;

    let missing = |what: &str| OfferError::NotAnOffer {
        missing: what.to_string(),
    };
    let offer_code = st.offer_code.take().ok_or_else(|| missing("offerCode"))?;
    let publication_date = st
        .publication_date
        .take()
        .ok_or_else(|| missing("publicationDate"))?;
    if !st.products_seen {
        return Err(missing("products"));
    }
    if !st.terms_seen {
        return Err(missing("terms"));
    }
    // Route 53 is a global offer: its regional products (the Resolver's) say nothing of the file.
    if st.in_region == 0 && !st.other_regions.is_empty() && offer_code != "AmazonRoute53" {
        return Err(OfferError::WrongRegion {
            expected: region.to_string(),
            found: st.other_regions.into_iter().collect(),
        });
    }

    let mut out = OfferExtract {
        offer_code,
        version: st.version.take().unwrap_or_default(),
        publication_date,
        format_version: st.format_version.take().unwrap_or_default(),
        region: region.to_string(),
        prices: BTreeMap::new(),
        instances: BTreeMap::new(),
        skipped_instances: Vec::new(),
    };
    resolve(st.relevant, st.on_demand, &mut out)?;
    Ok(out)
}
