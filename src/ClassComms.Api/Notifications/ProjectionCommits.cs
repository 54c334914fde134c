using Npgsql;

namespace ClassComms.Notifications;

/// <summary>
/// Carries the async daemon's feed and inbox commits to every node, so that a push waiting on any node
/// (<see cref="PushReadiness"/>) wakes when the entry it waits for is committed, wherever the daemon runs (HotCold: on one
/// node only). The daemon's node announces each such commit with PostgreSQL <c>NOTIFY</c> on <see cref="Channel"/> (payload:
/// a random id of the announcing process, which ignores its own); every other node wakes its waiting pushes, which then read
/// the entries. Announcements are coalesced (one
/// in flight, one pending). After a lost connection it reconnects; meanwhile waits fall back to their slow poll.
/// </summary>
public sealed class ProjectionCommits(IConfiguration configuration, PushReadiness readiness, ILogger<ProjectionCommits> logger)
    : IHostedService, IAsyncDisposable
{
    public const string Channel = "classcomms_projection_commits";

    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _node = Guid.NewGuid().ToString("N");
    private NpgsqlDataSource? _dataSource;
    private Task? _loop;
    private int _announcing; // 0 idle, 1 sending, 2 sending and another commit came meanwhile

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _dataSource = NpgsqlDataSource.Create(configuration.GetConnectionString("Marten")
                                              ?? throw new InvalidOperationException("ConnectionStrings:Marten is not configured."));
        readiness.Announce = Announce;
        NpgsqlConnection? first = null;
        try
        {
            first = await ListenAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "Projection commit listener could not connect at start-up; retrying in the background");
        }

        _loop = Task.Run(() => RunAsync(first, _stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        readiness.Announce = null;
        await _stopping.CancelAsync();
        if (_loop is not null) await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Called by the daemon's commit listener: tells every node that feed or inbox entries were committed.</summary>
    private void Announce()
    {
        if (Interlocked.Increment(ref _announcing) > 1)
        {
            Interlocked.Exchange(ref _announcing, 2);
            return;
        }

        _ = Task.Run(async () =>
        {
            do
            {
                Interlocked.Exchange(ref _announcing, 1);
                try
                {
                    await using var notify = _dataSource!.CreateCommand($"select pg_notify('{Channel}', '{_node}')");
                    await notify.ExecuteNonQueryAsync(_stopping.Token);
                }
                catch (Exception e) when (!_stopping.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Could not announce a projection commit; other nodes' pushes fall back to polling");
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            } while (Interlocked.CompareExchange(ref _announcing, 0, 1) != 1);
        });
    }

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken ct)
    {
        var connection = await _dataSource!.OpenConnectionAsync(ct);
        connection.Notification += (_, e) =>
        {
            if (e.Payload != _node) readiness.Wake(); // this node's own pushes were woken by the commit itself
        };
        await using var listen = new NpgsqlCommand($"listen {Channel}", connection);
        await listen.ExecuteNonQueryAsync(ct);
        return connection;
    }

    private async Task RunAsync(NpgsqlConnection? connection, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                connection ??= await ListenAsync(ct);
                while (!ct.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(Heartbeat, ct))
                    {
                        await using var ping = new NpgsqlCommand("select 1", connection);
                        await ping.ExecuteScalarAsync(ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Projection commit listener lost its connection; reconnecting");
                readiness.Wake();
                if (connection is not null) await connection.DisposeAsync();
                connection = null;
                try
                {
                    await Task.Delay(RetryDelay, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        if (connection is not null) await connection.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_dataSource is not null) await _dataSource.DisposeAsync();
    }
}
