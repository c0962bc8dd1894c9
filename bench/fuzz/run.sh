#!/usr/bin/env bash
# Builds the parsers' libFuzzer targets with clang in build-fuzz/ and runs each one for RUNS
# inputs (default 100000), starting from the seeds here and the demo's scripts.
#   bench/fuzz/run.sh                   # all three targets
#   RUNS=1000000 bench/fuzz/run.sh plan # one target, longer
# Environment: BUILD_DIR (default build-fuzz), RUNS, JOBS (default 1), CXX (default clang++).
# A crash, sanitizer report or broken promise (fuzzcheck.h) leaves the input in
# BUILD_DIR/fuzz/artifacts/ and makes the script exit 1.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
build=${BUILD_DIR:-build-fuzz}
runs=${RUNS:-100000}
jobs=${JOBS:-1}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(plan scriptfile connectionurl)

cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="${CXX:-clang++}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCOCKPIT_BUILD_TESTS=OFF -DCOCKPIT_BUILD_BENCH=ON -DCOCKPIT_BUILD_FUZZ=ON >/dev/null
cmake --build "$build" -j"$jobs" --target "${targets[@]/#/fuzz_}"

work="$build/fuzz"
mkdir -p "$work/artifacts"
# Script seeds: the demo's scripts behind a first byte that picks the target engine
# ('@' PostgreSQL, 'A' MySQL, 'B' SQLite; see fuzz_scriptfile.cpp).
mkdir -p "$work/seeds-scriptfile"
for f in resources/demo-scripts/*.sql; do
  for prefix in @ A B; do
    { printf '%s' "$prefix"; cat "$f"; } >"$work/seeds-scriptfile/$prefix-$(basename "$f")"
  done
done

summary=()
failed=0
for t in "${targets[@]}"; do
  case $t in
    plan) seeds=bench/fuzz/seeds/plan; dict=(-dict=bench/fuzz/plan.dict) ;;
    scriptfile) seeds=$work/seeds-scriptfile; dict=(-dict=bench/fuzz/script.dict) ;;
    connectionurl) seeds=bench/fuzz/seeds/connectionurl; dict=() ;;
    *) echo "unknown target $t" >&2; exit 2 ;;
  esac
  corpus="$work/corpus/$t" # new inputs land here, the seeds stay as they are
  mkdir -p "$corpus"
  log="$work/$t.log"
  before=$(ls "$work/artifacts" | wc -l)
  start=$(date +%s.%N)
  status=0
  "$build/bench/fuzz/fuzz_$t" -runs="$runs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 "${dict[@]}" \
      -artifact_prefix="$work/artifacts/$t-" -print_final_stats=1 "$corpus" "$seeds" >"$log" 2>&1 || status=$?
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  done_line=$(grep -E '^Done [0-9]+ runs' "$log" || true)
  inputs=$(echo "$done_line" | awk '{print $2}')
  crashes=$(( $(ls "$work/artifacts" | wc -l) - before ))
  [ "$status" -eq 0 ] || failed=1
  summary+=("$(printf '%-14s inputs %-8s time %6.1f s  crashes %d  (exit %d, log %s)' \
                "$t" "${inputs:-?}" "$seconds" "$crashes" "$status" "$log")")
  [ "$status" -eq 0 ] || tail -40 "$log" >&2
done
printf '%s\n' "${summary[@]}"
exit $failed
