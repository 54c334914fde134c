using System.Collections.Concurrent;
using System.Security.Claims;
using ClassComms.Platform;
using Marten;
using Marten.Services;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ClassComms.Accounts;

/// <summary>Starts sign-ins and issues their tokens: a short-lived access token and a one-time refresh token.</summary>
public sealed class SessionIssuer(TokenIssuer tokens, IOptions<AuthOptions> options, TimeProvider clock)
{
    /// <summary>Stages a new session and its first refresh token in <paramref name="session"/>.</summary>
    public LoginSucceeded Start(IDocumentSession session, UserAccount account)
    {
        var auth = new AuthSession
        {
            Id = Guid.CreateVersion7(), UserId = account.Id, SchoolId = account.SchoolId, Stamp = account.SecurityStamp,
            StartedAt = clock.GetUtcNow(),
        };
        session.Store(auth);
        return Continue(session, account, auth);
    }

    /// <summary>Stages the next refresh token of <paramref name="auth"/> and issues an access token for it.</summary>
    public LoginSucceeded Continue(IDocumentSession session, UserAccount account, AuthSession auth)
    {
        var now = clock.GetUtcNow();
        var (refresh, id) = RefreshToken.New();
        var refreshExpires = Min(now + options.Value.RefreshTokenLifetime, auth.StartedAt + options.Value.SessionLifetime);
        session.Insert(new RefreshToken { Id = id, SessionId = auth.Id, UserId = account.Id, IssuedAt = now, ExpiresAt = refreshExpires });
        var (token, expires) = tokens.Issue(account, auth.Id);
        return new LoginSucceeded(token, expires, refresh, refreshExpires, account.Id, account.SchoolId, account.Role.ToString().ToLowerInvariant());
    }

    /// <summary>Revokes one session in its own transaction (refresh-token reuse: the answer is a 401, the revocation must stand).</summary>
    public async Task RevokeInOwnTransactionAsync(IDocumentStore store, Guid sessionId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await RevokeAsync(session, sessionId, ct);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Stages the revocation of one session: it is marked revoked and its refresh tokens are deleted.</summary>
    public async Task RevokeAsync(IDocumentSession session, Guid sessionId, CancellationToken ct)
    {
        var auth = await session.LoadAsync<AuthSession>(sessionId, ct);
        if (auth is null || auth.RevokedAt is not null) return;
        auth.RevokedAt = clock.GetUtcNow();
        session.Store(auth);
        session.DeleteWhere<RefreshToken>(t => t.SessionId == sessionId);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

/// <summary>
/// Ends every session of a user at once: a new security stamp (every access token issued before fails its next request,
/// refresh fails) and the refresh tokens deleted. Stage it in the transaction of the change that requires it
/// (unlinking, restriction, password change); on commit, <see cref="SessionChanges"/> closes the user's SignalR connections.
/// Erasure needs no call: an erased account (<see cref="UserAccount.ErasedAt"/>) fails every check by itself.
/// </summary>
public sealed class SessionRevocation
{
    public async Task RevokeAsync(IDocumentSession session, Guid userId, CancellationToken ct)
    {
        var account = await session.LoadAsync<UserAccount>(userId, ct);
        if (account is not null) Revoke(session, account);
    }

    /// <summary>For a caller that already holds (and will store) the account: changes its stamp in place.</summary>
    public void Revoke(IDocumentSession session, UserAccount account)
    {
        account.SecurityStamp = SecurityStamps.New();
        session.Store(account);
        session.DeleteWhere<RefreshToken>(t => t.UserId == account.Id);
    }
}

/// <summary>
/// The per-request check behind every bearer token (HTTP and SignalR): the account exists, is not erased and still has the
/// stamp the token was issued with, and the token's session is not revoked. Answers are cached per node for
/// <see cref="AuthOptions.SessionCheckCacheLifetime"/>; a commit on this node evicts them at once (<see cref="SessionChanges"/>).
/// </summary>
public sealed class SessionValidator(IOptions<AuthOptions> options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 200_000 });

    private sealed record AccountState(string Stamp, bool Live);

    private sealed record SessionState(Guid UserId, bool Live);

    public async Task<bool> IsValidAsync(ClaimsPrincipal principal, IDocumentStore store, CancellationToken ct)
    {
        if (!Guid.TryParse(principal.FindFirstValue(Caller.SubjectClaim), out var userId)
            || !Guid.TryParse(principal.FindFirstValue(TokenIssuer.SessionClaim), out var sessionId)
            || principal.FindFirstValue(TokenIssuer.StampClaim) is not { } stamp)
        {
            return false;
        }

        if (!_cache.TryGetValue(AccountKey(userId), out AccountState? account) || !_cache.TryGetValue(SessionKey(sessionId), out SessionState? auth))
        {
            await using var query = store.QuerySession();
            var batch = query.CreateBatchQuery();
            var loadAccount = batch.Load<UserAccount>(userId);
            var loadSession = batch.Load<AuthSession>(sessionId);
            await batch.Execute(ct);
            var loadedAccount = await loadAccount;
            var loadedSession = await loadSession;
            account = new AccountState(loadedAccount?.SecurityStamp ?? "", loadedAccount is { ErasedAt: null });
            auth = new SessionState(loadedSession?.UserId ?? Guid.Empty, loadedSession is { RevokedAt: null });
            Cache(AccountKey(userId), account);
            Cache(SessionKey(sessionId), auth);
        }

        return account!.Live && account.Stamp == stamp && auth!.Live && auth.UserId == userId;
    }

    public void EvictAccount(Guid userId) => _cache.Remove(AccountKey(userId));

    public void EvictSession(Guid sessionId) => _cache.Remove(SessionKey(sessionId));

    /// <summary>Forgets every cached check (the cross-node announcements may have been missed).</summary>
    public void EvictAll() => _cache.Clear();

    private void Cache(string key, object value) =>
        _cache.Set(key, value, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = options.Value.SessionCheckCacheLifetime });

    private static string AccountKey(Guid id) => $"a:{id:N}";

    private static string SessionKey(Guid id) => $"s:{id:N}";

    public void Dispose() => _cache.Dispose();
}

/// <summary>This node's open SignalR connections by user and session, so a revocation can close them at once.</summary>
public sealed class SessionConnections
{
    private sealed record Entry(HubCallerContext Context, Guid SessionId, string Stamp);

    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, Entry>> _byUser = new();

    public void Add(HubCallerContext context, Guid userId)
    {
        var user = context.User!;
        Guid.TryParse(user.FindFirstValue(TokenIssuer.SessionClaim), out var sessionId);
        _byUser.GetOrAdd(userId, _ => new()).TryAdd(context.ConnectionId, new Entry(context, sessionId, user.FindFirstValue(TokenIssuer.StampClaim) ?? ""));
    }

    public bool HasAny(Guid userId) => _byUser.TryGetValue(userId, out var connections) && !connections.IsEmpty;

    public IEnumerable<HubCallerContext> All() => _byUser.Values.SelectMany(c => c.Values).Select(e => e.Context);

    public void Remove(string connectionId, Guid userId)
    {
        if (_byUser.TryGetValue(userId, out var connections)) connections.TryRemove(connectionId, out _);
    }

    /// <summary>Closes the user's connections, except those whose token still carries <paramref name="liveStamp"/> (null: close all).</summary>
    public void AbortUser(Guid userId, string? liveStamp)
    {
        if (!_byUser.TryGetValue(userId, out var connections)) return;
        foreach (var (id, entry) in connections)
        {
            if (liveStamp is not null && entry.Stamp == liveStamp) continue;
            connections.TryRemove(id, out _);
            entry.Context.Abort();
        }
    }

    public void AbortSession(Guid userId, Guid sessionId)
    {
        if (!_byUser.TryGetValue(userId, out var connections)) return;
        foreach (var (id, entry) in connections.Where(c => c.Value.SessionId == sessionId))
        {
            connections.TryRemove(id, out _);
            entry.Context.Abort();
        }
    }
}

/// <summary>
/// After any commit that stores an account or a session (whichever slice does it), evicts their cached checks on this node
/// and closes the SignalR connections they no longer allow: an erased account's, a changed stamp's, a revoked session's.
/// The same transaction announces the change to every other node (<see cref="SessionBroadcast"/>, PostgreSQL NOTIFY, ids only).
/// </summary>
public sealed class SessionChanges(SessionValidator validator, SessionConnections connections) : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        // Collected first: queuing a command adds to the pending operations being read.
        var payloads = session.PendingChanges.UpdatesFor<UserAccount>().Select(a => SessionBroadcast.AccountChanged(a.Id))
            .Concat(session.PendingChanges.AllChangedFor<AuthSession>().Where(a => a.RevokedAt is not null)
                .Select(a => SessionBroadcast.SessionRevoked(a.UserId, a.Id)))
            .Distinct().ToList();
        foreach (var payload in payloads) session.QueueSqlCommand("select pg_notify(?, ?)", SessionBroadcast.Channel, payload);

        return Task.CompletedTask;
    }

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        foreach (var document in commit.Updated.Concat(commit.Inserted))
        {
            switch (document)
            {
                case UserAccount account:
                    validator.EvictAccount(account.Id);
                    connections.AbortUser(account.Id, account.ErasedAt is null ? account.SecurityStamp : null);
                    break;
                case AuthSession { RevokedAt: not null } auth:
                    validator.EvictSession(auth.Id);
                    connections.AbortSession(auth.UserId, auth.Id);
                    break;
            }
        }

        return Task.CompletedTask;
    }
}
