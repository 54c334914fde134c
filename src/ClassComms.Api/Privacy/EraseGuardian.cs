using ClassComms.Accounts;
using ClassComms.Notifications;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Privacy;

/// <summary>
/// The DPO erases a guardian's membership of their school. The request's transaction records it (<see cref="ErasureRequested"/>),
/// ends the membership, disables the login (no password, no e-mail index) if it has no membership in another school, and
/// removes every link to a student; the durable <see cref="ContinueErasure"/>
/// command then writes the ledger entry, destroys the guardian's key (their name, e-mail, messages and attachment
/// names become unreadable; threads show "message from an erased user"), deletes the blobs they sent, removes any link made meanwhile and marks the erasure complete. The other party's own
/// messages stay readable to them. Answers 202 with the status resource; a repeat answers the current status.
/// </summary>
public static class EraseGuardianEndpoint
{
    /// <summary>Erase a guardian's membership of this school (DPO): 202 and the erasure's status, as for a student.</summary>
    [ProducesResponseType<ErasureStatus>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErasureStatus>(StatusCodes.Status202Accepted)]
    [ProducesProblems(403)]
    [WolverinePost("/api/privacy/guardians/{guardianId}/erasure")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid guardianId, Caller caller, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return (Problems.Forbidden("Only the school's data protection officer can erase a person."), []);

        var account = await session.LoadAsync<UserAccount>(guardianId, ct);
        if (account is null || account.SchoolId != caller.SchoolId || account.Role != Role.Guardian) return (Problems.NotFound("guardian"), []);
        var stream = await session.Events.FetchForWriting<Erasure>(Erasure.IdFor(guardianId), ct);
        if (stream.Aggregate is { } existing) return (ErasureAnswers.Current(existing), []);

        var now = clock.GetUtcNow();
        var requested = new ErasureRequested(stream.Id, caller.UserId, guardianId, SubjectKinds.Guardian, now);
        stream.AppendOne(requested);
        ErasureSteps.Disable(account, now);
        session.Store(account);
        await ErasureSteps.DisableLoginIfLastAsync(session, account, now, ct);
        foreach (var student in await session.Query<Student>().Where(s => s.GuardianIds.Contains(guardianId)).ToListAsync(ct))
        {
            session.Events.Append(student.Id, new GuardianUnlinked(student.Id, caller.UserId, guardianId, now));
        }

        return (ErasureAnswers.Accepted(Erasure.Create(requested)), new OutgoingMessages { new ContinueErasure(caller.SchoolId, guardianId) });
    }
}
