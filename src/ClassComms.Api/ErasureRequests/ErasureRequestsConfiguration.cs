using ClassComms.Platform;
using JasperFx.Events.Projections;
using Marten;

namespace ClassComms.ErasureRequests;

public static class ErasureRequestsConfiguration
{
    public static void ConfigureErasureRequests(this StoreOptions opts)
    {
        opts.Schema.For<ErasureRequest>().MultiTenanted().Index(r => r.SubjectId);
        opts.Projections.Snapshot<ErasureRequest>(SnapshotLifecycle.Inline);
    }

    public static IServiceCollection AddErasureRequests(this IServiceCollection services)
    {
        services.AddSingleton<ErasureCertificates>();
        services.ConfigureMarten(opts => opts.ConfigureErasureRequests());
        return services;
    }
}
