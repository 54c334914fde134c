using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ClassComms.PersonalData;

/// <summary>
/// Listens on the key database for erasures announced by any node (<see cref="SubjectKeyStore.EvictionChannel"/>) and
/// evicts those keys from this node's cache at once. Start-up waits until it listens; after a lost connection it
/// evicts everything (it may have missed announcements) and reconnects.
/// </summary>
public sealed class KeyEvictionListener(SubjectKeyStore store, PersonalDataVault vault, ILogger<KeyEvictionListener> logger) : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection? first = null;
        try
        {
            first = await ListenAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "Key eviction listener could not connect at start-up; retrying in the background");
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
        var connection = await store.DataSource.OpenConnectionAsync(ct);
        connection.Notification += (_, e) =>
        {
            if (e.Payload == "*") vault.EvictAll();
            else if (Guid.TryParse(e.Payload, out var subject)) vault.Evict(subject);
        };
        await using var listen = new NpgsqlCommand($"listen {SubjectKeyStore.EvictionChannel}", connection);
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
                logger.LogWarning(e, "Key eviction listener lost its connection; evicting every cached key and reconnecting");
                vault.EvictAll();
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

    /// <summary>Stops the loop if the host never called <see cref="StopAsync"/>; the token source is left to the GC (no timer).</summary>
    public async ValueTask DisposeAsync() => await _stopping.CancelAsync();
}
