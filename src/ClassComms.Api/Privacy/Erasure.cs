using System.Security.Cryptography;
using System.Text;

namespace ClassComms.Privacy;

public static class SubjectKinds
{
    public const string Student = "student";
    public const string Guardian = "guardian";

    /// <summary>A staff member's membership (teacher, leader, DPO): erased like a guardian's (ErasureRequests/ asks for it).</summary>
    public const string Staff = "staff";

    /// <summary>A school's own text (its name, class and skill names): a ledger entry only, written by <see cref="Schools.ShredSchool"/>.</summary>
    public const string School = "school";

    /// <summary>A retention key (a school's points key of one month): a ledger entry only, written by <see cref="Retention.RetentionRunner"/>.</summary>
    public const string RetentionKey = "retention-key";

    /// <summary>
    /// The key of a refused student self-registration's reserved student id (the name they typed): a ledger entry only, written by
    /// <see cref="StudentAccounts.DecideStudentRegistrationEndpoint"/> before the key is destroyed, so a restore destroys it again.
    /// </summary>
    public const string RegistrationKey = "registration-key";
}

// Events of the erasure stream (one per erased person; stream id = Erasure.IdFor(subject id)). Ids only.

/// <summary>The DPO asked for the erasure; login, links and parent codes were stopped in the same transaction.</summary>
public sealed record ErasureRequested(Guid ErasureId, Guid RequestedBy, Guid SubjectId, string SubjectKind, DateTimeOffset At);

/// <summary>The erasure is in the append-only ledger outside the database (re-applied after a restore).</summary>
public sealed record ErasureLedgerRecorded(Guid ErasureId, DateTimeOffset At);

/// <summary>The subject's data key is destroyed and its fence row is in place (checked, not assumed).</summary>
public sealed record ErasureKeyDestroyed(Guid ErasureId, DateTimeOffset At);

/// <summary>The blobs of the media by or about the person are deleted (checked) and the media marked deleted.</summary>
public sealed record ErasureBlobsDeleted(Guid ErasureId, int MediaDeleted, DateTimeOffset At);

/// <summary>The read side forgot the person (<c>StudentErased</c>, or every link of the guardian removed): the erasure is done.</summary>
public sealed record ErasureCompleted(Guid ErasureId, DateTimeOffset At);

/// <summary>The erasure workflow's progress (inline snapshot): what the DPO's status resource shows.</summary>
public sealed record Erasure(
    Guid Id,
    Guid SubjectId,
    string SubjectKind,
    Guid RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset? LedgerRecordedAt,
    DateTimeOffset? KeyDestroyedAt,
    DateTimeOffset? BlobsDeletedAt,
    DateTimeOffset? CompletedAt)
{
    public const string Requested = "requested";
    public const string InProgress = "in-progress";
    public const string Completed = "completed";

    public string Status => CompletedAt is not null ? Completed : LedgerRecordedAt is null ? Requested : InProgress;

    public static Erasure Create(ErasureRequested e) => new(e.ErasureId, e.SubjectId, e.SubjectKind, e.RequestedBy, e.At, null, null, null, null);

    public Erasure Apply(ErasureLedgerRecorded e) => this with { LedgerRecordedAt = LedgerRecordedAt ?? e.At };

    public Erasure Apply(ErasureKeyDestroyed e) => this with { KeyDestroyedAt = KeyDestroyedAt ?? e.At };

    public Erasure Apply(ErasureBlobsDeleted e) => this with { BlobsDeletedAt = BlobsDeletedAt ?? e.At };

    public Erasure Apply(ErasureCompleted e) => this with { CompletedAt = CompletedAt ?? e.At };

    /// <summary>
    /// The erasure stream of a subject, derived from the subject id so that a second request (or a re-application
    /// of the ledger) finds the same stream, and two concurrent first requests conflict instead of both starting one.
    /// </summary>
    public static Guid IdFor(Guid subjectId)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes($"classcomms/erasure|{subjectId:N}"));
        hash[7] = (byte)((hash[7] & 0x0F) | 0x80); // RFC 9562 version 8 (custom), variant 10
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16));
    }
}

/// <summary>The durable command that runs (or resumes) the erasure's steps; ids only.</summary>
public sealed record ContinueErasure(Guid SchoolId, Guid SubjectId);

/// <summary>The DPO's view of an erasure: requested, in progress or completed, with the time of each step.</summary>
public sealed record ErasureStatus(Guid SubjectId, string SubjectKind, string Status, Guid RequestedBy, DateTimeOffset RequestedAt,
    DateTimeOffset? LedgerRecordedAt, DateTimeOffset? KeyDestroyedAt, DateTimeOffset? BlobsDeletedAt, DateTimeOffset? CompletedAt)
{
    public static ErasureStatus Of(Erasure e) => new(e.SubjectId, e.SubjectKind, e.Status, e.RequestedBy, e.RequestedAt, e.LedgerRecordedAt,
        e.KeyDestroyedAt, e.BlobsDeletedAt, e.CompletedAt);
}
