using ClassComms.Platform;
using Marten;

namespace ClassComms.Media;

/// <summary>
/// Scheduled durably (Wolverine's outbox, in the upload's own transaction) for
/// <see cref="MediaOptions.UnsentAttachmentLifetime"/> after an upload: an attachment still not sent in a message
/// by then is deleted, blob and document (with its sealed file name and content key). Ids only.
/// </summary>
public sealed record ExpireUnsentAttachment(Guid SchoolId, Guid AttachmentId);

public static class ExpireUnsentAttachmentHandler
{
    public static async Task Handle(ExpireUnsentAttachment command, IDocumentStore store, MediaStore media, CancellationToken ct)
    {
        await using var session = store.LightweightSession(Ids.Tenant(command.SchoolId));
        var item = await session.LoadAsync<MediaObject>(command.AttachmentId, ct);
        if (item is null || item.MessageId is not null) return;
        await media.DeleteAsync(item, ct);
        session.Delete(item);
        await session.SaveChangesAsync(ct);
    }
}
