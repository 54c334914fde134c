using ClassComms.Media;
using ClassComms.PersonalData;

namespace ClassComms.Stories;

/// <summary>
/// A story is addressed by one id: a class's id for its Class Story, the school's id for the School Story. Each post is its
/// own stream (stream id = post id).
/// </summary>
public static class StoryKinds
{
    /// <summary>The Class Story: the class's teacher (or a leader) posts; the class's guardians and its staff read.</summary>
    public const string Class = "class";

    /// <summary>The School Story: leaders post; every guardian of the school and every member of staff reads.</summary>
    public const string School = "school";

    /// <summary>The consent a student needs to appear in a media item of a story of this kind.</summary>
    public static string ConsentPurpose(string kind) =>
        kind == School ? Consents.ConsentPurposes.SchoolStoryMedia : Consents.ConsentPurposes.ClassStoryMedia;
}

/// <summary>
/// A photo or video of a post. <paramref name="TaggedStudentIds"/> appear in it (each needed consent when it was posted, and
/// the item leaves every view when one of them withdraws it or is erased); <paramref name="ExcludedStudentIds"/> were marked by
/// the author as excluded or blurred (not identifiable), so no consent was needed.
/// </summary>
public sealed record StoryMedia(AttachmentRef Attachment, IReadOnlyList<Guid> TaggedStudentIds, IReadOnlyList<Guid> ExcludedStudentIds);

// Events of the story post stream (stream id = post id).

/// <summary>The text is sealed for the author and the school (erasing the author or shredding the school shreds it).</summary>
public sealed record StoryPostPublished(Guid PostId, Guid AuthorId, Guid StoryId, string Kind, Sealed Text, IReadOnlyList<StoryMedia> Media,
    bool CommentsNeedApproval, DateTimeOffset At);

/// <summary>The author replaced the text and removed the media items <paramref name="RemovedAttachmentIds"/>.</summary>
public sealed record StoryPostEdited(Guid PostId, Guid EditorId, Sealed Text, IReadOnlyList<Guid> RemovedAttachmentIds, DateTimeOffset At);

public sealed record StoryPostDeleted(Guid PostId, Guid DeletedBy, DateTimeOffset At);

/// <summary>Not an event: tells the push handler, after commit, that a post was published (ids only).</summary>
public sealed record StoryPostChanged(Guid SchoolId, Guid PostId);

/// <summary>
/// Not an event: tells the push handler, after commit, that a post was edited or deleted or a comment hidden (ids only). The story
/// and its kind travel with it because a deleted post's view is gone by then.
/// </summary>
public sealed record StoryItemChanged(Guid SchoolId, Guid PostId, Guid StoryId, string Kind, string Change, Guid? CommentId, DateTimeOffset At);

public static class StoryChanges
{
    public const string Edited = "edited";
    public const string Deleted = "deleted";
    public const string CommentHidden = "commentHidden";

    /// <summary>A comment was added shown, or a pending one approved (change feed only: comments are pushed as <c>StoryCommentPublished</c>).</summary>
    public const string Commented = "commented";

    /// <summary>A comment waits for approval (change feed only): staff and the commenter read it.</summary>
    public const string CommentPending = "commentPending";

    /// <summary>Media items left the post because a tagged student's consent was withdrawn (or the student erased).</summary>
    public const string MediaRemoved = "mediaRemoved";
}

/// <summary>
/// The change feed of a story, one row per post (id = the post's): the post's latest change after it was published — edited,
/// media removed (consent withdrawn, a tagged student erased), commented on (a comment shown, approved or waiting), a comment hidden,
/// or deleted (<see cref="Deleted"/>, a tombstone
/// that stays) — at its story's next position (<see cref="Notifications.ReadPositions"/>, the sequence the posts are numbered
/// in). <c>GET /api/stories/{storyId}/posts?after=</c> returns the posts changed after the cursor again, and the deleted ones as
/// markers. Ids only.
/// </summary>
public sealed record StoryPostChange(string Id, Guid PostId, Guid StoryId, string Change, bool Deleted, long Sequence, DateTimeOffset At);

/// <summary>
/// Written by <see cref="StoryProjection"/> in the transaction of a consent withdrawal (or an erasure) that removed media from
/// posts: which posts changed (ids only), for <see cref="PushStoryMediaRemovals"/> to tell their viewers after the commit, and
/// then deleted.
/// </summary>
public sealed record StoryMediaRemoval(Guid Id, IReadOnlyList<Guid> PostIds, DateTimeOffset At);

/// <summary>Not an event: after a commit that may have removed story media, push what <see cref="StoryMediaRemoval"/> holds (ids only).</summary>
public sealed record PushStoryMediaRemovals(Guid SchoolId);
