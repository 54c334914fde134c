#!/usr/bin/env bash
# Start-up figures of the API (a measurement, not a test): start-to-ready, first-request latency, process memory.
#
#   infra/startup-figures.sh [runs]          default 5 measured runs (after one unmeasured warm-up run)
#
# Publishes the API with infra/publish.sh (Release, code pre-generated with `codegen write`) into
# .data/startup/app, unless CLASSCOMMS_STARTUP_APP names an already published folder. Then, against a database
# classcomms_startup (created if missing; its schema applied once with `resources setup` unless
# CLASSCOMMS_STARTUP_SETUP=0), it starts the API runs+1 times as its own process on 127.0.0.1, each time:
#   ready_ms     launch → first 200 from /health/ready (polled every 20 ms)
#   rss_ready    the process's resident memory (VmRSS) at that moment
#   first_ms     the first request: POST /api/schools (a new school and leader; Wolverine endpoint, Marten commit)
#   second_ms    the same request again (a warm endpoint), for comparison
#   login_ms     POST /api/auth/login of that leader (a second endpoint's first call)
#   rss_after    VmRSS after those three requests
# and stops it (SIGTERM). Prints each run and the medians of the measured runs (the warm-up run is dropped).
# Environment: CLASSCOMMS_STARTUP_ENV (default Production), CLASSCOMMS_STARTUP_PORT (default 5190), and the
# ports of infra/postgres.sh and infra/azurite.sh (CLASSCOMMS_PG_PORT, CLASSCOMMS_AZURITE_PORT).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
RUNS="${1:-5}"
PORT="${CLASSCOMMS_STARTUP_PORT:-5190}"
ENVIRONMENT="${CLASSCOMMS_STARTUP_ENV:-Production}"
APP="${CLASSCOMMS_STARTUP_APP:-}"
OUT="$REPO_ROOT/.data/startup"

die() { echo "startup-figures.sh: ERROR: $*" >&2; exit 1; }
log() { echo "startup-figures.sh: $*" >&2; }

command -v curl >/dev/null 2>&1 || die "curl is required"
command -v psql >/dev/null 2>&1 || die "psql is required (installed with PostgreSQL by infra/postgres.sh)"
if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null; then die "port $PORT is in use (CLASSCOMMS_STARTUP_PORT moves it)"; fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

pg_cs="$("$SCRIPT_DIR/postgres.sh")" || die "could not start PostgreSQL"
blob_cs="$("$SCRIPT_DIR/azurite.sh")" || die "could not start Azurite"
pg_port="$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$pg_cs")"
PGPASSWORD=classcomms psql -h 127.0.0.1 -p "$pg_port" -U classcomms -d classcomms -tAc \
  "select 1 from pg_database where datname = 'classcomms_startup'" | grep -q 1 \
  || PGPASSWORD=classcomms psql -h 127.0.0.1 -p "$pg_port" -U classcomms -d classcomms -qc "create database classcomms_startup" >&2

mkdir -p "$OUT"
if [[ -z "$APP" ]]; then
  APP="$OUT/app"
  "$SCRIPT_DIR/publish.sh" "$APP" >&2 || die "publish failed"
fi
[[ -f "$APP/ClassComms.Api.dll" ]] || die "$APP/ClassComms.Api.dll not found"

export ASPNETCORE_ENVIRONMENT="$ENVIRONMENT" DOTNET_ENVIRONMENT="$ENVIRONMENT"
export ConnectionStrings__Marten="${pg_cs/Database=classcomms;/Database=classcomms_startup;}"
export ConnectionStrings__Blobs="$blob_cs"
export PersonalData__MasterKey="$(head -c 32 /dev/urandom | base64)"
export PersonalData__LookupKey="$(head -c 32 /dev/urandom | base64)"
export PersonalData__AllowSharedKeyDatabase=true
export Auth__SigningKey="startup-figures-signing-key-$(head -c 16 /dev/urandom | base64)"
export Platform__OperatorKey="startup-figures-operator"
export Demo__Seed=false
export Email__Smtp__Host=smtp.startup-figures.test Email__Smtp__From=no-reply@startup-figures.test   # required in Production; never used here

if [[ "${CLASSCOMMS_STARTUP_SETUP:-1}" == "1" ]]; then
  log "resources setup (the explicit migration step)"
  (cd "$APP" && timeout 300 dotnet ClassComms.Api.dll resources setup >"$OUT/setup.log" 2>&1) || die "resources setup failed (see $OUT/setup.log)"
fi

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
post() { # url body [header] -> "status ms"
  curl -s -o /dev/null -w '%{http_code} %{time_total}' -X POST "http://127.0.0.1:$PORT$1" \
    -H 'Content-Type: application/json' ${3:+-H "$3"} --data "$2" | awk '{ printf "%s %.0f\n", $1, $2 * 1000 }'
}

results="$OUT/figures.tsv"
printf 'run\tready_ms\trss_ready_mb\tfirst_status\tfirst_ms\tsecond_ms\tlogin_status\tlogin_ms\trss_after_mb\n' >"$results"
trap '[[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null || true' EXIT
for run in $(seq 0 "$RUNS"); do
  start=$(now_ms)
  (cd "$APP" && ASPNETCORE_URLS="http://127.0.0.1:$PORT" exec dotnet ClassComms.Api.dll) >"$OUT/run-$run.log" 2>&1 &
  pid=$!
  ready=""
  while kill -0 "$pid" 2>/dev/null; do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready" || true)" == "200" ]]; then ready=$(( $(now_ms) - start )); break; fi
    (( $(now_ms) - start > 180000 )) && break
    sleep 0.02
  done
  [[ -n "$ready" ]] || { kill "$pid" 2>/dev/null || true; die "run $run: not ready (see $OUT/run-$run.log)"; }
  rss_ready=$(rss_mb "$pid")
  email="leader-$run-$(date +%s%N)@startup.test"
  read -r s1 t1 < <(post /api/schools "{\"name\":\"Startup $run\",\"leader\":{\"name\":\"Leader\",\"email\":\"$email\",\"password\":\"startup-figures-pw\"}}" "X-Operator-Key: $Platform__OperatorKey")
  read -r _ t2 < <(post /api/schools "{\"name\":\"Startup $run b\",\"leader\":{\"name\":\"Leader\",\"email\":\"b-$email\",\"password\":\"startup-figures-pw\"}}" "X-Operator-Key: $Platform__OperatorKey")
  read -r s3 t3 < <(post /api/auth/login "{\"email\":\"$email\",\"password\":\"startup-figures-pw\"}")
  rss_after=$(rss_mb "$pid")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$ready" "$rss_ready" "$s1" "$t1" "$t2" "$s3" "$t3" "$rss_after" | tee -a "$results" >&2
done

median() { tail -n +3 "$results" | cut -f"$1" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
echo "Medians of $RUNS runs ($ENVIRONMENT, $APP; warm-up run dropped; raw: $results):"
echo "  start-to-ready      $(median 2) ms"
echo "  memory at ready     $(median 3) MB"
echo "  first request       $(median 5) ms   (POST /api/schools; the same request again: $(median 6) ms)"
echo "  first login         $(median 8) ms"
echo "  memory after        $(median 9) MB"
