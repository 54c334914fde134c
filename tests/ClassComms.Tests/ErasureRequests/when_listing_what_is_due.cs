using System.Net;
using ClassComms.ErasureRequests;
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
}
