using Marten;

namespace ClassComms.Stories;

/// <summary>
/// A guardian's erasure (<see cref="Privacy.ErasureSteps"/>, the step where the read side forgets the person): every post they
/// commented on (comments shown or pending) or liked gets a <see cref="StoryContributionsErased"/>, and the story projection
/// removes their comments and likes from every view in that transaction. The comment bodies in the events were sealed for
/// them, so the destroyed key has already made them unreadable.
/// </summary>
public static class StoryContributions
{
    public static async Task ForgetAsync(IDocumentSession session, Guid personId, DateTimeOffset now, CancellationToken ct)
    {
        var batch = session.CreateBatchQuery();
        var shown = batch.Query<StoryComment>().Where(c => c.AuthorId == personId).Select(c => c.PostId).ToList();
        var pending = batch.Query<PendingStoryComment>().Where(c => c.AuthorId == personId).Select(c => c.PostId).ToList();
        var liked = batch.Query<StoryLike>().Where(l => l.PersonId == personId).Select(l => l.PostId).ToList();
        await batch.Execute(ct);
        var posts = (await shown).Concat(await pending).Concat(await liked).Distinct().Order().ToList();
        if (posts.Count == 0) return;
        await StoryLocks.PostsAsync(session, posts, ct);
        foreach (var postId in posts) session.Events.Append(postId, new StoryContributionsErased(postId, personId, now));
    }
}
