#!/usr/bin/env bash
# A local cluster: N API processes (2 or 3) behind nginx, sharing one PostgreSQL, Azurite and Redis.
#
#   infra/cluster.sh start [N]      build the API once, start PostgreSQL/Azurite (and Redis when infra/redis.sh exists),
#                                   N nodes and nginx; prints the address once every node answers /health/ready
#   infra/cluster.sh stop           stop nginx and the nodes (the stores keep running: infra/postgres.sh stop, ...)
#   infra/cluster.sh status         each node and nginx: running or not, and ready or not; exit 0 if all are up
#   infra/cluster.sh kill-node I    kill -9 node I (a fault drill; nginx sends new requests to the others)
#   infra/cluster.sh start-node I   start node I again (after kill-node) and wait until it is ready
#
# nginx (Debian package, installed with apt-get when missing) listens on 127.0.0.1:$CLASSCOMMS_CLUSTER_PORT (18200) and the
# nodes on the ports after it (18201, 18202, 18203). /api and everything else: round robin, and a request that could not
# reach a node (connection refused) goes to the next one. /hubs: WebSocket upgrade, and one node per access token (hash of
# the token, whether it comes as the access_token query parameter or the Authorization header), so negotiate and connect
# reach the same node; a client that skips negotiation (WebSockets only) needs no affinity at all.
# Config, logs and pids live in <data>/cluster (<data> = $CLASSCOMMS_DATA_DIR or <repo>/.data); nothing outside it is written
# but the nginx package.
# Environment:
#   CLASSCOMMS_CLUSTER_PORT      nginx's port (default 18200); node i listens on that + i
#   CLASSCOMMS_CLUSTER_API_DLL   run this ClassComms.Api.dll instead of publishing the API to <data>/cluster/api
#   CLASSCOMMS_DATA_DIR, CLASSCOMMS_PG_PORT, CLASSCOMMS_AZURITE_PORT, CLASSCOMMS_REDIS_PORT: passed to the store scripts
#   anything else (ASPNETCORE_ENVIRONMENT, ConnectionStrings__*, section__key settings) reaches every node. Defaults: Development;
#   the demo school seeded by node 1 (Demo__Seed; the others start once it is ready); X-Forwarded-For believed from 127.0.0.1.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=processes.sh
source "$SCRIPT_DIR/processes.sh"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
DATA_ROOT="${CLASSCOMMS_DATA_DIR:-$REPO_ROOT/.data}"
DIR="$DATA_ROOT/cluster"
PORT="${CLASSCOMMS_CLUSTER_PORT:-18200}"
READY_TIMEOUT="${CLASSCOMMS_CLUSTER_READY_TIMEOUT:-240}"

log() { echo "cluster.sh: $*" >&2; }
die() { echo "cluster.sh: ERROR: $*" >&2; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] && (( PORT > 0 && PORT < 65530 )) || die "CLASSCOMMS_CLUSTER_PORT='$PORT' is not a valid TCP port"
node_port() { echo $((PORT + $1)); }

# Echoes node i's pid if it runs (pid file, process alive and running dotnet).
node_pid() {
  local pid
  [[ -r "$DIR/node-$1.pid" ]] || return 1
  pid="$(cat "$DIR/node-$1.pid")"
  [[ "$pid" =~ ^[0-9]+$ ]] && pid_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'ClassComms.Api.dll' || return 1
  echo "$pid"
}

nginx_pid() {
  local pid
  [[ -r "$DIR/nginx.pid" ]] || return 1
  pid="$(cat "$DIR/nginx.pid")"
  [[ "$pid" =~ ^[0-9]+$ ]] && pid_alive "$pid" || return 1
  echo "$pid"
}

ready() { [[ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$1/health/ready" 2>/dev/null)" == 200 ]]; }

node_count() { cat "$DIR/nodes" 2>/dev/null || echo 0; }

# ---------------------------------------------------------------- nginx
ensure_nginx() {
  command -v nginx >/dev/null 2>&1 && return 0
  [[ -x /usr/sbin/nginx ]] && return 0
  log "nginx not found; installing the Debian 'nginx' package..."
  command -v apt-get >/dev/null 2>&1 || die "nginx is not installed and apt-get is unavailable; install nginx"
  local -a sudo=()
  if ! is_root; then
    command -v sudo >/dev/null 2>&1 || die "nginx is not installed and you are not root (no sudo). Run: apt-get install nginx"
    sudo=(sudo -n)
  fi
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 update >&2 || die "apt-get update failed"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends nginx >&2 \
    || die "apt-get install nginx failed"
  # The package's own service (port 80) is not ours: leave it stopped.
  if command -v systemctl >/dev/null 2>&1; then "${sudo[@]}" systemctl disable --now nginx >/dev/null 2>&1 || true; fi
  if [[ -r /run/nginx.pid ]]; then "${sudo[@]}" kill "$(cat /run/nginx.pid)" 2>/dev/null || true; fi
}

nginx_bin() { command -v nginx 2>/dev/null || echo /usr/sbin/nginx; }

write_nginx_conf() {
  local n="$1" i servers=""
  for ((i = 1; i <= n; i++)); do servers+="    server 127.0.0.1:$(node_port "$i") max_fails=1 fail_timeout=5s;"$'\n'; done
  mkdir -p "$DIR/nginx-temp"
  local user_line=""
  if is_root; then
    # Workers run as nobody; only the temp folder must be theirs (the master, root, opens the logs).
    user_line="user nobody nogroup;"
    chown nobody:nogroup "$DIR/nginx-temp" 2>/dev/null || true
  fi
  cat >"$DIR/nginx.conf" <<EOF
# Generated by infra/cluster.sh start; rewritten on every start.
$user_line
worker_processes 1;
pid $DIR/nginx.pid;
error_log $DIR/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log $DIR/nginx-access.log;
  client_body_temp_path $DIR/nginx-temp/body;
  proxy_temp_path $DIR/nginx-temp/proxy;
  fastcgi_temp_path $DIR/nginx-temp/fastcgi;
  uwsgi_temp_path $DIR/nginx-temp/uwsgi;
  scgi_temp_path $DIR/nginx-temp/scgi;
  # The API enforces its own body limits (413) and streams uploads and downloads: nginx passes bodies through unbuffered.
  client_max_body_size 0;
  proxy_request_buffering off;
  proxy_buffering off;
  proxy_http_version 1.1;

  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  # One node per access token for /hubs: the browser sends it as ?access_token= (WebSockets, SSE) or as a header.
  map \$arg_access_token \$hub_affinity { '' \$http_authorization; default "Bearer \$arg_access_token"; }

  upstream classcomms_api {
$servers    keepalive 32;
  }
  upstream classcomms_hubs {
    hash \$hub_affinity consistent;
$servers  }

  server {
    listen 127.0.0.1:$PORT;
    proxy_set_header Host \$host;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto \$scheme;
    add_header X-ClassComms-Node \$upstream_addr always;
    # A node that refuses the connection or answers nothing: the next one (never after a request reached a node that then
    # failed: a POST is not sent twice).
    proxy_next_upstream error timeout;
    proxy_connect_timeout 2s;

    location /hubs/ {
      proxy_pass http://classcomms_hubs;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
    }

    location / {
      proxy_pass http://classcomms_api;
      proxy_set_header Connection "";
      proxy_read_timeout 120s;
    }
  }
}
EOF
}

start_nginx() {
  local n="$1" pid i
  ensure_nginx
  write_nginx_conf "$n"
  if pid="$(nginx_pid)"; then
    "$(nginx_bin)" -t -q -p "$DIR" -c "$DIR/nginx.conf" 2>&1 | tail -5 >&2 || die "nginx configuration test failed"
    kill -HUP "$pid"
    log "nginx reloaded (pid $pid)"
    return 0
  fi
  port_open "$PORT" && die "port $PORT on 127.0.0.1 is in use by something else; pick another with CLASSCOMMS_CLUSTER_PORT"
  # -g daemon on: nginx forks into the background and writes its pid file; 9>&-: no lock fd leaks into it.
  "$(nginx_bin)" -p "$DIR" -c "$DIR/nginx.conf" -g 'daemon on;' 9>&- </dev/null >>"$DIR/nginx-error.log" 2>&1 \
    || { tail -n 20 "$DIR/nginx-error.log" >&2; die "nginx did not start"; }
  for ((i = 0; i < 100; i++)); do port_open "$PORT" && return 0; sleep 0.1; done
  die "nginx did not listen on 127.0.0.1:$PORT (see $DIR/nginx-error.log)"
}

stop_nginx() {
  local pid i
  pid="$(nginx_pid)" || return 0
  kill -QUIT "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do pid_alive "$pid" || break; sleep 0.1; done
  pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$DIR/nginx.pid"
  log "nginx stopped"
}

# ---------------------------------------------------------------- the API
api_dll() {
  if [[ -n "${CLASSCOMMS_CLUSTER_API_DLL:-}" ]]; then
    [[ -f "$CLASSCOMMS_CLUSTER_API_DLL" ]] || die "CLASSCOMMS_CLUSTER_API_DLL=$CLASSCOMMS_CLUSTER_API_DLL does not exist"
    echo "$CLASSCOMMS_CLUSTER_API_DLL"
    return 0
  fi
  command -v dotnet >/dev/null 2>&1 || die "dotnet SDK not found on PATH (see global.json for the required version)"
  log "publishing the API once for every node (Release) to $DIR/api ..."
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet publish "$REPO_ROOT/src/ClassComms.Api" -c Release -o "$DIR/api" -v q -nologo >&2 \
    || die "dotnet publish failed"
  echo "$DIR/api/ClassComms.Api.dll"
}

# The stores every node shares; their connection strings become the nodes' settings unless already given.
start_stores() {
  if [[ -z "${ConnectionStrings__Marten:-}" ]]; then
    ConnectionStrings__Marten="$("$SCRIPT_DIR/postgres.sh")" || die "could not start PostgreSQL"
    export ConnectionStrings__Marten
  fi
  if [[ -z "${ConnectionStrings__Blobs:-}" ]]; then
    ConnectionStrings__Blobs="$("$SCRIPT_DIR/azurite.sh")" || die "could not start Azurite"
    export ConnectionStrings__Blobs
  fi
  if [[ -z "${ConnectionStrings__Redis:-}" && -x "$SCRIPT_DIR/redis.sh" ]]; then
    ConnectionStrings__Redis="$("$SCRIPT_DIR/redis.sh")" || die "could not start Redis"
    export ConnectionStrings__Redis
  fi
}

launch_node() {
  local i="$1" dll="$2" seed="$3" port pid
  port="$(node_port "$i")"
  node_pid "$i" >/dev/null && { log "node $i already running"; return 0; }
  port_open "$port" && die "port $port on 127.0.0.1 (node $i) is in use by something else; pick another CLASSCOMMS_CLUSTER_PORT"
  echo "=== $(date -u '+%Y-%m-%dT%H:%M:%SZ') starting node $i on 127.0.0.1:$port" >>"$DIR/node-$i.log"
  (
    cd "$(dirname "$dll")"
    export ASPNETCORE_URLS="http://127.0.0.1:$port"
    export Demo__Seed="$seed"
    # Each node names its PostgreSQL sessions (pg_stat_activity.application_name), so the database tells which node holds
    # a lock (the async daemon's HotCold lock, Wolverine's leadership): Cluster/when_the_leader_dies reads it.
    [[ -n "${ConnectionStrings__Marten:-}" && "$ConnectionStrings__Marten" != *"Application Name="* ]] \
      && export ConnectionStrings__Marten="${ConnectionStrings__Marten%;};Application Name=classcomms-node-$i"
    # setsid: its own session, so the end of this script (or a Ctrl-C in its terminal) leaves it running.
    exec setsid nohup dotnet "$dll" </dev/null >>"$DIR/node-$i.log" 2>&1 9>&-
  ) &
  pid=$!
  echo "$pid" >"$DIR/node-$i.pid"
  log "node $i: pid $pid, http://127.0.0.1:$port (log: $DIR/node-$i.log)"
}

wait_ready() {
  local i="$1" port pid waited=0
  port="$(node_port "$i")"
  while ! ready "$port"; do
    pid="$(node_pid "$i")" || { tail -n 30 "$DIR/node-$i.log" >&2; die "node $i exited during start-up (log: $DIR/node-$i.log)"; }
    (( waited++ < READY_TIMEOUT * 2 )) || die "node $i (pid $pid) was not ready within ${READY_TIMEOUT}s (log: $DIR/node-$i.log)"
    sleep 0.5
  done
  log "node $i ready"
}

node_environment() {
  export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
  export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-$ASPNETCORE_ENVIRONMENT}"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  # nginx is on loopback: believe its X-Forwarded-For (rate limits and the sign-in throttle key on the client's address).
  export ForwardedHeaders__KnownProxies__0="${ForwardedHeaders__KnownProxies__0:-127.0.0.1}"
  # Development outboxes, one per cluster, shared by the nodes (infra/up.sh uses the same names under .data/outbox).
  export Auth__PasswordReset__OutboxPath="${Auth__PasswordReset__OutboxPath:-$DATA_ROOT/outbox/password-resets.jsonl}"
  export Guardians__Registration__OutboxPath="${Guardians__Registration__OutboxPath:-$DATA_ROOT/outbox/registrations.jsonl}"
  export Staff__Invitation__OutboxPath="${Staff__Invitation__OutboxPath:-$DATA_ROOT/outbox/staff-invitations.jsonl}"
  export Rectification__Email__OutboxPath="${Rectification__Email__OutboxPath:-$DATA_ROOT/outbox/email-changes.jsonl}"
  export Rectification__Email__NoticeOutboxPath="${Rectification__Email__NoticeOutboxPath:-$DATA_ROOT/outbox/email-changed-notices.jsonl}"
}

start_cluster() {
  local n="$1" dll i seed
  [[ "$n" =~ ^[23]$ ]] || die "N must be 2 or 3 (got '$n')"
  command -v curl >/dev/null 2>&1 || die "curl is needed for the health checks (apt-get install curl)"
  mkdir -p "$DIR"
  local running; running="$(node_count)"
  if (( running > n )); then
    for ((i = n + 1; i <= running; i++)); do stop_node "$i"; done
  fi
  echo "$n" >"$DIR/nodes"
  start_stores
  node_environment
  dll="$(api_dll)"
  # What start-node needs to start a node again the same way, from any shell (settings may hold secrets: owner only).
  (umask 077; { export -p; echo "CLUSTER_DLL=$(printf '%q' "$dll")"; echo "PORT=$PORT"; } >"$DIR/node-env.sh")
  seed="${Demo__Seed:-true}"
  # Node 1 first: it applies schema changes (Development) and seeds the demo; then the others, together.
  launch_node 1 "$dll" "$seed"
  wait_ready 1
  for ((i = 2; i <= n; i++)); do launch_node "$i" "$dll" false; done
  for ((i = 2; i <= n; i++)); do wait_ready "$i"; done
  start_nginx "$n"
  for ((i = 1; i <= n; i++)); do ready "$PORT" || die "nginx on $PORT does not reach a ready node"; done
  cat <<MSG
ClassComms cluster: http://127.0.0.1:$PORT  ($n nodes: $(for ((i = 1; i <= n; i++)); do printf '%s ' "127.0.0.1:$(node_port "$i")"; done))
Stop with: infra/cluster.sh stop
MSG
}

stop_node() {
  local i="$1" pid
  if pid="$(node_pid "$i")"; then
    terminate "cluster.sh: node $i" "$pid" 15
    log "node $i stopped"
  fi
  rm -f "$DIR/node-$i.pid"
}

stop_cluster() {
  local i
  stop_nginx
  for i in 1 2 3; do stop_node "$i"; done
}

status_cluster() {
  local n i pid rc=0
  n="$(node_count)"
  (( n > 0 )) || { log "not started"; return 3; }
  for ((i = 1; i <= n; i++)); do
    if pid="$(node_pid "$i")"; then
      if ready "$(node_port "$i")"; then log "node $i: pid $pid, port $(node_port "$i"), ready"
      else log "node $i: pid $pid, port $(node_port "$i"), NOT ready"; rc=1; fi
    else log "node $i: not running"; rc=1; fi
  done
  if pid="$(nginx_pid)"; then log "nginx: pid $pid, http://127.0.0.1:$PORT"; else log "nginx: not running"; rc=1; fi
  return "$rc"
}

with_lock() {
  mkdir -p "$DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$DIR/cluster.lock"
    flock -w 600 9 || die "timed out waiting for another infra/cluster.sh (lock $DIR/cluster.lock)"
  fi
  "$@"
}

node_arg() {
  [[ "${1:-}" =~ ^[123]$ ]] || die "name a node: 1, 2 or 3"
  echo "$1"
}

case "${1:-start}" in
  start) with_lock start_cluster "${2:-2}" ;;
  stop) with_lock stop_cluster ;;
  status) status_cluster ;;
  kill-node)
    i="$(node_arg "${2:-}")"
    pid="$(node_pid "$i")" || die "node $i is not running"
    kill -KILL "$pid"
    log "node $i (pid $pid) killed with SIGKILL"
    ;;
  start-node)
    i="$(node_arg "${2:-}")"
    [[ -r "$DIR/node-env.sh" ]] || die "the cluster was never started here (no $DIR/node-env.sh)"
    # shellcheck disable=SC1091
    source "$DIR/node-env.sh"
    launch_node "$i" "$CLUSTER_DLL" false
    wait_ready "$i"
    ;;
  -h|--help|help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '$1' (use: start [N] | stop | status | kill-node I | start-node I)" ;;
esac
