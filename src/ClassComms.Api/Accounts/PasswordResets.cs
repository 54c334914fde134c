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

/// <summary>Delivers reset tokens (e-mail in production: register your own implementation).</summary>
public interface IPasswordResetSender
{
    Task SendAsync(PasswordResetMail mail, CancellationToken ct);
}

/// <summary>Development outbox: appends each mail as one JSON line to <see cref="PasswordResetOptions.OutboxPath"/>.</summary>
public sealed class FileOutboxPasswordResetSender(string path) : IPasswordResetSender
{
    public Task SendAsync(PasswordResetMail mail, CancellationToken ct) => JsonLinesOutbox.AppendAsync(path, mail, ct);
}

/// <summary>No sender configured: nothing is sent, and the operator is told (ids only).</summary>
public sealed class UnconfiguredPasswordResetSender(ILogger<UnconfiguredPasswordResetSender> logger) : IPasswordResetSender
{
    public Task SendAsync(PasswordResetMail mail, CancellationToken ct)
    {
        logger.LogWarning("No password reset sender is configured; the reset for login {LoginId} was not sent.", mail.LoginId);
        return Task.CompletedTask;
    }
}
