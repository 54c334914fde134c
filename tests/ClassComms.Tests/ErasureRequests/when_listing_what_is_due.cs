using System.Net;
using ClassComms.ErasureRequests;
using ClassComms.Exports;
using ClassComms.Tests.Exports;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.ErasureRequests;

public sealed class when_listing_what_is_due(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_dpo_sees_open_requests_soonest_first_and_overdue_ones_flagged()
    {
        var world = await Api.CreateWorld();
        var otherSchool = await Api.CreateWorld();
        var first = await Api.RequestStudentErasure(world.Teacher, world.Students[0]);
        var refused = await Api.RequestStudentErasure(world.Teacher, world.Students[1]);
        await Api.Refuse(world.Dpo, refused.RequestId, ErasureReasons.LegalObligation);
        Clock.Advance(TimeSpan.FromDays(40));
        var later = await Api.RequestStudentErasure(world.Teacher, world.Students[2]);

        var due = await Api.Get<List<DueRequest>>("/api/dpo/requests", world.Dpo);

        Assert.Equal([first.RequestId, later.RequestId], due.Select(d => d.RequestId));
        Assert.True(due[0].Overdue);
        Assert.False(due[1].Overdue);
        Assert.All(due, d => Assert.Equal(ListDueRequestsEndpoint.Erasure, d.Kind));
        Assert.Equal(ErasureRequest.Received, due[0].State);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Get, "/api/dpo/requests", null, world.Leader);
        Assert.Empty(await Api.Get<List<DueRequest>>("/api/dpo/requests", otherSchool.Dpo));
    }

    [Fact]
    public async Task subject_access_exports_not_yet_answered_are_listed_with_their_deadline_and_built_ones_are_not()
    {
        var world = await Api.CreateWorld();
        var built = await Api.RequestExport(world.Dpo, ExportKinds.Student, world.Students[0]);
        await Api.ExportCompleted(world.Dpo, built.ExportId);
        var erasure = await Api.RequestStudentErasure(world.Teacher, world.Students[1]);

        // An export still queued: its request recorded, its background run not done yet (as a crash before the build leaves it).
        var queuedId = Guid.CreateVersion7();
        var requestedAt = Clock.GetUtcNow();
        await using (var session = Store.LightweightSession(world.SchoolId.ToString()))
        {
            session.Events.StartStream<SubjectExport>(queuedId, new ExportRequested(queuedId, world.Dpo.UserId, world.Teacher.UserId, ExportKinds.Staff,
                ExportKinds.All, "en", "gdpr", requestedAt.AddDays(10), requestedAt));
            await session.SaveChangesAsync();
        }

        var due = await Api.Get<List<DueRequest>>("/api/dpo/requests", world.Dpo);

        Assert.Equal([queuedId, erasure.RequestId], due.Select(d => d.RequestId)); // the export is due first
        var queued = due[0];
        Assert.Equal(ListDueRequestsEndpoint.Export, queued.Kind);
        Assert.Equal(ExportKinds.Staff, queued.SubjectKind);
        Assert.Equal(world.Teacher.UserId, queued.SubjectId);
        Assert.Equal(ExportStates.Queued, queued.State);
        Assert.InRange((queued.DueAt - requestedAt).TotalDays, 9.999, 10.001);
        Assert.False(queued.Overdue);
        Assert.DoesNotContain(due, d => d.RequestId == built.ExportId); // answered

        Clock.Advance(TimeSpan.FromDays(11));
        Assert.True((await Api.Get<List<DueRequest>>("/api/dpo/requests", world.Dpo)).Single(d => d.RequestId == queuedId).Overdue);
    }
}
