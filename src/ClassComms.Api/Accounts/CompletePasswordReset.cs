using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Accounts;

public sealed record CompletePasswordReset(string Token, string NewPassword);

/// <summary>Sets a new password with the token that was sent (it works once, until it expires); every session of the login ends, in every school.</summary>
public static class CompletePasswordResetEndpoint
{
    /// <summary>Set a new password with a reset token (once, within its lifetime); every session ends.</summary>
    [AllowAnonymous]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [WolverinePost("/api/auth/password-reset/complete")]
    public static async Task<IResult> Post(CompletePasswordReset request, HttpContext http, IDocumentStore store, SessionRevocation revocation,
        LoginThrottle throttle, TimeProvider clock, Passwords passwords, CancellationToken ct)
    {
        var validation = new Validation();
        if (string.IsNullOrWhiteSpace(request.Token)) validation.Add("token", "is required.");
        validation.Password(request.NewPassword, "newPassword");
        if (!validation.IsValid) return validation.ToResult();
        if (request.Token.Length > 200) return InvalidToken();

        await using var session = store.LightweightSession();
        var resetId = RefreshToken.IdOf(request.Token);
        await OneTimeTokens.SerialiseUsesAsync(session, resetId, ct);
        var reset = await session.LoadAsync<PasswordReset>(resetId, ct);
        var now = clock.GetUtcNow();
        if (reset is null || reset.UsedAt is not null || reset.ExpiresAt <= now) return InvalidToken();
        var login = await session.LoadAsync<LoginAccount>(reset.LoginId, ct);
        if (login is not { ErasedAt: null }) return InvalidToken();

        reset.UsedAt = now;
        session.Store(reset);
        session.DeleteWhere<PasswordReset>(r => r.LoginId == login.Id && r.Id != reset.Id);
        login.PasswordHash = passwords.Hash(login, request.NewPassword);
        revocation.Revoke(session, login);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is JasperFx.ConcurrencyException or Marten.Exceptions.ConcurrentUpdateException)
        {
            return InvalidToken();
        }

        await throttle.SucceededAsync(LoginThrottle.AccountKey(login.EmailIndex), LoginThrottle.AddressKey(http.Connection.RemoteIpAddress), ct);
        return Results.NoContent();
    }

    private static IResult InvalidToken() => Problems.Invalid("token", "is not valid or has expired.");
}
