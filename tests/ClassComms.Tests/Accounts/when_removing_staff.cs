using System.Net;
using ClassComms.Accounts;
using ClassComms.Platform;
using ClassComms.Tests.AccessLog;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;

namespace ClassComms.Tests.Accounts;

/// <summary><c>DELETE /api/staff/{membershipId}</c>: a leader removes a member of staff; their sessions end, their data stays.</summary>
public sealed class when_removing_staff(AppFixture app) : IntegrationTest(app)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static string Member(Guid membershipId) => $"/api/staff/{membershipId}";

    private async Task<int> EventCount()
    {
        await using var query = Store.QuerySession();
        return (await query.QueryAsync<int>("select count(*)::int from classcomms.mt_events")).Single();
    }

    private async Task<IReadOnlyList<object>> StreamOf(Guid schoolId, Guid membershipId)
    {
        await using var query = Store.QuerySession(Ids.Tenant(schoolId));
        return (await query.Events.FetchStreamAsync(membershipId)).Select(e => e.Data).ToList();
    }

    [Fact]
    public async Task a_removed_teachers_token_refresh_token_live_connection_and_sign_in_stop_at_once_and_the_removal_is_an_event()
    {
        var world = await Api.CreateWorld();
        await using var live = await LiveConnection.Open(Host.GetTestServer(), world.Teacher.Token);
        await using var leaders = await LiveConnection.Open(Host.GetTestServer(), world.Leader.Token);
        Assert.Equal(HttpStatusCode.OK, (await Api.Send(HttpMethod.Get, $"/api/classes/{world.ClassId}", null, world.Teacher)).Status);

        var before = Clock.GetUtcNow();
        var removed = await Api.Expect<StaffMemberRemovedResponse>(HttpStatusCode.OK, HttpMethod.Delete, Member(world.Teacher.UserId), null, world.Leader);

        Assert.Equal((world.Teacher.UserId, "teacher", 1), (removed.MembershipId, removed.Role, removed.ClassesTaught));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, $"/api/classes/{world.ClassId}", null, world.Teacher)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, "/api/conversations", null, world.Teacher)).Status);
        await live.Closed.WaitAsync(Bound);
        Assert.Equal(HubConnectionState.Connected, leaders.State);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/refresh", new RefreshSession(world.Teacher.RefreshToken), null);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(world.Teacher.Email, Support.Api.Password), null);
        await Assert.ThrowsAnyAsync<Exception>(() => LiveConnection.Open(Host.GetTestServer(), world.Teacher.Token));
        Assert.DoesNotContain((await Api.Get<List<StaffMember>>("/api/staff", world.Leader)), s => s.MembershipId == world.Teacher.UserId);

        var e = Assert.IsType<StaffMemberRemoved>(Assert.Single(await StreamOf(world.SchoolId, world.Teacher.UserId)));
        Assert.Equal((world.Teacher.UserId, world.Leader.UserId, "teacher", 1, removed.RemovedAt), (e.MembershipId, e.RemovedBy, e.Role, e.ClassesTaught, e.At));
        Assert.InRange(e.At, before, Clock.GetUtcNow());
    }

    [Fact]
    public async Task the_removed_teachers_data_is_not_erased_and_their_class_stays_for_the_leaders()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        await Api.GetStudent(world.Teacher, ada);

        await Api.Expect<StaffMemberRemovedResponse>(HttpStatusCode.OK, HttpMethod.Delete, Member(world.Teacher.UserId), null, world.Leader);

        // Their name still opens where they appear (here: the child's access log); erasure is the DPO's separate workflow.
        var seen = Assert.Single((await Api.ChildAccessLog(guardian, ada)).Entries, x => x.StaffId == world.Teacher.UserId);
        Assert.Equal("Theo Teacher", seen.StaffName);
        var schoolClass = await Api.GetClass(world.Leader, world.ClassId);
        Assert.Equal((world.Teacher.UserId, 3), (schoolClass.TeacherId, schoolClass.Students.Count));
        // The DPO's erasure still applies to a removed member.
        Assert.Equal(HttpStatusCode.Accepted, (await Api.Send(HttpMethod.Post, $"/api/privacy/staff/{world.Teacher.UserId}/erasure", null, world.Dpo)).Status);
    }

    [Fact]
    public async Task a_removed_leader_can_no_longer_remove_the_leader_who_removed_them_and_can_be_invited_again()
    {
        var world = await Api.CreateWorld();
        var second = await Api.CreateStaff(world.Leader, "leader", "Second Leader");

        await Api.Expect<StaffMemberRemovedResponse>(HttpStatusCode.OK, HttpMethod.Delete, Member(second.UserId), null, world.Leader);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Delete, Member(world.Leader.UserId), null, second)).Status);
        Assert.Contains(await Api.Get<List<StaffMember>>("/api/staff", world.Leader), s => s.MembershipId == world.Leader.UserId);

        // The same address invited again joins again (the removed membership is not a live one).
        await Api.Post<StaffInvited>("/api/staff", new CreateStaff("teacher", "Second Leader", second.Email), world.Leader);
        var accepted = await Api.AcceptInvitation(second.Email, seen: 1);
        Assert.NotEqual(second.UserId, accepted.UserId);
        var back = await Api.Login(second.Email);
        Assert.Equal((accepted.UserId, "teacher"), (back.UserId, back.Role));
    }

    [Fact]
    public async Task only_a_leader_removes_and_every_refusal_commits_nothing()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var other = await Api.CreateWorld();
        var events = await EventCount();
        var staff = await Api.Get<List<StaffMember>>("/api/staff", world.Leader);

        foreach (var who in new[] { world.Teacher, world.Dpo, guardian })
        {
            await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Delete, Member(world.Teacher.UserId), null, who);
        }

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, Member(other.Teacher.UserId), null, world.Leader);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, Member(guardian.UserId), null, world.Leader);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, Member(Guid.CreateVersion7()), null, world.Leader);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, Member(world.Teacher.UserId), null, other.Leader);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Delete, Member(world.Leader.UserId), null, world.Leader);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Delete, Member(world.Dpo.UserId), null, world.Leader);

        Assert.Equal(events, await EventCount());
        Assert.Equal(staff, await Api.Get<List<StaffMember>>("/api/staff", world.Leader));
        foreach (var who in new[] { world.Teacher, world.Dpo })
        {
            Assert.Equal(HttpStatusCode.OK, (await Api.Send(HttpMethod.Get, "/api/classes", null, who)).Status);
        }
    }

    [Fact]
    public async Task the_last_dpo_is_refused_until_another_one_joins_and_a_repeat_is_404()
    {
        var world = await Api.CreateWorld();
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Delete, Member(world.Dpo.UserId), null, world.Leader);
        await Api.CreateStaff(world.Leader, "dpo", "Dan Dpo");

        await Api.Expect<StaffMemberRemovedResponse>(HttpStatusCode.OK, HttpMethod.Delete, Member(world.Dpo.UserId), null, world.Leader);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, Member(world.Dpo.UserId), null, world.Leader);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, "/api/dpo/access-log", null, world.Dpo)).Status);
    }

    [Fact]
    public async Task a_removal_on_one_node_closes_the_connection_on_another_within_a_second_and_its_next_request_there_is_401()
    {
        await using var nodeB = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"));
        var world = await Api.CreateWorld();
        var live = await LiveConnection.Open(nodeB.GetTestServer(), world.Teacher.Token);
        await using var _ = live;
        var onB = new Support.Api(nodeB);
        Assert.Equal(HttpStatusCode.OK, (await onB.Send(HttpMethod.Get, "/api/classes", null, world.Teacher)).Status);

        await Api.Expect<StaffMemberRemovedResponse>(HttpStatusCode.OK, HttpMethod.Delete, Member(world.Teacher.UserId), null, world.Leader);

        await live.Closed.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.Send(HttpMethod.Get, "/api/classes", null, world.Teacher)).Status);
    }
}
