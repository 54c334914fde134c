using System.Net;
using ClassComms.Accounts;
using ClassComms.Classes;
using ClassComms.Guardians;
using ClassComms.PersonalData;
using ClassComms.Points;
using ClassComms.Privacy;
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
        Assert.Equal("Test School", Assert.Single((await Api.Post<LoginSucceeded>("/api/auth/login",
            new Login(world.Teacher.Email, Api.Password), null, HttpStatusCode.OK)).Memberships).SchoolName);

        await Host.Services.GetRequiredService<ShredSchool>().ShredTextAsync(world.SchoolId, world.Leader.UserId, CancellationToken.None);

        var view = await Api.GetClass(world.Teacher, world.ClassId);
        Assert.Null(view.Name);
        Assert.All(view.Skills, s => Assert.Null(s.Name));
        Assert.Equal("Ada Student", view.Students[0].Name);
        var signedIn = await Api.Post<LoginSucceeded>("/api/auth/login", new Login(world.Teacher.Email, Api.Password), null, HttpStatusCode.OK);
        Assert.Null(Assert.Single(signedIn.Memberships).SchoolName); // people keep their own keys: the school-leaves workflow (issue 9) erases them
        Assert.All(await Api.Get<List<ClassListItem>>("/api/classes", world.Teacher), c => Assert.Null(c.Name));
        Assert.Null(Assert.Single(await Api.Get<List<ChildView>>("/api/guardians/me/children", guardian)).ClassName);
        Assert.Null(Assert.Single((await Api.Get<FeedPage>("/api/guardians/me/feed", guardian)).Items).SkillName);
        Assert.Null(Assert.Single((await Api.GetHistory(world.Teacher, student)).Points).SkillName);
        Assert.Null(Assert.Single((await Api.Get<ClassSummary>($"/api/classes/{world.ClassId}/summary", world.Teacher)).Skills).SkillName);

        // The key is gone for good: its key rows are fences.
        var rows = await Host.Services.GetRequiredService<SubjectKeyStore>().FindAsync([world.SchoolId], CancellationToken.None);
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Null(r.WrappedKey));

        // The shred is in the erasure ledger (outside the database), so a restore of an older backup is shredded again.
        var entry = Assert.Single(await Host.Services.GetRequiredService<ErasureLedger>().ReadAsync(world.SchoolId, CancellationToken.None));
        Assert.Equal((world.SchoolId, SubjectKinds.School, world.SchoolId), (entry.SubjectId, entry.SubjectKind, entry.SchoolId));

        // Another school is untouched.
        var theirs = await Api.GetClass(neighbour.Teacher, neighbour.ClassId);
        Assert.Equal("Grade 3", theirs.Name);
        Assert.Equal("Test School", Assert.Single((await Api.Post<LoginSucceeded>("/api/auth/login",
            new Login(neighbour.Teacher.Email, Api.Password), null, HttpStatusCode.OK)).Memberships).SchoolName);
        Assert.All(theirs.Skills, s => Assert.NotNull(s.Name));
    }

    [Fact]
    public async Task creating_a_class_or_a_skill_afterwards_answers_410_saying_the_schools_data_was_erased_and_commits_nothing()
    {
        var world = await Api.CreateWorld();
        await Host.Services.GetRequiredService<ShredSchool>().ShredTextAsync(world.SchoolId, world.Leader.UserId, CancellationToken.None);
        var classes = await Api.Get<List<ClassListItem>>("/api/classes", world.Leader);
        var before = await Api.GetClass(world.Teacher, world.ClassId);

        var onClass = await Api.Problem(HttpStatusCode.Gone, HttpMethod.Post, "/api/classes", new CreateClass("Grade 4", null), world.Teacher);
        var onSkill = await Api.Problem(HttpStatusCode.Gone, HttpMethod.Post, $"/api/classes/{world.ClassId}/skills",
            new AddSkill("Kindness", true, 1), world.Teacher);

        foreach (var problem in new[] { onClass, onSkill })
        {
            Assert.Contains("school's data has been erased", problem.Detail);
            Assert.DoesNotContain("person", problem.Detail);
        }

        Assert.Equal(classes.Count, (await Api.Get<List<ClassListItem>>("/api/classes", world.Leader)).Count);
        Assert.Equal(before.Skills.Count, (await Api.GetClass(world.Teacher, world.ClassId)).Skills.Count);
    }
}
