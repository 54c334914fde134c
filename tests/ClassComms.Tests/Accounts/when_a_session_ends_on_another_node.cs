using System.Net;
using ClassComms.Accounts;
using ClassComms.Guardians;
using ClassComms.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;

namespace ClassComms.Tests.Accounts;

/// <summary>
/// Two API hosts on one database: a revocation committed on host A (the shared host) reaches host B at once (PostgreSQL
/// NOTIFY): B closes the SignalR connection it holds and refuses B's next request, although B had just checked (and cached)
/// that very session.
/// </summary>
public sealed class when_a_session_ends_on_another_node(AppFixture app) : IntegrationTest(app)
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task a_logout_on_one_node_closes_the_sessions_connection_on_another_within_a_second_and_its_next_request_is_401()
    {
        await using var nodeB = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"));
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var (live, onB) = await ConnectedOn(nodeB, guardian);
        await using var _ = live;

        await Api.Expect(HttpStatusCode.NoContent, HttpMethod.Post, "/api/auth/logout", guardian);

        await live.Closed.WaitAsync(Second);
        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.Send(HttpMethod.Get, "/api/guardians/me/children", null, guardian)).Status);
    }

    [Fact]
    public async Task an_unlink_on_one_node_closes_the_guardians_connection_on_another_within_a_second_and_its_next_request_is_401()
    {
        await using var nodeB = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"));
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var (live, onB) = await ConnectedOn(nodeB, guardian);
        await using var _ = live;
        var (teachers, __) = await ConnectedOn(nodeB, world.Teacher);
        await using var ___ = teachers;

        await Api.Delete($"/api/students/{world.Students[0]}/guardians/{guardian.UserId}", world.Leader);

        await live.Closed.WaitAsync(Second);
        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.Send(HttpMethod.Get, "/api/guardians/me/children", null, guardian)).Status);
        Assert.Equal(HubConnectionState.Connected, teachers.State);
    }

    [Fact]
    public async Task an_erasure_on_one_node_closes_the_guardians_connection_on_another_within_a_second_and_its_next_request_is_401()
    {
        await using var nodeB = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"));
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var (live, onB) = await ConnectedOn(nodeB, guardian);
        await using var _ = live;

        var (erasure, _, _) = await Api.Send(HttpMethod.Post, $"/api/privacy/guardians/{guardian.UserId}/erasure", null, world.Dpo);
        Assert.Contains(erasure, new[] { HttpStatusCode.OK, HttpStatusCode.Accepted });

        await live.Closed.WaitAsync(Second);
        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.Send(HttpMethod.Get, "/api/guardians/me/children", null, guardian)).Status);
    }

    /// <summary>Opens a SignalR connection on <paramref name="node"/> and makes one request there, so B holds the session check in its cache.</summary>
    private static async Task<(LiveConnection Live, Support.Api OnB)> ConnectedOn(Alba.IAlbaHost node, Session who)
    {
        var live = await LiveConnection.Open(node.GetTestServer(), who.Token);
        var onB = new Support.Api(node);
        var url = who.Role == "guardian" ? "/api/guardians/me/children" : "/api/classes";
        Assert.Equal(HttpStatusCode.OK, (await onB.Send(HttpMethod.Get, url, null, who)).Status);
        return (live, onB);
    }
}
