#!/usr/bin/env bash
# Builds core and its tests with sanitizers in a build folder of their own and runs the core
# tests there: `asan` is AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/), `tsan`
# ThreadSanitizer (build-tsan/). Any report fails the run (halt_on_error). Tests that need a
# server run when the COCKPIT_TEST_* variables are set (scripts/test-servers.sh), else skip.
# Warnings are not errors here: GCC's -Warray-bounds misfires on instrumented code.
# `ci` is the ASan + UBSan subset the test command runs (build-asan-ci/): the parsers and the
# byte-level value code on their own (tests/CMakeLists.txt, sanitizer_subset_tests), a few
# minutes from cold on 2 cores where all of core takes about 25.
# Usage: scripts/sanitize.sh asan|tsan|ci [gtest filter]
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: scripts/sanitize.sh asan|tsan|ci [gtest filter]}
filter=${2:-*}
# Servers.* check that the test servers are there: without them they fail by design.
[ -n "${COCKPIT_TEST_PG_URL:-}" ] || [ "$filter" != "*" ] || filter="-Servers.*"
target=core_tests
case "$kind" in
  asan) flags="address,undefined" ;;
  tsan) flags="thread" ;;
  ci) flags="address,undefined"; target=sanitizer_subset_tests ;;
  *) echo "sanitize: asan, tsan or ci, not $kind" >&2; exit 2 ;;
esac
dir=build-$kind
[ "$kind" != ci ] || dir=build-asan-ci
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/upgrade-cockpit-ccache}
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOCKPIT_WERROR=OFF -DCOCKPIT_SANITIZE="$flags" >/dev/null
cmake --build "$dir" -j "$(nproc)" --target "$target"
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp
export QT_QPA_PLATFORM=offscreen
"$dir/tests/$target" --gtest_filter="$filter" --gtest_brief=1
