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
        var conversation = await ConversationAccess.ParticipantAsync(session, caller, conversationId, ct);
        if (conversation is null) return (Problems.NotFound("conversation"), []);
        var message = await session.LoadAsync<MessageView>(messageId, ct);
        var decision = Decide(message, conversationId, caller, clock.GetUtcNow(), options.Value.UnsendWindow);
        if (decision.Problem is not null) return (decision.Problem, []);

        session.Events.Append(conversationId, decision.Withdrawn!);
        return (Results.NoContent(), new OutgoingMessages { new MessageChanged(caller.SchoolId, messageId, conversationId, conversation.ClassId, conversation.StudentId) });
    }

    /// <summary>Whether the caller may unsend this message of this conversation now: the event to append, or the problem to answer.
    /// Pure, so the rules are tested without a database.</summary>
    public static UnsendDecision Decide(MessageView? message, Guid conversationId, Caller caller, DateTimeOffset now, TimeSpan window)
    {
        if (message is null || message.ConversationId != conversationId) return new(Problems.NotFound("message"), null);
        if (message.SenderId != caller.UserId) return new(Problems.Forbidden("Only the sender can unsend a message."), null);
        if (message.Withdrawn) return new(Problems.Conflict("The message was already unsent."), null);
        if (now - message.PostedAt > window) return new(Problems.Conflict("The time to unsend this message has passed."), null);
        return new(null, new MessageWithdrawn(conversationId, caller.UserId, message.Id, now));
    }
}

/// <summary>What <see cref="UnsendMessageEndpoint.Decide"/> decided: the withdrawal to append, or the problem to answer.</summary>
public sealed record UnsendDecision(IResult? Problem, MessageWithdrawn? Withdrawn);
