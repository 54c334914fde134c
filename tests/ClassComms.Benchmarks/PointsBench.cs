using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClassComms.PersonalData;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClassComms.Benchmarks;

/// <summary>
/// Points: award → parent push, and throughput at saturation, beside a durable baseline in the same run
/// (<see cref="DurableBaseline"/>: one row per recipient in one fsync'd transaction, then the same SignalR group message).
/// infra/bench.sh points. Three parts:
/// <list type="number">
/// <item>Latency, interleaved award by award (API, baseline, API, …): one student (guardian 1's receipt) and the whole class of 30
/// (the last of the 30 guardians' receipts), from just before the POST to the receipt, each award with a short note.</item>
/// <item>Saturation: 20 concurrent teachers (20 closed loops, each awarding one student with a note, back to back) for a fixed
/// time against the API, then the baseline; awards/s and request p50/p99. Messages/s the same way (20 loops each posting into
/// its own private conversation; baseline: the same endpoint with one recipient, i.e. one row and one group message).</item>
/// <item>Encryption: the vault's sealing of a whole-class award's notes (30 values, two layers each: the student's key and
/// the month's points key, keys cached) and the unsealing on delivery, timed in this process against the same PostgreSQL,
/// as a share of the class award's p50.</item>
/// </list>
/// The machine is shared (2 cores, other engineers' builds and tests): compare the ratios, measured in the same run.
/// </summary>
public static class PointsBench
{
    private const int Families = 30;
    private const string Note = "Great teamwork in the science lesson today.";

    public static async Task<int> RunAsync(string apiDll, string pg, string blobs, string output, int nOne, int nClass, TimeSpan saturation, int teachers,
        TimeSpan warmUpLoad)
    {
        var timeout = TimeSpan.FromSeconds(15);
        var raw = new List<string> { "part,system,iteration,ms" };
        await using var api = await ApiDriver.StartAsync(apiDll, pg, blobs, TimeSpan.FromMinutes(3));
        Console.Error.WriteLine("bench points: API ready; building a school with a class of 30 and 30 guardians");
        var world = await api.BuildWorldAsync(Families);
        var apiReceipts = new Receipts<Guid>();
        for (var i = 0; i < Families; i++) await api.ConnectAsync(world.Guardians[i], i, apiReceipts);
        await using var baseline = await DurableBaseline.StartAsync(pg);
        var baseReceipts = new Receipts<Guid>();
        for (var i = 0; i < Families; i++) await baseline.ConnectAsync(world.Students[i], i, baseReceipts);
        var baseHttp = new HttpClient { BaseAddress = baseline.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var durability = await baseline.DurabilityAsync();

        var conversations = new List<Guid>();
        for (var i = 0; i < teachers; i++)
        {
            var started = await ApiDriver.Post<ConversationsStarted>(world.Teacher.Http, "/api/conversations",
                new StartConversation(world.Students[i % Families], "private", "Hello, a quick word about today.", false));
            conversations.Add(started.Threads.Single().ConversationId);
        }

        Task<MessageAccepted> PostMessage(int j) => ApiDriver.Post<MessageAccepted>(world.Teacher.Http,
            $"/api/conversations/{conversations[j]}/messages", new PostMessage("The class trip is on Friday; please bring a packed lunch."));

        // 0. Warm-up under load (not counted), so the phases below measure a node that has compiled its hot paths with the JIT's
        // optimising tier, as one that has served a school day has (without it, perf found 10-16 % of the API's samples in the JIT
        // and the award path in tier-0 and instrumented code; measured interleaved, the ratios to the baseline did not move either
        // way: README, "Warm-up and generated code"). The same load for API and baseline: awards and messages from the 20 senders,
        // then whole-class awards; then the push backlog is drained.
        if (warmUpLoad > TimeSpan.Zero)
        {
            await Saturate("warm-up awards, API", teachers, warmUpLoad, j => AwardApi(world, [world.Students[j % Families]], false));
            await Saturate("warm-up messages, API", teachers, warmUpLoad, PostMessage);
            await Saturate("warm-up awards, baseline", teachers, warmUpLoad, j => AwardBaseline(baseHttp, [world.Students[j % Families]]));
            for (var i = 0; i < 30; i++)
            {
                await AwardApi(world, [], true);
                await AwardBaseline(baseHttp, world.Students);
            }

            var drained = await AwardApi(world, [world.Students[0]], false);
            if (await apiReceipts.WaitAsync(0, drained.Points.Single().PointId, TimeSpan.FromSeconds(120)) is null)
                throw new InvalidOperationException("The API's push backlog after the warm-up did not drain within 120 s.");
        }

        var meter = new CpuMeter(api.ProcessorTime);

        // 1. Latency, interleaved.
        var oneApi = new Samples("API, one student");
        var oneBase = new Samples("baseline, one student");
        var classApi = new Samples("API, class of 30 (last guardian)");
        var classBase = new Samples("baseline, class of 30 (last guardian)");
        // The time to the POST's answer (201 received) of the same awards: what the request and its commit take, the rest being
        // the way from the commit to the guardian's push.
        var answered = new Dictionary<Samples, Samples>
        {
            [oneApi] = new("API, one student, answer"), [oneBase] = new("baseline, one student, answer"),
            [classApi] = new("API, class of 30, answer"), [classBase] = new("baseline, class of 30, answer"),
        };
        const int warmUp = 10;
        for (var i = -warmUp; i < nOne; i++)
        {
            await Measure(oneApi, "one-api", i, () => AwardApi(world, [world.Students[0]], false), apiReceipts, [0]);
            await Measure(oneBase, "one-baseline", i, () => AwardBaseline(baseHttp, [world.Students[0]]), baseReceipts, [0]);
        }

        var everyone = Enumerable.Range(0, Families).ToArray();
        for (var i = -warmUp / 2; i < nClass; i++)
        {
            await Measure(classApi, "class-api", i, () => AwardApi(world, [], true), apiReceipts, everyone);
            await Measure(classBase, "class-baseline", i, () => AwardBaseline(baseHttp, world.Students), baseReceipts, everyone);
        }

        Console.Error.WriteLine($"bench points: {oneApi.Summary()}\nbench points: {oneBase.Summary()}\nbench points: {classApi.Summary()}\nbench points: {classBase.Summary()}");

        // 2. Saturation.
        var awardsApi = await Saturate("awards, API", teachers, saturation, j => AwardApi(world, [world.Students[j % Families]], false), api.ProcessorTime);
        var awardsBase = await Saturate("awards, baseline", teachers, saturation, j => AwardBaseline(baseHttp, [world.Students[j % Families]]), api.ProcessorTime);
        var messagesApi = await Saturate("messages, API", teachers, saturation, PostMessage, api.ProcessorTime);
        var messagesBase = await Saturate("messages, baseline", teachers, saturation, j => AwardBaseline(baseHttp, [world.Students[j % Families]]), api.ProcessorTime);
        var load = meter.Report();

        // 3. Encryption.
        var (sealClass, unsealClass) = await EncryptionAsync(pg);

        string Row(string what, Samples ours, Samples theirs) => string.Create(CultureInfo.InvariantCulture,
            $"| {what} | {Samples.Ms(ours.Percentile(50))} / {Samples.Ms(ours.Percentile(99))} | {Samples.Ms(theirs.Percentile(50))} / {Samples.Ms(theirs.Percentile(99))} | {ours.Percentile(50) / theirs.Percentile(50):0.00}× / {ours.Percentile(99) / theirs.Percentile(99):0.00}× | {ours.Lost} / {theirs.Lost} |");
        string Rate(string what, Saturation ours, Saturation theirs) => string.Create(CultureInfo.InvariantCulture,
            $"| {what} | {ours.PerSecond:0.0}/s, p50 {Samples.Ms(ours.Latency.Percentile(50))}, p99 {Samples.Ms(ours.Latency.Percentile(99))} ms | {theirs.PerSecond:0.0}/s, p50 {Samples.Ms(theirs.Latency.Percentile(50))}, p99 {Samples.Ms(theirs.Latency.Percentile(99))} ms | {100 * ours.PerSecond / theirs.PerSecond:0} % | {ours.Errors} / {theirs.Errors} |");

        string Cpu(string what, Saturation phase) => phase.Cpu is not { } c || phase.Done == 0
            ? $"| {what} | n/a | n/a | n/a | n/a |"
            : string.Create(CultureInfo.InvariantCulture,
                $"| {what} | {1000 * c.Api / phase.Done:0.000} | {1000 * c.Driver / phase.Done:0.000} | {1000 * c.Others / phase.Done:0.000} | {1000 * c.Machine / phase.Done:0.000} |");

        var text = new StringBuilder()
            .AppendLine($"# Points beside a durable baseline ({DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, shared machine)")
            .AppendLine()
            .AppendLine($"PostgreSQL: {durability} (API and baseline on the same server and database). Each award carries a note of {Note.Length} characters.")
            .AppendLine($"Load during the run: {load}")
            .AppendLine(warmUpLoad > TimeSpan.Zero
                ? $"Warm-up before the measured phases (not counted): {warmUpLoad.TotalSeconds:0} s each of API awards, API messages and baseline awards from {teachers} senders, then 30 whole-class awards each."
                : "No warm-up under load (CLASSCOMMS_BENCH_WARMUP_S=0): the measured phases start a minute after the API, with only their own few warm-up iterations.")
            .AppendLine()
            .AppendLine("| Award → guardian's push (ms) | API p50 / p99 | Baseline p50 / p99 | Ratio p50 / p99 | Lost (API / baseline) |")
            .AppendLine("|---|---|---|---|---|")
            .AppendLine(Row($"One student (n={oneApi.Count})", oneApi, oneBase))
            .AppendLine(Row($"Whole class of 30, last guardian (n={classApi.Count})", classApi, classBase))
            .AppendLine()
            .AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"Of these, the POST's answer (201 received; the request, its reads and its commit) p50: one student API {Samples.Ms(answered[oneApi].Percentile(50))} ms, baseline {Samples.Ms(answered[oneBase].Percentile(50))} ms; class API {Samples.Ms(answered[classApi].Percentile(50))} ms, baseline {Samples.Ms(answered[classBase].Percentile(50))} ms."))
            .AppendLine()
            .AppendLine($"| Saturation, {teachers} concurrent teachers, {saturation.TotalSeconds:0} s each | API | Baseline | API / baseline throughput | Errors |")
            .AppendLine("|---|---|---|---|---|")
            .AppendLine(Rate("Awards (one student each)", awardsApi, awardsBase))
            .AppendLine(Rate("Messages (one family each; baseline: one row + one group message)", messagesApi, messagesBase))
            .AppendLine()
            .AppendLine("Where the CPU went at saturation, per operation completed in the phase (ms of CPU; the phases run one after the other on the same 2 cores; " +
                        "\"others\" is the machine's busy time less the two .NET processes: PostgreSQL, mostly; an API's pushes still running when its phase ends count in the next phase):")
            .AppendLine()
            .AppendLine("| Phase | API process | Driver (+ baseline endpoint) | PostgreSQL and others | Machine |")
            .AppendLine("|---|---|---|---|---|")
            .AppendLine(Cpu("Awards, API", awardsApi))
            .AppendLine(Cpu("Awards, baseline", awardsBase))
            .AppendLine(Cpu("Messages, API", messagesApi))
            .AppendLine(Cpu("Messages, baseline", messagesBase))
            .AppendLine()
            .AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"Encryption: sealing the 30 notes of a whole-class award (two layers each, keys cached) takes p50 {sealClass:0.000} ms = {100 * sealClass / classApi.Percentile(50):0.0} % of the class award's p50; unsealing them on delivery p50 {unsealClass:0.000} ms = {100 * unsealClass / classApi.Percentile(50):0.0} %."))
            .ToString();
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, text);
        await File.WriteAllLinesAsync(Path.ChangeExtension(output, ".csv"), raw);
        Console.WriteLine(text);
        return 0;

        async Task Measure(Samples samples, string part, int iteration, Func<Task<PointsAwarded>> award, Receipts<Guid> receipts, int[] receivers)
        {
            var t0 = Clock.Now();
            var awarded = await award();
            var answer = Clock.Ms(t0, Clock.Now());
            var byStudent = awarded.Points.ToDictionary(p => p.StudentId, p => p.PointId);
            var arrivals = await Task.WhenAll(receivers.Select(r => receipts.WaitAsync(r, byStudent[world.Students[r]], timeout)));
            if (iteration < 0) return;
            if (arrivals.Any(a => a is null))
            {
                samples.AddLost(arrivals.Count(a => a is null));
                return;
            }

            var ms = Clock.Ms(t0, arrivals.Max(a => a!.Value));
            samples.Add(ms);
            answered[samples].Add(answer);
            raw.Add(string.Create(CultureInfo.InvariantCulture, $"{part},{iteration},{ms:0.000}"));
        }
    }

    private static Task<PointsAwarded> AwardApi(World world, IReadOnlyList<Guid> students, bool wholeClass) =>
        ApiDriver.Post<PointsAwarded>(world.Teacher.Http, $"/api/classes/{world.ClassId}/points", new AwardPoints(world.SkillId, students, wholeClass, Note));

    private static Task<PointsAwarded> AwardBaseline(HttpClient http, IReadOnlyList<Guid> students) =>
        ApiDriver.Post<PointsAwarded>(http, "/points", new BaselineAward(students, Note));

    public sealed record Saturation(double PerSecond, Samples Latency, int Errors, int Done, CpuSplit? Cpu);

    private static async Task<Saturation> Saturate<T>(string name, int loops, TimeSpan duration, Func<int, Task<T>> send,
        Func<TimeSpan>? apiCpu = null)
    {
        var meter = apiCpu is null ? null : new CpuMeter(apiCpu);
        var latency = new Samples(name);
        var gate = new Lock();
        var done = 0;
        var errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, loops).Select(j => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var t0 = Clock.Now();
                try
                {
                    await send(j);
                    var ms = Clock.Ms(t0, Clock.Now());
                    lock (gate)
                    {
                        latency.Add(ms);
                        done++;
                    }
                }
                catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })));
        var result = new Saturation(done / clock.Elapsed.TotalSeconds, latency, errors, done, meter?.Split());
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench points: {name}: {result.PerSecond:0.0}/s, {latency.Summary()}, errors {errors}"));
        return result;
    }

    /// <summary>Median time to seal, and to unseal, the 30 notes of a whole-class award with the vault (keys cached), 200 rounds.</summary>
    private static async Task<(double Seal, double Unseal)> EncryptionAsync(string pg)
    {
        var options = Options.Create(new PersonalDataOptions
        {
            KeyStoreConnectionString = pg,
            MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            LookupKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            AllowSharedKeyDatabase = true,
        });
        await using var store = new SubjectKeyStore(options);
        await store.EnsureSchemaAsync(CancellationToken.None);
        var vault = new PersonalDataVault(store, options, TimeProvider.System);
        var tenant = "bench-" + Guid.NewGuid().ToString("N");
        var month = Guid.NewGuid();
        var students = Enumerable.Range(0, Families).Select(_ => Guid.NewGuid()).ToArray();
        var seal = new List<double>();
        var unseal = new List<double>();
        for (var round = -20; round < 200; round++)
        {
            var sealedNotes = new Sealed[Families];
            var t0 = Clock.Now();
            for (var i = 0; i < Families; i++)
                sealedNotes[i] = await vault.SealForAllAsync(tenant, [students[i], month], "point.note", $"{round}-{i}", Note);
            var t1 = Clock.Now();
            for (var i = 0; i < Families; i++)
                if (await vault.UnsealAsync(sealedNotes[i], $"{round}-{i}") is null) throw new InvalidOperationException("A note did not unseal.");
            var t2 = Clock.Now();
            if (round < 0) continue;
            seal.Add(Clock.Ms(t0, t1));
            unseal.Add(Clock.Ms(t1, t2));
        }

        return (seal.Order().ElementAt(seal.Count / 2), unseal.Order().ElementAt(unseal.Count / 2));
    }
}
