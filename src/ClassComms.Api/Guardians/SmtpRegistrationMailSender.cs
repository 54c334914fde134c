using System.Net.Mail;
using ClassComms.Accounts;
using ClassComms.Platform;
using Microsoft.Extensions.Options;

namespace ClassComms.Guardians;

/// <summary>
/// Sends registration confirmations by SMTP with the password-reset relay (<c>Email:Smtp:*</c>); selected whenever it is
/// configured. Logs the school id only. A failure is rethrown without the SMTP library's message (it can quote the
/// address); Wolverine retries the message.
/// </summary>
public sealed class SmtpRegistrationMailSender(IOptions<SmtpOptions> options, ILogger<SmtpRegistrationMailSender> logger) : IMailSender<RegistrationMail>
{
    public async Task SendAsync(RegistrationMail mail, CancellationToken ct)
    {
        var what = mail.HasLogin
            ? "This address already has a ClassComms login. Confirming adds the school to it; its password stays as it is (the one typed at registration is not used)."
            : "Confirming creates your ClassComms login with the password you chose.";
        await SmtpMail.SendAsync(options.Value, mail.Email, "Confirm your ClassComms registration",
            $"Someone registered this address with a parent code.\r\n\r\n{what}\r\n\r\nYour confirmation code: {mail.Token}\r\n\r\n" +
            $"It works once, until {mail.ExpiresAt:yyyy-MM-dd HH:mm} UTC. If you did not register, ignore this e-mail.\r\n",
            status => new RegistrationMailNotSentException(mail.SchoolId, status), ct);

        logger.LogInformation("Registration confirmation mail sent for school {SchoolId}", mail.SchoolId);
    }
}

/// <summary>The SMTP server refused or failed a registration mail; ids and the SMTP status only.</summary>
public sealed class RegistrationMailNotSentException(Guid schoolId, SmtpStatusCode status)
    : Exception($"A registration mail for school {schoolId} was not sent (SMTP status {(int)status} {status}).");
