using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Accounts;

public sealed record RefreshSession(string RefreshToken);

/// <summary>
/// Trades a refresh token for a new access token and a new refresh token (rotation). A refresh token works once: presenting
/// a used one again (a stolen copy, or the thief's copy after the owner used it) revokes the whole session. Refused when the
/// session is revoked or past its lifetime, the membership or login is erased, or either has a new security stamp.
/// </summary>
public static class RefreshSessionEndpoint
{
    /// <summary>Exchange a refresh token for a new access and refresh token (each refresh token works once).</summary>
    [AllowAnonymous]
    [ProducesResponseType<LoginSucceeded>(StatusCodes.Status200OK)]
    [ProducesProblems(401)]
    [WolverinePost("/api/auth/refresh")]
    public static async Task<IResult> Post(RefreshSession request, IDocumentStore store, SessionIssuer sessions, TimeProvider clock,
        PersonalDataVault vault, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.RefreshToken)) return Problems.Invalid("refreshToken", "is required.");
        if (request.RefreshToken.Length > 200) return Rejected();

        await using var session = store.LightweightSession();
        var tokenId = RefreshToken.IdOf(request.RefreshToken);
        await OneTimeTokens.SerialiseUsesAsync(session, tokenId, ct);
        var token = await session.LoadAsync<RefreshToken>(tokenId, ct);
        if (token is null) return Rejected();
        if (token.UsedAt is not null)
        {
            // Reuse: the revocation is the point of this answer, so it commits although the answer is a 401.
            await sessions.RevokeInOwnTransactionAsync(store, token.SessionId, ct);
            return Rejected();
        }

        var batch = session.CreateBatchQuery();
        var loadSession = batch.Load<AuthSession>(token.SessionId);
        var loadMembership = batch.Load<UserAccount>(token.UserId);
        var loadLogin = batch.Load<LoginAccount>(token.LoginId);
        await batch.Execute(ct);
        var auth = await loadSession;
        var membership = await loadMembership;
        var login = await loadLogin;
        var now = clock.GetUtcNow();
        if (auth is not { RevokedAt: null } || membership is not { IsLive: true } || login is not { ErasedAt: null }
            || membership.LoginId != login.Id || login.SecurityStamp != auth.Stamp
            || membership.SecurityStamp != auth.MembershipStamp || token.ExpiresAt <= now)
        {
            return Rejected();
        }

        token.UsedAt = now;
        session.Store(token);
        var memberships = await Memberships.LiveAsync(session, login.Id, ct);
        var answer = sessions.Continue(session, login, membership, auth, await Memberships.ViewsAsync(session, vault, memberships, ct));
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is JasperFx.ConcurrencyException or Marten.Exceptions.ConcurrentUpdateException)
        {
            // Used concurrently by someone else: treated as reuse.
            await sessions.RevokeInOwnTransactionAsync(store, token.SessionId, ct);
            return Rejected();
        }

        return Results.Ok(answer);
    }

    private static IResult Rejected() =>
        Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.", detail: "Sign in again.");
}
