//! Small, dependency-free SVG charts over plain data: a line chart (sweeps), stacked bars (monthly
//! cost by category per option) and a dot chart of percentiles per row (latency per option).
//!
//! Every builder returns one self-contained `<svg>` element: all text escaped, numbers printed with
//! a fixed number of decimals (the same data always gives the same bytes), `role="img"`, an
//! `aria-label` and a `<title>` for screen readers, and a legend. Colours come from one fixed
//! palette by position (category or series index), so a category keeps its colour across charts
//! that list the same categories in the same order. Non-finite values are skipped (on a log axis,
//! so are values <= 0). A y label containing `USD` or `$` prints ticks as money (`$1.2k`).

use std::fmt::Write;

/// Tableau 10: distinct hues, readable on white and in greyscale print.
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];
/// Series beyond the palette's length reuse its colours with these dash patterns (11th to 20th
/// dashed, 21st to 30th dotted, ...), so 17 series stay distinguishable.
const DASHES: [&str; 4] = ["", "6 3", "2 3", "8 3 2 3"];
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
/// Height of one row of the dot chart.
const ROW_H: f64 = 22.0;
/// Height of one legend row.
const LEGEND_ROW: f64 = 18.0;
/// Labels longer than this many characters are shortened with an ellipsis (full text in `<title>`).
const MAX_LABEL: usize = 28;
/// Angle of rotated bar labels (degrees).
const LABEL_ANGLE: f64 = 40.0;

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

/// The 1-2-5 step nearest above `raw` (`raw` > 0).
fn nice_step(raw: f64) -> f64 {
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let f = if norm <= 1.0 + 1e-9 {
        1.0
    } else if norm <= 2.0 + 1e-9 {
        2.0
    } else if norm <= 5.0 + 1e-9 {
        5.0
    } else {
        10.0
    };
    f * mag
}

/// Ticks covering `[lo, hi]` with a 1-2-5 step giving about `target` intervals; the first tick is
/// at or below `lo`, the last at or above `hi`. An empty range is widened to one unit.
fn nice_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, f64) {
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
    let step = nice_step((hi - lo) / target.max(1) as f64);
    // The tolerance absorbs rounding (2.9999999 / 1 is on the tick 3, not above 2).
    let first = (lo / step + 1e-9).floor() as i64;
    let last = (hi / step - 1e-9).ceil() as i64;
    let ticks = (first..=last).map(|k| k as f64 * step).collect();
    (ticks, step)
}

/// Decade bounds around `[lo, hi]` (both > 0) and ticks: every decade, plus 2x and 5x when a
/// decade is at least `dense_px` wide on an axis of `px` pixels.
fn log_ticks(lo: f64, hi: f64, px: f64, dense_px: f64) -> (f64, f64, Vec<f64>) {
    // The tolerance keeps 10^4 computed as 10000.000000000002 in the decade ending at 10^4.
    let e_lo = (lo.log10() + 1e-9).floor() as i32;
    let mut e_hi = (hi.log10() - 1e-9).ceil() as i32;
    if e_hi <= e_lo {
        e_hi = e_lo + 1;
    }
    let dense = px / f64::from(e_hi - e_lo) >= dense_px;
    let mut ticks = Vec::new();
    for e in e_lo..=e_hi {
        let d = 10f64.powi(e);
        ticks.push(d);
        if dense && e < e_hi {
            ticks.push(2.0 * d);
            ticks.push(5.0 * d);
        }
    }
    (10f64.powi(e_lo), 10f64.powi(e_hi), ticks)
}

/// A tick label: `k` / `M` / `G` suffixes (money: `$`, `k`, `M`, `B`), with the decimals `step`
/// needs and trailing zeros removed: `$0`, `$500`, `$1.5k`, `0.02`, `1k`.
fn fmt_tick(v: f64, step: f64, money: bool) -> String {
    if v == 0.0 || !v.is_finite() {
        return if money { "$0".into() } else { "0".into() };
    }
    let a = v.abs();
    let (div, suffix) = if a >= 1e9 {
        (1e9, if money { "B" } else { "G" })
    } else if a >= 1e6 {
        (1e6, "M")
    } else if a >= 1e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let s = (step.abs() / div).max(1e-9);
    let decimals = (-s.log10() - 1e-9).ceil().clamp(0.0, 9.0) as usize;
    let body = trim(format!("{:.*}", decimals, a / div));
    let sign = if v < 0.0 { "-" } else { "" };
    format!("{sign}{}{body}{suffix}", if money { "$" } else { "" })
}

/// A value for a tooltip: money to the cent, otherwise 3 decimals.
fn fmt_value(v: f64, money: bool) -> String {
    if money {
        format!("${v:.2}")
    } else {
        trim(format!("{v:.3}"))
    }
}

/// A value for a label above a bar: `$2.57`, `$137`, `$1.2k`.
fn fmt_short(v: f64, money: bool) -> String {
    let step = if v.abs() >= 1e3 {
        10f64.powf(v.abs().log10().floor() - 1.0)
    } else if v.abs() >= 10.0 {
        1.0
    } else {
        0.01
    };
    fmt_tick(v, step, money)
}

/// A mapping from data values to pixels.
struct Axis {
    lo: f64,
    hi: f64,
    log: bool,
    p0: f64,
    p1: f64,
}

impl Axis {
    fn px(&self, v: f64) -> f64 {
        let t = if self.log {
            (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        self.p0 + t * (self.p1 - self.p0)
    }
}

/// An x axis for `values` over pixels `[p0, p1]` with its ticks and their step (0 for log ticks,
/// which are labelled with their own precision).
fn x_axis(values: &[f64], log: bool, p0: f64, p1: f64) -> (Axis, Vec<(f64, f64)>) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if log {
        let (lo, hi) = if values.is_empty() {
            (1.0, 10.0)
        } else {
            (lo, hi)
        };
        let (a, b, ticks) = log_ticks(lo, hi, p1 - p0, 120.0);
        let ticks = ticks.into_iter().map(|t| (t, t)).collect();
        (
            Axis {
                lo: a,
                hi: b,
                log: true,
                p0,
                p1,
            },
            ticks,
        )
    } else {
        let (lo, hi) = if values.is_empty() {
            (0.0, 1.0)
        } else if hi > lo {
            (lo, hi)
        } else {
            let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.5 };
            (lo - pad, hi + pad)
        };
        let (ticks, step) = nice_ticks(lo, hi, 6);
        let axis = Axis {
            lo: ticks.first().copied().unwrap_or(lo),
            hi: ticks.last().copied().unwrap_or(hi),
            log: false,
            p0,
            p1,
        };
        (axis, ticks.into_iter().map(|t| (t, step)).collect())
    }
}

/// A y axis from 0 (or below, for negative data) to above the largest value.
fn y_axis(values: &[f64], p_bottom: f64, p_top: f64) -> (Axis, Vec<f64>, f64) {
    let lo = values.iter().copied().fold(0.0, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    let (ticks, step) = nice_ticks(lo, hi, 5);
    let axis = Axis {
        lo: ticks.first().copied().unwrap_or(0.0),
        hi: ticks.last().copied().unwrap_or(1.0),
        log: false,
        p0: p_bottom,
        p1: p_top,
    };
    (axis, ticks, step)
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

/// What a legend entry shows next to its name.
enum Swatch {
    /// A filled square (bar segments).
    Fill,
    /// A line with a dash pattern and a dot (line series).
    Line(&'static str),
    /// A mark of a shape (dot chart levels).
    Mark(usize),
}

/// Draws a legend of `(name, colour, swatch)` in a grid from `(x0, y0)` within `width`; returns
/// its height.
fn legend(out: &mut String, items: &[(String, &str, Swatch)], x0: f64, y0: f64, width: f64) -> f64 {
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

fn dash_attr(dash: &str) -> String {
    if dash.is_empty() {
        String::new()
    } else {
        format!(" stroke-dasharray=\"{dash}\"")
    }
}

/// A mark of shape `shape % 4` (circle, square, diamond, triangle) centred on `(cx, cy)`.
fn mark(shape: usize, cx: f64, cy: f64, colour: &str) -> String {
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

/// Horizontal grid lines and y tick labels.
fn y_grid(out: &mut String, y: &Axis, ticks: &[f64], step: f64, money: bool, x0: f64, x1: f64) {
    out.push_str("<g class=\"y-axis\" font-size=\"11\">");
    for &t in ticks {
        let py = n(y.px(t));
        let _ = write!(
            out,
            "<line x1=\"{}\" y1=\"{py}\" x2=\"{}\" y2=\"{py}\" stroke=\"{}\"/>\
             <text x=\"{}\" y=\"{py}\" dy=\"4\" text-anchor=\"end\">{}</text>",
            n(x0),
            n(x1),
            if t == 0.0 { "#888" } else { "#e4e4e4" },
            n(x0 - 6.0),
            esc(&fmt_tick(t, step, money)),
        );
    }
    out.push_str("</g>");
}

/// Vertical grid lines and x tick labels below `y1`.
fn x_grid(out: &mut String, x: &Axis, ticks: &[(f64, f64)], y0: f64, y1: f64) {
    out.push_str("<g class=\"x-axis\" font-size=\"11\">");
    for &(t, step) in ticks {
        let px = n(x.px(t));
        let _ = write!(
            out,
            "<line x1=\"{px}\" y1=\"{}\" x2=\"{px}\" y2=\"{}\" stroke=\"#e4e4e4\"/>\
             <text x=\"{px}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            n(y0),
            n(y1),
            n(y1 + 16.0),
            esc(&fmt_tick(t, step, false)),
        );
    }
    out.push_str("</g>");
}

/// A rotated y axis label centred on the plot.
fn y_label(out: &mut String, label: &str, mid: f64) {
    let _ = write!(
        out,
        "<text x=\"16\" y=\"{m}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {m})\">{}</text>",
        esc(label),
        m = n(mid),
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
        if pts.is_empty() {
            continue;
        }
        let col = colour(i);
        let _ = write!(out, "<g class=\"series\"><title>{}</title>", esc(&s.name));
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
                esc(&s.name),
                esc(&fmt_value(y, money)),
                esc(&fmt_value(x, false)),
            );
        }
        out.push_str("</g>");
    }
    for (i, m) in markers.iter().enumerate() {
        let px = xa.px(m.x);
        let label = clip(&m.label, 40);
        let right_side = px + 4.0 + text_w(&label, 11.0) <= x1;
        let _ = write!(
            out,
            "<g class=\"marker\"><line x1=\"{p}\" y1=\"{}\" x2=\"{p}\" y2=\"{}\" stroke=\"#333\" \
             stroke-dasharray=\"5 4\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"{}\">{}\
             <title>{}</title></text></g>",
            n(TOP),
            n(bottom),
            n(if right_side { px + 4.0 } else { px - 4.0 }),
            n(TOP + 12.0 + 14.0 * i as f64),
            if right_side { "start" } else { "end" },
            esc(&label),
            esc(&m.label),
            p = n(px),
        );
    }
    out.push_str(&body);
    out.push_str("</svg>");
    out
}

/// Colour of series or category `i`.
fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// Dash pattern of series `i`: solid for the first palette's worth, then dashed, dotted, ...
fn dash(i: usize) -> &'static str {
    DASHES[(i / PALETTE.len()) % DASHES.len()]
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
    let nb = c.bars.len().max(1);
    let width = WIDTH.max(LEFT + RIGHT + nb as f64 * 24.0);
    let labels: Vec<String> = c.bars.iter().map(|(l, _)| clip(l, MAX_LABEL)).collect();
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
    let (x0, x1, bottom) = (left, width - RIGHT, TOP + PLOT_H);
    let slot = (x1 - x0) / nb as f64;
    let bar_w = (slot * 0.7).max(2.0);
    let label_h = if rotate {
        labels
            .iter()
            .map(|l| text_w(l, 11.0) * sin + 11.0 * cos)
            .fold(0.0, f64::max)
            + 14.0
    } else {
        22.0
    };
    let money = is_money(&c.y_label);
    let (ya, yt, ystep) = y_axis(&totals, bottom, TOP);

    let used: Vec<usize> = (0..c.categories.len())
        .filter(|&k| values.iter().any(|v| v[k] > 0.0))
        .collect();
    let shown: Vec<usize> = if used.is_empty() {
        (0..c.categories.len()).collect()
    } else {
        used
    };
    let items: Vec<(String, &str, Swatch)> = shown
        .iter()
        .map(|&k| (c.categories[k].clone(), colour(k), Swatch::Fill))
        .collect();
    let legend_top = bottom + label_h + 8.0;
    let mut lg = String::new();
    let lh = legend(&mut lg, &items, x0, legend_top, x1 - x0);
    let h = legend_top + lh + 8.0;

    let mut out = String::new();
    open(&mut out, "stacked-bars", &c.title, width, h);
    y_grid(&mut out, &ya, &yt, ystep, money, x0, x1);
    y_label(&mut out, &c.y_label, TOP + PLOT_H / 2.0);
    if c.bars.is_empty() {
        no_data(&mut out, (x0 + x1) / 2.0, TOP + PLOT_H / 2.0);
    }
    for (i, ((name, _), v)) in c.bars.iter().zip(&values).enumerate() {
        let cx = x0 + (i as f64 + 0.5) * slot;
        let bx = cx - bar_w / 2.0;
        let _ = write!(
            out,
            "<g class=\"bar\"><title>{}: {}</title>",
            esc(name),
            esc(&fmt_value(totals[i], money))
        );
        let mut cum = 0.0;
        for (k, &val) in v.iter().enumerate() {
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
                n(bar_w),
                n(y_bot - y_top),
                colour(k),
                esc(name),
                esc(&c.categories[k]),
                esc(&fmt_value(val, money)),
            );
        }
        let total = fmt_short(totals[i], money);
        if text_w(&total, 10.0) <= slot {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
                n(cx),
                n(ya.px(totals[i]) - 4.0),
                esc(&total)
            );
        }
        let ly = bottom + 14.0;
        if rotate {
            let _ = write!(
                out,
                "<text x=\"{x}\" y=\"{y}\" font-size=\"11\" text-anchor=\"end\" \
                 transform=\"rotate(-{a} {x} {y})\">{}</text>",
                esc(&labels[i]),
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
                esc(&labels[i])
            );
        }
        out.push_str("</g>");
    }
    out.push_str(&lg);
    out.push_str("</svg>");
    out
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
        let cy = TOP + ROW_H * (i as f64 + 0.5);
        let shown: Vec<(usize, f64)> = v
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, v)| ok(v))
            .collect();
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
            esc(&labels[i]),
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
            for &(k, val) in &shown {
                out.push_str(&mark(k, xa.px(val), cy, colour(k)));
            }
        }
        out.push_str("</g>");
    }
    out.push_str(&lg);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value of attribute `attr` in `svg`, in order.
    fn attrs(svg: &str, attr: &str) -> Vec<String> {
        let pat = format!(" {attr}=\"");
        svg.match_indices(&pat)
            .map(|(i, _)| {
                let rest = &svg[i + pat.len()..];
                rest[..rest.find('"').expect("closing quote")].to_string()
            })
            .collect()
    }

    /// The `<rect class="seg" ...>` elements' heights, in order.
    fn seg_heights(svg: &str) -> Vec<f64> {
        svg.split("<rect class=\"seg\"")
            .skip(1)
            .map(|s| {
                let h = &attrs(s, "height")[0];
                h.parse().expect("number")
            })
            .collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.006
    }

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
    fn nice_ticks_by_hand() {
        // 0..371: 371 / 5 = 74.2, magnitude 10, 7.42 rounds up to 10 -> step 100, ticks 0..400.
        let (t, step) = nice_ticks(0.0, 371.41, 5);
        assert!(close(step, 100.0));
        assert_eq!(t.len(), 5);
        assert!(
            t.iter()
                .zip([0.0, 100.0, 200.0, 300.0, 400.0])
                .all(|(a, b)| close(*a, b))
        );
        // 0..20480: 4096 -> magnitude 1000, 4.096 up to 5 -> step 5000, ticks 0..25000.
        let (t, step) = nice_ticks(0.0, 20480.0, 5);
        assert!(close(step, 5000.0));
        assert!(close(t[5], 25000.0));
        assert_eq!(t.len(), 6);
        // 0..1.7: 0.34 -> magnitude 0.1, 3.4 up to 5 -> step 0.5, ticks 0, 0.5, 1, 1.5, 2.
        let (t, step) = nice_ticks(0.0, 1.7, 5);
        assert!(close(step, 0.5));
        assert_eq!(t.len(), 5);
        assert!(close(t[4], 2.0));
        // All zeros: widened to 0..1 -> 0.2 -> step 0.2, ticks 0..1.
        let (t, step) = nice_ticks(0.0, 0.0, 5);
        assert!(close(step, 0.2));
        assert!(close(t[0], 0.0) && close(t[5], 1.0));
        // Log: 0.031..10.31 -> decades 0.01..100 (4 decades); 600 px / 4 = 150 px >= 120: dense.
        let (lo, hi, t) = log_ticks(0.031, 10.31, 600.0, 120.0);
        assert!(close(lo, 0.01) && close(hi, 100.0));
        assert_eq!(t.len(), 4 * 3 + 1);
        // Same range on 400 px: 100 px per decade, decades only.
        let (_, _, t) = log_ticks(0.031, 10.31, 400.0, 120.0);
        assert_eq!(t.len(), 5);
        // Bounds on a decade stay there, even when computed with a rounding error.
        let (lo, hi, _) = log_ticks(1.0, 10f64.powf(4.0) * (1.0 + 1e-15), 400.0, 120.0);
        assert!(close(lo, 1.0) && close(hi, 10_000.0), "{lo} {hi}");
    }

    #[test]
    fn tick_labels_read_well() {
        assert_eq!(fmt_tick(0.0, 5000.0, true), "$0");
        assert_eq!(fmt_tick(5000.0, 5000.0, true), "$5k");
        assert_eq!(fmt_tick(1200.0, 200.0, true), "$1.2k");
        assert_eq!(fmt_tick(300.0, 100.0, true), "$300");
        assert_eq!(fmt_tick(1.5, 0.5, true), "$1.5");
        assert_eq!(fmt_tick(2_500_000.0, 500_000.0, true), "$2.5M");
        assert_eq!(fmt_tick(0.30000000000000004, 0.1, false), "0.3");
        assert_eq!(fmt_tick(0.02, 0.02, false), "0.02");
        assert_eq!(fmt_tick(0.01, 0.01, false), "0.01");
        assert_eq!(fmt_tick(1000.0, 1000.0, false), "1k");
        assert_eq!(fmt_tick(-50.0, 10.0, true), "-$50");
        assert_eq!(fmt_short(136.53, true), "$137");
        assert_eq!(fmt_short(2.57, true), "$2.57");
        assert_eq!(fmt_short(1234.0, true), "$1.2k");
    }

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
