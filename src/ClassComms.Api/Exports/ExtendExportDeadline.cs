using ClassComms.Dpo;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Exports;

/// <summary>Why the deadline is extended (told to the subject; sealed for them).</summary>
public sealed record ExtendExportDeadline(string? Reason);

public static class ExtendExportDeadlineEndpoint
{
    /// <summary>
    /// Extend an open export's deadline where the school's regime allows it (GDPR: +2 months; Quebec public bodies: +10 days; Quebec
    /// private sector: never, 409), once, with a reason (DPO).
    /// </summary>
    [ProducesResponseType<ExportView>(StatusCodes.Status200OK)]
    [ProducesProblems(400, 404, 409)]
    [WolverinePost("/api/exports/{exportId}/extension")]
    public static async Task<IResult> Post(Guid exportId, ExtendExportDeadline request, Caller caller, IDocumentSession session,
        PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.NotFound("export");
        var validation = new Validation().Require(request.Reason, "reason", 2000);
        if (!validation.IsValid) return validation.ToResult();
        // Loaded, not fetched for writing: the background run appends its progress to the same stream meanwhile, and an extension does not
        // depend on it (two racing extensions both set the same extended due date).
        await ExportLocks.TakeAsync(session, exportId, ct);
        if (await session.LoadAsync<SubjectExport>(exportId, ct) is not { } export) return Problems.NotFound("export");
        var regime = RequestDeadlines.Parse(export.Regime) ?? PrivacyRegime.Gdpr;
        if (!RequestDeadlines.CanExtend(regime)) return Problems.Conflict("The school's privacy regime does not allow extending this deadline.");
        if (export.Extended) return Problems.Conflict("The deadline was already extended.");
        if (export.Answered || export.DeletedAt is not null) return Problems.Conflict("The request is already answered.");

        var school = await session.LoadAsync<School>(caller.SchoolId, ct);
        var now = clock.GetUtcNow();
        var dueAt = RequestDeadlines.DueAt(regime, export.RequestedAt, true, RequestDeadlines.ZoneOf(school));
        var reason = await vault.SealAsync(caller.Tenant, export.SubjectId, "export.extension-reason", exportId.ToString(), request.Reason!.Trim(), ct);
        var extended = new ExportDeadlineExtended(exportId, caller.UserId, reason, dueAt, now);
        session.Events.Append(exportId, extended);
        return Results.Ok(ExportView.Of(export.Apply(extended), now));
    }
}
