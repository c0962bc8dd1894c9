#!/usr/bin/env bash
# A run shared through a PostgreSQL control store, with 1, 2 and 4 `upgradectl worker`s
# (one thread per batch group each) under a coordinator that only coordinates
# (`run --threads 0`), against the same plan run by one process with the same threads and a
# SQLite state (no sharing). The demo's copies, indexes, validation, SQLite -> PostgreSQL, no
# scripts (so every run does the same work). Between runs: a fresh target and state schema,
# VACUUM and CHECKPOINT on the server. Prints, per run: seconds, rows/s, speed-up and scaling
# efficiency against 1 worker, the CPU seconds of the workers, of the coordinator and of the
# whole machine (the rest is mostly the PostgreSQL server), and the machine's busy share.
#
# Usage: bench/sharedrun/sharedrun.sh [--rows N] [--workers "1 2 4"] [--repeat K]
#   (defaults: 1,000,000 INVENTTRANS rows, 1 2 4, 2 repetitions; a throwaway server of
#   scripts/test-servers.sh unless COCKPIT_TEST_PG_URL is set)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
ROWS=1000000 WORKERS="1 2 4" REPEAT=2
while (($#)); do
  case "$1" in
    --rows) ROWS=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    *) echo "sharedrun: unknown option $1" >&2; exit 2 ;;
  esac
done
CTL=$ROOT/build/app/upgradectl
[ -x "$CTL" ] || scripts/build.sh
[ -x /usr/bin/time ] || apt-get install -y -q time >/dev/null

work=$(mktemp -d /tmp/cockpit-sharedrun.XXXXXX)
servers=""
cleanup() {
  pkill -INT -f "upgradectl worker --state ${COCKPIT_TEST_PG_URL:-none}" 2>/dev/null || true
  if [ -n "$servers" ]; then
    scripts/test-servers.sh stop "$servers" >/dev/null 2>&1 || true
    rm -rf "$servers"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
if [ -z "${COCKPIT_TEST_PG_URL:-}" ]; then
  servers=$(mktemp -d /tmp/cockpit-sharedrun-servers.XXXXXX)
  scripts/test-servers.sh start "$servers" pg >/dev/null
  # shellcheck source=/dev/null
  source "$servers/env"
fi
pg() { psql -X -q -v ON_ERROR_STOP=1 "$COCKPIT_TEST_PG_URL" "$@"; }
pgsuper() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$COCKPIT_TEST_PG_BIN/psql" -X -q -h "$COCKPIT_TEST_PG_SOCKET_DIR" -p "$COCKPIT_TEST_PG_PORT" -d cockpit_test "$@")
  else
    "$COCKPIT_TEST_PG_BIN/psql" -X -q -h "$COCKPIT_TEST_PG_SOCKET_DIR" -p "$COCKPIT_TEST_PG_PORT" -d cockpit_test "$@"
  fi
}

"$CTL" demo --dir "$work/demo" --rows "$ROWS" >/dev/null
python3 - "$work/demo/plan.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p.pop('scripts', None); p.pop('tables', None)  # copies, indexes, validation: the same work every run
json.dump(p, open(sys.argv[1], 'w'), indent=1)
PY
rows=$(python3 -c "
import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
print(sum(c.execute('SELECT count(*) FROM \"%s\"' % t).fetchone()[0] for (t,) in c.execute(\"SELECT name FROM sqlite_master WHERE type='table'\")))" "$work/demo/source.db")
cat "$work/demo/source.db" >/dev/null # into the page cache for every run alike

busy_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat; }
cpu_of() { awk '{print $1+$2}' "$1"; } # user + system seconds from time -f "%U %S"

settle() {
  pgsuper -c "VACUUM" -c "CHECKPOINT" >/dev/null
  sleep 2
}

# run_once MODE N REP: MODE shared (N workers) or local (one process, N threads); prints one line
run_once() {
  local mode=$1 n=$2 rep=$3 tag="${1}_${2}_${3}"
  local target="t_$tag" state="s_$tag"
  pg -c "DROP SCHEMA IF EXISTS $target CASCADE; DROP SCHEMA IF EXISTS $state CASCADE; CREATE SCHEMA $target" 2>/dev/null
  python3 - "$work/demo/plan.json" "$work/demo/plan-$tag.json" "$COCKPIT_TEST_PG_URL?schema=$target" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); p['target'] = sys.argv[3]
json.dump(p, open(sys.argv[2], 'w'), indent=1)
PY
  settle
  local st="$COCKPIT_TEST_PG_URL?schema=$state" before after start end
  read -r b0 t0 < <(busy_jiffies)
  start=$(date +%s.%N)
  if [ "$mode" = local ]; then
    /usr/bin/time -f "%U %S" -o "$work/coord-$tag.time" "$CTL" run --plan "$work/demo/plan-$tag.json" --state "$work/state-$tag.db" \
      --threads "$n" --quiet --json --override bench >"$work/coord-$tag.json" 2>"$work/coord-$tag.err" ||
      { echo "sharedrun: the run failed:" >&2; tail -n 5 "$work/coord-$tag.err" >&2; exit 1; }
  else
    /usr/bin/time -f "%U %S" -o "$work/coord-$tag.time" "$CTL" run --plan "$work/demo/plan-$tag.json" --state "$st" \
      --threads 0 --quiet --json --override bench >"$work/coord-$tag.json" 2>"$work/coord-$tag.err" &
    local coord=$! i pids=()
    # Started with the coordinator, as an administrator starts them: each waits until the
    # coordinator has planned the run and pressed Run.
    for i in $(seq 1 "$n"); do
      /usr/bin/time -f "%U %S" -o "$work/w$i-$tag.time" "$CTL" worker --state "$st" --threads 1 --name "w$i" --quiet \
        >"$work/w$i-$tag.out" 2>&1 &
      pids+=($!)
    done
    if ! wait "$coord"; then
      echo "sharedrun: the coordinator failed:" >&2; tail -n 5 "$work/coord-$tag.err" >&2; tail -n 5 "$work/coord-$tag.json" >&2; exit 1
    fi
    for i in "${!pids[@]}"; do
      wait "${pids[$i]}" || { echo "sharedrun: worker w$((i + 1)) failed:" >&2; tail -n 5 "$work/w$((i + 1))-$tag.out" >&2; exit 1; }
    done
  fi
  end=$(date +%s.%N)
  read -r b1 t1 < <(busy_jiffies)
  local ended
  ended=$(python3 -c "
import json,sys
c=json.load(open(sys.argv[1]))['counts']
print('%d/%d' % (c.get('Ended', 0), sum(c.values())))" "$work/coord-$tag.json")
  local wcpu=0
  if [ "$mode" = shared ]; then
    for i in $(seq 1 "$n"); do wcpu=$(echo "$wcpu + $(cpu_of "$work/w$i-$tag.time")" | bc); done
  fi
  local ccpu machine secs
  ccpu=$(cpu_of "$work/coord-$tag.time")
  secs=$(echo "$end - $start" | bc)
  machine=$(echo "scale=1; ($b1 - $b0) / $(getconf CLK_TCK)" | bc)
  local busy
  busy=$(echo "scale=0; 100 * ($b1 - $b0) / ($t1 - $t0)" | bc)
  echo "$mode $n $rep $secs $ended $wcpu $ccpu $machine $busy"
  pg -c "DROP SCHEMA IF EXISTS $target CASCADE; DROP SCHEMA IF EXISTS $state CASCADE" 2>/dev/null
}

results=$work/results.txt
for rep in $(seq 1 "$REPEAT"); do
  for n in $WORKERS; do
    run_once shared "$n" "$rep" | tee -a "$results"
    run_once local "$n" "$rep" | tee -a "$results"
  done
done

echo
echo "rows: $rows ($ROWS INVENTTRANS), machine: $(nproc) CPUs, load at end $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" "$rows" <<'PY'
import sys, statistics
rows = int(sys.argv[2])
runs = {}
for line in open(sys.argv[1]):
    mode, n, rep, secs, ended, wcpu, ccpu, machine, busy = line.split()
    runs.setdefault((mode, int(n)), []).append((float(secs), ended, float(wcpu), float(ccpu), float(machine), int(busy)))
def med(mode, n, i): return statistics.median(r[i] for r in runs[(mode, n)])
base = med('shared', 1, 0)
print("| run | seconds (median) | rows/s | speed-up vs 1 worker | efficiency | workers' CPU s | coordinator CPU s | machine CPU s | machine busy | tasks Ended |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for (mode, n) in sorted(runs, key=lambda k: (k[1], k[0] != 'shared')):
    s = med(mode, n, 0)
    label = f"{n} worker(s), shared" if mode == 'shared' else f"one process, --threads {n}, SQLite state"
    speed = base / s
    eff = f"{100 * speed / n:.0f} %" if mode == 'shared' else ""
    ended = ", ".join(sorted(set(r[1] for r in runs[(mode, n)])))
    print(f"| {label} | {s:.1f} | {rows / s:,.0f} | {speed:.2f} | {eff} | {med(mode, n, 2):.1f} | {med(mode, n, 3):.1f} | {med(mode, n, 4):.1f} | {med(mode, n, 5)} % | {ended} |")
PY
