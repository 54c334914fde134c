using System.Net;
using System.Net.WebSockets;
using Alba;
using ClassComms.Notifications;
using ClassComms.Tests.Support;
using Microsoft.AspNetCore.TestHost;

namespace ClassComms.Tests.Platform;

/// <summary>
/// CORS: only the origins in <c>Cors:AllowedOrigins</c> get CORS headers (preflights included) and may open the hub's WebSocket;
/// with none configured (the default, and the shared test host) no CORS header is ever sent.
/// </summary>
public sealed class when_a_browser_calls_from_another_origin(AppFixture app) : IntegrationTest(app)
{
    private const string Listed = "https://app.school.test";
    private const string Unlisted = "https://evil.test";

    private static Task<IAlbaHost> WithAllowedOrigin() =>
        AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Testing", new Dictionary<string, string?>
        {
            ["Cors:AllowedOrigins:0"] = Listed + "/",
            ["Cors:AllowedOrigins:1"] = "https://other.school.test:8443",
        });

    [Theory]
    [InlineData("/api/classes", "POST", "authorization,content-type")]
    [InlineData(NotificationHub.Path + "/negotiate?negotiateVersion=1", "POST", "authorization,x-requested-with,x-signalr-user-agent")]
    [InlineData("/api/classes/0190f3c4-0000-7000-8000-000000000000/skills", "POST", "authorization,content-type,if-match")]
    public async Task a_listed_origin_gets_the_preflight_headers_for_the_token_and_signalr(string path, string method, string headers)
    {
        await using var host = await WithAllowedOrigin();

        using var response = await Preflight(host, path, Listed, method, headers);

        Assert.True(response.IsSuccessStatusCode, $"preflight answered {(int)response.StatusCode}");
        Assert.Equal(Listed, Single(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Single(response, "Access-Control-Allow-Credentials"));
        Assert.Contains(method, Single(response, "Access-Control-Allow-Methods")!.Split(','), StringComparer.OrdinalIgnoreCase);
        var allowed = Single(response, "Access-Control-Allow-Headers")!.Split(',').Select(h => h.Trim());
        foreach (var header in headers.Split(',')) Assert.Contains(header, allowed, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task a_listed_origin_may_read_the_answer_and_its_headers_problems_included()
    {
        await using var host = await WithAllowedOrigin();
        using var client = host.GetTestServer().CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/classes");
        request.Headers.Add("Origin", Listed);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Listed, Single(response, "Access-Control-Allow-Origin"));
        Assert.Contains("ETag", Single(response, "Access-Control-Expose-Headers")!.Split(',').Select(h => h.Trim()));
    }

    [Fact]
    public async Task an_unlisted_origin_gets_no_cors_headers()
    {
        await using var host = await WithAllowedOrigin();

        using var preflight = await Preflight(host, "/api/classes", Unlisted, "POST", "authorization,content-type");
        Assert.Empty(CorsHeaders(preflight));

        using var client = host.GetTestServer().CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/ready");
        request.Headers.Add("Origin", Unlisted);
        using var response = await client.SendAsync(request);
        Assert.Empty(CorsHeaders(response));
    }

    [Fact]
    public async Task an_unlisted_origin_cannot_open_the_hub_websocket_and_a_listed_one_can()
    {
        await using var host = await WithAllowedOrigin();
        var leader = await new Support.Api(host).CreateSchool();

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => OpenHubSocket(host, leader.Token, Unlisted));
        Assert.Contains("403", refused.Message);

        using var accepted = await OpenHubSocket(host, leader.Token, Listed);
        Assert.Equal(WebSocketState.Open, accepted.State);
    }

    [Fact]
    public async Task with_no_origin_configured_no_cors_header_is_sent()
    {
        using var preflight = await Preflight(Host, "/api/classes", Listed, "POST", "authorization,content-type");
        Assert.Empty(CorsHeaders(preflight));

        using var client = Host.GetTestServer().CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/classes");
        request.Headers.Add("Origin", Listed);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(CorsHeaders(response));
    }

    private static async Task<HttpResponseMessage> Preflight(IAlbaHost host, string path, string origin, string method, string headers)
    {
        using var client = host.GetTestServer().CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return await client.SendAsync(request);
    }

    private static async Task<WebSocket> OpenHubSocket(IAlbaHost host, string token, string origin)
    {
        var client = host.GetTestServer().CreateWebSocketClient();
        client.ConfigureRequest = request => request.Headers.Origin = origin;
        return await client.ConnectAsync(new Uri($"ws://localhost{NotificationHub.Path}?access_token={token}"), CancellationToken.None);
    }

    private static string? Single(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static IEnumerable<string> CorsHeaders(HttpResponseMessage response) =>
        response.Headers.Concat(response.Content.Headers)
            .Select(h => h.Key)
            .Where(k => k.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
}
