using ClassComms.Accounts;
using ClassComms.Audience;
using ClassComms.Classes;
using ClassComms.Notifications;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.SignalR;
using Wolverine.Runtime.Handlers;

namespace ClassComms.Portfolios;

/// <summary>
/// A portfolio change the recipient may see: ids and facts only (text, comments and file names are read from the portfolio).
/// <c>Change</c>: added, approved, commented, commentEdited, commentDeleted (<c>CommentId</c> set for these three), edited, rejected or deleted. <c>Cursor</c> is the item's position in the student's
/// portfolio: <c>GET /api/students/{studentId}/portfolio?after={Cursor - 1}</c> returns it first.
/// </summary>
public sealed record PortfolioNotice(Guid StudentId, Guid ItemId, Guid? CommentId, string Change, string Kind, bool Approved, DateTimeOffset At,
    long Cursor);

/// <summary>
/// Runs after the change committed (durable outbox, the push queue). The item is readable from that commit (inline projection).
/// Recipients are computed now, by the reads' decision (<see cref="PortfolioAccess"/>, <see cref="Visibility"/>): the student's own
/// account, the class teacher, the school's leaders and, for an approved item only and while portfolio-sharing consent stands,
/// the linked, unrestricted guardians.
/// </summary>
public static class PushPortfolioNoticesHandler
{
    public static void Configure(HandlerChain chain) => PushRetries.Apply(chain);

    public static async Task Handle(PortfolioChanged message, IDocumentStore store, IHubContext<NotificationHub, INotificationClient> hub,
        BusinessMetrics metrics, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(message.SchoolId));
        var batch = session.CreateBatchQuery();
        var itemLoad = batch.Load<PortfolioItem>(message.ItemId);
        var studentLoad = batch.Load<Student>(message.StudentId);
        await batch.Execute(ct);
        var student = await studentLoad;
        if (student is null || student.Erased) return;
        var item = await itemLoad ?? throw new PushNotReadableYet(nameof(PortfolioItem));

        var schoolClass = await session.LoadAsync<SchoolClass>(student.ClassId, ct);
        var recipients = await RecipientsAsync(session, message.SchoolId, student, schoolClass, item, ct);
        var comment = message.CommentId is { } id ? item.Comments.FirstOrDefault(c => c.CommentId == id) : null;
        var at = message.At ?? comment?.At ?? message.Change switch
        {
            PortfolioChanges.Approved => item.ApprovedAt,
            PortfolioChanges.Edited => item.EditedAt,
            PortfolioChanges.Rejected => item.RejectedAt,
            PortfolioChanges.Deleted => item.DeletedAt,
            _ => null,
        } ?? item.AddedAt;
        // A deleted comment is no longer on the item: its id still names what changed.
        var commentId = comment?.CommentId ?? (message.Change == PortfolioChanges.CommentDeleted ? message.CommentId : null);
        var notice = new PortfolioNotice(item.StudentId, item.Id, commentId, message.Change, item.Kind, item.Approved, at, item.Position);
        var groups = recipients.Select(NotificationHub.UserGroup).ToList();
        if (groups.Count > 0) await metrics.PushAsync("portfolio." + message.Change, groups.Count, () => hub.Clients.Groups(groups).PortfolioChanged(notice));
    }

    /// <summary>
    /// Everyone who may see the item now, by the same decision as the reads: the class teacher and the school's leaders, and every
    /// family member (guardians, the student's account) whose access document holds the student and lets them see the item (a
    /// deleted item: those who saw it), except guardians who muted the student's class.
    /// </summary>
    public static async Task<HashSet<Guid>> RecipientsAsync(IQuerySession session, Guid schoolId, Student student, SchoolClass? schoolClass,
        PortfolioItem item, CancellationToken ct)
    {
        var recipients = new HashSet<Guid>();
        if (schoolClass is not null && PortfolioAccess.Decide(new Caller(schoolClass.TeacherId, schoolId, Role.Teacher), student, schoolClass, null)
            == PortfolioViewer.Staff)
        {
            recipients.Add(schoolClass.TeacherId);
        }

        recipients.UnionWith(await session.Query<UserAccount>().Where(a => a.SchoolId == schoolId && a.Role == Role.Leader && a.ErasedAt == null && a.RemovedAt == null)
            .Select(a => a.Id).ToListAsync(ct));
        var audienceItem = AudienceItem.PortfolioItem(item.StudentId, item.ClassId, item.Approved, item.AddedAt);
        foreach (var access in await AudienceAccess.HoldingAnyAsync(session, [student.Id], ct))
        {
            if (Visibility.CanSee(access, audienceItem) && !access.Muted(item.ClassId)) recipients.Add(access.Id);
        }

        return recipients;
    }
}
