using Marten;

namespace ClassComms.Notifications;

public static class NotificationsConfiguration
{
    public static void ConfigureNotifications(this StoreOptions opts)
    {
        opts.Schema.For<StaffPreferences>().MultiTenanted();
        // Head rows of the feed's and inbox's per-reader cursors (created with Marten's schema: resources setup).
        opts.Storage.ExtendedSchemaObjects.Add(ReadPositions.HeadTable());
    }

    /// <summary>The hub and the push pipeline (its queue is set up with the messaging: <see cref="PushQueueConfiguration.UseClassCommsPushQueue"/>).</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddSignalR();
        return services;
    }
}
