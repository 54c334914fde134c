using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Stories;

/// <summary>The new text, and media items to take out of the post (media cannot be added by an edit: post again).</summary>
public sealed record EditStoryPost(string? Text, IReadOnlyList<Guid>? RemoveAttachmentIds);

public static class EditStoryPostEndpoint
{
    /// <summary>The author replaces a post's text and may remove media items from it.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403)]
    [WolverinePut("/api/stories/posts/{postId}")]
    public static async Task<(IResult, OutgoingMessages)> Put(Guid postId, EditStoryPost request, Caller caller, IDocumentSession session, PersonalDataVault vault,
        TimeProvider clock, CancellationToken ct)
    {
        var validation = new Validation();
        validation.Optional(request.Text, "text", PostToStoryEndpoint.MaxTextLength);
        var removed = request.RemoveAttachmentIds ?? [];
        if (removed.Contains(Guid.Empty)) validation.Add("removeAttachmentIds", "must not contain an empty id.");
        if (!validation.IsValid) return NoPush(validation.ToResult());

        // The post's lock before its view is read: a withdrawal changing the same view waits, or is seen.
        await StoryLocks.PostsAsync(session, [postId], ct);
        if (await StoryAccess.ReadablePostAsync(session, caller, postId, ct) is not { } found) return NoPush(Problems.NotFound("story post"));
        var post = found.Post;
        if (post.AuthorId != caller.UserId) return NoPush(Problems.Forbidden("Only the author edits a post."));
        // A post tagging a student whose processing is restricted is kept as it is until the DPO lifts the restriction (409).
        if (await ProcessingRestriction.Restrictions.WriteRefusalAsync(session, caller, Tagged(post), ct) is { } frozen) return NoPush(frozen);
        if (removed.Any(id => post.Media.All(m => m.Attachment.AttachmentId != id)))
        {
            return NoPush(Problems.Invalid("removeAttachmentIds", "contains an item that is not in this post."));
        }

        if (string.IsNullOrWhiteSpace(request.Text) && post.Media.All(m => removed.Contains(m.Attachment.AttachmentId)))
        {
            return NoPush(Problems.Invalid("text", "is required when no media would remain."));
        }

        var text = await vault.SealForAllAsync(caller.Tenant, [caller.UserId, caller.SchoolId], StoryText.Field, postId.ToString(), (request.Text ?? "").Trim(), ct);
        var at = clock.GetUtcNow();
        session.Events.Append(postId, new StoryPostEdited(postId, caller.UserId, text, removed.Distinct().ToList(), at));
        return (Results.NoContent(), new OutgoingMessages { new StoryItemChanged(caller.SchoolId, postId, post.StoryId, post.Kind, StoryChanges.Edited, null, at) });
    }

    private static (IResult, OutgoingMessages) NoPush(IResult result) => (result, []);

    /// <summary>The students tagged in the post's media (not those excluded or blurred: they are not identifiable in it).</summary>
    public static IEnumerable<Guid?> Tagged(StoryPostView post) => post.Media.SelectMany(m => m.TaggedStudentIds).Distinct().Select(id => (Guid?)id);
}
