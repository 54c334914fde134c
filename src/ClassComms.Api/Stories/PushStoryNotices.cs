using ClassComms.Notifications;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.SignalR;
using Wolverine.Runtime.Handlers;

namespace ClassComms.Stories;

/// <summary>
/// Runs after the post committed (durable outbox, the push queue). The story holds the post from that commit on (written in its
/// transaction, <see cref="ReadPositions"/>), so the notice carries its cursor and there is nothing to wait for. Recipients are
/// computed now (<see cref="StoryAccess.AudienceAsync"/>), plus the author's own sessions. A post deleted meanwhile is not pushed.
/// </summary>
public static class PushStoryNoticesHandler
{
    public static void Configure(HandlerChain chain) => PushRetries.Apply(chain);

    public static async Task Handle(StoryPostChanged message, IDocumentStore store, IHubContext<NotificationHub, INotificationClient> hub,
        BusinessMetrics metrics, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(message.SchoolId));
        var post = await session.LoadAsync<StoryPostView>(StoryPostView.IdFor(message.PostId), ct);
        if (post is null) return;
        var recipients = await StoryAccess.AudienceAsync(session, message.SchoolId, post.StoryId, post.Kind, ct);
        recipients.Add(post.AuthorId);
        var notice = new StoryNotice(post.PostId, post.StoryId, post.Kind, post.AuthorId, post.Media.Count, post.PostedAt, post.Sequence);
        var groups = recipients.Select(NotificationHub.UserGroup).ToList();
        await metrics.PushAsync("story.posted", groups.Count, () => hub.Clients.Groups(groups).StoryPostPublished(notice));
    }

    /// <summary>A comment now shown: to the story's audience, the post's author and the comment's. A hidden or removed one is not pushed.</summary>
    public static async Task Handle(StoryCommentChanged message, IDocumentStore store, IHubContext<NotificationHub, INotificationClient> hub,
        BusinessMetrics metrics, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(message.SchoolId));
        var batch = session.CreateBatchQuery();
        var postLoad = batch.Load<StoryPostView>(StoryPostView.IdFor(message.PostId));
        var commentLoad = batch.Load<StoryComment>(StoryComment.IdFor(message.CommentId));
        await batch.Execute(ct);
        var (post, comment) = (await postLoad, await commentLoad);
        if (post is null || comment is null || comment.Hidden) return;
        var recipients = await StoryAccess.AudienceAsync(session, message.SchoolId, post.StoryId, post.Kind, ct);
        recipients.Add(post.AuthorId);
        recipients.Add(comment.AuthorId);
        var notice = new StoryCommentNotice(comment.CommentId, post.PostId, post.StoryId, comment.AuthorId, comment.At, comment.Sequence);
        var groups = recipients.Select(NotificationHub.UserGroup).ToList();
        await metrics.PushAsync("story.commented", groups.Count, () => hub.Clients.Groups(groups).StoryCommentPublished(notice));
    }

    /// <summary>
    /// A post edited or deleted, or a comment hidden: to the story's audience (computed now) and the post's author. A comment
    /// awaiting approval (<c>commentPending</c>): only to those who may approve it (<see cref="StoryAccess.ApproversAsync"/>) and the
    /// post's author. The cursor is
    /// the post's latest change in the story's change feed (<see cref="StoryPostChange"/>): <c>?after={cursor - 1}</c> returns the
    /// post as it is now first, or its deletion marker.
    /// </summary>
    public static async Task Handle(StoryItemChanged message, IDocumentStore store, IHubContext<NotificationHub, INotificationClient> hub,
        BusinessMetrics metrics, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(message.SchoolId));
        var batch = session.CreateBatchQuery();
        var postLoad = batch.Load<StoryPostView>(StoryPostView.IdFor(message.PostId));
        var changeLoad = batch.Load<StoryPostChange>(StoryPostView.IdFor(message.PostId));
        await batch.Execute(ct);
        var (post, change) = (await postLoad, await changeLoad);
        if (post is null && message.Change != StoryChanges.Deleted) return;
        var recipients = message.Change == StoryChanges.CommentPending
            ? await StoryAccess.ApproversAsync(session, message.SchoolId, message.StoryId, message.Kind, ct)
            : await StoryAccess.AudienceAsync(session, message.SchoolId, message.StoryId, message.Kind, ct);
        if (post is not null) recipients.Add(post.AuthorId);
        var notice = new StoryChangeNotice(message.PostId, message.StoryId, message.Change, message.CommentId, message.At, change?.Sequence);
        var groups = recipients.Select(NotificationHub.UserGroup).ToList();
        await metrics.PushAsync("story.changed", groups.Count, () => hub.Clients.Groups(groups).StoryItemChanged(notice));
    }

    /// <summary>
    /// After a consent withdrawal or an erasure that removed a student's media from story posts: each such post's viewers (the
    /// story's audience and the author) are told, ids only (<c>StoryItemChanged</c>, change <c>mediaRemoved</c>, the post's change
    /// cursor). The removal records are deleted once pushed.
    /// </summary>
    public static async Task Handle(PushStoryMediaRemovals message, IDocumentStore store, IHubContext<NotificationHub, INotificationClient> hub,
        BusinessMetrics metrics, CancellationToken ct)
    {
        await using var session = store.LightweightSession(Ids.Tenant(message.SchoolId));
        var removals = await session.Query<StoryMediaRemoval>().ToListAsync(ct);
        foreach (var removal in removals)
        {
            var ids = removal.PostIds.Select(StoryPostView.IdFor).ToArray();
            var posts = await session.LoadManyAsync<StoryPostView>(ct, ids);
            var changes = (await session.LoadManyAsync<StoryPostChange>(ct, ids)).ToDictionary(c => c.PostId);
            foreach (var post in posts)
            {
                var recipients = await StoryAccess.AudienceAsync(session, message.SchoolId, post.StoryId, post.Kind, ct);
                recipients.Add(post.AuthorId);
                var notice = new StoryChangeNotice(post.PostId, post.StoryId, StoryChanges.MediaRemoved, null, removal.At,
                    changes.TryGetValue(post.PostId, out var change) ? change.Sequence : null);
                var groups = recipients.Select(NotificationHub.UserGroup).ToList();
                await metrics.PushAsync("story.changed", groups.Count, () => hub.Clients.Groups(groups).StoryItemChanged(notice));
            }

            session.Delete(removal);
        }

        if (removals.Count > 0) await session.SaveChangesAsync(ct);
    }
}
