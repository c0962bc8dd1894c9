#!/usr/bin/env bash
# kill -9 soak: the demo upgrade (copies, post-sync scripts, indexes, constraints, validation,
# finalize) is started, killed with SIGKILL at a seeded random instant, resumed, killed again...
# until it completes; then again from a fresh target, for N kills in all, on each target engine.
# After every kill: the control store passes PRAGMA integrity_check. After every completed run:
# no task is left Executing or in Error, and every target table equals the one an uninterrupted
# run of the same plan produced (row count and an ordered digest of all its rows, computed with
# the database's own client, not with the cockpit). Prints kills per phase, runs completed, and
# the tables that differ (rows lost or duplicated); exit 1 when any does.
#
# Usage: bench/soak/soak.sh [--rounds N] [--seed S] [--rows R] [--targets "sqlite pg mysql"]
#   (defaults: 50 kills per target, seed 1, 100000 rows, all three; pg/mysql use throwaway
#   servers of scripts/test-servers.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
ROUNDS=50 SEED=1 ROWS=100000 TARGETS="sqlite pg mysql"
while (($#)); do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --rows) ROWS=$2; shift 2 ;;
    --targets) TARGETS=$2; shift 2 ;;
    *) echo "soak: unknown option $1" >&2; exit 2 ;;
  esac
done
CTL=$ROOT/build/app/upgradectl
[ -x "$CTL" ] || scripts/build.sh
RANDOM=$SEED

work=$(mktemp -d /tmp/cockpit-soak.XXXXXX)
servers=""
cleanup() {
  if [ -n "$servers" ]; then
    scripts/test-servers.sh stop "$servers" >/dev/null 2>&1 || true
    rm -rf "$servers"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
if [[ " $TARGETS " == *" pg "* || " $TARGETS " == *" mysql "* ]]; then
  # A folder of its own: the server runs as another user, who cannot enter $work (0700).
  servers=$(mktemp -d /tmp/cockpit-soak-servers.XXXXXX)
  scripts/test-servers.sh start "$servers" >/dev/null
  # shellcheck source=/dev/null
  source "$servers/env"
fi

"$CTL" demo --dir "$work/demo" --rows "$ROWS" >/dev/null
# Kills land in every phase only if the run takes a while: small batches and chunks.
sed -i -e 's/"batchSize": [0-9]*/"batchSize": 2000/' -e 's/"chunkRows": [0-9]*/"chunkRows": 25000/g' "$work/demo/plan.json"

# The servers' root (through the socket, without the test user's password).
myroot() { env -u MYSQL_PWD mariadb --socket="$COCKPIT_TEST_MYSQL_SOCKET" -uroot "$@"; }

target_url() {
  case "$1" in
    sqlite) echo "sqlite:$work/target.db" ;;
    pg) echo "$COCKPIT_TEST_PG_URL?schema=soak" ;;
    mysql) echo "mysql://cockpit@127.0.0.1:$COCKPIT_TEST_MYSQL_PORT/cockpit_soak" ;;
  esac
}

reset_target() {
  rm -f "$work"/state.db* "$work"/target.db*
  case "$1" in
    pg) psql -X -q "$COCKPIT_TEST_PG_URL" -c "DROP SCHEMA IF EXISTS soak CASCADE" -c "CREATE SCHEMA soak" 2>/dev/null ;;
    mysql) myroot -e \
      "DROP DATABASE IF EXISTS cockpit_soak; CREATE DATABASE cockpit_soak" ;;
  esac
}

# "table rows digest" per target table, sorted: the rows in the database's own text, ordered.
digests() {
  case "$1" in
    sqlite)
      for t in $(sqlite3 "$work/target.db" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\_cockpit%' ESCAPE '\\' ORDER BY name"); do
        n=$(sqlite3 "$work/target.db" "SELECT count(*) FROM \"$t\"")
        d=$(sqlite3 -cmd ".mode quote" "$work/target.db" "SELECT * FROM \"$t\"" | LC_ALL=C sort | md5sum | cut -c1-16)
        echo "$t $n $d"
      done ;;
    pg)
      psql -X -At "$COCKPIT_TEST_PG_URL" -c "
        SELECT format('%s', c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'soak' AND c.relkind IN ('r', 'p') AND c.relname NOT LIKE '\_cockpit%' ORDER BY 1" |
        while read -r t; do
          psql -X -At "$COCKPIT_TEST_PG_URL" -c \
            "SELECT '$t ' || count(*) || ' ' || left(md5(coalesce(string_agg(r::text, E'\n' ORDER BY r::text COLLATE \"C\"), '')), 16) FROM soak.\"$t\" r"
        done ;;
    mysql)
      myroot -N cockpit_soak -e \
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'cockpit_soak' AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME NOT LIKE '\_cockpit%' ORDER BY 1" |
        while read -r t; do
          n=$(myroot -N cockpit_soak -e "SELECT count(*) FROM \`$t\`")
          d=$(myroot -N cockpit_soak -e "SELECT * FROM \`$t\`" | LC_ALL=C sort | md5sum | cut -c1-16)
          echo "$t $n $d"
        done ;;
  esac
}

plan_for() {
  sed -e "s|\"target\": \"[^\"]*\"|\"target\": \"$(target_url "$1")\"|" -e "s|\"state\": \"[^\"]*\"|\"state\": \"$work/state.db\"|" \
    "$work/demo/plan.json" >"$work/demo/plan-$1.json"
  echo "$work/demo/plan-$1.json"
}

# The server sessions of a killed run may outlive it by a moment: the preflight's single-user
# rule is overridden for the soak's own runs.
run_args=(--quiet --override "kill -9 soak")
failed=0
for target in $TARGETS; do
  plan=$(plan_for "$target")
  reset_target "$target"
  start=$(date +%s.%N)
  "$CTL" run --plan "$plan" "${run_args[@]}" >/dev/null
  reference_seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
  digests "$target" >"$work/reference"
  declare -A phase_kills=()
  kills=0 completed=0 differing=0 integrity_failures=0 stuck=0
  reset_target "$target"
  while true; do
    "$CTL" run --plan "$plan" "${run_args[@]}" >>"$work/run.log" 2>&1 &
    pid=$!
    if ((kills < ROUNDS)); then
      # A random instant within the uninterrupted run's length (resumed runs go on from where
      # the last one stopped, so the kills walk through the phases).
      delay=$(awk -v r="$RANDOM" -v t="$reference_seconds" 'BEGIN { printf "%.3f", r / 32767 * t * 0.8 + 0.2 }')
      sleep "$delay"
    fi
    phases=""
    if ((kills < ROUNDS)); then
      phases=$(sqlite3 "$work/state.db" "SELECT group_concat(DISTINCT kind) FROM task WHERE state = 'Executing'" 2>/dev/null || echo "start")
    fi
    # A run that ended on its own in the meantime is not killed: it counts as completed below.
    if ((kills < ROUNDS)) && kill -9 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      ((++kills))
      printf '\r%s: %d kills, %d runs completed' "$target" "$kills" "$completed" >&2
      # A kill counts for every kind of task it interrupted ("between": none was executing).
      for kind in $(echo "${phases:-between}" | tr ',' ' '); do
        phase_kills[$kind]=$((${phase_kills[$kind]:-0} + 1))
      done
      if [ -f "$work/state.db" ] && [ "$(sqlite3 "$work/state.db" "PRAGMA integrity_check")" != "ok" ]; then
        ((++integrity_failures))
      fi
      continue
    fi
    status=0
    wait "$pid" || status=$?
    ((++completed))
    left=$(sqlite3 "$work/state.db" "SELECT count(*) FROM task WHERE state <> 'Ended'")
    if ((status != 0 || left != 0)); then
      ((++stuck))
      echo "soak: $target run $completed ended with exit $status and $left task(s) not Ended" >&2
      sqlite3 "$work/state.db" "SELECT name, state, message FROM task WHERE state <> 'Ended'" >&2
    fi
    digests "$target" >"$work/final"
    if ! diff -q "$work/reference" "$work/final" >/dev/null; then
      ((++differing))
      echo "soak: $target run $completed differs from the uninterrupted run:" >&2
      diff "$work/reference" "$work/final" >&2 || true
    fi
    ((kills >= ROUNDS)) && break
    reset_target "$target"
  done
  tables=$(wc -l <"$work/reference")
  printf '%s: %d kills survived (seed %s, %d rows, uninterrupted run %.1f s), %d runs completed, %d tables each\n' \
    "$target" "$kills" "$SEED" "$ROWS" "$reference_seconds" "$completed" "$tables"
  for p in "${!phase_kills[@]}"; do printf '  kills that interrupted %s tasks: %d\n' "$p" "${phase_kills[$p]}"; done | sort
  printf '  control store integrity failures: %d; runs not ending clean: %d; runs with tables lost, duplicated or changed: %d\n' \
    "$integrity_failures" "$stuck" "$differing"
  ((integrity_failures + stuck + differing == 0)) || failed=1
  unset phase_kills
done
exit $failed
