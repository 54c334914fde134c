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

    /// <summary>Same server, port and database (credentials and tuning do not matter).</summary>
    internal static bool SameDatabase(string a, string b)
    {
        if (string.IsNullOrWhiteSpace(a) || string.IsNullOrWhiteSpace(b)) return false;
        var x = new NpgsqlConnectionStringBuilder(a);
        var y = new NpgsqlConnectionStringBuilder(b);
        return string.Equals(x.Host, y.Host, StringComparison.OrdinalIgnoreCase) && x.Port == y.Port &&
               string.Equals(x.Database ?? x.Username, y.Database ?? y.Username, StringComparison.Ordinal);
    }
}
