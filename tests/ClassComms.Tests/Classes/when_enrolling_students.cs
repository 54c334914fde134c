using System.Net;
using ClassComms.Classes;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Classes;

public sealed class when_enrolling_students(AppFixture app) : IntegrationTest(app)
{
    private static string Students(Guid classId) => $"/api/classes/{classId}/students";

    private static EnrolStudents Names(params string[] names) => new(names.Select(n => new NewStudent(n)).ToList());

    [Fact]
    public async Task the_roster_shows_the_students_by_name_in_enrolment_order()
    {
        var leader = await Api.CreateSchool();
        var teacher = await Api.CreateStaff(leader, "teacher", "Theo Teacher");
        var created = await Api.CreateClass(teacher);

        var first = await Api.Enrol(teacher, created.ClassId, "Ada Student", " Ben Student ");
        var second = await Api.Enrol(teacher, created.ClassId, "Cleo Student");

        var roster = (await Api.GetClass(teacher, created.ClassId)).Students;
        Assert.Equal(new[] { "Ada Student", "Ben Student", "Cleo Student" }, roster.Select(s => s.Name));
        Assert.Equal(first.Concat(second), roster.Select(s => s.StudentId));
        Assert.All(roster, s => Assert.Equal((false, 0, 0, 0), (s.Erased, s.PositivePoints, s.NeedsWorkPoints, s.GuardianCount)));
        Assert.Equal(3, Assert.Single(await Api.Get<List<ClassListItem>>("/api/classes", teacher)).StudentCount);
        Assert.Equal("Ben Student", (await Api.GetStudent(teacher, first[1])).Name);
    }

    [Fact]
    public async Task one_empty_name_among_several_is_a_400_naming_it_and_nobody_is_enrolled()
    {
        var leader = await Api.CreateSchool();
        var teacher = await Api.CreateStaff(leader, "teacher", "Theo Teacher");
        var created = await Api.CreateClass(teacher);

        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Students(created.ClassId),
            Names("Ada Student", " ", "Cleo Student"), teacher);

        Assert.Equal("students[1].name", Assert.Single(problem.Errors!.Keys));
        Assert.Empty((await Api.GetClass(teacher, created.ClassId)).Students);
    }

    [Fact]
    public async Task more_than_60_is_a_400_naming_students_and_nobody_is_enrolled()
    {
        var leader = await Api.CreateSchool();
        var teacher = await Api.CreateStaff(leader, "teacher", "Theo Teacher");
        var created = await Api.CreateClass(teacher);

        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Students(created.ClassId),
            Names(Enumerable.Range(1, EnrolStudentsEndpoint.MaxPerRequest + 1).Select(i => $"Student {i}").ToArray()), teacher);

        Assert.Equal("students", Assert.Single(problem.Errors!.Keys));
        Assert.Empty((await Api.GetClass(teacher, created.ClassId)).Students);
    }

    [Fact]
    public async Task exactly_60_are_enrolled()
    {
        var leader = await Api.CreateSchool();
        var teacher = await Api.CreateStaff(leader, "teacher", "Theo Teacher");
        var created = await Api.CreateClass(teacher);

        var ids = await Api.Enrol(teacher, created.ClassId,
            Enumerable.Range(1, EnrolStudentsEndpoint.MaxPerRequest).Select(i => $"Student {i}").ToArray());

        Assert.Equal(EnrolStudentsEndpoint.MaxPerRequest, ids.Distinct().Count());
        Assert.Equal(ids, (await Api.GetClass(teacher, created.ClassId)).Students.Select(s => s.StudentId));
    }

    [Fact]
    public async Task an_empty_list_is_a_400_naming_students()
    {
        var leader = await Api.CreateSchool();
        var teacher = await Api.CreateStaff(leader, "teacher", "Theo Teacher");
        var created = await Api.CreateClass(teacher);
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Students(created.ClassId), Names(), teacher);
        Assert.Equal("students", Assert.Single(problem.Errors!.Keys));
    }

    [Fact]
    public async Task another_teacher_of_the_school_gets_404_and_nobody_is_enrolled()
    {
        var world = await Api.CreateWorld();
        var other = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");
        await Api.CreateClass(other);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Students(world.ClassId), Names("Intruder"), other);

        Assert.Equal(world.Students, (await Api.GetClass(world.Teacher, world.ClassId)).Students.Select(s => s.StudentId));
    }

    [Fact]
    public async Task staff_of_another_school_get_404_and_nobody_is_enrolled()
    {
        var world = await Api.CreateWorld();
        var elsewhere = await Api.CreateWorld();

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Students(world.ClassId), Names("Intruder"), elsewhere.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Students(world.ClassId), Names("Intruder"), elsewhere.Leader);

        Assert.Equal(world.Students, (await Api.GetClass(world.Teacher, world.ClassId)).Students.Select(s => s.StudentId));
    }

    [Fact]
    public async Task a_guardian_gets_404()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Students(world.ClassId), Names("Intruder"), guardian);
        Assert.Equal(world.Students.Count, (await Api.GetClass(world.Teacher, world.ClassId)).Students.Count);
    }

    [Fact]
    public async Task a_malformed_class_id_is_a_400_naming_classId()
    {
        var world = await Api.CreateWorld();
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Students("not-a-guid"), Names("Ada"), world.Teacher);
        Assert.Equal("classId", Assert.Single(problem.Errors!.Keys));
    }

    private static string Students(string classId) => $"/api/classes/{classId}/students";
}
