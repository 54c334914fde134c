using System.Net;
using ClassComms.AccessLog;
using ClassComms.Dpo;
using ClassComms.Retention;
using ClassComms.Tests.Privacy;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.AccessLog;

/// <summary>
/// The access log's retention period (policy <c>accessLogMonths</c>, 36 by default): the run removes the entries older than it behind a
/// signed anchor, the chain still verifies (also after an erasure, and with entries appended after the anchor), preview equals run, and a
/// second run does nothing.
/// </summary>
public sealed class when_retention_removes_old_access_log_entries(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task entries_older_than_the_period_are_removed_behind_a_signed_anchor_and_the_chain_still_verifies()
    {
        var world = await Api.CreateWorld("Ada", "Ben");
        var (ada, ben) = (world.Students[0], world.Students[1]);
        await KeepStudents(world);
        await Api.GetHistory(world.Teacher, ada);
        await Api.GetHistory(world.Teacher, ben);
        await Api.GetStudent(world.Leader, ada);
        var oldHead = (await Api.VerifyAccessLog(world.Dpo)).SignedHead!;

        Clock.Advance(TimeSpan.FromDays(30 * 31)); // 31 months on: two newer reads
        await Api.GetHistory(world.Teacher, ben);
        await Api.GetStudent(world.Teacher, ada);
        Assert.Empty((await Preview(world)).Other[AccessLogRetention.TheKind]); // nothing is 36 months old yet
        var before = (await Api.AccessLog(world.Dpo)).Entries;

        Clock.Advance(TimeSpan.FromDays(30 * 6)); // 37 months after the first reads, 6 after the newer ones
        var preview = await Preview(world);
        Assert.Equal([before.Single(e => e.Seq == 3).EntryId], preview.Other[AccessLogRetention.TheKind]); // the last entry to remove
        var run = await Api.Post<RetentionRunRecorded>("/api/retention/runs", null, world.Dpo, HttpStatusCode.OK);
        Assert.Equal(preview.Other[AccessLogRetention.TheKind], run.Plan.Other[AccessLogRetention.TheKind]);

        Assert.Equal([5L, 4L], (await Api.AccessLog(world.Dpo)).Entries.Select(e => e.Seq));
        var verification = await Api.VerifyAccessLog(world.Dpo);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(2, verification.Entries);
        var anchor = verification.Anchor!;
        Assert.Equal((3L, oldHead.Head.Hash, 3L), (anchor.Head.Head.Seq, anchor.Head.Head.Hash, anchor.Removed));
        var key = await Api.Get<SigningKeyView>("/api/school/signing-key", world.Dpo);
        Assert.True(anchor.Head.Verify(key.PublicKeyPem));
        Assert.Equal(5L, verification.SignedHead!.Head.Seq);

        // The head signed before the run is the anchor itself: still contained.
        Assert.Equal("contained", (await Api.CheckHead(world.Dpo, oldHead)).Outcome);
        var second = (await Api.VerifyAccessLog(world.Dpo)).SignedHead!;

        // A second run removes nothing; a new read links to the chain after the anchor.
        var again = await Api.Post<RetentionRunRecorded>("/api/retention/runs", null, world.Dpo, HttpStatusCode.OK);
        Assert.Empty(again.Plan.Other[AccessLogRetention.TheKind]);
        await Api.GetStudent(world.Teacher, ben);
        var after = await Api.VerifyAccessLog(world.Dpo);
        Assert.True(after.Intact, after.Problem);
        Assert.Equal((3L, 6L), (after.Entries, after.SignedHead!.Head.Seq));
        Assert.Equal("contained", (await Api.CheckHead(world.Dpo, second)).Outcome);

        // Everything removed later: the next append still links to the newest anchor.
        Clock.Advance(TimeSpan.FromDays(30 * 37));
        await Api.Post<RetentionRunRecorded>("/api/retention/runs", null, world.Dpo, HttpStatusCode.OK);
        var emptied = await Api.VerifyAccessLog(world.Dpo);
        Assert.True(emptied.Intact, emptied.Problem);
        Assert.Equal((0L, 6L, 6L), (emptied.Entries, emptied.Anchor!.Head.Head.Seq, emptied.Anchor.Removed));
        Assert.Equal("removedByRetention", (await Api.CheckHead(world.Dpo, oldHead)).Outcome); // entry 3 is gone: no longer comparable
        await Api.GetHistory(world.Teacher, ada);
        var appended = await Api.VerifyAccessLog(world.Dpo);
        Assert.True(appended.Intact, appended.Problem);
        Assert.Equal((1L, 7L), (appended.Entries, appended.SignedHead!.Head.Seq));
    }

    [Fact]
    public async Task after_an_erasure_and_a_retention_run_the_chain_verifies_and_the_kept_entries_stay_shredded()
    {
        var world = await Api.CreateWorld("Ada", "Ben");
        var (ada, ben) = (world.Students[0], world.Students[1]);
        await KeepStudents(world);
        await Api.Expect<RetentionPolicyView>(HttpStatusCode.OK, HttpMethod.Put, "/api/retention/policies", new ChangeRetentionPolicy(null, null, null, 12), world.Dpo);
        await Api.GetHistory(world.Teacher, ada);
        await Api.GetHistory(world.Teacher, ben);
        Clock.Advance(TimeSpan.FromDays(300));
        await Api.GetStudent(world.Teacher, ada);
        await Api.EraseStudent(world.Dpo, ada);
        Clock.Advance(TimeSpan.FromDays(100)); // the first two reads are 13 months old, the third 100 days

        var run = await Api.Post<RetentionRunRecorded>("/api/retention/runs", null, world.Dpo, HttpStatusCode.OK);
        Assert.Single(run.Plan.Other[AccessLogRetention.TheKind]);
        var verification = await Api.VerifyAccessLog(world.Dpo);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal((1L, 2L), (verification.Entries, verification.Anchor!.Head.Head.Seq));
        var kept = (await Api.AccessLog(world.Dpo)).Entries.Single();
        Assert.Equal((ada, true), (kept.StudentId, kept.Shredded));
    }

    [Fact]
    public async Task an_anchor_not_signed_by_the_school_breaks_the_chain()
    {
        var world = await Api.CreateWorld("Ada");
        await KeepStudents(world);
        for (var i = 0; i < 3; i++) await Api.GetHistory(world.Teacher, world.Students[0]);
        Clock.Advance(TimeSpan.FromDays(30 * 37));
        await Api.Post<RetentionRunRecorded>("/api/retention/runs", null, world.Dpo, HttpStatusCode.OK);
        Assert.True((await Api.VerifyAccessLog(world.Dpo)).Intact);

        // Moving the anchor (to hide that entries were deleted) without the school's key: refused.
        await AccessLogScenarios.TamperAsync(App, "update classcomms.access_log_anchor set seq = seq + 1 where school_id = $1 and seq = $2", world.SchoolId, 3);
        var verification = await Api.VerifyAccessLog(world.Dpo);
        Assert.False(verification.Intact);
        Assert.Contains("anchor", verification.Problem);
    }

    [Fact]
    public async Task the_period_is_a_policy_field_36_months_by_default_validated_by_name()
    {
        var world = await Api.CreateWorld();
        var initial = await Api.Get<RetentionPolicyView>("/api/retention/policies", world.Dpo);
        Assert.Equal(36, initial.Policy.AccessLogMonths);

        var changed = await Api.Expect<RetentionPolicyView>(HttpStatusCode.OK, HttpMethod.Put, "/api/retention/policies", new ChangeRetentionPolicy(null, null, null, 24), world.Dpo);
        Assert.Equal(new RetentionPolicy(12, 12, 30, 24), changed.Policy);
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Put, "/api/retention/policies",
            new ChangeRetentionPolicy(null, null, null, 0), world.Dpo);
        Assert.Equal(["accessLogMonths"], problem.Errors!.Keys);
        Assert.Equal(24, (await Api.Get<RetentionPolicyView>("/api/retention/policies", world.Dpo)).Policy.AccessLogMonths);

        // A policy recorded before the access log had a period reads with the default.
        var serializer = Host.Services.GetRequiredService<IDocumentStore>().Options.Serializer();
        var old = serializer.FromJson<RetentionPolicy>(new MemoryStream("""{"PointsMonths":6,"InactiveStudentMonths":12,"ExportDays":30}"""u8.ToArray()));
        Assert.Equal(new RetentionPolicy(6, 12, 30, 36), old);
    }

    /// <summary>The students stay enrolled and are not erased as inactive while the clock runs years ahead.</summary>
    private Task KeepStudents(World world) =>
        Api.Expect<RetentionPolicyView>(HttpStatusCode.OK, HttpMethod.Put, "/api/retention/policies", new ChangeRetentionPolicy(null, 120, null), world.Dpo);

    private Task<RetentionPlan> Preview(World world) => Api.Get<RetentionPlan>("/api/retention/preview", world.Dpo);
}
