//! Scenario files: YAML text -> [`Scenario`] with the source position of every value.
//!
//! Parsing goes through serde-saphyr (the crate's `yaml` module: panic-free, with line and column for every
//! error) into private raw types that keep source spans (`loader::raw`); conversion to the public model
//! parses units and records where each value came from ([`source_map`]), so later validation
//! problems can point at file:line:column too. [`parse_scenario_partial`] converts as far as it
//! can for `validate`. This module and [`crate::pricing::file`] are the only code that reads files.

mod convert;
pub(crate) mod options;
mod partial;
mod per_service;
mod raw;
mod select;
mod settings;
pub mod source_map;
mod traffic;
mod write;

pub use partial::PartialScenario;
#[cfg(test)]
pub(crate) use probe::raw_scenario_fields;
pub use source_map::SourceMap;
pub use write::scenario_yaml;

use crate::error::{Diagnostic, Error, InputError};
use crate::pricing::{PriceOverrides, PriceTable};
use crate::scenario::Scenario;
use crate::units::{Quantity, UncertainInput};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A loaded scenario together with the source positions of its values.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// The scenario.
    pub scenario: Scenario,
    /// Source positions by scenario path (`traffic[0].to`), for diagnostics.
    pub source_map: SourceMap,
    /// Every numeric value the file sets, by scenario path, in its canonical unit: what
    /// [`parse_scenario_with`] can replace.
    pub numeric: BTreeMap<String, NumericField>,
    /// Values written as ranges (`8TB to 15TB`); the scenario holds their medians.
    pub uncertain: Vec<UncertainInput>,
    /// The YAML text it was read from, so sweeps and draws can re-read it with values replaced.
    pub text: String,
    /// The option names chosen with [`LoadedScenario::select_options`] (`None`: every option);
    /// re-reads of `text` keep the same ones.
    pub selection: Option<Vec<String>>,
}

/// A numeric scenario value: its kind (unit and parsing) and the value used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumericField {
    /// How the value is written and held.
    pub kind: Quantity,
    /// The value, in the kind's canonical unit.
    pub value: Decimal,
}

/// Parses a scenario from YAML text. `file` names the source in diagnostics.
pub fn parse_scenario(text: &str, file: &str) -> Result<LoadedScenario, InputError> {
    parse_scenario_with(text, file, &BTreeMap::new())
}

/// Parses a scenario with some numeric values replaced, by scenario path (`traffic[0].volume`,
/// `services[1].replicas`, `prices.inter_az_per_gb_each_direction`), each in its value's canonical unit (see
/// [`LoadedScenario::numeric`]). Sweeps and uncertainty draws re-read the file this way, so every
/// replaced value goes through the same conversion and validation as a written one. A path that
/// names no numeric value of the scenario is an input error; `prices.<key>` may add a price.
pub fn parse_scenario_with(
    text: &str,
    file: &str,
    overrides: &BTreeMap<String, Decimal>,
) -> Result<LoadedScenario, InputError> {
    let partial = convert::parse_partial_with(text, file, overrides)?;
    if partial.problems.is_empty() {
        Ok(partial.loaded)
    } else {
        Err(InputError {
            diagnostics: partial.problems,
        })
    }
}

/// Parses a scenario as far as it converts, for reporting every problem at once
/// ([`crate::validate::check`]). Fails only when the YAML itself cannot be read into the
/// scenario's shape (syntax, unknown key, missing key); conversion problems are collected.
pub fn parse_scenario_partial(text: &str, file: &str) -> Result<PartialScenario, InputError> {
    convert::parse_partial_with(text, file, &BTreeMap::new())
}

/// Reads a file as text (the loading layer's only file access), at most
/// [`crate::limits::MAX_INPUT_BYTES`]: reading stops there, so a device or an endless pipe
/// (`/dev/zero`, a FIFO) fails with an input error instead of filling memory.
pub fn read_text(path: &std::path::Path) -> Result<String, Error> {
    use std::io::Read;
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let limit = crate::limits::MAX_INPUT_BYTES;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(Error::Input(InputError::single(Diagnostic {
            location: Some(crate::error::Location {
                file: path.display().to_string(),
                line: 0,
                column: 0,
            }),
            field: crate::error::Field::Scenario(String::new()),
            message: format!(
                "the file is larger than the limit of {limit} bytes (16 MiB) on input files"
            ),
            hint: Some("ewsim's work limits are listed in docs/limits.md".into()),
        })));
    }
    String::from_utf8(bytes).map_err(|_| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })
}

/// Reads and parses a scenario file.
pub fn load_scenario_file(path: &std::path::Path) -> Result<LoadedScenario, Error> {
    let text = read_text(path)?;
    Ok(parse_scenario(&text, &path.display().to_string())?)
}

/// Reads and parses a pricing file: a full table when it has every section, else overrides.
pub fn load_price_file(path: &std::path::Path) -> Result<PriceOverrides, Error> {
    let text = read_text(path)?;
    Ok(crate::pricing::file::parse_price_overrides(
        &text,
        &path.display().to_string(),
    )?)
}

/// The price table for a scenario's region, chosen as `ewsim run` does.
///
/// Without a price file: the region's table from the first of `dirs` that has `<region>.yaml`
/// (tables written by `ewsim pricing import`), else the built-in one. With a price file
/// (`file`): a complete table for the region is used as it is; a partial one (any subset of a
/// table's sections) is merged over its `base:` table (a region, looked up the same way), or
/// over the region's own table when it names no base. Prices taken from another region's table
/// are marked ([`crate::pricing::Price::inherited_from`]). A table for another region, or a
/// region with no table at all, is an input error at `region` (or `base`).
pub fn load_price_table(
    region: &str,
    file: Option<&std::path::Path>,
    dirs: &[std::path::PathBuf],
) -> Result<PriceTable, Error> {
    let other_region = |file: &std::path::Path, r: &str| {
        Error::Input(InputError::single(Diagnostic::at(
            "region",
            format!(
                "{} is for region {r}, the scenario is in {region}",
                file.display()
            ),
        )))
    };
    let Some(p) = file else {
        return region_table(region, dirs);
    };
    let text = read_text(p)?;
    let name = p.display().to_string();
    if let Ok(t) = crate::pricing::file::parse_price_table(&text, &name) {
        return if t.region == region {
            Ok(t)
        } else {
            Err(other_region(p, &t.region))
        };
    }
    let o = crate::pricing::file::parse_price_overrides(&text, &name)?;
    if let Some(r) = o.region.as_deref().filter(|r| *r != region) {
        return Err(other_region(p, r));
    }
    let base = o.base.clone().unwrap_or_else(|| region.to_string());
    let mut t = region_table(&base, dirs)
        .map_err(|e| match (e, &o.base) {
            (Error::Input(mut i), Some(b)) => {
                for d in &mut i.diagnostics {
                    d.field = crate::error::Field::Scenario("base".into());
                    d.message = format!("{}: `base: {b}`: {}", name, d.message);
                }
                Error::Input(i)
            }
            (e, _) => e,
        })?
        .rebased(region);
    t.merge(o);
    Ok(t)
}

/// `region`'s table from the first of `dirs` that has `<region>.yaml`, else the built-in one.
fn region_table(region: &str, dirs: &[std::path::PathBuf]) -> Result<PriceTable, Error> {
    for dir in dirs {
        let p = dir.join(format!("{region}.yaml"));
        if p.is_file() {
            let t =
                crate::pricing::file::parse_price_table(&read_text(&p)?, &p.display().to_string())?;
            if t.region != region {
                return Err(Error::Input(InputError::single(Diagnostic::at(
                    "region",
                    format!("{} is for region {}, not {region}", p.display(), t.region),
                ))));
            }
            return Ok(t);
        }
    }
    Ok(PriceTable::builtin(region)?)
}

#[cfg(test)]
mod probe {
    use super::raw::*;

    /// The keys of every raw scenario type, probed from serde's derive, for the schema drift test.
    pub(crate) fn raw_scenario_fields() -> Vec<(&'static str, &'static [&'static str])> {
        use crate::schema::probe::struct_fields as f;
        vec![
            ("RawScenario", f::<RawScenario>()),
            ("RawCallGraph", f::<RawCallGraph>()),
            ("RawEntryPoint", f::<RawEntryPoint>()),
            ("RawServiceCalls", f::<RawServiceCalls>()),
            ("RawCall", f::<RawCall>()),
            ("RawLatency", f::<RawLatency>()),
            ("RawServerTime", f::<RawServerTime>()),
            ("RawState", f::<RawState>()),
            ("RawBilling", f::<RawBilling>()),
            ("RawCluster", f::<RawCluster>()),
            ("RawZone", f::<RawZone>()),
            ("RawNodes", f::<RawNodes>()),
            ("RawService", f::<RawService>()),
            ("RawEdge", f::<RawEdge>()),
            ("RawConnections", f::<RawConnections>()),
            ("RawOverhead", f::<RawOverhead>()),
            ("RawOption", f::<RawOption>()),
            ("HopOverride", f::<crate::latency::HopOverride>()),
        ]
    }
}
