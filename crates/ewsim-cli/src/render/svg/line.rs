//! The line chart: one polyline per series against a shared x axis (linear or log), with dashed
//! vertical markers (break-evens) and a legend below.

use super::axis::{Axis, fmt_value, x_axis, x_grid, y_axis, y_grid, y_label};
use super::legend::{Swatch, colour, dash, dash_attr, legend};
use super::{LEFT, PLOT_H, RIGHT, TOP, WIDTH, clip, esc, is_money, n, no_data, open, text_w};
use std::fmt::Write;

/// One line of a [`LineChart`]: points `(x, y)`, drawn in increasing x.
pub struct Series {
    /// Legend name.
    pub name: String,
    /// Data points; non-finite ones (and x <= 0 on a log axis) are skipped.
    pub points: Vec<(f64, f64)>,
}

/// A vertical dashed line with a label (a break-even point, the scenario's current value).
pub struct Marker {
    /// Position on the x axis.
    pub x: f64,
    /// Text next to the line.
    pub label: String,
}

/// A chart of y against x for several series, e.g. monthly cost per option across a sweep.
pub struct LineChart {
    /// Title (also the accessible name).
    pub title: String,
    /// Label of the x axis.
    pub x_label: String,
    /// Label of the y axis; money ticks when it mentions `USD` or `$`.
    pub y_label: String,
    /// Logarithmic x axis (decades), for sweeps over orders of magnitude.
    pub log_x: bool,
    /// The lines, each with a fixed colour (and dash pattern from the 11th on) by position.
    pub series: Vec<Series>,
    /// Vertical markers.
    pub markers: Vec<Marker>,
}

/// A line chart: one `<svg>` with axes, one polyline (and dots) per series, dashed markers and a
/// legend below the plot, which grows in rows as series are added.
pub fn line_chart(c: &LineChart) -> String {
    let ok = |x: f64, y: f64| x.is_finite() && y.is_finite() && (!c.log_x || x > 0.0);
    let series: Vec<Vec<(f64, f64)>> = c
        .series
        .iter()
        .map(|s| {
            let mut p: Vec<(f64, f64)> = s
                .points
                .iter()
                .copied()
                .filter(|&(x, y)| ok(x, y))
                .collect();
            p.sort_by(|a, b| a.0.total_cmp(&b.0));
            p
        })
        .collect();
    let markers: Vec<&Marker> = c.markers.iter().filter(|m| ok(m.x, 0.0)).collect();
    let mut xs: Vec<f64> = series.iter().flatten().map(|p| p.0).collect();
    let ys: Vec<f64> = series.iter().flatten().map(|p| p.1).collect();
    let empty = xs.is_empty();
    xs.extend(markers.iter().map(|m| m.x));

    let (x0, x1, bottom) = (LEFT, WIDTH - RIGHT, TOP + PLOT_H);
    let (xa, xt) = x_axis(&xs, c.log_x, x0, x1);
    let (ya, yt, ystep) = y_axis(&ys, bottom, TOP);
    let items: Vec<(String, &str, Swatch)> = c
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), colour(i), Swatch::Line(dash(i))))
        .collect();
    let legend_top = bottom + 58.0;
    let mut body = String::new();
    let lh = legend(&mut body, &items, x0, legend_top, x1 - x0);
    let h = legend_top + lh + 8.0;

    let mut out = String::new();
    open(&mut out, "line-chart", &c.title, WIDTH, h);
    y_grid(&mut out, &ya, &yt, ystep, is_money(&c.y_label), x0, x1);
    x_grid(&mut out, &xa, &xt, TOP, bottom);
    y_label(&mut out, &c.y_label, TOP + PLOT_H / 2.0);
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        n((x0 + x1) / 2.0),
        n(bottom + 40.0),
        esc(&c.x_label)
    );
    if empty {
        no_data(&mut out, (x0 + x1) / 2.0, TOP + PLOT_H / 2.0);
    }
    let money = is_money(&c.y_label);
    for (i, (s, pts)) in c.series.iter().zip(&series).enumerate() {
        draw_series(&mut out, i, &s.name, pts, [&xa, &ya], money);
    }
    for (i, m) in markers.iter().enumerate() {
        draw_marker(&mut out, i, m, &xa, x1);
    }
    out.push_str(&body);
    out.push_str("</svg>");
    out
}

/// Series `i`: a `<g class="series">` with its polyline and a dot (with a tooltip) per point;
/// nothing when it has no point to draw.
fn draw_series(
    out: &mut String,
    i: usize,
    name: &str,
    pts: &[(f64, f64)],
    [xa, ya]: [&Axis; 2],
    money: bool,
) {
    if pts.is_empty() {
        return;
    }
    let col = colour(i);
    let _ = write!(out, "<g class=\"series\"><title>{}</title>", esc(name));
    let coords: Vec<String> = pts
        .iter()
        .map(|&(x, y)| format!("{},{}", n(xa.px(x)), n(ya.px(y))))
        .collect();
    let _ = write!(
        out,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{col}\" stroke-width=\"2\"{}/>",
        coords.join(" "),
        dash_attr(dash(i))
    );
    for &(x, y) in pts {
        let _ = write!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{col}\"><title>{}: {} at {}</title></circle>",
            n(xa.px(x)),
            n(ya.px(y)),
            esc(name),
            esc(&fmt_value(y, money)),
            esc(&fmt_value(x, false)),
        );
    }
    out.push_str("</g>");
}

/// Marker `i`: a dashed vertical line over the plot and its label, stacked below the previous
/// markers' labels, right of the line unless it would leave the plot at `x1`.
fn draw_marker(out: &mut String, i: usize, m: &Marker, xa: &Axis, x1: f64) {
    let px = xa.px(m.x);
    let label = clip(&m.label, 40);
    let right_side = px + 4.0 + text_w(&label, 11.0) <= x1;
    let _ = write!(
        out,
        "<g class=\"marker\"><line x1=\"{p}\" y1=\"{}\" x2=\"{p}\" y2=\"{}\" stroke=\"#333\" \
         stroke-dasharray=\"5 4\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"{}\">{}\
         <title>{}</title></text></g>",
        n(TOP),
        n(TOP + PLOT_H),
        n(if right_side { px + 4.0 } else { px - 4.0 }),
        n(TOP + 12.0 + 14.0 * i as f64),
        if right_side { "start" } else { "end" },
        esc(&label),
        esc(&m.label),
        p = n(px),
    );
}

#[cfg(test)]
mod tests {
    use super::super::legend::{colour, dash};
    use super::super::test_util::{attrs, close};
    use super::*;

    #[test]
    fn single_point_is_drawn_inside_the_plot() {
        let l = line_chart(&LineChart {
            title: "t".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            log_x: false,
            series: vec![Series {
                name: "s".into(),
                points: vec![(4.0, 2.0)],
            }],
            markers: vec![],
        });
        // x 4 padded by half to 2..6 -> 4 / 6 = 0.67 -> step 1, ticks 2..6; 4 is the middle of
        // 72..776: 424. y 2 on 0..2 (0.4 -> step 0.5): the top of the plot, TOP = 44.
        let series = l
            .split("<g class=\"series\">")
            .nth(1)
            .and_then(|g| g.split("</g>").next())
            .expect("series");
        assert_eq!(attrs(series, "cx"), vec!["424"]);
        assert_eq!(attrs(series, "cy"), vec!["44"]);
    }

    #[test]
    fn markers_sit_at_their_x_on_linear_and_log_axes() {
        let chart = |log_x: bool, points: Vec<(f64, f64)>, x: f64| {
            line_chart(&LineChart {
                title: "t".into(),
                x_label: "x".into(),
                y_label: "USD".into(),
                log_x,
                series: vec![Series {
                    name: "s".into(),
                    points,
                }],
                markers: vec![Marker {
                    x,
                    label: "here".into(),
                }],
            })
        };
        let marker_x = |svg: &str| -> f64 {
            let g = svg.split("<g class=\"marker\">").nth(1).expect("marker");
            attrs(g, "x1")[0].parse().expect("number")
        };
        // Linear 0..100 (ticks 0, 20, .., 100) over 72..776 (704 px): 25 -> 72 + 176 = 248.
        let l = chart(false, vec![(0.0, 1.0), (100.0, 2.0)], 25.0);
        assert!(close(marker_x(&l), 248.0), "{l}");
        // Log 1..1000 (3 decades over 704 px): 10 is one decade in -> 72 + 704 / 3 = 306.67.
        let g = chart(true, vec![(1.0, 1.0), (1000.0, 2.0)], 10.0);
        assert!(close(marker_x(&g), 306.67), "{g}");
        // A marker on a log axis at x <= 0 cannot be placed: dropped, not drawn at -inf.
        let z = chart(true, vec![(1.0, 1.0), (1000.0, 2.0)], 0.0);
        assert!(!z.contains("class=\"marker\""));
    }

    #[test]
    fn seventeen_series_get_distinct_styles_and_a_legend_row_each_few() {
        let series: Vec<Series> = (0..17)
            .map(|i| Series {
                name: format!("option-with-a-rather-long-name-{i}"),
                points: vec![(1.0, i as f64), (2.0, i as f64 + 1.0)],
            })
            .collect();
        let l = line_chart(&LineChart {
            title: "t".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            log_x: false,
            series,
            markers: vec![],
        });
        let styles: std::collections::BTreeSet<(&str, &str)> =
            (0..17).map(|i| (colour(i), dash(i))).collect();
        assert_eq!(styles.len(), 17);
        assert_eq!(l.matches("<polyline").count(), 17);
        // Names clip to 28 characters (27 + ellipsis).
        assert!(l.contains("option-with-a-rather-long-n…"), "{l}");
        assert_eq!(l.matches("stroke-dasharray=\"6 3\"").count(), 2 * 7);
    }

    #[test]
    fn output_is_deterministic() {
        let c = || LineChart {
            title: "t".into(),
            x_label: "x".into(),
            y_label: "USD".into(),
            log_x: true,
            series: vec![Series {
                name: "s".into(),
                points: vec![(0.3, 1.0 / 3.0), (7.0, 2.0)],
            }],
            markers: vec![],
        };
        assert_eq!(line_chart(&c()), line_chart(&c()));
        assert!(!line_chart(&c()).contains("0.3333333"));
    }
}
