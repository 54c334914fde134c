using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Stories;

public static class ReportStoryCommentEndpoint
{
    /// <summary>A reader reports a comment to the school; staff see how many reported it. Reporting twice counts once.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [WolverinePost("/api/stories/posts/{postId}/comments/{commentId}/report")]
    public static async Task<IResult> Post(Guid postId, Guid commentId, Caller caller, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        await StoryLocks.PostsAsync(session, [postId], ct);
        if (await StoryAccess.ReadablePostAsync(session, caller, postId, ct) is null) return Problems.NotFound("story post");
        var comment = await session.LoadAsync<StoryComment>(StoryComment.IdFor(commentId), ct);
        if (comment is null || comment.PostId != postId || (comment.Hidden && !caller.IsStaff)) return Problems.NotFound("comment");
        if (!comment.ReportedBy.Contains(caller.UserId)) session.Events.Append(postId, new StoryCommentReported(postId, commentId, caller.UserId, clock.GetUtcNow()));
        return Results.NoContent();
    }
}
