#!/usr/bin/env bash
# Copies the data the library embeds (price tables, the latency catalogue, the capability tables)
# from the top-level folders, where they are edited, into crates/ewsim/, where `include_str!`
# reads them, so that the published crate and a checkout without symlinks (Windows) both build.
# `cargo test` (tests/packaging.rs) fails while the copies differ; run this script then.
set -euo pipefail
cd "$(dirname "$0")/.."
for d in pricing latency capabilities; do
  rm -rf "crates/ewsim/$d"
  mkdir -p "crates/ewsim/$d"
  (cd "$d" && find . -type f -name '*.yaml' -print0 | while IFS= read -r -d '' f; do
    mkdir -p "../crates/ewsim/$d/$(dirname "$f")"
    cp "$f" "../crates/ewsim/$d/$f"
  done)
done
echo "crates/ewsim/{pricing,latency,capabilities} now copy the top-level folders"
