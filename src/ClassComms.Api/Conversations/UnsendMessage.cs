using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Conversations;

public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary>How long after sending a sender may unsend a message.</summary>
    public TimeSpan UnsendWindow { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>The sender withdraws their own message within the window; the thread then shows that a message was withdrawn, not its content.</summary>
public static class UnsendMessageEndpoint
{
    /// <summary>Unsend one of your messages within the unsend window.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403, 409)]
    [WolverineDelete("/api/conversations/{conversationId}/messages/{messageId}")]
    public static async Task<(IResult, OutgoingMessages)> Delete(Guid conversationId, Guid messageId, Caller caller,
        IDocumentSession session, IOptions<MessagingOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (await ConversationAccess.ParticipantAsync(session, caller, conversationId, ct) is null) return (Problems.NotFound("conversation"), []);
        var message = await session.LoadAsync<MessageView>(messageId, ct);
        if (message is null || message.ConversationId != conversationId) return (Problems.NotFound("message"), []);
        if (message.SenderId != caller.UserId) return (Problems.Forbidden("Only the sender can unsend a message."), []);
        if (message.Withdrawn) return (Problems.Conflict("The message was already unsent."), []);
        var now = clock.GetUtcNow();
        if (now - message.PostedAt > options.Value.UnsendWindow) return (Problems.Conflict("The time to unsend this message has passed."), []);

        session.Events.Append(conversationId, new MessageWithdrawn(conversationId, caller.UserId, messageId, now));
        return (Results.NoContent(), new OutgoingMessages { new MessageChanged(caller.SchoolId, messageId) });
    }
}
