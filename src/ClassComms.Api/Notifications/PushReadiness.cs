using System.Collections.Concurrent;
using ClassComms.Conversations;
using ClassComms.Guardians;
using ClassComms.Points;
using JasperFx.Events.Projections;
using Marten;
using Marten.Services;
using Wolverine;

namespace ClassComms.Notifications;

/// <summary>
/// A push is never ahead of the read model it points to. The feed and the inbox are async-daemon projections (that is
/// what keeps their sequence cursors gap-free), so a push handler, which runs right after the command's commit, first
/// waits here until the entries it will point to are committed, and takes their cursors from them.
/// <para>
/// The wait is woken by every feed or inbox commit of the async daemon: on the daemon's node directly (a change listener,
/// which also notes the entries each commit wrote, so a woken push usually needs no query), on every other node through
/// <see cref="ProjectionCommits"/> (PostgreSQL NOTIFY). It falls back to a slow poll should a wake-up be lost. It ends
/// when every expected entry exists, or when the projection's
/// committed progress has passed everything that was committed when the push was first handled (the entries still
/// missing will then never appear: the student was erased, the person was not a recipient when the message was sent).
/// It is bounded: past <see cref="MaxWait"/> the handler throws <see cref="PushNotReadableYet"/> and Wolverine schedules
/// the durable message again, so a stopped daemon delays pushes and loses none.
/// </para>
/// </summary>
public sealed class PushReadiness : IChangeListener
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);
    /// <summary>Only a safety net: waits are woken by the projections' commits, on every node.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(1);

    private TaskCompletionSource _commit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set by <see cref="ProjectionCommits"/>: tells the other nodes that feed or inbox entries were committed here.</summary>
    public Action? Announce { get; set; }

    /// <summary>Completes at the next wake-up of the pushes waiting on this node.</summary>
    public Task NextWake => Volatile.Read(ref _commit).Task;

    /// <summary>Wakes every push waiting on this node, to look again.</summary>
    public void Wake() => Interlocked.Exchange(ref _commit, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

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

    /// <summary>
    /// Called by the async daemon after each projection batch commits: notes its feed and inbox entries, wakes every push
    /// waiting here and, if the batch wrote any, every push waiting on other nodes.
    /// </summary>
    public Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        var now = Environment.TickCount64;
        var entries = false;
        foreach (var document in commit.Inserted.Concat(commit.Updated))
        {
            if (document is FeedEntry feed) _recent[feed.Id] = (feed.Sequence, now);
            else if (document is InboxEntry inbox) _recent[inbox.Id] = (inbox.Sequence, now);
            else continue;
            entries = true;
        }

        if (_recent.Count > 10_000)
        {
            foreach (var (id, entry) in _recent)
            {
                if (now - entry.At > Remember.TotalMilliseconds) _recent.TryRemove(id, out _);
            }
        }

        Wake();
        if (entries) Announce?.Invoke();
        return Task.CompletedTask;
    }

    public Task BeforeCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => Task.CompletedTask;
}

/// <summary>The projection a push points to has not caught up within <see cref="PushReadiness.MaxWait"/>: the push is retried later.</summary>
public sealed class PushNotReadableYet(string projection) : Exception($"{projection} has not caught up yet; the push is scheduled again.");

public static class PushReadinessConfiguration
{
    /// <summary>Local queue of the push handlers (durable, like every local queue).</summary>
    public const string PushQueue = "pushes";

    /// <summary>
    /// Pushes handled at once per node. A push handler spends most of its time waiting for the projection, not computing;
    /// with a local queue's default parallelism (small, tied to the core count) a few waiting pushes held back those behind them.
    /// </summary>
    public const int PushParallelism = 20;

    /// <summary>One <see cref="PushReadiness"/> per node, listening to the async daemon's commits here and, through <see cref="ProjectionCommits"/>, elsewhere.</summary>
    public static IServiceCollection AddPushReadiness(this IServiceCollection services)
    {
        services.AddSingleton<PushReadiness>();
        services.AddSingleton<ProjectionCommits>();
        services.AddHostedService(sp => sp.GetRequiredService<ProjectionCommits>());
        services.ConfigureMarten((sp, opts) => opts.Projections.AsyncListeners.Add(sp.GetRequiredService<PushReadiness>()));
        return services;
    }

    /// <summary>Every push message goes to the push queue, whose parallelism lets waiting handlers not hold the others back.</summary>
    public static void UseClassCommsPushQueue(this WolverineOptions opts)
    {
        opts.LocalQueue(PushQueue).MaximumParallelMessages(PushParallelism);
        opts.PublishMessage<MessageChanged>().ToLocalQueue(PushQueue);
        opts.PublishMessage<DeliverMessageNotice>().ToLocalQueue(PushQueue);
        opts.PublishMessage<MessagesReadNotice>().ToLocalQueue(PushQueue);
        opts.PublishMessage<PointsChanged>().ToLocalQueue(PushQueue);
    }
}
