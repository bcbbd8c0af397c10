//! The width the text table may fill: what decides whether the sweep table keeps one column per
//! option or turns to one row per step and option.

use std::io::IsTerminal;

/// Width used when neither `COLUMNS` nor a terminal says otherwise (output to a file or a pipe).
pub const DEFAULT_WIDTH: usize = 100;

/// The output width in columns: `COLUMNS` when set to a positive number, else the terminal's
/// width when standard output is a terminal, else [`DEFAULT_WIDTH`].
pub fn output_width() -> usize {
    let columns = std::env::var("COLUMNS").ok();
    from_sources(
        columns.as_deref(),
        std::io::stdout()
            .is_terminal()
            .then(|| console::Term::stdout().size_checked())
            .flatten()
            .map(|(_, w)| usize::from(w)),
    )
}

/// [`output_width`] from its sources: `COLUMNS` (ignored unless a positive whole number), then
/// the terminal's width.
fn from_sources(columns: Option<&str>, terminal: Option<usize>) -> usize {
    columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w > 0)
        .or(terminal.filter(|w| *w > 0))
        .unwrap_or(DEFAULT_WIDTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_then_terminal_then_default() {
        assert_eq!(from_sources(Some("80"), Some(200)), 80);
        assert_eq!(from_sources(Some("0"), Some(200)), 200);
        assert_eq!(from_sources(Some("wide"), None), DEFAULT_WIDTH);
        assert_eq!(from_sources(None, Some(132)), 132);
        assert_eq!(from_sources(None, None), 100);
    }
}
