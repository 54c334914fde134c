using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace ClassComms.Accounts;

public sealed record RefreshSession(string RefreshToken);

/// <summary>
/// Trades a refresh token for a new access token and a new refresh token (rotation). A refresh token works once: presenting
/// a used one again (a stolen copy, or the thief's copy after the owner used it) revokes the whole session. Refused when the
/// session is revoked or past its lifetime, or the account is erased or has a new security stamp.
/// </summary>
public static class RefreshSessionEndpoint
{
    [AllowAnonymous]
    [WolverinePost("/api/auth/refresh")]
    public static async Task<IResult> Post(RefreshSession request, IDocumentStore store, SessionIssuer sessions, TimeProvider clock,
        CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.RefreshToken)) return Problems.Invalid("refreshToken", "is required.");
        if (request.RefreshToken.Length > 200) return Rejected();

        await using var session = store.LightweightSession();
        var token = await session.LoadAsync<RefreshToken>(RefreshToken.IdOf(request.RefreshToken), ct);
        if (token is null) return Rejected();
        if (token.UsedAt is not null)
        {
            // Reuse: the revocation is the point of this answer, so it commits although the answer is a 401.
            await sessions.RevokeInOwnTransactionAsync(store, token.SessionId, ct);
            return Rejected();
        }

        var batch = session.CreateBatchQuery();
        var loadSession = batch.Load<AuthSession>(token.SessionId);
        var loadAccount = batch.Load<UserAccount>(token.UserId);
        await batch.Execute(ct);
        var auth = await loadSession;
        var account = await loadAccount;
        var now = clock.GetUtcNow();
        if (auth is not { RevokedAt: null } || account is not { ErasedAt: null } || account.SecurityStamp != auth.Stamp || token.ExpiresAt <= now)
        {
            return Rejected();
        }

        token.UsedAt = now;
        session.Store(token);
        var answer = sessions.Continue(session, account, auth);
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
