using ClassComms.Accounts;
using ClassComms.Classes;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;

namespace ClassComms.Stories;

/// <summary>A story as the caller reaches it: the School Story (id = school id) or a Class Story (id = class id).</summary>
public sealed record StoryRef(Guid Id, string Kind, SchoolClass? Class);

/// <summary>
/// Who reads and who writes a story. Sessions are already scoped to the caller's school. Readers: the staff of the class
/// (its teacher, leaders, the DPO) and every guardian with a linked, unrestricted child in the class; for the School Story,
/// all staff and every guardian with such a child in the school. Writers: the class's teacher or a leader; leaders only for
/// the School Story.
/// </summary>
public static class StoryAccess
{
    /// <summary>The story if the caller may read it, else null (answer 404).</summary>
    public static async Task<StoryRef?> ReadableAsync(IQuerySession session, Caller caller, Guid storyId, CancellationToken ct)
    {
        if (storyId == caller.SchoolId)
        {
            var school = new StoryRef(storyId, StoryKinds.School, null);
            if (caller.IsStaff) return school;
            if (caller.Role != Role.Guardian) return null;
            var children = await session.Query<Student>().Where(s => s.VisibleGuardianIds.Contains(caller.UserId)).ToListAsync(ct);
            return children.Any(c => c.IsVisibleTo(caller.UserId)) ? school : null;
        }

        var schoolClass = await session.LoadAsync<SchoolClass>(storyId, ct);
        if (schoolClass is null) return null;
        var story = new StoryRef(storyId, StoryKinds.Class, schoolClass);
        if (caller.IsStaff) return caller.Role is Role.Leader or Role.Dpo || schoolClass.TeacherId == caller.UserId ? story : null;
        if (caller.Role != Role.Guardian) return null;
        var inClass = await session.Query<Student>().Where(s => s.ClassId == storyId && s.VisibleGuardianIds.Contains(caller.UserId)).ToListAsync(ct);
        return inClass.Any(c => c.IsVisibleTo(caller.UserId)) ? story : null;
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

    /// <summary>The story of a post, if the caller may read it.</summary>
    public static async Task<(StoryPostView Post, StoryRef Story)?> ReadablePostAsync(IQuerySession session, Caller caller, Guid postId, CancellationToken ct)
    {
        var post = await session.LoadAsync<StoryPostView>(StoryPostView.IdFor(postId), ct);
        if (post is null) return null;
        var story = await ReadableAsync(session, caller, post.StoryId, ct);
        return story is null ? null : (post, story);
    }

    /// <summary>
    /// Who is told of a new item of the story (pushes): the class's visible guardians and its teacher; for the School Story, every
    /// visible guardian of the school and every member of staff. Leaders and the DPO read Class Stories but are not pushed them.
    /// </summary>
    public static async Task<HashSet<Guid>> AudienceAsync(IQuerySession session, Guid schoolId, Guid storyId, string kind, CancellationToken ct)
    {
        var audience = new HashSet<Guid>();
        if (kind == StoryKinds.School)
        {
            foreach (var s in await session.Query<Student>().Where(s => s.ErasedAt == null).ToListAsync(ct)) audience.UnionWith(s.VisibleGuardianIds);
            var staff = await session.Query<UserAccount>()
                .Where(a => a.SchoolId == schoolId && a.ErasedAt == null && a.Role != Role.Guardian && a.Role != Role.Student).Select(a => a.Id).ToListAsync(ct);
            audience.UnionWith(staff);
            return audience;
        }

        var schoolClass = await session.LoadAsync<SchoolClass>(storyId, ct);
        if (schoolClass is null) return audience;
        audience.Add(schoolClass.TeacherId);
        foreach (var s in await session.Query<Student>().Where(s => s.ClassId == storyId && s.ErasedAt == null).ToListAsync(ct))
        {
            audience.UnionWith(s.VisibleGuardianIds);
        }

        return audience;
    }
}
