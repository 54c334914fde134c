#!/usr/bin/env bash
# Run the ClassComms test suite against a private PostgreSQL, Azurite and Redis.
#
#   infra/test.sh [extra dotnet test args...]      e.g. infra/test.sh --filter "FullyQualifiedName~Points"
#
# Starts (or reuses) infra/postgres.sh (with CLASSCOMMS_PG_FAST=1), infra/azurite.sh and infra/redis.sh, then runs
# `dotnet test` with results (TRX) in <repo>/.data/test-results. Exit code = dotnet test's exit code.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
RESULTS_DIR="$REPO_ROOT/.data/test-results"

die() { echo "test.sh: ERROR: $*" >&2; exit 1; }

command -v dotnet >/dev/null 2>&1 || die "dotnet SDK not found on PATH (see global.json for the required version)"

export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}"
export DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}"

# The browser tests (tests/ClassComms.Tests/Web) drive Debian's chromium through playwright-core (no browser download).
if [[ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]]; then
  echo "test.sh: installing Debian's chromium for the browser tests..." >&2
  sudo_=""; [[ "$(id -u)" -eq 0 ]] || sudo_="sudo"
  { $sudo_ apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq chromium; } >&2 \
    || die "could not install chromium (apt-get install chromium); the browser tests need it"
fi

pg_cs="$(CLASSCOMMS_PG_FAST=1 "$SCRIPT_DIR/postgres.sh")" || die "could not start PostgreSQL (see messages above)"
blob_cs="$("$SCRIPT_DIR/azurite.sh")" || die "could not start Azurite (see messages above)"
redis_cs="$("$SCRIPT_DIR/redis.sh")" || die "could not start Redis (see messages above)"

export ConnectionStrings__Marten="${pg_cs/Database=classcomms;/Database=classcomms_tests;}"
export ConnectionStrings__Blobs="$blob_cs"
export ConnectionStrings__Redis="$redis_cs"
echo "test.sh: ConnectionStrings__Marten=$ConnectionStrings__Marten" >&2
echo "test.sh: ConnectionStrings__Blobs=$ConnectionStrings__Blobs" >&2
echo "test.sh: ConnectionStrings__Redis=$ConnectionStrings__Redis" >&2

rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"

cd "$REPO_ROOT"
rc=0
dotnet test ClassComms.sln -c Release \
  --logger "trx;LogFileName=results.trx" \
  --results-directory "$RESULTS_DIR" \
  "$@" || rc=$?
exit "$rc"
