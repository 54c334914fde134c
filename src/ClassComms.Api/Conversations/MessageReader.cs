using ClassComms.Accounts;
using ClassComms.Media;
using ClassComms.PersonalData;
using Marten;

namespace ClassComms.Conversations;

public sealed record AttachmentView(Guid AttachmentId, string Kind, string ContentType, long Size, int? Width, int? Height, string? FileName);

/// <summary>
/// A message as a participant sees it. <c>Withdrawn</c>: unsent by its sender. <c>Erased</c>: the content was
/// shredded because its sender or a student it concerns was erased; <c>SenderErased</c> tells which.
/// </summary>
public sealed record MessageItem(Guid MessageId, Guid ConversationId, Guid SenderId, string? SenderName, bool SenderErased, string? Text,
    IReadOnlyList<AttachmentView> Attachments, bool Urgent, DateTimeOffset PostedAt, bool Withdrawn, bool Erased,
    IReadOnlyList<ReadReceipt>? ReadBy, bool ReadByMe);

/// <summary>Turns message views into what the caller may read: unsealed at serve time, with receipts for the sender.</summary>
public sealed class MessageReader(PersonalDataVault vault)
{
    public async Task<List<MessageItem>> ReadAsync(IQuerySession session, Guid callerId, IReadOnlyList<MessageView> messages, CancellationToken ct)
    {
        var senders = (await session.LoadManyAsync<UserAccount>(ct, messages.Select(m => m.SenderId).Distinct())).ToDictionary(a => a.Id);
        await vault.PreloadAsync(messages.SelectMany(m => m.Body?.Subjects ?? []).Concat(senders.Keys), ct);
        var items = new List<MessageItem>();
        foreach (var m in messages)
        {
            senders.TryGetValue(m.SenderId, out var sender);
            var senderErased = sender is null || sender.ErasedAt is not null || await vault.IsErasedAsync(m.SenderId, ct);
            var senderName = senderErased ? null : await vault.UnsealAsync(sender!.Name, ct);
            string? text = null;
            var attachments = new List<AttachmentView>();
            var erased = false;
            if (!m.Withdrawn)
            {
                text = await vault.UnsealAsync(m.Body, m.Id.ToString(), ct);
                erased = text is null;
                if (!erased)
                {
                    foreach (var a in m.Attachments)
                    {
                        attachments.Add(new AttachmentView(a.AttachmentId, a.Kind, a.ContentType, a.Size, a.Width, a.Height, await vault.UnsealAsync(a.FileName, MediaStore.Record(a.AttachmentId), ct)));
                    }
                }
            }

            items.Add(new MessageItem(m.Id, m.ConversationId, m.SenderId, senderName, senderErased, erased ? null : text, attachments, m.Urgent,
                m.PostedAt, m.Withdrawn, erased, m.SenderId == callerId ? m.ReadBy : null, m.ReadBy.Any(r => r.ReaderId == callerId)));
        }

        return items;
    }
}
