#!/usr/bin/env bash
# Long seeded mutation fuzzing of parse -> validate -> evaluate -> latency (tests/fuzz_smoke.rs,
# the ignored `fuzz_long` test). A seed and a mutant number reproduce a case exactly; a failure is
# minimised and written under target/ (the path is printed) to be added to tests/fuzz-corpus/.
#
# Usage: scripts/fuzz.sh [SEED] [SECONDS]     (defaults: seed 1, 600 s)
# Run several seeds side by side to use more cores: scripts/fuzz.sh 1 3600 & scripts/fuzz.sh 2 3600
set -euo pipefail
cd "$(dirname "$0")/.."
SEED="${1:-1}"
SECONDS_BUDGET="${2:-600}"
# Release: the debug build runs the latency simulation several times slower.
EWSIM_FUZZ_SEED="$SEED" EWSIM_FUZZ_SECONDS="$SECONDS_BUDGET" \
  cargo test --release -p ewsim-cli --test fuzz_smoke -- --ignored --nocapture fuzz_long
