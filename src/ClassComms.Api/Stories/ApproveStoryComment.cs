using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Stories;

public static class ApproveStoryCommentEndpoint
{
    /// <summary>Staff who may post to the story (the class's teacher, a leader) approve a comment held for approval.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403)]
    [WolverinePost("/api/stories/posts/{postId}/comments/{commentId}/approval")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid postId, Guid commentId, Caller caller, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        await StoryLocks.PostsAsync(session, [postId], ct);
        if (await StoryAccess.ReadablePostAsync(session, caller, postId, ct) is not { } found) return (Problems.NotFound("story post"), []);
        var pending = await session.LoadAsync<PendingStoryComment>(commentId, ct);
        if (pending is null || pending.PostId != postId) return (Problems.NotFound("comment awaiting approval"), []);
        if ((await StoryAccess.WritableAsync(session, caller, found.Post.StoryId, ct)).Problem is not null)
        {
            return (Problems.Forbidden("Only staff who post to this story approve its comments."), []);
        }

        session.Events.Append(postId, new StoryCommentApproved(postId, commentId, caller.UserId, clock.GetUtcNow()));
        return (Results.NoContent(), new OutgoingMessages { new StoryCommentChanged(caller.SchoolId, postId, commentId) });
    }
}
