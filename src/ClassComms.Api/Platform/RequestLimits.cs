namespace ClassComms.Platform;

/// <summary>
/// Request-line limits answered by the API, with a ProblemDetails body: Kestrel answers an over-long request
/// line itself, with no body, before any middleware runs. So Kestrel's limit is raised to
/// <see cref="KestrelRequestLineBytes"/> and the API answers 414 above <see cref="MaxTargetLength"/>; only a
/// request line longer than Kestrel's limit still gets Kestrel's bare 414.
/// </summary>
public static class RequestLimits
{
    public const int MaxTargetLength = 8 * 1024;
    public const int KestrelRequestLineBytes = 64 * 1024;

    public static WebApplicationBuilder AddClassCommsRequestLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestLineSize = KestrelRequestLineBytes);
        builder.Services.AddClassCommsForwardedHeaders(builder.Configuration);
        return builder;
    }

    /// <summary>The edge of the pipeline: the client's address from listed proxies only (<see cref="ForwardedHeaders"/>), then the limits.</summary>
    public static IApplicationBuilder UseClassCommsRequestLimits(this IApplicationBuilder app) =>
        app.UseClassCommsForwardedHeaders().Use(async (http, next) =>
        {
            var length = (http.Request.PathBase.Value?.Length ?? 0) + (http.Request.Path.Value?.Length ?? 0)
                         + (http.Request.QueryString.Value?.Length ?? 0);
            if (length > MaxTargetLength)
            {
                await ProblemWriting.WriteAsync(http, StatusCodes.Status414UriTooLong, "URI too long.",
                    $"The path and query must be at most {MaxTargetLength} characters.");
                return;
            }

            await next(http);
        });
}
