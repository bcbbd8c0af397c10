//! Small, dependency-free SVG charts over plain data: a line chart (sweeps), stacked bars (monthly
//! cost by category per option) and a dot chart of percentiles per row (latency per option).
//!
//! Every builder returns one self-contained `<svg>` element: all text escaped, numbers printed with
//! a fixed number of decimals (the same data always gives the same bytes), `role="img"`, an
//! `aria-label` and a `<title>` for screen readers, and a legend. Colours come from one fixed
//! palette by position (category or series index), so a category keeps its colour across charts
//! that list the same categories in the same order. Non-finite values are skipped (on a log axis,
//! so are values <= 0). A y label containing `USD` or `$` prints ticks as money (`$1.2k`).

//!
//! One file per concept: `axis` (scales, ticks, grid lines), `legend` (palette, dash patterns,
//! marks, the legend grid), and one per chart kind: `line`, `bars` (stacked bars), `dots` (dot
//! rows). This file has the text helpers they share.

mod axis;
mod bars;
mod dots;
mod legend;
mod line;

pub use bars::{StackedBars, stacked_bars};
pub use dots::{DotRows, dot_rows};
pub use line::{LineChart, Marker, Series, line_chart};

use std::fmt::Write;

/// Width of every chart (user units; the page scales it down to fit).
const WIDTH: f64 = 800.0;
/// Left margin of the line chart (room for y tick labels and the rotated y label).
const LEFT: f64 = 72.0;
/// Right margin.
const RIGHT: f64 = 24.0;
/// Top of the plot area (the title sits above it).
const TOP: f64 = 44.0;
/// Height of the plot area of line and bar charts.
const PLOT_H: f64 = 300.0;
/// Labels longer than this many characters are shortened with an ellipsis (full text in `<title>`).
const MAX_LABEL: usize = 28;

/// Escapes text for XML / HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A coordinate with at most 2 decimals, trailing zeros removed (`-0` printed as `0`).
fn n(v: f64) -> String {
    trim(format!("{v:.2}"))
}

/// Removes trailing zeros after a decimal point, and a sign from zero.
fn trim(s: String) -> String {
    let t = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s.as_str()
    };
    if t == "-0" { "0".into() } else { t.into() }
}

/// Whether an axis label asks for money ticks.
fn is_money(label: &str) -> bool {
    label.contains("USD") || label.contains('$')
}

/// Estimated width of text (DejaVu Sans / system sans-serif average advance, rounded up).
fn text_w(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.62
}

/// `s` shortened to `max` characters with an ellipsis.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The opening `<svg>` with its accessible name and title, and the chart title text.
fn open(out: &mut String, class: &str, title: &str, w: f64, h: f64) {
    let t = esc(title);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart {class}\" role=\"img\" \
         aria-label=\"{t}\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
         font-family=\"system-ui, 'DejaVu Sans', Arial, sans-serif\" font-size=\"12\">\
         <title>{t}</title><rect width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>\
         <text x=\"{x}\" y=\"22\" font-size=\"15\" font-weight=\"600\">{t}</text>",
        w = n(w),
        h = n(h),
        x = n(12.0),
    );
}

/// A centred "no data" notice.
fn no_data(out: &mut String, cx: f64, cy: f64) {
    let _ = write!(
        out,
        "<text class=\"no-data\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#666\">no data</text>",
        n(cx),
        n(cy)
    );
}

#[cfg(test)]
mod test_util {
    /// Every value of attribute `attr` in `svg`, in order.
    pub fn attrs(svg: &str, attr: &str) -> Vec<String> {
        let pat = format!(" {attr}=\"");
        svg.match_indices(&pat)
            .map(|(i, _)| {
                let rest = &svg[i + pat.len()..];
                rest[..rest.find('"').expect("closing quote")].to_string()
            })
            .collect()
    }

    /// The `<rect class="seg" ...>` elements' heights, in order.
    pub fn seg_heights(svg: &str) -> Vec<f64> {
        svg.split("<rect class=\"seg\"")
            .skip(1)
            .map(|s| {
                let h = &attrs(s, "height")[0];
                h.parse().expect("number")
            })
            .collect()
    }

    pub fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.006
    }
}

#[cfg(test)]
mod tests {
    use super::test_util::*;
    use super::*;

    #[test]
    fn text_is_escaped_everywhere() {
        let evil = "<b>&\"a'</b>";
        let s = stacked_bars(&StackedBars {
            title: evil.into(),
            y_label: "USD".into(),
            categories: vec![evil.into()],
            bars: vec![(evil.into(), vec![1.0])],
        });
        assert!(!s.contains("<b>"), "{s}");
        assert!(s.contains("&lt;b&gt;&amp;&quot;a&#39;&lt;/b&gt;"), "{s}");
        let l = line_chart(&LineChart {
            title: evil.into(),
            x_label: evil.into(),
            y_label: evil.into(),
            log_x: false,
            series: vec![Series {
                name: evil.into(),
                points: vec![(1.0, 2.0)],
            }],
            markers: vec![Marker {
                x: 1.0,
                label: evil.into(),
            }],
        });
        assert!(!l.contains("<b>") && !l.contains("a'"), "{l}");
        let d = dot_rows(&DotRows {
            title: evil.into(),
            x_label: evil.into(),
            log_x: true,
            levels: vec![evil.into()],
            rows: vec![(evil.into(), vec![1.0])],
        });
        assert!(!d.contains("<b>") && !d.contains("a'"), "{d}");
        assert_eq!(esc("a<b>&c"), "a&lt;b&gt;&amp;c");
    }

    #[test]
    fn all_zero_bars_and_empty_inputs_do_not_break() {
        let s = stacked_bars(&StackedBars {
            title: "t".into(),
            y_label: "USD".into(),
            categories: vec!["a".into()],
            bars: vec![("x".into(), vec![0.0])],
        });
        assert!(seg_heights(&s).is_empty());
        assert!(!s.contains("NaN") && !s.contains("inf"), "{s}");
        let e = stacked_bars(&StackedBars {
            title: "t".into(),
            y_label: "USD".into(),
            categories: vec![],
            bars: vec![],
        });
        assert!(e.contains("no data"));
        let l = line_chart(&LineChart {
            title: "t".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            log_x: true,
            series: vec![Series {
                name: "s".into(),
                points: vec![(f64::NAN, 1.0), (0.0, 1.0)],
            }],
            markers: vec![],
        });
        assert!(
            l.contains("no data") && !l.contains("NaN") && !l.contains("inf"),
            "{l}"
        );
        let d = dot_rows(&DotRows {
            title: "t".into(),
            x_label: "ms".into(),
            log_x: true,
            levels: vec!["p50".into()],
            rows: vec![("a".into(), vec![f64::INFINITY])],
        });
        assert!(
            d.contains("no data") && !d.contains("NaN") && !d.contains("inf"),
            "{d}"
        );
    }
}
