using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Marten.Schema;

namespace ClassComms.Guardians;

public sealed class RegistrationOptions
{
    public const string Section = "Guardians:Registration";

    /// <summary>How long a confirmation token works (default 24 h). It works once.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Development outbox: a JSON-lines file the confirmation mails are appended to (relative to the content root). Holds e-mail addresses: never in production.</summary>
    public string? OutboxPath { get; set; }
}

/// <summary>
/// A guardian registration waiting for its e-mail to be confirmed. Name and e-mail are sealed under the key of the
/// membership it will become (<see cref="MembershipId"/>); the password is kept only as a hash, used only if the e-mail
/// has no login when the registration is confirmed. The token (sent by mail) is stored only as its SHA-256.
/// </summary>
[UseOptimisticConcurrency]
public sealed class PendingRegistration : IPendingMembership
{
    public Guid Id { get; set; }
    public Guid MembershipId { get; set; }
    public Guid SchoolId { get; set; }

    /// <summary>The parent code's document id (its keyed hash), checked again at confirmation.</summary>
    public string ParentCodeId { get; set; } = "";
    public Sealed Email { get; set; } = null!;
    public Sealed Name { get; set; } = null!;
    public string PasswordHash { get; set; } = "";
    public string? TokenHash { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    [Version]
    public Guid Version { get; set; }
}

/// <summary>
/// What a sender delivers to the address given at registration: the token to confirm with, and whether the address
/// already has a login (then confirming adds the school to it and keeps its password; the one typed is not used).
/// </summary>
public sealed record RegistrationMail(string Email, string Token, bool HasLogin, Guid SchoolId, DateTimeOffset ExpiresAt);

/// <summary>Queued for every registration that needs confirming (ids only).</summary>
public sealed record RegistrationRequested(Guid PendingId);

/// <summary>Scheduled at the expiry of a pending registration (ids only).</summary>
public sealed record ExpirePendingRegistration(Guid PendingId);

/// <summary>Makes the one-time token, stores its hash and sends it to the address given, saying whether it has a login.</summary>
public static class RegistrationRequestedHandler
{
    public static async Task Handle(RegistrationRequested message, IDocumentSession session, PersonalDataVault vault, AccountFactory accounts,
        IMailSender<RegistrationMail> sender, CancellationToken ct)
    {
        if (await PendingMemberships.IssueTokenAsync<PendingRegistration>(session, vault, accounts, message.PendingId, ct) is not { } issued) return;
        await sender.SendAsync(new RegistrationMail(issued.Email, issued.Token, issued.HasLogin, issued.Pending.SchoolId, issued.Pending.ExpiresAt), ct);
    }
}

/// <summary>An unconfirmed registration is deleted when it expires, and the key of the membership it would have become destroyed.</summary>
public static class ExpirePendingRegistrationHandler
{
    public static Task Handle(ExpirePendingRegistration message, IDocumentSession session, PersonalDataVault vault, CancellationToken ct) =>
        PendingMemberships.ExpireAsync<PendingRegistration>(session, vault, message.PendingId, ct);
}
