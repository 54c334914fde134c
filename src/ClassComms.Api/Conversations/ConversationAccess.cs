using ClassComms.Classes;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;

namespace ClassComms.Conversations;

/// <summary>
/// Who may see a conversation, computed from current links and restrictions every time (reads and pushes
/// alike), so an unlinked or restricted guardian stops seeing and receiving at once.
/// </summary>
public static class ConversationAccess
{
    /// <summary>The conversation if the caller currently takes part in it.</summary>
    public static async Task<Conversation?> ParticipantAsync(IQuerySession session, Caller caller, Guid conversationId, CancellationToken ct)
    {
        var conversation = await session.LoadAsync<Conversation>(conversationId, ct);
        if (conversation is null) return null;
        if (caller.IsTeacherOrLeader) return conversation.StaffIds.Contains(caller.UserId) ? conversation : null;
        if (caller.Role != Role.Guardian) return null;
        var recipients = await GuardianRecipientsAsync(session, conversation, ct);
        return recipients.Contains(caller.UserId) ? conversation : null;
    }

    /// <summary>Guardians who may see the conversation right now.</summary>
    public static async Task<HashSet<Guid>> GuardianRecipientsAsync(IQuerySession session, Conversation conversation, CancellationToken ct)
    {
        if (conversation.Kind != ConversationKinds.Announcement)
        {
            var student = await session.LoadAsync<Student>(conversation.StudentId!.Value, ct);
            if (student is null || student.Erased) return [];
            var visible = student.VisibleGuardianIds.ToHashSet();
            if (conversation.Kind == ConversationKinds.Private) visible.IntersectWith(conversation.GuardianIds);
            return visible;
        }

        var schoolClass = await session.LoadAsync<SchoolClass>(conversation.ClassId, ct);
        if (schoolClass is null) return [];
        var students = await session.LoadManyAsync<Student>(ct, schoolClass.StudentIds.Union(conversation.AboutStudentIds));
        var recipients = students.Where(s => schoolClass.StudentIds.Contains(s.Id) && !s.Erased)
            .SelectMany(s => s.VisibleGuardianIds).ToHashSet();
        // Restricted guardians receive nothing about that student, including announcements naming them.
        foreach (var about in students.Where(s => conversation.AboutStudentIds.Contains(s.Id)))
        {
            recipients.ExceptWith(about.Guardians.Where(g => g.Restricted).Select(g => g.GuardianId));
        }

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
