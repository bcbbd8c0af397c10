//! JSON: the library's typed report document ([`ewsim::report::json`]), streamed edge by edge.

use ewsim::Report;

pub fn render(r: &Report) -> String {
    ewsim::report::json::to_string(r)
}
