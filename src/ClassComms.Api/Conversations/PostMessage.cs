using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Conversations;

public sealed record PostMessage(string? Text, IReadOnlyList<Guid>? AttachmentIds, bool Urgent);

public sealed record MessageAccepted(Guid ConversationId, Guid MessageId);

/// <summary>A participant writes in a thread: staff anywhere they take part, guardians in their own student threads (not announcements).</summary>
public static class PostMessageEndpoint
{
    /// <summary>Reply in a conversation, with attachments already uploaded to it.</summary>
    [ProducesResponseType<MessageAccepted>(StatusCodes.Status201Created)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/conversations/{conversationId}/messages")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid conversationId, PostMessage request, Caller caller,
        IDocumentSession session, PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {

        var validation = new Validation();
        MessageDraft.Validate(validation, caller, request.Text, request.AttachmentIds, request.Urgent);
        if (!validation.IsValid) return (validation.ToResult(), []);

        var conversation = await ConversationAccess.ParticipantAsync(session, caller, conversationId, ct);
        if (conversation is null) return (Problems.NotFound("conversation"), []);
        // One round trip: the DPO's restrictions and the people who should hear of the message (a school-wide announcement's
        // audience is read later, by itself).
        var reads = session.CreateBatchQuery();
        var refusalLoad = ProcessingRestriction.Restrictions.WriteRefusalInBatch(reads, caller, [conversation.StudentId]);
        var recipientsLoad = ConversationAccess.RecipientsInBatch(reads, session.TenantId, conversation);
        await reads.Execute(ct);
        // A frozen guardian, or a thread about a frozen student: nothing new is written (ProcessingRestriction/).
        if (await refusalLoad() is { } frozen) return (frozen, []);
        if (caller.Role == Role.Guardian && ConversationKinds.IsAnnouncement(conversation.Kind))
        {
            return (Problems.Forbidden("Announcements cannot be answered; write to the teacher in your child's thread."), []);
        }

        var messageId = Guid.CreateVersion7();
        var (body, attachments, problem) = await MessageDraft.SealAsync(session, vault, caller, conversation, request.Text, request.AttachmentIds, messageId, ct);
        if (problem is not null) return (problem, []);

        var recipients = recipientsLoad is null ? await ConversationAccess.RecipientsAsync(session, conversation, ct) : await recipientsLoad();
        recipients.Remove(caller.UserId);
        session.Events.Append(conversationId, new MessagePosted(conversationId, caller.UserId, messageId, body, attachments, request.Urgent, recipients.ToList(), clock.GetUtcNow()));
        return (Results.Created($"/api/conversations/{conversationId}/messages/{messageId}", new MessageAccepted(conversationId, messageId)),
            new OutgoingMessages { new MessageChanged(caller.SchoolId, messageId, conversationId, conversation.ClassId, conversation.StudentId) });
    }
}
