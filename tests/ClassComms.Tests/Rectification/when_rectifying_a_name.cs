using System.Net;
using ClassComms.Guardians;
using ClassComms.Rectification;
using ClassComms.Students;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Rectification;

public sealed class when_rectifying_a_name(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_class_teacher_corrects_a_student_name_every_read_shows_it_and_the_old_one_stays_sealed_in_history()
    {
        var world = await Api.CreateWorld("Ada Lovelace-Typo");
        var student = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, student);

        await Api.Post<NameRectified>($"/api/students/{student}/name", new RectifyName("Ada Lovelace"), world.Teacher, HttpStatusCode.OK);

        Assert.Equal("Ada Lovelace", (await Api.Get<StudentView>($"/api/students/{student}", world.Teacher)).Name);
        Assert.Equal("Ada Lovelace", Assert.Single(await Api.Get<List<ChildView>>("/api/guardians/me/children", guardian)).Name);
        foreach (var reader in new[] { world.Dpo, guardian })
        {
            var entry = Assert.Single((await Api.Get<RectificationHistoryView>($"/api/rectifications/{student}/history", reader)).Entries);
            Assert.Equal(("name", "Ada Lovelace-Typo", "Ada Lovelace", world.Teacher.UserId), (entry.Field, entry.Previous, entry.Value, entry.RectifiedBy));
        }

        var dump = await DatabaseDump.TakeAsync();
        Assert.DoesNotContain("Lovelace", dump);
    }

    [Fact]
    public async Task a_guardian_corrects_their_own_name_and_the_dpo_anyone_but_a_teacher_of_another_class_or_a_guardian_nobody_else()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0], "Gail Guardain");
        var otherTeacher = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");

        await Api.Post<NameRectified>($"/api/members/{guardian.UserId}/name", new RectifyName("Gail Guardian"), guardian, HttpStatusCode.OK);
        var staffView = await Api.Get<StudentView>($"/api/students/{world.Students[0]}", world.Teacher);
        Assert.Equal("Gail Guardian", Assert.Single(staffView.Guardians!).Name);
        await Api.Post<NameRectified>($"/api/members/{world.Teacher.UserId}/name", new RectifyName("Theo T. Teacher"), world.Dpo, HttpStatusCode.OK);
        await Api.Post<NameRectified>($"/api/students/{world.Students[1]}/name", new RectifyName("Ben B."), world.Dpo, HttpStatusCode.OK);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/students/{world.Students[0]}/name", new RectifyName("X"), otherTeacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/students/{world.Students[0]}/name", new RectifyName("X"), guardian);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/members/{world.Teacher.UserId}/name", new RectifyName("X"), guardian);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/rectifications/{world.Teacher.UserId}/history", null, guardian);
        var invalid = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/students/{world.Students[0]}/name", new RectifyName(" "),
            world.Teacher);
        Assert.Equal(["name"], invalid.Errors!.Keys);

        var own = Assert.Single((await Api.Get<RectificationHistoryView>($"/api/rectifications/{guardian.UserId}/history", guardian)).Entries);
        Assert.Equal(("Gail Guardain", "Gail Guardian", guardian.UserId), (own.Previous, own.Value, own.RectifiedBy));
        Assert.Single((await Api.Get<RectificationHistoryView>($"/api/rectifications/{world.Teacher.UserId}/history", world.Dpo)).Entries);
        Assert.Empty((await Api.Get<RectificationHistoryView>($"/api/rectifications/{world.Students[0]}/history", world.Dpo)).Entries);
    }
}
