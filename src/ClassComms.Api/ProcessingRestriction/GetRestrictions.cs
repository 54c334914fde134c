using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.ProcessingRestriction;

/// <summary>One restriction or lifting: who, when, why.</summary>
public sealed record RestrictionChange(string Kind, Guid Actor, string ReasonCode, DateTimeOffset At);

public sealed record RestrictionHistoryView(Guid SubjectId, bool Restricted, IReadOnlyList<RestrictionChange> Changes);

public static class GetRestrictionsEndpoints
{
    /// <summary>The subjects whose processing is restricted now (the DPO).</summary>
    [ProducesResponseType<IReadOnlyList<SubjectRestriction>>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/dpo/restrictions")]
    public static async Task<IResult> ListRestrictions(Caller caller, IQuerySession session, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's DPO reads restrictions of processing.");
        return Results.Ok(await session.Query<SubjectRestriction>().OrderBy(r => r.Since).ToListAsync(ct));
    }

    /// <summary>Every restriction and lifting of one subject, oldest first (the DPO).</summary>
    [ProducesResponseType<RestrictionHistoryView>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/dpo/restrictions/{subjectId}/history")]
    public static async Task<IResult> GetRestrictionHistory(Guid subjectId, Caller caller, IQuerySession session, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's DPO reads restrictions of processing.");
        var changes = (await session.Events.FetchStreamAsync(subjectId, token: ct)).Select(e => e.Data switch
        {
            ProcessingRestricted r => new RestrictionChange("restricted", r.RestrictedBy, r.ReasonCode, r.At),
            ProcessingRestrictionLifted l => new RestrictionChange("lifted", l.LiftedBy, l.ReasonCode, l.At),
            _ => null,
        }).OfType<RestrictionChange>().ToList();
        var current = await session.LoadAsync<SubjectRestriction>(subjectId, ct);
        return Results.Ok(new RestrictionHistoryView(subjectId, current is not null, changes));
    }
}
