//! Choosing some of a scenario's options by name ([`LoadedScenario::select_options`]): the rest
//! are left out of every evaluation, re-reads included (sweep steps, range draws).

use super::LoadedScenario;
use crate::error::{Diagnostic, Input, InputError};
use std::collections::BTreeMap;

impl LoadedScenario {
    /// Keeps only the options named in `names` (in the scenario's order) for every evaluation of
    /// this scenario, including the re-reads of sweeps and range draws. Source positions follow
    /// the options, so problems still point at the right lines. A name the scenario does not
    /// have, or an empty list, is an input error listing the names it has.
    pub fn select_options(&mut self, names: &[String]) -> Result<(), InputError> {
        let known: Vec<&str> = self
            .scenario
            .options
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        let listed = || format!("the scenario's options: {}", known.join(", "));
        let mut diags: Vec<Diagnostic> = names
            .iter()
            .filter(|n| !known.contains(&n.as_str()))
            .map(|n| {
                Diagnostic::input(Input::Options, format!("no option named `{n}`"))
                    .with_hint(listed())
            })
            .collect();
        if names.is_empty() {
            diags.push(Diagnostic::input(Input::Options, "names no option").with_hint(listed()));
        }
        if !diags.is_empty() {
            return Err(InputError { diagnostics: diags });
        }
        let kept: Vec<usize> = (0..known.len())
            .filter(|i| names.iter().any(|n| n == known[*i]))
            .collect();
        self.keep_options(&kept);
        self.selection = Some(names.to_vec());
        Ok(())
    }

    /// Applies the selection of `base` (see [`LoadedScenario::select_options`]) to a re-read of
    /// its text.
    pub(crate) fn select_like(&mut self, base: &LoadedScenario) -> Result<(), InputError> {
        match &base.selection {
            Some(names) => self.select_options(names),
            None => Ok(()),
        }
    }

    /// Keeps the options at `kept` (ascending indices), renumbering their source positions.
    fn keep_options(&mut self, kept: &[usize]) {
        let options = std::mem::take(&mut self.scenario.options);
        self.scenario.options = kept
            .iter()
            .filter_map(|i| options.get(*i).cloned())
            .collect();
        let positions = std::mem::take(&mut self.source_map.positions);
        self.source_map.positions = positions
            .into_iter()
            .filter_map(|(path, loc)| Some((renumber(&path, kept)?, loc)))
            .collect::<BTreeMap<_, _>>();
    }
}

/// `options[i]...` as the path of the kept option's new index (`None` when option `i` is left
/// out); any other path unchanged.
fn renumber(path: &str, kept: &[usize]) -> Option<String> {
    let Some(rest) = path.strip_prefix("options[") else {
        return Some(path.to_string());
    };
    let Some((index, tail)) = rest.split_once(']') else {
        return Some(path.to_string());
    };
    let Ok(i) = index.parse::<usize>() else {
        return Some(path.to_string());
    };
    let new = kept.iter().position(|k| *k == i)?;
    Some(format!("options[{new}]{tail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_kept_options_are_renumbered_and_others_dropped() {
        let kept = [1, 3];
        assert_eq!(
            renumber("options[3].kind", &kept).as_deref(),
            Some("options[1].kind")
        );
        assert_eq!(renumber("options[1]", &kept).as_deref(), Some("options[0]"));
        assert_eq!(renumber("options[2].kind", &kept), None);
        assert_eq!(
            renumber("traffic[2].to", &kept).as_deref(),
            Some("traffic[2].to")
        );
        assert_eq!(renumber("options", &kept).as_deref(), Some("options"));
    }
}
