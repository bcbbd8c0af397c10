#!/usr/bin/env bash
# Rust engine vs NumPy on the same six-hop lognormal model, back to back.
#
# Usage: benches/compare.sh [samples] [seed] [reps]   (default 20,000,000 samples, seed 42, best of 3)
# Needs: cargo, python3 with numpy (`pip install numpy`).
# Builds crates/ewsim/examples/six_hop_throughput.rs in release mode, runs it (general engine on all
# cores + hand-written loops), runs benches/numpy_baseline.py, and prints requests/s, p50/p99 of
# both and the speed ratio per simulated request (target >= 6x). The percentiles must agree within
# Monte Carlo error (the two use different RNGs; the engine also reports its p99 interval).
set -euo pipefail
cd "$(dirname "$0")/.."
SAMPLES="${1:-20000000}"
SEED="${2:-42}"
cargo build --release -q -p ewsim --example six_hop_throughput
REPS="${3:-3}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
RUST_OUT="$(./target/release/examples/six_hop_throughput "$SAMPLES" "$SEED" "$REPS")"
PY_OUT="$(python3 benches/numpy_baseline.py "$SAMPLES" "$SEED" "$REPS")"
echo "$RUST_OUT"
echo "$PY_OUT"
get() { printf '%s\n%s\n' "$RUST_OUT" "$PY_OUT" | sed -n "s/^$1=//p"; }
python3 - "$(get engine_req_per_s)" "$(get hand_loop_req_per_s)" "$(get numpy_req_per_s)" \
  "$(get engine_p50_ms)" "$(get numpy_p50_ms)" "$(get engine_p99_ms)" "$(get numpy_p99_ms)" <<'PY'
import sys
eng, hand, npy, e50, n50, e99, n99 = map(float, sys.argv[1:])
print(f"engine      {eng/1e6:8.2f} M req/s")
print(f"hand loop   {hand/1e6:8.2f} M req/s (engine/hand = {eng/hand:.2f})")
print(f"numpy       {npy/1e6:8.2f} M req/s")
print(f"ratio engine/numpy per simulated request: {eng/npy:.1f}x (target >= 6x)")
print(f"p50 engine {e50:.4f} ms vs numpy {n50:.4f} ms ({(e50/n50-1)*100:+.2f} %)")
print(f"p99 engine {e99:.4f} ms vs numpy {n99:.4f} ms ({(e99/n99-1)*100:+.2f} %)")
PY
