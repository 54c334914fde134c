using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using ClassComms.Conversations;
using ClassComms.Demo;
using ClassComms.Notifications;
using ClassComms.Points;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;
using Xunit.Abstractions;

namespace ClassComms.Tests.Cluster;

/// <summary>
/// kill -9 of the node that leads: the one holding Marten's async daemon (the HotCold advisory lock) and Wolverine's
/// leadership (its advisory lock, and the <c>wolverine://leader/</c> assignment). Which node that is, and who takes over, is
/// read from PostgreSQL: <c>pg_locks</c> joined to <c>pg_stat_activity</c> (infra/cluster.sh names each node's sessions
/// <c>classcomms-node-N</c>; Wolverine names its lock connection itself, so that one is traced by its client port to the node
/// process holding the socket). The survivor must take both over: the class statistics (async projection) catch up on a new
/// award, and a push held by quiet hours, scheduled in PostgreSQL before the kill and due after it, is delivered.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class when_the_leader_dies(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task the_survivor_takes_over_the_async_daemon_and_wolverine_leadership()
    {
        await cluster.EnsureAllNodesUp();
        await using var db = NpgsqlDataSource.Create(cluster.Database);
        var (daemon, leader) = await Poll(async () =>
        {
            var d = await DaemonNode(db);
            var l = await WolverineLeaderNode(db);
            return d > 0 && l > 0 ? (d, l) : ((int, int)?)null;
        }, "a node holding the async daemon and one leading Wolverine");
        var victim = leader;
        var survivor = victim == 1 ? 2 : 1;

        // A push held by quiet hours: the teacher's own quiet hours (school time, the school in UTC) end 30 s from now; a
        // guardian's reply is accepted now, and its push to the teacher is a Wolverine message scheduled in PostgreSQL.
        var leaderStaff = await cluster.SignIn(DemoSeeder.Leader, DemoSeeder.Password);
        await ClusterFixture.Post<QuietHours?>(leaderStaff.Http, "/api/school/quiet-hours", new SetQuietHours("03:00", "03:01", "Etc/UTC"), HttpStatusCode.OK);
        var thread = (await ClusterFixture.Post<ConversationsStarted>(cluster.Teacher.Http, "/api/conversations",
            new StartConversation(cluster.Students[0], ConversationKinds.Private, "Leader failover", false))).Threads[0];
        var received = new ConcurrentDictionary<Guid, DateTime>();
        await using var teacherHub = cluster.Hub(cluster.Teacher.Token);
        teacherHub.On<MessageNotice>(nameof(INotificationClient.MessageReceived), n => received.TryAdd(n.MessageId, DateTime.UtcNow));
        await teacherHub.StartAsync();
        var now = DateTime.UtcNow;
        var quietEnd = now.AddSeconds(30);
        await ClusterFixture.Post<QuietHours>(cluster.Teacher.Http, "/api/me/quiet-hours",
            new SetQuietHours(now.AddMinutes(-1).ToString("HH:mm:ss"), quietEnd.ToString("HH:mm:ss"), null), HttpStatusCode.OK);
        try
        {
            var reply = await ClusterFixture.Post<MessageAccepted>(cluster.Guardians[0].Http, $"/api/conversations/{thread.ConversationId}/messages",
                new PostMessage("Question for tomorrow", null, false));
            // The node that took the reply has handled it: the teacher's push waits in PostgreSQL, not in that node's memory.
            var scheduled = await Poll(async () => await Scalar<long>(db,
                "select count(*) from classcomms.wolverine_incoming_envelopes where status = 'Scheduled'") is > 0 and var n ? n : (long?)null,
                "the held push scheduled in PostgreSQL");

            var killed = Stopwatch.StartNew();
            cluster.KillNode(victim);
            Assert.True(DateTime.UtcNow < quietEnd, "the node died after quiet hours ended: the test proves nothing (machine too slow)");

            var daemonAfter = await Poll(async () => await DaemonNode(db) == survivor ? killed.Elapsed : (TimeSpan?)null,
                "the survivor holds the async daemon's lock");
            var leaderAfter = await Poll(async () => await WolverineLeaderNode(db) == survivor ? killed.Elapsed : (TimeSpan?)null,
                "the survivor holds Wolverine's leadership lock");
            var survivorId = await Poll(() => Scalar<Guid?>(db, "select node_id from classcomms.wolverine_node_assignments where id = 'wolverine://leader/'"),
                "a Wolverine leader assignment");

            // Projections continue on the survivor: a new award through nginx reaches the class statistics.
            await ClusterFixture.Post<PointsAwardedResponse>(cluster.Teacher.Http, $"/api/classes/{cluster.ClassId}/points",
                new AwardPoints(cluster.SkillId, null, true, null));
            var total = 0;
            foreach (var student in cluster.Students)
            {
                total += (await ClusterFixture.Get<StudentPointsView>(cluster.Teacher.Http, $"/api/students/{student}/points?limit=200")).Points.Count;
            }

            var statisticsAfter = await Poll(async () =>
                (await ClusterFixture.Get<ClassSummary>(cluster.Teacher.Http, $"/api/classes/{cluster.ClassId}/summary")).PointsAwarded == total
                    ? killed.Elapsed : (TimeSpan?)null, "the class statistics caught up on the survivor");

            // Durability work on the survivor: the push scheduled before the kill is delivered once quiet hours end.
            var deliveredAt = await Poll(() => Task.FromResult(received.TryGetValue(reply.MessageId, out var at) ? at : (DateTime?)null),
                "the held push delivered by the survivor");
            var durabilityAgentOnSurvivor = await Scalar<long>(db,
                "select count(*) from classcomms.wolverine_node_assignments where id like 'wolverinedb://%' and node_id = @p", survivorId);

            cluster.Record("leader node killed (async daemon and Wolverine leadership)",
                $"node {victim} led (daemon on node {daemon}, Wolverine leader node {leader}); scheduled envelopes before the kill {scheduled}; " +
                $"daemon lock taken by node {survivor} after {daemonAfter.TotalSeconds:0.0} s, Wolverine leadership after {leaderAfter.TotalSeconds:0.0} s; " +
                $"class statistics caught up on a new award {statisticsAfter.TotalSeconds:0.0} s after the kill; the push held by quiet hours " +
                $"(due {(quietEnd - DateTime.UtcNow + killed.Elapsed).TotalSeconds:0.0} s after the kill) delivered " +
                $"{(deliveredAt - quietEnd).TotalSeconds:0.0} s after quiet hours ended; durability agent on the survivor {durabilityAgentOnSurvivor == 1}",
                output);

            Assert.True(deliveredAt >= quietEnd.AddMilliseconds(-999), "the held push arrived before quiet hours ended");
        }
        finally
        {
            await cluster.Teacher.Http.DeleteAsync("/api/me/quiet-hours");
        }
    }

    /// <summary>The node whose session holds Marten's HotCold daemon lock: the only advisory lock a node's own sessions hold
    /// for long (the others are taken for one transaction), so the same session holding the same lock 1 s apart; 0 if none or
    /// ambiguous.</summary>
    private static async Task<int> DaemonNode(NpgsqlDataSource db)
    {
        const string sql = """
            select a.application_name || ' ' || a.pid || ' ' || l.classid || ':' || l.objid from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted and a.application_name like 'classcomms-node-%'
            """;
        var first = await Holders(db, sql);
        await Task.Delay(1000);
        var again = await Holders(db, sql);
        var nodes = first.Intersect(again).Select(h => h.Split(' ')[0]["classcomms-node-".Length..]).Distinct().ToList();
        return nodes.Count == 1 && int.TryParse(nodes[0], out var node) ? node : 0;
    }

    /// <summary>The node holding Wolverine's leadership lock: the session Wolverine opens for it (named
    /// <c>wolverine-advisory-lock:…</c>) traced by its client port to the node process; 0 if none.</summary>
    private async Task<int> WolverineLeaderNode(NpgsqlDataSource db)
    {
        var ports = await Holders(db, """
            select a.client_port::text from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted and a.application_name like 'wolverine-advisory-lock%'
            """);
        var nodes = ports.Select(p => cluster.NodeOwningPort(int.Parse(p))).Where(n => n > 0).Distinct().ToList();
        return nodes.Count == 1 ? nodes[0] : 0;
    }

    private static async Task<List<string>> Holders(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var all = new List<string>();
        while (await reader.ReadAsync()) all.Add(reader.GetString(0));
        return all;
    }

    private static async Task<T?> Scalar<T>(NpgsqlDataSource db, string sql, object? parameter = null)
    {
        await using var command = db.CreateCommand(sql);
        if (parameter is not null) command.Parameters.AddWithValue("p", parameter);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>Polls until <paramref name="condition"/> gives a value (a bound on waiting, not an assertion on time).</summary>
    private static async Task<T> Poll<T>(Func<Task<T?>> condition, string what) where T : struct
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Bound)
        {
            if (await condition() is { } done) return done;
            await Task.Delay(200);
        }

        throw new TimeoutException($"Not reached within {Bound.TotalSeconds:0} s: {what}.");
    }
}
