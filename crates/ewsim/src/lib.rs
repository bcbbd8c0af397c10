#![doc = include_str!("../README.md")]

pub mod calc;
pub mod cost;
pub mod diff;
pub mod error;
pub mod gate;
pub mod import;
pub mod latency;
pub mod limits;
pub mod loader;
pub mod offers;
pub mod path_latency;
pub mod placement;
pub mod pricing;
pub mod progress;
pub mod provenance;
pub mod recommend;
pub mod report;
pub mod routing;
pub mod run;
pub mod scenario;
pub mod schema;
pub mod states;
pub mod sweep;
pub mod topology;
pub mod traffic;
pub mod uncertainty;
pub mod units;
pub mod validate;
#[cfg(test)]
mod workspace_files;
mod yaml;

pub use cost::evaluate;
pub use error::{Diagnostic, Error, InputError, Location};
pub use pricing::PriceTable;
pub use report::Report;
pub use rust_decimal::Decimal;
pub use scenario::Scenario;
