using ClassComms.PersonalData;

namespace ClassComms.ErasureRequests;

// Events of an erasure request's stream (stream id = request id). Ids, times and codes only; free text is sealed under the
// subject's key (bound to the request), so it is shredded with the subject.

/// <summary>Someone asked for a person's erasure: who (id and role), about whom, when, and by when it must be answered.</summary>
public sealed record ErasureRequestReceived(Guid RequestId, Guid RequestedBy, string RequesterRole, Guid SubjectId, string SubjectKind,
    string Regime, DateTimeOffset DueAt, Sealed? Note, DateTimeOffset At);

/// <summary>The DPO extended the deadline where the regime allows it, with a reason code.</summary>
public sealed record ErasureRequestExtended(Guid RequestId, Guid ExtendedBy, string Reason, Sealed? Note, DateTimeOffset DueAt, DateTimeOffset At);

/// <summary>The DPO approved: the durable erasure (<see cref="Privacy.Erasure"/>) runs.</summary>
public sealed record ErasureRequestApproved(Guid RequestId, Guid ApprovedBy, Guid ErasureId, DateTimeOffset At);

/// <summary>The DPO refused, with a reason code the requester sees (the note, if any, only the DPO).</summary>
public sealed record ErasureRequestRefused(Guid RequestId, Guid RefusedBy, string Reason, Sealed? Note, DateTimeOffset At);

/// <summary>The erasure is complete and its signed certificate is stored (SHA-256 of the stored file; the signing key's id).</summary>
public sealed record ErasureCertificateIssued(Guid RequestId, string Sha256, string KeyId, DateTimeOffset At);

/// <summary>Reason codes of a refusal or an extension.</summary>
public static class ErasureReasons
{
    public const string LegalHold = "legalHold";
    public const string OngoingInvestigation = "ongoingInvestigation";
    public const string LegalObligation = "legalObligation";
    public const string PublicInterestArchiving = "publicInterestArchiving";
    public const string Complexity = "complexity";
    public const string NumberOfRequests = "numberOfRequests";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> Refusal = [LegalHold, OngoingInvestigation, LegalObligation, PublicInterestArchiving, Other];
    public static readonly IReadOnlyList<string> Extension = [Complexity, NumberOfRequests, Other];

    public static string? Parse(string? code, IReadOnlyList<string> allowed) =>
        allowed.FirstOrDefault(a => string.Equals(a, code?.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>An erasure request (inline snapshot): the write model of its decisions and the read model of its views.</summary>
public sealed record ErasureRequest(
    Guid Id,
    Guid RequestedBy,
    string RequesterRole,
    Guid SubjectId,
    string SubjectKind,
    string Regime,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt,
    bool Extended,
    Sealed? Note,
    string? ExtensionReason,
    Sealed? ExtensionNote,
    Guid? DecidedBy,
    DateTimeOffset? ApprovedAt,
    Guid? ErasureId,
    DateTimeOffset? RefusedAt,
    string? RefusalReason,
    Sealed? RefusalNote,
    DateTimeOffset? CertificateIssuedAt,
    string? CertificateSha256)
{
    public const string Received = "received";
    public const string Approved = "approved";
    public const string Refused = "refused";
    public const string Completed = "completed";

    /// <summary>received → approved (the erasure runs) → completed (certificate issued); or refused.</summary>
    public string State => RefusedAt is not null ? Refused : CertificateIssuedAt is not null ? Completed : ApprovedAt is not null ? Approved : Received;

    public bool Open => State is Received or Approved;

    public bool OverdueAt(DateTimeOffset now) => Open && now > DueAt;

    public static ErasureRequest Create(ErasureRequestReceived e) => new(e.RequestId, e.RequestedBy, e.RequesterRole, e.SubjectId, e.SubjectKind,
        e.Regime, e.At, e.DueAt, false, e.Note, null, null, null, null, null, null, null, null, null, null);

    public ErasureRequest Apply(ErasureRequestExtended e) => this with { Extended = true, DueAt = e.DueAt, ExtensionReason = e.Reason, ExtensionNote = e.Note };

    public ErasureRequest Apply(ErasureRequestApproved e) => this with { DecidedBy = e.ApprovedBy, ApprovedAt = e.At, ErasureId = e.ErasureId };

    public ErasureRequest Apply(ErasureRequestRefused e) => this with { DecidedBy = e.RefusedBy, RefusedAt = e.At, RefusalReason = e.Reason, RefusalNote = e.Note };

    public ErasureRequest Apply(ErasureCertificateIssued e) => this with { CertificateIssuedAt = CertificateIssuedAt ?? e.At, CertificateSha256 = CertificateSha256 ?? e.Sha256 };
}
