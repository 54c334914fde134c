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
    public async Task two_registrations_with_the_same_email_at_once_give_one_201_and_one_409()
    {
        var world = await Api.CreateWorld();
        var email = Support.Api.NewEmail("twin");
        var codes = new[] { await Api.IssueCode(world.Teacher, world.Students[0]), await Api.IssueCode(world.Teacher, world.Students[1]) };

        var answers = await Task.WhenAll(codes.Select(code => Task.Run(() => Api.Send(HttpMethod.Post, "/api/guardians/register",
            new RegisterGuardian(code.Code, "Twin Guardian", email, Support.Api.Password), null, Support.Api.FromNewAddress))));

        var statuses = answers.Select(a => a.Status).Order().ToList();
        Assert.True(statuses.SequenceEqual([HttpStatusCode.Created, HttpStatusCode.Conflict]),
            string.Join(" | ", answers.Select(a => $"{(int)a.Status} {a.Body}")));
        var conflict = answers.Single(a => a.Status == HttpStatusCode.Conflict);
        Assert.StartsWith("application/problem+json", conflict.Result.Context.Response.ContentType ?? "");
        Assert.DoesNotContain(email, conflict.Body);
        Assert.DoesNotContain("EmailIndex", conflict.Body, StringComparison.OrdinalIgnoreCase);
        await Api.Login(email);
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
