using System.Net;
using ClassComms.Guardians;
using ClassComms.Points;
using ClassComms.ProcessingRestriction;
using ClassComms.Rectification;
using ClassComms.Students;
using ClassComms.Tests.Support;
using Marten;

namespace ClassComms.Tests.ProcessingRestriction;

public sealed class when_restricting_processing(AppFixture app) : IntegrationTest(app)
{
    private const string Url = "/api/dpo/restrictions";

    [Fact]
    public async Task a_frozen_student_is_read_by_the_dpo_only_refuses_points_and_lifting_restores_everything()
    {
        var world = await Api.CreateWorld();
        var (ada, ben) = (world.Students[0], world.Students[1]);
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        Assert.Single(await Api.Get<List<ChildView>>("/api/guardians/me/children", guardian));

        var frozen = await Api.Post<RestrictionView>(Url, new RestrictProcessing(ada, "accuracyContested"), world.Dpo);
        Assert.Equal("student", frozen.SubjectKind);

        Assert.Empty(await Api.Get<List<ChildView>>("/api/guardians/me/children", guardian));
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{ada}", null, guardian);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{ada}", null, world.Teacher);
        Assert.Equal(ada, (await Api.Get<StudentView>($"/api/students/{ada}", world.Dpo)).StudentId);

        await using (var before = Store.QuerySession(world.SchoolId.ToString("D")))
        {
            var versionBefore = (await before.Events.FetchStreamStateAsync(ada))!.Version;
            var locked = await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/classes/{world.ClassId}/points",
                new AwardPoints(world.Positive.Id, [ada, ben], false, null), world.Teacher);
            Assert.Equal(409, locked.Status);
            await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/students/{ada}/name", new RectifyName("Ada X"), world.Leader);
            await using var after = Store.QuerySession(world.SchoolId.ToString("D"));
            Assert.Equal(versionBefore, (await after.Events.FetchStreamStateAsync(ada))!.Version);
            Assert.Equal(0, (await after.Events.FetchStreamAsync(ben)).Count(e => e.Data is PointAwarded));
        }

        var whole = await Api.Post<PointsAwardedResponse>($"/api/classes/{world.ClassId}/points", new AwardPoints(world.Positive.Id, null, true, null),
            world.Teacher);
        Assert.DoesNotContain(ada, whole.Points.Select(p => p.StudentId));
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, Url, new RestrictProcessing(ada, "legalClaims"), world.Dpo);

        await Api.Post<RestrictionView>($"{Url}/{ada}/lift", new LiftProcessingRestriction("accuracyVerified"), world.Dpo, HttpStatusCode.OK);

        Assert.Single(await Api.Get<List<ChildView>>("/api/guardians/me/children", guardian));
        Assert.Equal(ada, (await Api.Get<StudentView>($"/api/students/{ada}", world.Teacher)).StudentId);
        await Api.Post<PointsAwardedResponse>($"/api/classes/{world.ClassId}/points", new AwardPoints(world.Positive.Id, [ada], false, null), world.Teacher);
        var history = await Api.Get<RestrictionHistoryView>($"{Url}/{ada}/history", world.Dpo);
        Assert.False(history.Restricted);
        Assert.Equal([("restricted", "accuracyContested"), ("lifted", "accuracyVerified")], history.Changes.Select(c => (c.Kind, c.ReasonCode)));
        Assert.All(history.Changes, c => Assert.Equal(world.Dpo.UserId, c.Actor));
    }

    [Fact]
    public async Task a_parent_code_links_nobody_while_the_child_is_frozen_and_works_once_it_is_lifted()
    {
        var world = await Api.CreateWorld();
        var code = await Api.IssueCode(world.Teacher, world.Students[0]);
        await Api.Post<RestrictionView>(Url, new RestrictProcessing(world.Students[0], "objectionPending"), world.Dpo);

        var email = Support.Api.NewEmail("guardian");
        await Api.Expect<RegistrationPending>(HttpStatusCode.Accepted, HttpMethod.Post, "/api/guardians/register",
            new RegisterGuardian(code.Code, "Gail Guardian", email, Support.Api.Password), null, Support.Api.FromNewAddress);
        var token = (await Support.Api.RegistrationMailTo(email)).Token;
        // A new link is new processing: the confirmation answers as an invalid code would (nothing about the restriction) and creates nothing.
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/guardians/register/confirm", new ConfirmGuardianRegistration(token), null, Support.Api.FromNewAddress);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new ClassComms.Accounts.Login(email, Support.Api.Password), null, Support.Api.FromNewAddress);

        await Api.Post<RestrictionView>($"{Url}/{world.Students[0]}/lift", new LiftProcessingRestriction("objectionDecided"), world.Dpo, HttpStatusCode.OK);
        await Api.ConfirmRegistration(email);
        Assert.Single(await Api.Get<List<ChildView>>("/api/guardians/me/children", await Api.Login(email)));
    }

    [Fact]
    public async Task a_frozen_guardian_is_hidden_from_staff_and_their_name_cannot_change_and_only_the_dpo_restricts()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);

        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, Url, new RestrictProcessing(guardian.UserId, "accuracyContested"), world.Leader);
        var bad = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Url, new RestrictProcessing(null, "because"), world.Dpo);
        Assert.Equal(["reasonCode", "subjectId"], bad.Errors!.Keys.Order());
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Url, new RestrictProcessing(world.Teacher.UserId, "legalClaims"), world.Dpo);
        await Api.Post<RestrictionView>(Url, new RestrictProcessing(guardian.UserId, "legalClaims"), world.Dpo);

        Assert.Empty((await Api.Get<StudentView>($"/api/students/{world.Students[0]}", world.Teacher)).Guardians!);
        Assert.Single((await Api.Get<StudentView>($"/api/students/{world.Students[0]}", world.Dpo)).Guardians!);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/members/{guardian.UserId}/name", new RectifyName("Someone Else"), guardian);
        Assert.Single(await Api.Get<List<SubjectRestriction>>(Url, world.Dpo));
    }
}
