using System.Text.Json;
using Azure.Storage.Blobs;
using Marten;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Wolverine.Persistence.Durability;

namespace ClassComms.Platform;

public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>Longest a single check may take before it counts as failed (its work is cancelled).</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Events an async projection may lag behind the store's high-water mark before the daemon check is Degraded.</summary>
    public long DaemonLagWarning { get; set; } = 1000;
}

public sealed class PostgresHealthCheck(IDocumentStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var session = store.QuerySession();
            await session.QueryAsync<int>("select 1", ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is unreachable.", e);
        }
    }
}

public sealed class BlobStorageHealthCheck(BlobServiceClient blobs) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await blobs.GetPropertiesAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("Blob Storage is unreachable.", e);
        }
    }
}

/// <summary>
/// The async daemon (class statistics): the event store's last sequence number, the daemon's high-water mark,
/// and each async projection's lag behind the last event. Degraded (still ready) past <see cref="HealthOptions.DaemonLagWarning"/>: reads of those
/// projections (class statistics) are late, but the node serves. Which node runs the daemon is decided by HotCold leader election.
/// </summary>
public sealed class AsyncDaemonHealthCheck(IDocumentStore store, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var head = (await store.Advanced.FetchEventStoreStatistics(token: ct)).EventSequenceNumber;
        var progress = await store.Advanced.AllProjectionProgress(token: ct);
        var highWaterMark = progress.FirstOrDefault(p => p.ShardName == "HighWaterMark")?.Sequence ?? 0;
        var data = new Dictionary<string, object> { ["eventSequence"] = head, ["highWaterMark"] = highWaterMark };
        long worst = 0;
        foreach (var shard in progress.Where(p => p.ShardName != "HighWaterMark"))
        {
            var lag = Math.Max(0, head - shard.Sequence);
            data[shard.ShardName] = lag;
            worst = Math.Max(worst, lag);
        }

        return worst > options.Value.DaemonLagWarning
            ? HealthCheckResult.Degraded($"An async projection is {worst} events behind.", data: data)
            : HealthCheckResult.Healthy($"Async projections at most {worst} events behind (values: lag per projection).", data);
    }
}

/// <summary>Wolverine's durable inbox and outbox: envelopes waiting, scheduled and dead-lettered (counts only).</summary>
public sealed class DurableMessagingHealthCheck(IMessageStore messages) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var counts = await messages.Admin.FetchCountsAsync();
        var data = new Dictionary<string, object>
        {
            ["incoming"] = counts.Incoming,
            ["outgoing"] = counts.Outgoing,
            ["scheduled"] = counts.Scheduled,
            ["deadLetters"] = counts.DeadLetter,
        };
        return HealthCheckResult.Healthy("Durable inbox and outbox reachable (values: envelopes).", data);
    }
}

/// <summary>
/// Runs a check with a deadline: past <see cref="HealthOptions.CheckTimeout"/> the check's work is cancelled and it counts
/// as failed, whether or not it honours cancellation, so <c>/health/ready</c> answers within the timeout (checks run in
/// parallel) even when a dependency does not answer.
/// </summary>
public sealed class BoundedHealthCheck(IHealthCheck inner, TimeSpan timeout, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        using var work = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            return await inner.CheckHealthAsync(context, work.Token).WaitAsync(timeout, clock, ct);
        }
        catch (TimeoutException)
        {
            await work.CancelAsync();
            return new HealthCheckResult(context.Registration.FailureStatus, $"No answer within {timeout.TotalSeconds:0.###} s.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The check failed.", e);
        }
    }
}

public static class HealthConfiguration
{
    public const string Ready = "ready";

    /// <summary>Adds <typeparamref name="T"/> as a check bounded by <see cref="HealthOptions.CheckTimeout"/>.</summary>
    public static IHealthChecksBuilder AddBoundedCheck<T>(this IHealthChecksBuilder builder, string name, HealthStatus failureStatus = HealthStatus.Unhealthy,
        params string[] tags) where T : class, IHealthCheck =>
        builder.Add(new HealthCheckRegistration(name,
            sp => new BoundedHealthCheck(ActivatorUtilities.GetServiceOrCreateInstance<T>(sp), sp.GetRequiredService<IOptions<HealthOptions>>().Value.CheckTimeout,
                sp.GetRequiredService<TimeProvider>()),
            failureStatus, tags));

    public static IServiceCollection AddClassCommsHealth(this IServiceCollection services)
    {
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section);
        services.AddHealthChecks()
            .AddBoundedCheck<PostgresHealthCheck>("postgresql", tags: [Ready])
            .AddBoundedCheck<BlobStorageHealthCheck>("blob-storage", tags: [Ready])
            // Reported, never a reason to stop routing traffic to the node: Degraded answers 200.
            .AddBoundedCheck<AsyncDaemonHealthCheck>("async-daemon", HealthStatus.Degraded, [Ready])
            .AddBoundedCheck<DurableMessagingHealthCheck>("durable-messaging", HealthStatus.Degraded, [Ready]);
        return services;
    }

    /// <summary>
    /// <c>/health/live</c>: the process answers. <c>/health/ready</c>: PostgreSQL and Blob Storage answer and the start-up
    /// work is done (erasure ledger re-applied; demo seeded when asked), each check within <see cref="HealthOptions.CheckTimeout"/>;
    /// the async daemon and the durable inbox/outbox are reported. JSON: overall status, and each check's status,
    /// description, duration and counts (no personal data, no exception text).
    /// </summary>
    public static void MapClassCommsHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteReport }).AllowAnonymous();
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static Task WriteReport(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds),
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
