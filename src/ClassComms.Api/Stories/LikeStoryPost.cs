using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Stories;

public static class LikeStoryPostEndpoint
{
    /// <summary>Like a post one may read (guardians and staff); liking twice is one like.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403)]
    [WolverinePut("/api/stories/posts/{postId}/like")]
    public static async Task<IResult> Put(Guid postId, Caller caller, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        await StoryLocks.PostsAsync(session, [postId], ct);
        if (await StoryAccess.ReadablePostAsync(session, caller, postId, ct) is null) return Problems.NotFound("story post");
        if (!StoryAccess.MayCommentOrLike(caller)) return Problems.Forbidden("Only guardians and staff like stories.");
        if (await ProcessingRestriction.Restrictions.WriteRefusalAsync(session, caller, [], ct) is { } frozen) return frozen;
        if (await session.LoadAsync<StoryLike>(StoryLike.IdFor(postId, caller.UserId), ct) is null)
        {
            session.Events.Append(postId, new StoryPostLiked(postId, caller.UserId, clock.GetUtcNow()));
        }

        return Results.NoContent();
    }
}
