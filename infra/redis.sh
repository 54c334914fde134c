#!/usr/bin/env bash
# Private Redis for ClassComms development and tests (the SignalR backplane and cluster-wide signals).
#
#   infra/redis.sh          start (or verify) redis-server; prints the connection string on stdout
#   infra/redis.sh stop     stop it
#   infra/redis.sh status   exit 0 if our redis is running
#
# Installs the Debian 'redis-server' package if redis-server is missing (apt-get), and never touches a
# system instance: ours listens on 127.0.0.1 only, keeps no data on disk (no RDB, no AOF: everything in it
# is a transient signal), works in <repo>/.data/redis, logs to <repo>/.data/redis.log.
# Environment:
#   CLASSCOMMS_REDIS_PORT   TCP port on 127.0.0.1 (default 6390)
# All diagnostics go to stderr; stdout carries only the connection string (StackExchange.Redis format).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=processes.sh
source "$SCRIPT_DIR/processes.sh"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
DATA_ROOT="$REPO_ROOT/.data"
WORK_DIR="$DATA_ROOT/redis"
LOG_FILE="$DATA_ROOT/redis.log"
PID_FILE="$DATA_ROOT/redis.pid"
LOCK_FILE="$DATA_ROOT/redis.lock"
PORT="${CLASSCOMMS_REDIS_PORT:-6390}"
START_TIMEOUT=30

log() { echo "redis.sh: $*" >&2; }
die() { echo "redis.sh: ERROR: $*" >&2; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] && (( PORT > 0 && PORT < 65536 )) || die "CLASSCOMMS_REDIS_PORT='$PORT' is not a valid TCP port"

connection_string() { echo "127.0.0.1:$PORT,abortConnect=false"; }

# Echoes "<pid> <port>" if the pid in our pid file is alive and is a redis-server on that port.
our_redis() {
  [[ -r "$PID_FILE" ]] || return 1
  local pid port
  read -r pid port <"$PID_FILE" || true
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  pid_alive "$pid" || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == redis-server* ]] || return 1
  echo "$pid ${port:-}"
}

# PING over bash's /dev/tcp (no redis-cli needed): true when the server answers +PONG.
ping_ok() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG" 2>/dev/null
}

ensure_installed() {
  command -v redis-server >/dev/null 2>&1 && return 0
  log "redis-server not found; installing the Debian 'redis-server' package..."
  command -v apt-get >/dev/null 2>&1 || die "redis-server is not installed and apt-get is unavailable; install Redis (redis-server on PATH) manually."
  local -a sudo=()
  if ! is_root; then
    command -v sudo >/dev/null 2>&1 || die "redis-server is not installed and you are not root (no sudo). Run: apt-get install redis-server"
    if [[ -t 0 ]]; then sudo=(sudo); else sudo=(sudo -n); fi
  fi
  "${sudo[@]}" apt-get update >&2 || die "apt-get update failed"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server >&2 \
    || die "apt-get install redis-server failed"
  command -v redis-server >/dev/null 2>&1 || die "installed the redis-server package but redis-server is not on PATH"
}

stop_redis() {
  local pid port
  if ! read -r pid port < <(our_redis); then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping redis (pid $pid)"
  terminate "redis.sh: redis" "$pid" 10
  rm -f "$PID_FILE"
}

port_conflict() {
  die "port $PORT on 127.0.0.1 is already in use by something other than this repo's redis ($PID_FILE).
$(port_owner "$PORT")
  Stop that process or pick a free port, e.g.: CLASSCOMMS_REDIS_PORT=$((PORT + 1)) $0"
}

start_redis() {
  local pid port i
  if read -r pid port < <(our_redis); then
    if [[ "$port" == "$PORT" ]]; then
      for ((i = 0; i < START_TIMEOUT * 10; i++)); do
        ping_ok && return 0
        pid_alive "$pid" || break
        sleep 0.1
      done
      die "our redis (pid $pid) is running but does not answer PING on 127.0.0.1:$PORT (see $LOG_FILE); try: $0 stop"
    fi
    port_open "$PORT" && port_conflict
    log "redis is running on port $port but CLASSCOMMS_REDIS_PORT=$PORT; restarting"
    stop_redis
  fi
  rm -f "$PID_FILE"

  if port_open "$PORT"; then port_conflict; fi
  ensure_installed
  mkdir -p "$WORK_DIR"

  log "starting $(redis-server --version | cut -d' ' -f1-3) on 127.0.0.1:$PORT (log: $LOG_FILE)"
  echo "=== $(date -u '+%Y-%m-%dT%H:%M:%SZ') starting redis-server on 127.0.0.1:$PORT" >>"$LOG_FILE"
  # Foreground server in its own session (setsid): Ctrl-C in the calling terminal or the end of a CI step
  # does not stop it. No persistence (save "", appendonly no); loopback only; 9>&- keeps the lock fd out.
  (
    cd "$WORK_DIR"
    exec setsid nohup redis-server \
      --bind 127.0.0.1 --port "$PORT" --protected-mode yes \
      --daemonize no --supervised no \
      --save "" --appendonly no --dir "$WORK_DIR" \
      --logfile "" --loglevel notice \
      </dev/null >>"$LOG_FILE" 2>&1 9>&-
  ) &
  pid=$!
  echo "$pid $PORT" >"$PID_FILE"

  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    if ! pid_alive "$pid"; then
      rm -f "$PID_FILE"
      echo "---- last lines of $LOG_FILE ----" >&2
      tail -n 20 "$LOG_FILE" >&2 || true
      die "redis-server exited during startup"
    fi
    ping_ok && return 0
    sleep 0.1
  done
  echo "---- last lines of $LOG_FILE ----" >&2
  tail -n 20 "$LOG_FILE" >&2 || true
  kill -TERM "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
  die "redis-server did not answer PING on 127.0.0.1:$PORT within ${START_TIMEOUT}s"
}

with_lock() {
  mkdir -p "$DATA_ROOT"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$LOCK_FILE"
    flock -w 180 9 || die "timed out waiting for another infra/redis.sh (lock $LOCK_FILE)"
  fi
  "$@"
}

case "${1:-start}" in
  start)
    with_lock start_redis
    connection_string
    ;;
  stop)
    with_lock stop_redis
    ;;
  status)
    if read -r pid port < <(our_redis); then log "running (pid $pid, port $port)"; exit 0; fi
    log "not running"; exit 3
    ;;
  -h|--help|help)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    die "unknown command '$1' (use: start | stop | status)"
    ;;
esac
