using ClassComms.Accounts;
using ClassComms.Notifications;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.SignalR;
using Wolverine;

namespace ClassComms.Incidents;

/// <summary>The durable scheduled reminder of an incident's 72-hour clock (ids and a kind only).</summary>
public sealed record RemindIncidentClock(Guid SchoolId, Guid IncidentId, string Kind);

/// <summary>What the school's DPOs are pushed (<c>IncidentReminder</c>): which incident, which reminder, when the 72 hours end. Ids only.</summary>
public sealed record IncidentReminderNotice(Guid IncidentId, string Kind, DateTimeOffset DueAt, DateTimeOffset At);

/// <summary>
/// GDPR art. 33(1)'s 72 hours, kept in front of the DPO: recording an incident (or correcting its discovery date) schedules two durable
/// reminders, <see cref="DueSoon"/> 24 hours before the end and <see cref="Overdue"/> at the end. When one comes due and the authority is
/// still not notified, the risk not assessed as not serious and the incident not withdrawn, <see cref="IncidentReminderSent"/> is appended
/// and every live DPO membership of the school is pushed <see cref="IncidentReminderNotice"/> after the commit and mailed
/// (<see cref="MailIncidentReminder"/>, queued in the same transaction); otherwise nothing happens.
/// A reminder delivered early (the discovery date was corrected) is scheduled again for its time; a repeated one does nothing.
/// </summary>
public static class IncidentReminders
{
    public const string DueSoon = "dueSoon";
    public const string Overdue = "overdue";
    public static readonly TimeSpan DueSoonLead = TimeSpan.FromHours(24);

    public static DateTimeOffset TimeOf(Incident incident, string kind) =>
        kind == DueSoon ? IncidentRules.AuthorityDueAt(incident) - DueSoonLead : IncidentRules.AuthorityDueAt(incident);

    /// <summary>The pure decision: whether the <paramref name="kind"/> reminder is still wanted for the incident as it stands.</summary>
    public static bool Wanted(Incident incident, string kind) =>
        incident.Withdrawal is null && incident.AuthorityNotifications.Count == 0 && incident.Risk is not { Serious: false }
        && !(incident.RemindersSent ?? []).Contains(kind);

    /// <summary>Both reminders of <paramref name="incident"/>, scheduled at their times (a time already past: delivered at once).</summary>
    public static void Schedule(OutgoingMessages messages, Guid schoolId, Incident incident)
    {
        foreach (var kind in new[] { DueSoon, Overdue })
        {
            if (Wanted(incident, kind)) messages.Schedule(new RemindIncidentClock(schoolId, incident.Id, kind), TimeOf(incident, kind));
        }
    }
}

public static class RemindIncidentClockHandler
{
    public static async Task<OutgoingMessages> Handle(RemindIncidentClock command, IDocumentStore store, SessionOutbox mails,
        IHubContext<NotificationHub, INotificationClient> hub, TimeProvider clock, CancellationToken ct)
    {
        var messages = new OutgoingMessages();
        IncidentReminderNotice notice;
        IReadOnlyList<Guid> dpos;
        await using (var session = store.LightweightSession(Ids.Tenant(command.SchoolId)))
        {
            var stream = await session.Events.FetchForWriting<Incident>(command.IncidentId, ct);
            if (stream.Aggregate is not { } incident || !IncidentReminders.Wanted(incident, command.Kind)) return messages;
            var now = clock.GetUtcNow();
            var at = IncidentReminders.TimeOf(incident, command.Kind);
            if (now < at)
            {
                messages.Schedule(command, at);
                return messages;
            }

            var dueAt = IncidentRules.AuthorityDueAt(incident);
            stream.AppendOne(new IncidentReminderSent(incident.Id, command.Kind, dueAt, now));
            dpos = await session.Query<UserAccount>()
                .Where(a => a.SchoolId == command.SchoolId && a.Role == Role.Dpo && a.ErasedAt == null && a.RemovedAt == null).Select(a => a.Id).ToListAsync(ct);
            // The mails are committed with the event (one per DPO) and leave after the commit; a redelivery finds the kind sent.
            await mails.CommitAsync(session, dpos.Select(dpo => new MailIncidentReminder(command.SchoolId, incident.Id, command.Kind, dueAt, dpo)).ToList(), ct);
            notice = new IncidentReminderNotice(incident.Id, command.Kind, dueAt, now);
        }

        if (dpos.Count > 0) await hub.Clients.Groups(dpos.Select(NotificationHub.UserGroup).ToList()).IncidentReminder(notice);
        return messages;
    }
}
