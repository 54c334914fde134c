using ClassComms.Media;
using ClassComms.PersonalData;

namespace ClassComms.Conversations;

public static class ConversationKinds
{
    /// <summary>A teacher and one guardian, about one student.</summary>
    public const string Private = "private";

    /// <summary>A teacher and every linked, unrestricted guardian of one student.</summary>
    public const string Shared = "shared";

    /// <summary>A class announcement to every linked guardian of the class; guardians read, staff write.</summary>
    public const string Announcement = "announcement";

    /// <summary>
    /// A school-wide announcement from a leader to every guardian with an unrestricted child anywhere in the school; it belongs
    /// to no class (its <c>ClassId</c> is <see cref="Guid.Empty"/>). Guardians read, staff write.
    /// </summary>
    public const string SchoolAnnouncement = "schoolAnnouncement";

    /// <summary>Announcements (class or school) are read by families and never answered by them.</summary>
    public static bool IsAnnouncement(string kind) => kind is Announcement or SchoolAnnouncement;
}

// Events of the conversation stream (stream id = conversation id).

public sealed record ConversationStarted(Guid ConversationId, Guid StartedBy, string Kind, Guid ClassId, Guid? StudentId,
    IReadOnlyList<Guid> GuardianIds, IReadOnlyList<Guid> AboutStudentIds, DateTimeOffset At);

public sealed record StaffJoinedConversation(Guid ConversationId, Guid StaffId, DateTimeOffset At);

/// <summary>
/// The body (and attachment names) are sealed in layers for the sender and the students the message is
/// about, so erasing any of them shreds it. <paramref name="Recipients"/> are the ids that were entitled
/// to it when it was sent (ids only); what a recipient sees later is filtered again at read time.
/// </summary>
public sealed record MessagePosted(Guid ConversationId, Guid SenderId, Guid MessageId, Sealed Body, IReadOnlyList<AttachmentRef> Attachments,
    bool Urgent, IReadOnlyList<Guid> Recipients, DateTimeOffset At);

public sealed record MessageWithdrawn(Guid ConversationId, Guid SenderId, Guid MessageId, DateTimeOffset At);

public sealed record MessagesRead(Guid ConversationId, Guid ReaderId, IReadOnlyList<Guid> MessageIds, DateTimeOffset At);

/// <summary>
/// Not an event: the message to the push handler that a message was posted or withdrawn (<see cref="MessagePosted"/>,
/// <see cref="MessageWithdrawn"/>), sent after commit. Ids only: the handler loads the message and pushes what it now is.
/// <paramref name="ConversationId"/>, <paramref name="ClassId"/> and <paramref name="StudentId"/> (the student of a thread,
/// null for an announcement) never change for a message and say where its audience is found, so the handler reads the
/// message, the conversation and the candidate guardians in one round trip; a notice without them (queued by an older
/// build) costs two more.
/// </summary>
public sealed record MessageChanged(Guid SchoolId, Guid MessageId, Guid? ConversationId = null, Guid? ClassId = null, Guid? StudentId = null);

/// <summary>The conversation aggregate and inline snapshot: who takes part and what it is about (ids only).</summary>
public sealed record Conversation(
    Guid Id,
    string Kind,
    Guid ClassId,
    Guid? StudentId,
    IReadOnlyList<Guid> GuardianIds,
    IReadOnlyList<Guid> AboutStudentIds,
    IReadOnlyList<Guid> StaffIds,
    DateTimeOffset StartedAt,
    DateTimeOffset LastMessageAt,
    int MessageCount)
{
    public static Conversation Create(ConversationStarted e) =>
        new(e.ConversationId, e.Kind, e.ClassId, e.StudentId, e.GuardianIds, e.AboutStudentIds, [e.StartedBy], e.At, e.At, 0);

    public Conversation Apply(StaffJoinedConversation e) =>
        StaffIds.Contains(e.StaffId) ? this : this with { StaffIds = [.. StaffIds, e.StaffId] };

    public Conversation Apply(MessagePosted e) => this with { LastMessageAt = e.At, MessageCount = MessageCount + 1 };

    /// <summary>The students whose keys seal this conversation's messages, besides the sender's.</summary>
    public IReadOnlyList<Guid> SubjectStudents => StudentId is { } s ? [s, .. AboutStudentIds.Where(a => a != s)] : AboutStudentIds;
}
