using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Incidents;

/// <summary>Why the incident leaves the register: <c>recordedInError</c>, <c>duplicate</c> or <c>notAnIncident</c>.</summary>
public sealed record WithdrawIncident(string? ReasonCode);

public static class WithdrawIncidentEndpoint
{
    /// <summary>Withdraw an incident from the register (the DPO): the register's "delete", kept on the record.</summary>
    /// <remarks>
    /// The incident is not removed (the events are the record): it stays in the register and its export, marked <c>withdrawal</c> with the
    /// reason, who and when, its clock <c>withdrawn</c> (unless already notified) and no reminder sent. Final: a second withdrawal, a
    /// correction or a new entry on it answer 409 — record a new incident instead.
    /// </remarks>
    [ProducesResponseType<IncidentView>(StatusCodes.Status200OK)]
    [ProducesProblems(400, 403, 404, 409)]
    [WolverinePost("/api/dpo/incidents/{incidentId}/withdrawal")]
    public static async Task<IResult> Post(Guid incidentId, WithdrawIncident request, Caller caller, IDocumentSession session, PersonalDataVault vault,
        TimeProvider clock, CancellationToken ct)
    {
        if (IncidentInput.DpoOnly(caller) is { } forbidden) return forbidden;
        var validation = new Validation();
        IncidentInput.OneOf(validation, request.ReasonCode, "reasonCode", IncidentRules.WithdrawalReasons);
        if (!validation.IsValid) return validation.ToResult();
        var stream = await session.Events.FetchForWriting<Incident>(incidentId, ct);
        if (stream.Aggregate is not { } incident) return Problems.NotFound("incident");
        if (incident.Withdrawal is not null) return Problems.Conflict("The incident is already withdrawn.");

        var now = clock.GetUtcNow();
        var withdrawn = new IncidentWithdrawn(incidentId, caller.UserId, request.ReasonCode!, now);
        stream.AppendOne(withdrawn);
        return Results.Ok(await IncidentView.OpenAsync(incident.Apply(withdrawn), vault, now, ct));
    }
}
