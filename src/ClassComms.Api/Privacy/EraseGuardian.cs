using System.Security.Claims;
using ClassComms.Accounts;
using ClassComms.Notifications;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
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
    [WolverinePost("/api/privacy/guardians/{guardianId}/erasure")]
    public static async Task<(IResult, OutgoingMessages)> Post(string guardianId, ClaimsPrincipal user, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        var none = new OutgoingMessages();
        if (!Ids.TryParse(guardianId, "guardianId", out var id, out var bad)) return (bad!, none);
        var caller = Caller.Of(user);
        if (caller.Role != Role.Dpo) return (Problems.Forbidden("Only the school's data protection officer can erase a person."), none);

        var account = await session.LoadAsync<UserAccount>(id, ct);
        if (account is null || account.SchoolId != caller.SchoolId || account.Role != Role.Guardian) return (Problems.NotFound("guardian"), none);
        var stream = await session.Events.FetchForWriting<Erasure>(Erasure.IdFor(id), ct);
        if (stream.Aggregate is { } existing) return (ErasureAnswers.Current(existing), none);

        var now = clock.GetUtcNow();
        var requested = new ErasureRequested(stream.Id, caller.UserId, id, SubjectKinds.Guardian, now);
        stream.AppendOne(requested);
        ErasureSteps.Disable(account, now);
        session.Store(account);
        await ErasureSteps.DisableLoginIfLastAsync(session, account, now, ct);
        session.Delete<GuardianPreferences>(id);
        foreach (var student in await session.Query<Student>().Where(s => s.GuardianIds.Contains(id)).ToListAsync(ct))
        {
            session.Events.Append(student.Id, new GuardianUnlinked(student.Id, caller.UserId, id, now));
        }

        return (ErasureAnswers.Accepted(Erasure.Create(requested)), new OutgoingMessages { new ContinueErasure(caller.SchoolId, id) });
    }
}
