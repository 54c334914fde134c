using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Exports;

public static class DownloadExportEndpoint
{
    /// <summary>
    /// Download a built export's ZIP (DPO; a parent for an export of their own data they requested; 404 for anyone else or an unknown export, 409 while it is being built, 410 once expired or
    /// shredded: the expiry follows the school's retention policy, ExportExpiry). Streamed: decrypted segment by segment as it is sent.
    /// </summary>
    [ProducesResponseType<Stream>(StatusCodes.Status200OK, "application/zip")]
    [ProducesProblems(404, 409, 410)]
    [WolverineGet("/api/exports/{exportId}/download")]
    public static async Task<IResult> Get(Guid exportId, Caller caller, IQuerySession session, ExportStore exports, TimeProvider clock,
        CancellationToken ct)
    {
        if (caller.Role is not (Role.Dpo or Role.Guardian)) return Problems.NotFound("export");
        var export = await session.LoadAsync<SubjectExport>(exportId, ct);
        if (export is null || !ExportAccess.MayRead(caller, export)) return Problems.NotFound("export");
        if (ExportExpiry.IsGone(export, await ExportExpiry.PolicyAsync(session, caller.SchoolId, ct), clock.GetUtcNow()))
            return Problems.Gone("The export expired or was shredded; request a new one.");
        if (!export.Answered) return Problems.Conflict("The export is still being built.");
        var content = await exports.OpenReadAsync(export, ct);
        if (content is null) return Problems.Gone("The export is no longer readable (its subject was erased).");
        return Results.Stream(content, "application/zip", $"export-{export.Id:N}.zip");
    }
}
