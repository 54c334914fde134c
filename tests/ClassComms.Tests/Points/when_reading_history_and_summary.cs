using System.Net;
using System.Text.Json;
using ClassComms.Points;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Points;

public sealed class when_reading_history_and_summary(AppFixture app) : IntegrationTest(app)
{
    private Task<ClassSummary> Summary(Session caller, Guid classId) => Api.Get<ClassSummary>($"/api/classes/{classId}/summary", caller);

    [Fact]
    public async Task the_history_is_newest_first_with_the_notes_readable_by_staff_and_guardian()
    {
        var world = await Api.CreateWorld();
        var child = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, child);
        var first = (await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [child], "Helped Ben with reading")).Points[0];
        var second = (await Api.Award(world.Teacher, world.ClassId, world.NeedsWork.Id, [child])).Points[0];
        var third = (await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [child, world.Students[1]], "  Shared lunch ")).Points
            .First(p => p.StudentId == child);

        foreach (var reader in new[] { world.Teacher, guardian })
        {
            var history = await Api.GetHistory(reader, child);
            Assert.Equal(new[] { third.PointId, second.PointId, first.PointId }, history.Points.Select(p => p.PointId));
            Assert.Equal(new[] { "Shared lunch", null, "Helped Ben with reading" }, history.Points.Select(p => p.Note));
            Assert.Equal(new[] { world.Positive.Name, world.NeedsWork.Name, world.Positive.Name }, history.Points.Select(p => p.SkillName));
            Assert.True(history.Points[0].AwardedAt > history.Points[1].AwardedAt && history.Points[1].AwardedAt > history.Points[2].AwardedAt);
            Assert.Equal(("Ada Student", 2, 1), (history.Name, history.PositivePoints, history.NeedsWorkPoints));
            Assert.Null(history.Next);
        }
    }

    [Fact]
    public async Task pages_follow_next_until_the_end_without_gaps_or_repeats()
    {
        var world = await Api.CreateWorld();
        var child = world.Students[0];
        var awarded = new List<Guid>();
        for (var i = 0; i < 5; i++) awarded.Add((await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [child], $"note {i}")).Points[0].PointId);

        var page1 = await Api.GetHistory(world.Teacher, child, "?limit=2");
        var page2 = await Api.GetHistory(world.Teacher, child, $"?limit=2&before={page1.Next}");
        var page3 = await Api.GetHistory(world.Teacher, child, $"?limit=2&before={page2.Next}");

        Assert.Equal(new[] { awarded[4], awarded[3] }, page1.Points.Select(p => p.PointId));
        Assert.Equal(awarded[3].ToString(), page1.Next);
        Assert.Equal(new[] { awarded[2], awarded[1] }, page2.Points.Select(p => p.PointId));
        Assert.Equal(new[] { awarded[0] }, page3.Points.Select(p => p.PointId));
        Assert.Null(page3.Next);
        Assert.Equal(new[] { "note 4", "note 3" }, page1.Points.Select(p => p.Note));
        var exact = await Api.GetHistory(world.Teacher, child, "?limit=5");
        Assert.Equal(5, exact.Points.Count);
        Assert.Null(exact.Next);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(201)]
    [InlineData(500)]
    public async Task a_limit_outside_1_to_200_is_a_400_naming_limit(int limit)
    {
        var world = await Api.CreateWorld();
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get, $"/api/students/{world.Students[0]}/points?limit={limit}",
            null, world.Teacher);
        Assert.Equal("limit", Assert.Single(problem.Errors!.Keys));
    }

    [Fact]
    public async Task a_before_that_is_not_a_point_of_the_student_is_a_400_naming_before()
    {
        var world = await Api.CreateWorld();
        var classmatesPoint = (await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[1]])).Points[0].PointId;

        foreach (var before in new[] { classmatesPoint.ToString(), Guid.NewGuid().ToString(), "not-a-guid" })
        {
            var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get, $"/api/students/{world.Students[0]}/points?before={before}",
                null, world.Teacher);
            Assert.Equal("before", Assert.Single(problem.Errors!.Keys));
        }
    }

    [Fact]
    public async Task the_class_summary_counts_every_point_exactly_once()
    {
        var world = await Api.CreateWorld();
        var positive = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, world.Students);
        await Api.Award(world.Teacher, world.ClassId, world.NeedsWork.Id, [world.Students[0]]);
        await Api.Delete($"/api/points/{positive.Points[1].PointId}", world.Teacher);

        await ProjectionsCaughtUp();
        var summary = await Summary(world.Teacher, world.ClassId);

        Assert.Equal((world.ClassId, 4, 1, 2, 1),
            (summary.Id, summary.PointsAwarded, summary.PointsRemoved, summary.PositivePoints, summary.NeedsWorkPoints));
        Assert.Equal(
            new[] { (world.NeedsWork.Id, world.NeedsWork.Name, false, 1, 1), (world.Positive.Id, world.Positive.Name, true, 2, 2) }
                .OrderBy(t => t.Name),
            summary.Skills.Select(s => (s.SkillId, s.SkillName, s.Positive, s.Count, s.Points)));
        Assert.Equal(4, summary.Days.Sum(d => d.Count));
        Assert.NotNull(summary.FirstAwardAt);
        Assert.True(summary.FirstAwardAt <= summary.LastAwardAt);
        Assert.Equal(JsonSerializer.Serialize(summary), JsonSerializer.Serialize(await Summary(world.Leader, world.ClassId)));
        Assert.Equal(JsonSerializer.Serialize(summary), JsonSerializer.Serialize(await Summary(world.Dpo, world.ClassId)));
    }

    [Fact]
    public async Task the_summary_adds_skill_values_and_is_empty_for_a_class_without_points()
    {
        var world = await Api.CreateWorld();
        var quiet = await Api.CreateClass(world.Teacher, "Grade 4");
        var kindness = await Api.AddSkill(world.Teacher, world.ClassId, "Kindness", positive: true, value: 3);
        await Api.Award(world.Teacher, world.ClassId, kindness.Id, [world.Students[0], world.Students[1]]);

        await ProjectionsCaughtUp();

        var summary = await Summary(world.Teacher, world.ClassId);
        Assert.Equal((2, 0, 6, 0), (summary.PointsAwarded, summary.PointsRemoved, summary.PositivePoints, summary.NeedsWorkPoints));
        var tally = Assert.Single(summary.Skills);
        Assert.Equal((kindness.Id, "Kindness", 2, 6), (tally.SkillId, tally.SkillName, tally.Count, tally.Points));
        var empty = await Summary(world.Teacher, quiet.ClassId);
        Assert.Equal((quiet.ClassId, 0, 0, 0, 0), (empty.Id, empty.PointsAwarded, empty.PointsRemoved, empty.PositivePoints, empty.NeedsWorkPoints));
        Assert.Empty(empty.Skills);
        Assert.Null(empty.FirstAwardAt);
    }

    [Fact]
    public async Task a_guardian_another_teacher_and_another_school_get_404_for_the_summary()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var other = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");
        var elsewhere = await Api.CreateWorld();
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]]);
        await ProjectionsCaughtUp();

        foreach (var stranger in new[] { guardian, other, elsewhere.Leader })
        {
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/classes/{world.ClassId}/summary", null, stranger);
        }

        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get, "/api/classes/not-a-guid/summary", null, world.Teacher);
        Assert.Equal("classId", Assert.Single(problem.Errors!.Keys));
    }
}
