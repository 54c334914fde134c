using System.Net;
using ClassComms.Consents;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Consents;

public sealed class when_recording_a_paper_form(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_class_teacher_and_a_leader_record_forms_with_their_evidence_sealed_for_the_student()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];

        var byTeacher = await Api.Change(world.Teacher, student, ConsentPurposes.SchoolStoryMedia, true, "Photo form 2026-27, signed by the mother");
        var byLeader = await Api.Change(world.Leader, student, ConsentPurposes.PortfolioSharing, true, "Enrolment pack, page 3");

        Assert.True(byTeacher.Changed && byLeader.Changed);
        var events = (await Store.StreamEvents(world.SchoolId, student)).OfType<ConsentGiven>().ToList();
        Assert.All(events, e => Assert.Equal(ConsentSource.PaperForm, e.Source));
        Assert.All(events, e => Assert.NotNull(e.Evidence));
        Assert.Equal([world.Teacher.UserId, world.Leader.UserId], events.Select(e => e.RecordedBy));
        Assert.Equal([ConsentPurposes.SchoolStoryMedia, ConsentPurposes.PortfolioSharing],
            (await Api.Consents(world.Dpo, student)).Consents.Where(c => c.Given).Select(c => c.Purpose));
    }

    [Fact]
    public async Task a_teacher_of_another_class_gets_404_and_a_repeat_records_nothing()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];
        var otherTeacher = await Api.CreateStaff(world.Leader, "teacher", "Other Teacher");
        await Api.CreateClass(otherTeacher, "Grade 6");

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, ConsentScenarios.Url(student),
            new ChangeConsent(ConsentPurposes.ClassStoryMedia, true, "form"), otherTeacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, ConsentScenarios.Url(student), null, otherTeacher);
        Assert.Empty((await Store.StreamEvents(world.SchoolId, student)).OfType<ConsentGiven>());

        await Api.Change(world.Teacher, student, ConsentPurposes.ClassStoryMedia, true, "form A");
        var again = await Api.Change(world.Teacher, student, ConsentPurposes.ClassStoryMedia, true, "form B");
        Assert.False(again.Changed);
        Assert.Single((await Store.StreamEvents(world.SchoolId, student)).OfType<ConsentGiven>());
    }
}
