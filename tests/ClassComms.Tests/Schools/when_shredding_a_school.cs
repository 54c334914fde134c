using System.Net;
using ClassComms.Classes;
using ClassComms.Guardians;
using ClassComms.PersonalData;
using ClassComms.Points;
using ClassComms.Schools;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Schools;

public sealed class when_shredding_a_school(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task its_class_and_skill_names_no_longer_open_anywhere_and_other_schools_keep_theirs()
    {
        var world = await Api.CreateWorld();
        var neighbour = await Api.CreateWorld();
        var skill = await Api.AddSkill(world.Teacher, world.ClassId, "Kindness to Ada");
        var student = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, student);
        await Api.Award(world.Teacher, world.ClassId, skill.Id, [student]);
        await ProjectionsCaughtUp();
        Assert.Equal("Grade 3", (await Api.GetClass(world.Teacher, world.ClassId)).Name);

        var vault = Host.Services.GetRequiredService<PersonalDataVault>();
        await ShredSchool.ShredTextAsync(vault, world.SchoolId, world.Leader.UserId, CancellationToken.None);

        var view = await Api.GetClass(world.Teacher, world.ClassId);
        Assert.Null(view.Name);
        Assert.All(view.Skills, s => Assert.Null(s.Name));
        Assert.Equal("Ada Student", view.Students[0].Name); // people keep their own keys: the school-leaves workflow (issue 9) erases them
        Assert.All(await Api.Get<List<ClassListItem>>("/api/classes", world.Teacher), c => Assert.Null(c.Name));
        Assert.Null(Assert.Single(await Api.Get<List<ChildView>>("/api/guardians/me/children", guardian)).ClassName);
        Assert.Null(Assert.Single((await Api.Get<FeedPage>("/api/guardians/me/feed", guardian)).Items).SkillName);
        Assert.Null(Assert.Single((await Api.GetHistory(world.Teacher, student)).Points).SkillName);
        Assert.Null(Assert.Single((await Api.Get<ClassSummary>($"/api/classes/{world.ClassId}/summary", world.Teacher)).Skills).SkillName);

        // The key is gone for good: no new free text can be sealed for the school, and its key rows are fences.
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, "/api/classes", new CreateClass("Grade 4", null), world.Teacher);
        var rows = await Host.Services.GetRequiredService<SubjectKeyStore>().FindAsync([world.SchoolId], CancellationToken.None);
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Null(r.WrappedKey));

        // Another school is untouched.
        var theirs = await Api.GetClass(neighbour.Teacher, neighbour.ClassId);
        Assert.Equal("Grade 3", theirs.Name);
        Assert.All(theirs.Skills, s => Assert.NotNull(s.Name));
    }
}
