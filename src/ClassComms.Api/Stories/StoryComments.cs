using ClassComms.PersonalData;

namespace ClassComms.Stories;

// Events of the story post stream (stream id = post id): comments, likes, moderation. Ids only, bodies sealed.

/// <summary>
/// A comment by a guardian or a member of staff, sealed for its author and the school (erasing the author shreds it). <paramref name="Pending"/>:
/// the post requires approval and the author is a guardian; it is shown once staff approve it.
/// </summary>
public sealed record StoryCommentAdded(Guid PostId, Guid StoryId, Guid CommentId, Guid AuthorId, Sealed Body, bool Pending, DateTimeOffset At);

public sealed record StoryCommentApproved(Guid PostId, Guid CommentId, Guid ApprovedBy, DateTimeOffset At);

/// <summary>A school leader hid the comment: guardians no longer see it; staff see it marked hidden.</summary>
public sealed record StoryCommentHidden(Guid PostId, Guid CommentId, Guid HiddenBy, DateTimeOffset At);

/// <summary>A reader reported the comment to the school (staff see how many did).</summary>
public sealed record StoryCommentReported(Guid PostId, Guid CommentId, Guid ReportedBy, DateTimeOffset At);

public sealed record StoryPostLiked(Guid PostId, Guid PersonId, DateTimeOffset At);

public sealed record StoryPostUnliked(Guid PostId, Guid PersonId, DateTimeOffset At);

/// <summary>The person was erased: their comments (pending or shown) and likes on this post leave every view.</summary>
public sealed record StoryContributionsErased(Guid PostId, Guid PersonId, DateTimeOffset At);

/// <summary>Not an event: tells the push handler, after commit, that a comment became visible (ids only).</summary>
public sealed record StoryCommentChanged(Guid SchoolId, Guid PostId, Guid CommentId);

/// <summary>
/// A shown comment, written inline when it becomes visible (added to a post without approval, or approved), numbered on its
/// story's head at that commit (<see cref="Notifications.ReadPositions"/>): a reader catching up after a cursor gets it then.
/// </summary>
public sealed record StoryComment(string Id, Guid CommentId, Guid PostId, Guid StoryId, Guid AuthorId, Sealed? Body, bool Hidden,
    IReadOnlyList<Guid> ReportedBy, long Sequence, DateTimeOffset At)
{
    public static string IdFor(Guid commentId) => commentId.ToString();
}

/// <summary>A comment waiting for approval (seen by staff and its author only).</summary>
public sealed record PendingStoryComment(Guid Id, Guid PostId, Guid StoryId, Guid AuthorId, Sealed Body, DateTimeOffset At);

/// <summary>One person's like of one post.</summary>
public sealed record StoryLike(string Id, Guid PostId, Guid PersonId, DateTimeOffset At)
{
    public static string IdFor(Guid postId, Guid personId) => $"{postId:N}:{personId:N}";
}
