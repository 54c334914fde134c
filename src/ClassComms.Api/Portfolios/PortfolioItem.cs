using ClassComms.Media;
using ClassComms.PersonalData;
using ClassComms.Students;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace ClassComms.Portfolios;

// Portfolio events live on the student's stream (stream id = student id): every write locks that stream, so the stream
// version an event gets is the student's portfolio position, in commit order (the cursor of reads and pushes).

/// <summary>
/// An item was added to a student's portfolio by the student (<paramref name="Approved"/> false: it waits for a teacher) or by
/// staff (approved at once). The text is sealed for the student, bound to the item; the attachment's file name is sealed too.
/// </summary>
public sealed record PortfolioItemAdded(Guid StudentId, Guid AddedBy, Guid ItemId, Guid ClassId, string AuthorRole, string Kind, Sealed? Text,
    AttachmentRef? Attachment, bool Approved, DateTimeOffset At);

/// <summary>A teacher of the student's class (or a leader) approved a student's item: guardians may see it from now on.</summary>
public sealed record PortfolioItemApproved(Guid StudentId, Guid ApprovedBy, Guid ItemId, DateTimeOffset At);

/// <summary>A comment on an item: a teacher's, or the student's reply. The text is sealed for the student, bound to the comment.</summary>
/// <summary>The author changed an item's text (journal text or caption), sealed as the item's was. A rejected item goes back to pending.</summary>
public sealed record PortfolioItemEdited(Guid StudentId, Guid EditedBy, Guid ItemId, Sealed? Text, DateTimeOffset At);

/// <summary>
/// A teacher of the student's class (or a leader) rejected a student's pending item, with an optional reason for the student,
/// sealed for the student and bound to the item. Guardians never see it; the student may edit it (back to pending) or delete it.
/// </summary>
public sealed record PortfolioItemRejected(Guid StudentId, Guid RejectedBy, Guid ItemId, Sealed? Reason, DateTimeOffset At);

/// <summary>An item was deleted (the student, their own unapproved item; a teacher or leader, any): it leaves every view, its media with it.</summary>
public sealed record PortfolioItemDeleted(Guid StudentId, Guid DeletedBy, Guid ItemId, DateTimeOffset At);

public sealed record PortfolioCommentAdded(Guid StudentId, Guid AuthorId, Guid ItemId, Guid CommentId, string AuthorRole, Sealed Text,
    DateTimeOffset At);

/// <summary>The comment's author replaced its text, sealed for the student and bound to the comment as before.</summary>
public sealed record PortfolioCommentEdited(Guid StudentId, Guid EditedBy, Guid ItemId, Guid CommentId, Sealed Text, DateTimeOffset At);

/// <summary>The comment's author deleted it: it leaves every view (its sealed text stays in its events until the student is erased).</summary>
public sealed record PortfolioCommentDeleted(Guid StudentId, Guid DeletedBy, Guid ItemId, Guid CommentId, DateTimeOffset At);

public static class PortfolioKinds
{
    public const string Photo = "photo";
    public const string Video = "video";
    public const string Journal = "journal";
    public const string Drawing = "drawing";
    public const string File = "file";

    public static readonly IReadOnlyList<string> All = [Photo, Video, Journal, Drawing, File];

    /// <summary>The media kind (<see cref="ContentSniffer"/>) an item of this kind must carry; null for a journal (text only).</summary>
    public static string? MediaKindOf(string kind) => kind switch
    {
        Photo or Drawing => ContentSniffer.Image,
        Video => ContentSniffer.Video,
        File => ContentSniffer.Pdf,
        _ => null,
    };
}

public static class PortfolioRoles
{
    public const string Student = "student";
    public const string Staff = "staff";
}

public sealed record PortfolioComment(Guid CommentId, Guid AuthorId, string AuthorRole, Sealed Text, DateTimeOffset At, long Position,
    DateTimeOffset? EditedAt = null);

/// <summary>
/// One portfolio item with its comments (read model, inline). <see cref="Position"/> is the student-stream version of the item's
/// latest change (added, approved, commented, edited, rejected, deleted): reads after a cursor return the items changed since,
/// oldest change first. A deleted item stays as a tombstone (<see cref="Deleted"/>: no text, media or comments) so that a reader
/// catching up from a cursor learns of the deletion.
/// </summary>
public sealed record PortfolioItem(
    Guid Id,
    Guid StudentId,
    Guid ClassId,
    Guid AddedBy,
    string AuthorRole,
    string Kind,
    Sealed? Text,
    AttachmentRef? Attachment,
    DateTimeOffset AddedAt,
    bool Approved,
    Guid? ApprovedBy,
    DateTimeOffset? ApprovedAt,
    IReadOnlyList<PortfolioComment> Comments,
    long Position,
    DateTimeOffset? EditedAt = null,
    bool Rejected = false,
    Guid? RejectedBy = null,
    DateTimeOffset? RejectedAt = null,
    Sealed? RejectionReason = null,
    DateTimeOffset? DeletedAt = null)
{
    public bool Deleted => DeletedAt is not null;
}

/// <summary>
/// Inline: an item is readable in the transaction that added, approved or commented it (so a push never points ahead of it).
/// <see cref="StudentErased"/> deletes the student's items and comments.
/// </summary>
public sealed class PortfolioProjection : IProjection
{
    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        var changed = new Dictionary<Guid, PortfolioItem>();

        async Task<PortfolioItem?> Load(Guid id) =>
            changed.TryGetValue(id, out var item) ? item : await operations.LoadAsync<PortfolioItem>(id, ct);

        foreach (var e in events)
        {
            switch (e.Data)
            {
                case PortfolioItemAdded a:
                    changed[a.ItemId] = new PortfolioItem(a.ItemId, a.StudentId, a.ClassId, a.AddedBy, a.AuthorRole, a.Kind, a.Text, a.Attachment, a.At,
                        a.Approved, a.Approved ? a.AddedBy : null, a.Approved ? a.At : null, [], e.Version);
                    break;
                case PortfolioItemApproved a when await Load(a.ItemId) is { Deleted: false } item:
                    changed[a.ItemId] = item with
                    {
                        Approved = true, ApprovedBy = a.ApprovedBy, ApprovedAt = a.At, Rejected = false, RejectedBy = null, RejectedAt = null,
                        RejectionReason = null, Position = e.Version,
                    };
                    break;
                case PortfolioItemEdited edited when await Load(edited.ItemId) is { Deleted: false } item:
                    changed[edited.ItemId] = item with
                    {
                        Text = edited.Text, EditedAt = edited.At, Rejected = false, RejectedBy = null, RejectedAt = null, RejectionReason = null,
                        Position = e.Version,
                    };
                    break;
                case PortfolioItemRejected r when await Load(r.ItemId) is { Deleted: false } item:
                    changed[r.ItemId] = item with { Rejected = true, RejectedBy = r.RejectedBy, RejectedAt = r.At, RejectionReason = r.Reason, Position = e.Version };
                    break;
                case PortfolioItemDeleted d when await Load(d.ItemId) is { Deleted: false } item:
                    changed[d.ItemId] = item with
                    {
                        Text = null, Attachment = null, Comments = [], RejectionReason = null, DeletedAt = d.At, Position = e.Version,
                    };
                    break;
                case PortfolioCommentAdded c when await Load(c.ItemId) is { Deleted: false } item:
                    changed[c.ItemId] = item with
                    {
                        Comments = [.. item.Comments, new PortfolioComment(c.CommentId, c.AuthorId, c.AuthorRole, c.Text, c.At, e.Version)],
                        Position = e.Version,
                    };
                    break;
                case PortfolioCommentEdited x when await Load(x.ItemId) is { Deleted: false } item:
                    changed[x.ItemId] = item with
                    {
                        Comments = item.Comments.Select(c => c.CommentId == x.CommentId ? c with { Text = x.Text, EditedAt = x.At } : c).ToList(),
                        Position = e.Version,
                    };
                    break;
                case PortfolioCommentDeleted x when await Load(x.ItemId) is { Deleted: false } item:
                    changed[x.ItemId] = item with { Comments = item.Comments.Where(c => c.CommentId != x.CommentId).ToList(), Position = e.Version };
                    break;
                case StudentErased erased:
                    foreach (var id in changed.Where(x => x.Value.StudentId == erased.StudentId).Select(x => x.Key).ToList()) changed.Remove(id);
                    operations.DeleteWhere<PortfolioItem>(i => i.StudentId == erased.StudentId);
                    break;
            }
        }

        foreach (var item in changed.Values) operations.Store(item);
    }
}
