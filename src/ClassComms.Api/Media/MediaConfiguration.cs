using Marten;

namespace ClassComms.Media;

public static class MediaConfiguration
{
    public static void ConfigureMedia(this StoreOptions opts)
    {
        // Optimistic concurrency: two messages claiming one attachment at once cannot both commit (the second save is a
        // ConcurrencyException, a 409, and its whole transaction, message and outbox included, rolls back).
        opts.Schema.For<MediaObject>().MultiTenanted().Index(m => m.ConversationId).Index(m => m.UploadedBy).UseOptimisticConcurrency(true);
        foreach (var o in UploadReservations.SchemaObjects()) opts.Storage.ExtendedSchemaObjects.Add(o);
    }

    public static IServiceCollection AddMedia(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MediaOptions>().Bind(configuration.GetSection(MediaOptions.Section));
        services.AddSingleton<UploadReservations>();
        services.AddSingleton<MediaStore>();
        services.AddHostedService<AbandonedUploadSweeper>();
        return services;
    }
}
