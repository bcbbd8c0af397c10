//! AWS Price List offer files -> ewsim price table: every extracted value checked by hand against
//! the fixture text in `tests/fixtures/offers/`, the written table loaded with ewsim's loader, and
//! a scenario in that region priced to the cent by hand arithmetic.

use ewsim::cost::cents;
use ewsim::loader::parse_scenario;
use ewsim::offers::{
    ImportedTable, OfferError, OfferExtract, bare_usagetype, combine, price_table_yaml, read_offer,
};
use ewsim::pricing::PriceKey;
use ewsim::pricing::file::parse_price_table;
use ewsim::{PriceTable, evaluate};
use rust_decimal::Decimal;
use rust_decimal::dec;

fn fixture(name: &str) -> std::fs::File {
    let p = format!(
        "{}/../../tests/fixtures/offers/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::File::open(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn read(name: &str) -> OfferExtract {
    read_offer(fixture(name), "eu-west-1").unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn value(x: &OfferExtract, key: PriceKey) -> Decimal {
    x.prices
        .get(&key)
        .unwrap_or_else(|| panic!("{} missing", key.as_str()))
        .value()
}

#[test]
fn ec2_instances_linux_shared_on_demand_only() {
    let x = read("ec2-eu-west-1.json");
    assert_eq!(x.offer_code, "AmazonEC2");
    assert_eq!(x.version, "20260925184512");
    assert_eq!(x.publication_date, "2026-09-25T18:45:12Z");
    assert_eq!(x.as_of(), "2026-09-25");
    // Four Linux / Shared / NA / Used products in eu-west-1; Windows, Dedicated, the two capacity
    // reservation products, SQL Web and the us-west-2 m6i.large are not taken.
    let types: Vec<&str> = x.instances.keys().map(String::as_str).collect();
    assert_eq!(
        types,
        vec!["c6i.large", "m6i.large", "m7g.large", "x2iedn.32xlarge"]
    );
    let m6i = &x.instances["m6i.large"];
    // "pricePerUnit" : { "USD" : "0.1070000000" }, vcpu "2", memory "8 GiB".
    assert_eq!(m6i.hourly, dec!(0.107));
    assert_eq!((m6i.vcpu, m6i.memory_gib), (dec!(2), dec!(8)));
    assert_eq!(m6i.sku, "B3Z2PWTXM7SKXN4S");
    assert_eq!(m6i.rate_code, "B3Z2PWTXM7SKXN4S.JRTCKXETXF.6YS6EN2CT7");
    let c6i = &x.instances["c6i.large"];
    assert_eq!(
        (c6i.hourly, c6i.vcpu, c6i.memory_gib),
        (dec!(0.096), dec!(2), dec!(4))
    );
    let m7g = &x.instances["m7g.large"];
    assert_eq!(
        (m7g.hourly, m7g.vcpu, m7g.memory_gib),
        (dec!(0.0893), dec!(2), dec!(8))
    );
    // "memory" : "4,096 GiB".
    let x2 = &x.instances["x2iedn.32xlarge"];
    assert_eq!(
        (x2.hourly, x2.vcpu, x2.memory_gib),
        (dec!(29.344), dec!(128), dec!(4096))
    );
    assert!(x.skipped_instances.is_empty());
    // The regional data transfer product (EU-DataTransfer-Regional-Bytes, $0.01/GB) and the NAT
    // gateway; not the inter-region or internet transfer, nor the regional NAT gateway.
    assert_eq!(value(&x, PriceKey::InterAzPerGb), dec!(0.01));
    let dt = &x.prices[&PriceKey::InterAzPerGb];
    assert_eq!(dt.sku, "QBZTGR8GHN4RWQKE");
    assert_eq!(dt.usagetype, "EU-DataTransfer-Regional-Bytes");
    assert_eq!(dt.unit, "GB");
    assert_eq!(dt.rate_code(), "QBZTGR8GHN4RWQKE.JRTCKXETXF.6YS6EN2CT7");
    assert_eq!(value(&x, PriceKey::NatGatewayHour), dec!(0.048));
    assert_eq!(value(&x, PriceKey::NatGatewayPerGb), dec!(0.048));
    assert_eq!(x.prices[&PriceKey::NatGatewayHour].sku, "N3G9HQX7CDRSV5TE");
    let keys: Vec<PriceKey> = x.prices.keys().copied().collect();
    assert_eq!(
        keys,
        vec![
            PriceKey::InterAzPerGb,
            PriceKey::NatGatewayHour,
            PriceKey::NatGatewayPerGb
        ]
    );
}

#[test]
fn elb_application_and_network_hours_and_capacity_units() {
    let x = read("elb-eu-west-1.json");
    assert_eq!(x.offer_code, "AWSELB");
    assert_eq!(x.publication_date, "2026-09-11T12:45:44Z");
    // LoadBalancing:Application EU-LoadBalancerUsage $0.0252/Hrs, EU-LCUUsage $0.008/LCU-Hrs;
    // LoadBalancing:Network the same usage types at $0.0252 and $0.006. Trust store, reserved
    // LCU, Outposts, Gateway and Classic products are not taken.
    assert_eq!(value(&x, PriceKey::AlbHour), dec!(0.0252));
    assert_eq!(value(&x, PriceKey::AlbLcuHour), dec!(0.008));
    assert_eq!(value(&x, PriceKey::NlbHour), dec!(0.0252));
    assert_eq!(value(&x, PriceKey::NlbNlcuHour), dec!(0.006));
    assert_eq!(x.prices[&PriceKey::AlbHour].sku, "A7LBHRW3Q9ZK2XJD");
    assert_eq!(x.prices[&PriceKey::AlbLcuHour].sku, "A8LCUHRK4T7MWN2B");
    assert_eq!(x.prices[&PriceKey::AlbLcuHour].unit, "LCU-Hrs");
    assert_eq!(x.prices[&PriceKey::NlbHour].sku, "N4LBHRZ7W2QK9TXF");
    assert_eq!(x.prices[&PriceKey::NlbNlcuHour].sku, "N6LCUHRB3M8XQ5KV");
    assert_eq!(x.prices.len(), 4);
    assert!(x.instances.is_empty());
}

#[test]
fn vpc_transit_gateway_privatelink_tiers_and_nat() {
    let x = read("vpc-eu-west-1.json");
    // Two TGW attachment products at $0.05 (VPC and VPN): one price, the VPC attachment's SKU.
    assert_eq!(value(&x, PriceKey::TgwAttachmentHour), dec!(0.05));
    assert_eq!(
        x.prices[&PriceKey::TgwAttachmentHour].sku,
        "T5GWVPCHRQ8ZK2XD"
    );
    assert_eq!(value(&x, PriceKey::TgwPerGb), dec!(0.02));
    assert_eq!(value(&x, PriceKey::PrivateLinkEndpointAzHour), dec!(0.011));
    // VpcEndpoint-Bytes: 0-1048576 GB $0.01, 1048576-5242880 $0.006, 5242880-Inf $0.004.
    let pl = &x.prices[&PriceKey::PrivateLinkPerGb];
    assert_eq!(pl.value(), dec!(0.01));
    let tiers: Vec<(Decimal, Option<Decimal>, Decimal)> =
        pl.tiers.iter().map(|t| (t.begin, t.end, t.usd)).collect();
    assert_eq!(
        tiers,
        vec![
            (dec!(0), Some(dec!(1048576)), dec!(0.01)),
            (dec!(1048576), Some(dec!(5242880)), dec!(0.006)),
            (dec!(5242880), None, dec!(0.004)),
        ]
    );
    assert_eq!(pl.rate_code(), "V7PCEGBM4T9XQ2KD.JRTCKXETXF.6YS6EN2CT7");
    assert_eq!(
        pl.tiers[1].rate_code,
        "V7PCEGBM4T9XQ2KD.JRTCKXETXF.8EEUB22XNJ"
    );
    assert_eq!(value(&x, PriceKey::NatGatewayHour), dec!(0.048));
    // The GWLB endpoint and public IPv4 products are not taken.
    assert_eq!(x.prices.len(), 6);
}

#[test]
fn lattice_services_by_unit_with_the_free_tier_sku_set_aside() {
    let x = read("vpc-lattice-eu-west-1.json");
    assert_eq!(value(&x, PriceKey::LatticeServiceHour), dec!(0.0275));
    assert_eq!(value(&x, PriceKey::LatticePerGb), dec!(0.0275));
    // "USD" : "0.0000001100" per request x 1,000,000 = $0.11 per million; the $0 free-tier SKU
    // gives way to it; the resource-configuration hour ($0.11) is not a service price.
    let req = &x.prices[&PriceKey::LatticePerMillionRequests];
    assert_eq!(req.value(), dec!(0.11));
    assert_eq!(req.tiers[0].usd, dec!(0.00000011));
    assert_eq!(req.scale, dec!(1000000));
    assert_eq!(req.sku, "L8SVCRQZ5X2QN7KV");
    assert_eq!(
        x.prices[&PriceKey::LatticeServiceHour].sku,
        "L3SVCHRK8Q2ZW5XT"
    );
    assert_eq!(x.prices.len(), 3);
}

#[test]
fn route53_zone_and_query_tiers_per_million() {
    // Global offer: read for any region.
    let x = read_offer(fixture("route53.json"), "eu-west-1").expect("test value");
    let zone = &x.prices[&PriceKey::Route53HostedZoneMonth];
    assert_eq!(zone.value(), dec!(0.50));
    assert_eq!(
        zone.tiers
            .iter()
            .map(|t| (t.begin, t.end, t.usd))
            .collect::<Vec<_>>(),
        vec![
            (dec!(0), Some(dec!(25)), dec!(0.5)),
            (dec!(25), None, dec!(0.1))
        ]
    );
    // DNS-Queries: $0.0000004 per query to 1e9, $0.0000002 after -> $0.40 per million. The
    // latency-based and the Resolver's EU-DNS-Queries products are not taken.
    let q = &x.prices[&PriceKey::Route53PerMillionQueries];
    assert_eq!(q.value(), dec!(0.40));
    assert_eq!(q.unit, "Queries");
    assert_eq!(q.sku, "Q4STDQRYX8K2ZW5M");
    assert_eq!(q.tiers[1].begin, dec!(1000000000));
    assert_eq!(q.tiers[1].usd * q.scale, dec!(0.20));
    assert_eq!(x.prices.len(), 2);
    let other = read_offer(fixture("route53.json"), "ap-northeast-2").expect("test value");
    assert_eq!(other.prices, x.prices);
}

#[test]
fn bad_files_are_errors_with_what_and_where() {
    let err = |name: &str| read_offer(fixture(name), "eu-west-1").expect_err(name);
    // Cut in the middle of line 130 (`"productFamily" : "Load Balancer`).
    match err("bad-truncated.json") {
        OfferError::Json {
            line, truncated, ..
        } => assert_eq!((line, truncated), (130, true)),
        e => panic!("{e:?}"),
    }
    match err("bad-two-ondemand-prices.json") {
        OfferError::AmbiguousTerms { key, sku, what } => {
            assert_eq!(key, "alb_hour");
            assert_eq!(sku, "A7LBHRW3Q9ZK2XJD");
            assert_eq!(what, vec!["JRTCKXETXF", "MZU6U2429S"]);
        }
        e => panic!("{e:?}"),
    }
    match err("bad-wrong-region.json") {
        OfferError::WrongRegion { expected, found } => {
            assert_eq!(expected, "eu-west-1");
            assert_eq!(found, vec!["us-west-2"]);
        }
        e => panic!("{e:?}"),
    }
    let e = err("bad-wrong-service.json");
    assert_eq!(
        e,
        OfferError::UnknownOffer {
            offer_code: "AmazonS3".into()
        }
    );
    assert!(e.to_string().contains("AmazonS3"), "{e}");
    // A regional fixture read for another region names the region it is for.
    let e = read_offer(fixture("elb-eu-west-1.json"), "ap-northeast-2").expect_err("region");
    assert!(e.to_string().contains("eu-west-1"), "{e}");
}

const TERMS_FIRST: &str = r#"{
  "formatVersion" : "v1.0",
  "terms" : { "OnDemand" : {
    "F1VCPUHRSQ8ZK2XD" : { "F1VCPUHRSQ8ZK2XD.JRTCKXETXF" : { "offerTermCode" : "JRTCKXETXF", "sku" : "F1VCPUHRSQ8ZK2XD",
      "effectiveDate" : "2026-09-01T00:00:00Z", "priceDimensions" : { "F1VCPUHRSQ8ZK2XD.JRTCKXETXF.6YS6EN2CT7" : {
        "rateCode" : "F1VCPUHRSQ8ZK2XD.JRTCKXETXF.6YS6EN2CT7", "description" : "AWS Fargate - vCPU - EU (Ireland)",
        "beginRange" : "0", "endRange" : "Inf", "unit" : "hours", "pricePerUnit" : { "USD" : "0.0444500000" }, "appliesTo" : [ ] } },
      "termAttributes" : { } } },
    "F2MEMGBHRX5Q8KTM" : { "F2MEMGBHRX5Q8KTM.JRTCKXETXF" : { "offerTermCode" : "JRTCKXETXF", "sku" : "F2MEMGBHRX5Q8KTM",
      "effectiveDate" : "2026-09-01T00:00:00Z", "priceDimensions" : { "F2MEMGBHRX5Q8KTM.JRTCKXETXF.6YS6EN2CT7" : {
        "rateCode" : "F2MEMGBHRX5Q8KTM.JRTCKXETXF.6YS6EN2CT7", "description" : "AWS Fargate - Memory - EU (Ireland)",
        "beginRange" : "0", "endRange" : "Inf", "unit" : "GB-Hours", "pricePerUnit" : { "USD" : "0.0048800000" }, "appliesTo" : [ ] } },
      "termAttributes" : { } } },
    "F3ARMCPUQ2K8XW4T" : { "F3ARMCPUQ2K8XW4T.JRTCKXETXF" : { "offerTermCode" : "JRTCKXETXF", "sku" : "F3ARMCPUQ2K8XW4T",
      "effectiveDate" : "2026-09-01T00:00:00Z", "priceDimensions" : { "F3ARMCPUQ2K8XW4T.JRTCKXETXF.6YS6EN2CT7" : {
        "rateCode" : "F3ARMCPUQ2K8XW4T.JRTCKXETXF.6YS6EN2CT7", "description" : "AWS Fargate - ARM - vCPU - EU (Ireland)",
        "beginRange" : "0", "endRange" : "Inf", "unit" : "hours", "pricePerUnit" : { "USD" : "0.0355600000" }, "appliesTo" : [ ] } },
      "termAttributes" : { } } }
  } },
  "products" : {
    "F1VCPUHRSQ8ZK2XD" : { "sku" : "F1VCPUHRSQ8ZK2XD", "productFamily" : "Compute", "attributes" : {
      "servicecode" : "AmazonECS", "location" : "EU (Ireland)", "locationType" : "AWS Region", "cputype" : "perCPU",
      "usagetype" : "EU-Fargate-vCPU-Hours:perCPU", "operation" : "", "regionCode" : "eu-west-1", "servicename" : "Amazon Elastic Container Service" } },
    "F2MEMGBHRX5Q8KTM" : { "sku" : "F2MEMGBHRX5Q8KTM", "productFamily" : "Compute", "attributes" : {
      "servicecode" : "AmazonECS", "location" : "EU (Ireland)", "locationType" : "AWS Region", "memorytype" : "perGB",
      "usagetype" : "EU-Fargate-GB-Hours", "operation" : "", "regionCode" : "eu-west-1", "servicename" : "Amazon Elastic Container Service" } },
    "F3ARMCPUQ2K8XW4T" : { "sku" : "F3ARMCPUQ2K8XW4T", "productFamily" : "Compute", "attributes" : {
      "servicecode" : "AmazonECS", "location" : "EU (Ireland)", "locationType" : "AWS Region", "cputype" : "perCPU",
      "usagetype" : "EU-Fargate-ARM-vCPU-Hours:perCPU", "operation" : "", "regionCode" : "eu-west-1", "servicename" : "Amazon Elastic Container Service" } }
  },
  "offerCode" : "AmazonECS",
  "version" : "20260920101010",
  "publicationDate" : "2026-09-20T10:10:10Z"
}"#;

#[test]
fn key_order_does_not_matter_terms_before_products() {
    let x = read_offer(TERMS_FIRST.as_bytes(), "eu-west-1").expect("reads");
    assert_eq!(x.offer_code, "AmazonECS");
    assert_eq!(value(&x, PriceKey::FargateVcpuHour), dec!(0.04445));
    assert_eq!(value(&x, PriceKey::FargateGbHour), dec!(0.00488));
    // The ARM vCPU product is not the x86 key.
    assert_eq!(x.prices.len(), 2);
}

#[test]
fn products_with_different_prices_for_one_key_are_an_error() {
    // The ELB fixture with a second ALB hour product at another price.
    let mut text = String::new();
    std::io::Read::read_to_string(&mut fixture("elb-eu-west-1.json"), &mut text)
        .expect("test value");
    let text = text
        .replace("EU-TS-LoadBalancerUsage", "EU-LoadBalancerUsage")
        .replace("\"ELB:TrustStore\"", "\"ELB:Balancer\"");
    match read_offer(text.as_bytes(), "eu-west-1") {
        Err(OfferError::AmbiguousProducts { key, skus }) => {
            assert_eq!(key, "alb_hour");
            assert_eq!(skus, vec!["A2TSHRPQ6XW9BZ4M", "A7LBHRW3Q9ZK2XJD"]);
        }
        r => panic!("{r:?}"),
    }
}

fn import_all() -> ImportedTable {
    let files = [
        "ec2-eu-west-1.json",
        "elb-eu-west-1.json",
        "vpc-eu-west-1.json",
        "vpc-lattice-eu-west-1.json",
        "route53.json",
    ];
    combine("eu-west-1", files.iter().map(|f| read(f)).collect()).expect("combines")
}

#[test]
fn merged_offers_missing_keys_and_the_derived_peering_price() {
    let t = import_all();
    assert_eq!(t.offers.len(), 5);
    // NAT gateway is in both AmazonEC2 and AmazonVPC at $0.048: taken from the first given.
    assert_eq!(
        t.offers[t.prices[&PriceKey::NatGatewayHour].offer].offer_code,
        "AmazonEC2"
    );
    // Peering across AZs is the inter-AZ price, marked as derived.
    let peering = &t.prices[&PriceKey::PeeringCrossAzPerGb];
    assert_eq!(peering.price.value(), dec!(0.01));
    assert_eq!(peering.derived_from, Some(PriceKey::InterAzPerGb));
    // No EKS or ECS offer was given.
    assert_eq!(
        t.missing,
        vec![
            PriceKey::EksClusterHour,
            PriceKey::FargateVcpuHour,
            PriceKey::FargateGbHour
        ]
    );
    // Two offers that disagree: an error naming both.
    let mut elb = read("elb-eu-west-1.json");
    let mut other = elb.clone();
    if let Some(p) = other.prices.get_mut(&PriceKey::AlbHour) {
        p.tiers[0].usd = dec!(0.0225);
    }
    other.offer_code = "AmazonEC2".into();
    elb.prices.retain(|k, _| *k == PriceKey::AlbHour);
    match combine("eu-west-1", vec![elb, other]) {
        Err(OfferError::Conflict { key, offers }) => {
            assert_eq!(key, "alb_hour");
            assert_eq!(offers[0].2, dec!(0.0252));
            assert_eq!(offers[1].2, dec!(0.0225));
        }
        r => panic!("{r:?}"),
    }
}

#[test]
fn written_table_loads_and_prices_a_scenario_to_the_cent() {
    let t = import_all();
    let rules = PriceTable::builtin("us-east-1").expect("test value");
    let yaml = price_table_yaml(&t, &rules);
    let table =
        parse_price_table(&yaml, "eu-west-1.yaml").unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    assert_eq!(table.region, "eu-west-1");
    // The newest offer is AmazonEC2's (2026-09-25).
    assert_eq!(table.as_of, "2026-09-25");
    // Every entry: a source listed under `sources:` and a date.
    for key in PriceKey::ALL {
        let p = table.entry(key).expect("every key");
        assert!(table.sources.contains_key(&p.source), "{}", key.as_str());
        assert!(!p.as_of.is_empty());
    }
    let alb = table.entry(PriceKey::AlbHour).expect("test value");
    assert_eq!(alb.value, Some(dec!(0.0252)));
    assert_eq!(alb.as_of, "2026-09-11");
    assert_eq!(alb.source, "PL-AWSELB-A7LBHRW3Q9ZK2XJD");
    let src = &table.sources[&alb.source];
    assert!(
        src.reference.contains("AWSELB version 20260911124544"),
        "{}",
        src.reference
    );
    assert!(
        src.reference
            .contains("A7LBHRW3Q9ZK2XJD.JRTCKXETXF.6YS6EN2CT7")
    );
    let q = table
        .entry(PriceKey::Route53PerMillionQueries)
        .expect("test value");
    assert_eq!(q.value, Some(dec!(0.4)));
    assert!(
        q.note
            .as_deref()
            .unwrap_or("")
            .contains("per million queries")
    );
    assert_eq!(q.as_of, "2026-08-01");
    let pl = table.entry(PriceKey::PrivateLinkPerGb).expect("test value");
    assert!(
        pl.note
            .as_deref()
            .unwrap_or("")
            .contains("5242880-Inf GB: 0.004"),
        "{pl:?}"
    );
    // Missing keys are null and asking for them names the key.
    assert_eq!(
        table
            .entry(PriceKey::EksClusterHour)
            .expect("test value")
            .value,
        None
    );
    assert!(table.get(PriceKey::FargateGbHour).is_err());
    // Instances with their sources; capacity rules copied from the built-in us-east-1 table.
    let m6i = &table.instances["m6i.large"];
    assert_eq!(
        (m6i.hourly, m6i.vcpu, m6i.memory_gib),
        (dec!(0.107), dec!(2), dec!(8))
    );
    assert_eq!(m6i.source, "PL-AmazonEC2-B3Z2PWTXM7SKXN4S");
    assert_eq!(table.instances["x2iedn.32xlarge"].memory_gib, dec!(4096));
    assert_eq!(table.capacity, rules.capacity);

    // 3 zones x 2 m6i.large, 6 + 6 replicas, 10 TB/month at 16 KiB per request, 730 h, both sides.
    let scenario = "version: 1\nregion: eu-west-1\n\
        billing: {hours_per_month: 730, inter_az: both-sides, capacity_units: hourly-max}\n\
        zones:\n\
        \x20 - {name: eu-west-1a, nodes: {count: 2, type: m6i.large}}\n\
        \x20 - {name: eu-west-1b, nodes: {count: 2, type: m6i.large}}\n\
        \x20 - {name: eu-west-1c, nodes: {count: 2, type: m6i.large}}\n\
        services: [{name: frontend, replicas: 6}, {name: backend, replicas: 6}]\n\
        traffic:\n\
        \x20 - {from: frontend, to: backend, volume: 10 TB, bytes_per_request: 16 KiB, connections: {new_per_second: 5, lifetime: 60 s}}\n\
        options:\n\
        \x20 - {name: clusterip, kind: clusterip}\n\
        \x20 - {name: internal-alb, kind: internal-alb, rules_per_request: 5}\n\
        \x20 - {name: internal-nlb, kind: internal-nlb}\n\
        \x20 - {name: lattice, kind: lattice}\n";
    let loaded = parse_scenario(scenario, "eu.yaml").unwrap_or_else(|e| panic!("{e}"));
    let r = evaluate(&loaded.scenario, &table).unwrap_or_else(|e| panic!("{e}"));
    let cost = |name: &str| {
        cents(
            r.options
                .iter()
                .find(|o| o.name == name)
                .unwrap_or_else(|| panic!("{name}"))
                .cost
                .total,
        )
    };
    // ClusterIP: 10,240 GB x 2/3 crossing x ($0.01 sender + $0.01 receiver) = 136.5333 -> $136.53.
    assert_eq!(cost("clusterip"), dec!(136.53));
    // ALB: 0.0252 x 730 = 18.396; bytes LCU 10,240/730 GB/h x 730 h x $0.008 = 81.92; client ->
    // ALB node 2/3 x 10,240 x $0.02 = 136.5333; total 236.8493 -> $236.85.
    assert_eq!(cost("internal-alb"), dec!(236.85));
    // NLB: 18.396 + 10,240 x $0.006 = 61.44 + 136.5333 = 216.3693 -> $216.37.
    assert_eq!(cost("internal-nlb"), dec!(216.37));
    // Lattice: 0.0275 x 730 = 20.075; 10,240 x 0.0275 = 281.60; requests 10,240 GiB / 16 KiB =
    // 671,088,640 a month, less 300,000 free per hour x 730 = 452,088,640 x $0.11/M = 49.7297504;
    // total 351.4047504 -> $351.40.
    assert_eq!(cost("lattice"), dec!(351.40));
}

#[test]
fn usage_type_prefixes_follow_aws_region_billing_codes() {
    assert_eq!(bare_usagetype("EU-LCUUsage"), "LCUUsage");
    assert_eq!(bare_usagetype("APN2-NatGateway-Bytes"), "NatGateway-Bytes");
    assert_eq!(
        bare_usagetype("TS-LoadBalancerUsage"),
        "TS-LoadBalancerUsage"
    );
}

#[test]
#[ignore = "prints the written table for inspection"]
fn print_written_table() {
    let rules = PriceTable::builtin("us-east-1").expect("test value");
    print!("{}", price_table_yaml(&import_all(), &rules));
}

/// A scratch folder under the target directory (tests never write into the source tree).
fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
    d
}

/// An imported table in a pricing folder is found by region before the built-in ones; a partial
/// file names its `base:` and every price it does not set is marked as taken from the base.
#[test]
fn imported_tables_and_partial_files_over_a_base() {
    use ewsim::loader::load_price_table;
    // The five fixture offers imported for eu-west-1 and saved as the folder's eu-west-1.yaml.
    let extracts = [
        "ec2-eu-west-1.json",
        "elb-eu-west-1.json",
        "vpc-eu-west-1.json",
        "vpc-lattice-eu-west-1.json",
        "route53.json",
    ]
    .map(read);
    let table = combine("eu-west-1", extracts.to_vec()).unwrap_or_else(|e| panic!("{e}"));
    let rules = PriceTable::builtin("us-east-1").unwrap_or_else(|e| panic!("{e}"));
    let dir = scratch("pricing-dir");
    std::fs::write(dir.join("eu-west-1.yaml"), price_table_yaml(&table, &rules))
        .unwrap_or_else(|e| panic!("{e}"));
    let t = load_price_table("eu-west-1", None, std::slice::from_ref(&dir))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.region, "eu-west-1");
    assert!(t.origin.ends_with("eu-west-1.yaml"), "{}", t.origin);
    // The ELB fixture's ALB hour: "pricePerUnit" : { "USD" : "0.0252000000" }.
    assert_eq!(t.get(PriceKey::AlbHour), Ok(dec!(0.0252)));
    assert!(
        t.entry(PriceKey::AlbHour)
            .is_some_and(|p| p.inherited_from.is_none())
    );

    // Without the folder, eu-west-1 has no table: the error names the three ways out.
    let e = load_price_table("eu-west-1", None, &[]).expect_err("no table");
    let d = &e.diagnostics()[0];
    assert!(
        d.message
            .contains("no built-in price table for region `eu-west-1`")
    );
    let hint = d.hint.as_deref().unwrap_or("");
    for way in [
        "ewsim pricing import",
        "base: us-east-1",
        "complete price table",
    ] {
        assert!(hint.contains(way), "{hint}");
    }

    // A partial file for eu-west-1 over the us-east-1 table: the inter-AZ price it sets is its
    // own, every other price is us-east-1's and marked so.
    let partial = dir.join("partial.yaml");
    std::fs::write(
        &partial,
        "region: eu-west-1\nbase: us-east-1\nprices:\n  inter_az_per_gb_each_direction: {value: 0.01, unit: USD/GB, source: \"eu-west-1 price page\", as_of: \"2026-11-01\"}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let t = load_price_table("eu-west-1", Some(&partial), &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.region, "eu-west-1");
    let own = t
        .entry(PriceKey::InterAzPerGb)
        .unwrap_or_else(|| panic!("key"));
    assert_eq!(
        (own.value, own.inherited_from.as_deref()),
        (Some(dec!(0.01)), None)
    );
    let alb = t.entry(PriceKey::AlbHour).unwrap_or_else(|| panic!("key"));
    assert_eq!(
        (alb.value, alb.inherited_from.as_deref()),
        (Some(dec!(0.0225)), Some("us-east-1"))
    );
    assert!(t.instances["m5.large"].inherited_from.as_deref() == Some("us-east-1"));
    // Priced with it, an internal ALB's line items say whose prices they are: the inter-AZ
    // transfer is eu-west-1's own, the ALB hours and LCUs are us-east-1's, marked assumed.
    let s = parse_scenario(
        "version: 1\nregion: eu-west-1\nzones: [{name: eu-west-1a, nodes: {count: 1, type: m5.large}}, {name: eu-west-1b, nodes: {count: 1, type: m5.large}}]\n\
         services: [{name: a, replicas: 2}, {name: b, replicas: 2}]\ntraffic: [{from: a, to: b, volume: 730 GB}]\n\
         options: [{name: alb, kind: internal-alb}]\n",
        "eu.yaml",
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .scenario;
    let r = evaluate(&s, &t).unwrap_or_else(|e| panic!("{e}"));
    let items = &r.options[0].cost.line_items;
    let item = |c: &str| {
        items
            .iter()
            .find(|i| i.component == c)
            .unwrap_or_else(|| panic!("{c}"))
    };
    assert!(item("alb.hours").assumed);
    assert!(
        item("alb.hours")
            .price_source
            .ends_with("assumed: the us-east-1 price")
    );
    assert!(item("alb.lcu").assumed);
    assert!(!item("inter_az.client_to_lb").assumed);
    // Hours: 730 x $0.0225 = $16.425; 1 GB/h = 1 LCU x $0.008 x 730 = $5.84; clients reach the
    // other zone's ALB node for half the bytes: 365 GB x $0.01 x 2 sides = $7.30. $29.565.
    assert_eq!(r.options[0].cost.total, dec!(29.565));
    // A base that has no table is an error at `base`.
    std::fs::write(&partial, "base: mars-north-1\nprices: {}\n").unwrap_or_else(|e| panic!("{e}"));
    let e = load_price_table("eu-west-1", Some(&partial), &[]).expect_err("no base table");
    assert_eq!(e.diagnostics()[0].path(), "base");
}
