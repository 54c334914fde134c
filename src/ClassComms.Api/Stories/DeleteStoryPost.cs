using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Stories;

public static class DeleteStoryPostEndpoint
{
    /// <summary>The author (or a school leader) deletes a post: it leaves every view, with its comments and likes.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403)]
    [WolverineDelete("/api/stories/posts/{postId}")]
    public static async Task<(IResult, OutgoingMessages)> Delete(Guid postId, Caller caller, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        await StoryLocks.PostsAsync(session, [postId], ct);
        if (await StoryAccess.ReadablePostAsync(session, caller, postId, ct) is not { } found) return (Problems.NotFound("story post"), []);
        if (found.Post.AuthorId != caller.UserId && caller.Role != Role.Leader) return (Problems.Forbidden("Only the author or a school leader deletes a post."), []);
        // Deleting is processing too (art. 18: the data is kept, e.g. for a legal claim): refused while a tagged student is frozen.
        if (await ProcessingRestriction.Restrictions.WriteRefusalAsync(session, caller, EditStoryPostEndpoint.Tagged(found.Post), ct) is { } frozen) return (frozen, []);
        var at = clock.GetUtcNow();
        session.Events.Append(postId, new StoryPostDeleted(postId, caller.UserId, at));
        return (Results.NoContent(),
            new OutgoingMessages { new StoryItemChanged(caller.SchoolId, postId, found.Post.StoryId, found.Post.Kind, StoryChanges.Deleted, null, at) });
    }
}
