using System.Collections.Concurrent;
using System.Net;
using System.Net.Mail;
using System.Text.Json;
using ClassComms.Accounts;

namespace ClassComms.Platform;

/// <summary>
/// Plain-text mail by SMTP (System.Net.Mail) with the relay of <c>Email:Smtp:*</c>, for every sender (password resets,
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
