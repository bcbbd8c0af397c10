#!/usr/bin/env bash
# Writes the output of every command over the shipped scenarios into OUTDIR (one file per command
# line, stdout then stderr, then the exit code), so that two builds can be compared with `diff -r`.
#
# Usage: scripts/snapshot-outputs.sh OUTDIR [EWSIM_BINARY] [--no-latency-only]
# Refactors must leave the snapshot byte-identical; deliberate changes are listed in the closing
# note. Latency figures move within their Monte Carlo interval when the sampler changes: pass
# `--no-latency-only` to compare only the cost side then.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${1:?usage: scripts/snapshot-outputs.sh OUTDIR [EWSIM_BINARY] [--no-latency-only]}"
BIN="${2:-target/release/ewsim}"
ONLY_COST="${3:-}"
mkdir -p "$OUT"
n=0
snap() {
  n=$((n + 1))
  local name
  name="$(printf '%03d' "$n")-$(echo "$*" | tr -c 'A-Za-z0-9._-' '_' | cut -c1-120)"
  {
    "$BIN" "$@" 2>"$OUT/.stderr"
    echo "exit=$?"
    echo "--- stderr"
    cat "$OUT/.stderr"
  } >"$OUT/$name"
}
for f in scenarios/*.yaml; do
  for fmt in table csv json markdown html; do
    snap run "$f" --no-latency --format "$fmt"
    snap run "$f" --no-latency --format "$fmt" --detail
  done
  snap explain "$f"
  snap validate "$f"
  if [ "$ONLY_COST" != "--no-latency-only" ]; then
    for fmt in table csv json markdown; do
      snap run "$f" --samples 20000 --format "$fmt"
    done
  fi
done
for fmt in table csv json markdown html; do
  snap sweep scenarios/eks-10tb.yaml --set traffic=1TB..100TB --steps 25 --no-latency --format "$fmt"
  snap recommend scenarios/eks-10tb.yaml --example zero-trust --no-latency --format "$fmt"
  snap calc --traffic 10TB --zones 3 --request-size 16KiB --no-latency --format "$fmt"
done
snap sweep scenarios/eks-10tb.yaml --set 'services[backend].replicas=3..9' --steps 7 --no-latency
snap recommend scenarios/eks-10tb.yaml --list
snap calc --traffic 10TB --zones 3 --print-scenario
snap schema
if [ "$ONLY_COST" != "--no-latency-only" ]; then
  snap sweep scenarios/eks-10tb.yaml --set traffic=1TB..100TB --steps 10 --samples 10000
  snap run scenarios/uncertain-traffic.yaml --draws 50 --samples 10000 --format csv
fi
mkdir -p target/.snapshot
"$BIN" run scenarios/eks-10tb.yaml --no-latency --format json --out target/.snapshot/old.json >/dev/null 2>&1
"$BIN" run scenarios/guide-10tb.yaml --no-latency --format json --out target/.snapshot/new.json >/dev/null 2>&1
for fmt in table csv json markdown html; do
  snap diff target/.snapshot/old.json target/.snapshot/new.json --format "$fmt"
done
rm -f "$OUT/.stderr"
echo "$n snapshots in $OUT"
