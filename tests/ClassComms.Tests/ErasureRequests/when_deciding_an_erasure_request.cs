using System.Net;
using ClassComms.ErasureRequests;
using ClassComms.Privacy;
using ClassComms.Tests.Privacy;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.ErasureRequests;

public sealed class when_deciding_an_erasure_request(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task approving_runs_the_durable_erasure_and_the_request_ends_certified()
    {
        var world = await Api.CreateWorld("Wilhelmina Stroud", "Ben Student");
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var request = await Api.RequestStudentErasure(mum, world.Students[0]);

        var approved = await Api.Approve(world.Dpo, request.RequestId);
        Assert.Equal(ErasureRequest.Approved, approved.State);

        var done = await Api.Certified(world.Dpo, request.RequestId);
        Assert.NotNull(done.CertificateIssuedAt);
        Assert.Equal(Erasure.Completed, (await Api.ErasureCompleted(world.Dpo, world.Students[0])).Status);
        var student = await Api.GetStudent(world.Teacher, world.Students[0]);
        Assert.True(student.Erased);
        Assert.Null(student.Name);
        Assert.Equal(ErasureRequest.Completed, (await Api.ErasureRequest(mum, request.RequestId)).State);
        // Approving again answers the request and starts nothing new.
        Assert.Equal(ErasureRequest.Completed, (await Api.Approve(world.Dpo, request.RequestId)).State);
    }

    [Fact]
    public async Task only_the_dpo_decides_and_a_refused_decision_commits_nothing()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var request = await Api.RequestStudentErasure(mum, world.Students[0]);
        var events = await ErasureRequestScenarios.EventCount(Store);

        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"/api/erasure-requests/{request.RequestId}/approval", null, world.Leader);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"/api/erasure-requests/{request.RequestId}/approval", null, mum);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"/api/erasure-requests/{request.RequestId}/refusal",
            new ErasureDecisionReason(ErasureReasons.LegalHold, null), world.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/erasure-requests/{Guid.CreateVersion7()}/approval", null, world.Dpo);
        var invalid = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/erasure-requests/{request.RequestId}/refusal",
            new ErasureDecisionReason("because-I-said-so", null), world.Dpo);
        Assert.Contains("reason", invalid.Errors!.Keys);
        Assert.DoesNotContain("because-I-said-so", invalid.Detail);

        Assert.Equal(events, await ErasureRequestScenarios.EventCount(Store));
        Assert.Equal(ErasureRequest.Received, (await Api.ErasureRequest(mum, request.RequestId)).State);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/privacy/erasures/{world.Students[0]}", null, world.Dpo);
    }

    [Fact]
    public async Task a_refusal_is_recorded_and_the_requester_sees_its_code_not_the_dpos_note()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var request = await Api.RequestStudentErasure(mum, world.Students[0]);

        var refused = await Api.Refuse(world.Dpo, request.RequestId, ErasureReasons.LegalHold, "Court order 2026-114 about the custody case");

        Assert.Equal(ErasureRequest.Refused, refused.State);
        var seenByMum = await Api.ErasureRequest(mum, request.RequestId);
        Assert.Equal(ErasureRequest.Refused, seenByMum.State);
        Assert.Equal(ErasureReasons.LegalHold, seenByMum.RefusalReason);
        Assert.Null(seenByMum.RefusalNote);
        Assert.Equal("Court order 2026-114 about the custody case", (await Api.ErasureRequest(world.Dpo, request.RequestId)).RefusalNote);
        Assert.False((await Api.GetStudent(world.Teacher, world.Students[0])).Erased);

        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/erasure-requests/{request.RequestId}/approval", null, world.Dpo);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/erasure-requests/{request.RequestId}/refusal",
            new ErasureDecisionReason(ErasureReasons.Other, null), world.Dpo);
        // Refused, the subject can be asked about again.
        Assert.Equal(ErasureRequest.Received, (await Api.RequestStudentErasure(mum, world.Students[0])).State);
    }

    [Fact]
    public async Task the_deadline_is_extended_once_where_the_regime_allows_it()
    {
        var world = await Api.CreateWorld();
        var request = await Api.RequestStudentErasure(world.Teacher, world.Students[0]);

        var extended = await Api.Post<ErasureRequestView>($"/api/erasure-requests/{request.RequestId}/extension",
            new ErasureDecisionReason(ErasureReasons.Complexity, null), world.Dpo, HttpStatusCode.OK);

        Assert.True(extended.Extended);
        Assert.Equal(ErasureReasons.Complexity, extended.ExtensionReason);
        Assert.InRange(extended.DueAt - request.ReceivedAt, TimeSpan.FromDays(89), TimeSpan.FromDays(93)); // GDPR: three months in all
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/erasure-requests/{request.RequestId}/extension",
            new ErasureDecisionReason(ErasureReasons.Complexity, null), world.Dpo);

        await Api.Post<object>("/api/school/privacy-regime", new ClassComms.Dpo.SetPrivacyRegime("qc-private"), world.Dpo, HttpStatusCode.OK);
        var quebec = await Api.RequestStudentErasure(world.Teacher, world.Students[1]);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/erasure-requests/{quebec.RequestId}/extension",
            new ErasureDecisionReason(ErasureReasons.Complexity, null), world.Dpo);
    }

    [Fact]
    public async Task the_dpos_direct_erasure_approves_the_open_request_and_certifies_it()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var request = await Api.RequestStudentErasure(mum, world.Students[0]);

        await Api.EraseStudent(world.Dpo, world.Students[0]);

        Assert.NotNull((await Api.Certified(world.Dpo, request.RequestId)).ApprovedAt);
        var guardianErasure = await Api.EraseGuardian(world.Dpo, mum.UserId);
        var direct = Assert.Single(await Api.Get<List<ErasureRequestView>>("/api/erasure-requests", world.Dpo), r => r.SubjectId == mum.UserId);
        Assert.Equal("dpo", direct.RequesterRole);
        Assert.Equal(guardianErasure.RequestedAt, direct.ReceivedAt);
        await Api.Certified(world.Dpo, direct.RequestId);
    }
}
