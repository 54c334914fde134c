using Marten;

namespace ClassComms.Dpo;

/// <summary>What the DPO's slices share: the school's signing key and the request deadline rules.</summary>
public static class DpoConfiguration
{
    public static void ConfigureDpo(this StoreOptions opts)
    {
        opts.Schema.For<SchoolSigningKey>().SingleTenanted();
    }

    public static IServiceCollection AddDpo(this IServiceCollection services)
    {
        services.AddSingleton<SchoolSigning>();
        return services;
    }
}
