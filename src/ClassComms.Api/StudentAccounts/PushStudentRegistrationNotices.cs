using ClassComms.Classes;
using ClassComms.Notifications;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.SignalR;
using Wolverine.Runtime.Handlers;

namespace ClassComms.StudentAccounts;

/// <summary>Not an event: after a self-registration committed, tell its class's teacher (ids only).</summary>
public sealed record StudentRegistrationArrived(Guid SchoolId, Guid RegistrationId);

/// <summary>
/// A student registered with the class code and waits for the teacher's decision: read the class's registrations
/// (<c>GET /api/classes/{ClassId}/student-registrations</c>). Ids and times only: the name the student typed is not pushed.
/// </summary>
public sealed record StudentRegistrationNotice(Guid RegistrationId, Guid ClassId, DateTimeOffset RegisteredAt, DateTimeOffset ExpiresAt);

/// <summary>
/// Runs after the registration's commit (durable outbox, the push queue): to the sessions of the teacher of the registration's class
/// only (their per-user group), not to other staff, guardians or students. A registration decided or expired meanwhile is not pushed.
/// </summary>
public static class PushStudentRegistrationNoticesHandler
{
    public static void Configure(HandlerChain chain) => PushRetries.Apply(chain);

    public static async Task Handle(StudentRegistrationArrived message, IDocumentStore store, IHubContext<NotificationHub, INotificationClient> hub,
        BusinessMetrics metrics, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(message.SchoolId));
        var registration = await session.LoadAsync<StudentRegistration>(message.RegistrationId, ct);
        if (registration is not { State: StudentRegistration.Pending }) return;
        var schoolClass = await session.LoadAsync<SchoolClass>(registration.ClassId, ct);
        if (schoolClass is null) return;
        var notice = new StudentRegistrationNotice(registration.Id, registration.ClassId, registration.RegisteredAt, registration.ExpiresAt);
        var groups = new List<string> { NotificationHub.UserGroup(schoolClass.TeacherId) };
        await metrics.PushAsync("student.registration", groups.Count, () => hub.Clients.Groups(groups).StudentRegistrationWaiting(notice));
    }
}
