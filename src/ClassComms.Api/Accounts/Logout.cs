using System.Security.Claims;
using Marten;
using Wolverine.Http;

namespace ClassComms.Accounts;

/// <summary>
/// Ends the caller's session: its refresh tokens are deleted, its access tokens fail from the next request on, and its
/// SignalR connections are closed. The user's other sessions (other devices) continue.
/// </summary>
public static class LogoutEndpoint
{
    [WolverinePost("/api/auth/logout")]
    public static async Task<IResult> Post(ClaimsPrincipal user, IDocumentSession session, SessionIssuer sessions, CancellationToken ct)
    {
        if (Guid.TryParse(user.FindFirstValue(TokenIssuer.SessionClaim), out var sessionId)) await sessions.RevokeAsync(session, sessionId, ct);
        return Results.NoContent();
    }
}
