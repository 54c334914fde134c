using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Incidents;

/// <summary>The measures taken to reduce the risk and prevent a recurrence (replaces the previous text; history keeps it).</summary>
public sealed record RecordIncidentMeasures(string? Measures);

/// <summary>
/// The risk of serious injury (Law 25 s. 3.7): <c>sensitivity</c> of the data (low, medium, high), the likely <c>consequences</c>
/// (free text), their <c>likelihood</c> (unlikely, possible, likely), the conclusion <c>serious</c>, and the <c>reasoning</c>.
/// </summary>
public sealed record AssessIncidentRisk(string? Sensitivity, string? Consequences, string? Likelihood, bool? Serious, string? Reasoning);

/// <summary>
/// A notification made: <c>to</c> is <c>authority</c> (then <c>authority</c>: <c>cai</c> or <c>supervisory</c>, and an optional
/// <c>reference</c> the authority gave) or <c>people</c> (then <c>count</c> people notified and <c>means</c>: email, letter, phone,
/// inPerson, publicNotice). <c>notifiedAt</c> is when it was made.
/// </summary>
public sealed record RecordIncidentNotification(string? To, DateTimeOffset? NotifiedAt, string? Authority, string? Reference, int? Count, string? Means);

public static class UpdateIncidentEndpoints
{
    /// <summary>Record the measures taken for an incident (the DPO).</summary>
    [ProducesResponseType<IncidentView>(StatusCodes.Status200OK)]
    [ProducesProblems(400, 403, 404, 409)]
    [WolverinePost("/api/dpo/incidents/{incidentId}/measures")]
    public static async Task<IResult> RecordIncidentMeasures(Guid incidentId, RecordIncidentMeasures request, Caller caller, IDocumentSession session,
        PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (IncidentInput.DpoOnly(caller) is { } forbidden) return forbidden;
        var validation = new Validation().Require(request.Measures, "measures", IncidentRules.MaxTextLength);
        if (!validation.IsValid) return validation.ToResult();
        var stream = await session.Events.FetchForWriting<Incident>(incidentId, ct);
        if (stream.Aggregate is null) return Problems.NotFound("incident");
        if (stream.Aggregate.Withdrawal is not null) return Withdrawn();

        var now = clock.GetUtcNow();
        var e = new IncidentMeasuresRecorded(incidentId, caller.UserId,
            await vault.SealAsync(caller.SchoolId, IncidentRules.MeasuresField, incidentId, request.Measures!.Trim(), ct), now);
        stream.AppendOne(e);
        return Results.Ok(await IncidentView.OpenAsync(stream.Aggregate.Apply(e), vault, now, ct));
    }

    /// <summary>Record the assessment of the risk of serious injury (the DPO); a later assessment supersedes it, history keeps both.</summary>
    [ProducesResponseType<IncidentView>(StatusCodes.Status200OK)]
    [ProducesProblems(400, 403, 404, 409)]
    [WolverinePost("/api/dpo/incidents/{incidentId}/risk-assessment")]
    public static async Task<IResult> AssessIncidentRisk(Guid incidentId, AssessIncidentRisk request, Caller caller, IDocumentSession session,
        PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (IncidentInput.DpoOnly(caller) is { } forbidden) return forbidden;
        var validation = new Validation();
        IncidentInput.OneOf(validation, request.Sensitivity, "sensitivity", IncidentRules.Sensitivities);
        IncidentInput.OneOf(validation, request.Likelihood, "likelihood", IncidentRules.Likelihoods);
        validation.Require(request.Consequences, "consequences", IncidentRules.MaxTextLength);
        validation.Require(request.Reasoning, "reasoning", IncidentRules.MaxTextLength);
        if (request.Serious is null) validation.Add("serious", "is required: true when the risk of serious injury is established.");
        if (!validation.IsValid) return validation.ToResult();
        var stream = await session.Events.FetchForWriting<Incident>(incidentId, ct);
        if (stream.Aggregate is null) return Problems.NotFound("incident");
        if (stream.Aggregate.Withdrawal is not null) return Withdrawn();

        var now = clock.GetUtcNow();
        var e = new IncidentRiskAssessed(incidentId, caller.UserId, request.Sensitivity!,
            await vault.SealAsync(caller.SchoolId, IncidentRules.ConsequencesField, incidentId, request.Consequences!.Trim(), ct),
            request.Likelihood!, request.Serious!.Value,
            await vault.SealAsync(caller.SchoolId, IncidentRules.ReasoningField, incidentId, request.Reasoning!.Trim(), ct), now);
        stream.AppendOne(e);
        return Results.Ok(await IncidentView.OpenAsync(stream.Aggregate.Apply(e), vault, now, ct));
    }

    /// <summary>Record a notification to the authority or to the people concerned, with its date (the DPO).</summary>
    [ProducesResponseType<IncidentView>(StatusCodes.Status200OK)]
    [ProducesProblems(400, 403, 404, 409)]
    [WolverinePost("/api/dpo/incidents/{incidentId}/notifications")]
    public static async Task<IResult> RecordIncidentNotification(Guid incidentId, RecordIncidentNotification request, Caller caller, IDocumentSession session,
        PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (IncidentInput.DpoOnly(caller) is { } forbidden) return forbidden;
        var now = clock.GetUtcNow();
        var validation = new Validation();
        IncidentInput.OneOf(validation, request.To, "to", ["authority", "people"]);
        IncidentInput.Date(validation, request.NotifiedAt, "notifiedAt", now);
        if (request.To == "authority")
        {
            IncidentInput.OneOf(validation, request.Authority, "authority", IncidentRules.Authorities);
            validation.Optional(request.Reference, "reference", 200);
            if (request.Count is not null) validation.Add("count", "is for a notification of people only.");
            if (request.Means is not null) validation.Add("means", "is for a notification of people only.");
        }
        else if (request.To == "people")
        {
            IncidentInput.OneOf(validation, request.Means, "means", IncidentRules.Means);
            if (request.Count is null or < 1) validation.Add("count", "must be at least 1.");
            if (request.Authority is not null) validation.Add("authority", "is for a notification of the authority only.");
            if (request.Reference is not null) validation.Add("reference", "is for a notification of the authority only.");
        }

        if (!validation.IsValid) return validation.ToResult();
        var stream = await session.Events.FetchForWriting<Incident>(incidentId, ct);
        var incident = stream.Aggregate;
        if (incident is null) return Problems.NotFound("incident");
        if (incident.Withdrawal is not null) return Withdrawn();
        if (request.NotifiedAt < incident.DiscoveredAt) return Problems.Invalid("notifiedAt", "must not be before the incident's discoveredAt.");
        if (request.To == "people" && request.Count > incident.SubjectCount)
            return Problems.Invalid("count", "must not exceed the incident's subjectCount.");

        if (request.To == "authority")
        {
            var reference = string.IsNullOrWhiteSpace(request.Reference)
                ? null
                : await vault.SealAsync(caller.SchoolId, IncidentRules.ReferenceField, incidentId, request.Reference.Trim(), ct);
            var e = new IncidentAuthorityNotified(incidentId, caller.UserId, request.Authority!, request.NotifiedAt!.Value, reference, now);
            stream.AppendOne(e);
            incident = incident.Apply(e);
        }
        else
        {
            var e = new IncidentPeopleNotified(incidentId, caller.UserId, request.NotifiedAt!.Value, request.Count!.Value, request.Means!, now);
            stream.AppendOne(e);
            incident = incident.Apply(e);
        }

        return Results.Ok(await IncidentView.OpenAsync(incident, vault, now, ct));
    }

    private static IResult Withdrawn() => Problems.Conflict("The incident was withdrawn from the register; record a new one.");
}
