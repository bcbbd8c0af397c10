//! Measures `ewsim::offers::read_offer` on a large synthetic offer file in the real structure
//! (an EC2-like `index.json`: products, then `terms.OnDemand` and `terms.Reserved`).
//!
//! ```text
//! cargo run --release -p ewsim --example offer_bench -- gen /tmp/ec2-big.json 500
//! /usr/bin/time -f "%e s %M KB" target/release/examples/offer_bench read /tmp/ec2-big.json eu-west-1
//! ```
//!
//! `gen` writes about SIZE megabytes: for every synthetic instance type one Linux / shared
//! product (the only ones kept) and irrelevant siblings (Windows, RHEL, dedicated, capacity
//! reservations, another region), each with an on-demand term and seven reserved terms, as AWS
//! writes them. The file is not committed.

use std::io::{BufWriter, Write};

fn product(
    w: &mut impl Write,
    sku: &str,
    itype: &str,
    os: &str,
    tenancy: &str,
    cap: &str,
    region: &str,
) -> std::io::Result<()> {
    write!(
        w,
        r#"    "{sku}" : {{
      "sku" : "{sku}",
      "productFamily" : "Compute Instance",
      "attributes" : {{
        "servicecode" : "AmazonEC2",
        "location" : "EU (Ireland)",
        "locationType" : "AWS Region",
        "instanceType" : "{itype}",
        "currentGeneration" : "Yes",
        "instanceFamily" : "General purpose",
        "vcpu" : "8",
        "physicalProcessor" : "Intel Xeon 8375C (Ice Lake)",
        "clockSpeed" : "3.5 GHz",
        "memory" : "32 GiB",
        "storage" : "EBS only",
        "networkPerformance" : "Up to 12500 Megabit",
        "processorArchitecture" : "64-bit",
        "tenancy" : "{tenancy}",
        "operatingSystem" : "{os}",
        "licenseModel" : "No License required",
        "usagetype" : "EU-BoxUsage:{itype}",
        "operation" : "RunInstances",
        "availabilityzone" : "NA",
        "capacitystatus" : "{cap}",
        "classicnetworkingsupport" : "false",
        "dedicatedEbsThroughput" : "Up to 10000 Mbps",
        "ecu" : "NA",
        "enhancedNetworkingSupported" : "Yes",
        "gpuMemory" : "NA",
        "intelAvxAvailable" : "Yes",
        "intelAvx2Available" : "Yes",
        "intelTurboAvailable" : "Yes",
        "marketoption" : "OnDemand",
        "normalizationSizeFactor" : "16",
        "preInstalledSw" : "NA",
        "processorFeatures" : "Intel AVX; Intel AVX2; Intel AVX512; Intel Turbo",
        "regionCode" : "{region}",
        "servicename" : "Amazon Elastic Compute Cloud",
        "vpcnetworkingsupport" : "true"
      }}
    }}"#
    )
}

fn term(
    w: &mut impl Write,
    sku: &str,
    code: &str,
    usd: &str,
    reserved: bool,
) -> std::io::Result<()> {
    let attrs = if reserved {
        r#"{
            "LeaseContractLength" : "1yr",
            "OfferingClass" : "standard",
            "PurchaseOption" : "No Upfront"
          }"#
    } else {
        "{ }"
    };
    write!(
        w,
        r#"        "{sku}.{code}" : {{
          "offerTermCode" : "{code}",
          "sku" : "{sku}",
          "effectiveDate" : "2026-09-01T00:00:00Z",
          "priceDimensions" : {{
            "{sku}.{code}.6YS6EN2CT7" : {{
              "rateCode" : "{sku}.{code}.6YS6EN2CT7",
              "description" : "${usd} per On Demand Linux Instance Hour",
              "beginRange" : "0",
              "endRange" : "Inf",
              "unit" : "Hrs",
              "pricePerUnit" : {{
                "USD" : "{usd}"
              }},
              "appliesTo" : [ ]
            }}
          }},
          "termAttributes" : {attrs}
        }}"#
    )
}

const RESERVED: [&str; 7] = [
    "4NA7Y494T4",
    "6QCMYABX3D",
    "7NE97W5U4E",
    "BPH4J8HBKS",
    "CUZHX8X6JH",
    "HU7G6KETJZ",
    "Z2E3P23VKM",
];

fn generate(path: &str, megabytes: u64) -> std::io::Result<()> {
    let file = std::fs::File::create(path)?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let variants: [(&str, &str, &str, &str); 6] = [
        ("Linux", "Shared", "Used", "eu-west-1"),
        ("Windows", "Shared", "Used", "eu-west-1"),
        ("RHEL", "Shared", "Used", "eu-west-1"),
        ("Linux", "Dedicated", "Used", "eu-west-1"),
        ("Linux", "Shared", "UnusedCapacityReservation", "eu-west-1"),
        ("Linux", "Shared", "Used", "us-west-2"),
    ];
    // About 11.5 KB per SKU (product 1.5 KB, 1 on-demand + 7 reserved terms).
    let skus = megabytes * 1024 * 1024 / 11_500;
    let types = skus / variants.len() as u64 + 1;
    let sku_of = |i: u64| format!("SYN{i:013}");
    let type_of = |t: u64| format!("syn{}.{}xlarge", t / 64, t % 64);
    writeln!(
        w,
        "{{\n  \"formatVersion\" : \"v1.0\",\n  \"disclaimer\" : \"synthetic offer file for ewsim measurements\",\n  \"offerCode\" : \"AmazonEC2\",\n  \"version\" : \"20260925184512\",\n  \"publicationDate\" : \"2026-09-25T18:45:12Z\",\n  \"products\" : {{"
    )?;
    let mut first = true;
    for t in 0..types {
        for (v, (os, ten, cap, region)) in variants.iter().enumerate() {
            if !first {
                writeln!(w, ",")?;
            }
            first = false;
            product(
                &mut w,
                &sku_of(t * 6 + v as u64),
                &type_of(t),
                os,
                ten,
                cap,
                region,
            )?;
        }
    }
    writeln!(w, "\n  }},\n  \"terms\" : {{\n    \"OnDemand\" : {{")?;
    for i in 0..types * 6 {
        let sku = sku_of(i);
        if i > 0 {
            writeln!(w, ",")?;
        }
        writeln!(w, "      \"{sku}\" : {{")?;
        term(
            &mut w,
            &sku,
            "JRTCKXETXF",
            &format!("{}.{:04}000000", i % 7, i % 10_000),
            false,
        )?;
        write!(w, "\n      }}")?;
    }
    writeln!(w, "\n    }},\n    \"Reserved\" : {{")?;
    for i in 0..types * 6 {
        let sku = sku_of(i);
        if i > 0 {
            writeln!(w, ",")?;
        }
        writeln!(w, "      \"{sku}\" : {{")?;
        for (k, code) in RESERVED.iter().enumerate() {
            if k > 0 {
                writeln!(w, ",")?;
            }
            term(&mut w, &sku, code, "0.0670000000", true)?;
        }
        write!(w, "\n      }}")?;
    }
    writeln!(w, "\n    }}\n  }}\n}}")?;
    w.flush()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("gen") if args.len() == 4 => {
            let mb = args[3].parse().unwrap_or(500);
            if let Err(e) = generate(&args[2], mb) {
                eprintln!("cannot write {}: {e}", args[2]);
                std::process::exit(1);
            }
        }
        Some("read") if args.len() == 4 => {
            let start = std::time::Instant::now();
            let file = match std::fs::File::open(&args[2]) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("cannot read {}: {e}", args[2]);
                    std::process::exit(1);
                }
            };
            match ewsim::offers::read_offer(file, &args[3]) {
                Ok(x) => println!(
                    "{}: {} instance types, {} prices in {:.2} s",
                    x.offer_code,
                    x.instances.len(),
                    x.prices.len(),
                    start.elapsed().as_secs_f64()
                ),
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(2);
                }
            }
        }
        _ => {
            eprintln!("usage: offer_bench gen FILE MEGABYTES | offer_bench read FILE REGION");
            std::process::exit(2);
        }
    }
}
