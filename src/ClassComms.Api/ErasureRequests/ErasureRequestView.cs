using ClassComms.PersonalData;
using ClassComms.Platform;

namespace ClassComms.ErasureRequests;

/// <summary>
/// An erasure request as its requester or the DPO sees it: ids, times, state and reason codes. Notes (free text, sealed) are opened for
/// the DPO only; a requester sees a refusal by its code.
/// </summary>
public sealed record ErasureRequestView(
    Guid RequestId,
    string SubjectKind,
    Guid SubjectId,
    string State,
    Guid RequestedBy,
    string RequesterRole,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt,
    bool Extended,
    bool Overdue,
    string? ExtensionReason,
    DateTimeOffset? ApprovedAt,
    DateTimeOffset? RefusedAt,
    string? RefusalReason,
    DateTimeOffset? CertificateIssuedAt,
    string? Note = null,
    string? ExtensionNote = null,
    string? RefusalNote = null)
{
    public const string NoteField = "erasureRequest.note";
    public const string ExtensionNoteField = "erasureRequest.extensionNote";
    public const string RefusalNoteField = "erasureRequest.refusalNote";

    public static ErasureRequestView Of(ErasureRequest r, DateTimeOffset now) => new(r.Id, r.SubjectKind, r.SubjectId, r.State, r.RequestedBy,
        r.RequesterRole, r.ReceivedAt, r.DueAt, r.Extended, r.OverdueAt(now), r.ExtensionReason, r.ApprovedAt, r.RefusedAt, r.RefusalReason,
        r.CertificateIssuedAt);

    /// <summary>The view for <paramref name="caller"/>: the DPO also reads the notes (null once the subject's key is destroyed).</summary>
    public static async Task<ErasureRequestView> ForAsync(ErasureRequest r, Caller caller, PersonalDataVault vault, DateTimeOffset now, CancellationToken ct)
    {
        var view = Of(r, now);
        if (caller.Role != Role.Dpo) return view;
        var record = r.Id.ToString();
        return view with
        {
            Note = await vault.UnsealAsync(r.Note, record, ct),
            ExtensionNote = await vault.UnsealAsync(r.ExtensionNote, record, ct),
            RefusalNote = await vault.UnsealAsync(r.RefusalNote, record, ct),
        };
    }
}
