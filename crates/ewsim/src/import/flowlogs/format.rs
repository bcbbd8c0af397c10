//! Record formats of the flow-log reader: field positions, header detection, parsing one
//! line, and address ranges.

use super::super::{ImportErrorKind, Protocol};
use std::net::IpAddr;

/// Every field name of the flow-log record formats (versions 2 to 8), for telling a header
/// line from a record.
pub(super) const KNOWN_FIELDS: [&str; 42] = [
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
    "vpc-id",
    "subnet-id",
    "instance-id",
    "tcp-flags",
    "type",
    "pkt-srcaddr",
    "pkt-dstaddr",
    "region",
    "az-id",
    "sublocation-type",
    "sublocation-id",
    "pkt-src-aws-service",
    "pkt-dst-aws-service",
    "flow-direction",
    "traffic-path",
    "ecs-cluster-arn",
    "ecs-cluster-name",
    "ecs-container-instance-arn",
    "ecs-container-instance-id",
    "ecs-container-id",
    "ecs-second-container-id",
    "ecs-service-name",
    "ecs-task-definition-arn",
    "ecs-task-arn",
    "ecs-task-id",
    "reject-reason",
    "resource-id",
    "encryption-status",
];

/// Most fields a format can have (the known fields).
pub(super) const MAX_FIELDS: usize = KNOWN_FIELDS.len();

/// An IPv4 or IPv6 network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `10.0.0.0/16` or `2600:1f18::/56`.
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let (a, p) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}`: expected ADDRESS/PREFIX"))?;
        let addr: IpAddr = a
            .trim()
            .parse()
            .map_err(|_| format!("`{a}` is not an IP"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix: u8 = p
            .trim()
            .parse()
            .ok()
            .filter(|n| *n <= max)
            .ok_or_else(|| format!("`{p}` is not a prefix length (0-{max})"))?;
        Ok(Cidr { addr, prefix })
    }

    /// Whether `ip` is inside.
    pub fn contains(&self, ip: &IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(*a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(*a) & mask
            }
            _ => false,
        }
    }
}

/// Positions of the fields the reader uses.
#[derive(Debug, Clone, Default)]
pub(super) struct Format {
    pub(super) n: usize,
    pub(super) srcaddr: Option<usize>,
    pub(super) dstaddr: Option<usize>,
    pub(super) pkt_src: Option<usize>,
    pub(super) pkt_dst: Option<usize>,
    pub(super) srcport: usize,
    pub(super) dstport: usize,
    pub(super) protocol: usize,
    pub(super) bytes: usize,
    pub(super) start: Option<usize>,
    pub(super) end: Option<usize>,
    pub(super) action: Option<usize>,
    pub(super) log_status: Option<usize>,
    pub(super) direction: Option<usize>,
}

impl Format {
    pub(super) fn from_fields<S: AsRef<str>>(fields: &[S]) -> Result<Format, String> {
        let pos = |name: &str| fields.iter().position(|f| f.as_ref() == name);
        let need = |name: &str| pos(name).ok_or_else(|| name.to_string());
        let f = Format {
            n: fields.len(),
            srcaddr: pos("srcaddr"),
            dstaddr: pos("dstaddr"),
            pkt_src: pos("pkt-srcaddr"),
            pkt_dst: pos("pkt-dstaddr"),
            srcport: need("srcport")?,
            dstport: need("dstport")?,
            protocol: need("protocol")?,
            bytes: need("bytes")?,
            start: pos("start"),
            end: pos("end"),
            action: pos("action"),
            log_status: pos("log-status"),
            direction: pos("flow-direction"),
        };
        if f.srcaddr.is_none() && f.pkt_src.is_none() {
            return Err("srcaddr".into());
        }
        if f.dstaddr.is_none() && f.pkt_dst.is_none() {
            return Err("dstaddr".into());
        }
        Ok(f)
    }
}

/// A parsed record's fields the rules need.
pub(super) struct Record<'l> {
    pub(super) src: IpAddr,
    pub(super) dst: IpAddr,
    pub(super) src_iface: Option<&'l str>,
    pub(super) dst_iface: Option<&'l str>,
    pub(super) pkt_src: Option<&'l str>,
    pub(super) pkt_dst: Option<&'l str>,
    pub(super) sport: u16,
    pub(super) dport: u16,
    pub(super) protocol: Option<Protocol>,
    pub(super) bytes: u64,
    pub(super) direction: Option<&'l str>,
}

pub(super) fn bad(field: &str, value: &str, reason: &str) -> ImportErrorKind {
    ImportErrorKind::BadValue {
        field: field.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    }
}

pub(super) fn number<T: std::str::FromStr>(
    fields: &[&str],
    i: usize,
    name: &str,
) -> Result<T, (usize, ImportErrorKind)> {
    fields[i]
        .parse()
        .map_err(|_| (i, bad(name, fields[i], "not a number in range")))
}

pub(super) fn present<'l>(fields: &[&'l str], i: Option<usize>) -> Option<&'l str> {
    i.map(|i| fields[i]).filter(|v| *v != "-")
}

pub(super) fn parse_record<'l>(
    f: &Format,
    fields: &[&'l str],
) -> Result<Record<'l>, (usize, ImportErrorKind)> {
    let addr = |pkt: Option<usize>, plain: Option<usize>, name: &str| {
        let i = pkt.filter(|&i| fields[i] != "-").or(plain).unwrap_or(0);
        fields[i]
            .parse::<IpAddr>()
            .map_err(|_| (i, bad(name, fields[i], "not an IP address")))
    };
    // A record without ports (ICMP) shows `-`: port 0.
    let port = |i: usize, name: &str| {
        if fields[i] == "-" {
            Ok(0)
        } else {
            number::<u16>(fields, i, name)
        }
    };
    Ok(Record {
        src: addr(f.pkt_src, f.srcaddr, "srcaddr")?,
        dst: addr(f.pkt_dst, f.dstaddr, "dstaddr")?,
        src_iface: present(fields, f.srcaddr),
        dst_iface: present(fields, f.dstaddr),
        pkt_src: present(fields, f.pkt_src),
        pkt_dst: present(fields, f.pkt_dst),
        sport: port(f.srcport, "srcport")?,
        dport: port(f.dstport, "dstport")?,
        protocol: Protocol::from_iana(number::<u8>(fields, f.protocol, "protocol")?),
        bytes: number::<u64>(fields, f.bytes, "bytes")?,
        direction: present(fields, f.direction),
    })
}

/// The field names, if the line is a header (every token a known field name, optionally
/// written `${name}` as in `--log-format`).
pub(super) fn header(fields: &[&str]) -> Option<Vec<String>> {
    if !fields
        .first()?
        .starts_with(|c: char| c.is_ascii_alphabetic() || c == '$')
    {
        return None;
    }
    fields
        .iter()
        .map(|t| {
            let name = t
                .strip_prefix("${")
                .and_then(|t| t.strip_suffix('}'))
                .unwrap_or(t);
            KNOWN_FIELDS.contains(&name).then(|| name.to_string())
        })
        .collect()
}
