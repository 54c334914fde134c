using System.Net;
using Alba;
using ClassComms.Accounts;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Platform;

/// <summary>
/// <c>X-Forwarded-For</c> is believed only from a configured proxy (<c>ForwardedHeaders:KnownProxies</c>/<c>KnownNetworks</c>):
/// the sign-in throttle then keys on the forwarded client address; from any other sender the header is ignored.
/// </summary>
public sealed class when_a_request_comes_through_a_proxy(AppFixture app) : IntegrationTest(app)
{
    private static readonly IPAddress Proxy = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress Stranger = IPAddress.Parse("192.0.2.99");

    private static Task<IAlbaHost> BehindProxies() =>
        AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Testing", new Dictionary<string, string?>
        {
            ["ForwardedHeaders:KnownProxies:0"] = Proxy.ToString(),
            ["ForwardedHeaders:KnownNetworks:0"] = "198.18.0.0/15",
        });

    [Theory]
    [InlineData("192.0.2.10")]
    [InlineData("198.18.4.2")] // in KnownNetworks
    public async Task failures_through_a_configured_proxy_are_throttled_under_the_forwarded_address(string proxy)
    {
        await using var host = await BehindProxies();
        var api = new Support.Api(host);
        var from = IPAddress.Parse(proxy);
        await FailFromAddressLimit(api, from, "203.0.113.7");

        await api.Problem(HttpStatusCode.TooManyRequests, HttpMethod.Post, "/api/auth/login", new Login(Support.Api.NewEmail("guess"), "wrong"), null,
            Via(from, "203.0.113.7"));
        // Another client behind the same proxy is not held back by the first one's failures.
        await api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(Support.Api.NewEmail("guess"), "wrong"), null,
            Via(from, "203.0.113.8"));
    }

    [Fact]
    public async Task from_a_sender_that_is_not_a_configured_proxy_the_header_is_ignored()
    {
        await using var host = await BehindProxies();
        var api = new Support.Api(host);
        await FailFromAddressLimit(api, Stranger, "203.0.113.7", varyForwarded: true);

        // Every failure counted under the sender's own address, whatever it claimed to forward.
        await api.Problem(HttpStatusCode.TooManyRequests, HttpMethod.Post, "/api/auth/login", new Login(Support.Api.NewEmail("guess"), "wrong"), null,
            Via(Stranger, "203.0.113.200"));
    }

    [Fact]
    public async Task with_no_proxy_configured_the_header_is_ignored_even_from_loopback()
    {
        await FailFromAddressLimit(Api, IPAddress.Loopback, "203.0.113.7", varyForwarded: true);

        await Api.Problem(HttpStatusCode.TooManyRequests, HttpMethod.Post, "/api/auth/login", new Login(Support.Api.NewEmail("guess"), "wrong"), null,
            Via(IPAddress.Loopback, "203.0.113.200"));
    }

    /// <summary>As many failed sign-ins (each to a different unknown account) as one address may make.</summary>
    private static async Task FailFromAddressLimit(Support.Api api, IPAddress sender, string forwarded, bool varyForwarded = false)
    {
        for (var i = 0; i < AppFixture.LoginAttemptsPerAddress; i++)
        {
            await api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(Support.Api.NewEmail("guess"), "wrong"),
                null, Via(sender, varyForwarded ? $"203.0.113.{100 + i}" : forwarded));
        }
    }

    private static Action<Scenario> Via(IPAddress sender, string forwardedFor) => s =>
    {
        s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = sender);
        s.WithRequestHeader("X-Forwarded-For", forwardedFor);
    };
}
