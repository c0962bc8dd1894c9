#!/usr/bin/env bash
# README command 2 (and what .ci/run calls): installs what is missing, builds, runs the whole
# test suite (core, end-to-end, window tests offscreen), then checks the Debian package installs
# and starts.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
export QT_QPA_PLATFORM=offscreen
# Two cores: the suite runs two tests at a time; each test makes its own temporary folder.
(cd build && ctest --output-on-failure -j 2 --timeout 900)
scripts/package-check.sh
