#!/usr/bin/env bash
# Throwaway PostgreSQL 15 and MariaDB servers for the tests, all of their files in one folder.
#
#   scripts/test-servers.sh start DIR [pg|mysql]  # starts both (or one), writes DIR/env (source it)
#   scripts/test-servers.sh stop DIR              # stops both; always exits 0; deletes nothing
#   scripts/test-servers.sh down DIR pg|mysql     # a fast shutdown of one (sessions are cut off)
#   scripts/test-servers.sh up DIR pg|mysql       # starts it again on its data and port
# down + up is the server restart the reliability tests put a run through.
#
# Both listen only on 127.0.0.1, each on a free port found at start, with their unix sockets
# in DIR. Each has a user `cockpit` (password `cockpit-test`) and a database `cockpit_test`
# it can use; on PostgreSQL it owns it and may create databases, on MariaDB it has all
# rights on `cockpit_test` and on any database named `cockpit_...`.
# DIR/env exports COCKPIT_TEST_PG_URL, COCKPIT_TEST_MYSQL_URL, PGPASSWORD, MYSQL_PWD,
# COCKPIT_TEST_PG_BIN, COCKPIT_TEST_PG_PORT, COCKPIT_TEST_MYSQL_PORT and the socket paths.
# Both also take TLS (plain connections work as before): a self-signed CA made at start signs
# their certificate (CN=localhost, subjectAltName localhost and 127.0.0.1); DIR/env exports the
# CA's file as COCKPIT_TEST_CA. The keys stay in DIR/tls (0700), for this run only.
# Logs: DIR/pg.log and DIR/mysql.log. Timeout for each server to come up: $COCKPIT_TEST_SERVERS_TIMEOUT
# seconds (60). As root, PostgreSQL runs as the `postgres` system user (it refuses root) and
# MariaDB as root; as another user, both run as that user.
set -euo pipefail
# The admin steps below log in as the servers' own superusers without a password; a password
# left in the caller's environment (e.g. from an earlier env file) would be sent and refused.
unset MYSQL_PWD PGPASSWORD

PG_BIN=${COCKPIT_TEST_PG_BIN:-/usr/lib/postgresql/15/bin}
TIMEOUT=${COCKPIT_TEST_SERVERS_TIMEOUT:-60}
USER_NAME=cockpit
USER_PASSWORD=cockpit-test
DB_NAME=cockpit_test

die() { echo "test-servers: $*" >&2; exit 1; }
usage() { echo "usage: $0 start DIR [pg|mysql] | stop DIR | down DIR pg|mysql | up DIR pg|mysql" >&2; exit 2; }

[ $# -eq 2 ] || [ $# -eq 3 ] || usage
CMD=$1
DIR=$2
WHICH=${3:-}
[ -n "$DIR" ] || usage
case "$WHICH" in "" | pg | mysql) ;; *) usage ;; esac

# Runs a command as the user that owns the PostgreSQL files, from a folder it can read.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

# True while process $1 runs (a zombie, not yet reaped by its parent, counts as ended) and,
# when $2 is given, is that program (a stale pid file must not make us signal another process).
pid_alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)
  [ "$state" != Z ] || return 1
  [ -z "${2:-}" ] || [ "$(cat "/proc/$1/comm" 2>/dev/null || true)" = "$2" ]
}

# Waits up to $2 tenths of a second for process $1 to end; false if it still runs.
wait_gone() {
  local i
  for ((i = 0; i < $2; i++)); do
    pid_alive "$1" || return 0
    sleep 0.1
  done
  ! pid_alive "$1"
}

# Prints two distinct free TCP ports on 127.0.0.1.
free_ports() {
  # Debian's python3 first: a version manager's shim in PATH costs a noticeable fraction of a second.
  local py=/usr/bin/python3
  [ -x "$py" ] || py=$(command -v python3 || true)
  if [ -n "$py" ]; then
    "$py" - <<'PY'
import socket
socks = []
for _ in range(2):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
PY
  else
    local found=() p
    while [ ${#found[@]} -lt 2 ]; do
      p=$((20000 + RANDOM % 30000))
      [ "${found[0]:-}" = "$p" ] && continue
      # A refused connection means nothing listens there.
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then found+=("$p"); fi
    done
    echo "${found[@]}"
  fi
}

# ---------------------------------------------------------------------------------------------
# A CA of this run's own and the servers' certificate signed by it, in DIR/tls. EC P-256 keys:
# made in milliseconds, where RSA would slow every start.
make_tls() {
  local tls="$DIR/tls"
  command -v openssl >/dev/null 2>&1 || die "no openssl: install openssl (scripts/install-deps.sh)"
  install -d -m 700 "$tls"
  (
    umask 077
    cd "$tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
      -subj "/CN=Upgrade Cockpit test CA" -keyout ca.key -out ca.crt \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
      -keyout server.key -out server.csr
    printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
      "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
      -extfile server.ext -out server.crt
    chmod 644 ca.crt server.crt
  ) >"$DIR/tls.log" 2>&1 || die "could not make the TLS certificates, see $DIR/tls.log"
}

# ---------------------------------------------------------------------------------------------
stop_pg() {
  local data="$DIR/pg" pid=""
  [ -f "$data/postmaster.pid" ] || return 0
  pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
  pid_alive "$pid" postgres || return 0
  # pg_ctl -w returns once postmaster.pid is gone, a moment before the process ends.
  as_pg "$PG_BIN/pg_ctl" stop -D "$data" -m fast -w -t 30 >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" 100; then
    echo "test-servers: PostgreSQL (pid $pid) did not stop, killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

stop_mysql() {
  local pid=""
  # mariadbd writes mysql.pid once it runs; mysql.launched.pid is the pid start saw at launch.
  local f
  for f in "$DIR/mysql.pid" "$DIR/mysql.launched.pid"; do
    [ -s "$f" ] && pid=$(cat "$f" 2>/dev/null || true) && [ -n "$pid" ] && break
  done
  pid_alive "$pid" mariadbd || return 0
  # SIGTERM is a clean shutdown for mariadbd, and quicker to see through than
  # `mariadb-admin shutdown` (which polls once a second); that is the fallback (root on the
  # unix socket has no password: mariadb-install-db ... =normal).
  kill -TERM "$pid" 2>/dev/null ||
    timeout 30 mariadb-admin --no-defaults --socket="$DIR/mysql.sock" -u root shutdown \
      >/dev/null 2>&1 || true
  wait_gone "$pid" 300 && return 0
  echo "test-servers: MariaDB (pid $pid) did not stop in 30 s, killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

cmd_stop() {
  [ -d "$DIR" ] || return 0
  DIR=$(cd "$DIR" && pwd -P)
  stop_pg || true
  stop_mysql || true
}

# ---------------------------------------------------------------------------------------------
# Starts the server of DIR/pg (made by start_pg) and waits until it accepts connections.
launch_pg() {
  local port=$1 data="$DIR/pg" log="$DIR/pg.log"
  # pg_ctl -w waits until the server accepts connections or the timeout passes.
  if ! as_pg "$PG_BIN/pg_ctl" start -D "$data" -l "$log" -w -t "$TIMEOUT" >/dev/null 2>&1; then
    die "PostgreSQL did not start within ${TIMEOUT} s, see $log"
  fi
  local i
  for ((i = 0; i < TIMEOUT * 10; i++)); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    sleep 0.1
  done
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" ||
    die "PostgreSQL does not accept connections on 127.0.0.1:$port within ${TIMEOUT} s, see $log"
}

start_pg() {
  local port=$1 data="$DIR/pg" run="$DIR/pg-run" log="$DIR/pg.log"
  [ -x "$PG_BIN/initdb" ] || die "no $PG_BIN/initdb: install postgresql-15 (scripts/install-deps.sh)"

  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' system user (it comes with postgresql-15)"
    # mktemp -d makes a 0700 folder: the postgres user must be able to pass through it.
    chmod go+x "$DIR"
    install -d -m 700 -o postgres -g postgres "$data"
    install -d -m 755 -o postgres -g postgres "$run"
    install -m 600 -o postgres -g postgres /dev/null "$log"
    as_pg test -w "$data" ||
      die "the postgres user cannot reach $data (a parent folder is closed to it?): use another DIR"
  else
    install -d -m 700 "$data" "$run"
    : >"$log"
  fi

  as_pg "$PG_BIN/initdb" -D "$data" -U postgres -E UTF8 --no-locale --no-sync \
    --auth-local=trust --auth-host=scram-sha-256 >"$DIR/pg-initdb.log" 2>&1 ||
    die "initdb failed, see $DIR/pg-initdb.log"
  # PostgreSQL wants its key owned by the server's user and closed to others (0600).
  local f
  for f in server.crt server.key; do
    if [ "$(id -u)" -eq 0 ]; then
      install -m 600 -o postgres -g postgres "$DIR/tls/$f" "$data/$f"
    else
      install -m 600 "$DIR/tls/$f" "$data/$f"
    fi
  done

  as_pg tee -a "$data/postgresql.conf" >/dev/null <<EOF

# scripts/test-servers.sh: a throwaway server for the tests
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$run'
max_connections = 50
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
EOF

  launch_pg "$port"

  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$run" -p "$port" -U postgres -d postgres >/dev/null <<EOF ||
CREATE ROLE $USER_NAME LOGIN CREATEDB PASSWORD '$USER_PASSWORD';
CREATE DATABASE $DB_NAME OWNER $USER_NAME;
EOF
    die "could not create the PostgreSQL user/database, see $log"
}

# Starts the server of DIR/my.cnf (made by start_mysql) and waits until it accepts connections.
launch_mysql() {
  local log="$DIR/mysql.log" sock="$DIR/mysql.sock" server
  server=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  # setsid + closed standard streams: the server outlives this script and holds none of its pipes.
  setsid "$server" --defaults-file="$DIR/my.cnf" </dev/null >>"$log" 2>&1 &
  local pid=$! i
  echo "$pid" >"$DIR/mysql.launched.pid"
  for ((i = 0; i < TIMEOUT * 10; i++)); do
    if ! pid_alive "$pid"; then
      die "MariaDB exited while starting, see $log"
    fi
    mariadb-admin --no-defaults --socket="$sock" -u root --connect-timeout=2 ping >/dev/null 2>&1 &&
      break
    sleep 0.1
  done
  mariadb-admin --no-defaults --socket="$sock" -u root --connect-timeout=2 ping >/dev/null 2>&1 ||
    die "MariaDB does not accept connections within ${TIMEOUT} s, see $log"
}

start_mysql() {
  local port=$1 data="$DIR/mysql" log="$DIR/mysql.log" sock="$DIR/mysql.sock" cnf="$DIR/my.cnf"
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] ||
    die "no mariadbd: install mariadb-server (scripts/install-deps.sh)"
  local server
  server=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  local user_opt=""
  [ "$(id -u)" -eq 0 ] && user_opt="user = root"

  # Only this file is read (--defaults-file), never /etc/mysql.
  cat >"$cnf" <<EOF
# scripts/test-servers.sh: a throwaway server for the tests
[mysqld]
$user_opt
datadir = $data
socket = $sock
pid-file = $DIR/mysql.pid
log-error = $log
port = $port
bind-address = 127.0.0.1
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
max_connections = 50
innodb_buffer_pool_size = 128M
innodb_flush_log_at_trx_commit = 0
innodb_doublewrite = 0
innodb_flush_method = nosync
innodb_buffer_pool_dump_at_shutdown = 0
innodb_buffer_pool_load_at_startup = 0
sync_binlog = 0
ssl-ca = $DIR/tls/ca.crt
ssl-cert = $DIR/tls/server.crt
ssl-key = $DIR/tls/server.key
EOF

  mariadb-install-db --defaults-file="$cnf" --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve >"$DIR/mysql-install-db.log" 2>&1 ||
    die "mariadb-install-db failed, see $DIR/mysql-install-db.log"

  launch_mysql

  mariadb --no-defaults --socket="$sock" -u root <<EOF ||
CREATE USER '$USER_NAME'@'localhost' IDENTIFIED BY '$USER_PASSWORD';
CREATE USER '$USER_NAME'@'127.0.0.1' IDENTIFIED BY '$USER_PASSWORD';
CREATE USER '$USER_NAME'@'%' IDENTIFIED BY '$USER_PASSWORD';
CREATE DATABASE $DB_NAME CHARACTER SET utf8mb4;
GRANT ALL PRIVILEGES ON \`cockpit\\_%\`.* TO '$USER_NAME'@'localhost', '$USER_NAME'@'127.0.0.1', '$USER_NAME'@'%';
FLUSH PRIVILEGES;
EOF
    die "could not create the MariaDB user/database, see $log"
}

on_start_exit() {
  local rc=$?
  [ "$rc" -eq 0 ] || abort_start
  exit "$rc"
}

abort_start() {
  local job
  for job in "${JOBS[@]}"; do
    kill -TERM -- "-$job" 2>/dev/null || true
  done
  for job in "${JOBS[@]}"; do
    wait "$job" 2>/dev/null || true
  done
  cmd_stop
}

cmd_start() {
  mkdir -p "$DIR"
  DIR=$(cd "$DIR" && pwd -P)
  local used
  for used in pg mysql env my.cnf tls; do
    [ -e "$DIR/$used" ] &&
      die "$DIR already holds test servers ($DIR/$used exists): run '$0 stop $DIR' and start in a fresh folder"
  done
  # The PostgreSQL socket path is DIR/pg-run/.s.PGSQL.PORT.lock; unix socket paths are at most 107 bytes.
  [ ${#DIR} -le 70 ] || die "DIR is too long for unix socket paths (${#DIR} > 70 characters): $DIR"

  # From here on, a failure or a signal stops whatever this start had started: first the
  # setup jobs still running (each in its own process group), then the servers.
  JOBS=()
  trap on_start_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  make_tls

  local ports pg_port mysql_port
  ports=$(free_ports)
  read -r pg_port mysql_port <<<"$ports"
  if [ -z "$pg_port" ] || [ -z "$mysql_port" ]; then die "could not find free ports"; fi

  # Both come up side by side (initdb and mariadb-install-db take a few seconds each).
  # Job control gives each job its own process group, so that a signal can end all of it.
  local job failed=0
  set -m
  if [ "$WHICH" != mysql ]; then
    (start_pg "$pg_port") &
    JOBS+=($!)
  fi
  if [ "$WHICH" != pg ]; then
    (start_mysql "$mysql_port") &
    JOBS+=($!)
  fi
  set +m
  for job in "${JOBS[@]}"; do
    wait "$job" || failed=1
  done
  JOBS=()
  [ "$failed" -eq 0 ] || die "could not start the test servers in $DIR (stopped what had started)"

  echo "# Written by scripts/test-servers.sh start; source it." >"$DIR/env.tmp"
  echo "export COCKPIT_TEST_CA=$DIR/tls/ca.crt" >>"$DIR/env.tmp"
  if [ "$WHICH" != mysql ]; then
    cat >>"$DIR/env.tmp" <<EOF
export COCKPIT_TEST_PG_URL=postgresql://$USER_NAME@127.0.0.1:$pg_port/$DB_NAME
export PGPASSWORD=$USER_PASSWORD
export COCKPIT_TEST_PG_BIN=$PG_BIN
export COCKPIT_TEST_PG_PORT=$pg_port
export COCKPIT_TEST_PG_SOCKET_DIR=$DIR/pg-run
EOF
  fi
  if [ "$WHICH" != pg ]; then
    cat >>"$DIR/env.tmp" <<EOF
export COCKPIT_TEST_MYSQL_URL=mysql://$USER_NAME@127.0.0.1:$mysql_port/$DB_NAME
export MYSQL_PWD=$USER_PASSWORD
export COCKPIT_TEST_MYSQL_PORT=$mysql_port
export COCKPIT_TEST_MYSQL_SOCKET=$DIR/mysql.sock
EOF
  fi
  echo "$pg_port $mysql_port" >"$DIR/ports"
  mv "$DIR/env.tmp" "$DIR/env"
  echo "test-servers: ${WHICH:-PostgreSQL and MariaDB} on 127.0.0.1 (ports $pg_port $mysql_port); source $DIR/env"
}

# down/up: one server of a started DIR, stopped fast and started again on its data and port.
cmd_down() {
  DIR=$(cd "$DIR" && pwd -P)
  case "$WHICH" in
    pg) stop_pg ;;
    mysql) stop_mysql ;;
  esac
}

cmd_up() {
  DIR=$(cd "$DIR" && pwd -P)
  [ -f "$DIR/ports" ] || die "$DIR holds no started test servers"
  local pg_port mysql_port
  read -r pg_port mysql_port <"$DIR/ports"
  case "$WHICH" in
    pg) launch_pg "$pg_port" ;;
    mysql) launch_mysql ;;
  esac
}

case "$CMD" in
  start) cmd_start ;;
  down | up)
    [ -n "$WHICH" ] || usage
    "cmd_$CMD"
    ;;
  stop)
    set +e
    cmd_stop
    exit 0
    ;;
  *) usage ;;
esac
