using ClassComms.Accounts;
using ClassComms.Platform;
using Marten;

namespace ClassComms.Privacy;

/// <summary>
/// A school must keep someone who can act for the controller: at least one leader (who invites staff and sets the school's
/// policies) and at least one DPO (who decides erasure requests, exports and restrictions). Erasing the last live leader or the
/// last live DPO membership is refused (409) — when it is asked for and again when it is approved or run directly, under a
/// per-school advisory lock so two erasures of the only two leaders cannot both pass. A school that leaves
/// (<c>ErasureRequests/EraseSchool</c>) erases everyone by design and does not ask this.
/// </summary>
public static class SchoolControllers
{
    /// <summary>The 409 refusing <paramref name="membership"/>'s erasure, or null when someone else keeps its role.</summary>
    public static async Task<IResult?> RefusalAsync(IQuerySession session, UserAccount membership, CancellationToken ct)
    {
        if (membership.Role is not (Role.Leader or Role.Dpo) || !membership.IsLive) return null;
        var role = membership.Role;
        var schoolId = membership.SchoolId;
        var others = await session.Query<UserAccount>()
            .CountAsync(a => a.SchoolId == schoolId && a.Role == role && a.ErasedAt == null && a.RemovedAt == null && a.Id != membership.Id, ct);
        if (others > 0) return null;
        return Problems.Conflict(role == Role.Leader
            ? "This is the school's last leader: invite another leader before erasing this one (a school must keep someone who can act for it)."
            : "This is the school's last data protection officer: invite another one before erasing this one (a school must keep someone who can act for it).");
    }

    /// <summary>
    /// As <see cref="RefusalAsync"/>, holding the school's controller lock until the session commits, so the count stays true
    /// for the erasure staged after it.
    /// </summary>
    public static async Task<IResult?> LockedRefusalAsync(IDocumentSession session, UserAccount membership, CancellationToken ct)
    {
        if (membership.Role is not (Role.Leader or Role.Dpo)) return null;
        await AdvisoryLocks.TakeAsync(session, AdvisoryLocks.Keys("school-controllers", [membership.SchoolId]), ct);
        return await RefusalAsync(session, membership, ct);
    }
}
