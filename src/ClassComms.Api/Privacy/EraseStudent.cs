using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Privacy;

/// <summary>
/// The DPO erases a student. The request's transaction records it (<see cref="ErasureRequested"/>) and revokes the
/// student's outstanding parent codes; the durable <see cref="ContinueErasure"/> command, committed with it, then
/// writes the ledger entry, destroys the student's key (every sealed value about them, messages about them
/// included, becomes unreadable everywhere, backups included), deletes the media about them, and appends
/// <see cref="StudentErased"/> so the read side forgets them. Class statistics stay.
/// Answers 202 with the status resource; a repeated request answers the current status and starts nothing.
/// </summary>
public static class EraseStudentEndpoint
{
    /// <summary>Erase a student (DPO): 202 and the erasure's status; a repeat answers the status (200 once completed).</summary>
    [ProducesResponseType<ErasureStatus>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErasureStatus>(StatusCodes.Status202Accepted)]
    [ProducesProblems(403)]
    [WolverinePost("/api/privacy/students/{studentId}/erasure")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid studentId, Caller caller, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return (Problems.Forbidden("Only the school's data protection officer can erase a person."), []);

        if (await session.LoadAsync<Student>(studentId, ct) is null) return (Problems.NotFound("student"), []);
        var (erasure, started) = await StartAsync(session, caller.SchoolId, caller.UserId, studentId, clock.GetUtcNow(), ct);
        if (!started) return (ErasureAnswers.Current(erasure), []);
        // Recorded as an erasure request made and approved at once, so it has a certificate too (ErasureRequests/).
        await ErasureRequests.DirectErasures.RecordAsync(session, caller, SubjectKinds.Student, studentId, erasure, ct);

        return (ErasureAnswers.Accepted(erasure), new OutgoingMessages { new ContinueErasure(caller.SchoolId, studentId) });
    }

    /// <summary>
    /// Stages the start of a student's erasure (the stream's first event, parent codes revoked, student accounts ended), unless one
    /// exists: then returns it, started = false, and stages nothing. The caller commits and sends <see cref="ContinueErasure"/>.
    /// </summary>
    public static async Task<(Erasure Erasure, bool Started)> StartAsync(IDocumentSession session, Guid schoolId, Guid requestedBy, Guid studentId,
        DateTimeOffset now, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Erasure>(Erasure.IdFor(studentId), ct);
        if (stream.Aggregate is { } existing) return (existing, false);

        var requested = new ErasureRequested(stream.Id, requestedBy, studentId, SubjectKinds.Student, now);
        stream.AppendOne(requested);
        await ErasureSteps.RevokeOutstandingCodesAsync(session, schoolId, studentId, now, ct);
        await StudentAccounts.StudentLogins.EraseAccountsAsync(session, schoolId, studentId, now, ct);
        return (Erasure.Create(requested), true);
    }
}
