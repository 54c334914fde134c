using Azure.Storage.Blobs;

namespace ClassComms.Privacy;

public static class PrivacyConfiguration
{
    /// <summary>Blob Storage (Azurite locally) holds the erasure ledger now, and media later.</summary>
    public static IServiceCollection AddPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        var blobs = configuration.GetConnectionString("Blobs")
                    ?? throw new InvalidOperationException("ConnectionStrings:Blobs is not configured.");
        services.AddSingleton(new BlobServiceClient(blobs));
        services.AddSingleton<ErasureLedger>();
        services.AddSingleton<Shredding>();
        return services;
    }
}
