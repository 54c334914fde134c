using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Students;

/// <summary>The class teacher (or a leader) revokes a parent code that has not been redeemed.</summary>
public static class RevokeParentCodeEndpoint
{
    /// <summary>Revoke a parent code that has not been redeemed.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(409)]
    [WolverineDelete("/api/students/{studentId}/parent-codes/{codeId}")]
    public static async Task<IResult> Revoke(Guid studentId, Guid codeId, Caller caller, IDocumentSession session,
        TimeProvider clock, CancellationToken ct)
    {
        if (await StudentAccess.TeachableAsync(session, caller, studentId, ct) is null) return Problems.NotFound("student");
        var parentCode = await session.Query<ParentCode>()
            .FirstOrDefaultAsync(c => c.SchoolId == caller.SchoolId && c.StudentId == studentId && c.CodeId == codeId, ct);
        if (parentCode is null) return Problems.NotFound("parent code");
        if (parentCode.RedeemedAt is not null) return Problems.Conflict("The code was already redeemed; restrict the guardian instead.");
        parentCode.RevokedAt ??= clock.GetUtcNow();
        session.Store(parentCode);
        return Results.NoContent();
    }
}
