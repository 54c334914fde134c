using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using ClassComms.Accounts;
using ClassComms.Classes;
using ClassComms.Guardians;
using ClassComms.Notifications;
using ClassComms.Points;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Privacy;

/// <summary>
/// The school name, class names and skill names are staff-typed free text that may name a child (or identify a small school):
/// sealed under the school's key, never plaintext at rest.
/// </summary>
public sealed class when_staff_type_class_and_skill_names(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_school_name_a_class_name_and_a_skill_name_naming_a_child_are_in_no_table_blob_log_or_push()
    {
        var tag = Guid.NewGuid().ToString("N")[..8]; // unique per run: Azurite's files and the shared log outlive one test
        var className = $"Zorabel Windhaven's reading group {tag}";
        var skillName = $"Helped Zorabel Windhaven {tag}";
        var schoolName = $"Quillfeather Academy {tag}";
        var leader = await Api.CreateSchool(schoolName);
        var teacher = await Api.CreateStaff(leader, "teacher", "Theo Teacher");
        var created = await Api.CreateClass(teacher, className);
        var student = (await Api.Enrol(teacher, created.ClassId, "Ada Student"))[0];
        var skill = await Api.AddSkill(teacher, created.ClassId, skillName);
        var guardian = await Api.GuardianOf(teacher, student);
        await using var parentApp = await HubClient.Connect(App, guardian);
        var award = await Api.Award(teacher, created.ClassId, skill.Id, [student]);
        var push = await parentApp.WaitFor(nameof(INotificationClient.PointAwarded), n => n.PointId == award.Points[0].PointId);
        await ProjectionsCaughtUp();

        // Readers who may see them get them back through every read that shows them (so the searches below look for real values).
        Assert.Equal(className, (await Api.GetClass(teacher, created.ClassId)).Name);
        Assert.Contains(await Api.Get<List<ClassListItem>>("/api/classes", teacher), c => c.Name == className);
        Assert.Contains((await Api.GetClass(teacher, created.ClassId)).Skills, s => s.Id == skill.Id && s.Name == skillName);
        Assert.Equal(className, Assert.Single(await Api.Get<List<ChildView>>("/api/guardians/me/children", guardian)).ClassName);
        Assert.Equal(skillName, Assert.Single((await Api.Get<FeedPage>("/api/guardians/me/feed", guardian)).Items).SkillName);
        Assert.Equal(skillName, Assert.Single((await Api.GetHistory(guardian, student)).Points).SkillName);
        var summary = await Api.Get<ClassSummary>($"/api/classes/{created.ClassId}/summary", teacher);
        Assert.Equal(skillName, Assert.Single(summary.Skills).SkillName);
        var signedIn = await Api.Post<LoginSucceeded>("/api/auth/login", new Login(teacher.Email, Api.Password), null, System.Net.HttpStatusCode.OK);
        Assert.Equal(schoolName, Assert.Single(signedIn.Memberships).SchoolName);

        string[] typed = [className, skillName, "Zorabel Windhaven", schoolName];

        // PostgreSQL: every schema and table (events, documents, Wolverine's envelopes and dead letters, keys).
        var dump = await DatabaseDump.TakeAsync();
        Assert.Contains(created.ClassId.ToString(), dump);
        foreach (var value in typed)
        {
            Assert.False(dump.Contains(value, StringComparison.OrdinalIgnoreCase), $"The database dump contains staff-typed text ({value.Length} chars).");
        }

        // Blob Storage, every container, and Azurite's files on disk.
        await StorageScan.AssertAbsentAsync(Host.Services.GetRequiredService<BlobServiceClient>(), typed);

        // Pushes carry ids: the skill id, not its name.
        Assert.Equal(skill.Id, push.SkillId);
        var pushed = string.Join('\n', parentApp.Received.Select(r => JsonSerializer.Serialize(r.Notice, r.Notice.GetType())));
        Assert.Contains(skill.Id.ToString(), pushed);
        foreach (var value in typed) Assert.DoesNotContain(value, pushed);

        // Logs of the whole host.
        App.AssertLogsContainNone(typed, "staff-typed text");
    }

    [Fact]
    public async Task a_class_name_copied_onto_another_class_does_not_open()
    {
        var world = await Api.CreateWorld();
        var other = await Api.CreateClass(world.Teacher, "Grade 5");
        await using (var session = Store.LightweightSession(world.SchoolId.ToString("D")))
        {
            var source = (await session.LoadAsync<SchoolClass>(world.ClassId))!;
            var target = (await session.LoadAsync<SchoolClass>(other.ClassId))!;
            // A name sealed for one class (or skill), pasted onto another record, is refused: the seal is bound to its record.
            session.Store(target with { Name = source.Name, Skills = [target.Skills[0] with { Name = source.Skills[1].Name }, .. target.Skills.Skip(1)] });
            await session.SaveChangesAsync();
        }

        var view = await Api.GetClass(world.Teacher, other.ClassId);
        Assert.Null(view.Name);
        Assert.Null(view.Skills[0].Name);
        Assert.Equal(SchoolClass.DefaultSkills[1].Name, view.Skills[1].Name);
    }
}
