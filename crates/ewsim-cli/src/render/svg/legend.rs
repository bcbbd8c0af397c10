//! Colours, dash patterns and mark shapes by position, and the legend grid that names them.

use super::{MAX_LABEL, clip, esc, n, text_w};
use std::fmt::Write;

/// Tableau 10: distinct hues, readable on white and in greyscale print.
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];
/// Series beyond the palette's length reuse its colours with these dash patterns (11th to 20th
/// dashed, 21st to 30th dotted, ...), so 17 series stay distinguishable.
const DASHES: [&str; 4] = ["", "6 3", "2 3", "8 3 2 3"];
/// Height of one legend row.
const LEGEND_ROW: f64 = 18.0;

/// Colour of series or category `i`.
pub(super) fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// Dash pattern of series `i`: solid for the first palette's worth, then dashed, dotted, ...
pub(super) fn dash(i: usize) -> &'static str {
    DASHES[(i / PALETTE.len()) % DASHES.len()]
}

/// What a legend entry shows next to its name.
pub(super) enum Swatch {
    /// A filled square (bar segments).
    Fill,
    /// A line with a dash pattern and a dot (line series).
    Line(&'static str),
    /// A mark of a shape (dot chart levels).
    Mark(usize),
}

/// Draws a legend of `(name, colour, swatch)` in a grid from `(x0, y0)` within `width`; returns
/// its height.
pub(super) fn legend(
    out: &mut String,
    items: &[(String, &str, Swatch)],
    x0: f64,
    y0: f64,
    width: f64,
) -> f64 {
    if items.is_empty() {
        return 0.0;
    }
    let col_w = items
        .iter()
        .map(|(name, _, _)| 30.0 + text_w(&clip(name, MAX_LABEL), 11.0) + 14.0)
        .fold(0.0, f64::max)
        .min(width);
    let cols = ((width / col_w).floor() as usize).max(1);
    let rows = items.len().div_ceil(cols);
    out.push_str("<g class=\"legend\" font-size=\"11\">");
    for (i, (name, colour, swatch)) in items.iter().enumerate() {
        let x = x0 + (i % cols) as f64 * col_w;
        let y = y0 + (i / cols) as f64 * LEGEND_ROW;
        match swatch {
            Swatch::Fill => {
                let _ = write!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>",
                    n(x + 6.0),
                    n(y),
                );
            }
            Swatch::Line(dash) => {
                let _ = write!(
                    out,
                    "<line x1=\"{}\" y1=\"{y6}\" x2=\"{}\" y2=\"{y6}\" stroke=\"{colour}\" \
                     stroke-width=\"2\"{}/><circle cx=\"{}\" cy=\"{y6}\" r=\"2.5\" fill=\"{colour}\"/>",
                    n(x),
                    n(x + 24.0),
                    dash_attr(dash),
                    n(x + 12.0),
                    y6 = n(y + 6.0),
                );
            }
            Swatch::Mark(shape) => out.push_str(&mark(*shape, x + 12.0, y + 6.0, colour)),
        }
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            n(x + 30.0),
            n(y + 10.5),
            esc(&clip(name, MAX_LABEL))
        );
    }
    out.push_str("</g>");
    rows as f64 * LEGEND_ROW
}

pub(super) fn dash_attr(dash: &str) -> String {
    if dash.is_empty() {
        String::new()
    } else {
        format!(" stroke-dasharray=\"{dash}\"")
    }
}

/// A mark of shape `shape % 4` (circle, square, diamond, triangle) centred on `(cx, cy)`.
pub(super) fn mark(shape: usize, cx: f64, cy: f64, colour: &str) -> String {
    let r = 4.5;
    match shape % 4 {
        0 => format!(
            "<circle class=\"mark\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{colour}\"/>",
            n(cx),
            n(cy),
            n(r)
        ),
        1 => format!(
            "<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"8\" height=\"8\" fill=\"{colour}\"/>",
            n(cx - 4.0),
            n(cy - 4.0)
        ),
        2 => format!(
            "<polygon class=\"mark\" points=\"{},{} {},{} {},{} {},{}\" fill=\"{colour}\"/>",
            n(cx),
            n(cy - r - 0.5),
            n(cx + r + 0.5),
            n(cy),
            n(cx),
            n(cy + r + 0.5),
            n(cx - r - 0.5),
            n(cy)
        ),
        _ => format!(
            "<polygon class=\"mark\" points=\"{},{} {},{} {},{}\" fill=\"{colour}\"/>",
            n(cx),
            n(cy - r),
            n(cx + r),
            n(cy + r * 0.8),
            n(cx - r),
            n(cy + r * 0.8)
        ),
    }
}
