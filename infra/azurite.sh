#!/usr/bin/env bash
# Local Azurite (blob service only) for ClassComms development and tests.
#
#   infra/azurite.sh          start (or verify) azurite-blob; prints the blob connection string on stdout
#   infra/azurite.sh stop     stop it
#   infra/azurite.sh status   exit 0 if our azurite is running
#
# Azurite is installed from npm into <repo>/.data/tools; blob data in <repo>/.data/azurite,
# log in <repo>/.data/azurite.log, pid in <repo>/.data/azurite.pid.
# Environment:
#   CLASSCOMMS_AZURITE_PORT   blob port on 127.0.0.1 (default 10000)
#   CLASSCOMMS_DATA_DIR       folder for data, log and pid instead of <repo>/.data (Azurite stays installed in <repo>/.data/tools)
# All diagnostics go to stderr; stdout carries only the connection string.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=processes.sh
source "$SCRIPT_DIR/processes.sh"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
DATA_ROOT="${CLASSCOMMS_DATA_DIR:-$REPO_ROOT/.data}" # another folder for a second private instance (the cluster fault tests)
TOOLS_DIR="$REPO_ROOT/.data/tools" # one installation per checkout, whatever the data folder
LOCATION="$DATA_ROOT/azurite"
LOG_FILE="$DATA_ROOT/azurite.log"
PID_FILE="$DATA_ROOT/azurite.pid"
LOCK_FILE="$DATA_ROOT/azurite.lock"
AZURITE_VERSION=3.37.0
AZURITE_MAIN="$TOOLS_DIR/node_modules/azurite/dist/src/blob/main.js"
PORT="${CLASSCOMMS_AZURITE_PORT:-10000}"
START_TIMEOUT=30
ACCOUNT_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

log() { echo "azurite.sh: $*" >&2; }
die() { echo "azurite.sh: ERROR: $*" >&2; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] && (( PORT > 0 && PORT < 65536 )) || die "CLASSCOMMS_AZURITE_PORT='$PORT' is not a valid TCP port"

connection_string() {
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$ACCOUNT_KEY;BlobEndpoint=http://127.0.0.1:$PORT/devstoreaccount1;"
}

# pid file format: "<pid> <port>". Echoes "<pid> <port>" if that process is alive and is azurite.
our_azurite() {
  [[ -r "$PID_FILE" ]] || return 1
  local pid port
  read -r pid port <"$PID_FILE" || true
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  pid_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'azurite' || return 1
  echo "$pid ${port:-}"
}

installed_version() {
  sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' \
    "$TOOLS_DIR/node_modules/azurite/package.json" 2>/dev/null | head -n 1
}

ensure_installed() {
  command -v node >/dev/null 2>&1 || die "node is not installed (Azurite needs Node.js; install node >= 20 and npm)"
  if [[ -f "$AZURITE_MAIN" && "$(installed_version)" == "$AZURITE_VERSION" ]]; then return 0; fi
  command -v npm >/dev/null 2>&1 || die "npm is not installed (needed once to install azurite@$AZURITE_VERSION)"
  log "installing azurite@$AZURITE_VERSION into $TOOLS_DIR (npm)..."
  mkdir -p "$TOOLS_DIR"
  if ! npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --no-update-notifier --save-exact \
        --loglevel=error "azurite@$AZURITE_VERSION" </dev/null >"$DATA_ROOT/azurite-npm.log" 2>&1; then
    cat "$DATA_ROOT/azurite-npm.log" >&2
    die "npm install azurite@$AZURITE_VERSION failed (log: $DATA_ROOT/azurite-npm.log)"
  fi
  [[ -f "$AZURITE_MAIN" ]] || die "npm install finished but $AZURITE_MAIN is missing"
}

stop_azurite() {
  local pid port
  if ! read -r pid port < <(our_azurite); then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping azurite (pid $pid)"
  terminate "azurite.sh: azurite" "$pid" 10
  rm -f "$PID_FILE"
}

start_azurite() {
  local pid port i
  if read -r pid port < <(our_azurite); then
    if [[ "$port" == "$PORT" ]]; then
      port_open "$PORT" && return 0
      # Possibly still starting (another invocation just launched it): give it the normal timeout.
      for ((i = 0; i < START_TIMEOUT * 10; i++)); do
        port_open "$PORT" && return 0
        pid_alive "$pid" || break
        sleep 0.1
      done
      die "our azurite (pid $pid) is running but not accepting connections on 127.0.0.1:$PORT (see $LOG_FILE); try: $0 stop"
    fi
    port_open "$PORT" && port_conflict
    log "azurite is running on port $port but CLASSCOMMS_AZURITE_PORT=$PORT; restarting"
    stop_azurite
  fi
  rm -f "$PID_FILE"

  if port_open "$PORT"; then port_conflict; fi
  ensure_installed
  mkdir -p "$LOCATION"

  log "starting azurite-blob $AZURITE_VERSION on 127.0.0.1:$PORT (log: $LOG_FILE)"
  {
    echo "=== $(date -u '+%Y-%m-%dT%H:%M:%SZ') starting azurite-blob on 127.0.0.1:$PORT"
  } >>"$LOG_FILE"
  # setsid: own session, so Ctrl-C in the calling terminal / the end of a CI step does not kill it.
  # 9>&-: don't leak the lock fd into the long-running daemon.
  (
    cd "$DATA_ROOT"
    exec setsid nohup node "$AZURITE_MAIN" \
      --blobHost 127.0.0.1 --blobPort "$PORT" \
      --location "$LOCATION" \
      --skipApiVersionCheck --loose --silent --disableTelemetry \
      </dev/null >>"$LOG_FILE" 2>&1 9>&-
  ) &
  pid=$!
  echo "$pid $PORT" >"$PID_FILE"

  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    if ! pid_alive "$pid"; then
      rm -f "$PID_FILE"
      echo "---- last lines of $LOG_FILE ----" >&2
      tail -n 20 "$LOG_FILE" >&2 || true
      die "azurite exited during startup"
    fi
    port_open "$PORT" && return 0
    sleep 0.1
  done
  echo "---- last lines of $LOG_FILE ----" >&2
  tail -n 20 "$LOG_FILE" >&2 || true
  kill -TERM "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
  die "azurite did not accept connections on 127.0.0.1:$PORT within ${START_TIMEOUT}s"
}

port_conflict() {
  die "port $PORT on 127.0.0.1 is already in use by something other than this repo's azurite ($PID_FILE).
$(port_owner "$PORT")
  Stop that process or pick a free port, e.g.: CLASSCOMMS_AZURITE_PORT=$((PORT + 10)) $0"
}

with_lock() {
  mkdir -p "$DATA_ROOT"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$LOCK_FILE"
    flock -w 180 9 || die "timed out waiting for another infra/azurite.sh (lock $LOCK_FILE)"
  fi
  "$@"
}

case "${1:-start}" in
  start)
    with_lock start_azurite
    connection_string
    ;;
  stop)
    with_lock stop_azurite
    ;;
  status)
    if read -r pid port < <(our_azurite); then log "running (pid $pid, port $port)"; exit 0; fi
    log "not running"; exit 3
    ;;
  -h|--help|help)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    die "unknown command '$1' (use: start | stop | status)"
    ;;
esac
