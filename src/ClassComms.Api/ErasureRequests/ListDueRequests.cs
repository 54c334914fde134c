using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.ErasureRequests;

/// <summary>An open subject request on the DPO's "what is due" list: ids, kind, times and state only.</summary>
public sealed record DueRequest(Guid RequestId, string Kind, string SubjectKind, Guid SubjectId, string State, DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt, bool Extended, bool Overdue);

/// <summary>
/// What is due: every open subject request of the school (received, or approved and not yet certified), soonest due first, with an
/// overdue flag. Erasure requests today; export requests join when <c>Exports/</c> has them.
/// </summary>
public static class ListDueRequestsEndpoint
{
    public const string Erasure = "erasure";

    /// <summary>The DPO's open subject requests, soonest due first.</summary>
    [ProducesResponseType<IReadOnlyList<DueRequest>>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/dpo/requests")]
    public static async Task<IResult> Get(Caller caller, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer reads what is due.");
        var now = clock.GetUtcNow();
        var open = await session.Query<ErasureRequest>().Where(r => r.RefusedAt == null && r.CertificateIssuedAt == null).ToListAsync(ct);
        var due = open.Select(r => new DueRequest(r.Id, Erasure, r.SubjectKind, r.SubjectId, r.State, r.ReceivedAt, r.DueAt, r.Extended, r.OverdueAt(now)))
            .OrderBy(r => r.DueAt)
            .ToList();
        return Results.Ok(due);
    }
}
