//! ewsim: cost and latency of East-West (service-to-service) traffic on Kubernetes / Amazon EKS.

pub mod calc;
pub mod cost;
pub mod diff;
pub mod error;
pub mod explain;
pub mod gate;
pub mod import;
pub mod latency;
pub mod loader;
pub mod path_latency;
pub mod placement;
pub mod pricing;
pub mod recommend;
pub mod report;
pub mod routing;
pub mod scenario;
pub mod schema;
pub mod states;
pub mod sweep;
pub mod topology;
pub mod traffic;
pub mod uncertainty;
pub mod units;
pub mod validate;

pub use error::{Diagnostic, InputError, Location};
pub use pricing::PriceTable;
pub use report::{Report, evaluate};
pub use scenario::Scenario;
