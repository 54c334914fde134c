using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Exports;

/// <summary>
/// <c>language</c> of the summary page: fr or en (default: the school's); <c>scope</c>: all (access, the default) or providedBySubject
/// (portability: only what the parent provided).
/// </summary>
public sealed record RequestMyExport(string? Language, string? Scope = null);

/// <summary>
/// A parent asks for a subject access export of their own data (everything the school holds about them): the same request as the
/// DPO's (<c>POST /api/exports</c>), with the regime's deadline clock, listed to the DPO and built in the background. One open
/// request at a time (409 while one is being built). The requester follows it (<c>GET /api/guardians/me/exports</c>, pushes
/// <c>ExportProgressed</c>) and downloads it (<c>GET /api/exports/{id}/download</c>): <see cref="ExportAccess"/>.
/// </summary>
public static class RequestMyExportEndpoint
{
    /// <summary>Request an export of one's own data (parent): 202 with its status; 409 while an earlier one is not built yet.</summary>
    [ProducesResponseType<ExportView>(StatusCodes.Status202Accepted)]
    [ProducesProblems(400, 403, 409)]
    [WolverinePost("/api/guardians/me/exports")]
    public static async Task<(IResult, OutgoingMessages)> Post(RequestMyExport request, Caller caller, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        if (caller.Role != Role.Guardian) return (Problems.Forbidden("Parents request an export of their own data here; the DPO uses /api/exports."), []);
        if (request.Language is not null && !ExportKinds.Languages.Contains(request.Language))
            return (Problems.Invalid("language", $"must be one of {string.Join(", ", ExportKinds.Languages)}."), []);
        if (request.Scope is not null && !ExportKinds.Scopes.Contains(request.Scope))
            return (Problems.Invalid("scope", $"must be one of {string.Join(", ", ExportKinds.Scopes)}."), []);

        // Serialise a parent's requests, so two at once cannot both find none open.
        await AdvisoryLocks.TakeAsync(session, AdvisoryLocks.Keys("export-request", [caller.UserId]), ct);
        if (await session.Query<SubjectExport>().AnyAsync(e => e.RequestedBy == caller.UserId && e.CompletedAt == null && e.DeletedAt == null, ct))
            return (Problems.Conflict("An export you requested is still being prepared; wait for it before asking again."), []);

        var school = await session.LoadAsync<School>(caller.SchoolId, ct);
        var now = clock.GetUtcNow();
        var requested = ExportRequests.New(school, caller.UserId, caller.UserId, ExportKinds.Guardian, request.Scope, request.Language, now);
        session.Events.StartStream<SubjectExport>(requested.ExportId, requested);
        var export = SubjectExport.Create(requested);
        return (Results.Accepted($"/api/exports/{export.Id}", ExportView.Of(export, now)), [new RunExport(caller.SchoolId, export.Id)]);
    }

    /// <summary>The exports of one's own data one requested (parent), newest first: status, deadline and, once built, size and expiry.</summary>
    [ProducesResponseType<IReadOnlyList<ExportView>>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/guardians/me/exports")]
    public static async Task<IResult> Get(Caller caller, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role != Role.Guardian) return Problems.Forbidden("Only parents have exports of their own here.");
        var mine = await session.Query<SubjectExport>().Where(e => e.RequestedBy == caller.UserId && e.SubjectId == caller.UserId)
            .OrderByDescending(e => e.RequestedAt).Take(20).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var policy = await ExportExpiry.PolicyAsync(session, caller.SchoolId, ct);
        return Results.Ok(mine.Select(e => ExportView.Of(e, now, policy)).ToList());
    }
}

/// <summary>Who reads an export's status and downloads it: the school's DPO, and a person who requested an export of their own data.</summary>
public static class ExportAccess
{
    public static bool MayRead(Caller caller, SubjectExport export) =>
        caller.Role == Role.Dpo || (export.RequestedBy == caller.UserId && export.SubjectId == caller.UserId);
}
