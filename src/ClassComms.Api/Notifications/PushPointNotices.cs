using ClassComms.Platform;
using ClassComms.Points;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.SignalR;

namespace ClassComms.Notifications;

/// <summary>
/// Runs after the award or removal committed (durable outbox, local durable queue). Recipients are computed
/// now, from current links and restrictions: the student's visible guardians and the teacher who acted.
/// </summary>
public static class PushPointNoticesHandler
{
    public static async Task Handle(PointsChanged message, IDocumentStore store, IHubContext<NotificationHub, INotificationClient> hub,
        CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(message.SchoolId));
        var entries = await session.LoadManyAsync<PointEntry>(ct, message.PointIds);
        if (entries.Count == 0) return;
        var students = (await session.LoadManyAsync<Student>(ct, entries.Select(e => e.StudentId).Distinct())).ToDictionary(s => s.Id);

        foreach (var entry in entries)
        {
            var notice = new PointNotice(entry.Id, entry.AwardId, entry.StudentId, entry.ClassId, entry.SkillId, entry.SkillName,
                entry.Positive, entry.Value, entry.Note is not null, entry.RemovedAt ?? entry.AwardedAt);
            var recipients = new HashSet<Guid> { entry.RemovedBy ?? entry.AwardedBy };
            if (students.TryGetValue(entry.StudentId, out var student) && !student.Erased)
            {
                recipients.UnionWith(student.VisibleGuardianIds);
            }

            var groups = recipients.Select(NotificationHub.UserGroup).ToList();
            if (entry.Removed) await hub.Clients.Groups(groups).PointRemoved(notice);
            else await hub.Clients.Groups(groups).PointAwarded(notice);
        }
    }
}
