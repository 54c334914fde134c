using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Guardians;

public sealed record RegisterGuardian(string Code, string Name, string Email, string Password);

public sealed record GuardianRegistered(Guid GuardianId, Guid StudentId, Guid SchoolId);

/// <summary>The answer to every registration that must be confirmed by e-mail, whoever the e-mail belongs to.</summary>
public sealed record RegistrationPending(string Status, string Detail)
{
    public static readonly RegistrationPending Sent = new("confirmation-sent",
        "If the address can receive mail, a message with a confirmation token is on its way; confirm within the time it states.");
}

/// <summary>
/// A parent redeems the parent code the teacher gave them. The answer never tells whether the e-mail has a login,
/// here or in another school:
/// <list type="bullet">
/// <item>the e-mail's login with its right password: the school is added to that login and the child linked (201), which
/// tells nothing to whoever already holds the password;</item>
/// <item>anything else (an e-mail without a login, or one with a login and another password): the same 202 and body after
/// the same work (one lookup, one password verification, against a dummy hash when there is no login, one hash), and a
/// confirmation mail to the address. Confirming (<c>POST /api/guardians/register/confirm</c>) creates the login with the
/// password given, or adds the school to the existing login and keeps its password.</item>
/// </list>
/// Rate-limited, and throttled like sign-in; an invalid code is a 400 whatever the e-mail.
/// </summary>
public static class RegisterGuardianEndpoint
{
    /// <summary>Register as a guardian with a parent code: 201 with the login's own password, else 202 and a confirmation mail.</summary>
    [AllowAnonymous]
    [EnableRateLimiting(GuardiansConfiguration.RedemptionPolicy)]
    [ProducesResponseType<GuardianRegistered>(StatusCodes.Status201Created)]
    [ProducesResponseType<RegistrationPending>(StatusCodes.Status202Accepted)]
    [ProducesProblems(409)]
    [WolverinePost("/api/guardians/register")]
    public static async Task<IResult> Post(RegisterGuardian request, HttpContext http, IDocumentStore store, AccountFactory accounts,
        ParentCodeRedemption redemption, PersonalDataVault vault, BlindIndex index, LoginThrottle throttle, IMessageBus bus,
        IOptions<RegistrationOptions> options, TimeProvider clock, Passwords passwords, CancellationToken ct)
    {
        var validation = new Validation();
        if (string.IsNullOrWhiteSpace(request.Code)) validation.Add("code", "is required.");
        accounts.Validate(validation, new NewPerson(request.Name, request.Email, request.Password), "");
        if (!validation.IsValid) return validation.ToResult();

        await using var lookup = store.QuerySession();
        var parentCode = await redemption.FindUsableAsync(lookup, request.Code, ct);
        if (parentCode is null) return ParentCodeRedemption.InvalidCode();

        // The password is checked against the e-mail's login here too, so this path counts as a sign-in attempt (same
        // throttle, whether or not the e-mail has a login).
        var accountKey = LoginThrottle.AccountKey(index.Of(AccountFactory.EmailPurpose, request.Email));
        var addressKey = LoginThrottle.AddressKey(http.Connection.RemoteIpAddress);
        if (await throttle.TryAttemptAsync(accountKey, addressKey, ct) is { } wait) return LoginEndpoint.TooManyAttempts(http, wait);

        await using var session = store.LightweightSession(Ids.Tenant(parentCode.SchoolId));
        var login = await accounts.FindLoginAsync(session, request.Email, ct);
        if (passwords.Verify(login, request.Password))
        {
            await throttle.SucceededAsync(accountKey, addressKey, ct);
            // Only the holder of the login's password gets here: add the school to their login.
            return await AccountFactory.RetryOnDuplicateAsync(async () =>
            {
                await using var adding = store.LightweightSession(Ids.Tenant(parentCode.SchoolId));
                var membership = await accounts.AddMembershipAsync(adding, login!, parentCode.SchoolId, Role.Guardian, request.Name, ct);
                if (!await redemption.LinkAsync(adding, parentCode, membership.Id, ct)) return ParentCodeRedemption.InvalidCode();
                await adding.SaveChangesAsync(ct);
                return Results.Created("/api/guardians/me/children", new GuardianRegistered(membership.Id, parentCode.StudentId, parentCode.SchoolId));
            });
        }

        var membershipId = Guid.CreateVersion7();
        var tenant = Ids.Tenant(parentCode.SchoolId);
        var pending = new PendingRegistration
        {
            Id = Guid.CreateVersion7(),
            MembershipId = membershipId,
            SchoolId = parentCode.SchoolId,
            ParentCodeId = parentCode.Id,
            Email = await vault.SealAsync(tenant, membershipId, "registration.email", request.Email.Trim(), ct),
            Name = await vault.SealAsync(tenant, membershipId, "account.name", request.Name.Trim(), ct),
            PasswordHash = passwords.Hash(new LoginAccount(), request.Password),
            ExpiresAt = clock.GetUtcNow() + options.Value.TokenLifetime,
        };
        session.Store(pending);
        await session.SaveChangesAsync(ct);
        await bus.PublishAsync(new RegistrationRequested(pending.Id));
        await bus.ScheduleAsync(new ExpirePendingRegistration(pending.Id), pending.ExpiresAt);
        return Results.Json(RegistrationPending.Sent, statusCode: StatusCodes.Status202Accepted);
    }
}
