using System.Net;
using ClassComms.Guardians;
using Marten;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Guardians;

public sealed class when_redeeming_a_parent_code(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_new_guardian_registers_with_the_code_and_sees_exactly_that_child()
    {
        var world = await Api.CreateWorld("Ada Lovelace", "Ben Franklin");
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);

        var children = await Api.Get<List<ChildView>>("/api/guardians/me/children", guardian);
        var child = Assert.Single(children);
        Assert.Equal(world.Students[0], child.StudentId);
        Assert.Equal("Ada Lovelace", child.Name);
    }

    [Fact]
    public async Task a_signed_in_guardian_adds_a_second_child_and_several_guardians_share_a_child()
    {
        var world = await Api.CreateWorld("Ada Lovelace", "Ben Franklin");
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var dad = await Api.GuardianOf(world.Teacher, world.Students[0], "Dad");
        var second = await Api.IssueCode(world.Teacher, world.Students[1]);
        await Api.Post<ChildLinked>("/api/guardians/me/children", new LinkChild(second.Code), mum, HttpStatusCode.OK);

        Assert.Equal(2, (await Api.Get<List<ChildView>>("/api/guardians/me/children", mum)).Count);
        Assert.Single(await Api.Get<List<ChildView>>("/api/guardians/me/children", dad));
    }

    [Fact]
    public async Task unknown_used_and_malformed_codes_all_get_the_same_answer()
    {
        var world = await Api.CreateWorld();
        var used = await Api.IssueCode(world.Teacher, world.Students[0]);
        var guardian = await Api.RegisterGuardian(used.Code);

        var answers = new List<string?>();
        foreach (var code in new[] { "ABCD-EFGH-JKMN", used.Code, "short" })
        {
            var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/guardians/register",
                new RegisterGuardian(code, "Someone", Api.NewEmail("g"), Support.Api.Password), null, Support.Api.FromNewAddress);
            answers.Add(problem.Detail + string.Join(",", problem.Errors!.Keys));
        }

        var linkUsed = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/guardians/me/children", new LinkChild(used.Code), guardian);
        answers.Add(linkUsed.Detail + string.Join(",", linkUsed.Errors!.Keys));

        Assert.Single(answers.Distinct());
        Assert.Contains("code", answers[0]);
    }

    [Fact]
    public async Task an_expired_code_gets_the_same_answer_as_an_unknown_one_and_lists_as_expired()
    {
        var world = await Api.CreateWorld();
        var issued = await Api.IssueCode(world.Teacher, world.Students[0]);
        // Time passes on the host's clock, past the code's lifetime (14 days).
        Clock.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));

        var expired = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/guardians/register",
            new RegisterGuardian(issued.Code, "Late", Api.NewEmail("late"), Support.Api.Password), null, Support.Api.FromNewAddress);
        var unknown = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/guardians/register",
            new RegisterGuardian("ABCD-EFGH-JKMN", "Late", Api.NewEmail("late"), Support.Api.Password), null, Support.Api.FromNewAddress);
        Assert.Equal(unknown.Detail, expired.Detail);
        var listed = await Api.Get<List<ClassComms.Students.ParentCodeView>>($"/api/students/{world.Students[0]}/parent-codes", world.Teacher);
        Assert.Equal("expired", Assert.Single(listed).Status);
    }

    [Fact]
    public async Task redemption_is_rate_limited_per_client()
    {
        var address = new System.Net.IPAddress([10, 99, 0, 1]);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < AppFixture.RedemptionsPerMinute + 2; i++)
        {
            var (status, _, _) = await Api.Send(HttpMethod.Post, "/api/guardians/register",
                new RegisterGuardian("ABCD-EFGH-JKMN", "Someone", Api.NewEmail("g"), Support.Api.Password), null,
                s => s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = address));
            statuses.Add(status);
        }

        Assert.All(statuses.Take(AppFixture.RedemptionsPerMinute), s => Assert.Equal(HttpStatusCode.BadRequest, s));
        Assert.All(statuses.Skip(AppFixture.RedemptionsPerMinute), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
    }

    [Fact]
    public async Task only_guardians_redeem_codes_and_registration_validates_every_field()
    {
        var world = await Api.CreateWorld();
        var code = await Api.IssueCode(world.Teacher, world.Students[0]);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, "/api/guardians/me/children", new LinkChild(code.Code), world.Teacher);

        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/guardians/register",
            new RegisterGuardian(code.Code, "", "not-an-email", "short"), null, Support.Api.FromNewAddress);
        Assert.Contains("name", problem.Errors!.Keys);
        Assert.Contains("email", problem.Errors.Keys);
        Assert.Contains("password", problem.Errors.Keys);
        // The code was not consumed by the rejected request.
        await Api.RegisterGuardian(code.Code);
    }
}
