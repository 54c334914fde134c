using ClassComms.Accounts;
using ClassComms.Consents;
using ClassComms.Notifications;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Stories;

/// <summary>
/// One story post as every reader sees it, written inline in the transaction of its events. <see cref="Media"/> holds only the
/// items every reader may see: an item leaves it for good (and <see cref="RemovedMediaCount"/> counts it) when a student tagged
/// in it withdraws the story's consent or is erased; the rest of the post stays. <see cref="StudentIds"/> lists every student
/// still named in an item (tagged or excluded), for the projection to find the posts a student's event changes.
/// <see cref="Sequence"/> is the post's cursor: the story's next position, taken at commit (<see cref="ReadPositions"/>).
/// </summary>
public sealed record StoryPostView(
    string Id,
    Guid PostId,
    Guid StoryId,
    string Kind,
    Guid AuthorId,
    Sealed? Text,
    IReadOnlyList<StoryMedia> Media,
    IReadOnlyList<Guid> StudentIds,
    int RemovedMediaCount,
    bool CommentsNeedApproval,
    long Sequence,
    DateTimeOffset PostedAt,
    DateTimeOffset? EditedAt)
{
    public static string IdFor(Guid postId) => postId.ToString();

    public static StoryPostView Create(StoryPostPublished e) =>
        new(IdFor(e.PostId), e.PostId, e.StoryId, e.Kind, e.AuthorId, e.Text, e.Media, Students(e.Media), 0, e.CommentsNeedApproval, 0, e.At, null);

    public StoryPostView Apply(StoryPostEdited e) =>
        Keep(m => !e.RemovedAttachmentIds.Contains(m.Attachment.AttachmentId), countRemoved: false) with { Text = e.Text, EditedAt = e.At };

    /// <summary>A student withdrew the consent this story needs: every item they are tagged in goes.</summary>
    public StoryPostView WithoutAppearancesOf(Guid studentId) => Keep(m => !m.TaggedStudentIds.Contains(studentId), countRemoved: true);

    /// <summary>A student was erased: every item they are tagged in goes, and they are no longer named as excluded anywhere.</summary>
    public StoryPostView WithoutStudent(Guid studentId)
    {
        var kept = WithoutAppearancesOf(studentId);
        var media = kept.Media.Select(m => m with { ExcludedStudentIds = m.ExcludedStudentIds.Where(s => s != studentId).ToList() }).ToList();
        return kept with { Media = media, StudentIds = Students(media) };
    }

    private StoryPostView Keep(Func<StoryMedia, bool> keep, bool countRemoved)
    {
        var media = Media.Where(keep).ToList();
        return this with
        {
            Media = media,
            StudentIds = Students(media),
            RemovedMediaCount = RemovedMediaCount + (countRemoved ? Media.Count - media.Count : 0),
        };
    }

    private static List<Guid> Students(IEnumerable<StoryMedia> media) =>
        media.SelectMany(m => m.TaggedStudentIds.Concat(m.ExcludedStudentIds)).Distinct().ToList();
}

/// <summary>
/// Inline: story posts are written with their events, numbered on their story's head (<see cref="ReadPositions"/>), and changed
/// in the transaction of whatever changes them: an edit or a deletion on the post's stream, and a
/// <see cref="ConsentWithdrawn"/> or <see cref="StudentErased"/> on a student's stream, which removes that student's tagged
/// media from every post of the stories concerned, past posts included. Reads never filter media by consent: the view holds
/// only what may be shown. Giving consent again does not bring removed media back (the author can post it again).
/// </summary>
public sealed class StoryProjection : IProjection
{
    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        foreach (var school in events.GroupBy(e => e.TenantId))
        {
            // One batch may hold a post's whole life (a rebuild from the events: `projections rebuild`), so what this batch creates is
            // kept here, changed here by the later events of the batch, and written once at the end: posts and shown comments published
            // in the batch (numbered then, in order), pending comments stored in it, and the stored posts and comments it changed.
            var batch = new Batch();
            // The change feed: the latest change of each post, in the order of those latest changes (as separate commits number them).
            var postChanges = new Dictionary<Guid, (StoryPostChange Change, int Order)>();
            var mediaRemovedFrom = new HashSet<Guid>();

            void Changed(StoryPostView post, string change, DateTimeOffset at, bool deleted = false) =>
                postChanges[post.PostId] = (new StoryPostChange(post.Id, post.PostId, post.StoryId, change, deleted, 0, at), postChanges.Count == 0 ? 0
                    : postChanges.Values.Max(c => c.Order) + 1);
            foreach (var e in school)
            {
                switch (e.Data)
                {
                    case StoryPostPublished p:
                        batch.Publish(StoryPostView.Create(p));
                        break;
                    case StoryPostEdited x:
                        if (await batch.PostAsync(operations, x.PostId, cancellation) is { } edited)
                        {
                            batch.Set(edited.Apply(x));
                            Changed(edited, StoryChanges.Edited, x.At);
                        }

                        break;
                    case StoryPostDeleted d:
                        if (await batch.PostAsync(operations, d.PostId, cancellation) is { } gone) Changed(gone, StoryChanges.Deleted, d.At, deleted: true);
                        batch.ForgetPost(d.PostId);
                        mediaRemovedFrom.Remove(d.PostId);
                        operations.Delete<StoryPostView>(StoryPostView.IdFor(d.PostId));
                        operations.DeleteWhere<StoryComment>(c => c.PostId == d.PostId);
                        operations.DeleteWhere<PendingStoryComment>(c => c.PostId == d.PostId);
                        operations.DeleteWhere<StoryLike>(l => l.PostId == d.PostId);
                        break;
                    case StoryCommentAdded c when c.Pending:
                        batch.StorePending(operations, new PendingStoryComment(c.CommentId, c.PostId, c.StoryId, c.AuthorId, c.Body, c.At));
                        // Staff (who approve) and the commenter read pending comments: the post comes again after a cursor.
                        if (await batch.PostAsync(operations, c.PostId, cancellation) is { } awaiting) Changed(awaiting, StoryChanges.CommentPending, c.At);
                        break;
                    case StoryCommentAdded c:
                        batch.PublishComment(new StoryComment(StoryComment.IdFor(c.CommentId), c.CommentId, c.PostId, c.StoryId, c.AuthorId, c.Body, false, [], 0, c.At));
                        // A new shown comment changes the post's comments: it comes again after a cursor (re-read its comments).
                        if (await batch.PostAsync(operations, c.PostId, cancellation) is { } commentedOn) Changed(commentedOn, StoryChanges.Commented, c.At);
                        break;
                    case StoryCommentApproved a:
                        if (await batch.PendingAsync(operations, a.CommentId, cancellation) is { } pending)
                        {
                            batch.DeletePending(operations, a.CommentId);
                            batch.PublishComment(new StoryComment(StoryComment.IdFor(a.CommentId), a.CommentId, pending.PostId, pending.StoryId, pending.AuthorId,
                                pending.Body, false, [], 0, pending.At));
                            if (await batch.PostAsync(operations, pending.PostId, cancellation) is { } approvedOn) Changed(approvedOn, StoryChanges.Commented, a.At);
                        }

                        break;
                    case StoryCommentHidden h:
                        if (await batch.CommentAsync(operations, h.CommentId, cancellation) is { } hidden)
                        {
                            batch.SetComment(hidden with { Hidden = true });
                            // The post's shown comments changed: it comes again after a cursor (re-read its comments).
                            if (await batch.PostAsync(operations, h.PostId, cancellation) is { } commented) Changed(commented, StoryChanges.CommentHidden, h.At);
                        }

                        break;
                    case StoryCommentReported r:
                        if (await batch.CommentAsync(operations, r.CommentId, cancellation) is { } reported && !reported.ReportedBy.Contains(r.ReportedBy))
                        {
                            batch.SetComment(reported with { ReportedBy = [.. reported.ReportedBy, r.ReportedBy] });
                        }

                        break;
                    case StoryPostLiked l:
                        operations.Store(new StoryLike(StoryLike.IdFor(l.PostId, l.PersonId), l.PostId, l.PersonId, l.At));
                        break;
                    case StoryPostUnliked u:
                        operations.Delete<StoryLike>(StoryLike.IdFor(u.PostId, u.PersonId));
                        break;
                    case StoryContributionsErased x:
                        batch.ForgetContributions(x.PostId, x.PersonId);
                        operations.DeleteWhere<StoryComment>(c => c.PostId == x.PostId && c.AuthorId == x.PersonId);
                        operations.DeleteWhere<PendingStoryComment>(c => c.PostId == x.PostId && c.AuthorId == x.PersonId);
                        operations.Delete<StoryLike>(StoryLike.IdFor(x.PostId, x.PersonId));
                        break;
                    case ConsentWithdrawn w when w.Purpose is ConsentPurposes.ClassStoryMedia or ConsentPurposes.SchoolStoryMedia:
                        var kind = w.Purpose == ConsentPurposes.SchoolStoryMedia ? StoryKinds.School : StoryKinds.Class;
                        foreach (var view in await AppearancesAsync(operations, batch, w.StudentId, kind, cancellation))
                        {
                            var without = view.WithoutAppearancesOf(w.StudentId);
                            batch.Set(without);
                            if (without.Media.Count != view.Media.Count)
                            {
                                Changed(view, StoryChanges.MediaRemoved, w.At);
                                mediaRemovedFrom.Add(view.PostId);
                            }
                        }

                        break;
                    case StudentErased erased:
                        foreach (var view in await AppearancesAsync(operations, batch, erased.StudentId, null, cancellation))
                        {
                            var without = view.WithoutStudent(erased.StudentId);
                            batch.Set(without);
                            if (without.Media.Count != view.Media.Count)
                            {
                                Changed(view, StoryChanges.MediaRemoved, erased.At);
                                mediaRemovedFrom.Add(view.PostId);
                            }
                        }

                        break;
                }
            }

            foreach (var view in batch.ChangedPosts) operations.Store(view);
            foreach (var comment in batch.ChangedComments) operations.Store(comment);
            ReadPositions.Insert(operations, school.Key, batch.PublishedPosts.Select(v => (v.StoryId, v.Id, v)).ToList());
            ReadPositions.Insert(operations, school.Key, batch.PublishedComments.Select(c => (c.StoryId, c.Id, c)).ToList());
            // Each changed post's feed row takes its story's next position (replaced: only the latest change counts).
            ReadPositions.Replace(operations, school.Key, postChanges.Values.OrderBy(c => c.Order).Select(c => (c.Change.StoryId, c.Change.Id, c.Change)).ToList());
            if (mediaRemovedFrom.Count > 0)
            {
                operations.Store(new StoryMediaRemoval(Guid.CreateVersion7(), mediaRemovedFrom.ToList(), school.Max(e => e.Timestamp)));
            }
        }
    }

    /// <summary>
    /// What one batch of events created or changed, looked up before the database: posts and shown comments published in the batch (in
    /// publishing order, numbered at the end), pending comments stored in it, and stored posts and comments it changed.
    /// </summary>
    internal sealed class Batch
    {
        private readonly Tracked<StoryPostView> _posts = new(v => v.PostId);
        private readonly Tracked<StoryComment> _comments = new(c => c.CommentId);
        private readonly Dictionary<Guid, PendingStoryComment?> _pending = [];

        public IEnumerable<StoryPostView> PublishedPosts => _posts.Created;
        public IEnumerable<StoryPostView> ChangedPosts => _posts.Changed;
        public IEnumerable<StoryComment> PublishedComments => _comments.Created;
        public IEnumerable<StoryComment> ChangedComments => _comments.Changed;

        /// <summary>Posts of the batch naming the student (not stored yet).</summary>
        public IEnumerable<StoryPostView> PublishedNaming(Guid studentId) => _posts.CreatedWhere(v => v.StudentIds.Contains(studentId));

        /// <summary>A stored post as the batch changed it, if it did.</summary>
        public StoryPostView? Pending(Guid postId) => _posts.ChangedOne(postId);

        public void Publish(StoryPostView view) => _posts.Create(view);

        public Task<StoryPostView?> PostAsync(IDocumentOperations operations, Guid postId, CancellationToken ct) =>
            _posts.GetAsync(postId, () => operations.LoadAsync<StoryPostView>(StoryPostView.IdFor(postId), ct));

        public void Set(StoryPostView view) => _posts.Set(view);

        public void ForgetPost(Guid postId)
        {
            _posts.Forget(v => v.PostId == postId);
            _comments.Forget(c => c.PostId == postId);
            foreach (var id in _pending.Where(c => c.Value?.PostId == postId).Select(c => c.Key).ToList()) _pending[id] = null;
        }

        public void PublishComment(StoryComment comment) => _comments.Create(comment);

        public Task<StoryComment?> CommentAsync(IDocumentOperations operations, Guid commentId, CancellationToken ct) =>
            _comments.GetAsync(commentId, () => operations.LoadAsync<StoryComment>(StoryComment.IdFor(commentId), ct));

        public void SetComment(StoryComment comment) => _comments.Set(comment);

        public void StorePending(IDocumentOperations operations, PendingStoryComment pending)
        {
            operations.Store(pending);
            _pending[pending.Id] = pending;
        }

        public async Task<PendingStoryComment?> PendingAsync(IDocumentOperations operations, Guid commentId, CancellationToken ct) =>
            _pending.TryGetValue(commentId, out var pending) ? pending : await operations.LoadAsync<PendingStoryComment>(commentId, ct);

        public void DeletePending(IDocumentOperations operations, Guid commentId)
        {
            operations.Delete<PendingStoryComment>(commentId);
            _pending[commentId] = null;
        }

        /// <summary>A person's erased comments (shown and pending) of a post leave the batch too.</summary>
        public void ForgetContributions(Guid postId, Guid personId)
        {
            _comments.Forget(c => c.PostId == postId && c.AuthorId == personId);
            foreach (var id in _pending.Where(c => c.Value is { } p && p.PostId == postId && p.AuthorId == personId).Select(c => c.Key).ToList()) _pending[id] = null;
        }
    }

    /// <summary>
    /// Documents of one kind a batch created (kept in creation order, numbered at the end) or changed (stored documents), looked up
    /// before the database.
    /// </summary>
    private sealed class Tracked<T>(Func<T, Guid> idOf) where T : class
    {
        private readonly List<Guid> _order = [];
        private readonly Dictionary<Guid, T> _created = [];
        private readonly Dictionary<Guid, T> _changed = [];

        public IEnumerable<T> Created => _order.Distinct().Where(_created.ContainsKey).Select(id => _created[id]);
        public IEnumerable<T> Changed => _changed.Values;
        public IEnumerable<T> CreatedWhere(Func<T, bool> predicate) => _created.Values.Where(predicate);
        public T? ChangedOne(Guid id) => _changed.GetValueOrDefault(id);

        public void Create(T item)
        {
            _order.Add(idOf(item));
            _created[idOf(item)] = item;
        }

        public async Task<T?> GetAsync(Guid id, Func<Task<T?>> load) =>
            _created.TryGetValue(id, out var created) ? created : _changed.TryGetValue(id, out var changed) ? changed : await load();

        public void Set(T item)
        {
            if (_created.ContainsKey(idOf(item))) _created[idOf(item)] = item;
            else _changed[idOf(item)] = item;
        }

        public void Forget(Func<T, bool> predicate)
        {
            foreach (var id in _created.Where(e => predicate(e.Value)).Select(e => e.Key).ToList()) _created.Remove(id);
            foreach (var id in _changed.Where(e => predicate(e.Value)).Select(e => e.Key).ToList()) _changed.Remove(id);
        }
    }

    /// <summary>
    /// The posts (of stories of <paramref name="kind"/>, or all) naming the student, read under the student's lock and then
    /// again under their posts' locks (<see cref="StoryLocks"/>), so no post committing meanwhile is missed or overwritten.
    /// </summary>
    private static async Task<IReadOnlyList<StoryPostView>> AppearancesAsync(IDocumentOperations operations, Batch batch,
        Guid studentId, string? kind, CancellationToken ct)
    {
        await StoryLocks.StudentsAsync(operations, [studentId], ct);
        // Posts published earlier in this batch are not stored yet (a rebuild): they are the batch's.
        var views = batch.PublishedNaming(studentId).Where(v => kind is null || v.Kind == kind).ToList();
        var ids = await operations.Query<StoryPostView>().Where(v => v.StudentIds.Contains(studentId)).Select(v => v.PostId).ToListAsync(ct);
        if (ids.Count == 0) return views;
        await StoryLocks.PostsAsync(operations, ids, ct);
        foreach (var stored in await operations.Query<StoryPostView>().Where(v => v.StudentIds.Contains(studentId)).ToListAsync(ct))
        {
            if (views.Any(v => v.PostId == stored.PostId)) continue;
            var view = batch.Pending(stored.PostId) ?? stored;
            if (kind is null || view.Kind == kind) views.Add(view);
        }

        return views;
    }
}

public sealed record StoryMediaItem(Guid AttachmentId, string Kind, string ContentType, long Size, int? Width, int? Height,
    IReadOnlyList<Guid> TaggedStudentIds, IReadOnlyList<Guid> ExcludedStudentIds);

/// <summary>
/// A post as the caller reads it. Family members see among the tags only their own children's ids; staff see all.
/// <c>Text</c> is null once its author was erased (<c>Erased</c>). <c>RemovedMedia</c> counts items taken down after posting
/// (consent withdrawn, a tagged student erased).
/// </summary>
public sealed record StoryPostItem(Guid PostId, Guid StoryId, string Kind, long Cursor, Guid AuthorId, string? AuthorName, string? Text, bool Erased,
    IReadOnlyList<StoryMediaItem> Media, int RemovedMedia, bool CommentsNeedApproval, int Likes, bool LikedByMe, int Comments, DateTimeOffset PostedAt,
    DateTimeOffset? EditedAt);

/// <summary>A post deleted after the reader's cursor (catch-up with <c>after</c> only): drop it.</summary>
public sealed record StoryPostDeletedItem(Guid PostId, long Cursor, DateTimeOffset At);

/// <summary>
/// <c>Cursor</c>: with <c>after</c>, the last position read (pass it as <c>after</c> next time); with <c>before</c>, the oldest
/// post's. <c>Deleted</c>: with <c>after</c>, the posts deleted after the cursor (empty otherwise).
/// </summary>
public sealed record StoryPage(IReadOnlyList<StoryPostItem> Posts, long Cursor, IReadOnlyList<StoryPostDeletedItem>? Deleted = null);

public static class GetStoryEndpoint
{
    public const int MaxPageSize = 50;

    /// <summary>Read a story's posts: newest first (page back with `before`), or oldest first after a cursor (`after`, catch-up).</summary>
    /// <remarks>
    /// The story id is a class id (its Class Story) or the school id (the School Story). Without <c>after</c>, the newest posts
    /// come first and <c>before</c> pages back; with <c>after</c> (0 = the start), the posts committed after that cursor come
    /// oldest first, so a client that kept the cursor of a push catches up without losing any: a post edited, whose media was
    /// removed (consent withdrawn, a tagged student erased), that was commented on (a comment shown, approved or waiting for
    /// approval) or one of whose comments was hidden comes again, whole, at the
    /// position of that change (its <c>cursor</c>); a deleted one comes in <c>deleted</c>.
    /// </remarks>
    [ProducesResponseType<StoryPage>(StatusCodes.Status200OK)]
    [WolverineGet("/api/stories/{storyId}/posts")]
    public static async Task<IResult> Get(Guid storyId, long? after, long? before, int? limit, Caller caller, IQuerySession session,
        PersonalDataVault vault, CancellationToken ct)
    {
        var take = limit ?? 20;
        if (take is < 1 or > MaxPageSize) return Problems.Invalid("limit", $"must be between 1 and {MaxPageSize}.");
        if (after is < 0) return Problems.Invalid("after", "must be zero or a cursor from a previous page.");
        if (before is < 1) return Problems.Invalid("before", "must be a cursor from a previous page.");
        if (after is not null && before is not null) return Problems.Invalid("before", "cannot be combined with 'after'.");
        var story = await StoryAccess.ReadableAsync(session, caller, storyId, ct);
        if (story is null) return Problems.NotFound("story");

        var query = session.Query<StoryPostView>().Where(p => p.StoryId == storyId);
        if (after is { } from)
        {
            var (caughtUp, deleted, last) = await CatchUpAsync(session, vault, caller, story, storyId, from, take, ct);
            return Results.Ok(new StoryPage(caughtUp, last, deleted));
        }

        List<StoryPostView> posts;
        if (before is { } until) posts = (await query.Where(p => p.Sequence < until).OrderByDescending(p => p.Sequence).Take(take).ToListAsync(ct)).ToList();
        else posts = (await query.OrderByDescending(p => p.Sequence).Take(take).ToListAsync(ct)).ToList();

        var items = await StoryReader.ReadAsync(session, vault, caller, story, posts, ct);
        var cursor = items.Count == 0 ? before ?? 0 : items[^1].Cursor;
        return Results.Ok(new StoryPage(items, cursor, []));
    }

    /// <summary>
    /// Posts published after <paramref name="from"/> and posts changed after it (the change feed, <see cref="StoryPostChange"/>)
    /// share the story's sequence: the first <paramref name="take"/> positions of both, each post once at its latest position
    /// (its <c>cursor</c>), a deleted one as a marker.
    /// </summary>
    private static async Task<(List<StoryPostItem> Posts, List<StoryPostDeletedItem> Deleted, long Cursor)> CatchUpAsync(IQuerySession session,
        PersonalDataVault vault, Caller caller, StoryRef story, Guid storyId, long from, int take, CancellationToken ct)
    {
        var batch = session.CreateBatchQuery();
        var publishedLoad = batch.Query<StoryPostView>().Where(p => p.StoryId == storyId && p.Sequence > from).OrderBy(p => p.Sequence).Take(take).ToList();
        var changesLoad = batch.Query<StoryPostChange>().Where(c => c.StoryId == storyId && c.Sequence > from).OrderBy(c => c.Sequence).Take(take).ToList();
        await batch.Execute(ct);
        var (published, changes) = (await publishedLoad, await changesLoad);
        var last = published.Select(p => p.Sequence).Concat(changes.Select(c => c.Sequence)).Order().Take(take).DefaultIfEmpty(from).Max();

        var positions = new Dictionary<Guid, long>();
        foreach (var p in published.Where(p => p.Sequence <= last)) positions[p.PostId] = p.Sequence;
        var deletedIds = new HashSet<Guid>();
        var deleted = new List<StoryPostDeletedItem>();
        foreach (var c in changes.Where(c => c.Sequence <= last))
        {
            if (c.Deleted)
            {
                deletedIds.Add(c.PostId);
                deleted.Add(new StoryPostDeletedItem(c.PostId, c.Sequence, c.At));
            }
            else positions[c.PostId] = Math.Max(positions.GetValueOrDefault(c.PostId), c.Sequence);
        }

        var views = published.Where(p => positions.ContainsKey(p.PostId)).ToDictionary(p => p.PostId);
        var missing = positions.Keys.Where(id => !views.ContainsKey(id) && !deletedIds.Contains(id)).Select(StoryPostView.IdFor).ToArray();
        if (missing.Length > 0)
        {
            foreach (var v in await session.LoadManyAsync<StoryPostView>(ct, missing)) views[v.PostId] = v;
        }

        var ordered = views.Values.Where(v => !deletedIds.Contains(v.PostId)).OrderBy(v => positions[v.PostId]).ToList();
        var items = await StoryReader.ReadAsync(session, vault, caller, story, ordered, ct);
        return (items.Select(i => i with { Cursor = positions[i.PostId] }).ToList(), deleted, last);
    }
}

/// <summary>
/// Turns post views into what the caller may read: unsealed at serve time; for family members, each media item as the one
/// audience decision allows (<see cref="StoryRef.CanSee"/>: nothing tagging a child they are restricted from) and tags narrowed
/// to their own children.
/// </summary>
public static class StoryReader
{
    public static async Task<List<StoryPostItem>> ReadAsync(IQuerySession session, PersonalDataVault vault, Caller caller, StoryRef story,
        IReadOnlyList<StoryPostView> posts, CancellationToken ct)
    {
        var authors = (await session.LoadManyAsync<UserAccount>(ct, posts.Select(p => p.AuthorId).Distinct())).ToDictionary(a => a.Id);
        var ownChildren = story.Access?.VisibleChildren.Select(c => c.StudentId).ToHashSet();

        var ids = posts.Select(p => p.PostId).ToArray();
        var likes = ids.Length == 0 ? [] : await session.Query<StoryLike>().Where(l => l.PostId.IsOneOf(ids)).ToListAsync(ct);
        var shown = ids.Length == 0 ? [] : await session.Query<StoryComment>().Where(c => c.PostId.IsOneOf(ids) && !c.Hidden).Select(c => c.PostId).ToListAsync(ct);
        await vault.PreloadAsync([caller.SchoolId, .. authors.Keys], ct);
        var items = new List<StoryPostItem>();
        foreach (var p in posts)
        {
            authors.TryGetValue(p.AuthorId, out var author);
            var authorName = author is null || author.ErasedAt is not null ? null : await vault.UnsealAsync(author.Name, ct);
            var text = await vault.UnsealAsync(p.Text, p.PostId.ToString(), ct);
            var media = p.Media.Where(m => story.CanSee(p, m)).Select(m => new StoryMediaItem(m.Attachment.AttachmentId, m.Attachment.Kind, m.Attachment.ContentType, m.Attachment.Size,
                m.Attachment.Width, m.Attachment.Height, Narrow(m.TaggedStudentIds, ownChildren), Narrow(m.ExcludedStudentIds, ownChildren))).ToList();
            items.Add(new StoryPostItem(p.PostId, p.StoryId, p.Kind, p.Sequence, p.AuthorId, authorName, text, text is null, media, p.RemovedMediaCount,
                p.CommentsNeedApproval, likes.Count(l => l.PostId == p.PostId), likes.Any(l => l.PostId == p.PostId && l.PersonId == caller.UserId),
                shown.Count(c => c == p.PostId), p.PostedAt, p.EditedAt));
        }

        return items;
    }

    private static IReadOnlyList<Guid> Narrow(IReadOnlyList<Guid> students, HashSet<Guid>? ownChildren) =>
        ownChildren is null ? students : students.Where(ownChildren.Contains).ToList();
}
