#!/usr/bin/env bash
# Messaging latency benchmark (a load driver, not a test; about 20–60 s on 2 cores).
#
#   infra/bench.sh            messaging latency (below)
#   infra/bench.sh media      media memory: the API's resident-memory growth for a 200 MB upload and download
#                             (tests/ClassComms.Benchmarks/MediaMemory.cs; writes .data/bench/media-memory.md)
#   infra/bench.sh stories    a 4-photo Class Story post to 30 families (POST → every guardian's push) beside a 30-family
#                             announcement in the same run, and a consent withdrawal for a student tagged in 200 posts
#                             (tests/ClassComms.Benchmarks/StoryLatency.cs; CLASSCOMMS_BENCH_N_S posts, default 50;
#                             writes .data/bench/story-latency.md)
#   infra/bench.sh export     a subject access export of one student with 10,000 point events and 50 attachments (time, API peak
#                             memory) beside a raw SQL read of the same rows (tests/ClassComms.Benchmarks/ExportBench.cs;
#                             CLASSCOMMS_BENCH_EXPORT_EVENTS, default 10000; writes .data/bench/export.md)
#   infra/bench.sh points     award → guardian push (one student, whole class of 30) and saturation with 20 concurrent
#                             senders, beside a durable baseline endpoint in the same run, and the encryption share
#                             (tests/ClassComms.Benchmarks/PointsBench.cs, DurableBaseline.cs; writes .data/bench/points.md);
#                             first a warm-up under the same load, not counted (CLASSCOMMS_BENCH_WARMUP_S s each of API awards,
#                             API messages and baseline awards, default 20; 0 = none, as runs before 2026-12-03 measured);
#                             reports each latency's time to the POST's answer beside it, and the CPU per operation of each
#                             saturation phase split into the API process, the driver (and baseline endpoint) and the rest
#                             (PostgreSQL, mostly)
#   infra/bench.sh connections  N WebSocket clients (CLASSCOMMS_BENCH_CONNECTIONS, default 10000) of a school of 1,000 families
#                             (CLASSCOMMS_BENCH_FAMILIES) on one API node, then on two nodes with the Redis backplane: the server's
#                             memory per connection and the time to fan a class announcement to every family (first, p50, p99,
#                             last; CLASSCOMMS_BENCH_N_ANNOUNCE, default 5), beside a bare SignalR hub process fanning out to the same
#                             connections in the same run (tests/ClassComms.Benchmarks/ConnectionsBench.cs; raises the open-file
#                             limit to the hard limit; starts Redis with infra/redis.sh unless CLASSCOMMS_BENCH_REDIS is set;
#                             writes .data/bench/connections.md; its API hashes passwords at CLASSCOMMS_BENCH_PASSWORD_ITERATIONS
#                             PBKDF2 iterations, default 1,000, to seed quickly; the product's default is 100,000)
#   infra/bench.sh idle       the API's CPU (% of one core) and database transactions per second while idle
#                             (tests/ClassComms.Benchmarks/IdleCpu.cs; writes .data/bench/idle.md)
#   infra/bench.sh erasure    a student's erasure by the workflow's steps (key destruction) beside Marten's event data masking of
#                             another student with the same data (CLASSCOMMS_BENCH_ERASURE_EVENTS points, default 10000; rounds:
#                             CLASSCOMMS_BENCH_ERASURE_ROUNDS, default 3) (tests/ClassComms.Benchmarks/ErasureBench.cs; writes .data/bench/erasure.md)
#   infra/bench.sh retention  one retention run over a school of 500 students and a year of points (52 weekly notes each),
#                             beside a plain SQL DELETE of the same points (tests/ClassComms.Benchmarks/RetentionRun.cs;
#                             the API in process with a movable clock; writes .data/bench/retention-run.md)
#
# What it measures: the time from just before a teacher's HTTP POST to the moment a guardian's SignalR client
# receives MessageReceived for that message id, through the whole real path: Kestrel → Wolverine.Http endpoint →
# Marten commit (events, inline projections, durable outbox envelope) → durable local queue → push handler
# (recipients, preferences) → SignalR group send over WebSockets. The API runs as a child process
# (Release build, ASPNETCORE_ENVIRONMENT=Production, fresh random keys) on a free 127.0.0.1 port, against a
# freshly recreated database classcomms_bench; the school is built through the HTTP API (leader, teacher,
# a class of 30 students, one registered guardian per student, all 30 connected to /hubs/notifications).
#
#   A  one private conversation: 200 messages (+20 warm-up) teacher → guardian 1, one at a time.
#   B  30-family class announcement: 50 announcements (+10 warm-up); every guardian's receipt, and the last one.
#   C  point push: 100 points (+10 warm-up) awarded to student 1, until guardian 1 receives PointAwarded.
#   Baseline, same run, same clients and measurement: a bare in-process SignalR hub (no auth, no storage)
#   whose Send(group, id) does Clients.Group(group).SendAsync("Msg", id), to 1 receiver and to a group of 30;
#   measured once with the API idle and then interleaved send by send with A and B (the table's baseline),
#   so that both see the same background load on a small shared machine.
#
# Prints (and writes to .data/bench/messaging-latency.md, raw samples in .csv next to it) a table of
# p50/p99 (nearest rank), the baseline, the ratios and the lost count (no receipt within 10 s), plus machine facts.
#
# Starts (or reuses) PostgreSQL and Azurite with infra/postgres.sh and infra/azurite.sh and leaves them running.
# In a second git worktree whose ports are already served by another checkout's cluster and Azurite, those
# scripts refuse (port in use): point the benchmark at the running services with the two variables below.
# Environment:
#   CLASSCOMMS_PG_FAST        passed to infra/postgres.sh: unset or 0 = durable commits (fsync, synchronous_commit
#                             on, as in production and infra/up.sh); 1 = the test settings. postgres.sh reloads
#                             the shared cluster when this differs from its current mode; the report prints the
#                             fsync and synchronous_commit in force.
#   CLASSCOMMS_BENCH_PG       PostgreSQL connection string; when set, infra/postgres.sh is not called.
#                             A database named classcomms_bench* is dropped and recreated on every run.
#   CLASSCOMMS_BENCH_BLOBS    Blob Storage connection string; when set, infra/azurite.sh is not called.
#   CLASSCOMMS_BENCH_API_DLL  the API to run (default: this checkout published by infra/publish.sh into .data/bench-api, its
#                             handler code generated before the build, as production runs; CLASSCOMMS_BENCH_GENERATED_CODE=Static).
#                             A given DLL from a plain build generates that code with Roslyn at start (Dynamic) unless
#                             CLASSCOMMS_BENCH_GENERATED_CODE=Static.
#   CLASSCOMMS_BENCH_API_CONNECTION_EXTRA  Npgsql settings appended to the API's connection string only, not the baseline's
#                             (e.g. "No Reset On Close=true"), to measure a connection setting against the same baseline.
#   CLASSCOMMS_BENCH_N_A, CLASSCOMMS_BENCH_N_B, CLASSCOMMS_BENCH_N_C   measured iterations of A (200), B (50) and C (100).
#   CLASSCOMMS_BENCH_PAUSE_MS  think time before each send (default 0: back to back, as fast as receipts come).
#   CLASSCOMMS_BENCH_LEGACY_SIGNUP=1  the API under test (CLASSCOMMS_BENCH_API_DLL) predates staff invitations and
#                             registration confirmation (e.g. 4da7414, before pushes waited for the inbox): the teacher gets a
#                             password from the leader and guardians are signed up at registration (messaging driver only).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

die() { echo "bench.sh: ERROR: $*" >&2; exit 1; }

command -v dotnet >/dev/null 2>&1 || die "dotnet SDK not found on PATH (see global.json for the required version)"
export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}"
export DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}"

if [[ -z "${CLASSCOMMS_BENCH_PG:-}" ]]; then
  pg_cs="$("$SCRIPT_DIR/postgres.sh")" || die "could not start PostgreSQL (see messages above)"
  export CLASSCOMMS_BENCH_PG="${pg_cs/Database=classcomms;/Database=classcomms_bench;}"
fi
if [[ -z "${CLASSCOMMS_BENCH_BLOBS:-}" ]]; then
  CLASSCOMMS_BENCH_BLOBS="$("$SCRIPT_DIR/azurite.sh")" || die "could not start Azurite (see messages above)"
  export CLASSCOMMS_BENCH_BLOBS
fi

if [[ "${1:-}" == connections ]]; then
  # One socket per client in the driver and one per connection in the API: 10,000 connections need more than 1024 files.
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  (( $(ulimit -n) >= 12000 )) || echo "bench.sh: warning: open-file limit $(ulimit -n); fewer connections will succeed" >&2
  if [[ -z "${CLASSCOMMS_BENCH_REDIS:-}" ]]; then
    CLASSCOMMS_BENCH_REDIS="$("$SCRIPT_DIR/redis.sh")" || die "could not start Redis (see messages above)"
    export CLASSCOMMS_BENCH_REDIS
  fi
fi

cd "$REPO_ROOT"
if [[ -z "${CLASSCOMMS_BENCH_API_DLL:-}" && "${1:-}" != erasure && "${1:-}" != retention ]]; then
  # The API as production runs it: published by infra/publish.sh, its Wolverine and Marten code generated before the build
  # (Startup:GeneratedCode=Static), no Roslyn loaded at run time. (erasure and retention run the API in the benchmark's process.)
  echo "bench.sh: publishing the API (infra/publish.sh: Release, code generated before the build) and building the benchmark" >&2
  CLASSCOMMS_PUBLISH_WEB=skip CLASSCOMMS_OPENAPI_OUT="$REPO_ROOT/.data/bench-api-openapi.json" \
    "$SCRIPT_DIR/publish.sh" "$REPO_ROOT/.data/bench-api" >&2 || die "publishing the API failed"
  export CLASSCOMMS_BENCH_API_DLL="$REPO_ROOT/.data/bench-api/ClassComms.Api.dll"
  export CLASSCOMMS_BENCH_GENERATED_CODE="${CLASSCOMMS_BENCH_GENERATED_CODE:-Static}"
else
  # A given build (CLASSCOMMS_BENCH_API_DLL, e.g. an older commit's `dotnet build -c Release -o <dir>`) generates its code at start
  # unless CLASSCOMMS_BENCH_GENERATED_CODE=Static says it was published with it.
  echo "bench.sh: building the API and the benchmark (Release)" >&2
  dotnet build -c Release --nologo -v quiet src/ClassComms.Api/ClassComms.Api.csproj >&2 || die "API build failed"
  export CLASSCOMMS_BENCH_API_DLL="${CLASSCOMMS_BENCH_API_DLL:-$REPO_ROOT/src/ClassComms.Api/bin/Release/net10.0/ClassComms.Api.dll}"
fi
exec dotnet run -c Release --project tests/ClassComms.Benchmarks -- "$@"
