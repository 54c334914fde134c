using JasperFx.Events.Projections;
using Marten;

namespace ClassComms.Retention;

public static class RetentionConfiguration
{
    public static void ConfigureRetention(this StoreOptions opts)
    {
        opts.Schema.For<RetentionLog>().MultiTenanted();
        opts.Projections.Snapshot<RetentionLog>(SnapshotLifecycle.Inline);
        opts.Schema.For<LegacyPointsMigration>(); // one row: the legacy points were moved to their month keys (LegacyPointNotes)
    }

    public static IServiceCollection AddRetention(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RetentionOptions>(configuration.GetSection("Retention"));
        services.AddSingleton<RetentionRunner>();
        services.AddSingleton<LegacyPointNotes>();
        services.AddSingleton<RetentionSchedule>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionSchedule>());
        return services;
    }
}
