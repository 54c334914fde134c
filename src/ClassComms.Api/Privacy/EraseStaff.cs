using ClassComms.Accounts;
using ClassComms.ErasureRequests;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Privacy;

/// <summary>
/// The DPO erases a staff member's membership (teacher, leader or DPO, themselves included) directly, as for a guardian: a request made
/// and approved at once (<see cref="DirectErasures"/>), then the same durable workflow as an approved staff request (membership ended,
/// login disabled if it was the last, key destroyed, blobs they uploaded deleted). The school's last leader or last DPO is refused
/// (409, <see cref="SchoolControllers"/>) before anything is staged. A repeat answers the current status.
/// </summary>
public static class EraseStaffEndpoint
{
    /// <summary>Erase a staff member's membership of this school (DPO): 202 and the erasure's status; 409 for the last leader or DPO.</summary>
    [ProducesResponseType<ErasureStatus>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErasureStatus>(StatusCodes.Status202Accepted)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/privacy/staff/{staffId}/erasure")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid staffId, Caller caller, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return (Problems.Forbidden("Only the school's data protection officer can erase a person."), []);

        var account = await session.LoadAsync<UserAccount>(staffId, ct);
        if (account is null || account.SchoolId != caller.SchoolId || !RequestErasureEndpoint.IsStaff(account.Role))
        {
            return (Problems.NotFound("staff member"), []);
        }

        if (await session.LoadAsync<Erasure>(Erasure.IdFor(staffId), ct) is { } existing) return (ErasureAnswers.Current(existing), []);
        if (await SchoolControllers.LockedRefusalAsync(session, account, ct) is { } lastController) return (lastController, []);
        var (erasure, started) = await EraseGuardianEndpoint.StartAsync(session, caller.UserId, account, clock.GetUtcNow(), ct, SubjectKinds.Staff);
        if (!started) return (ErasureAnswers.Current(erasure), []);
        await DirectErasures.RecordAsync(session, caller, SubjectKinds.Staff, staffId, erasure, ct);

        return (ErasureAnswers.Accepted(erasure), new OutgoingMessages { new ContinueErasure(caller.SchoolId, staffId) });
    }
}
