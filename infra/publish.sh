#!/usr/bin/env bash
# Publish the API for production, with its Wolverine code generated before the build (no Roslyn at run time).
#
#   infra/publish.sh [output dir [dotnet publish args...]]        default: .data/publish
#
# 1. builds the API (Release); 2. runs `codegen write` (Development settings, no database or Blob Storage needed),
# which writes the handler and endpoint code to src/ClassComms.Api/Internal/Generated; 3. `dotnet publish` compiles
# it into ClassComms.Api.dll; 4. deletes Internal/Generated again (it is never committed: it would go stale with the
# next endpoint change); 5. writes this build's OpenAPI document (Wolverine.Http's `openapi -o <file>`, no database either) to
# $CLASSCOMMS_OPENAPI_OUT (default .data/publish-openapi/v1.json); 6. builds the web app (src/ClassComms.Web: `npm ci`,
# `npm run build` with its client generated from that document) into <output>/wwwroot, where the API serves it.
# CLASSCOMMS_PUBLISH_WEB=skip leaves step 6 out (the Dockerfile builds the app in its own node stage from the document);
# without npm on PATH the script stops rather than publish an API without its app. Outside Development and Testing the API loads those types (TypeLoadMode.Static) and refuses to
# start without them, so run production from this output (the Dockerfile does the same steps).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
OUT="${1:-$REPO_ROOT/.data/publish}"
shift $(( $# > 0 ? 1 : 0 ))
API="$REPO_ROOT/src/ClassComms.Api"
GENERATED="$API/Internal/Generated"

die() { echo "publish.sh: ERROR: $*" >&2; exit 1; }
command -v dotnet >/dev/null 2>&1 || die "dotnet SDK not found on PATH (see global.json for the required version)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

rm -rf "$GENERATED"
trap 'rm -rf "$GENERATED"; rmdir "$API/Internal" 2>/dev/null || true' EXIT

dotnet build "$API" -c Release -v q -nologo
# Connection strings that lead nowhere: generating code must not need the database or Blob Storage.
(cd "$API" && ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development Demo__Seed=false \
  ConnectionStrings__Marten="Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none" \
  ConnectionStrings__Blobs="UseDevelopmentStorage=true" \
  dotnet bin/Release/net10.0/ClassComms.Api.dll codegen write >/dev/null) || die "codegen write failed"
count=$(find "$GENERATED" -name '*.cs' | wc -l)
(( count > 0 )) || die "codegen write produced no files"
echo "publish.sh: $count generated files" >&2
dotnet publish "$API" -c Release -o "$OUT" -v q -nologo "$@"
# The contract of this build, for the web app's generated client (and for the Dockerfile's web stage).
CONTRACT="${CLASSCOMMS_OPENAPI_OUT:-$REPO_ROOT/.data/publish-openapi/v1.json}"
(cd "$API" && ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development Demo__Seed=false \
  ConnectionStrings__Marten="Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none" \
  ConnectionStrings__Blobs="UseDevelopmentStorage=true" \
  dotnet bin/Release/net10.0/ClassComms.Api.dll openapi -o "$CONTRACT" >/dev/null) || die "openapi (writing the API contract) failed"
echo "publish.sh: API contract written to $CONTRACT" >&2
WEB="$REPO_ROOT/src/ClassComms.Web"
if [[ "${CLASSCOMMS_PUBLISH_WEB:-build}" == "skip" ]]; then
  echo "publish.sh: CLASSCOMMS_PUBLISH_WEB=skip: the web app is not built here" >&2
else
  command -v npm >/dev/null 2>&1 || die "npm not found on PATH: the web app (src/ClassComms.Web) cannot be built (CLASSCOMMS_PUBLISH_WEB=skip publishes the API alone)"
  (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error && CLASSCOMMS_OPENAPI="$CONTRACT" npm run build) >&2 || die "the web app's build failed"
  rm -rf "$OUT/wwwroot" && cp -r "$WEB/dist" "$OUT/wwwroot"
  echo "publish.sh: web app built and copied to $OUT/wwwroot" >&2
fi
echo "publish.sh: published to $OUT" >&2
