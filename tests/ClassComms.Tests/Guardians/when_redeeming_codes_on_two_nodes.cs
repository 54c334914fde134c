using System.Net;
using ClassComms.Guardians;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Guardians;

/// <summary>
/// The parent-code redemption limit is one counter for the deployment (in Redis), not one per node: a client alternating
/// between node A (the shared host) and node B gets no more attempts than on one node.
/// </summary>
public sealed class when_redeeming_codes_on_two_nodes(AppFixture app, SecondNode nodeB) : IntegrationTest(app), IClassFixture<SecondNode>
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        nodeB.Reset();
    }

    [Fact]
    public async Task attempts_on_either_node_count_against_one_limit()
    {
        var address = new IPAddress([10, 98, 0, 1]);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < AppFixture.RedemptionsPerMinute + 2; i++)
        {
            var node = i % 2 == 0 ? Api : nodeB.Api;
            var (status, _, _) = await node.Send(HttpMethod.Post, "/api/guardians/register",
                new RegisterGuardian("ABCD-EFGH-JKMN", "Someone", Support.Api.NewEmail("g"), Support.Api.Password), null,
                s => s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = address));
            statuses.Add(status);
        }

        // Per node, neither would have reached the limit (four attempts on A, three on B).
        Assert.All(statuses.Take(AppFixture.RedemptionsPerMinute), s => Assert.Equal(HttpStatusCode.BadRequest, s));
        Assert.All(statuses.Skip(AppFixture.RedemptionsPerMinute), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
    }
}
