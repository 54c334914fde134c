using ClassComms.Classes;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Rectification;

/// <summary>The corrected name.</summary>
public sealed record RectifyName(string? Name);

public sealed record NameRectified(Guid SubjectId, string Name, DateTimeOffset At);

public static class RectifyStudentNameEndpoint
{
    /// <summary>Correct a student's name (the class teacher, a leader, or the DPO).</summary>
    /// <remarks>
    /// The teacher of the student's class or a leader (who enrol students), or the DPO (any subject of the school). Guardians and the
    /// student ask the school: they get 404 (403 would say the student exists to a stranger). Every read shows the new name at once; the
    /// old one stays sealed in the history (<c>GET /api/rectifications/{subjectId}/history</c>). An erased student: 410.
    /// </remarks>
    [ProducesResponseType<NameRectified>(StatusCodes.Status200OK)]
    [ProducesProblems(400, 404, 409, 410)]
    [WolverinePost("/api/students/{studentId}/name")]
    public static async Task<IResult> Post(Guid studentId, RectifyName request, Caller caller, IDocumentSession session, PersonalDataVault vault,
        TimeProvider clock, CancellationToken ct)
    {
        var validation = new Validation().Require(request.Name, "name", RectificationRules.MaxStudentNameLength);
        if (!validation.IsValid) return validation.ToResult();
        var stream = await session.Events.FetchForWriting<Student>(studentId, ct);
        var student = stream.Aggregate;
        if (student is null || !caller.IsStaff) return Problems.NotFound("student");
        if (caller.Role != Role.Dpo && (await session.LoadAsync<SchoolClass>(student.ClassId, ct) is not { } schoolClass
                                        || !ClassAccess.CanTeach(caller, schoolClass)))
            return Problems.NotFound("student");
        if (student.Erased) return Problems.Gone("The student has been erased.");
        if (await ProcessingRestriction.Restrictions.RefusalAsync(session, caller, studentId, ct) is { } frozen) return frozen;

        var now = clock.GetUtcNow();
        var name = await vault.SealAsync(caller.Tenant, studentId, "student.name", request.Name!.Trim(), ct);
        stream.AppendOne(new StudentNameRectified(studentId, caller.UserId, student.Name, name, now));
        // A student account carries the student's name as its own (StudentAccounts/): it reads the new one too.
        var accounts = await session.Query<Accounts.UserAccount>()
            .Where(a => a.SchoolId == caller.SchoolId && a.StudentId == studentId && a.ErasedAt == null).ToListAsync(ct);
        foreach (var account in accounts)
        {
            account.Name = name;
            session.Store(account);
        }

        return Results.Ok(new NameRectified(studentId, request.Name.Trim(), now));
    }
}
