using System.Net;
using System.Text.Json;
using ClassComms.Accounts;
using ClassComms.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;

namespace ClassComms.Tests.Accounts;

public sealed class when_changing_or_resetting_a_password(AppFixture app) : IntegrationTest(app)
{
    private const string NewPassword = "a brand new passphrase";

    [Fact]
    public async Task a_change_needs_the_current_password_and_ends_every_other_session()
    {
        var leader = await Api.CreateSchool();
        var phone = await SignIn(leader.Email);
        var laptop = await SignIn(leader.Email);
        await using var laptopHub = await LiveConnection.Open(Host.GetTestServer(), laptop.Token);

        var wrong = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/auth/password",
            new ChangePassword("not the password", NewPassword), As(leader, phone));
        Assert.Contains("currentPassword", wrong.Errors!.Keys);
        var weak = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/auth/password",
            new ChangePassword(Support.Api.Password, "short"), As(leader, phone));
        Assert.Contains("newPassword", weak.Errors!.Keys);
        Assert.Equal(HttpStatusCode.OK, (await Api.Send(HttpMethod.Get, "/api/classes", null, As(leader, laptop))).Status);

        var fresh = await Api.Post<LoginSucceeded>("/api/auth/password", new ChangePassword(Support.Api.Password, NewPassword), As(leader, phone),
            HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, (await Api.Send(HttpMethod.Get, "/api/classes", null, As(leader, fresh))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, "/api/classes", null, As(leader, laptop))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, "/api/classes", null, As(leader, phone))).Status);
        await laptopHub.Closed.WaitAsync(TimeSpan.FromSeconds(20));
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/refresh", new RefreshSession(laptop.RefreshToken), null);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(leader.Email, Support.Api.Password), null);
        await Api.Login(leader.Email, NewPassword);
    }

    [Fact]
    public async Task a_reset_answers_the_same_for_an_unknown_email_and_sends_a_token_only_to_a_real_one()
    {
        var leader = await Api.CreateSchool();
        var before = await SignIn(leader.Email);
        var outbox = Outbox.Count;

        var unknown = await Api.Send(HttpMethod.Post, "/api/auth/password-reset", new RequestPasswordReset(Support.Api.NewEmail("nobody")), null);
        var known = await Api.Send(HttpMethod.Post, "/api/auth/password-reset", new RequestPasswordReset(leader.Email.ToUpperInvariant()), null);
        Assert.Equal(HttpStatusCode.Accepted, unknown.Status);
        Assert.Equal(HttpStatusCode.Accepted, known.Status);
        Assert.Equal(unknown.Body, known.Body);

        var mail = await MailTo(leader.LoginId);
        Assert.Equal(leader.Email, mail.Email);
        Assert.Equal(1, Outbox.Count - outbox);

        var weak = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/auth/password-reset/complete",
            new CompletePasswordReset(mail.Token, "short"), null);
        Assert.Contains("newPassword", weak.Errors!.Keys);
        Assert.Equal(HttpStatusCode.NoContent,
            (await Api.Send(HttpMethod.Post, "/api/auth/password-reset/complete", new CompletePasswordReset(mail.Token, NewPassword), null)).Status);

        var reused = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/auth/password-reset/complete",
            new CompletePasswordReset(mail.Token, "yet another passphrase"), null);
        Assert.Contains("token", reused.Errors!.Keys);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, "/api/classes", null, As(leader, before))).Status);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/refresh", new RefreshSession(before.RefreshToken), null);
        await Api.Login(leader.Email, NewPassword);
    }

    [Fact]
    public async Task one_reset_token_used_several_times_at_the_same_moment_sets_one_password()
    {
        var leader = await Api.CreateSchool();
        await Api.Send(HttpMethod.Post, "/api/auth/password-reset", new RequestPasswordReset(leader.Email), null);
        var mail = await MailTo(leader.LoginId);
        var passwords = Enumerable.Range(0, 6).Select(i => $"{NewPassword} {i}").ToList();

        var answers = await Task.WhenAll(passwords.Select(p =>
            Api.Send(HttpMethod.Post, "/api/auth/password-reset/complete", new CompletePasswordReset(mail.Token, p), null)));

        Assert.True(answers.Count(a => a.Status == HttpStatusCode.NoContent) == 1, string.Join(", ", answers.Select(a => a.Status)));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.NoContent), a => Assert.Equal(HttpStatusCode.BadRequest, a.Status));
        var winner = passwords[Array.FindIndex(answers, a => a.Status == HttpStatusCode.NoContent)];
        await Api.Login(leader.Email, winner);
    }

    [Fact]
    public async Task an_unknown_reset_token_is_a_400_naming_the_token()
    {
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/auth/password-reset/complete",
            new CompletePasswordReset("no-such-token", NewPassword), null);
        Assert.Contains("token", problem.Errors!.Keys);
        Assert.DoesNotContain("no-such-token", problem.Detail);
    }

    private Task<LoginSucceeded> SignIn(string email) =>
        Api.Post<LoginSucceeded>("/api/auth/login", new Login(email, Support.Api.Password), null, HttpStatusCode.OK);

    private static Session As(Session who, LoginSucceeded tokens) => who with { Token = tokens.Token };

    private static IReadOnlyList<PasswordResetMail> Outbox =>
        File.Exists(AppFixture.PasswordResetOutbox)
            ? File.ReadAllLines(AppFixture.PasswordResetOutbox).Where(l => l.Length > 0)
                .Select(l => JsonSerializer.Deserialize<PasswordResetMail>(l, JsonSerializerOptions.Web)!).ToList()
            : [];

    /// <summary>Waits (bounded) for the handler to write the mail to the development outbox.</summary>
    private static async Task<PasswordResetMail> MailTo(Guid loginId)
    {
        for (var i = 0; i < 200; i++)
        {
            if (Outbox.LastOrDefault(m => m.LoginId == loginId) is { } mail) return mail;
            await Task.Delay(100);
        }

        throw new TimeoutException("No password reset mail was written to the outbox.");
    }
}
