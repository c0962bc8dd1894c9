#!/usr/bin/env bash
# README command 2 (and what .ci/run calls): installs what is missing, builds, runs the
# sanitizer subset and the whole test suite (core, end-to-end, window tests offscreen), then
# checks the Debian package installs and starts.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
# The parsers and the byte-level value code again, under AddressSanitizer + UndefinedBehaviorSanitizer.
scripts/sanitize.sh ci
export QT_QPA_PLATFORM=offscreen
# Throwaway PostgreSQL and MariaDB servers for the tests that need real ones, in a temporary
# folder: always stopped and removed at the end, whether the tests pass, fail or are interrupted.
servers=$(mktemp -d /tmp/cockpit-servers.XXXXXX)
stop_servers() {
  scripts/test-servers.sh stop "$servers" || true
  rm -rf "$servers"
}
trap stop_servers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
scripts/test-servers.sh start "$servers"
# shellcheck source=/dev/null
source "$servers/env"
# Two cores: the suite runs two tests at a time; each test makes its own temporary folder.
(cd build && ctest --output-on-failure -j 2 --timeout 900)
scripts/package-check.sh
