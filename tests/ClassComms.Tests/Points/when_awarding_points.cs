using System.Net;
using ClassComms.Points;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Points;

public sealed class when_awarding_points(AppFixture app) : IntegrationTest(app)
{
    private static string Points(Guid classId) => $"/api/classes/{classId}/points";

    private async Task<(int Positive, int NeedsWork)[]> Totals(World world) =>
        (await Api.GetClass(world.Teacher, world.ClassId)).Students.Select(s => (s.PositivePoints, s.NeedsWorkPoints)).ToArray();

    private async Task NobodyHasPoints(World world)
    {
        Assert.All(await Totals(world), t => Assert.Equal((0, 0), t));
        foreach (var student in world.Students) Assert.Empty((await Api.GetHistory(world.Teacher, student)).Points);
    }

    [Fact]
    public async Task one_student_gets_the_skill_value_and_the_others_nothing()
    {
        var world = await Api.CreateWorld();

        var award = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[1]], "Well done");

        var point = Assert.Single(award.Points);
        Assert.Equal(world.Students[1], point.StudentId);
        Assert.Equal(new[] { (0, 0), (1, 0), (0, 0) }, await Totals(world));
        var student = await Api.GetStudent(world.Teacher, world.Students[1]);
        Assert.Equal((1, 0), (student.PositivePoints, student.NeedsWorkPoints));
        var history = Assert.Single((await Api.GetHistory(world.Teacher, world.Students[1])).Points);
        Assert.Equal((point.PointId, award.AwardId, world.Positive.Id, "Well done"), (history.PointId, history.AwardId, history.SkillId, history.Note));
    }

    [Fact]
    public async Task several_students_share_one_award()
    {
        var world = await Api.CreateWorld();

        var award = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0], world.Students[2]]);
        await Api.Award(world.Teacher, world.ClassId, world.NeedsWork.Id, [world.Students[2]]);

        Assert.Equal(new[] { world.Students[0], world.Students[2] }, award.Points.Select(p => p.StudentId).Order());
        Assert.Equal(2, award.Points.Select(p => p.PointId).Distinct().Count());
        Assert.Equal(new[] { (1, 0), (0, 0), (1, 1) }, await Totals(world));
        var student = await Api.GetStudent(world.Teacher, world.Students[2]);
        Assert.Equal((1, 1), (student.PositivePoints, student.NeedsWorkPoints));
    }

    [Fact]
    public async Task the_whole_class_gets_the_point_in_one_request()
    {
        var world = await Api.CreateWorld();

        var award = await Api.AwardWholeClass(world.Teacher, world.ClassId, world.NeedsWork.Id);

        Assert.Equal(world.Students.Order(), award.Points.Select(p => p.StudentId).Order());
        Assert.Equal(new[] { (0, 1), (0, 1), (0, 1) }, await Totals(world));
        foreach (var student in world.Students)
        {
            var point = Assert.Single((await Api.GetHistory(world.Teacher, student)).Points);
            Assert.Equal(award.AwardId, point.AwardId);
        }
    }

    [Fact]
    public async Task totals_add_up_the_skill_values()
    {
        var world = await Api.CreateWorld();
        var kindness = await Api.AddSkill(world.Teacher, world.ClassId, "Kindness", positive: true, value: 3);
        var interrupting = await Api.AddSkill(world.Teacher, world.ClassId, "Interrupting", positive: false, value: 2);

        await Api.Award(world.Teacher, world.ClassId, kindness.Id, [world.Students[0]]);
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]]);
        await Api.Award(world.Teacher, world.ClassId, interrupting.Id, [world.Students[0]]);
        await Api.Award(world.Teacher, world.ClassId, world.NeedsWork.Id, [world.Students[0]]);

        var student = await Api.GetStudent(world.Teacher, world.Students[0]);
        Assert.Equal((4, 3), (student.PositivePoints, student.NeedsWorkPoints));
        var history = await Api.GetHistory(world.Teacher, world.Students[0]);
        Assert.Equal((4, 3), (history.PositivePoints, history.NeedsWorkPoints));
    }

    [Fact]
    public async Task an_unknown_skill_or_a_skill_of_another_class_is_a_400_naming_skillId()
    {
        var world = await Api.CreateWorld();
        var otherClass = await Api.CreateClass(world.Teacher, "Grade 4");

        foreach (var skillId in new[] { Guid.NewGuid(), Guid.Empty, otherClass.Skills[0].Id })
        {
            var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Points(world.ClassId),
                new AwardPoints(skillId, [world.Students[0]], false, null), world.Teacher);
            Assert.Equal("skillId", Assert.Single(problem.Errors!.Keys));
        }

        await NobodyHasPoints(world);
    }

    [Fact]
    public async Task a_note_longer_than_500_is_a_400_naming_note_and_500_is_fine()
    {
        var world = await Api.CreateWorld();

        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Points(world.ClassId),
            new AwardPoints(world.Positive.Id, [world.Students[0]], false, new string('n', AwardPointsEndpoint.MaxNoteLength + 1)), world.Teacher);
        Assert.Equal("note", Assert.Single(problem.Errors!.Keys));
        await NobodyHasPoints(world);

        var note = new string('n', AwardPointsEndpoint.MaxNoteLength);
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]], note);
        Assert.Equal(note, Assert.Single((await Api.GetHistory(world.Teacher, world.Students[0])).Points).Note);
    }

    [Fact]
    public async Task students_and_wholeClass_together_is_a_400_and_nobody_gets_a_point()
    {
        var world = await Api.CreateWorld();
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Points(world.ClassId),
            new AwardPoints(world.Positive.Id, [world.Students[0]], true, null), world.Teacher);
        Assert.Equal("studentIds", Assert.Single(problem.Errors!.Keys));
        await NobodyHasPoints(world);
    }

    [Fact]
    public async Task no_students_is_a_400_naming_studentIds()
    {
        var world = await Api.CreateWorld();
        foreach (var none in new IReadOnlyList<Guid>?[] { null, [] })
        {
            var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Points(world.ClassId),
                new AwardPoints(world.Positive.Id, none, false, null), world.Teacher);
            Assert.Equal("studentIds", Assert.Single(problem.Errors!.Keys));
        }

        await NobodyHasPoints(world);
    }

    [Fact]
    public async Task a_repeated_or_empty_student_id_is_a_400_naming_studentIds()
    {
        var world = await Api.CreateWorld();
        foreach (var ids in new IReadOnlyList<Guid>[] { [world.Students[0], world.Students[0]], [world.Students[0], Guid.Empty] })
        {
            var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Points(world.ClassId),
                new AwardPoints(world.Positive.Id, ids, false, null), world.Teacher);
            Assert.Equal("studentIds", Assert.Single(problem.Errors!.Keys));
        }

        await NobodyHasPoints(world);
    }

    [Fact]
    public async Task a_student_of_another_class_fails_the_whole_request_and_nobody_gets_a_point()
    {
        var world = await Api.CreateWorld();
        var otherClass = await Api.CreateClass(world.Teacher, "Grade 4");
        var outsider = (await Api.Enrol(world.Teacher, otherClass.ClassId, "Zed Student"))[0];

        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Points(world.ClassId),
            new AwardPoints(world.Positive.Id, [world.Students[0], outsider, world.Students[2]], false, "Nice"), world.Teacher);

        Assert.Equal("studentIds", Assert.Single(problem.Errors!.Keys));
        await NobodyHasPoints(world);
        Assert.Equal(0, (await Api.GetStudent(world.Teacher, outsider)).PositivePoints);
        Assert.Empty((await Api.GetHistory(world.Teacher, outsider)).Points);
    }

    [Fact]
    public async Task another_teacher_of_the_school_and_the_dpo_get_404()
    {
        var world = await Api.CreateWorld();
        var other = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");
        await Api.CreateClass(other);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Points(world.ClassId),
            new AwardPoints(world.Positive.Id, [world.Students[0]], false, null), other);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Points(world.ClassId),
            new AwardPoints(world.Positive.Id, null, true, null), world.Dpo);

        await NobodyHasPoints(world);
    }

    [Fact]
    public async Task staff_of_another_school_get_404()
    {
        var world = await Api.CreateWorld();
        var elsewhere = await Api.CreateWorld();

        foreach (var stranger in new[] { elsewhere.Teacher, elsewhere.Leader })
        {
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Points(world.ClassId),
                new AwardPoints(world.Positive.Id, [world.Students[0]], false, null), stranger);
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Points(world.ClassId),
                new AwardPoints(world.Positive.Id, null, true, null), stranger);
        }

        await NobodyHasPoints(world);
    }

    [Fact]
    public async Task a_guardian_gets_404()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Points(world.ClassId),
            new AwardPoints(world.Positive.Id, [world.Students[0]], false, null), guardian);

        await NobodyHasPoints(world);
    }

    [Fact]
    public async Task a_malformed_class_id_is_a_400_naming_classId()
    {
        var world = await Api.CreateWorld();
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/classes/not-a-guid/points",
            new AwardPoints(world.Positive.Id, [world.Students[0]], false, null), world.Teacher);
        Assert.Equal("classId", Assert.Single(problem.Errors!.Keys));
        await NobodyHasPoints(world);
    }

    [Fact]
    public async Task a_leader_can_award_in_any_class_of_the_school()
    {
        var world = await Api.CreateWorld();
        var other = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");
        var otherClass = await Api.CreateClass(other, "Grade 4");
        var pupil = (await Api.Enrol(other, otherClass.ClassId, "Zed Student"))[0];

        await Api.Award(world.Leader, world.ClassId, world.Positive.Id, [world.Students[0]]);
        await Api.Award(world.Leader, otherClass.ClassId, otherClass.Skills.First(s => !s.Positive).Id, [pupil]);

        Assert.Equal(1, (await Api.GetStudent(world.Teacher, world.Students[0])).PositivePoints);
        Assert.Equal(1, (await Api.GetStudent(other, pupil)).NeedsWorkPoints);
    }
}
