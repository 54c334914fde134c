using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Stories;

public static class HideStoryCommentEndpoint
{
    /// <summary>A school leader hides a comment: guardians no longer see it; staff see it marked hidden.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403)]
    [WolverinePost("/api/stories/posts/{postId}/comments/{commentId}/hide")]
    public static async Task<IResult> Post(Guid postId, Guid commentId, Caller caller, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        await StoryLocks.PostsAsync(session, [postId], ct);
        if (await StoryAccess.ReadablePostAsync(session, caller, postId, ct) is null) return Problems.NotFound("story post");
        var comment = await session.LoadAsync<StoryComment>(StoryComment.IdFor(commentId), ct);
        if (comment is null || comment.PostId != postId) return Problems.NotFound("comment");
        if (caller.Role != Role.Leader) return Problems.Forbidden("Only a school leader hides comments.");
        if (!comment.Hidden) session.Events.Append(postId, new StoryCommentHidden(postId, commentId, caller.UserId, clock.GetUtcNow()));
        return Results.NoContent();
    }
}
