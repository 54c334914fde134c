using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Incidents;

public sealed record RiskAssessmentView(string Sensitivity, string? Consequences, string Likelihood, bool Serious, string? Reasoning,
    Guid AssessedBy, DateTimeOffset AssessedAt);

public sealed record AuthorityNotificationView(string Authority, DateTimeOffset NotifiedAt, string? Reference, Guid RecordedBy, DateTimeOffset RecordedAt);

public sealed record PeopleNotificationView(DateTimeOffset NotifiedAt, int Count, string Means, Guid RecordedBy, DateTimeOffset RecordedAt);

/// <summary>
/// The GDPR art. 33 clock: due 72 hours after discovery. <c>state</c>: <c>notified</c> (within the 72 hours), <c>notifiedLate</c>,
/// <c>running</c> (not yet notified, time left), <c>overdue</c> (not notified and the 72 hours are past; a late notification must
/// give the reasons for the delay), <c>notRequired</c> (assessed as not serious and not notified), or <c>withdrawn</c> (the incident was
/// withdrawn from the register and not notified).
/// </summary>
public sealed record AuthorityClockView(DateTimeOffset DueAt, string State, double HoursSinceDiscovery, DateTimeOffset? FirstNotifiedAt);

/// <summary>One change of an incident: its kind, who made it, when.</summary>
public sealed record IncidentChange(string Kind, Guid Actor, DateTimeOffset At);

/// <summary>An incident as the DPO reads it (free text opened; null once the school's key is destroyed).</summary>
public sealed record IncidentView(Guid IncidentId, DateTimeOffset OccurredAt, DateTimeOffset DiscoveredAt, string? Nature,
    IReadOnlyList<string> DataCategories, IReadOnlyList<Guid> SubjectIds, int SubjectCount, string? Measures, RiskAssessmentView? Risk,
    IReadOnlyList<AuthorityNotificationView> AuthorityNotifications, IReadOnlyList<PeopleNotificationView> PeopleNotifications,
    AuthorityClockView AuthorityClock, Guid RecordedBy, DateTimeOffset RecordedAt, DateTimeOffset UpdatedAt,
    IReadOnlyList<IncidentChange>? History = null, IncidentWithdrawal? Withdrawal = null)
{
    public static async Task<IncidentView> OpenAsync(Incident i, PersonalDataVault vault, DateTimeOffset now, CancellationToken ct,
        IReadOnlyList<IncidentChange>? history = null)
    {
        var risk = i.Risk is { } r
            ? new RiskAssessmentView(r.Sensitivity, await vault.OpenAsync(r.Consequences, i.Id, ct), r.Likelihood, r.Serious,
                await vault.OpenAsync(r.Reasoning, i.Id, ct), r.AssessedBy, r.At)
            : null;
        var authorities = new List<AuthorityNotificationView>();
        foreach (var a in i.AuthorityNotifications)
            authorities.Add(new AuthorityNotificationView(a.Authority, a.NotifiedAt, await vault.OpenAsync(a.Reference, i.Id, ct), a.RecordedBy, a.RecordedAt));
        return new IncidentView(i.Id, i.OccurredAt, i.DiscoveredAt, await vault.OpenAsync(i.Nature, i.Id, ct), i.DataCategories, i.SubjectIds,
            i.SubjectCount, await vault.OpenAsync(i.Measures, i.Id, ct), risk, authorities,
            i.PeopleNotifications.Select(p => new PeopleNotificationView(p.NotifiedAt, p.Count, p.Means, p.RecordedBy, p.RecordedAt)).ToList(),
            Clock(i, now), i.RecordedBy, i.RecordedAt, i.UpdatedAt, history, i.Withdrawal);
    }

    /// <summary>The 72-hour clock of GDPR art. 33(1), from discovery. Pure.</summary>
    public static AuthorityClockView Clock(Incident i, DateTimeOffset now)
    {
        var due = IncidentRules.AuthorityDueAt(i);
        var first = i.AuthorityNotifications.Count == 0 ? (DateTimeOffset?)null : i.AuthorityNotifications.Min(a => a.NotifiedAt);
        var state = first switch
        {
            { } at when at <= due => "notified",
            not null => "notifiedLate",
            null when i.Withdrawal is not null => "withdrawn",
            null when i.Risk is { Serious: false } => "notRequired",
            null when now > due => "overdue",
            _ => "running",
        };
        return new AuthorityClockView(due, state, Math.Round((now - i.DiscoveredAt).TotalHours, 1), first);
    }
}

public static class GetIncidentsEndpoint
{
    /// <summary>The school's confidentiality incident register, newest discovery first (the DPO).</summary>
    [ProducesResponseType<IReadOnlyList<IncidentView>>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/dpo/incidents")]
    public static async Task<IResult> ListIncidents(Caller caller, IQuerySession session, PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (IncidentInput.DpoOnly(caller) is { } forbidden) return forbidden;
        return Results.Ok(await RegisterAsync(session, vault, clock.GetUtcNow(), withHistory: false, ct));
    }

    /// <summary>One incident with every change made to it (kind, actor, time) (the DPO).</summary>
    [ProducesResponseType<IncidentView>(StatusCodes.Status200OK)]
    [ProducesProblems(403, 404)]
    [WolverineGet("/api/dpo/incidents/{incidentId}")]
    public static async Task<IResult> GetIncident(Guid incidentId, Caller caller, IQuerySession session, PersonalDataVault vault, TimeProvider clock,
        CancellationToken ct)
    {
        if (IncidentInput.DpoOnly(caller) is { } forbidden) return forbidden;
        var incident = await session.LoadAsync<Incident>(incidentId, ct);
        if (incident is null) return Problems.NotFound("incident");
        return Results.Ok(await IncidentView.OpenAsync(incident, vault, clock.GetUtcNow(), ct, await HistoryAsync(session, incidentId, ct)));
    }

    public static async Task<IReadOnlyList<IncidentView>> RegisterAsync(IQuerySession session, PersonalDataVault vault, DateTimeOffset now,
        bool withHistory, CancellationToken ct)
    {
        var incidents = await session.Query<Incident>().OrderByDescending(i => i.DiscoveredAt).ToListAsync(ct);
        var views = new List<IncidentView>();
        foreach (var i in incidents)
            views.Add(await IncidentView.OpenAsync(i, vault, now, ct, withHistory ? await HistoryAsync(session, i.Id, ct) : null));
        return views;
    }

    public static async Task<IReadOnlyList<IncidentChange>> HistoryAsync(IQuerySession session, Guid incidentId, CancellationToken ct) =>
        (await session.Events.FetchStreamAsync(incidentId, token: ct)).Select(e => e.Data switch
        {
            IncidentRecorded r => new IncidentChange("recorded", r.RecordedBy, r.At),
            IncidentMeasuresRecorded m => new IncidentChange("measuresRecorded", m.RecordedBy, m.At),
            IncidentRiskAssessed a => new IncidentChange("riskAssessed", a.AssessedBy, a.At),
            IncidentAuthorityNotified n => new IncidentChange("authorityNotified", n.RecordedBy, n.At),
            IncidentPeopleNotified p => new IncidentChange("peopleNotified", p.RecordedBy, p.At),
            IncidentCorrected c => new IncidentChange("corrected", c.CorrectedBy, c.At),
            IncidentWithdrawn w => new IncidentChange("withdrawn", w.WithdrawnBy, w.At),
            IncidentReminderSent r => new IncidentChange(r.Kind == IncidentReminders.DueSoon ? "reminderDueSoon" : "reminderOverdue", Guid.Empty, r.At),
            _ => null,
        }).OfType<IncidentChange>().ToList();
}
