# Shared by infra/postgres.sh, infra/azurite.sh, infra/redis.sh and infra/cluster.sh (sourced, not run): process and port checks.

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Something accepts TCP connections on 127.0.0.1:$1.
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# Who listens on port $1 (for error messages), if ss is there.
port_owner() {
  if command -v ss >/dev/null 2>&1; then ss -Hltnp "sport = :$1" 2>/dev/null | head -n 3 || true; fi
}

# Alive and not a zombie (pid 1 in containers does not always reap promptly).
pid_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(sed -n 's/^.*) \(.\).*$/\1/p' "/proc/$1/stat" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# Stop process $2 (called $1 in messages): TERM, wait up to $3 seconds (default 10), then KILL.
terminate() {
  local name="$1" pid="$2" seconds="${3:-10}" k
  kill -TERM "$pid" 2>/dev/null || true
  for ((k = 0; k < seconds * 10; k++)); do pid_alive "$pid" || return 0; sleep 0.1; done
  echo "$name did not exit within $seconds s; killing" >&2
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.2
}
