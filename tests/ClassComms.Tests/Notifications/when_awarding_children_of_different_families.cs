using System.Net;
using ClassComms.Guardians;
using ClassComms.Platform;
using ClassComms.Points;
using ClassComms.Tests.Support;
using Marten;
using Marten.Services;
using Npgsql;

namespace ClassComms.Tests.Notifications;

/// <summary>
/// The feed is numbered per reader at commit (Notifications/ReadPositions.InsertFeed): a transaction locks the rows of its items'
/// readers (the students' guardians) and numbers the items after that. A feed item of one family that is not committed yet
/// must not hold up another family's award (one count per school did: every award of the school queued on it until commit),
/// and must hold up an award for a sibling (a reader in common), which is then numbered after it: cursor order is commit order.
/// </summary>
public sealed class when_awarding_children_of_different_families(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task an_uncommitted_item_holds_up_only_awards_sharing_a_guardian_and_those_are_numbered_after_it()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        await Api.Post<ChildLinked>("/api/guardians/me/children", new LinkChild((await Api.IssueCode(world.Teacher, world.Students[1])).Code), mum,
            HttpStatusCode.OK);
        var otherFamily = await Api.GuardianOf(world.Teacher, world.Students[2]);
        var first = (await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]])).Points[0].PointId;

        // A point for mum's first child written through the real inline projections, in a transaction left open.
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__Marten"));
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var options = SessionOptions.ForTransaction(transaction);
        options.TenantId = Ids.Tenant(world.SchoolId);
        var held = Guid.CreateVersion7();
        await using (var session = Store.LightweightSession(options))
        {
            var like = (await session.LoadAsync<PointEntry>(first))!;
            session.Events.Append(world.Students[0], new PointAwarded(world.Students[0], like.AwardedBy, held, Guid.CreateVersion7(), world.ClassId,
                like.SkillId, like.SkillName, true, 1, null, DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        // Another family: not held up (the guard only stops a hang from hanging the run).
        var theirs = (await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[2]]).WaitAsync(TimeSpan.FromSeconds(60)))
            .Points[0].PointId;
        Assert.Contains(theirs, (await Api.Get<FeedPage>("/api/guardians/me/feed", otherFamily)).Items.Select(i => i.PointId));

        // Mum's other child: waits on mum's row until the open transaction commits.
        var sibling = Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[1]]);
        await UntilABackendWaitsOnTheFeedHeads(sibling);
        Assert.False(sibling.IsCompleted);
        await transaction.CommitAsync();
        var second = (await sibling.WaitAsync(TimeSpan.FromSeconds(60))).Points[0].PointId;

        var feed = await Api.Get<FeedPage>("/api/guardians/me/feed", mum);
        Assert.Equal([first, held, second], feed.Items.Select(i => i.PointId));
        Assert.True(feed.Items.Zip(feed.Items.Skip(1)).All(p => p.First.Cursor < p.Second.Cursor));
        Assert.DoesNotContain(theirs, feed.Items.Select(i => i.PointId));
    }

    /// <summary>Polls PostgreSQL until a backend of the test database waits for a lock in a statement writing the feed heads.</summary>
    private static async Task UntilABackendWaitsOnTheFeedHeads(Task pending)
    {
        await using var db = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__Marten"));
        await db.OpenAsync();
        for (var i = 0; i < 600 && !pending.IsCompleted; i++)
        {
            await using var query = new NpgsqlCommand("""
                select count(*) from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock' and query like '%feed_heads%'
                """, db);
            if ((long)(await query.ExecuteScalarAsync())! > 0) return;
            await Task.Delay(50);
        }

        throw new InvalidOperationException(pending.IsCompleted
            ? "The sibling's award completed while a feed item of its guardian was uncommitted."
            : "No statement waited on the feed heads.");
    }
}
