using JasperFx.Events.Projections;
using Marten;
using Marten.Services;

namespace ClassComms.Notifications;

/// <summary>
/// A push is never ahead of the read model it points to. The feed and the inbox are async-daemon projections (that is
/// what keeps their sequence cursors gap-free), so a push handler, which runs right after the command's commit, first
/// waits here until the entries it will point to are committed, and takes their cursors from them.
/// <para>
/// The wait is woken by every async-projection commit on this node (a change listener) and falls back to polling, so it
/// also works when the daemon runs on another node. It ends when every expected entry exists, or when the projection's
/// committed progress has passed everything that was committed when the push was first handled (the entries still
/// missing will then never appear: the student was erased, the person was not a recipient when the message was sent).
/// It is bounded: past <see cref="MaxWait"/> the handler throws <see cref="PushNotReadableYet"/> and Wolverine schedules
/// the durable message again, so a stopped daemon delays pushes and loses none.
/// </para>
/// </summary>
public sealed class PushReadiness : IChangeListener
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private TaskCompletionSource _commit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Waits until the entries named by <paramref name="ids"/> are readable; returns the sequence (cursor) of each that exists.
    /// <paramref name="load"/> reads the existing ones (id → sequence) in the given session.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> WaitAsync(IDocumentStore store, IQuerySession session, string projection,
        IReadOnlyCollection<string> ids, Func<IQuerySession, IReadOnlyCollection<string>, CancellationToken, Task<IReadOnlyDictionary<string, long>>> load,
        CancellationToken ct)
    {
        if (ids.Count == 0) return new Dictionary<string, long>();
        var deadline = DateTimeOffset.UtcNow + MaxWait;
        long? target = null;
        while (true)
        {
            var committed = Volatile.Read(ref _commit).Task;
            var found = await load(session, ids, ct);
            if (found.Count >= ids.Count) return found;

            // Everything committed before this point includes the event the push is about.
            target ??= await LastSequenceAsync(session, ct);
            if (await store.Advanced.ProjectionProgressFor(new ShardName(projection), token: ct) >= target) return found;

            if (DateTimeOffset.UtcNow >= deadline) throw new PushNotReadableYet(projection);
            await Task.WhenAny(committed, Task.Delay(Poll, ct));
            ct.ThrowIfCancellationRequested();
        }
    }

    private static async Task<long> LastSequenceAsync(IQuerySession session, CancellationToken ct) =>
        (await session.Events.QueryAllRawEvents().OrderByDescending(e => e.Sequence).FirstOrDefaultAsync(ct))?.Sequence ?? 0;

    /// <summary>Called by the async daemon after each projection batch commits: wakes every waiting push to look again.</summary>
    public Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        Interlocked.Exchange(ref _commit, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return Task.CompletedTask;
    }

    public Task BeforeCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => Task.CompletedTask;
}

/// <summary>The projection a push points to has not caught up within <see cref="PushReadiness.MaxWait"/>: the push is retried later.</summary>
public sealed class PushNotReadableYet(string projection) : Exception($"{projection} has not caught up yet; the push is scheduled again.");

public static class PushReadinessConfiguration
{
    /// <summary>One <see cref="PushReadiness"/> per node, listening to the async daemon's commits.</summary>
    public static IServiceCollection AddPushReadiness(this IServiceCollection services)
    {
        services.AddSingleton<PushReadiness>();
        services.ConfigureMarten((sp, opts) => opts.Projections.AsyncListeners.Add(sp.GetRequiredService<PushReadiness>()));
        return services;
    }
}
