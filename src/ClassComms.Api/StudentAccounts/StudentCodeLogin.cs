using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.StudentAccounts;

public sealed record StudentCodeLogin(string Code);

/// <summary>
/// A student signs in with their login code (typed, or read from its QR code): no e-mail, no password. Throttled like the
/// e-mail sign-in (<see cref="LoginThrottle"/>: per code, by its keyed hash, and per client address); a wrong, revoked or
/// erased student's code gets one 401. The answer is the e-mail sign-in's, with <c>studentId</c> set.
/// </summary>
public static class StudentCodeLoginEndpoint
{
    /// <summary>Student sign-in with a login code: an access token and a refresh token for the student's account.</summary>
    [AllowAnonymous]
    [ProducesResponseType<LoginSucceeded>(StatusCodes.Status200OK)]
    [ProducesProblems(401, 403, 429)]
    [WolverinePost("/api/auth/student-login")]
    public static async Task<IResult> Post(StudentCodeLogin request, HttpContext http, IDocumentSession session, BlindIndex index,
        SessionIssuer sessions, LoginThrottle throttle, PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        var normalised = StudentLoginCode.Normalise(request.Code ?? "");
        if (normalised.Length is 0 or > 64) return Problems.Invalid("code", "is required (at most 64 characters).");

        var candidates = index.AllOf(StudentLoginCode.Purpose, normalised).ToArray();
        var codeKey = $"student-code:{candidates[0]}";
        var addressKey = LoginThrottle.AddressKey(http.Connection.RemoteIpAddress);
        if (await throttle.TryAttemptAsync(codeKey, addressKey, ct) is { } wait) return LoginEndpoint.TooManyAttempts(http, wait);

        var code = await session.Query<StudentLoginCode>().FirstOrDefaultAsync(c => c.Id.IsOneOf(candidates) && c.RevokedAt == null, ct);
        var membership = code is null ? null : await session.LoadAsync<UserAccount>(code.MembershipId, ct);
        var login = membership is { ErasedAt: null, Role: Role.Student } ? await session.LoadAsync<LoginAccount>(membership.LoginId, ct) : null;
        if (login is not { ErasedAt: null })
        {
            // A self-registration waiting for the teacher: no session at all (a pending account sees nothing); refused: a wrong code.
            var pending = code is null && await session.Query<StudentRegistration>()
                .AnyAsync(r => r.CodeIndex.IsOneOf(candidates) && r.State == StudentRegistration.Pending, ct);
            return pending
                ? Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.",
                    detail: "The registration is waiting for the teacher's approval.")
                : WrongCode();
        }

        await throttle.SucceededAsync(codeKey, addressKey, ct);
        // Recorded for the inactive-account policy: a student who only signs in is active (Retention/).
        code!.LastSignInAt = clock.GetUtcNow();
        session.Store(code);
        var memberships = new[] { membership! };
        return Results.Ok(sessions.Start(session, login, membership!, await Memberships.ViewsAsync(session, vault, memberships, ct)));
    }

    private static IResult WrongCode() =>
        Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.", detail: "The login code is not valid.");
}
