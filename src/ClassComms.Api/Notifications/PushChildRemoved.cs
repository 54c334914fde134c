using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.SignalR;

namespace ClassComms.Notifications;

/// <summary>After a student's erasure completed (Privacy/ErasureWorkflow.cs): tell the student's guardians, ids only.</summary>
public sealed record PushChildRemoved(Guid SchoolId, Guid SubjectId);

/// <summary>
/// A child no longer shown to the recipient (<c>Reason</c>: <c>erased</c>): drop the child's pages and re-read the children list.
/// Ids only. Sent to every guardian the student had, after the erasure is complete.
/// </summary>
public sealed record ChildRemovedNotice(Guid StudentId, Guid ClassId, string Reason, DateTimeOffset At);

public static class PushChildRemovedHandler
{
    public const string Erased = "erased";

    public static async Task Handle(PushChildRemoved message, IDocumentStore store, IHubContext<NotificationHub, INotificationClient> hub,
        BusinessMetrics metrics, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(message.SchoolId));
        // The subject may be a guardian or staff member: only an erased student's guardians are told.
        if (await session.LoadAsync<Student>(message.SubjectId, ct) is not { ErasedAt: { } at } student || student.GuardianIds.Count == 0) return;
        var notice = new ChildRemovedNotice(student.Id, student.ClassId, Erased, at);
        var groups = student.GuardianIds.Select(NotificationHub.UserGroup).ToList();
        await metrics.PushAsync("child.removed", groups.Count, () => hub.Clients.Groups(groups).ChildRemoved(notice));
    }
}
