using System.Net;
using ClassComms.Conversations;
using ClassComms.Guardians;
using ClassComms.Notifications;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Audience;

/// <summary>
/// The history rule (Audience/Visibility.cs, README "Visibility rules"): a guardian linked to a child after a shared thread
/// began reads it from their link on, but sees the child's whole record (points). Through the HTTP API and the hub.
/// </summary>
public sealed class when_a_guardian_is_linked_later(AppFixture app) : IntegrationTest(app)
{
    private const string Received = nameof(INotificationClient.MessageReceived);
    private const string Withdrawn = nameof(INotificationClient.MessageWithdrawn);

    [Fact]
    public async Task the_second_parent_reads_the_shared_thread_from_their_link_on_and_every_point_of_the_child()
    {
        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, ada, "Mum");
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [ada], "Helped a friend");
        var thread = Assert.Single((await Api.StartConversation(world.Teacher, ada, "Can we talk about the weekend arrangement?",
            ConversationKinds.Shared)).Threads);
        var mumsReply = await Api.Reply(mum, thread.ConversationId, "Yes, but not in front of her father please");

        var dad = await Api.GuardianOf(world.Teacher, ada, "Dad");
        await using var dadApp = await HubClient.Connect(App, dad);
        var welcome = await Api.Reply(world.Teacher, thread.ConversationId, "Welcome to Ada's thread, both of you");
        await dadApp.WaitFor<MessageNotice>(Received, n => n.MessageId == welcome.MessageId);
        await Api.Award(world.Teacher, world.ClassId, world.NeedsWork.Id, [ada]);

        // The thread, its pages, the inbox and the conversation list: from the link on.
        Assert.Equal(["Welcome to Ada's thread, both of you"], (await Api.Thread(dad, thread.ConversationId)).Messages.Select(m => m.Text));
        Assert.Equal([welcome.MessageId], (await Api.Inbox(dad)).Items.Select(i => i.Message.MessageId));
        var listed = Assert.Single(await Api.Get<List<ConversationSummary>>("/api/conversations", dad), c => c.ConversationId == thread.ConversationId);
        Assert.True(listed.Participant);
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get,
            $"/api/conversations/{thread.ConversationId}/messages?before={mumsReply.MessageId}", null, dad);
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/read",
            new MarkRead([mumsReply.MessageId]), dad);
        // The first parent and the teacher still read all of it.
        Assert.Equal(3, (await Api.Thread(mum, thread.ConversationId)).Messages.Count);
        Assert.Equal(3, (await Api.Thread(world.Teacher, thread.ConversationId)).Messages.Count);

        // The child's own record: every point, those from before the link included.
        var history = await Api.GetHistory(dad, ada);
        Assert.Equal(2, history.Points.Count);
        Assert.Equal(2, (await Api.Get<FeedPage>("/api/guardians/me/feed", dad)).Items.Count(i => i.Kind == FeedKinds.PointAwarded));
    }

    [Fact]
    public async Task unsending_a_message_from_before_the_link_is_pushed_to_the_first_parent_and_not_to_the_second()
    {
        var world = await Api.CreateWorld();
        var (ada, ben) = (world.Students[0], world.Students[1]);
        var mum = await Api.GuardianOf(world.Teacher, ada, "Mum");
        var dad = await Api.GuardianOf(world.Teacher, ben, "Dad");
        var adasCode = await Api.IssueCode(world.Teacher, ada);
        var thread = Assert.Single((await Api.StartConversation(world.Teacher, ada, "Hello", ConversationKinds.Shared)).Threads);
        await using var mumApp = await HubClient.Connect(App, mum);
        await using var dadApp = await HubClient.Connect(App, dad);
        await using var teacherApp = await HubClient.Connect(App, world.Teacher);

        // Within the unsend window: the message, then Dad links Ada (one request), then the teacher unsends it.
        var oops = await Api.Reply(world.Teacher, thread.ConversationId, "Sent to the wrong family");
        await Api.Post<ChildLinked>("/api/guardians/me/children", new LinkChild(adasCode.Code), dad, HttpStatusCode.OK);
        await Api.Delete($"/api/conversations/{thread.ConversationId}/messages/{oops.MessageId}", world.Teacher);

        await mumApp.WaitFor<MessageNotice>(Withdrawn, n => n.MessageId == oops.MessageId);
        await teacherApp.WaitFor<MessageNotice>(Withdrawn, n => n.MessageId == oops.MessageId);
        var probe = await Api.Reply(world.Teacher, thread.ConversationId, "Probe");
        await dadApp.WaitFor<MessageNotice>(Received, n => n.MessageId == probe.MessageId);
        Assert.DoesNotContain(dadApp.All<MessageNotice>(Withdrawn), n => n.MessageId == oops.MessageId);
        Assert.DoesNotContain(dadApp.All<MessageNotice>(Received), n => n.MessageId == oops.MessageId);
        Assert.Equal(["Probe"], (await Api.Thread(dad, thread.ConversationId)).Messages.Select(m => m.Text));
    }
}
