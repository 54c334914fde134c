using ClassComms.PersonalData;

namespace ClassComms.Exports;

/// <summary>Whose data an export holds, and how much of it.</summary>
public static class ExportKinds
{
    public const string Student = "student";
    public const string Guardian = "guardian";
    public const string Staff = "staff";
    public static readonly IReadOnlyList<string> Subjects = [Student, Guardian, Staff];

    /// <summary>Everything the school holds about the subject (GDPR art. 15).</summary>
    public const string All = "all";

    /// <summary>Only what the subject (or, for a minor, a guardian on their behalf) provided: portability (GDPR art. 20, Law 25 s. 27).</summary>
    public const string ProvidedBySubject = "providedBySubject";
    public static readonly IReadOnlyList<string> Scopes = [All, ProvidedBySubject];

    public static readonly IReadOnlyList<string> Languages = ["fr", "en"];
}

/// <summary>Where an item of an export came from.</summary>
public static class Provenance
{
    /// <summary>Collected from the person: written, uploaded or given by them (or by their guardian on a minor's behalf).</summary>
    public const string ProvidedBySubject = "providedBySubject";

    /// <summary>Created by the school's staff about the person.</summary>
    public const string CreatedByStaff = "createdByStaff";
}

public static class ExportStates
{
    public const string Queued = "queued";
    public const string Collecting = "collecting";
    public const string Writing = "writing";
    public const string Completed = "completed";
    public const string Expired = "expired";
    public const string Shredded = "shredded";
}

// Events of the export stream (stream id = export id). Ids, codes and times only; the extension reason is sealed for the subject.

/// <summary>The DPO asked for a subject access export; <paramref name="DueAt"/> is the regime's deadline from <paramref name="At"/>.</summary>
public sealed record ExportRequested(Guid ExportId, Guid RequestedBy, Guid SubjectId, string SubjectKind, string Scope, string Language,
    string Regime, DateTimeOffset DueAt, DateTimeOffset At);

/// <summary>The DPO extended the deadline where the regime allows it; the reason (free text) is sealed for the subject.</summary>
public sealed record ExportDeadlineExtended(Guid ExportId, Guid ExtendedBy, Sealed Reason, DateTimeOffset DueAt, DateTimeOffset At);

/// <summary>The background run reached a step (<see cref="ExportStates"/>) with <paramref name="ItemsDone"/> items collected.</summary>
public sealed record ExportProgressed(Guid ExportId, string State, int ItemsDone, DateTimeOffset At);

/// <summary>
/// The ZIP is stored, encrypted, at <paramref name="BlobName"/>; its content key is sealed for the subject (<paramref name="ContentKey"/>,
/// vault bytes, base64), so erasing the subject makes it unreadable.
/// </summary>
public sealed record ExportCompleted(Guid ExportId, string BlobName, string ContentKey, long Size, int Files, int Items, DateTimeOffset ExpiresAt,
    DateTimeOffset At);

/// <summary>The stored ZIP was deleted: <c>expired</c> (the retention policy's exports period) or <c>shredded</c> (the subject, or a guardian it may quote, was erased).</summary>
public sealed record ExportDeleted(Guid ExportId, string Reason, DateTimeOffset At);

/// <summary>Not an event: the durable command that builds (or builds again) the export. Ids only.</summary>
public sealed record RunExport(Guid SchoolId, Guid ExportId);

/// <summary>Not an event: the durable scheduled deletion of an export's ZIP at its expiry. Ids only.</summary>
public sealed record ExpireExport(Guid SchoolId, Guid ExportId);

/// <summary>
/// Every writer of an export's stream (the DPO's extension, the background run's progress and completion, the deletion) takes this
/// transaction-scoped lock before it reads the stream's version, so they queue instead of failing on the same version.
/// </summary>
public static class ExportLocks
{
    public static Task TakeAsync(Marten.IDocumentOperations session, Guid exportId, CancellationToken ct) =>
        Platform.AdvisoryLocks.TakeAsync(session, Platform.AdvisoryLocks.Keys("export", [exportId]), ct);
}

/// <summary>An export request and its progress (inline snapshot).</summary>
public sealed record SubjectExport(
    Guid Id,
    Guid RequestedBy,
    Guid SubjectId,
    string SubjectKind,
    string Scope,
    string Language,
    string Regime,
    DateTimeOffset RequestedAt,
    DateTimeOffset DueAt,
    bool Extended,
    string State,
    int ItemsDone,
    string? BlobName,
    string? ContentKey,
    long Size,
    int Files,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? DeletedAt)
{
    public static SubjectExport Create(ExportRequested e) => new(e.ExportId, e.RequestedBy, e.SubjectId, e.SubjectKind, e.Scope, e.Language, e.Regime,
        e.At, e.DueAt, false, ExportStates.Queued, 0, null, null, 0, 0, null, null, null);

    public SubjectExport Apply(ExportDeadlineExtended e) => this with { DueAt = e.DueAt, Extended = true };

    public SubjectExport Apply(ExportProgressed e) => CompletedAt is not null || DeletedAt is not null ? this : this with { State = e.State, ItemsDone = e.ItemsDone };

    public SubjectExport Apply(ExportCompleted e) => DeletedAt is not null ? this : this with
    {
        State = ExportStates.Completed, BlobName = e.BlobName, ContentKey = e.ContentKey, Size = e.Size, Files = e.Files, ItemsDone = e.Items,
        CompletedAt = e.At, ExpiresAt = e.ExpiresAt,
    };

    public SubjectExport Apply(ExportDeleted e) => DeletedAt is not null ? this : this with
    {
        State = e.Reason, ContentKey = null, DeletedAt = e.At,
    };

    /// <summary>Answered (the ZIP was produced) — the deadline no longer runs.</summary>
    public bool Answered => CompletedAt is not null;
}
