//! Batched standard-normal generator (symmetric 256-layer ziggurat) for the lognormal hot loop.
//!
//! Marsaglia & Tsang (2000) ziggurat in Doornik's (2005, "ZIGNOR") symmetric form, with
//! `R = 3.6541528853610088` and layer area `V = 0.00492867323399`. Tables (built once):
//! `X[0] = V / f(R)`, `X[1] = R`, `X[i+1] = sqrt(−2 ln(V / X[i] + f(X[i])))`, `X[256] = 0`,
//! with `f(x) = exp(−x²/2)`.
//!
//! Batching: for a block of up to 256 values the generator first draws all the 64-bit words in a
//! tight loop (the RNG state stays in registers), then applies the branch-free fast path to every
//! word (`layer = bits & 0xff`, `u = 2·U(bits >> 12) − 1 ∈ [−1, 1)`, accept when
//! `|u| < X[layer+1] / X[layer]`, i.e. ≈ 98.8 % of draws), and finally redoes the rejected slots with
//! the exact scalar algorithm (wedge test, or Marsaglia's tail method beyond `R` for layer 0), which
//! draws further words from an auxiliary stream. The output is a deterministic function of the two
//! streams and independent of how the values are split into batches.

use std::sync::LazyLock;

use rand::Rng;

const LAYERS: usize = 256;
const R: f64 = 3.654_152_885_361_009;
const V: f64 = 0.004_928_673_233_99;

/// Batch length used by [`fill_standard_normal`].
pub const NORMAL_BATCH: usize = 256;

struct Tables {
    /// Layer widths `X[0..=256]`.
    x: [f64; LAYERS + 1],
    /// `X[i+1] / X[i]` (fast-path acceptance ratio).
    ratio: [f64; LAYERS],
    /// `f(X[i])`.
    f: [f64; LAYERS + 1],
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let pdf = |x: f64| (-0.5 * x * x).exp();
    let mut x = [0.0; LAYERS + 1];
    x[0] = V / pdf(R);
    x[1] = R;
    for i in 1..LAYERS - 1 {
        x[i + 1] = (-2.0 * (V / x[i] + pdf(x[i])).ln()).sqrt();
    }
    x[LAYERS] = 0.0;
    let mut ratio = [0.0; LAYERS];
    for i in 0..LAYERS {
        ratio[i] = x[i + 1] / x[i];
    }
    let mut f = [0.0; LAYERS + 1];
    for i in 0..=LAYERS {
        f[i] = pdf(x[i]);
    }
    Tables { x, ratio, f }
});

/// Uniform in [0, 1) from the top 53 bits.
#[inline]
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Uniform in (0, 1] (safe for `ln`).
#[inline]
fn unit_open0(bits: u64) -> f64 {
    ((bits >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Layer index and `u ∈ [−1, 1)` from one word (low 8 bits / top 52 bits).
#[inline(always)]
fn split(bits: u64) -> (usize, f64) {
    let layer = (bits & 0xff) as usize;
    let u = f64::from_bits((bits >> 12) | 0x4000_0000_0000_0000) - 3.0;
    (layer, u)
}

/// Exact scalar ziggurat starting from an already drawn (rejected by the fast path) word.
#[cold]
fn slow<Rn: Rng + ?Sized>(t: &Tables, rng: &mut Rn, mut bits: u64) -> f64 {
    // `rng` is the auxiliary stream: every word drawn here comes from it.
    loop {
        let (i, u) = split(bits);
        let x = u * t.x[i];
        if u.abs() < t.ratio[i] {
            return x;
        }
        if i == 0 {
            // Tail beyond R (Marsaglia 1964).
            loop {
                let xt = -unit_open0(rng.next_u64()).ln() / R;
                let y = -unit_open0(rng.next_u64()).ln();
                if 2.0 * y > xt * xt {
                    return if u < 0.0 { -(R + xt) } else { R + xt };
                }
            }
        }
        // Wedge: y uniform between f(X[i]) and f(X[i+1]).
        let y = t.f[i] + unit(rng.next_u64()) * (t.f[i + 1] - t.f[i]);
        if y < (-0.5 * x * x).exp() {
            return x;
        }
        bits = rng.next_u64();
    }
}

/// Fills `out` with independent standard-normal draws (any length; processed in batches of
/// [`NORMAL_BATCH`]). No allocation.
///
/// `rng` supplies exactly one word per value, in order; the rare rejected slots are redone with
/// words from `aux`, also in slot order. Value `k` therefore depends only on the two streams and
/// `k`, not on how `out` is split into calls (so a shorter run is a prefix of a longer one).
#[inline]
pub fn fill_standard_normal<R1: Rng + ?Sized, R2: Rng + ?Sized>(
    rng: &mut R1,
    aux: &mut R2,
    out: &mut [f64],
) {
    let t: &Tables = &TABLES;
    let mut words = [0u64; NORMAL_BATCH];
    let mut rejected = [0u16; NORMAL_BATCH];
    for part in out.chunks_mut(NORMAL_BATCH) {
        let words = &mut words[..part.len()];
        for w in words.iter_mut() {
            *w = rng.next_u64();
        }
        let mut n_rej = 0usize;
        for (j, (o, &w)) in part.iter_mut().zip(words.iter()).enumerate() {
            let (i, u) = split(w);
            *o = u * t.x[i];
            rejected[n_rej] = j as u16;
            n_rej += usize::from(u.abs() >= t.ratio[i]);
        }
        for &j in &rejected[..n_rej] {
            let j = usize::from(j);
            part[j] = slow(t, aux, words[j]);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::latency::dist::standard_normal_quantile;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    fn phi(x: f64) -> f64 {
        0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
    }

    #[test]
    fn tables_are_consistent() {
        let t: &Tables = &TABLES;
        for i in 1..LAYERS {
            assert!(t.x[i + 1] < t.x[i], "layer {i}");
            // Equal areas: X[i] · (f(X[i+1]) − f(X[i])) = V (last layer closes at f(0) = 1).
            let area = t.x[i] * (t.f[i + 1] - t.f[i]);
            assert!((area / V - 1.0).abs() < 1e-6, "layer {i}: area {area}");
        }
    }

    #[test]
    fn batched_ziggurat_is_standard_normal() {
        let n = 2_000_000usize;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(12345);
        let mut aux = Xoshiro256PlusPlus::seed_from_u64(54321);
        let mut v = vec![0.0; n];
        // Odd lengths exercise partial batches.
        for part in v.chunks_mut(1000) {
            fill_standard_normal(&mut rng, &mut aux, part);
        }
        let nf = n as f64;
        let mean = v.iter().sum::<f64>() / nf;
        let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (nf - 1.0);
        assert!(mean.abs() < 5.0 / nf.sqrt(), "mean {mean}");
        assert!((var - 1.0).abs() < 5.0 * (2.0 / nf).sqrt(), "var {var}");
        // Tail beyond R = 3.654 (layer-0 tail path): expected 2·(1 − Φ(R))·n ≈ 516.
        let expect = 2.0 * (1.0 - phi(R)) * nf;
        let tail = v.iter().filter(|x| x.abs() > R).count() as f64;
        assert!(
            (tail - expect).abs() < 5.0 * expect.sqrt(),
            "tail {tail} vs {expect}"
        );
        v.sort_by(f64::total_cmp);
        // Kolmogorov–Smirnov: D < 1.63/√n (1 % level).
        let d = v
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                let c = phi(x);
                (c - i as f64 / nf)
                    .abs()
                    .max(((i + 1) as f64 / nf - c).abs())
            })
            .fold(0.0, f64::max);
        assert!(d < 1.63 / nf.sqrt(), "KS D = {d}");
        for q in [0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999] {
            let z = standard_normal_quantile(q).unwrap();
            let got = v[(q * nf) as usize];
            let pdf = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
            let se = (q * (1.0 - q) / nf).sqrt() / pdf;
            assert!((got - z).abs() < 5.0 * se, "q{q}: {got} vs {z}");
        }
    }
}
