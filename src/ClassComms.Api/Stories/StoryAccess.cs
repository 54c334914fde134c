using ClassComms.Accounts;
using ClassComms.Audience;
using ClassComms.Classes;
using ClassComms.Platform;
using System.Linq.Expressions;
using Marten;
using Marten.Services.BatchQuerying;

namespace ClassComms.Stories;

/// <summary>
/// A story as the caller reaches it: the School Story (id = school id) or a Class Story (id = class id). <see cref="Access"/>: the
/// caller's audience document when they read as a family member (guardian, student account); null for staff.
/// </summary>
public sealed record StoryRef(Guid Id, string Kind, SchoolClass? Class, AudienceAccess? Access = null)
{
    /// <summary>
    /// Whether the caller may see this media item of a post of this story: staff always; a family member as the one audience
    /// decision says (<see cref="Visibility.CanSee"/>: in the story's audience, not restricted from a tagged child, every tagged
    /// student's consent standing). The view holds only items whose tagged students' consent stands (<see cref="StoryProjection"/>),
    /// so its tags are the consented students.
    /// </summary>
    public bool CanSee(StoryPostView post, StoryMedia media) =>
        Access is null || Visibility.CanSee(Access, AudienceItem.StoryMedia(Kind == StoryKinds.Class ? Id : null, media.TaggedStudentIds,
            media.TaggedStudentIds, post.PostedAt));
}

/// <summary>
/// Who reads and who writes a story. Sessions are already scoped to the caller's school. Readers: the staff of the class
/// (its teacher, leaders, the DPO) and every family member (guardian, student account) whose audience document
/// (<see cref="AudienceAccess"/>) has an unrestricted child in the class; for the School Story, all staff and every family
/// member with such a child in the school. Writers: the class's teacher or a leader; leaders only for
/// the School Story.
/// </summary>
public static class StoryAccess
{
    /// <summary>The story if the caller may read it, else null (answer 404).</summary>
    public static async Task<StoryRef?> ReadableAsync(IQuerySession session, Caller caller, Guid storyId, CancellationToken ct)
    {
        if (caller.IsStaff)
        {
            if (storyId == caller.SchoolId) return new StoryRef(storyId, StoryKinds.School, null);
            var taught = await session.LoadAsync<SchoolClass>(storyId, ct);
            return taught is not null && (caller.Role is Role.Leader or Role.Dpo || taught.TeacherId == caller.UserId)
                ? new StoryRef(storyId, StoryKinds.Class, taught)
                : null;
        }

        if (caller.Role is not (Role.Guardian or Role.Student)) return null;
        var access = await AudienceAccess.LoadAsync(session, caller.UserId, ct);
        if (access is null) return null;
        if (storyId == caller.SchoolId) return access.ClassIds.Count > 0 ? new StoryRef(storyId, StoryKinds.School, null, access) : null;
        if (!access.ClassIds.Contains(storyId)) return null;
        var schoolClass = await session.LoadAsync<SchoolClass>(storyId, ct);
        return schoolClass is null ? null : new StoryRef(storyId, StoryKinds.Class, schoolClass, access);
    }

    /// <summary>The story if the caller may post to it; otherwise the problem to answer (404 unknown or not theirs, 403 a teacher on the School Story).</summary>
    public static async Task<(StoryRef? Story, IResult? Problem)> WritableAsync(IQuerySession session, Caller caller, Guid storyId, CancellationToken ct)
    {
        if (!caller.IsTeacherOrLeader) return (null, Problems.NotFound("story"));
        if (storyId == caller.SchoolId)
        {
            return caller.Role == Role.Leader
                ? (new StoryRef(storyId, StoryKinds.School, null), null)
                : (null, Problems.Forbidden("Only school leaders post to the School Story."));
        }

        var schoolClass = await session.LoadAsync<SchoolClass>(storyId, ct);
        return schoolClass is not null && ClassAccess.CanTeach(caller, schoolClass)
            ? (new StoryRef(storyId, StoryKinds.Class, schoolClass), null)
            : (null, Problems.NotFound("story"));
    }

    /// <summary>
    /// Who comments on and likes the posts they read: staff and guardians. Student accounts read their class's and the school's
    /// story but do not comment or like (primary-school pupils: 403, decided before anything is staged).
    /// </summary>
    public static bool MayCommentOrLike(Caller caller) => caller.IsStaff || caller.Role == Role.Guardian;

    /// <summary>The story of a post, if the caller may read it.</summary>
    public static async Task<(StoryPostView Post, StoryRef Story)?> ReadablePostAsync(IQuerySession session, Caller caller, Guid postId, CancellationToken ct)
    {
        var post = await session.LoadAsync<StoryPostView>(StoryPostView.IdFor(postId), ct);
        if (post is null) return null;
        var story = await ReadableAsync(session, caller, post.StoryId, ct);
        return story is null ? null : (post, story);
    }

    /// <summary>
    /// Who is told of a new item of the story (pushes), from the same audience documents as the reads: every family member
    /// with an unrestricted child in the class, its teacher, the school's leaders and its DPO (who read every Class Story); for the
    /// School Story, every family member with such a child in the school and every member of staff. One round trip: the class,
    /// the families (ids selected by the class, as <see cref="AudienceAccess.OfClassAsync"/> selects them) and the staff in one batch.
    /// </summary>
    public static async Task<HashSet<Guid>> AudienceAsync(IQuerySession session, Guid schoolId, Guid storyId, string kind, CancellationToken ct)
    {
        var read = session.CreateBatchQuery();
        if (kind == StoryKinds.School)
        {
            var familiesLoad = read.Query<AudienceLink>().Where(x => !x.Restricted).Select(x => x.PersonId).ToList();
            var staffLoad = LiveStaffInBatch(read, schoolId, a => a.Role != Role.Guardian && a.Role != Role.Student);
            await read.Execute(ct);
            return [.. await familiesLoad, .. await staffLoad];
        }

        var classLoad = read.Load<SchoolClass>(storyId);
        var classFamiliesLoad = read.Query<AudienceLink>().Where(x => x.ClassId == storyId && !x.Restricted).Select(x => x.PersonId).ToList();
        // Leaders and the DPO read every Class Story (ReadableAsync), so they are told of its items too.
        var overseersLoad = LiveStaffInBatch(read, schoolId, a => a.Role == Role.Leader || a.Role == Role.Dpo);
        await read.Execute(ct);
        if (await classLoad is not { } schoolClass) return [];
        return [schoolClass.TeacherId, .. await classFamiliesLoad, .. await overseersLoad];
    }

    /// <summary>
    /// Who may approve a comment of the story (<see cref="WritableAsync"/>): the school's leaders, and for a Class Story its teacher
    /// (one round trip).
    /// </summary>
    public static async Task<HashSet<Guid>> ApproversAsync(IQuerySession session, Guid schoolId, Guid storyId, string kind, CancellationToken ct)
    {
        var read = session.CreateBatchQuery();
        var leadersLoad = LiveStaffInBatch(read, schoolId, a => a.Role == Role.Leader);
        var classLoad = kind == StoryKinds.Class ? read.Load<SchoolClass>(storyId) : null;
        await read.Execute(ct);
        HashSet<Guid> approvers = [.. await leadersLoad];
        if (classLoad is not null && await classLoad is { } schoolClass) approvers.Add(schoolClass.TeacherId);
        return approvers;
    }

    /// <summary>The ids of the school's members (not erased, not removed) whose role <paramref name="roles"/> accepts, added to a batch.</summary>
    private static Task<IReadOnlyList<Guid>> LiveStaffInBatch(IBatchedQuery read, Guid schoolId, Expression<Func<UserAccount, bool>> roles) =>
        read.Query<UserAccount>().Where(a => a.SchoolId == schoolId && a.ErasedAt == null && a.RemovedAt == null).Where(roles).Select(a => a.Id).ToList();
}
