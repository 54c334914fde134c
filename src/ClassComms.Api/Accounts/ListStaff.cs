using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Accounts;

/// <summary>
/// One member of staff of the caller's school: the membership (for a pending invitation, the membership it will become), the name
/// (opened for this answer only; null once the person's key is destroyed), the role, and whether it is an invitation not yet
/// accepted (then its expiry). No e-mail: the model never shows one member's address to another.
/// </summary>
public sealed record StaffMember(Guid MembershipId, string? Name, string Role, bool Pending, DateTimeOffset? InvitationExpiresAt);

public static class ListStaffEndpoint
{
    /// <summary>List the school's staff — teachers, leaders and DPOs, with the invitations still pending (a leader or the DPO).</summary>
    /// <remarks>Only the caller's school; erased and removed memberships and expired or revoked invitations are left out. Sorted by name.</remarks>
    [ProducesResponseType<IReadOnlyList<StaffMember>>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/staff")]
    public static async Task<IResult> Get(Caller caller, IQuerySession session, PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role is not (Role.Leader or Role.Dpo)) return Problems.Forbidden("Only a school leader or the DPO lists the school's staff.");

        // Memberships and invitations are global documents: always filtered by the caller's school.
        var batch = session.CreateBatchQuery();
        var members = batch.Query<UserAccount>().Where(m => m.SchoolId == caller.SchoolId && m.ErasedAt == null && m.RemovedAt == null
            && (m.Role == Role.Teacher || m.Role == Role.Leader || m.Role == Role.Dpo)).ToList();
        var invitations = batch.Query<StaffInvitation>().Where(i => i.SchoolId == caller.SchoolId).ToList();
        await batch.Execute(ct);

        var now = clock.GetUtcNow();
        var staff = new List<StaffMember>();
        foreach (var m in await members)
        {
            staff.Add(new StaffMember(m.Id, await vault.UnsealAsync(m.Name, ct), RoleName(m.Role), false, null));
        }

        foreach (var i in (await invitations).Where(i => i.ExpiresAt > now))
        {
            staff.Add(new StaffMember(i.MembershipId, await vault.UnsealAsync(i.Name, ct), RoleName(i.Role), true, i.ExpiresAt));
        }

        return Results.Ok(staff.OrderBy(s => s.Pending).ThenBy(s => s.Name, StringComparer.CurrentCultureIgnoreCase).ThenBy(s => s.MembershipId).ToList());
    }

    private static string RoleName(Role role) => role.ToString().ToLowerInvariant();
}
