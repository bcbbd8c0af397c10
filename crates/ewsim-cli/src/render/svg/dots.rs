//! Dot rows: one row per entry with a mark per level on a shared x axis (linear or log), joined
//! by a range line, e.g. latency percentiles per option.

use super::axis::{Axis, fmt_value, x_axis, x_grid};
use super::legend::{Swatch, colour, legend, mark};
use super::{LEFT, MAX_LABEL, RIGHT, TOP, WIDTH, clip, esc, n, no_data, open, text_w};
use std::fmt::Write;

/// Height of one row of the dot chart.
const ROW_H: f64 = 22.0;

/// One row per item with a mark per level on a shared x axis, joined by a range line, e.g. latency
/// p50 / p90 / p99 / p99.9 per option on a log axis (values from 0.03 to 300 ms stay readable).
pub struct DotRows {
    /// Title (also the accessible name).
    pub title: String,
    /// Label of the x axis (with its unit).
    pub x_label: String,
    /// Logarithmic x axis.
    pub log_x: bool,
    /// Names of the levels (legend), each with a fixed colour and shape by position.
    pub levels: Vec<String>,
    /// Row label and one value per level; non-finite values are skipped, a row with none says so.
    pub rows: Vec<(String, Vec<f64>)>,
}

/// A dot chart: one row per entry with a grey line from its smallest to its largest value and a
/// mark per level (colour and shape by level), x tick labels below, legend of the levels.
pub fn dot_rows(c: &DotRows) -> String {
    let ok = |v: &f64| v.is_finite() && (!c.log_x || *v > 0.0);
    let labels: Vec<String> = c.rows.iter().map(|(l, _)| clip(l, MAX_LABEL)).collect();
    let left = labels
        .iter()
        .map(|l| text_w(l, 11.0) + 16.0)
        .fold(LEFT, f64::max);
    let (x0, x1) = (left, WIDTH - RIGHT);
    let bottom = TOP + ROW_H * c.rows.len().max(1) as f64;
    let values: Vec<f64> = c
        .rows
        .iter()
        .flat_map(|(_, v)| v.iter())
        .copied()
        .filter(ok)
        .collect();
    let (xa, xt) = x_axis(&values, c.log_x, x0, x1);
    let items: Vec<(String, &str, Swatch)> = c
        .levels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.clone(), colour(i), Swatch::Mark(i)))
        .collect();
    let legend_top = bottom + 50.0;
    let mut lg = String::new();
    let lh = legend(&mut lg, &items, x0, legend_top, x1 - x0);
    let h = legend_top + lh + 8.0;

    let mut out = String::new();
    open(&mut out, "dot-rows", &c.title, WIDTH, h);
    for i in (0..c.rows.len()).step_by(2) {
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f4f6f9\"/>",
            n(x0),
            n(TOP + ROW_H * i as f64),
            n(x1 - x0),
            n(ROW_H)
        );
    }
    x_grid(&mut out, &xa, &xt, TOP, bottom);
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        n((x0 + x1) / 2.0),
        n(bottom + 38.0),
        esc(&c.x_label)
    );
    if c.rows.is_empty() {
        no_data(&mut out, (x0 + x1) / 2.0, TOP + ROW_H / 2.0 + 4.0);
    }
    for (i, (name, v)) in c.rows.iter().enumerate() {
        let shown: Vec<(usize, f64)> = v
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, v)| ok(v))
            .collect();
        let cy = TOP + ROW_H * (i as f64 + 0.5);
        draw_row(&mut out, c, (name, &labels[i]), &shown, &xa, (x0, cy));
    }
    out.push_str(&lg);
    out.push_str("</svg>");
    out
}

/// One `<g class="row">`: its tooltip and label left of the plot at `x0`, then the range line
/// and a mark per `shown` (level, value), or "no data", centred on `cy`.
fn draw_row(
    out: &mut String,
    c: &DotRows,
    (name, label): (&str, &str),
    shown: &[(usize, f64)],
    xa: &Axis,
    (x0, cy): (f64, f64),
) {
    let detail: Vec<String> = shown
        .iter()
        .map(|&(k, val)| {
            let level = c.levels.get(k).map(String::as_str).unwrap_or("?");
            format!("{level} {}", fmt_value(val, false))
        })
        .collect();
    let _ = write!(
        out,
        "<g class=\"row\"><title>{}: {}</title>\
         <text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
        esc(name),
        esc(&if detail.is_empty() {
            "no data".to_string()
        } else {
            detail.join(", ")
        }),
        n(x0 - 8.0),
        n(cy + 4.0),
        esc(label),
    );
    if shown.is_empty() {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#666\">no data</text>",
            n(x0 + 6.0),
            n(cy + 4.0)
        );
    } else {
        let lo = shown.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let hi = shown.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        let _ = write!(
            out,
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#999\" stroke-width=\"2\"/>",
            n(xa.px(lo)),
            n(xa.px(hi)),
            y = n(cy),
        );
        for &(k, val) in shown {
            out.push_str(&mark(k, xa.px(val), cy, colour(k)));
        }
    }
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::super::test_util::attrs;
    use super::*;

    #[test]
    fn dot_rows_place_marks_on_a_log_axis() {
        let d = dot_rows(&DotRows {
            title: "latency".into(),
            x_label: "ms".into(),
            log_x: true,
            levels: vec!["p50".into(), "p99".into()],
            rows: vec![
                ("a".into(), vec![0.1, 10.0]),
                ("b".into(), vec![1.0, f64::NAN]),
            ],
        });
        // 0.1..10: decades 0.1..10 over 72..776; 1 is halfway -> 424; 0.1 -> 72; 10 -> 776.
        let rows = d.split("<g class=\"legend\"").next().expect("rows");
        assert_eq!(attrs(rows, "cx"), vec!["72", "424"]);
        assert_eq!(d.matches("class=\"mark\"").count(), 3 + 2); // 3 in rows, 2 in the legend
        assert_eq!(d.matches("class=\"row\"").count(), 2);
        assert!(d.contains("role=\"img\"") && d.contains("aria-label=\"latency\""));
    }
}
