using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Stories;

/// <summary>
/// A comment as the caller reads it. <c>Text</c> is null once its author was erased (<c>Erased</c>). <c>Hidden</c> (by a leader)
/// and <c>Reports</c> are shown to staff only; guardians never receive hidden comments. <c>Cursor</c> is 0 for a pending one.
/// </summary>
public sealed record StoryCommentItem(Guid CommentId, Guid PostId, long Cursor, Guid AuthorId, string? AuthorName, string? Text, bool Erased,
    bool Pending, bool Hidden, int? Reports, DateTimeOffset At);

/// <summary><c>Comments</c>: shown, oldest first after the cursor; <c>Pending</c>: awaiting approval (staff: all; others: their own).</summary>
public sealed record StoryCommentPage(IReadOnlyList<StoryCommentItem> Comments, IReadOnlyList<StoryCommentItem> Pending, long Cursor);

public static class GetStoryCommentsEndpoint
{
    public const int MaxPageSize = 100;

    /// <summary>Read a post's comments after a cursor (0 = the start), oldest first, and those awaiting approval one may see.</summary>
    [ProducesResponseType<StoryCommentPage>(StatusCodes.Status200OK)]
    [WolverineGet("/api/stories/posts/{postId}/comments")]
    public static async Task<IResult> Get(Guid postId, long? after, int? limit, Caller caller, IQuerySession session, PersonalDataVault vault,
        CancellationToken ct)
    {
        var from = after ?? 0;
        if (from < 0) return Problems.Invalid("after", "must be zero or a cursor from a previous page.");
        var take = limit ?? 50;
        if (take is < 1 or > MaxPageSize) return Problems.Invalid("limit", $"must be between 1 and {MaxPageSize}.");
        if (await StoryAccess.ReadablePostAsync(session, caller, postId, ct) is null) return Problems.NotFound("story post");

        var shownQuery = session.Query<StoryComment>().Where(c => c.PostId == postId && c.Sequence > from);
        if (!caller.IsStaff) shownQuery = shownQuery.Where(c => !c.Hidden);
        var shown = await shownQuery.OrderBy(c => c.Sequence).Take(take).ToListAsync(ct);
        var pendingQuery = session.Query<PendingStoryComment>().Where(c => c.PostId == postId);
        if (!caller.IsStaff) pendingQuery = pendingQuery.Where(c => c.AuthorId == caller.UserId);
        var pending = await pendingQuery.OrderBy(c => c.At).ToListAsync(ct);

        var authors = (await session.LoadManyAsync<UserAccount>(ct, shown.Select(c => c.AuthorId).Concat(pending.Select(p => p.AuthorId)).Distinct()))
            .ToDictionary(a => a.Id);
        await vault.PreloadAsync([caller.SchoolId, .. authors.Keys], ct);
        var items = new List<StoryCommentItem>();
        foreach (var c in shown)
        {
            items.Add(await ItemAsync(vault, authors, c.CommentId, postId, c.Sequence, c.AuthorId, c.Body, false, c.Hidden,
                caller.IsStaff ? c.ReportedBy.Count : null, c.At, ct));
        }

        var waiting = new List<StoryCommentItem>();
        foreach (var p in pending) waiting.Add(await ItemAsync(vault, authors, p.Id, postId, 0, p.AuthorId, p.Body, true, false, null, p.At, ct));
        return Results.Ok(new StoryCommentPage(items, waiting, items.Count > 0 ? items[^1].Cursor : from));
    }

    private static async Task<StoryCommentItem> ItemAsync(PersonalDataVault vault, IReadOnlyDictionary<Guid, UserAccount> authors, Guid commentId, Guid postId,
        long cursor, Guid authorId, Sealed? body, bool pending, bool hidden, int? reports, DateTimeOffset at, CancellationToken ct)
    {
        authors.TryGetValue(authorId, out var author);
        var name = author is null || author.ErasedAt is not null ? null : await vault.UnsealAsync(author.Name, ct);
        var text = await vault.UnsealAsync(body, commentId.ToString(), ct);
        return new StoryCommentItem(commentId, postId, cursor, authorId, name, text, text is null, pending, hidden, reports, at);
    }
}
