using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Incidents;

/// <summary>
/// A confidentiality incident: when it happened and when the school discovered it, what happened (<c>nature</c>, free text), the
/// kinds of personal data concerned (<see cref="IncidentRules.DataCategories"/>), the people affected by id (students or members of
/// the school) and how many in all (<c>subjectCount</c>, at least as many as the ids: some may be unknown), and the measures taken.
/// </summary>
public sealed record RecordIncident(DateTimeOffset? OccurredAt, DateTimeOffset? DiscoveredAt, string? Nature, IReadOnlyList<string>? DataCategories,
    IReadOnlyList<Guid>? SubjectIds, int? SubjectCount, string? Measures);

public sealed record IncidentCreated(Guid IncidentId);

public static class RecordIncidentEndpoint
{
    /// <summary>Record a confidentiality incident in the school's register (the DPO).</summary>
    [ProducesResponseType<IncidentCreated>(StatusCodes.Status201Created)]
    [ProducesProblems(400, 403)]
    [WolverinePost("/api/dpo/incidents")]
    public static async Task<(IResult, OutgoingMessages)> Post(RecordIncident request, Caller caller, IDocumentSession session, PersonalDataVault vault,
        TimeProvider clock, CancellationToken ct)
    {
        if (IncidentInput.DpoOnly(caller) is { } forbidden) return (forbidden, []);
        var now = clock.GetUtcNow();
        if (Validate(request, now) is { } invalid) return (invalid, []);
        var subjects = request.SubjectIds?.Distinct().ToList() ?? [];
        if (!await IncidentInput.AllKnownAsync(session, caller, subjects, ct))
            return (Problems.Invalid("subjectIds", "must be ids of students or members of the school."), []);

        var id = Guid.CreateVersion7();
        var nature = await vault.SealAsync(caller.SchoolId, IncidentRules.NatureField, id, request.Nature!.Trim(), ct);
        var measures = string.IsNullOrWhiteSpace(request.Measures)
            ? null
            : await vault.SealAsync(caller.SchoolId, IncidentRules.MeasuresField, id, request.Measures.Trim(), ct);
        var recorded = new IncidentRecorded(id, caller.UserId, request.OccurredAt!.Value, request.DiscoveredAt!.Value,
            nature, request.DataCategories!.Distinct().ToList(), subjects, request.SubjectCount ?? subjects.Count, measures, now);
        session.Events.StartStream<Incident>(id, recorded);
        // The 72-hour clock's reminders, durable and scheduled in this transaction (IncidentReminders).
        var messages = new OutgoingMessages();
        IncidentReminders.Schedule(messages, caller.SchoolId, Incident.Create(recorded));
        return (Results.Created($"/api/dpo/incidents/{id}", new IncidentCreated(id)), messages);
    }

    /// <summary>Every invalid field at once (400), before anything is sealed or staged.</summary>
    public static IResult? Validate(RecordIncident request, DateTimeOffset now)
    {
        var validation = new Validation();
        IncidentInput.Date(validation, request.OccurredAt, "occurredAt", now);
        IncidentInput.Date(validation, request.DiscoveredAt, "discoveredAt", now, request.OccurredAt, "occurredAt");
        validation.Require(request.Nature, "nature", IncidentRules.MaxTextLength);
        validation.Optional(request.Measures, "measures", IncidentRules.MaxTextLength);
        if (request.DataCategories is null || request.DataCategories.Count == 0) validation.Add("dataCategories", "needs at least one category.");
        else if (request.DataCategories.Any(c => !IncidentRules.DataCategories.Contains(c)))
            validation.Add("dataCategories", $"must each be one of: {string.Join(", ", IncidentRules.DataCategories)}.");
        var ids = request.SubjectIds?.Distinct().Count() ?? 0;
        if (request.SubjectIds?.Any(i => i == Guid.Empty) == true) validation.Add("subjectIds", "must not contain an empty id.");
        if (request.SubjectIds?.Count > 10_000) validation.Add("subjectIds", "must hold at most 10000 ids.");
        if (request.SubjectCount is { } count && (count < ids || count < 0))
            validation.Add("subjectCount", "must be at least the number of subjectIds.");
        if (request.SubjectCount is null && ids == 0) validation.Add("subjectCount", "is required when no subjectIds are given.");
        return validation.IsValid ? null : validation.ToResult();
    }
}
