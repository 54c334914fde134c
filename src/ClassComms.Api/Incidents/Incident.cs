using ClassComms.PersonalData;

namespace ClassComms.Incidents;

// Events of an incident's stream (stream id = incident id), the school's confidentiality incident register (Law 25 s. 3.5–3.8,
// GDPR art. 33(5)). Free text (nature, measures, consequences, reasoning, the authority's reference) can name people, so it is
// sealed under the school's own key (Schools/SchoolText.cs) and bound to the incident id; the people affected appear by id only.

/// <summary>The DPO recorded a confidentiality incident.</summary>
public sealed record IncidentRecorded(Guid IncidentId, Guid RecordedBy, DateTimeOffset OccurredAt, DateTimeOffset DiscoveredAt, Sealed Nature,
    IReadOnlyList<string> DataCategories, IReadOnlyList<Guid> SubjectIds, int SubjectCount, Sealed? Measures, DateTimeOffset At);

/// <summary>The DPO recorded the measures taken (replacing the previous text; the old one stays in the stream, sealed).</summary>
public sealed record IncidentMeasuresRecorded(Guid IncidentId, Guid RecordedBy, Sealed Measures, DateTimeOffset At);

/// <summary>
/// The DPO assessed the risk of serious injury: the sensitivity of the data, the likely consequences (sealed text), their likelihood,
/// the conclusion (<paramref name="Serious"/>) and the reasoning behind it (sealed text). A later assessment supersedes it.
/// </summary>
public sealed record IncidentRiskAssessed(Guid IncidentId, Guid AssessedBy, string Sensitivity, Sealed Consequences, string Likelihood,
    bool Serious, Sealed Reasoning, DateTimeOffset At);

/// <summary>The DPO recorded that the authority (<c>cai</c>, Quebec's Commission d'accès à l'information, or <c>supervisory</c>, a GDPR supervisory authority) was notified.</summary>
public sealed record IncidentAuthorityNotified(Guid IncidentId, Guid RecordedBy, string Authority, DateTimeOffset NotifiedAt, Sealed? Reference,
    DateTimeOffset At);

/// <summary>The DPO recorded that <paramref name="Count"/> of the people concerned were notified, by <paramref name="Means"/>.</summary>
public sealed record IncidentPeopleNotified(Guid IncidentId, Guid RecordedBy, DateTimeOffset NotifiedAt, int Count, string Means, DateTimeOffset At);

/// <summary>
/// The DPO corrected what was first recorded (a wrong date, a better description, people found later): each field given replaces the
/// recorded one (null: kept); the earlier values stay in the stream (free text sealed), so the register shows what was known when.
/// </summary>
public sealed record IncidentCorrected(Guid IncidentId, Guid CorrectedBy, DateTimeOffset? OccurredAt, DateTimeOffset? DiscoveredAt, Sealed? Nature,
    IReadOnlyList<string>? DataCategories, IReadOnlyList<Guid>? SubjectIds, int? SubjectCount, DateTimeOffset At);

/// <summary>
/// The DPO withdrew the incident from the register (<see cref="IncidentRules.WithdrawalReasons"/>): the register's answer to "delete". It
/// is not removed: it stays with its history, marked withdrawn, its clock stopped and no reminder sent; a withdrawal is final.
/// </summary>
public sealed record IncidentWithdrawn(Guid IncidentId, Guid WithdrawnBy, string ReasonCode, DateTimeOffset At);

/// <summary>
/// The 72-hour clock's reminder went to the school's DPOs (<c>dueSoon</c>: 24 hours left; <c>overdue</c>: the 72 hours are past), once each,
/// because the authority was still not notified and the risk not assessed as not serious (<see cref="IncidentReminders"/>).
/// </summary>
public sealed record IncidentReminderSent(Guid IncidentId, string Kind, DateTimeOffset DueAt, DateTimeOffset At);

/// <summary>A withdrawal as recorded.</summary>
public sealed record IncidentWithdrawal(string ReasonCode, Guid WithdrawnBy, DateTimeOffset At);

/// <summary>An authority notification as recorded.</summary>
public sealed record AuthorityNotification(string Authority, DateTimeOffset NotifiedAt, Sealed? Reference, Guid RecordedBy, DateTimeOffset RecordedAt);

/// <summary>A notification of the people concerned as recorded.</summary>
public sealed record PeopleNotification(DateTimeOffset NotifiedAt, int Count, string Means, Guid RecordedBy, DateTimeOffset RecordedAt);

/// <summary>The latest risk assessment.</summary>
public sealed record RiskAssessment(string Sensitivity, Sealed Consequences, string Likelihood, bool Serious, Sealed Reasoning, Guid AssessedBy,
    DateTimeOffset At);

/// <summary>An incident of the register: aggregate and its inline snapshot.</summary>
public sealed record Incident(
    Guid Id,
    Guid RecordedBy,
    DateTimeOffset OccurredAt,
    DateTimeOffset DiscoveredAt,
    Sealed Nature,
    IReadOnlyList<string> DataCategories,
    IReadOnlyList<Guid> SubjectIds,
    int SubjectCount,
    Sealed? Measures,
    RiskAssessment? Risk,
    IReadOnlyList<AuthorityNotification> AuthorityNotifications,
    IReadOnlyList<PeopleNotification> PeopleNotifications,
    DateTimeOffset RecordedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Set once withdrawn (<see cref="IncidentWithdrawn"/>).</summary>
    public IncidentWithdrawal? Withdrawal { get; init; }

    /// <summary>The reminders already sent (<see cref="IncidentReminderSent"/> kinds).</summary>
    public IReadOnlyList<string> RemindersSent { get; init; } = [];

    public static Incident Create(IncidentRecorded e) => new(e.IncidentId, e.RecordedBy, e.OccurredAt, e.DiscoveredAt, e.Nature, e.DataCategories,
        e.SubjectIds, e.SubjectCount, e.Measures, null, [], [], e.At, e.At);

    public Incident Apply(IncidentCorrected e) => this with
    {
        OccurredAt = e.OccurredAt ?? OccurredAt,
        DiscoveredAt = e.DiscoveredAt ?? DiscoveredAt,
        Nature = e.Nature ?? Nature,
        DataCategories = e.DataCategories ?? DataCategories,
        SubjectIds = e.SubjectIds ?? SubjectIds,
        SubjectCount = e.SubjectCount ?? SubjectCount,
        UpdatedAt = e.At,
    };

    public Incident Apply(IncidentWithdrawn e) => this with { Withdrawal = new IncidentWithdrawal(e.ReasonCode, e.WithdrawnBy, e.At), UpdatedAt = e.At };

    public Incident Apply(IncidentReminderSent e) => this with { RemindersSent = [.. RemindersSent ?? [], e.Kind] };

    public Incident Apply(IncidentMeasuresRecorded e) => this with { Measures = e.Measures, UpdatedAt = e.At };

    public Incident Apply(IncidentRiskAssessed e) => this with
    {
        Risk = new RiskAssessment(e.Sensitivity, e.Consequences, e.Likelihood, e.Serious, e.Reasoning, e.AssessedBy, e.At), UpdatedAt = e.At,
    };

    public Incident Apply(IncidentAuthorityNotified e) => this with
    {
        AuthorityNotifications = [.. AuthorityNotifications, new AuthorityNotification(e.Authority, e.NotifiedAt, e.Reference, e.RecordedBy, e.At)],
        UpdatedAt = e.At,
    };

    public Incident Apply(IncidentPeopleNotified e) => this with
    {
        PeopleNotifications = [.. PeopleNotifications, new PeopleNotification(e.NotifiedAt, e.Count, e.Means, e.RecordedBy, e.At)],
        UpdatedAt = e.At,
    };
}

/// <summary>The register's fixed vocabularies and the GDPR clock.</summary>
public static class IncidentRules
{
    /// <summary>GDPR art. 33(1): the supervisory authority is notified without undue delay and, where feasible, within 72 hours of discovery.</summary>
    public static readonly TimeSpan AuthorityWindow = TimeSpan.FromHours(72);

    public const int MaxTextLength = 4000;

    /// <summary>Kinds of personal data an incident may concern (the record of processing uses the same words).</summary>
    public static readonly IReadOnlyList<string> DataCategories =
        ["identity", "contact", "credentials", "messages", "media", "points", "consents", "birthDate", "portfolio", "accessLog", "other"];

    public static readonly IReadOnlyList<string> Sensitivities = ["low", "medium", "high"];
    public static readonly IReadOnlyList<string> Likelihoods = ["unlikely", "possible", "likely"];
    public static readonly IReadOnlyList<string> Authorities = ["cai", "supervisory"];
    public static readonly IReadOnlyList<string> Means = ["email", "letter", "phone", "inPerson", "publicNotice"];

    /// <summary>Why an incident leaves the register (<see cref="IncidentWithdrawn"/>).</summary>
    public static readonly IReadOnlyList<string> WithdrawalReasons = ["recordedInError", "duplicate", "notAnIncident"];

    // Field names the free text is sealed under (school key, bound to the incident id).
    public const string NatureField = "incident.nature";
    public const string MeasuresField = "incident.measures";
    public const string ConsequencesField = "incident.consequences";
    public const string ReasoningField = "incident.reasoning";
    public const string ReferenceField = "incident.reference";

    public static DateTimeOffset AuthorityDueAt(Incident incident) => incident.DiscoveredAt + AuthorityWindow;
}
