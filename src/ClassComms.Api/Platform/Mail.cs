using System.Collections.Concurrent;
using System.Net;
using System.Net.Mail;
using System.Text.Json;
using ClassComms.Accounts;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClassComms.Platform;

/// <summary>
/// Plain-text mail by SMTP (System.Net.Mail) with the relay of <c>Email:Smtp:*</c>, for every sender (password resets, staff invitations,
/// registration confirmations). A failure is rethrown as the caller's exception built from the SMTP status only: the
/// library's own message and inner exception can quote the recipient's address.
/// </summary>
public static class SmtpMail
{
    public static async Task SendAsync(SmtpOptions o, string to, string subject, string body,
        Func<SmtpStatusCode, Exception> failed, CancellationToken ct)
    {
        using var message = new MailMessage(o.From, to)
        {
            Subject = subject,
            Body = body,
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
            throw failed(e.StatusCode);
        }
    }
}

/// <summary>Development outboxes: each mail appended as one JSON line to a file under <c>.data/outbox/</c>, one writer per file.</summary>
public static class JsonLinesOutbox
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new();

    public static async Task AppendAsync<T>(string path, T mail, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var gate = Gates.GetOrAdd(Path.GetFullPath(path), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            await File.AppendAllTextAsync(path, JsonSerializer.Serialize(mail, JsonSerializerOptions.Web) + "\n", ct);
        }
        finally
        {
            gate.Release();
        }
    }
}

/// <summary>Delivers one kind of mail (a registration confirmation, a password reset, a staff invitation).</summary>
public interface IMailSender<in TMail>
{
    Task SendAsync(TMail mail, CancellationToken ct);
}

/// <summary>Development outbox: appends each mail as one JSON line to the kind's <c>OutboxPath</c>.</summary>
public sealed class JsonLinesOutboxSender<TMail>(string path) : IMailSender<TMail>
{
    public Task SendAsync(TMail mail, CancellationToken ct) => JsonLinesOutbox.AppendAsync(path, mail, ct);
}

/// <summary>No sender configured: nothing is sent (the token cannot be used), and the operator is told which kind (no ids, no address).</summary>
public sealed class UnsentMailSender<TMail>(ILogger<UnsentMailSender<TMail>> logger) : IMailSender<TMail>
{
    public Task SendAsync(TMail mail, CancellationToken ct)
    {
        logger.LogWarning("No mail sender is configured (Email:Smtp or a development outbox); a {MailKind} was not sent.", typeof(TMail).Name);
        return Task.CompletedTask;
    }
}

public static class MailSenders
{
    /// <summary>
    /// One choice for every kind of mail: SMTP (<typeparamref name="TSmtp"/>) whenever <c>Email:Smtp</c> is configured, else the
    /// development outbox at <paramref name="outboxPath"/> (refused in Production, named by <paramref name="outboxKey"/>), else none.
    /// </summary>
    public static IServiceCollection AddMailSender<TMail, TSmtp>(this IServiceCollection services, Func<IServiceProvider, string?> outboxPath,
        string outboxKey) where TSmtp : class, IMailSender<TMail>
    {
        services.TryAddSingleton<IMailSender<TMail>>(sp =>
        {
            if (sp.GetRequiredService<IOptions<SmtpOptions>>().Value.IsConfigured) return ActivatorUtilities.CreateInstance<TSmtp>(sp);
            var outbox = outboxPath(sp);
            if (string.IsNullOrWhiteSpace(outbox)) return ActivatorUtilities.CreateInstance<UnsentMailSender<TMail>>(sp);
            var environment = sp.GetRequiredService<IHostEnvironment>();
            if (environment.IsProduction()) throw new InvalidOperationException($"{outboxKey} is for development only.");
            return new JsonLinesOutboxSender<TMail>(Path.GetFullPath(outbox, environment.ContentRootPath));
        });
        return services;
    }
}
