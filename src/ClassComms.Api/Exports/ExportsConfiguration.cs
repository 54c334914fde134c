using JasperFx.Events.Projections;
using Marten;

namespace ClassComms.Exports;

/// <summary>Subject access exports: the request stream and its inline snapshot, the builder, the encrypted store.</summary>
public static class ExportsConfiguration
{
    public static void ConfigureExports(this StoreOptions opts)
    {
        opts.Schema.For<SubjectExport>().MultiTenanted();
        opts.Projections.Snapshot<SubjectExport>(SnapshotLifecycle.Inline);
    }

    public static IServiceCollection AddExports(this IServiceCollection services)
    {
        services.AddSingleton<ExportStore>();
        services.AddSingleton<ExportCollector>();
        services.AddSingleton<ExportBuilder>();
        services.AddSingleton<Retention.IRetentionStep, ExportRetentionStep>(); // exports in the school's retention run (ExpireExports.cs)
        return services;
    }
}
