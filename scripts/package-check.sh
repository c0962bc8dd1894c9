#!/usr/bin/env bash
# Builds the .deb with CPack, installs it with dpkg/apt, and checks that both programs start:
# upgradectl runs a small demo, the window opens offscreen and closes itself.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
(cd "$BUILD_DIR" && cpack -G DEB >/dev/null)
deb=$(ls -t "$BUILD_DIR"/upgrade-cockpit_*.deb | head -1)
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -qq --no-install-recommends "./$deb" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/upgradectl --version
/usr/bin/upgradectl demo --dir "$tmp/demo" --rows 2000 >/dev/null
/usr/bin/upgradectl run --plan "$tmp/demo/plan.json" --quiet >/dev/null
QT_QPA_PLATFORM=offscreen HOME="$tmp" /usr/bin/upgrade-cockpit --smoke-test 1500 "$tmp/demo/plan.json"
test -f /usr/share/applications/upgrade-cockpit.desktop
test -f /usr/share/icons/hicolor/scalable/apps/upgrade-cockpit.svg
echo "package check passed: $(basename "$deb") installs, upgradectl runs the demo, the window starts"
