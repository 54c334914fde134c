using ClassComms.Media;
using ClassComms.PersonalData;
using Marten.Events.Projections;

namespace ClassComms.Conversations;

public sealed record ReadReceipt(Guid ReaderId, DateTimeOffset At);

/// <summary>One message, inline so a sender reads their own write. Withdrawal drops the sealed content from the read side.</summary>
public sealed record MessageView(
    Guid Id,
    Guid ConversationId,
    Guid SenderId,
    Sealed? Body,
    IReadOnlyList<AttachmentRef> Attachments,
    bool Urgent,
    DateTimeOffset PostedAt,
    DateTimeOffset? WithdrawnAt,
    IReadOnlyList<ReadReceipt> ReadBy)
{
    public bool Withdrawn => WithdrawnAt is not null;
}

public sealed partial class MessageViewProjection : MultiStreamProjection<MessageView, Guid>
{
    public MessageViewProjection()
    {
        Identity<MessagePosted>(e => e.MessageId);
        Identity<MessageWithdrawn>(e => e.MessageId);
        Identities<MessagesRead>(e => e.MessageIds);
    }

    public MessageView Create(MessagePosted e) =>
        new(e.MessageId, e.ConversationId, e.SenderId, e.Body, e.Attachments, e.Urgent, e.At, null, []);

    public MessageView Apply(MessageView view, MessageWithdrawn e) =>
        view with { WithdrawnAt = e.At, Body = null, Attachments = [] };

    public MessageView Apply(MessageView view, MessagesRead e) =>
        view.ReadBy.Any(r => r.ReaderId == e.ReaderId) || view.SenderId == e.ReaderId
            ? view
            : view with { ReadBy = [.. view.ReadBy, new ReadReceipt(e.ReaderId, e.At)] };
}
