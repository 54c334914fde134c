using System.Security.Claims;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
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
    [WolverinePost("/api/privacy/students/{studentId}/erasure")]
    public static async Task<(IResult, OutgoingMessages)> Post(string studentId, ClaimsPrincipal user, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        var none = new OutgoingMessages();
        if (!Ids.TryParse(studentId, "studentId", out var id, out var bad)) return (bad!, none);
        var caller = Caller.Of(user);
        if (caller.Role != Role.Dpo) return (Problems.Forbidden("Only the school's data protection officer can erase a person."), none);

        if (await session.LoadAsync<Student>(id, ct) is null) return (Problems.NotFound("student"), none);
        var stream = await session.Events.FetchForWriting<Erasure>(Erasure.IdFor(id), ct);
        if (stream.Aggregate is { } existing) return (ErasureAnswers.Current(existing), none);

        var now = clock.GetUtcNow();
        var requested = new ErasureRequested(stream.Id, caller.UserId, id, SubjectKinds.Student, now);
        stream.AppendOne(requested);
        await ErasureSteps.RevokeOutstandingCodesAsync(session, caller.SchoolId, id, now, ct);

        return (ErasureAnswers.Accepted(Erasure.Create(requested)), new OutgoingMessages { new ContinueErasure(caller.SchoolId, id) });
    }
}
