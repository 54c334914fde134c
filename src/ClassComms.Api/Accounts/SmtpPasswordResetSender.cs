using System.Net.Mail;
using ClassComms.Platform;
using Microsoft.Extensions.Options;

namespace ClassComms.Accounts;

/// <summary>Production e-mail for password resets (<c>Email:Smtp:*</c>). Selected whenever <see cref="Host"/> is set.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Email:Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>STARTTLS (default on). Turn off only for a relay on the same host or network.</summary>
    public bool EnableSsl { get; set; } = true;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender address, e.g. <c>no-reply@school.example</c>.</summary>
    public string From { get; set; } = "";

    public string Subject { get; set; } = "Your ClassComms password reset";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>
/// Sends the reset token by SMTP (System.Net.Mail). Logs the login id only. A failure is rethrown without the SMTP
/// library's message or inner exception, which can quote the recipient's address; Wolverine retries the message.
/// </summary>
public sealed class SmtpPasswordResetSender(IOptions<SmtpOptions> options, ILogger<SmtpPasswordResetSender> logger) : IMailSender<PasswordResetMail>
{
    public async Task SendAsync(PasswordResetMail mail, CancellationToken ct)
    {
        await SmtpMail.SendAsync(options.Value, mail.Email, options.Value.Subject,
            $"Someone asked to reset the password of your ClassComms account.\r\n\r\nYour reset code: {mail.Token}\r\n\r\n" +
            $"It works once, until {mail.ExpiresAt:yyyy-MM-dd HH:mm} UTC. If you did not ask for it, ignore this e-mail.\r\n",
            status => new PasswordResetNotSentException(mail.LoginId, status), ct);

        logger.LogInformation("Password reset mail sent for login {LoginId}", mail.LoginId);
    }
}

/// <summary>The SMTP server refused or failed the reset mail; ids and the SMTP status only.</summary>
public sealed class PasswordResetNotSentException(Guid loginId, SmtpStatusCode status)
    : Exception($"The password reset mail for login {loginId} was not sent (SMTP status {(int)status} {status}).");
