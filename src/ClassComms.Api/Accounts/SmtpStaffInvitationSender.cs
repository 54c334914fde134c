using System.Net.Mail;
using ClassComms.Platform;
using Microsoft.Extensions.Options;

namespace ClassComms.Accounts;

/// <summary>
/// Sends staff invitations by SMTP with the relay of <c>Email:Smtp:*</c>; selected whenever it is configured. Logs the school
/// id only. A failure is rethrown without the SMTP library's message (it can quote the address); Wolverine retries the message.
/// </summary>
public sealed class SmtpStaffInvitationSender(IOptions<SmtpOptions> options, ILogger<SmtpStaffInvitationSender> logger) : IMailSender<StaffInvitationMail>
{
    public async Task SendAsync(StaffInvitationMail mail, CancellationToken ct)
    {
        var what = mail.HasLogin
            ? "This address already has a ClassComms login. Accepting (signed in, or with its password) adds the school to it; its password stays as it is."
            : "Accepting creates your ClassComms login with a password you choose.";
        await SmtpMail.SendAsync(options.Value, mail.Email, "You are invited to join a school on ClassComms",
            $"A school leader invited this address to join their school on ClassComms as {mail.Role}.\r\n\r\n{what}\r\n\r\n" +
            $"Your invitation code: {mail.Token}\r\n\r\nIt works once, until {mail.ExpiresAt:yyyy-MM-dd HH:mm} UTC. " +
            "If you did not expect this, ignore this e-mail.\r\n",
            status => new StaffInvitationNotSentException(mail.SchoolId, status), ct);

        logger.LogInformation("Staff invitation mail sent for school {SchoolId}", mail.SchoolId);
    }
}

/// <summary>The SMTP server refused or failed a staff invitation; ids and the SMTP status only.</summary>
public sealed class StaffInvitationNotSentException(Guid schoolId, SmtpStatusCode status)
    : Exception($"A staff invitation for school {schoolId} was not sent (SMTP status {(int)status} {status}).");
