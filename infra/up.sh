#!/usr/bin/env bash
# Start PostgreSQL + Azurite + Redis and run the ClassComms API with a seeded demo school.
#
#   infra/up.sh [extra dotnet run args...]
#
# API:  http://127.0.0.1:${CLASSCOMMS_PORT:-5080}   API UI (Scalar): /scalar
# Web app (src/ClassComms.Web): the same address, built against the running API's contract once it is ready (CLASSCOMMS_WEB_BUILD=0 skips).
# The demo logins are printed by the application at startup. Stop with Ctrl-C; the databases keep
# running (stop them with infra/postgres.sh stop / infra/azurite.sh stop / infra/redis.sh stop).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
PORT="${CLASSCOMMS_PORT:-5080}"

die() { echo "up.sh: ERROR: $*" >&2; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] && (( PORT > 0 && PORT < 65536 )) || die "CLASSCOMMS_PORT='$PORT' is not a valid TCP port"
command -v dotnet >/dev/null 2>&1 || die "dotnet SDK not found on PATH (see global.json for the required version)"
if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null; then
  die "port $PORT on 127.0.0.1 is already in use (is the API already running?). Pick another, e.g.: CLASSCOMMS_PORT=$((PORT + 1)) $0"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}"
export DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}"

pg_cs="$("$SCRIPT_DIR/postgres.sh")" || die "could not start PostgreSQL (see messages above)"
blob_cs="$("$SCRIPT_DIR/azurite.sh")" || die "could not start Azurite (see messages above)"
redis_cs="$("$SCRIPT_DIR/redis.sh")" || die "could not start Redis (see messages above)"

export ConnectionStrings__Marten="$pg_cs"
export ConnectionStrings__Blobs="$blob_cs"
export ConnectionStrings__Redis="$redis_cs" # SignalR backplane and cluster-wide signals (README "Several nodes")
export ASPNETCORE_ENVIRONMENT=Development
export Demo__Seed=true
# Development outbox of password-reset mails (a real sender replaces it in production; see README).
export Auth__PasswordReset__OutboxPath="$REPO_ROOT/.data/outbox/password-resets.jsonl"
# Development outbox of guardian-registration confirmation mails (the demo parent is confirmed from it).
export Guardians__Registration__OutboxPath="$REPO_ROOT/.data/outbox/registrations.jsonl"
# Development outbox of staff invitation mails (a leader invites staff; the invitee accepts with the token and sets a password).
export Staff__Invitation__OutboxPath="$REPO_ROOT/.data/outbox/staff-invitations.jsonl"
# Development outbox of the incident register's 72-hour reminder mails to the school's DPOs.
export Incidents__Reminders__OutboxPath="$REPO_ROOT/.data/outbox/incident-reminders.jsonl"
# Development outboxes of e-mail rectification: the confirmation to the new address, the notice to the old one.
export Rectification__Email__OutboxPath="$REPO_ROOT/.data/outbox/email-changes.jsonl"
export Rectification__Email__NoticeOutboxPath="$REPO_ROOT/.data/outbox/email-changed-notices.jsonl"

cat <<MSG
ClassComms API:  http://127.0.0.1:$PORT
API UI (Scalar): http://127.0.0.1:$PORT/scalar
PostgreSQL:      $pg_cs
Redis:           $redis_cs
Starting (first build may take a minute)... Ctrl-C to stop.
MSG

cd "$REPO_ROOT"
# The web app: served by the API from src/ClassComms.Web/dist; built (npm ci when needed, then npm run build, which generates its
# typed client from this API's /openapi/v1.json) in the background as soon as the API is ready.
WEB_DIR="$REPO_ROOT/src/ClassComms.Web"
export Web__Root="$WEB_DIR/dist"
mkdir -p "$Web__Root"
if [[ "${CLASSCOMMS_WEB_BUILD:-1}" != "0" ]] && command -v npm >/dev/null 2>&1; then
  (
    for _ in $(seq 1 600); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health/ready" 2>/dev/null && break; sleep 1; done
    cd "$WEB_DIR"
    { [[ -f node_modules/.package-lock.json && node_modules/.package-lock.json -nt package-lock.json ]] || npm ci --no-audit --no-fund --loglevel=error; } \
      >"$REPO_ROOT/.data/web-build.log" 2>&1 \
      && CLASSCOMMS_OPENAPI="http://127.0.0.1:$PORT/openapi/v1.json" npm run build >>"$REPO_ROOT/.data/web-build.log" 2>&1 \
      && echo "Web app:         http://127.0.0.1:$PORT/  (sign in with a demo login above; fr/en)" \
      || echo "up.sh: the web app did not build (see .data/web-build.log); the API runs without it" >&2
  ) &
fi
# --no-launch-profile: the environment above is authoritative (a launchSettings.json must not override it).
# The address is set through ASPNETCORE_URLS: a `--urls` argument makes the JasperFx command line bypass itself.
export ASPNETCORE_URLS="http://127.0.0.1:$PORT"
exec dotnet run --project src/ClassComms.Api --no-launch-profile "$@"
