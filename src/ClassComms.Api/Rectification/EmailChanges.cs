using System.Net.Mail;
using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Marten.Schema;
using Microsoft.Extensions.Options;

namespace ClassComms.Rectification;

public sealed class EmailChangeOptions
{
    public const string Section = "Rectification:Email";

    /// <summary>How long a confirmation token for a new e-mail address works (default 24 h). It works once.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Development outbox for the confirmation mails to the new address (JSON lines; holds addresses: never in production).</summary>
    public string? OutboxPath { get; set; }

    /// <summary>Development outbox for the notices to the old address (JSON lines; holds addresses: never in production).</summary>
    public string? NoticeOutboxPath { get; set; }
}

/// <summary>
/// A login's e-mail change waiting for confirmation. The new address is sealed under the login's own key (as the login's e-mail is),
/// so erasing the login shreds it too; the token (mailed to the new address) is stored only as its SHA-256. Once confirmed it keeps
/// the previous address (sealed, same key) until the notice to it has left, then it is deleted; unconfirmed, it is deleted at expiry.
/// </summary>
[UseOptimisticConcurrency]
public sealed class EmailChange
{
    public Guid Id { get; set; }
    public Guid LoginId { get; set; }

    /// <summary>The membership that asked (the person or a DPO) and its school.</summary>
    public Guid RequestedBy { get; set; }
    public Guid SchoolId { get; set; }
    public bool BySelf { get; set; }
    public Sealed NewEmail { get; set; } = null!;
    public string? TokenHash { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public Sealed? PreviousEmail { get; set; }

    [Version]
    public Guid Version { get; set; }
}

/// <summary>To the new address: the token that confirms it, and whether the address already has a login (then confirming answers 409).</summary>
public sealed record EmailChangeMail(Guid LoginId, string Email, string Token, bool HasLogin, DateTimeOffset ExpiresAt);

/// <summary>To the old address once the change is confirmed: "your e-mail was changed" (the new address is not in it).</summary>
public sealed record EmailChangedNotice(Guid LoginId, string Email, DateTimeOffset ChangedAt);

/// <summary>Queued when a change is requested (ids only).</summary>
public sealed record EmailChangeRequested(Guid ChangeId);

/// <summary>Queued when a change is confirmed (ids only): the notice goes to the old address.</summary>
public sealed record EmailChangeConfirmed(Guid ChangeId);

/// <summary>Scheduled at the expiry of a change (ids only).</summary>
public sealed record ExpireEmailChange(Guid ChangeId);

/// <summary>Makes the one-time token, commits its hash, then mails it to the new address (a mail never carries a token not yet stored).</summary>
public static class EmailChangeRequestedHandler
{
    public static async Task Handle(EmailChangeRequested message, IDocumentSession session, PersonalDataVault vault, AccountFactory accounts,
        IMailSender<EmailChangeMail> sender, CancellationToken ct)
    {
        var change = await session.LoadAsync<EmailChange>(message.ChangeId, ct);
        if (change is null || change.TokenHash is not null || change.ConfirmedAt is not null) return;
        if (await vault.UnsealAsync(change.NewEmail, ct) is not { } email) return;

        var existing = await accounts.FindLoginAsync(session, email, ct);
        var (token, hash) = RefreshToken.New();
        change.TokenHash = hash;
        session.Store(change);
        await session.SaveChangesAsync(ct);
        await sender.SendAsync(new EmailChangeMail(change.LoginId, email, token, existing is not null && existing.Id != change.LoginId, change.ExpiresAt), ct);
    }
}

/// <summary>Sends "your e-mail was changed" to the previous address, then deletes the change (and with it the sealed previous address).</summary>
public static class EmailChangeConfirmedHandler
{
    public static async Task Handle(EmailChangeConfirmed message, IDocumentSession session, PersonalDataVault vault,
        IMailSender<EmailChangedNotice> sender, CancellationToken ct)
    {
        var change = await session.LoadAsync<EmailChange>(message.ChangeId, ct);
        if (change is not { ConfirmedAt: { } at }) return;
        if (await vault.UnsealAsync(change.PreviousEmail, ct) is { } previous)
        {
            await sender.SendAsync(new EmailChangedNotice(change.LoginId, previous, at), ct);
        }

        session.Delete(change);
    }
}

/// <summary>An unconfirmed change is deleted when it expires (its token stops working then anyway).</summary>
public static class ExpireEmailChangeHandler
{
    public static async Task Handle(ExpireEmailChange message, IDocumentSession session, CancellationToken ct)
    {
        var change = await session.LoadAsync<EmailChange>(message.ChangeId, ct);
        if (change is { ConfirmedAt: null }) session.Delete(change);
    }
}

/// <summary>Confirmation mails for a new e-mail address by SMTP (<c>Email:Smtp:*</c>). Logs the login id only; failures carry no address.</summary>
public sealed class SmtpEmailChangeSender(IOptions<SmtpOptions> options, ILogger<SmtpEmailChangeSender> logger) : IMailSender<EmailChangeMail>
{
    public async Task SendAsync(EmailChangeMail mail, CancellationToken ct)
    {
        var what = mail.HasLogin
            ? "This address already has a ClassComms login, so it cannot replace another login's address; confirming will be refused."
            : "Confirming (signed in to ClassComms) makes this address the one you sign in with; the old one stops working.";
        await SmtpMail.SendAsync(options.Value, mail.Email, "Confirm your new ClassComms e-mail address",
            $"Someone asked to use this address for a ClassComms login.\r\n\r\n{what}\r\n\r\nYour confirmation code: {mail.Token}\r\n\r\n" +
            $"It works once, until {mail.ExpiresAt:yyyy-MM-dd HH:mm} UTC. If you did not ask for it, ignore this e-mail.\r\n",
            status => new EmailChangeMailNotSentException(mail.LoginId, status), ct);
        logger.LogInformation("E-mail change confirmation sent for login {LoginId}", mail.LoginId);
    }
}

/// <summary>The notice to the old address by SMTP. Logs the login id only.</summary>
public sealed class SmtpEmailChangedNoticeSender(IOptions<SmtpOptions> options, ILogger<SmtpEmailChangedNoticeSender> logger)
    : IMailSender<EmailChangedNotice>
{
    public async Task SendAsync(EmailChangedNotice mail, CancellationToken ct)
    {
        await SmtpMail.SendAsync(options.Value, mail.Email, "Your ClassComms e-mail address was changed",
            $"The e-mail address of your ClassComms login was changed on {mail.ChangedAt:yyyy-MM-dd HH:mm} UTC; this address no longer signs in.\r\n\r\n" +
            "If you did not do this, contact your school's data protection officer at once.\r\n",
            status => new EmailChangeMailNotSentException(mail.LoginId, status), ct);
        logger.LogInformation("E-mail changed notice sent for login {LoginId}", mail.LoginId);
    }
}

/// <summary>The SMTP server refused or failed an e-mail change mail; ids and the SMTP status only.</summary>
public sealed class EmailChangeMailNotSentException(Guid loginId, SmtpStatusCode status)
    : Exception($"An e-mail change mail for login {loginId} was not sent (SMTP status {(int)status} {status}).");
