//! AWS Price List bulk offer files -> an ewsim price table.
//!
//! AWS publishes every service's prices as "offer files" (the Price List Bulk API):
//! `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offerCode>/current/<region>/index.json`.
//! This module reads such files **as a stream** and keeps only what ewsim prices, so that the
//! several-gigabyte `AmazonEC2` file of a region is read in bounded memory: products are looked at
//! one by one and dropped unless they are relevant; then only the relevant SKUs' on-demand terms
//! are kept.
//!
//! # The offer file format (as documented by AWS)
//!
//! Source: "Reading the service price list file for an AWS service",
//! <https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/reading-service-price-list-file-for-services.html>,
//! and "Getting price list files using the AWS Price List Bulk API",
//! <https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-the-aws-price-list-bulk-api.html>.
//!
//! ```text
//! { "formatVersion": "v1.0", "disclaimer": "...", "offerCode": "AWSELB",
//!   "version": "20260911124544", "publicationDate": "2026-09-11T12:45:44Z",
//!   "products": { "<SKU>": { "sku": "<SKU>", "productFamily": "...",
//!                            "attributes": { "<name>": "<string value>", ... } }, ... },
//!   "terms": { "OnDemand": { "<SKU>": { "<SKU>.<offerTermCode>": {
//!                 "offerTermCode": "JRTCKXETXF", "sku": "<SKU>", "effectiveDate": "...",
//!                 "priceDimensions": { "<SKU>.<offerTermCode>.<rateCode>": {
//!                     "rateCode": "...", "description": "...", "beginRange": "0",
//!                     "endRange": "Inf", "unit": "Hrs", "pricePerUnit": { "USD": "0.0225000000" },
//!                     "appliesTo": [] } },
//!                 "termAttributes": {} } } },
//!              "Reserved": { ... } } }
//! ```
//!
//! Every price is a string; a tiered price has one price dimension per tier (`beginRange` to
//! `endRange`, the last one `"Inf"`). `terms` comes after `products` in the files AWS publishes;
//! this reader does not depend on it (see [`read_offer`]).
//!
//! # How ewsim's prices are named in the files
//!
//! Usage types carry the region's billing code as a prefix (`EU-`, `APN2-`, `USE1-` or none for
//! us-east-1; AWS Region billing codes,
//! <https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-region-billing-codes.html>);
//! matching strips it (see [`bare_usagetype`]). What each ewsim key is taken from:
//!
//! | key | offer | product |
//! |---|---|---|
//! | `inter_az_per_gb_each_direction` | `AmazonEC2` or `AWSDataTransfer` | family `Data Transfer`, `transferType: IntraRegion`, usage type `DataTransfer-Regional-Bytes` |
//! | `alb_hour` / `alb_lcu_hour` | `AWSELB` (also in `AmazonEC2`) | family `Load Balancer-Application`, operation `LoadBalancing:Application`, usage type `LoadBalancerUsage` / `LCUUsage` |
//! | `nlb_hour` / `nlb_nlcu_hour` | same | family `Load Balancer-Network`, operation `LoadBalancing:Network`, same usage types |
//! | `nat_gateway_hour` / `_per_gb` | `AmazonEC2` or `AmazonVPC` | family `NAT Gateway`, usage type `NatGateway-Hours` / `NatGateway-Bytes` |
//! | `tgw_attachment_hour` / `tgw_per_gb` | `AmazonVPC` | usage type `TransitGateway-Hours` / `TransitGateway-Bytes` |
//! | `privatelink_endpoint_az_hour` / `_per_gb` | `AmazonVPC` | usage type `VpcEndpoint-Hours` / `VpcEndpoint-Bytes` (tiered: 1 PB, 4 PB, rest) |
//! | `lattice_*` | `AmazonVPC` | products naming "VPC Lattice Service"; hour, GB or requests by unit |
//! | `route53_*` | `AmazonRoute53` (global) | family `DNS Zone` usage type `HostedZone` (tiered 25 zones); family `DNS Query` usage type `DNS-Queries` (per query, tiered 1 billion) |
//! | `eks_cluster_hour` | `AmazonEKS` | usage type `AmazonEKS-Hours:perCluster` |
//! | `fargate_vcpu_hour` / `fargate_gb_hour` | `AmazonECS` | usage type `Fargate-vCPU-Hours:perCPU` / `Fargate-GB-Hours` |
//! | `vpc_peering_cross_az_per_gb_each_direction` | derived | the inter-AZ price: AWS bills cross-AZ peering at the in-region transfer rate; the `AmazonVPC` peering SKUs list $0 (aws-pricing.md §1.3) |
//! | instances | `AmazonEC2` | family `Compute Instance`, Linux, `tenancy: Shared`, `preInstalledSw: NA`, `capacitystatus: Used`, `licenseModel: No License required` |
//!
//! The ELB usage types are listed in "Understand codes for Elastic Load Balancing in billing and
//! usage reports" (<https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/load-balancer-billing-usage-reports.html>:
//! `LoadBalancerUsage`, `LCUUsage`, and `TS-`, `Outposts-`, `ReservedLCUUsage`, which are not
//! taken); the VPC ones in "Understand codes for Amazon VPC in billing and usage reports"
//! (<https://docs.aws.amazon.com/vpc/latest/userguide/vpc-billing-usage-reports.html>:
//! `VpcEndpoint-Hours`, `VpcEndpoint-Bytes`, `TransitGateway-Hours`, `TransitGateway-Bytes`).
//! The VPC Lattice product descriptions ("Per Hour per VPC Lattice Service", "Data Processed by
//! VPC Lattice Service", requests priced per request after a separate $0 free-tier SKU) come from
//! a Price List dump of us-east-1 (aws-pricing.md S-PL-USE1); their usage type names were not
//! found in any source read, so Lattice products are recognised by that wording and told apart
//! by unit. Route 53 query pricing per query with a Resolver product sharing the `DNS Query`
//! family under a region-prefixed usage type was seen in public price-list consumers; Route 53's
//! usage types are matched without prefix stripping for that reason.

use crate::pricing::{PriceKey, PriceTable};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io::Read;
use std::str::FromStr;

/// The offer codes this reader knows (others are refused as "another service").
pub const KNOWN_OFFERS: &[&str] = &[
    "AmazonEC2",
    "AWSELB",
    "AmazonVPC",
    "AWSDataTransfer",
    "AmazonRoute53",
    "AmazonEKS",
    "AmazonECS",
];

/// The bulk API address of an offer file for a region (`AmazonRoute53` is global: its file is
/// `.../AmazonRoute53/current/index.json`).
pub fn offer_url(offer_code: &str, region: &str) -> String {
    if offer_code == "AmazonRoute53" {
        "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRoute53/current/index.json"
            .to_string()
    } else {
        format!(
            "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/{offer_code}/current/{region}/index.json"
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Public result types

/// One tier of a price dimension, as the offer file states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    /// `beginRange` (0 when the file gives none).
    pub begin: Decimal,
    /// `endRange`; `None` for `"Inf"` (or none given).
    pub end: Option<Decimal>,
    /// `pricePerUnit.USD`, per the offer's unit (not converted).
    pub usd: Decimal,
    /// The dimension's `rateCode`.
    pub rate_code: String,
    /// The dimension's `description`.
    pub description: String,
}

/// The price the offer holds for one ewsim key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractedPrice {
    /// The ewsim key.
    pub key: PriceKey,
    /// The product's SKU.
    pub sku: String,
    /// The product's usage type as written (with its region prefix).
    pub usagetype: String,
    /// The offer's unit (`Hrs`, `GB`, `Queries`, ...).
    pub unit: String,
    /// What one offer unit's price is multiplied by to give ewsim's unit (1, or 1,000,000 for
    /// prices per query or request that ewsim states per million).
    pub scale: Decimal,
    /// Every tier, ordered by `begin`; the first is what the ewsim value means.
    pub tiers: Vec<Tier>,
}

impl ExtractedPrice {
    /// The value in ewsim's unit: the first tier's USD price times [`Self::scale`].
    pub fn value(&self) -> Decimal {
        self.tiers
            .first()
            .map(|t| t.usd * self.scale)
            .unwrap_or(Decimal::ZERO)
    }

    /// The first tier's rate code (the one the value comes from).
    pub fn rate_code(&self) -> &str {
        self.tiers
            .first()
            .map(|t| t.rate_code.as_str())
            .unwrap_or("")
    }
}

/// An EC2 instance type of the region: Linux, shared tenancy, on-demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractedInstance {
    /// vCPUs (`vcpu`).
    pub vcpu: Decimal,
    /// Memory in GiB (`memory`, e.g. `"8 GiB"` or `"3,904 GiB"`).
    pub memory_gib: Decimal,
    /// USD per hour.
    pub hourly: Decimal,
    /// SKU.
    pub sku: String,
    /// Rate code of the hourly price.
    pub rate_code: String,
}

/// An instance product left out because its size could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedInstance {
    /// Instance type.
    pub instance_type: String,
    /// SKU.
    pub sku: String,
    /// The attribute that could not be read (`vcpu` or `memory`).
    pub attribute: String,
    /// Its value as written.
    pub value: String,
}

/// What one offer file holds for ewsim in one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferExtract {
    /// `offerCode`.
    pub offer_code: String,
    /// `version`.
    pub version: String,
    /// `publicationDate` (e.g. `2026-09-11T12:45:44Z`).
    pub publication_date: String,
    /// `formatVersion`.
    pub format_version: String,
    /// The region read.
    pub region: String,
    /// Prices found, by key.
    pub prices: BTreeMap<PriceKey, ExtractedPrice>,
    /// EC2 instance types found, by type.
    pub instances: BTreeMap<String, ExtractedInstance>,
    /// Instance products whose size could not be read.
    pub skipped_instances: Vec<SkippedInstance>,
}

impl OfferExtract {
    /// The publication date's day (`YYYY-MM-DD`), used as `as_of`.
    pub fn as_of(&self) -> &str {
        self.publication_date
            .get(..10)
            .unwrap_or(&self.publication_date)
    }
}

/// Why an offer file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfferError {
    /// The file could not be read (an I/O error, not its content).
    Io(String),
    /// Not valid JSON, or a value of the wrong type, at a 1-based line and column.
    Json {
        /// Line.
        line: usize,
        /// Column.
        column: usize,
        /// The file ended before the JSON did (a truncated download).
        truncated: bool,
        /// serde_json's message.
        message: String,
    },
    /// A section every offer file has is missing.
    NotAnOffer {
        /// The missing top-level field.
        missing: String,
    },
    /// The offer is for a service this reader does not price.
    UnknownOffer {
        /// The file's `offerCode`.
        offer_code: String,
    },
    /// The file has regional products, none of them in the requested region.
    WrongRegion {
        /// Region asked for.
        expected: String,
        /// Regions found (up to a few).
        found: Vec<String>,
    },
    /// One product has more than one on-demand price for a key: several offer terms, or price
    /// dimensions that are not distinct tiers.
    AmbiguousTerms {
        /// Key (or `instances.<type>`).
        key: String,
        /// SKU.
        sku: String,
        /// What is doubled (term codes or rate codes).
        what: Vec<String>,
    },
    /// Several products with different prices match one key.
    AmbiguousProducts {
        /// Key (or `instances.<type>`).
        key: String,
        /// SKUs.
        skus: Vec<String>,
    },
    /// A price or range that is not a number.
    BadNumber {
        /// SKU.
        sku: String,
        /// Rate code (the price dimension).
        rate_code: String,
        /// Field (`pricePerUnit.USD`, `beginRange`, `endRange`).
        field: String,
        /// Value as written.
        value: String,
    },
    /// A product matched a key but its unit is not the key's.
    UnexpectedUnit {
        /// Key.
        key: String,
        /// SKU.
        sku: String,
        /// Unit in the file.
        unit: String,
        /// What the key needs.
        expected: String,
    },
    /// Two offer files give different prices for one key.
    Conflict {
        /// Key (or `instances.<type>`).
        key: String,
        /// (offer code, SKU, value) of each.
        offers: Vec<(String, String, Decimal)>,
    },
}

impl fmt::Display for OfferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OfferError::Io(m) => write!(f, "cannot read the offer file: {m}"),
            OfferError::Json {
                line,
                column,
                truncated,
                message,
            } => {
                if *truncated {
                    write!(
                        f,
                        "{line}:{column}: the file ends in the middle of the JSON (truncated download?): {message}"
                    )
                } else {
                    write!(f, "{line}:{column}: not a valid offer file: {message}")
                }
            }
            OfferError::NotAnOffer { missing } => write!(
                f,
                "not an AWS Price List offer file: no top-level `{missing}`"
            ),
            OfferError::UnknownOffer { offer_code } => write!(
                f,
                "offer `{offer_code}` is not one ewsim reads; expected one of {}",
                KNOWN_OFFERS.join(", ")
            ),
            OfferError::WrongRegion { expected, found } => write!(
                f,
                "the offer is for region {} (no product in {expected}); download the file under .../current/{expected}/index.json",
                found.join(", ")
            ),
            OfferError::AmbiguousTerms { key, sku, what } => write!(
                f,
                "SKU {sku} has more than one on-demand price for `{key}`: {}",
                what.join(", ")
            ),
            OfferError::AmbiguousProducts { key, skus } => write!(
                f,
                "several products with different prices match `{key}`: SKUs {}",
                skus.join(", ")
            ),
            OfferError::BadNumber {
                sku,
                rate_code,
                field,
                value,
            } => write!(
                f,
                "SKU {sku}, rate {rate_code}: `{field}` is `{value}`, not a number"
            ),
            OfferError::UnexpectedUnit {
                key,
                sku,
                unit,
                expected,
            } => write!(
                f,
                "SKU {sku} matches `{key}` but is priced per `{unit}` (expected {expected})"
            ),
            OfferError::Conflict { key, offers } => {
                let list: Vec<String> = offers
                    .iter()
                    .map(|(o, s, v)| format!("{o} SKU {s}: {}", v.normalize()))
                    .collect();
                write!(f, "the offers disagree on `{key}`: {}", list.join("; "))
            }
        }
    }
}

impl std::error::Error for OfferError {}

// ---------------------------------------------------------------------------------------------
// Classification of products

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
enum UnitKind {
    Hours,
    Gb,
    Queries,
    Requests,
    Zones,
}

impl UnitKind {
    fn matches(self, unit: &str) -> bool {
        let u = unit.to_ascii_lowercase();
        match self {
            UnitKind::Hours => u.contains("hr") || u.contains("hour"),
            UnitKind::Gb => u == "gb" || u == "gigabytes" || u == "gb-processed",
            UnitKind::Queries => u.contains("quer"),
            UnitKind::Requests => u.contains("request") || u.contains("connection") || u == "count",
            UnitKind::Zones => u.contains("zone") || u == "count" || u == "month",
        }
    }

    fn describe(self) -> &'static str {
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
enum Class {
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
struct RawProduct {
    #[serde(default, rename = "productFamily")]
    product_family: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

/// Where a product is: `Some(code)` for a regional product (`regionCode`, or `fromRegionCode` for
/// transfer products), `None` when it names no region (global services, older files).
fn product_region(a: &BTreeMap<String, String>) -> Option<&str> {
    attr(a, "regionCode").or_else(|| attr(a, "fromRegionCode"))
}

fn classify(p: &RawProduct, region: &str) -> Option<Class> {
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
        let linux_shared = attr(a, "operatingSystem") == Some("Linux")
            && attr(a, "tenancy") == Some("Shared")
            && attr(a, "preInstalledSw") == Some("NA")
            && attr(a, "capacitystatus") == Some("Used")
            && absent_or(a, "licenseModel", "No License required")
            && absent_or(a, "marketoption", "OnDemand")
            && absent_or(a, "operation", "RunInstances");
        return match (linux_shared, attr(a, "instanceType")) {
            (true, Some(t)) => Some(Class::Instance {
                instance_type: t.to_string(),
                vcpu: attr(a, "vcpu").unwrap_or("").to_string(),
                memory: attr(a, "memory").unwrap_or("").to_string(),
            }),
            _ => None,
        };
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

// ---------------------------------------------------------------------------------------------
// Streaming reader

#[derive(Deserialize)]
struct RawTerm {
    #[serde(default, rename = "offerTermCode")]
    offer_term_code: Option<String>,
    #[serde(default, rename = "priceDimensions")]
    price_dimensions: BTreeMap<String, RawDimension>,
}

#[derive(Deserialize)]
struct RawDimension {
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
type Terms = Vec<(String, RawTerm)>;

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

// ---------------------------------------------------------------------------------------------
// From terms to prices

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

fn resolve(
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
        match class {
            Class::Instance {
                instance_type,
                vcpu,
                memory,
            } => {
                let key = format!("instances.{instance_type}");
                let Some(p) = one_price(&sku, &key, &terms)? else {
                    continue;
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
                        instance_type: instance_type.clone(),
                        sku: sku.clone(),
                        attribute: attribute.into(),
                        value: value.into(),
                    };
                    let Ok(v) = Decimal::from_str(vcpu.trim()) else {
                        out.skipped_instances.push(skip("vcpu", &vcpu));
                        continue;
                    };
                    let Some(m) = parse_memory_gib(&memory) else {
                        out.skipped_instances.push(skip("memory", &memory));
                        continue;
                    };
                    by_type
                        .entry(instance_type)
                        .or_default()
                        .push(ExtractedInstance {
                            vcpu: v,
                            memory_gib: m,
                            hourly: tier.usd,
                            sku: sku.clone(),
                            rate_code: tier.rate_code.clone(),
                        });
                } else {
                    return Err(OfferError::AmbiguousTerms {
                        key,
                        sku,
                        what: p.tiers.iter().map(|t| t.rate_code.clone()).collect(),
                    });
                }
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
            Class::Lattice { usagetype } => {
                let Some(p) = one_price(&sku, "lattice_*", &terms)? else {
                    continue;
                };
                let (key, scale) = if UnitKind::Hours.matches(&p.unit) {
                    (PriceKey::LatticeServiceHour, Decimal::ONE)
                } else if UnitKind::Gb.matches(&p.unit) {
                    (PriceKey::LatticePerGb, Decimal::ONE)
                } else if UnitKind::Requests.matches(&p.unit) {
                    (
                        PriceKey::LatticePerMillionRequests,
                        Decimal::from(1_000_000),
                    )
                } else {
                    return Err(OfferError::UnexpectedUnit {
                        key: "lattice_*".into(),
                        sku,
                        unit: p.unit,
                        expected: "hours, `GB` or requests".into(),
                    });
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
                    preferred: false,
                });
            }
        }
    }
    for (key, cands) in by_key {
        out.prices.insert(key, choose(key, cands)?);
    }
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

// ---------------------------------------------------------------------------------------------
// Several offers -> one table

/// Where an imported entry came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferInfo {
    /// `offerCode`.
    pub offer_code: String,
    /// `version`.
    pub version: String,
    /// `publicationDate`.
    pub publication_date: String,
}

/// One price of the merged table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedPrice {
    /// The price as read.
    pub price: ExtractedPrice,
    /// Index into [`ImportedTable::offers`].
    pub offer: usize,
    /// For a key no offer holds directly: the key whose price it takes (documented in the note).
    pub derived_from: Option<PriceKey>,
}

/// One instance type of the merged table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedInstance {
    /// The instance as read.
    pub instance: ExtractedInstance,
    /// Index into [`ImportedTable::offers`].
    pub offer: usize,
}

/// Several offers merged into one region's prices, ready to be written as a price table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedTable {
    /// Region.
    pub region: String,
    /// The offers read, in the order given.
    pub offers: Vec<OfferInfo>,
    /// Prices by key.
    pub prices: BTreeMap<PriceKey, ImportedPrice>,
    /// Instance types.
    pub instances: BTreeMap<String, ImportedInstance>,
    /// Keys no offer holds (written as `null`).
    pub missing: Vec<PriceKey>,
    /// Instance products left out, with their offer index.
    pub skipped_instances: Vec<SkippedInstance>,
}

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

// ---------------------------------------------------------------------------------------------
// Writing the price table

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

    // Sources: one per product taken, the missing marker, and the capacity rules' own.
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
    let mut codes: Vec<&str> = Vec::new();
    for o in &t.offers {
        if !codes.contains(&o.offer_code.as_str()) {
            codes.push(&o.offer_code);
        }
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
    y
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

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

    #[test]
    fn memory_sizes_with_separators_and_fractions() {
        assert_eq!(parse_memory_gib("8 GiB"), Some(dec!(8)));
        assert_eq!(parse_memory_gib("3,904 GiB"), Some(dec!(3904)));
        assert_eq!(parse_memory_gib("0.5 GiB"), Some(dec!(0.5)));
        assert_eq!(parse_memory_gib("NA"), None);
    }

    #[test]
    fn yaml_strings_are_escaped() {
        assert_eq!(q("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
        assert_eq!(yaml_key("m5.large"), "m5.large");
        assert_eq!(yaml_key("a b"), "\"a b\"");
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
