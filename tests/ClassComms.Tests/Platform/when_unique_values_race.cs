using System.Net;
using System.Text.Json;
using ClassComms.Accounts;
using ClassComms.Guardians;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Platform;

/// <summary>
/// Two requests that both check "this e-mail is free" (or "this login has no membership here") before either commits: the
/// unique index refuses the second write. Where the second request wants what the first created (one person confirming two
/// registrations), it runs again and succeeds on it; otherwise the refusal is a 409 ProblemDetails that names nothing it was
/// sent, never a 500.
/// </summary>
public sealed class when_unique_values_race(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task two_registrations_of_one_new_email_confirmed_at_once_both_succeed_with_one_login_and_one_membership()
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

        // The confirmation whose login the unique index refused runs again and finds the other's login and membership.
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Created, $"{(int)a.Status} {a.Body}"));
        var signedIn = await Api.Post<LoginSucceeded>("/api/auth/login", new Login(email, Support.Api.Password), null, HttpStatusCode.OK);
        Assert.Single(signedIn.Memberships);
    }

    [Fact]
    public async Task confirmations_into_a_new_school_at_once_make_one_membership_there_and_link_every_child()
    {
        var schoolA = await Api.CreateWorld("Ada Alpha");
        var mum = await Api.GuardianOf(schoolA.Teacher, schoolA.Students[0], "Mum");
        var schoolB = await Api.CreateWorld("Bea Beta", "Cal Beta", "Dot Beta", "Eve Beta");
        foreach (var student in schoolB.Students)
        {
            var code = await Api.IssueCode(schoolB.Teacher, student);
            await Api.Expect<RegistrationPending>(HttpStatusCode.Accepted, HttpMethod.Post, "/api/guardians/register",
                new RegisterGuardian(code.Code, "Mum", mum.Email, "not her password at all"), null, Support.Api.FromNewAddress);
        }

        await Support.Api.RegistrationMailTo(mum.Email, seen: schoolB.Students.Count);
        var tokens = Support.Api.RegistrationOutbox().Where(m => m.Email == mum.Email && m.SchoolId == schoolB.SchoolId).Select(m => m.Token).ToList();
        Assert.Equal(schoolB.Students.Count, tokens.Count);

        var answers = await Task.WhenAll(tokens.Select(token => Task.Run(() => Api.Send(HttpMethod.Post, "/api/guardians/register/confirm",
            new ConfirmGuardianRegistration(token), null, Support.Api.FromNewAddress))));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Created, $"{(int)a.Status} {a.Body}"));
        var guardianIds = answers.Select(a => JsonSerializer.Deserialize<GuardianRegistered>(a.Body, JsonSerializerOptions.Web)!.GuardianId).Distinct();
        Assert.Single(guardianIds);
        await AssertOneMembershipInBWithEveryChild(mum, schoolA, schoolB);
    }

    [Fact]
    public async Task a_signed_in_guardian_linking_several_children_of_a_new_school_at_once_gets_one_membership_there()
    {
        var schoolA = await Api.CreateWorld("Ada Alpha");
        var mum = await Api.GuardianOf(schoolA.Teacher, schoolA.Students[0], "Mum");
        var schoolB = await Api.CreateWorld("Bea Beta", "Cal Beta", "Dot Beta", "Eve Beta");
        var codes = new List<string>();
        foreach (var student in schoolB.Students) codes.Add((await Api.IssueCode(schoolB.Teacher, student)).Code);

        var answers = await Task.WhenAll(codes.Select(code => Task.Run(() => Api.Send(HttpMethod.Post, "/api/guardians/me/children",
            new LinkChild(code), mum))));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, $"{(int)a.Status} {a.Body}"));
        Assert.Single(answers.Select(a => JsonSerializer.Deserialize<ChildLinked>(a.Body, JsonSerializerOptions.Web)!.GuardianId).Distinct());
        await AssertOneMembershipInBWithEveryChild(mum, schoolA, schoolB);
    }

    private async Task AssertOneMembershipInBWithEveryChild(Session mum, World schoolA, World schoolB)
    {
        var login = await Api.Post<LoginSucceeded>("/api/auth/login", new Login(mum.Email, Support.Api.Password), null, HttpStatusCode.OK);
        var memberships = login.Memberships;
        var signedIn = mum with { Token = login.Token };
        Assert.Equal(1, memberships.Count(m => m.SchoolId == schoolA.SchoolId));
        Assert.Equal(1, memberships.Count(m => m.SchoolId == schoolB.SchoolId));
        var inB = await Api.Post<LoginSucceeded>("/api/auth/switch-school", new SwitchSchool(schoolB.SchoolId), signedIn, HttpStatusCode.OK);
        var children = await Api.Get<List<ChildView>>("/api/guardians/me/children", signedIn with { Token = inB.Token });
        Assert.Equal(schoolB.StudentNames.Order(), children.Select(c => c.Name).Order());
    }

    [Fact]
    public async Task two_staff_invitations_of_one_email_at_once_both_answer_201()
    {
        var leader = await Api.CreateSchool();
        var email = Support.Api.NewEmail("twin");

        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => Api.Send(HttpMethod.Post, "/api/staff",
            new CreateStaff("teacher", "Twin Teacher", email), leader))));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Created, $"{(int)a.Status} {a.Body}"));
        Assert.All(answers, a => Assert.DoesNotContain(email, a.Body));
    }
}
