using System.Net;
using ClassComms.Accounts;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Accounts;

public sealed class when_creating_staff(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_leader_creates_a_teacher_who_can_sign_in()
    {
        var leader = await Api.CreateSchool();
        var teacher = await Api.CreateStaff(leader, "teacher", "Tia Teacher");
        Assert.Equal("teacher", teacher.Role);
        Assert.Equal(leader.SchoolId, teacher.SchoolId);
    }

    [Fact]
    public async Task a_teacher_cannot_create_staff()
    {
        var leader = await Api.CreateSchool();
        var teacher = await Api.CreateStaff(leader, "teacher", "Tia Teacher");
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, "/api/staff",
            new CreateStaff("teacher", "Other", Api.NewEmail("x"), Support.Api.Password), teacher);
    }

    [Fact]
    public async Task bad_fields_are_named_and_nothing_is_created()
    {
        var leader = await Api.CreateSchool();
        var email = Api.NewEmail("x");
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/staff",
            new CreateStaff("janitor", "", email, "short"), leader);
        Assert.Contains("role", problem.Errors!.Keys);
        Assert.Contains("name", problem.Errors.Keys);
        Assert.Contains("password", problem.Errors.Keys);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(email, "short"), null);
    }

    [Fact]
    public async Task an_email_already_on_the_staff_gets_the_same_201_and_makes_no_second_login_or_membership()
    {
        var leader = await Api.CreateSchool();
        var email = Api.NewEmail("dup");
        var first = await Api.Post<StaffCreated>("/api/staff", new CreateStaff("teacher", "One", email, Support.Api.Password), leader);
        var second = await Api.Post<StaffCreated>("/api/staff", new CreateStaff("teacher", "Two", email.ToUpperInvariant(), "another password here"), leader);

        Assert.Equal(first.UserId, second.UserId);
        var signedIn = await Api.Post<LoginSucceeded>("/api/auth/login", new Login(email, Support.Api.Password), null, HttpStatusCode.OK);
        Assert.Equal(first.UserId, Assert.Single(signedIn.Memberships).UserId);
    }
}
