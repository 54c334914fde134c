using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClassComms.Benchmarks;

/// <summary>
/// Connections and fan-out (infra/bench.sh connections). A school of <c>families</c> (default 1,000) guardians, each linked to
/// one child, in classes of <see cref="ClassSize"/>, built through the HTTP API. Then, in one run:
/// <list type="number">
/// <item>One node: the API as a child process (no Redis); N WebSocket clients to /hubs/notifications (each guardian's token on
/// N / families connections, as a family with several devices), the API's resident memory read from /proc before and at each
/// quarter of the connections → memory per connection (slope); then school-wide announcements posted by the leader, each timed from
/// just before the POST to every connection's MessageReceived: the first, p50, p99 and last family (a family counts once its
/// first connection has it) and the last connection.</item>
/// <item>Baseline, same run: a bare SignalR server (<see cref="FanoutHub"/>, no auth, no storage) in a child process with the
/// same GC, the same N clients in the same per-family groups, and one hub call that sends to all the family groups at once
/// (<c>Clients.Groups(...)</c>, as the API's push does): memory per connection and the same fan-out timings.</item>
/// <item>Two nodes: two API processes with the Redis backplane (same database, keys and signing key), the N connections split
/// evenly (every family has connections on both nodes), announcements posted through node 1; families timed per node
/// (node 2 hears through Redis) and overall.</item>
/// </list>
/// The load driver (10,000 SignalR clients), the API node(s), PostgreSQL and the baseline share one 2-core machine:
/// client-side receive work is in every figure, the baseline's as much as the API's.
/// </summary>
public static class ConnectionsBench
{
    private const string ServerArg = "fanout-baseline-server";

    /// <param name="schoolFile">Where the seeded school (ids, tokens, the run's keys) is kept; with <paramref name="reuse"/>, read from there
    /// instead of seeding again (the database is then not recreated).</param>
    public static async Task<int> RunAsync(string apiDll, string pg, string blobs, string? redis, string output, int families, int connections,
        int announcements, string schoolFile, bool reuse, int seedParallel, string[] setups)
    {
        var wall = Stopwatch.StartNew();
        var report = new StringBuilder();
        var raw = new List<string> { "setup,announcement,receiver,ms" };
        int perFamily;
        void Say(string line) => Console.Error.WriteLine($"bench connections: {line}");
        Say($"load average {CpuMeter.LoadAverage()}");

        // Shared by both phases and both nodes: the same keys and signing key, so tokens and sealed values work on any node.
        var registrations = Path.Combine(Path.GetTempPath(), $"classcomms-bench-connections-{Guid.NewGuid():N}.jsonl");
        var operatorKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var saved = reuse ? JsonSerializer.Deserialize<SavedSchool>(await File.ReadAllTextAsync(schoolFile))! : null;
        if (saved is not null) families = saved.Guardians.Count;
        perFamily = Math.Max(1, connections / families);
        connections = perFamily * families;
        var shared = saved?.Settings.ToDictionary() ?? new Dictionary<string, string>
        {
            ["Guardians__Registration__OutboxPath"] = registrations,
            ["PersonalData__MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["PersonalData__LookupKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            ["Platform__OperatorKey"] = operatorKey,
            // The run outlives the default 15-minute access token; the hub closes a connection when its token expires.
            ["Auth__TokenLifetime"] = "04:00:00",
            // Every family signs in from 127.0.0.1 here; real families come from their own addresses.
            ["Auth__Throttle__AddressAttempts"] = "1000000",
            // Seeding hashes three passwords per family (registration: a verification and a hash; sign-in: a verification); at the
            // product's 100,000 PBKDF2 iterations that is most of the seeding's CPU. The driver's API runs with a lower cost
            // (CLASSCOMMS_BENCH_PASSWORD_ITERATIONS, default 1,000); Production refuses less than 100,000.
            ["Auth__PasswordHashIterations"] = Environment.GetEnvironmentVariable("CLASSCOMMS_BENCH_PASSWORD_ITERATIONS") ?? "1000",
        };

        var results = new List<Setup>();
        string? encryption = null;
        School school;
        // Written after each setup, so a run cut short keeps what it measured.
        async Task Write() => await WriteAsync(output, Render(results, families, connections, perFamily, announcements,
            report + (encryption is null ? "" : $"- {encryption}\n"), wall.Elapsed), raw);
        ApiDriver? api = null;
        try
        {
            api = await ApiDriver.StartAsync(apiDll, pg, blobs, TimeSpan.FromMinutes(3), shared);
            if (saved is not null)
            {
                school = new School(new Person(Guid.Empty, saved.LeaderToken, api.NewClient(saved.LeaderToken)), saved.ClassIds,
                    saved.Guardians.Select(g => new Person(g.UserId, g.Token, api.NewClient(g.Token))).ToList());
                Say($"API ready after {wall.Elapsed.TotalSeconds:0} s; reusing the school seeded at {saved.SeededAt:HH:mm} UTC ({schoolFile})");
                report.AppendLine($"- School reused from an earlier run's seeding ({saved.SeededAt:yyyy-MM-dd HH:mm} UTC, {saved.SeedSeconds:0} s through the HTTP API)");
            }
            else
            {
                Say($"API ready after {wall.Elapsed.TotalSeconds:0} s; seeding");
                var seed = Stopwatch.StartNew();
                school = await SeedAsync(api, operatorKey, registrations, families, seedParallel, Say);
                Say($"seeded {families} families in {seed.Elapsed.TotalSeconds:0} s");
                report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"- Seeding {families} families through the HTTP API ({school.ClassIds.Count} classes of up to {ClassSize}, one enrolment each; parent code, registration, confirmation, sign-in per family; {seedParallel} at once; password hashes of {shared["Auth__PasswordHashIterations"]} PBKDF2 iterations): {seed.Elapsed.TotalSeconds:0} s, load average {CpuMeter.LoadAverage()} at the end"));
                Directory.CreateDirectory(Path.GetDirectoryName(schoolFile)!);
                await File.WriteAllTextAsync(schoolFile, JsonSerializer.Serialize(new SavedSchool(DateTimeOffset.UtcNow, seed.Elapsed.TotalSeconds, shared,
                    school.Leader.Token, school.ClassIds, school.Guardians.Select(g => new SavedGuardian(g.UserId, g.Token)).ToList())));
            }

            Say($"{families} families, {connections} connections ({perFamily} per guardian)");

            // 1. One node.
            var posts = new Samples("announcement POST → 201 read (one node)");
            var poster = api.NewClient(school.Leader.Token);
            poster.Timeout = TimeSpan.FromMinutes(3);
            if (setups.Contains("one"))
            {
                results.Add(await MeasureAsync("One node", [api], school, families, perFamily, announcements, raw, Say, async (hub, token) =>
                {
                    var t0 = Clock.Now();
                    var id = await Post(poster);
                    posts.Add(Clock.Ms(t0, Clock.Now()));
                    return id;
                }, beforeKill: async () => encryption = await EncryptionOnDeliveryAsync(school, pg, posts, Say)));
                await Write();
            }

            await api.DisposeAsync();
            api = null;
        }
        catch (Exception e)
        {
            Say($"FAILED: {e}");
            if (api is not null)
            {
                Say($"API output: {api.Tail()}");
                await api.DisposeAsync();
            }

            return 1;
        }

        // 2. Baseline: a bare hub in its own process.
        if (setups.Contains("baseline"))
        try
        {
            await using var baseline = await BaselineProcess.StartAsync();
            results.Add(await MeasureBaselineAsync(baseline, families, perFamily, announcements, raw, Say));
            await Write();
        }
        catch (Exception e)
        {
            Say($"baseline FAILED: {e}");
        }

        // 3. Two nodes with the Redis backplane.
        if (!setups.Contains("two")) Say("two-node part not asked for (CLASSCOMMS_BENCH_SETUPS)");
        else if (redis is null) Say("no Redis connection string (CLASSCOMMS_BENCH_REDIS): two-node part skipped");
        else
        {
            var nodes = new List<ApiDriver>();
            try
            {
                var withRedis = new Dictionary<string, string>(shared)
                {
                    ["ConnectionStrings__Redis"] = redis,
                    ["Redis__Prefix"] = $"bench-{Guid.NewGuid():N}",
                };
                // One after the other: two nodes applying the schema at once race on the same DDL.
                nodes.Add(await ApiDriver.StartAsync(apiDll, pg, blobs, TimeSpan.FromMinutes(4), withRedis));
                nodes.Add(await ApiDriver.StartAsync(apiDll, pg, blobs, TimeSpan.FromMinutes(4), withRedis));
                Say($"two nodes ready after {wall.Elapsed.TotalSeconds:0} s");
                // The people signed in on the first node; their clients are bound to its address, so the leader posts through a
                // client of node 1 with the same token (the token is valid on every node).
                var leader = nodes[0].NewClient(school.Leader.Token);
                leader.Timeout = TimeSpan.FromMinutes(3);
                results.Add(await MeasureAsync("Two nodes, Redis backplane", nodes, school, families, perFamily, announcements, raw, Say,
                    (hub, token) => Post(leader)));
                await Write();
            }
            catch (Exception e)
            {
                Say($"two nodes FAILED: {e}");
                foreach (var node in nodes) Say($"node output: {node.Tail()}");
            }
            finally
            {
                foreach (var node in nodes) await node.DisposeAsync();
            }
        }

        if (encryption is not null) report.AppendLine($"- {encryption}");
        var text = Render(results, families, connections, perFamily, announcements, report.ToString(), wall.Elapsed);
        await WriteAsync(output, text, raw);
        Console.WriteLine(text);
        Console.WriteLine($"bench connections: written to {output}");
        try
        {
            File.Delete(registrations);
        }
        catch (IOException)
        {
        }

        return 0;
    }

    private static async Task WriteAsync(string output, string text, List<string> raw)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, text);
        await File.WriteAllLinesAsync(Path.ChangeExtension(output, ".csv"), raw);
    }

    /// <summary>A school-wide announcement by the leader (POST /api/school/announcements): every family of every class.</summary>
    private static async Task<Guid> Post(HttpClient leader)
    {
        var posted = await ApiDriver.Post<AnnouncementPosted>(leader, "/api/school/announcements",
            new PostSchoolAnnouncement("The school is closed on Monday for staff training; the canteen reopens on Tuesday.", false));
        return posted.MessageId;
    }

    /// <summary>Students per class in the seeded school (a typical class; the families are spread over several classes).</summary>
    public const int ClassSize = 40;

    public sealed record School(Person Leader, IReadOnlyList<Guid> ClassIds, IReadOnlyList<Person> Guardians);

    /// <summary>A seeded school kept under .data (benchmark-only random keys and 4-hour tokens), so a rerun can skip seeding.</summary>
    public sealed record SavedSchool(DateTimeOffset SeededAt, double SeedSeconds, Dictionary<string, string> Settings, string LeaderToken, IReadOnlyList<Guid> ClassIds,
        IReadOnlyList<SavedGuardian> Guardians);

    public sealed record SavedGuardian(Guid UserId, string Token);

    /// <summary>
    /// School, leader, teacher, <paramref name="families"/> students in classes of <see cref="ClassSize"/> and one registered guardian
    /// each, all through the HTTP API (so every name and email is sealed as in production). Classes, enrolments and families are
    /// seeded <paramref name="parallel"/> at once: the server's password hashing (registration and sign-in) is most of the cost.
    /// </summary>
    private static async Task<School> SeedAsync(ApiDriver api, string operatorKey, string registrations, int families, int parallel, Action<string> say)
    {
        var anonymous = api.NewClient();
        var leaderEmail = $"leader-{Guid.NewGuid():N}@bench.classcomms.test";
        await ApiDriver.Post<object>(anonymous, "/api/schools", new CreateSchool("Fan-out School", new NewPerson("Bea Leader", leaderEmail, ApiDriver.Password)),
            configure: r => r.Headers.Add("X-Operator-Key", operatorKey));
        var leader = await api.SignIn(leaderEmail);
        var teacher = await api.AddStaffAsync(leader, "teacher", "Tess Teacher");
        var classCount = (families + ClassSize - 1) / ClassSize;
        var classIds = new Guid[classCount];
        var byClass = new IReadOnlyList<Guid>[classCount];
        await Parallel.ForAsync(0, classCount, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(parallel, 8) }, async (c, _) =>
        {
            var created = await ApiDriver.Post<ClassCreated>(teacher.Http, "/api/classes", new CreateClass($"Class {c + 1:00}", null));
            var from = c * ClassSize;
            var enrolled = await ApiDriver.Post<StudentsEnrolled>(teacher.Http, $"/api/classes/{created.ClassId}/students",
                new EnrolStudents(Enumerable.Range(from, Math.Min(ClassSize, families - from)).Select(i => new NewStudent($"Student {i:0000}")).ToList()));
            classIds[c] = created.ClassId;
            byClass[c] = enrolled.StudentIds;
        });
        var students = byClass.SelectMany(s => s).ToList();

        say($"{students.Count} students enrolled in {classCount} classes; registering guardians");
        var outbox = new Outbox(registrations);
        var guardians = new Person[families];
        var done = 0;
        // Registration (a verification and a hash) and sign-in (a verification) hash passwords on the server (Auth__PasswordHashIterations above).
        await Parallel.ForAsync(0, families, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, _) =>
        {
            var code = await ApiDriver.Post<ParentCodeIssued>(teacher.Http, $"/api/students/{students[i]}/parent-codes", new { });
            var email = $"guardian{i:0000}-{Guid.NewGuid():N}@bench.classcomms.test";
            await ApiDriver.Post<object>(anonymous, "/api/guardians/register", new RegisterGuardian(code.Code, $"Guardian {i:0000}", email, ApiDriver.Password),
                HttpStatusCode.Accepted);
            await ApiDriver.Post<object>(anonymous, "/api/guardians/register/confirm", new ConfirmGuardianRegistration(await outbox.TokenFor(email)));
            guardians[i] = await api.SignIn(email);
            if (Interlocked.Increment(ref done) % 100 == 0) say($"{done} guardians registered");
        });
        return new School(leader, classIds, guardians);
    }

    /// <summary>The registration mails the API writes (one JSON line each), read incrementally.</summary>
    private sealed class Outbox(string path)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly Dictionary<string, string> _tokens = [];
        private long _position;
        private string _partial = "";

        public async Task<string> TokenFor(string email)
        {
            // Up to 5 minutes: on a machine this loaded the API's mail queue can fall well behind the registrations.
            for (var i = 0; i < 12_000; i++)
            {
                await _gate.WaitAsync();
                try
                {
                    if (_tokens.TryGetValue(email, out var token)) return token;
                    if (File.Exists(path))
                    {
                        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                        // Exactly the bytes up to the length seen now, and the position moved by what was read: the API appends
                        // while this reads, and taking the file's length after reading to its end skipped the lines appended in
                        // between (a run's registration waited 5 minutes for a mail that was in the file).
                        var end = file.Length;
                        var chunk = new byte[Math.Max(0, end - _position)];
                        file.Position = _position;
                        await file.ReadExactlyAsync(chunk);
                        _position = end;
                        var text = _partial + System.Text.Encoding.UTF8.GetString(chunk);
                        var lines = text.Split('\n');
                        _partial = lines[^1];
                        foreach (var line in lines[..^1].Where(l => l.Trim().Length > 0))
                        {
                            var mail = JsonSerializer.Deserialize<RegistrationMail>(line, JsonSerializerOptions.Web)!;
                            _tokens[mail.Email] = mail.Token;
                        }

                        if (_tokens.TryGetValue(email, out token)) return token;
                    }
                }
                finally
                {
                    _gate.Release();
                }

                await Task.Delay(25);
            }

            throw new InvalidOperationException("No registration mail reached the outbox within 5 minutes.");
        }
    }

    /// <summary>Arrival times of one announcement at every receiver (first only) and the number of deliveries to connections.</summary>
    private sealed class Fanout(int receivers, int expected)
    {
        public readonly long[] First = new long[receivers];
        private int _deliveries;
        private long _last;
        public readonly TaskCompletionSource Complete = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Deliveries => Volatile.Read(ref _deliveries);
        public long Last => Interlocked.Read(ref _last);

        public void Arrived(int receiver)
        {
            var now = Clock.Now();
            Interlocked.CompareExchange(ref First[receiver], now, 0);
            long seen;
            while (now > (seen = Interlocked.Read(ref _last)) && Interlocked.CompareExchange(ref _last, now, seen) != seen)
            {
            }

            if (Interlocked.Increment(ref _deliveries) == expected) Complete.TrySetResult();
        }
    }

    private sealed class Tracker(int receivers, int expected)
    {
        private readonly ConcurrentDictionary<string, Fanout> _byId = new();
        public Fanout For(string id) => _byId.GetOrAdd(id, _ => new Fanout(receivers, expected));
    }

    public sealed record Memory(int Connected, long RssKb, long AnonKb);

    public sealed record Setup(string Name, int Connected, int Attempted, TimeSpan ConnectTime, IReadOnlyList<string> Failures,
        IReadOnlyList<IReadOnlyList<Memory>> Memory, IReadOnlyList<Samples> Families, Samples First, Samples P50, Samples P99, Samples LastFamily,
        Samples LastConnection, int MissingFamilies, int MissingDeliveries, string Cpu, string Load, long DriverRssGrowthKb);

    /// <summary>/proc/&lt;pid&gt;/status: VmRSS and RssAnon in kB.</summary>
    public static Memory Read(int pid, int connected)
    {
        long Field(string[] lines, string name) =>
            long.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        var lines = File.ReadAllLines($"/proc/{pid}/status");
        return new Memory(connected, Field(lines, "VmRSS"), Field(lines, "RssAnon"));
    }

    private static long SelfRssKb() => Read(Environment.ProcessId, 0).RssKb;

    private static async Task<Setup> MeasureAsync(string name, IReadOnlyList<ApiDriver> nodes, School school, int families, int perFamily,
        int announcements, List<string> raw, Action<string> say, Func<HubConnection?, string?, Task<Guid>> announce, Func<Task>? beforeKill = null)
    {
        var total = families * perFamily;
        var receivers = families * nodes.Count;
        var tracker = new Tracker(receivers, total);
        var hubs = new ConcurrentBag<HubConnection>();
        var failures = new ConcurrentDictionary<string, int>();
        var memory = nodes.Select(_ => new List<Memory>()).ToList();
        var connectedPerNode = new int[nodes.Count];
        await Task.Delay(TimeSpan.FromSeconds(5));
        for (var n = 0; n < nodes.Count; n++) memory[n].Add(Read(nodes[n].ProcessId, 0));
        var driverBefore = SelfRssKb();
        var connect = Stopwatch.StartNew();
        var quarter = (total + 3) / 4;
        for (var from = 0; from < total; from += quarter)
        {
            // Connection j: family j % families, node (j / families) % nodes, so every family has connections on every node.
            await Parallel.ForAsync(from, Math.Min(total, from + quarter), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (j, _) =>
            {
                var family = j % families;
                var node = j / families % nodes.Count;
                var receiver = node * families + family;
                var guardian = school.Guardians[family];
                var hub = new HubConnectionBuilder()
                    .WithUrl(new Uri(nodes[node].BaseAddress, "/hubs/notifications"), o =>
                    {
                        o.Transports = HttpTransportType.WebSockets;
                        o.SkipNegotiation = true;
                        o.AccessTokenProvider = () => Task.FromResult<string?>(guardian.Token);
                    })
                    .Build();
                hub.On<MessageNotice>("MessageReceived", m => tracker.For(m.MessageId.ToString()).Arrived(receiver));
                try
                {
                    await hub.StartAsync();
                    hubs.Add(hub);
                    Interlocked.Increment(ref connectedPerNode[node]);
                }
                catch (Exception e)
                {
                    failures.AddOrUpdate($"{e.GetType().Name}: {e.Message}", 1, (_, c) => c + 1);
                    await hub.DisposeAsync();
                }
            });
            await Task.Delay(TimeSpan.FromSeconds(3));
            for (var n = 0; n < nodes.Count; n++) memory[n].Add(Read(nodes[n].ProcessId, connectedPerNode[n]));
            say($"{name}: {hubs.Count} of {Math.Min(total, from + quarter)} connected after {connect.Elapsed.TotalSeconds:0} s; " +
                string.Join(", ", memory.Select((m, n) => $"node {n + 1} RSS {m[^1].RssKb / 1024} MB")));
        }

        var connectTime = connect.Elapsed;
        var driverGrowth = SelfRssKb() - driverBefore;
        var open = hubs.Count(h => h.State == HubConnectionState.Connected);
        if (open != hubs.Count) say($"{name}: warning: {hubs.Count - open} connections closed again before the announcements");

        var (all, first, p50, p99, lastFamily, lastConnection, missingFamilies, missingDeliveries, cpu, load) = await AnnounceAsync(name, families,
            nodes.Count, hubs.Count, announcements, tracker, raw, say, async () => (await announce(null, null)).ToString(), () => nodes.Select(n => n.ProcessorTime()).Aggregate(TimeSpan.Zero, (a, b) => a + b));

        if (beforeKill is not null) await beforeKill();
        // Disconnect: stop the API first (no close handshakes to wait for), then drop the clients.
        foreach (var node in nodes) node.Kill();
        await Parallel.ForEachAsync(hubs, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (h, _) =>
        {
            try
            {
                await h.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
            }
        });
        return new Setup(name, hubs.Count, total, connectTime, failures.Select(f => $"{f.Value} × {f.Key}").ToList(), memory, all, first, p50, p99,
            lastFamily, lastConnection, missingFamilies, missingDeliveries, cpu, load, driverGrowth);
    }

    private static async Task<(IReadOnlyList<Samples> PerNode, Samples First, Samples P50, Samples P99, Samples LastFamily, Samples LastConnection,
        int MissingFamilies, int MissingDeliveries, string Cpu, string Load)> AnnounceAsync(string name, int families, int nodes, int connected,
        int announcements, Tracker tracker, List<string> raw, Action<string> say, Func<Task<string>> send, Func<TimeSpan> serverCpu)
    {
        // Per announcement: the first, median, 99th percentile and last family, over families (any node) and, with several
        // nodes, per node; the last connection.
        var perNode = Enumerable.Range(0, nodes).Select(n => new Samples($"{name}: families via node {n + 1} (every family, every announcement)")).ToList();
        var first = new Samples($"{name}: first family");
        var p50 = new Samples($"{name}: median family");
        var p99 = new Samples($"{name}: 99th percentile family");
        var lastFamily = new Samples($"{name}: last family");
        var lastConnection = new Samples($"{name}: last connection");
        var missingFamilies = 0;
        var missingDeliveries = 0;
        const int warmUp = 1;
        var meter = (CpuMeter?)null;
        for (var i = -warmUp; i < announcements; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(2)); // let the previous fan-out's receive work finish
            if (i == 0) meter = new CpuMeter(serverCpu);
            var t0 = Clock.Now();
            var id = await send();
            var fanout = tracker.For(id);
            await Task.WhenAny(fanout.Complete.Task, Task.Delay(TimeSpan.FromSeconds(60)));
            if (i < 0) continue;
            var times = new List<double>();
            for (var f = 0; f < families; f++)
            {
                long best = 0;
                for (var n = 0; n < nodes; n++)
                {
                    var at = fanout.First[n * families + f];
                    if (at == 0) continue;
                    perNode[n].Add(Clock.Ms(t0, at));
                    raw.Add(string.Create(CultureInfo.InvariantCulture, $"{name},{i},{n * families + f},{Clock.Ms(t0, at):0.000}"));
                    if (best == 0 || at < best) best = at;
                }

                if (best == 0) missingFamilies++;
                else times.Add(Clock.Ms(t0, best));
            }

            missingDeliveries += Math.Max(0, connected - fanout.Deliveries);
            if (times.Count == 0) continue;
            var sorted = new Samples("families");
            foreach (var t in times) sorted.Add(t);
            first.Add(times.Min());
            p50.Add(sorted.Percentile(50));
            p99.Add(sorted.Percentile(99));
            lastFamily.Add(times.Max());
            if (fanout.Last != 0) lastConnection.Add(Clock.Ms(t0, fanout.Last));
            say(string.Create(CultureInfo.InvariantCulture,
                $"{name}: announcement {i}: families first {times.Min():0.0}, p50 {sorted.Percentile(50):0.0}, p99 {sorted.Percentile(99):0.0}, last {times.Max():0.0} ms; {fanout.Deliveries} of {connected} connections, last at {Clock.Ms(t0, fanout.Last):0.0} ms"));
        }

        return (perNode, first, p50, p99, lastFamily, lastConnection, missingFamilies, missingDeliveries, meter?.Report() ?? "n/a", CpuMeter.LoadAverage());
    }

    private static async Task<Setup> MeasureBaselineAsync(BaselineProcess baseline, int families, int perFamily, int announcements,
        List<string> raw, Action<string> say)
    {
        const string name = "Baseline (bare hub, own process)";
        var total = families * perFamily;
        var tracker = new Tracker(families, total);
        var hubs = new ConcurrentBag<HubConnection>();
        var failures = new ConcurrentDictionary<string, int>();
        var memory = new List<Memory>();
        var connected = 0;
        await Task.Delay(TimeSpan.FromSeconds(3));
        memory.Add(Read(baseline.ProcessId, 0));
        var driverBefore = SelfRssKb();
        var connect = Stopwatch.StartNew();
        var quarter = (total + 3) / 4;
        for (var from = 0; from < total; from += quarter)
        {
            await Parallel.ForAsync(from, Math.Min(total, from + quarter), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (j, _) =>
            {
                var family = j % families;
                var hub = new HubConnectionBuilder()
                    .WithUrl(new Uri($"{baseline.HubUrl}?group=f{family}"), o =>
                    {
                        o.Transports = HttpTransportType.WebSockets;
                        o.SkipNegotiation = true;
                    })
                    .Build();
                hub.On<long>("Msg", id => tracker.For(id.ToString(CultureInfo.InvariantCulture)).Arrived(family));
                try
                {
                    await hub.StartAsync();
                    hubs.Add(hub);
                    Interlocked.Increment(ref connected);
                }
                catch (Exception e)
                {
                    failures.AddOrUpdate($"{e.GetType().Name}: {e.Message}", 1, (_, c) => c + 1);
                    await hub.DisposeAsync();
                }
            });
            await Task.Delay(TimeSpan.FromSeconds(3));
            memory.Add(Read(baseline.ProcessId, connected));
            say($"{name}: {connected} connected after {connect.Elapsed.TotalSeconds:0} s; RSS {memory[^1].RssKb / 1024} MB");
        }

        var connectTime = connect.Elapsed;
        var driverGrowth = SelfRssKb() - driverBefore;
        var sender = new HubConnectionBuilder()
            .WithUrl(baseline.HubUrl, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        await sender.StartAsync();
        var groups = Enumerable.Range(0, families).Select(f => $"f{f}").ToArray();
        long next = 0;
        var (all, first, p50, p99, lastFamily, lastConnection, missingFamilies, missingDeliveries, cpu, load) = await AnnounceAsync(name, families, 1,
            connected, announcements, tracker, raw, say, async () =>
            {
                var id = Interlocked.Increment(ref next);
                await sender.InvokeAsync("Send", groups, id);
                return id.ToString(CultureInfo.InvariantCulture);
            }, baseline.ProcessorTime);
        await sender.DisposeAsync();
        baseline.Kill();
        await Parallel.ForEachAsync(hubs, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (h, _) =>
        {
            try
            {
                await h.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
            }
        });
        return new Setup(name, connected, total, connectTime, failures.Select(f => $"{f.Value} × {f.Key}").ToList(), [memory], all, first, p50, p99,
            lastFamily, lastConnection, missingFamilies, missingDeliveries, cpu, load, driverGrowth);
    }

    /// <summary>
    /// Encryption on award (sealing) and on delivery (opening): the push carries ids only, so delivery opens sealed values when the
    /// family reads its inbox (<c>GET /api/inbox</c>: each message's body and its sender's name, unsealed at serve time). Times 100
    /// guardians' inbox reads against the API, then the vault's own work for the same values in this process (same PostgreSQL,
    /// keys cached, as in a warm node): sealing one announcement body (one layer: the sender's key) and opening a read's bodies and
    /// names; each as a share of the request it is part of. A share of a measured request, not an A/B with encryption switched off
    /// (the product has no such switch, by design).
    /// </summary>
    private static async Task<string> EncryptionOnDeliveryAsync(School school, string pg, Samples posts, Action<string> say)
    {
        var reads = new Samples("inbox read (one node)");
        var items = 0;
        var readers = school.Guardians.Take(100).ToList();
        for (var round = -1; round < 2; round++)
        {
            foreach (var guardian in readers)
            {
                var t0 = Clock.Now();
                var page = await ApiDriver.Get<InboxPage>(guardian.Http, "/api/inbox?after=0&limit=100");
                var ms = Clock.Ms(t0, Clock.Now());
                if (round < 0) continue;
                reads.Add(ms);
                items = page.Items.Count;
            }
        }

        var options = Microsoft.Extensions.Options.Options.Create(new ClassComms.PersonalData.PersonalDataOptions
        {
            KeyStoreConnectionString = pg,
            MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            LookupKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            AllowSharedKeyDatabase = true,
        });
        await using var store = new ClassComms.PersonalData.SubjectKeyStore(options);
        await store.EnsureSchemaAsync(CancellationToken.None);
        var vault = new ClassComms.PersonalData.PersonalDataVault(store, options, TimeProvider.System);
        var tenant = "bench-" + Guid.NewGuid().ToString("N");
        var sender = Guid.NewGuid();
        const string body = "The school is closed on Monday for staff training; the canteen reopens on Tuesday.";
        var name = await vault.SealAsync(tenant, sender, "member.name", "Tess Teacher");
        var seal = new List<double>();
        var open = new List<double>();
        for (var round = -20; round < 200; round++)
        {
            var id = Guid.NewGuid().ToString();
            var t0 = Clock.Now();
            var sealedBody = await vault.SealForAllAsync(tenant, [sender], "message.body", id, body);
            var t1 = Clock.Now();
            for (var i = 0; i < Math.Max(1, items); i++)
            {
                if (await vault.UnsealAsync(name) is null || await vault.UnsealAsync(sealedBody, id) is null) throw new InvalidOperationException("Did not unseal.");
            }

            var t2 = Clock.Now();
            if (round < 0) continue;
            seal.Add(Clock.Ms(t0, t1));
            open.Add(Clock.Ms(t1, t2));
        }

        double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"Encryption (one node): sealing the announcement body p50 {Median(seal):0.000} ms = {100 * Median(seal) / posts.Percentile(50):0.00} % of the announcement POST's p50 ({posts.Percentile(50):0.0} ms, n={posts.Count}); opening an inbox read's {items} bodies and {items} sender names on delivery p50 {Median(open):0.000} ms = {100 * Median(open) / reads.Percentile(50):0.00} % of the read's p50 ({reads.Percentile(50):0.0} ms, p99 {reads.Percentile(99):0.0}, n={reads.Count}); vault timed in the driver process, keys cached");
        say(text);
        return text;
    }

    /// <summary>Memory per connection: least-squares slope of resident memory against connections, in kB.</summary>
    public static double Slope(IReadOnlyList<Memory> points, Func<Memory, long> value)
    {
        if (points.Count < 2) return double.NaN;
        var mx = points.Average(p => (double)p.Connected);
        var my = points.Average(p => (double)value(p));
        var sxy = points.Sum(p => (p.Connected - mx) * (value(p) - my));
        var sxx = points.Sum(p => (p.Connected - mx) * (p.Connected - mx));
        return sxx == 0 ? double.NaN : sxy / sxx;
    }

    private static string Render(List<Setup> results, int families, int connections, int perFamily, int announcements, string facts, TimeSpan wall)
    {
        string F(double v, string format = "0.0") => double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);
        var text = new StringBuilder()
            .AppendLine($"# Connections and fan-out ({DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, shared machine)")
            .AppendLine()
            .AppendLine($"- {families} families (one guardian each, in classes of {ClassSize}; school-wide announcements by the leader), {connections} WebSocket connections ({perFamily} per guardian), {announcements} announcements measured per setup after 1 warm-up")
            .Append(facts)
            .AppendLine("- Time: from just before the POST (baseline: the hub invocation) to the client callback; a family has it at its first connection's receipt; per announcement the first, median, 99th percentile and last family, then the median of those over the announcements (max in brackets)")
            .AppendLine("- Memory: the server process's VmRSS (and RssAnon) from /proc/<pid>/status before connecting and after each quarter of the connections; per connection = least-squares slope")
            .AppendLine()
            .AppendLine("| Setup | Connected | Connect time | Server memory per connection (RSS / anon) | First family | Median family | p99 family | Last family | Last connection | Missing (families / deliveries) |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var perConnection = string.Join(" + ", r.Memory.Select(m => $"{F(Slope(m, x => x.RssKb))} / {F(Slope(m, x => x.AnonKb))} kB"));
            string M(Samples s) => $"{F(s.Percentile(50))} ({F(s.Max)}) ms";
            text.AppendLine($"| {r.Name} | {r.Connected} of {r.Attempted} | {F(r.ConnectTime.TotalSeconds, "0")} s | {perConnection} | {M(r.First)} | {M(r.P50)} | {M(r.P99)} | {M(r.LastFamily)} | {M(r.LastConnection)} | {r.MissingFamilies} / {r.MissingDeliveries} |");
        }

        var baseline = results.FirstOrDefault(r => r.Name.StartsWith("Baseline", StringComparison.Ordinal));
        if (baseline is not null)
        {
            text.AppendLine().AppendLine("Ratios to the baseline (median over announcements):").AppendLine();
            foreach (var r in results.Where(r => r != baseline))
            {
                double Ratio(Samples a, Samples b) => a.Percentile(50) / b.Percentile(50);
                text.AppendLine($"- {r.Name}: median family {F(Ratio(r.P50, baseline.P50))}×, last family {F(Ratio(r.LastFamily, baseline.LastFamily))}×, " +
                                $"memory per connection {F(Slope(r.Memory[0], x => x.RssKb) / Slope(baseline.Memory[0], x => x.RssKb))}× (node 1 RSS)");
            }
        }

        text.AppendLine().AppendLine("Details:").AppendLine();
        foreach (var r in results)
        {
            text.AppendLine($"- {r.Name}: CPU during the announcements: {r.Cpu}; load average after: {r.Load}; driver RSS growth while connecting {r.DriverRssGrowthKb / 1024} MB");
            for (var n = 0; n < r.Memory.Count; n++)
                text.AppendLine($"  - server {n + 1} memory (connections: RSS MB / anon MB): " +
                                string.Join(", ", r.Memory[n].Select(m => $"{m.Connected}: {m.RssKb / 1024} / {m.AnonKb / 1024}")));
            foreach (var s in r.Families) text.AppendLine($"  - {s.Summary()}");
            foreach (var f in r.Failures) text.AppendLine($"  - connection failure: {f}");
        }

        text.AppendLine($"- Wall time: {wall.TotalSeconds:0} s");
        return text.ToString();
    }

    /// <summary><c>dotnet ClassComms.Benchmarks.dll fanout-baseline-server</c>: the baseline server alone; prints its hub URL and runs until stdin closes.</summary>
    public static bool IsServer(string[] args) => args is [ServerArg, ..];

    public static async Task<int> ServeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSignalR();
        var app = builder.Build();
        app.UseWebSockets();
        app.MapHub<FanoutHub>("/hub");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"listening {address}/hub");
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }

    private sealed class BaselineProcess : IAsyncDisposable
    {
        private readonly Process _process;

        private BaselineProcess(Process process, Uri hubUrl)
        {
            _process = process;
            HubUrl = hubUrl;
        }

        public Uri HubUrl { get; }
        public int ProcessId => _process.Id;

        public static async Task<BaselineProcess> StartAsync()
        {
            // Under `dotnet run` this process is the apphost (ClassComms.Benchmarks), under `dotnet X.dll` it is dotnet.
            var host = Environment.ProcessPath!;
            string[] arguments = Path.GetFileNameWithoutExtension(host) == "dotnet" ? [Assembly.GetEntryAssembly()!.Location, ServerArg] : [ServerArg];
            var start = new ProcessStartInfo(host, arguments)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            // The API is an ASP.NET Core app (Web SDK): server GC. The baseline gets the same.
            start.Environment["DOTNET_gcServer"] = "1";
            var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the baseline server.");
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
            if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal)) throw new InvalidOperationException($"Baseline server said: {line}");
            return new BaselineProcess(process, new Uri(line["listening ".Length..]));
        }

        public TimeSpan ProcessorTime() => ChildProcess.ProcessorTime(_process);

        public void Kill() => ChildProcess.Kill(_process);

        public async ValueTask DisposeAsync()
        {
            Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
            _process.Dispose();
        }
    }
}

/// <summary>The fan-out floor: joins the group named in the query; Send delivers an id to many groups at once.</summary>
public sealed class FanoutHub : Hub
{
    public override async Task OnConnectedAsync()
    {
        var group = Context.GetHttpContext()?.Request.Query["group"].ToString();
        if (!string.IsNullOrEmpty(group)) await Groups.AddToGroupAsync(Context.ConnectionId, group);
        await base.OnConnectedAsync();
    }

    public Task Send(string[] groups, long id) => Clients.Groups(groups).SendAsync("Msg", id);
}
