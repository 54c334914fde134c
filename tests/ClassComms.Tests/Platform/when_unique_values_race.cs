using System.Net;
using ClassComms.Accounts;
using ClassComms.Guardians;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Platform;

/// <summary>
/// Two requests that both check "this e-mail is free" before either commits: the unique index refuses the
/// second write, and that refusal is a 409 ProblemDetails that names nothing it was sent, never a 500.
/// </summary>
public sealed class when_unique_values_race(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task two_registrations_of_one_new_email_confirmed_at_once_make_one_login_and_never_a_500()
    {
        var world = await Api.CreateWorld();
        var email = Support.Api.NewEmail("twin");
        var codes = new[] { await Api.IssueCode(world.Teacher, world.Students[0]), await Api.IssueCode(world.Teacher, world.Students[1]) };

        var requests = await Task.WhenAll(codes.Select(code => Task.Run(() => Api.Send(HttpMethod.Post, "/api/guardians/register",
            new RegisterGuardian(code.Code, "Twin Guardian", email, Support.Api.Password), null, Support.Api.FromNewAddress))));
        Assert.All(requests, r => Assert.Equal(HttpStatusCode.Accepted, r.Status));
        await Support.Api.RegistrationMailTo(email, seen: 1);
        var tokens = Support.Api.RegistrationOutbox().Where(m => m.Email == email).Select(m => m.Token).ToList();
        Assert.Equal(2, tokens.Count);

        var answers = await Task.WhenAll(tokens.Select(token => Task.Run(() => Api.Send(HttpMethod.Post, "/api/guardians/register/confirm",
            new ConfirmGuardianRegistration(token), null, Support.Api.FromNewAddress))));

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)a.Status} {a.Body}"));
        Assert.Contains(answers, a => a.Status == HttpStatusCode.Created);
        foreach (var conflict in answers.Where(a => a.Status == HttpStatusCode.Conflict))
        {
            Assert.StartsWith("application/problem+json", conflict.Result.Context.Response.ContentType ?? "");
            Assert.DoesNotContain(email, conflict.Body);
            Assert.DoesNotContain("EmailIndex", conflict.Body, StringComparison.OrdinalIgnoreCase);
        }

        var signedIn = await Api.Post<LoginSucceeded>("/api/auth/login", new Login(email, Support.Api.Password), null, HttpStatusCode.OK);
        Assert.Single(signedIn.Memberships);
    }

    [Fact]
    public async Task two_staff_accounts_with_the_same_email_at_once_give_one_201_and_one_409()
    {
        var leader = await Api.CreateSchool();
        var email = Support.Api.NewEmail("twin");

        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => Api.Send(HttpMethod.Post, "/api/staff",
            new CreateStaff("teacher", "Twin Teacher", email, Support.Api.Password), leader))));

        var statuses = answers.Select(a => a.Status).Order().ToList();
        Assert.True(statuses.SequenceEqual([HttpStatusCode.Created, HttpStatusCode.Conflict]),
            string.Join(" | ", answers.Select(a => $"{(int)a.Status} {a.Body}")));
        Assert.DoesNotContain(email, answers.Single(a => a.Status == HttpStatusCode.Conflict).Body);
    }
}
