using System.Collections.Concurrent;
using ClassComms.Conversations;
using ClassComms.Guardians;
using ClassComms.Notifications;
using ClassComms.Tests.Support;
using JasperFx.Events.Daemon;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Notifications;

/// <summary>
/// "On push, read after your cursor" must find the item: a push is never ahead of the feed and inbox it points to.
/// Each client reads from inside its SignalR callback, i.e. at the moment of receipt, as a phone app would.
/// </summary>
public sealed class when_a_push_arrives(AppFixture app) : IntegrationTest(app)
{
    private const int Pushes = 100;

    [Fact]
    public async Task the_feed_read_at_each_point_push_returns_that_point()
    {
        var world = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var reads = new ConcurrentQueue<(PointNotice Notice, FeedPage Page)>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var phone = await ConnectAsync(parent);
        phone.On<PointNotice>(nameof(INotificationClient.PointAwarded), async notice =>
        {
            // The page starting just before the notice's cursor must begin with the pushed point.
            var page = await Api.Get<FeedPage>($"/api/guardians/me/feed?after={notice.Cursor - 1}&limit=1", parent);
            reads.Enqueue((notice, page));
            if (reads.Count == Pushes) done.TrySetResult();
        });

        // Back to back, without waiting for receipts: pushes and later commits overlap.
        var awarded = new List<Guid>();
        for (var i = 0; i < Pushes; i++)
        {
            var skill = i % 2 == 0 ? world.Positive.Id : world.NeedsWork.Id;
            awarded.Add((await Api.Award(world.Teacher, world.ClassId, skill, [world.Students[0]], i % 3 == 0 ? $"Note {i}" : null)).Points[0].PointId);
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(awarded.Order(), reads.Select(r => r.Notice.PointId).Order());
        Assert.All(reads, r =>
        {
            Assert.NotNull(r.Notice.Cursor);
            var first = Assert.Single(r.Page.Items);
            Assert.Equal(r.Notice.PointId, first.PointId);
            Assert.Equal(r.Notice.Cursor, first.Cursor);
        });
    }

    [Fact]
    public async Task the_inbox_read_after_the_previous_cursor_at_each_message_push_holds_that_message()
    {
        var world = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];
        await ProjectionsCaughtUp();
        var start = (await Api.Inbox(parent)).Cursor;

        // The client the README describes: keep the last cursor, and on each push read everything after it.
        var cursor = start;
        var seen = new HashSet<Guid>();
        var missed = new ConcurrentQueue<MessageNotice>();
        var received = new ConcurrentQueue<MessageNotice>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var phone = await ConnectAsync(parent);
        phone.On<MessageNotice>(nameof(INotificationClient.MessageReceived), async notice =>
        {
            // The opening message's own push may still arrive after connecting (nothing waits for it): not one of these.
            if (notice.MessageId == thread.MessageId) return;
            InboxPage page;
            do
            {
                page = await Api.Inbox(parent, cursor);
                foreach (var item in page.Items) seen.Add(item.Message.MessageId);
                cursor = page.Cursor;
            } while (page.Items.Count > 0);

            if (!seen.Contains(notice.MessageId) || notice.Cursor is null || notice.Cursor <= start) missed.Enqueue(notice);
            received.Enqueue(notice);
            if (received.Count == Pushes) done.TrySetResult();
        });

        var sent = new List<Guid>();
        for (var i = 0; i < Pushes; i++)
        {
            sent.Add(i % 4 == 3
                ? (await Api.Announce(world.Teacher, world.ClassId, $"Announcement {i}")).MessageId
                : (await Api.Reply(world.Teacher, thread.ConversationId, $"Message {i}")).MessageId);
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(sent.Order(), received.Select(n => n.MessageId).Order());
        Assert.Empty(missed);
    }

    [Fact]
    public async Task while_the_projection_daemon_is_paused_the_push_still_arrives_and_the_inbox_holds_the_message()
    {
        var world = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];
        await using var phone = await HubClient.Connect(App, parent);
        var daemon = Host.Services.GetRequiredService<IProjectionCoordinator>();
        await daemon.PauseAsync();
        try
        {
            // The inbox is written in the message's own transaction: nothing waits for the async daemon.
            var reply = await Api.Reply(world.Teacher, thread.ConversationId, "Written while the daemon is paused");
            var notice = await phone.WaitFor<MessageNotice>(nameof(INotificationClient.MessageReceived), n => n.MessageId == reply.MessageId);
            var page = await Api.Inbox(parent, notice.Cursor!.Value - 1);
            Assert.Equal(reply.MessageId, page.Items[0].Message.MessageId);
        }
        finally
        {
            await daemon.ResumeAsync();
        }
    }

    private async Task<HubConnection> ConnectAsync(Session who)
    {
        var connection = HubClient.NewConnection(Host.GetTestServer(), who.Token);
        await connection.StartAsync();
        return connection;
    }
}
