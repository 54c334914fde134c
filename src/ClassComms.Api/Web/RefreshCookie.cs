using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClassComms.Web;

/// <summary>
/// The web app's refresh token as an HttpOnly, SameSite=Strict cookie (path <c>/api/auth</c>), so that script never holds it and a
/// reload resumes the session: a request to <c>/api/auth/login</c>, <c>/api/auth/refresh</c> or <c>/api/auth/switch-school</c> with
/// the header <c>X-ClassComms-Session: cookie</c> gets the refresh token in the cookie and an empty <c>refreshToken</c> in the body; a
/// refresh with that header and the cookie uses the cookie's token (the body's is ignored). A 401 from refresh, and any logout, clear
/// the cookie. Without the header (native and test clients) nothing changes. The custom header cannot be sent cross-site without a
/// CORS preflight (no origin is allowed by default), and the cookie is SameSite=Strict: no cross-site request can use it.
/// </summary>
public static class RefreshCookie
{
    public const string Header = "X-ClassComms-Session";
    public const string CookieName = "classcomms-refresh";
    public const string CookiePath = "/api/auth";

    private static readonly string[] Issuing = ["/api/auth/login", "/api/auth/refresh", "/api/auth/switch-school"];

    public static void UseClassCommsRefreshCookie(this WebApplication app) => app.Use(async (http, next) =>
    {
        var path = http.Request.Path.Value ?? "";
        if (!HttpMethods.IsPost(http.Request.Method) || !path.StartsWith(CookiePath + "/", StringComparison.OrdinalIgnoreCase))
        {
            await next(http);
            return;
        }

        if (path.Equals("/api/auth/logout", StringComparison.OrdinalIgnoreCase))
        {
            http.Response.OnStarting(() => { Clear(http); return Task.CompletedTask; });
            await next(http);
            return;
        }

        var wanted = string.Equals(http.Request.Headers[Header], "cookie", StringComparison.OrdinalIgnoreCase)
                     && Issuing.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase));
        if (!wanted)
        {
            await next(http);
            return;
        }

        var isRefresh = path.Equals("/api/auth/refresh", StringComparison.OrdinalIgnoreCase);
        if (isRefresh && http.Request.Cookies[CookieName] is { Length: > 0 and <= 200 } fromCookie)
        {
            var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { refreshToken = fromCookie }));
            http.Request.Body = new MemoryStream(body);
            http.Request.ContentLength = body.Length;
            http.Request.ContentType = "application/json";
        }

        var original = http.Response.Body;
        await using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = original;
        }

        buffer.Position = 0;
        if (http.Response.StatusCode == StatusCodes.Status200OK && JsonNode.Parse(buffer) is JsonObject answer
            && answer["refreshToken"]?.GetValue<string>() is { Length: > 0 } token)
        {
            var expires = answer["refreshExpiresAt"]?.GetValue<DateTimeOffset>();
            http.Response.Cookies.Append(CookieName, token, Options(http, expires));
            answer["refreshToken"] = "";
            var rewritten = Encoding.UTF8.GetBytes(answer.ToJsonString());
            http.Response.ContentLength = rewritten.Length;
            await original.WriteAsync(rewritten, http.RequestAborted);
            return;
        }

        if (isRefresh && http.Response.StatusCode == StatusCodes.Status401Unauthorized) Clear(http);
        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
    });

    private static void Clear(HttpContext http) => http.Response.Cookies.Delete(CookieName, Options(http, null));

    private static CookieOptions Options(HttpContext http, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = CookiePath,
        Expires = expires,
        IsEssential = true, // the sign-in itself: not a tracking cookie
    };
}
