using ClassComms.Platform;
using ClassComms.PersonalData;
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
public sealed class ProjectionCommits(ClassCommsDatabase database, PushReadiness readiness, ILogger<ProjectionCommits> logger)
    : IHostedService, IAsyncDisposable
{
    public const string Channel = "classcomms_projection_commits";

    private readonly CancellationTokenSource _stopping = new();
    private readonly string _node = Guid.NewGuid().ToString("N");
    private ChannelListener? _listener;
    private int _announcing; // 0 idle, 1 sending, 2 sending and another commit came meanwhile

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        readiness.Announce = Announce;
        // A node ignores its own announcements: its pushes were woken by the commit itself. While disconnected, waits fall
        // back to their poll; a lost connection wakes them once.
        _listener = new ChannelListener(database.DataSource, Channel, payload =>
        {
            if (payload != _node) readiness.Wake();
        }, logger, onLost: readiness.Wake);
        await _listener.StartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        readiness.Announce = null;
        await _stopping.CancelAsync();
        if (_listener is not null) await _listener.StopAsync(cancellationToken);
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
                    await using var notify = database.DataSource.CreateCommand($"select pg_notify('{Channel}', '{_node}')");
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

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_listener is not null) await _listener.DisposeAsync();
    }
}
