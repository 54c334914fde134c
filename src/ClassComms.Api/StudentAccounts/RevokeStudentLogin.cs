using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.StudentAccounts;

/// <summary>The class teacher (or a leader) revokes a student's login code: it no longer signs in, and the student's sessions end.</summary>
public static class RevokeStudentLoginEndpoint
{
    /// <summary>Revoke a student's login code; their sessions end. 204 also when there was none.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [WolverineDelete("/api/students/{studentId}/student-login")]
    public static async Task<IResult> Delete(Guid studentId, Caller caller, IDocumentSession session, StudentLogins logins, CancellationToken ct)
    {
        if (await StudentAccess.TeachableAsync(session, caller, studentId, ct) is null) return Problems.NotFound("student");
        await logins.RevokeAsync(session, caller.SchoolId, studentId, ct);
        return Results.NoContent();
    }
}
