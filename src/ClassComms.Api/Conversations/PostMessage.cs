using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using JasperFx.Events;
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

        // One round trip for a reply in a thread: the conversation (and a family member's access document), the DPO's restrictions
        // of the caller and of the thread's student, and that student's families (both found from the conversation in SQL). The
        // conversation's stream is locked and loaded for this transaction (FetchForExclusiveWriting): two messages posted in one
        // thread at the same moment are written one after the other, neither refused, and the commit's projection of the
        // conversation starts from the document read here instead of reading it again. A refusal rolls back: nothing is staged.
        var reads = session.CreateBatchQuery();
        Task<IEventStream<Conversation>>? streamLoad = null;
        var participationLoad = ConversationAccess.ParticipationInBatch(reads, caller, () => AggregateOf(streamLoad = reads.Events.FetchForExclusiveWriting<Conversation>(conversationId)));
        var refusalLoad = ProcessingRestriction.Restrictions.WriteRefusalOfConversationInBatch(reads, caller, conversationId);
        var threadCandidatesLoad = Audience.AudienceAccess.HoldingStudentOfConversationInBatch(reads, session.TenantId, conversationId);
        await reads.Execute(ct);
        if ((await participationLoad())?.Conversation is not { } conversation) return (Problems.NotFound("conversation"), []);
        // A frozen guardian, or a thread about a frozen student: nothing new is written (ProcessingRestriction/).
        if (await refusalLoad() is { } frozen) return (frozen, []);
        if (caller.Role == Role.Guardian && ConversationKinds.IsAnnouncement(conversation.Kind))
        {
            return (Problems.Forbidden("Announcements cannot be answered; write to the teacher in your child's thread."), []);
        }

        var messageId = Guid.CreateVersion7();
        var (body, attachments, problem) = await MessageDraft.SealAsync(session, vault, caller, conversation, request.Text, request.AttachmentIds, messageId, ct);
        if (problem is not null) return (problem, []);

        // An announcement's families are read now, by class or school (a thread's were read with the conversation).
        var recipients = ConversationAccess.Recipients(conversation, await threadCandidatesLoad()) ?? await AnnouncementRecipientsAsync(session, conversation, ct);
        recipients.Remove(caller.UserId);
        (await streamLoad!).AppendOne(new MessagePosted(conversationId, caller.UserId, messageId, body, attachments, request.Urgent, recipients.ToList(), clock.GetUtcNow()));
        return (Results.Created($"/api/conversations/{conversationId}/messages/{messageId}", new MessageAccepted(conversationId, messageId)),
            new OutgoingMessages { new MessageChanged(caller.SchoolId, messageId, conversationId, conversation.ClassId, conversation.StudentId) });
    }

    private static async Task<Conversation?> AggregateOf(Task<IEventStream<Conversation>> stream) => (await stream).Aggregate;

    private static async Task<HashSet<Guid>> AnnouncementRecipientsAsync(IDocumentSession session, Conversation conversation, CancellationToken ct)
    {
        var batch = session.CreateBatchQuery();
        if (ConversationAccess.ClassAnnouncementRecipientsInBatch(batch, session.TenantId, conversation) is not { } load)
            return await ConversationAccess.RecipientsAsync(session, conversation, ct); // a school-wide announcement's audience: by itself
        await batch.Execute(ct);
        return await load();
    }
}
