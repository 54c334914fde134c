// Messaging latency benchmark: teacher action → guardian's SignalR MessageReceived, against the real API
// (child process, Production settings, real Kestrel/WebSockets on 127.0.0.1, real PostgreSQL and Azurite),
// compared with a bare in-process SignalR group send measured the same way in the same run. See infra/bench.sh.
//
// Environment (all optional):
//   CLASSCOMMS_BENCH_API_DLL  ClassComms.Api.dll to run (default: src/ClassComms.Api/bin/Release/net10.0)
//   CLASSCOMMS_BENCH_PG       PostgreSQL connection string (default database classcomms_bench on 127.0.0.1:55432;
//                             a database named classcomms_bench* is dropped and recreated for every run)
//   CLASSCOMMS_BENCH_BLOBS    Blob Storage connection string (default: Azurite on 127.0.0.1:10000)
//   CLASSCOMMS_BENCH_N_A / _N_B / _N_C  measured iterations of scenario A (200), B (50) and C (100); warm-up 20, 10, 10
//   CLASSCOMMS_BENCH_PAUSE_MS think time before each scenario send (default 0: back to back)
//   CLASSCOMMS_BENCH_OUT      result file (default .data/bench/messaging-latency.md in the repository)

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using ClassComms.Benchmarks;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

if (ConnectionsBench.IsServer(args)) return await ConnectionsBench.ServeAsync(); // the connections benchmark's baseline server (a child process)

const int Families = 30;
const int WarmUpA = 20;
const int WarmUpB = 10;
const int WarmUpC = 10;
var receiptTimeout = TimeSpan.FromSeconds(10);
var nA = EnvInt("CLASSCOMMS_BENCH_N_A", 200);
var nB = EnvInt("CLASSCOMMS_BENCH_N_B", 50);
var nC = EnvInt("CLASSCOMMS_BENCH_N_C", 100);
var pause = TimeSpan.FromMilliseconds(EnvInt("CLASSCOMMS_BENCH_PAUSE_MS", 0, allowZero: true));

var repo = RepoRoot();
var apiDll = Env("CLASSCOMMS_BENCH_API_DLL") ?? Path.Combine(repo, "src", "ClassComms.Api", "bin", "Release", "net10.0", "ClassComms.Api.dll");
var pg = Env("CLASSCOMMS_BENCH_PG") ?? "Host=127.0.0.1;Port=55432;Database=classcomms_bench;Username=classcomms;Password=classcomms";
var blobs = Env("CLASSCOMMS_BENCH_BLOBS") ?? Env("ConnectionStrings__Blobs")
            ?? "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";
if (args is ["media", ..]) // media memory benchmark (MediaMemory.cs): infra/bench.sh media
{
    await PrepareDatabaseAsync(pg);
    return await MediaMemory.RunAsync(apiDll, pg, blobs, Env("CLASSCOMMS_BENCH_OUT") ?? Path.Combine(repo, ".data", "bench", "media-memory.md"));
}

if (args is ["connections", ..]) // WebSocket connections and a 1,000-family fan-out, one node and two (ConnectionsBench.cs): infra/bench.sh connections
{
    var connectionsOut = Env("CLASSCOMMS_BENCH_OUT") ?? Path.Combine(repo, ".data", "bench", "connections.md");
    var schoolFile = Path.ChangeExtension(connectionsOut, null) + "-school.json";
    var reuse = Env("CLASSCOMMS_BENCH_REUSE_SCHOOL") == "1" && File.Exists(schoolFile);
    if (!reuse) await PrepareDatabaseAsync(pg);
    return await ConnectionsBench.RunAsync(apiDll, pg, blobs, Env("CLASSCOMMS_BENCH_REDIS"),
        connectionsOut,
        EnvInt("CLASSCOMMS_BENCH_FAMILIES", 1000), EnvInt("CLASSCOMMS_BENCH_CONNECTIONS", 10_000), EnvInt("CLASSCOMMS_BENCH_N_ANNOUNCE", 5),
        schoolFile, reuse, EnvInt("CLASSCOMMS_BENCH_SEED_PARALLEL", 8),
        (Env("CLASSCOMMS_BENCH_SETUPS") ?? "one,baseline,two").Split(','));
}

if (args is ["export", ..]) // subject access export beside a raw SQL read of the same rows (ExportBench.cs): infra/bench.sh export
{
    await PrepareDatabaseAsync(pg);
    return await ExportBench.RunAsync(apiDll, pg, blobs, Env("CLASSCOMMS_BENCH_OUT") ?? Path.Combine(repo, ".data", "bench", "export.md"),
        EnvInt("CLASSCOMMS_BENCH_EXPORT_EVENTS", 10_000));
}

if (args is ["erasure", ..]) // a student's erasure (key destruction) beside Marten's event data masking of the same data (ErasureBench.cs): infra/bench.sh erasure
{
    await PrepareDatabaseAsync(pg);
    return await ErasureBench.RunAsync(pg, blobs, Env("CLASSCOMMS_BENCH_OUT") ?? Path.Combine(repo, ".data", "bench", "erasure.md"),
        Path.Combine(repo, "src", "ClassComms.Api"), EnvInt("CLASSCOMMS_BENCH_ERASURE_EVENTS", 10_000), EnvInt("CLASSCOMMS_BENCH_ERASURE_ROUNDS", 3));
}

if (args is ["retention", ..]) // retention run over a school of 500 students and a year of points (RetentionRun.cs): infra/bench.sh retention
{
    await PrepareDatabaseAsync(pg);
    return await RetentionRun.RunAsync(pg, blobs, Env("CLASSCOMMS_BENCH_OUT") ?? Path.Combine(repo, ".data", "bench", "retention-run.md"),
        Path.Combine(repo, "src", "ClassComms.Api"));
}

if (args is ["idle", ..]) // the API's CPU and database transactions while idle (IdleCpu.cs): infra/bench.sh idle
{
    await PrepareDatabaseAsync(pg);
    return await IdleCpu.RunAsync(apiDll, pg, blobs, Env("CLASSCOMMS_BENCH_OUT") ?? Path.Combine(repo, ".data", "bench", "idle.md"),
        TimeSpan.FromSeconds(EnvInt("CLASSCOMMS_BENCH_IDLE_SETTLE_S", 30)), TimeSpan.FromSeconds(EnvInt("CLASSCOMMS_BENCH_IDLE_S", 60)));
}

if (args is ["points", ..]) // award → push and saturation beside a durable baseline, and the encryption share (PointsBench.cs): infra/bench.sh points
{
    await PrepareDatabaseAsync(pg);
    return await PointsBench.RunAsync(apiDll, pg, blobs, Env("CLASSCOMMS_BENCH_OUT") ?? Path.Combine(repo, ".data", "bench", "points.md"),
        EnvInt("CLASSCOMMS_BENCH_N_ONE", 100), EnvInt("CLASSCOMMS_BENCH_N_CLASS", 30), TimeSpan.FromSeconds(EnvInt("CLASSCOMMS_BENCH_SATURATE_S", 20)),
        EnvInt("CLASSCOMMS_BENCH_TEACHERS", 20), TimeSpan.FromSeconds(EnvInt("CLASSCOMMS_BENCH_WARMUP_S", 20)));
}

if (args is ["stories", ..]) // story post and consent withdrawal benchmark (StoryLatency.cs): infra/bench.sh stories
{
    await PrepareDatabaseAsync(pg);
    return await StoryLatency.RunAsync(apiDll, pg, blobs, Env("CLASSCOMMS_BENCH_OUT") ?? Path.Combine(repo, ".data", "bench", "story-latency.md"),
        EnvInt("CLASSCOMMS_BENCH_N_S", 50), receiptTimeout);
}

var output = Env("CLASSCOMMS_BENCH_OUT") ?? Path.Combine(repo, ".data", "bench", "messaging-latency.md");
var rawOutput = Path.ChangeExtension(output, ".csv");
var raw = new List<string> { "scenario,iteration,receiver,request_ms,receipt_ms" };

var wall = Stopwatch.StartNew();
ApiDriver? api = null;
Console.CancelKeyPress += (_, _) => api?.Kill();
AppDomain.CurrentDomain.ProcessExit += (_, _) => api?.Kill();
// Bounded: whatever happens, the run (and the API child) ends within 20 minutes.
using var watchdog = new Timer(_ =>
{
    Console.Error.WriteLine("bench: watchdog: the run exceeded 20 minutes; stopping.");
    api?.Kill();
    Environment.Exit(2);
}, null, TimeSpan.FromMinutes(20), Timeout.InfiniteTimeSpan);

var facts = new List<string>
{
    $"Machine: {Environment.ProcessorCount} logical cores, {CpuModel()}, {RuntimeInformation.OSDescription}",
    $".NET: {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.ProcessArchitecture})",
    $"PostgreSQL: {await PrepareDatabaseAsync(pg)}",
    $"Run: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; load driver, API process and baseline server share the machine; loopback only; load average at start {CpuMeter.LoadAverage()}",
};
foreach (var fact in facts) Console.WriteLine($"bench: {fact}");
if (double.TryParse(CpuMeter.LoadAverage().Split(' ')[0], CultureInfo.InvariantCulture, out var load) && load > 0.5 * Environment.ProcessorCount)
{
    Console.WriteLine($"bench: warning: the machine is already busy (load average {load}); latencies will be noisy, ratios less so.");
}

var a = new Samples("A ClassComms (1 guardian)");
var aHttp = new Samples("A HTTP POST → 201 read");
var aAfterResponse = new Samples("A receipt − 201 read (negative: push came first)");
var b = new Samples("B ClassComms (every guardian receipt)");
var bLast = new Samples("B ClassComms (last guardian per announcement)");
var bHttp = new Samples("B HTTP POST → 201 read");
var baseA = new Samples("Baseline, interleaved with A (1 receiver)");
var baseB = new Samples("Baseline, interleaved with B (every receipt of 30)");
var baseBLast = new Samples("Baseline, interleaved with B (last of 30)");
var c = new Samples("C ClassComms point push (1 guardian)");
var cHttp = new Samples("C HTTP POST → 201 read");
var baseC = new Samples("Baseline, interleaved with C (1 receiver)");
var readableAtReceipt = 0;
var emptyAtReceipt = 0;
var idleA = new Samples("Baseline, API idle (1 receiver)");
var idleB = new Samples("Baseline, API idle (every receipt of 30)");
var idleBLast = new Samples("Baseline, API idle (last of 30)");

string? cpu = null;
string? apiIdle = null;
try
{
    Console.WriteLine($"bench: starting the API ({apiDll})");
    api = await ApiDriver.StartAsync(apiDll, pg, blobs, TimeSpan.FromMinutes(2));
    Console.WriteLine($"bench: API ready on {api.BaseAddress} after {wall.Elapsed.TotalSeconds:0.0} s; building the world through the API");

    var world = await api.BuildWorldAsync(Families);
    var receipts = new Receipts<Guid>();
    for (var i = 0; i < Families; i++) await api.ConnectAsync(world.Guardians[i], i, receipts);
    Console.WriteLine($"bench: {Families} students, {Families} guardians registered and connected (WebSockets) after {wall.Elapsed.TotalSeconds:0.0} s");

    // Baseline: bare hub, same clients and measurement, no auth, no storage. Measured once with the API idle, then
    // interleaved send by send with the scenarios so that it sees the same background load (the table uses the latter).
    await using var baseline = await BaselineServer.StartAsync();
    var ids = new Receipts<long>();
    var soloSender = await baseline.GroupAsync("solo", 1, ids);
    var classSender = await baseline.GroupAsync("class", Families, ids);
    long lastId = 0;

    async Task<long?[]> BaselineSend(HubConnection sender, string group, int members, Samples every, Samples? last, string? raw, int iteration)
    {
        var id = ++lastId;
        var t0 = Clock.Now();
        await sender.InvokeAsync("Send", group, id);
        var t1 = Clock.Now();
        var arrivals = await Task.WhenAll(Enumerable.Range(0, members).Select(r => ids.WaitAsync(r, id, receiptTimeout)));
        if (iteration < 0) return arrivals;
        Record(every, last, t0, arrivals);
        if (raw is not null)
        {
            for (var r = 0; r < members; r++) Raw(raw, iteration, r, t0, t1, arrivals[r]);
        }

        return arrivals;
    }

    await Task.Delay(TimeSpan.FromSeconds(2)); // let the async daemon and the outbox settle after the world build
    var idleCpu = api.ProcessorTime();
    var idleWall = Stopwatch.StartNew();
    for (var i = 0; i < WarmUpA + nA; i++) await BaselineSend(soloSender, "solo", 1, idleA, null, null, i - WarmUpA);
    for (var i = 0; i < WarmUpB + nB; i++) await BaselineSend(classSender, "class", Families, idleB, idleBLast, null, i - WarmUpB);
    await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, 3 - idleWall.Elapsed.TotalSeconds)));
    apiIdle = $"{(api.ProcessorTime() - idleCpu).TotalSeconds / idleWall.Elapsed.TotalSeconds:P1} of one core over {idleWall.Elapsed.TotalSeconds:0.0} s (background: async daemon, Wolverine durability agent, keep-alives)";
    Console.WriteLine($"bench: {idleA.Summary()}");
    Console.WriteLine($"bench: {idleB.Summary()}");
    Console.WriteLine($"bench: API CPU while idle: {apiIdle}");

    var meter = new CpuMeter(api.ProcessorTime);

    // Scenario A: one private conversation, teacher → guardian 1, sequential.
    var started = await ApiDriver.Post<ConversationsStarted>(world.Teacher.Http, "/api/conversations",
        new StartConversation(world.Students[0], "private", "Hello, a quick word about today.", false));
    var thread = started.Threads.Single();
    if (await receipts.WaitAsync(0, thread.MessageId, receiptTimeout) is null) Console.WriteLine("bench: warning: no push for the opening message");
    // Guardian 1 behaves as the README says a client should: on each push, read the inbox after its last cursor.
    var inbox = world.Guardians[0];
    var inboxCursor = 0L;
    for (var settled = Stopwatch.StartNew(); settled.Elapsed < receiptTimeout;)
    {
        var page = await ApiDriver.Get<InboxPage>(inbox.Http, $"/api/inbox?after={inboxCursor}&limit=100");
        inboxCursor = page.Cursor;
        if (page.Items.Any(m => m.Message.MessageId == thread.MessageId)) break;
        await Task.Delay(50);
    }

    for (var i = 0; i < WarmUpA + nA; i++)
    {
        await Pause();
        var t0 = Clock.Now();
        var accepted = await ApiDriver.Post<MessageAccepted>(world.Teacher.Http, $"/api/conversations/{thread.ConversationId}/messages",
            new PostMessage($"Message {i}: the class trip is on Friday."));
        var t1 = Clock.Now();
        var arrival = await receipts.WaitAsync(0, accepted.MessageId, receiptTimeout);
        if (i >= WarmUpA)
        {
            aHttp.Add(Clock.Ms(t0, t1));
            if (arrival is not { } at) a.AddLost();
            else
            {
                a.Add(Clock.Ms(t0, at));
                aAfterResponse.Add(Clock.Ms(t1, at));
                var page = await ApiDriver.Get<InboxPage>(inbox.Http, $"/api/inbox?after={inboxCursor}&limit=100");
                inboxCursor = page.Cursor;
                if (page.Items.Any(m => m.Message.MessageId == accepted.MessageId)) readableAtReceipt++;
                else emptyAtReceipt++;
            }

            Raw("A", i - WarmUpA, 0, t0, t1, arrival);
        }

        await BaselineSend(soloSender, "solo", 1, baseA, null, "baseline-1", i - WarmUpA);
    }

    Console.WriteLine($"bench: {a.Summary()}");
    Console.WriteLine($"bench: A inbox read at receipt (after the previous cursor) held the message {readableAtReceipt} times, missed it {emptyAtReceipt} times");
    Console.WriteLine($"bench: {baseA.Summary()}");

    // Scenario B: class announcements to 30 families, sequential; every guardian's receipt and the last one per announcement.
    var wrongRecipients = 0;
    for (var i = 0; i < WarmUpB + nB; i++)
    {
        await Pause();
        var t0 = Clock.Now();
        var posted = await ApiDriver.Post<AnnouncementPosted>(world.Teacher.Http, $"/api/classes/{world.ClassId}/announcements",
            new PostAnnouncement($"Announcement {i}: no school on Monday."));
        var t1 = Clock.Now();
        var arrivals = await Task.WhenAll(Enumerable.Range(0, Families).Select(g => receipts.WaitAsync(g, posted.MessageId, receiptTimeout)));
        if (i >= WarmUpB)
        {
            if (posted.Recipients != Families) wrongRecipients++;
            bHttp.Add(Clock.Ms(t0, t1));
            Record(b, bLast, t0, arrivals);
            for (var g = 0; g < Families; g++) Raw("B", i - WarmUpB, g, t0, t1, arrivals[g]);
        }

        await BaselineSend(classSender, "class", Families, baseB, baseBLast, "baseline-30", i - WarmUpB);
    }

    if (wrongRecipients > 0) Console.WriteLine($"bench: warning: {wrongRecipients} announcements reported a recipient count other than {Families}");
    Console.WriteLine($"bench: {b.Summary()}");
    Console.WriteLine($"bench: {bLast.Summary()}");
    Console.WriteLine($"bench: {baseB.Summary()}");
    // Scenario C: a point awarded to student 1, pushed to guardian 1 (PointAwarded), sequential.
    for (var i = 0; i < WarmUpC + nC; i++)
    {
        await Pause();
        var t0 = Clock.Now();
        var awarded = await ApiDriver.Post<PointsAwarded>(world.Teacher.Http, $"/api/classes/{world.ClassId}/points",
            new AwardPoints(world.SkillId, [world.Students[0]], false, null));
        var t1 = Clock.Now();
        var arrival = await receipts.WaitAsync(0, awarded.Points[0].PointId, receiptTimeout);
        if (i >= WarmUpC)
        {
            cHttp.Add(Clock.Ms(t0, t1));
            if (arrival is { } at) c.Add(Clock.Ms(t0, at));
            else c.AddLost();
            Raw("C", i - WarmUpC, 0, t0, t1, arrival);
        }

        await BaselineSend(soloSender, "solo", 1, baseC, null, "baseline-1c", i - WarmUpC);
    }

    Console.WriteLine($"bench: {c.Summary()}");
    Console.WriteLine($"bench: {baseC.Summary()}");
    cpu = meter.Report();
    Console.WriteLine($"bench: CPU during the measured phase: {cpu}");
}
catch (Exception e)
{
    Console.Error.WriteLine($"bench: FAILED: {e.Message}");
    if (api is not null) Console.Error.WriteLine($"bench: last API output:{Environment.NewLine}{api.Tail()}");
    if (api is not null) await api.DisposeAsync();
    return 1;
}

var apiTail = api.Tail();
await api.DisposeAsync();
api = null;

var report = new StringBuilder();
report.AppendLine("# ClassComms messaging latency").AppendLine();
foreach (var fact in facts) report.AppendLine($"- {fact}");
report.AppendLine($"- Iterations: A {nA} (+{WarmUpA} warm-up), B {nB} (+{WarmUpB} warm-up) × {Families} guardians, C {nC} (+{WarmUpC} warm-up); sequential, receipt timeout {receiptTimeout.TotalSeconds:0} s (= lost); pause between sends {pause.TotalMilliseconds:0} ms");
report.AppendLine("- Latency: from just before the HTTP POST (baseline: hub invoke) to the SignalR client callback; nearest-rank percentiles");
report.AppendLine("- Baseline: bare in-process hub, `Clients.Group(g).SendAsync(\"Msg\", id)`, interleaved send by send with the scenario").AppendLine();
report.AppendLine("| Scenario | p50 ms | p99 ms | baseline p50 | baseline p99 | ratio p50 | ratio p99 | lost |");
report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
Row($"A one conversation, guardian 1 (n={a.Count + a.Lost})", a, baseA);
Row($"B 30-family announcement, every receipt (n={b.Count + b.Lost})", b, baseB);
Row($"B 30-family announcement, last guardian (n={nB})", bLast, baseBLast);
Row($"C point push, guardian 1 (n={c.Count + c.Lost})", c, baseC);
report.AppendLine();
report.AppendLine("Details (ms):").AppendLine();
foreach (var s in new[] { a, aHttp, aAfterResponse, b, bLast, bHttp, c, cHttp, baseA, baseB, baseBLast, baseC, idleA, idleB, idleBLast }) report.AppendLine($"- {s.Summary()}");
report.AppendLine($"- A: the guardian's inbox read made at each receipt (`GET /api/inbox?after=<previous cursor>`, not timed) held the pushed message {readableAtReceipt} times and missed it {emptyAtReceipt} times");
report.AppendLine($"- Raw samples (request_ms = POST until 201 read, or hub invoke until completion): {rawOutput}");
report.AppendLine($"- API CPU while idle (during the idle baseline): {apiIdle}");
report.AppendLine($"- CPU during the measured phase (A, B and C with interleaved baseline): {cpu}");
report.AppendLine($"- Wall time: {wall.Elapsed.TotalSeconds:0} s");
if (!string.IsNullOrWhiteSpace(apiTail)) report.AppendLine().AppendLine("API warnings/errors during the run (last lines):").AppendLine().AppendLine("```").AppendLine(apiTail).AppendLine("```");

Console.WriteLine();
Console.WriteLine(report.ToString());
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
await File.WriteAllTextAsync(output, report.ToString());
await File.WriteAllLinesAsync(rawOutput, raw);
Console.WriteLine($"bench: written to {output} and {rawOutput}");
return 0;

void Row(string scenario, Samples cc, Samples floor)
{
    double Ratio(double p) => cc.Percentile(p) / floor.Percentile(p);
    var lost = floor.Lost > 0 ? $"{cc.Lost} (baseline {floor.Lost})" : cc.Lost.ToString(CultureInfo.InvariantCulture);
    report.AppendLine($"| {scenario} | {Samples.Ms(cc.Percentile(50))} | {Samples.Ms(cc.Percentile(99))} | {Samples.Ms(floor.Percentile(50))} | " +
                      $"{Samples.Ms(floor.Percentile(99))} | {Ratio(50):0.0}× | {Ratio(99):0.0}× | {lost} |");
}

Task Pause() => pause > TimeSpan.Zero ? Task.Delay(pause) : Task.CompletedTask;

void Raw(string scenario, int iteration, int receiver, long t0, long t1, long? arrival) =>
    raw.Add(string.Create(CultureInfo.InvariantCulture,
        $"{scenario},{iteration},{receiver},{Clock.Ms(t0, t1):0.000},{(arrival is { } at ? Clock.Ms(t0, at).ToString("0.000", CultureInfo.InvariantCulture) : "")}"));

static void Record(Samples every, Samples? last, long t0, long?[] arrivals)
{
    foreach (var arrival in arrivals)
    {
        if (arrival is { } at) every.Add(Clock.Ms(t0, at));
        else every.AddLost();
    }

    // The last guardian is only defined when everyone got it; a lost receipt is counted once, per announcement.
    if (last is null) return;
    if (arrivals.All(x => x is not null)) last.Add(Clock.Ms(t0, arrivals.Max(x => x!.Value)));
    else last.AddLost();
}

static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

static int EnvInt(string name, int fallback, bool allowZero = false) =>
    int.TryParse(Env(name), out var n) && (n > 0 || (allowZero && n == 0)) ? n : fallback;

static string RepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "ClassComms.sln"))) return dir.FullName;
    }

    return Directory.GetCurrentDirectory();
}

static string CpuModel()
{
    try
    {
        return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
               ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
    catch (IOException)
    {
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}

// A database named classcomms_bench* belongs to the benchmark: dropped and recreated so every run starts empty.
// Any other name must already exist and is used as is. Returns the server version and durability settings.
static async Task<string> PrepareDatabaseAsync(string connectionString)
{
    var target = new NpgsqlConnectionStringBuilder(connectionString);
    var name = target.Database ?? throw new InvalidOperationException("CLASSCOMMS_BENCH_PG names no database.");
    var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
    await using var connection = new NpgsqlConnection(admin.ConnectionString);
    await connection.OpenAsync();
    async Task<object?> Sql(string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return await command.ExecuteScalarAsync();
    }

    var found = (long)(await Sql("SELECT count(*) FROM pg_database WHERE datname = $1", name))! > 0;
    var owned = Regex.IsMatch(name, "^classcomms_bench[a-z0-9_]*$");
    if (owned)
    {
        if (found) await Sql($"DROP DATABASE \"{name}\" WITH (FORCE)");
        await Sql($"CREATE DATABASE \"{name}\"");
    }
    else if (!found)
    {
        throw new InvalidOperationException($"Database {name} does not exist (only classcomms_bench* databases are created by the benchmark).");
    }

    await using var facts = new NpgsqlCommand(
        "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit')", connection);
    await using var reader = await facts.ExecuteReaderAsync();
    await reader.ReadAsync();
    return $"{reader.GetString(0)}, database {name}{(owned ? " (recreated)" : "")}, fsync={reader.GetString(1)}, synchronous_commit={reader.GetString(2)}";
}
