using ClassComms.Accounts;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Students;

/// <summary>A school leader or the DPO removes a guardian's link to a student; from the commit on they see and receive nothing about the student.</summary>
public static class UnlinkGuardianEndpoint
{
    /// <summary>Unlink a guardian from a student; their sessions end at once.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403)]
    [WolverineDelete("/api/students/{studentId}/guardians/{guardianId}")]
    public static async Task<IResult> Delete(Guid studentId, Guid guardianId, Caller caller, IDocumentSession session,
        TimeProvider clock, SessionRevocation revocation, CancellationToken ct)
    {
        if (caller.Role is not (Role.Leader or Role.Dpo)) return Problems.Forbidden("Only a school leader or the DPO can unlink a guardian.");

        var stream = await session.Events.FetchForWriting<Student>(studentId, ct);
        if (stream.Aggregate is not { } student) return Problems.NotFound("student");
        if (student.Guardians.All(g => g.GuardianId != guardianId)) return Problems.NotFound("guardian link");
        stream.AppendOne(new GuardianUnlinked(studentId, caller.UserId, guardianId, clock.GetUtcNow()));
        await revocation.RevokeMembershipAsync(session, guardianId, ct);
        return Results.NoContent();
    }
}
