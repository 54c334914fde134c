#!/usr/bin/env bash
# Private PostgreSQL cluster for ClassComms development and tests.
#
#   infra/postgres.sh          start (or verify) the cluster; prints the connection string on stdout
#   infra/postgres.sh stop     stop the cluster
#   infra/postgres.sh status   exit 0 if our cluster is running
#
# Never touches the system cluster. Data lives in <repo>/.data/postgres, log in <repo>/.data/postgres.log.
# Environment:
#   CLASSCOMMS_PG_PORT   TCP port on 127.0.0.1 (default 55432)
#   CLASSCOMMS_PG_FAST   1 = fsync/synchronous_commit/full_page_writes off (tests only; unsafe for real data)
#   CLASSCOMMS_DATA_DIR  folder instead of <repo>/.data (a second, independent cluster with its own port)
# All diagnostics go to stderr; stdout carries only the connection string.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=processes.sh
source "$SCRIPT_DIR/processes.sh"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
DATA_ROOT="${CLASSCOMMS_DATA_DIR:-$REPO_ROOT/.data}" # another folder for a second private cluster (the cluster fault tests)
PGDATA_DIR="$DATA_ROOT/postgres"
SOCKET_DIR="$DATA_ROOT/pg-socket"
LOG_FILE="$DATA_ROOT/postgres.log"
LOCK_FILE="$DATA_ROOT/postgres.lock"
PORT="${CLASSCOMMS_PG_PORT:-55432}"
FAST="${CLASSCOMMS_PG_FAST:-0}"
DB_USER=classcomms
DB_PASSWORD=classcomms
DATABASES=(classcomms classcomms_tests)
PG_OS_USER=postgres   # only used when running as root (initdb/pg_ctl refuse to run as root)

log() { echo "postgres.sh: $*" >&2; }
die() { echo "postgres.sh: ERROR: $*" >&2; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] && (( PORT > 0 && PORT < 65536 )) || die "CLASSCOMMS_PG_PORT='$PORT' is not a valid TCP port"

connection_string() {
  echo "Host=127.0.0.1;Port=$PORT;Database=${1:-classcomms};Username=$DB_USER;Password=$DB_PASSWORD"
}

# Run a PostgreSQL server binary as the cluster owner (cwd / so an unreadable cwd doesn't matter).
as_owner() {
  if is_root; then
    (cd / && runuser -u "$PG_OS_USER" -- env LC_ALL=C "$@" 9>&-)
  else
    (cd / && env LC_ALL=C "$@" 9>&-)
  fi
}

# ---------------------------------------------------------------- installation
find_bindir() {
  # Prefer the major version the data dir was created with.
  if [[ -f "$PGDATA_DIR/PG_VERSION" ]]; then
    local ver; ver="$(cat "$PGDATA_DIR/PG_VERSION")"
    if [[ -x "/usr/lib/postgresql/$ver/bin/initdb" ]]; then
      echo "/usr/lib/postgresql/$ver/bin"; return 0
    fi
    return 1
  fi
  local initdb
  initdb="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
  [[ -n "$initdb" ]] || return 1
  dirname "$initdb"
}

ensure_installed() {
  if BINDIR="$(find_bindir)"; then return 0; fi
  if [[ -f "$PGDATA_DIR/PG_VERSION" ]] && ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    die "$PGDATA_DIR was created by PostgreSQL $(cat "$PGDATA_DIR/PG_VERSION"), which is not installed.
  Install postgresql-$(cat "$PGDATA_DIR/PG_VERSION") or delete $PGDATA_DIR (its data will be lost)."
  fi
  log "PostgreSQL server binaries not found; installing the Debian 'postgresql' package..."
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is unavailable; install PostgreSQL (server binaries in /usr/lib/postgresql/<ver>/bin) manually."
  local -a sudo=()
  if ! is_root; then
    command -v sudo >/dev/null 2>&1 || die "PostgreSQL is not installed and you are not root (no sudo). Run: apt-get install postgresql"
    if [[ -t 0 ]]; then sudo=(sudo); else sudo=(sudo -n); fi
  fi
  "${sudo[@]}" apt-get update >&2 || die "apt-get update failed"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2 \
    || die "apt-get install postgresql failed"
  BINDIR="$(find_bindir)" || die "installed the postgresql package but no /usr/lib/postgresql/*/bin/initdb found"
}

ensure_os_user() {
  is_root || return 0
  if ! id -u "$PG_OS_USER" >/dev/null 2>&1; then
    log "creating OS user '$PG_OS_USER'"
    useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home \
      --shell /usr/sbin/nologin "$PG_OS_USER" || die "useradd $PG_OS_USER failed"
  fi
}

# The cluster owner must be able to reach <repo>/.data (x bit on every ancestor).
ensure_traversable() {
  is_root || return 0
  local d="$DATA_ROOT"
  while :; do
    if ! runuser -u "$PG_OS_USER" -- test -x "$d" 2>/dev/null; then
      log "granting o+x on $d so user '$PG_OS_USER' can reach the data directory"
      chmod o+x "$d" || die "cannot make $d traversable for '$PG_OS_USER'"
    fi
    [[ "$d" == "/" ]] && break
    d="$(dirname "$d")"
  done
}

# ---------------------------------------------------------------- state probes
# Echoes the postmaster pid if our cluster (per postmaster.pid) is alive, else returns 1.
our_pid() {
  local pidfile="$PGDATA_DIR/postmaster.pid" pid
  [[ -r "$pidfile" ]] || return 1
  pid="$(sed -n 1p "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  pid_alive "$pid" || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == postgres* ]] || return 1
  echo "$pid"
}

# A postmaster.pid whose pid is dead/zombie/reused can block startup; remove it.
remove_stale_pidfile() {
  local pidfile="$PGDATA_DIR/postmaster.pid" pid lock
  if [[ -f "$pidfile" ]] && ! our_pid >/dev/null; then
    pid="$(sed -n 1p "$pidfile" 2>/dev/null || true)"
    log "removing stale $pidfile (pid $pid is not a running postgres)"
    rm -f "$pidfile"
  fi
  # Same for the unix-socket lock file (postgres refuses to start if its pid still exists, e.g. as a zombie).
  lock="$SOCKET_DIR/.s.PGSQL.$PORT.lock"
  if [[ -f "$lock" ]]; then
    pid="$(sed -n 1p "$lock" 2>/dev/null || true)"
    if ! [[ "$pid" =~ ^[0-9]+$ ]] || ! pid_alive "$pid"; then
      rm -f "$lock" "$SOCKET_DIR/.s.PGSQL.$PORT"
    fi
  fi
}

our_port() { sed -n 4p "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true; }

psql_q() { # run SQL as the classcomms superuser over TCP
  PGPASSWORD="$DB_PASSWORD" PGCONNECT_TIMEOUT=5 "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -tA \
    -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d postgres "$@"
}

wait_ready() {
  local i
  for ((i = 0; i < 300; i++)); do
    "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 1 && return 0
    sleep 0.1
  done
  return 1
}

port_conflict() {
  die "port $PORT on 127.0.0.1 is already in use by something other than this repo's cluster ($PGDATA_DIR).
$(port_owner "$PORT")
  Stop that process or pick a free port, e.g.: CLASSCOMMS_PG_PORT=$((PORT + 1)) $0"
}

# ---------------------------------------------------------------- configuration
desired_conf() {
  cat <<EOF
# Managed by infra/postgres.sh -- rewritten on every start; do not edit.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKET_DIR_EFFECTIVE'
max_connections = 200
EOF
  if [[ "$FAST" == "1" ]]; then
    cat <<'EOF'
# CLASSCOMMS_PG_FAST=1: durability off (test speed). A crash can corrupt this cluster.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  else
    cat <<'EOF'
fsync = on
synchronous_commit = on
full_page_writes = on
EOF
  fi
}

# Writes classcomms.conf; returns 0 if it changed.
write_conf() {
  local target="$PGDATA_DIR/classcomms.conf" tmp
  tmp="$(mktemp "$DATA_ROOT/.classcomms.conf.XXXXXX")"
  desired_conf >"$tmp"
  if [[ -f "$target" ]] && cmp -s "$tmp" "$target"; then rm -f "$tmp"; return 1; fi
  chmod 600 "$tmp"
  if is_root; then chown "$PG_OS_USER:" "$tmp"; fi
  mv -f "$tmp" "$target"
  return 0
}

# Unix socket paths are limited to ~107 bytes; fall back to TCP-only if the repo path is too deep.
if (( ${#SOCKET_DIR} + 20 > 100 )); then
  SOCKET_DIR_EFFECTIVE=""
else
  SOCKET_DIR_EFFECTIVE="$SOCKET_DIR"
fi

# ---------------------------------------------------------------- actions
init_cluster() {
  if [[ -e "$PGDATA_DIR" ]] && [[ -n "$(ls -A "$PGDATA_DIR" 2>/dev/null)" ]]; then
    die "$PGDATA_DIR exists but is not a PostgreSQL data directory (no PG_VERSION). Remove it and re-run."
  fi
  rm -rf "$PGDATA_DIR"
  # globals (not locals) so the EXIT trap can still see them
  tmpdir="$PGDATA_DIR.init.$$"
  rm -rf "$tmpdir"
  pwfile="$(mktemp "$DATA_ROOT/.pwfile.XXXXXX")"
  trap 'rm -rf "$tmpdir" "$pwfile"' EXIT
  printf '%s\n' "$DB_PASSWORD" >"$pwfile"
  mkdir -m 700 "$tmpdir"
  if is_root; then chown "$PG_OS_USER:" "$tmpdir" "$pwfile"; fi
  log "initialising cluster in $PGDATA_DIR ($("$BINDIR/initdb" --version))"
  if ! as_owner "$BINDIR/initdb" -D "$tmpdir" -U "$DB_USER" --pwfile="$pwfile" \
        --auth=scram-sha-256 --encoding=UTF8 --no-locale --no-instructions >"$DATA_ROOT/initdb.log" 2>&1; then
    cat "$DATA_ROOT/initdb.log" >&2
    die "initdb failed (log: $DATA_ROOT/initdb.log)"
  fi
  printf "\n# ClassComms settings (port, listen address, tuning)\ninclude_if_exists = 'classcomms.conf'\n" \
    >>"$tmpdir/postgresql.conf"
  mv "$tmpdir" "$PGDATA_DIR"
  rm -f "$pwfile"
  trap - EXIT
}

ensure_databases() {
  local existing db
  existing="$(psql_q -c "SELECT datname FROM pg_database")" \
    || die "cannot connect to the cluster on 127.0.0.1:$PORT as '$DB_USER' (see $LOG_FILE)"
  for db in "${DATABASES[@]}"; do
    if ! grep -qx "$db" <<<"$existing"; then
      log "creating database $db"
      psql_q -c "CREATE DATABASE \"$db\" OWNER \"$DB_USER\"" >/dev/null || die "CREATE DATABASE $db failed"
    fi
  done
}

stop_cluster() {
  local pid
  if ! pid="$(our_pid)"; then
    log "not running"
    return 0
  fi
  ensure_os_user
  BINDIR="$(find_bindir)" || die "cannot find PostgreSQL binaries to stop the cluster (pid $pid)"
  log "stopping cluster (pid $pid)"
  as_owner "$BINDIR/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 60 stop >&2 || die "pg_ctl stop failed"
}

start_cluster() {
  local pid running_port
  if pid="$(our_pid)"; then
    running_port="$(our_port)"
    BINDIR="$(find_bindir)" || die "cluster is running (pid $pid) but its PostgreSQL binaries are missing"
    if [[ "$running_port" == "$PORT" ]]; then
      wait_ready || die "our cluster (pid $pid) is running but not accepting connections on 127.0.0.1:$PORT (see $LOG_FILE)"
      if write_conf; then
        log "settings changed (CLASSCOMMS_PG_FAST=$FAST); reloading"
        psql_q -c "SELECT pg_reload_conf()" >/dev/null || die "reload failed"
      fi
      ensure_databases
      return 0
    fi
    port_open "$PORT" && port_conflict
    log "cluster is running on port $running_port but CLASSCOMMS_PG_PORT=$PORT; restarting"
    stop_cluster
  fi

  ensure_installed
  ensure_os_user
  mkdir -p "$DATA_ROOT"
  ensure_traversable

  if port_open "$PORT"; then port_conflict; fi

  [[ -f "$PGDATA_DIR/PG_VERSION" ]] || init_cluster
  remove_stale_pidfile

  if is_root; then
    local owner; owner="$(stat -c %U "$PGDATA_DIR")"
    if [[ "$owner" != "$PG_OS_USER" ]]; then
      log "chowning $PGDATA_DIR to $PG_OS_USER (was $owner)"
      chown -R "$PG_OS_USER:" "$PGDATA_DIR"
    fi
  fi
  chmod 700 "$PGDATA_DIR"

  if [[ -n "$SOCKET_DIR_EFFECTIVE" ]]; then
    mkdir -p "$SOCKET_DIR_EFFECTIVE"
    if is_root; then chown "$PG_OS_USER:" "$SOCKET_DIR_EFFECTIVE"; fi
    chmod 755 "$SOCKET_DIR_EFFECTIVE"
  else
    log "note: repo path too long for a unix socket in $SOCKET_DIR; TCP only"
  fi
  touch "$LOG_FILE"
  if is_root; then chown "$PG_OS_USER:" "$LOG_FILE"; fi
  write_conf || true

  log "starting cluster on 127.0.0.1:$PORT (log: $LOG_FILE)"
  if ! as_owner "$BINDIR/pg_ctl" -D "$PGDATA_DIR" -l "$LOG_FILE" -w -t 60 start >/dev/null 2>"$DATA_ROOT/pg_ctl.err"; then
    cat "$DATA_ROOT/pg_ctl.err" >&2 || true
    echo "---- last lines of $LOG_FILE ----" >&2
    tail -n 20 "$LOG_FILE" >&2 || true
    die "pg_ctl start failed"
  fi
  rm -f "$DATA_ROOT/pg_ctl.err"
  wait_ready || die "cluster started but is not accepting connections on 127.0.0.1:$PORT (see $LOG_FILE)"
  ensure_databases
}

with_lock() {
  mkdir -p "$DATA_ROOT"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$LOCK_FILE"
    flock -w 180 9 || die "timed out waiting for another infra/postgres.sh (lock $LOCK_FILE)"
  fi
  "$@"
}

case "${1:-start}" in
  start)
    with_lock start_cluster
    connection_string classcomms
    ;;
  stop)
    with_lock stop_cluster
    ;;
  status)
    if pid="$(our_pid)"; then log "running (pid $pid, port $(our_port))"; exit 0; fi
    log "not running"; exit 3
    ;;
  -h|--help|help)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    die "unknown command '$1' (use: start | stop | status)"
    ;;
esac
