using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Conversations;

public sealed record MarkRead(IReadOnlyList<Guid> MessageIds);

/// <summary>Read receipts: a participant marks messages of others as read; senders see who read what.</summary>
public static class MarkReadEndpoint
{
    /// <summary>Mark messages of a conversation as read (the senders get a read receipt).</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [WolverinePost("/api/conversations/{conversationId}/read")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid conversationId, MarkRead request, Caller caller,
        IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var ids = request.MessageIds ?? [];
        if (ids.Count is 0 or > 200) return (Problems.Invalid("messageIds", "must list between 1 and 200 messages."), []);
        if (await ConversationAccess.ParticipationAsync(session, caller, conversationId, ct) is not { } participation) return (Problems.NotFound("conversation"), []);

        var messages = await session.LoadManyAsync<MessageView>(ct, ids.Distinct());
        if (messages.Count != ids.Distinct().Count() || messages.Any(m => m.ConversationId != conversationId || !participation.Shows(m.PostedAt)))
        {
            return (Problems.Invalid("messageIds", "contains messages that are not in this conversation."), []);
        }

        var unread = messages.Where(m => m.SenderId != caller.UserId && !m.Withdrawn && m.ReadBy.All(r => r.ReaderId != caller.UserId))
            .Select(m => m.Id).ToList();
        if (unread.Count == 0) return (Results.NoContent(), []);
        session.Events.Append(conversationId, new MessagesRead(conversationId, caller.UserId, unread, clock.GetUtcNow()));
        return (Results.NoContent(), new OutgoingMessages { new MessagesReadNotice(caller.SchoolId, conversationId, caller.UserId, unread) });
    }
}

public sealed record MessagesReadNotice(Guid SchoolId, Guid ConversationId, Guid ReaderId, IReadOnlyList<Guid> MessageIds);
