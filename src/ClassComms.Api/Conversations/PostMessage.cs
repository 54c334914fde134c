using System.Security.Claims;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Conversations;

public sealed record PostMessage(string? Text, IReadOnlyList<Guid>? AttachmentIds, bool Urgent);

public sealed record MessageAccepted(Guid ConversationId, Guid MessageId);

/// <summary>A participant writes in a thread: staff anywhere they take part, guardians in their own student threads (not announcements).</summary>
public static class PostMessageEndpoint
{
    [WolverinePost("/api/conversations/{conversationId}/messages")]
    public static async Task<(IResult, OutgoingMessages)> Post(string conversationId, PostMessage request, ClaimsPrincipal user,
        IDocumentSession session, PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        var none = new OutgoingMessages();
        if (!Ids.TryParse(conversationId, "conversationId", out var id, out var bad)) return (bad!, none);
        var caller = Caller.Of(user);

        var validation = new Validation();
        MessageDraft.Validate(validation, caller, request.Text, request.AttachmentIds, request.Urgent);
        if (!validation.IsValid) return (validation.ToResult(), none);

        var conversation = await ConversationAccess.ParticipantAsync(session, caller, id, ct);
        if (conversation is null) return (Problems.NotFound("conversation"), none);
        if (caller.Role == Role.Guardian && conversation.Kind == ConversationKinds.Announcement)
        {
            return (Problems.Forbidden("Announcements cannot be answered; write to the teacher in your child's thread."), none);
        }

        var messageId = Guid.CreateVersion7();
        var (body, attachments, problem) = await MessageDraft.SealAsync(session, vault, caller, conversation, request.Text, request.AttachmentIds, messageId, ct);
        if (problem is not null) return (problem, none);

        var recipients = await ConversationAccess.RecipientsAsync(session, conversation, ct);
        recipients.Remove(caller.UserId);
        session.Events.Append(id, new MessagePosted(id, caller.UserId, messageId, body, attachments, request.Urgent, recipients.ToList(), clock.GetUtcNow()));
        return (Results.Created($"/api/conversations/{id}/messages/{messageId}", new MessageAccepted(id, messageId)),
            new OutgoingMessages { new MessagePostedNotice(caller.SchoolId, messageId) });
    }
}
