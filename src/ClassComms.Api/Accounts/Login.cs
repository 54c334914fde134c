using System.Globalization;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Accounts;

public sealed record Login(string Email, string Password);

/// <summary>
/// An access token (short-lived) and a refresh token (one use, <c>POST /api/auth/refresh</c>) for one membership
/// (<see cref="UserId"/> in <see cref="SchoolId"/>), and every school context of the login (<c>POST /api/auth/switch-school</c>).
/// </summary>
public sealed record LoginSucceeded(string Token, DateTimeOffset ExpiresAt, string RefreshToken, DateTimeOffset RefreshExpiresAt, Guid UserId,
    Guid SchoolId, string Role, Guid LoginId, IReadOnlyList<MembershipView> Memberships, Guid? StudentId = null);

/// <summary>
/// Signs in. Throttled per login and per client address with growing waits (429 + Retry-After); a wrong password,
/// an unknown e-mail and an erased login get the same 401 after the same work (one password hash verification). With
/// several memberships the session starts in the last one used (or the oldest) and the answer lists them all.
/// </summary>
public static class LoginEndpoint
{
    /// <summary>Sign in: an access token, a refresh token and the person's memberships, in the last school used.</summary>
    [AllowAnonymous]
    [ProducesResponseType<LoginSucceeded>(StatusCodes.Status200OK)]
    [ProducesProblems(401, 429)]
    [WolverinePost("/api/auth/login")]
    public static async Task<IResult> Post(Login request, HttpContext http, IDocumentSession session, BlindIndex index, SessionIssuer sessions,
        LoginThrottle throttle, PersonalDataVault vault, Passwords passwords, CancellationToken ct)
    {
        var validation = new Validation().Require(request.Email, "email", 254);
        if (string.IsNullOrEmpty(request.Password)) validation.Add("password", "is required.");
        else if (request.Password.Length > 1024) validation.Add("password", "must be at most 1024 characters.");
        if (!validation.IsValid) return validation.ToResult();

        // Current lookup-key version first, then older ones, so an account indexed before a key rotation still signs in.
        var candidates = index.AllOf(AccountFactory.EmailPurpose, request.Email).ToArray();
        var emailIndex = candidates[0];
        var accountKey = LoginThrottle.AccountKey(emailIndex);
        var addressKey = LoginThrottle.AddressKey(http.Connection.RemoteIpAddress);
        if (await throttle.TryAttemptAsync(accountKey, addressKey, ct) is { } wait) return TooManyAttempts(http, wait);

        var login = await session.Query<LoginAccount>().FirstOrDefaultAsync(a => a.EmailIndex.IsOneOf(candidates), ct);
        if (!passwords.Verify(login, request.Password)) return WrongCredentials();
        var memberships = await Memberships.LiveAsync(session, login!.Id, ct);
        if (Memberships.Choose(login, memberships) is not { } membership) return WrongCredentials();

        await throttle.SucceededAsync(accountKey, addressKey, ct);
        // Re-index under the current lookup key, so the older key can be retired once no login needs it.
        login.EmailIndex = emailIndex;
        login.LastMembershipId = membership.Id;
        session.Store(login);
        return Results.Ok(sessions.Start(session, login, membership, await Memberships.ViewsAsync(session, vault, memberships, ct)));
    }

    private static IResult WrongCredentials() =>
        Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.", detail: "The e-mail or password is wrong.");

    public static IResult TooManyAttempts(HttpContext http, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many attempts.",
            detail: $"Too many sign-in attempts; try again in {seconds} seconds.");
    }
}
