using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Exports;

/// <summary>
/// An export as the DPO sees it: whose (ids), what scope, its state and progress, the deadline and whether it is overdue (not yet
/// answered after <c>dueAt</c>), and, once built, its size and expiry.
/// </summary>
public sealed record ExportView(Guid ExportId, string SubjectKind, Guid SubjectId, string Scope, string Language, string State, int ItemsDone,
    Guid RequestedBy, DateTimeOffset RequestedAt, string Regime, DateTimeOffset DueAt, bool Extended, bool Overdue, DateTimeOffset? CompletedAt,
    long Size, int Files, DateTimeOffset? ExpiresAt, DateTimeOffset? DeletedAt)
{
    /// <summary>With <paramref name="policy"/> (the school's retention policy in force), <c>expiresAt</c> is the expiry it gives (<see cref="ExportExpiry"/>).</summary>
    public static ExportView Of(SubjectExport e, DateTimeOffset now, Retention.RetentionPolicy? policy = null) => new(e.Id, e.SubjectKind, e.SubjectId,
        e.Scope, e.Language, e.State, e.ItemsDone, e.RequestedBy, e.RequestedAt, e.Regime, e.DueAt, e.Extended, !e.Answered && now > e.DueAt,
        e.CompletedAt, e.Size, e.Files, policy is null ? e.ExpiresAt : ExportExpiry.ExpiresAt(e, policy), e.DeletedAt);
}

public static class ListExportsEndpoint
{
    /// <summary>The school's export requests, newest first (DPO); <c>open=true</c>: only those not yet answered, with their due dates.</summary>
    [ProducesResponseType<IReadOnlyList<ExportView>>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/exports")]
    public static async Task<IResult> ListExports(bool? open, Caller caller, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer reads export requests.");
        var query = session.Query<SubjectExport>().AsQueryable();
        if (open == true) query = query.Where(e => e.CompletedAt == null && e.DeletedAt == null);
        var exports = await query.OrderByDescending(e => e.RequestedAt).Take(500).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var policy = await ExportExpiry.PolicyAsync(session, caller.SchoolId, ct);
        return Results.Ok(exports.Select(e => ExportView.Of(e, now, policy)).ToList());
    }

    /// <summary>One export's status and progress (DPO; a parent for an export of their own data they requested).</summary>
    [ProducesResponseType<ExportView>(StatusCodes.Status200OK)]
    [ProducesProblems(404)]
    [WolverineGet("/api/exports/{exportId}")]
    public static async Task<IResult> GetExport(Guid exportId, Caller caller, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role is not (Role.Dpo or Role.Guardian)) return Problems.NotFound("export");
        var export = await session.LoadAsync<SubjectExport>(exportId, ct);
        return export is null || !ExportAccess.MayRead(caller, export) ? Problems.NotFound("export") : Results.Ok(ExportView.Of(export, clock.GetUtcNow(), await ExportExpiry.PolicyAsync(session, caller.SchoolId, ct)));
    }
}
