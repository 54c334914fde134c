using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Accounts;

public sealed record ChangePassword(string CurrentPassword, string NewPassword);

/// <summary>
/// A signed-in user changes their login's password: the current one is checked (throttled like sign-in), every session
/// of the login ends, in every school (new security stamp; SignalR connections close) and the caller gets a fresh
/// session of the same membership in the answer.
/// </summary>
public static class ChangePasswordEndpoint
{
    /// <summary>Change the password: fresh tokens for this session; every other session of the login ends.</summary>
    [ProducesResponseType<LoginSucceeded>(StatusCodes.Status200OK)]
    [ProducesProblems(429)]
    [WolverinePost("/api/auth/password")]
    public static async Task<IResult> Post(ChangePassword request, Caller caller, HttpContext http, IDocumentSession session,
        LoginThrottle throttle, SessionRevocation revocation, SessionIssuer sessions, PersonalDataVault vault, Passwords passwords, CancellationToken ct)
    {
        var validation = new Validation();
        if (string.IsNullOrEmpty(request.CurrentPassword)) validation.Add("currentPassword", "is required.");
        else if (request.CurrentPassword.Length > 1024) validation.Add("currentPassword", "must be at most 1024 characters.");
        validation.Password(request.NewPassword, "newPassword");
        if (!validation.IsValid) return validation.ToResult();
        var membership = await session.LoadAsync<UserAccount>(caller.UserId, ct);
        if (membership is not { IsLive: true }) return Problems.Unauthorized();
        var login = await session.LoadAsync<LoginAccount>(membership.LoginId, ct);
        if (login is not { ErasedAt: null }) return Problems.Unauthorized();

        var accountKey = LoginThrottle.AccountKey(login.EmailIndex);
        var addressKey = LoginThrottle.AddressKey(http.Connection.RemoteIpAddress);
        if (await throttle.TryAttemptAsync(accountKey, addressKey, ct) is { } wait) return LoginEndpoint.TooManyAttempts(http, wait);
        if (!passwords.Verify(login, request.CurrentPassword)) return Problems.Invalid("currentPassword", "is not correct.");
        await throttle.SucceededAsync(accountKey, addressKey, ct);

        login.PasswordHash = passwords.Hash(login, request.NewPassword);
        revocation.Revoke(session, login);
        var memberships = await Memberships.LiveAsync(session, login.Id, ct);
        return Results.Ok(sessions.Start(session, login, membership, await Memberships.ViewsAsync(session, vault, memberships, ct)));
    }
}
