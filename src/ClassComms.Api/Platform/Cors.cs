using Microsoft.Net.Http.Headers;

namespace ClassComms.Platform;

/// <summary>
/// Browser clients on other origins: <c>Cors:AllowedOrigins:{n}</c> lists them (<c>https://app.example.org</c>, scheme, host and
/// port only). None is listed by default, and then no CORS header is ever sent, so a browser page on another origin cannot call
/// the API. A listed origin may send the bearer token and what the SignalR client sends to negotiate (credentials allowed, for
/// its cookies), may read the headers the API answers with (<c>ETag</c>, <c>Location</c>, <c>Retry-After</c>, ranges), and is
/// the only origin whose WebSocket handshake is accepted (a handshake without an <c>Origin</c>, from a native client, still is;
/// with no list, any is).
/// </summary>
public static class Cors
{
    public const string Section = "Cors";

    private static readonly string[] Methods = ["GET", "POST", "DELETE"];

    private static readonly string[] RequestHeaders =
    [
        HeaderNames.Authorization, HeaderNames.ContentType, HeaderNames.IfMatch, HeaderNames.Range,
        "X-Requested-With", "X-SignalR-User-Agent", "traceparent", "tracestate",
    ];

    private static readonly string[] ExposedHeaders =
    [
        HeaderNames.ETag, HeaderNames.Location, HeaderNames.RetryAfter, HeaderNames.ContentRange, HeaderNames.AcceptRanges,
        HeaderNames.ContentDisposition,
    ];

    public static IServiceCollection AddClassCommsCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = (configuration.GetSection(Section).GetSection("AllowedOrigins").Get<string[]>() ?? [])
            .Select(Normalise).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (origins.Length == 0) return services;

        services.AddCors(options => options.AddDefaultPolicy(policy => policy
            .WithOrigins(origins)
            .WithMethods(Methods)
            .WithHeaders(RequestHeaders)
            .WithExposedHeaders(ExposedHeaders)
            .AllowCredentials()
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        // First in the pipeline, so that preflights are answered before anything else and every answer (problems included) carries
        // the headers for a listed origin. Only the default policy exists, so no endpoint metadata is needed.
        services.AddSingleton<IStartupFilter>(new CorsFirst(origins.ToHashSet(StringComparer.OrdinalIgnoreCase)));
        return services;
    }

    /// <summary>An origin as browsers send it: scheme, host and non-default port, no path, no trailing slash, no wildcard.</summary>
    private static string Normalise(string value)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw new InvalidOperationException($"{Section}:AllowedOrigins holds a value that is not an origin (scheme://host[:port]).");
        }

        return uri.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>
    /// CORS does not cover WebSocket handshakes (browsers send no preflight), so a handshake from a browser page on an unlisted
    /// origin is refused here with a 403 (ASP.NET Core's <c>WebSocketOptions.AllowedOrigins</c> would not see handshakes that
    /// arrive with a WebSocket feature already set, as in the test server).
    /// </summary>
    private sealed class CorsFirst(HashSet<string> origins) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseCors();
            app.Use(async (http, nextMiddleware) =>
            {
                if (IsWebSocketHandshake(http) && http.Request.Headers.Origin is [{ Length: > 0 } origin, ..] && !origins.Contains(origin))
                {
                    await ProblemWriting.WriteAsync(http, StatusCodes.Status403Forbidden, "Origin not allowed.",
                        "WebSocket connections are accepted only from the origins the service is configured for.");
                    return;
                }

                await nextMiddleware(http);
            });
            next(app);
        };

        private static bool IsWebSocketHandshake(HttpContext http) =>
            http.WebSockets.IsWebSocketRequest
            || http.Request.Headers.Upgrade.Any(u => string.Equals(u, "websocket", StringComparison.OrdinalIgnoreCase))
            || http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpExtendedConnectFeature>() is { IsExtendedConnect: true, Protocol: var p }
            && string.Equals(p, "websocket", StringComparison.OrdinalIgnoreCase);
    }
}
