using System.Security.Claims;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Wolverine.Http;

namespace ClassComms.Privacy;

public sealed record StudentErasure(Guid StudentId, DateTimeOffset ErasedAt);

/// <summary>
/// The DPO erases a student: the erasure is recorded in the ledger, the student's key is destroyed (every
/// sealed value about them becomes unreadable everywhere, backups included), outstanding parent codes are
/// revoked, media about them is deleted (besides being shredded), and <see cref="StudentErased"/> makes the
/// read side forget them. Messages about the student were sealed with their key too, so they are shredded.
/// Class statistics stay.
/// </summary>
public static class EraseStudentEndpoint
{
    [WolverinePost("/api/privacy/students/{studentId}/erasure")]
    public static async Task<IResult> Post(string studentId, ClaimsPrincipal user, IDocumentSession session, Shredding shredding,
        TimeProvider clock, CancellationToken ct)
    {
        if (!Ids.TryParse(studentId, "studentId", out var id, out var bad)) return bad!;
        var caller = Caller.Of(user);
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer can erase a person.");

        var stream = await session.Events.FetchForWriting<Student>(id, ct);
        if (stream.Aggregate is not { } student) return Problems.NotFound("student");
        if (student.ErasedAt is { } erasedAt) return Results.Ok(new StudentErasure(id, erasedAt));

        var now = clock.GetUtcNow();
        // Ledger and key first, read side last: a failure after any step leaves a state a retry completes,
        // and never a student shown as erased whose data can still be read.
        await shredding.ShredAsync(caller, id, "student", now, ct);

        var codes = await session.Query<ParentCode>().Where(c => c.SchoolId == caller.SchoolId && c.StudentId == id).ToListAsync(ct);
        foreach (var code in codes.Where(c => c.RevokedAt is null && c.RedeemedAt is null))
        {
            code.RevokedAt = now;
            session.Store(code);
        }

        await shredding.DeleteMediaAsync(session, await session.Query<Media.MediaObject>().Where(m => m.Subjects.Contains(id)).ToListAsync(ct), ct);

        stream.AppendOne(new StudentErased(id, caller.UserId, now));
        return Results.Ok(new StudentErasure(id, now));
    }
}
