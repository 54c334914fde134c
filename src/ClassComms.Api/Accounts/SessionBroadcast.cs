using ClassComms.Platform;
using ClassComms.PersonalData;
using Marten;
using Npgsql;

namespace ClassComms.Accounts;

/// <summary>
/// Session revocations reach every node at once. <see cref="SessionChanges"/> adds a PostgreSQL <c>NOTIFY</c> on
/// <see cref="Channel"/> to the very transaction that changes a membership or login or revokes a session (delivered only if it
/// commits; ids only); every node, this one included, listens here, drops its cached checks of that account or session
/// and closes the SignalR connections they no longer allow. The same pattern as the key cache's eviction
/// (<c>ClassComms.PersonalData.KeyEvictionListener</c>): start-up waits until it listens; after a lost connection (it may
/// have missed announcements) it drops every cached check, re-checks every open connection, and reconnects.
/// </summary>
public sealed class SessionBroadcast(ClassCommsDatabase database, SessionValidator validator, SessionConnections connections,
    IDocumentStore store, ILogger<SessionBroadcast> logger) : IHostedService, IAsyncDisposable
{
    public const string Channel = "classcomms_session_changes";

    private readonly CancellationTokenSource _stopping = new();
    private ChannelListener? _listener;

    /// <summary>Payload for a changed membership (stamp, erasure): the receiver reads it to know whether its connections still hold.</summary>
    public static string MembershipChanged(Guid userId) => $"m:{userId:N}";

    /// <summary>Payload for a changed login (stamp, erasure): the receiver reads it to know which connections still hold.</summary>
    public static string LoginChanged(Guid loginId) => $"l:{loginId:N}";

    /// <summary>Payload for a revoked session.</summary>
    public static string SessionRevoked(Guid userId, Guid sessionId) => $"s:{userId:N}:{sessionId:N}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Reconnected after a loss: announcements may have been missed meanwhile, so every cached check goes and every open
        // connection is checked again. The callback runs off the listening connection, which must not be used for reads.
        _listener = new ChannelListener(database.DataSource, Channel, payload => _ = ApplyAsync(payload), logger,
            onLost: validator.EvictAll,
            onReconnected: async () =>
            {
                validator.EvictAll();
                await RecheckConnectionsAsync();
            });
        await _listener.StartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_listener is not null) await _listener.StopAsync(cancellationToken);
    }

    /// <summary>Applies one announcement (runs off the listening connection, which must not be used for the account read).</summary>
    private async Task ApplyAsync(string payload)
    {
        try
        {
            var parts = payload.Split(':');
            if (parts is ["s", var user, var session] && Guid.TryParse(user, out var userId) && Guid.TryParse(session, out var sessionId))
            {
                validator.EvictSession(sessionId);
                connections.AbortSession(userId, sessionId);
            }
            else if (parts is ["m", var changed] && Guid.TryParse(changed, out var membershipId))
            {
                validator.EvictMembership(membershipId);
                if (!connections.HasAny(membershipId)) return;
                await using var query = store.QuerySession();
                var membership = await query.LoadAsync<UserAccount>(membershipId, _stopping.Token);
                connections.AbortUser(membershipId, membership is { IsLive: true } ? membership.SecurityStamp : null);
            }
            else if (parts is ["l", var changedLogin] && Guid.TryParse(changedLogin, out var loginId))
            {
                validator.EvictLogin(loginId);
                if (!connections.HasAnyOfLogin(loginId)) return;
                await using var query = store.QuerySession();
                var login = await query.LoadAsync<LoginAccount>(loginId, _stopping.Token);
                connections.AbortLogin(loginId, login is { ErasedAt: null } ? login.SecurityStamp : null);
            }
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            logger.LogWarning(e, "Could not apply a session change; re-checking every open connection");
            validator.EvictAll();
            await RecheckConnectionsAsync();
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Closes every open connection on this node whose session no longer passes the per-request check.</summary>
    private async Task RecheckConnectionsAsync()
    {
        foreach (var context in connections.All())
        {
            try
            {
                if (context.User is not { } user || !await validator.IsValidAsync(user, store, _stopping.Token)) context.Abort();
            }
            catch (Exception e) when (!_stopping.IsCancellationRequested)
            {
                logger.LogWarning(e, "Could not re-check a connection's session");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_listener is not null) await _listener.DisposeAsync();
    }
}
