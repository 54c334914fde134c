using System.Net;
using ClassComms.Consents;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Consents;

public sealed class when_giving_and_withdrawing_consent(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task no_consent_stands_by_default()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);

        var view = await Api.Consents(mum, world.Students[0]);

        Assert.Equal(ConsentPurposes.All, view.Consents.Select(c => c.Purpose));
        Assert.All(view.Consents, c => Assert.False(c.Given));
        Assert.Equal(GetConsentsEndpoint.Guardians, view.DecidedBy);
        Assert.Null(view.BirthDate);
    }

    [Fact]
    public async Task a_linked_guardian_gives_and_withdraws_with_the_same_request_and_a_repeat_records_nothing()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, student);

        var given = await Api.Change(mum, student, ConsentPurposes.ClassStoryMedia, true);
        var repeated = await Api.Change(mum, student, ConsentPurposes.ClassStoryMedia, true);

        Assert.True(given.Changed);
        Assert.False(repeated.Changed);
        Assert.True(repeated.Given);
        Assert.True((await Api.Consents(world.Teacher, student)).Consents.Single(c => c.Purpose == ConsentPurposes.ClassStoryMedia).Given);
        Assert.True((await Api.Consents(mum, student)).Consents.Single(c => c.Purpose == ConsentPurposes.ClassStoryMedia).Given);
        Assert.Single((await Store.StreamEvents(world.SchoolId, student)).OfType<ConsentGiven>());

        var withdrawn = await Api.Change(mum, student, ConsentPurposes.ClassStoryMedia, false);
        var withdrawnAgain = await Api.Change(mum, student, ConsentPurposes.ClassStoryMedia, false);

        Assert.True(withdrawn.Changed);
        Assert.False(withdrawnAgain.Changed);
        Assert.All((await Api.Consents(mum, student)).Consents, c => Assert.False(c.Given));
        var consentEvents = (await Store.StreamEvents(world.SchoolId, student)).Where(e => e is ConsentGiven or ConsentWithdrawn).ToList();
        Assert.Equal(2, consentEvents.Count);
        var withdrawal = Assert.IsType<ConsentWithdrawn>(consentEvents[1]);
        Assert.Equal(mum.UserId, withdrawal.RecordedBy);
        Assert.Equal(ConsentSource.Guardian, withdrawal.Source);
        Assert.Null(withdrawal.Evidence);
    }

    [Fact]
    public async Task bad_input_is_a_400_naming_the_field_and_commits_nothing()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, student);
        var before = (await Store.StreamEvents(world.SchoolId, student)).Count;

        await AssertInvalid(mum, student, new ChangeConsent("selfies", true, null), "purpose");
        await AssertInvalid(mum, student, new ChangeConsent(null, true, null), "purpose");
        await AssertInvalid(mum, student, new ChangeConsent(ConsentPurposes.SchoolStoryMedia, null, null), "given");
        await AssertInvalid(mum, student, new ChangeConsent(ConsentPurposes.SchoolStoryMedia, true, "my own note"), "evidence");
        await AssertInvalid(world.Teacher, student, new ChangeConsent(ConsentPurposes.SchoolStoryMedia, true, null), "evidence");
        await AssertInvalid(world.Teacher, student, new ChangeConsent(ConsentPurposes.SchoolStoryMedia, true, new string('x', 501)), "evidence");
        Assert.Equal(before, (await Store.StreamEvents(world.SchoolId, student)).Count);
    }

    [Fact]
    public async Task a_guardian_of_another_child_a_restricted_guardian_and_an_unknown_student_get_404()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, student, "Mum");
        var dad = await Api.GuardianOf(world.Teacher, student, "Dad");
        var otherParent = await Api.GuardianOf(world.Teacher, world.Students[1], "Other");
        await Api.RestrictGuardian(world.Leader, student, dad.UserId);
        dad = await Api.SignInAgain(dad);
        var before = (await Store.StreamEvents(world.SchoolId, student)).Count;

        foreach (var who in new[] { otherParent, dad })
        {
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, ConsentScenarios.Url(student),
                new ChangeConsent(ConsentPurposes.ClassStoryMedia, true, null), who);
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, ConsentScenarios.Url(student), null, who);
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"{ConsentScenarios.Url(student)}/history", null, who);
        }

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, ConsentScenarios.Url(Guid.NewGuid()),
            new ChangeConsent(ConsentPurposes.ClassStoryMedia, true, null), mum);
        Assert.Equal(before, (await Store.StreamEvents(world.SchoolId, student)).Count);
    }

    [Fact]
    public async Task the_dpo_reads_consents_but_may_not_change_them()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];

        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, ConsentScenarios.Url(student),
            new ChangeConsent(ConsentPurposes.ClassStoryMedia, true, "form 12"), world.Dpo);

        Assert.All((await Api.Consents(world.Dpo, student)).Consents, c => Assert.False(c.Given));
        Assert.Empty((await Store.StreamEvents(world.SchoolId, student)).OfType<ConsentGiven>());
    }

    [Fact]
    public async Task changes_racing_on_one_student_are_ordered_each_committed_change_answered_200_and_the_other_409()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, student, "Mum");
        var dad = await Api.GuardianOf(world.Teacher, student, "Dad");

        (Session Who, string Purpose)[] changes = [(mum, ConsentPurposes.ClassStoryMedia), (dad, ConsentPurposes.SchoolStoryMedia)];
        for (var round = 0; round < 5; round++)
        {
            var target = round % 2 == 0; // each round starts from the opposite
            var answers = await Task.WhenAll(changes.Select(c =>
                Api.Send(HttpMethod.Post, ConsentScenarios.Url(student), new ChangeConsent(c.Purpose, target, null), c.Who)));
            var view = await Api.Consents(mum, student);
            for (var i = 0; i < changes.Length; i++)
            {
                Assert.True(answers[i].Status is HttpStatusCode.OK or HttpStatusCode.Conflict, answers[i].Body);
                // A 200 committed its change; a 409 committed nothing.
                var stands = view.Consents.Single(c => c.Purpose == changes[i].Purpose).Given;
                Assert.Equal(answers[i].Status == HttpStatusCode.OK ? target : !target, stands);
                if (answers[i].Status == HttpStatusCode.Conflict) await Api.Change(changes[i].Who, student, changes[i].Purpose, target);
            }
        }

        var events = (await Store.StreamEvents(world.SchoolId, student)).Where(e => e is ConsentGiven or ConsentWithdrawn).ToList();
        Assert.Equal(10, events.Count);
    }

    private async Task AssertInvalid(Session who, Guid studentId, ChangeConsent request, string field)
    {
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, ConsentScenarios.Url(studentId), request, who);
        Assert.True(problem.Errors?.ContainsKey(field), $"the 400 does not name '{field}': {problem.Detail}");
    }
}
