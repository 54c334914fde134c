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
    /// <summary>Stages a new session of <paramref name="membership"/> and its first refresh token in <paramref name="session"/>.</summary>
    public LoginSucceeded Start(IDocumentSession session, LoginAccount login, UserAccount membership, IReadOnlyList<MembershipView> memberships)
    {
        var auth = new AuthSession
        {
            Id = Guid.CreateVersion7(), UserId = membership.Id, LoginId = login.Id, SchoolId = membership.SchoolId, Stamp = login.SecurityStamp,
            MembershipStamp = membership.SecurityStamp, StartedAt = clock.GetUtcNow(),
        };
        session.Store(auth);
        return Continue(session, login, membership, auth, memberships);
    }

    /// <summary>Stages the next refresh token of <paramref name="auth"/> and issues an access token for it.</summary>
    public LoginSucceeded Continue(IDocumentSession session, LoginAccount login, UserAccount membership, AuthSession auth,
        IReadOnlyList<MembershipView> memberships)
    {
        var now = clock.GetUtcNow();
        var (refresh, id) = RefreshToken.New();
        var refreshExpires = Min(now + options.Value.RefreshTokenLifetime, auth.StartedAt + options.Value.SessionLifetime);
        session.Insert(new RefreshToken
        {
            Id = id, SessionId = auth.Id, UserId = membership.Id, LoginId = login.Id, IssuedAt = now, ExpiresAt = refreshExpires,
        });
        var (token, expires) = tokens.Issue(login, membership, auth.Id);
        return new LoginSucceeded(token, expires, refresh, refreshExpires, membership.Id, membership.SchoolId,
            membership.Role.ToString().ToLowerInvariant(), login.Id, memberships, membership.StudentId);
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
/// Ends sessions at once: a new security stamp (every access token issued before fails its next request, refresh fails) and
/// the refresh tokens deleted. Stage it in the transaction of the change that requires it; on commit,
/// <see cref="SessionChanges"/> closes the SignalR connections concerned. A change in one school (unlinking, restriction)
/// ends the sessions of that membership only (<see cref="RevokeMembershipAsync"/>); a change of the login (password change
/// or reset) ends every session of the login, in every school (<see cref="Revoke"/>). Erasure needs no call: an erased
/// membership or login (<c>ErasedAt</c>) fails every check by itself.
/// </summary>
public sealed class SessionRevocation
{
    /// <summary>Ends the sessions of membership <paramref name="userId"/> (its school only; the login's other memberships keep theirs).</summary>
    public async Task RevokeMembershipAsync(IDocumentSession session, Guid userId, CancellationToken ct)
    {
        var membership = await session.LoadAsync<UserAccount>(userId, ct);
        if (membership is null) return;
        membership.SecurityStamp = SecurityStamps.New();
        session.Store(membership);
        session.DeleteWhere<RefreshToken>(t => t.UserId == userId);
    }

    /// <summary>Ends every session of the login, in every school; for a caller that already holds (and will store) it: changes its stamp in place.</summary>
    public void Revoke(IDocumentSession session, LoginAccount login)
    {
        login.SecurityStamp = SecurityStamps.New();
        session.Store(login);
        session.DeleteWhere<RefreshToken>(t => t.LoginId == login.Id);
    }
}

/// <summary>
/// The per-request check behind every bearer token (HTTP and SignalR): the membership exists, is not erased, belongs to
/// the token's login and still has the membership stamp the token was issued with; the login is not erased and still has
/// the login stamp the token was issued with; the token's session is not revoked. Answers are cached per node for <see cref="AuthOptions.SessionCheckCacheLifetime"/>; a commit on this node
/// evicts them at once (<see cref="SessionChanges"/>).
/// </summary>
public sealed class SessionValidator(IOptions<AuthOptions> options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 200_000 });

    private sealed record MembershipState(Guid LoginId, string Stamp, bool Live);

    private sealed record LoginState(string Stamp, bool Live);

    private sealed record SessionState(Guid UserId, bool Live);

    public async Task<bool> IsValidAsync(ClaimsPrincipal principal, IDocumentStore store, CancellationToken ct)
    {
        if (!Guid.TryParse(principal.FindFirstValue(Caller.SubjectClaim), out var userId)
            || Caller.LoginIdOf(principal) is not { } loginId
            || !Guid.TryParse(principal.FindFirstValue(TokenIssuer.SessionClaim), out var sessionId)
            || principal.FindFirstValue(TokenIssuer.StampClaim) is not { } stamp)
        {
            return false;
        }

        var membershipStamp = principal.FindFirstValue(TokenIssuer.MembershipStampClaim) ?? "";

        if (!_cache.TryGetValue(MembershipKey(userId), out MembershipState? membership)
            || !_cache.TryGetValue(LoginKey(loginId), out LoginState? login)
            || !_cache.TryGetValue(SessionKey(sessionId), out SessionState? auth))
        {
            await using var query = store.QuerySession();
            var batch = query.CreateBatchQuery();
            var loadMembership = batch.Load<UserAccount>(userId);
            var loadLogin = batch.Load<LoginAccount>(loginId);
            var loadSession = batch.Load<AuthSession>(sessionId);
            await batch.Execute(ct);
            var loadedMembership = await loadMembership;
            var loadedLogin = await loadLogin;
            var loadedSession = await loadSession;
            membership = new MembershipState(loadedMembership?.LoginId ?? Guid.Empty, loadedMembership?.SecurityStamp ?? "",
                loadedMembership is { IsLive: true });
            login = new LoginState(loadedLogin?.SecurityStamp ?? "", loadedLogin is { ErasedAt: null });
            auth = new SessionState(loadedSession?.UserId ?? Guid.Empty, loadedSession is { RevokedAt: null });
            Cache(MembershipKey(userId), membership);
            Cache(LoginKey(loginId), login);
            Cache(SessionKey(sessionId), auth);
        }

        return membership!.Live && membership.LoginId == loginId && membership.Stamp == membershipStamp
               && login!.Live && login.Stamp == stamp && auth!.Live && auth.UserId == userId;
    }

    public void EvictMembership(Guid userId) => _cache.Remove(MembershipKey(userId));

    public void EvictLogin(Guid loginId) => _cache.Remove(LoginKey(loginId));

    public void EvictSession(Guid sessionId) => _cache.Remove(SessionKey(sessionId));

    /// <summary>Forgets every cached check (the cross-node announcements may have been missed).</summary>
    public void EvictAll() => _cache.Clear();

    private void Cache(string key, object value) =>
        _cache.Set(key, value, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = options.Value.SessionCheckCacheLifetime });

    private static string MembershipKey(Guid id) => $"m:{id:N}";

    private static string LoginKey(Guid id) => $"l:{id:N}";

    private static string SessionKey(Guid id) => $"s:{id:N}";

    public void Dispose() => _cache.Dispose();
}

/// <summary>This node's open SignalR connections by membership, login and session, so a revocation can close them at once.</summary>
public sealed class SessionConnections
{
    private sealed record Entry(HubCallerContext Context, Guid UserId, Guid LoginId, Guid SessionId, string Stamp, string MembershipStamp);

    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, Entry>> _byUser = new();
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, Entry>> _byLogin = new();

    public void Add(HubCallerContext context, Guid userId)
    {
        var user = context.User!;
        Guid.TryParse(user.FindFirstValue(TokenIssuer.SessionClaim), out var sessionId);
        var entry = new Entry(context, userId, Caller.LoginIdOf(user) ?? Guid.Empty, sessionId, user.FindFirstValue(TokenIssuer.StampClaim) ?? "",
            user.FindFirstValue(TokenIssuer.MembershipStampClaim) ?? "");
        _byUser.GetOrAdd(userId, _ => new()).TryAdd(context.ConnectionId, entry);
        _byLogin.GetOrAdd(entry.LoginId, _ => new()).TryAdd(context.ConnectionId, entry);
    }

    public bool HasAny(Guid userId) => _byUser.TryGetValue(userId, out var connections) && !connections.IsEmpty;

    public bool HasAnyOfLogin(Guid loginId) => _byLogin.TryGetValue(loginId, out var connections) && !connections.IsEmpty;

    public IEnumerable<HubCallerContext> All() => _byUser.Values.SelectMany(c => c.Values).Select(e => e.Context);

    public void Remove(string connectionId, Guid userId)
    {
        if (_byUser.TryGetValue(userId, out var connections) && connections.TryRemove(connectionId, out var entry)
            && _byLogin.TryGetValue(entry.LoginId, out var ofLogin))
        {
            ofLogin.TryRemove(connectionId, out _);
        }
    }

    /// <summary>Closes the membership's connections, except those whose token still carries <paramref name="liveStamp"/> (null: close all, erased).</summary>
    public void AbortUser(Guid userId, string? liveStamp) => Abort(_byUser, userId, e => liveStamp is null || e.MembershipStamp != liveStamp);

    /// <summary>Closes the login's connections, except those whose token still carries <paramref name="liveStamp"/> (null: close all).</summary>
    public void AbortLogin(Guid loginId, string? liveStamp) => Abort(_byLogin, loginId, e => liveStamp is null || e.Stamp != liveStamp);

    public void AbortSession(Guid userId, Guid sessionId) => Abort(_byUser, userId, e => e.SessionId == sessionId);

    private void Abort(ConcurrentDictionary<Guid, ConcurrentDictionary<string, Entry>> index, Guid key, Func<Entry, bool> which)
    {
        if (!index.TryGetValue(key, out var connections)) return;
        foreach (var (id, entry) in connections.Where(c => which(c.Value)))
        {
            Remove(id, entry.UserId);
            entry.Context.Abort();
        }
    }
}

/// <summary>
/// After any commit that stores a membership, a login or a session (whichever slice does it), evicts their cached checks on
/// this node and closes the SignalR connections they no longer allow: an erased membership's or login's, a changed stamp's,
/// a revoked session's. The same transaction announces the change to every other node (<see cref="SessionBroadcast"/>,
/// PostgreSQL NOTIFY, ids only).
/// </summary>
public sealed class SessionChanges(SessionValidator validator, SessionConnections connections) : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        // Collected first: queuing a command adds to the pending operations being read.
        var payloads = session.PendingChanges.UpdatesFor<UserAccount>().Select(a => SessionBroadcast.MembershipChanged(a.Id))
            .Concat(session.PendingChanges.UpdatesFor<LoginAccount>().Select(a => SessionBroadcast.LoginChanged(a.Id)))
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
                case UserAccount membership:
                    validator.EvictMembership(membership.Id);
                    connections.AbortUser(membership.Id, membership.IsLive ? membership.SecurityStamp : null);
                    break;
                case LoginAccount login:
                    validator.EvictLogin(login.Id);
                    connections.AbortLogin(login.Id, login.ErasedAt is null ? login.SecurityStamp : null);
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
