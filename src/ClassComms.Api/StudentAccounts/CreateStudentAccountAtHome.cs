using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.StudentAccounts;

/// <summary>
/// A guardian at home creates the account of their linked, unrestricted child (or gives them a new code): the child's older
/// code is revoked and their sessions end. The code is shown once.
/// </summary>
public static class CreateStudentAccountAtHomeEndpoint
{
    /// <summary>A guardian creates their child's student account: a login code, shown once.</summary>
    [ProducesResponseType<StudentLoginIssued>(StatusCodes.Status201Created)]
    [ProducesProblems(403)]
    [WolverinePost("/api/guardians/me/children/{studentId}/student-login")]
    public static async Task<IResult> Post(Guid studentId, Caller caller, IDocumentSession session, StudentLogins logins, CancellationToken ct)
    {
        if (caller.Role != Role.Guardian) return Problems.Forbidden("Only a guardian creates their child's account here; teachers issue class login codes.");
        var student = await session.LoadAsync<Student>(studentId, ct);
        if (student is null || !student.IsVisibleTo(caller.UserId)) return Problems.NotFound("student");

        await StudentLogins.LockAsync(session, [studentId], ct);
        var issued = await logins.IssueAsync(session, caller.SchoolId, student, caller.UserId, ct);
        return Results.Created($"/api/guardians/me/children/{studentId}/student-login", issued);
    }
}
