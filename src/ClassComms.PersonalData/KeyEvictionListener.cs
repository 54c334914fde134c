using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClassComms.PersonalData;

/// <summary>
/// Listens on the key database for erasures announced by any node (<see cref="SubjectKeyStore.EvictionChannel"/>) and
/// evicts those keys from this node's cache at once. Start-up waits until it listens; after a lost connection it
/// evicts everything (it may have missed announcements) and reconnects (<see cref="ChannelListener"/>).
/// </summary>
public sealed class KeyEvictionListener(SubjectKeyStore store, PersonalDataVault vault, ILogger<KeyEvictionListener> logger) : IHostedService, IAsyncDisposable
{
    private readonly ChannelListener _listener = new(store.DataSource, SubjectKeyStore.EvictionChannel, payload =>
    {
        if (payload == "*") vault.EvictAll();
        else if (Guid.TryParse(payload, out var subject)) vault.Evict(subject);
    }, logger, onLost: vault.EvictAll);

    public Task StartAsync(CancellationToken cancellationToken) => _listener.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _listener.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _listener.DisposeAsync();
}
