using System.Security.Claims;
using ClassComms.Platform;
using Marten;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Conversations;

public sealed record MarkRead(IReadOnlyList<Guid> MessageIds);

/// <summary>Read receipts: a participant marks messages of others as read; senders see who read what.</summary>
public static class MarkReadEndpoint
{
    [WolverinePost("/api/conversations/{conversationId}/read")]
    public static async Task<(IResult, OutgoingMessages)> Post(string conversationId, MarkRead request, ClaimsPrincipal user,
        IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var none = new OutgoingMessages();
        if (!Ids.TryParse(conversationId, "conversationId", out var id, out var bad)) return (bad!, none);
        var ids = request.MessageIds ?? [];
        if (ids.Count is 0 or > 200) return (Problems.Invalid("messageIds", "must list between 1 and 200 messages."), none);
        var caller = Caller.Of(user);
        if (await ConversationAccess.ParticipantAsync(session, caller, id, ct) is null) return (Problems.NotFound("conversation"), none);

        var messages = await session.LoadManyAsync<MessageView>(ct, ids.Distinct());
        if (messages.Count != ids.Distinct().Count() || messages.Any(m => m.ConversationId != id))
        {
            return (Problems.Invalid("messageIds", "contains messages that are not in this conversation."), none);
        }

        var unread = messages.Where(m => m.SenderId != caller.UserId && !m.Withdrawn && m.ReadBy.All(r => r.ReaderId != caller.UserId))
            .Select(m => m.Id).ToList();
        if (unread.Count == 0) return (Results.NoContent(), none);
        session.Events.Append(id, new MessagesRead(id, caller.UserId, unread, clock.GetUtcNow()));
        return (Results.NoContent(), new OutgoingMessages { new MessagesReadNotice(caller.SchoolId, id, caller.UserId, unread) });
    }
}

public sealed record MessagesReadNotice(Guid SchoolId, Guid ConversationId, Guid ReaderId, IReadOnlyList<Guid> MessageIds);
