using System.Net;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Students;

public sealed class when_reading_a_student(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task staff_see_the_student_with_totals_and_guardian_names()
    {
        var world = await Api.CreateWorld();
        var child = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, child, "Gail Guardian");
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [child]);
        await Api.Award(world.Teacher, world.ClassId, world.NeedsWork.Id, [child]);

        foreach (var staff in new[] { world.Teacher, world.Leader, world.Dpo })
        {
            var view = await Api.GetStudent(staff, child);
            Assert.Equal((child, world.ClassId, "Ada Student", false, 1, 1), (view.StudentId, view.ClassId, view.Name, view.Erased, view.PositivePoints,
                view.NeedsWorkPoints));
            var linked = Assert.Single(view.Guardians!);
            Assert.Equal((guardian.UserId, "Gail Guardian", false), (linked.GuardianId, linked.Name, linked.Restricted));
        }

        Assert.Empty((await Api.GetStudent(world.Teacher, world.Students[1])).Guardians!);
    }

    [Fact]
    public async Task a_guardian_sees_their_child_without_the_guardian_list()
    {
        var world = await Api.CreateWorld();
        var child = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, child);
        await Api.GuardianOf(world.Teacher, child, "Gus Guardian");

        var (status, body, _) = await Api.Send(HttpMethod.Get, $"/api/students/{child}", null, guardian);
        var view = await Api.GetStudent(guardian, child);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((child, "Ada Student"), (view.StudentId, view.Name));
        Assert.Null(view.Guardians);
        Assert.DoesNotContain("Gus Guardian", body);
    }

    [Fact]
    public async Task a_guardian_of_one_student_gets_404_for_a_classmate_like_for_a_student_that_does_not_exist()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[1]], "Private note");

        var classmate = await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{world.Students[1]}", null, guardian);
        var classmatePoints = await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{world.Students[1]}/points", null, guardian);
        var nobody = await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{Guid.NewGuid()}", null, guardian);

        Assert.Equal((nobody.Title, nobody.Detail), (classmate.Title, classmate.Detail));
        Assert.Equal((nobody.Title, nobody.Detail), (classmatePoints.Title, classmatePoints.Detail));
    }

    [Fact]
    public async Task a_teacher_of_another_class_in_the_same_school_gets_404()
    {
        var world = await Api.CreateWorld();
        var other = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");
        await Api.CreateClass(other);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{world.Students[0]}", null, other);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{world.Students[0]}/points", null, other);
    }

    [Fact]
    public async Task staff_of_another_school_get_404()
    {
        var world = await Api.CreateWorld();
        var elsewhere = await Api.CreateWorld();

        foreach (var stranger in new[] { elsewhere.Leader, elsewhere.Dpo, elsewhere.Teacher })
        {
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{world.Students[0]}", null, stranger);
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{world.Students[0]}/points", null, stranger);
        }
    }

    [Fact]
    public async Task a_malformed_student_id_is_a_400_naming_studentId()
    {
        var world = await Api.CreateWorld();
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get, "/api/students/not-a-guid", null, world.Teacher);
        Assert.Equal("studentId", Assert.Single(problem.Errors!.Keys));
    }
}
