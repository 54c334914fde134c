using System.Globalization;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace ClassComms.Web;

/// <summary>
/// Serves the built web app (<c>src/ClassComms.Web</c>, <c>npm run build</c> → <c>dist/</c>) on the API's own origin: its files,
/// and <c>index.html</c> for any other GET path the app routes itself (never for <c>/api</c>, <c>/hubs</c>, <c>/health</c>,
/// <c>/openapi</c>, <c>/scalar</c>, which keep their own answers, 404 and 405 included). <c>Web:Root</c> names the folder
/// (default: <c>wwwroot</c> beside the API, served when it holds an <c>index.html</c>). Without it the API starts as before and
/// serves no app. Every app response carries a strict Content-Security-Policy (same origin only: no
/// third-party script, style, font, image or connection) and no referrer.
/// </summary>
public static class WebApp
{
    public const string RootKey = "Web:Root";

    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; font-src 'self'; " +
        "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

    private static readonly string[] ApiPrefixes = ["api", "hubs", "health", "openapi", "scalar"];

    /// <summary>Registers the route constraint that keeps the app's fallback off the API's paths.</summary>
    public static IServiceCollection AddClassCommsWebApp(this IServiceCollection services) =>
        services.Configure<RouteOptions>(o => o.ConstraintMap["appPath"] = typeof(AppPathConstraint));

    public static void MapClassCommsWebApp(this WebApplication app)
    {
        app.UseClassCommsRefreshCookie(); // the app's refresh token in an HttpOnly SameSite=Strict cookie (Web/RefreshCookie.cs)

        // An explicit Web:Root is served once its folder exists (the build may fill it after the start: npm run build against the
        // running API's contract); the default wwwroot only when a build is there.
        var configured = app.Configuration[RootKey];
        var root = Path.GetFullPath(configured ?? Path.Combine(app.Environment.ContentRootPath, "wwwroot"), app.Environment.ContentRootPath);
        if (configured is null ? !File.Exists(Path.Combine(root, "index.html")) : !Directory.Exists(root))
        {
            app.Logger.LogInformation("No web app at {WebRoot} (build src/ClassComms.Web): serving the API only.", root);
            return;
        }

        var files = new PhysicalFileProvider(root);
        var options = new StaticFileOptions { FileProvider = files, OnPrepareResponse = context => Secure(context.Context.Response, context.File.Name) };
        app.UseStaticFiles(options);
        app.MapGet("/{**path:appPath}", (HttpContext http) =>
            {
                var index = files.GetFileInfo("index.html");
                if (!index.Exists) return Results.NotFound();
                Secure(http.Response, index.Name);
                return Results.Stream(index.CreateReadStream(), "text/html; charset=utf-8");
            })
            .AllowAnonymous()
            .ExcludeFromDescription()
            .WithOrder(int.MaxValue);
    }

    private static void Secure(HttpResponse response, string fileName)
    {
        var headers = response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // Hashed asset names never change content; the page itself is always revalidated.
        headers[HeaderNames.CacheControl] = fileName.EndsWith(".html", true, CultureInfo.InvariantCulture) ? "no-cache" : "public, max-age=31536000, immutable";
    }

    /// <summary>True for paths the app routes (not the API's own prefixes, not a file name with an extension).</summary>
    private sealed class AppPathConstraint : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
        {
            var path = values.TryGetValue(routeKey, out var value) ? value?.ToString() ?? "" : "";
            var first = path.Split('/', 2)[0];
            if (ApiPrefixes.Any(p => string.Equals(first, p, StringComparison.OrdinalIgnoreCase))) return false;
            var last = path[(path.LastIndexOf('/') + 1)..];
            return !last.Contains('.');
        }
    }
}
