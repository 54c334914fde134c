using System.Net.Mail;
using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.Extensions.Options;
using Wolverine.Marten;

namespace ClassComms.Incidents;

public sealed class IncidentReminderOptions
{
    public const string Section = "Incidents:Reminders";

    /// <summary>Development outbox: a JSON-lines file the reminder mails are appended to (relative to the content root). Holds e-mail addresses: never in production.</summary>
    public string? OutboxPath { get; set; }
}

/// <summary>Queued, in the transaction that records <see cref="IncidentReminderSent"/>, once per live DPO membership of the school (ids only).</summary>
public sealed record MailIncidentReminder(Guid SchoolId, Guid IncidentId, string Kind, DateTimeOffset DueAt, Guid DpoId);

/// <summary>
/// What a sender delivers to a DPO's address: which incident (id only: its free text is sealed and stays in the register), which reminder
/// (<c>dueSoon</c>, <c>overdue</c>) and when the 72 hours end. No personal data beyond the recipient's own address.
/// </summary>
public sealed record IncidentReminderMail(string Email, Guid SchoolId, Guid IncidentId, string Kind, DateTimeOffset DueAt);

/// <summary>
/// Sends one reminder mail to one DPO: their login's address, opened only now, goes to the pluggable sender (SMTP, else the development
/// outbox). The message was committed with the reminder's event, so the mail leaves after that commit, once per reminder and DPO; a
/// failed send is retried by Wolverine. A DPO erased or no longer a DPO meanwhile gets nothing.
/// </summary>
public static class MailIncidentReminderHandler
{
    public static async Task Handle(MailIncidentReminder message, IQuerySession session, PersonalDataVault vault,
        IMailSender<IncidentReminderMail> sender, CancellationToken ct)
    {
        var dpo = await session.LoadAsync<UserAccount>(message.DpoId, ct);
        if (dpo is not { IsLive: true, Role: Role.Dpo } || dpo.SchoolId != message.SchoolId) return;
        var login = await session.LoadAsync<LoginAccount>(dpo.LoginId, ct);
        if (login is not { ErasedAt: null } || await vault.UnsealAsync(login.Email, ct) is not { } email) return;
        await sender.SendAsync(new IncidentReminderMail(email, message.SchoolId, message.IncidentId, message.Kind, message.DueAt), ct);
    }
}

/// <summary>Incident reminder mails by SMTP (<c>Email:Smtp:*</c>); selected whenever it is configured. Logs ids only.</summary>
public sealed class SmtpIncidentReminderSender(IOptions<SmtpOptions> options, ILogger<SmtpIncidentReminderSender> logger) : IMailSender<IncidentReminderMail>
{
    public async Task SendAsync(IncidentReminderMail mail, CancellationToken ct)
    {
        var what = mail.Kind == IncidentReminders.DueSoon
            ? $"The 72 hours to notify the supervisory authority of a confidentiality incident in your school's register end in 24 hours ({mail.DueAt:yyyy-MM-dd HH:mm} UTC)."
            : $"The 72 hours to notify the supervisory authority of a confidentiality incident in your school's register ended at {mail.DueAt:yyyy-MM-dd HH:mm} UTC.";
        await SmtpMail.SendAsync(options.Value, mail.Email, "ClassComms: a confidentiality incident needs your attention",
            $"{what}\r\n\r\nOpen the incident register in ClassComms (incident {mail.IncidentId}) to record the notification, or assess the risk as " +
            "not serious if it is not.\r\n",
            status => new IncidentReminderNotSentException(mail.SchoolId, mail.IncidentId, status), ct);
        logger.LogInformation("Incident reminder mail sent for incident {IncidentId} of school {SchoolId}", mail.IncidentId, mail.SchoolId);
    }
}

/// <summary>The SMTP server refused or failed a reminder; ids and the SMTP status only.</summary>
public sealed class IncidentReminderNotSentException(Guid schoolId, Guid incidentId, SmtpStatusCode status)
    : Exception($"An incident reminder of incident {incidentId} (school {schoolId}) was not sent (SMTP status {(int)status} {status}).");
