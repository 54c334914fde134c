using System.Net;
using ClassComms.Guardians;
using ClassComms.Platform;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

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

    [Fact]
    public async Task the_shared_counter_is_named_by_a_keyed_index_never_by_the_address()
    {
        // A client address is personal data: the counter Redis keeps for it must not name it.
        var address = new IPAddress([10, 98, 7, 213]);
        var (status, _, _) = await Api.Send(HttpMethod.Post, "/api/guardians/register",
            new RegisterGuardian("ABCD-EFGH-JKMN", "Someone", Support.Api.NewEmail("g"), Support.Api.Password), null,
            s => s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = address));
        Assert.Equal(HttpStatusCode.BadRequest, status);

        var redis = Host.Services.GetRequiredService<ClusterRedis>();
        var connection = await redis.ConnectAsync();
        var server = connection.GetServer(connection.GetEndPoints().Single());
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: $"{AppFixture.RedisPrefix}:rate:*")) keys.Add(key.ToString());

        Assert.NotEmpty(keys); // the attempt was counted in Redis
        Assert.All(keys, key => Assert.DoesNotContain("10.98.7.213", key));
        var index = Host.Services.GetRequiredService<ClassComms.PersonalData.BlindIndex>();
        Assert.Contains(keys, key => key.EndsWith(":" + index.Of(ClusterRateLimits.PartitionPurpose, $"ip:{address}"), StringComparison.Ordinal));
    }
}
