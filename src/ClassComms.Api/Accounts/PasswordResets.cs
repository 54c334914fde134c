using ClassComms.Platform;
using Marten.Schema;

namespace ClassComms.Accounts;


public sealed class PasswordResetOptions
{
    public const string Section = "Auth:PasswordReset";

    /// <summary>How long a reset token works (default 30 min). It works once.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Development outbox: a JSON-lines file the reset mails are appended to (relative to the content root). Holds e-mail addresses: never in production.</summary>
    public string? OutboxPath { get; set; }
}

/// <summary>A reset token, stored only as its SHA-256; one use (optimistic concurrency), short-lived.</summary>
[UseOptimisticConcurrency]
public sealed class PasswordReset
{
    public string Id { get; set; } = "";
    public Guid LoginId { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }

    [Version]
    public Guid Version { get; set; }
}

/// <summary>What a sender delivers: to the login's e-mail address, the token to paste or put in a link.</summary>
public sealed record PasswordResetMail(Guid LoginId, string Email, string Token, DateTimeOffset ExpiresAt);

