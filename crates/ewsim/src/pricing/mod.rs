//! Price tables as data: every price with its source and date, embedded per region and overridable.
//!
//! The built-in tables are `pricing/aws/<region>.yaml`, compiled into the library so that
//! `cargo add ewsim` works without files. Entries without a verified figure have no value; asking
//! for one is an error that names the key and how to supply it.

pub mod file;

use crate::error::{Diagnostic, InputError};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Embedded tables: (region, file name, YAML text).
const BUILTIN: &[(&str, &str, &str)] = &[
    (
        "us-east-1",
        "pricing/aws/us-east-1.yaml",
        include_str!("../../pricing/aws/us-east-1.yaml"),
    ),
    (
        "ap-northeast-2",
        "pricing/aws/ap-northeast-2.yaml",
        include_str!("../../pricing/aws/ap-northeast-2.yaml"),
    ),
];

/// Embedded mesh proxy overhead defaults.
pub(crate) const MESH_OVERHEADS: (&str, &str) = (
    "pricing/mesh-overheads.yaml",
    include_str!("../../pricing/mesh-overheads.yaml"),
);

/// Regions with a built-in table.
pub fn builtin_regions() -> Vec<&'static str> {
    BUILTIN.iter().map(|(r, _, _)| *r).collect()
}

/// A named price every option may need; each must exist in every table (possibly without a value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PriceKey {
    /// Inter-AZ transfer, per GB per direction charged.
    InterAzPerGb,
    /// VPC peering across AZs, per GB per direction charged.
    PeeringCrossAzPerGb,
    /// ALB hour.
    AlbHour,
    /// ALB LCU-hour.
    AlbLcuHour,
    /// NLB hour.
    NlbHour,
    /// NLB NLCU-hour.
    NlbNlcuHour,
    /// VPC Lattice service-hour.
    LatticeServiceHour,
    /// VPC Lattice data processed per GB.
    LatticePerGb,
    /// VPC Lattice per million requests beyond the free tier.
    LatticePerMillionRequests,
    /// NAT gateway hour.
    NatGatewayHour,
    /// NAT gateway per GB.
    NatGatewayPerGb,
    /// Transit Gateway attachment-hour.
    TgwAttachmentHour,
    /// Transit Gateway per GB sent into it.
    TgwPerGb,
    /// PrivateLink endpoint per AZ-hour.
    PrivateLinkEndpointAzHour,
    /// PrivateLink per GB.
    PrivateLinkPerGb,
    /// Route 53 hosted zone per month.
    Route53HostedZoneMonth,
    /// Route 53 per million queries.
    Route53PerMillionQueries,
    /// EKS cluster-hour (standard support).
    EksClusterHour,
    /// Fargate x86 vCPU-hour (its ratio to GB-hour splits EC2 prices).
    FargateVcpuHour,
    /// Fargate x86 GB-hour.
    FargateGbHour,
}

impl PriceKey {
    /// Every key, in table order.
    pub const ALL: [PriceKey; 20] = [
        PriceKey::InterAzPerGb,
        PriceKey::PeeringCrossAzPerGb,
        PriceKey::AlbHour,
        PriceKey::AlbLcuHour,
        PriceKey::NlbHour,
        PriceKey::NlbNlcuHour,
        PriceKey::LatticeServiceHour,
        PriceKey::LatticePerGb,
        PriceKey::LatticePerMillionRequests,
        PriceKey::NatGatewayHour,
        PriceKey::NatGatewayPerGb,
        PriceKey::TgwAttachmentHour,
        PriceKey::TgwPerGb,
        PriceKey::PrivateLinkEndpointAzHour,
        PriceKey::PrivateLinkPerGb,
        PriceKey::Route53HostedZoneMonth,
        PriceKey::Route53PerMillionQueries,
        PriceKey::EksClusterHour,
        PriceKey::FargateVcpuHour,
        PriceKey::FargateGbHour,
    ];

    /// The key as written in price tables and scenario `prices:` overrides.
    pub fn as_str(self) -> &'static str {
        match self {
            PriceKey::InterAzPerGb => "inter_az_per_gb_each_direction",
            PriceKey::PeeringCrossAzPerGb => "vpc_peering_cross_az_per_gb_each_direction",
            PriceKey::AlbHour => "alb_hour",
            PriceKey::AlbLcuHour => "alb_lcu_hour",
            PriceKey::NlbHour => "nlb_hour",
            PriceKey::NlbNlcuHour => "nlb_nlcu_hour",
            PriceKey::LatticeServiceHour => "lattice_service_hour",
            PriceKey::LatticePerGb => "lattice_per_gb",
            PriceKey::LatticePerMillionRequests => "lattice_per_million_requests",
            PriceKey::NatGatewayHour => "nat_gateway_hour",
            PriceKey::NatGatewayPerGb => "nat_gateway_per_gb",
            PriceKey::TgwAttachmentHour => "tgw_attachment_hour",
            PriceKey::TgwPerGb => "tgw_per_gb",
            PriceKey::PrivateLinkEndpointAzHour => "privatelink_endpoint_az_hour",
            PriceKey::PrivateLinkPerGb => "privatelink_per_gb",
            PriceKey::Route53HostedZoneMonth => "route53_hosted_zone_month",
            PriceKey::Route53PerMillionQueries => "route53_per_million_queries",
            PriceKey::EksClusterHour => "eks_cluster_hour",
            PriceKey::FargateVcpuHour => "fargate_vcpu_hour",
            PriceKey::FargateGbHour => "fargate_gb_hour",
        }
    }

    /// Looks a key up by its table spelling.
    pub fn parse(s: &str) -> Option<PriceKey> {
        PriceKey::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a figure comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Reference (page, document, file).
    pub reference: String,
    /// Date of the source, or `n.d.`.
    pub as_of: String,
    /// primary / mirror / secondary / derived / assumption / missing.
    pub kind: String,
}

/// One price with its provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Price {
    /// The price, or `None` where no verified figure exists for the region.
    pub value: Option<Decimal>,
    /// Unit, e.g. `USD/GB`.
    pub unit: String,
    /// Source id (see [`PriceTable::sources`]) or a free-text origin for overrides.
    pub source: String,
    /// Date of the figure.
    pub as_of: String,
    /// Confidence, when stated.
    pub confidence: Option<crate::provenance::Confidence>,
    /// Caveat, when any.
    pub note: Option<String>,
    /// The region whose table the figure was taken from, when a partial price file for another
    /// region named it as its `base:`: an assumption the report marks, never a verified price.
    pub inherited_from: Option<String>,
}

impl Price {
    /// The price's source, date and confidence.
    pub fn provenance(&self) -> crate::provenance::Provenance {
        crate::provenance::Provenance::new(&self.source, &self.as_of, self.confidence)
    }
}

/// An EC2 instance type's on-demand price and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// USD per hour.
    pub hourly: Decimal,
    /// vCPUs.
    pub vcpu: Decimal,
    /// Memory in GiB.
    pub memory_gib: Decimal,
    /// Source id.
    pub source: String,
    /// Date of the figure.
    pub as_of: String,
    /// The region whose table the price was taken from (see [`Price::inherited_from`]).
    pub inherited_from: Option<String>,
}

/// What one ALB LCU provides (the largest dimension is billed each hour).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlbLcu {
    /// New connections per second.
    pub new_connections_per_s: Decimal,
    /// Active connections per minute.
    pub active_connections_per_min: Decimal,
    /// Active connections per minute with mutual TLS.
    pub active_connections_per_min_mtls: Decimal,
    /// Processed GB per hour (EC2, container and IP targets).
    pub gb_per_hour: Decimal,
    /// Rule evaluations per second.
    pub rule_evaluations_per_s: Decimal,
    /// Rules per request that are free.
    pub free_rules_per_request: Decimal,
}

/// What one NLCU provides for one protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nlcu {
    /// New connections (flows) per second.
    pub new_connections_per_s: Decimal,
    /// Active connections, sampled per minute.
    pub active_connections_per_min: Decimal,
    /// Processed GB per hour.
    pub gb_per_hour: Decimal,
}

/// Capacity-unit rules of the load balancers and Lattice's free tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapacityUnits {
    /// Source id.
    pub source: String,
    /// Date.
    pub as_of: String,
    /// ALB LCU dimensions.
    pub alb_lcu: AlbLcu,
    /// NLB NLCU dimensions per protocol.
    pub nlb_tcp: Nlcu,
    /// UDP.
    pub nlb_udp: Nlcu,
    /// TLS.
    pub nlb_tls: Nlcu,
    /// Free Lattice requests per hour per service.
    pub lattice_free_requests_per_hour: Decimal,
}

/// A region's price table.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceTable {
    /// Provider, `aws`.
    pub provider: String,
    /// Region, e.g. `us-east-1`.
    pub region: String,
    /// Currency of every value.
    pub currency: String,
    /// Date of the table (its newest read).
    pub as_of: String,
    /// Where the table came from (built-in file name or user file).
    pub origin: String,
    /// Sources by id.
    pub sources: BTreeMap<String, Source>,
    /// Prices by key.
    pub prices: BTreeMap<String, Price>,
    /// EC2 instance types.
    pub instances: BTreeMap<String, Instance>,
    /// Capacity-unit rules.
    pub capacity: CapacityUnits,
}

impl PriceTable {
    /// The built-in table of a region.
    pub fn builtin(region: &str) -> Result<PriceTable, InputError> {
        let Some((_, file, text)) = BUILTIN.iter().find(|(r, _, _)| *r == region) else {
            return Err(InputError::single(
                Diagnostic::at(
                    "region",
                    format!("no built-in price table for region `{region}`"),
                )
                .with_hint(format!(
                    "built-in regions: {}; for another region, import its AWS Price List offer \
                     files (`ewsim pricing import`), or write a price file with `base: us-east-1` \
                     and the prices you know (the others are marked assumed), or a complete \
                     price table, and select it",
                    builtin_regions().join(", ")
                )),
            ));
        };
        file::parse_price_table(text, file)
    }

    /// The value of a price, or an error naming the key when the table has no verified figure.
    pub fn get(&self, key: PriceKey) -> Result<Decimal, PricingError> {
        self.prices
            .get(key.as_str())
            .and_then(|p| p.value)
            .ok_or_else(|| PricingError {
                key: key.as_str().to_string(),
                region: self.region.clone(),
            })
    }

    /// The full entry of a price (for provenance in reports).
    pub fn entry(&self, key: PriceKey) -> Option<&Price> {
        self.prices.get(key.as_str())
    }

    /// Replaces a price's value, recording where the new value came from.
    pub fn set(&mut self, key: PriceKey, value: Decimal, origin: &str) {
        let unit = self
            .prices
            .get(key.as_str())
            .map(|p| p.unit.clone())
            .unwrap_or_default();
        self.prices.insert(
            key.as_str().to_string(),
            Price {
                value: Some(value),
                unit,
                source: origin.to_string(),
                as_of: "override".to_string(),
                confidence: None,
                note: Some("overridden".to_string()),
                inherited_from: None,
            },
        );
    }

    /// Merges an override table: every price, instance and capacity rule it carries replaces ours.
    pub fn merge(&mut self, overrides: PriceOverrides) {
        for (k, p) in overrides.prices {
            self.prices.insert(k, p);
        }
        for (k, i) in overrides.instances {
            self.instances.insert(k, i);
        }
        self.sources.extend(overrides.sources);
        if let Some(c) = overrides.capacity {
            self.capacity = c;
        }
        self.origin = format!("{} + {}", self.origin, overrides.origin);
    }

    /// This table used for `region`: every price and instance type with a value is marked as
    /// taken from this table's region ([`Price::inherited_from`]); the table's name says so.
    #[must_use]
    pub fn rebased(mut self, region: &str) -> PriceTable {
        if self.region == region {
            return self;
        }
        let from = self.region.clone();
        for p in self.prices.values_mut() {
            if p.value.is_some() && p.inherited_from.is_none() {
                p.inherited_from = Some(from.clone());
            }
        }
        for i in self.instances.values_mut() {
            if i.inherited_from.is_none() {
                i.inherited_from = Some(from.clone());
            }
        }
        self.origin = format!("{} (base for {region})", self.origin);
        self.region = region.to_string();
        self
    }

    /// vCPU-hour and GB-hour rates of an instance type, split from its hourly price with the Fargate
    /// vCPU:GB price ratio (aws-pricing.md §5.2: `cpu = P / (vCPU + GiB/ratio)`, `gb = cpu / ratio`).
    pub fn compute_rates(&self, instance_type: &str) -> Result<(Decimal, Decimal), PricingError> {
        let inst = self
            .instances
            .get(instance_type)
            .ok_or_else(|| PricingError {
                key: format!("instances.{instance_type}"),
                region: self.region.clone(),
            })?;
        let ratio = self.get(PriceKey::FargateVcpuHour)? / self.get(PriceKey::FargateGbHour)?;
        let cpu = inst.hourly / (inst.vcpu + inst.memory_gib / ratio);
        Ok((cpu, cpu / ratio))
    }
}

/// A `--pricing FILE` or partial table: whatever it carries replaces the built-in entries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PriceOverrides {
    /// File name.
    pub origin: String,
    /// Region the file is for, when it says.
    pub region: Option<String>,
    /// The table whose prices it starts from (`base: us-east-1`), when it says; prices taken from
    /// another region's table are marked as assumed.
    pub base: Option<String>,
    /// Sources it adds.
    pub sources: BTreeMap<String, Source>,
    /// Prices it replaces.
    pub prices: BTreeMap<String, Price>,
    /// Instance types it adds or replaces.
    pub instances: BTreeMap<String, Instance>,
    /// Capacity rules, when it replaces them.
    pub capacity: Option<CapacityUnits>,
}

/// A price the evaluation needs is missing from the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricingError {
    /// Price key (or `instances.<type>`).
    pub key: String,
    /// Region of the table.
    pub region: String,
}

impl std::fmt::Display for PricingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "price `{}` has no verified value for {}; set it under `prices:` in the scenario or in a price file",
            self.key, self.region
        )
    }
}

impl std::error::Error for PricingError {}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn every_builtin_table_has_every_key_with_source_and_date() {
        for region in builtin_regions() {
            let t = PriceTable::builtin(region).expect("built-in table parses");
            for key in PriceKey::ALL {
                let p = t
                    .entry(key)
                    .unwrap_or_else(|| panic!("{region}: {} missing", key.as_str()));
                assert!(
                    t.sources.contains_key(&p.source),
                    "{region}: {} has unknown source {}",
                    key.as_str(),
                    p.source
                );
                assert!(!p.as_of.is_empty());
            }
        }
    }

    #[test]
    fn seoul_lattice_is_missing_not_copied() {
        let t = PriceTable::builtin("ap-northeast-2").expect("table");
        let err = t
            .get(PriceKey::LatticeServiceHour)
            .expect_err("no verified Seoul Lattice price");
        assert!(err.to_string().contains("lattice_service_hour"));
        assert_eq!(t.get(PriceKey::TgwAttachmentHour), Ok(dec!(0.07)));
    }

    #[test]
    fn m5_large_split_matches_reference_table() {
        // aws-pricing.md §5.2: m5.large us-east-1 -> $0.03335/vCPU-h, $0.003662/GB-h.
        let t = PriceTable::builtin("us-east-1").expect("table");
        let (cpu, gb) = t.compute_rates("m5.large").expect("rates");
        assert_eq!(cpu.round_dp(5), dec!(0.03335));
        assert_eq!(gb.round_dp(6), dec!(0.003662));
    }
}
