using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Rectification;

/// <summary>The corrected e-mail address, and the caller's own current password (re-authentication).</summary>
public sealed record RectifyEmail(string? Email, string? CurrentPassword);

/// <summary>The answer to every accepted request, whether or not the new address already has a login.</summary>
public sealed record EmailChangePending(string Status, string Detail)
{
    public static readonly EmailChangePending Sent = new("confirmation-sent",
        "A message with a confirmation token is on its way to the new address; the person confirms it, signed in, within the time it states.");
}

public static class RequestEmailChangeEndpoint
{
    /// <summary>Ask to correct a member's login e-mail: a confirmation token goes to the new address (the person themselves, or the DPO).</summary>
    /// <remarks>
    /// A guardian, teacher or leader asks for their own login; the DPO for any member of the school. The caller's own current password
    /// is required (re-authentication; wrong: 400 naming <c>currentPassword</c>, throttled like sign-in). Nothing changes until the
    /// person, signed in, confirms with the token mailed to the new address (<c>POST /api/rectifications/email/confirm</c>): a DPO
    /// cannot move a login, which may be used in other schools, to an address the person does not hold. The answer is the same 202
    /// whether or not the new address already has a login (the mail to it says so, and confirming then answers 409). A student account
    /// has no e-mail (400); anyone else: 404; an erased member: 410.
    /// </remarks>
    [ProducesResponseType<EmailChangePending>(StatusCodes.Status202Accepted)]
    [ProducesProblems(400, 404, 409, 410, 429)]
    [WolverinePost("/api/members/{memberId}/email")]
    public static async Task<IResult> Post(Guid memberId, RectifyEmail request, Caller caller, HttpContext http, IDocumentStore store,
        PersonalDataVault vault, BlindIndex index, LoginThrottle throttle, Passwords passwords, IMessageBus bus, IOptions<EmailChangeOptions> options, TimeProvider clock,
        CancellationToken ct)
    {
        var validation = new Validation().Email(request.Email, "email");
        if (string.IsNullOrEmpty(request.CurrentPassword)) validation.Add("currentPassword", "is required.");
        else if (request.CurrentPassword.Length > 1024) validation.Add("currentPassword", "must be at most 1024 characters.");
        if (!validation.IsValid) return validation.ToResult();
        var bySelf = memberId == caller.UserId;
        if (!bySelf && caller.Role != Role.Dpo) return Problems.NotFound("member");

        await using var session = store.LightweightSession();
        var member = await session.LoadAsync<UserAccount>(memberId, ct);
        if (member is null || member.SchoolId != caller.SchoolId || member.RemovedAt is not null) return Problems.NotFound("member");
        if (member.Role == Role.Student) return Problems.Invalid("memberId", "is a student account, which has no e-mail (it signs in with a login code).");
        if (member.ErasedAt is not null) return Problems.Gone("The member has been erased.");
        var login = await session.LoadAsync<LoginAccount>(member.LoginId, ct);
        if (login is not { ErasedAt: null }) return Problems.Gone("The member has been erased.");
        if (login.Email is null) return Problems.Invalid("memberId", "has no e-mail.");
        if (await ProcessingRestriction.Restrictions.RefusalAsync(session, caller, memberId, ct) is { } frozen) return frozen;

        // Re-authentication: the caller's own password (the person's, or the DPO's), throttled like sign-in.
        var own = bySelf ? login : await CallerLoginAsync(session, caller, ct);
        if (own is null) return Problems.Unauthorized();
        var accountKey = LoginThrottle.AccountKey(own.EmailIndex);
        var addressKey = LoginThrottle.AddressKey(http.Connection.RemoteIpAddress);
        if (await throttle.TryAttemptAsync(accountKey, addressKey, ct) is { } wait) return LoginEndpoint.TooManyAttempts(http, wait);
        if (!passwords.Verify(own, request.CurrentPassword!)) return Problems.Invalid("currentPassword", "is not correct.");
        await throttle.SucceededAsync(accountKey, addressKey, ct);

        var email = request.Email!.Trim();
        if (index.AllOf(AccountFactory.EmailPurpose, email).Contains(login.EmailIndex))
            return Problems.Invalid("email", "is already the login's address.");

        // One change waits per login: a new request replaces an earlier one (whose token stops working).
        session.DeleteWhere<EmailChange>(c => c.LoginId == login.Id && c.ConfirmedAt == null);
        var change = new EmailChange
        {
            Id = Guid.CreateVersion7(),
            LoginId = login.Id,
            RequestedBy = caller.UserId,
            SchoolId = caller.SchoolId,
            BySelf = bySelf,
            NewEmail = await vault.SealAsync(LoginAccount.Tenant, login.Id, "login.email", email, ct),
            ExpiresAt = clock.GetUtcNow() + options.Value.TokenLifetime,
        };
        session.Store(change);
        await session.SaveChangesAsync(ct);
        // After the commit: the handler makes the token, commits its hash, and only then mails it.
        await bus.PublishAsync(new EmailChangeRequested(change.Id));
        await bus.ScheduleAsync(new ExpireEmailChange(change.Id), change.ExpiresAt);
        return Results.Json(EmailChangePending.Sent, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<LoginAccount?> CallerLoginAsync(IQuerySession session, Caller caller, CancellationToken ct) =>
        await session.LoadAsync<UserAccount>(caller.UserId, ct) is { ErasedAt: null } membership
            ? await session.LoadAsync<LoginAccount>(membership.LoginId, ct) is { ErasedAt: null } login ? login : null
            : null;
}
