using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Stories;

public static class UnlikeStoryPostEndpoint
{
    /// <summary>Take back one's like of a post.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [WolverineDelete("/api/stories/posts/{postId}/like")]
    public static async Task<IResult> Delete(Guid postId, Caller caller, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        await StoryLocks.PostsAsync(session, [postId], ct);
        if (await StoryAccess.ReadablePostAsync(session, caller, postId, ct) is null) return Problems.NotFound("story post");
        if (await session.LoadAsync<StoryLike>(StoryLike.IdFor(postId, caller.UserId), ct) is not null)
        {
            session.Events.Append(postId, new StoryPostUnliked(postId, caller.UserId, clock.GetUtcNow()));
        }

        return Results.NoContent();
    }
}
