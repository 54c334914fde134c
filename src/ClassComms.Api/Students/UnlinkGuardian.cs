using System.Security.Claims;
using ClassComms.Accounts;
using ClassComms.Platform;
using Marten;
using Wolverine.Http;

namespace ClassComms.Students;

/// <summary>A school leader or the DPO removes a guardian's link to a student; from the commit on they see and receive nothing about the student.</summary>
public static class UnlinkGuardianEndpoint
{
    [WolverineDelete("/api/students/{studentId}/guardians/{guardianId}")]
    public static async Task<IResult> Delete(string studentId, string guardianId, ClaimsPrincipal user, IDocumentSession session,
        TimeProvider clock, SessionRevocation revocation, CancellationToken ct)
    {
        if (!Ids.TryParse(studentId, "studentId", out var id, out var bad)) return bad!;
        if (!Ids.TryParse(guardianId, "guardianId", out var guardian, out bad)) return bad!;
        var caller = Caller.Of(user);
        if (caller.Role is not (Role.Leader or Role.Dpo)) return Problems.Forbidden("Only a school leader or the DPO can unlink a guardian.");

        var stream = await session.Events.FetchForWriting<Student>(id, ct);
        if (stream.Aggregate is not { } student) return Problems.NotFound("student");
        if (student.Guardians.All(g => g.GuardianId != guardian)) return Problems.NotFound("guardian link");
        stream.AppendOne(new GuardianUnlinked(id, caller.UserId, guardian, clock.GetUtcNow()));
        await revocation.RevokeAsync(session, guardian, ct);
        return Results.NoContent();
    }
}
