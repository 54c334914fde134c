using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Marten.Schema;

namespace ClassComms.Accounts;

public sealed class StaffInvitationOptions
{
    public const string Section = "Staff:Invitation";

    /// <summary>How long an invitation token works (default 7 days). It works once.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Development outbox: a JSON-lines file the invitation mails are appended to (relative to the content root). Holds e-mail addresses: never in production.</summary>
    public string? OutboxPath { get; set; }
}

/// <summary>
/// A leader's invitation of a teacher, leader or DPO into their school, waiting to be accepted. Name and e-mail are sealed
/// under the key of the membership it will become (<see cref="MembershipId"/>); no password: the invitee sets their own, or
/// keeps the one of their existing login. The token (sent by mail) is stored only as its SHA-256; one use, until
/// <see cref="ExpiresAt"/>.
/// </summary>
[UseOptimisticConcurrency]
public sealed class StaffInvitation : IPendingMembership
{
    public Guid Id { get; set; }
    public Guid MembershipId { get; set; }
    public Guid SchoolId { get; set; }
    public Role Role { get; set; }
    public Guid InvitedBy { get; set; }
    public Sealed Email { get; set; } = null!;
    public Sealed Name { get; set; } = null!;
    public string? TokenHash { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    [Version]
    public Guid Version { get; set; }
}

/// <summary>
/// What a sender delivers to the invited address: the token to accept with, and whether the address already has a login
/// (then accepting adds the school to it, signed in or with its password, and the password stays as it is).
/// </summary>
public sealed record StaffInvitationMail(string Email, string Token, bool HasLogin, Guid SchoolId, string Role, DateTimeOffset ExpiresAt);

/// <summary>Queued with every invitation (ids only).</summary>
public sealed record StaffInvitationRequested(Guid InvitationId);

/// <summary>Scheduled at the expiry of an invitation (ids only).</summary>
public sealed record ExpireStaffInvitation(Guid InvitationId);

/// <summary>Makes the one-time token, stores its hash and sends it to the invited address, saying whether it has a login.</summary>
public static class StaffInvitationRequestedHandler
{
    public static async Task Handle(StaffInvitationRequested message, IDocumentSession session, PersonalDataVault vault, AccountFactory accounts,
        IMailSender<StaffInvitationMail> sender, CancellationToken ct)
    {
        if (await PendingMemberships.IssueTokenAsync<StaffInvitation>(session, vault, accounts, message.InvitationId, ct) is not { } issued) return;
        var invitation = issued.Pending;
        await sender.SendAsync(new StaffInvitationMail(issued.Email, issued.Token, issued.HasLogin, invitation.SchoolId,
            invitation.Role.ToString().ToLowerInvariant(), invitation.ExpiresAt), ct);
    }
}

/// <summary>An invitation not accepted by its expiry is deleted, and the key of the membership it would have become destroyed.</summary>
public static class ExpireStaffInvitationHandler
{
    public static Task Handle(ExpireStaffInvitation message, IDocumentSession session, PersonalDataVault vault, CancellationToken ct) =>
        PendingMemberships.ExpireAsync<StaffInvitation>(session, vault, message.InvitationId, ct);
}
