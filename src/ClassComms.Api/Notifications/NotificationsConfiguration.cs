using Marten;

namespace ClassComms.Notifications;

public static class NotificationsConfiguration
{
    public static void ConfigureNotifications(this StoreOptions opts)
    {
        opts.Schema.For<StaffPreferences>().MultiTenanted();
        opts.Schema.For<GuardianPreferences>().MultiTenanted();
    }

    /// <summary>The hub and the push pipeline (its queue is set up with the messaging: <see cref="PushReadinessConfiguration.UseClassCommsPushQueue"/>).</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddPushReadiness();
        return services;
    }
}
