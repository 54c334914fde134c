using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Incidents;

/// <summary>
/// A correction of what was recorded: any of the fields of <see cref="RecordIncident"/> except the measures (recorded on their own); a
/// field left out keeps its value. At least one is needed.
/// </summary>
public sealed record CorrectIncident(DateTimeOffset? OccurredAt, DateTimeOffset? DiscoveredAt, string? Nature, IReadOnlyList<string>? DataCategories,
    IReadOnlyList<Guid>? SubjectIds, int? SubjectCount);

public static class CorrectIncidentEndpoint
{
    /// <summary>Correct an incident's dates, description, data categories or people (the DPO); history keeps the earlier values.</summary>
    /// <remarks>
    /// 400 names every invalid field (the same rules as recording, checked against the values the incident keeps) and commits nothing; 404
    /// for an unknown incident; 409 once withdrawn. A corrected discovery date moves the 72-hour clock and its reminders.
    /// </remarks>
    [ProducesResponseType<IncidentView>(StatusCodes.Status200OK)]
    [ProducesProblems(400, 403, 404, 409)]
    [WolverinePost("/api/dpo/incidents/{incidentId}/correction")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid incidentId, CorrectIncident request, Caller caller, IDocumentSession session,
        PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (IncidentInput.DpoOnly(caller) is { } forbidden) return (forbidden, []);
        var stream = await session.Events.FetchForWriting<Incident>(incidentId, ct);
        if (stream.Aggregate is not { } incident) return (Problems.NotFound("incident"), []);
        var now = clock.GetUtcNow();
        if (Problem(request, incident, now) is { } invalid) return (invalid, []);
        if (incident.Withdrawal is not null) return (Problems.Conflict("The incident was withdrawn from the register; record a new one."), []);
        var subjects = request.SubjectIds?.Distinct().ToList();
        if (subjects is not null && !await IncidentInput.AllKnownAsync(session, caller, subjects, ct))
            return (Problems.Invalid("subjectIds", "must be ids of students or members of the school."), []);

        var nature = string.IsNullOrWhiteSpace(request.Nature)
            ? null
            : await vault.SealAsync(caller.SchoolId, IncidentRules.NatureField, incidentId, request.Nature.Trim(), ct);
        var corrected = new IncidentCorrected(incidentId, caller.UserId, request.OccurredAt, request.DiscoveredAt, nature,
            request.DataCategories?.Distinct().ToList(), subjects, request.SubjectCount ?? (subjects is null ? null : Math.Max(subjects.Count, incident.SubjectCount)),
            now);
        stream.AppendOne(corrected);
        var after = incident.Apply(corrected);
        var messages = new OutgoingMessages();
        if (request.DiscoveredAt is not null) IncidentReminders.Schedule(messages, caller.SchoolId, after);
        return (Results.Ok(await IncidentView.OpenAsync(after, vault, now, ct)), messages);
    }

    /// <summary>Every invalid field at once (400), the corrected values checked with the ones kept. Pure.</summary>
    public static IResult? Problem(CorrectIncident request, Incident incident, DateTimeOffset now)
    {
        var validation = new Validation();
        if (request is { OccurredAt: null, DiscoveredAt: null, Nature: null, DataCategories: null, SubjectIds: null, SubjectCount: null })
        {
            validation.Add("occurredAt", "or another field is required: give at least one field to correct.");
            return validation.ToResult();
        }

        var occurred = request.OccurredAt ?? incident.OccurredAt;
        if (request.OccurredAt is not null) IncidentInput.Date(validation, request.OccurredAt, "occurredAt", now);
        if (request.DiscoveredAt is not null || request.OccurredAt is not null)
            IncidentInput.Date(validation, request.DiscoveredAt ?? incident.DiscoveredAt, request.DiscoveredAt is null ? "occurredAt" : "discoveredAt", now,
                occurred, request.DiscoveredAt is null ? "the recorded discoveredAt" : "occurredAt");
        if (request.Nature is not null) validation.Require(request.Nature, "nature", IncidentRules.MaxTextLength);
        if (request.DataCategories is { Count: 0 }) validation.Add("dataCategories", "needs at least one category.");
        else if (request.DataCategories?.Any(c => !IncidentRules.DataCategories.Contains(c)) == true)
            validation.Add("dataCategories", $"must each be one of: {string.Join(", ", IncidentRules.DataCategories)}.");
        if (request.SubjectIds?.Any(i => i == Guid.Empty) == true) validation.Add("subjectIds", "must not contain an empty id.");
        if (request.SubjectIds?.Count > 10_000) validation.Add("subjectIds", "must hold at most 10000 ids.");
        var ids = request.SubjectIds?.Distinct().Count() ?? incident.SubjectIds.Count;
        if (request.SubjectCount is { } count && (count < ids || count < 0)) validation.Add("subjectCount", "must be at least the number of subjectIds.");
        return validation.IsValid ? null : validation.ToResult();
    }
}
