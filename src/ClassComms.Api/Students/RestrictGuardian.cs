using ClassComms.Accounts;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Students;

/// <summary>
/// Custody restriction: a school leader or the DPO stops one guardian from seeing or receiving anything
/// about a student, from now on (history included). Irreversible through the API by design.
/// </summary>
public static class RestrictGuardianEndpoint
{
    /// <summary>Restrict a guardian's access to a student (custody); their sessions end at once.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403)]
    [WolverinePost("/api/students/{studentId}/guardians/{guardianId}/restriction")]
    public static async Task<IResult> Post(Guid studentId, Guid guardianId, Caller caller, IDocumentSession session,
        TimeProvider clock, SessionRevocation revocation, CancellationToken ct)
    {
        if (caller.Role is not (Role.Leader or Role.Dpo)) return Problems.Forbidden("Only a school leader or the DPO can restrict a guardian.");

        var stream = await session.Events.FetchForWriting<Student>(studentId, ct);
        var student = stream.Aggregate;
        if (student is null) return Problems.NotFound("student");
        var link = student.Guardians.FirstOrDefault(g => g.GuardianId == guardianId);
        if (link is null) return Problems.NotFound("guardian link");
        if (link.Restricted) return Results.NoContent();

        stream.AppendOne(new GuardianRestricted(studentId, caller.UserId, guardianId, clock.GetUtcNow()));
        await revocation.RevokeMembershipAsync(session, guardianId, ct);
        return Results.NoContent();
    }
}
