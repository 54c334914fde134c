using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace ClassComms.PersonalData;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the vault, its key store, the cluster-wide key eviction listener and the blind index, bound to the
    /// <c>PersonalData</c> section. In Production the host refuses to start when the key store shares the event store's
    /// database, unless <c>PersonalData:AllowSharedKeyDatabase</c> is true.
    /// </summary>
    public static IServiceCollection AddPersonalData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PersonalDataOptions>()
            .Bind(configuration.GetSection(PersonalDataOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.MasterKey) || o.MasterKeys.Count > 0, "PersonalData:MasterKeys (or MasterKey) is required.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.LookupKey) || o.LookupKeys.Count > 0, "PersonalData:LookupKeys (or LookupKey) is required.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.KeyStoreConnectionString), "PersonalData:KeyStoreConnectionString is required.")
            .Validate<IHostEnvironment>((o, env) => !env.IsProduction() || o.AllowSharedKeyDatabase || !SameDatabase(o.KeyStoreConnectionString, o.EventStoreConnectionString),
                "PersonalData:KeyStoreConnectionString points at the event store's database. In Production the keys need their own database " +
                "(own backups, no long-lived transactions); set PersonalData:AllowSharedKeyDatabase=true to override.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SubjectKeyStore>();
        services.AddSingleton<PersonalDataVault>();
        services.AddSingleton<BlindIndex>();
        services.AddHostedService<KeyEvictionListener>();
        services.AddHostedService<MasterKeyRotation>();
        return services;
    }

    /// <summary>
    /// Same server, port and database, parsed rather than compared as text: credentials, tuning and key order do not matter,
    /// the port defaults to 5432, the database to the user name, host names compare case-insensitively, every loopback
    /// name (<c>localhost</c>, <c>127.x.x.x</c>, <c>::1</c>) is one host, and a multi-host list shares the database when any
    /// of its hosts does.
    /// </summary>
    internal static bool SameDatabase(string a, string b)
    {
        if (string.IsNullOrWhiteSpace(a) || string.IsNullOrWhiteSpace(b)) return false;
        var x = new NpgsqlConnectionStringBuilder(a);
        var y = new NpgsqlConnectionStringBuilder(b);
        if (!string.Equals(x.Database ?? x.Username, y.Database ?? y.Username, StringComparison.Ordinal)) return false;
        var servers = Servers(x).ToHashSet();
        return Servers(y).Any(servers.Contains);
    }

    private static IEnumerable<(string Host, int Port)> Servers(NpgsqlConnectionStringBuilder cs)
    {
        foreach (var entry in (cs.Host ?? "localhost").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var host = entry;
            var port = cs.Port;
            // "host:port" (Npgsql's multi-host form); "[v6]:port"; a bare IPv6 address has several colons and no port.
            var colon = entry.LastIndexOf(':');
            if (colon > 0 && (entry.StartsWith('[') ? entry[colon - 1] == ']' : entry.IndexOf(':') == colon) &&
                int.TryParse(entry[(colon + 1)..], out var explicitPort))
            {
                host = entry[..colon];
                port = explicitPort;
            }

            yield return (Normalize(host.Trim('[', ']')), port);
        }
    }

    private static string Normalize(string host)
    {
        var h = host.TrimEnd('.').ToLowerInvariant();
        if (h == "localhost" || (System.Net.IPAddress.TryParse(h, out var ip) && System.Net.IPAddress.IsLoopback(ip))) return "loopback";
        return h;
    }
}
