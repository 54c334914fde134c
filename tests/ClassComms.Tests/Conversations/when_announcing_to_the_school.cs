using System.Net;
using ClassComms.Conversations;
using ClassComms.Notifications;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Conversations;

public sealed class when_announcing_to_the_school(AppFixture app) : IntegrationTest(app)
{
    private const string Received = nameof(INotificationClient.MessageReceived);
    private const string Url = "/api/school/announcements";

    private Task<AnnouncementPosted> AnnounceToSchool(Session leader, string text, bool urgent = false) =>
        Api.Post<AnnouncementPosted>(Url, new PostSchoolAnnouncement(text, urgent), leader);

    [Fact]
    public async Task families_of_every_class_get_it_pushed_and_in_their_inbox_and_another_schools_families_do_not()
    {
        var world = await Api.CreateWorld();
        var secondClass = await Api.CreateClass(world.Teacher, "Grade 4");
        var secondStudents = await Api.Enrol(world.Teacher, secondClass.ClassId, "Dan Student");
        var other = await Api.CreateWorld();
        var first = await Api.GuardianOf(world.Teacher, world.Students[0], "First Class");
        var second = await Api.GuardianOf(world.Teacher, secondStudents[0], "Second Class");
        var elsewhere = await Api.GuardianOf(other.Teacher, other.Students[0], "Other School");
        await using var firstApp = await HubClient.Connect(App, first);
        await using var secondApp = await HubClient.Connect(App, second);
        await using var elsewhereApp = await HubClient.Connect(App, elsewhere);

        var posted = await AnnounceToSchool(world.Leader, "The school is closed on Friday for the snow");
        Assert.Equal(2, posted.Recipients);
        var pushed = await firstApp.WaitFor<MessageNotice>(Received, n => n.MessageId == posted.MessageId);
        await secondApp.WaitFor<MessageNotice>(Received, n => n.MessageId == posted.MessageId);
        Assert.Equal((ConversationKinds.SchoolAnnouncement, posted.ConversationId), (pushed.Kind, pushed.ConversationId));
        await ProjectionsCaughtUp();
        foreach (var parent in new[] { first, second })
        {
            var item = Assert.Single((await Api.Inbox(parent)).Items);
            Assert.Equal("The school is closed on Friday for the snow", item.Message.Text);
            Assert.Contains((await Api.Get<List<ConversationSummary>>("/api/conversations", parent)), c => c.ConversationId == posted.ConversationId);
            Assert.Equal(["The school is closed on Friday for the snow"], (await Api.Thread(parent, posted.ConversationId)).Messages.Select(m => m.Text));
        }

        Assert.Empty((await Api.Inbox(elsewhere)).Items);
        Assert.DoesNotContain(elsewhereApp.All<MessageNotice>(Received), n => n.MessageId == posted.MessageId);
        Assert.DoesNotContain(await Api.Get<List<ConversationSummary>>("/api/conversations", elsewhere), c => c.ConversationId == posted.ConversationId);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/conversations/{posted.ConversationId}/messages", null, elsewhere);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/conversations/{posted.ConversationId}/messages", null, other.Leader);
        // Families read it, they do not answer it.
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"/api/conversations/{posted.ConversationId}/messages", new PostMessage("Ok!", null, false), first);
        // Sealed like every message body: the text is nowhere in the database in plaintext.
        Assert.DoesNotContain("closed on Friday for the snow", await DatabaseDump.TakeAsync());
    }

    [Fact]
    public async Task a_restricted_guardian_gets_nothing_and_a_guardian_who_muted_every_class_gets_it_in_the_inbox_but_pushed_only_when_urgent()
    {
        var world = await Api.CreateWorld();
        var restricted = await Api.GuardianOf(world.Teacher, world.Students[0], "Restricted");
        var muted = await Api.GuardianOf(world.Teacher, world.Students[1], "Muted");
        var allowed = await Api.GuardianOf(world.Teacher, world.Students[2], "Allowed");
        await Api.RestrictGuardian(world.Leader, world.Students[0], restricted.UserId);
        restricted = await Api.SignInAgain(restricted);
        Assert.Equal(HttpStatusCode.NoContent, (await Api.Send(HttpMethod.Post, $"/api/guardians/me/muted-classes/{world.ClassId}", null, muted)).Status);
        await using var restrictedApp = await HubClient.Connect(App, restricted);
        await using var mutedApp = await HubClient.Connect(App, muted);
        await using var allowedApp = await HubClient.Connect(App, allowed);

        var quiet = await AnnounceToSchool(world.Leader, "Parents' evening on Tuesday");
        Assert.Equal(2, quiet.Recipients);
        await allowedApp.WaitFor<MessageNotice>(Received, n => n.MessageId == quiet.MessageId);
        var urgent = await AnnounceToSchool(world.Leader, "Evacuation drill now", urgent: true);
        await mutedApp.WaitFor<MessageNotice>(Received, n => n.MessageId == urgent.MessageId && n.Urgent);
        await allowedApp.WaitFor<MessageNotice>(Received, n => n.MessageId == urgent.MessageId);
        Assert.DoesNotContain(mutedApp.All<MessageNotice>(Received), n => n.MessageId == quiet.MessageId);
        Assert.Empty(restrictedApp.All<MessageNotice>(Received));

        await ProjectionsCaughtUp();
        Assert.Equal(["Evacuation drill now", "Parents' evening on Tuesday"], (await Api.Inbox(muted)).Items.Select(i => i.Message.Text).OrderBy(t => t));
        Assert.Empty((await Api.Inbox(restricted)).Items);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/conversations/{quiet.ConversationId}/messages", null, restricted);
    }

    [Fact]
    public async Task only_a_leader_announces_to_the_school_and_bad_input_is_refused_without_committing_anything()
    {
        var world = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);

        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, Url, new PostSchoolAnnouncement("Hi", false), world.Teacher);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, Url, new PostSchoolAnnouncement("Hi", false), parent);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, Url, new PostSchoolAnnouncement("Hi", false), world.Dpo);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, Url, new PostSchoolAnnouncement("Hi", false), null);
        Assert.Contains("text", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Url, new PostSchoolAnnouncement(" ", false), world.Leader)).Errors!.Keys);
        Assert.Contains("text", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Url,
            new PostSchoolAnnouncement(new string('x', 1_000_000), false), world.Leader)).Errors!.Keys);
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, Url, null, world.Leader);

        await ProjectionsCaughtUp();
        Assert.Empty((await Api.Inbox(parent)).Items);
        Assert.Empty(await Api.Get<List<ConversationSummary>>("/api/conversations", world.Leader));
        Assert.Empty(await Api.Get<List<ConversationSummary>>("/api/conversations", parent));
    }
}
