//! VPC Flow Logs -> bytes per (client service, server service) edge, streaming.
//!
//! Format facts (awsdocs/amazon-vpc-user-guide `doc_source/flow-logs.md`,
//! `flow-logs-records-examples.md`; Athena `vpc-flow-logs-create-table-statement`):
//! - a record is one line of space-separated fields; the default format is version 2:
//!   `version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes
//!   start end action log-status`; a custom format lists any fields in any order, and files
//!   delivered to S3 start with a header line naming them (Athena skips it with
//!   `skip.header.line.count=1`); fields that do not apply are `-`;
//! - `log-status` `NODATA` (no traffic in the window) and `SKIPDATA` (records dropped) lines
//!   carry `-` instead of addresses and bytes; `action` is `ACCEPT` or `REJECT`. Only
//!   `ACCEPT` + `OK` records carry transferred bytes here;
//! - each record covers one 5-tuple at one network interface within an aggregation window
//!   (<= 10 min, <= 1 min on Nitro), so a flow between two logged interfaces appears once at
//!   each, and the two windows need not line up;
//! - `srcaddr` / `dstaddr` show the interface's primary private IPv4 address on the side of
//!   the logging interface ("If traffic is sent to a network interface and the destination is
//!   not any of the network interface's IP addresses / a secondary private IPv4 address, the
//!   flow log displays the primary private IPv4 address in the dstaddr field"; symmetric for
//!   srcaddr). EKS pods with VPC CNI use secondary addresses, so in version 2 records the pod on
//!   the logging side appears as its node's address; `pkt-srcaddr` / `pkt-dstaddr` (version 3)
//!   keep the packet's addresses ("where the IP address of a pod in Amazon EKS is different from
//!   the IP address of the network interface of the instance node"). `flow-direction`
//!   (version 5) is `ingress` or `egress` relative to the logging interface;
//! - same-node pod-to-pod traffic never leaves the node, so it never reaches the logs.
//!
//! Rules of this reader:
//! - an end's address is `pkt-*addr` when present and not `-`, else `*addr`;
//! - the server end is the end on a target port of a Service (named target ports resolved per
//!   pod); an end at a node address also matches the pods on that node (the version 2 rewrite
//!   above, and host-network pods); failing both, the end with the lower port (destination on a
//!   tie). Request and response records both count on the client -> server edge;
//! - each flow is counted once, at its *designated* end: the server end when both ends are
//!   cluster addresses (pod or node IPs: in version 2 only the server-side records identify
//!   both services, via node address + target port), else the cluster end, else the server end
//!   when both are in the VPC, else the VPC end. The side a record was captured at is
//!   `flow-direction` (egress: source end, ingress: destination end); without it, the end whose
//!   `*addr` differs from its `pkt-*addr` (the rewrite happens on the logging side); else not
//!   an end whose `*addr` is a pod's own address (its node's interface would show its primary
//!   address); else the end showing a node address when the other does not. Records captured
//!   at the other end are skipped as duplicates. When the capture side cannot be told, a record
//!   between two VPC addresses counts half (its twin at the other interface carries the other
//!   half); otherwise in full. This needs no memory per flow and does not depend on the two
//!   interfaces' windows lining up, which de-duplicating by (5-tuple, start, end) would (and in
//!   version 2 the twins do not even share addresses);
//! - bytes that map to no service pair are kept per (client, server) pair of [`Peer`]s, classes
//!   being node / host-network addresses, pods no Service selects, selector-less endpoints,
//!   other VPC addresses (`vpc_cidrs`, RFC 1918 + 100.64/10 by default) and outside.

use super::addresses::AddressOwner;
use super::observed::ObservedCluster;
use super::{ImportError, ImportErrorKind, ImportLocation, Protocol, ServiceEdge};
mod format;

pub use format::Cidr;
use format::{Format, MAX_FIELDS, Record, bad, header, number, parse_record};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::net::IpAddr;

/// The version 2 default format, in order.
pub const DEFAULT_FORMAT: [&str; 14] = [
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
];

/// How to read flow logs.
#[derive(Debug, Clone)]
pub struct FlowOptions {
    /// The VPC's address ranges: addresses inside that are not in the cluster are class
    /// other-VPC, the rest outside.
    pub vpc_cidrs: Vec<Cidr>,
    /// Field names for files without a header line (e.g. a custom format exported from
    /// CloudWatch Logs); `None`: the version 2 default until a header line says otherwise.
    pub format: Option<Vec<String>>,
}

impl Default for FlowOptions {
    /// Private ranges (RFC 1918) and the shared range 100.64.0.0/10 (used by EKS custom
    /// networking) as the VPC; the default format.
    fn default() -> Self {
        let cidrs = [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
        ];
        FlowOptions {
            vpc_cidrs: cidrs.iter().filter_map(|c| Cidr::parse(c).ok()).collect(),
            format: None,
        }
    }
}

/// What an address that is not a Service's is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AddressClass {
    /// A node's address (node processes and host-network pods).
    Node,
    /// A pod that no Service selects.
    UnselectedPod,
    /// An endpoint of a Service without selector.
    SelectorlessEndpoint,
    /// Inside the VPC ranges but not in the cluster (load balancers, databases, NAT...).
    OtherVpc,
    /// Outside the VPC ranges.
    Outside,
}

/// One end of an attributed flow.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Peer {
    /// A Service, `namespace/name`.
    Service(String),
    /// A class of addresses.
    Class(AddressClass),
}

/// Why a line did not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SkipReason {
    /// A header line naming the fields.
    Header,
    /// Empty or `#` comment.
    Blank,
    /// `log-status` `NODATA`.
    NoData,
    /// `log-status` `SKIPDATA`.
    SkipData,
    /// `action` `REJECT`.
    Rejected,
    /// The same flow as logged at its other interface (see the module's counting rule).
    OtherInterface,
}

/// Facts a reader of the summary must know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FlowNote {
    /// Traffic between pods on the same node never reaches the flow logs.
    SameNodeTrafficNotLogged,
    /// Some records had no `pkt-srcaddr` / `pkt-dstaddr`: pods on the logging side appear as
    /// their node's address and are attributed through node address + target port.
    InterfaceAddressesOnly,
    /// Some records had no `flow-direction`: the capture side was inferred.
    NoFlowDirection,
}

/// The result: bytes per edge and per class, and what was read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowSummary {
    /// Bytes (request + response) per (client service, server service).
    pub edges: BTreeMap<ServiceEdge, Decimal>,
    /// Bytes per (client, server) where at least one end is a class.
    pub unmapped: BTreeMap<(Peer, Peer), Decimal>,
    /// Lines read.
    pub lines_read: u64,
    /// Records that counted (in full or half).
    pub records_used: u64,
    /// Records counted half because their capture side was unknown.
    pub records_halved: u64,
    /// Records whose service was ambiguous (several Services serve the pod and port, or a
    /// client pod selected by several Services); the first name was used.
    pub records_ambiguous: u64,
    /// Lines that did not count, by reason.
    pub skipped: BTreeMap<SkipReason, u64>,
    /// Earliest `start` and latest `end` of the ACCEPT + OK records (Unix seconds).
    pub time_span: Option<(i64, i64)>,
    /// Facts to report with the figures.
    pub notes: Vec<FlowNote>,
}

impl FlowSummary {
    /// Unmapped bytes per class: each pair counts once, under its server's class when the
    /// server is a class, else under its client's.
    pub fn class_totals(&self) -> BTreeMap<AddressClass, Decimal> {
        let mut out = BTreeMap::new();
        for ((client, server), bytes) in &self.unmapped {
            let class = match (server, client) {
                (Peer::Class(c), _) | (_, Peer::Class(c)) => *c,
                _ => continue,
            };
            let sum = out.entry(class).or_insert(Decimal::ZERO);
            *sum = saturating_add(*sum, *bytes);
        }
        out
    }

    /// All bytes counted (edges and unmapped).
    pub fn total_bytes(&self) -> Decimal {
        self.edges
            .values()
            .chain(self.unmapped.values())
            .fold(Decimal::ZERO, |a, b| saturating_add(a, *b))
    }
}

/// `a + b`, or `Decimal::MAX` past Decimal's range (byte sums of absurd inputs never panic).
fn saturating_add(a: Decimal, b: Decimal) -> Decimal {
    a.checked_add(b).unwrap_or(Decimal::MAX)
}

/// Reads flow logs and returns the summary (one document; see [`FlowLogReader`] for several).
pub fn read_flow_logs<R: BufRead>(
    reader: R,
    document: &str,
    cluster: &ObservedCluster,
    options: &FlowOptions,
) -> Result<FlowSummary, ImportError> {
    let mut r = FlowLogReader::new(cluster, options.clone());
    r.read(reader, document)?;
    Ok(r.finish())
}

/// Which end of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Src,
    Dst,
}

/// A peer by index, for cheap accumulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum PeerId {
    Service(u32),
    Class(AddressClass),
}

/// Streaming reader: memory is bounded by the number of distinct (client, server) pairs, not
/// by the number of lines.
pub struct FlowLogReader<'a> {
    cluster: &'a ObservedCluster,
    options: FlowOptions,
    service_index: HashMap<&'a str, u32>,
    /// Accumulated bytes in half-byte units (a halved record adds `bytes`, a full one
    /// `2 * bytes`), so halving stays exact.
    half_bytes: HashMap<(PeerId, PeerId), u128>,
    summary: FlowSummary,
    saw_no_pkt: bool,
    saw_no_direction: bool,
}

impl<'a> FlowLogReader<'a> {
    /// A reader attributing against `cluster`.
    pub fn new(cluster: &'a ObservedCluster, options: FlowOptions) -> Self {
        let service_index = cluster
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i as u32))
            .collect();
        FlowLogReader {
            cluster,
            options,
            service_index,
            half_bytes: HashMap::new(),
            summary: FlowSummary::default(),
            saw_no_pkt: false,
            saw_no_direction: false,
        }
    }

    /// Reads one document line by line (a header line switches the format for the lines
    /// after it). Errors name the line (and column of the offending field).
    pub fn read<R: BufRead>(&mut self, mut reader: R, document: &str) -> Result<(), ImportError> {
        let initial: Vec<String> = match &self.options.format {
            Some(f) => f.clone(),
            None => DEFAULT_FORMAT.iter().map(|s| s.to_string()).collect(),
        };
        let mut format = Format::from_fields(&initial).map_err(|field| {
            ImportError::new(
                document,
                ImportLocation::Document,
                ImportErrorKind::MissingField { field },
            )
        })?;
        let mut buf = String::new();
        let mut line_no: u64 = 0;
        loop {
            buf.clear();
            let n = reader.read_line(&mut buf).map_err(|e| {
                ImportError::new(
                    document,
                    ImportLocation::LineColumn {
                        line: line_no + 1,
                        column: 1,
                    },
                    ImportErrorKind::Read {
                        message: e.to_string(),
                    },
                )
            })?;
            if n == 0 {
                break;
            }
            line_no += 1;
            self.summary.lines_read += 1;
            let at = |column: u64, kind: ImportErrorKind| {
                ImportError::new(
                    document,
                    ImportLocation::LineColumn {
                        line: line_no,
                        column,
                    },
                    kind,
                )
            };
            let line = buf.trim_end();
            if line.trim_start().is_empty() || line.trim_start().starts_with('#') {
                self.skip(SkipReason::Blank);
                continue;
            }
            let mut fields: [&str; MAX_FIELDS] = [""; MAX_FIELDS];
            let mut count = 0;
            for tok in line.split_ascii_whitespace() {
                if count == MAX_FIELDS {
                    return Err(at(
                        1,
                        ImportErrorKind::FieldCount {
                            expected: format.n,
                            found: count + 1,
                        },
                    ));
                }
                fields[count] = tok;
                count += 1;
            }
            let fields = &fields[..count];
            if let Some(names) = header(fields) {
                format = Format::from_fields(&names)
                    .map_err(|field| at(1, ImportErrorKind::MissingField { field }))?;
                self.skip(SkipReason::Header);
                continue;
            }
            if count != format.n {
                return Err(at(
                    1,
                    ImportErrorKind::FieldCount {
                        expected: format.n,
                        found: count,
                    },
                ));
            }
            let column =
                |i: usize| (fields[i].as_ptr() as usize - line.as_ptr() as usize) as u64 + 1;
            self.record(&format, fields)
                .map_err(|(i, kind)| at(column(i), kind))?;
        }
        Ok(())
    }

    fn skip(&mut self, reason: SkipReason) {
        *self.summary.skipped.entry(reason).or_insert(0) += 1;
    }

    /// Handles one record line; errors carry the index of the offending field.
    fn record(&mut self, f: &Format, fields: &[&str]) -> Result<(), (usize, ImportErrorKind)> {
        if let Some(i) = f.log_status {
            match fields[i] {
                "OK" => {}
                "NODATA" => {
                    self.skip(SkipReason::NoData);
                    return Ok(());
                }
                "SKIPDATA" => {
                    self.skip(SkipReason::SkipData);
                    return Ok(());
                }
                other => {
                    return Err((
                        i,
                        bad("log-status", other, "expected OK, NODATA or SKIPDATA"),
                    ));
                }
            }
        }
        if let Some(i) = f.action {
            match fields[i] {
                "ACCEPT" => {}
                "REJECT" => {
                    self.skip(SkipReason::Rejected);
                    return Ok(());
                }
                other => return Err((i, bad("action", other, "expected ACCEPT or REJECT"))),
            }
        }
        let rec = parse_record(f, fields)?;
        if let (Some(s), Some(e)) = (f.start, f.end) {
            let start = number::<i64>(fields, s, "start")?;
            let end = number::<i64>(fields, e, "end")?;
            self.summary.time_span = Some(match self.summary.time_span {
                Some((a, b)) => (a.min(start), b.max(end)),
                None => (start, end),
            });
        }
        self.saw_no_pkt |= rec.pkt_src.is_none() || rec.pkt_dst.is_none();
        self.saw_no_direction |= rec.direction.is_none();
        self.attribute(&rec);
        Ok(())
    }

    /// Applies the counting rule and adds the record's bytes to its pair.
    fn attribute(&mut self, rec: &Record<'_>) {
        let (src_srv, dst_srv) = match rec.protocol {
            Some(p) => (
                self.serves(rec.src, rec.sport, p),
                self.serves(rec.dst, rec.dport, p),
            ),
            None => (&[][..], &[][..]),
        };
        let server = if !dst_srv.is_empty() {
            End::Dst
        } else if !src_srv.is_empty() {
            End::Src
        } else if rec.dport <= rec.sport {
            End::Dst
        } else {
            End::Src
        };
        let (client_ip, server_ip, served) = match server {
            End::Dst => (rec.src, rec.dst, dst_srv),
            End::Src => (rec.dst, rec.src, src_srv),
        };
        let src_cluster = self.is_cluster(&rec.src);
        let dst_cluster = self.is_cluster(&rec.dst);
        let src_vpc = src_cluster || self.in_vpc(&rec.src);
        let dst_vpc = dst_cluster || self.in_vpc(&rec.dst);
        let designated = match (src_cluster, dst_cluster, src_vpc, dst_vpc) {
            (true, true, _, _) => Some(server),
            (true, false, _, _) => Some(End::Src),
            (false, true, _, _) => Some(End::Dst),
            (_, _, true, true) => Some(server),
            (_, _, true, false) => Some(End::Src),
            (_, _, false, true) => Some(End::Dst),
            _ => None,
        };
        let half_units = match (self.capture_side(rec), designated) {
            (_, None) => 2 * u128::from(rec.bytes),
            (Some(c), Some(d)) if c != d => return self.skip(SkipReason::OtherInterface),
            (Some(_), Some(_)) => 2 * u128::from(rec.bytes),
            (None, Some(_)) if src_vpc && dst_vpc => {
                self.summary.records_halved += 1;
                u128::from(rec.bytes)
            }
            (None, Some(_)) => 2 * u128::from(rec.bytes),
        };
        let mut ambiguous = served.len() > 1;
        let server_peer = match served.first() {
            Some(name) => self.service_peer(name),
            None => self.peer_of(&server_ip, &mut ambiguous),
        };
        let client_peer = self.peer_of(&client_ip, &mut ambiguous);
        self.summary.records_ambiguous += u64::from(ambiguous);
        self.summary.records_used += 1;
        *self
            .half_bytes
            .entry((client_peer, server_peer))
            .or_insert(0) += half_units;
    }

    /// Services served at (ip, port): the pod's own, else the pods behind a node address.
    fn serves(&self, ip: IpAddr, port: u16, protocol: Protocol) -> &'a [String] {
        let book = &self.cluster.addresses;
        let direct = book.serving(ip, port, protocol);
        if !direct.is_empty() {
            return direct;
        }
        match book.owner(&ip) {
            Some(AddressOwner::Node { .. }) => book.behind_node(ip, port, protocol),
            _ => &[],
        }
    }

    fn is_cluster(&self, ip: &IpAddr) -> bool {
        matches!(
            self.cluster.addresses.owner(ip),
            Some(AddressOwner::Pod { .. }) | Some(AddressOwner::Node { .. })
        )
    }

    fn in_vpc(&self, ip: &IpAddr) -> bool {
        self.cluster.addresses.owner(ip).is_some()
            || self.options.vpc_cidrs.iter().any(|c| c.contains(ip))
    }

    fn owner_of(&self, text: Option<&str>) -> Option<&AddressOwner> {
        let ip = text?.parse::<IpAddr>().ok()?;
        self.cluster.addresses.owner(&ip)
    }

    /// The end whose interface logged the record, when it can be told (module docs):
    /// `flow-direction`; else an end whose interface address differs from its packet address
    /// (the logging side rewrites secondary addresses to the interface's primary); else an end
    /// showing a pod's own address did not log it (its node's interface would have shown its
    /// primary address); else the one end showing a node address.
    fn capture_side(&self, rec: &Record<'_>) -> Option<End> {
        match rec.direction {
            Some("egress") => return Some(End::Src),
            Some("ingress") => return Some(End::Dst),
            _ => {}
        }
        if let (Some(p), Some(s)) = (rec.pkt_src, rec.src_iface)
            && p != s
        {
            return Some(End::Src);
        }
        if let (Some(p), Some(d)) = (rec.pkt_dst, rec.dst_iface)
            && p != d
        {
            return Some(End::Dst);
        }
        let (s, d) = (self.owner_of(rec.src_iface), self.owner_of(rec.dst_iface));
        let pod = |o: Option<&AddressOwner>| matches!(o, Some(AddressOwner::Pod { .. }));
        let node = |o: Option<&AddressOwner>| matches!(o, Some(AddressOwner::Node { .. }));
        match (pod(s), pod(d)) {
            (true, false) => return Some(End::Dst),
            (false, true) => return Some(End::Src),
            _ => {}
        }
        match (node(s), node(d)) {
            (true, false) => Some(End::Src),
            (false, true) => Some(End::Dst),
            _ => None,
        }
    }

    fn service_peer(&self, name: &str) -> PeerId {
        match self.service_index.get(name) {
            Some(i) => PeerId::Service(*i),
            None => PeerId::Class(AddressClass::OtherVpc),
        }
    }

    fn peer_of(&self, ip: &IpAddr, ambiguous: &mut bool) -> PeerId {
        match self.cluster.addresses.owner(ip) {
            Some(AddressOwner::Pod { services, .. }) => match services.first() {
                Some(s) => {
                    *ambiguous |= services.len() > 1;
                    self.service_peer(s)
                }
                None => PeerId::Class(AddressClass::UnselectedPod),
            },
            Some(AddressOwner::Node { .. }) => PeerId::Class(AddressClass::Node),
            Some(AddressOwner::SelectorlessEndpoint { .. }) => {
                PeerId::Class(AddressClass::SelectorlessEndpoint)
            }
            None if self.options.vpc_cidrs.iter().any(|c| c.contains(ip)) => {
                PeerId::Class(AddressClass::OtherVpc)
            }
            None => PeerId::Class(AddressClass::Outside),
        }
    }

    /// The summary of everything read.
    pub fn finish(mut self) -> FlowSummary {
        let name = |p: PeerId| match p {
            PeerId::Service(i) => Peer::Service(self.cluster.services[i as usize].name.clone()),
            PeerId::Class(c) => Peer::Class(c),
        };
        for ((c, s), half) in std::mem::take(&mut self.half_bytes) {
            // Half-byte units to bytes; a sum beyond Decimal's range (about 7.9e28) saturates.
            let bytes = i128::try_from(half)
                .ok()
                .and_then(|h| Decimal::try_from_i128_with_scale(h, 0).ok())
                .map_or(Decimal::MAX, |d| d / Decimal::TWO);
            match (name(c), name(s)) {
                (Peer::Service(a), Peer::Service(b)) => {
                    *self.summary.edges.entry((a, b)).or_insert(Decimal::ZERO) += bytes;
                }
                (a, b) => *self.summary.unmapped.entry((a, b)).or_insert(Decimal::ZERO) += bytes,
            }
        }
        let mut notes = vec![FlowNote::SameNodeTrafficNotLogged];
        if self.saw_no_pkt {
            notes.push(FlowNote::InterfaceAddressesOnly);
        }
        if self.saw_no_direction {
            notes.push(FlowNote::NoFlowDirection);
        }
        self.summary.notes = notes;
        self.summary
    }
}

#[cfg(test)]
mod tests;
