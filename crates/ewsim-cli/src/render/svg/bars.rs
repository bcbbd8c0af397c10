//! Stacked bars: one bar per entry made of a segment per category, the total above it, labels
//! below (rotated when they do not fit), and a legend of the categories that occur.

use super::axis::{Axis, fmt_short, fmt_value, y_axis, y_grid, y_label};
use super::legend::{Swatch, colour, legend};
use super::{
    LEFT, MAX_LABEL, PLOT_H, RIGHT, TOP, WIDTH, clip, esc, is_money, n, no_data, open, text_w,
};
use std::fmt::Write;

/// Angle of rotated bar labels (degrees).
const LABEL_ANGLE: f64 = 40.0;

/// Vertical bars made of stacked segments, e.g. monthly cost by category per option.
pub struct StackedBars {
    /// Title (also the accessible name).
    pub title: String,
    /// Label of the y axis; money ticks when it mentions `USD` or `$`.
    pub y_label: String,
    /// Segment names, bottom to top; colour by position.
    pub categories: Vec<String>,
    /// Bar label and one value per category. Missing values count as 0; negative and non-finite
    /// values are drawn as 0 (a cost is never negative, so a stack of signed values is not needed).
    pub bars: Vec<(String, Vec<f64>)>,
}

/// Stacked bars: one `<svg>` with a bar per entry (a `<g class="bar">` of one `<rect>` per
/// non-zero segment), the total above each bar when it fits, labels under the bars (rotated when
/// they do not fit), and a legend of the categories that occur.
pub fn stacked_bars(c: &StackedBars) -> String {
    let clean = |v: Option<&f64>| {
        v.copied()
            .filter(|v| v.is_finite() && *v > 0.0)
            .unwrap_or(0.0)
    };
    let values: Vec<Vec<f64>> = c
        .bars
        .iter()
        .map(|(_, v)| (0..c.categories.len()).map(|k| clean(v.get(k))).collect())
        .collect();
    let totals: Vec<f64> = values.iter().map(|v| v.iter().sum()).collect();
    let labels: Vec<String> = c.bars.iter().map(|(l, _)| clip(l, MAX_LABEL)).collect();
    let lay = Layout::new(&labels);
    let (x0, x1, bottom) = (lay.x0, lay.x1, TOP + PLOT_H);
    let money = is_money(&c.y_label);
    let (ya, yt, ystep) = y_axis(&totals, bottom, TOP);

    let legend_top = bottom + lay.label_h + 8.0;
    let mut lg = String::new();
    let lh = legend(&mut lg, &legend_items(c, &values), x0, legend_top, x1 - x0);
    let h = legend_top + lh + 8.0;

    let mut out = String::new();
    open(&mut out, "stacked-bars", &c.title, lay.width, h);
    y_grid(&mut out, &ya, &yt, ystep, money, x0, x1);
    y_label(&mut out, &c.y_label, TOP + PLOT_H / 2.0);
    if c.bars.is_empty() {
        no_data(&mut out, (x0 + x1) / 2.0, TOP + PLOT_H / 2.0);
    }
    for (i, ((name, _), v)) in c.bars.iter().zip(&values).enumerate() {
        let bar = Bar {
            name,
            label: &labels[i],
            values: v,
            total: totals[i],
            cx: x0 + (i as f64 + 0.5) * lay.slot,
        };
        draw_bar(&mut out, c, &lay, &ya, money, &bar);
    }
    out.push_str(&lg);
    out.push_str("</svg>");
    out
}

/// Horizontal geometry of a bar chart: its width, the plot's left and right edges (the left one
/// widened for rotated labels), each bar's slot and width, and the room the labels take below.
struct Layout {
    width: f64,
    x0: f64,
    x1: f64,
    slot: f64,
    bar_w: f64,
    rotate: bool,
    label_h: f64,
}

impl Layout {
    fn new(labels: &[String]) -> Layout {
        let nb = labels.len().max(1);
        let width = WIDTH.max(LEFT + RIGHT + nb as f64 * 24.0);
        let slot0 = (width - LEFT - RIGHT) / nb as f64;
        let rotate = labels.iter().any(|l| text_w(l, 11.0) > slot0 - 4.0);
        let (sin, cos) = LABEL_ANGLE.to_radians().sin_cos();
        // Rotated labels run down-left from their bar: widen the left margin so the first ones fit.
        let left = if rotate {
            labels
                .iter()
                .enumerate()
                .map(|(i, l)| text_w(l, 11.0) * cos - (i as f64 + 0.5) * slot0 + 12.0)
                .fold(LEFT, f64::max)
        } else {
            LEFT
        };
        let (x0, x1) = (left, width - RIGHT);
        let slot = (x1 - x0) / nb as f64;
        let label_h = if rotate {
            labels
                .iter()
                .map(|l| text_w(l, 11.0) * sin + 11.0 * cos)
                .fold(0.0, f64::max)
                + 14.0
        } else {
            22.0
        };
        Layout {
            width,
            x0,
            x1,
            slot,
            bar_w: (slot * 0.7).max(2.0),
            rotate,
            label_h,
        }
    }
}

/// The legend: the categories that occur in some bar (all of them when none does).
fn legend_items<'a>(c: &StackedBars, values: &[Vec<f64>]) -> Vec<(String, &'a str, Swatch)> {
    let used: Vec<usize> = (0..c.categories.len())
        .filter(|&k| values.iter().any(|v| v[k] > 0.0))
        .collect();
    let shown: Vec<usize> = if used.is_empty() {
        (0..c.categories.len()).collect()
    } else {
        used
    };
    shown
        .iter()
        .map(|&k| (c.categories[k].clone(), colour(k), Swatch::Fill))
        .collect()
}

/// One bar to draw: its name, shortened label, cleaned values per category, total and centre.
struct Bar<'a> {
    name: &'a str,
    label: &'a str,
    values: &'a [f64],
    total: f64,
    cx: f64,
}

/// A `<g class="bar">`: a segment per non-zero value, the total above when it fits, the label.
fn draw_bar(out: &mut String, c: &StackedBars, lay: &Layout, ya: &Axis, money: bool, b: &Bar) {
    let (name, cx) = (b.name, b.cx);
    let bx = cx - lay.bar_w / 2.0;
    let _ = write!(
        out,
        "<g class=\"bar\"><title>{}: {}</title>",
        esc(name),
        esc(&fmt_value(b.total, money))
    );
    let mut cum = 0.0;
    for (k, &val) in b.values.iter().enumerate() {
        if val <= 0.0 {
            continue;
        }
        let y_top = ya.px(cum + val);
        let y_bot = ya.px(cum);
        cum += val;
        let _ = write!(
            out,
            "<rect class=\"seg\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\">\
             <title>{}: {} {}</title></rect>",
            n(bx),
            n(y_top),
            n(lay.bar_w),
            n(y_bot - y_top),
            colour(k),
            esc(name),
            esc(&c.categories[k]),
            esc(&fmt_value(val, money)),
        );
    }
    let total = fmt_short(b.total, money);
    if text_w(&total, 10.0) <= lay.slot {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            n(cx),
            n(ya.px(b.total) - 4.0),
            esc(&total)
        );
    }
    let ly = TOP + PLOT_H + 14.0;
    if lay.rotate {
        let _ = write!(
            out,
            "<text x=\"{x}\" y=\"{y}\" font-size=\"11\" text-anchor=\"end\" \
             transform=\"rotate(-{a} {x} {y})\">{}</text>",
            esc(b.label),
            x = n(cx + 4.0),
            y = n(ly),
            a = n(LABEL_ANGLE),
        );
    } else {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            n(cx),
            n(ly),
            esc(b.label)
        );
    }
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{attrs, close, seg_heights};
    use super::*;

    #[test]
    fn bar_heights_are_proportional_to_values() {
        let s = stacked_bars(&StackedBars {
            title: "t".into(),
            y_label: "USD/month".into(),
            categories: vec!["a".into(), "b".into()],
            bars: vec![
                ("x".into(), vec![10.0, 20.0]),
                ("y".into(), vec![30.0, 0.0]),
                ("z".into(), vec![-5.0, f64::NAN]),
            ],
        });
        // Largest total 30: 30 / 5 = 6 -> step 10, axis 0..30 over PLOT_H = 300 px, 10 px per $.
        // Bar x: 10 -> 100 px, 20 -> 200 px; bar y: 30 -> 300 px; zero, negative and NaN: no rect.
        let h = seg_heights(&s);
        assert_eq!(h.len(), 3, "{s}");
        assert!(
            close(h[0], 100.0) && close(h[1], 200.0) && close(h[2], 300.0),
            "{h:?}"
        );
        // The second segment of x sits on the first: its top is at TOP = 44, the bottom at 344.
        let ys: Vec<f64> = s
            .split("<rect class=\"seg\"")
            .skip(1)
            .map(|r| attrs(r, "y")[0].parse().expect("number"))
            .collect();
        assert!(
            close(ys[0], 244.0) && close(ys[1], 44.0) && close(ys[2], 44.0),
            "{ys:?}"
        );
        assert_eq!(s.matches("class=\"bar\"").count(), 3);
        assert!(s.contains(">$30<"), "total label: {s}");
    }

    #[test]
    fn long_bar_labels_rotate_and_widen_the_left_margin() {
        let bars: Vec<(String, Vec<f64>)> = (0..17)
            .map(|i| (format!("internal-nlb-cross-zone-{i:02}"), vec![1.0]))
            .collect();
        let s = stacked_bars(&StackedBars {
            title: "t".into(),
            y_label: "USD".into(),
            categories: vec!["a".into()],
            bars,
        });
        assert_eq!(s.matches("transform=\"rotate(-40 ").count(), 17);
        // The first label: 26 chars x 11 x 0.62 = 177.32 px wide, cos 40 = 0.766 -> 135.84 px to
        // the left of the bar; slot (800 - 96) / 17 = 41.41, half 20.71 -> left margin 127.13.
        let first_x: f64 = s
            .split("transform=\"rotate(-40 ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .expect("x")
            .parse()
            .expect("number");
        let slot = (800.0 - 127.13 - 24.0) / 17.0;
        assert!(
            (first_x - (127.13 + slot / 2.0 + 4.0)).abs() < 0.01,
            "{first_x}"
        );
    }
}
