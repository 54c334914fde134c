using JasperFx.Core;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events.Daemon.Coordination;
using Marten.Storage;
using Npgsql;
using Polly;

namespace ClassComms.Platform;

/// <summary>
/// Marten's HotCold election of the node that runs the async daemon (class statistics), with its advisory lock held by an idle
/// session instead of an open transaction. Marten's own coordinator takes the lock in a transaction
/// (<c>UseAdvisoryLockTransaction</c>, the one mode the upstream DistributedLock package served here accepts with a data source)
/// and keeps that transaction open as long as the node leads; the open transaction holds the database's xmin horizon, so
/// PostgreSQL could neither prune nor vacuum a dead row version of any table in the database while a node led, that is always.
/// Measured (<c>infra/bench.sh points</c>, 600 class awards in a row): each award rewrote its 30 students' documents into new
/// pages (5 % of updates HOT), the student table grew to 21 MB for 30 rows, one student's read visited 410 heap pages, and the
/// class award's push p50 climbed over the run (52 to 106 ms per block of 50); with the lock in a session it fell to 29 ms
/// (99 % of updates HOT, the student table 224 kB).
/// The election, the agents and the daemon are Marten's (<see cref="ProjectionCoordinatorBase"/>, the same distributor and lock
/// ids); only the lock differs: <see cref="SessionAdvisoryLock"/>.
/// </summary>
public sealed class DaemonCoordinator : ProjectionCoordinatorBase, Marten.Events.Daemon.Coordination.IProjectionCoordinator, IAsyncDisposable
{
    private readonly DocumentStore _store;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private IProjectionDaemon? _daemon;

    public DaemonCoordinator(IDocumentStore store, ILogger<DaemonCoordinator> logger)
        : this((DocumentStore)store, (ILogger)logger)
    {
    }

    private DaemonCoordinator(DocumentStore store, ILogger logger)
        : base(BuildDistributor(store, logger), logger,
            new ResiliencePipelineBuilder().AddRetry(new() { ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(), MaxRetryAttempts = 3, Delay = TimeSpan.FromMilliseconds(100) }).Build(),
            store.Options.Events.TimeProvider, store.Options.Projections.LeadershipPollingTime.Milliseconds(),
            store.Options.Projections.AgentPauseTime, store.Options.Projections.HealthCheckPollingTime)
    {
        _store = store;
        _logger = logger;
    }

    private static IProjectionDistributor BuildDistributor(DocumentStore store, ILogger logger)
    {
        var clock = store.Options.Events.TimeProvider;
        var projections = store.Options.Projections;
        // How long a lock is trusted without asking the server again: under the leadership polling interval, so every poll of
        // the leader verifies it in a short statement.
        var verifyEvery = TimeSpan.FromMilliseconds(projections.LeadershipPollingTime) / 2;
        return new SingleTenantProjectionDistributor(
            () => (IProjectionDatabase)store.Storage.Database,
            () => projections.AllShards().Select(x => x.Name),
            db => new SessionAdvisoryLock(((MartenDatabase)db).DataSource, clock, verifyEvery, logger),
            (db, names, lockId) => new ProjectionSet(lockId, (MartenDatabase)db, names),
            store.Options.Events.DatabaseSchemaName, projections.DaemonLockId);
    }

    protected override IProjectionDaemon ResolveDaemon(IProjectionSet set) => DaemonForMainDatabase();

    protected override IReadOnlyList<IProjectionDaemon> ResolvedDaemons()
    {
        lock (_gate) return _daemon is null ? [] : [_daemon];
    }

    protected override void ClearResolvedDaemons()
    {
        lock (_gate) _daemon = null;
    }

    public override IProjectionDaemon DaemonForMainDatabase()
    {
        lock (_gate)
        {
            // One database (conjoined tenancy), so one daemon. Built synchronously once: the storage it ensures exists was
            // created at start.
            return _daemon ??= _store.BuildProjectionDaemonAsync(logger: _logger).AsTask().GetAwaiter().GetResult();
        }
    }

    public override ValueTask<IProjectionDaemon> DaemonForDatabase(string databaseIdentifier) => ValueTask.FromResult(DaemonForMainDatabase());

    public override ValueTask<IReadOnlyList<IProjectionDaemon>> AllDaemonsAsync() =>
        ValueTask.FromResult<IReadOnlyList<IProjectionDaemon>>([DaemonForMainDatabase()]);

    /// <summary>A host disposed without being stopped (as Marten's coordinator does): stop the loop and release the lock while the
    /// data source still exists (the container disposes this before the store it was built from). Stopping twice is harmless.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            _logger.LogDebug(e, "Stopping the daemon coordinator at disposal failed");
        }
    }
}

/// <summary>
/// Session-level PostgreSQL advisory locks (<c>pg_try_advisory_lock</c>) on one pooled connection kept open and idle while any
/// lock is held: no transaction, so nothing holds back the database's xmin horizon. A lost connection (PostgreSQL restarted, the
/// network cut) loses the locks server-side; <see cref="HasLock"/> trusts a lock only for <c>verifyEvery</c> after the server
/// last confirmed the session, after which the coordinator asks <see cref="TryAttainLockAsync"/>, which checks the session in
/// one short statement and, if it is gone, opens a new one and competes for the lock again (the daemon's agents are stopped
/// while another node holds it). Returning the connection to the pool releases its locks (Npgsql's reset unlocks them all).
/// </summary>
public sealed class SessionAdvisoryLock(NpgsqlDataSource dataSource, TimeProvider clock, TimeSpan verifyEvery, ILogger logger) : IAdvisoryLock
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<int> _held = [];
    private NpgsqlConnection? _connection;
    private long _verifiedAt; // clock timestamp of the session's last answer

    public bool HasLock(int lockId)
    {
        lock (_held) return _held.Contains(lockId) && clock.GetElapsedTime(Interlocked.Read(ref _verifiedAt)) < verifyEvery;
    }

    public async Task<bool> TryAttainLockAsync(int lockId, CancellationToken token)
    {
        await _gate.WaitAsync(token);
        try
        {
            if (_connection is not null && !await AliveAsync(token)) await DropAsync();
            bool held;
            lock (_held) held = _held.Contains(lockId);
            if (held) return true;
            _connection ??= await dataSource.OpenConnectionAsync(token);
            await using var take = new NpgsqlCommand("select pg_try_advisory_lock($1)", _connection) { Parameters = { new() { Value = (long)lockId } } };
            if (await take.ExecuteScalarAsync(token) is not true)
            {
                await CloseIfNothingHeldAsync();
                return false;
            }

            lock (_held) _held.Add(lockId);
            Interlocked.Exchange(ref _verifiedAt, clock.GetTimestamp());
            return true;
        }
        catch (Exception e) when (SessionFailed(e))
        {
            logger.LogWarning("Daemon lock {LockId}: the database did not answer ({ExceptionType}); not leading until it does", lockId, e.GetType().Name);
            await DropAsync();
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task ReleaseLockAsync(int lockId)
    {
        await _gate.WaitAsync();
        try
        {
            bool held;
            lock (_held) held = _held.Remove(lockId);
            if (!held || _connection is null) return;
            try
            {
                await using var release = new NpgsqlCommand("select pg_advisory_unlock($1)", _connection) { Parameters = { new() { Value = (long)lockId } } };
                await release.ExecuteScalarAsync();
            }
            catch (Exception e) when (SessionFailed(e))
            {
                await DropAsync(); // the session is gone, and its locks with it
                return;
            }

            await CloseIfNothingHeldAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await DropAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The session still answers (a short statement: its snapshot ends with it).</summary>
    private async Task<bool> AliveAsync(CancellationToken token)
    {
        try
        {
            await using var ping = new NpgsqlCommand("select 1", _connection);
            await ping.ExecuteScalarAsync(token);
            Interlocked.Exchange(ref _verifiedAt, clock.GetTimestamp());
            return true;
        }
        catch (Exception e) when (SessionFailed(e) || e is InvalidOperationException) // also a connection already broken
        {
            logger.LogWarning("Daemon lock: the session holding it was lost ({ExceptionType}); competing for it again", e.GetType().Name);
            return false;
        }
    }

    /// <summary>The lock's session or the database failed (any Npgsql error, a timeout, the socket): the lock is not held. Wider
    /// than <see cref="DependencyOutages.IsOutage"/> on purpose: whatever the server answered, this node stops leading and competes
    /// for the lock again on its next poll.</summary>
    private static bool SessionFailed(Exception e) =>
        e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or IOException;

    private async Task CloseIfNothingHeldAsync()
    {
        bool any;
        lock (_held) any = _held.Count > 0;
        if (!any) await DropAsync();
    }

    private async Task DropAsync()
    {
        lock (_held) _held.Clear();
        var connection = _connection;
        _connection = null;
        if (connection is null) return;
        try
        {
            await connection.DisposeAsync(); // back to the pool, whose reset unlocks the session's advisory locks
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Daemon lock: closing the lost session failed");
        }
    }
}
