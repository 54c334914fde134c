using System.Net;
using ClassComms.Accounts;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Accounts;

/// <summary>The leader and the DPO list their own school's staff: names opened for them, invitations shown as pending, no e-mail.</summary>
public sealed class when_listing_staff(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_leader_sees_every_member_of_staff_and_the_pending_invitations()
    {
        var world = await Api.CreateWorld();
        var email = Support.Api.NewEmail("pending");
        await Api.Post<StaffInvited>("/api/staff", new CreateStaff("teacher", "Penny Pending", email), world.Leader);

        var staff = await Api.Get<List<StaffMember>>("/api/staff", world.Leader);

        Assert.Equal(
            [("Dora Dpo", "dpo", false), ("Lena Leader", "leader", false), ("Theo Teacher", "teacher", false), ("Penny Pending", "teacher", true)],
            staff.Select(s => (s.Name, s.Role, s.Pending)).ToList());
        Assert.Contains(staff, s => s.MembershipId == world.Teacher.UserId && s.InvitationExpiresAt is null);
        Assert.NotNull(staff.Single(s => s.Pending).InvitationExpiresAt);
    }

    [Fact]
    public async Task the_answer_carries_no_email_address()
    {
        var world = await Api.CreateWorld();
        var email = Support.Api.NewEmail("pending");
        await Api.Post<StaffInvited>("/api/staff", new CreateStaff("dpo", "Penny Pending", email), world.Leader);

        var (status, body, _) = await Api.Send(HttpMethod.Get, "/api/staff", null, world.Dpo);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Penny Pending", body);
        Assert.DoesNotContain("@", body);
    }

    [Fact]
    public async Task an_accepted_invitation_is_listed_once_as_a_member()
    {
        var leader = await Api.CreateSchool();
        var teacher = await Api.CreateStaff(leader, "teacher", "Tia Teacher");

        var staff = await Api.Get<List<StaffMember>>("/api/staff", leader);

        var tia = Assert.Single(staff, s => s.Name == "Tia Teacher");
        Assert.False(tia.Pending);
        Assert.Equal(teacher.UserId, tia.MembershipId);
    }

    [Fact]
    public async Task an_expired_invitation_is_not_listed()
    {
        var leader = await Api.CreateSchool();
        await Api.Post<StaffInvited>("/api/staff", new CreateStaff("teacher", "Late Larry", Support.Api.NewEmail("late")), leader);
        Clock.Advance(TimeSpan.FromDays(8));

        var staff = await Api.Get<List<StaffMember>>("/api/staff", leader);

        Assert.DoesNotContain(staff, s => s.Name == "Late Larry");
    }

    [Fact]
    public async Task another_schools_leader_sees_only_their_own_school()
    {
        var world = await Api.CreateWorld();
        await Api.Post<StaffInvited>("/api/staff", new CreateStaff("teacher", "Penny Pending", Support.Api.NewEmail("p")), world.Leader);
        var otherLeader = await Api.CreateSchool("Second School", "Olga Other");

        var staff = await Api.Get<List<StaffMember>>("/api/staff", otherLeader);

        var only = Assert.Single(staff);
        Assert.Equal("Olga Other", only.Name);
        Assert.Equal(otherLeader.UserId, only.MembershipId);
    }

    [Fact]
    public async Task a_teacher_and_a_guardian_are_refused()
    {
        var world = await Api.CreateWorld();
        var code = await Api.IssueCode(world.Teacher, world.Students[0]);
        var guardian = await Api.RegisterGuardian(code.Code);

        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Get, "/api/staff", null, world.Teacher);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Get, "/api/staff", null, guardian);
    }
}
