using System.Net;
using ClassComms.Guardians;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Guardians;

public sealed class when_reading_the_feed(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_async_projection_catches_up_and_the_feed_holds_only_the_guardians_own_child()
    {
        var world = await Api.CreateWorld("Ada Lovelace", "Ben Franklin");
        var adasParent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var bensParent = await Api.GuardianOf(world.Teacher, world.Students[1]);
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, world.Students, "Great focus during reading time");
        await Api.Award(world.Teacher, world.ClassId, world.NeedsWork.Id, [world.Students[1]]);

        await ProjectionsCaughtUp();

        var adas = await Api.Get<FeedPage>("/api/guardians/me/feed", adasParent);
        var item = Assert.Single(adas.Items);
        Assert.Equal(world.Students[0], item.StudentId);
        Assert.Equal("Great focus during reading time", item.Note);
        Assert.Equal(FeedKinds.PointAwarded, item.Kind);

        var bens = await Api.Get<FeedPage>("/api/guardians/me/feed", bensParent);
        Assert.Equal(2, bens.Items.Count);
        Assert.All(bens.Items, i => Assert.Equal(world.Students[1], i.StudentId));
    }

    [Fact]
    public async Task a_reconnecting_client_catches_up_from_its_cursor_without_gaps_or_repeats()
    {
        var world = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var first = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]]);
        await ProjectionsCaughtUp();
        var page = await Api.Get<FeedPage>("/api/guardians/me/feed", parent);
        Assert.Equal(first.Points[0].PointId, Assert.Single(page.Items).PointId);

        var missed = new List<Guid>();
        for (var i = 0; i < 3; i++) missed.Add((await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]])).Points[0].PointId);
        await Api.Send(HttpMethod.Delete, $"/api/points/{missed[0]}", null, world.Teacher);
        await ProjectionsCaughtUp();

        var catchUp = await Api.Get<FeedPage>($"/api/guardians/me/feed?after={page.Cursor}&limit=2", parent);
        var rest = await Api.Get<FeedPage>($"/api/guardians/me/feed?after={catchUp.Cursor}", parent);
        var items = catchUp.Items.Concat(rest.Items).ToList();
        Assert.Equal([.. missed, missed[0]], items.Select(i => i.PointId));
        Assert.Equal(FeedKinds.PointRemoved, items[^1].Kind);
        Assert.True(items.Zip(items.Skip(1)).All(p => p.First.Cursor < p.Second.Cursor));
        var empty = await Api.Get<FeedPage>($"/api/guardians/me/feed?after={rest.Cursor}", parent);
        Assert.Empty(empty.Items);
        Assert.Equal(rest.Cursor, empty.Cursor);
    }

    [Fact]
    public async Task a_restricted_guardian_sees_nothing_more_about_the_child_history_included()
    {
        var world = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var other = await Api.GuardianOf(world.Teacher, world.Students[0], "Other Parent");
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]], "Private note");
        await Api.Send(HttpMethod.Post, $"/api/students/{world.Students[0]}/guardians/{parent.UserId}/restriction", null, world.Leader);
        parent = await Api.SignInAgain(parent);
        await ProjectionsCaughtUp();

        Assert.Empty((await Api.Get<FeedPage>("/api/guardians/me/feed", parent)).Items);
        Assert.Single((await Api.Get<FeedPage>("/api/guardians/me/feed", other)).Items);
    }

    [Fact]
    public async Task bad_paging_is_a_400_naming_the_parameter_and_staff_have_no_feed()
    {
        var world = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        Assert.Contains("limit", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get, "/api/guardians/me/feed?limit=0", null, parent)).Errors!.Keys);
        Assert.Contains("after", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get, "/api/guardians/me/feed?after=-1", null, parent)).Errors!.Keys);
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get, "/api/guardians/me/feed?after=abc", null, parent);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Get, "/api/guardians/me/feed", null, world.Teacher);
    }
}
