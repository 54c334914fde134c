using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Accounts;

/// <summary>
/// A leader withdrew a staff invitation before it was accepted (stream id = the membership it would have become; ids only).
/// </summary>
public sealed record StaffInvitationRevoked(Guid MembershipId, Guid RevokedBy, Guid InvitationId, string Role, DateTimeOffset At);

/// <summary>
/// A leader revokes an invitation not yet accepted (<c>membershipId</c> as <c>GET /api/staff</c> lists it): in the same commit its token
/// stops working (accepting it answers 400 naming <c>token</c>) and it leaves the staff list; then, as at its expiry
/// (<see cref="ExpireStaffInvitationHandler"/>), the invitation is deleted and the key sealing the invitee's name and e-mail destroyed.
/// 403 for anyone but a leader; 404 for an invitation of another school, already accepted, expired or revoked.
/// </summary>
public static class RevokeStaffInvitationEndpoint
{
    /// <summary>Marks a revoked invitation's token: no token hashes to it, and the invitation mail is no longer sent.</summary>
    public const string RevokedToken = "revoked";

    /// <summary>Revoke a pending staff invitation (a leader): its token stops working and it leaves the staff list.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403)]
    [WolverineDelete("/api/staff/invitations/{membershipId}")]
    public static async Task<(IResult, OutgoingMessages)> Delete(Guid membershipId, Caller caller, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        if (caller.Role != Role.Leader) return (Problems.Forbidden("Only a school leader can revoke a staff invitation."), []);

        var now = clock.GetUtcNow();
        // Invitations are global documents: filtered by the caller's school.
        var invitation = await session.Query<StaffInvitation>()
            .FirstOrDefaultAsync(i => i.MembershipId == membershipId && i.SchoolId == caller.SchoolId, ct);
        if (invitation is null || invitation.ExpiresAt <= now || invitation.TokenHash == RevokedToken) return (Problems.NotFound("invitation"), []);

        invitation.TokenHash = RevokedToken;
        invitation.ExpiresAt = now;
        session.Store(invitation);
        session.Events.Append(membershipId, new StaffInvitationRevoked(membershipId, caller.UserId, invitation.Id,
            invitation.Role.ToString().ToLowerInvariant(), now));
        return (Results.NoContent(), new OutgoingMessages { new ExpireStaffInvitation(invitation.Id) });
    }
}
