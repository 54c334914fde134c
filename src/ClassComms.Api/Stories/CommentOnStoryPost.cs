using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Stories;

public sealed record CommentOnStoryPost(string Text);

/// <summary><c>Pending</c>: the post requires approval, so staff see the comment and others will once it is approved.</summary>
public sealed record StoryCommentAccepted(Guid CommentId, Guid PostId, bool Pending);

public static class CommentOnStoryPostEndpoint
{
    public const int MaxTextLength = 2000;

    /// <summary>Comment on a post one may read (guardians and staff); held for approval when the post requires it.</summary>
    [ProducesResponseType<StoryCommentAccepted>(StatusCodes.Status201Created)]
    [ProducesProblems(403)]
    [WolverinePost("/api/stories/posts/{postId}/comments")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid postId, CommentOnStoryPost request, Caller caller, IDocumentSession session,
        PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        var validation = new Validation().Require(request.Text, "text", MaxTextLength);
        if (!validation.IsValid) return (validation.ToResult(), []);
        if (await StoryAccess.ReadablePostAsync(session, caller, postId, ct) is not { } found) return (Problems.NotFound("story post"), []);
        if (!StoryAccess.MayCommentOrLike(caller)) return (Problems.Forbidden("Only guardians and staff comment on stories."), []);
        if (await ProcessingRestriction.Restrictions.WriteRefusalAsync(session, caller, [], ct) is { } frozen) return (frozen, []);

        var commentId = Guid.CreateVersion7();
        var pending = found.Post.CommentsNeedApproval && caller.Role == Role.Guardian;
        var body = await vault.SealForAllAsync(caller.Tenant, [caller.UserId, caller.SchoolId], StoryCommentText.Field, commentId.ToString(), request.Text.Trim(), ct);
        var at = clock.GetUtcNow();
        session.Events.Append(postId, new StoryCommentAdded(postId, found.Post.StoryId, commentId, caller.UserId, body, pending, at));
        // A comment awaiting approval is pushed to those who may approve it (ids only); a shown one to the story's audience.
        return (Results.Created($"/api/stories/posts/{postId}/comments", new StoryCommentAccepted(commentId, postId, pending)),
            pending
                ? new OutgoingMessages { new StoryItemChanged(caller.SchoolId, postId, found.Post.StoryId, found.Post.Kind, StoryChanges.CommentPending, commentId, at) }
                : new OutgoingMessages { new StoryCommentChanged(caller.SchoolId, postId, commentId) });
    }
}

/// <summary>Comment text is sealed for its author and the school, bound to its comment (record = comment id).</summary>
public static class StoryCommentText
{
    public const string Field = "story.comment";
}
