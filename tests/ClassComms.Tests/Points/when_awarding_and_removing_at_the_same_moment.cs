using System.Net;
using System.Net.Http.Json;
using ClassComms.Points;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.AspNetCore.TestHost;

namespace ClassComms.Tests.Points;

/// <summary>Requests really sent in parallel (one HttpClient each on the test server), as two teachers or a double tap would.</summary>
public sealed class when_awarding_and_removing_at_the_same_moment(AppFixture app) : IntegrationTest(app)
{
    private async Task<HttpStatusCode[]> InParallel(int count, Func<int, HttpClient, Task<HttpResponseMessage>> send, Func<int, Session> who)
    {
        var clients = Enumerable.Range(0, count).Select(i =>
        {
            var client = Host.GetTestServer().CreateClient();
            client.DefaultRequestHeaders.Authorization = new("Bearer", who(i).Token);
            return client;
        }).ToList();
        try
        {
            var start = new TaskCompletionSource();
            var requests = clients.Select((client, i) => Task.Run(async () =>
            {
                await start.Task;
                using var response = await send(i, client);
                Assert.True((int)response.StatusCode < 500, $"request {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return response.StatusCode;
            })).ToList();
            start.SetResult();
            return await Task.WhenAll(requests);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    [Fact]
    public async Task teachers_awarding_the_same_student_at_the_same_moment_all_succeed()
    {
        var world = await Api.CreateWorld();
        var child = world.Students[0];
        const int awards = 8; // the class teacher (double taps included) and the leader, all at once

        var statuses = await InParallel(awards,
            (_, client) => client.PostAsJsonAsync($"/api/classes/{world.ClassId}/points", new AwardPoints(world.Positive.Id, [child], false, null)),
            i => i % 2 == 0 ? world.Teacher : world.Leader);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        var history = await Api.GetHistory(world.Teacher, child);
        Assert.Equal(awards * world.Positive.Value, history.PositivePoints);
        Assert.Equal(awards, history.Points.Count);
    }

    [Fact]
    public async Task whole_class_awards_at_the_same_moment_all_succeed()
    {
        var world = await Api.CreateWorld();

        var statuses = await InParallel(4,
            (_, client) => client.PostAsJsonAsync($"/api/classes/{world.ClassId}/points", new AwardPoints(world.Positive.Id, null, true, "Well done")),
            i => i % 2 == 0 ? world.Teacher : world.Leader);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        foreach (var child in world.Students) Assert.Equal(4, (await Api.GetHistory(world.Teacher, child)).Points.Count);
    }

    [Fact]
    public async Task a_point_removed_twice_at_the_same_moment_is_removed_once()
    {
        var world = await Api.CreateWorld();
        var child = world.Students[0];
        var point = (await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [child])).Points[0];
        var kept = (await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [child])).Points[0];

        var statuses = await InParallel(4, (_, client) => client.DeleteAsync($"/api/points/{point.PointId}"),
            i => i % 2 == 0 ? world.Teacher : world.Leader);

        Assert.Single(statuses, HttpStatusCode.NoContent);
        Assert.All(statuses.Where(s => s != HttpStatusCode.NoContent), s => Assert.Equal(HttpStatusCode.Conflict, s));
        await using var session = Store.QuerySession(world.SchoolId.ToString());
        Assert.Equal(1, await session.Events.QueryRawEventDataOnly<PointRemoved>().Where(e => e.PointId == point.PointId).CountAsync());
        var history = await Api.GetHistory(world.Teacher, child);
        Assert.Equal(kept.PointId, Assert.Single(history.Points).PointId);
        Assert.Equal(world.Positive.Value, history.PositivePoints);
    }

    [Fact]
    public async Task an_award_undone_twice_at_the_same_moment_is_undone_once()
    {
        var world = await Api.CreateWorld();
        var award = await Api.AwardWholeClass(world.Teacher, world.ClassId, world.Positive.Id);

        var statuses = await InParallel(3, (_, client) => client.DeleteAsync($"/api/awards/{award.AwardId}"), _ => world.Teacher);

        Assert.Single(statuses, HttpStatusCode.OK);
        Assert.All(statuses.Where(s => s != HttpStatusCode.OK), s => Assert.Equal(HttpStatusCode.Conflict, s));
        await using var session = Store.QuerySession(world.SchoolId.ToString());
        Assert.Equal(world.Students.Count, await session.Events.QueryRawEventDataOnly<PointRemoved>().Where(e => e.AwardId == award.AwardId).CountAsync());
    }
}
