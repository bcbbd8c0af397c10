//! Classification of offer products: which ewsim price key (or EC2 instance type) a product
//! stands for in a region, from its product family, usage type (without the region's billing-code
//! prefix) and attributes. The table of what each key is taken from is in the module docs of
//! [`crate::offers`].

use crate::pricing::PriceKey;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A usage type without its region billing-code prefix: `EU-LoadBalancerUsage` and
/// `LoadBalancerUsage` both give `LoadBalancerUsage`; `EUW2-TS-LoadBalancerUsage` gives
/// `TS-LoadBalancerUsage`. A prefix is `EU` or capitals followed by digits (`USE1`, `APN2`,
/// `EUW2`, `UGW1`, `MXC1`), per AWS's Region billing codes; `TS-` or `Outposts-` are kept.
pub fn bare_usagetype(usagetype: &str) -> &str {
    if let Some((head, rest)) = usagetype.split_once('-') {
        let letters = head.trim_end_matches(|c: char| c.is_ascii_digit());
        let is_code = head == "EU"
            || (letters.len() >= 2
                && letters.len() < head.len()
                && letters.chars().all(|c| c.is_ascii_uppercase()));
        if is_code && !rest.is_empty() {
            return rest;
        }
    }
    usagetype
}

/// The kind of unit a key is priced in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UnitKind {
    Hours,
    Gb,
    Queries,
    Requests,
    Zones,
}

impl UnitKind {
    /// Whether the offer's unit is of this kind.
    pub(super) fn matches(self, unit: &str) -> bool {
        let u = unit.to_ascii_lowercase();
        match self {
            UnitKind::Hours => u.contains("hr") || u.contains("hour"),
            UnitKind::Gb => u == "gb" || u == "gigabytes" || u == "gb-processed",
            UnitKind::Queries => u.contains("quer"),
            UnitKind::Requests => u.contains("request") || u.contains("connection") || u == "count",
            UnitKind::Zones => u.contains("zone") || u == "count" || u == "month",
        }
    }

    /// The kind, as error messages name it.
    pub(super) fn describe(self) -> &'static str {
        match self {
            UnitKind::Hours => "hours (`Hrs`)",
            UnitKind::Gb => "`GB`",
            UnitKind::Queries => "queries",
            UnitKind::Requests => "requests",
            UnitKind::Zones => "hosted zones",
        }
    }
}

/// What a relevant product is for.
#[derive(Debug, Clone)]
pub(super) enum Class {
    /// A fixed key.
    Price {
        key: PriceKey,
        unit: UnitKind,
        scale: Decimal,
        usagetype: String,
        /// Preferred when several products with equal prices match (e.g. the TGW VPC attachment).
        preferred: bool,
    },
    /// A VPC Lattice service product; the key follows from the unit.
    Lattice { usagetype: String },
    /// An EC2 instance type.
    Instance {
        instance_type: String,
        vcpu: String,
        memory: String,
    },
}

fn attr<'a>(a: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    a.get(name).map(String::as_str)
}

/// Attribute equals `value`, or is absent.
fn absent_or(a: &BTreeMap<String, String>, name: &str, value: &str) -> bool {
    attr(a, name).is_none_or(|v| v == value)
}

#[derive(Deserialize)]
pub(super) struct RawProduct {
    #[serde(default, rename = "productFamily")]
    product_family: Option<String>,
    #[serde(default)]
    pub(super) attributes: BTreeMap<String, String>,
}

/// Where a product is: `Some(code)` for a regional product (`regionCode`, or `fromRegionCode` for
/// transfer products), `None` when it names no region (global services, older files).
pub(super) fn product_region(a: &BTreeMap<String, String>) -> Option<&str> {
    attr(a, "regionCode").or_else(|| attr(a, "fromRegionCode"))
}

/// What a product is for in `region`, or `None` when ewsim prices nothing from it.
pub(super) fn classify(p: &RawProduct, region: &str) -> Option<Class> {
    let a = &p.attributes;
    let family = p.product_family.as_deref().unwrap_or("");
    let usagetype = attr(a, "usagetype").unwrap_or("");
    let bare = bare_usagetype(usagetype);
    let fixed = |key: PriceKey, unit: UnitKind| Class::Price {
        key,
        unit,
        scale: Decimal::ONE,
        usagetype: usagetype.to_string(),
        preferred: false,
    };

    // Route 53 is global: its products name no region. Usage types are unprefixed; the Resolver's
    // regional `USE1-DNS-Queries` shares the family and must not match, hence no stripping.
    if family == "DNS Zone" && usagetype == "HostedZone" {
        return Some(fixed(PriceKey::Route53HostedZoneMonth, UnitKind::Zones));
    }
    if family == "DNS Query" && usagetype == "DNS-Queries" {
        return Some(Class::Price {
            key: PriceKey::Route53PerMillionQueries,
            unit: UnitKind::Queries,
            scale: Decimal::from(1_000_000),
            usagetype: usagetype.to_string(),
            preferred: false,
        });
    }

    // Everything else is regional: in the region, and in the region itself (not a Local Zone,
    // Wavelength Zone or Outpost).
    if product_region(a).is_some_and(|r| r != region) || !absent_or(a, "locationType", "AWS Region")
    {
        return None;
    }

    if matches!(family, "Compute Instance" | "Compute Instance (bare metal)") {
        return instance(a);
    }

    if family == "Data Transfer" && bare == "DataTransfer-Regional-Bytes" {
        let intra = absent_or(a, "transferType", "IntraRegion")
            && attr(a, "toRegionCode").is_none_or(|r| r == region);
        return intra.then(|| fixed(PriceKey::InterAzPerGb, UnitKind::Gb));
    }

    // ELB products: the family or the operation tells the load balancer type.
    let lb = |fam: &str, op: &str| {
        (family == fam || attr(a, "operation") == Some(op)) && absent_or(a, "operation", op)
    };
    if lb("Load Balancer-Application", "LoadBalancing:Application") {
        return match bare {
            "LoadBalancerUsage" => Some(fixed(PriceKey::AlbHour, UnitKind::Hours)),
            "LCUUsage" => Some(fixed(PriceKey::AlbLcuHour, UnitKind::Hours)),
            _ => None,
        };
    }
    if lb("Load Balancer-Network", "LoadBalancing:Network") {
        return match bare {
            "LoadBalancerUsage" => Some(fixed(PriceKey::NlbHour, UnitKind::Hours)),
            "LCUUsage" => Some(fixed(PriceKey::NlbNlcuHour, UnitKind::Hours)),
            _ => None,
        };
    }

    let text = |name: &str| attr(a, name).unwrap_or("").to_ascii_lowercase();
    let (gd, fam_l) = (text("groupDescription"), family.to_ascii_lowercase());
    let names_lattice = fam_l.contains("lattice")
        || gd.contains("lattice")
        || usagetype.to_ascii_lowercase().contains("lattice");
    if names_lattice {
        // VPC resources (resource configurations) are a different price; keep services only.
        let resource =
            gd.contains("resource") || usagetype.to_ascii_lowercase().contains("resource");
        return (!resource).then(|| Class::Lattice {
            usagetype: usagetype.to_string(),
        });
    }

    let key = match bare {
        "NatGateway-Hours" => Some((PriceKey::NatGatewayHour, UnitKind::Hours)),
        "NatGateway-Bytes" => Some((PriceKey::NatGatewayPerGb, UnitKind::Gb)),
        "TransitGateway-Hours" => Some((PriceKey::TgwAttachmentHour, UnitKind::Hours)),
        "TransitGateway-Bytes" => Some((PriceKey::TgwPerGb, UnitKind::Gb)),
        "VpcEndpoint-Hours" => Some((PriceKey::PrivateLinkEndpointAzHour, UnitKind::Hours)),
        "VpcEndpoint-Bytes" => Some((PriceKey::PrivateLinkPerGb, UnitKind::Gb)),
        "AmazonEKS-Hours:perCluster" => Some((PriceKey::EksClusterHour, UnitKind::Hours)),
        "Fargate-vCPU-Hours:perCPU" => Some((PriceKey::FargateVcpuHour, UnitKind::Hours)),
        "Fargate-GB-Hours" => Some((PriceKey::FargateGbHour, UnitKind::Hours)),
        _ => None,
    }?;
    let (key, unit) = key;
    // NAT products must be NAT gateways (not the provisioned-bandwidth or regional kinds, which
    // have other usage types anyway).
    if matches!(key, PriceKey::NatGatewayHour | PriceKey::NatGatewayPerGb)
        && !(family.is_empty() || family == "NAT Gateway")
    {
        return None;
    }
    // Transit Gateway lists one product per attachment kind, usually at one price; ewsim's
    // attachment is a VPC's.
    let preferred = matches!(key, PriceKey::TgwAttachmentHour | PriceKey::TgwPerGb)
        && (gd.contains("vpc") || text("operation").contains("vpc"));
    Some(Class::Price {
        key,
        unit,
        scale: Decimal::ONE,
        usagetype: usagetype.to_string(),
        preferred,
    })
}

/// An EC2 instance product ewsim prices: Linux, shared tenancy, no pre-installed software,
/// capacity in use, on-demand (`None` for the type's other products).
fn instance(a: &BTreeMap<String, String>) -> Option<Class> {
    let linux_shared = attr(a, "operatingSystem") == Some("Linux")
        && attr(a, "tenancy") == Some("Shared")
        && attr(a, "preInstalledSw") == Some("NA")
        && attr(a, "capacitystatus") == Some("Used")
        && absent_or(a, "licenseModel", "No License required")
        && absent_or(a, "marketoption", "OnDemand")
        && absent_or(a, "operation", "RunInstances");
    match (linux_shared, attr(a, "instanceType")) {
        (true, Some(t)) => Some(Class::Instance {
            instance_type: t.to_string(),
            vcpu: attr(a, "vcpu").unwrap_or("").to_string(),
            memory: attr(a, "memory").unwrap_or("").to_string(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_prefixes_are_stripped_and_other_words_kept() {
        for (u, bare) in [
            ("EU-LoadBalancerUsage", "LoadBalancerUsage"),
            ("LoadBalancerUsage", "LoadBalancerUsage"),
            (
                "APN2-DataTransfer-Regional-Bytes",
                "DataTransfer-Regional-Bytes",
            ),
            ("DataTransfer-Regional-Bytes", "DataTransfer-Regional-Bytes"),
            (
                "USE1-AmazonEKS-Hours:perCluster",
                "AmazonEKS-Hours:perCluster",
            ),
            ("EUW2-TS-LoadBalancerUsage", "TS-LoadBalancerUsage"),
            ("TS-LoadBalancerUsage", "TS-LoadBalancerUsage"),
            ("Outposts-LCUUsage", "Outposts-LCUUsage"),
            ("EU-Outposts-LCUUsage", "Outposts-LCUUsage"),
            ("UGW1-NatGateway-Hours", "NatGateway-Hours"),
            ("USE1-EU-AWS-Out-Bytes", "EU-AWS-Out-Bytes"),
        ] {
            assert_eq!(bare_usagetype(u), bare, "{u}");
        }
    }
}
