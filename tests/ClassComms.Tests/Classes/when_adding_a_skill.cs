using System.Net;
using ClassComms.Classes;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Classes;

public sealed class when_adding_a_skill(AppFixture app) : IntegrationTest(app)
{
    private static string Skills(Guid classId) => $"/api/classes/{classId}/skills";

    private async Task<string> ETagOf(Session caller, Guid classId)
    {
        var (status, body, result) = await Api.Send(HttpMethod.Get, $"/api/classes/{classId}", null, caller);
        Assert.True(status == HttpStatusCode.OK, body);
        var etag = result.Context.Response.Headers.ETag.ToString();
        Assert.False(string.IsNullOrEmpty(etag));
        return etag;
    }

    [Fact]
    public async Task the_class_teacher_adds_a_skill_and_the_class_shows_it()
    {
        var world = await Api.CreateWorld();

        var skill = await Api.AddSkill(world.Teacher, world.ClassId, "  Kindness ", positive: true, value: 3);

        Assert.Equal(("Kindness", true, 3), (skill.Name, skill.Positive, skill.Value));
        var view = await Api.GetClass(world.Teacher, world.ClassId);
        Assert.Equal(skill, view.Skills[^1]);
        Assert.Equal(world.Skills.Count + 1, view.Skills.Count);
    }

    [Fact]
    public async Task a_leader_adds_a_needs_work_skill_to_a_teachers_class()
    {
        var world = await Api.CreateWorld();
        var skill = await Api.AddSkill(world.Leader, world.ClassId, "Interrupting", positive: false, value: SchoolClass.MaxSkillValue);
        Assert.Contains(skill, (await Api.GetClass(world.Teacher, world.ClassId)).Skills);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(-1)]
    public async Task a_value_outside_1_to_5_is_a_400_naming_value_and_nothing_is_added(int value)
    {
        var world = await Api.CreateWorld();
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Skills(world.ClassId),
            new AddSkill("Kindness", true, value), world.Teacher);
        Assert.Equal("value", Assert.Single(problem.Errors!.Keys));
        Assert.Equal(world.Skills, (await Api.GetClass(world.Teacher, world.ClassId)).Skills);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task an_empty_name_is_a_400_naming_name(string name)
    {
        var world = await Api.CreateWorld();
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Skills(world.ClassId),
            new AddSkill(name, true, 1), world.Teacher);
        Assert.Equal("name", Assert.Single(problem.Errors!.Keys));
        Assert.Equal(world.Skills, (await Api.GetClass(world.Teacher, world.ClassId)).Skills);
    }

    [Fact]
    public async Task a_name_the_class_already_has_is_a_409_whatever_its_case()
    {
        var world = await Api.CreateWorld();
        await Api.AddSkill(world.Teacher, world.ClassId, "Kindness");

        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, Skills(world.ClassId), new AddSkill(" kindness ", false, 2), world.Teacher);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, Skills(world.ClassId), new AddSkill("TEAMWORK", true, 1), world.Teacher);

        Assert.Equal(world.Skills.Count + 1, (await Api.GetClass(world.Teacher, world.ClassId)).Skills.Count);
    }

    [Fact]
    public async Task if_match_with_the_current_etag_succeeds_and_answers_the_new_etag()
    {
        var world = await Api.CreateWorld();
        var etag = await ETagOf(world.Teacher, world.ClassId);

        var (status, body, result) = await Api.Send(HttpMethod.Post, Skills(world.ClassId), new AddSkill("Kindness", true, 2), world.Teacher,
            s => s.WithRequestHeader("If-Match", etag));

        Assert.True(status == HttpStatusCode.Created, body);
        var newETag = result.Context.Response.Headers.ETag.ToString();
        Assert.NotEqual(etag, newETag);
        Assert.Equal(await ETagOf(world.Teacher, world.ClassId), newETag);
        (status, body, _) = await Api.Send(HttpMethod.Post, Skills(world.ClassId), new AddSkill("Patience", true, 1), world.Teacher,
            s => s.WithRequestHeader("If-Match", newETag));
        Assert.True(status == HttpStatusCode.Created, body);
        var skills = (await Api.GetClass(world.Teacher, world.ClassId)).Skills;
        Assert.Equal(new[] { "Kindness", "Patience" }, skills.Skip(world.Skills.Count).Select(s => s.Name));
    }

    [Fact]
    public async Task a_stale_if_match_is_a_412_and_the_skill_is_not_added()
    {
        var world = await Api.CreateWorld();
        var etag = await ETagOf(world.Teacher, world.ClassId);
        await Api.AddSkill(world.Leader, world.ClassId, "Kindness");

        await Api.Problem(HttpStatusCode.PreconditionFailed, HttpMethod.Post, Skills(world.ClassId), new AddSkill("Patience", true, 1),
            world.Teacher, s => s.WithRequestHeader("If-Match", etag));

        var skills = (await Api.GetClass(world.Teacher, world.ClassId)).Skills;
        Assert.DoesNotContain(skills, s => s.Name == "Patience");
        Assert.Equal(world.Skills.Count + 1, skills.Count);
    }

    [Fact]
    public async Task another_teacher_of_the_school_gets_404()
    {
        var world = await Api.CreateWorld();
        var other = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");
        await Api.CreateClass(other);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Skills(world.ClassId), new AddSkill("Kindness", true, 1), other);

        Assert.Equal(world.Skills, (await Api.GetClass(world.Teacher, world.ClassId)).Skills);
    }

    [Fact]
    public async Task the_dpo_gets_404()
    {
        var world = await Api.CreateWorld();
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Skills(world.ClassId), new AddSkill("Kindness", true, 1), world.Dpo);
        Assert.Equal(world.Skills, (await Api.GetClass(world.Teacher, world.ClassId)).Skills);
    }

    [Fact]
    public async Task staff_of_another_school_get_404()
    {
        var world = await Api.CreateWorld();
        var elsewhere = await Api.CreateWorld();

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Skills(world.ClassId), new AddSkill("Kindness", true, 1), elsewhere.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Skills(world.ClassId), new AddSkill("Kindness", true, 1), elsewhere.Leader);

        Assert.Equal(world.Skills, (await Api.GetClass(world.Teacher, world.ClassId)).Skills);
    }

    [Fact]
    public async Task a_malformed_class_id_is_a_400_naming_classId()
    {
        var world = await Api.CreateWorld();
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/classes/not-a-guid/skills",
            new AddSkill("Kindness", true, 1), world.Teacher);
        Assert.Equal("classId", Assert.Single(problem.Errors!.Keys));
    }
}
