using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine.Http;

namespace ClassComms.Guardians;

public sealed record ConfirmGuardianRegistration(string Token);

/// <summary>
/// Completes a registration with the token mailed to its address (works once, until it expires): the e-mail's login is
/// found, or created with the password given at registration; the school's guardian membership is added to it (an
/// existing login keeps its password) and the child linked. 400 on the token or, if the code was used meanwhile, the code.
/// </summary>
public static class ConfirmGuardianRegistrationEndpoint
{
    /// <summary>Confirm a guardian registration with the mailed token: the login or membership is created and the child linked.</summary>
    [AllowAnonymous]
    [EnableRateLimiting(GuardiansConfiguration.RedemptionPolicy)]
    [ProducesResponseType<GuardianRegistered>(StatusCodes.Status201Created)]
    [ProducesProblems(409)]
    [WolverinePost("/api/guardians/register/confirm")]
    public static async Task<IResult> Post(ConfirmGuardianRegistration request, IDocumentStore store, AccountFactory accounts,
        ParentCodeRedemption redemption, PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Token)) return Problems.Invalid("token", "is required.");
        if (request.Token.Length > 200) return InvalidToken();

        await using var lookup = store.QuerySession();
        var hash = RefreshToken.IdOf(request.Token);
        var found = await lookup.Query<PendingRegistration>().FirstOrDefaultAsync(p => p.TokenHash == hash, ct);
        if (found is null || found.ExpiresAt <= clock.GetUtcNow()) return InvalidToken();

        // Two confirmations for one e-mail and school at once (two children, two mails): the one whose commit the unique
        // login or membership index refuses runs again and links its child to the other's login and membership.
        return await AccountFactory.RetryOnDuplicateAsync(async () =>
        {
            await using var session = store.LightweightSession(Ids.Tenant(found.SchoolId));
            var pending = await session.LoadAsync<PendingRegistration>(found.Id, ct);
            if (pending is null) return InvalidToken();
            var parentCode = await session.LoadAsync<ParentCode>(pending.ParentCodeId, ct);
            if (parentCode is null || !parentCode.IsUsable(clock.GetUtcNow()) || parentCode.SchoolId != pending.SchoolId) return ParentCodeRedemption.InvalidCode();
            if (await vault.UnsealAsync(pending.Email, ct) is not { } email) return InvalidToken();

            var login = await accounts.FindLoginAsync(session, email, ct) ?? await accounts.NewLoginWithHashAsync(session, email, pending.PasswordHash, ct);
            var membership = await accounts.AddMembershipAsync(session, login, pending.SchoolId, Role.Guardian, "", ct, pending.MembershipId, pending.Name);
            if (!await redemption.LinkAsync(session, parentCode, membership.Id, ct)) return ParentCodeRedemption.InvalidCode();
            session.Delete(pending);
            await session.SaveChangesAsync(ct);
            return Results.Created("/api/guardians/me/children", new GuardianRegistered(membership.Id, parentCode.StudentId, parentCode.SchoolId));
        });
    }

    private static IResult InvalidToken() => Problems.Invalid("token", "is not valid or has expired.");
}
