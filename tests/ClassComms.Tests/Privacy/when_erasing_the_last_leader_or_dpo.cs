using System.Net;
using ClassComms.ErasureRequests;
using ClassComms.Privacy;
using ClassComms.Tests.ErasureRequests;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Privacy;

/// <summary>A school keeps someone who can act for it: its last leader and its last DPO are not erased (409, nothing committed).</summary>
public sealed class when_erasing_the_last_leader_or_dpo(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_last_leader_and_the_last_dpo_are_refused_with_409_and_nothing_is_committed()
    {
        var world = await Api.CreateWorld();
        var events = await ErasureRequestScenarios.EventCount(Store);

        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/erasure-requests/staff/{world.Leader.UserId}", new RequestErasure(null), world.Leader);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/erasure-requests/staff/{world.Dpo.UserId}", new RequestErasure(null), world.Dpo);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/privacy/staff/{world.Leader.UserId}/erasure", null, world.Dpo);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/privacy/staff/{world.Dpo.UserId}/erasure", null, world.Dpo);

        Assert.Equal(events, await ErasureRequestScenarios.EventCount(Store));
        await Api.Get<object>($"/api/students/{world.Students[0]}", world.Leader); // both still sign in and act
        await Api.Get<object>("/api/dpo/requests", world.Dpo);
    }

    [Fact]
    public async Task with_a_second_leader_one_is_erased_and_then_the_other_is_the_last()
    {
        var world = await Api.CreateWorld();
        var second = await Api.CreateStaff(world.Leader, "leader", "Second Leader");

        var request = await Api.RequestStaffErasure(world.Leader, world.Leader.UserId);
        // Meanwhile the second leader is erased directly: the request, approved later, would leave the school without a leader.
        await Api.Post<ErasureStatus>($"/api/privacy/staff/{second.UserId}/erasure", null, world.Dpo, HttpStatusCode.Accepted);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/erasure-requests/{request.RequestId}/approval", null, world.Dpo);
        Assert.Null((await Api.ErasureRequest(world.Dpo, request.RequestId)).ApprovedAt);
    }

    [Fact]
    public async Task the_dpo_erases_a_teacher_directly_and_it_is_certified_like_a_request()
    {
        var world = await Api.CreateWorld();
        var status = await Api.Post<ErasureStatus>($"/api/privacy/staff/{world.Teacher.UserId}/erasure", null, world.Dpo, HttpStatusCode.Accepted);
        Assert.Equal(SubjectKinds.Staff, status.SubjectKind);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"/api/privacy/staff/{world.Teacher.UserId}/erasure", null, world.Leader);
        var other = await Api.CreateWorld();
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/privacy/staff/{world.Teacher.UserId}/erasure", null, other.Dpo);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/privacy/staff/{world.Students[0]}/erasure", null, world.Dpo);

        var requests = await Api.Get<ErasureRequestView[]>("/api/erasure-requests", world.Dpo);
        var request = Assert.Single(requests, r => r.SubjectId == world.Teacher.UserId);
        await Api.Certified(world.Dpo, request.RequestId);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login",
            new ClassComms.Accounts.Login(world.Teacher.Email, Support.Api.Password), null);
    }
}
