using System.Security.Claims;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace ClassComms.Students;

public sealed record ParentCodeIssued(Guid CodeId, Guid StudentId, string Code, DateTimeOffset ExpiresAt);

public sealed record ParentCodeView(Guid CodeId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string Status);

/// <summary>The class teacher (or a leader) issues, lists and revokes parent codes. The code is shown once.</summary>
public static class ParentCodesEndpoint
{
    [WolverinePost("/api/students/{studentId}/parent-codes")]
    public static async Task<IResult> Issue(string studentId, ClaimsPrincipal user, IDocumentSession session, BlindIndex index,
        IOptions<ParentCodeOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (!Ids.TryParse(studentId, "studentId", out var id, out var bad)) return bad!;
        var caller = Caller.Of(user);
        if (await StudentAccess.TeachableAsync(session, caller, id, ct) is not { } found) return Problems.NotFound("student");
        if (found.Student.Erased) return Problems.Gone("The student has been erased.");

        var now = clock.GetUtcNow();
        var code = ParentCode.NewCode();
        var parentCode = new ParentCode
        {
            Id = index.Of(ParentCode.Purpose, ParentCode.Normalise(code)),
            CodeId = Guid.CreateVersion7(),
            SchoolId = caller.SchoolId,
            StudentId = id,
            IssuedBy = caller.UserId,
            IssuedAt = now,
            ExpiresAt = now + options.Value.Lifetime,
        };
        session.Store(parentCode);
        return Results.Created($"/api/students/{id}/parent-codes/{parentCode.CodeId}",
            new ParentCodeIssued(parentCode.CodeId, id, code, parentCode.ExpiresAt));
    }

    [WolverineGet("/api/students/{studentId}/parent-codes")]
    public static async Task<IResult> List(string studentId, ClaimsPrincipal user, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        if (!Ids.TryParse(studentId, "studentId", out var id, out var bad)) return bad!;
        var caller = Caller.Of(user);
        if (await StudentAccess.TeachableAsync(session, caller, id, ct) is null) return Problems.NotFound("student");
        var now = clock.GetUtcNow();
        var codes = await session.Query<ParentCode>().Where(c => c.SchoolId == caller.SchoolId && c.StudentId == id).ToListAsync(ct);
        return Results.Ok(codes.OrderBy(c => c.IssuedAt).Select(c => new ParentCodeView(c.CodeId, c.IssuedAt, c.ExpiresAt,
            c.RevokedAt is not null ? "revoked" : c.RedeemedAt is not null ? "redeemed" : c.ExpiresAt <= now ? "expired" : "active")).ToList());
    }

    [WolverineDelete("/api/students/{studentId}/parent-codes/{codeId}")]
    public static async Task<IResult> Revoke(string studentId, string codeId, ClaimsPrincipal user, IDocumentSession session,
        TimeProvider clock, CancellationToken ct)
    {
        if (!Ids.TryParse(studentId, "studentId", out var id, out var bad)) return bad!;
        if (!Ids.TryParse(codeId, "codeId", out var code, out bad)) return bad!;
        var caller = Caller.Of(user);
        if (await StudentAccess.TeachableAsync(session, caller, id, ct) is null) return Problems.NotFound("student");
        var parentCode = await session.Query<ParentCode>()
            .FirstOrDefaultAsync(c => c.SchoolId == caller.SchoolId && c.StudentId == id && c.CodeId == code, ct);
        if (parentCode is null) return Problems.NotFound("parent code");
        if (parentCode.RedeemedAt is not null) return Problems.Conflict("The code was already redeemed; restrict the guardian instead.");
        parentCode.RevokedAt ??= clock.GetUtcNow();
        session.Store(parentCode);
        return Results.NoContent();
    }
}
