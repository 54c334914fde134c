using Alba;
using ClassComms.PersonalData;
using ClassComms.Tests.PersonalData;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ClassComms.Tests.Support;

/// <summary>
/// One Alba host for the whole run, against the real PostgreSQL and Azurite started by infra/test.sh.
/// Data is reset before each test (see <see cref="IntegrationTest"/>).
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    public const string OperatorKey = "test-operator-key";
    public const int RedemptionsPerMinute = 5;
    public const int LoginAttemptsPerAccount = 5;
    public const int LoginAttemptsPerAddress = 20;
    public static readonly string PasswordResetOutbox = Path.Combine(Path.GetTempPath(), $"classcomms-password-resets-{Guid.NewGuid():N}.jsonl");
    public static readonly string RegistrationOutbox = Path.Combine(Path.GetTempPath(), $"classcomms-registrations-{Guid.NewGuid():N}.jsonl");
    public static readonly string StaffInvitationOutbox = Path.Combine(Path.GetTempPath(), $"classcomms-staff-invitations-{Guid.NewGuid():N}.jsonl");
    public static readonly string EmailChangeOutbox = Path.Combine(Path.GetTempPath(), $"classcomms-email-changes-{Guid.NewGuid():N}.jsonl");
    public static readonly string EmailChangedNoticeOutbox = Path.Combine(Path.GetTempPath(), $"classcomms-email-notices-{Guid.NewGuid():N}.jsonl");
    public static readonly string IncidentReminderOutbox = Path.Combine(Path.GetTempPath(), $"classcomms-incident-reminders-{Guid.NewGuid():N}.jsonl");
    public const long MaxImageBytes = 2 * 1024 * 1024;
    public const long MaxImagePixels = 1_000_000;
    public static readonly TimeSpan UnsendWindow = TimeSpan.FromSeconds(4);
    public const long MaxVideoBytes = 8 * 1024 * 1024;
    public const long MaxPdfBytes = 4 * 1024 * 1024;
    public const long MediaQuotaBytes = 12 * 1024 * 1024;
    public const int MaxImageFrames = 50;
    public static readonly string RedisPrefix = $"classcomms-tests-{Guid.NewGuid():N}";

    public IAlbaHost Host { get; private set; } = null!;

    public static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests with infra/test.sh, which starts PostgreSQL and Azurite.");

    /// <summary>What the shared host logged since the last reset (the privacy tests scan it for personal values).</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>The spans the shared host exported since the last reset (in-memory exporter).</summary>
    public SpanCapture Spans { get; } = new();

    /// <summary>The shared host's clock: a test advances it instead of waiting.</summary>
    public TestClock Clock { get; } = new();

    public async Task InitializeAsync() =>
        Host = await StartHostAsync(Required("ConnectionStrings__Marten"), "Testing", null,
            builder => builder.ConfigureServices(services =>
            {
                services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(Logs);
                services.AddSingleton<TimeProvider>(Clock);
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
            }));

    /// <summary>Starts an API host against <paramref name="martenConnectionString"/> (the shared host, or a private one for crash tests).</summary>
    public static Task<IAlbaHost> StartHostAsync(string martenConnectionString) => StartHostAsync(martenConnectionString, "Testing", null);

    /// <summary>
    /// Starts an API host in <paramref name="environment"/>, with <paramref name="overrides"/> on top of the test settings and
    /// <paramref name="configure"/> applied last (e.g. to let Wolverine discover a test-only endpoint).
    /// </summary>
    public static async Task<IAlbaHost> StartHostAsync(string martenConnectionString, string environment, IReadOnlyDictionary<string, string?>? overrides,
        Action<IWebHostBuilder>? configure = null)
    {
        var settings = Settings(martenConnectionString);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        return await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment(environment);
            // UseSetting (unlike ConfigureAppConfiguration) is visible while Program builds its services.
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
            configure?.Invoke(builder);
        });
    }

    /// <summary>The configuration of a test host (also given to the API run as a process, e.g. <c>erasure reapply</c>).</summary>
    public static Dictionary<string, string?> Settings(string martenConnectionString) =>
        new()
        {
            ["ConnectionStrings:Marten"] = martenConnectionString,
            ["ConnectionStrings:Blobs"] = Required("ConnectionStrings__Blobs"),
            ["PersonalData:MasterKey"] = Convert.ToBase64String("test-master-key-of-thirty-two-by"u8),
            ["PersonalData:LookupKey"] = Convert.ToBase64String("test-lookup-key-of-thirty-two-by"u8),
            ["Auth:SigningKey"] = "test-signing-key-that-is-long-enough-for-hs256",
            ["Platform:OperatorKey"] = OperatorKey,
            ["ParentCodes:RedemptionsPerMinute"] = RedemptionsPerMinute.ToString(),
            ["Auth:Throttle:AccountAttempts"] = LoginAttemptsPerAccount.ToString(),
            ["Auth:Throttle:AddressAttempts"] = LoginAttemptsPerAddress.ToString(),
            ["Auth:PasswordReset:OutboxPath"] = PasswordResetOutbox,
            ["Guardians:Registration:OutboxPath"] = RegistrationOutbox,
            ["Staff:Invitation:OutboxPath"] = StaffInvitationOutbox,
            ["Incidents:Reminders:OutboxPath"] = IncidentReminderOutbox,
            ["Rectification:Email:OutboxPath"] = EmailChangeOutbox,
            ["Rectification:Email:NoticeOutboxPath"] = EmailChangedNoticeOutbox,
            ["Demo:Seed"] = "false",
            // This run's own Redis channels and keys (rate-limit counters outlive a host): the hosts of one run form one deployment.
            ["Redis:Prefix"] = RedisPrefix,
            ["Retention:CheckInterval"] = "00:00:00", // tests run the schedule's check themselves (Retention/)
            // The test build has no pre-generated handler code (infra/publish.sh makes it): a host started in Production
            // generates it at run time too. Platform/when_starting_outside_development.cs checks the Production default.
            ["Startup:GeneratedCode"] = "Dynamic",
            ["Messaging:UnsendWindow"] = UnsendWindow.ToString(),
            ["Media:MaxImageBytes"] = MaxImageBytes.ToString(),
            ["Media:MaxImagePixels"] = MaxImagePixels.ToString(),
            ["Media:MaxVideoBytes"] = MaxVideoBytes.ToString(),
            ["Media:MaxPdfBytes"] = MaxPdfBytes.ToString(),
            ["Media:QuotaBytesPerUser"] = MediaQuotaBytes.ToString(),
            ["Media:MaxImageFrames"] = MaxImageFrames.ToString(),
        };

    /// <summary>Empties events, documents, projection progress, keys and key caches.</summary>
    public async Task ResetAsync()
    {
        // The async daemon may still be writing the previous test's projections (it is woken on every append), and
        // its transaction can deadlock with the reset's truncates; PostgreSQL then aborts one side, and we try again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Host.ResetAllMartenDataAsync();
                break;
            }
            catch (Exception e) when (attempt < 5 && IsDeadlock(e))
            {
                await Task.Delay(100 * attempt);
            }
        }

        await KeyStores.DeleteAllAsync(Required("ConnectionStrings__Marten"));
        Host.Services.GetRequiredService<PersonalDataVault>().EvictAll();
        await using (var connection = await Host.Services.GetRequiredService<ClassComms.Accounts.LoginThrottleStore>().OpenAsync(CancellationToken.None))
        {
            await using var forget = new Npgsql.NpgsqlCommand($"delete from {ClassComms.Accounts.LoginThrottleStore.Table}", connection);
            await forget.ExecuteNonQueryAsync();
        }
        Logs.Clear();
        Spans.Clear();
        Clock.Reset();
    }

    private static bool IsDeadlock(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.PostgresException { SqlState: "40P01" }) return true;
        }

        return false;
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "app";
}

/// <summary>Base of every integration test: shared host, fresh data, scenario helpers that go through the API.</summary>
[Collection(AppCollection.Name)]
public abstract class IntegrationTest(AppFixture app) : IAsyncLifetime
{
    protected AppFixture App { get; } = app;
    protected IAlbaHost Host => App.Host;
    protected Api Api { get; } = new(app);
    protected IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();
    protected TestClock Clock => App.Clock;

    public virtual Task InitializeAsync() => App.ResetAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Lets the async daemon catch up (feed, class summary).</summary>
    protected Task ProjectionsCaughtUp() => Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
}
