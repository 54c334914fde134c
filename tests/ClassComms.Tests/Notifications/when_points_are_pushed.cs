using System.Net;
using ClassComms.Notifications;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Notifications;

public sealed class when_points_are_pushed(AppFixture app) : IntegrationTest(app)
{
    private const string Awarded = nameof(INotificationClient.PointAwarded);
    private const string Removed = nameof(INotificationClient.PointRemoved);

    [Fact]
    public async Task the_parent_receives_their_childs_point_and_the_other_parent_does_not()
    {
        var world = await Api.CreateWorld("Ada Lovelace", "Ben Franklin");
        var adasParent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var bensParent = await Api.GuardianOf(world.Teacher, world.Students[1]);
        await using var ada = await HubClient.Connect(App, adasParent);
        await using var ben = await HubClient.Connect(App, bensParent);

        var toAda = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]], "A private note");
        var toBen = await Api.Award(world.Teacher, world.ClassId, world.NeedsWork.Id, [world.Students[1]]);

        var notice = await ada.WaitFor(Awarded, n => n.PointId == toAda.Points[0].PointId);
        Assert.Equal(world.Students[0], notice.StudentId);
        Assert.Equal(world.Positive.Id, notice.SkillId);
        Assert.True(notice.HasNote);
        await ben.WaitFor(Awarded, n => n.PointId == toBen.Points[0].PointId);

        Assert.All(ada.All<PointNotice>(Awarded), n => Assert.Equal(world.Students[0], n.StudentId));
        Assert.All(ben.All<PointNotice>(Awarded), n => Assert.Equal(world.Students[1], n.StudentId));
    }

    [Fact]
    public async Task the_teachers_other_sessions_hear_of_awards_and_removals()
    {
        var world = await Api.CreateWorld();
        await using var teacherTablet = await HubClient.Connect(App, world.Teacher);
        var award = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0], world.Students[1]]);
        await teacherTablet.WaitFor(Awarded, n => n.PointId == award.Points[1].PointId);

        await Api.Send(HttpMethod.Delete, $"/api/awards/{award.AwardId}", null, world.Teacher);
        await teacherTablet.WaitFor(Removed, n => n.PointId == award.Points[0].PointId);
        await teacherTablet.WaitFor(Removed, n => n.PointId == award.Points[1].PointId);
    }

    [Fact]
    public async Task a_restricted_guardian_receives_nothing_while_the_other_guardian_does()
    {
        var world = await Api.CreateWorld();
        var restricted = await Api.GuardianOf(world.Teacher, world.Students[0], "Restricted Parent");
        var allowed = await Api.GuardianOf(world.Teacher, world.Students[0], "Allowed Parent");
        var (status, _, _) = await Api.Send(HttpMethod.Post,
            $"/api/students/{world.Students[0]}/guardians/{restricted.UserId}/restriction", null, world.Leader);
        Assert.Equal(HttpStatusCode.NoContent, status);
        restricted = await Api.SignInAgain(restricted);
        await using var restrictedClient = await HubClient.Connect(App, restricted);
        await using var allowedClient = await HubClient.Connect(App, allowed);

        var award = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]]);
        await allowedClient.WaitFor(Awarded, n => n.PointId == award.Points[0].PointId);
        // Both groups are addressed in the same send; give the other long-poll a moment to deliver anything it would have.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(restrictedClient.Received);
    }

    [Fact]
    public async Task an_anonymous_connection_is_refused()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await HubClient.Connect(App, null));
        Assert.Contains("401", error.Message);
    }
}
