using System.Net;
using ClassComms.Points;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Points;

public sealed class when_removing_points(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task removing_a_point_updates_the_totals_and_hides_it_from_the_history()
    {
        var world = await Api.CreateWorld();
        var child = world.Students[0];
        var first = (await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [child])).Points[0];
        var second = (await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [child])).Points[0];
        var needsWork = (await Api.Award(world.Teacher, world.ClassId, world.NeedsWork.Id, [child])).Points[0];

        await Api.Delete($"/api/points/{first.PointId}", world.Teacher);
        await Api.Delete($"/api/points/{needsWork.PointId}", world.Teacher);

        var student = await Api.GetStudent(world.Teacher, child);
        Assert.Equal((1, 0), (student.PositivePoints, student.NeedsWorkPoints));
        var history = await Api.GetHistory(world.Teacher, child);
        Assert.Equal((1, 0), (history.PositivePoints, history.NeedsWorkPoints));
        Assert.Equal(second.PointId, Assert.Single(history.Points).PointId);
        var onRoster = (await Api.GetClass(world.Teacher, world.ClassId)).Students[0];
        Assert.Equal((1, 0), (onRoster.PositivePoints, onRoster.NeedsWorkPoints));
    }

    [Fact]
    public async Task removing_it_again_is_a_409_and_the_totals_do_not_move()
    {
        var world = await Api.CreateWorld();
        var child = world.Students[0];
        var point = (await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [child])).Points[0];
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [child]);
        await Api.Delete($"/api/points/{point.PointId}", world.Teacher);

        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Delete, $"/api/points/{point.PointId}", null, world.Teacher);

        Assert.Equal(1, (await Api.GetStudent(world.Teacher, child)).PositivePoints);
    }

    [Fact]
    public async Task undoing_an_award_removes_its_still_active_points_and_reports_how_many()
    {
        var world = await Api.CreateWorld();
        var award = await Api.AwardWholeClass(world.Teacher, world.ClassId, world.Positive.Id);
        var kept = (await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]])).Points[0];
        await Api.Delete($"/api/points/{award.Points.First(p => p.StudentId == world.Students[1]).PointId}", world.Teacher);

        var undone = await Api.Expect<PointsRemovedResponse>(HttpStatusCode.OK, HttpMethod.Delete, $"/api/awards/{award.AwardId}", null, world.Teacher);

        Assert.Equal((award.AwardId, world.Students.Count - 1), (undone.AwardId, undone.Removed));
        Assert.Equal(new[] { 1, 0, 0 }, (await Api.GetClass(world.Teacher, world.ClassId)).Students.Select(s => s.PositivePoints));
        Assert.Equal(kept.PointId, Assert.Single((await Api.GetHistory(world.Teacher, world.Students[0])).Points).PointId);
        Assert.Empty((await Api.GetHistory(world.Teacher, world.Students[1])).Points);
        Assert.Empty((await Api.GetHistory(world.Teacher, world.Students[2])).Points);
    }

    [Fact]
    public async Task undoing_twice_is_a_409_and_a_single_point_of_an_undone_award_too()
    {
        var world = await Api.CreateWorld();
        var award = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0], world.Students[1]]);
        await Api.Expect<PointsRemovedResponse>(HttpStatusCode.OK, HttpMethod.Delete, $"/api/awards/{award.AwardId}", null, world.Teacher);

        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Delete, $"/api/awards/{award.AwardId}", null, world.Teacher);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Delete, $"/api/points/{award.Points[0].PointId}", null, world.Teacher);

        Assert.All((await Api.GetClass(world.Teacher, world.ClassId)).Students, s => Assert.Equal(0, s.PositivePoints));
    }

    [Fact]
    public async Task a_leader_can_remove_points_and_undo_awards()
    {
        var world = await Api.CreateWorld();
        var one = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]]);
        var two = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[1]]);

        await Api.Delete($"/api/points/{one.Points[0].PointId}", world.Leader);
        await Api.Expect<PointsRemovedResponse>(HttpStatusCode.OK, HttpMethod.Delete, $"/api/awards/{two.AwardId}", null, world.Leader);

        Assert.All((await Api.GetClass(world.Teacher, world.ClassId)).Students, s => Assert.Equal(0, s.PositivePoints));
    }

    [Fact]
    public async Task a_guardian_gets_404_and_the_point_stays()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var award = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]]);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, $"/api/points/{award.Points[0].PointId}", null, guardian);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, $"/api/awards/{award.AwardId}", null, guardian);

        Assert.Single((await Api.GetHistory(guardian, world.Students[0])).Points);
        Assert.Equal(1, (await Api.GetStudent(world.Teacher, world.Students[0])).PositivePoints);
    }

    [Fact]
    public async Task another_teacher_the_dpo_and_another_school_get_404_and_the_point_stays()
    {
        var world = await Api.CreateWorld();
        var other = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");
        await Api.CreateClass(other);
        var elsewhere = await Api.CreateWorld();
        var award = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]]);

        foreach (var stranger in new[] { other, world.Dpo, elsewhere.Teacher, elsewhere.Leader })
        {
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, $"/api/points/{award.Points[0].PointId}", null, stranger);
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, $"/api/awards/{award.AwardId}", null, stranger);
        }

        Assert.Single((await Api.GetHistory(world.Teacher, world.Students[0])).Points);
        Assert.Equal(1, (await Api.GetStudent(world.Teacher, world.Students[0])).PositivePoints);
    }

    [Fact]
    public async Task unknown_ids_are_404s_and_malformed_ids_400s_naming_the_field()
    {
        var world = await Api.CreateWorld();

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, $"/api/points/{Guid.NewGuid()}", null, world.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, $"/api/awards/{Guid.NewGuid()}", null, world.Teacher);
        var badPoint = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Delete, "/api/points/not-a-guid", null, world.Teacher);
        var badAward = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Delete, "/api/awards/not-a-guid", null, world.Teacher);

        Assert.Equal("pointId", Assert.Single(badPoint.Errors!.Keys));
        Assert.Equal("awardId", Assert.Single(badAward.Errors!.Keys));
    }
}
