//! Writing an imported table as an ewsim price table (the YAML of `pricing/aws/<region>.yaml`),
//! every entry with its source and date; text only, the caller writes the file.

use super::{ImportedPrice, ImportedTable, OfferInfo, Tier, offer_url};
use crate::pricing::{PriceKey, PriceTable};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A YAML double-quoted string.
fn q(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            c if c.is_control() => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// A map key: bare when it is plainly safe, quoted otherwise.
fn yaml_key(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if plain { s.to_string() } else { q(s) }
}

fn num(d: Decimal) -> String {
    d.normalize().to_string()
}

fn range_text(t: &Tier) -> String {
    match t.end {
        Some(e) => format!("{}-{}", num(t.begin), num(e)),
        None => format!("{}-Inf", num(t.begin)),
    }
}

/// The `sources:` id of an offer product.
fn source_id(offer: &OfferInfo, sku: &str) -> String {
    format!("PL-{}-{}", offer.offer_code, sku)
}

fn source_ref(
    t: &ImportedTable,
    offer: &OfferInfo,
    sku: &str,
    rate: &str,
    usagetype: &str,
) -> String {
    let place = if offer.offer_code == "AmazonRoute53" {
        "global"
    } else {
        &t.region
    };
    let mut r = format!(
        "AWS Price List offer {} version {} (published {}), {place}, SKU {sku}, rate code {rate}",
        offer.offer_code, offer.version, offer.publication_date
    );
    if !usagetype.is_empty() {
        r.push_str(&format!(", usage type {usagetype}"));
    }
    r.push_str(&format!(", {}", offer_url(&offer.offer_code, &t.region)));
    r
}

fn day(date: &str) -> &str {
    date.get(..10).unwrap_or(date)
}

/// The note of an imported price: the offer's own unit and, for tiered prices, every tier.
fn price_note(p: &ImportedPrice) -> Option<String> {
    let e = &p.price;
    let mut parts = Vec::new();
    if let Some(from) = p.derived_from {
        parts.push(format!(
            "derived: AWS bills cross-AZ VPC peering at the in-region data transfer rate; this is `{}` from the same product (the AmazonVPC peering SKUs list $0 because the charge is billed as regional data transfer)",
            from.as_str()
        ));
    }
    if e.scale != Decimal::ONE {
        let per = if e.key == PriceKey::Route53PerMillionQueries {
            "queries"
        } else {
            "requests"
        };
        parts.push(format!(
            "the offer prices per {} (USD {} per `{}`); x {} = USD {} per million {per}",
            if per == "queries" { "query" } else { "request" },
            num(e.tiers.first().map(|x| x.usd).unwrap_or_default()),
            e.unit,
            num(e.scale),
            num(e.value()),
        ));
    }
    if e.tiers.len() > 1 {
        let tiers: Vec<String> = e
            .tiers
            .iter()
            .map(|x| format!("{} {}: {}", range_text(x), e.unit, num(x.usd)))
            .collect();
        parts.push(format!(
            "tiered (USD per `{}`): {}; the value is the first tier",
            e.unit,
            tiers.join("; ")
        ));
    }
    if e.key == PriceKey::InterAzPerGb {
        parts.push("billed once at the sender and once at the receiver".into());
    }
    if e.key == PriceKey::Route53PerMillionQueries {
        parts.push(
            "public standard queries; in-VPC queries to private hosted zones were not verified (aws-pricing.md open question 7)"
                .into(),
        );
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Writes the merged prices as a complete ewsim price table (the format of
/// `pricing/aws/<region>.yaml`, readable by [`crate::pricing::file::parse_price_table`]).
///
/// Every entry carries a `source` (an id under `sources:` naming the offer, version, SKU, rate
/// code and usage type) and `as_of` (its offer's publication day). Keys no offer holds are
/// written with `value: null` and a `missing` source, so that asking for them is an input error
/// naming the key. Units and the capacity-unit rules (LCU / NLCU dimensions, Lattice free tier),
/// which are not prices, are copied from `rules_from` (ewsim's built-in us-east-1 table) with
/// their own source.
pub fn price_table_yaml(t: &ImportedTable, rules_from: &PriceTable) -> String {
    let mut y = String::new();
    header(&mut y, t);
    let codes = offer_codes(t);
    sources(&mut y, t, rules_from, &codes);
    prices(&mut y, t, rules_from, &codes);
    instances(&mut y, t);
    capacity_units(&mut y, rules_from);
    y
}

/// The comment lines naming the offers, then `provider`, `region`, `currency` and `as_of` (the
/// newest offer's publication day).
fn header(y: &mut String, t: &ImportedTable) {
    let newest = t
        .offers
        .iter()
        .map(|o| day(&o.publication_date))
        .max()
        .unwrap_or("n.d.");
    let offer_list: Vec<String> = t
        .offers
        .iter()
        .map(|o| format!("{} {}", o.offer_code, o.version))
        .collect();
    y.push_str(&format!(
        "# ewsim price table: AWS {}, USD, On-Demand list prices, imported by `ewsim pricing import`\n",
        t.region
    ));
    y.push_str(&format!(
        "# from the AWS Price List offer files: {}.\n",
        offer_list.join(", ")
    ));
    y.push_str("# Every price carries `source` (the offer, SKU and rate code) and `as_of` (the offer's publication day).\n");
    y.push_str("# `value: null`: the offers given do not hold that price; supply it (`prices:` in a scenario) to use it.\n");
    y.push_str("provider: aws\n");
    y.push_str(&format!("region: {}\n", q(&t.region)));
    y.push_str("currency: USD\n");
    y.push_str(&format!("as_of: {}\n\n", q(newest)));
}

/// The offer codes read, each once, in the order given.
fn offer_codes(t: &ImportedTable) -> Vec<&str> {
    let mut codes: Vec<&str> = Vec::new();
    for o in &t.offers {
        if !codes.contains(&o.offer_code.as_str()) {
            codes.push(&o.offer_code);
        }
    }
    codes
}

/// `sources:`: one per product taken, the missing marker, and the capacity rules' own.
fn sources(y: &mut String, t: &ImportedTable, rules_from: &PriceTable, codes: &[&str]) {
    let mut sources: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    for p in t.prices.values() {
        let o = &t.offers[p.offer];
        sources.insert(
            source_id(o, &p.price.sku),
            (
                source_ref(t, o, &p.price.sku, p.price.rate_code(), &p.price.usagetype),
                day(&o.publication_date).to_string(),
                "primary".to_string(),
            ),
        );
    }
    for i in t.instances.values() {
        let o = &t.offers[i.offer];
        sources.insert(
            source_id(o, &i.instance.sku),
            (
                source_ref(t, o, &i.instance.sku, &i.instance.rate_code, ""),
                day(&o.publication_date).to_string(),
                "primary".to_string(),
            ),
        );
    }
    if !t.missing.is_empty() {
        sources.insert(
            "S-NOT-IN-OFFERS".into(),
            (
                format!(
                    "no price in the offer files read ({}) for {}",
                    codes.join(", "),
                    t.region
                ),
                "n.d.".into(),
                "missing".into(),
            ),
        );
    }
    let cap = &rules_from.capacity;
    let cap_sources = [cap.source.as_str(), "S-LATTICE-AE"];
    for id in cap_sources {
        if let Some(s) = rules_from.sources.get(id) {
            sources.insert(
                id.to_string(),
                (s.reference.clone(), s.as_of.clone(), s.kind.clone()),
            );
        }
    }
    y.push_str("sources:\n");
    for (id, (reference, as_of, kind)) in &sources {
        y.push_str(&format!(
            "  {}: {{ref: {}, as_of: {}, kind: {}}}\n",
            yaml_key(id),
            q(reference),
            q(as_of),
            q(kind)
        ));
    }
}

/// `prices:`: every key, from its offer or `value: null` when no offer holds it.
fn prices(y: &mut String, t: &ImportedTable, rules_from: &PriceTable, codes: &[&str]) {
    y.push_str("\nprices:\n");
    for key in PriceKey::ALL {
        let unit = rules_from
            .entry(key)
            .map(|p| p.unit.clone())
            .unwrap_or_default();
        match t.prices.get(&key) {
            Some(p) => {
                let o = &t.offers[p.offer];
                let mut line = format!(
                    "  {}: {{value: {}, unit: {}, source: {}, as_of: {}, confidence: {}",
                    key.as_str(),
                    num(p.price.value()),
                    q(&unit),
                    yaml_key(&source_id(o, &p.price.sku)),
                    q(day(&o.publication_date)),
                    q(if p.derived_from.is_some() {
                        "medium"
                    } else {
                        "high"
                    })
                );
                if let Some(n) = price_note(p) {
                    line.push_str(&format!(", note: {}", q(&n)));
                }
                line.push_str("}\n");
                y.push_str(&line);
            }
            None => y.push_str(&format!(
                "  {}: {{value: null, unit: {}, source: S-NOT-IN-OFFERS, as_of: \"n.d.\", confidence: \"low\", note: {}}}\n",
                key.as_str(),
                q(&unit),
                q(&format!(
                    "not in the offers read ({}); supply a value to price what needs it",
                    codes.join(", ")
                ))
            )),
        }
    }
}

/// `instances:`: every instance type read, with its size.
fn instances(y: &mut String, t: &ImportedTable) {
    y.push_str("\ninstances:");
    if t.instances.is_empty() {
        y.push_str(" {}\n");
    } else {
        y.push('\n');
        for (name, i) in &t.instances {
            let o = &t.offers[i.offer];
            y.push_str(&format!(
                "  {}: {{value: {}, vcpu: {}, memory_gib: {}, source: {}, as_of: {}}}\n",
                yaml_key(name),
                num(i.instance.hourly),
                num(i.instance.vcpu),
                num(i.instance.memory_gib),
                yaml_key(&source_id(o, &i.instance.sku)),
                q(day(&o.publication_date))
            ));
        }
    }
}

/// `capacity_units:`, copied from `rules_from` with its source (they are not prices).
fn capacity_units(y: &mut String, rules_from: &PriceTable) {
    let cap = &rules_from.capacity;
    let a = &cap.alb_lcu;
    let nl = |n: &crate::pricing::Nlcu| {
        format!(
            "{{new_connections_per_s: {}, active_connections_per_min: {}, gb_per_hour: {}}}",
            num(n.new_connections_per_s),
            num(n.active_connections_per_min),
            num(n.gb_per_hour)
        )
    };
    y.push_str(&format!(
        "\n# Capacity-unit rules and the Lattice free tier are not prices: copied from ewsim's built-in {} table\n# ({}; the Lattice free tier: S-LATTICE-AE).\n",
        rules_from.region, cap.source
    ));
    y.push_str("capacity_units:\n");
    y.push_str(&format!("  source: {}\n", yaml_key(&cap.source)));
    y.push_str(&format!("  as_of: {}\n", q(&cap.as_of)));
    y.push_str(&format!(
        "  alb_lcu: {{new_connections_per_s: {}, active_connections_per_min: {}, active_connections_per_min_mtls: {}, gb_per_hour: {}, rule_evaluations_per_s: {}, free_rules_per_request: {}}}\n",
        num(a.new_connections_per_s),
        num(a.active_connections_per_min),
        num(a.active_connections_per_min_mtls),
        num(a.gb_per_hour),
        num(a.rule_evaluations_per_s),
        num(a.free_rules_per_request)
    ));
    y.push_str("  nlb_nlcu:\n");
    y.push_str(&format!("    tcp: {}\n", nl(&cap.nlb_tcp)));
    y.push_str(&format!("    udp: {}\n", nl(&cap.nlb_udp)));
    y.push_str(&format!("    tls: {}\n", nl(&cap.nlb_tls)));
    y.push_str(&format!(
        "  lattice_free_requests_per_hour_per_service: {}\n",
        num(cap.lattice_free_requests_per_hour)
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_strings_are_escaped() {
        assert_eq!(q("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
        assert_eq!(yaml_key("m5.large"), "m5.large");
        assert_eq!(yaml_key("a b"), "\"a b\"");
    }
}
