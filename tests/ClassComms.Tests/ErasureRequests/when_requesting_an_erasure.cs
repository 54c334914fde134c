using System.Net;
using ClassComms.ErasureRequests;
using ClassComms.Privacy;
using ClassComms.Tests.Privacy;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.ErasureRequests;

public sealed class when_requesting_an_erasure(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_linked_guardian_asks_for_their_childs_erasure_due_by_the_schools_regime()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");

        var request = await Api.RequestStudentErasure(mum, world.Students[0], "Please delete everything about my daughter");

        Assert.Equal(ErasureRequest.Received, request.State);
        Assert.Equal(SubjectKinds.Student, request.SubjectKind);
        Assert.Equal(mum.UserId, request.RequestedBy);
        Assert.Equal("guardian", request.RequesterRole);
        Assert.False(request.Overdue);
        // GDPR by default: one calendar month, to the end of the due day in the school's time zone.
        Assert.InRange(request.DueAt - request.ReceivedAt, TimeSpan.FromDays(28), TimeSpan.FromDays(32));
        Assert.Null((await Api.ErasureRequest(mum, request.RequestId)).Note); // the requester reads codes, not notes
        Assert.Equal("Please delete everything about my daughter", (await Api.ErasureRequest(world.Dpo, request.RequestId)).Note);
        Assert.Contains(await Api.Get<List<ErasureRequestView>>("/api/erasure-requests", mum), r => r.RequestId == request.RequestId);
    }

    [Fact]
    public async Task a_quebec_public_school_answers_within_20_days()
    {
        var world = await Api.CreateWorld();
        await Api.Post<object>("/api/school/privacy-regime", new ClassComms.Dpo.SetPrivacyRegime("qc-public"), world.Dpo, HttpStatusCode.OK);

        var request = await Api.RequestStudentErasure(world.Teacher, world.Students[0]);

        Assert.InRange(request.DueAt - request.ReceivedAt, TimeSpan.FromDays(20), TimeSpan.FromDays(21));
        Assert.Equal("teacher", request.RequesterRole);
    }

    [Fact]
    public async Task a_guardian_asks_for_their_own_erasure_and_staff_for_a_guardians()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var dad = await Api.GuardianOf(world.Teacher, world.Students[1], "Dad");

        Assert.Equal(SubjectKinds.Guardian, (await Api.RequestGuardianErasure(mum, mum.UserId)).SubjectKind);
        Assert.Equal(world.Leader.UserId, (await Api.RequestGuardianErasure(world.Leader, dad.UserId)).RequestedBy);
    }

    [Fact]
    public async Task a_guardian_of_another_child_or_a_restricted_one_gets_404_and_nothing_is_recorded()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var dad = await Api.GuardianOf(world.Teacher, world.Students[1], "Dad");
        await Api.RestrictGuardian(world.Leader, world.Students[1], dad.UserId);
        var events = await ErasureRequestScenarios.EventCount(Store);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/erasure-requests/students/{world.Students[1]}", new RequestErasure(null), mum);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/erasure-requests/students/{world.Students[1]}", new RequestErasure(null),
            await Api.SignInAgain(dad));
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/erasure-requests/guardians/{dad.UserId}", new RequestErasure(null), mum);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/erasure-requests/students/{Guid.CreateVersion7()}", new RequestErasure(null),
            world.Dpo);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/erasure-requests/guardians/{world.Teacher.UserId}", new RequestErasure(null),
            world.Dpo);

        Assert.Equal(events, await ErasureRequestScenarios.EventCount(Store));
        Assert.Empty(await Api.Get<List<ErasureRequestView>>("/api/erasure-requests", world.Dpo));
    }

    [Fact]
    public async Task another_school_cannot_see_or_ask_about_the_student()
    {
        var world = await Api.CreateWorld();
        var other = await Api.CreateWorld();
        var request = await Api.RequestStudentErasure(world.Teacher, world.Students[0]);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/erasure-requests/students/{world.Students[0]}", new RequestErasure(null), other.Dpo);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/erasure-requests/{request.RequestId}", null, other.Dpo);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/erasure-requests/{request.RequestId}/approval", null, other.Dpo);
    }

    [Fact]
    public async Task a_second_open_request_a_long_note_and_a_students_own_request_are_refused_and_commit_nothing()
    {
        var world = await Api.CreateWorld();
        await Api.RequestStudentErasure(world.Teacher, world.Students[0]);
        var events = await ErasureRequestScenarios.EventCount(Store);

        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/erasure-requests/students/{world.Students[0]}", new RequestErasure(null), world.Dpo);
        var invalid = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/erasure-requests/students/{world.Students[1]}",
            new RequestErasure(new string('x', RequestErasureEndpoint.MaxNoteLength + 1)), world.Teacher);
        Assert.Contains("note", invalid.Errors!.Keys);
        Assert.DoesNotContain("xxxx", invalid.Detail);

        Assert.Equal(events, await ErasureRequestScenarios.EventCount(Store));
    }

    [Fact]
    public async Task someone_else_reading_a_request_gets_404()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var request = await Api.RequestStudentErasure(world.Teacher, world.Students[0]);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/erasure-requests/{request.RequestId}", null, mum);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/erasure-requests/{request.RequestId}", null, world.Leader);
        Assert.Empty(await Api.Get<List<ErasureRequestView>>("/api/erasure-requests", mum));
    }
}
