using ClassComms.Notifications;
using ClassComms.Tests.Privacy;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Notifications;

/// <summary>Once a student's erasure is complete, each of the student's guardians is told (ids only), so an open page drops the child.</summary>
public sealed class when_a_child_is_erased(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_guardians_get_child_removed_with_ids_only_and_a_classmates_guardian_gets_nothing()
    {
        var world = await Api.CreateWorld("Ada Erased", "Ben Stays");
        var erased = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, erased, "Gail Guardian");
        var otherGuardian = await Api.GuardianOf(world.Teacher, world.Students[1], "Olive Other");
        await using var guardianApp = await HubClient.Connect(App, guardian);
        await using var otherApp = await HubClient.Connect(App, otherGuardian);

        await Api.EraseStudent(world.Dpo, erased);

        var notice = await guardianApp.WaitFor<ChildRemovedNotice>(nameof(INotificationClient.ChildRemoved), n => n.StudentId == erased);
        Assert.Equal(world.ClassId, notice.ClassId);
        Assert.Equal(PushChildRemovedHandler.Erased, notice.Reason);
        Assert.DoesNotContain("Ada", System.Text.Json.JsonSerializer.Serialize(notice));
        // The push for the erased child came; the classmate's guardian, connected all along, got none.
        Assert.Empty(otherApp.All<ChildRemovedNotice>(nameof(INotificationClient.ChildRemoved)));
    }
}
