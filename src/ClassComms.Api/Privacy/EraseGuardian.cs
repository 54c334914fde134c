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
        var (erasure, started) = await StartAsync(session, caller.UserId, account, clock.GetUtcNow(), ct);
        if (!started) return (ErasureAnswers.Current(erasure), []);
        // Recorded as an erasure request made and approved at once, so it has a certificate too (ErasureRequests/).
        await ErasureRequests.DirectErasures.RecordAsync(session, caller, SubjectKinds.Guardian, guardianId, erasure, ct);

        return (ErasureAnswers.Accepted(erasure), new OutgoingMessages { new ContinueErasure(caller.SchoolId, guardianId) });
    }

    /// <summary>
    /// Stages the start of a guardian's erasure (the stream's first event, membership ended, login disabled if it was the last, links
    /// removed), unless one exists: then returns it, started = false, and stages nothing. The caller commits and sends <see cref="ContinueErasure"/>.
    /// A staff membership (<paramref name="kind"/> = <see cref="SubjectKinds.Staff"/>) starts the same way: it has no links.
    /// </summary>
    public static async Task<(Erasure Erasure, bool Started)> StartAsync(IDocumentSession session, Guid requestedBy, UserAccount account,
        DateTimeOffset now, CancellationToken ct, string kind = SubjectKinds.Guardian)
    {
        var guardianId = account.Id;
        var stream = await session.Events.FetchForWriting<Erasure>(Erasure.IdFor(guardianId), ct);
        if (stream.Aggregate is { } existing) return (existing, false);

        var requested = new ErasureRequested(stream.Id, requestedBy, guardianId, kind, now);
        stream.AppendOne(requested);
        ErasureSteps.Disable(account, now);
        session.Store(account);
        await ErasureSteps.DisableLoginIfLastAsync(session, account, now, ct);
        foreach (var student in await session.Query<Student>().Where(s => s.GuardianIds.Contains(guardianId)).ToListAsync(ct))
        {
            session.Events.Append(student.Id, new GuardianUnlinked(student.Id, requestedBy, guardianId, now));
        }

        return (Erasure.Create(requested), true);
    }
}
