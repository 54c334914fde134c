using System.Net;
using ClassComms.Conversations;
using ClassComms.Notifications;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Conversations;

public sealed class when_announcing_to_a_class(AppFixture app) : IntegrationTest(app)
{
    private const string Received = nameof(INotificationClient.MessageReceived);

    [Fact]
    public async Task every_linked_guardian_gets_it_pushed_and_in_their_inbox()
    {
        var world = await Api.CreateWorld();
        var parents = new List<Session>();
        foreach (var student in world.Students) parents.Add(await Api.GuardianOf(world.Teacher, student));
        var clients = new List<HubClient>();
        foreach (var parent in parents) clients.Add(await HubClient.Connect(App, parent));

        var posted = await Api.Announce(world.Teacher, world.ClassId, "Picture day is Thursday");
        Assert.Equal(parents.Count, posted.Recipients);
        foreach (var client in clients) await client.WaitFor<MessageNotice>(Received, n => n.MessageId == posted.MessageId);
        await ProjectionsCaughtUp();
        foreach (var parent in parents)
        {
            var item = Assert.Single((await Api.Inbox(parent)).Items);
            Assert.Equal("Picture day is Thursday", item.Message.Text);
        }

        foreach (var client in clients) await client.DisposeAsync();
    }

    [Fact]
    public async Task a_guardian_restricted_for_a_named_student_gets_nothing_of_that_announcement()
    {
        var world = await Api.CreateWorld();
        var restricted = await Api.GuardianOf(world.Teacher, world.Students[0], "Restricted");
        var other = await Api.GuardianOf(world.Teacher, world.Students[0], "Allowed");
        var siblingCode = await Api.IssueCode(world.Teacher, world.Students[1]);
        await Api.Post<ClassComms.Guardians.ChildLinked>("/api/guardians/me/children", new ClassComms.Guardians.LinkChild(siblingCode.Code), restricted, HttpStatusCode.OK);
        await Api.Send(HttpMethod.Post, $"/api/students/{world.Students[0]}/guardians/{restricted.UserId}/restriction", null, world.Leader);
        restricted = await Api.SignInAgain(restricted);
        await using var restrictedApp = await HubClient.Connect(App, restricted);
        await using var otherApp = await HubClient.Connect(App, other);

        var naming = await Api.Announce(world.Teacher, world.ClassId, "Congratulations to Ada for the science prize", [world.Students[0]]);
        var general = await Api.Announce(world.Teacher, world.ClassId, "No school on Monday");
        await otherApp.WaitFor<MessageNotice>(Received, n => n.MessageId == naming.MessageId);
        await restrictedApp.WaitFor<MessageNotice>(Received, n => n.MessageId == general.MessageId);
        Assert.DoesNotContain(restrictedApp.All<MessageNotice>(Received), n => n.MessageId == naming.MessageId);

        await ProjectionsCaughtUp();
        Assert.Equal(["No school on Monday"], (await Api.Inbox(restricted)).Items.Select(i => i.Message.Text));
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/conversations/{naming.ConversationId}/messages", null, restricted);
    }

    [Fact]
    public async Task guardians_cannot_answer_announcements_and_bad_announcements_are_refused()
    {
        var world = await Api.CreateWorld();
        var other = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var posted = await Api.Announce(world.Teacher, world.ClassId, "Bring boots");
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"/api/conversations/{posted.ConversationId}/messages", new PostMessage("Ok!", null, false), parent);
        Assert.Contains("aboutStudentIds", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/classes/{world.ClassId}/announcements",
            new PostAnnouncement("Hi", [other.Students[0]], false), world.Teacher)).Errors!.Keys);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/classes/{world.ClassId}/announcements",
            new PostAnnouncement("Hi", null, false), other.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/classes/{world.ClassId}/announcements",
            new PostAnnouncement("Hi", null, false), parent);
    }
}
