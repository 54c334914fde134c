using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using ClassComms.Accounts;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Accounts;

/// <summary>With <c>Email:Smtp:*</c> configured, staff invitations go out by SMTP (a real socket), and no log holds the address or the name.</summary>
public sealed partial class when_mailing_a_staff_invitation(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_mail_reaches_the_smtp_server_with_a_token_with_which_the_invitee_sets_their_password()
    {
        await using var smtp = new SmtpSink();
        var logs = new LogCapture();
        await using var host = await smtp.StartHostAsync(logs);
        var leader = await Api.CreateSchool();
        var email = Support.Api.NewEmail("smtp");
        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", leader.Token);

        var response = await client.PostAsJsonAsync("/api/staff", new CreateStaff("teacher", "Sam Smtp", email));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var mail = await smtp.NextAsync();
        Assert.Equal([email], mail.Recipients);
        var body = Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(mail.Data[(mail.Data.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]
            .Where(c => !char.IsWhiteSpace(c)))));
        Assert.Contains("creates your ClassComms login with a password you choose", body);
        var token = Token().Match(body).Groups[1].Value;
        Assert.NotEmpty(token);
        var accepted = await host.Server.CreateClient().PostAsJsonAsync("/api/staff/invitations/accept",
            new AcceptStaffInvitation(token, "the teacher's own passphrase"));
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        await Api.Login(email, "the teacher's own passphrase");

        Assert.Contains(leader.SchoolId.ToString(), logs.Text());
        Assert.DoesNotContain(email, logs.Text(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Sam Smtp", logs.Text());
    }

    [GeneratedRegex(@"Your invitation code: (\S+)")]
    private static partial Regex Token();
}
