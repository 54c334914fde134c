using ClassComms.Media;
using ClassComms.Notifications;
using JasperFx.Events.Projections;
using Marten;

namespace ClassComms.Conversations;

public static class ConversationsConfiguration
{
    public static void ConfigureConversations(this StoreOptions opts)
    {
        opts.Schema.For<Conversation>().MultiTenanted().Index(c => c.ClassId).Index(c => c.StudentId);
        opts.Projections.Snapshot<Conversation>(SnapshotLifecycle.Inline);
        opts.Schema.For<MessageView>().MultiTenanted().Index(m => m.ConversationId);
        opts.Projections.Add<MessageViewProjection>(ProjectionLifecycle.Inline);
        opts.Schema.For<InboxEntry>().MultiTenanted().Index(x => x.UserId).Index(x => x.Sequence);
        opts.Projections.Add<InboxProjection>(ProjectionLifecycle.Async);
        // Optimistic concurrency: two messages claiming one attachment at once cannot both commit (the second save is a
        // ConcurrencyException, a 409, and its whole transaction, message and outbox included, rolls back).
        opts.Schema.For<MediaObject>().MultiTenanted().Index(m => m.ConversationId).Index(m => m.UploadedBy).UseOptimisticConcurrency(true);
        foreach (var o in UploadReservations.SchemaObjects()) opts.Storage.ExtendedSchemaObjects.Add(o);
        opts.Schema.For<StaffPreferences>().MultiTenanted();
        opts.Schema.For<GuardianPreferences>().MultiTenanted();
    }

    public static IServiceCollection AddConversations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MessagingOptions>().Bind(configuration.GetSection(MessagingOptions.Section));
        services.AddSingleton<MessageReader>();
        services.AddOptions<MediaOptions>().Bind(configuration.GetSection(MediaOptions.Section));
        services.AddSingleton<UploadReservations>();
        services.AddSingleton<MediaStore>();
        services.AddHostedService<AbandonedUploadSweeper>();
        return services;
    }
}
