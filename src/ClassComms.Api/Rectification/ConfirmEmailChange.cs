using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Rectification;

/// <summary>The token mailed to the new address.</summary>
public sealed record ConfirmEmailChange(string? Token);

public sealed record EmailRectified(Guid LoginId, DateTimeOffset At);

public static class ConfirmEmailChangeEndpoint
{
    /// <summary>Confirm a new login e-mail with the token mailed to it (signed in as that login; once, before it expires).</summary>
    /// <remarks>
    /// The login's e-mail becomes the new address (sealed under the login's key, new blind index): sign-in works with it and no longer
    /// with the old one, in every school of the login. The old address stays sealed in the history (<c>LoginEmailRectified</c>) and is
    /// sent a notice. A token that is unknown, used, expired or another login's: 400 naming <c>token</c>. An address that has a login
    /// meanwhile (or two confirmations racing for one address): 409, nothing changed.
    /// </remarks>
    [ProducesResponseType<EmailRectified>(StatusCodes.Status200OK)]
    [ProducesProblems(400, 409)]
    [WolverinePost("/api/rectifications/email/confirm")]
    public static async Task<IResult> Post(ConfirmEmailChange request, Caller caller, IDocumentStore store, PersonalDataVault vault,
        BlindIndex index, AccountFactory accounts, SessionOutbox outbox, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Token)) return Problems.Invalid("token", "is required.");
        if (request.Token.Length > 200) return InvalidToken();

        await using var session = store.LightweightSession();
        var hash = RefreshToken.IdOf(request.Token);
        await OneTimeTokens.SerialiseUsesAsync(session, hash, ct);
        var change = await session.Query<EmailChange>().FirstOrDefaultAsync(c => c.TokenHash == hash, ct);
        var now = clock.GetUtcNow();
        if (change is null || change.ConfirmedAt is not null || change.ExpiresAt <= now) return InvalidToken();
        var member = await session.LoadAsync<UserAccount>(caller.UserId, ct);
        if (member is not { ErasedAt: null } || member.LoginId != change.LoginId) return InvalidToken();
        var login = await session.LoadAsync<LoginAccount>(change.LoginId, ct);
        if (login is not { ErasedAt: null, Email: not null }) return InvalidToken();
        if (await vault.UnsealAsync(change.NewEmail, ct) is not { } email) return InvalidToken();
        if (await accounts.FindLoginAsync(session, email, ct) is { } other && other.Id != login.Id) return AddressTaken();

        var previous = login.Email;
        login.Email = change.NewEmail;
        login.EmailIndex = index.Of(AccountFactory.EmailPurpose, email);
        session.Store(login);
        change.ConfirmedAt = now;
        change.PreviousEmail = previous;
        session.Store(change);
        session.ForTenant(LoginAccount.Tenant).Events.Append(login.Id,
            new LoginEmailRectified(login.Id, change.RequestedBy, change.SchoolId, change.BySelf, previous, change.NewEmail, now));
        try
        {
            // The notice to the old address is committed with the change (Wolverine's outbox) and leaves after the commit: never
            // without it, and not lost if the node stops between the two.
            await outbox.CommitAsync(session, [new EmailChangeConfirmed(change.Id)], ct);
        }
        catch (Exception e) when (ProblemExceptionHandler.IsUniqueViolation(e))
        {
            // Another login took the address between the check and the commit (the unique blind index refused this one).
            return AddressTaken();
        }
        catch (Exception e) when (e is JasperFx.ConcurrencyException or Marten.Exceptions.ConcurrentUpdateException)
        {
            return InvalidToken();
        }

        return Results.Ok(new EmailRectified(login.Id, now));
    }

    private static IResult InvalidToken() => Problems.Invalid("token", "is not valid or has expired.");

    /// <summary>Said only to whoever holds the token, i.e. reads the new address's mail (which already said the address has a login).</summary>
    private static IResult AddressTaken() => Problems.Conflict("The new address already has a ClassComms login; it cannot be used for this one.");
}
