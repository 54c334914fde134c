using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace ClassComms.Platform;

/// <summary>
/// The client address behind a reverse proxy: <c>X-Forwarded-For</c> (and <c>X-Forwarded-Proto</c>) is believed only when the
/// request comes from a proxy listed in <c>ForwardedHeaders:KnownProxies</c> (addresses) or <c>ForwardedHeaders:KnownNetworks</c>
/// (CIDR). None is listed by default, and then the headers are ignored altogether (ASP.NET Core would otherwise trust loopback,
/// or every sender once its lists are emptied). Rate limits and the sign-in throttle key on the address this yields.
/// </summary>
public static class ForwardedHeaders
{
    public const string Section = "ForwardedHeaders";

    public static IServiceCollection AddClassCommsForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var proxies = section.GetSection("KnownProxies").Get<string[]>() ?? [];
        var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? [];
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor
                                       | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                options.KnownProxies.Add(IPAddress.TryParse(proxy.Trim(), out var address) ? address : throw Invalid("KnownProxies"));
            }

            foreach (var network in networks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network.Trim(), out var parsed) ? parsed : throw Invalid("KnownNetworks"));
            }

            // Walk back through every listed proxy in a chain; the first address not listed is the client.
            options.ForwardLimit = null;
        });
        services.AddSingleton(new ForwardedHeadersEnabled(proxies.Length + networks.Length > 0));
        return services;
    }

    /// <summary>First in the pipeline, so that everything after it sees the client's address; nothing at all when no proxy is listed.</summary>
    public static IApplicationBuilder UseClassCommsForwardedHeaders(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<ForwardedHeadersEnabled>().Enabled ? app.UseForwardedHeaders() : app;

    private static InvalidOperationException Invalid(string key) => new($"{Section}:{key} holds a value that is not valid.");

    private sealed record ForwardedHeadersEnabled(bool Enabled);
}
