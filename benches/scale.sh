#!/usr/bin/env bash
# Scale benchmark of the whole `ewsim` command: generated clusters (benches/scale_gen.rs, fixed
# seed, 3 zones, the 17 options of scenarios/eks-10tb.yaml) of 100 services / 100 edges,
# 1,000 / 1,000 and 1,000 / 10,000, each cost only (--no-latency) and with latency at the default
# 200,000 requests per option, then scenarios/eks-10tb.yaml and its 100-step traffic sweep with
# latency. Prints wall time and peak memory (GNU time's maximum resident set size) per command.
#
# Usage: benches/scale.sh [BASELINE_EWSIM]
#   BASELINE_EWSIM: another build of `ewsim` (e.g. the previous release) to run on the same
#   inputs in the same run; each row then shows its time and the ratio. Baseline commands are
#   cut off after $TIMEOUT seconds (default 120) and shown as ">TIMEOUT".
# Needs: cargo, GNU time at /usr/bin/time (Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
BASE="${1:-}"
TIMEOUT="${TIMEOUT:-120}"
[ -x /usr/bin/time ] || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }
cargo build --release -q -p ewsim-cli -p ewsim --example scale_scenario
EWSIM=target/release/ewsim
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
for size in "100 100" "1000 1000" "1000 10000"; do
  set -- $size
  target/release/examples/scale_scenario "$1" "$2" 1 > "$DIR/s$1_$2.yaml"
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %10s %10s' "command" "wall s" "peak MB"
[ -n "$BASE" ] && printf ' %12s %8s' "baseline s" "ratio"
echo
measure() { # BIN ARGS... -> "seconds megabytes" (or ">TIMEOUT -" past the timeout)
  local bin="$1"; shift
  if /usr/bin/time -o "$DIR/time" -f '%e %M' timeout "$TIMEOUT" "$bin" "$@" >/dev/null 2>&1; then
    awk '{printf "%s %.0f\n", $1, $2/1024}' "$DIR/time"
  else
    echo ">$TIMEOUT -"
  fi
}
row() { # LABEL ARGS...
  local label="$1"; shift
  read -r t m < <(measure "$EWSIM" "$@")
  printf '%-44s %10s %10s' "$label" "$t" "$m"
  if [ -n "$BASE" ]; then
    read -r bt _ < <(measure "$BASE" "$@")
    local ratio="-"
    case "$bt" in '>'*) ratio=">$(awk -v b="$TIMEOUT" -v t="$t" 'BEGIN {printf "%.0f", b / t}')x" ;;
      *) ratio="$(awk -v b="$bt" -v t="$t" 'BEGIN {printf "%.1fx", b / t}')" ;; esac
    printf ' %12s %8s' "$bt" "$ratio"
  fi
  echo
}
for size in "100 100" "1000 1000" "1000 10000"; do
  set -- $size
  f="$DIR/s$1_$2.yaml"
  row "$1 services, $2 edges, cost only" run "$f" --no-latency
  row "$1 services, $2 edges, latency" run "$f"
done
row "eks-10tb, latency (200,000 per option)" run scenarios/eks-10tb.yaml
row "eks-10tb sweep 100 steps, latency" sweep scenarios/eks-10tb.yaml --set traffic=1TB..100TB --steps 100
row "eks-10tb sweep 100 steps, cost only" sweep scenarios/eks-10tb.yaml --set traffic=1TB..100TB --steps 100 --no-latency
row "online-boutique (call graph), latency" run scenarios/online-boutique.yaml
