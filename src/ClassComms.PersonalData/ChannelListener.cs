using Microsoft.Extensions.Logging;
using Npgsql;

namespace ClassComms.PersonalData;

/// <summary>
/// One PostgreSQL <c>LISTEN</c> connection kept open for a node: each notification on <see cref="Channel"/> is handed to a
/// callback, a heartbeat every 30 s notices a dead connection, and a lost connection is reconnected after a second.
/// A node may miss announcements while it is disconnected, so the owner says what to do then
/// (<c>onLost</c>: e.g. evict every cached key) and once listening again (<c>onReconnected</c>: e.g. re-check open
/// connections). Used by the key-cache eviction, the session broadcast and the projection-commit wake-up.
/// </summary>
public sealed class ChannelListener(
    NpgsqlDataSource dataSource,
    string channel,
    Action<string> onNotification,
    ILogger logger,
    Action? onLost = null,
    Func<Task>? onReconnected = null) : IAsyncDisposable
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public string Channel => channel;

    /// <summary>Listens before returning when the database answers (start-up waits for it); otherwise retries in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection? first = null;
        try
        {
            first = await ListenAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "Listener on {Channel} could not connect at start-up; retrying in the background", channel);
        }

        _loop = Task.Run(() => RunAsync(first, _stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null) await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        connection.Notification += (_, e) => onNotification(e.Payload);
        await using var listen = new NpgsqlCommand($"listen {channel}", connection);
        await listen.ExecuteNonQueryAsync(ct);
        return connection;
    }

    private async Task RunAsync(NpgsqlConnection? connection, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (connection is null)
                {
                    connection = await ListenAsync(ct);
                    if (onReconnected is not null) await onReconnected();
                }

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
                logger.LogWarning(e, "Listener on {Channel} lost its connection; reconnecting", channel);
                onLost?.Invoke();
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

    /// <summary>Stops the loop if the owner never called <see cref="StopAsync"/>.</summary>
    public async ValueTask DisposeAsync() => await _stopping.CancelAsync();
}
