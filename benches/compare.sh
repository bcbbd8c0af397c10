#!/usr/bin/env bash
# Rust engine vs NumPy on the same six-hop lognormal model, back to back, and the whole `ewsim run`
# command on the same six hops as a scenario file (benches/six-hop.yaml).
#
# Usage: benches/compare.sh [samples] [seed] [reps]   (default 20,000,000 samples, seed 42, best of 3)
# Needs: cargo, python3 with numpy (`pip install numpy`).
# Builds crates/ewsim/examples/six_hop_throughput.rs and the `ewsim` binary in release mode, runs
# the example (general engine on all cores + hand-written loops), benches/numpy_baseline.py, and
# `ewsim run benches/six-hop.yaml --samples N` (best of reps), and prints requests/s of each, p50/p99
# and the ratios: engine/numpy per simulated request (target >= 6x) and engine/end-to-end (target
# <= 3x). The percentiles must agree within Monte Carlo error (the engine also reports its p99
# interval; the scenario's server hop has no 450 us floor, so its p50 is lower).
set -euo pipefail
cd "$(dirname "$0")/.."
SAMPLES="${1:-20000000}"
SEED="${2:-42}"
REPS="${3:-3}"
cargo build --release -q -p ewsim --example six_hop_throughput
cargo build --release -q -p ewsim-cli
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
RUST_OUT="$(./target/release/examples/six_hop_throughput "$SAMPLES" "$SEED" "$REPS")"
PY_OUT="$(python3 benches/numpy_baseline.py "$SAMPLES" "$SEED" "$REPS")"
BEST=""
for _ in $(seq "$REPS"); do
  START=$(date +%s.%N)
  CSV="$(./target/release/ewsim run benches/six-hop.yaml --samples "$SAMPLES" --seed "$SEED" --format csv)"
  END=$(date +%s.%N)
  T=$(python3 -c "print($END - $START)")
  if [ -z "$BEST" ] || python3 -c "import sys; sys.exit(0 if $T < $BEST else 1)"; then BEST="$T"; fi
done
E2E_P50=$(echo "$CSV" | python3 -c "import csv,sys; r=list(csv.DictReader(sys.stdin))[0]; print(r['p50_ms'])")
E2E_P99=$(echo "$CSV" | python3 -c "import csv,sys; r=list(csv.DictReader(sys.stdin))[0]; print(r['p99_ms'])")
echo "$RUST_OUT"
echo "$PY_OUT"
echo "e2e_seconds=$BEST"
get() { printf '%s\n%s\n' "$RUST_OUT" "$PY_OUT" | sed -n "s/^$1=//p"; }
python3 - "$(get engine_req_per_s)" "$(get hand_loop_req_per_s)" "$(get numpy_req_per_s)" \
  "$(get engine_p50_ms)" "$(get numpy_p50_ms)" "$(get engine_p99_ms)" "$(get numpy_p99_ms)" \
  "$SAMPLES" "$BEST" "$E2E_P50" "$E2E_P99" <<'PY'
import sys
eng, hand, npy, e50, n50, e99, n99, samples, e2e_s, x50, x99 = map(float, sys.argv[1:])
e2e = samples / e2e_s
print(f"engine      {eng/1e6:8.2f} M req/s")
print(f"hand loop   {hand/1e6:8.2f} M req/s (engine/hand = {eng/hand:.2f})")
print(f"numpy       {npy/1e6:8.2f} M req/s")
print(f"ewsim run   {e2e/1e6:8.2f} M req/s (whole command on benches/six-hop.yaml, {e2e_s:.2f} s)")
print(f"ratio engine/numpy per simulated request: {eng/npy:.1f}x (target >= 6x)")
print(f"ratio engine/end-to-end: {eng/e2e:.2f}x (target <= 3x)")
print(f"p50 engine {e50:.4f} ms vs numpy {n50:.4f} ms ({(e50/n50-1)*100:+.2f} %); ewsim run {x50:.4f} ms")
print(f"p99 engine {e99:.4f} ms vs numpy {n99:.4f} ms ({(e99/n99-1)*100:+.2f} %); ewsim run {x99:.4f} ms")
PY
