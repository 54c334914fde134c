using ClassComms.Media;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;

namespace ClassComms.Privacy;

/// <summary>The steps every erasure shares, in the order that keeps a failed erasure safe to retry.</summary>
public sealed class Shredding(ErasureLedger ledger, PersonalDataVault vault, MediaStore media)
{
    /// <summary>Ledger entry first (outside the database, re-applied after a restore), then the key is destroyed.</summary>
    public async Task ShredAsync(Caller dpo, Guid subject, string kind, DateTimeOffset at, CancellationToken ct)
    {
        await ledger.RecordAsync(new ErasureRecord(subject, kind, dpo.SchoolId, dpo.UserId, at), ct);
        await vault.EraseAsync(dpo.Tenant, subject, dpo.UserId, ct);
    }

    /// <summary>Deletes the blobs (their keys are already shredded) and marks the media deleted in <paramref name="session"/>.</summary>
    public async Task DeleteMediaAsync(IDocumentSession session, IEnumerable<MediaObject> items, CancellationToken ct)
    {
        foreach (var item in items)
        {
            await media.DeleteAsync(item, ct);
            session.Store(item);
        }
    }
}
