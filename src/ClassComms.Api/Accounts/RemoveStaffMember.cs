using ClassComms.Classes;
using ClassComms.Platform;
using ClassComms.Privacy;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Accounts;

/// <summary>
/// A leader removed a member of staff from the school (stream id = the membership; ids only). <paramref name="ClassesTaught"/>: the
/// classes whose teacher they were, which stay with their history and are run by the school's leaders.
/// </summary>
public sealed record StaffMemberRemoved(Guid MembershipId, Guid RemovedBy, string Role, int ClassesTaught, DateTimeOffset At);

public sealed record StaffMemberRemovedResponse(Guid MembershipId, string Role, int ClassesTaught, DateTimeOffset RemovedAt);

/// <summary>
/// A leader removes a teacher, leader or DPO from the school. In one commit: <see cref="StaffMemberRemoved"/>, the membership marked
/// removed with a new security stamp and its refresh tokens deleted, so every session of it in this school ends — its access tokens
/// fail their next request on every node (the session check's cache is evicted cluster-wide, <see cref="SessionChanges"/>), its SignalR
/// connections close, it signs in to this school no more (the login's other memberships keep theirs) and with it goes its access to
/// every class, thread and story of the school. Its data is not erased: its name stays on what it wrote, and erasure remains the DPO's
/// separate workflow. Classes it taught keep it as their recorded teacher and are run by the leaders (who may already do all a teacher
/// does on a class; a thread it was in is answered by a leader joining it); the answer says how many.
/// 403 for anyone but a leader; 404 for someone not on the school's staff (or already removed or erased); 409 for oneself and for the
/// school's last leader or last DPO (under the school's controller lock, so two leaders cannot remove each other at once).
/// </summary>
public static class RemoveStaffMemberEndpoint
{
    /// <summary>Remove a member of staff from the school (a leader): their sessions end; their data stays.</summary>
    [ProducesResponseType<StaffMemberRemovedResponse>(StatusCodes.Status200OK)]
    [ProducesProblems(403, 409)]
    [WolverineDelete("/api/staff/{membershipId}")]
    public static async Task<IResult> Delete(Guid membershipId, Caller caller, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role != Role.Leader) return Problems.Forbidden("Only a school leader can remove a member of staff.");

        var member = await session.LoadAsync<UserAccount>(membershipId, ct);
        if (member is null || member.SchoolId != caller.SchoolId || member.Role is not (Role.Teacher or Role.Leader or Role.Dpo) || !member.IsLive)
        {
            return Problems.NotFound("staff member");
        }

        if (member.Id == caller.UserId) return Problems.Conflict("You cannot remove yourself: another leader can.");
        if (await SchoolControllers.LockedRefusalAsync(session, member, ct) is not null)
        {
            return Problems.Conflict(member.Role == Role.Leader
                ? "This is the school's last leader: invite another leader before removing this one (a school must keep someone who can act for it)."
                : "This is the school's last data protection officer: invite another one before removing this one (a school must keep someone who can act for it).");
        }

        var classesTaught = await session.Query<SchoolClass>().CountAsync(c => c.TeacherId == membershipId, ct);
        var now = clock.GetUtcNow();
        member.RemovedAt = now;
        member.RemovedBy = caller.UserId;
        member.SecurityStamp = SecurityStamps.New();
        session.Store(member);
        session.DeleteWhere<RefreshToken>(t => t.UserId == membershipId);
        var role = member.Role.ToString().ToLowerInvariant();
        session.Events.Append(membershipId, new StaffMemberRemoved(membershipId, caller.UserId, role, classesTaught, now));
        return Results.Ok(new StaffMemberRemovedResponse(membershipId, role, classesTaught, now));
    }
}
