using System.Net;
using ClassComms.Incidents;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine;

namespace ClassComms.Tests.Incidents;

/// <summary>
/// The register keeps the 72 hours in front of the DPO: recording an incident schedules two durable reminders (24 hours left, overdue); when
/// one comes due and the authority is not notified, it is recorded in the history and pushed to the school's DPOs, once. A notification, a
/// "not serious" assessment or a withdrawal stops them.
/// </summary>
public sealed class when_the_72_hour_clock_runs(AppFixture app) : IntegrationTest(app)
{
    private const string Url = "/api/dpo/incidents";

    private RecordIncident NewIncident(World world) =>
        new(Clock.GetUtcNow().AddHours(-30), Clock.GetUtcNow().AddHours(-2), "Class list e-mailed to the wrong parent", ["identity"],
            [world.Students[0]], 1, null);

    private async Task Remind(World world, Guid incidentId, string kind)
    {
        using var scope = Host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(new RemindIncidentClock(world.SchoolId, incidentId, kind));
    }

    [Fact]
    public async Task recording_schedules_both_reminders_durably_and_each_reaches_the_dpo_once_when_due()
    {
        var world = await Api.CreateWorld();
        await using var hub = await HubClient.Connect(App, world.Dpo);
        var created = await Api.Post<IncidentCreated>(Url, NewIncident(world), world.Dpo);
        Assert.Equal(2, await ScheduledReminders(created.IncidentId));

        await Remind(world, created.IncidentId, IncidentReminders.DueSoon); // early (46 hours left): nothing but a new schedule
        Assert.Single((await Api.Get<IncidentView>($"{Url}/{created.IncidentId}", world.Dpo)).History!);

        Clock.Advance(TimeSpan.FromHours(47)); // 49 hours after discovery: 23 left
        await Remind(world, created.IncidentId, IncidentReminders.DueSoon);
        await Remind(world, created.IncidentId, IncidentReminders.DueSoon); // a redelivery: nothing more
        var notice = await hub.WaitFor<IncidentReminderNotice>(nameof(ClassComms.Notifications.INotificationClient.IncidentReminder),
            n => n.IncidentId == created.IncidentId);
        Assert.Equal(IncidentReminders.DueSoon, notice.Kind);
        var view = await Api.Get<IncidentView>($"{Url}/{created.IncidentId}", world.Dpo);
        Assert.Equal(["recorded", "reminderDueSoon"], view.History!.Select(h => h.Kind));
        Assert.Equal(view.AuthorityClock.DueAt, notice.DueAt);

        Clock.Advance(TimeSpan.FromHours(24)); // 73 hours: overdue
        await Remind(world, created.IncidentId, IncidentReminders.Overdue);
        await hub.WaitFor<IncidentReminderNotice>(nameof(ClassComms.Notifications.INotificationClient.IncidentReminder),
            n => n.IncidentId == created.IncidentId && n.Kind == IncidentReminders.Overdue);
        Assert.Equal(2, hub.All<IncidentReminderNotice>(nameof(ClassComms.Notifications.INotificationClient.IncidentReminder)).Count());
        Assert.Equal("overdue", (await Api.Get<IncidentView>($"{Url}/{created.IncidentId}", world.Dpo)).AuthorityClock.State);
    }

    [Fact]
    public async Task each_reminder_is_mailed_to_each_dpo_once_through_the_mail_sender()
    {
        var world = await Api.CreateWorld();
        var created = await Api.Post<IncidentCreated>(Url, NewIncident(world), world.Dpo);
        var dueAt = (await Api.Get<IncidentView>($"{Url}/{created.IncidentId}", world.Dpo)).AuthorityClock.DueAt;

        Clock.Advance(TimeSpan.FromHours(47));
        await Remind(world, created.IncidentId, IncidentReminders.DueSoon);
        await Remind(world, created.IncidentId, IncidentReminders.DueSoon); // a redelivery: no second mail
        var dueSoon = await ReminderMail(created.IncidentId, IncidentReminders.DueSoon);
        Assert.Equal(world.Dpo.Email, dueSoon.Email, ignoreCase: true);
        Assert.Equal(world.SchoolId, dueSoon.SchoolId);
        Assert.Equal(dueAt, dueSoon.DueAt);

        Clock.Advance(TimeSpan.FromHours(24));
        await Remind(world, created.IncidentId, IncidentReminders.Overdue);
        await ReminderMail(created.IncidentId, IncidentReminders.Overdue);
        var mails = Api.IncidentReminderOutbox().Where(m => m.IncidentId == created.IncidentId).ToList();
        Assert.Equal([IncidentReminders.DueSoon, IncidentReminders.Overdue], mails.Select(m => m.Kind));
        Assert.All(mails, m => Assert.Equal(world.Dpo.Email, m.Email, ignoreCase: true)); // the school's only DPO; nobody else
    }

    /// <summary>Waits (bounded) for the mail handler to write the <paramref name="kind"/> reminder of <paramref name="incidentId"/>.</summary>
    private static async Task<IncidentReminderMail> ReminderMail(Guid incidentId, string kind)
    {
        for (var i = 0; i < 300; i++)
        {
            if (Api.IncidentReminderOutbox().FirstOrDefault(m => m.IncidentId == incidentId && m.Kind == kind) is { } mail) return mail;
            await Task.Delay(50);
        }

        throw new TimeoutException("No incident reminder mail was written to the outbox.");
    }

    [Fact]
    public async Task a_notified_or_withdrawn_incident_sends_no_reminder()
    {
        var world = await Api.CreateWorld();
        var notified = await Api.Post<IncidentCreated>(Url, NewIncident(world), world.Dpo);
        var withdrawn = await Api.Post<IncidentCreated>(Url, NewIncident(world), world.Dpo);
        await Api.Post<IncidentView>($"{Url}/{notified.IncidentId}/notifications",
            new RecordIncidentNotification("authority", Clock.GetUtcNow(), "cai", null, null, null), world.Dpo, HttpStatusCode.OK);
        await Api.Post<IncidentView>($"{Url}/{withdrawn.IncidentId}/withdrawal", new WithdrawIncident("duplicate"), world.Dpo, HttpStatusCode.OK);

        Clock.Advance(TimeSpan.FromHours(80));
        foreach (var id in new[] { notified.IncidentId, withdrawn.IncidentId })
        {
            await Remind(world, id, IncidentReminders.DueSoon);
            await Remind(world, id, IncidentReminders.Overdue);
            Assert.DoesNotContain((await Api.Get<IncidentView>($"{Url}/{id}", world.Dpo)).History!, h => h.Kind.StartsWith("reminder"));
        }

        Assert.DoesNotContain(Api.IncidentReminderOutbox(), m => m.IncidentId == notified.IncidentId || m.IncidentId == withdrawn.IncidentId);
    }

    private static async Task<long> ScheduledReminders(Guid incidentId)
    {
        await using var connection = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from classcomms.wolverine_incoming_envelopes where message_type like '%RemindIncidentClock' and status = 'Scheduled'"
            + " and position(convert_to(@id, 'UTF8') in body) > 0", connection);
        command.Parameters.AddWithValue("id", incidentId.ToString());
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
