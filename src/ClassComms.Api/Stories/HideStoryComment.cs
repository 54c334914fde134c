using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Stories;

public static class HideStoryCommentEndpoint
{
    /// <summary>A school leader hides a comment: guardians no longer see it; staff see it marked hidden.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403)]
    [WolverinePost("/api/stories/posts/{postId}/comments/{commentId}/hide")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid postId, Guid commentId, Caller caller, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        await StoryLocks.PostsAsync(session, [postId], ct);
        if (await StoryAccess.ReadablePostAsync(session, caller, postId, ct) is not { } found) return (Problems.NotFound("story post"), []);
        var comment = await session.LoadAsync<StoryComment>(StoryComment.IdFor(commentId), ct);
        if (comment is null || comment.PostId != postId) return (Problems.NotFound("comment"), []);
        if (caller.Role != Role.Leader) return (Problems.Forbidden("Only a school leader hides comments."), []);
        if (comment.Hidden) return (Results.NoContent(), []);
        var at = clock.GetUtcNow();
        session.Events.Append(postId, new StoryCommentHidden(postId, commentId, caller.UserId, at));
        return (Results.NoContent(),
            new OutgoingMessages { new StoryItemChanged(caller.SchoolId, postId, found.Post.StoryId, found.Post.Kind, StoryChanges.CommentHidden, commentId, at) });
    }
}
