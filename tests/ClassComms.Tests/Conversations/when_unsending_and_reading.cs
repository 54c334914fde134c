using System.Net;
using ClassComms.Conversations;
using ClassComms.Notifications;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Conversations;

public sealed class when_unsending_and_reading(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task an_unsent_message_shows_as_withdrawn_without_its_content_everywhere()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];
        await using var mumApp = await HubClient.Connect(App, mum);
        var oops = await Api.Reply(world.Teacher, thread.ConversationId, "Sent to the wrong family, sorry");

        var (status, _, _) = await Api.Send(HttpMethod.Delete, $"/api/conversations/{thread.ConversationId}/messages/{oops.MessageId}", null, world.Teacher);
        Assert.Equal(HttpStatusCode.NoContent, status);
        await mumApp.WaitFor<MessageNotice>(nameof(INotificationClient.MessageWithdrawn), n => n.MessageId == oops.MessageId);

        var withdrawn = (await Api.Thread(mum, thread.ConversationId)).Messages.Single(m => m.MessageId == oops.MessageId);
        Assert.True(withdrawn.Withdrawn);
        Assert.Null(withdrawn.Text);
        await ProjectionsCaughtUp();
        var inbox = await Api.Inbox(mum);
        Assert.DoesNotContain(inbox.Items, i => i.Message.Text == "Sent to the wrong family, sorry");
        Assert.Contains(inbox.Items, i => i.Message.MessageId == oops.MessageId && i.Message.Withdrawn);
    }

    [Fact]
    public async Task only_the_sender_unsends_once_and_only_within_the_window()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];
        var url = $"/api/conversations/{thread.ConversationId}/messages/{thread.MessageId}";

        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Delete, url, null, mum);
        await Api.Send(HttpMethod.Delete, url, null, world.Teacher);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Delete, url, null, world.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, $"/api/conversations/{thread.ConversationId}/messages/{Guid.CreateVersion7()}", null, world.Teacher);

        var late = await Api.Reply(mum, thread.ConversationId, "A reply");
        Clock.Advance(AppFixture.UnsendWindow + TimeSpan.FromSeconds(1));
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Delete, $"/api/conversations/{thread.ConversationId}/messages/{late.MessageId}", null, mum);
    }

    [Fact]
    public async Task read_receipts_show_the_sender_who_read_what()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var dad = await Api.GuardianOf(world.Teacher, world.Students[0], "Dad");
        var thread = Assert.Single((await Api.StartConversation(world.Teacher, world.Students[0], "Please sign the form", ConversationKinds.Shared)).Threads);
        await using var teacherApp = await HubClient.Connect(App, world.Teacher);

        var (status, _, _) = await Api.Send(HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/read", new MarkRead([thread.MessageId]), mum);
        Assert.Equal(HttpStatusCode.NoContent, status);
        var receipt = await teacherApp.WaitFor<ReadNotice>(nameof(INotificationClient.MessagesRead), n => n.ReaderId == mum.UserId);
        Assert.Equal([thread.MessageId], receipt.MessageIds);

        var teacherView = Assert.Single((await Api.Thread(world.Teacher, thread.ConversationId)).Messages);
        Assert.Equal([mum.UserId], teacherView.ReadBy!.Select(r => r.ReaderId));
        Assert.Null(Assert.Single((await Api.Thread(dad, thread.ConversationId)).Messages).ReadBy);

        // The guardian sees whether the teacher read theirs.
        var reply = await Api.Reply(dad, thread.ConversationId, "Signed");
        await Api.Send(HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/read", new MarkRead([reply.MessageId]), world.Teacher);
        var dadsView = (await Api.Thread(dad, thread.ConversationId)).Messages.Single(m => m.MessageId == reply.MessageId);
        Assert.Contains(dadsView.ReadBy!, r => r.ReaderId == world.Teacher.UserId);

        Assert.Contains("messageIds", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/read",
            new MarkRead([Guid.CreateVersion7()]), mum)).Errors!.Keys);
    }

    [Fact]
    public async Task the_inbox_pages_by_cursor_and_an_unlinked_guardian_stops_receiving_at_once()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "One")).Threads[0];
        await Api.Reply(world.Teacher, thread.ConversationId, "Two");
        await Api.Reply(world.Teacher, thread.ConversationId, "Three");
        await ProjectionsCaughtUp();

        var first = await Api.Get<InboxPage>("/api/inbox?limit=2", mum);
        var rest = await Api.Inbox(mum, first.Cursor);
        Assert.Equal(["One", "Two", "Three"], first.Items.Concat(rest.Items).Select(i => i.Message.Text));
        Assert.Empty((await Api.Inbox(mum, rest.Cursor)).Items);

        var (status, _, _) = await Api.Send(HttpMethod.Delete, $"/api/students/{world.Students[0]}/guardians/{mum.UserId}", null, world.Leader);
        Assert.Equal(HttpStatusCode.NoContent, status);
        mum = await Api.SignInAgain(mum);
        await using var mumApp = await HubClient.Connect(App, mum);
        var after = await Api.Reply(world.Teacher, thread.ConversationId, "Four");
        await using var teacherApp = await HubClient.Connect(App, world.Teacher);
        var probe = await Api.Reply(world.Teacher, thread.ConversationId, "Five");
        await teacherApp.WaitFor<MessageNotice>(nameof(INotificationClient.MessageReceived), n => n.MessageId == probe.MessageId);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.DoesNotContain(mumApp.All<MessageNotice>(nameof(INotificationClient.MessageReceived)), n => n.MessageId == after.MessageId || n.MessageId == probe.MessageId);
        Assert.Empty((await Api.Inbox(mum)).Items);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/conversations/{thread.ConversationId}/messages", null, mum);
    }
}
