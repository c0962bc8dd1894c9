#!/usr/bin/env bash
# Peak RSS of `upgradectl run` copying a table with COUNT big blobs of MB each (one of 100 MB by
# default) and 1000 small rows, per direction: the memory a single huge value costs (README "Edge values").
# SQLite directions always; PostgreSQL and MariaDB ones when scripts/test-servers.sh's env is
# sourced. Prints one line per direction: its tasks' end states, the peak RSS and the seconds.
# The MariaDB source (MariaDB -> SQLite, MariaDB, PostgreSQL) is filled from the SQLite one by
# an unmeasured `upgradectl run` of SEED_CTL (default CTL): SQL cannot build a value past the
# server's max_allowed_packet, so a build that refuses such a value needs SEED_CTL= a newer one.
#
#   [CTL=...] [SEED_CTL=...] bench/bigvalue/bigvalue.sh [MB [COUNT]]
set -euo pipefail
cd "$(dirname "$0")/../.."
MB=${1:-100}
COUNT=${2:-1}
CTL=${CTL:-build/app/upgradectl} # CTL=...: another build's, to compare
SEED_CTL=${SEED_CTL:-$CTL}
[ -x "$CTL" ] || { echo "build $CTL first" >&2; exit 1; }
W=$(mktemp -d /tmp/bigvalue.XXXXXX)
trap 'rm -rf "$W"' EXIT

sqlite3 "$W/source.db" "CREATE TABLE big (id INTEGER PRIMARY KEY, b BLOB);
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $COUNT)
  INSERT INTO big SELECT i, randomblob($MB * 1024 * 1024) FROM n;
  WITH RECURSIVE n(i) AS (SELECT $COUNT + 1 UNION ALL SELECT i + 1 FROM n WHERE i < $COUNT + 1000)
  INSERT INTO big SELECT i, randomblob(100) FROM n;"

PGS=""
if [ -n "${COCKPIT_TEST_PG_URL:-}" ]; then
  PGS=bigvalue_$$
  psql "$COCKPIT_TEST_PG_URL" -qc "CREATE SCHEMA ${PGS}_src; CREATE SCHEMA ${PGS}_tgt; CREATE SCHEMA ${PGS}_tgt2; CREATE SCHEMA ${PGS}_tgt3;
    CREATE TABLE ${PGS}_src.big (id bigint PRIMARY KEY, b bytea);
    INSERT INTO ${PGS}_src.big SELECT k, (SELECT decode(string_agg(md5((i + k)::text), '' ORDER BY i), 'hex')
      FROM generate_series(1, $MB * 65536) i) FROM generate_series(1, $COUNT) k;
    INSERT INTO ${PGS}_src.big SELECT i, '\\x00ff'::bytea FROM generate_series($COUNT + 1, $COUNT + 1000) i;"
  trap 'rm -rf "$W"; psql "$COCKPIT_TEST_PG_URL" -qc "DROP SCHEMA ${PGS}_src, ${PGS}_tgt, ${PGS}_tgt2, ${PGS}_tgt3 CASCADE" 2>/dev/null' EXIT
fi
MYDB=""
if [ -n "${COCKPIT_TEST_MYSQL_URL:-}" ]; then
  MYDB=cockpit_bigvalue_$$
  MY_HOSTPORT=${COCKPIT_TEST_MYSQL_URL#mysql://*@}
  MY_HOSTPORT=${MY_HOSTPORT%%/*}
  my() { mysql -h"${MY_HOSTPORT%:*}" -P"${MY_HOSTPORT#*:}" -ucockpit "$@"; }
  my -e "CREATE DATABASE $MYDB; CREATE DATABASE ${MYDB}_src; CREATE DATABASE ${MYDB}_tgt2; CREATE DATABASE ${MYDB}_tgt3"
  trap 'rm -rf "$W"; [ -z "$PGS" ] || psql "$COCKPIT_TEST_PG_URL" -qc "DROP SCHEMA ${PGS}_src, ${PGS}_tgt, ${PGS}_tgt2, ${PGS}_tgt3 CASCADE" 2>/dev/null;
    my -e "DROP DATABASE $MYDB; DROP DATABASE ${MYDB}_src; DROP DATABASE ${MYDB}_tgt2; DROP DATABASE ${MYDB}_tgt3" 2>/dev/null' EXIT
  MYURL=${COCKPIT_TEST_MYSQL_URL%/*}
  "$SEED_CTL" run --source "sqlite:$W/source.db" --target "$MYURL/${MYDB}_src" --state "$W/seed.state" >"$W/seed.out" 2>&1 || true
  rm -f "$W/rejects/big.rejects.csv"
  echo "MariaDB source: $(my -N -e "SELECT CONCAT(COUNT(*), ' rows, largest ', MAX(LENGTH(b)), ' bytes') FROM ${MYDB}_src.big" 2>&1)"
fi

measure() { # name source target
  local name=$1
  if ! /usr/bin/time -v "$CTL" run --source "$2" --target "$3" --state "$W/$name.state" >"$W/$name.out" 2>"$W/$name.err"; then
    :
  fi
  local rss secs states
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$W/$name.err")
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$W/$name.err")
  # A run refused before any task (a preflight blocker) prints no task: say why, and go on.
  states=$(grep -oE '^(copy|validate):big +[A-Za-z]+' "$W/$name.out" | tr -s ' ' | paste -sd, - || true)
  [ -n "$states" ] || states="no task ran: $(grep -m1 -iE 'blocker|error' "$W/$name.err" "$W/$name.out" | cut -c1-200 || true)"
  printf '%-22s %-40s peak RSS %6d MB  %s\n' "$name" "${states:-see $W/$name.out}" $((rss / 1024)) "$secs"
  grep -h "rejected\|equal\|Error" "$W/$name.out" | cut -c1-300 | sed 's/^/    /' | head -3 || true
  if [ -f "$W/rejects/big.rejects.csv" ]; then
    tail -n +2 "$W/rejects/big.rejects.csv" | head -2 | sed -E 's/^(big,[0-9]+,b,[0-9a-f]{40})[0-9a-f]*/    reject: \1.../'
    rm "$W/rejects/big.rejects.csv"
  fi
}

echo "$COUNT blob(s) of $MB MB + 1000 small rows"
measure SQLiteToSQLite "sqlite:$W/source.db" "sqlite:$W/target.db"
if [ -n "$PGS" ]; then
  measure SQLiteToPostgreSQL "sqlite:$W/source.db" "$COCKPIT_TEST_PG_URL?schema=${PGS}_tgt"
  measure PostgreSQLToSQLite "$COCKPIT_TEST_PG_URL?schema=${PGS}_src" "sqlite:$W/target-pg.db"
  measure PostgreSQLToPostgreSQL "$COCKPIT_TEST_PG_URL?schema=${PGS}_src" "$COCKPIT_TEST_PG_URL?schema=${PGS}_tgt2"
fi
if [ -n "$MYDB" ]; then
  measure SQLiteToMariaDB "sqlite:$W/source.db" "$MYURL/$MYDB"
  measure MariaDBToSQLite "$MYURL/${MYDB}_src" "sqlite:$W/target-my.db"
  measure MariaDBToMariaDB "$MYURL/${MYDB}_src" "$MYURL/${MYDB}_tgt2"
  if [ -n "$PGS" ]; then
    measure PostgreSQLToMariaDB "$COCKPIT_TEST_PG_URL?schema=${PGS}_src" "$MYURL/${MYDB}_tgt3"
    measure MariaDBToPostgreSQL "$MYURL/${MYDB}_src" "$COCKPIT_TEST_PG_URL?schema=${PGS}_tgt3"
  fi
fi
