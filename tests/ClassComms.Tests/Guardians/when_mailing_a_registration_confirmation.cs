using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Alba;
using ClassComms.Guardians;
using ClassComms.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClassComms.Tests.Guardians;

/// <summary>With <c>Email:Smtp:*</c> configured, registration confirmations go out by SMTP (a real socket), and no log holds the address.</summary>
public sealed partial class when_mailing_a_registration_confirmation(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_mail_reaches_the_smtp_server_with_a_token_that_completes_the_registration()
    {
        await using var smtp = new SmtpSink();
        var logs = new LogCapture();
        await using var host = await smtp.StartHostAsync(logs);
        var world = await Api.CreateWorld("Ada Lovelace");
        var code = await Api.IssueCode(world.Teacher, world.Students[0]);
        var email = Support.Api.NewEmail("smtp");

        var response = await host.Server.CreateClient().PostAsJsonAsync("/api/guardians/register",
            new RegisterGuardian(code.Code, "Sam Smtp", email, Support.Api.Password));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var mail = await smtp.NextAsync();
        Assert.Equal([email], mail.Recipients);
        var body = Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(mail.Data[(mail.Data.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]
            .Where(c => !char.IsWhiteSpace(c)))));
        Assert.Contains("creates your ClassComms login", body);
        var token = Token().Match(body).Groups[1].Value;
        Assert.NotEmpty(token);
        var confirmed = await host.Server.CreateClient().PostAsJsonAsync("/api/guardians/register/confirm", new ConfirmGuardianRegistration(token));
        Assert.Equal(HttpStatusCode.Created, confirmed.StatusCode);
        await Api.Login(email);

        Assert.Contains(world.SchoolId.ToString(), logs.Text());
        Assert.DoesNotContain(email, logs.Text(), StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"Your confirmation code: (\S+)")]
    private static partial Regex Token();
}
