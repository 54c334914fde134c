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
    /// <see cref="RecipientsAsync"/> added to a batch (no round trip of its own) for a thread or a class announcement; null for a
    /// school-wide announcement, whose audience is read by <see cref="RecipientsAsync"/>. Read it after the batch executed.
    /// </summary>
    public static Func<Task<HashSet<Guid>>>? RecipientsInBatch(IBatchedQuery batch, string tenant, Conversation conversation)
    {
        var candidates = conversation.Kind switch
        {
            ConversationKinds.Announcement => AudienceAccess.OfClassInBatch(batch, tenant, conversation.ClassId),
            ConversationKinds.SchoolAnnouncement => null,
            _ => AudienceAccess.HoldingInBatch(batch, tenant, conversation.StudentId!.Value),
        };
        if (candidates is null) return null;
        return async () =>
        {
            var recipients = GuardianAudience(conversation, await candidates(), DateTimeOffset.MaxValue).Select(a => a.Id).ToHashSet();
            recipients.UnionWith(conversation.StaffIds);
            return recipients;
        };
    }

    /// <summary>
    /// The thread student's families for a message about to be posted in <paramref name="conversationId"/>, added to a batch before
    /// the conversation is read (the student is found from the conversation in SQL; none for an announcement, which has no
    /// student). With the conversation read, <see cref="Recipients"/> decides who hears of the message.
    /// </summary>
    public static Func<Task<IReadOnlyList<AudienceAccess>>> ThreadCandidatesInBatch(IBatchedQuery batch, string tenant, Guid conversationId) =>
        AudienceAccess.HoldingStudentOfConversationInBatch(batch, tenant, conversationId);

    /// <summary>
    /// Everyone who should hear of a new message in a thread, from the thread student's families read in the same batch as the
    /// conversation (<see cref="ThreadCandidatesInBatch"/>); null for an announcement, whose audience is read by class or school.
    /// </summary>
    public static HashSet<Guid>? Recipients(Conversation conversation, IReadOnlyList<AudienceAccess> threadCandidates)
    {
        if (ConversationKinds.IsAnnouncement(conversation.Kind) || conversation.StudentId is null) return null;
        var recipients = GuardianAudience(conversation, threadCandidates, DateTimeOffset.MaxValue).Select(a => a.Id).ToHashSet();
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
