using System.Net;
using ClassComms.Consents;
using ClassComms.Tests.StudentAccounts;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Consents;

/// <summary>The student's own path, through HTTP with a real student account (StudentAccounts/: a class login code).</summary>
public sealed class when_a_student_decides_their_own_consent(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task from_the_age_of_consent_the_student_answers_for_themself_and_for_no_one_else()
    {
        var world = await Api.CreateWorld();
        var (student, other) = (world.Students[0], world.Students[1]);
        var mum = await Api.GuardianOf(world.Teacher, student);
        var ada = await Api.StudentAccount(world, 0);
        await Api.Change(mum, student, ConsentPurposes.ClassStoryMedia, true);
        var before = (await Store.StreamEvents(world.SchoolId, student)).Count;

        // Before the age of consent the student reads their consents, but the guardians decide.
        var early = await Api.Consents(ada, student);
        Assert.Equal(GetConsentsEndpoint.Guardians, early.DecidedBy);
        Assert.Null(early.BirthDate);
        var refused = await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, ConsentScenarios.Url(student),
            new ChangeConsent(ConsentPurposes.PortfolioSharing, true, null), ada);
        Assert.Contains("age of consent", refused.Detail);
        Assert.Equal(before, (await Store.StreamEvents(world.SchoolId, student)).Count);

        await Api.SetJurisdiction(world.Leader, "BE"); // 13
        await Api.SetBirthDate(world.Teacher, student, DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-13).AddDays(-3).ToString("yyyy-MM-dd"));
        await Store.WaitForStudent(world.SchoolId, student, s => s.AgeOfConsentReachedAt is not null);
        Assert.True((await Api.Consents(ada, student)).Consents.Single(c => c.Purpose == ConsentPurposes.ClassStoryMedia).ToConfirmByStudent);

        Assert.True((await Api.Change(ada, student, ConsentPurposes.ClassStoryMedia, true)).Changed); // confirms the re-asked consent
        Assert.False((await Api.Change(ada, student, ConsentPurposes.ClassStoryMedia, true)).Changed); // a repeat records nothing
        Assert.True((await Api.Change(ada, student, ConsentPurposes.PortfolioSharing, true)).Changed);
        Assert.True((await Api.Change(ada, student, ConsentPurposes.PortfolioSharing, false)).Changed); // as easy to withdraw

        var view = await Api.Consents(ada, student);
        Assert.Equal(GetConsentsEndpoint.TheStudent, view.DecidedBy);
        Assert.All(view.Consents, c => Assert.False(c.ToConfirmByStudent));
        Assert.Equal([ConsentPurposes.ClassStoryMedia], view.Consents.Where(c => c.Given).Select(c => c.Purpose));
        var mine = (await Api.ConsentHistory(ada, student)).Entries.TakeLast(3).ToList();
        Assert.All(mine, e => Assert.Equal(("student", "student", ada.UserId), (e.ActorRole, e.Source, e.RecordedBy!.Value)));

        // Another student's consents: not theirs to read or change. Evidence is for staff recording a form.
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, ConsentScenarios.Url(other),
            new ChangeConsent(ConsentPurposes.ClassStoryMedia, true, null), ada);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, ConsentScenarios.Url(other), null, ada);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"{ConsentScenarios.Url(other)}/history", null, ada);
        var withEvidence = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, ConsentScenarios.Url(student),
            new ChangeConsent(ConsentPurposes.ClassStoryMedia, false, "my note"), ada);
        Assert.True(withEvidence.Errors?.ContainsKey("evidence"));
        Assert.Empty((await Store.StreamEvents(world.SchoolId, other)).OfType<ConsentGiven>());
    }
}
