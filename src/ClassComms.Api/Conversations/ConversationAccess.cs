using ClassComms.Audience;
using ClassComms.Platform;
using Marten;
using Marten.Services.BatchQuerying;

namespace ClassComms.Conversations;

/// <summary>A caller's part in a conversation: the messages posted from <see cref="VisibleFrom"/> on are theirs to read.</summary>
public sealed record Participation(Conversation Conversation, DateTimeOffset VisibleFrom)
{
    public bool Shows(DateTimeOffset postedAt) => postedAt >= VisibleFrom;
}

/// <summary>
/// Who may see a conversation and which of its messages: staff who take part in it see all of it; families by the one
/// audience decision (<see cref="Visibility"/>) on their access document, so an unlinked or restricted guardian stops seeing
/// and receiving at once, and a guardian linked later reads a shared thread from their joined-at on (reads and pushes alike).
/// </summary>
public static class ConversationAccess
{
    /// <summary>The conversation and from when on its messages are the caller's, if the caller currently takes part in it (one round trip).</summary>
    public static async Task<Participation?> ParticipationAsync(IQuerySession session, Caller caller, Guid conversationId, CancellationToken ct)
    {
        var batch = session.CreateBatchQuery();
        var participation = ParticipationInBatch(batch, caller, conversationId);
        await batch.Execute(ct);
        return await participation();
    }

    /// <summary>
    /// <see cref="ParticipationAsync"/> added to a batch (no round trip of its own): the conversation, and a family member's
    /// access document. Read it after the batch executed.
    /// </summary>
    public static Func<Task<Participation?>> ParticipationInBatch(IBatchedQuery batch, Caller caller, Guid conversationId) =>
        ParticipationInBatch(batch, caller, () => batch.Load<Conversation>(conversationId));

    /// <summary>
    /// <see cref="ParticipationInBatch(IBatchedQuery, Caller, Guid)"/> with the conversation read by <paramref name="read"/> (e.g. its
    /// stream locked and loaded for a write), called only when the caller's role may take part at all.
    /// </summary>
    public static Func<Task<Participation?>> ParticipationInBatch(IBatchedQuery batch, Caller caller, Func<Task<Conversation?>> read)
    {
        if (!caller.IsTeacherOrLeader && caller.Role is not (Role.Guardian or Role.Student)) return () => Task.FromResult<Participation?>(null);
        var conversationLoad = read();
        var accessLoad = caller.IsTeacherOrLeader ? null : AudienceAccess.InBatch(batch, caller.UserId);
        return async () =>
        {
            if (await conversationLoad is not { } conversation) return null;
            // Staff who take part see all of it; families by the one audience decision on their access document.
            if (accessLoad is null) return conversation.StaffIds.Contains(caller.UserId) ? new Participation(conversation, DateTimeOffset.MinValue) : null;
            return Of(await accessLoad(), conversation) is { } from ? new Participation(conversation, from) : null;
        };
    }

    /// <summary>The conversation if the caller currently takes part in it.</summary>
    public static async Task<Conversation?> ParticipantAsync(IQuerySession session, Caller caller, Guid conversationId, CancellationToken ct) =>
        (await ParticipationAsync(session, caller, conversationId, ct))?.Conversation;

    /// <summary>From when on a family member reads <paramref name="conversation"/>, or null when it is not theirs.</summary>
    public static DateTimeOffset? Of(AudienceAccess? access, Conversation conversation) =>
        Visibility.VisibleFrom(access, AudienceItem.Thread(conversation));

    /// <summary>
    /// The access documents of the guardians who may see a message of the conversation posted at <paramref name="at"/>: one
    /// indexed query (those holding the student, or having a child in the announcement's class or school), then the decision.
    /// </summary>
    public static async Task<IReadOnlyList<AudienceAccess>> GuardianAudienceAsync(IQuerySession session, Conversation conversation,
        DateTimeOffset at, CancellationToken ct)
    {
        var candidates = conversation.Kind switch
        {
            ConversationKinds.Announcement => await AudienceAccess.OfClassAsync(session, conversation.ClassId, ct),
            ConversationKinds.SchoolAnnouncement => await AudienceAccess.OfSchoolAccessAsync(session, ct),
            _ => await AudienceAccess.HoldingAnyAsync(session, [conversation.StudentId!.Value], ct),
        };
        return GuardianAudience(conversation, candidates, at);
    }

    /// <summary><see cref="GuardianAudienceAsync"/> from candidates already read (the push handler reads them in its batch).</summary>
    public static IReadOnlyList<AudienceAccess> GuardianAudience(Conversation conversation, IEnumerable<AudienceAccess> candidates, DateTimeOffset at)
    {
        var item = AudienceItem.Message(conversation, at);
        return candidates.Where(a => a.Kind == AudienceKinds.Guardian && Visibility.CanSee(a, item)).ToList();
    }

    /// <summary>Guardians who may see a message posted in the conversation now.</summary>
    public static async Task<HashSet<Guid>> GuardianRecipientsAsync(IQuerySession session, Conversation conversation, CancellationToken ct) =>
        (await GuardianAudienceAsync(session, conversation, DateTimeOffset.MaxValue, ct)).Select(a => a.Id).ToHashSet();

    /// <summary>
    /// <see cref="RecipientsAsync"/> for a class announcement, added to a batch (no round trip of its own); null for any other
    /// conversation (a thread's families are read with the conversation, <see cref="Recipients"/>; a school-wide announcement's
    /// by <see cref="RecipientsAsync"/>). Read it after the batch executed.
    /// </summary>
    public static Func<Task<HashSet<Guid>>>? ClassAnnouncementRecipientsInBatch(IBatchedQuery batch, string tenant, Conversation conversation)
    {
        if (conversation.Kind != ConversationKinds.Announcement) return null;
        var candidates = AudienceAccess.OfClassInBatch(batch, tenant, conversation.ClassId);
        return async () => RecipientsFrom(conversation, await candidates());
    }

    /// <summary>
    /// Everyone who should hear of a new message in a thread, from the thread student's families read in the same batch as the
    /// conversation (<see cref="AudienceAccess.HoldingStudentOfConversationInBatch"/>); null for an announcement, whose audience
    /// is read by class or school.
    /// </summary>
    public static HashSet<Guid>? Recipients(Conversation conversation, IReadOnlyList<AudienceAccess> threadCandidates) =>
        ConversationKinds.IsAnnouncement(conversation.Kind) || conversation.StudentId is null ? null : RecipientsFrom(conversation, threadCandidates);

    /// <summary>The staff participants and the candidates who may see a message posted now.</summary>
    private static HashSet<Guid> RecipientsFrom(Conversation conversation, IEnumerable<AudienceAccess> candidates)
    {
        var recipients = GuardianAudience(conversation, candidates, DateTimeOffset.MaxValue).Select(a => a.Id).ToHashSet();
        recipients.UnionWith(conversation.StaffIds);
        return recipients;
    }

    /// <summary>Everyone who should hear of a new message now: staff participants and visible guardians (announcements: staff write only).</summary>
    public static async Task<HashSet<Guid>> RecipientsAsync(IQuerySession session, Conversation conversation, CancellationToken ct)
    {
        var recipients = await GuardianRecipientsAsync(session, conversation, ct);
        recipients.UnionWith(conversation.StaffIds);
        return recipients;
    }
}
