//! ewsim: cost and latency of East-West (service-to-service) traffic on Kubernetes / Amazon EKS.
pub mod latency;
