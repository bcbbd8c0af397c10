//! Scales and their furniture: 1-2-5 and decade ticks, tick and value labels, the value-to-pixel
//! mapping, grid lines and axis labels.

use super::{esc, n, trim};
use std::fmt::Write;

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
pub(super) fn nice_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, f64) {
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
pub(super) fn log_ticks(lo: f64, hi: f64, px: f64, dense_px: f64) -> (f64, f64, Vec<f64>) {
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
pub(super) fn fmt_tick(v: f64, step: f64, money: bool) -> String {
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
pub(super) fn fmt_value(v: f64, money: bool) -> String {
    if money {
        format!("${v:.2}")
    } else {
        trim(format!("{v:.3}"))
    }
}

/// A value for a label above a bar: `$2.57`, `$137`, `$1.2k`.
pub(super) fn fmt_short(v: f64, money: bool) -> String {
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
pub(super) struct Axis {
    lo: f64,
    hi: f64,
    log: bool,
    p0: f64,
    p1: f64,
}

impl Axis {
    pub(super) fn px(&self, v: f64) -> f64 {
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
pub(super) fn x_axis(values: &[f64], log: bool, p0: f64, p1: f64) -> (Axis, Vec<(f64, f64)>) {
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
pub(super) fn y_axis(values: &[f64], p_bottom: f64, p_top: f64) -> (Axis, Vec<f64>, f64) {
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

/// Horizontal grid lines and y tick labels.
pub(super) fn y_grid(
    out: &mut String,
    y: &Axis,
    ticks: &[f64],
    step: f64,
    money: bool,
    x0: f64,
    x1: f64,
) {
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
pub(super) fn x_grid(out: &mut String, x: &Axis, ticks: &[(f64, f64)], y0: f64, y1: f64) {
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
pub(super) fn y_label(out: &mut String, label: &str, mid: f64) {
    let _ = write!(
        out,
        "<text x=\"16\" y=\"{m}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {m})\">{}</text>",
        esc(label),
        m = n(mid),
    );
}

#[cfg(test)]
mod tests {
    use super::super::test_util::close;
    use super::*;

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
}
