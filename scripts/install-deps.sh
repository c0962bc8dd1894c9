#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the demo and the tests need.
# Idempotent: does nothing when everything is already there.
# The database servers are only installed here, never started: scripts/test-servers.sh starts
# throwaway ones in a temporary folder for the tests.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build ccache pkg-config dpkg-dev file
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libqt6opengl6-dev
  libgl-dev libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libsqlite3-dev sqlite3
  qt6-qpa-plugins xvfb xauth
  # PostgreSQL and MariaDB: servers for the tests, clients, Qt drivers, client libraries.
  postgresql-15 postgresql-client-15 mariadb-server mariadb-client
  libqt6sql6-psql libqt6sql6-mysql libpq-dev libmariadb-dev
  # TLS: the test servers' certificates (openssl).
  openssl
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive

# The postinst scripts of postgresql-15 and mariadb-server start their system-wide services
# through invoke-rc.d. A policy-rc.d that exits 101 forbids that for the time of the install
# (no default server keeps running, and a machine without a working init cannot make the
# install fail). A policy-rc.d that was already there (Docker images ship one) is put back.
POLICY=/usr/sbin/policy-rc.d
policy_backup=""
restore_policy() {
  if [ -n "$policy_backup" ]; then
    $SUDO mv -f "$policy_backup" "$POLICY"
  else
    $SUDO rm -f "$POLICY"
  fi
}
if [ -e "$POLICY" ]; then
  policy_backup="$POLICY.install-deps.$$"
  $SUDO mv -f "$POLICY" "$policy_backup"
fi
trap restore_policy EXIT
printf '#!/bin/sh\n# scripts/install-deps.sh: no service starts during the install.\nexit 101\n' \
  | $SUDO tee "$POLICY" >/dev/null
$SUDO chmod 755 "$POLICY"

$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
