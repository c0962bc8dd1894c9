#!/usr/bin/env bash
# README command 1: installs what is missing, builds, writes the demo upgrade and opens the
# cockpit on it. With no display it runs the same demo headless and prints the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  # The window creates the demo in the per-user data folder on first start.
  exec build/app/upgrade-cockpit "$@"
fi
DEMO_DIR=${DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/upgrade-cockpit/demo-headless}
echo "No display: running the demo headless in $DEMO_DIR"
build/app/upgradectl demo --dir "$DEMO_DIR"
exec build/app/upgradectl run --plan "$DEMO_DIR/plan.json" "$@"
