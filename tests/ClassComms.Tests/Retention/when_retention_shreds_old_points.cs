using System.Net;
using ClassComms.Guardians;
using ClassComms.Retention;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClassComms.Tests.Retention;

/// <summary>
/// Points older than the school's policy are shredded by destroying their month's points key (no event rewritten): the
/// preview names what the run then does, the run is recorded for the DPO, reads show the point as shredded without its note,
/// newer points keep theirs, and a second run does nothing more.
/// </summary>
public sealed class when_retention_shreds_old_points(AppFixture app) : IntegrationTest(app)
{
    private const string OldNote = "Ada helped Mo with his reading";
    private const string NewNote = "Ada led the class assembly";

    [Fact]
    public async Task the_run_destroys_the_old_months_key_shows_the_point_shredded_and_keeps_newer_notes()
    {
        var world = await Api.CreateWorld("Ada Lovelace", "Mo Farah");
        var (ada, mo) = (world.Students[0], world.Students[1]);
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        var old = (await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [ada], OldNote)).Points.Single();
        var oldKey = RetentionKeys.PointsKey(world.SchoolId, Clock.GetUtcNow());

        Clock.Advance(TimeSpan.FromDays(335)); // 11 months on: nothing is due yet
        var recent = (await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [ada], NewNote)).Points.Single();
        var early = await Preview(world);
        Assert.Empty(early.PointKeys);
        Assert.Equal(0, early.PointsShredded);

        Clock.Advance(TimeSpan.FromDays(62)); // 13 months after the first point, 2 after the second
        var preview = await Preview(world);
        Assert.Equal([oldKey], preview.PointKeys);
        Assert.Equal(1, preview.PointsShredded);
        Assert.Equal([mo], preview.StudentsErased); // enrolled more than 12 months ago, no point since; Ada had one 2 months ago

        var run = await Api.Post<RetentionRunRecorded>("/api/retention/runs", null, world.Dpo, HttpStatusCode.OK);
        Assert.Equal(RetentionRunner.ByDpo, run.Trigger);
        Assert.Equal(world.Dpo.UserId, run.RunBy);
        Assert.Equal(preview.PointKeys, run.Plan.PointKeys);
        Assert.Equal(preview.PointsShredded, run.Plan.PointsShredded);
        Assert.Equal(preview.LegacyPointsNotShredded, run.Plan.LegacyPointsNotShredded);
        Assert.Equal(preview.StudentsErased, run.Plan.StudentsErased);
        Assert.Equal(preview.PointsCutoff, run.Plan.PointsCutoff);

        // The key: a fence and no wrapped key left.
        Assert.Equal(0L, await Scalar("select count(*) from personal_data.subject_keys where subject_id = @id and wrapped_key is not null", oldKey));
        Assert.Equal(1L, await Scalar("select count(*) from personal_data.subject_keys where subject_id = @id and erased_at is not null", oldKey));

        var history = await Api.GetHistory(world.Teacher, ada);
        var shredded = history.Points.Single(p => p.PointId == old.PointId);
        Assert.True(shredded.Shredded);
        Assert.Null(shredded.Note);
        var kept = history.Points.Single(p => p.PointId == recent.PointId);
        Assert.False(kept.Shredded);
        Assert.Equal(NewNote, kept.Note);
        Assert.Equal(2, history.PositivePoints);

        var feed = await Api.Get<FeedPage>("/api/guardians/me/feed", guardian);
        Assert.True(feed.Items.Single(i => i.PointId == old.PointId).Shredded);
        Assert.Null(feed.Items.Single(i => i.PointId == old.PointId).Note);
        Assert.Equal(NewNote, feed.Items.Single(i => i.PointId == recent.PointId).Note);

        // Running again does nothing more, and both runs are in the DPO's list, newest first.
        var again = await Api.Post<RetentionRunRecorded>("/api/retention/runs", null, world.Dpo, HttpStatusCode.OK);
        Assert.True(again.Plan.IsEmpty);
        var runs = await Api.Get<RetentionRunsView>("/api/retention/runs", world.Dpo);
        Assert.Equal([again.RunId, run.RunId], runs.Runs.Select(r => r.RunId));

        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Get, "/api/retention/preview", null, world.Teacher);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, "/api/retention/runs", null, world.Leader);
    }

    [Fact]
    public async Task the_schedule_runs_each_school_once_a_day_even_when_checked_in_parallel()
    {
        var world = await Api.CreateWorld("Ada Lovelace");
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]], OldNote);
        var key = RetentionKeys.PointsKey(world.SchoolId, Clock.GetUtcNow());
        var schedule = Host.Services.GetRequiredService<RetentionSchedule>();

        Clock.Advance(TimeSpan.FromDays(400));
        var checks = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => schedule.RunDueAsync([world.SchoolId], CancellationToken.None)));
        var first = Assert.Single(checks.SelectMany(c => c));
        Assert.Equal(RetentionRunner.BySchedule, first.Trigger);
        Assert.Equal(RetentionKeys.Schedule, first.RunBy);
        Assert.Equal([key], first.Plan.PointKeys);
        Assert.Empty(await schedule.RunDueAsync([world.SchoolId], CancellationToken.None)); // same day: not due

        Clock.Advance(TimeSpan.FromDays(1));
        var next = Assert.Single(await schedule.RunDueAsync([world.SchoolId], CancellationToken.None));
        Assert.Empty(next.Plan.PointKeys); // idempotent: the key is already destroyed
        var runs = await Api.Get<RetentionRunsView>("/api/retention/runs", world.Dpo);
        Assert.Equal([next.RunId, first.RunId], runs.Runs.Select(r => r.RunId));
    }

    private Task<RetentionPlan> Preview(World world) => Api.Get<RetentionPlan>("/api/retention/preview", world.Dpo);

    private static async Task<long> Scalar(string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
