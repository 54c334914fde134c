using System.Net;
using ClassComms.Consents;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Consents;

public sealed class when_reading_consent_history(AppFixture app) : IntegrationTest(app)
{
    private const string Form = "Paper form of 3 September, withdrawn by the father";

    [Fact]
    public async Task every_change_is_listed_oldest_first_with_its_actor_role_source_and_time_and_the_evidence_for_staff_only()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, student);
        var start = Clock.GetUtcNow();

        await Api.Change(mum, student, ConsentPurposes.ClassStoryMedia, true);
        Clock.Advance(TimeSpan.FromMinutes(5));
        await Api.Change(world.Teacher, student, ConsentPurposes.ClassStoryMedia, false, Form);
        Clock.Advance(TimeSpan.FromMinutes(5));
        await Api.Change(mum, student, ConsentPurposes.PortfolioSharing, true);
        await Api.Change(mum, student, ConsentPurposes.PortfolioSharing, true); // a repeat: not a change

        foreach (var staff in new[] { world.Teacher, world.Leader, world.Dpo })
        {
            var entries = (await Api.ConsentHistory(staff, student)).Entries;
            Assert.Equal(["given", "withdrawn", "given"], entries.Select(e => e.Kind));
            Assert.Equal([ConsentPurposes.ClassStoryMedia, ConsentPurposes.ClassStoryMedia, ConsentPurposes.PortfolioSharing], entries.Select(e => e.Purpose));
            Assert.Equal(["guardian", "teacher", "guardian"], entries.Select(e => e.ActorRole));
            Assert.Equal(["guardian", "paperForm", "guardian"], entries.Select(e => e.Source));
            Assert.Equal([mum.UserId, world.Teacher.UserId, mum.UserId], entries.Select(e => e.RecordedBy!.Value));
            Assert.Equal([null, Form, null], entries.Select(e => e.Evidence));
            Assert.True(entries[0].At >= start && entries[1].At >= entries[0].At + TimeSpan.FromMinutes(5)
                        && entries[2].At >= entries[1].At + TimeSpan.FromMinutes(5));
        }

        var seenByMum = (await Api.ConsentHistory(mum, student)).Entries;
        Assert.Equal(3, seenByMum.Count);
        Assert.Equal("teacher", seenByMum[1].ActorRole);
        Assert.All(seenByMum, e => Assert.Null(e.Evidence));
    }

    [Fact]
    public async Task the_history_is_paged_by_cursor_oldest_first_without_gaps_or_repeats()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, student);
        for (var i = 0; i < 5; i++) await Api.Change(mum, student, ConsentPurposes.ClassStoryMedia, i % 2 == 0);

        var first = await Api.Get<ConsentHistoryView>($"{ConsentScenarios.Url(student)}/history?limit=2", mum);
        Assert.Equal((2, true), (first.Entries.Count, first.More));
        var second = await Api.Get<ConsentHistoryView>($"{ConsentScenarios.Url(student)}/history?after={first.Cursor}&limit=2", mum);
        var third = await Api.Get<ConsentHistoryView>($"{ConsentScenarios.Url(student)}/history?after={second.Cursor}&limit=2", mum);
        Assert.Equal((1, false), (third.Entries.Count, third.More));
        var paged = first.Entries.Concat(second.Entries).Concat(third.Entries).ToList();
        Assert.Equal(["given", "withdrawn", "given", "withdrawn", "given"], paged.Select(e => e.Kind));
        Assert.Equal(paged.Select(e => e.Cursor).Order(), paged.Select(e => e.Cursor));
        Assert.Equal(5, paged.Select(e => e.Cursor).Distinct().Count());
        Assert.Equal(third.Cursor, (await Api.Get<ConsentHistoryView>($"{ConsentScenarios.Url(student)}/history?after={third.Cursor}", mum)).Cursor);
        var bad = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get, $"{ConsentScenarios.Url(student)}/history?limit=0", null, mum);
        Assert.Contains("limit", bad.Errors!.Keys);
    }

    [Fact]
    public async Task a_guardian_reads_the_history_of_their_own_child_only()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        await Api.Change(world.Teacher, world.Students[1], ConsentPurposes.ClassStoryMedia, true, Form);

        var problem = await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"{ConsentScenarios.Url(world.Students[1])}/history", null, mum);
        Assert.DoesNotContain(Form, problem.Detail ?? "");
        Assert.Empty((await Api.ConsentHistory(mum, world.Students[0])).Entries);
    }
}
