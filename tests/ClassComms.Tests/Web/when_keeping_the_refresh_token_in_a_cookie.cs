using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ClassComms.Accounts;
using ClassComms.Tests.Support;
using ClassComms.Web;

namespace ClassComms.Tests.Web;

/// <summary>
/// The web app asks for its refresh token as a cookie (<c>X-ClassComms-Session: cookie</c>): HttpOnly, SameSite=Strict, path
/// <c>/api/auth</c>, never in the body; a refresh with the cookie rotates it; a reused cookie is refused and cleared; logout clears it.
/// Other clients (no header) keep the token in the body.
/// </summary>
public sealed class when_keeping_the_refresh_token_in_a_cookie(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_token_is_only_in_an_httponly_strict_cookie_that_rotates_and_a_reused_one_is_refused()
    {
        var leader = await Api.CreateSchool();
        var http = Host.Server.CreateClient();

        using var login = Request("/api/auth/login", new Login(leader.Email, Api.Password));
        var signedIn = await http.SendAsync(login);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        var body = JsonNode.Parse(await signedIn.Content.ReadAsStringAsync())!;
        Assert.Equal("", body["refreshToken"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["token"]!.GetValue<string>()));
        var cookie = RefreshCookieOf(signedIn);
        var header = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(RefreshCookie.CookieName + "="));
        Assert.Contains("httponly", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/api/auth", header, StringComparison.OrdinalIgnoreCase);

        using var refresh = Request("/api/auth/refresh", new RefreshSession(""), cookie);
        var refreshed = await http.SendAsync(refresh);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal("", JsonNode.Parse(await refreshed.Content.ReadAsStringAsync())!["refreshToken"]!.GetValue<string>());
        var rotated = RefreshCookieOf(refreshed);
        Assert.NotEqual(cookie, rotated);

        using var reuse = Request("/api/auth/refresh", new RefreshSession(""), cookie);
        var reused = await http.SendAsync(reuse);
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
        Assert.Contains(reused.Headers.GetValues("Set-Cookie"), c => c.StartsWith(RefreshCookie.CookieName + "=;") || c.Contains("expires=Thu, 01 Jan 1970"));

        // Reuse revoked the session: the rotated cookie no longer works either.
        using var afterReuse = Request("/api/auth/refresh", new RefreshSession(""), rotated);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(afterReuse)).StatusCode);
    }

    [Fact]
    public async Task without_the_header_the_token_stays_in_the_body_and_no_cookie_is_set()
    {
        var leader = await Api.CreateSchool();
        var http = Host.Server.CreateClient();
        var signedIn = await http.PostAsJsonAsync("/api/auth/login", new Login(leader.Email, Api.Password));
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.False(string.IsNullOrEmpty((await signedIn.Content.ReadFromJsonAsync<LoginSucceeded>())!.RefreshToken));
        Assert.False(signedIn.Headers.Contains("Set-Cookie"));
    }

    private static HttpRequestMessage Request(string path, object body, string? cookie = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add(RefreshCookie.Header, "cookie");
        if (cookie is not null) request.Headers.Add("Cookie", $"{RefreshCookie.CookieName}={cookie}");
        return request;
    }

    private static string RefreshCookieOf(HttpResponseMessage response)
    {
        var header = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(RefreshCookie.CookieName + "="));
        var value = header[(RefreshCookie.CookieName.Length + 1)..].Split(';')[0];
        Assert.False(string.IsNullOrEmpty(value));
        return value;
    }
}
