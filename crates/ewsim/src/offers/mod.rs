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
//!
//! # Code
//! `stream.rs` reads a file as a stream ([`read_offer`]), `classify.rs` says what each product is
//! for, `terms.rs` turns the relevant products' on-demand terms into prices, `combine.rs` merges
//! several files' extracts ([`combine`]) and `write.rs` writes the price table
//! ([`price_table_yaml`]).

mod classify;
mod combine;
mod stream;
mod terms;
mod write;

pub use classify::bare_usagetype;
pub use combine::combine;
pub use stream::read_offer;
pub use write::price_table_yaml;

use crate::pricing::PriceKey;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt;

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
