using ClassComms.Platform;
using Marten;

namespace ClassComms.Stories;

/// <summary>
/// Transaction-scoped advisory locks that keep the story views right under concurrency (taken in id order, in one statement,
/// held until commit):
/// <list type="bullet">
/// <item><b>Student</b>: a post that tags students takes theirs before it reads their consents; the story projection takes it
/// when it applies a <see cref="Consents.ConsentWithdrawn"/> or <see cref="Students.StudentErased"/> before it looks for the
/// posts to change. So a withdrawal either commits first (the post then reads it and is refused) or finds the post committed
/// (and removes its media): never a post showing media whose consent was withdrawn while it was being posted.</item>
/// <item><b>Post</b>: whatever changes a post's view (edit, delete, a withdrawal's removal) takes it before loading the view,
/// so two changes of one view cannot overwrite each other.</item>
/// </list>
/// Order: attachments (<see cref="Media.AttachmentLocks"/>), then students, then posts.
/// </summary>
public static class StoryLocks
{
    public static Task StudentsAsync(IDocumentOperations session, IEnumerable<Guid> studentIds, CancellationToken ct) =>
        AdvisoryLocks.TakeAsync(session, AdvisoryLocks.Keys("student-consent", studentIds), ct);

    public static Task PostsAsync(IDocumentOperations session, IEnumerable<Guid> postIds, CancellationToken ct) =>
        AdvisoryLocks.TakeAsync(session, AdvisoryLocks.Keys("story-post", postIds), ct);
}
