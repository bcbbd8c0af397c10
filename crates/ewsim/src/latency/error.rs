//! Error type of the latency engine ([`LatencyError`], defined with the crate's other errors in
//! [`crate::error`]).

pub use crate::error::LatencyError;
