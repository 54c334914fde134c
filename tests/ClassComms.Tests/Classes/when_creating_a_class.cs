using System.Net;
using ClassComms.Classes;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Classes;

public sealed class when_creating_a_class(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task it_comes_with_positive_and_needs_work_skills_and_its_teacher_sees_it()
    {
        var leader = await Api.CreateSchool();
        var teacher = await Api.CreateStaff(leader, "teacher", "Theo Teacher");

        var created = await Api.CreateClass(teacher, "Grade 4");

        Assert.Equal(teacher.UserId, created.TeacherId);
        Assert.Equal(SchoolClass.DefaultSkills.Select(s => (s.Name, s.Positive, s.Value)),
            created.Skills.Select(s => (s.Name!, s.Positive, s.Value)));
        Assert.Contains(created.Skills, s => s.Positive);
        Assert.Contains(created.Skills, s => !s.Positive);
        Assert.Equal(created.Skills.Count, created.Skills.Select(s => s.Id).Distinct().Count());
        var view = await Api.GetClass(teacher, created.ClassId);
        Assert.Equal("Grade 4", view.Name);
        Assert.Equal(created.Skills, view.Skills);
        Assert.Empty(view.Students);
        var listed = Assert.Single(await Api.Get<List<ClassListItem>>("/api/classes", teacher));
        Assert.Equal((created.ClassId, "Grade 4", teacher.UserId, 0), (listed.ClassId, listed.Name, listed.TeacherId, listed.StudentCount));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task an_empty_name_is_a_400_naming_name_and_nothing_is_created(string? name)
    {
        var leader = await Api.CreateSchool();
        var teacher = await Api.CreateStaff(leader, "teacher", "Theo Teacher");
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/classes", new CreateClass(name!, null), teacher);
        Assert.Contains("name", problem.Errors!.Keys);
        Assert.Empty(await Api.Get<List<ClassListItem>>("/api/classes", leader));
    }

    [Fact]
    public async Task a_name_over_100_characters_is_a_400_naming_name_and_100_is_fine()
    {
        var leader = await Api.CreateSchool();
        var teacher = await Api.CreateStaff(leader, "teacher", "Theo Teacher");
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/classes",
            new CreateClass(new string('x', 101), null), teacher);
        Assert.Contains("name", problem.Errors!.Keys);
        Assert.Empty(await Api.Get<List<ClassListItem>>("/api/classes", leader));

        await Api.CreateClass(teacher, new string('x', 100));
        Assert.Single(await Api.Get<List<ClassListItem>>("/api/classes", leader));
    }

    [Fact]
    public async Task a_guardian_gets_403_and_nothing_is_created()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, "/api/classes", new CreateClass("Grade 9", null), guardian);
        Assert.Equal(new[] { world.ClassId }, (await Api.Get<List<ClassListItem>>("/api/classes", world.Leader)).Select(c => c.ClassId));
    }

    [Fact]
    public async Task a_dpo_gets_403()
    {
        var leader = await Api.CreateSchool();
        var dpo = await Api.CreateStaff(leader, "dpo", "Dora Dpo");
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, "/api/classes", new CreateClass("Grade 9", null), dpo);
        Assert.Empty(await Api.Get<List<ClassListItem>>("/api/classes", leader));
    }

    [Fact]
    public async Task a_leader_creates_a_class_for_a_teacher_who_then_sees_it_and_another_teacher_does_not()
    {
        var leader = await Api.CreateSchool();
        var teacher = await Api.CreateStaff(leader, "teacher", "Theo Teacher");
        var other = await Api.CreateStaff(leader, "teacher", "Olga Other");

        var created = await Api.Post<ClassCreatedResponse>("/api/classes", new CreateClass("Grade 5", teacher.UserId), leader);

        Assert.Equal(teacher.UserId, created.TeacherId);
        var mine = Assert.Single(await Api.Get<List<ClassListItem>>("/api/classes", teacher));
        Assert.Equal((created.ClassId, teacher.UserId), (mine.ClassId, mine.TeacherId));
        Assert.Equal(teacher.UserId, (await Api.GetClass(teacher, created.ClassId)).TeacherId);
        Assert.Empty(await Api.Get<List<ClassListItem>>("/api/classes", other));
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/classes/{created.ClassId}", null, other);
        Assert.Equal(new[] { created.ClassId }, (await Api.Get<List<ClassListItem>>("/api/classes", leader)).Select(c => c.ClassId));
    }

    [Fact]
    public async Task a_teacher_naming_another_teacher_is_a_400_naming_teacherId_and_nothing_is_created()
    {
        var leader = await Api.CreateSchool();
        var teacher = await Api.CreateStaff(leader, "teacher", "Theo Teacher");
        var other = await Api.CreateStaff(leader, "teacher", "Olga Other");

        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/classes",
            new CreateClass("Grade 5", other.UserId), teacher);

        Assert.Equal("teacherId", Assert.Single(problem.Errors!.Keys));
        Assert.Empty(await Api.Get<List<ClassListItem>>("/api/classes", leader));
    }

    [Fact]
    public async Task a_teacher_naming_themself_is_fine()
    {
        var leader = await Api.CreateSchool();
        var teacher = await Api.CreateStaff(leader, "teacher", "Theo Teacher");
        var created = await Api.Post<ClassCreatedResponse>("/api/classes", new CreateClass("Grade 5", teacher.UserId), teacher);
        Assert.Equal(teacher.UserId, created.TeacherId);
    }

    [Fact]
    public async Task a_leader_naming_a_dpo_a_guardian_another_schools_teacher_or_nobody_is_a_400_naming_teacherId()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var elsewhere = await Api.CreateWorld();

        foreach (var notATeacher in new[] { world.Dpo.UserId, guardian.UserId, elsewhere.Teacher.UserId, Guid.NewGuid() })
        {
            var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/classes",
                new CreateClass("Grade 5", notATeacher), world.Leader);
            Assert.Equal("teacherId", Assert.Single(problem.Errors!.Keys));
        }

        Assert.Equal(new[] { world.ClassId }, (await Api.Get<List<ClassListItem>>("/api/classes", world.Leader)).Select(c => c.ClassId));
        Assert.Equal(new[] { elsewhere.ClassId }, (await Api.Get<List<ClassListItem>>("/api/classes", elsewhere.Leader)).Select(c => c.ClassId));
    }
}
