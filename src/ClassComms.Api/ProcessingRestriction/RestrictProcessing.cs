using ClassComms.Accounts;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.ProcessingRestriction;

/// <summary>Freeze a student or guardian of the school, for a reason of GDPR art. 18(1) (<see cref="Restrictions.RestrictReasons"/>).</summary>
public sealed record RestrictProcessing(Guid? SubjectId, string? ReasonCode);

/// <summary>Lift a restriction, saying why (<see cref="Restrictions.LiftReasons"/>).</summary>
public sealed record LiftProcessingRestriction(string? ReasonCode);

public sealed record RestrictionView(Guid SubjectId, string SubjectKind, bool Restricted, string ReasonCode, DateTimeOffset At);

public static class RestrictProcessingEndpoints
{
    /// <summary>Restrict the processing of a student's or guardian's data (the DPO).</summary>
    /// <remarks>
    /// From the commit on, the subject is read by the DPO only: staff and family reads answer 404 (guardians and the student account no
    /// longer see the child, and get no push about them); writes about them answer 409 and commit nothing; 409 too when already restricted.
    /// </remarks>
    [ProducesResponseType<RestrictionView>(StatusCodes.Status201Created)]
    [ProducesProblems(400, 403, 409, 410)]
    [WolverinePost("/api/dpo/restrictions")]
    public static async Task<IResult> RestrictProcessing(RestrictProcessing request, Caller caller, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's DPO restricts processing.");
        var validation = new Validation();
        if (request.SubjectId is null || request.SubjectId == Guid.Empty) validation.Add("subjectId", "is required.");
        if (string.IsNullOrWhiteSpace(request.ReasonCode)) validation.Add("reasonCode", "is required.");
        else if (!Restrictions.RestrictReasons.Contains(request.ReasonCode))
            validation.Add("reasonCode", $"must be one of: {string.Join(", ", Restrictions.RestrictReasons)}.");
        if (!validation.IsValid) return validation.ToResult();
        var subjectId = request.SubjectId!.Value;

        string kind;
        if (await session.LoadAsync<Student>(subjectId, ct) is { } student)
        {
            if (student.Erased) return Problems.Gone("The student has been erased.");
            kind = Restrictions.Student;
        }
        else if (await session.LoadAsync<UserAccount>(subjectId, ct) is { Role: Role.Guardian } member && member.SchoolId == caller.SchoolId)
        {
            if (member.ErasedAt is not null) return Problems.Gone("The guardian has been erased.");
            kind = Restrictions.Guardian;
        }
        else
        {
            return Problems.Invalid("subjectId", "must be a student or a guardian of the school.");
        }

        if (await session.LoadAsync<SubjectRestriction>(subjectId, ct) is not null) return Problems.Conflict("The subject is already restricted.");
        var now = clock.GetUtcNow();
        session.Events.Append(subjectId, new ProcessingRestricted(subjectId, caller.UserId, kind, request.ReasonCode!, now));
        // Inserted, not stored: two restrictions at the same moment cannot both commit (the second is a unique violation, 409).
        session.Insert(new SubjectRestriction(subjectId, kind, request.ReasonCode!, caller.UserId, now));
        return Results.Created($"/api/dpo/restrictions/{subjectId}", new RestrictionView(subjectId, kind, true, request.ReasonCode!, now));
    }

    /// <summary>Lift a restriction of processing (the DPO): reads, writes and pushes about the subject resume.</summary>
    [ProducesResponseType<RestrictionView>(StatusCodes.Status200OK)]
    [ProducesProblems(400, 403, 404)]
    [WolverinePost("/api/dpo/restrictions/{subjectId}/lift")]
    public static async Task<IResult> LiftProcessingRestriction(Guid subjectId, LiftProcessingRestriction request, Caller caller, IDocumentSession session,
        TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's DPO lifts a restriction of processing.");
        if (string.IsNullOrWhiteSpace(request.ReasonCode)) return Problems.Invalid("reasonCode", "is required.");
        if (!Restrictions.LiftReasons.Contains(request.ReasonCode))
            return Problems.Invalid("reasonCode", $"must be one of: {string.Join(", ", Restrictions.LiftReasons)}.");
        var current = await session.LoadAsync<SubjectRestriction>(subjectId, ct);
        if (current is null) return Problems.NotFound("restriction");

        var now = clock.GetUtcNow();
        session.Events.Append(subjectId, new ProcessingRestrictionLifted(subjectId, caller.UserId, request.ReasonCode, now));
        session.Delete<SubjectRestriction>(subjectId);
        return Results.Ok(new RestrictionView(subjectId, current.SubjectKind, false, request.ReasonCode, now));
    }
}
