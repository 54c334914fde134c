using ClassComms.Platform;
using Marten;

namespace ClassComms.Media;

/// <summary>
/// A message claiming an attachment and the unsent-attachment expiry deleting it serialise on a transaction-scoped advisory
/// lock per attachment, taken before either reads it: the second waits for the first to commit and then reads what it did
/// (sent: the expiry leaves it; deleted: the claim refuses it). Optimistic concurrency on <see cref="MediaObject"/> alone
/// did not separate them (a message was sent pointing at a deleted attachment, reproduced in 8 raced rounds).
/// </summary>
public static class AttachmentLocks
{
    /// <summary>Opens the session's transaction and waits for any other claim or expiry of <paramref name="attachmentIds"/> (taken in id order).</summary>
    public static Task SerialiseAsync(IDocumentSession session, IEnumerable<Guid> attachmentIds, CancellationToken ct) =>
        AdvisoryLocks.TakeAsync(session, AdvisoryLocks.Keys("attachment", attachmentIds), ct);
}
