#!/usr/bin/env bash
# Generate a TypeScript client from the ClassComms OpenAPI document and type-check code that uses its typed responses.
#
#   infra/openapi-client.sh                    # the document as served by the test host (runs the contract test, which writes it)
#   infra/openapi-client.sh http://127.0.0.1:5080/openapi/v1.json   # from a running API (e.g. infra/up.sh)
#   infra/openapi-client.sh path/to/v1.json    # from a file
#
# Pinned tools in infra/openapi-client/package.json (openapi-typescript, openapi-fetch, TypeScript), installed with npm ci.
# Writes infra/openapi-client/generated/classcomms.ts (not committed), then runs `tsc --noEmit` on infra/openapi-client/client.ts,
# which calls the API through openapi-fetch and fails to compile if a response it reads is untyped (unknown, never or any).
# Finally it compiles a deliberate type error against the same client and fails unless tsc rejects it.
# Exit code 0 = the client compiles with typed responses.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
CLIENT_DIR="$SCRIPT_DIR/openapi-client"
DOCUMENT="$REPO_ROOT/.data/openapi/v1.json"

die() { echo "openapi-client.sh: ERROR: $*" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || die "npm not found (Node.js 18+ is needed)"

source="${1:-}"
if [[ "$source" =~ ^https?:// ]]; then
  mkdir -p "$(dirname "$DOCUMENT")"
  curl -fsS "$source" -o "$DOCUMENT" || die "could not fetch $source"
elif [[ -n "$source" ]]; then
  [[ -f "$source" ]] || die "no such file: $source"
  DOCUMENT="$(cd "$(dirname "$source")" && pwd)/$(basename "$source")"
else
  rm -f "$DOCUMENT"
  echo "openapi-client.sh: reading the document from the test host (Platform/when_reading_the_api_contract)..." >&2
  "$SCRIPT_DIR/test.sh" --filter "FullyQualifiedName~when_reading_the_api_contract" >&2 || true
  [[ -f "$DOCUMENT" ]] || die "the contract test did not write $DOCUMENT (see its output above)"
fi

cd "$CLIENT_DIR"
npm ci --no-audit --no-fund --loglevel=error >&2
mkdir -p generated
npx --no-install openapi-typescript "$DOCUMENT" -o generated/classcomms.ts >&2
echo "openapi-client.sh: generated $(grep -c 'operations\["' generated/classcomms.ts) operation references in infra/openapi-client/generated/classcomms.ts" >&2

npx --no-install tsc -p tsconfig.json || die "client.ts does not compile against the generated client (see above)"
echo "openapi-client.sh: client.ts compiles with typed responses"

# The check can fail: a deliberate misuse of a typed response must be rejected.
proof="$CLIENT_DIR/generated/deliberate-error.ts"
cat > "$proof" <<'TS'
import type { paths } from "./classcomms";
type Awarded = paths["/api/classes/{classId}/points"]["post"]["responses"][201]["content"]["application/json"];
declare const awarded: Awarded;
export const wrong: number = awarded.awardId; // a uuid string, not a number
TS
if out="$(npx --no-install tsc --noEmit --strict --target ES2022 --moduleResolution bundler --module esnext "$proof" 2>&1)"; then
  die "a deliberate type error compiled: responses are not typed"
fi
echo "openapi-client.sh: a deliberate type error is rejected, as it should be:"
echo "$out" | grep -m1 "error TS" | sed "s#$CLIENT_DIR/##"
