using ClassComms.Platform;
using Marten;

namespace ClassComms.Media;

/// <summary>
/// Scheduled durably (Wolverine's outbox, in the upload's own transaction) for
/// <see cref="MediaOptions.UnsentAttachmentLifetime"/> after an upload: an attachment still not sent in a message
/// by then is deleted, blob and document (with its sealed file name and content key). Ids only.
/// </summary>
public sealed record ExpireUnsentAttachment(Guid SchoolId, Guid AttachmentId);

/// <summary>
/// Races a message claiming the attachment safely: under the attachment's <see cref="AttachmentLocks"/> (the lock the claim
/// takes), the attachment is read and, still unsent, marked deleted, and that commits. A claim that held the lock first is
/// seen as sent and nothing is deleted; a claim that waits reads it deleted and is refused (400). Only then are the blob and
/// the document deleted; a run that stopped half-way is finished by the next (the mark stays, no claim can pass it).
/// </summary>
public static class ExpireUnsentAttachmentHandler
{
    public static async Task Handle(ExpireUnsentAttachment command, IDocumentStore store, MediaStore media, TimeProvider clock, CancellationToken ct)
    {
        MediaObject? item;
        await using (var session = store.LightweightSession(Ids.Tenant(command.SchoolId)))
        {
            await AttachmentLocks.SerialiseAsync(session, [command.AttachmentId], ct);
            item = await session.LoadAsync<MediaObject>(command.AttachmentId, ct);
            if (item is null || item.IsClaimed()) return;
            if (item.DeletedAt is null)
            {
                item.DeletedAt = clock.GetUtcNow();
                session.Store(item);
            }

            await session.SaveChangesAsync(ct);
        }

        await media.DeleteAsync(item, ct);
        await using var deleting = store.LightweightSession(Ids.Tenant(command.SchoolId));
        deleting.Delete<MediaObject>(item.Id);
        await deleting.SaveChangesAsync(ct);
    }
}
