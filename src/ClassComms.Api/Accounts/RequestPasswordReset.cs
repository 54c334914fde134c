using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Accounts;

public sealed record RequestPasswordReset(string Email);

/// <summary>Queued for every request: the login's id, or none when the e-mail has no live login (ids only, never the e-mail).</summary>
public sealed record PasswordResetRequested(Guid? LoginId);

/// <summary>
/// Password reset, step one. Answers 202 whatever the e-mail and does the same work either way (one lookup, one queued
/// message), so neither the answer nor its time tells whether an account exists; a handler then sends a token through
/// an <see cref="IMailSender{TMail}"/> of <see cref="PasswordResetMail"/>. Throttled per e-mail (blind index) and per client address like sign-in.
/// </summary>
public static class RequestPasswordResetEndpoint
{
    /// <summary>Ask for a password-reset token by e-mail; the same 202 whether or not the address has a login.</summary>
    [AllowAnonymous]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProducesProblems(429)]
    [WolverinePost("/api/auth/password-reset")]
    public static async Task<IResult> Post(RequestPasswordReset request, HttpContext http, IQuerySession session, BlindIndex index,
        LoginThrottle throttle, IMessageBus bus, CancellationToken ct)
    {
        var validation = new Validation().Email(request.Email, "email");
        if (!validation.IsValid) return validation.ToResult();

        var candidates = index.AllOf(AccountFactory.EmailPurpose, request.Email).ToArray();
        var emailIndex = candidates[0];
        var wait = await throttle.TryAttemptAsync(LoginThrottle.AccountKey($"reset:{emailIndex}"), LoginThrottle.AddressKey(http.Connection.RemoteIpAddress), ct);
        if (wait is { } w) return LoginEndpoint.TooManyAttempts(http, w);

        var login = await session.Query<LoginAccount>().FirstOrDefaultAsync(a => a.EmailIndex.IsOneOf(candidates), ct);
        await bus.PublishAsync(new PasswordResetRequested(login is { ErasedAt: null } ? login.Id : null));
        return Results.Accepted();
    }
}

/// <summary>Stores a hashed one-time token for a live login, commits it, then sends it; does nothing for a request without one.</summary>
public static class PasswordResetRequestedHandler
{
    public static async Task Handle(PasswordResetRequested message, IDocumentSession session, PersonalDataVault vault,
        IMailSender<PasswordResetMail> sender, IOptions<PasswordResetOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (message.LoginId is not { } loginId) return;
        var login = await session.LoadAsync<LoginAccount>(loginId, ct);
        if (login is not { ErasedAt: null }) return;
        if (await vault.UnsealAsync(login.Email, ct) is not { } email) return;

        var (token, id) = RefreshToken.New();
        var expires = clock.GetUtcNow() + options.Value.TokenLifetime;
        session.Store(new PasswordReset { Id = id, LoginId = login.Id, ExpiresAt = expires });
        // Committed before the mail leaves: a mail never carries a token the database does not hold yet (a reader quick to
        // use it would get 400, and a commit failing after the send would leave a dead token in their mailbox).
        await session.SaveChangesAsync(ct);
        await sender.SendAsync(new PasswordResetMail(login.Id, email, token, expires), ct);
    }
}
