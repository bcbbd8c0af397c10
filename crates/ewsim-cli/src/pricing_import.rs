//! `ewsim pricing import --offer FILE... --region REGION --out FILE`: reads AWS Price List offer
//! files (opening them is the only work here; reading, merging and writing the table are
//! `ewsim::offers`) and writes a complete price table for the region.

use crate::{Failure, write_output};
use clap::{Args, Subcommand};
use ewsim::PriceTable;
use ewsim::offers::{self, OfferError};
use ewsim::pricing::file::parse_price_table;
use std::path::PathBuf;

/// `ewsim pricing ...` commands.
#[derive(Args)]
pub struct PricingArgs {
    #[command(subcommand)]
    command: PricingCommand,
}

#[derive(Subcommand)]
enum PricingCommand {
    /// Build a price table for a region from AWS Price List offer files (bulk API JSON, e.g.
    /// <https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSELB/current/eu-west-1/index.json>).
    /// Prices the files do not hold are listed on standard error and written as null.
    Import(ImportArgs),
}

/// Flags of `ewsim pricing import`.
#[derive(Args)]
struct ImportArgs {
    /// An offer file (`index.json` of AmazonEC2, AWSELB, AmazonVPC, AWSDataTransfer,
    /// AmazonRoute53, AmazonEKS or AmazonECS); repeat for several.
    #[arg(long = "offer", value_name = "FILE", required = true)]
    offers: Vec<PathBuf>,
    /// The region to import (e.g. `eu-west-1`).
    #[arg(long, value_name = "REGION")]
    region: String,
    /// Where to write the price table (written whole or not at all).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Runs `ewsim pricing ...`.
pub fn run(args: &PricingArgs) -> Result<(), Failure> {
    match &args.command {
        PricingCommand::Import(a) => import(a),
    }
}

fn plausible_region(r: &str) -> bool {
    r.contains('-')
        && r.ends_with(|c: char| c.is_ascii_digit())
        && r.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn import(args: &ImportArgs) -> Result<(), Failure> {
    if !plausible_region(&args.region) {
        return Err(Failure::Input(format!(
            "error: --region `{}` is not an AWS region code (e.g. eu-west-1)",
            args.region
        )));
    }
    let mut extracts = Vec::with_capacity(args.offers.len());
    for path in &args.offers {
        let file = path.display();
        let f = std::fs::File::open(path)
            .map_err(|e| Failure::Runtime(format!("error: cannot read {file}: {e}")))?;
        let x = offers::read_offer(f, &args.region).map_err(|e| match e {
            OfferError::Io(m) => Failure::Runtime(format!("error: cannot read {file}: {m}")),
            e => Failure::Input(format!("error: {file}: {e}")),
        })?;
        for s in &x.skipped_instances {
            eprintln!(
                "warning: {file}: instance type {} (SKU {}) left out: `{}` is `{}`",
                s.instance_type, s.sku, s.attribute, s.value
            );
        }
        extracts.push(x);
    }
    let table = offers::combine(&args.region, extracts)
        .map_err(|e| Failure::Input(format!("error: {e}")))?;
    let rules = PriceTable::builtin("us-east-1").map_err(|e| Failure::Runtime(e.to_string()))?;
    let yaml = offers::price_table_yaml(&table, &rules);
    // The table must load as `--pricing FILE` does before anything is written.
    let out = args.out.display().to_string();
    parse_price_table(&yaml, &out)
        .map_err(|e| Failure::Runtime(format!("error: the written table does not load: {e}")))?;
    write_output(Some(&args.out), &yaml)?;
    if !table.missing.is_empty() {
        let keys: Vec<&str> = table.missing.iter().map(|k| k.as_str()).collect();
        eprintln!(
            "warning: the offers hold no price for {} in {}; written as null: {}",
            if keys.len() == 1 {
                "this key"
            } else {
                "these keys"
            },
            args.region,
            keys.join(", ")
        );
    }
    eprintln!(
        "wrote {out}: {} prices and {} instance types for {}",
        table.prices.len(),
        table.instances.len(),
        args.region
    );
    Ok(())
}
