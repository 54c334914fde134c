using System.Security.Claims;
using ClassComms.Platform;
using Marten;
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
    [WolverineDelete("/api/conversations/{conversationId}/messages/{messageId}")]
    public static async Task<(IResult, OutgoingMessages)> Delete(string conversationId, string messageId, ClaimsPrincipal user,
        IDocumentSession session, IOptions<MessagingOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var none = new OutgoingMessages();
        if (!Ids.TryParse(conversationId, "conversationId", out var id, out var bad)) return (bad!, none);
        if (!Ids.TryParse(messageId, "messageId", out var mid, out bad)) return (bad!, none);
        var caller = Caller.Of(user);
        if (await ConversationAccess.ParticipantAsync(session, caller, id, ct) is null) return (Problems.NotFound("conversation"), none);
        var message = await session.LoadAsync<MessageView>(mid, ct);
        if (message is null || message.ConversationId != id) return (Problems.NotFound("message"), none);
        if (message.SenderId != caller.UserId) return (Problems.Forbidden("Only the sender can unsend a message."), none);
        if (message.Withdrawn) return (Problems.Conflict("The message was already unsent."), none);
        var now = clock.GetUtcNow();
        if (now - message.PostedAt > options.Value.UnsendWindow) return (Problems.Conflict("The time to unsend this message has passed."), none);

        session.Events.Append(id, new MessageWithdrawn(id, caller.UserId, mid, now));
        return (Results.NoContent(), new OutgoingMessages { new MessagePostedNotice(caller.SchoolId, mid) });
    }
}
