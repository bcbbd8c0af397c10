//! An imported scenario as YAML text with comments stating where each value came from: the
//! scenario writer's text ([`crate::loader::scenario_yaml`]) with the [`Sources`] comment lines
//! put before the header and before each zone, service, traffic edge and option entry. The text
//! is read back by the loader before it is returned, so what is written always loads.

use super::assemble::{Imported, Sources};
use crate::error::InputError;
use crate::loader::{LoadedScenario, parse_scenario, scenario_yaml};

/// Comment lines in a row that the YAML parser buffers at most is 96 events (two per line), so
/// a longer block is folded: lines from the 40th on are joined with `; ` into lines of about
/// 160 characters.
const MAX_COMMENT_LINES: usize = 40;

fn comment_lines(out: &mut String, indent: &str, lines: &[String]) {
    let mut folded: Vec<String> = lines.iter().take(MAX_COMMENT_LINES).cloned().collect();
    let mut current = String::new();
    for l in lines.iter().skip(MAX_COMMENT_LINES) {
        if !current.is_empty() && current.len() + l.len() > 160 {
            folded.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push_str("; ");
        }
        current.push_str(l.trim());
    }
    if !current.is_empty() {
        folded.push(current);
    }
    for l in &folded {
        out.push_str(indent);
        out.push_str("# ");
        out.push_str(l);
        out.push('\n');
    }
}

fn section_comments<'a>(sources: &'a Sources, key: &str) -> Option<&'a [Vec<String>]> {
    match key {
        "zones:" => Some(&sources.zones),
        "services:" => Some(&sources.services),
        "traffic:" => Some(&sources.traffic),
        "options:" => Some(&sources.options),
        _ => None,
    }
}

/// The commented YAML of an import (`file` names it in errors) and the scenario as the loader
/// reads it back.
pub fn imported_yaml(imp: &Imported, file: &str) -> Result<(String, LoadedScenario), InputError> {
    let plain = scenario_yaml(&imp.scenario)?;
    let mut out = String::new();
    comment_lines(&mut out, "", &imp.sources.header);
    let mut section: Option<&[Vec<String>]> = None;
    let mut item = 0;
    for line in plain.lines() {
        if !line.starts_with(' ') {
            section = section_comments(&imp.sources, line.trim_end());
            item = 0;
        } else if let (Some(items), Some(rest)) = (section, line.strip_prefix("  - ")) {
            let _ = rest;
            if let Some(c) = items.get(item) {
                comment_lines(&mut out, "  ", c);
            }
            item += 1;
        }
        out.push_str(line);
        out.push('\n');
    }
    let loaded = parse_scenario(&out, file)?;
    Ok((out, loaded))
}
