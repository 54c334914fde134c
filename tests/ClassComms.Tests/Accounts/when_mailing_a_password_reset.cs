using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Alba;
using ClassComms.Accounts;
using ClassComms.Platform;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClassComms.Tests.Accounts;

/// <summary>With <c>Email:Smtp:*</c> configured, reset tokens go out by SMTP (here to a real socket speaking SMTP), and no log holds the address.</summary>
public sealed partial class when_mailing_a_password_reset(AppFixture app) : IntegrationTest(app)
{
    private const string NewPassword = "a brand new passphrase";

    [Fact]
    public async Task the_mail_reaches_the_smtp_server_with_a_working_token_and_no_log_holds_the_address()
    {
        await using var smtp = new SmtpSink();
        var logs = new LogCapture();
        await using var host = await smtp.StartHostAsync(logs);
        var leader = await Api.CreateSchool();

        var response = await host.Server.CreateClient().PostAsJsonAsync("/api/auth/password-reset", new RequestPasswordReset(leader.Email));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var mail = await smtp.NextAsync();
        Assert.Equal([leader.Email], mail.Recipients);
        Assert.Contains("From: no-reply@classcomms.test", mail.Data);
        Assert.Contains("Content-Transfer-Encoding: base64", mail.Data);
        var body = Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(mail.Data[(mail.Data.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]
            .Where(c => !char.IsWhiteSpace(c)))));
        var token = Token().Match(body).Groups[1].Value;
        Assert.NotEmpty(token);
        var completed = await host.Server.CreateClient().PostAsJsonAsync("/api/auth/password-reset/complete", new CompletePasswordReset(token, NewPassword));
        Assert.Equal(HttpStatusCode.NoContent, completed.StatusCode);
        await Api.Login(leader.Email, NewPassword);

        Assert.Contains(leader.LoginId.ToString(), logs.Text());
        Assert.DoesNotContain(leader.Email, logs.Text(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task a_server_that_refuses_the_address_leaves_no_address_in_the_logs()
    {
        await using var smtp = new SmtpSink(refuseRecipients: true);
        var logs = new LogCapture();
        await using var host = await smtp.StartHostAsync(logs);
        var leader = await Api.CreateSchool();

        var response = await host.Server.CreateClient().PostAsJsonAsync("/api/auth/password-reset", new RequestPasswordReset(leader.Email));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        // The failure is logged by Wolverine (bounded wait for the background handler) ...
        for (var i = 0; i < 300 && !logs.Text().Contains(nameof(PasswordResetNotSentException), StringComparison.Ordinal); i++) await Task.Delay(100);
        Assert.Contains(nameof(PasswordResetNotSentException), logs.Text());
        // ... with the login id and the SMTP status, not the address the server quoted back.
        Assert.Contains(leader.LoginId.ToString(), logs.Text());
        Assert.DoesNotContain(leader.Email, logs.Text(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task the_token_is_committed_before_the_mail_is_sent()
    {
        // A sender that looks, at the moment it is asked to send, for the token's row through another session: a quick reader
        // (this suite's SMTP test, once, on a loaded machine) used the mailed token before the handler's commit and got 400.
        var probe = new CommittedTokenProbe();
        await using var host = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Testing", null,
            b => b.ConfigureServices(s => s.AddSingleton<IMailSender<PasswordResetMail>>(sp => probe.Bind(sp.GetRequiredService<IDocumentStore>()))));
        var leader = await Api.CreateSchool();

        var response = await host.Server.CreateClient().PostAsJsonAsync("/api/auth/password-reset", new RequestPasswordReset(leader.Email));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        Assert.True(await probe.Sent.Task.WaitAsync(TimeSpan.FromSeconds(30)), "the mail was sent before its token was committed");
    }

    private sealed class CommittedTokenProbe : IMailSender<PasswordResetMail>
    {
        private IDocumentStore? _store;
        public TaskCompletionSource<bool> Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CommittedTokenProbe Bind(IDocumentStore store)
        {
            _store = store;
            return this;
        }

        public async Task SendAsync(PasswordResetMail mail, CancellationToken ct)
        {
            await using var session = _store!.QuerySession();
            var stored = await session.LoadAsync<PasswordReset>(RefreshToken.IdOf(mail.Token), ct);
            Sent.TrySetResult(stored is { UsedAt: null } && stored.LoginId == mail.LoginId);
        }
    }

    [GeneratedRegex(@"Your reset code: (\S+)")]
    private static partial Regex Token();
}
