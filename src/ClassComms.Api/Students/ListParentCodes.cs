using ClassComms.AccessLog;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Students;

public sealed record ParentCodeView(Guid CodeId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string Status);

/// <summary>The class teacher (or a leader) lists a student's parent codes and their status; never the codes themselves.</summary>
public static class ListParentCodesEndpoint
{
    /// <summary>List a student's parent codes and their status (never the codes themselves).</summary>
    [ProducesResponseType<IReadOnlyList<ParentCodeView>>(StatusCodes.Status200OK)]
    [WolverineGet("/api/students/{studentId}/parent-codes")]
    public static async Task<IResult> List(Guid studentId, Caller caller, IQuerySession session, TimeProvider clock, StaffReads reads,
        CancellationToken ct)
    {
        if (await StudentAccess.TeachableAsync(session, caller, studentId, ct) is null) return Problems.NotFound("student");
        var now = clock.GetUtcNow();
        var codes = await session.Query<ParentCode>().Where(c => c.SchoolId == caller.SchoolId && c.StudentId == studentId).ToListAsync(ct);
        await reads.RecordAsync(caller, studentId, AccessKinds.ParentCodes, null, ct);
        return Results.Ok(codes.OrderBy(c => c.IssuedAt).Select(c => new ParentCodeView(c.CodeId, c.IssuedAt, c.ExpiresAt,
            c.RevokedAt is not null ? "revoked" : c.RedeemedAt is not null ? "redeemed" : c.ExpiresAt <= now ? "expired" : "active")).ToList());
    }
}
