//! Seeding of the latency engine's random streams (and of the range draws in
//! [`crate::uncertainty`]): pure functions from `(seed, chunk, key)` to a stream's state, so that
//! no result depends on threads, on scheduling or on which other streams exist.
//!
//! # Scheme
//! Every *random stream* of a chunk of requests is seeded with
//! `Xoshiro256PlusPlus::seed_from_u64(mix(seed, chunk, stream_key))` (plus an auxiliary generator
//! seeded with `sm(mix(..))` for the rare ziggurat rejections, see [`super::normal`]) where
//!
//! ```text
//! sm(x)  = SplitMix64 finaliser of (x + 0x9E3779B97F4A7C15)
//! mix(seed, chunk, key) = sm(sm(sm(seed) ^ chunk) ^ key)
//! ```
//!
//! Stream keys are 64-bit FNV-1a hashes of labels ([`fnv1a64`]): the engine keys a hop's stream
//! by `label "#" occurrence` (see [`super::engine`]), a range draw by the input's path.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// SplitMix64 step: add the golden gamma, then the finaliser.
#[inline]
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Seed of one random stream: `sm(sm(sm(seed) ^ chunk) ^ key)`.
#[inline]
pub fn stream_seed(seed: u64, chunk: u64, key: u64) -> u64 {
    splitmix64(splitmix64(splitmix64(seed) ^ chunk) ^ key)
}

/// The random state of one stream in one chunk: the main generator (one word per value for
/// lognormal hops) and an auxiliary one (batched-ziggurat rejections), both Xoshiro256++.
#[derive(Debug, Clone)]
pub(super) struct StreamRng {
    pub(super) main: Xoshiro256PlusPlus,
    pub(super) aux: Xoshiro256PlusPlus,
}

impl StreamRng {
    /// `main = seed_from_u64(s)`, `aux = seed_from_u64(splitmix64(s))`.
    pub(super) fn new(s: u64) -> Self {
        Self {
            main: Xoshiro256PlusPlus::seed_from_u64(s),
            aux: Xoshiro256PlusPlus::seed_from_u64(splitmix64(s)),
        }
    }
}

/// 64-bit FNV-1a hash (stream keys from hop labels).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}
