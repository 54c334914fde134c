using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClassComms.Conversations;
using ClassComms.Guardians;
using ClassComms.Media;
using ClassComms.Notifications;
using ClassComms.Points;
using ClassComms.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace ClassComms.Tests.Cluster;

/// <summary>
/// PostgreSQL, then Blob Storage, stopped for 10 s while the cluster is under load (through nginx): every request answers,
/// 2xx or 503 with <c>Retry-After</c> (never 500, never a dropped connection), nothing is half-written, and the service
/// recovers by itself once the store is back (no node restarted).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class when_a_store_stops(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task postgresql_stopped_for_10_s_under_load_answers_503_with_retry_after_writes_no_half_award_and_recovers()
    {
        await cluster.EnsureAllNodesUp();
        var families = cluster.Students.Count;
        var before = await PointsPerStudent();
        var guardian = cluster.Guardians[0];
        // The live push after recovery: the guardian is connected to every node directly, the award goes through nginx, and the
        // push must reach the guardian on the node that did NOT commit it: through the Redis backplane.
        var pushes = new Dictionary<int, ConcurrentBag<Guid>>();
        var hubs = new List<HubConnection>();
        for (var node = 1; node <= cluster.Nodes; node++)
        {
            var seen = pushes[node] = [];
            var hub = cluster.Hub(guardian.Token, cluster.Node(node));
            hub.On<PointNotice>(nameof(INotificationClient.PointAwarded), n => seen.Add(n.PointId));
            await hub.StartAsync();
            hubs.Add(hub);
        }

        var acknowledgedAwards = 0;
        var load = new Load();
        var outage = load.Run(
            [
                async () =>
                {
                    if (Volatile.Read(ref acknowledgedAwards) >= 60) return null; // keep the class under 200 points a student
                    var response = await cluster.Teacher.Http.PostAsJsonAsync($"/api/classes/{cluster.ClassId}/points",
                        new AwardPoints(cluster.SkillId, null, true, null));
                    if (response.StatusCode == HttpStatusCode.Created) Interlocked.Increment(ref acknowledgedAwards);
                    return response;
                },
                async () => await guardian.Http.GetAsync("/api/guardians/me/feed?after=0&limit=5"),
                async () => await guardian.Http.GetAsync("/api/inbox?after=0&limit=5"),
            ],
            stop: () => cluster.Run("infra/postgres.sh", "stop"),
            start: () => cluster.Run("infra/postgres.sh", "start"));
        var figures = await outage;

        var after = await PointsPerStudent();
        var added = cluster.Students.Select(s => after[s] - before[s]).ToList();
        using var award = await cluster.Teacher.Http.PostAsJsonAsync($"/api/classes/{cluster.ClassId}/points", new AwardPoints(cluster.SkillId, null, true, null));
        Assert.Equal(HttpStatusCode.Created, award.StatusCode);
        var pushed = (await award.Content.ReadFromJsonAsync<PointsAwardedResponse>(JsonSerializerOptions.Web))!;
        var committedOn = cluster.NodeOf(award);
        var live = pushed.Points.Single(p => p.StudentId == cluster.Students[0]).PointId;
        await when_a_node_dies.Until(() => Task.FromResult(pushes.Values.All(p => p.Contains(live)) ? new object() : null),
            $"the push after PostgreSQL came back, on every node (committed on node {committedOn})");
        Assert.InRange(committedOn, 1, cluster.Nodes);
        foreach (var hub in hubs) await hub.DisposeAsync();
        var total = after.Values.Sum() + families;
        await when_a_node_dies.Until(async () =>
        {
            var s = await ClusterFixture.Get<ClassSummary>(cluster.Teacher.Http, $"/api/classes/{cluster.ClassId}/summary");
            return s.PointsAwarded == total ? s : null;
        }, "the class statistics (async daemon) caught up after PostgreSQL came back");

        cluster.Record("PostgreSQL stopped 10 s under load", $"{figures}; awards answered 201 {acknowledgedAwards}, the next award (node {committedOn}) pushed to the guardian on every node, points added per student " +
            $"{string.Join("/", added.Distinct())} (committed though answered 503: {added[0] - acknowledgedAwards} awards)", output);

        figures.AssertClean();
        Assert.Single(added.Distinct()); // every award wrote all 30 points or none
        Assert.True(added[0] >= acknowledgedAwards, "an acknowledged award is missing");
    }

    [Fact]
    public async Task blob_storage_stopped_for_10_s_under_load_answers_503_with_retry_after_and_recovers()
    {
        var teacher = cluster.Teacher;
        var started = await ClusterFixture.Post<ConversationsStarted>(teacher.Http, "/api/conversations",
            new StartConversation(cluster.Students[1], ConversationKinds.Private, "Photos from the trip", false));
        var conversation = started.Threads[0].ConversationId;
        var stored = await Upload(teacher.Http, conversation);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        var attachment = (await stored.Content.ReadFromJsonAsync<AttachmentUploaded>(JsonSerializerOptions.Web))!.AttachmentId;

        var figures = await new Load().Run(
            [
                async () => await Upload(teacher.Http, conversation),
                async () => await teacher.Http.GetAsync($"/api/attachments/{attachment}"),
                async () => await teacher.Http.GetAsync($"/api/conversations/{conversation}/messages?limit=5"),
            ],
            stop: () => cluster.Run("infra/azurite.sh", "stop"),
            start: () => cluster.Run("infra/azurite.sh", "start"));

        cluster.Record("Blob Storage stopped 10 s under load", figures.ToString(), output);
        figures.AssertClean();
        using var download = await teacher.Http.GetAsync($"/api/attachments/{attachment}");
        Assert.Equal(Files.Pdf(), await download.Content.ReadAsByteArrayAsync());
    }

    private static Task<HttpResponseMessage> Upload(HttpClient http, Guid conversation) =>
        http.PostAsync($"/api/conversations/{conversation}/attachments", Files.Form(Files.Pdf(), "trip.pdf", "application/pdf"));

    private async Task<Dictionary<Guid, int>> PointsPerStudent()
    {
        var counts = new Dictionary<Guid, int>();
        foreach (var student in cluster.Students)
        {
            counts[student] = (await ClusterFixture.Get<StudentPointsView>(cluster.Teacher.Http, $"/api/students/{student}/points?limit=200")).Points.Count;
        }

        return counts;
    }

    /// <summary>
    /// A few request loops (each one request at a time) through nginx: 2 s before the outage, the outage, and after the store
    /// is back until every loop had a 2xx again (at most 60 s). Each answer is classified.
    /// </summary>
    private sealed class Load
    {
        private readonly ConcurrentBag<(string Phase, int Status, bool RetryAfter, bool Problem)> _answers = [];
        private readonly ConcurrentBag<string> _failures = [];

        public async Task<Figures> Run(IReadOnlyList<Func<Task<HttpResponseMessage?>>> loops, Func<Task> stop, Func<Task> start)
        {
            var phase = "before";
            var recoveredAt = new TimeSpan?[loops.Count];
            var clock = Stopwatch.StartNew();
            var back = TimeSpan.MaxValue;
            using var done = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var running = loops.Select((loop, i) => Task.Run(async () =>
            {
                while (!done.IsCancellationRequested)
                {
                    HttpResponseMessage? response;
                    try
                    {
                        response = await loop();
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        _failures.Add($"{phase}: {e.GetType().Name}");
                        continue;
                    }

                    if (response is null)
                    {
                        await Task.Delay(100);
                        continue;
                    }

                    using (response)
                    {
                        var status = (int)response.StatusCode;
                        _answers.Add((phase, status, response.Headers.RetryAfter is not null,
                            response.Content.Headers.ContentType?.MediaType == "application/problem+json"));
                        if (phase == "after" && status < 300 && recoveredAt[i] is null) recoveredAt[i] = clock.Elapsed - back;
                    }

                    await Task.Delay(50);
                }
            })).ToList();

            await Task.Delay(TimeSpan.FromSeconds(2));
            await stop();
            phase = "outage";
            var stopped = clock.Elapsed;
            await Task.Delay(Outage);
            await start();
            back = clock.Elapsed;
            phase = "after";
            while (recoveredAt.Any(r => r is null) && !done.IsCancellationRequested) await Task.Delay(100);
            await Task.Delay(TimeSpan.FromSeconds(1));
            await done.CancelAsync();
            await Task.WhenAll(running);
            return new Figures([.. _answers], [.. _failures], back - stopped, recoveredAt);
        }
    }

    private sealed record Figures(
        IReadOnlyList<(string Phase, int Status, bool RetryAfter, bool Problem)> Answers,
        IReadOnlyList<string> Failures,
        TimeSpan Down,
        IReadOnlyList<TimeSpan?> RecoveredAfter)
    {
        public override string ToString()
        {
            var outage = Answers.Where(a => a.Phase != "before").ToList();
            var byStatus = string.Join(", ", Answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
            return $"down {Down.TotalSeconds:0.0} s; {Answers.Count} answers ({byStatus}), " +
                   $"503 with Retry-After and problem+json {outage.Count(a => a.Status == 503 && a.RetryAfter && a.Problem)} of {outage.Count(a => a.Status == 503)}, " +
                   $"500s {Answers.Count(a => a.Status == 500)}, connection failures {Failures.Count}; first 2xx per loop after the store was back: " +
                   string.Join(" / ", RecoveredAfter.Select(r => r is { } t ? $"{t.TotalSeconds:0.0} s" : "never"));
        }

        public void AssertClean()
        {
            Assert.Empty(Failures);
            Assert.Contains(Answers, a => a.Status == 503); // the store was really down for some requests
            Assert.All(Answers, a => Assert.True(a.Status is >= 200 and < 300 or 503, $"{a.Phase}: answered {a.Status}"));
            Assert.All(Answers.Where(a => a.Status == 503), a => Assert.True(a.RetryAfter && a.Problem, "a 503 without Retry-After or ProblemDetails"));
            Assert.All(RecoveredAfter, r => Assert.NotNull(r));
        }
    }
}
