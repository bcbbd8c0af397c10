//! `ewsim import`: files users export with ordinary tools turned into a typed observed cluster
//! and observed traffic (the readers), then into a scenario whose every value states its source
//! (the assembly).
//!
//! Sources and what was checked for each (the readers' own modules carry the details):
//! - `kubectl get nodes,pods,services,endpointslices,ingresses -A -o json|yaml` ([`kubectl`]):
//!   kubectl wraps objects of several kinds in `apiVersion: v1, kind: List, items: [...]`
//!   (kubernetes/website `content/en/docs/reference/using-api/api-concepts.md`, "Lists"); a
//!   single kind from the API is a `PodList`, `ServiceList`...; one object prints bare. Object
//!   fields follow the API reference pages (`reference/kubernetes-api/...`, EndpointSlice
//!   `discovery.k8s.io/v1`). [`inventory`] holds the typed result.
//! - the observed cluster and its routing ([`observed`]), with the annotation semantics of
//!   `reference/k8s-routing.md` §1.2 / §4 and the AWS Load Balancer Controller docs.
//! - VPC Flow Logs ([`flowlogs`]), Prometheus query responses with Istio metrics
//!   ([`prometheus`]), an edges CSV ([`edges_csv`]) and window scaling ([`window`]).
//!
//! - the assembly ([`assemble`]): observed cluster + traffic ([`traffic`]) -> a scenario with
//!   the source of every value, written with comments by [`mod@write`].
//!
//! Every reader takes text or an `impl BufRead` plus the document name the caller gives, and
//! returns an [`ImportError`] carrying that name and a location; none reads files or panics on
//! input.

mod addresses;
pub mod assemble;
pub mod edges_csv;
pub mod flowlogs;
pub mod hints;
pub mod inventory;
pub mod kubectl;
pub mod observed;
pub mod prometheus;
pub mod routing;
pub mod traffic;
pub mod window;
pub mod write;

pub use inventory::Inventory;
pub use observed::ObservedCluster;

use crate::error::{Diagnostic, Location};
use std::fmt;

/// Where in a document a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportLocation {
    /// A position the parser reported (1-based line and column).
    LineColumn {
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: u64,
    },
    /// A Kubernetes object, when the problem is found after parsing (no position kept).
    Item {
        /// 0-based index of the YAML/JSON document within the file.
        document_index: usize,
        /// 0-based index in the `items` of a List, `None` for a bare object.
        item_index: Option<usize>,
        /// The object's kind.
        kind: String,
        /// `namespace/name` or `name`.
        name: String,
    },
    /// A series of a Prometheus result (0-based), when its labels are wrong.
    Series {
        /// 0-based index in `data.result`.
        index: usize,
    },
    /// No finer location than the document.
    Document,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportErrorKind {
    /// The JSON, YAML or CSV parser rejected the text (bad syntax or a value of the wrong type);
    /// the message is the parser's.
    Syntax {
        /// The parser's one-line message.
        message: String,
    },
    /// A Kubernetes quantity (allocatable CPU) that cannot be read.
    BadQuantity {
        /// The field, e.g. `status.allocatable.cpu`.
        field: String,
        /// The text found.
        value: String,
    },
    /// A field holds a value the reader cannot use (an IP address, a port, a number...).
    BadValue {
        /// The field name.
        field: String,
        /// The text found.
        value: String,
        /// Why it is unusable.
        reason: String,
    },
    /// A required field is absent.
    MissingField {
        /// The field name.
        field: String,
    },
    /// A pod names a node that no Node object in the inventory has.
    UnknownNode {
        /// `namespace/name` of the pod.
        pod: String,
        /// `spec.nodeName`.
        node: String,
    },
    /// The same object appears twice (e.g. the combined export and a split file both given).
    Duplicate {
        /// The kind.
        kind: String,
        /// `namespace/name` or `name`.
        name: String,
    },
    /// A flow-log line with a different number of fields than its format.
    FieldCount {
        /// Fields in the format (header or default version 2).
        expected: usize,
        /// Fields on the line.
        found: usize,
    },
    /// A CSV header that is neither accepted form.
    BadHeader {
        /// The header found.
        found: String,
    },
    /// Prometheus answered with `status: error`.
    PrometheusError {
        /// `errorType`.
        error_type: String,
        /// `error`.
        error: String,
    },
    /// The reader failed (I/O, invalid UTF-8) before the text could be parsed.
    Read {
        /// The underlying message.
        message: String,
    },
}

/// A problem in an imported document: which document, where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The document name the caller gave (usually the file name).
    pub document: String,
    /// Where in the document.
    pub location: ImportLocation,
    /// What is wrong (boxed: errors are rare and the `Ok` paths stay small).
    pub kind: Box<ImportErrorKind>,
}

impl ImportError {
    pub(crate) fn new(document: &str, location: ImportLocation, kind: ImportErrorKind) -> Self {
        ImportError {
            document: document.to_string(),
            location,
            kind: Box::new(kind),
        }
    }

    /// The error as the crate's generic [`Diagnostic`], so the binary can report it like a
    /// scenario problem (file:line:column when there is a position).
    pub fn to_diagnostic(&self) -> Diagnostic {
        let (location, path) = match &self.location {
            ImportLocation::LineColumn { line, column } => (
                Some(Location {
                    file: self.document.clone(),
                    line: *line,
                    column: *column,
                }),
                String::new(),
            ),
            ImportLocation::Item {
                document_index,
                item_index,
                kind,
                name,
            } => {
                let item = item_index
                    .map(|i| format!(".items[{i}]"))
                    .unwrap_or_default();
                (
                    Some(Location {
                        file: self.document.clone(),
                        line: 0,
                        column: 0,
                    }),
                    format!("document[{document_index}]{item} {kind} {name}"),
                )
            }
            ImportLocation::Series { index } => (
                Some(Location {
                    file: self.document.clone(),
                    line: 0,
                    column: 0,
                }),
                format!("data.result[{index}]"),
            ),
            ImportLocation::Document => (
                Some(Location {
                    file: self.document.clone(),
                    line: 0,
                    column: 0,
                }),
                String::new(),
            ),
        };
        let mut d = Diagnostic::at(path, self.kind.to_string());
        d.location = location;
        d
    }
}

impl fmt::Display for ImportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportErrorKind::Syntax { message } => write!(f, "{message}"),
            ImportErrorKind::BadQuantity { field, value } => {
                write!(f, "{field}: `{value}` is not a CPU quantity")
            }
            ImportErrorKind::BadValue {
                field,
                value,
                reason,
            } => write!(f, "{field}: `{value}`: {reason}"),
            ImportErrorKind::MissingField { field } => write!(f, "missing field `{field}`"),
            ImportErrorKind::UnknownNode { pod, node } => {
                write!(
                    f,
                    "pod {pod} is on node `{node}`, which is not in the export"
                )
            }
            ImportErrorKind::Duplicate { kind, name } => write!(f, "{kind} {name} given twice"),
            ImportErrorKind::FieldCount { expected, found } => {
                write!(f, "{found} fields, the format has {expected}")
            }
            ImportErrorKind::BadHeader { found } => write!(f, "unexpected header `{found}`"),
            ImportErrorKind::PrometheusError { error_type, error } => {
                write!(f, "Prometheus error ({error_type}): {error}")
            }
            ImportErrorKind::Read { message } => write!(f, "{message}"),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_diagnostic())
    }
}

impl std::error::Error for ImportError {}

/// Transport protocol of a port, as Kubernetes names them (IANA numbers in flow logs: TCP 6,
/// UDP 17, SCTP 132).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// TCP (the Kubernetes default).
    Tcp,
    /// UDP.
    Udp,
    /// SCTP.
    Sctp,
}

impl Protocol {
    /// From the Kubernetes spelling; an absent protocol is TCP (API default).
    pub fn from_k8s(text: Option<&str>) -> Option<Protocol> {
        match text.unwrap_or("TCP") {
            "TCP" => Some(Protocol::Tcp),
            "UDP" => Some(Protocol::Udp),
            "SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
    }

    /// From an IANA protocol number (flow logs); other protocols (ICMP...) have no ports.
    pub fn from_iana(number: u8) -> Option<Protocol> {
        match number {
            6 => Some(Protocol::Tcp),
            17 => Some(Protocol::Udp),
            132 => Some(Protocol::Sctp),
            _ => None,
        }
    }
}

/// A directed edge between two services, named `namespace/name`: the client, then the server.
pub type ServiceEdge = (String, String);
