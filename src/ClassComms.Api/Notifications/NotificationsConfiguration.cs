using ClassComms.Platform;
using Marten;
using StackExchange.Redis;

namespace ClassComms.Notifications;

public static class NotificationsConfiguration
{
    public static void ConfigureNotifications(this StoreOptions opts)
    {
        opts.Schema.For<StaffPreferences>().MultiTenanted();
        // Head rows of the feed's and inbox's per-reader cursors (created with Marten's schema: resources setup).
        opts.Storage.ExtendedSchemaObjects.Add(ReadPositions.HeadTable());
        // The feed's: a lock row per reader and one sequence (ReadPositions.InsertFeed).
        opts.Storage.ExtendedSchemaObjects.Add(ReadPositions.FeedHeads());
        opts.Storage.ExtendedSchemaObjects.Add(ReadPositions.FeedPositions());
    }

    /// <summary>
    /// The hub and the push pipeline (its queue is set up with the messaging: <see cref="PushQueueConfiguration.UseClassCommsPushQueue"/>).
    /// With <c>ConnectionStrings:Redis</c> the hub uses the Redis backplane: a push sent by any node reaches the clients connected
    /// to every node. Without it the hub reaches only the clients of the node that sends (one node).
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        var signalR = services.AddSignalR();
        if (configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
        {
            // Channels prefixed per deployment (Redis:Prefix), so deployments sharing a Redis do not hear each other.
            var prefix = RedisOptions.PrefixFrom(configuration);
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(prefix));
        }

        return services;
    }
}
