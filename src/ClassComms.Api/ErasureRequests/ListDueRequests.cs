using ClassComms.Exports;
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
/// overdue flag: erasure requests (<c>ErasureRequests/</c>) and subject access exports not yet answered (<c>Exports/</c>: queued or
/// being built; a built, expired or shredded export is answered). An export's state is its build state (queued, collecting, writing).
/// </summary>
public static class ListDueRequestsEndpoint
{
    public const string Erasure = "erasure";
    public const string Export = "export";

    /// <summary>The DPO's open subject requests, soonest due first.</summary>
    [ProducesResponseType<IReadOnlyList<DueRequest>>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/dpo/requests")]
    public static async Task<IResult> Get(Caller caller, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer reads what is due.");
        var now = clock.GetUtcNow();
        var open = await session.Query<ErasureRequest>().Where(r => r.RefusedAt == null && r.CertificateIssuedAt == null).ToListAsync(ct);
        var exports = await session.Query<SubjectExport>().Where(e => e.CompletedAt == null && e.DeletedAt == null).ToListAsync(ct);
        var due = open.Select(r => new DueRequest(r.Id, Erasure, r.SubjectKind, r.SubjectId, r.State, r.ReceivedAt, r.DueAt, r.Extended, r.OverdueAt(now)))
            .Concat(exports.Select(e => new DueRequest(e.Id, Export, e.SubjectKind, e.SubjectId, e.State, e.RequestedAt, e.DueAt, e.Extended,
                ExportView.Of(e, now).Overdue)))
            .OrderBy(r => r.DueAt)
            .ThenBy(r => r.ReceivedAt)
            .ToList();
        return Results.Ok(due);
    }
}
