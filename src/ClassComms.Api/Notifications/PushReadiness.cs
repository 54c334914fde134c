using System.Collections.Concurrent;
using ClassComms.Conversations;
using ClassComms.Guardians;
using JasperFx.Events.Projections;
using Marten;
using Marten.Services;

namespace ClassComms.Notifications;

/// <summary>
/// A push is never ahead of the read model it points to. The feed and the inbox are async-daemon projections (that is
/// what keeps their sequence cursors gap-free), so a push handler, which runs right after the command's commit, first
/// waits here until the entries it will point to are committed, and takes their cursors from them.
/// <para>
/// The wait is woken by every async-projection commit on this node (a change listener, which also notes the entries each
/// commit wrote, so a woken push usually needs no query) and falls back to polling, so it also works when the daemon runs
/// on another node. It ends when every expected entry exists, or when the projection's
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
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(1);

    private TaskCompletionSource _commit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Feed and inbox entries this node's daemon committed lately (id → sequence, when), so a woken push need not query.</summary>
    private readonly ConcurrentDictionary<string, (long Sequence, long At)> _recent = new();

    /// <summary>
    /// Waits until the entries named by <paramref name="ids"/> are readable; returns the sequence (cursor) of each that exists.
    /// <paramref name="load"/> reads the existing ones (id → sequence) in the given session; <paramref name="projection"/> writes them.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> WaitAsync(IDocumentStore store, IQuerySession session, Type projection,
        IReadOnlyCollection<string> ids, Func<IQuerySession, IReadOnlyCollection<string>, CancellationToken, Task<IReadOnlyDictionary<string, long>>> load,
        CancellationToken ct)
    {
        if (ids.Count == 0) return new Dictionary<string, long>();
        var deadline = DateTimeOffset.UtcNow + MaxWait;
        long? target = null;
        for (var look = 0; ; look++)
        {
            var committed = Volatile.Read(ref _commit).Task;
            var found = Recent(ids);
            if (found.Count >= ids.Count) return found;
            foreach (var (id, sequence) in await load(session, ids.Where(i => !found.ContainsKey(i)).ToList(), ct)) found[id] = sequence;
            if (found.Count >= ids.Count) return found;

            // From the second look on (the usual case needs one wait, not these two queries): has the projection passed
            // everything committed by now, which includes the event the push is about? Then the missing entries never come.
            if (look > 0)
            {
                target ??= await LastSequenceAsync(store, session, ct);
                // Marten names a projection after its class, namespace included.
                if (await store.Advanced.ProjectionProgressFor(new ShardName(projection.FullName!), token: ct) >= target)
                {
                    // Read once more: the commit that moved the progress may have come after the read above.
                    foreach (var (id, sequence) in await load(session, ids.Where(i => !found.ContainsKey(i)).ToList(), ct)) found[id] = sequence;
                    return found;
                }
            }

            if (DateTimeOffset.UtcNow >= deadline) throw new PushNotReadableYet(projection.Name);
            await Task.WhenAny(committed, Task.Delay(Poll, ct));
            ct.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The highest event sequence committed so far (all schools: the daemon's progress is global too).</summary>
    private static async Task<long> LastSequenceAsync(IDocumentStore store, IQuerySession session, CancellationToken ct) =>
        (await session.AdvancedSql.QueryAsync<long>($"select coalesce(max(seq_id), 0) from {store.Options.Events.DatabaseSchemaName}.mt_events", ct))
        .Single();

    private Dictionary<string, long> Recent(IReadOnlyCollection<string> ids)
    {
        var found = new Dictionary<string, long>();
        foreach (var id in ids)
        {
            if (_recent.TryGetValue(id, out var entry)) found[id] = entry.Sequence;
        }

        return found;
    }

    /// <summary>Called by the async daemon after each projection batch commits: notes its feed and inbox entries, and wakes every waiting push.</summary>
    public Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        var now = Environment.TickCount64;
        foreach (var document in commit.Inserted.Concat(commit.Updated))
        {
            if (document is FeedEntry feed) _recent[feed.Id] = (feed.Sequence, now);
            else if (document is InboxEntry inbox) _recent[inbox.Id] = (inbox.Sequence, now);
        }

        if (_recent.Count > 10_000)
        {
            foreach (var (id, entry) in _recent)
            {
                if (now - entry.At > Remember.TotalMilliseconds) _recent.TryRemove(id, out _);
            }
        }

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
