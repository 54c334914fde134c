using System.Security.Claims;
using ClassComms.Accounts;
using ClassComms.Platform;
using Marten;
using Wolverine.Http;

namespace ClassComms.Students;

/// <summary>
/// Custody restriction: a school leader or the DPO stops one guardian from seeing or receiving anything
/// about a student, from now on (history included). Irreversible through the API by design.
/// </summary>
public static class RestrictGuardianEndpoint
{
    [WolverinePost("/api/students/{studentId}/guardians/{guardianId}/restriction")]
    public static async Task<IResult> Post(string studentId, string guardianId, ClaimsPrincipal user, IDocumentSession session,
        TimeProvider clock, SessionRevocation revocation, CancellationToken ct)
    {
        if (!Ids.TryParse(studentId, "studentId", out var id, out var bad)) return bad!;
        if (!Ids.TryParse(guardianId, "guardianId", out var guardian, out bad)) return bad!;
        var caller = Caller.Of(user);
        if (caller.Role is not (Role.Leader or Role.Dpo)) return Problems.Forbidden("Only a school leader or the DPO can restrict a guardian.");

        var stream = await session.Events.FetchForWriting<Student>(id, ct);
        var student = stream.Aggregate;
        if (student is null) return Problems.NotFound("student");
        var link = student.Guardians.FirstOrDefault(g => g.GuardianId == guardian);
        if (link is null) return Problems.NotFound("guardian link");
        if (link.Restricted) return Results.NoContent();

        stream.AppendOne(new GuardianRestricted(id, caller.UserId, guardian, clock.GetUtcNow()));
        await revocation.RevokeAsync(session, guardian, ct);
        return Results.NoContent();
    }
}
