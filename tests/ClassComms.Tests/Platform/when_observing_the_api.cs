using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using ClassComms.Conversations;
using ClassComms.Notifications;
using ClassComms.Platform;
using ClassComms.Points;
using ClassComms.Tests.Privacy;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace ClassComms.Tests.Platform;

public sealed class when_observing_the_api(AppFixture app) : IntegrationTest(app)
{
    private const string AwardRoute = "/api/classes/{classId}/points";
    private const string Note = "Marigold tied her shoelaces by herself";

    [Fact]
    public async Task an_award_is_one_trace_from_the_request_through_the_commit_to_the_push()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        await using var parentApp = await HubClient.Connect(App, guardian);
        App.Spans.Clear();

        var award = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]], Note);
        await parentApp.WaitFor(nameof(INotificationClient.PointAwarded), n => n.PointId == award.Points[0].PointId);

        var request = await App.Spans.WaitFor(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("http.route"), AwardRoute), "for the award request");
        var push = await App.Spans.WaitFor(s => s.DisplayName == "push point.awarded", "for the push");
        var handled = await App.Spans.WaitFor(s => s.Source.Name == "Wolverine" && s.TraceId == push.TraceId
                                                  && s.DisplayName == typeof(PointsChanged).FullName, "for the Wolverine handler that pushed");

        // One trace: the push's chain of parents leads back to the HTTP request, through the outbox envelope and its handler.
        Assert.Equal(request.TraceId, push.TraceId);
        for (var i = 0; i < 100 && !Ancestors(push).Contains(request); i++) await Task.Delay(100);
        var ancestors = Ancestors(push);
        Assert.Contains(handled, ancestors);
        Assert.Contains(request, ancestors);

        // The commit is in it: the request's own database commands append the point event.
        var trace = App.Spans.All().Where(s => s.TraceId == request.TraceId).ToList();
        var appended = trace.Where(s => s.Source.Name == "Npgsql" && Ancestors(s).Contains(request)
                                       && (s.GetTagItem("db.statement")?.ToString() ?? "").Contains("mt_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(appended);
        // Npgsql records the SQL text with its $n placeholders and no parameter values; the note's plaintext is nowhere.
        Assert.DoesNotContain(App.Spans.All(), s => s.TagObjects.Any(t => t.Key.Contains("parameter", StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(Note, App.Spans.Text(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("point.awarded", push.GetTagItem("classcomms.push.kind"));
        Assert.Equal(2, push.GetTagItem("classcomms.push.recipients")); // the guardian and the teacher
    }

    [Fact]
    public async Task each_request_logs_one_line_with_its_route_template_and_never_the_path_or_query_string()
    {
        var world = await Api.CreateWorld();
        App.Logs.Clear();
        App.Spans.Clear();

        await Api.Inbox(world.Teacher, after: 0);
        await Api.GetStudent(world.Teacher, world.Students[0]);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{Guid.CreateVersion7()}", null, world.Teacher);
        // A browser's SignalR client sends its token in the query string.
        var negotiate = await Api.Send(HttpMethod.Post, $"{NotificationHub.Path}/negotiate?negotiateVersion=1&access_token={world.Teacher.Token}", null, null);
        Assert.Equal(HttpStatusCode.OK, negotiate.Status);

        var lines = await RequestLines(4);
        Assert.Equal(4, lines.Count);
        Assert.Contains(lines, l => l.Contains("GET /api/inbox answered 200", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("GET /api/students/{studentId} answered 200", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("GET /api/students/{studentId} answered 404", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"POST {NotificationHub.Path}/negotiate answered 200", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            Assert.DoesNotContain("?", line);
            Assert.DoesNotContain(world.Students[0].ToString(), line);
            Assert.Matches("DurationMs=[0-9.]+", line);
        }

        // The line carries the trace id of its request's span.
        var studentSpan = await App.Spans.WaitFor(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("http.route"), "/api/students/{studentId}"),
            "for the student request");
        Assert.Contains(lines, l => l.Contains($"TraceId={studentSpan.TraceId}", StringComparison.Ordinal));

        // Neither the logs nor the spans hold the token.
        var signature = world.Teacher.Token.Split('.').Last();
        Assert.DoesNotContain(signature, App.Logs.Text());
        Assert.DoesNotContain(signature, App.Spans.Text());
    }

    [Fact]
    public async Task business_metrics_count_committed_points_messages_pushes_and_erasures()
    {
        var factory = Host.Services.GetRequiredService<IMeterFactory>();
        using var counters = new Counters(factory);
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        await using var mumApp = await HubClient.Connect(App, mum);

        var award = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, world.Students, "Great teamwork");
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/classes/{world.ClassId}/points",
            new AwardPoints(world.Positive.Id, [], false, null), world.Teacher);
        await mumApp.WaitFor(nameof(INotificationClient.PointAwarded), n => n.PointId == award.Points[0].PointId);
        Assert.Equal(world.Students.Count, counters.Sum("classcomms.points.awarded"));
        await counters.WaitUntil("classcomms.pushes.delivered", n => n >= world.Students.Count + 1); // each student's point to the teacher, one to mum

        // Quiet hours (the school's default, which the teacher has not overridden) hold the push of mum's reply.
        await Api.Post<QuietHours>("/api/school/quiet-hours",
            new SetQuietHours(DateTime.UtcNow.AddMinutes(-5).ToString("HH:mm"), DateTime.UtcNow.AddMinutes(30).ToString("HH:mm"), "Etc/UTC"),
            world.Leader, HttpStatusCode.OK);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];
        var reply = await Api.Reply(mum, thread.ConversationId, "Thank you");
        Assert.Equal(2, counters.Sum("classcomms.messages.sent"));
        await counters.WaitUntil("classcomms.pushes.held", n => n == 1);

        // A notice that can never be pushed ends in the dead-letter table, and is counted.
        using (var scope = Host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().PublishAsync(new MessageChanged(Guid.NewGuid(), reply.MessageId));
        }

        await counters.WaitUntil("classcomms.pushes.dead_lettered", n => n == 1);

        await Api.EraseStudent(world.Dpo, world.Students[1]);
        Assert.Equal(1, counters.Sum("classcomms.erasures.requested"));
        await counters.WaitUntil("classcomms.erasures.completed", n => n == 1);
    }

    private async Task<List<string>> RequestLines(int expected)
    {
        for (var i = 0; i < 100; i++)
        {
            var lines = App.Logs.Text().Split('\n').Where(l => l.Contains(typeof(RequestLog).FullName!, StringComparison.Ordinal)).ToList();
            if (lines.Count >= expected) return lines;
            await Task.Delay(100);
        }

        return App.Logs.Text().Split('\n').Where(l => l.Contains(typeof(RequestLog).FullName!, StringComparison.Ordinal)).ToList();
    }

    private List<Activity> Ancestors(Activity span)
    {
        var byId = App.Spans.All().ToDictionary(s => s.SpanId);
        var chain = new List<Activity>();
        for (var current = span; byId.TryGetValue(current.ParentSpanId, out var parent); current = parent) chain.Add(parent);
        return chain;
    }

    /// <summary>Sums the ClassComms counters of this host (its meter factory), whatever other hosts in the run record.</summary>
    private sealed class Counters : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _sums = [];
        private readonly Lock _gate = new();

        public Counters(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == Telemetry.SourceName && instrument.Meter.Scope == factory) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                lock (_gate) _sums[instrument.Name] = _sums.GetValueOrDefault(instrument.Name) + value;
            });
            _listener.Start();
        }

        public long Sum(string name)
        {
            lock (_gate) return _sums.GetValueOrDefault(name);
        }

        /// <summary>A bounded wait for work that happens after the response (pushes, the erasure workflow).</summary>
        public async Task WaitUntil(string name, Func<long, bool> condition)
        {
            for (var i = 0; i < 300 && !condition(Sum(name)); i++) await Task.Delay(100);
            Assert.True(condition(Sum(name)), $"{name} is {Sum(name)}");
        }

        public void Dispose() => _listener.Dispose();
    }
}
