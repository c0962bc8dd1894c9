#!/usr/bin/env bash
# Builds core and its tests with sanitizers in a build folder of their own and runs the core
# tests there: `asan` is AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/), `tsan`
# ThreadSanitizer (build-tsan/). Any report fails the run (halt_on_error). Tests that need a
# server run when the COCKPIT_TEST_* variables are set (scripts/test-servers.sh), else skip.
# Warnings are not errors here: GCC's -Warray-bounds misfires on instrumented code.
# `ci` is the ASan + UBSan subset the test command runs (build-asan-ci/): the parsers and the
# byte-level value code on their own (tests/CMakeLists.txt, sanitizer_subset_tests), a few
# minutes from cold on 2 cores where all of core takes about 25.
# `tsan` runs by default the suites whose threads meet only through primitives TSan sees
# (std::mutex, std::condition_variable, atomics, std::async, QMutex's inline fast path):
# TaskThreads runs copies, a cancel and validations on threads of their own. The suites that
# drive an UpgradeRun hand data to the scheduler and the workers through Qt's event queue and
# QThreadPool, whose locks are inside libQt6Core; Debian's Qt is not built with TSan, so each
# such hand-over is reported as a race (889 reports on 2026-12-07, every one through
# QMetaObject::invokeMethod, a queued signal or QThreadPool::start). A filter given on the
# command line runs those too.
# Usage: scripts/sanitize.sh asan|tsan|ci [gtest filter]
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: scripts/sanitize.sh asan|tsan|ci [gtest filter]}
filter=${2:-*}
# Servers.* check that the test servers are there: without them they fail by design.
[ -n "${COCKPIT_TEST_PG_URL:-}" ] || [ "$filter" != "*" ] || filter="-Servers.*"
tsan_suites="*TaskThreads*:ByteBuffer.*:CanonicalDecimal.*:ConnectionPool.*:ConnectionUrls.*:Credentials.*:DateScan.*"
tsan_suites+=":DemoGenerator*:Globs.*:ParserFuzz.*:PgBinary*:PlanParser.*:Planner.*:RowHasher.*:ScriptFile.*:ScriptFolder.*:SqlSplitter.*"
tsan_suites+=":SqlTables.*:SqliteChecksum.*:SqliteReaderBatches.*:TableSizes.*:TaskRules.*:TaskStates.*:TransientFaults.*:PgRowHash.*"
[ "$kind" != tsan ] || [ -n "${2:-}" ] || filter=$tsan_suites
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
# die_after_fork=0: tests start servers and tools. The suppressions: scripts/tsan.supp says why.
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:die_after_fork=0:suppressions=$PWD/scripts/tsan.supp
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp
export QT_QPA_PLATFORM=offscreen
"$dir/tests/$target" --gtest_filter="$filter" --gtest_brief=1
