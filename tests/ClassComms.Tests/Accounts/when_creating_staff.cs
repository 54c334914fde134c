using System.Net;
using ClassComms.Accounts;
using ClassComms.Tests.Support;
using Marten;

namespace ClassComms.Tests.Accounts;

/// <summary>A leader invites staff; the invitee chooses the password. Nothing the leader sends or gets back tells whether the e-mail has a login.</summary>
public sealed class when_creating_staff(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_leader_invites_a_teacher_who_sets_their_own_password_and_signs_in()
    {
        var leader = await Api.CreateSchool();
        var teacher = await Api.CreateStaff(leader, "teacher", "Tia Teacher");
        Assert.Equal("teacher", teacher.Role);
        Assert.Equal(leader.SchoolId, teacher.SchoolId);
        Assert.False((await Support.Api.InvitationMailTo(teacher.Email)).HasLogin);
    }

    [Fact]
    public async Task a_teacher_cannot_create_staff()
    {
        var leader = await Api.CreateSchool();
        var teacher = await Api.CreateStaff(leader, "teacher", "Tia Teacher");
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, "/api/staff", new CreateStaff("teacher", "Other", Api.NewEmail("x")), teacher);
    }

    [Fact]
    public async Task bad_fields_are_named_and_nothing_is_created()
    {
        var leader = await Api.CreateSchool();
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/staff", new CreateStaff("janitor", "", "not-an-email"), leader);
        Assert.Contains("role", problem.Errors!.Keys);
        Assert.Contains("name", problem.Errors.Keys);
        Assert.Contains("email", problem.Errors.Keys);
        await using var query = Store.QuerySession();
        Assert.Equal(0, await query.Query<StaffInvitation>().CountAsync(i => i.SchoolId == leader.SchoolId));
    }

    [Fact]
    public async Task a_password_the_leader_types_opens_no_account_new_or_existing()
    {
        var schoolA = await Api.CreateWorld();
        var leaderB = await Api.CreateSchool("Second School");
        var fresh = Support.Api.NewEmail("teacher");
        const string leadersGuess = "a password of the leader";

        // An old client still sending a password: it is ignored (the leader chooses no password any more).
        foreach (var email in new[] { fresh, schoolA.Teacher.Email })
        {
            var (status, body, _) = await Api.Send(HttpMethod.Post, "/api/staff",
                new { role = "teacher", name = "Theo Teacher", email, password = leadersGuess }, leaderB);
            Assert.True(status == HttpStatusCode.Created, $"{(int)status} {body}");
        }

        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(fresh, leadersGuess), null);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(schoolA.Teacher.Email, leadersGuess), null);
        await Api.AcceptInvitation(fresh, "the invitee's own passphrase");
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(fresh, leadersGuess), null);
        await Api.Post<LoginSucceeded>("/api/auth/login", new Login(fresh, "the invitee's own passphrase"), null, HttpStatusCode.OK);
    }

    [Fact]
    public async Task an_invitation_keeps_the_name_and_email_sealed()
    {
        var leader = await Api.CreateSchool();
        var email = Support.Api.NewEmail("sealed");
        await Api.Post<StaffInvited>("/api/staff", new CreateStaff("dpo", "Zebediah Quillfeather", email), leader);
        await Support.Api.InvitationMailTo(email);

        var dump = await DatabaseDump.TakeAsync();
        Assert.DoesNotContain(email, dump, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Quillfeather", dump);
    }
}
