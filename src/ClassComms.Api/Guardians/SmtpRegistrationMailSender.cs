using System.Net;
using System.Net.Mail;
using ClassComms.Accounts;
using Microsoft.Extensions.Options;

namespace ClassComms.Guardians;

/// <summary>
/// Sends registration confirmations by SMTP with the password-reset relay (<c>Email:Smtp:*</c>); selected whenever it is
/// configured. Logs the school id only. A failure is rethrown without the SMTP library's message (it can quote the
/// address); Wolverine retries the message.
/// </summary>
public sealed class SmtpRegistrationMailSender(IOptions<SmtpOptions> options, ILogger<SmtpRegistrationMailSender> logger) : IRegistrationMailSender
{
    public async Task SendAsync(RegistrationMail mail, CancellationToken ct)
    {
        var o = options.Value;
        var what = mail.HasLogin
            ? "This address already has a ClassComms login. Confirming adds the school to it; its password stays as it is (the one typed at registration is not used)."
            : "Confirming creates your ClassComms login with the password you chose.";
        using var message = new MailMessage(o.From, mail.Email)
        {
            Subject = "Confirm your ClassComms registration",
            Body = $"Someone registered this address with a parent code.\r\n\r\n{what}\r\n\r\nYour confirmation code: {mail.Token}\r\n\r\n" +
                   $"It works once, until {mail.ExpiresAt:yyyy-MM-dd HH:mm} UTC. If you did not register, ignore this e-mail.\r\n",
            BodyEncoding = System.Text.Encoding.UTF8,
            BodyTransferEncoding = System.Net.Mime.TransferEncoding.Base64,
            SubjectEncoding = System.Text.Encoding.UTF8,
        };
        using var client = new SmtpClient(o.Host, o.Port)
        {
            EnableSsl = o.EnableSsl,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = (int)o.Timeout.TotalMilliseconds,
        };
        if (!string.IsNullOrEmpty(o.UserName)) client.Credentials = new NetworkCredential(o.UserName, o.Password);

        try
        {
            await client.SendMailAsync(message, ct);
        }
        catch (SmtpException e)
        {
            throw new RegistrationMailNotSentException(mail.SchoolId, e.StatusCode);
        }

        logger.LogInformation("Registration confirmation mail sent for school {SchoolId}", mail.SchoolId);
    }
}

/// <summary>The SMTP server refused or failed a registration mail; ids and the SMTP status only.</summary>
public sealed class RegistrationMailNotSentException(Guid schoolId, SmtpStatusCode status)
    : Exception($"A registration mail for school {schoolId} was not sent (SMTP status {(int)status} {status}).");
