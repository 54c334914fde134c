using ClassComms.Classes;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.StudentAccounts;

/// <summary><c>StudentIds</c>: students of the class to issue for; null or empty: every student of the class.</summary>
public sealed record IssueClassLoginCodes(IReadOnlyList<Guid>? StudentIds);

public sealed record ClassLoginCodesIssued(Guid ClassId, IReadOnlyList<StudentLoginIssued> Codes);

/// <summary>
/// The class teacher (or a leader) prints the class's login codes: each student gets an account if they have none, and a new
/// secret code (the older one is revoked and that student's sessions end). The codes are shown once, in this answer only; a QR
/// code is the same code, rendered by the client (see README).
/// </summary>
public static class IssueClassLoginCodesEndpoint
{
    public const int MaxStudents = 60;

    /// <summary>Issue printable login codes for students of a class (shown once).</summary>
    [ProducesResponseType<ClassLoginCodesIssued>(StatusCodes.Status201Created)]
    [ProducesProblems(403)]
    [WolverinePost("/api/classes/{classId}/student-logins")]
    public static async Task<IResult> Post(Guid classId, IssueClassLoginCodes? request, Caller caller, IDocumentSession session,
        StudentLogins logins, CancellationToken ct)
    {
        if (!caller.IsTeacherOrLeader) return Problems.Forbidden("Only the class teacher or a school leader issues student login codes.");
        var schoolClass = await ClassAccess.ReadableAsync(session, caller, classId, ct);
        if (schoolClass is null || !ClassAccess.CanTeach(caller, schoolClass)) return Problems.NotFound("class");

        var asked = request?.StudentIds is { Count: > 0 } ids ? ids.Distinct().ToList() : schoolClass.StudentIds.ToList();
        if (asked.Count > MaxStudents) return Problems.Invalid("studentIds", $"must list at most {MaxStudents} students.");
        if (asked.Any(id => !schoolClass.StudentIds.Contains(id))) return Problems.Invalid("studentIds", "must be students of this class.");

        var students = (await session.LoadManyAsync<Student>(ct, asked)).Where(s => !s.Erased && s.ClassId == classId).OrderBy(s => s.Id).ToList();
        if (request?.StudentIds is { Count: > 0 } && students.Count != asked.Count) return Problems.Invalid("studentIds", "must be students of this class.");

        await StudentLogins.LockAsync(session, students.Select(s => s.Id), ct);
        var codes = new List<StudentLoginIssued>();
        foreach (var student in students) codes.Add(await logins.IssueAsync(session, caller.SchoolId, student, caller.UserId, ct));
        return Results.Created($"/api/classes/{classId}/student-logins", new ClassLoginCodesIssued(classId, codes));
    }
}
