//! An edges CSV written by hand or by another tool: one row per client -> server edge.
//!
//! Two forms, told apart by the header (required, names as below, case-insensitive):
//! - `from,to,bytes`: bytes observed over the window;
//! - `from,to,rps,request_bytes,response_bytes`: mean requests per second and mean request /
//!   response sizes in bytes.
//!
//! Fields are trimmed; numbers are plain non-negative decimals. Errors name the line and the
//! column where the offending field starts. The same (from, to) twice is an error.

use super::{ImportError, ImportErrorKind, ImportLocation};
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::io::Read;

/// The volume a row gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EdgeVolume {
    /// Bytes over the observation window.
    Bytes(Decimal),
    /// Rate and sizes.
    Rate {
        /// Requests per second.
        rps: Decimal,
        /// Mean request size in bytes.
        request_bytes: Decimal,
        /// Mean response size in bytes.
        response_bytes: Decimal,
    },
}

/// One row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvEdge {
    /// Client, as written.
    pub from: String,
    /// Server, as written.
    pub to: String,
    /// The volume.
    pub volume: EdgeVolume,
    /// 1-based line of the row.
    pub line: u64,
}

const BYTES_HEADER: [&str; 3] = ["from", "to", "bytes"];
const RATE_HEADER: [&str; 5] = ["from", "to", "rps", "request_bytes", "response_bytes"];

fn csv_error(document: &str, e: &csv::Error) -> ImportError {
    let location = match e.position() {
        Some(p) => ImportLocation::LineColumn {
            line: p.line(),
            column: 1,
        },
        None => ImportLocation::Document,
    };
    let kind = match e.kind() {
        csv::ErrorKind::Io(io) => ImportErrorKind::Read {
            message: io.to_string(),
        },
        _ => ImportErrorKind::Syntax {
            message: match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!("{len} fields, the header has {expected_len}"),
                _ => e.to_string(),
            },
        },
    };
    ImportError::new(document, location, kind)
}

/// Reads the rows.
pub fn read_edges_csv<R: Read>(reader: R, document: &str) -> Result<Vec<CsvEdge>, ImportError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(reader);
    let mut records = rdr.records();
    let header = match records.next() {
        Some(r) => r.map_err(|e| csv_error(document, &e))?,
        None => {
            return Err(ImportError::new(
                document,
                ImportLocation::Document,
                ImportErrorKind::BadHeader {
                    found: String::new(),
                },
            ));
        }
    };
    let names: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let rate = if names == RATE_HEADER {
        true
    } else if names == BYTES_HEADER {
        false
    } else {
        return Err(ImportError::new(
            document,
            ImportLocation::LineColumn { line: 1, column: 1 },
            ImportErrorKind::BadHeader {
                found: names.join(","),
            },
        ));
    };
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for rec in records {
        let rec = rec.map_err(|e| csv_error(document, &e))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        // Column where field `i` starts (exact for unquoted fields).
        let column = |i: usize| 1 + rec.iter().take(i).map(|f| f.len() as u64 + 1).sum::<u64>();
        let at = |i: usize, kind| {
            ImportError::new(
                document,
                ImportLocation::LineColumn {
                    line,
                    column: column(i),
                },
                kind,
            )
        };
        let text = |i: usize| rec.get(i).unwrap_or("").trim();
        let name = |i: usize| {
            let t = text(i);
            if t.is_empty() {
                Err(at(
                    i,
                    ImportErrorKind::MissingField {
                        field: names[i].clone(),
                    },
                ))
            } else {
                Ok(t.to_string())
            }
        };
        let num = |i: usize| {
            crate::units::parse_number(text(i)).map_err(|reason| {
                at(
                    i,
                    ImportErrorKind::BadValue {
                        field: names[i].clone(),
                        value: text(i).to_string(),
                        reason,
                    },
                )
            })
        };
        let (from, to) = (name(0)?, name(1)?);
        let volume = if rate {
            EdgeVolume::Rate {
                rps: num(2)?,
                request_bytes: num(3)?,
                response_bytes: num(4)?,
            }
        } else {
            EdgeVolume::Bytes(num(2)?)
        };
        if !seen.insert((from.clone(), to.clone())) {
            return Err(at(
                0,
                ImportErrorKind::Duplicate {
                    kind: "edge".into(),
                    name: format!("{from} -> {to}"),
                },
            ));
        }
        out.push(CsvEdge {
            from,
            to,
            volume,
            line,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rust_decimal::dec;

    fn read(text: &str) -> Result<Vec<CsvEdge>, ImportError> {
        read_edges_csv(text.as_bytes(), "edges.csv")
    }

    fn at(e: &ImportError) -> (u64, u64) {
        match e.location {
            ImportLocation::LineColumn { line, column } => (line, column),
            _ => (0, 0),
        }
    }

    #[test]
    fn both_forms() {
        let b = read("from,to,bytes\nshop/web,shop/cart,1000\n").unwrap();
        assert_eq!(b[0].volume, EdgeVolume::Bytes(dec!(1000)));
        assert_eq!(
            (b[0].from.as_str(), b[0].to.as_str(), b[0].line),
            ("shop/web", "shop/cart", 2)
        );
        let r = read("From, To ,rps,request_bytes,response_bytes\na,b,2.5,300,1200\n").unwrap();
        assert_eq!(
            r[0].volume,
            EdgeVolume::Rate {
                rps: dec!(2.5),
                request_bytes: dec!(300),
                response_bytes: dec!(1200)
            }
        );
    }

    #[test]
    fn located_errors() {
        let e = read("from,to,gigabytes\n").unwrap_err();
        assert!(matches!(*e.kind, ImportErrorKind::BadHeader { .. }));
        assert_eq!(at(&e), (1, 1));
        // `x` starts at column 5 of line 3.
        let e = read("from,to,bytes\na,b,1\nc,d,x\n").unwrap_err();
        assert_eq!(at(&e), (3, 5));
        let e = read("from,to,bytes\na,b,-4\n").unwrap_err();
        assert_eq!(at(&e), (2, 5));
        let e = read("from,to,bytes\n,b,4\n").unwrap_err();
        assert!(matches!(*e.kind, ImportErrorKind::MissingField { .. }));
        let e = read("from,to,bytes\na,b,1,2\n").unwrap_err();
        assert_eq!(at(&e).0, 2);
        let e = read("from,to,bytes\na,b,1\na,b,2\n").unwrap_err();
        assert!(matches!(*e.kind, ImportErrorKind::Duplicate { .. }));
        assert!(read("").is_err());
    }
}
