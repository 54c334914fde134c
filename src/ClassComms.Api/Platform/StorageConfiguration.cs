using ClassComms.AccessLog;
using ClassComms.Accounts;
using ClassComms.Audience;
using ClassComms.Classes;
using ClassComms.Conversations;
using ClassComms.Dpo;
using ClassComms.Exports;
using ClassComms.Guardians;
using ClassComms.Incidents;
using ClassComms.Media;
using ClassComms.Notifications;
using ClassComms.PersonalData;
using ClassComms.Points;
using ClassComms.Portfolios;
using ClassComms.Retention;
using ClassComms.ProcessingRestriction;
using ClassComms.Rectification;
using ClassComms.Schools;
using ClassComms.Stories;
using ClassComms.Students;
using ClassComms.StudentAccounts;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Marten;

namespace ClassComms.Platform;

public static class StorageConfiguration
{
    /// <summary>Marten (events, documents, async daemon) on PostgreSQL, one school per conjoined tenant, integrated with Wolverine.</summary>
    public static IServiceCollection AddClassCommsStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Marten")
                               ?? throw new InvalidOperationException("ConnectionStrings:Marten is not configured.");
        services.PostConfigure<PersonalDataOptions>(o =>
        {
            o.EventStoreConnectionString = connectionString;
            if (string.IsNullOrWhiteSpace(o.KeyStoreConnectionString)) o.KeyStoreConnectionString = connectionString;
        });

        services.AddMarten(opts =>
            {
                opts.Connection(WithAutoPrepare(connectionString, configuration));
                opts.DatabaseSchemaName = "classcomms";
                opts.Events.TenancyStyle = JasperFx.MultiTenancy.TenancyStyle.Conjoined;
                // Upstream DistributedLock (the Patched.* redirect) refuses multiplexing with a DbDataSource.
                opts.Events.UseAdvisoryLockTransaction = true;
                opts.Events.StreamIdentity = StreamIdentity.AsGuid;
                // Wake the async daemon (class statistics) on every append (LISTEN/NOTIFY) instead of waiting for its
                // next poll, which is kept as the safety net.
                opts.Events.UseListenNotifyForEventAppends = true;

                opts.ConfigureAccounts();
                opts.ConfigureClasses();
                opts.ConfigureStudents();
                opts.ConfigurePoints();
                opts.ConfigureGuardians();
                opts.ConfigureConversations();
                opts.ConfigureMedia();
                opts.ConfigureNotifications();
                opts.ConfigureAudience();
                opts.ConfigureStories();
                opts.ConfigureStudentAccounts();
                opts.ConfigurePortfolios();
                opts.ConfigureDpo();
                opts.ConfigureIncidents();
                opts.ConfigureAccessLog();
                opts.ConfigureExports();
                opts.ConfigureRetention();
                opts.ConfigureProcessingRestriction();
                opts.ConfigureRectification();
            })
            .UseLightweightSessions()
            .IntegrateWithWolverine();
        // HotCold: one node runs the async daemon, elected by an advisory lock; Marten's election with the lock held by an idle
        // session instead of an open transaction (DaemonCoordinator), in place of AddAsyncDaemon(DaemonMode.HotCold).
        services.ConfigureMarten(opts => opts.Projections.AsyncMode = DaemonMode.HotCold);
        services.AddSingleton<DaemonCoordinator>();
        services.AddSingleton<Marten.Events.Daemon.Coordination.IProjectionCoordinator>(s => s.GetRequiredService<DaemonCoordinator>());
        services.AddSingleton<JasperFx.Events.Daemon.IProjectionCoordinator>(s => s.GetRequiredService<DaemonCoordinator>());
        services.AddSingleton<IHostedService>(s => s.GetRequiredService<DaemonCoordinator>());
        services.AddHostedService<ProjectionWatchdog>(); // restarts a projection agent that stopped (after a PostgreSQL restart)
        // Schema changes: applied at start in Development and Testing only (Platform/StartupConfiguration.cs).
        services.AddSingleton(_ => new ClassCommsDatabase(Npgsql.NpgsqlDataSource.Create(connectionString)));
        return services;
    }

    /// <summary>Statements Npgsql prepares per connection by default (<c>Storage:MaxAutoPrepare</c>; 0 turns it off).</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// Marten's connection string with Npgsql's automatic preparation on: a request sends the same few dozen statements every
    /// time (an award about 18, some of them CTEs of several joins), and unprepared each is parsed and planned again by
    /// PostgreSQL on the same 2 cores the API runs on. A statement used 5 times on a connection is prepared there and then
    /// only bound and executed. The connection string's own <c>Max Auto Prepare</c> wins; <c>Storage:MaxAutoPrepare</c> = 0
    /// turns it off (a pooler in transaction mode without prepared-statement support, such as PgBouncer before 1.21).
    /// </summary>
    public static string WithAutoPrepare(string connectionString, IConfiguration configuration)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare > 0) return connectionString;
        var max = configuration.GetValue("Storage:MaxAutoPrepare", DefaultMaxAutoPrepare);
        if (max <= 0) return connectionString;
        builder.MaxAutoPrepare = max;
        return builder.ConnectionString;
    }

    /// <summary>Wolverine: transactional middleware everywhere, durable local queues (outbox), dead letters that expire.</summary>
    public static void UseClassCommsMessaging(this WolverineOptions opts)
    {
        opts.ApplicationAssembly = typeof(StorageConfiguration).Assembly;
        opts.Policies.AutoApplyTransactions();
        opts.Policies.UseDurableLocalQueues();
        opts.Policies.UseDurableOutboxOnAllSendingEndpoints();
        opts.UseClassCommsPushQueue();
        opts.Durability.DeadLetterQueueExpirationEnabled = true;
        opts.Durability.DeadLetterQueueExpiration = TimeSpan.FromDays(7);
        // A failing push is retried briefly, then parked in the dead-letter table (its body is ids only).
        opts.OnAnyException().RetryWithCooldown(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250))
            .Then.MoveToErrorQueue();
    }
}
