using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace ClassComms.Students;

public sealed record ParentCodeIssued(Guid CodeId, Guid StudentId, string Code, DateTimeOffset ExpiresAt);

/// <summary>The class teacher (or a leader) issues a parent code for a student. The code is shown once.</summary>
public static class IssueParentCodeEndpoint
{
    /// <summary>Issue a parent code for a student; the code is shown only in this answer.</summary>
    [ProducesResponseType<ParentCodeIssued>(StatusCodes.Status201Created)]
    [ProducesProblems(409, 410)]
    [WolverinePost("/api/students/{studentId}/parent-codes")]
    public static async Task<IResult> Issue(Guid studentId, Caller caller, IDocumentSession session, BlindIndex index,
        IOptions<ParentCodeOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (await StudentAccess.TeachableAsync(session, caller, studentId, ct) is not { } found) return Problems.NotFound("student");
        if (found.Student.Erased) return Problems.Gone("The student has been erased.");
        if (await ProcessingRestriction.Restrictions.WriteRefusalAsync(session, caller, [studentId], ct) is { } frozen) return frozen;

        var now = clock.GetUtcNow();
        var code = ParentCode.NewCode();
        var parentCode = new ParentCode
        {
            Id = index.Of(ParentCode.Purpose, ParentCode.Normalise(code)),
            CodeId = Guid.CreateVersion7(),
            SchoolId = caller.SchoolId,
            StudentId = studentId,
            IssuedBy = caller.UserId,
            IssuedAt = now,
            ExpiresAt = now + options.Value.Lifetime,
        };
        session.Store(parentCode);
        return Results.Created($"/api/students/{studentId}/parent-codes/{parentCode.CodeId}",
            new ParentCodeIssued(parentCode.CodeId, studentId, code, parentCode.ExpiresAt));
    }
}
