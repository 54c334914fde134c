using ClassComms.Classes;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.StudentAccounts;

/// <summary>A class code as issued: shown once.</summary>
public sealed record ClassRegistrationCodeIssued(Guid ClassId, Guid CodeId, string Code, DateTimeOffset IssuedAt);

/// <summary>
/// The class teacher (or a leader) creates or rotates the class's registration code (the older one stops at once; registrations made
/// with it stay pending), or stops it. Another class's teacher: 404.
/// </summary>
public static class IssueClassRegistrationCodeEndpoint
{
    /// <summary>Create or rotate the class code students register with (shown once).</summary>
    [ProducesResponseType<ClassRegistrationCodeIssued>(StatusCodes.Status201Created)]
    [ProducesProblems(403)]
    [WolverinePost("/api/classes/{classId}/registration-code")]
    public static async Task<IResult> Post(Guid classId, Caller caller, IDocumentSession session, BlindIndex index, TimeProvider clock,
        CancellationToken ct)
    {
        if (!caller.IsTeacherOrLeader) return Problems.Forbidden("Only the class teacher or a school leader issues the class code.");
        var schoolClass = await ClassAccess.ReadableAsync(session, caller, classId, ct);
        if (schoolClass is null || !ClassAccess.CanTeach(caller, schoolClass)) return Problems.NotFound("class");

        await LockAsync(session, classId, ct);
        var now = clock.GetUtcNow();
        await RevokeAsync(session, caller.SchoolId, classId, now, ct);
        var code = ClassRegistrationCode.NewCode();
        var issued = new ClassRegistrationCode
        {
            Id = index.Of(ClassRegistrationCode.Purpose, StudentLoginCode.Normalise(code)),
            CodeId = Guid.CreateVersion7(),
            SchoolId = caller.SchoolId,
            ClassId = classId,
            IssuedBy = caller.UserId,
            IssuedAt = now,
        };
        session.Store(issued);
        return Results.Created($"/api/classes/{classId}/registration-code", new ClassRegistrationCodeIssued(classId, issued.CodeId, code, now));
    }

    /// <summary>Stop the class code: registrations with it are refused from now on (those made stay pending).</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403)]
    [WolverineDelete("/api/classes/{classId}/registration-code")]
    public static async Task<IResult> Delete(Guid classId, Caller caller, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        if (!caller.IsTeacherOrLeader) return Problems.Forbidden("Only the class teacher or a school leader stops the class code.");
        var schoolClass = await ClassAccess.ReadableAsync(session, caller, classId, ct);
        if (schoolClass is null || !ClassAccess.CanTeach(caller, schoolClass)) return Problems.NotFound("class");

        await LockAsync(session, classId, ct);
        await RevokeAsync(session, caller.SchoolId, classId, clock.GetUtcNow(), ct);
        return Results.NoContent();
    }

    private static async Task RevokeAsync(IDocumentSession session, Guid schoolId, Guid classId, DateTimeOffset now, CancellationToken ct)
    {
        var live = await session.Query<ClassRegistrationCode>()
            .Where(c => c.SchoolId == schoolId && c.ClassId == classId && c.RevokedAt == null).ToListAsync(ct);
        foreach (var code in live)
        {
            code.RevokedAt = now;
            session.Store(code);
        }
    }

    /// <summary>Two rotations at once leave one live code.</summary>
    private static Task LockAsync(IDocumentSession session, Guid classId, CancellationToken ct) =>
        AdvisoryLocks.TakeAsync(session, AdvisoryLocks.Keys("class-registration-code", [classId]), ct);
}
