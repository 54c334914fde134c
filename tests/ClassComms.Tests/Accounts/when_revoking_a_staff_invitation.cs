using System.Net;
using ClassComms.Accounts;
using ClassComms.Platform;
using ClassComms.Tests.Support;
using ClassComms.PersonalData;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Accounts;

/// <summary><c>DELETE /api/staff/invitations/{membershipId}</c>: a leader withdraws an invitation not yet accepted.</summary>
public sealed class when_revoking_a_staff_invitation(AppFixture app) : IntegrationTest(app)
{
    private static string Invitation(Guid membershipId) => $"/api/staff/invitations/{membershipId}";

    private async Task<int> EventCount()
    {
        await using var query = Store.QuerySession();
        return (await query.QueryAsync<int>("select count(*)::int from classcomms.mt_events")).Single();
    }

    private async Task<(string Email, StaffMember Pending)> Invite(Session leader, string name = "Penny Pending")
    {
        var email = Support.Api.NewEmail("pending");
        await Api.Post<StaffInvited>("/api/staff", new CreateStaff("teacher", name, email), leader);
        var pending = Assert.Single(await Api.Get<List<StaffMember>>("/api/staff", leader), s => s.Pending && s.Name == name);
        return (email, pending);
    }

    [Fact]
    public async Task a_revoked_invitations_token_is_refused_it_leaves_the_list_and_the_revocation_is_an_event()
    {
        var leader = await Api.CreateSchool();
        var (email, pending) = await Invite(leader);
        var mail = await Support.Api.InvitationMailTo(email);
        var before = Clock.GetUtcNow();

        await Api.Delete(Invitation(pending.MembershipId), leader);

        var refused = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/staff/invitations/accept",
            new AcceptStaffInvitation(mail.Token, Support.Api.Password), null);
        Assert.Contains("token", refused.Errors!.Keys);
        Assert.DoesNotContain(await Api.Get<List<StaffMember>>("/api/staff", leader), s => s.MembershipId == pending.MembershipId);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(email, Support.Api.Password), null);

        await using var query = Store.QuerySession(Ids.Tenant(leader.SchoolId));
        var revoked = Assert.IsType<StaffInvitationRevoked>(Assert.Single(await query.Events.FetchStreamAsync(pending.MembershipId)).Data);
        Assert.Equal((pending.MembershipId, leader.UserId, "teacher"), (revoked.MembershipId, revoked.RevokedBy, revoked.Role));
        Assert.InRange(revoked.At, before, Clock.GetUtcNow());

        // Then, as at its expiry, the invitation is deleted and the key sealing the invitee's name and e-mail destroyed (bounded wait:
        // a message handled after the commit).
        var vault = Host.Services.GetRequiredService<PersonalDataVault>();
        for (var i = 0; i < 200 && !await vault.IsErasedAsync(pending.MembershipId); i++) await Task.Delay(50);
        Assert.True(await vault.IsErasedAsync(pending.MembershipId), "the revoked invitation's key was not destroyed");
        await using var documents = Store.QuerySession();
        Assert.False(await documents.Query<StaffInvitation>().AnyAsync(x => x.MembershipId == pending.MembershipId));
    }

    [Fact]
    public async Task only_the_schools_leader_revokes_a_pending_invitation_and_every_refusal_commits_nothing()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var otherLeader = await Api.CreateSchool("Second School", "Olga Other");
        var (email, pending) = await Invite(world.Leader);
        var events = await EventCount();

        foreach (var who in new[] { world.Teacher, world.Dpo, guardian })
        {
            await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Delete, Invitation(pending.MembershipId), null, who);
        }

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, Invitation(pending.MembershipId), null, otherLeader);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, Invitation(Guid.CreateVersion7()), null, world.Leader);
        // A member (an accepted invitation) is not an invitation.
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, Invitation(world.Teacher.UserId), null, world.Leader);

        Assert.Equal(events, await EventCount());
        Assert.Contains(await Api.Get<List<StaffMember>>("/api/staff", world.Leader), s => s.MembershipId == pending.MembershipId && s.Pending);
        var accepted = await Api.AcceptInvitation(email);
        Assert.Equal(pending.MembershipId, accepted.UserId);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, Invitation(pending.MembershipId), null, world.Leader);
    }

    [Fact]
    public async Task a_second_revocation_and_an_expired_invitation_are_404()
    {
        var leader = await Api.CreateSchool();
        var (_, first) = await Invite(leader, "First Pending");
        var (_, second) = await Invite(leader, "Second Pending");

        await Api.Delete(Invitation(first.MembershipId), leader);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, Invitation(first.MembershipId), null, leader);
        Clock.Advance(TimeSpan.FromDays(8));
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, Invitation(second.MembershipId), null, leader);
    }
}
