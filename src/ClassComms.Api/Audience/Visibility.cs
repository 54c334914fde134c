using ClassComms.Consents;
using ClassComms.Conversations;

namespace ClassComms.Audience;

/// <summary>The kinds of item a family member may be shown. Each has one rule in <see cref="Visibility"/>.</summary>
public static class ItemKinds
{
    /// <summary>The child's own record: the student, their points and point totals. History included.</summary>
    public const string Record = "record";

    /// <summary>A message (or the thread itself) of a private conversation: one guardian, named when it was opened.</summary>
    public const string PrivateMessage = "privateMessage";

    /// <summary>A message of a shared conversation about one student: from the viewer's joined-at for that student on.</summary>
    public const string SharedMessage = "sharedMessage";

    /// <summary>A class announcement, or a school-wide one (no class) (students it is about in <see cref="AudienceItem.StudentIds"/>).</summary>
    public const string Announcement = "announcement";

    /// <summary>One photo or video of a Class Story (<see cref="AudienceItem.ClassId"/> set) or the School Story (no class).</summary>
    public const string StoryMedia = "storyMedia";

    /// <summary>One item of a student's portfolio.</summary>
    public const string PortfolioItem = "portfolioItem";
}

/// <summary>
/// What is to be shown, described by ids and facts only. Build it with the factory methods.
/// <see cref="StudentIds"/>: the students the item is about (its subject, the students an announcement names, the students
/// tagged in a story media item). <see cref="At"/>: when it was posted (only shared threads compare it to the joined-at).
/// <see cref="ConsentPurpose"/> and <see cref="ConsentedStudentIds"/>: the consent every tagged student needs, and those of
/// them whose consent stands now (story media; the story's own projection knows them). <see cref="Approved"/>: portfolio items
/// wait for the teacher before guardians see them.
/// </summary>
public sealed record AudienceItem(
    string Kind,
    IReadOnlyList<Guid> StudentIds,
    Guid? ClassId,
    DateTimeOffset At,
    IReadOnlyList<Guid>? Participants = null,
    string? ConsentPurpose = null,
    IReadOnlyList<Guid>? ConsentedStudentIds = null,
    bool Approved = true)
{
    /// <summary>The student's own record (profile, points, a feed entry), whenever it was written.</summary>
    public static AudienceItem Record(Guid studentId, Guid classId) => new(ItemKinds.Record, [studentId], classId, DateTimeOffset.MinValue);

    /// <summary>A message of <paramref name="conversation"/> posted at <paramref name="at"/>.</summary>
    public static AudienceItem Message(Conversation conversation, DateTimeOffset at) => conversation.Kind switch
    {
        ConversationKinds.Private => new(ItemKinds.PrivateMessage, [conversation.StudentId!.Value], conversation.ClassId, at, conversation.GuardianIds),
        ConversationKinds.Shared => new(ItemKinds.SharedMessage, [conversation.StudentId!.Value], conversation.ClassId, at),
        ConversationKinds.SchoolAnnouncement => new(ItemKinds.Announcement, conversation.AboutStudentIds, null, at),
        _ => new(ItemKinds.Announcement, conversation.AboutStudentIds, conversation.ClassId, at),
    };

    /// <summary>The conversation itself (taking part in it; which of its messages show is <see cref="Visibility.VisibleFrom"/>).</summary>
    public static AudienceItem Thread(Conversation conversation) => Message(conversation, DateTimeOffset.MaxValue);

    /// <summary>A photo or video of a story: <paramref name="classId"/> null for the School Story.</summary>
    public static AudienceItem StoryMedia(Guid? classId, IReadOnlyList<Guid> taggedStudentIds, IReadOnlyList<Guid> consentedStudentIds, DateTimeOffset at) =>
        new(ItemKinds.StoryMedia, taggedStudentIds, classId, at, null,
            classId is null ? ConsentPurposes.SchoolStoryMedia : ConsentPurposes.ClassStoryMedia, consentedStudentIds);

    /// <summary>An item of <paramref name="studentId"/>'s portfolio; <paramref name="approved"/> by a teacher (teacher items are).</summary>
    public static AudienceItem PortfolioItem(Guid studentId, Guid classId, bool approved, DateTimeOffset at) =>
        new(ItemKinds.PortfolioItem, [studentId], classId, at, null, ConsentPurposes.PortfolioSharing, null, approved);
}

/// <summary>
/// The one decision "can this person see this item", for guardians and student accounts (staff see what they teach or take part
/// in). Pure: the caller loads the person's <see cref="AudienceAccess"/> (<see cref="AudienceAccess.LoadAsync"/>, one round trip) and describes the item. Every read,
/// every push and the subject access export ask it. The rules (README, Visibility rules):
/// <list type="bullet">
/// <item>No access document, an unlinked child, an erased child: nothing.</item>
/// <item>A child the guardian is restricted from: nothing about that child, history included, from the restriction on —
/// not their record, not their threads, not an announcement naming them, not a story media item tagging them.</item>
/// <item>The child's own record (points) and, with portfolio-sharing consent, their approved portfolio items: all of it,
/// whenever it was written (a guardian linked later sees the child's past).</item>
/// <item>Shared threads: only messages posted from the guardian's joined-at for that student (their link time) on; earlier
/// exchanges between the teacher and the other parent stay theirs. Private threads: the named guardian, all of it.</item>
/// <item>Announcements: every guardian with an unrestricted child in the class (a school-wide one: in the school), earlier ones
/// included.</item>
/// <item>Story media: the class's guardians and students (the School Story: the school's), only while every tagged student's
/// consent for that story stands.</item>
/// <item>A student account: their own record and every item of their own portfolio (approved or not), their class's and the
/// school's story media; never a conversation, never another student's record or portfolio.</item>
/// </list>
/// </summary>
public static class Visibility
{
    /// <summary>Whether <paramref name="access"/>'s person may see <paramref name="item"/> now.</summary>
    public static bool CanSee(AudienceAccess? access, AudienceItem item) => VisibleFrom(access, item) is { } from && item.At >= from;

    /// <summary>
    /// From when on items like <paramref name="item"/> are visible to the person (<see cref="DateTimeOffset.MinValue"/>: all
    /// history), or null when not at all. Reads put it in their query so that pages are full; pushes use <see cref="CanSee"/>.
    /// </summary>
    public static DateTimeOffset? VisibleFrom(AudienceAccess? access, AudienceItem item)
    {
        if (access is null) return null;
        // Nothing about a child one is restricted from, whatever else the item is about.
        if (item.StudentIds.Any(s => access.Child(s) is { Restricted: true })) return null;
        // Nor about a child whose processing the DPO restricted (ProcessingRestriction/), until it is lifted.
        if (item.StudentIds.Any(s => access.Child(s) is { Frozen: true })) return null;
        return access.Kind == AudienceKinds.Student ? ForStudent(access, item) : ForGuardian(access, item);
    }

    private static DateTimeOffset? ForGuardian(AudienceAccess access, AudienceItem item)
    {
        var child = item.StudentIds.Count == 1 ? access.Child(item.StudentIds[0]) : null;
        switch (item.Kind)
        {
            case ItemKinds.Record:
                return child is not null ? DateTimeOffset.MinValue : null;
            case ItemKinds.PrivateMessage:
                return child is not null && item.Participants is { } named && named.Contains(access.Id) ? DateTimeOffset.MinValue : null;
            case ItemKinds.SharedMessage:
                return child?.LinkedAt;
            case ItemKinds.Announcement:
                // A school-wide announcement (no class): anyone with an unrestricted child in the school.
                return (item.ClassId is { } announced ? access.ClassIds.Contains(announced) : access.ClassIds.Count > 0) ? DateTimeOffset.MinValue : null;
            case ItemKinds.StoryMedia:
                return InStoryAudience(access, item) && Consented(item) ? DateTimeOffset.MinValue : null;
            case ItemKinds.PortfolioItem:
                return child is not null && item.Approved && child.HasConsent(ConsentPurposes.PortfolioSharing) ? DateTimeOffset.MinValue : null;
            default:
                return null;
        }
    }

    private static DateTimeOffset? ForStudent(AudienceAccess access, AudienceItem item)
    {
        var own = item.StudentIds.Count == 1 && access.Child(item.StudentIds[0]) is not null;
        return item.Kind switch
        {
            ItemKinds.Record or ItemKinds.PortfolioItem when own => DateTimeOffset.MinValue,
            ItemKinds.StoryMedia when InStoryAudience(access, item) && Consented(item) => DateTimeOffset.MinValue,
            _ => null,
        };
    }

    /// <summary>A Class Story: someone with an unrestricted child in the class (a student: their class); the School Story: anyone with one.</summary>
    private static bool InStoryAudience(AudienceAccess access, AudienceItem item) =>
        item.ClassId is { } classId ? access.ClassIds.Contains(classId) : access.ClassIds.Count > 0;

    private static bool Consented(AudienceItem item) =>
        item.ConsentPurpose is not null && item.StudentIds.All(s => item.ConsentedStudentIds?.Contains(s) == true);
}
