using Azure.Storage.Blobs;
using ClassComms.Platform;
using JasperFx.Events.Projections;
using Marten;

namespace ClassComms.Privacy;

public static class PrivacyConfiguration
{
    public static void ConfigurePrivacy(this StoreOptions opts)
    {
        opts.Schema.For<Erasure>().MultiTenanted();
        opts.Projections.Snapshot<Erasure>(SnapshotLifecycle.Inline);
    }

    /// <summary>
    /// Blob Storage (Azurite locally) for the erasure ledger and media; the erasure workflow; and the re-application of
    /// the ledger at start-up, which <c>/health/ready</c> waits for. Call after the storage and messaging are added, so
    /// the re-application starts after Marten and Wolverine.
    /// </summary>
    public static IServiceCollection AddPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        var blobs = configuration.GetConnectionString("Blobs")
                    ?? throw new InvalidOperationException("ConnectionStrings:Blobs is not configured.");
        services.AddSingleton(new BlobServiceClient(blobs, DependencyOutages.BlobClientOptions()));
        services.AddSingleton<ErasureLedger>();
        services.AddSingleton<ErasureSteps>();
        services.AddSingleton<Schools.ShredSchool>();
        services.AddSingleton<ErasureReapplication>();
        services.AddHostedService<ErasureReapplicationAtStartup>();
        services.AddExceptionHandler<ErasureRequestConflictHandler>(); // before the general one in Program.cs
        services.AddHealthChecks().AddCheck<ErasureReapplicationHealthCheck>("erasure-ledger", tags: [HealthConfiguration.Ready]);
        services.ConfigureMarten(opts => opts.ConfigurePrivacy());
        return services;
    }
}
