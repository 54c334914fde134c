using ClassComms.AccessLog;
using ClassComms.PersonalData;
using ClassComms.Media;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Portfolios;

public sealed record PortfolioAttachmentView(Guid AttachmentId, string Kind, string ContentType, long Size, int? Width, int? Height, string? FileName);

public sealed record PortfolioCommentView(Guid CommentId, Guid AuthorId, string AuthorRole, string? Text, DateTimeOffset At, DateTimeOffset? EditedAt);

/// <summary>
/// An item as the caller sees it. <c>Cursor</c> is the position of its latest change; <c>text</c> is null once the student is erased.
/// <c>rejected</c> with its <c>rejectionReason</c> (the student and staff; guardians never see a rejected item); <c>deleted</c>: a
/// marker for a reader catching up (no text, media or comments).
/// </summary>
public sealed record PortfolioItemView(Guid ItemId, Guid StudentId, string Kind, Guid AddedBy, string AuthorRole, string? Text,
    PortfolioAttachmentView? Attachment, bool Approved, DateTimeOffset AddedAt, DateTimeOffset? ApprovedAt, IReadOnlyList<PortfolioCommentView> Comments,
    long Cursor, DateTimeOffset? EditedAt = null, bool Rejected = false, string? RejectionReason = null, DateTimeOffset? RejectedAt = null,
    bool Deleted = false, DateTimeOffset? DeletedAt = null);

public sealed record PortfolioPage(Guid StudentId, IReadOnlyList<PortfolioItemView> Items, long Cursor);

public static class GetPortfolioEndpoint
{
    public const int MaxPageSize = 100;

    /// <summary>Read a student's portfolio: the items changed after a cursor, oldest change first.</summary>
    /// <remarks>
    /// The items the caller may see (the student and their teachers: all, pending and rejected ones included; guardians with
    /// portfolio-sharing consent: approved ones) whose latest change (added, approved, commented, edited, rejected, deleted) comes
    /// after <c>after</c> (0: from the start), with their comments, oldest change first; a deleted item comes as a marker
    /// (<c>deleted: true</c>). Keep the returned <c>cursor</c> and pass it next time (e.g. on SignalR reconnect): an item changed
    /// since comes again, whole. Anyone else gets 404.
    /// </remarks>
    [ProducesResponseType<PortfolioPage>(StatusCodes.Status200OK)]
    [WolverineGet("/api/students/{studentId}/portfolio")]
    public static async Task<IResult> Get(Guid studentId, long? after, int? limit, Caller caller, IQuerySession session, PersonalDataVault vault,
        StaffReads reads, CancellationToken ct)
    {
        var take = limit ?? 50;
        if (take is < 1 or > MaxPageSize) return Problems.Invalid("limit", $"must be between 1 and {MaxPageSize}.");
        if (after is < 0) return Problems.Invalid("after", "must not be negative.");
        var (viewer, _) = await PortfolioAccess.ViewerAsync(session, caller, studentId, ct);
        if (viewer == PortfolioViewer.None) return Problems.NotFound("student");

        var from = after ?? 0;
        var query = session.Query<PortfolioItem>().Where(i => i.StudentId == studentId && i.Position > from);
        if (viewer == PortfolioViewer.Guardian) query = query.Where(i => i.Approved);
        var page = await query.OrderBy(i => i.Position).Take(take).ToListAsync(ct);

        await vault.PreloadAsync([studentId], ct);
        var items = new List<PortfolioItemView>(page.Count);
        foreach (var item in page) items.Add(await ViewAsync(vault, item, ct));
        await reads.RecordAsync(caller, studentId, AccessKinds.Portfolio, null, ct);
        return Results.Ok(new PortfolioPage(studentId, items, page.Count > 0 ? page[^1].Position : from));
    }

    public static async Task<PortfolioItemView> ViewAsync(PersonalDataVault vault, PortfolioItem item, CancellationToken ct)
    {
        var comments = new List<PortfolioCommentView>(item.Comments.Count);
        foreach (var c in item.Comments)
        {
            comments.Add(new PortfolioCommentView(c.CommentId, c.AuthorId, c.AuthorRole, await vault.UnsealAsync(c.Text, c.CommentId.ToString(), ct), c.At,
                c.EditedAt));
        }

        var attachment = item.Attachment is { } a
            ? new PortfolioAttachmentView(a.AttachmentId, a.Kind, a.ContentType, a.Size, a.Width, a.Height,
                await vault.UnsealAsync(a.FileName, MediaStore.Record(a.AttachmentId), ct))
            : null;
        return new PortfolioItemView(item.Id, item.StudentId, item.Kind, item.AddedBy, item.AuthorRole,
            await vault.UnsealAsync(item.Text, item.Id.ToString(), ct), attachment, item.Approved, item.AddedAt, item.ApprovedAt, comments, item.Position,
            item.EditedAt, item.Rejected, await vault.UnsealAsync(item.RejectionReason, item.Id.ToString(), ct), item.RejectedAt, item.Deleted, item.DeletedAt);
    }
}
