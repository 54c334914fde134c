using System.Security.Claims;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Accounts;

/// <summary>The school context to switch to; <see cref="Role"/> only when the login has several memberships there (e.g. teacher and parent).</summary>
public sealed record SwitchSchool(Guid SchoolId, string? Role = null);

/// <summary>
/// A signed-in person moves to another school context of their login: a new session for that membership, and this
/// session ends (its tokens fail, its SignalR connections close). 404 for a school the login has no membership in.
/// </summary>
public static class SwitchSchoolEndpoint
{
    /// <summary>Move to another membership of the same login: fresh tokens for it; this session ends.</summary>
    [ProducesResponseType<LoginSucceeded>(StatusCodes.Status200OK)]
    [ProducesProblems(404)]
    [WolverinePost("/api/auth/switch-school")]
    public static async Task<IResult> Post(SwitchSchool request, ClaimsPrincipal user, IDocumentSession session, SessionIssuer sessions,
        PersonalDataVault vault, CancellationToken ct)
    {
        if (request.SchoolId == Guid.Empty) return Problems.Invalid("schoolId", "is required.");
        Role? role = null;
        if (request.Role is not null)
        {
            if (!Enum.TryParse<Role>(request.Role, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return Problems.Invalid("role", "must be one of: teacher, leader, dpo, guardian.");
            }

            role = parsed;
        }

        if (Caller.LoginIdOf(user) is not { } loginId) return Problems.Unauthorized();
        var login = await session.LoadAsync<LoginAccount>(loginId, ct);
        if (login is not { ErasedAt: null }) return Problems.Unauthorized();
        var memberships = await Memberships.LiveAsync(session, loginId, ct);
        var candidates = memberships.Where(m => m.SchoolId == request.SchoolId && (role is null || m.Role == role)).ToList();
        if (candidates.Count == 0) return Problems.NotFound("school");
        var target = candidates.FirstOrDefault(m => m.Id == login.LastMembershipId) ?? candidates[0];

        if (Guid.TryParse(user.FindFirstValue(TokenIssuer.SessionClaim), out var current)) await sessions.RevokeAsync(session, current, ct);
        login.LastMembershipId = target.Id;
        session.Store(login);
        return Results.Ok(sessions.Start(session, login, target, await Memberships.ViewsAsync(session, vault, memberships, ct)));
    }
}
