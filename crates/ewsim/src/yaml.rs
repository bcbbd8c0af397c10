//! The one gate to the YAML parser (serde-saphyr): scenario files, price tables, the latency
//! catalogue and the capability tables all deserialise through here, each into its own serde
//! types next to the data it describes, and every syntax or shape error becomes a located
//! [`InputError`].

use crate::error::{Diagnostic, InputError, Location};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// A scalar kept as written, so that numbers with units and exact decimals survive YAML typing.
#[derive(Debug, Clone)]
pub(crate) struct Text(pub(crate) String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a quantity such as `10 TB`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                // Rust prints the shortest text that reads back as the same f64 (0.0225 -> "0.0225").
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Turns a serde-saphyr error into a one-line diagnostic with its position.
pub(crate) fn error(e: &serde_saphyr::Error, file: &str) -> InputError {
    let inner = e.without_snippet();
    let location = inner.location().filter(|l| l.line() > 0).map(|l| Location {
        file: file.to_string(),
        line: l.line(),
        column: l.column(),
    });
    let mut message = inner.to_string();
    // The library appends its own position text; the prefix carries ours.
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    let message = own_words(inner).unwrap_or_else(|| {
        message
            .lines()
            .next()
            .unwrap_or("invalid YAML")
            .trim()
            .to_string()
    });
    let hint = if message.contains("unknown field") {
        Some("check the key's spelling against the scenario reference in README.md".to_string())
    } else {
        None
    };
    InputError::single(Diagnostic {
        location,
        field: crate::error::Field::Scenario(String::new()),
        message,
        hint,
    })
}

/// The parser's messages that name its own configuration (`DuplicateKeyPolicy`, `Options`,
/// "budget breached: Nodes { .. }"), said in ewsim's words; `None` keeps the parser's message.
fn own_words(e: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    Some(match e {
        E::DuplicateMappingKey { key: Some(k), .. } => {
            format!("key `{k}` appears twice in the same mapping")
        }
        E::DuplicateMappingKey { key: None, .. } => {
            "a key appears twice in the same mapping".into()
        }
        E::NonFiniteFloat { value, .. } => {
            format!("`{value}` is out of range (not a finite number)")
        }
        E::MergeKeyNotAllowed { .. } => "YAML merge keys (`<<`) are not allowed here".into(),
        E::TaggedStructFieldName { tag, .. } => format!("tag `{tag}` is not allowed on a key"),
        E::BinaryNotUtf8 { .. } => "a `!!binary` value is not UTF-8 text".into(),
        E::Budget { breach, .. } => {
            let (what, n) = match breach {
                B::Events { events } => ("YAML events", *events),
                B::Aliases { aliases } => ("alias uses (`*name`)", *aliases),
                B::Anchors { anchors } => ("anchors (`&name`)", *anchors),
                B::Depth { depth } => ("levels of nesting", *depth),
                B::Documents { documents } => ("YAML documents", *documents),
                B::Nodes { nodes } => ("values (nodes)", *nodes),
                B::ScalarBytes { total_scalar_bytes } => ("bytes of text", *total_scalar_bytes),
                B::MergeKeys { merge_keys } => ("merge keys (`<<`)", *merge_keys),
                B::AliasAnchorRatio { aliases, .. } => ("alias uses per anchor", *aliases),
                _ => return Some("the YAML is too large or too deeply nested to read".into()),
            };
            format!("the YAML has too many {what} (reached {n}): it is larger than ewsim reads")
        }
        _ => return None,
    })
}

/// Deserialises YAML text into any type: the single entry point to the YAML parser for the rest
/// of the library (the latency catalogue and distributions use it), so YAML stays behind this module.
pub(crate) fn from_str<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<T, serde_saphyr::Error> {
    serde_saphyr::from_str(text)
}

/// Deserialises YAML text like [`from_str`], reporting a syntax or shape error (unknown key,
/// wrong type) as an [`InputError`] at `file:line:column`; used by the capability tables.
pub(crate) fn located<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, InputError> {
    serde_saphyr::from_str(text).map_err(|e| error(&e, file))
}
