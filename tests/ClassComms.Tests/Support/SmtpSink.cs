using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace ClassComms.Tests.Support;

/// <summary>One mail as the server received it: the envelope recipients and the raw DATA.</summary>
public sealed record ReceivedMail(IReadOnlyList<string> Recipients, string Data);

/// <summary>
/// A minimal SMTP server on a real loopback TCP socket: it speaks enough of RFC 5321 (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
/// QUIT) for System.Net.Mail to deliver, and hands every mail over. Or, with <c>refuseRecipients</c>, answers RCPT with 550.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<ReceivedMail> _mails = Channel.CreateUnbounded<ReceivedMail>();
    private readonly bool _refuseRecipients;
    private readonly Task _loop;

    public SmtpSink(bool refuseRecipients = false)
    {
        _refuseRecipients = refuseRecipients;
        _listener.Start();
        _loop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>A separate Testing host whose mail goes to this server, its logs to <paramref name="logs"/>.</summary>
    public Task<IAlbaHost> StartHostAsync(LogCapture logs) =>
        AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Testing",
            new Dictionary<string, string?>
            {
                ["Email:Smtp:Host"] = "127.0.0.1",
                ["Email:Smtp:Port"] = Port.ToString(),
                ["Email:Smtp:EnableSsl"] = "false",
                ["Email:Smtp:From"] = "no-reply@classcomms.test",
            },
            builder => builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(logs)));

    /// <summary>The next mail delivered (a bounded wait for the background handler, not a timing assertion).</summary>
    public async Task<ReceivedMail> NextAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(30));
        return await _mails.Reader.ReadAsync(timeout.Token);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 smtp-sink ready");
        var recipients = new List<string>();
        while (await reader.ReadLineAsync(_stop.Token) is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-smtp-sink");
                    await writer.WriteLineAsync("250 8BITMIME");
                    break;
                case "HELO" or "NOOP" or "MAIL":
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "RSET":
                    recipients.Clear();
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "RCPT":
                    var address = line[(line.IndexOf(':') + 1)..].Trim().Trim('<', '>');
                    if (_refuseRecipients)
                    {
                        await writer.WriteLineAsync($"550 5.1.1 <{address}>: mailbox unavailable");
                        break;
                    }

                    recipients.Add(address);
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                    {
                        data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                    }

                    await _mails.Writer.WriteAsync(new ReceivedMail(recipients.ToList(), data.ToString()));
                    recipients.Clear();
                    await writer.WriteLineAsync("250 OK queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 bye");
                    return;
                default:
                    await writer.WriteLineAsync("502 command not implemented");
                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
