using System.Security.Claims;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Accounts;

/// <summary><see cref="Password"/>: the new login's password, or the existing login's (unless signed in to that login).</summary>
public sealed record AcceptStaffInvitation(string Token, string? Password);

public sealed record StaffInvitationAccepted(Guid UserId, Guid SchoolId, string Role);

/// <summary>
/// The invitee accepts a staff invitation with the token mailed to them (works once, until it expires):
/// <list type="bullet">
/// <item>an address without a login: the login is created with the password given here (the invitee's own choice);</item>
/// <item>an address with a login: the school is added to it when the request is signed in to that login or gives its
/// password (checked and throttled like a sign-in); the password is never changed. Otherwise 401, and nothing changes.</item>
/// </list>
/// Then sign in as usual. 400 for a missing, unknown, used or expired token and for an unusable new password.
/// </summary>
public static class AcceptStaffInvitationEndpoint
{
    /// <summary>Accept a staff invitation with the mailed token: a new login with the password given, or the school added to the address's login (signed in or with its password).</summary>
    [AllowAnonymous]
    [ProducesResponseType<StaffInvitationAccepted>(StatusCodes.Status201Created)]
    [ProducesProblems(401, 409, 429)]
    [WolverinePost("/api/staff/invitations/accept")]
    public static async Task<IResult> Post(AcceptStaffInvitation request, ClaimsPrincipal user, HttpContext http, IDocumentStore store,
        AccountFactory accounts, PersonalDataVault vault, BlindIndex index, LoginThrottle throttle, TimeProvider clock, Passwords passwords, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Token)) return Problems.Invalid("token", "is required.");
        if (request.Token.Length > 200) return InvalidToken();
        if (request.Password is { Length: > 1024 }) return Problems.Invalid("password", "must be at most 1024 characters.");

        await using var lookup = store.QuerySession();
        var hash = RefreshToken.IdOf(request.Token);
        var found = await lookup.Query<StaffInvitation>().FirstOrDefaultAsync(i => i.TokenHash == hash, ct);
        if (found is null || found.ExpiresAt <= clock.GetUtcNow()) return InvalidToken();
        if (await vault.UnsealAsync(found.Email, ct) is not { } email) return InvalidToken();

        var login = await accounts.FindLoginAsync(lookup, email, ct);
        if (login is null)
        {
            var validation = new Validation().Password(request.Password, "password");
            if (!validation.IsValid) return validation.ToResult();
        }
        else if (Caller.LoginIdOf(user) != login.Id)
        {
            // Not signed in to that login: its password, counted like a sign-in attempt.
            if (string.IsNullOrEmpty(request.Password)) return Problems.Invalid("password", "is required: sign in, or give this address's password.");
            var accountKey = LoginThrottle.AccountKey(index.Of(AccountFactory.EmailPurpose, email));
            var addressKey = LoginThrottle.AddressKey(http.Connection.RemoteIpAddress);
            if (await throttle.TryAttemptAsync(accountKey, addressKey, ct) is { } wait) return LoginEndpoint.TooManyAttempts(http, wait);
            if (!passwords.Verify(login, request.Password)) return Results.Problem(statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized.", detail: "Sign in, or give this address's password.");
            await throttle.SucceededAsync(accountKey, addressKey, ct);
        }

        // Two invitations of one address accepted at once: the one whose commit a unique index refuses runs again and finds
        // the other's login and membership.
        return await AccountFactory.RetryOnDuplicateAsync(async () =>
        {
            await using var session = store.LightweightSession(Ids.Tenant(found.SchoolId));
            await OneTimeTokens.SerialiseUsesAsync(session, hash, ct);
            var invitation = await session.LoadAsync<StaffInvitation>(found.Id, ct);
            if (invitation is null || invitation.TokenHash != hash || invitation.ExpiresAt <= clock.GetUtcNow()) return InvalidToken();

            var target = await accounts.FindLoginAsync(session, email, ct);
            if (target is null)
            {
                // The address had a login when checked above and lost it since (erased), or never had one but gave no password.
                if (login is not null || string.IsNullOrEmpty(request.Password)) return InvalidToken();
                target = await accounts.NewLoginAsync(session, email, request.Password, ct);
            }
            else if (target.Id != login?.Id)
            {
                // A login was created for the address meanwhile (another invitation accepted at the same moment): accept only
                // what was authorised above, for that login.
                if (login is not null || !passwords.Verify(target, request.Password ?? "")) return InvalidToken();
            }

            var membership = await accounts.AddMembershipAsync(session, target, invitation.SchoolId, invitation.Role, "", ct,
                invitation.MembershipId, invitation.Name);
            session.Delete(invitation);
            await session.SaveChangesAsync(ct);
            return Results.Created("/api/auth/login",
                new StaffInvitationAccepted(membership.Id, membership.SchoolId, membership.Role.ToString().ToLowerInvariant()));
        });
    }

    private static IResult InvalidToken() => Problems.Invalid("token", "is not valid, has expired or was revoked.");
}
