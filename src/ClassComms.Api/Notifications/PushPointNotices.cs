using ClassComms.Audience;
using ClassComms.Guardians;
using ClassComms.Platform;
using ClassComms.Points;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.SignalR;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace ClassComms.Notifications;

/// <summary>
/// Runs after the award or removal committed (durable outbox, local durable queue). The guardian feed holds the items from
/// that commit on (written in its transaction, <see cref="ReadPositions"/>); each notice carries its feed cursor. Recipients
/// are computed now, from current links and restrictions: the student's visible guardians and the teacher who acted.
/// </summary>
public static class PushPointNoticesHandler
{
    public static void Configure(HandlerChain chain) => PushRetries.Apply(chain);

    public static async Task Handle(PointsChanged message, IDocumentStore store,
        IHubContext<NotificationHub, INotificationClient> hub, BusinessMetrics metrics, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(message.SchoolId));
        // One round trip: the points, their students, the feed entries of either kind (award or removal) and the students' audience
        // (the family access documents holding them, found from the points in SQL).
        var pointIds = message.PointIds.ToArray();
        var batch = session.CreateBatchQuery();
        var entriesLoad = batch.LoadMany<PointEntry>().ById(pointIds);
        var studentsLoad = batch.Query<Student>(
            $"where tenant_id = ? and id = any(array(select (p.data ->> 'StudentId')::uuid from {ReadPositions.DocumentTable<PointEntry>()} p where p.tenant_id = ? and p.id = any(?)))",
            session.TenantId, session.TenantId, pointIds);
        var feedLoad = batch.LoadMany<FeedEntry>().ById(pointIds.SelectMany(p => new[] { FeedEntry.AwardedId(p), FeedEntry.RemovedId(p) }).ToArray());
        var audienceLoad = AudienceAccess.HoldingStudentsOfPointsInBatch(batch, session.TenantId, pointIds);
        await batch.Execute(ct);
        var entries = await entriesLoad;
        if (entries.Count == 0) return;
        var students = (await studentsLoad).ToDictionary(s => s.Id);
        var cursors = (await feedLoad).ToDictionary(e => e.Id, e => e.Sequence);
        // Safety check: the feed entry of a student who still exists must be there (same transaction as the point).
        if (entries.Any(e => !cursors.ContainsKey(FeedId(e)) && students.TryGetValue(e.StudentId, out var s) && !s.Erased))
        {
            throw new PushNotReadableYet(nameof(FeedEntry));
        }

        // The family audience (read in the batch above), asked the one decision per entry.
        var audience = await audienceLoad();
        foreach (var entry in entries)
        {
            var notice = new PointNotice(entry.Id, entry.AwardId, entry.StudentId, entry.ClassId, entry.SkillId,
                entry.Positive, entry.Value, entry.Note is not null, entry.RemovedAt ?? entry.AwardedAt,
                cursors.TryGetValue(FeedId(entry), out var cursor) ? cursor : null);
            var recipients = new HashSet<Guid> { entry.RemovedBy ?? entry.AwardedBy };
            var item = AudienceItem.Record(entry.StudentId, entry.ClassId);
            recipients.UnionWith(audience.Where(a => Visibility.CanSee(a, item)).Select(a => a.Id));

            var groups = recipients.Select(NotificationHub.UserGroup).ToList();
            if (entry.Removed) await metrics.PushAsync("point.removed", groups.Count, () => hub.Clients.Groups(groups).PointRemoved(notice));
            else await metrics.PushAsync("point.awarded", groups.Count, () => hub.Clients.Groups(groups).PointAwarded(notice));
        }
    }

    private static string FeedId(PointEntry entry) => entry.Removed ? FeedEntry.RemovedId(entry.Id) : FeedEntry.AwardedId(entry.Id);
}

/// <summary>Retry policy of push handlers.</summary>
public static class PushRetries
{
    /// <summary>A pushed item not readable yet delays the push, durably, without limit.</summary>
    public static void Apply(HandlerChain chain) =>
        chain.OnException<PushNotReadableYet>()
            .ScheduleRetryIndefinitely(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));
}
