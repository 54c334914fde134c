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
/// Runs after the award or removal committed (durable outbox, local durable queue), and pushes once the guardian feed
/// holds the items (<see cref="PushReadiness"/>), each notice carrying its feed cursor. Recipients are computed then,
/// from current links and restrictions: the student's visible guardians and the teacher who acted.
/// </summary>
public static class PushPointNoticesHandler
{
    public static void Configure(HandlerChain chain) => PushRetries.Apply(chain);

    public static async Task Handle(PointsChanged message, IDocumentStore store, PushReadiness readiness,
        IHubContext<NotificationHub, INotificationClient> hub, BusinessMetrics metrics, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(message.SchoolId));
        var entries = await session.LoadManyAsync<PointEntry>(ct, message.PointIds);
        if (entries.Count == 0) return;
        var students = (await session.LoadManyAsync<Student>(ct, entries.Select(e => e.StudentId).Distinct())).ToDictionary(s => s.Id);
        var cursors = await readiness.WaitAsync(store, session, typeof(FeedProjection), entries.Select(FeedId).ToList(), FeedCursorsAsync, ct);

        foreach (var entry in entries)
        {
            var notice = new PointNotice(entry.Id, entry.AwardId, entry.StudentId, entry.ClassId, entry.SkillId,
                entry.Positive, entry.Value, entry.Note is not null, entry.RemovedAt ?? entry.AwardedAt,
                cursors.TryGetValue(FeedId(entry), out var cursor) ? cursor : null);
            var recipients = new HashSet<Guid> { entry.RemovedBy ?? entry.AwardedBy };
            if (students.TryGetValue(entry.StudentId, out var student) && !student.Erased)
            {
                recipients.UnionWith(student.VisibleGuardianIds);
            }

            var groups = recipients.Select(NotificationHub.UserGroup).ToList();
            if (entry.Removed) await metrics.PushAsync("point.removed", groups.Count, () => hub.Clients.Groups(groups).PointRemoved(notice));
            else await metrics.PushAsync("point.awarded", groups.Count, () => hub.Clients.Groups(groups).PointAwarded(notice));
        }
    }

    private static string FeedId(PointEntry entry) => entry.Removed ? FeedEntry.RemovedId(entry.Id) : FeedEntry.AwardedId(entry.Id);

    private static async Task<IReadOnlyDictionary<string, long>> FeedCursorsAsync(IQuerySession session, IReadOnlyCollection<string> ids,
        CancellationToken ct) =>
        (await session.LoadManyAsync<FeedEntry>(ct, ids)).ToDictionary(e => e.Id, e => e.Sequence);
}

/// <summary>Retry policy of push handlers.</summary>
public static class PushRetries
{
    /// <summary>A read model that has not caught up (daemon stopped, rebuilding, elsewhere and slow) delays the push, durably, without limit.</summary>
    public static void Apply(HandlerChain chain) =>
        chain.OnException<PushNotReadableYet>()
            .ScheduleRetryIndefinitely(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));
}
