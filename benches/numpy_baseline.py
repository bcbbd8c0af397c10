#!/usr/bin/env python3
"""NumPy baseline for the ewsim latency engine: the same six-hop lognormal model, vectorised.

How to run:
    pip install numpy                      # PyPI; any NumPy >= 1.17 (uses numpy.random.Generator)
    python3 benches/numpy_baseline.py [samples] [seed] [reps]   # default 20,000,000, 42, best of 3
or `benches/compare.sh`, which runs this right after the Rust example and prints the ratio.

Model (identical to crates/ewsim/examples/six_hop_throughput.rs and benches/latency.rs), in us:
    latency = sum over 6 hops of  shift + exp(mu + sigma * Z),  Z ~ N(0, 1)
Method: per batch of 2^20 requests, draw a (6, batch) standard-normal matrix with the default
Generator (PCG64, ziggurat normals), exponentiate, add the shifts, sum over hops; then sort all
samples (np.sort) and take nearest-rank percentiles. Timing covers sampling + sorting, which is
what the Rust engine's figure covers (sampling + histogram + percentiles). Single process; NumPy's
sampling and sorting are single-threaded.

Output: `key=value` lines: numpy_req_per_s, numpy_p50_ms, numpy_p99_ms, numpy_p999_ms.
"""
import math
import sys
import time

import numpy as np

HOPS = np.array([
    # shift,  mu,     sigma
    (50.0, 5.0106, 0.7456),   # same-AZ RTT
    (0.0, 2.7081, 0.4216),    # kube-proxy IPVS
    (0.0, 6.1738, 0.29),      # Envoy sidecar
    (450.0, 6.2146, 0.5850),  # cross-AZ RTT
    (0.0, 6.1738, 0.29),      # Envoy sidecar
    (0.0, 4.6052, 0.6918),    # CoreDNS processing
])


def simulate(samples: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shift = HOPS[:, 0:1]
    mu = HOPS[:, 1:2]
    sigma = HOPS[:, 2:3]
    shift_total = float(shift.sum())
    out = np.empty(samples)
    batch = 1 << 20
    for start in range(0, samples, batch):
        n = min(batch, samples - start)
        z = rng.standard_normal((len(HOPS), n))
        z *= sigma
        z += mu
        np.exp(z, out=z)
        out[start:start + n] = z.sum(axis=0) + shift_total
    return out


def nearest_rank(sorted_values: np.ndarray, q: float) -> float:
    n = len(sorted_values)
    rank = min(max(math.ceil(q * n), 1), n)
    return float(sorted_values[rank - 1])


def main() -> None:
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 42
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    simulate(min(samples, 1_000_000), seed + 1)  # warm-up
    dt = math.inf
    for _ in range(reps):  # best of `reps` (the machine may be shared), like the Rust example
        t0 = time.perf_counter()
        v = simulate(samples, seed)
        v.sort()
        dt = min(dt, time.perf_counter() - t0)
    print(f"numpy_version={np.__version__}")
    print(f"numpy_samples={samples}")
    print(f"numpy_req_per_s={samples / dt:.0f}")
    print(f"numpy_p50_ms={nearest_rank(v, 0.5) / 1000:.4f}")
    print(f"numpy_p99_ms={nearest_rank(v, 0.99) / 1000:.4f}")
    print(f"numpy_p999_ms={nearest_rank(v, 0.999) / 1000:.4f}")


if __name__ == "__main__":
    main()
