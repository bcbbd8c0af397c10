//! Renderers: one per output format over the library's row model.

mod csv;
mod json;
mod markdown;
mod table;

use crate::Format;
use ewsim::Report;
use rust_decimal::Decimal;

/// Renders a report in a format; `detail` switches from one row per option to one per line item.
pub fn render(report: &Report, format: Format, detail: bool) -> String {
    match format {
        Format::Table => table::render(report, detail),
        Format::Csv => csv::render(report, detail),
        Format::Json => json::render(report),
        Format::Markdown => markdown::render(report, detail),
    }
}

/// Money to the cent.
fn usd(v: Decimal) -> String {
    format!("{:.2}", ewsim::report::cents(v))
}

/// A quantity with at most `dp` decimals, trailing zeros removed.
fn qty(v: Decimal, dp: u32) -> String {
    v.round_dp(dp).normalize().to_string()
}
