using System.Net;
using ClassComms.Classes;
using ClassComms.Guardians;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Points;
using ClassComms.Retention;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClassComms.Tests.Retention;

/// <summary>
/// Points awarded before month keys (note sealed under the student's key only, no <c>RetentionKey</c>) are moved to their month's key by
/// the one-off step (<see cref="LegacyPointNotes"/>), so the retention run shreds them like any other: after it, the old point's note opens
/// nowhere, not even from the event row, while a newer legacy point keeps its note. A legacy point of a month already shredded loses its
/// note (what a restore from before the step gets, the ledger being re-applied first).
/// </summary>
public sealed class when_retention_shreds_legacy_points(AppFixture app) : IntegrationTest(app)
{
    private const string OldNote = "Ada helped Mo with his reading";
    private const string NewNote = "Ada led the class assembly";

    [Fact]
    public async Task a_legacy_point_older_than_the_policy_is_unreadable_after_the_run_and_a_newer_one_keeps_its_note()
    {
        var world = await Api.CreateWorld("Ada Lovelace");
        var ada = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        var oldKey = RetentionKeys.PointsKey(world.SchoolId, Clock.GetUtcNow());
        var old = await AwardAsBeforeMonthKeys(world, ada, OldNote);
        Clock.Advance(TimeSpan.FromDays(335));
        var recent = await AwardAsBeforeMonthKeys(world, ada, NewNote);
        Clock.Advance(TimeSpan.FromDays(62)); // 13 months after the first point, 2 after the second

        var before = await Api.Get<RetentionPlan>("/api/retention/preview", world.Dpo);
        Assert.Equal(1, before.LegacyPointsNotShredded); // what the run could not shred before the step
        Assert.Empty(before.PointKeys);

        var legacy = Host.Services.GetRequiredService<LegacyPointNotes>();
        Assert.Equal(new LegacyPointsResealed(2, 2, 0, 0), await legacy.ResealAllAsync(CancellationToken.None));
        Assert.Equal(new LegacyPointsResealed(0, 0, 0, 0), await legacy.ResealAllAsync(CancellationToken.None)); // idempotent
        var resealed = await Api.GetHistory(world.Teacher, ada);
        Assert.Equal(OldNote, resealed.Points.Single(p => p.PointId == old).Note); // still readable until the run
        Assert.Equal(OldNote, (await Api.Get<FeedPage>("/api/guardians/me/feed", guardian)).Items.Single(i => i.PointId == old).Note);

        var run = await Api.Post<RetentionRunRecorded>("/api/retention/runs", null, world.Dpo, HttpStatusCode.OK);
        Assert.Equal([oldKey], run.Plan.PointKeys);
        Assert.Equal(1, run.Plan.PointsShredded);
        Assert.Equal(0, run.Plan.LegacyPointsNotShredded);

        var history = await Api.GetHistory(world.Teacher, ada);
        var shredded = history.Points.Single(p => p.PointId == old);
        Assert.True(shredded.Shredded);
        Assert.Null(shredded.Note);
        Assert.Equal(NewNote, history.Points.Single(p => p.PointId == recent).Note);
        Assert.False(history.Points.Single(p => p.PointId == recent).Shredded);
        var feed = await Api.Get<FeedPage>("/api/guardians/me/feed", guardian);
        Assert.Null(feed.Items.Single(i => i.PointId == old).Note);
        Assert.Equal(NewNote, feed.Items.Single(i => i.PointId == recent).Note);

        // The stored event itself: the old note no longer opens (the student's key is still live), the newer one does.
        var vault = Host.Services.GetRequiredService<PersonalDataVault>();
        vault.EvictAll();
        Assert.Null(await vault.UnsealAsync(await EventNote(old), old.ToString()));
        Assert.Equal(NewNote, await vault.UnsealAsync(await EventNote(recent), recent.ToString()));
        Assert.Null(await vault.UnsealAsync(await DocumentNote(old), old.ToString()));
    }

    [Fact]
    public async Task a_legacy_point_of_a_month_already_shredded_loses_its_note()
    {
        var world = await Api.CreateWorld("Ada Lovelace");
        var ada = world.Students[0];
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [ada], NewNote); // a month-keyed point of the same month
        var old = await AwardAsBeforeMonthKeys(world, ada, OldNote);
        Clock.Advance(TimeSpan.FromDays(400));
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [ada], null); // active: the run does not erase her
        var run = await Api.Post<RetentionRunRecorded>("/api/retention/runs", null, world.Dpo, HttpStatusCode.OK);
        Assert.Empty(run.Plan.StudentsErased);
        Assert.Single(run.Plan.PointKeys);
        Assert.Equal(1, run.Plan.LegacyPointsNotShredded);
        Assert.Equal(OldNote, (await Api.GetHistory(world.Teacher, ada)).Points.Single(p => p.PointId == old).Note);

        Assert.Equal(new LegacyPointsResealed(1, 0, 1, 0),
            await Host.Services.GetRequiredService<LegacyPointNotes>().ResealAllAsync(CancellationToken.None));
        var point = (await Api.GetHistory(world.Teacher, ada)).Points.Single(p => p.PointId == old);
        Assert.True(point.Shredded);
        Assert.Null(point.Note);
        Assert.Null(await EventNote(old)); // the ciphertext is gone from the event
    }

    /// <summary>A point as <c>AwardPoints</c> wrote it before month keys: the note sealed for the student only, no retention key.</summary>
    private async Task<Guid> AwardAsBeforeMonthKeys(World world, Guid studentId, string note)
    {
        var tenant = Ids.Tenant(world.SchoolId);
        var vault = Host.Services.GetRequiredService<PersonalDataVault>();
        await using var session = Store.LightweightSession(tenant);
        var schoolClass = await session.LoadAsync<SchoolClass>(world.ClassId);
        var skill = schoolClass!.Skills.First(s => s.Positive);
        var pointId = Guid.CreateVersion7();
        var sealedNote = await vault.SealAsync(tenant, studentId, "point.note", pointId.ToString(), note);
        session.Events.Append(studentId, new PointAwarded(studentId, world.Teacher.UserId, pointId, Guid.CreateVersion7(), world.ClassId,
            skill.Id, skill.Name, skill.Positive, skill.Value, sealedNote, Clock.GetUtcNow()));
        await session.SaveChangesAsync();
        return pointId;
    }

    private Task<Sealed?> EventNote(Guid pointId) =>
        Note("select data -> 'Note' from classcomms.mt_events where type = 'point_awarded' and (data ->> 'PointId')::uuid = @id", pointId);

    private Task<Sealed?> DocumentNote(Guid pointId) => Note("select data -> 'Note' from classcomms.mt_doc_pointentry where id = @id", pointId);

    private async Task<Sealed?> Note(string sql, Guid pointId)
    {
        await using var connection = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", pointId);
        var json = await command.ExecuteScalarAsync() as string;
        return json is null or "null" ? null : Store.Options.Serializer().FromJson<Sealed>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
    }
}
