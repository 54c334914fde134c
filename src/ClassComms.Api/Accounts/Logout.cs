using System.Security.Claims;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Accounts;

/// <summary>
/// Ends the caller's session: its refresh tokens are deleted, its access tokens fail from the next request on, and its
/// SignalR connections are closed. The user's other sessions (other devices) continue.
/// </summary>
public static class LogoutEndpoint
{
    /// <summary>End this session: its tokens stop working and its SignalR connections close.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [WolverinePost("/api/auth/logout")]
    public static async Task<IResult> Post(ClaimsPrincipal user, IDocumentSession session, SessionIssuer sessions, CancellationToken ct)
    {
        if (Guid.TryParse(user.FindFirstValue(TokenIssuer.SessionClaim), out var sessionId)) await sessions.RevokeAsync(session, sessionId, ct);
        return Results.NoContent();
    }
}
